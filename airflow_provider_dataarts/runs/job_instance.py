"""A DataArts Factory v1 job instance: observed through its detail, stopped with the v1 stop API.

Watch: :class:`JobInstanceWatch`. A run-once whose answer was lost has no instance id yet: its run is
the job's first instance listed in the window from ``since`` that is not ``known`` (listed before the
action), so a run whose answer was lost is waited for, never requested again while it may show up.

Deferred, the waits of one job share one read of the v1 instance list per cycle (:data:`BATCH`): the
window from the earliest time a watched run can start (``since``, else its baseline's start time) to the
service's now, in parts of at most 7 days (a baseline weeks old costs a request per week of window
and cycle: the service's clock, which the window is read by, is known only from its answers). The
list carries status and times, not nodes: the instance's detail is read once, when the list shows the
run ended. A watched instance missing from the list is read on its own that time (never taken for an
end). Watches with no lower bound (no baseline and no ``since``: a sensor on an instance id) poll their
own instance.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict, cast

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.api.phases import FACTORY_STATUS_NOTES, Phase
from airflow_provider_dataarts.runs.base import MAX_LISTED, Batch, Kind, Observation

if TYPE_CHECKING:
    from airflow_provider_dataarts.api.calls import Steps
    from airflow_provider_dataarts.api.models import JobInstance, JobNode


class JobInstanceWatch(TypedDict):
    """One v1 job instance. ``baseline`` is the instance's ``[status, startTime, endTime]`` before a
    restart, or None to take the current run as it is. ``instance_id`` None: the job's first new
    instance from ``since`` (epoch ms, the service's clock) that is not in ``known``."""

    job_name: str
    instance_id: str | None
    workspace: str | None
    baseline: list[Any] | None
    since: NotRequired[int | None]
    known: NotRequired[list[str]]


#: the instance type of a manual run (SDK docstring: 2 手工调度); preferred when two new runs show up
MANUAL_INSTANCE_TYPE = 2


def node_summary(node: JobNode) -> dict[str, Any]:
    return {
        "node_name": node.node_name,
        "status": node.status,
        "node_type": node.node_type,
        "retry_times": node.retry_times,
        "log_path": node.log_path,
    }


def failed_nodes_text(nodes: list[JobNode]) -> str | None:
    """``transform (log obs://...), load`` - what a user opens first when a run failed."""
    if not nodes:
        return None
    nodes = nodes[:20]
    return "failed nodes: " + ", ".join(
        f"{node.node_name} ({node.status}" + (f", log {node.log_path})" if node.log_path else ")") for node in nodes
    )


def failure_text(status: str | None, nodes: list[JobNode]) -> str | None:
    """What a user needs when a run ended badly: what its status means, then its failed nodes."""
    parts = [FACTORY_STATUS_NOTES.get(status or ""), failed_nodes_text(nodes)]
    return "; ".join(part for part in parts if part) or None


def summarize(instance: JobInstance) -> dict[str, Any]:
    return {
        "job_name": instance.job_name,
        "instance_id": instance.instance_id,
        "status": instance.status,
        "plan_time": instance.plan_time,
        "start_time": instance.start_time,
        "end_time": instance.end_time,
        "nodes": [node_summary(node) for node in instance.nodes[:MAX_LISTED]],
    }


def describe(watch: JobInstanceWatch) -> str:
    if watch.get("instance_id") is None:
        return f"DataArts job {watch['job_name']!r} run (new instance not known yet)"
    return f"DataArts job {watch['job_name']!r} instance {watch['instance_id']}"


def _first_new(watch: JobInstanceWatch, rows: list[JobInstance]) -> JobInstance | None:
    """The job's first instance among ``rows`` that was not listed before the action (a manual run
    first, should another run of the job start in the same window), or None."""
    known = set(watch.get("known") or ())
    new = [row for row in rows if row.instance_id not in known]
    if not new:
        return None
    return min(new, key=lambda row: (row.instance_type != MANUAL_INSTANCE_TYPE, row.start_time or 0, row.instance_id))


def _new_run(watch: JobInstanceWatch) -> Steps[str | None]:
    """The id of the job's first instance from ``since`` that was not listed before the action, or None."""
    from airflow_provider_dataarts.api import scans

    since = cast(int, watch.get("since"))
    rows = yield from scans.job_instances_since(watch["job_name"], since, workspace=watch.get("workspace"))
    first = _first_new(watch, rows)
    return first.instance_id if first is not None else None


def observe(watch: JobInstanceWatch) -> Steps[Observation]:
    from airflow_provider_dataarts.api import calls

    instance_id = watch.get("instance_id")
    if instance_id is None:
        instance_id = yield from _new_run(watch)
        if instance_id is None:
            return Observation(False, Phase.IN_PROGRESS, "not listed yet", {"job_name": watch["job_name"]})
    try:
        instance = yield from calls.get_job_instance(watch["job_name"], instance_id, workspace=watch.get("workspace"))
    except errors.DataArtsNotFoundError:
        if watch.get("since") is None:
            raise
        # a run-once's instance, named by the action's answer, that the detail does not show yet
        return Observation(False, Phase.IN_PROGRESS, "not listed yet", {"instance_id": instance_id})
    baseline = watch.get("baseline")
    started = baseline is None or instance.fingerprint() != list(baseline)
    return Observation(
        started=started,
        phase=instance.phase,
        status=instance.status or "unknown",
        summary=summarize(instance),
        failure=failure_text(instance.status, instance.failed_nodes()),
    )


def stop(watch: JobInstanceWatch) -> Steps[None]:
    from airflow_provider_dataarts.api import calls

    instance_id = watch.get("instance_id")
    if instance_id is None:
        instance_id = yield from _new_run(watch)
        if instance_id is None:  # the stop script stops only a run it has seen: it showed, then went away
            raise errors.DataArtsNotFoundError(f"{describe(watch)}: the new run is no longer listed")
    yield from calls.stop_job_instance(watch["job_name"], instance_id, workspace=watch.get("workspace"))


# --- many waits, one list read (deferred waits only: see triggers/observer.py) ----------------------


def _since(watch: JobInstanceWatch) -> int | None:
    """The earliest start time the watched run (or, before a restart shows, its previous run) can list
    with: ``since``, else the baseline's start time (a restart starts after it), else None."""
    since = watch.get("since")
    if since is not None:
        return since
    baseline = watch.get("baseline")
    times = [value for value in (baseline or [])[1:] if isinstance(value, int) and not isinstance(value, bool)]
    return min(times) if times else None


def batch_group(watch: JobInstanceWatch) -> Hashable | None:
    """The job's list, for a watch that says from when its run can list."""
    if _since(watch) is None:
        return None
    return (watch["job_name"], watch.get("workspace"))


def batch_read(watches: list[JobInstanceWatch]) -> Steps[list[JobInstance]]:
    """The job's instances from the earliest ``since`` of the watches to the service's now."""
    from airflow_provider_dataarts.api import scans

    since = min(cast(int, _since(watch)) for watch in watches)
    first = watches[0]
    return (yield from scans.job_instances_since(first["job_name"], since, workspace=first.get("workspace")))


def _listed_from(row: JobInstance, since: int) -> bool:
    """Whether a row lies in the watch's own window (the group's may start earlier)."""
    listed = row.start_time if row.start_time is not None else row.plan_time
    return listed is None or listed >= since


def batch_observe(watch: JobInstanceWatch, rows: list[JobInstance]) -> Steps[Observation | None]:
    """The watched instance's row, judged against the baseline; its detail once the row shows it ended."""
    instance_id = watch.get("instance_id")
    if instance_id is None:
        since = cast(int, watch.get("since"))
        row = _first_new(watch, [row for row in rows if _listed_from(row, since)])
        if row is None:
            return Observation(False, Phase.IN_PROGRESS, "not listed yet", {"job_name": watch["job_name"]})
    else:
        row = next((row for row in rows if row.instance_id == str(instance_id)), None)
        if row is None:
            return None
    baseline = watch.get("baseline")
    started = baseline is None or row.fingerprint() != list(baseline)
    if started and row.phase.finished:  # the end: nodes and log paths are in the detail only
        return (yield from observe({**watch, "instance_id": row.instance_id}))
    return Observation(started, row.phase, row.status or "unknown", summarize(row))


BATCH: Batch[JobInstanceWatch, list[JobInstance]] = Batch(batch_group, batch_read, batch_observe)

KIND: Kind[JobInstanceWatch] = Kind("dlf_job_instance", describe, observe, stop, watch=JobInstanceWatch, batch=BATCH)
