"""The fault-injection soak: many DAG runs through ``dag.test()`` while the emulator misbehaves.

    python -m tests.soak.harness --runs 200 [--workers 2] [--json out.json]      (scripts/soak.sh)

Every run restarts its own remote targets (a v1 instance, a v2 instance, a quality job, a
visualization job; about one in eight scripted to fail), runs a job once (one in eight fails) and starts
then stops a job's schedule, with every operator and two sensors,
waiting in the worker or deferred, over AK/SK or IAM tokens. Meanwhile the emulator injects at random
429s with and without Retry-After, 500/502/503, delays past the client's read timeout, connections
dropped before and after processing (the mix changes every few seconds); IAM tokens expire every few
seconds; restarts lag; and one wait per run is broken mid-way by a burst of 503s so that its task
fails and is retried. Runs are shared among worker processes, each with its own Airflow home and
its own emulator.

Printed: runs, faults by kind, duplicate actions (see ``scoring.py``), tasks whose final state
differs from the script, and of those, tasks that failed only because of injected faults. When
something went wrong, the worker processes' output (every task's log) is kept and its paths printed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tests.soak.plan import conf_for, expected_states, scenario

DAGS = Path(__file__).resolve().parent / "dags"
CHAOS = [  # the fault mix rotates every few seconds
    {"kinds": ["throttle"], "retry_after": 1},
    {"kinds": ["throttle", "status"], "status": 503},
    {"kinds": ["status", "delay"], "status": 500, "seconds": 1.5},
    {"kinds": ["status", "drop_before"], "status": 502},
    {"kinds": ["drop_after", "drop_before"]},
]


class Breaker(threading.Thread):
    """Breaks one wait of each run right after its action: a burst of 503s on the wait's status path,
    lifted as soon as the wait has given up (``MAX_ERRORS_IN_A_ROW`` failed polls of five attempts).
    That try fails, the task is retried, and the retry must pick the run up instead of acting again."""

    def __init__(self, admin: Any) -> None:
        super().__init__(daemon=True)
        self.admin, self.stop = admin, threading.Event()
        self.action: str | None = None
        self.target: str | None = None
        self.broken = 0
        self._seen = 0
        self._failures = 0
        self._breaking: str | None = None

    def run(self) -> None:
        from airflow_provider_dataarts.runs.base import MAX_ERRORS_IN_A_ROW

        while not self.stop.wait(0.1):
            entries = self.admin.requests(since=self._seen)
            if entries:
                self._seen = entries[-1]["seq"]
            if self._breaking:
                self._failures += sum(
                    1 for e in entries if e["fault"] == "status" and re.search(self._breaking, e["path"])
                )
                if self._failures >= MAX_ERRORS_IN_A_ROW * 5:
                    self.admin.clear_faults()
                    self._breaking = None
            elif self.target and any(e["path"].endswith(self.action) and e["status"] in (200, 204) for e in entries):
                self.admin.add_fault("status", path=self.target, status=503, count=100_000)
                self.broken += 1
                self._breaking, self._failures, self.target = self.target, 0, None


#: the v1 instance list (the job is in the query): deferred v1 waits read it (their group's observer)
V1_LIST = "jobs/instances/detail"


def break_point(kind: str, plan: dict[str, Any]) -> tuple[str, str]:
    """(the action's path suffix, a regex of the wait's status paths: the run's own read, and the list
    its group's observer reads when the wait is deferred - one run at a time per emulator, so breaking a
    list breaks only this run's waits on it)."""
    if kind in ("v1", "v2"):
        job = plan[kind][0].replace(" ", "%20")
        if kind == "v1":
            instance = plan["v1"][1]
            return f"/instances/{instance}/restart", f"^/v1/[^/]+/(jobs/{job}/instances/{instance}|{V1_LIST})$"
        return f"/factory/jobs/{job}/instances/retry", f"^/v2/[^/]+/factory/jobs/{job}/instances/detail"
    if kind == "vis":
        return f"/visualization-jobs/{plan['vis']}/restart", f"^/v1/[^/]+/visualization-jobs(/{plan['vis']})?$"
    if kind == "run":
        job = plan["run_job"].replace(" ", "%20")
        return f"/jobs/{job}/run-immediate", f"^/v1/[^/]+/(jobs/{job}/instances/[0-9]+|{V1_LIST})$"
    return "/quality/instances/restart", "^/v2/[^/]+/quality/instances$"


def run_worker(runs: list[int], plans: list[dict], url: str, output: str, seed: int) -> None:
    """One worker process: its share of the runs, one after another, in its own Airflow home."""
    home = Path(tempfile.mkdtemp(prefix="dataarts-soak-"))
    os.environ.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(DAGS),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__UNIT_TEST_MODE="False",
        AIRFLOW__LOGGING__LOGGING_LEVEL="WARNING",
    )
    subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], check=True, capture_output=True, timeout=300)
    try:
        from airflow.dag_processing.dagbag import DagBag  # Airflow 3.2+
    except ImportError:  # Airflow 3.1
        from airflow.models.dagbag import DagBag

    from airflow_provider_dataarts.emulator import EmulatorAdmin

    dags = DagBag(str(DAGS)).dags
    breaker = Breaker(EmulatorAdmin(url))
    breaker.start()
    rng, results = random.Random(seed), []
    for run in runs:
        plan = plans[run]
        breaker.action, breaker.target = break_point(("v1", "v2", "quality", "vis", "run")[run % 5], plan)
        dag = dags["dataarts_soak_deferred" if run % 2 else "dataarts_soak_worker"]
        started = time.monotonic()
        dag_run = dag.test(run_conf=conf_for(plan, "password" if rng.random() < 0.5 else "aksk"))
        states = {
            ti.task_id: (str(getattr(ti.state, "value", ti.state)), ti.try_number)
            for ti in dag_run.get_task_instances()
        }
        results.append(
            {
                "run": run,
                "dag": dag.dag_id,
                "states": states,
                "expected": expected_states(plan),
                "seconds": round(time.monotonic() - started, 1),
            }
        )
    breaker.stop.set()
    Path(output).write_text(json.dumps({"results": results, "broken": breaker.broken}))


#: the readings of what the documents leave open, one per worker's emulator (see docs/emulator.md)
READINGS: list[dict[str, Any]] = [
    {},
    {"list_order": "oldest_first", "v2_rerun_rows": "new", "list_offset": "record"},
    {"list_window_on": "plan_time", "token_expired_code": "APIG.0301", "gateway_code_spelling": "APIGW"},
    {"list_order": "oldest_first", "v2_rerun_rows": "new", "list_window_on": "plan_time"},
]


def soak(runs: int, workers: int, seed: int, probability: float) -> dict[str, Any]:
    """Run the soak; return its figures."""
    from airflow_provider_dataarts.emulator import Emulator
    from tests.soak.scoring import score

    world, plans = scenario(runs, seed)
    started = time.monotonic()
    # One emulator per worker: a wait broken in one worker must not break another worker's waits
    # (the quality status path names no job, so a fault on it would hit every quality wait).
    with contextlib.ExitStack() as stack:
        emulators = [stack.enter_context(Emulator(scenario=world)) for _ in range(workers)]
        for number, emulator in enumerate(emulators):  # each worker's services read the API another way
            emulator.admin.config(**READINGS[number % len(READINGS)])
        outputs = [tempfile.mktemp(suffix=".json") for _ in range(workers)]
        logs = [
            stack.enter_context(open(tempfile.mktemp(prefix=f"dataarts-soak-worker-{number}-", suffix=".log"), "w"))
            for number in range(workers)
        ]
        plan_file = tempfile.mktemp(suffix=".json")
        Path(plan_file).write_text(json.dumps(plans))
        processes = []
        for number, emulator in enumerate(emulators):
            env = dict(os.environ)
            for auth in ("aksk", "password"):
                conn = json.loads(emulator.connection_json(auth))
                conn["extra"].update(timeout=1, retry_delay=0.01)
                env[f"AIRFLOW_CONN_DATAARTS_SOAK_{auth.upper()}"] = json.dumps(conn)
            command = [sys.executable, "-m", "tests.soak.harness", "--worker", str(number), "--workers", str(workers)]
            command += ["--runs", str(runs), "--plans", plan_file, "--url", emulator.url, "--json", outputs[number]]
            command += ["--seed", str(seed)]
            processes.append(subprocess.Popen(command, env=env, stdout=logs[number], stderr=subprocess.STDOUT))
        expired = tick = 0
        while any(process.poll() is None for process in processes):
            for emulator in emulators:
                chaos = CHAOS[tick % len(CHAOS)]
                emulator.admin.chaos(seed=seed + tick, probability=probability, path="^/v[12]/", **chaos)
                emulator.admin.expire_tokens()
            expired, tick = expired + 1, tick + 1
            for _ in range(40):
                if all(process.poll() is not None for process in processes):
                    break
                time.sleep(0.1)
        log = []
        for emulator in emulators:
            emulator.admin.clear_chaos()
            log += emulator.admin.requests()
    done = [json.loads(Path(output).read_text()) for output in outputs if Path(output).exists()]
    results = sorted((result for part in done for result in part["results"]), key=lambda result: result["run"])
    broken = sum(part["broken"] for part in done)
    figures = score(plans, results, log, expired, broken, time.monotonic() - started)
    if figures["wrong final task states"] or figures["duplicate actions"]:
        figures["worker logs (task logs of every run)"] = [handle.name for handle in logs]
    else:
        for handle in logs:
            os.unlink(handle.name)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--probability", type=float, default=0.05, help="share of calls hit by a random fault")
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--plans", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        plans = json.loads(Path(args.plans).read_text())
        run_worker(
            list(range(args.worker, args.runs, args.workers)), plans, args.url, args.json, args.seed + args.worker
        )
        return
    figures = soak(args.runs, args.workers, args.seed, args.probability)
    print(json.dumps(figures, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(figures))


if __name__ == "__main__":
    main()
