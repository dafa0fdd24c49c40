"""A DataArts Factory v1 job instance: observed through its detail, stopped with the v1 stop API.

Watch: :class:`JobInstanceWatch`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from airflow_provider_dataarts.api.phases import FACTORY_STATUS_NOTES
from airflow_provider_dataarts.runs.base import MAX_LISTED, Kind, Observation

if TYPE_CHECKING:
    from airflow_provider_dataarts.api.calls import Steps
    from airflow_provider_dataarts.api.models import JobInstance, JobNode


class JobInstanceWatch(TypedDict):
    """One v1 job instance. ``baseline`` is the instance's ``[status, startTime, endTime]`` before a
    restart, or None to take the current run as it is."""

    job_name: str
    instance_id: str
    workspace: str | None
    baseline: list[Any] | None


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
    return f"DataArts job {watch['job_name']!r} instance {watch['instance_id']}"


def observe(watch: JobInstanceWatch) -> Steps[Observation]:
    from airflow_provider_dataarts.api import calls

    instance = yield from calls.get_job_instance(
        watch["job_name"], watch["instance_id"], workspace=watch.get("workspace")
    )
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

    yield from calls.stop_job_instance(watch["job_name"], watch["instance_id"], workspace=watch.get("workspace"))


KIND: Kind[JobInstanceWatch] = Kind("dlf_job_instance", describe, observe, stop, watch=JobInstanceWatch)
