"""The soak's world: a generated scenario, each run's targets, and what each run must end in."""

from __future__ import annotations

import random
from typing import Any

FAIL_SHARE = 0.125
BASE_MS = 1_795_000_000_000


def scenario(runs: int, seed: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The emulator scenario and each run's targets with their scripted outcomes.

    Every restart of a target ends the same way, so a task retried after a remote failure fails again.
    """
    rng = random.Random(seed)
    nodes = [{"name": "extract"}, {"name": "load"}]
    factory, quality, visualization, plans = [], [], [], []
    for run in range(runs):
        outcome = {kind: rng.random() >= FAIL_SHARE for kind in ("v1", "v2", "quality", "vis", "run")}
        timing = {"lag": rng.uniform(10, 30), "wait": 2, "duration": rng.uniform(20, 60)}
        for offset, kind in enumerate(("v1", "v2")):
            result = {"outcome": "success" if outcome[kind] else "fail", **timing}
            if not outcome[kind]:
                result["failed_node"] = "load"
            instance = {
                "instance_id": 200_000 + 2 * run + offset,
                "plan_time": BASE_MS,
                "submit_time": BASE_MS,
                "status": "fail",
                "failed_node": "load",
                "restarts": [result] * 3,
            }
            factory.append(
                {
                    "name": f"soak {kind} job {run}",
                    "workspace": "ws-default",
                    "job_id": 700_000 + 2 * run + offset,
                    "nodes": nodes,
                    "instances": [instance],
                }
            )
        run_result = {"outcome": "success" if outcome["run"] else "fail", **timing}
        if not outcome["run"]:
            run_result["failed_node"] = "load"
        factory.append(
            {
                "name": f"soak run job {run}",
                "workspace": "ws-default",
                "job_id": 900_000 + run,
                "nodes": nodes,
                "runs": [run_result] * 3,
            }
        )
        factory.append(  # a schedule to start, then stop (a batch job: the change shows at once)
            {
                "name": f"soak schedule job {run}",
                "workspace": "ws-default",
                "job_id": 950_000 + run,
                "nodes": nodes,
                "schedule": "STOPPED",
            }
        )
        quality.append(
            {
                "id": str(8_000_000_000 + run),
                "name": f"soak_quality_{run}",
                "rule_type": 1,
                "workspace": "ws-default",
                "rules": [{"sub_rule_id": 1}],
                "runs": [
                    {
                        "run_status": "SUCCESS" if outcome["quality"] else "FAILED",
                        "lag": timing["lag"],
                        "duration": timing["duration"],
                    }
                ]
                * 3,
            }
        )
        path = [1, 4, 7, 8] if outcome["vis"] else [1, 4, 5]
        visualization.append(
            {
                "job_id": f"soak-vis-{run}",
                "job_name": f"soak-vis-{run}",
                "status": 12,
                "restarts": [{"path": path, "lag": timing["lag"], "step": timing["duration"] / 3}] * 3,
            }
        )
        plans.append(
            {
                "run": run,
                "succeed": outcome,
                "timing": timing,
                "v1": [f"soak v1 job {run}", 200_000 + 2 * run],
                "v2": [f"soak v2 job {run}", 700_000 + 2 * run + 1, BASE_MS],
                "quality": str(8_000_000_000 + run),
                "vis": f"soak-vis-{run}",
                "run_job": f"soak run job {run}",
                "schedule_job": f"soak schedule job {run}",
            }
        )
    users = [{"domain": "soak-domain", "name": "soak-user", "password": "soak-password-not-a-secret-anywhere"}]
    world = {
        "clock": {"start": BASE_MS, "speed": 150},
        "workspaces": ["ws-default"],
        "users": users,
        "factory_jobs": factory,
        "quality_jobs": quality,
        "visualization_jobs": visualization,
    }
    return world, plans


def conf_for(plan: dict[str, Any], auth: str) -> dict[str, Any]:
    v2_job, v2_job_id, plan_time = plan["v2"]
    retry = {"job_id": v2_job_id, "plan_time": plan_time, "submit_time": plan_time}
    return {
        "conn_id": f"dataarts_soak_{auth}",
        "v1_job": plan["v1"][0],
        "v1_instance": plan["v1"][1],
        "v2_job": v2_job,
        "v2_task_retrys": [retry],
        "quality_rule": plan["quality"],
        "vis_job": plan["vis"],
        "run_job": plan["run_job"],
        "schedule_job": plan["schedule_job"],
    }


def expected_states(plan: dict[str, Any]) -> dict[str, str]:
    ok = plan["succeed"]
    return {
        "v1_restart": "success" if ok["v1"] else "failed",
        "v1_sensor": "success" if ok["v1"] else "upstream_failed",
        "v2_rerun": "success" if ok["v2"] else "failed",
        "quality_rerun": "success" if ok["quality"] else "failed",
        "vis_restart": "success" if ok["vis"] else "failed",
        "vis_sensor": "success" if ok["vis"] else "upstream_failed",
        "run_job": "success" if ok["run"] else "failed",
        "start_schedule": "success",
        "stop_schedule": "success",
    }
