"""A generated emulator scenario with N remote runs of the four kinds, and the waits on them.

Runs finish at random times over a few minutes of virtual time; about one in ten fails. The waits
are made the way the operators make them (``prepare`` then ``act``), so the triggers under load are
exactly what a deferred task hands the triggerer.
"""

from __future__ import annotations

import random
import time
from typing import Any

BASE_MS = 1_795_000_000_000  # a fixed day: plan times are relative to it
KINDS = ("v1", "v2", "quality", "visualization")


def build(
    waits: int, seed: int = 7, fail_share: float = 0.1, max_duration: float = 240.0, per_job: int = 10
) -> dict[str, Any]:
    """The scenario, with ``_targets``: one entry per wait (kind, ids, expected outcome); the Factory
    waits (v1, v2) are ``per_job`` instances of each job (a backfill)."""
    rng = random.Random(seed)
    per_kind = waits // len(KINDS)
    targets: list[dict[str, Any]] = []
    factory_jobs: list[dict[str, Any]] = []
    nodes = [{"name": "extract"}, {"name": "load"}]

    def outcome() -> tuple[bool, float]:
        return rng.random() >= fail_share, rng.uniform(30.0, max_duration)

    for version in ("v1", "v2"):
        for index in range(per_kind):
            if index % per_job == 0:
                factory_jobs.append(
                    {
                        "name": f"bench_{version}_{index // per_job:03d}",
                        "workspace": "ws-default",
                        "job_id": 800_000 + len(factory_jobs),
                        "nodes": nodes,
                        "instances": [],
                    }
                )
            job = factory_jobs[-1]
            succeed, duration = outcome()
            instance_id = 100_000 + len(targets)
            plan_time = BASE_MS - (index % per_job + 1) * 3_600_000
            restart = {"outcome": "success" if succeed else "fail", "lag": 2, "wait": 1, "duration": duration}
            if not succeed:
                restart["failed_node"] = "load"
            job["instances"].append(
                {
                    "instance_id": instance_id,
                    "plan_time": plan_time,
                    "submit_time": plan_time,
                    "status": "fail",
                    "failed_node": "load",
                    "restarts": [restart],
                }
            )
            targets.append(
                {
                    "kind": version,
                    "job_name": job["name"],
                    "job_id": job["job_id"],
                    "instance_id": instance_id,
                    "plan_time": plan_time,
                    "succeed": succeed,
                }
            )
    quality_jobs = []
    for index in range(per_kind):
        succeed, duration = outcome()
        rule_id = str(9_000_000_000 + index)
        quality_jobs.append(
            {
                "id": rule_id,
                "name": f"bench_quality_{index}",
                "rule_type": 1,
                "workspace": "ws-default",
                "rules": [{"sub_rule_id": 1}],
                # reruns 5 ms apart: 250 runs starting at one instant would hold more rows than a page
                "runs": [
                    {"run_status": "SUCCESS" if succeed else "FAILED", "lag": 2 + index * 0.005, "duration": duration}
                ],
            }
        )
        targets.append({"kind": "quality", "rule_id": rule_id, "succeed": succeed})
    visualization_jobs = []
    for index in range(per_kind):
        succeed, duration = outcome()
        job_id = f"bench-vis-{index}"
        path = [1, 4, 7, 8] if succeed else [1, 4, 5]
        visualization_jobs.append(
            {
                "job_id": job_id,
                "job_name": job_id,
                "status": 12,
                "create_time": BASE_MS,
                "restarts": [{"path": path, "lag": 2, "step": duration / len(path)}],
            }
        )
        targets.append({"kind": "visualization", "job_id": job_id, "succeed": succeed})
    return {
        "clock": {"start": BASE_MS, "speed": 0},
        "workspaces": ["ws-default"],
        "factory_jobs": factory_jobs,
        "quality_jobs": quality_jobs,
        "visualization_jobs": visualization_jobs,
        "_targets": targets,
    }


def act_on_all(targets: list[dict[str, Any]], poll_interval: float, deadline_s: float) -> list[tuple[str, dict]]:
    """Act on every target as the operators do; return each wait's serialized trigger."""
    from airflow_provider_dataarts.operators.factory import (
        DataArtsRestartInstanceOperator,
        DataArtsRetryInstancesOperator,
    )
    from airflow_provider_dataarts.operators.modelarts import ModelArtsRestartVisualizationOperator
    from airflow_provider_dataarts.operators.quality import DataArtsRerunQualityOperator
    from airflow_provider_dataarts.triggers import status

    common = {"poll_interval": poll_interval, "workspace": "ws-default"}
    serialized = []
    for number, target in enumerate(targets):
        kind = target["kind"]
        if kind == "v1":
            operator = DataArtsRestartInstanceOperator(
                task_id=f"t{number}", job_name=target["job_name"], instance_id=target["instance_id"], **common
            )
        elif kind == "v2":
            retry = {"job_id": target["job_id"], "plan_time": target["plan_time"], "submit_time": target["plan_time"]}
            operator = DataArtsRetryInstancesOperator(
                task_id=f"t{number}",
                job_name=target["job_name"],
                task_retrys=[retry],
                retry_location="errorNode",
                retry_task_version="original_version",
                **common,
            )
        elif kind == "quality":
            operator = DataArtsRerunQualityOperator(task_id=f"t{number}", rule_id=target["rule_id"], **common)
        else:
            operator = ModelArtsRestartVisualizationOperator(
                task_id=f"t{number}", job_id=target["job_id"], poll_interval=poll_interval
            )
        operator.validate_arguments(rendered=True)
        watch = operator.act(operator.hook, operator.prepare(operator.hook).watch)
        now = time.time()
        trigger = status.trigger_for(operator.kind)(
            watch=watch,
            deadline=now + deadline_s,
            poll_interval=poll_interval,
            start_deadline=now + deadline_s,
            workspace=operator.workspace,
        )
        serialized.append(trigger.serialize())
    return serialized
