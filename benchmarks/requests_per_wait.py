"""Requests per wait: the emulator's request log for one act-then-wait of each operator.

Each operator runs deferred against a frozen virtual clock, so the counts do not depend on timing:
the task reads the run and acts, polls once, defers; the clock then moves past the run's end and the
trigger polls once more and reports. Counted by phase, with AK/SK and with an IAM password.

    python benchmarks/requests_per_wait.py
"""

from __future__ import annotations

import asyncio
import collections
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import airflow_env, emit, table

CASES = {
    "DataArtsRestartInstanceOperator": (
        "airflow_provider_dataarts.operators.factory",
        "DataArtsRestartInstanceOperator",
        {"job_name": "nightly_sales", "instance_id": 34766},
    ),
    "DataArtsRetryInstancesOperator": (
        "airflow_provider_dataarts.operators.factory",
        "DataArtsRetryInstancesOperator",
        {
            "job_name": "daily report café",
            "retry_location": "errorNode",
            "retry_task_version": "original_version",
            "begin_time": 1795305600000,
            "end_time": 1795320000000,
            "jobs": [],
        },
    ),
    "DataArtsRerunQualityOperator": (
        "airflow_provider_dataarts.operators.quality",
        "DataArtsRerunQualityOperator",
        {"rule_id": "1440764172232392706", "rule_type": 2},
    ),
    "ModelArtsRestartVisualizationOperator": (
        "airflow_provider_dataarts.operators.modelarts",
        "ModelArtsRestartVisualizationOperator",
        {"job_id": "10"},
    ),
    "DataArtsRunJobOperator": (
        "airflow_provider_dataarts.operators.jobs",
        "DataArtsRunJobOperator",
        {"job_name": "weekly_archive", "job_params": {"day": "2026-11-22"}},
    ),
    "DataArtsStopJobOperator (real-time job)": (
        "airflow_provider_dataarts.operators.jobs",
        "DataArtsStopJobOperator",
        {"job_name": "clickstream_realtime"},
    ),
}


def one_wait(emulator, module: str, name: str, arguments: dict) -> dict[str, collections.Counter]:
    """Run one operator deferred; the emulator's routes counted per phase."""
    import importlib

    from airflow.providers.common.compat.sdk import TaskDeferred

    from tests.operators.harness import first_event, make_context, rebuild

    operator = getattr(importlib.import_module(module), name)(
        task_id="t", deferrable=True, poll_interval=0.01, workspace="ws-default", **arguments
    )
    seen = emulator.admin.requests()[-1]["seq"] if emulator.admin.requests() else 0
    phases: dict[str, collections.Counter] = {}
    context = make_context()
    try:
        operator.execute(context)
        raise RuntimeError("the operator did not defer")
    except TaskDeferred as deferred:
        phases["task: read, act, first poll"], seen = _since(emulator, seen)
        emulator.admin.advance(600)  # the run ends
        event = asyncio.run(first_event(rebuild(deferred.trigger)))
        phases["trigger: polls until the end"], seen = _since(emulator, seen)
        operator.execute_complete(context, event=event.payload)
        phases["task: resume"], seen = _since(emulator, seen)
    return phases


def _since(emulator, seen: int) -> tuple[collections.Counter, int]:
    entries = [entry for entry in emulator.admin.requests() if entry["seq"] > seen]
    return collections.Counter(entry["route"] for entry in entries), max([seen, *(e["seq"] for e in entries)])


def describe(counter: collections.Counter) -> str:
    return ", ".join(f"{count} {route}" for route, count in sorted(counter.items())) or "none"


def main() -> None:
    airflow_env()
    from airflow_provider_dataarts.emulator import Emulator

    rows, results = [], {}
    from airflow_provider_dataarts.api.iam import TOKENS
    from airflow_provider_dataarts.hooks import dataarts_async

    for auth in ("aksk", "password"):
        TOKENS.clear()  # a fresh process's view: no cached token or connection
        dataarts_async._SETTINGS.clear()
        with Emulator(speed=0) as emulator:
            os.environ["AIRFLOW_CONN_DATAARTS_DEFAULT"] = emulator.connection_json(auth)
            for label, (module, name, arguments) in CASES.items():
                phases = one_wait(emulator, module, name, arguments)
                total = sum(sum(counter.values()) for counter in phases.values())
                iam = sum(counter["iam.token"] for counter in phases.values())
                rows.append([label, auth, *(describe(counter) for counter in phases.values()), total, iam])
                results[f"{label}/{auth}"] = {"total": total, "iam": iam}
    print(
        table(
            rows,
            [
                "operator",
                "auth",
                "task: read, act, first poll",
                "trigger: polls until the end",
                "task: resume",
                "total",
                "IAM calls",
            ],
        )
    )
    print(
        "Each further poll of a wait costs one status read (plus list pages for quality instances past the "
        "first 100). IAM: one token per credential per process per token lifetime; AK/SK: none."
    )
    emit({"benchmark": "requests_per_wait", "results": json.loads(json.dumps(results))})


if __name__ == "__main__":
    main()
