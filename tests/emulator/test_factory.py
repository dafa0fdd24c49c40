"""DataArts Factory v1 and v2: restart/rerun state machines, nodes, refusals, stop, lists and paging."""

from __future__ import annotations

import pytest

from ._helpers import V1, V2, detail_path
from ._signing import PROJECT, segment

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


def retry_body(**extra):
    return {"retry_location": "errorNode", "retry_task_version": "original_version", **extra}


def retry(api, job, body, **kwargs):
    return api.post(f"{V2}/factory/jobs/{segment(job)}/instances/retry", body=body, **kwargs)


def test_v2_rerun_mode_1(api, admin):
    task = {"job_id": 917567, "plan_time": DAY_21, "submit_time": 1}
    response = retry(api, "nightly_sales", retry_body(task_retrys=[task]))
    assert (response.status_code, response.content) == (200, b"")
    listing = f"{V2}/factory/jobs/nightly_sales/instances/detail"
    window = [("min_plan_time", DAY_21 - 1), ("max_plan_time", DAY_22)]
    before = api.get(listing, query=window).json()["instances"][0]
    assert before["status"] == "fail"
    submitted = admin.clock()["now"]
    admin.advance(3)
    after = api.get(listing, query=window).json()["instances"][0]
    assert after["status"] == "waiting"
    assert after["submit_time"] == submitted != before["submit_time"]
    assert after["instance_id"] == 34765
    assert show(api, "nightly_sales", 34765)["status"] == "waiting"  # one store for v1 and v2


def test_v2_rerun_mode_2_window_over_listed_jobs(api, admin):
    body = retry_body(
        begin_time=1795305600000,  # 2026-11-22T00:00Z
        end_time=1795327200000,
        jobs=[{"job_name": "daily report café", "workspace_id": "ws-default"}],
        concurrent=2,
    )
    assert retry(api, "nightly_sales", body).status_code == 200
    admin.advance(2.5)
    assert show(api, "nightly_sales", 34766)["status"] == "waiting"
    assert show(api, "daily report café", 34771)["status"] == "waiting"
    assert show(api, "nightly_sales", 34765)["status"] == "fail"  # outside the window


@pytest.mark.parametrize(
    ("body", "code", "fragment"),
    [
        ({"retry_task_version": "original_version"}, "DLF.3051", "retry_location"),
        (retry_body(retry_location="error_node"), "DLF.3051", "retry_location"),
        (retry_body(retry_task_version="latest_version"), "DLF.3051", "retry_task_version"),
        (retry_body(), "DLF.3051", "task_retrys"),
        (
            retry_body(task_retrys=[{"job_id": 917567, "plan_time": DAY_21, "submit_time": 1}], begin_time=1),
            "DLF.3051",
            "combined",
        ),
        (retry_body(task_retrys=[{"job_id": 1, "plan_time": DAY_21, "submit_time": 1}]), "DLF.3051", "job_id"),
        (retry_body(task_retrys=[{"job_id": 917567, "plan_time": 5, "submit_time": 1}]), "DLF.0137", "does not exist"),
        (retry_body(task_retrys=[{"job_id": 917567, "plan_time": DAY_21}]), "DLF.3051", "submit_time"),
        (retry_body(begin_time=2, end_time=1, jobs=[]), "DLF.3051", "begin_time"),
        (retry_body(begin_time=1, end_time=2, jobs=[], concurrent=129), "DLF.3051", "concurrent"),
        (
            retry_body(begin_time=0, end_time=2 * 10**12, jobs=[{"job_name": "x", "workspace_id": "ws-default"}]),
            "DLF.1000",
            "find the job",
        ),
        (
            retry_body(
                retry_location="specifiedNode", task_retrys=[{"job_id": 917567, "plan_time": DAY_21, "submit_time": 1}]
            ),
            "DLF.3051",
            "node_name",
        ),
    ],
)
def test_v2_rerun_validation(api, admin, body, code, fragment):
    response = retry(api, "nightly_sales", body)
    assert response.status_code == 400, response.text
    assert response.json()["error_code"] == code
    assert fragment in response.json()["error_msg"]
    assert all(e["status"] == 400 for e in admin.requests())


def test_v2_rerun_refused_when_any_target_unfinished(api, admin):
    body = retry_body(
        begin_time=1795305600000,
        end_time=1795327200000,
        jobs=[{"job_name": "hourly_ingest", "workspace_id": "ws-default"}],
    )
    response = retry(api, "nightly_sales", body)
    assert response.json()["error_code"] == "DLF.3051"
    admin.advance(5)
    assert show(api, "nightly_sales", 34766)["status"] == "success"  # nothing was rerun


def test_v2_unknown_job_and_workspace_rules(api):
    task = {"job_id": 917567, "plan_time": DAY_21, "submit_time": 1}
    assert retry(api, "ghost", retry_body(task_retrys=[task])).json() == {
        "error_code": "DLF.1000",
        "error_msg": "Failed to find the job: job 'ghost' in workspace ws-default",
    }
    missing = retry(api, "nightly_sales", retry_body(task_retrys=[task]), workspace=None)
    assert missing.json() == {
        "error_code": "DLF.3051",
        "error_msg": "The request parameter is invalid: workspace: the header is required",
    }
    unknown = retry(api, "nightly_sales", retry_body(task_retrys=[task]), workspace="ws-nope")
    assert unknown.json() == {
        "error_code": "DLF.3051",
        "error_msg": "The request parameter is invalid: workspace: workspace ws-nope does not exist",
    }


def test_v2_list_default_window_filters_and_paging(api):
    path = f"{V2}/factory/jobs/nightly_sales/instances/detail"
    today = api.get(path).json()  # today 00:00 .. now, on the start time
    assert [i["instance_id"] for i in today["instances"]] == [34766]
    item = today["instances"][0]
    assert set(item) == {
        "job_name", "job_id", "instance_id", "status", "plan_time", "submit_time", "start_time", "end_time",
        "execute_time", "instance_type", "job_instance_name", "version", "force_success", "ignore_success",
    }  # fmt: skip
    week = [("min_plan_time", DAY_21 - 2 * 86_400_000), ("max_plan_time", DAY_22 + 6 * 3_600_000)]
    everything = api.get(path, query=[*week, ("limit", 2)]).json()
    assert everything["total"] == 3
    assert [i["instance_id"] for i in everything["instances"]] == [34766, 34765]
    second = api.get(path, query=[*week, ("limit", 2), ("offset", 1)]).json()  # offset is a page number
    assert [i["instance_id"] for i in second["instances"]] == [34764]
    failed = api.get(path, query=[*week, ("status", "fail")]).json()
    assert [i["instance_id"] for i in failed["instances"]] == [34765]
    assert api.get(path, query=[("limit", 0)]).json()["error_code"] == "DLF.3051"
    assert api.get(path, query=[("force_success", "maybe")]).json()["error_code"] == "DLF.3051"


def test_v2_list_bounds_are_exclusive_and_a_month_at_most(api):
    """SDK: instances whose start time is *greater than* min_plan_time and *less than* max_plan_time."""
    path = f"{V2}/factory/jobs/nightly_sales/instances/detail"
    started = DAY_21 + 5_000
    assert api.get(path, query=[("min_plan_time", DAY_21), ("max_plan_time", DAY_21)]).json()["total"] == 0
    assert api.get(path, query=[("min_plan_time", started), ("max_plan_time", DAY_22)]).json()["total"] == 0
    window = api.get(path, query=[("min_plan_time", started - 1), ("max_plan_time", started + 1)]).json()
    assert [i["instance_id"] for i in window["instances"]] == [34765]
    too_long = api.get(path, query=[("min_plan_time", DAY_21 - 32 * 86_400_000), ("max_plan_time", DAY_21)])
    assert "may not exceed 31 days" in too_long.json()["error_msg"]


def test_v2_rerun_as_a_new_row(api, admin):
    """``v2_rerun_rows: new``: a rerun adds a row of the same plan time, listed once its run is accepted."""
    admin.config(v2_rerun_rows="new")
    task = {"job_id": 917567, "plan_time": DAY_21, "submit_time": 1}
    assert retry(api, "nightly_sales", retry_body(task_retrys=[task])).status_code == 200
    path = f"{V2}/factory/jobs/nightly_sales/instances/detail"
    window = [("min_plan_time", DAY_21 - 3_600_000), ("max_plan_time", DAY_22 + 7 * 3_600_000)]

    def rows():
        listed = api.get(path, query=window).json()["instances"]
        return sorted((i["instance_id"], i["status"], i["version"]) for i in listed if i["plan_time"] == DAY_21)

    assert rows() == [(34765, "fail", 1)]  # the lag: the new row is not listed yet
    admin.advance(3.5)
    assert rows() == [(34765, "fail", 1), (34791, "waiting", 2)]
    assert show(api, "nightly_sales", 34765)["status"] == "fail"  # the old row stays as it was
    admin.advance(100)
    assert show(api, "nightly_sales", 34791)["status"] == "fail"  # the scripted outcome moved to the new row
    assert retry(api, "nightly_sales", retry_body(task_retrys=[task])).status_code == 200  # the newest row
    admin.advance(100)
    assert rows() == [(34765, "fail", 1), (34791, "fail", 2), (34792, "success", 3)]


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
