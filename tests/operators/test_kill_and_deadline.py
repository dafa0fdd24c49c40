"""What ends a deferred wait from outside the trigger.

- A kill stops the remote run only when the task really left the deferred state. Airflow 3.3 also calls
  ``on_kill`` when it moves a trigger to another triggerer (apache/airflow#73454); before 3.3 the check
  runs in ``cleanup``, and the Airflow 3 triggerer blocks the ORM, so the state is read through the Task
  SDK's channel to the supervisor (``GetTaskStates``). That channel is stood in for here by an object
  answering as the execution API does, with the message types of the Airflow line under test (these tests
  run on Airflow 3.1, 3.2 and 3.3: scripts/compat.sh); the real channel is exercised by ``scripts/cluster.sh``.
- The task's ``execution_timeout``, which Airflow does not enforce while a task is deferred, reaches the
  trigger as its deadline: the run is stopped and the task fails with a timeout naming it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib.util
from types import SimpleNamespace
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowTaskTimeout, TaskDeferred

from airflow_provider_dataarts.hooks.loop_state import loop_state
from airflow_provider_dataarts.outcomes import DataArtsWaitTimeoutError
from airflow_provider_dataarts.triggers import base as trigger_base
from tests.conftest import routes
from tests.operators.cases import CASES
from tests.operators.conftest import FAST
from tests.operators.harness import first_event, make_context, rebuild, run_task

AIRFLOW_3 = importlib.util.find_spec("airflow.sdk") is not None  # Airflow 2.11 has no Task SDK
NEEDS_AIRFLOW_3 = pytest.mark.skipif(not AIRFLOW_3, reason="the Task SDK's supervisor channel is Airflow 3's")
STOPPABLE = [case for case in CASES if case.stop]
ABSENT = object()
TASK = SimpleNamespace(dag_id="d", task_id="restart", run_id="manual__1", map_index=-1)


class Supervisor:
    """The triggerer's channel to its supervisor, answering ``GetTaskStates`` as the execution API does
    (``{run_id: {task_id or task_id_mapindex: state}}``; a cleared task instance has state ``None``)."""

    def __init__(self, state: Any) -> None:
        self.state = state
        self.asked: list[Any] = []

    async def asend(self, message: Any) -> Any:
        from airflow.sdk.execution_time.comms import GetTaskStates, TaskStatesResult

        if not isinstance(message, GetTaskStates):  # e.g. MaskSecret, as the hook masks the connection's
            return None
        self.asked.append(message)
        task_id = message.task_ids[0]
        key = task_id if message.map_index is None else f"{task_id}_{message.map_index}"
        states = {} if self.state is ABSENT else {key: self.state}
        return TaskStatesResult(task_states={message.run_ids[0]: states})


@pytest.fixture
def airflow3_triggerer(monkeypatch):
    """A triggerer process as Airflow 3 runs one: the ORM blocked, the supervisor channel in place."""
    from airflow import settings
    from airflow.sdk.execution_time import task_runner
    from airflow.sdk.execution_time.supervisor import BlockedDBSession

    monkeypatch.setattr(settings, "Session", BlockedDBSession)

    def answering(state: Any) -> Supervisor:
        supervisor = Supervisor(state)
        monkeypatch.setattr(task_runner, "SUPERVISOR_COMMS", supervisor, raising=False)
        return supervisor

    return answering


def deferred_trigger(live, case, context: dict[str, Any] | None = None, **overrides: Any) -> tuple[Any, Any]:
    """The task deferred on a restarted run that is running and frozen there; its trigger as the
    triggerer rebuilds it, with the task instance the triggerer attaches."""
    live.admin.set_speed(0)
    operator = case.build(live, True, {**FAST, "deferrable": True, **overrides})
    with pytest.raises(TaskDeferred) as deferred:
        operator.execute(context if context is not None else make_context())
    live.admin.advance(case.lag + 1)
    trigger = rebuild(deferred.value.trigger)
    trigger.task_instance = TASK
    return operator, trigger


def kill(live, case, hook: str, task_instance: Any = TASK) -> None:
    """Run the trigger, then do what the triggerer does when it cancels it: ``on_kill`` (3.3+), ``cleanup``."""
    _, trigger = deferred_trigger(live, case)
    trigger.task_instance = task_instance

    async def scenario() -> None:
        waiting = asyncio.ensure_future(first_event(trigger))
        await asyncio.sleep(0.2)
        waiting.cancel()
        await getattr(trigger, hook)()

    asyncio.run(scenario())


# --- on_kill on Airflow 3.3+ -------------------------------------------------------------------------


@NEEDS_AIRFLOW_3
@pytest.mark.parametrize("case", STOPPABLE, ids=[case.name for case in STOPPABLE])
def test_on_kill_after_a_reassignment_leaves_the_healthy_run_alone(live, airflow3_triggerer, case) -> None:
    supervisor = airflow3_triggerer("deferred")  # the task is still deferred: its trigger moved
    kill(live, case, "on_kill")
    assert supervisor.asked and supervisor.asked[0].task_ids == ["restart"]
    assert routes(live, case.stop) == []


@NEEDS_AIRFLOW_3
@pytest.mark.parametrize("state", ["failed", "success", "up_for_retry", None], ids=str)
def test_on_kill_stops_the_run_of_a_task_a_user_failed_marked_or_cleared(live, airflow3_triggerer, state) -> None:
    airflow3_triggerer(state)
    case = STOPPABLE[0]
    kill(live, case, "on_kill")
    assert len(routes(live, case.stop)) == 1


@NEEDS_AIRFLOW_3
@pytest.mark.parametrize("state", ["scheduled", "queued", "running"])
def test_on_kill_after_the_event_fired_elsewhere_stops_nothing(live, airflow3_triggerer, state) -> None:
    """A reassigned trigger that wakes after its new owner fired the event finds the task resumed."""
    airflow3_triggerer(state)
    case = STOPPABLE[0]
    kill(live, case, "on_kill")
    assert routes(live, case.stop) == []


@NEEDS_AIRFLOW_3
@pytest.mark.parametrize("case", STOPPABLE, ids=[case.name for case in STOPPABLE])
def test_a_kill_after_the_run_reached_its_outcome_stops_nothing(live, airflow3_triggerer, case) -> None:
    """The task finished on the event another triggerer fired (a job run that succeeded, a visualization
    job that is up and serving): the late ``on_kill`` of the reassigned trigger leaves the run alone."""
    airflow3_triggerer("success")
    _, trigger = deferred_trigger(live, case)
    trigger.task_instance = TASK
    live.admin.advance(3600)  # the run reaches its outcome

    async def kill_outside_the_run() -> dict[str, Any]:
        await trigger.on_kill()  # it reads the run: the session it opened is closed when it is done
        return loop_state().sessions

    assert asyncio.run(kill_outside_the_run()) == {}
    assert routes(live, case.stop) == []


@NEEDS_AIRFLOW_3
def test_an_unreadable_state_stops_nothing(live, airflow3_triggerer) -> None:
    airflow3_triggerer(ABSENT)  # the execution API does not know the task instance
    case = STOPPABLE[0]
    kill(live, case, "on_kill")
    assert routes(live, case.stop) == []


@NEEDS_AIRFLOW_3
def test_a_mapped_task_is_asked_about_by_its_map_index(live, airflow3_triggerer) -> None:
    supervisor = airflow3_triggerer("failed")
    case = STOPPABLE[0]
    kill(live, case, "on_kill", SimpleNamespace(**{**vars(TASK), "map_index": 3}))
    assert supervisor.asked[0].map_index == 3 and len(routes(live, case.stop)) == 1


# --- before Airflow 3.3: cleanup ---------------------------------------------------------------------


@NEEDS_AIRFLOW_3
@pytest.mark.parametrize(("state", "stops"), [("failed", 1), ("deferred", 0)])
def test_kill_on_airflow_3_before_3_3_reads_the_state_through_the_supervisor(
    live, airflow3_triggerer, monkeypatch, state, stops
) -> None:
    monkeypatch.setattr(trigger_base, "NATIVE_ON_KILL", False)  # Airflow 3.1 / 3.2: no on_kill, only cleanup
    airflow3_triggerer(state)
    case = STOPPABLE[0]
    kill(live, case, "cleanup")
    assert len(routes(live, case.stop)) == stops


@pytest.mark.skipif(AIRFLOW_3, reason="Airflow 2 reads the state from the metadata database")
@pytest.mark.parametrize(("state", "stops"), [("failed", 1), (None, 1), ("deferred", 0)])
def test_kill_on_airflow_2_reads_the_state_from_the_database(live, monkeypatch, state, stops) -> None:
    from airflow_provider_dataarts.triggers import task_state

    monkeypatch.setattr(trigger_base, "NATIVE_ON_KILL", False)
    monkeypatch.setattr(task_state, "_state_from_the_database", lambda task_instance: state)
    case = STOPPABLE[0]
    kill(live, case, "cleanup")
    assert len(routes(live, case.stop)) == stops


@pytest.mark.skipif(AIRFLOW_3, reason="Airflow 2 reads the state from the metadata database")
def test_a_task_instance_missing_from_the_database_stops_nothing(live, monkeypatch) -> None:
    monkeypatch.setattr(trigger_base, "NATIVE_ON_KILL", False)
    case = STOPPABLE[0]
    kill(live, case, "cleanup")  # a real query, which finds no such task instance
    assert routes(live, case.stop) == []


@pytest.mark.parametrize("case", STOPPABLE, ids=[case.name for case in STOPPABLE])
def test_a_stop_in_the_restart_lag_outlives_the_triggerers_repeated_cancels(live, monkeypatch, case) -> None:
    """Airflow 2.11 and 3 cancel a trigger that is going away on every turn of their loop, also while it
    cleans up; the stop of a run that has not shown yet must survive that and stop it once it shows."""
    from airflow_provider_dataarts.runs import stopping
    from airflow_provider_dataarts.triggers import task_state

    async def killed(task_instance: Any) -> bool:
        return True

    monkeypatch.setattr(trigger_base, "NATIVE_ON_KILL", False)
    monkeypatch.setattr(task_state, "left_deferred_state", killed)
    monkeypatch.setattr(stopping, "STOP_POLL", 0.2)
    live.admin.set_speed(0)  # the restarted run stays in its restart lag until the clock moves
    operator = case.build(live, True, {**FAST, "deferrable": True})
    with pytest.raises(TaskDeferred) as deferred:
        operator.execute(make_context())
    trigger = rebuild(deferred.value.trigger)
    trigger.task_instance = TASK

    async def scenario() -> None:
        cleaning = asyncio.ensure_future(trigger.cleanup())
        for _ in range(5):  # the triggerer's loop, turn after turn
            await asyncio.sleep(0.1)
            cleaning.cancel()
        await asyncio.to_thread(live.admin.advance, case.lag + 1)  # now the new run shows
        for _ in range(100):
            if routes(live, case.stop):
                return
            await asyncio.sleep(0.1)

    asyncio.run(scenario())
    assert len(routes(live, case.stop)) == 1


# --- execution_timeout while deferred ----------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_execution_timeout_is_honoured_while_deferred(live, case) -> None:
    context = make_context()
    context["ti"].start_date = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=9.5)  # counted from the start
    operator, trigger = deferred_trigger(live, case, context, execution_timeout=dt.timedelta(seconds=10))
    assert trigger.deadline_name == "execution_timeout"

    async def until_the_event() -> Any:  # where the deadline is the 7-day timeout, fail instead of waiting
        return await asyncio.wait_for(first_event(trigger), timeout=30)

    event = asyncio.run(until_the_event())
    assert event.payload["status"] == "timeout" and event.payload["deadline_name"] == "execution_timeout"
    stopped = len(routes(live, case.stop)) if case.stop else 0
    assert stopped == (1 if case.stop else 0)  # by the trigger: Airflow 2 fails the resumed task at once
    with pytest.raises(AirflowTaskTimeout, match="execution_timeout"):
        operator.execute_complete(context, event=event.payload)
    assert (len(routes(live, case.stop)) if case.stop else 0) == stopped  # not stopped twice


def test_the_wait_timeout_wins_when_it_comes_first(live) -> None:
    _, trigger = deferred_trigger(live, CASES[0], timeout=60, execution_timeout=dt.timedelta(hours=1))
    assert trigger.deadline_name == "timeout"


def test_in_the_worker_the_wait_keeps_its_own_deadline(live) -> None:
    """In the worker Airflow's own alarm enforces ``execution_timeout`` (and ``on_kill`` stops the run):
    the wait does not race it with a deadline of its own."""
    case = CASES[0]
    live.admin.set_speed(0)  # frozen: the run never finishes
    limits = {"deferrable": False, "timeout": 0.4, "execution_timeout": dt.timedelta(seconds=0.2), "start_timeout": 1}
    with pytest.raises(DataArtsWaitTimeoutError):
        run_task(case.build(live, True, {**FAST, **limits}))
