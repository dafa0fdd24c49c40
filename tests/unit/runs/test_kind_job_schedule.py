"""``runs.job_schedule``: a job's schedule, started or stopped, read from the job list's ``status``."""

from __future__ import annotations

import pytest

from airflow_provider_dataarts.api.errors import DataArtsNotFoundError
from airflow_provider_dataarts.api.phases import Phase
from airflow_provider_dataarts.runs import job_schedule
from tests.unit.runs.steps import drive, state

START = {"job_name": "sales", "workspace": "ws-a", "wanted": "started", "baseline": "STOPPED"}


def job(name: str, status: str, job_type: str = "BATCH") -> dict:
    return {"name": name, "status": status, "jobType": job_type, "lastInstanceStatus": "success"}


def observe(watch: dict, batch: list[dict], real_time: list[dict] | None = None):
    def reply(call):
        rows = batch if call.query["jobType"] == "BATCH" else (real_time or [])
        return {"total": len(rows), "jobs": rows}

    observation, calls = drive(job_schedule.observe(watch), reply)
    assert all(
        (call.endpoint.name, call.workspace, call.query["jobName"]) == ("dlf.list_jobs", "ws-a", "sales")
        for call in calls
    )
    return observation, [call.query["jobType"] for call in calls]


def test_the_job_is_matched_by_its_exact_name_among_what_the_filter_lists() -> None:
    observation, types = observe(START, [job("sales_daily", "STOPPED"), job("sales", "SCHEDULING")])
    assert state(observation) == (True, Phase.SUCCEEDED, "SCHEDULING")
    assert observation.summary["job_name"] == "sales" and types == ["BATCH"]


def test_a_real_time_job_is_looked_for_after_the_batch_jobs() -> None:
    observation, types = observe(START, [job("sales_daily", "STOPPED")], [job("sales", "STARTING", "REAL_TIME")])
    assert state(observation) == (True, Phase.IN_PROGRESS, "STARTING")
    assert types == ["BATCH", "REAL_TIME"]


def test_the_status_before_the_action_is_not_the_change() -> None:
    observation, _ = observe(START, [job("sales", "STOPPED")])
    assert state(observation) == (False, Phase.IN_PROGRESS, "STOPPED")


@pytest.mark.parametrize(
    ("wanted", "status", "phase"),
    [
        ("started", "SCHEDULING", Phase.SUCCEEDED),
        ("started", "NORMAL", Phase.SUCCEEDED),
        ("started", "PAUSED", Phase.IN_PROGRESS),
        ("started", "EXCEPTION", Phase.FAILED),
        ("stopped", "STOPPED", Phase.SUCCEEDED),
        ("stopped", "STOPPING", Phase.IN_PROGRESS),
        ("stopped", "SCHEDULING", Phase.IN_PROGRESS),
        ("stopped", "EXCEPTION", Phase.FAILED),
        ("started", "SOMETHING_NEW", Phase.UNKNOWN),
    ],
)
def test_each_status_means_one_phase_for_each_wanted_state(wanted: str, status: str, phase: Phase) -> None:
    observation, _ = observe({**START, "wanted": wanted, "baseline": None}, [job("sales", status)])
    assert observation.phase is phase
    assert (observation.failure is not None) is (phase is Phase.FAILED)


def test_a_job_that_is_not_listed_is_not_found_never_stopped() -> None:
    with pytest.raises(DataArtsNotFoundError, match="no job named 'sales'"):
        observe({**START, "wanted": "stopped"}, [job("sales_daily", "STOPPED")])


def test_there_is_nothing_to_stop() -> None:
    assert job_schedule.KIND.stop is None and job_schedule.KIND.name == "dlf_job_schedule"
    assert job_schedule.KIND.describe(START) == "DataArts job 'sales' schedule"
