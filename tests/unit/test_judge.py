"""The rules every wait shares (``runs.base.judge``), on hand-made observations."""

from __future__ import annotations

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.api.phases import Phase
from airflow_provider_dataarts.runs.base import MAX_ERRORS_IN_A_ROW, Kind, Limits, Observation, judge

KIND = Kind("test", lambda watch: "run 1", lambda watch: iter(()))
NOW = 1_000_000.0
LIMITS = Limits(deadline=NOW + 100, poll_interval=10, start_deadline=NOW + 30)


def obs(started: bool, phase: Phase, status: str = "x") -> Observation:
    return Observation(started, phase, status, {"id": 1})


def test_the_old_outcome_is_not_taken_for_the_new_one() -> None:
    verdict = judge(KIND, {}, obs(False, Phase.SUCCEEDED, "success"), LIMITS, 0, now=NOW)
    assert verdict.event is None and verdict.sleep == 10


def test_started_and_finished_ends_the_wait() -> None:
    assert judge(KIND, {}, obs(True, Phase.SUCCEEDED), LIMITS, 0, now=NOW).event["status"] == "success"
    failed = judge(KIND, {}, Observation(True, Phase.FAILED, "fail", {}, "failed nodes: b"), LIMITS, 0, now=NOW)
    assert failed.event["status"] == "failed" and "failed nodes: b" in failed.event["message"]
    assert judge(KIND, {}, obs(True, Phase.ALARMING), LIMITS, 0, now=NOW).event["status"] == "alarming"


def test_a_run_that_never_starts_ends_at_the_start_deadline() -> None:
    event = judge(KIND, {}, obs(False, Phase.FAILED, "fail"), LIMITS, 0, now=NOW + 31).event
    assert event["status"] == "not_started" and "still shows fail" in event["message"]
    # Sleeps never overshoot the start deadline.
    assert judge(KIND, {}, obs(False, Phase.FAILED), LIMITS, 0, now=NOW + 25).sleep == 5


def test_deadline_reports_timeout_with_the_last_status() -> None:
    event = judge(KIND, {}, obs(True, Phase.STALLED, "pause"), LIMITS, 0, now=NOW + 100).event
    assert event["status"] == "timeout" and "pause" in event["message"] and "stalled" in event["message"]


def test_transient_errors_are_ridden_out_then_give_up() -> None:
    error = errors.DataArtsServerError("boom", status=503)
    assert judge(KIND, {}, error, LIMITS, 1, now=NOW).event is None
    assert judge(KIND, {}, error, LIMITS, MAX_ERRORS_IN_A_ROW, now=NOW).event["status"] == "error"


def test_throttling_never_fails_a_wait() -> None:
    throttled = errors.DataArtsThrottledError("slow down", status=429)
    assert judge(KIND, {}, throttled, LIMITS, 10 * MAX_ERRORS_IN_A_ROW, now=NOW).event is None


def test_other_errors_end_the_wait_at_once() -> None:
    error = errors.DataArtsAuthError("bad signature", status=401)
    assert judge(KIND, {}, error, LIMITS, 0, now=NOW).event["status"] == "error"


def test_an_expired_token_is_ridden_out_like_a_5xx() -> None:
    expired = errors.DataArtsTokenExpiredError("the token must be updated", status=401, code="APIG.0307")
    assert judge(KIND, {}, expired, LIMITS, 1, now=NOW).event is None
    assert judge(KIND, {}, expired, LIMITS, MAX_ERRORS_IN_A_ROW, now=NOW).event["status"] == "error"


def test_a_failed_poll_past_the_start_deadline_does_not_decide_that_the_run_never_started() -> None:
    last = obs(False, Phase.FAILED, "fail")
    error = errors.DataArtsServerError("boom", status=503)
    verdict = judge(KIND, {}, error, LIMITS, 1, last, now=NOW + 31)
    assert verdict.event is None and verdict.sleep == 10  # poll again, without a busy loop
    assert judge(KIND, {}, last, LIMITS, 0, last, now=NOW + 32).event["status"] == "not_started"
