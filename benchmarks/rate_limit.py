"""Staying under the API rate limit: 1,000 deferred waits in one triggerer against a throttling gateway.

The emulator enforces a per-credential limit (40 requests per 10 s by default, as documented for
DataArts APIs). The triggers share a per-credential, per-API request budget in the process, halve it
on a 429 and honour ``Retry-After``; identical reads are shared. Reported: requests sent, 429s
received, waits that failed (goal: none), and how late each wait learned that its run had ended,
against the ideal (the moment the run ended).

    python benchmarks/rate_limit.py [--waits 1000] [--limit 40] [--window 10] [--speed 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import EmulatorProcess, emit, percentile, table
from benchmarks._scenario import build
from benchmarks.triggerer_scale import check_outcomes, prepare, run_load


def run_ends(state: dict, scenario: dict, targets: list[dict], start_v: int) -> list[float]:
    """Each target's virtual end time (ms): from the emulator's state, or the visualization script."""
    factory = {i["instance_id"]: i for job in state["factory_jobs"] for i in job["instances"]}
    quality = {job["id"]: job.get("instances", []) for job in state["quality_jobs"]}
    scripts = {job["job_id"]: job["restarts"][0] for job in scenario["visualization_jobs"]}
    ends = []
    for target in targets:
        if target["kind"] in ("v1", "v2"):
            ends.append(factory[target["instance_id"]]["end_time"])
        elif target["kind"] == "quality":
            ends.append(max(i["end_time"] or 0 for i in quality[target["rule_id"]]))
        else:
            script = scripts[target["job_id"]]
            ends.append(start_v + (script["lag"] + script["step"] * (len(script["path"]) - 1)) * 1000)
    return ends


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waits", type=int, default=1000)
    parser.add_argument("--limit", type=int, default=40, help="requests per window per credential")
    parser.add_argument("--window", type=float, default=10.0, help="seconds")
    parser.add_argument("--poll-interval", type=float, default=5.0)
    parser.add_argument("--speed", type=float, default=2.0, help="virtual seconds per real second")
    args = parser.parse_args()
    scenario = build(args.waits, max_duration=120.0)
    targets = scenario["_targets"]
    with EmulatorProcess({k: v for k, v in scenario.items() if k != "_targets"}, speed=0) as emulator:
        admin = emulator.admin()
        triggers, env = prepare(args.waits, args.poll_interval, emulator, scenario)
        admin.rate_limit(args.limit, window=args.window)
        admin.clear_requests()
        clock = admin.set_speed(args.speed)
        start_real, start_v = time.time(), clock["now"]
        print(f"{len(triggers)} waits; the gateway allows {args.limit} requests per {args.window:g} s per credential")
        load = run_load({"impl": "ours", "triggers": triggers}, env)
        log = admin.requests()
        ends = run_ends(admin.state(), scenario, targets, start_v)
    throttled = sum(entry["status"] == 429 for entry in log)
    failed = [event for event in load["events"] if event["status"] not in ("success", "failed")]
    right = check_outcomes(targets, load["events"])
    ideal = [start_real + (end - start_v) / 1000 / args.speed for end in ends]
    late = [event["learned_at"] - moment for event, moment in zip(load["events"], ideal)]
    rows = [
        ["waits", args.waits],
        ["requests sent", len(log)],
        ["429s received", throttled],
        ["average request rate (per s)", f"{len(log) / load['wall_s']:.2f} (limit {args.limit / args.window:g})"],
        ["waits failed (timeout, error)", len(failed)],
        ["waits with the right outcome", f"{right}/{len(targets)}"],
        [
            "learned of the end: median / p95 / max late (s)",
            f"{percentile(late, 0.5):.0f} / {percentile(late, 0.95):.0f} / {max(late):.0f}",
        ],
        ["wall time (s)", f"{load['wall_s']:.0f}"],
    ]
    print(table(rows, ["throttled triggerer", "value"]))
    emit(
        {
            "benchmark": "rate_limit",
            "waits": args.waits,
            "requests": len(log),
            "throttled": throttled,
            "failed": len(failed),
            "right_outcomes": right,
            "late_median_s": round(percentile(late, 0.5), 1),
            "late_p95_s": round(percentile(late, 0.95), 1),
            "late_max_s": round(max(late), 1),
            "wall_s": round(load["wall_s"]),
            "limit": f"{args.limit}/{args.window:g}s",
        }
    )
    if failed or right != len(targets):
        sys.exit("some waits failed or ended with the wrong outcome")


if __name__ == "__main__":
    main()
