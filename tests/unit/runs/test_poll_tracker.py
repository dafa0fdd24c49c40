"""``runs.base``: what one wait remembers between polls (``PollTracker``, ``forget_baseline``)."""

from __future__ import annotations

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.api.phases import Phase
from airflow_provider_dataarts.runs.base import MAX_MESSAGE, Kind, Limits, Observation, PollTracker, forget_baseline

KIND = Kind("test", lambda watch: "run 1", lambda watch: iter(()))
FAR = Limits(deadline=4_000_000_000.0, poll_interval=5, start_deadline=3_000_000_000.0, deadline_name="timeout")
WATCH = {"job_id": "11", "baseline": [5, 100]}
SERVER_ERROR = errors.DataArtsServerError("boom", status=503)
THROTTLED = errors.DataArtsThrottledError("slow down", status=429)


def look(started: bool, phase: Phase = Phase.IN_PROGRESS, status: str = "running") -> Observation:
    return Observation(started, phase, status, {"id": 1}, "it broke" if phase is Phase.FAILED else None)


def test_forget_baseline_drops_it_from_a_copy() -> None:
    assert forget_baseline(WATCH) == {"job_id": "11", "baseline": None}
    assert WATCH == {"job_id": "11", "baseline": [5, 100]}  # the caller's watch is left as it was
    plain = {"job_id": "11"}
    copy = forget_baseline(plain)
    assert copy == plain and copy is not plain


def test_the_baseline_is_kept_until_the_run_is_seen_started() -> None:
    tracker = PollTracker(WATCH)
    assert tracker.verdict(KIND, look(False, Phase.FAILED, "5"), FAR).event is None
    assert tracker.watch == WATCH
    assert tracker.verdict(KIND, look(True, Phase.IN_PROGRESS, "1"), FAR).event is None
    assert tracker.watch == {"job_id": "11", "baseline": None}


def test_the_seen_path_labels_looks_before_the_action_and_skips_repeats() -> None:
    tracker = PollTracker(WATCH)
    for observation in (
        look(False, Phase.SUCCEEDED, "success"),
        look(True),
        look(True),
        look(True, Phase.FAILED, "fail"),
    ):
        verdict = tracker.verdict(KIND, observation, FAR)
    assert tracker.seen == ["success (before the action)", "running", "fail"]
    assert verdict.event is not None
    assert {key: verdict.event[key] for key in ("status", "message", "seen", "start_deadline", "deadline_name")} == {
        "status": "failed",
        "message": "run 1 ended fail: it broke",
        "seen": ["success (before the action)", "running", "fail"],
        "start_deadline": 3_000_000_000.0,
        "deadline_name": "timeout",
    }


def test_the_seen_path_keeps_the_latest_labels() -> None:
    tracker = PollTracker({})
    for number in range(PollTracker.MAX_SEEN + 5):
        tracker.verdict(KIND, look(True, status=f"s{number}"), FAR)
    assert tracker.seen == [f"s{number}" for number in range(5, PollTracker.MAX_SEEN + 5)]


def test_errors_in_a_row_count_failures_but_not_throttling_and_reset_on_a_look() -> None:
    tracker = PollTracker({})
    tracker.verdict(KIND, SERVER_ERROR, FAR)
    tracker.verdict(KIND, THROTTLED, FAR)
    tracker.verdict(KIND, SERVER_ERROR, FAR)
    assert tracker.errors_in_a_row == 2 and tracker.last is None
    tracker.verdict(KIND, look(True), FAR)
    assert tracker.errors_in_a_row == 0 and tracker.last == look(True)
    tracker.verdict(KIND, SERVER_ERROR, FAR)
    assert (tracker.errors_in_a_row, tracker.last) == (1, look(True))  # a failed poll keeps the last look


def test_an_event_message_is_capped() -> None:
    long_status = "x" * (2 * MAX_MESSAGE)
    event = PollTracker({}).verdict(KIND, look(True, Phase.SUCCEEDED, long_status), FAR).event
    assert event is not None and len(event["message"]) <= MAX_MESSAGE
    assert event["observation"]["status"] == long_status  # the observation itself is not cut
