"""A ModelArts visualization job: up when it reaches 8 RUNNING; stopped with the stop API.

Watch: :class:`VisualizationJobWatch`.

Deferred, the waits of one project share one read of the visualization job list per cycle
(:data:`BATCH`: pages of 1,000, the most a page holds; the list's rows carry what the detail does).
The list has no workspace filter it is asked with, so a job the list does not show (another workspace,
or a page that shifted while it was read) is read on its own that time, never taken for ended.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, TypedDict

from airflow_provider_dataarts.api.phases import Phase
from airflow_provider_dataarts.runs.base import Batch, Kind, Observation

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
    return _observation(watch, job)


def _observation(watch: VisualizationJobWatch, job: VisualizationJob) -> Observation:
    baseline = watch.get("baseline")
    started = baseline is None or job.fingerprint() != list(baseline)
    status = f"{job.status} {job.status_name}"
    failure = f"the job is not up: status {status}" if job.phase is Phase.FAILED else None
    return Observation(started, job.phase, status, summarize(job), failure)


def stop(watch: VisualizationJobWatch) -> Steps[None]:
    from airflow_provider_dataarts.api import calls

    yield from calls.stop_visualization_job(watch["job_id"])


# --- many waits, one list read (deferred waits only: see triggers/observer.py) ----------------------

#: rows per page of the list (its documented most)
PAGE = 1000
#: pages one read asks for at most
MAX_PAGES = 20


def batch_group(watch: VisualizationJobWatch) -> Hashable | None:
    return "visualization-jobs"


def batch_read(watches: list[VisualizationJobWatch]) -> Steps[dict[str, VisualizationJob]]:
    """Every job of the project by id, page by page (a job read on two pages keeps its later row)."""
    from airflow_provider_dataarts.api import calls

    jobs: dict[str, VisualizationJob] = {}
    for number in range(1, MAX_PAGES + 1):
        page = yield from calls.list_visualization_jobs(per_page=PAGE, page=number)
        jobs.update((job.job_id, job) for job in page.items if job.job_id)
        if not page.items or number * PAGE >= page.total:
            break
    return jobs


def batch_observe(watch: VisualizationJobWatch, rows: dict[str, VisualizationJob]) -> Steps[Observation | None]:
    """The job's row (it carries what the detail does: nothing more is read)."""
    yield from ()
    job = rows.get(watch["job_id"])
    return None if job is None else _observation(watch, job)


BATCH: Batch[VisualizationJobWatch, dict[str, VisualizationJob]] = Batch(batch_group, batch_read, batch_observe)

# A restart that fails again between two polls (1 -> 4 -> 5) leaves the detail exactly as before.
KIND: Kind[VisualizationJobWatch] = Kind(
    "modelarts_visualization_job",
    describe,
    observe,
    stop,
    every_run_shows=False,
    watch=VisualizationJobWatch,
    batch=BATCH,
)
