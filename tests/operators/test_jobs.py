"""Run a job once, start or stop its schedule: what only these operators do, end to end against the emulator.

The lifecycle every operator shares (both wait modes, failure, kill, deadline, retries, bad answers) runs
for the run-once operator through ``tests/operators/cases.py``. Jobs from the emulator's default
scenario: ``weekly_archive`` (batch, schedule STOPPED), ``ad_hoc_export`` (runs once: no schedule; its
first run fails at ``upload``), ``nightly_sales`` (batch, SCHEDULING), ``clickstream_realtime``
(real-time, NORMAL, 5 s transitions), ``sensor_stream`` (real-time, STOPPED; its first start ends EXCEPTION).
"""

from __future__ import annotations

import pytest
from airflow.providers.common.compat.sdk import TaskDeferred

from airflow_provider_dataarts.api.errors import DataArtsApiError, DataArtsNotFoundError
from airflow_provider_dataarts.operators.jobs import (
    DataArtsRunJobOperator,
    DataArtsStartJobOperator,
    DataArtsStopJobOperator,
)
from airflow_provider_dataarts.outcomes import DataArtsRunFailedError
from tests.conftest import routes
from tests.operators.conftest import FAST
from tests.operators.harness import FakeTaskInstance, StateStore, make_context, run_task

RUN_ONCE = "^/v1/[^/]+/jobs/weekly_archive/run-immediate$"


def run_job(**kwargs) -> DataArtsRunJobOperator:
    return DataArtsRunJobOperator(**{"task_id": "run", "job_name": "weekly_archive", **FAST, **kwargs})


def accepted(live, route: str) -> int:
    return sum(1 for entry in routes(live, route) if entry["status"] in (200, 204))


# --- run once ------------------------------------------------------------------------------------


def test_the_run_gets_its_parameters_and_the_summary_names_its_instance(live) -> None:
    result = run_task(run_job(job_params=[{"name": "day", "value": 20261122, "type": "variable"}]))
    (action,) = routes(live, "dlf.run_once")
    assert action["body"] == {"jobParams": [{"name": "day", "value": "20261122", "type": "variable"}]}
    assert (result["outcome"], result["acted"], result["status"]) == ("success", True, "success")
    assert result["instance_id"].isdigit() and result["nodes"][0]["node_name"] == "archive"


def test_a_run_whose_answer_was_lost_is_found_and_waited_for_never_requested_again(live) -> None:
    live.admin.add_fault("drop_after", path=RUN_ONCE)  # the service ran the job; the answer never came
    result = run_task(run_job())
    assert (result["outcome"], result["acted"]) == ("success", True)
    assert result["instance_id"].isdigit()
    assert len(routes(live, "dlf.run_once")) == 1


@pytest.mark.parametrize("deferrable", [False, True], ids=["worker", "deferred"])
def test_a_request_that_never_arrived_is_sent_again_once_no_run_showed_up(live, deferrable) -> None:
    live.admin.add_fault("drop_before", path=RUN_ONCE)
    result = run_task(run_job(start_timeout=0.5, deferrable=deferrable))
    assert (result["outcome"], result["acted"]) == ("success", True)
    assert len(routes(live, "dlf.run_once")) == 2 and accepted(live, "dlf.run_once") == 1


def test_a_retry_reconnects_to_the_run_its_earlier_try_started(live) -> None:
    store, ti = StateStore(), FakeTaskInstance(max_tries=2)
    with pytest.raises(TaskDeferred):  # the worker goes away; the trigger never reports
        run_job(deferrable=True).execute(make_context(ti, store))
    ti.try_number = 2
    result = run_task(run_job(), make_context(ti, store))
    assert result["outcome"] == "success"
    assert len(routes(live, "dlf.run_once")) == 1


def test_a_retry_after_the_run_failed_runs_the_job_again(live) -> None:
    store, ti = StateStore(), FakeTaskInstance(max_tries=2)
    failing = {**FAST, "job_name": "ad_hoc_export", "task_id": "run"}
    with pytest.raises(DataArtsRunFailedError, match="failed nodes: upload"):
        run_task(DataArtsRunJobOperator(**failing), make_context(ti, store))
    ti.try_number = 2
    result = run_task(DataArtsRunJobOperator(**failing), make_context(ti, store))  # its second run succeeds
    assert result["outcome"] == "success"
    assert len(routes(live, "dlf.run_once")) == 2


@pytest.mark.parametrize(("instance_type", "try_number", "runs"), [(2, 1, 1), (0, 2, 1), (0, 1, 2)])
def test_without_a_record_a_run_in_progress_is_attached_to_when_it_may_be_ours(
    live, instance_type, try_number, runs
) -> None:
    """Before Airflow 3.3 (no task state store): a manual run of the job in progress is waited for; a run of
    another type only by a retry (whose earlier try may have started it: the type a run-once gets is not
    documented); a first try starts its own run."""
    live.admin.config(run_once_instance_type=instance_type)
    live.admin.set_speed(0)
    with pytest.raises(TaskDeferred):
        run_job(deferrable=True).execute(make_context())
    live.admin.advance(4)  # the first run is listed and running
    live.admin.set_speed(200)
    result = run_task(run_job(), make_context(FakeTaskInstance(try_number=try_number)))
    assert result["outcome"] == "success"
    assert len(routes(live, "dlf.run_once")) == runs


def test_a_job_that_does_not_exist_is_refused_by_the_service(live) -> None:
    with pytest.raises(DataArtsNotFoundError, match=r"DLF\.0100"):
        run_task(run_job(job_name="no_such_job"))
    assert len(routes(live, "dlf.run_once")) == 1


# --- start and stop a schedule -------------------------------------------------------------------


def start(job: str, **kwargs) -> DataArtsStartJobOperator:
    return DataArtsStartJobOperator(task_id="start", job_name=job, **{**FAST, **kwargs})


def stop(job: str, **kwargs) -> DataArtsStopJobOperator:
    return DataArtsStopJobOperator(task_id="stop", job_name=job, **{**FAST, **kwargs})


@pytest.mark.parametrize("deferrable", [False, True], ids=["worker", "deferred"])
def test_a_stopped_schedule_is_started_once_and_confirmed(live, deferrable) -> None:
    result = run_task(start("weekly_archive", deferrable=deferrable, job_params={"region": "eu"}))
    assert (result["outcome"], result["acted"], result["status"]) == ("success", True, "SCHEDULING")
    (action,) = routes(live, "dlf.start_job")
    assert action["body"] == {"jobParams": [{"name": "region", "value": "eu"}]}


def test_a_schedule_already_where_it_is_wanted_is_left_alone(live) -> None:
    result = run_task(start("nightly_sales"))
    assert (result["outcome"], result["acted"], result["status"]) == ("success", False, "SCHEDULING")
    assert routes(live, "dlf.start_job") == []
    assert run_task(stop("nightly_sales"))["acted"] is True
    assert run_task(stop("nightly_sales"))["acted"] is False
    assert len(routes(live, "dlf.stop_job")) == 1


@pytest.mark.parametrize("deferrable", [False, True], ids=["worker", "deferred"])
def test_a_real_time_job_is_waited_for_through_its_transition(live, deferrable) -> None:
    live.admin.set_speed(20)  # the 5 s STOPPING spans several polls
    result = run_task(stop("clickstream_realtime", deferrable=deferrable))
    assert (result["outcome"], result["status"]) == ("success", "STOPPED")
    assert "STOPPING" in result["seen"]


def test_a_start_that_ends_in_exception_fails_the_task(live) -> None:
    with pytest.raises(DataArtsRunFailedError, match="EXCEPTION"):
        run_task(start("sensor_stream"))


def test_a_job_without_a_schedule_is_refused_with_the_services_code(live) -> None:
    with pytest.raises(DataArtsApiError, match=r"DLF\.3025"):
        run_task(start("ad_hoc_export"))


def test_a_job_that_is_not_listed_is_not_found_before_anything_is_sent(live) -> None:
    with pytest.raises(DataArtsNotFoundError, match="no job named 'no_such_job'"):
        run_task(stop("no_such_job"))
    assert routes(live, "dlf.stop_job") == []


def test_a_lost_start_answer_is_waited_out_not_resent(live) -> None:
    live.admin.add_fault("drop_after", path="^/v1/[^/]+/jobs/weekly_archive/start$")
    result = run_task(start("weekly_archive"))
    assert (result["outcome"], result["acted"]) == ("success", True)
    assert len(routes(live, "dlf.start_job")) == 1


def test_without_waiting_the_start_is_still_confirmed(live) -> None:
    result = run_task(start("weekly_archive", wait_for_completion=False))
    assert (result["outcome"], result["job_name"]) == ("started", "weekly_archive")
    assert any(entry["route"] == "dlf.list_jobs" for entry in routes(live)[-1:])  # confirmed by a look


def test_a_retry_after_the_worker_died_mid_wait_does_not_act_again(live) -> None:
    live.admin.set_speed(0)  # the real-time job stays STOPPING while the first try waits
    store, ti = StateStore(), FakeTaskInstance(max_tries=2)
    with pytest.raises(TaskDeferred):  # the worker goes away; the trigger never reports
        stop("clickstream_realtime", deferrable=True).execute(make_context(ti, store))
    live.admin.set_speed(200)
    ti.try_number = 2
    for context in (make_context(ti, store), make_context(FakeTaskInstance(try_number=2))):  # with and without a record
        result = run_task(stop("clickstream_realtime"), context)
        assert (result["outcome"], result["status"]) == ("success", "STOPPED")
    assert len(routes(live, "dlf.stop_job")) == 1


def test_the_deadline_ends_a_wait_for_a_slow_transition(live) -> None:
    from airflow_provider_dataarts.outcomes import DataArtsWaitTimeoutError

    live.admin.set_speed(0)  # STOPPING for good
    with pytest.raises(DataArtsWaitTimeoutError, match=r"timeout was reached.*STOPPING"):
        run_task(stop("clickstream_realtime", deferrable=True, timeout=0.3))
    assert len(routes(live, "dlf.stop_job")) == 1 and routes(live, "dlf.start_job") == []


def test_a_killed_schedule_task_sends_nothing_more(live, caplog) -> None:
    live.admin.set_speed(0)
    operator = stop("clickstream_realtime", deferrable=True)
    with pytest.raises(TaskDeferred):
        operator.execute(make_context())
    before = len(routes(live))
    operator.on_kill()
    assert len(routes(live)) - before <= 1  # at most one look: a schedule has no stop of its own to send
    assert routes(live, "dlf.start_job") == [] and len(routes(live, "dlf.stop_job")) == 1
