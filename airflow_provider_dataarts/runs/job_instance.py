"""A DataArts Factory v1 job instance: observed through its detail, stopped with the v1 stop API.

Watch: :class:`JobInstanceWatch`. A run-once whose answer was lost has no instance id yet: its run is
the job's first instance listed in the window from ``since`` that is not ``known`` (listed before the
action), so a run whose answer was lost is waited for, never requested again while it may show up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NotRequired, TypedDict, cast

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.api.phases import FACTORY_STATUS_NOTES, Phase
from airflow_provider_dataarts.runs.base import MAX_LISTED, Kind, Observation

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


def _new_run(watch: JobInstanceWatch) -> Steps[str | None]:
    """The id of the job's first instance from ``since`` that was not listed before the action (a manual
    run first, should another run of the job start in the same window), or None."""
    from airflow_provider_dataarts.api import scans

    since = cast(int, watch.get("since"))
    rows = yield from scans.job_instances_since(watch["job_name"], since, workspace=watch.get("workspace"))
    known = set(watch.get("known") or ())
    new = [row for row in rows if row.instance_id not in known]
    if not new:
        return None
    first = min(new, key=lambda row: (row.instance_type != MANUAL_INSTANCE_TYPE, row.start_time or 0, row.instance_id))
    return first.instance_id


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


KIND: Kind[JobInstanceWatch] = Kind("dlf_job_instance", describe, observe, stop, watch=JobInstanceWatch)
