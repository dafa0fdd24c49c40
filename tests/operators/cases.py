"""The four operators as test cases: how to build each for a run that succeeds or fails remotely.

Targets come from the emulator's default scenario:
- v1 restart: ``nightly_sales`` 34766 (success; a restart succeeds) and 34765 (failed at ``transform``;
  its scripted restart fails at ``load``, so the old outcome cannot pass for the new one);
- v2 rerun: ``daily report café`` 34771 (rerun succeeds) and ``nightly_sales`` 34765 (fails at ``load``);
- quality: the comparison job (SUCCESS) and the quality job (first rerun ALARMING on sub-rule 12);
- ModelArts: job 10 (walks 1, 4, 7, 8) and, with its first restart scripted to end 5 SUBMIT_FAILED, a failure;
- run once: ``weekly_archive`` (success) and ``ad_hoc_export`` (its first run fails at ``upload``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
from airflow_provider_dataarts.operators.factory import DataArtsRestartInstanceOperator, DataArtsRetryInstancesOperator
from airflow_provider_dataarts.operators.jobs import DataArtsRunJobOperator
from airflow_provider_dataarts.operators.modelarts import ModelArtsRestartVisualizationOperator
from airflow_provider_dataarts.operators.quality import DataArtsRerunQualityOperator


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Any, bool, dict[str, Any]], Any]  # (emulator, succeed?, kwargs) -> operator
    action: str  # the emulator route of the action
    stop: str | None  # the route of the stop call, None where the API has none
    failure_text: str  # what the error must name when the run fails
    lag: float  # virtual seconds until the restarted run is visible (lag + wait)


def _v1(emulator: Any, succeed: bool, kwargs: dict[str, Any]) -> Any:
    return DataArtsRestartInstanceOperator(
        task_id="restart", job_name="nightly_sales", instance_id=34766 if succeed else 34765, **kwargs
    )


def _v2(emulator: Any, succeed: bool, kwargs: dict[str, Any]) -> Any:
    job, instance_id = ("daily report café", "34771") if succeed else ("nightly_sales", "34765")
    instances = DataArtsHook().list_all_factory_instances(
        job, min_plan_time=1_795_000_000_000, max_plan_time=1_795_400_000_000
    )
    target = next(item for item in instances if item.instance_id == instance_id)
    retry = {"job_id": target.job_id, "plan_time": target.plan_time, "submit_time": target.submit_time}
    return DataArtsRetryInstancesOperator(
        task_id="rerun",
        job_name=job,
        task_retrys=[retry],
        retry_location="errorNode",
        retry_task_version="original_version",
        workspace="ws-default",
        **kwargs,
    )


def _quality(emulator: Any, succeed: bool, kwargs: dict[str, Any]) -> Any:
    rule_id, rule_type = ("1440764172232392706", "comparison") if succeed else ("1440764172232392705", "quality")
    return DataArtsRerunQualityOperator(task_id="quality", rule_id=rule_id, rule_type=rule_type, **kwargs)


def _modelarts(emulator: Any, succeed: bool, kwargs: dict[str, Any]) -> Any:
    if not succeed:
        scenario = dict(emulator.scenario)
        jobs = [dict(job) for job in scenario["visualization_jobs"]]
        jobs[0]["restarts"] = [{"path": [1, 4, 5], "lag": 2, "step": 3}]
        speed = emulator.admin.clock()["speed"]
        emulator.admin.reset({**scenario, "visualization_jobs": jobs})
        emulator.admin.set_speed(speed)
    return ModelArtsRestartVisualizationOperator(task_id="tensorboard", job_id="10", **kwargs)


def _run_job(emulator: Any, succeed: bool, kwargs: dict[str, Any]) -> Any:
    job = "weekly_archive" if succeed else "ad_hoc_export"
    return DataArtsRunJobOperator(task_id="run", job_name=job, job_params={"day": "2026-11-22"}, **kwargs)


CASES = [
    Case("restart_instance", _v1, "dlf.restart", "dlf.stop", "failed nodes: load", lag=3),
    Case("retry_instances", _v2, "factory.retry", "dlf.stop", "failed nodes: load (fail, log obs://", lag=3),
    Case("rerun_quality", _quality, "quality.rerun", None, "a rule alarm fired", lag=3),
    Case("restart_visualization", _modelarts, "modelarts.restart", "modelarts.stop", "5 SUBMIT_FAILED", lag=3),
    Case("run_job", _run_job, "dlf.run_once", "dlf.stop", "failed nodes: upload (fail, log obs://", lag=3),
]
CASE_IDS = [case.name for case in CASES]
