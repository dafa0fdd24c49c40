"""The "act again after an unanswered action?" rule (``runs.base.should_act_again``) and the records of the
act-then-wait core, whose JSON forms earlier releases wrote (triggers in flight, retries across an upgrade)."""

from __future__ import annotations

import pytest

from airflow_provider_dataarts.operators.records import UNCONFIRMED, ActionRecord, WaitInProgress
from airflow_provider_dataarts.runs.base import (
    EVENT_STATUSES,
    MAX_UNCONFIRMED_ACTIONS,
    NOT_STARTED,
    should_act_again,
)


@pytest.mark.parametrize("unconfirmed", range(1, MAX_UNCONFIRMED_ACTIONS))
def test_an_unanswered_action_proved_absent_is_sent_again(unconfirmed: int) -> None:
    assert should_act_again(NOT_STARTED, unconfirmed, every_run_shows=True)


def test_an_answered_action_is_never_sent_again() -> None:
    assert not should_act_again(NOT_STARTED, 0, every_run_shows=True)


def test_the_last_allowed_unanswered_action_is_not_followed_by_another() -> None:
    assert not should_act_again(NOT_STARTED, MAX_UNCONFIRMED_ACTIONS, every_run_shows=True)
    assert not should_act_again(NOT_STARTED, MAX_UNCONFIRMED_ACTIONS + 1, every_run_shows=True)


def test_no_trace_proves_nothing_where_a_run_can_pass_unseen() -> None:
    assert not should_act_again(NOT_STARTED, 1, every_run_shows=False)


@pytest.mark.parametrize("status", sorted(EVENT_STATUSES - {NOT_STARTED}))
def test_any_other_end_of_the_wait_is_final(status: str) -> None:
    assert not should_act_again(status, 1, every_run_shows=True)


def test_the_wire_watch_carries_the_count_only_when_there_is_one() -> None:
    watch = {"job_name": "j", "instance_id": "1", "baseline": "b"}
    assert WaitInProgress(watch, None, acted=True).wire_watch == watch
    counted = WaitInProgress(watch, 5.0, acted=True, unconfirmed=2)
    assert counted.wire_watch == {**watch, UNCONFIRMED: 2}
    back = WaitInProgress.from_wire(counted.wire_watch, 5.0, acted=True)
    assert back == counted and UNCONFIRMED not in back.watch


def test_the_stored_record_keeps_the_keys_earlier_releases_stored() -> None:
    stored = {"series": 3, "identity": {"job": "j"}, "acted_at": 12.5, "watch": {"job": "j"}, "phase": "acting"}
    record = ActionRecord.from_json(stored)
    assert record is not None and record.to_json() == stored
    assert list(record.to_json()) == ["series", "identity", "acted_at", "watch", "phase"]
    assert record.belongs_to(3, {"job": "j"}) and not record.belongs_to(4, {"job": "j"})
    assert not record.belongs_to(3, {"job": "other"})


@pytest.mark.parametrize("value", [None, "x", {"series": 1}, {"identity": {}, "watch": "w"}])
def test_a_value_this_provider_did_not_store_is_no_record(value: object) -> None:
    assert ActionRecord.from_json(value) is None


def test_the_old_module_still_hands_out_the_public_names() -> None:
    from airflow_provider_dataarts import waiting
    from airflow_provider_dataarts.operators import base, records

    assert waiting.ActThenWaitOperator is base.ActThenWaitOperator
    assert waiting.DataArtsNoSnapshotError is base.DataArtsNoSnapshotError
    assert waiting.Plan is records.Plan
    assert (waiting.STATE_KEY, waiting.LINK_XCOM_KEY) == ("dataarts_run", "dataarts_target")
    assert (waiting.UNCONFIRMED, waiting.MAX_UNCONFIRMED_ACTIONS) == ("unconfirmed_actions", MAX_UNCONFIRMED_ACTIONS)
    with pytest.raises(AttributeError):
        _ = waiting.no_such_name
