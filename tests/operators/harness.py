"""Run operators, sensors and triggers without a scheduler or a database.

``run_task`` calls ``execute`` as a worker would; when the task defers, the trigger is rebuilt from
its ``serialize()`` output (as the triggerer does), run to its first event in an event loop, and
the task resumes in its ``method_name``. The context holds a minimal task instance and, where
wanted, an in-memory stand-in for Airflow 3.3's ``task_state_store``.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import time
from typing import Any

from airflow.providers.common.compat.sdk import TaskDeferred

try:  # Airflow 3
    from airflow.sdk.exceptions import AirflowRescheduleException
except ImportError:  # Airflow 2
    from airflow.exceptions import AirflowRescheduleException


class FakeTaskInstance:
    """The task-instance surface the provider uses: XCom push, ``max_tries``, reschedule date."""

    def __init__(self, max_tries: int = 2, try_number: int = 1) -> None:
        self.max_tries = max_tries
        self.try_number = try_number
        self.xcom: dict[str, Any] = {}
        self.first_reschedule_date: Any = None

    def xcom_push(self, key: str, value: Any) -> None:
        self.xcom[key] = json.loads(json.dumps(value))

    def get_first_reschedule_date(self, context: Any) -> Any:
        return self.first_reschedule_date


class StateStore:
    """In-memory ``task_state_store``: JSON values that survive between tries of one task."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def set(self, key: str, value: Any, **_: Any) -> None:
        self.data[key] = json.loads(json.dumps(value))


def make_context(ti: FakeTaskInstance | None = None, store: StateStore | None = None) -> dict[str, Any]:
    return {"ti": ti or FakeTaskInstance(), "task_state_store": store}


def rebuild(trigger: Any) -> Any:
    """A trigger as the triggerer gets it: class path and JSON kwargs only."""
    path, kwargs = trigger.serialize()
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)(**json.loads(json.dumps(kwargs)))


async def first_event(trigger: Any) -> Any:
    """The trigger's first event; the generator is closed as the triggerer closes it, so its lease on
    the loop's HTTP sessions ends (a stop still running keeps its own)."""
    events = trigger.run()
    try:
        async for event in events:
            return event
    finally:
        await events.aclose()
    raise AssertionError("the trigger ended without an event")


def run_deferred(operator: Any, context: dict[str, Any], deferred: TaskDeferred) -> Any:
    """Run the trigger to its event and resume the task, as often as the task defers again."""
    while True:
        event = asyncio.run(first_event(rebuild(deferred.trigger)))
        try:
            return getattr(operator, deferred.method_name)(context, event=event.payload)
        except TaskDeferred as again:
            deferred = again


def _allow_execute_in_this_thread() -> None:
    """Airflow 2's ExecutorSafeguard keeps a thread-local that only the main thread starts with."""
    try:
        from airflow.models.baseoperator import ExecutorSafeguard
    except ImportError:
        return
    sentinel = getattr(ExecutorSafeguard, "_sentinel", None)
    if sentinel is not None and not hasattr(sentinel, "callers"):
        sentinel.callers = {}


def run_task(operator: Any, context: dict[str, Any] | None = None) -> Any:
    """Execute like a worker, including deferral and reschedules; return the task's result."""
    import datetime as dt

    _allow_execute_in_this_thread()
    context = context or make_context()
    started = dt.datetime.now(dt.UTC)
    while True:
        try:
            return operator.execute(context)
        except TaskDeferred as deferred:
            return run_deferred(operator, context, deferred)
        except AirflowRescheduleException:
            context["ti"].first_reschedule_date = context["ti"].first_reschedule_date or started
            time.sleep(operator.poke_interval)
