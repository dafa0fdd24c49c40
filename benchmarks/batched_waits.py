"""Batched waits: one list read serves many deferred waits, so the rate limit stops deciding latency.

Two workloads, each run twice in this one run - with the list observers (batched) and with every wait
polling its own run (per-run, as before) - against the same scenario, reset in between:

- backfill: 1,000 deferred waits under the gateway's limit (40 requests per 10 s per credential). The
  v1 and v2 waits are 50 instances of each of 5 jobs per kind (a backfill); the quality waits are
  reruns of 250 jobs (a job reruns once at a time) served by one workspace list, and the ModelArts
  waits 250 visualization jobs served by one project list. Runs last 30 s to ``--longest-run``
  (virtual), so at 2x they end over about four real minutes; the waits poll at the operators' default.
- no regression: 1,000 waits over 1,000 distinct jobs (no two share a list), without a limit: batching
  cannot help, and must cost no more requests, lateness or CPU.

Reported: requests, 429s, waits failed, right outcomes, how late each wait learned that its run ended
(median, p95), CPU per status poll. The last line is the RESULT of the backfill workload.

    python benchmarks/batched_waits.py [--waits 1000] [--poll-interval 30] [--longest-run 480] [--speed 2]

Where batching stops helping: a run's end costs a read the list does not replace (a v1 instance's
detail, a quality run's per-rule results, a failed v2 run's nodes). Those reads must fit in what the
list reads leave of the limit; ``--poll-interval 5 --longest-run 120`` (1,000 ends within a minute)
shows the ends queueing behind the budget (see docs/performance.md).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import EmulatorProcess, emit, percentile, table
from benchmarks._scenario import build
from benchmarks.rate_limit import run_ends
from benchmarks.triggerer_scale import by_api, check_outcomes, prepare, run_load


def measure(scenario: dict, args: argparse.Namespace, per_run: bool, limit: int | None) -> dict:
    """One run of the scenario's waits in a triggerer-like process: its figures."""
    targets = scenario["_targets"]
    with EmulatorProcess({k: v for k, v in scenario.items() if k != "_targets"}, speed=0) as emulator:
        admin = emulator.admin()
        triggers, env = prepare(len(targets), args.poll_interval, emulator, scenario)
        if limit is not None:
            admin.rate_limit(limit, window=10.0)
        admin.clear_requests()
        clock = admin.set_speed(args.speed)
        start_real, start_v = time.time(), clock["now"]
        load = run_load({"impl": "ours", "triggers": triggers, "per_run": per_run}, env)
        log = admin.requests()
        ends = run_ends(admin.state(), scenario, targets, start_v)
    ideal = [start_real + (end - start_v) / 1000 / args.speed for end in ends]
    late = [event["learned_at"] - moment for event, moment in zip(load["events"], ideal)]
    return {
        "requests": len(log),
        "throttled": sum(entry["status"] == 429 for entry in log),
        "failed": sum(event["status"] not in ("success", "failed") for event in load["events"]),
        "right": check_outcomes(targets, load["events"]),
        "median": percentile(late, 0.5),
        "p95": percentile(late, 0.95),
        "cpu_ms_per_poll": load["cpu_s"] / max(1, load["polls"]) * 1000,
        "cpu_s": load["cpu_s"],
        "wall_s": load["wall_s"],
        "by_api": by_api(log),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waits", type=int, default=1000)
    parser.add_argument("--limit", type=int, default=40, help="requests per 10 s per credential (backfill)")
    parser.add_argument("--poll-interval", type=float, default=30.0, help="the operators' default")
    parser.add_argument("--speed", type=float, default=2.0, help="virtual seconds per real second")
    parser.add_argument(
        "--longest-run", type=float, default=480.0, help="backfill runs last 30 s to this (virtual seconds)"
    )
    args = parser.parse_args()
    per_kind = args.waits // 4
    backfill = build(args.waits, max_duration=args.longest_run, per_job=per_kind // 5)
    distinct = build(args.waits, max_duration=120.0, per_job=1)
    runs = {}
    for name, scenario, limit in (("backfill", backfill, args.limit), ("distinct jobs", distinct, None)):
        for mode in ("batched", "per-run"):
            print(f"{name}, {mode}: {len(scenario['_targets'])} waits ...", flush=True)
            runs[name, mode] = measure(scenario, args, mode == "per-run", limit)
    rows = []
    for (name, mode), run in runs.items():
        limit_text = f"{args.limit}/10s" if name == "backfill" else "none"
        rows.append(
            [
                name,
                mode,
                limit_text,
                run["requests"],
                run["throttled"],
                run["failed"],
                f"{run['right']}/{args.waits}",
                f"{run['median']:.1f} / {run['p95']:.1f}",
                f"{run['cpu_ms_per_poll']:.2f}",
                f"{run['cpu_s']:.1f}",
                f"{run['wall_s']:.0f}",
            ]
        )
    print(
        table(
            rows,
            [
                "workload",
                "polling",
                "limit",
                "requests",
                "429s",
                "failed",
                "right",
                "late p50 / p95 (s)",
                "CPU ms/poll",
                "CPU s",
                "wall s",
            ],
        )
    )
    for key, run in runs.items():
        print(f"{key[0]}, {key[1]}: " + ", ".join(f"{api} {n}" for api, n in run["by_api"].most_common()))
    ours, before = runs["backfill", "batched"], runs["backfill", "per-run"]
    goals = (
        ours["median"] <= 2 * args.poll_interval,
        ours["p95"] <= 4 * args.poll_interval,
        ours["failed"] == 0 and ours["right"] == args.waits,
    )
    print(
        f"goals (backfill, batched): median <= 2 x poll interval {goals[0]}, p95 <= 4 x {goals[1]}, "
        f"no failures and all outcomes right {goals[2]}; 429s {ours['throttled']} (none of them failed a wait)"
    )
    emit(
        {
            "benchmark": "batched_waits",
            "median_late_s": round(ours["median"], 1),
            "p95_late_s": round(ours["p95"], 1),
            "poll_interval_s": args.poll_interval,
            "requests": ours["requests"],
            "per_run_median_late_s": round(before["median"], 1),
            "right_outcomes": ours["right"],
            "waits": args.waits,
        }
    )
    if not all(goals):
        sys.exit("a goal of the backfill workload was missed")


if __name__ == "__main__":
    main()
