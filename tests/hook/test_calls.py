"""Every hook method over real HTTP against the emulator, in both documented field forms."""

from __future__ import annotations

from collections import Counter

import pytest

from airflow_provider_dataarts.api.phases import Phase
from tests.conftest import routes

NIGHTLY = "nightly_sales"


@pytest.mark.parametrize("form", ["docs", "sdk"])
def test_job_instance_detail_in_both_field_forms(hook, emulator, form) -> None:
    emulator.admin.config(field_form=form)
    instance = hook.get_job_instance(NIGHTLY, 34765)
    assert (instance.instance_id, instance.status, instance.phase) == ("34765", "fail", Phase.FAILED)
    assert [node.node_name for node in instance.nodes] == ["extract", "transform", "load"]
    assert [node.status for node in instance.nodes] == ["success", "fail", "skip"]
    assert instance.nodes[0].node_type == "DLI"  # docs' "type" and the SDK's "nodeType"


def test_job_names_are_percent_encoded(hook, emulator) -> None:
    instance = hook.get_job_instance("daily report café", 34771)
    assert instance.status == "fail"
    assert routes(emulator, "dlf.show")[-1]["path"].endswith("/jobs/daily%20report%20caf%C3%A9/instances/34771")


def test_job_instance_list_pages(hook) -> None:
    window = {"min_plan_time": 1795140000000, "max_plan_time": 1795340000000}  # 2026-11-20 .. 22 (start times)
    first = hook.list_job_instances(NIGHTLY, limit=2, **window)
    second = hook.list_job_instances(NIGHTLY, limit=2, offset=1, **window)  # offset: a page number
    assert first.total == second.total == 3
    assert len(first.items) == 2 and len(second.items) == 1
    ids = {item.instance_id for item in first.items + second.items}
    assert ids == {"34764", "34765", "34766"}


@pytest.mark.parametrize("offset", ["page", "record"])
def test_a_window_of_more_rows_than_a_page_lists_each_instance_once(hook, emulator, offset) -> None:
    """1,500 instances in one day (a page holds 1,000): every one listed exactly once, whether the
    service reads ``offset`` as a page number (as documented) or as a record offset."""
    day = 1795219200000  # 2026-11-21T00:00Z
    rows = [
        {"instance_id": 60_000 + n, "plan_time": day + 60_000 + n * 30_000, "status": "success"} for n in range(1500)
    ]
    busy = {"name": "busy", "workspace": "ws-default", "job_id": 1, "nodes": [{"name": "n"}], "instances": rows}
    emulator.admin.reset({**emulator.scenario, "factory_jobs": [*emulator.scenario["factory_jobs"], busy]})
    emulator.admin.config(list_offset=offset)
    found = hook.list_all_factory_instances(
        "busy", min_plan_time=day, max_plan_time=day + 86_399_999, workspace="ws-default"
    )
    listed = Counter(item.instance_id for item in found)
    assert sorted(listed) == sorted(str(row["instance_id"]) for row in rows), f"{1500 - len(listed)} missed"
    assert set(listed.values()) == {1}, "instances read twice"


def test_restart_without_body_then_the_run_moves_on(hook, emulator) -> None:
    hook.restart_job_instance(NIGHTLY, 34765)
    assert routes(emulator, "dlf.restart")[-1]["body"] is None  # the seed form: no body
    assert hook.get_job_instance(NIGHTLY, 34765).status == "fail"  # the lag: still the old outcome
    emulator.admin.advance(3.5)
    assert hook.get_job_instance(NIGHTLY, 34765).phase is Phase.IN_PROGRESS


def test_restart_with_the_newer_body(hook, emulator) -> None:
    body = {"retry_location": "specified_node", "node_name": "transform", "job_param_version": "latest_version"}
    hook.restart_job_instance(NIGHTLY, 34766, body=body)
    assert routes(emulator, "dlf.restart")[-1]["body"] == body


def test_stop_a_running_instance(hook) -> None:
    hook.stop_job_instance("hourly_ingest", 34781)
    assert hook.get_job_instance("hourly_ingest", 34781).status == "manual-stop"


def test_factory_v2_list_and_both_rerun_modes(hook, emulator) -> None:
    window = {"min_plan_time": 1795.0e9, "max_plan_time": 1796.0e9}
    everything = hook.list_all_factory_instances(
        NIGHTLY, min_plan_time=int(window["min_plan_time"]), max_plan_time=int(window["max_plan_time"])
    )
    page = hook.list_factory_instances(
        NIGHTLY, min_plan_time=int(window["min_plan_time"]), max_plan_time=int(window["max_plan_time"]), limit=1
    )
    assert page.total == len(everything) == 3 and len(page.items) == 1
    failed = next(item for item in everything if item.status == "fail")
    mode_1 = {
        "retry_location": "errorNode",
        "retry_task_version": "original_version",
        "task_retrys": [{"job_id": failed.job_id, "plan_time": failed.plan_time, "submit_time": failed.submit_time}],
    }
    hook.retry_factory_instances(NIGHTLY, mode_1, workspace="ws-default")
    emulator.admin.advance(120)
    mode_2 = {
        "retry_location": "firstNode",
        "retry_task_version": "current_version",
        "begin_time": failed.plan_time,
        "end_time": failed.plan_time,
        "jobs": [{"job_name": "analytics_rollup", "workspace_id": "ws-analytics"}],
        "concurrent": 2,
    }
    hook.retry_factory_instances(NIGHTLY, mode_2, workspace="ws-default")
    assert [entry["body"] for entry in routes(emulator, "factory.retry")] == [mode_1, mode_2]
    assert all(entry["workspace"] == "ws-default" for entry in routes(emulator, "factory.retry"))


def test_quality_rerun_finds_the_new_instance_and_its_results(hook, emulator) -> None:
    new_id = hook.rerun_quality_job(1, "1440764172232392705")
    assert new_id and hook.find_quality_instance(new_id) is None  # not listed during the lag
    emulator.admin.advance(3)
    assert hook.find_quality_instance(new_id).run_status == "RUNNING"
    emulator.admin.advance(30)
    instance = hook.find_quality_instance(new_id)
    assert instance.phase is Phase.ALARMING
    results = hook.get_quality_results(new_id)
    assert {(r.sub_rule_id, r.abnormal_table_status) for r in results} == {("11", "UNSUPPORTED"), ("12", "UNSUPPORTED")}


def test_quality_instance_is_found_beyond_the_first_page(hook, emulator) -> None:
    scenario = dict(emulator.scenario)
    history = [{"id": 9000 + n, "run_status": "SUCCESS", "start_time": 1795000000000 + n * 1000} for n in range(250)]
    scenario["quality_jobs"] = [{**scenario["quality_jobs"][0], "instances": history}]
    emulator.admin.reset(scenario)
    assert hook.find_quality_instance("9000").id == "9000"  # the oldest: on the third page
    assert hook.list_quality_instances(limit=100).total == 250
    assert len(routes(emulator, "quality.list")) >= 3


def test_visualization_restart_detail_list_and_stop(hook, emulator) -> None:
    assert hook.get_visualization_job("10").status == 12
    hook.restart_visualization_job("10")
    emulator.admin.advance(30)
    job = hook.get_visualization_job("10")
    assert (job.status, job.status_name, job.phase) == (8, "RUNNING", Phase.SUCCEEDED)
    page = hook.list_visualization_jobs()
    assert {item.job_id for item in page.items} >= {"10", "11"}
    hook.stop_visualization_job("11")
    emulator.admin.advance(2)
    assert hook.get_visualization_job("11").status_name == "KILLED"
