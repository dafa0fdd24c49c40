"""A DataArts Quality (or comparison) job instance, found by id in the instance list.

Watch: :class:`QualityInstanceWatch`. A rerun creates
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

Deferred, the waits of one workspace (and task type) share one read of the instance list per cycle
(:data:`BATCH`): the window from the earliest member's ``since`` to the service's now (the list has no
job filter, so one read serves every job's runs). Per-rule results are read once, when the run ended.
A watch without ``since`` (a sensor on an instance id) searches windows widening back from now, on its own.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict, cast

from airflow_provider_dataarts.api.phases import Phase
from airflow_provider_dataarts.runs.base import MAX_LISTED, Batch, Kind, Observation

if TYPE_CHECKING:
    from airflow_provider_dataarts.api.calls import Steps
    from airflow_provider_dataarts.api.models import QualityInstance, QualityRuleResult


class QualityInstanceWatch(TypedDict):
    """One quality instance; ``instance_id`` None: the first new one of job ``rule_id`` in the window.

    ``since``: epoch ms, the earliest start time the run can have; ``known``: the job's instance ids listed
    in the window before the rerun; ``rule_type``: 1 quality job, 2 comparison job."""

    instance_id: str | None
    rule_id: str | None
    workspace: str | None
    rule_type: NotRequired[int | None]
    since: NotRequired[int | None]
    known: NotRequired[list[str]]


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


def describe(watch: QualityInstanceWatch) -> str:
    job = f" of quality job {watch['rule_id']}" if watch.get("rule_id") else ""
    if watch.get("instance_id") is None:
        return f"DataArts Quality rerun{job} (new instance not known yet)"
    return f"DataArts Quality instance {watch['instance_id']}{job}"


def task_type_of(watch: QualityInstanceWatch) -> str | None:
    rule_type = watch.get("rule_type")
    return TASK_TYPES.get(rule_type) if rule_type else None


def _new_run(watch: QualityInstanceWatch) -> Steps[QualityInstance | None]:
    """The job's first instance in the rerun's window that was not listed before the rerun (a watch
    without an instance id is an operator's: it names its job and window)."""
    from airflow_provider_dataarts.api import scans

    rule_id, since = cast(str, watch["rule_id"]), cast(int, watch["since"])
    runs = yield from scans.quality_runs_of(
        rule_id, since=since, task_type=task_type_of(watch), workspace=watch.get("workspace")
    )
    return _first_new(watch, runs)


def _first_new(watch: QualityInstanceWatch, runs: list[QualityInstance]) -> QualityInstance | None:
    known = {str(instance_id) for instance_id in watch.get("known") or ()}
    new = [instance for instance in runs if instance.id not in known]
    return min(new, key=lambda instance: (instance.start_time or 0, instance.id)) if new else None


def observe(watch: QualityInstanceWatch) -> Steps[Observation]:
    from airflow_provider_dataarts.api import scans

    instance_id = watch.get("instance_id")
    if instance_id is None:
        instance = yield from _new_run(watch)
    else:
        instance = yield from scans.find_quality_instance(
            instance_id,
            since=watch.get("since"),
            task_type=task_type_of(watch),
            workspace=watch.get("workspace"),
        )
    return (yield from _observation(watch, instance))


def _observation(watch: QualityInstanceWatch, instance: QualityInstance | None) -> Steps[Observation]:
    """The run as its list row shows it; its per-rule results read once it has finished."""
    from airflow_provider_dataarts.api import scans

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


# --- many waits, one list read (deferred waits only: see triggers/observer.py) ----------------------


def batch_group(watch: QualityInstanceWatch) -> Hashable | None:
    """The workspace's list (of one task type), for a watch that knows from when its run can list."""
    if watch.get("since") is None or (watch.get("instance_id") is None and watch.get("rule_id") is None):
        return None
    return (watch.get("workspace"), task_type_of(watch))


def batch_read(watches: list[QualityInstanceWatch]) -> Steps[list[QualityInstance]]:
    """Every instance listed from the members' earliest ``since`` to the service's now."""
    from airflow_provider_dataarts.api import scans

    first = watches[0]
    since = min(cast(int, watch.get("since")) for watch in watches)
    return (
        yield from scans.quality_instances_between(
            since, task_type=task_type_of(first), workspace=first.get("workspace")
        )
    )


def batch_observe(watch: QualityInstanceWatch, rows: list[QualityInstance]) -> Steps[Observation | None]:
    """The watched instance's row (a missing one: not listed yet, as on its own)."""
    instance_id = watch.get("instance_id")
    if instance_id is None:
        since = cast(int, watch.get("since"))
        mine = [row for row in rows if row.task_id == str(watch["rule_id"])]
        instance = _first_new(watch, [row for row in mine if row.start_time is None or row.start_time >= since])
    else:
        instance = next((row for row in rows if row.id == str(instance_id)), None)
    return (yield from _observation(watch, instance))


BATCH: Batch[QualityInstanceWatch, list[QualityInstance]] = Batch(batch_group, batch_read, batch_observe)

KIND: Kind[QualityInstanceWatch] = Kind(
    "quality_instance", describe, observe, None, watch=QualityInstanceWatch, batch=BATCH
)
