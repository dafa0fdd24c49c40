"""Triggers: JSON round trip, one session for many in a loop, no stop after an event (kills:
test_kill_and_deadline.py)."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import pytest
from airflow.providers.common.compat.sdk import AirflowException

from airflow_provider_dataarts.hooks import dataarts_async
from airflow_provider_dataarts.hooks.loop_state import loop_state
from airflow_provider_dataarts.outcomes import check_event
from airflow_provider_dataarts.triggers import base as trigger_base
from airflow_provider_dataarts.triggers.status import (
    DataArtsFactoryInstancesTrigger,
    DataArtsJobInstanceTrigger,
    DataArtsQualityInstanceTrigger,
    ModelArtsVisualizationJobTrigger,
)
from tests.conftest import routes
from tests.operators.harness import first_event, rebuild

FAR = 4_000_000_000.0
#: every key a trigger serializes: what to watch and until when, and where to read the connection
WAIT_FIELDS = ["watch", "deadline", "poll_interval", "start_deadline", "deadline_name"]
CONNECTION_FIELDS = ["dataarts_conn_id", "region", "project_id", "workspace", "cancel_on_kill"]
TRIGGERS = [
    DataArtsJobInstanceTrigger(
        watch={"job_name": "nightly_sales", "instance_id": "34766", "workspace": None, "baseline": None},
        deadline=FAR,
        poll_interval=0.02,
    ),
    DataArtsFactoryInstancesTrigger(
        watch={
            "job_name": "nightly_sales",
            "workspace": "ws-default",
            "targets": None,
            "window": [1795312800000, 1795312800000],
        },
        deadline=FAR,
        poll_interval=0.02,
    ),
    DataArtsQualityInstanceTrigger(
        watch={"instance_id": "5002", "rule_id": None, "workspace": None}, deadline=FAR, poll_interval=0.02
    ),
    ModelArtsVisualizationJobTrigger(watch={"job_id": "11", "baseline": None}, deadline=FAR, poll_interval=0.02),
]


@pytest.mark.parametrize("trigger", TRIGGERS, ids=lambda t: type(t).__name__)
def test_serialize_round_trip(trigger) -> None:
    path, kwargs = trigger.serialize()
    assert json.loads(json.dumps(kwargs)) == kwargs  # JSON-safe, as the triggerer stores it
    assert path.startswith("airflow_provider_dataarts.triggers.status.")
    assert rebuild(trigger).serialize() == (path, kwargs)
    assert sorted(kwargs) == sorted(WAIT_FIELDS + CONNECTION_FIELDS)  # what the triggerer stores holds no credentials


@pytest.mark.parametrize("trigger", TRIGGERS, ids=lambda t: type(t).__name__)
def test_each_trigger_reports_success(live, trigger) -> None:
    event = asyncio.run(first_event(rebuild(trigger)))
    assert event.payload["status"] == "success"


def test_many_triggers_in_one_loop_share_one_session(live, monkeypatch) -> None:
    reads: list[str] = []
    original = dataarts_async._connection

    async def counting(conn_id: str):
        reads.append(conn_id)
        return await original(conn_id)

    monkeypatch.setattr(dataarts_async, "_connection", counting)

    async def scenario() -> tuple[int, list]:
        triggers = [rebuild(TRIGGERS[index % 4]) for index in range(40)]
        events = await asyncio.gather(*(anext(trigger.run()) for trigger in triggers))
        sessions = len(loop_state().sessions)
        await dataarts_async.close_sessions()
        return sessions, events

    sessions, events = asyncio.run(scenario())
    assert sessions == 1 and len(reads) == 1
    assert all(event.payload["status"] == "success" for event in events)


def test_cleanup_after_an_event_never_stops(live, monkeypatch) -> None:
    monkeypatch.setattr(trigger_base, "NATIVE_ON_KILL", False)
    from airflow_provider_dataarts.triggers import task_state

    async def left_deferred_state(task_instance) -> bool:
        return True

    monkeypatch.setattr(task_state, "left_deferred_state", left_deferred_state)
    trigger = rebuild(TRIGGERS[3])
    asyncio.run(first_event(trigger))
    trigger.task_instance = SimpleNamespace(task_id="t")
    asyncio.run(trigger.cleanup())
    assert routes(live, "modelarts.stop") == []


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (None, "Unexpected trigger event"),
        ({"status": "exploded"}, "Unexpected trigger event"),
        ({"status": "success", "kind": "quality_instance", "watch": {}}, "another kind"),
        ({"status": "success", "kind": "dlf_job_instance", "watch": {"instance_id": "1"}}, "another run"),
    ],
)
def test_execute_complete_checks_the_event(event, message) -> None:
    with pytest.raises(AirflowException, match=message) as raised:
        check_event(event, "dlf_job_instance", {"instance_id": "34766"})
    assert raised.type is AirflowException  # a bad event, not a run that failed or timed out
