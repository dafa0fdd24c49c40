"""A DataArts Quality (or comparison) job instance, found by id in the instance list.

Watch: ``{"instance_id", "rule_id", "rule_type", "workspace", "since", "known"}``. A rerun creates
a new instance, which counts as started once it is listed. ``since`` is the earliest start time the
new run can have (the moment before the rerun, less the clock margin), so it is looked for in one
window; ``known`` are the job's instances already listed in that window before the rerun. When the
rerun's answer carried no instance id (lost, or not in the answer), ``instance_id`` is None and the
run is the job's first instance in the window that is not ``known`` - so a rerun whose answer was
lost is waited for, never sent again. The list's order is undocumented and never relied on.

When the instance has finished its per-rule results are read and returned as the API gives them:
``abnormal_table_status`` is the status of the abnormal-table *export* (SDK docstring), not a verdict,
so no rule is ever called alarmed from it; ``ALARMING`` is the instance's own documented status.
DataArts Quality has no stop API in the SDK.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airflow_provider_dataarts.api import scans
from airflow_provider_dataarts.api.calls import Steps
from airflow_provider_dataarts.api.models import QualityInstance, QualityRuleResult
from airflow_provider_dataarts.api.phases import Phase
from airflow_provider_dataarts.runs.base import MAX_LISTED, Kind, Observation


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
        "rules": [rule_summary(result) for result in results[:MAX_LISTED]],
        "rules_total": len(results),
    }


TASK_TYPES = {1: "QUALITY_TASK", 2: "CONSISTENCY_TASK"}


def describe(watch: Mapping[str, Any]) -> str:
    job = f" of quality job {watch['rule_id']}" if watch.get("rule_id") else ""
    if watch.get("instance_id") is None:
        return f"DataArts Quality rerun{job} (new instance not known yet)"
    return f"DataArts Quality instance {watch['instance_id']}{job}"


def task_type_of(watch: Mapping[str, Any]) -> str | None:
    return TASK_TYPES.get(watch["rule_type"]) if watch.get("rule_type") else None


def _new_run(watch: Mapping[str, Any]) -> Steps[QualityInstance | None]:
    """The job's first instance in the rerun's window that was not listed before the rerun."""
    runs = yield from scans.quality_runs_of(
        watch["rule_id"], since=watch["since"], task_type=task_type_of(watch), workspace=watch.get("workspace")
    )
    known = {str(instance_id) for instance_id in watch.get("known") or ()}
    new = [instance for instance in runs if instance.id not in known]
    return min(new, key=lambda instance: (instance.start_time or 0, instance.id)) if new else None


def observe(watch: Mapping[str, Any]) -> Steps[Observation]:
    if watch.get("instance_id") is None:
        instance = yield from _new_run(watch)
    else:
        instance = yield from scans.find_quality_instance(
            watch["instance_id"],
            since=watch.get("since"),
            task_type=task_type_of(watch),
            workspace=watch.get("workspace"),
        )
    if instance is None:
        return Observation(False, Phase.IN_PROGRESS, "not listed yet", {"instance_id": watch.get("instance_id")})
    results: list[QualityRuleResult] = []
    if instance.phase.finished:
        results = yield from scans.get_quality_results(instance.id, workspace=watch.get("workspace"))
    failure = None
    if instance.phase is Phase.ALARMING:
        failure = f"a rule alarm fired (run status ALARMING); {len(results)} rule result(s) in the task's XCom"
    elif instance.phase is Phase.FAILED:
        failure = "the quality run failed"
    return Observation(True, instance.phase, instance.run_status or "unknown", summarize(instance, results), failure)


KIND = Kind("quality_instance", describe, observe, None)
