"""``runs.factory_instances``: DataArts Factory v2 instances, read from the v2 list, stopped with the v1 stop."""

from __future__ import annotations

import pytest

from airflow_provider_dataarts.api.phases import Phase
from airflow_provider_dataarts.runs import factory_instances
from tests.unit.runs.steps import HOUR_MS, NOW_MS, drive, shape, state

P1, P2 = NOW_MS - 2 * HOUR_MS, NOW_MS - HOUR_MS  # plan times 10:00 and 11:00 UTC
SUBMIT = P1 + 1000


def row(instance_id: str, plan_time: int, status: str, submit: int = SUBMIT) -> dict:
    start = None if status == "waiting" else submit + 10
    end = submit + 20 if status in ("success", "fail") else None
    return {"job_name": "nightly_sales", "job_id": 7, "instance_id": instance_id, "status": status} | {
        "plan_time": plan_time,
        "submit_time": submit,
        "start_time": start,
        "end_time": end,
    }


def target(plan_time: int, baseline: list | None = None) -> dict:
    return {"job_name": "nightly_sales", "workspace": None, "plan_time": plan_time, "baseline": baseline}


def watch(*targets: dict) -> dict:
    return {"job_name": "nightly_sales", "workspace": "ws-f", "targets": list(targets), "window": None}


BEFORE = ["success", SUBMIT, SUBMIT + 10, SUBMIT + 20]  # row("901", P1, "success") before a rerun
WINDOW = {"job_name": "nightly_sales", "workspace": "ws-f", "targets": None, "window": [P1, P2]}


def observe(watched: dict, rows: list[dict], details: dict | None = None):
    def reply(call):
        if call.endpoint.name == "factory.list":
            return {"instances": rows, "total": len(rows)}
        return details[call.path_params["instance_id"]]

    observation, calls = drive(factory_instances.observe(watched), reply)
    listing = calls[0]
    assert shape(listing) == ("factory.list", {"job_name": "nightly_sales"}, "ws-f")
    assert listing.query["min_plan_time"] == P1 - HOUR_MS - 1  # from an hour before the first plan time, exclusive
    return observation, [shape(call) for call in calls[1:]]


def test_describe() -> None:
    two = watch(target(P1), {**target(P2), "job_name": "daily_report"})
    assert factory_instances.KIND.describe(two) == (
        "DataArts Factory rerun of 2 instance(s) of 'daily_report', 'nightly_sales'"
    )
    expected = "DataArts job 'nightly_sales' instances planned 2026-11-30T10:00:00Z..2026-11-30T11:00:00Z"
    assert factory_instances.KIND.describe(WINDOW) == expected
    assert factory_instances.KIND.name == "factory_instances"


def test_without_a_baseline_the_instances_are_taken_as_they_are() -> None:
    observation, more = observe(watch(target(P1), target(P2)), [row("901", P1, "success"), row("902", P2, "running")])
    assert state(observation) == (True, Phase.IN_PROGRESS, "1 running, 1 success")
    assert observation.failure is None and more == []
    assert observation.summary["instances"][0] == {
        "job_name": "nightly_sales",
        "job_id": 7,
        "instance_id": "901",
        "plan_time": P1,
        "status": "success",
        "submit_time": SUBMIT,
        "start_time": SUBMIT + 10,
        "end_time": SUBMIT + 20,
    }
    assert (observation.summary["instances_total"], observation.summary["expected"]) == (2, 2)


def test_the_baseline_unchanged_is_not_started() -> None:
    observation, _ = observe(watch(target(P1, BEFORE)), [row("901", P1, "success")])
    assert (observation.started, observation.phase, observation.finished) == (False, Phase.IN_PROGRESS, False)


def test_an_instance_not_listed_is_not_started() -> None:
    observation, _ = observe(watch(target(P1), target(P2)), [row("901", P1, "success")])
    assert (observation.started, observation.summary["expected"], observation.summary["instances_total"]) == (
        False,
        2,
        1,
    )


@pytest.mark.parametrize("order", ["oldest_first", "newest_first"])
def test_the_baseline_changed_is_started_and_the_newest_row_counts(order) -> None:
    rows = [row("901", P1, "success"), row("905", P1, "success", submit=SUBMIT + 500)]  # the rerun added a row
    observation, _ = observe(watch(target(P1, BEFORE)), rows if order == "oldest_first" else rows[::-1])
    assert state(observation) == (True, Phase.SUCCEEDED, "1 success")
    assert [item["instance_id"] for item in observation.summary["instances"]] == ["905"]


def test_a_failure_names_the_failed_instances_with_their_nodes_and_logs() -> None:
    nodes = [{"nodeName": "transform", "status": "fail", "logPath": "obs://logs/902.log"}]
    detail = {"instanceId": "902", "status": "fail", "startTime": SUBMIT, "endTime": SUBMIT + 20, "nodes": nodes}
    rows = [row("901", P1, "success"), row("902", P2, "fail")]
    observation, more = observe(watch(target(P1), target(P2)), rows, {"902": detail})
    assert more == [("dlf.show", {"job_name": "nightly_sales", "instance_id": "902"}, "ws-f")]
    assert (observation.phase, observation.status) == (Phase.FAILED, "1 fail, 1 success")
    assert observation.failure == (
        "failed instances: nightly_sales planned 2026-11-30T11:00:00Z (instance 902, fail; "
        "failed nodes: transform (fail, log obs://logs/902.log))"
    )


def test_a_window_covers_every_plan_time_in_it() -> None:
    rows = [row("901", P1, "success"), row("902", P2, "pause"), row("900", P1 - 1, "fail")]  # 900: outside
    observation, _ = observe(WINDOW, rows)
    assert state(observation) == (True, Phase.STALLED, "1 pause, 1 success")
    assert [item["instance_id"] for item in observation.summary["instances"]] == ["901", "902"]


def test_stop_stops_each_instance_in_progress_with_the_v1_stop() -> None:
    assert factory_instances.KIND.stop is not None
    rows = [row("901", P1, "success"), row("902", P2, "running")]
    result, calls = drive(
        factory_instances.KIND.stop(watch(target(P1), target(P2))),
        lambda call: {"instances": rows, "total": 2} if call.endpoint.name == "factory.list" else None,
    )
    assert result is None
    assert [shape(call) for call in calls][1:] == [
        ("dlf.stop", {"job_name": "nightly_sales", "instance_id": "902"}, "ws-f")
    ]
