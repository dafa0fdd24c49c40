"""DataArts Factory v1: the restart state machine, nodes, refusals, stop, lists and paging (v2: test_factory_v2.py)."""

from __future__ import annotations

import pytest

from ._helpers import V1, detail_path
from ._signing import PROJECT

DAY_21 = 1795226400000  # 2026-11-21T02:00:00Z, plan time of nightly_sales 34765


def restart(api, job, instance, body=None, **kwargs):
    return api.post(f"{detail_path(job, instance)}/restart", body=body, **kwargs)


def show(api, job, instance, **kwargs):
    response = api.get(detail_path(job, instance), **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def test_detail_docs_form(api):
    body = show(api, "nightly_sales", 34765)
    assert body["jobName"] == "nightly_sales"
    assert body["instanceId"] == 34765
    assert (body["status"], body["planTime"], body["total"], body["instanceType"]) == ("fail", DAY_21, 3, 0)
    assert body["forceSuccess"] is False and body["ignoreSuccess"] is False
    assert body["executeTime"] == body["endTime"] - body["startTime"]
    nodes = body["nodes"]
    assert [(n["nodeName"], n["status"], n["type"]) for n in nodes] == [
        ("extract", "success", "DLI"),
        ("transform", "fail", "DLI"),
        ("load", "skip", "DWS"),
    ]
    assert nodes[1]["logPath"] == f"obs://dlf-log-{PROJECT}/nightly_sales/34765/transform/0.log"
    assert set(nodes[0]) == {
        "nodeName",
        "status",
        "type",
        "retryTimes",
        "instanceId",
        "inputRowCount",
        "logPath",
        "queue",
    }


def test_detail_sdk_form(api, admin):
    admin.config(field_form="sdk")
    body = show(api, "nightly_sales", 34765)
    assert body["instancesId"] == "34765"
    assert not {"jobName", "instanceId", "instanceType", "forceSuccess", "ignoreSuccess"} & set(body)
    assert {"nodeType", "planTime", "startTime", "endTime", "executeTime", "outputRowCount"} <= set(body["nodes"][0])
    assert "type" not in body["nodes"][0]


def test_job_name_with_space_and_non_ascii(api):
    assert show(api, "daily report café", 34771)["jobName"] == "daily report café"


def test_job_name_with_encoded_slash_stays_one_segment(api, admin):
    scenario = {"factory_jobs": [{"name": "a/b %c", "instances": [{"instance_id": 1, "plan_time": 0}]}]}
    admin.reset(scenario)
    assert show(api, "a/b %c", 1)["jobName"] == "a/b %c"
    assert api.get(f"{V1}/jobs/a/b%20%25c/instances/1").status_code == 404


def test_restart_lag_then_waiting_running_and_scripted_outcome(api, admin):
    assert restart(api, "nightly_sales", 34765).status_code == 204
    # scripted: fail at "load" with lag 3, wait 1, duration 30; default position error_node (transform)
    before = show(api, "nightly_sales", 34765)
    assert before["status"] == "fail"
    admin.advance(2.9)
    assert show(api, "nightly_sales", 34765) == before  # still the previous outcome
    admin.advance(0.2)
    waiting = show(api, "nightly_sales", 34765)
    assert waiting["status"] == "waiting"
    assert waiting["startTime"] is None and waiting["endTime"] is None
    assert [n["status"] for n in waiting["nodes"]] == ["success", "waiting", "waiting"]
    admin.advance(1)
    running = show(api, "nightly_sales", 34765)
    assert running["status"] == "running"
    assert running["startTime"] == admin.clock()["now"] - 100
    assert [n["status"] for n in running["nodes"]] == ["success", "running", "waiting"]
    admin.advance(15)
    assert [n["status"] for n in show(api, "nightly_sales", 34765)["nodes"]] == ["success", "success", "running"]
    admin.advance(15)
    done = show(api, "nightly_sales", 34765)
    assert done["status"] == "fail"
    assert done["endTime"] == done["startTime"] + 30_000
    assert [n["status"] for n in done["nodes"]] == ["success", "success", "fail"]
    assert [n["retryTimes"] for n in done["nodes"]] == [0, 1, 1]
    assert done["nodes"][2]["logPath"].endswith("/nightly_sales/34765/load/1.log")


def test_second_restart_uses_the_next_script_entry_and_defaults_after(api, admin):
    assert restart(api, "nightly_sales", 34765, {"retry_location": "first_node"}).status_code == 204
    admin.advance(40)
    assert show(api, "nightly_sales", 34765)["status"] == "fail"
    assert restart(api, "nightly_sales", 34765).status_code == 204  # from the failed node: load
    admin.advance(2 + 1 + 10)  # defaults timing
    body = show(api, "nightly_sales", 34765)
    assert body["status"] == "success"
    assert [n["retryTimes"] for n in body["nodes"]] == [1, 1, 2]
    assert restart(api, "nightly_sales", 34765).status_code == 204  # script exhausted: succeeds
    admin.advance(13)
    assert show(api, "nightly_sales", 34765)["status"] == "success"


def test_restart_specified_node(api, admin):
    response = restart(api, "nightly_sales", 34766, {"retry_location": "specified_node", "node_name": "load"})
    assert response.status_code == 204
    admin.advance(13)
    assert [n["retryTimes"] for n in show(api, "nightly_sales", 34766)["nodes"]] == [0, 0, 1]


def test_restart_refused_while_not_finished(api, admin):
    response = restart(api, "hourly_ingest", 34781)
    assert response.status_code == 400
    assert response.json() == {
        "error_code": "DLF.3051",
        "error_msg": "The request parameter is invalid: the job instance's status is running: only success, fail "
        "and manual-stop instances can be restarted",
    }
    assert restart(api, "nightly_sales", 34765).status_code == 204
    admin.advance(3.5)  # waiting
    assert restart(api, "nightly_sales", 34765).json()["error_code"] == "DLF.3051"


@pytest.mark.dataarts_scenario(
    {
        "factory_jobs": [
            {
                "name": "j",
                "nodes": [{"name": "a"}, {"name": "b"}],
                "instances": [{"instance_id": 3, "plan_time": 0, "status": "running-exception", "failed_node": "b"}],
            }
        ]
    }
)
def test_an_abnormal_instance_is_not_restarted(api):
    """The v1 restart page: "only when it is in the successful, failed, or canceled state"."""
    response = api.post(f"{detail_path('j', 3)}/restart")
    assert (response.status_code, response.json()["error_code"]) == (400, "DLF.3051")
    assert "running-exception" in response.json()["error_msg"]


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({"retry_location": "errorNode"}, "retry_location"),
        ({"retry_location": "specified_node"}, "node_name"),
        ({"retry_location": "specified_node", "node_name": "nope"}, "node_name"),
        ({"job_param_version": "current_version"}, "job_param_version"),
        ({"ignore_obs_monitor": "yes"}, "ignore_obs_monitor"),
        ([1, 2], "body"),
    ],
)
def test_restart_body_validation(api, body, name):
    response = restart(api, "nightly_sales", 34765, body)
    assert response.status_code == 400
    assert response.json()["error_code"] == "DLF.3051"
    assert response.json()["error_msg"].startswith(f"The request parameter is invalid: {name}")


def test_restart_with_full_valid_body(api):
    body = {"retry_location": "first_node", "job_param_version": "latest_version", "ignore_obs_monitor": False}
    assert restart(api, "nightly_sales", 34765, body).status_code == 204


def test_unknown_instance_and_job(api):
    response = restart(api, "nightly_sales", 1)
    assert (response.status_code, response.json()) == (
        400,
        {"error_code": "DLF.0137", "error_msg": "The job instance does not exist: instance 1 of job 'nightly_sales'"},
    )
    response = api.get(detail_path("no_such_job", 1))
    assert response.json() == {
        "error_code": "DLF.0100",
        "error_msg": "The job does not exist: job 'no_such_job' in workspace ws-default",
    }


def test_error_message_field_switch(api, admin):
    admin.config(error_message_field="error_message")
    assert restart(api, "nightly_sales", 1).json() == {
        "error_code": "DLF.0137",
        "error_message": "The job instance does not exist: instance 1 of job 'nightly_sales'",
    }


def test_stop(api):
    stop = api.post(f"{detail_path('hourly_ingest', 34781)}/stop")
    assert stop.status_code == 204
    assert stop.content == b""
    body = show(api, "hourly_ingest", 34781)
    assert body["status"] == "manual-stop"
    assert [n["status"] for n in body["nodes"]] == ["success", "manual-stop"]
    again = api.post(f"{detail_path('hourly_ingest', 34781)}/stop")
    assert again.status_code == 400
    assert again.json()["error_code"] == "DLF.3051"


def test_stop_a_restarted_instance_while_running(api, admin):
    restart(api, "daily report café", 34771)
    admin.advance(4)
    assert show(api, "daily report café", 34771)["status"] == "running"
    assert api.post(f"{detail_path('daily report café', 34771)}/stop").status_code == 204
    admin.advance(100)
    assert show(api, "daily report café", 34771)["status"] == "manual-stop"


def test_v1_workspace_default_and_header(api):
    assert api.get(detail_path("nightly_sales", 34765), workspace=None).status_code == 200
    assert api.get(detail_path("analytics_rollup", 34790), workspace=None).json()["error_code"] == "DLF.0100"
    assert show(api, "analytics_rollup", 34790, workspace="ws-analytics")["status"] == "success"


DAY_22 = DAY_21 + 86_400_000


def test_v1_list_filters_and_paging(api):
    """Exclusive bounds on the start time, default today 00:00 .. now, offset as a page number."""
    path = f"{V1}/jobs/instances/detail"
    today = api.get(path).json()  # 2026-11-22 00:00 .. 06:00: what started today
    assert {i["instanceId"] for i in today["instances"]} == {34766, 34771, 34780, 34781}
    week = [("minPlanTime", DAY_21 - 2 * 86_400_000), ("maxPlanTime", DAY_22 + 6 * 3_600_000)]
    body = api.get(path, query=week).json()
    assert body["total"] == 7
    plan_times = [i["planTime"] for i in body["instances"]]
    assert plan_times == sorted(plan_times, reverse=True)
    page = api.get(path, query=[*week, ("limit", 2), ("offset", 1)]).json()  # the second page
    assert [i["instanceId"] for i in page["instances"]] == [i["instanceId"] for i in body["instances"][2:4]]
    assert page["total"] == 7
    exact = api.get(path, query=[*week, ("jobName", "nightly"), ("preciseQuery", "true")]).json()
    assert exact["total"] == 0
    fuzzy = api.get(path, query=[*week, ("jobName", "nightly"), ("preciseQuery", "false")]).json()
    assert fuzzy["total"] == 3
    failed = api.get(path, query=[*week, ("status", "fail")]).json()
    assert {i["instanceId"] for i in failed["instances"]} == {34765, 34771}
    started = DAY_21 + 5_000  # 34765 started 5 s after its plan time
    assert api.get(path, query=[("minPlanTime", started), ("maxPlanTime", started)]).json()["total"] == 0
    window = api.get(path, query=[("minPlanTime", started - 1), ("maxPlanTime", started + 1)]).json()
    assert [i["instanceId"] for i in window["instances"]] == [34765]
    assert api.get(path, query=[("limit", 1001)]).json()["error_code"] == "DLF.3051"
    assert (
        api.get(path, query=[("limit", "x")]).json()["error_msg"].startswith("The request parameter is invalid: limit")
    )
    too_long = api.get(path, query=[("minPlanTime", DAY_21 - 8 * 86_400_000), ("maxPlanTime", DAY_21)])
    assert "may not exceed 7 days" in too_long.json()["error_msg"]


def test_list_readings_switch(api, admin):
    """The readings the documents leave open, as switches: record offsets, oldest first, plan-time windows."""
    path = f"{V1}/jobs/instances/detail"
    week = [("minPlanTime", DAY_21 - 2 * 86_400_000), ("maxPlanTime", DAY_22 + 6 * 3_600_000)]
    everything = [i["instanceId"] for i in api.get(path, query=week).json()["instances"]]
    admin.config(list_offset="record")
    page = api.get(path, query=[*week, ("limit", 2), ("offset", 1)]).json()
    assert [i["instanceId"] for i in page["instances"]] == everything[1:3]
    admin.config(list_order="oldest_first")
    assert [i["instanceId"] for i in api.get(path, query=week).json()["instances"]] == everything[::-1]
    admin.config(list_window_on="plan_time")
    exact = api.get(path, query=[("minPlanTime", DAY_21 - 1), ("maxPlanTime", DAY_21 + 1)]).json()
    assert [i["instanceId"] for i in exact["instances"]] == [34765]


def test_clock_set_backwards_shows_the_earlier_phase_again(api, admin):
    start = admin.clock()["now"]
    restart(api, "daily report café", 34771)
    admin.advance(60)
    assert show(api, "daily report café", 34771)["status"] == "success"
    admin.set_time(start + 4000)
    assert show(api, "daily report café", 34771)["status"] == "running"
    admin.set_time(start)
    assert show(api, "daily report café", 34771)["status"] == "fail"


def test_node_times_follow_each_other(api, admin):
    admin.config(field_form="sdk")
    nodes = show(api, "nightly_sales", 34766)["nodes"]
    assert nodes[0]["startTime"] < nodes[1]["startTime"] < nodes[2]["startTime"]
