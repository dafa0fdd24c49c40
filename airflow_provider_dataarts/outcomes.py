"""What a finished wait means: the checks an event passes before it is trusted, the summary or error
it becomes, and the deadline a wait is given (its ``timeout``, or the task's ``execution_timeout``)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from typing import Any

from airflow.providers.common.compat.sdk import AirflowException, AirflowTaskTimeout


class DataArtsRunFailedError(AirflowException):
    """The remote run ended in failure (or alarm), could not start, or the wait gave up."""


class DataArtsWaitTimeoutError(DataArtsRunFailedError):
    """The wait reached its ``timeout``."""


def wait_deadline(context: Any, timeout: float, execution_timeout: dt.timedelta | None) -> tuple[float, str]:
    """The wall-clock deadline of a wait and its name: the wait's ``timeout``, or the task's
    ``execution_timeout`` counted from the task's start when that comes first - Airflow does not enforce
    ``execution_timeout`` while a task is deferred, so the trigger does."""
    now = time.time()
    deadline, name = now + timeout, "timeout"
    if execution_timeout is not None:
        start = getattr(context.get("ti"), "start_date", None)
        started = start.timestamp() if isinstance(start, dt.datetime) else now
        task_deadline = started + execution_timeout.total_seconds()
        if task_deadline < deadline:
            deadline, name = task_deadline, "execution_timeout"
    return deadline, name


def check_event(event: Any, kind_name: str, identity: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a trigger event before trusting it (shape, kind, and that it is about this task's run)."""
    from airflow_provider_dataarts.runs.base import EVENT_STATUSES

    if not isinstance(event, Mapping) or event.get("status") not in EVENT_STATUSES:
        raise AirflowException(f"Unexpected trigger event: {event!r}")
    if event.get("kind") != kind_name or not isinstance(event.get("watch"), Mapping):
        raise AirflowException(f"Trigger event for another kind of run: {event.get('kind')!r}, expected {kind_name!r}")
    watch = event["watch"]
    for key, value in identity.items():
        if value is not None and str(watch.get(key)) != str(value):
            raise AirflowException(f"Trigger event for another run: {key}={watch.get(key)!r}, expected {value!r}")
    return dict(event)


def outcome(event: Mapping[str, Any], *, acted: bool, fail_on_alarm: bool, log: Any) -> dict[str, Any]:
    """The XCom summary of a successful wait; a clear error for any other ending."""
    from airflow_provider_dataarts.runs.base import ALARMING, SUCCESS, TIMEOUT

    status = event["status"]
    observation = event.get("observation") or {}
    summary = {
        "kind": event["kind"],
        "outcome": status,
        "acted": acted,
        "status": observation.get("status"),
        **(observation.get("summary") or {}),
        "seen": event.get("seen", []),
    }
    if status == SUCCESS or (status == ALARMING and not fail_on_alarm):
        log.info("%s", event["message"])
        return summary
    if status == TIMEOUT:
        if event.get("deadline_name") == "execution_timeout":
            raise AirflowTaskTimeout(f"{event['message']} (the task's execution_timeout)")
        raise DataArtsWaitTimeoutError(event["message"])
    raise DataArtsRunFailedError(event["message"])


__all__ = ["DataArtsRunFailedError", "DataArtsWaitTimeoutError", "check_event", "outcome", "wait_deadline"]
