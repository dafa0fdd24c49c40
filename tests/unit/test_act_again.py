"""The "act again after an unanswered action?" rule (``runs.base.should_act_again``)."""

from __future__ import annotations

import pytest

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
