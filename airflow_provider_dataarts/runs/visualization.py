"""A ModelArts visualization job: up when it reaches 8 RUNNING; stopped with the stop API.

Watch: :class:`VisualizationJobWatch`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

from airflow_provider_dataarts.api.phases import Phase
from airflow_provider_dataarts.runs.base import Kind, Observation

if TYPE_CHECKING:
    from airflow_provider_dataarts.api.calls import Steps
    from airflow_provider_dataarts.api.models import VisualizationJob


class VisualizationJobWatch(TypedDict):
    """One visualization job; ``baseline`` is its ``[status, create_time]`` before a restart, or None."""

    job_id: str
    baseline: list[Any] | None


def summarize(job: VisualizationJob) -> dict[str, Any]:
    return {
        "job_id": job.job_id,
        "job_name": job.job_name,
        "status": job.status,
        "status_name": job.status_name,
        "service_url": job.service_url,
        "create_time": job.create_time,
    }


def describe(watch: VisualizationJobWatch) -> str:
    return f"ModelArts visualization job {watch['job_id']}"


def observe(watch: VisualizationJobWatch) -> Steps[Observation]:
    from airflow_provider_dataarts.api import calls

    job = yield from calls.get_visualization_job(watch["job_id"])
    baseline = watch.get("baseline")
    started = baseline is None or job.fingerprint() != list(baseline)
    status = f"{job.status} {job.status_name}"
    failure = f"the job is not up: status {status}" if job.phase is Phase.FAILED else None
    return Observation(started, job.phase, status, summarize(job), failure)


def stop(watch: VisualizationJobWatch) -> Steps[None]:
    from airflow_provider_dataarts.api import calls

    yield from calls.stop_visualization_job(watch["job_id"])


# A restart that fails again between two polls (1 -> 4 -> 5) leaves the detail exactly as before.
KIND: Kind[VisualizationJobWatch] = Kind(
    "modelarts_visualization_job", describe, observe, stop, every_run_shows=False, watch=VisualizationJobWatch
)
