"""``runs.quality``: a DataArts Quality instance, found by id (or as the rerun's new run) in the instance list."""

from __future__ import annotations

from airflow_provider_dataarts.api.phases import Phase
from airflow_provider_dataarts.runs import quality
from tests.unit.runs.steps import HOUR_MS, NOW_MS, drive, state

SINCE = NOW_MS - HOUR_MS
WATCH = {"instance_id": "5002", "rule_id": "77", "rule_type": 1, "workspace": "ws-q", "since": SINCE, "known": None}
RERUN = {**WATCH, "instance_id": None, "known": ["5001"]}
RULES = [
    {"sub_rule_id": "r1", "sub_instance_instance_id": "s1", "abnormal_table_status": "SUCCESS", "results": [{"n": 3}]},
    {"sub_rule_id": "r2", "sub_instance_instance_id": "s2", "abnormal_table_status": None, "results": None},
]


def instance(instance_id: str, run_status: str, start: int = SINCE + 1000) -> dict:
    end = None if run_status == "RUNNING" else start + 5000
    return {"id": instance_id, "name": "orders check", "task_id": "77", "task_type": "QUALITY_TASK"} | {
        "run_status": run_status,
        "notify_status": "NONE",
        "start_time": start,
        "end_time": end,
    }


def observe(watch: dict, listed: list[dict], results: list[dict] | None = None):
    def reply(call):
        if call.endpoint.name == "quality.list":
            return {"resources": listed, "count": len(listed)}
        assert call.endpoint.name == "quality.result" and results is not None
        return {"resources": results, "count": len(results)}

    observation, calls = drive(quality.observe(watch), reply)
    listing = calls[0]
    assert (listing.endpoint.name, listing.workspace) == ("quality.list", "ws-q")
    assert (listing.query["task_type"], listing.query["start_time"]) == ("QUALITY_TASK", SINCE - 1)
    return observation, [(call.endpoint.name, dict(call.path_params)) for call in calls[1:]]


def test_describe() -> None:
    assert quality.KIND.describe(WATCH) == "DataArts Quality instance 5002 of quality job 77"
    assert quality.KIND.describe({"instance_id": "5002"}) == "DataArts Quality instance 5002"
    assert quality.KIND.describe(RERUN) == "DataArts Quality rerun of quality job 77 (new instance not known yet)"
    assert quality.KIND.name == "quality_instance"


def test_an_instance_not_listed_yet_has_not_started() -> None:
    observation, more = observe(WATCH, [instance("4990", "SUCCESS")])
    assert state(observation) == (False, Phase.IN_PROGRESS, "not listed yet")
    assert observation.summary == {"instance_id": "5002"} and more == []


def test_a_running_instance_is_started_and_its_results_are_not_read_yet() -> None:
    observation, more = observe(WATCH, [instance("5002", "RUNNING")])
    assert state(observation) == (True, Phase.IN_PROGRESS, "RUNNING")
    assert observation.failure is None and more == []
    assert observation.summary["rules"] == [] and observation.summary["rules_total"] == 0


def test_after_a_rerun_only_instances_known_before_it_is_not_started() -> None:
    observation, _ = observe(RERUN, [instance("5001", "SUCCESS")])
    assert (observation.started, observation.status) == (False, "not listed yet")


def test_after_a_rerun_the_first_new_instance_is_the_run() -> None:
    listed = [instance("5001", "SUCCESS"), instance("5004", "RUNNING", SINCE + 9000), instance("5003", "RUNNING")]
    observation, _ = observe(RERUN, listed)
    assert state(observation) == (True, Phase.IN_PROGRESS, "RUNNING")
    assert observation.summary["instance_id"] == "5003"  # the earliest new one; 5001 was there before


def test_an_alarm_is_reported_with_every_rule_result() -> None:
    observation, more = observe(WATCH, [instance("5002", "ALARMING")], RULES)
    assert more == [("quality.result", {"instance_id": "5002"})]
    assert (observation.started, observation.phase, observation.finished) == (True, Phase.ALARMING, True)
    assert observation.failure == "a rule alarm fired (run status ALARMING); 2 rule result(s) in the task's XCom"
    assert observation.summary["rules"] == [
        {"sub_rule_id": "r1", "sub_instance_id": "s1", "abnormal_table_status": "SUCCESS", "results": [{"n": 3}]},
        {"sub_rule_id": "r2", "sub_instance_id": "s2", "abnormal_table_status": None, "results": None},
    ]
    assert {key: observation.summary[key] for key in ("instance_id", "run_status", "rules_total")} == {
        "instance_id": "5002",
        "run_status": "ALARMING",
        "rules_total": 2,
    }


def test_a_failed_run() -> None:
    observation, more = observe(WATCH, [instance("5002", "FAILED")], [])
    assert state(observation) == (True, Phase.FAILED, "FAILED")
    assert observation.failure == "the quality run failed"
    assert more == [("quality.result", {"instance_id": "5002"})]


def test_there_is_no_stop_api() -> None:
    assert quality.KIND.stop is None
