"""A DataArts Factory job's schedule, started or stopped: observed through the job list's ``status``.

Watch: :class:`JobScheduleWatch`. The change counts as visible once the job's status differs from its
``baseline`` (the status before the action); it is done once the status is the wanted one. The job list
documents, for a batch job, ``SCHEDULING`` (started), ``STOPPED``, ``PAUSED`` and ``EXCEPTION``; for a
real-time job, ``STARTING``, ``NORMAL`` (started), ``STOPPING``, ``STOPPED`` and ``EXCEPTION``.
A status this module does not know is waited on, never taken for the wanted state. There is nothing to
stop: a killed task leaves the schedule as its action left it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, TypedDict

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.api.phases import Phase
from airflow_provider_dataarts.runs.base import Kind, Observation

if TYPE_CHECKING:
    from airflow_provider_dataarts.api.calls import Steps
    from airflow_provider_dataarts.api.models import Job

Wanted = Literal["started", "stopped"]

#: job status -> phase, for each wanted state (SUCCEEDED: there; IN_PROGRESS: not yet; FAILED: broken)
SCHEDULE_PHASES: dict[str, dict[str, Phase]] = {
    "started": {
        "SCHEDULING": Phase.SUCCEEDED,
        "NORMAL": Phase.SUCCEEDED,
        "STARTING": Phase.IN_PROGRESS,
        "STOPPED": Phase.IN_PROGRESS,
        "STOPPING": Phase.IN_PROGRESS,
        "PAUSED": Phase.IN_PROGRESS,
        "EXCEPTION": Phase.FAILED,
    },
    "stopped": {
        "STOPPED": Phase.SUCCEEDED,
        "STOPPING": Phase.IN_PROGRESS,
        "SCHEDULING": Phase.IN_PROGRESS,
        "NORMAL": Phase.IN_PROGRESS,
        "STARTING": Phase.IN_PROGRESS,
        "PAUSED": Phase.IN_PROGRESS,
        "EXCEPTION": Phase.FAILED,
    },
}


#: the status a job passes through on its way to each wanted state (real-time jobs)
TOWARDS: dict[str, str] = {"started": "STARTING", "stopped": "STOPPING"}


class JobScheduleWatch(TypedDict):
    """One job's schedule: ``wanted`` its state after the action, ``baseline`` its status before the
    action (None: take the status as it is)."""

    job_name: str
    workspace: str | None
    wanted: Wanted
    baseline: str | None


def phase_of(job: Job, wanted: Wanted) -> Phase:
    return SCHEDULE_PHASES[wanted].get(job.status, Phase.UNKNOWN)


def summarize(job: Job) -> dict[str, str | int | None]:
    return {
        "job_name": job.name,
        "status": job.status,
        "job_type": job.job_type,
        "last_instance_status": job.last_instance_status,
    }


def describe(watch: JobScheduleWatch) -> str:
    return f"DataArts job {watch['job_name']!r} schedule"


def read_job(watch: JobScheduleWatch) -> Steps[Job]:
    """The job's row in the job list; a job that is not listed is not found (never "stopped")."""
    from airflow_provider_dataarts.api import scans

    job = yield from scans.find_job(watch["job_name"], workspace=watch.get("workspace"))
    if job is None:
        raise errors.DataArtsNotFoundError(f"{describe(watch)}: the job list has no job named {watch['job_name']!r}")
    return job


def observe(watch: JobScheduleWatch) -> Steps[Observation]:
    job = yield from read_job(watch)
    baseline = watch.get("baseline")
    started = baseline is None or job.status != baseline
    phase = phase_of(job, watch["wanted"])
    failure = "the job's status is EXCEPTION: see the job's monitoring page" if phase is Phase.FAILED else None
    return Observation(started, phase, job.status, summarize(job), failure)


KIND: Kind[JobScheduleWatch] = Kind("dlf_job_schedule", describe, observe, None, watch=JobScheduleWatch)
