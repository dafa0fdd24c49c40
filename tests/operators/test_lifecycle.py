"""Every operator in every mode, end to end against the emulator: success, remote failure, the
post-restart lag, a retry while the run is in progress, the deadline, and kill."""

from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace

import pytest
from airflow.providers.common.compat.sdk import TaskDeferred

from airflow_provider_dataarts.outcomes import DataArtsRunFailedError, DataArtsWaitTimeoutError
from tests.conftest import eventually, routes
from tests.operators.cases import CASE_IDS, CASES
from tests.operators.conftest import FAST, SPEED
from tests.operators.harness import StateStore, first_event, make_context, rebuild, run_deferred, run_task

MODES = {"worker": {"deferrable": False}, "deferred": {"deferrable": True}}


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_no_wait_acts_once_and_returns(live, case) -> None:
    context = make_context()
    result = run_task(case.build(live, True, {**FAST, "wait_for_completion": False}), context)
    assert result["acted"] is True
    assert len(routes(live, case.action)) == 1
    assert context["ti"].xcom["dataarts_target"]["region"] == "emulator-1"  # what the console link reads


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_success(live, case, mode) -> None:
    result = run_task(case.build(live, True, {**FAST, **MODES[mode]}))
    assert (result["outcome"], result["acted"]) == ("success", True)
    assert len(routes(live, case.action)) == 1


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_remote_failure_names_what_failed(live, case, mode) -> None:
    live.admin.set_speed(SPEED / 10)  # the post-restart lag spans several polls
    with pytest.raises(DataArtsRunFailedError) as raised:
        run_task(case.build(live, False, {**FAST, **MODES[mode]}))
    assert raised.type is DataArtsRunFailedError  # ended, not timed out
    assert case.failure_text in str(raised.value)
    assert "transform" not in str(raised.value)  # the previous run's failed node: the old outcome was ignored


@pytest.mark.parametrize("with_store", [True, False], ids=["task_state_store", "state_check"])
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_a_retry_while_the_run_is_in_progress_does_not_act_twice(live, case, with_store) -> None:
    live.admin.set_speed(0)
    store = StateStore() if with_store else None
    first = case.build(live, True, {**FAST, "deferrable": True})
    with pytest.raises(TaskDeferred):
        first.execute(make_context(store=store))  # ... and the worker dies before the trigger reports
    live.admin.advance(case.lag + 1)  # the run is now visibly in progress
    live.admin.set_speed(SPEED)
    result = run_task(case.build(live, True, {**FAST, "deferrable": False}), make_context(store=store))
    assert result["outcome"] == "success"
    assert len(routes(live, case.action)) == 1


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_deadline_ends_the_wait_and_stops_the_run(live, case) -> None:
    live.admin.set_speed(0)
    operator = case.build(live, True, {**FAST, "deferrable": True, "timeout": 0.3})
    context = make_context()
    with pytest.raises(TaskDeferred) as deferred:
        operator.execute(context)
    live.admin.advance(case.lag + 1)  # running, and frozen there: it will not finish in time
    with pytest.raises(DataArtsWaitTimeoutError, match="the timeout was reached"):
        run_deferred(operator, context, deferred.value)
    if case.stop:
        assert [entry["status"] for entry in routes(live, case.stop)] in ([200], [204])
    else:
        assert routes(live) and not any(entry["route"].endswith(".stop") for entry in routes(live))


@pytest.mark.parametrize("case", [case for case in CASES if case.stop], ids=[c.name for c in CASES if c.stop])
def test_kill_in_the_worker_stops_the_run(live, case) -> None:
    live.admin.set_speed(0)
    operator = case.build(live, True, {**FAST, "deferrable": False})
    errors: list[BaseException] = []

    def work() -> None:
        try:
            run_task(operator)
        except BaseException as error:
            errors.append(error)

    worker = threading.Thread(target=work)
    worker.start()
    assert eventually(lambda: routes(live, case.action))
    live.admin.advance(case.lag + 1)
    operator.on_kill()
    worker.join(timeout=20)
    assert not worker.is_alive()
    assert len(routes(live, case.stop)) == 1 and routes(live, case.stop)[0]["status"] in (200, 204)
    assert errors and isinstance(errors[0], DataArtsRunFailedError)  # the stopped run ends the wait


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_kill_while_deferred_stops_the_run_from_the_trigger(live, case, caplog, monkeypatch) -> None:
    from airflow_provider_dataarts.triggers import task_state

    async def left_deferred_state(task_instance) -> bool:  # how it is read: tests/operators/test_kill_and_deadline.py
        return True

    monkeypatch.setattr(task_state, "left_deferred_state", left_deferred_state)
    live.admin.set_speed(0)
    operator = case.build(live, True, {**FAST, "deferrable": True})
    with pytest.raises(TaskDeferred) as deferred:
        operator.execute(make_context())
    live.admin.advance(case.lag + 1)
    trigger = rebuild(deferred.value.trigger)
    trigger.task_instance = SimpleNamespace(dag_id="d", task_id="t", run_id="r", map_index=-1)  # as the triggerer does

    async def kill_after_first_poll() -> None:
        from airflow_provider_dataarts.hooks.dataarts_async import close_sessions

        waiting = asyncio.ensure_future(first_event(trigger))
        await asyncio.sleep(0.2)
        await trigger.on_kill()  # what the Airflow 3.3 triggerer calls when a user kills the task
        waiting.cancel()
        await close_sessions()

    asyncio.run(kill_after_first_poll())
    if case.stop:
        assert len(routes(live, case.stop)) == 1
    else:
        assert "no stop call" in caplog.text
