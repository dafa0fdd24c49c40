"""Whether a deferred task really left the deferred state: what a trigger asks before it stops a run.

Airflow cancels a trigger - and from 3.3 calls its ``on_kill`` - when a user fails, clears or marks
the task, but also when the trigger is reassigned to another triggerer after a heartbeat lapse
(apache/airflow#73454) or the triggerer stops. Only the first may stop the remote run: the others
leave a healthy run that the next triggerer polls. A reassigned trigger can also wake after its new
owner fired the event: the task then resumed (scheduled, queued, running) or even finished, so a
resumed task is not a killed one, and a run that reached its outcome is never stopped
(:func:`~airflow_provider_dataarts.runs.stopping.stop_script`). The task's state is read

- on Airflow 3, through the Task SDK's channel to the supervisor (``GetTaskStates``: the execution
  API), never the ORM, which the Airflow 3 triggerer blocks;
- on Airflow 2, through the ORM, in a worker thread (the event loop never blocks).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger(__name__)

#: the states of a task that nobody killed: still deferred, or resumed after its trigger's event (fired
#: by this triggerer or by the one that took the trigger over) - also "restarting", a running task a
#: user cleared, whose own process handles the kill
NOT_KILLED = frozenset({"deferred", "scheduled", "queued", "running", "restarting", "up_for_reschedule"})
#: what ``_state`` answers when the task instance's state could not be had (as opposed to ``None``: a
#: cleared task instance has no state, and it did leave the deferred state)
UNKNOWN = object()


async def left_deferred_state(task_instance: Any) -> bool | None:
    """True when the task was ended from outside (a user failed, marked or cleared it - a cleared task
    has no state), False while it is deferred or resumed (a reassignment, a stopping triggerer, an event
    fired elsewhere), None when its state cannot be read."""
    try:
        state = await _state(task_instance)
    except Exception as error:  # the caller then stops nothing: a healthy run must not be stopped on a guess
        log.warning("Could not read the state of %s: %s", getattr(task_instance, "task_id", "the task"), error)
        return None
    if state is UNKNOWN:
        return None
    return state is None or str(getattr(state, "value", state)).lower() not in NOT_KILLED


async def _state(task_instance: Any) -> Any:
    try:
        from airflow.sdk.execution_time import task_runner
        from airflow.sdk.execution_time.comms import GetTaskStates, TaskStatesResult
    except ImportError:  # Airflow 2
        return await asyncio.to_thread(_state_from_the_database, task_instance)
    comms = getattr(task_runner, "SUPERVISOR_COMMS", None)
    if comms is None:  # not in a triggerer (e.g. dag.test() running the trigger in line)
        return UNKNOWN
    map_index = getattr(task_instance, "map_index", None)
    mapped = map_index is not None and map_index >= 0
    response = await comms.asend(
        GetTaskStates(
            dag_id=task_instance.dag_id,
            task_ids=[task_instance.task_id],
            run_ids=[task_instance.run_id],
            map_index=map_index if mapped else None,
        )
    )
    if not isinstance(response, TaskStatesResult):
        raise RuntimeError(f"unexpected answer to GetTaskStates: {type(response).__name__}")
    states = response.task_states.get(task_instance.run_id) or {}
    return states.get(f"{task_instance.task_id}_{map_index}" if mapped else task_instance.task_id, UNKNOWN)


def _state_from_the_database(task_instance: Any) -> Any:
    """Airflow 2: the task instance's state, from the metadata database."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        row = (
            session.query(TaskInstance.state)
            .filter_by(
                dag_id=task_instance.dag_id,
                task_id=task_instance.task_id,
                run_id=task_instance.run_id,
                map_index=task_instance.map_index,
            )
            .one_or_none()
        )
    return UNKNOWN if row is None else row[0]
