"""Deferred waits of one group share one list read per cycle, over HTTP against the emulator.

The waits are made as the operators make them (``prepare`` then ``act``), run as the triggerer runs
them (rebuilt from JSON, all in one event loop), and the emulator's request log is counted: each
group's list is read once per cycle of its observer, whatever the number of waits, and each run's own
detail only once, when it ended.
"""

from __future__ import annotations

import asyncio
import collections
import time
from typing import Any

import pytest

from airflow_provider_dataarts.hooks import dataarts_async
from airflow_provider_dataarts.operators.factory import DataArtsRestartInstanceOperator, DataArtsRetryInstancesOperator
from airflow_provider_dataarts.operators.modelarts import ModelArtsRestartVisualizationOperator
from airflow_provider_dataarts.operators.quality import DataArtsRerunQualityOperator
from airflow_provider_dataarts.triggers import observer as observer_module
from airflow_provider_dataarts.triggers import status
from tests.conftest import routes
from tests.operators.harness import first_event, rebuild

BASE_MS = 1_795_000_000_000
HOUR_MS = 3_600_000
PER_JOB = 12
#: which runs fail (the rest succeed)
FAILING = {3, 7}
POLL = 0.05
KINDS = ("dlf_job_instance", "factory_instances", "quality_instance", "modelarts_visualization_job")


def _scenario() -> dict[str, Any]:
    def instances(first_id: int) -> list[dict[str, Any]]:
        made = []
        for n in range(PER_JOB):
            restart = {"outcome": "fail" if n in FAILING else "success", "lag": 2, "wait": 1, "duration": 20 + 5 * n}
            if n in FAILING:
                restart["failed_node"] = "load"
            plan = BASE_MS - (n + 1) * HOUR_MS
            made.append(
                {
                    "instance_id": first_id + n,
                    "plan_time": plan,
                    "submit_time": plan,
                    "status": "fail",
                    "failed_node": "load",
                    "restarts": [restart],
                }
            )
        return made

    nodes = [{"name": "extract"}, {"name": "load"}]
    return {
        "clock": {"start": BASE_MS, "speed": 0},
        "workspaces": ["ws-default"],
        "factory_jobs": [
            {
                "name": "backfill_v1",
                "workspace": "ws-default",
                "job_id": 801,
                "nodes": nodes,
                "instances": instances(1000),
            },
            {
                "name": "backfill_v2",
                "workspace": "ws-default",
                "job_id": 802,
                "nodes": nodes,
                "instances": instances(2000),
            },
        ],
        "quality_jobs": [
            {
                "id": str(9_000_000_000 + n),
                "name": f"dq_{n}",
                "rule_type": 1,
                "workspace": "ws-default",
                "rules": [{"sub_rule_id": 1}],
                "runs": [{"run_status": "FAILED" if n in FAILING else "SUCCESS", "lag": 2, "duration": 20 + 5 * n}],
            }
            for n in range(PER_JOB)
        ],
        "visualization_jobs": [
            {
                "job_id": f"vis-{n}",
                "job_name": f"vis-{n}",
                "status": 12,
                "create_time": BASE_MS,
                "restarts": [{"path": [1, 4, 5] if n in FAILING else [1, 4, 7, 8], "lag": 2, "step": 10}],
            }
            for n in range(PER_JOB)
        ],
    }


def _act(kind: str, n: int) -> Any:
    """One operator's action, as ``execute`` does it before deferring; its trigger."""
    common: dict[str, Any] = {"task_id": f"{kind}{n}", "poll_interval": POLL}
    if kind == "v1":
        operator: Any = DataArtsRestartInstanceOperator(
            job_name="backfill_v1", instance_id=1000 + n, workspace="ws-default", **common
        )
    elif kind == "v2":
        plan = BASE_MS - (n + 1) * HOUR_MS
        retry = {"job_id": 802, "plan_time": plan, "submit_time": plan}
        operator = DataArtsRetryInstancesOperator(
            job_name="backfill_v2",
            task_retrys=[retry],
            retry_location="errorNode",
            retry_task_version="original_version",
            workspace="ws-default",
            **common,
        )
    elif kind == "quality":
        operator = DataArtsRerunQualityOperator(rule_id=str(9_000_000_000 + n), workspace="ws-default", **common)
    else:
        operator = ModelArtsRestartVisualizationOperator(job_id=f"vis-{n}", **common)
    operator.validate_arguments(rendered=True)
    watch = operator.act(operator.hook, operator.prepare(operator.hook).watch)
    now = time.time()
    trigger_class = status.trigger_for(operator.kind)
    return trigger_class(
        watch=watch, deadline=now + 120, poll_interval=POLL, start_deadline=now + 120, workspace=operator.workspace
    )


@pytest.mark.dataarts_scenario(_scenario())
def test_waits_of_one_group_cost_one_list_read_per_cycle_with_the_right_outcomes(live, monkeypatch) -> None:
    observers: list[observer_module.Observer] = []

    class Recorded(observer_module.Observer):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            observers.append(self)

    monkeypatch.setattr(observer_module, "Observer", Recorded)
    monkeypatch.setattr(dataarts_async, "COALESCE_SECONDS", 0.0)  # every read its own request, to count them
    live.admin.set_speed(0)
    kinds = ("v1", "v2", "quality", "visualization")
    triggers = [_act(kind, n) for kind in kinds for n in range(PER_JOB)]
    live.admin.clear_requests()
    live.admin.set_speed(100)

    async def run_all() -> list[Any]:
        return await asyncio.gather(*(first_event(rebuild(trigger)) for trigger in triggers))

    events = asyncio.run(run_all())
    outcomes = collections.Counter((event.payload["kind"], event.payload["status"]) for event in events)
    for kind in ("dlf_job_instance", "factory_instances", "quality_instance", "modelarts_visualization_job"):
        assert outcomes[(kind, "success")] == PER_JOB - len(FAILING), outcomes
        assert outcomes[(kind, "failed")] == len(FAILING), outcomes
    v1_failures = [e.payload["message"] for e in events if e.payload["kind"] == "dlf_job_instance"]
    assert sum("failed nodes: load" in message for message in v1_failures) == len(FAILING)  # from the detail

    reads = {observer.key[0]: observer.reads for observer in observers}
    assert sorted(reads) == sorted(KINDS), [
        o.key for o in observers
    ]  # one observer per group: a job (v1, v2), a workspace (quality), a project
    # each read of a group is one list request (every window fits one page), whatever the number of waits
    assert len(routes(live, "dlf.list")) == reads["dlf_job_instance"]
    assert len(routes(live, "factory.list")) == reads["factory_instances"]
    assert len(routes(live, "quality.list")) == reads["quality_instance"]
    assert len(routes(live, "modelarts.list")) == reads["modelarts_visualization_job"]
    # and the runs' own reads: once at the end where the list lacks details, never to poll
    shown = [request["path"].rsplit("/", 1)[-1] for request in routes(live, "dlf.show")]
    assert len(shown) == PER_JOB + len(FAILING), sorted(shown)  # v1 ends; v2's failed runs' nodes
    assert len(routes(live, "quality.result")) == PER_JOB
    assert routes(live, "modelarts.show") == []
