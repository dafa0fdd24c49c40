"""``runs.job_instance``: a DataArts Factory v1 instance, observed through its detail, stopped with the v1 stop."""

from __future__ import annotations

from airflow_provider_dataarts.api.phases import FACTORY_STATUS_NOTES, Phase
from airflow_provider_dataarts.runs import job_instance
from tests.unit.runs.steps import by_route, drive, shape, state

WATCH = {"job_name": "nightly_sales", "instance_id": "34766", "workspace": "ws-a", "baseline": None}
START, END = 1_796_000_000_000, 1_796_000_600_000


def detail(status: str, *, start: int | None = START, end: int | None = END, nodes: list | None = None) -> dict:
    body = {"instanceId": 34766, "jobName": "nightly_sales", "status": status, "planTime": START - 60_000}
    return {**body, "startTime": start, "endTime": end, "nodes": nodes or []}


def observe(watch: dict, body: dict):
    observation, calls = drive(job_instance.observe(watch), by_route({"dlf.show": body}))
    assert [shape(call) for call in calls] == [
        ("dlf.show", {"job_name": "nightly_sales", "instance_id": "34766"}, "ws-a")
    ]
    return observation


def test_describe() -> None:
    assert job_instance.KIND.describe(WATCH) == "DataArts job 'nightly_sales' instance 34766"
    assert job_instance.KIND.name == "dlf_job_instance" and job_instance.KIND.every_run_shows is True


def test_without_a_baseline_the_run_is_taken_as_it_is() -> None:
    nodes = [{"nodeName": "extract", "status": "running", "type": "DLI", "retryTimes": 0}]
    observation = observe(WATCH, detail("running", end=None, nodes=nodes))
    assert state(observation) == (True, Phase.IN_PROGRESS, "running")
    assert observation.failure is None
    assert observation.summary == {
        "job_name": "nightly_sales",
        "instance_id": "34766",
        "status": "running",
        "plan_time": START - 60_000,
        "start_time": START,
        "end_time": None,
        "nodes": [
            {"node_name": "extract", "status": "running", "node_type": "DLI", "retry_times": 0, "log_path": None}
        ],
    }


def test_the_baseline_unchanged_is_not_started() -> None:
    observation = observe({**WATCH, "baseline": ["success", START, END]}, detail("success"))
    assert (observation.started, observation.phase, observation.finished) == (False, Phase.SUCCEEDED, False)


def test_the_baseline_changed_is_started() -> None:
    observation = observe({**WATCH, "baseline": ["success", START, END]}, detail("success", start=END, end=END + 5))
    assert (observation.started, observation.phase, observation.finished) == (True, Phase.SUCCEEDED, True)


def test_a_failed_run_names_its_failed_nodes_and_their_logs() -> None:
    nodes = [
        {"nodeName": "extract", "status": "success"},
        {"nodeName": "transform", "status": "fail", "logPath": "obs://logs/transform.log"},
        {"nodeName": "load", "status": "manual-stop"},
    ]
    observation = observe(WATCH, detail("fail", nodes=nodes))
    assert state(observation) == (True, Phase.FAILED, "fail")
    assert observation.failure == "failed nodes: transform (fail, log obs://logs/transform.log), load (manual-stop)"


def test_an_abnormal_run_says_what_its_status_means() -> None:
    nodes = [{"nodeName": "transform", "status": "fail", "logPath": "obs://logs/t.log"}]
    observation = observe(WATCH, detail("running-exception", end=None, nodes=nodes))
    assert observation.phase is Phase.FAILED
    expected = FACTORY_STATUS_NOTES["running-exception"] + "; failed nodes: transform (fail, log obs://logs/t.log)"
    assert observation.failure == expected


def test_stop_sends_the_v1_stop() -> None:
    assert job_instance.KIND.stop is not None
    result, calls = drive(job_instance.KIND.stop(WATCH), lambda call: None)
    assert result is None
    assert [shape(call) for call in calls] == [
        ("dlf.stop", {"job_name": "nightly_sales", "instance_id": "34766"}, "ws-a")
    ]


# --- a run-once: the instance the action created, found even when its answer was lost ----------------

RUN_ONCE = {"job_name": "nightly_sales", "instance_id": None, "workspace": "ws-a", "baseline": None}


def listed(instance_id: int, instance_type: int, start: int, status: str = "running") -> dict:
    body = {"instanceId": instance_id, "jobName": "nightly_sales", "status": status, "planTime": start}
    return {**body, "startTime": start, "endTime": None, "instanceType": instance_type}


def observe_run_once(watch: dict, rows: list[dict], detail_body: dict | BaseException | None = None):
    def reply(call):
        if call.endpoint.name == "dlf.list":
            return {"total": len(rows), "instances": rows}
        assert call.endpoint.name == "dlf.show" and detail_body is not None
        return detail_body

    return drive(job_instance.observe(watch), reply)


def test_a_run_once_without_its_id_is_the_first_new_instance_a_manual_one_first() -> None:
    watch = {**RUN_ONCE, "since": START, "known": ["34770"]}
    rows = [listed(34770, 2, START + 1), listed(34772, 0, START + 2), listed(34771, 2, START + 3)]
    observation, calls = observe_run_once(watch, rows, detail("running", end=None) | {"instanceId": 34771})
    assert state(observation) == (True, Phase.IN_PROGRESS, "running")
    listing = calls[0]
    assert (listing.query["jobName"], listing.query["preciseQuery"], listing.query["minPlanTime"]) == (
        "nightly_sales",
        True,
        START - 1,
    )
    assert listing.query["instanceType"] is None  # the type a run-once gets is not documented: not filtered
    assert shape(calls[-1]) == ("dlf.show", {"job_name": "nightly_sales", "instance_id": "34771"}, "ws-a")


def test_a_run_once_not_listed_yet_has_not_started() -> None:
    watch = {**RUN_ONCE, "since": START, "known": ["34770"]}
    observation, calls = observe_run_once(watch, [listed(34770, 2, START + 1)])
    assert state(observation) == (False, Phase.IN_PROGRESS, "not listed yet")
    assert [call.endpoint.name for call in calls] == ["dlf.list"]


def test_a_run_once_named_by_its_answer_but_not_shown_yet_has_not_started() -> None:
    from airflow_provider_dataarts.api.errors import DataArtsNotFoundError

    watch = {**RUN_ONCE, "instance_id": "34771", "since": START, "known": []}
    observation, _ = observe_run_once(watch, [], DataArtsNotFoundError("DLF.0137: the instance does not exist"))
    assert state(observation) == (False, Phase.IN_PROGRESS, "not listed yet")


def test_a_missing_instance_that_is_not_a_run_once_is_an_error() -> None:
    import pytest

    from airflow_provider_dataarts.api.errors import DataArtsNotFoundError

    with pytest.raises(DataArtsNotFoundError):
        observe_run_once(WATCH, [], DataArtsNotFoundError("DLF.0137: the instance does not exist"))


def test_a_run_once_is_stopped_once_found() -> None:
    watch = {**RUN_ONCE, "since": START, "known": []}

    def reply(call):
        return {"total": 1, "instances": [listed(34771, 2, START + 1)]} if call.endpoint.name == "dlf.list" else None

    _, calls = drive(job_instance.KIND.stop(watch), reply)  # type: ignore[misc]
    assert shape(calls[-1]) == ("dlf.stop", {"job_name": "nightly_sales", "instance_id": "34771"}, "ws-a")
