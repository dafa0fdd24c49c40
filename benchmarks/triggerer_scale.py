"""Triggerer scale: 1,000 deferred waits in one event loop, against the emulator in another process.

The waits (a quarter of each trigger kind) are made as the operators make them, then run to their
events in one asyncio loop pinned to one core, while remote runs finish at random times over a few
minutes of virtual time. Reported: peak RSS of the trigger process, CPU time per status poll,
requests per second the emulator served, and that every wait ended with the right outcome. The same
number of ``HttpSensorTrigger`` (apache-airflow-providers-http) then poll the same emulator for the
same time as the anchor (they cannot sign requests, so they poll a path that answers 404, on which
that trigger keeps polling; each poll is one HTTP round trip, as ours).

    python benchmarks/triggerer_scale.py [--waits 1000] [--poll-interval 5] [--speed 4]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import PYTHON, ROOT, EmulatorProcess, airflow_env, emit, table
from benchmarks._scenario import act_on_all, build


def run_load(job: dict, env: dict[str, str]) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(job, handle)
    output = subprocess.run(
        [PYTHON, str(ROOT / "benchmarks" / "_trigger_load.py"), handle.name],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    lines = [line for line in output.stdout.splitlines() if line.startswith("LOAD ")]
    if not lines:
        sys.exit(f"the trigger process failed:\n{output.stdout[-3000:]}\n{output.stderr[-3000:]}")
    return json.loads(lines[-1][5:])


def prepare(waits: int, poll_interval: float, emulator: EmulatorProcess, scenario: dict) -> tuple[list, dict]:
    """Act on every target (as the operators do); return the serialized triggers and the load env."""
    env = airflow_env(AIRFLOW_CONN_DATAARTS_DEFAULT=emulator.connection_json(scenario))
    os.environ["AIRFLOW_CONN_DATAARTS_DEFAULT"] = env["AIRFLOW_CONN_DATAARTS_DEFAULT"]
    return act_on_all(scenario["_targets"], poll_interval, deadline_s=900), env


def by_api(log: list[dict]) -> collections.Counter:
    """Requests per API: the project, job names and ids in the path folded into placeholders."""
    keywords = {"detail", "retry", "restart", "result", "stop"}

    def fold(path: str) -> str:
        parts = path.split("/")
        for index in range(3, len(parts)):
            if parts[index - 1] in ("jobs", "visualization-jobs", "instances") and parts[index] not in keywords:
                parts[index] = "{name}" if parts[index - 1].endswith("jobs") else "{id}"
        return "/".join([*parts[:2], "{project}", *parts[3:]])

    return collections.Counter(f"{entry['method']} {fold(entry['path'])}" for entry in log)


def check_outcomes(targets: list[dict], events: list[dict]) -> int:
    """How many waits ended with the outcome the scenario scripted (success or failure)."""
    right = 0
    for target, event in zip(targets, events):
        right += event["status"] == ("success" if target["succeed"] else "failed")
    return right


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waits", type=int, default=1000)
    parser.add_argument("--poll-interval", type=float, default=5.0)
    parser.add_argument("--speed", type=float, default=4.0, help="virtual seconds per real second")
    parser.add_argument("--ours-only", action="store_true", help="skip the anchor (for quick comparisons)")
    args = parser.parse_args()
    scenario = build(args.waits)
    targets = scenario["_targets"]
    with EmulatorProcess({k: v for k, v in scenario.items() if k != "_targets"}, speed=0) as emulator:
        admin = emulator.admin()
        started = time.monotonic()
        triggers, env = prepare(args.waits, args.poll_interval, emulator, scenario)
        print(f"acted on {len(triggers)} remote runs in {time.monotonic() - started:.1f} s; running the waits")
        admin.clear_requests()
        admin.set_speed(args.speed)
        emulator_cpu = emulator.cpu_seconds()
        ours = run_load({"impl": "ours", "triggers": triggers}, env)
        ours_log = admin.requests()
        ours_requests = len(ours_log)
        ours_emulator_cpu = emulator.cpu_seconds() - emulator_cpu
        project = scenario.get("project_id", "0123456789abcdef0123456789abcdef")
        if args.ours_only:
            print(f"ours only: {ours['cpu_s'] / max(1, ours['polls']) * 1000:.2f} ms CPU/poll, {ours['polls']} polls")
            return
        admin.clear_requests()
        anchor_env = {**env, "AIRFLOW_CONN_HTTP_DEFAULT": emulator.url}
        anchor = run_load(
            {
                "impl": "http",
                "count": args.waits,
                "endpoint": f"/v1/{project}/bench-missing/{{n}}",
                "poke_interval": args.poll_interval,
                "duration": ours["wall_s"],
            },
            anchor_env,
        )
        anchor_requests = len(admin.requests())
    right = check_outcomes(targets, ours["events"])
    ours_per_poll = ours["cpu_s"] / max(1, ours["polls"]) * 1000
    anchor_per_poll = anchor["cpu_s"] / max(1, anchor["polls"]) * 1000
    rows = [
        ["waits in one event loop", args.waits, args.waits, ""],
        ["wall time (s)", f"{ours['wall_s']:.0f}", f"{anchor['wall_s']:.0f}", ""],
        ["status polls", ours["polls"], anchor["polls"], ""],
        ["requests the emulator served", ours_requests, anchor_requests, ""],
        [
            "emulator requests/s",
            f"{ours_requests / ours['wall_s']:.0f}",
            f"{anchor_requests / anchor['wall_s']:.0f}",
            "",
        ],
        [
            "CPU ms per status poll",
            f"{ours_per_poll:.2f}",
            f"{anchor_per_poll:.2f}",
            f"{ours_per_poll / anchor_per_poll:.2f}x",
        ],
        [
            "peak RSS of the trigger process (MB)",
            f"{ours['maxrss_mb']:.0f}",
            f"{anchor['maxrss_mb']:.0f}",
            f"{ours['maxrss_mb'] / anchor['maxrss_mb']:.2f}x",
        ],
        ["waits ended with the right outcome", f"{right}/{len(targets)}", "n/a (never ends)", ""],
    ]
    print(table(rows, ["", "airflow-provider-dataarts", "HttpSensorTrigger (anchor)", "ratio"]))
    print(
        f"goals: peak RSS <= 200 MB ({ours['maxrss_mb']:.0f}); CPU per poll <= 0.5x the anchor's "
        f"({ours_per_poll / anchor_per_poll:.2f}x); all outcomes right ({right == len(targets)})"
    )
    print(f"emulator CPU during our waits: {ours_emulator_cpu:.1f} s")
    print("our requests by API: " + ", ".join(f"{name} {count}" for name, count in by_api(ours_log).most_common()))
    emit(
        {
            "benchmark": "triggerer_scale",
            "waits": args.waits,
            "rss_mb": round(ours["maxrss_mb"]),
            "cpu_ms_per_poll": round(ours_per_poll, 3),
            "anchor_cpu_ms_per_poll": round(anchor_per_poll, 3),
            "cpu_ratio": round(ours_per_poll / anchor_per_poll, 2),
            "anchor_rss_mb": round(anchor["maxrss_mb"]),
            "emulator_rps": round(ours_requests / ours["wall_s"]),
            "right_outcomes": right,
            "polls": ours["polls"],
        }
    )
    if right != len(targets):
        sys.exit("some waits ended with the wrong outcome")


if __name__ == "__main__":
    main()
