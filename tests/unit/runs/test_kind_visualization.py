"""``runs.visualization``: a ModelArts visualization job, up at 8 RUNNING, stopped with the stop API."""

from __future__ import annotations

from airflow_provider_dataarts.api.phases import Phase
from airflow_provider_dataarts.runs import visualization
from tests.unit.runs.steps import by_route, drive, shape, state

WATCH = {"job_id": "11", "baseline": None}
CREATED = 1_796_000_000_000


def job(status: int, created: int = CREATED) -> dict:
    body = {"job_id": "11", "job_name": "board", "status": status, "create_time": created}
    return {**body, "service_url": "https://board.example/11" if status == 8 else None}


def observe(watch: dict, body: dict):
    observation, calls = drive(visualization.observe(watch), by_route({"modelarts.show": body}))
    assert [shape(call) for call in calls] == [("modelarts.show", {"job_id": "11"}, None)]
    return observation


def test_describe() -> None:
    assert visualization.KIND.describe(WATCH) == "ModelArts visualization job 11"
    assert visualization.KIND.name == "modelarts_visualization_job"
    assert visualization.KIND.every_run_shows is False  # a restart failing again between polls leaves no trace


def test_without_a_baseline_the_job_is_taken_as_it_is() -> None:
    observation = observe(WATCH, job(8))
    assert state(observation) == (True, Phase.SUCCEEDED, "8 RUNNING")
    assert observation.failure is None
    assert observation.summary == {
        "job_id": "11",
        "job_name": "board",
        "status": 8,
        "status_name": "RUNNING",
        "service_url": "https://board.example/11",
        "create_time": CREATED,
    }


def test_the_baseline_unchanged_is_not_started() -> None:
    observation = observe({**WATCH, "baseline": [5, CREATED]}, job(5))
    assert (observation.started, observation.phase, observation.finished) == (False, Phase.FAILED, False)


def test_the_baseline_changed_is_started() -> None:
    observation = observe({**WATCH, "baseline": [5, CREATED]}, job(1, CREATED + 1000))
    assert state(observation) == (True, Phase.IN_PROGRESS, "1 INIT")


def test_a_job_that_is_not_up_says_its_status() -> None:
    observation = observe(WATCH, job(5))
    assert (observation.phase, observation.status) == (Phase.FAILED, "5 SUBMIT_FAILED")
    assert observation.failure == "the job is not up: status 5 SUBMIT_FAILED"


def test_stop_sends_the_stop() -> None:
    assert visualization.KIND.stop is not None
    result, calls = drive(visualization.KIND.stop(WATCH), lambda call: {"is_success": True})
    assert result is None and [shape(call) for call in calls] == [("modelarts.stop", {"job_id": "11"}, None)]
