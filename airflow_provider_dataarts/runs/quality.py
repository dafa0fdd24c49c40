"""A DataArts Quality (or comparison) job instance, found by id in the paged instance list.

Watch: ``{"instance_id", "rule_id", "rule_type", "workspace", "previous"}``. A rerun creates a new
instance id, which counts as started once it is listed. When a rerun got no answer the id is not
known (``instance_id`` None): the wait is then for the job's newest instance, as soon as it is
another one than ``previous`` (the newest before the rerun) - so an unanswered rerun is waited for,
never sent again. When the instance has finished its per-rule results are read. DataArts Quality
has no stop API.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow_provider_dataarts.api import calls
from airflow_provider_dataarts.api.calls import Steps
from airflow_provider_dataarts.api.models import Phase, QualityInstance, QualityRuleResult
from airflow_provider_dataarts.runs.base import Kind, Observation

_NORMAL = (None, "", "NORMAL", "SUCCESS")


def rule_summary(result: QualityRuleResult) -> dict[str, Any]:
    return {
        "sub_rule_id": result.sub_rule_id,
        "sub_instance_id": result.sub_instance_id,
        "abnormal_table_status": result.abnormal_table_status,
        "results": result.results,
    }


def summarize(instance: QualityInstance, results: list[QualityRuleResult]) -> dict[str, Any]:
    return {
        "instance_id": instance.id,
        "name": instance.name,
        "task_id": instance.task_id,
        "task_type": instance.task_type,
        "run_status": instance.run_status,
        "notify_status": instance.notify_status,
        "start_time": instance.start_time,
        "end_time": instance.end_time,
        "rules": [rule_summary(result) for result in results],
    }


TASK_TYPES = {1: "QUALITY_TASK", 2: "CONSISTENCY_TASK"}


def describe(watch: Mapping[str, Any]) -> str:
    job = f" of quality job {watch['rule_id']}" if watch.get("rule_id") else ""
    if watch.get("instance_id") is None:
        return f"DataArts Quality rerun{job} (new instance not known yet)"
    return f"DataArts Quality instance {watch['instance_id']}{job}"


def _new_instance(watch: Mapping[str, Any]) -> Steps[QualityInstance | None]:
    """The job's newest instance, if it is not the one that was newest before the rerun."""
    newest = yield from calls.newest_quality_instance(
        watch["rule_id"], task_type=TASK_TYPES.get(watch.get("rule_type") or 1), workspace=watch.get("workspace")
    )
    if newest is None or newest.id == str(watch.get("previous")):
        return None
    return newest


def observe(watch: Mapping[str, Any]) -> Steps[Observation]:
    if watch.get("instance_id") is None:
        instance = yield from _new_instance(watch)
    else:
        instance = yield from calls.find_quality_instance(watch["instance_id"], workspace=watch.get("workspace"))
    if instance is None:
        return Observation(False, Phase.IN_PROGRESS, "not listed yet", {"instance_id": watch.get("instance_id")})
    results: list[QualityRuleResult] = []
    if instance.phase.finished:
        results = yield from calls.get_quality_results(instance.id, workspace=watch.get("workspace"))
    alarmed = [result for result in results if result.abnormal_table_status not in _NORMAL]
    failure = None
    if alarmed:
        failure = "alarmed rules: " + ", ".join(
            f"sub-rule {result.sub_rule_id} ({result.abnormal_table_status})" for result in alarmed
        )
    elif instance.phase is Phase.FAILED:
        failure = "the quality run failed"
    return Observation(True, instance.phase, instance.run_status or "unknown", summarize(instance, results), failure)


KIND = Kind("quality_instance", describe, observe, None)
