"""DataArts Factory v1 jobs over HTTP: run-immediate, start / stop of a job, the job list, their switches."""

from __future__ import annotations

import pytest
import requests

from airflow_provider_dataarts.emulator.admin_client import EmulatorAdminError
from airflow_provider_dataarts.emulator.scenario import ScenarioError, normalise

from ._helpers import V1, detail_path
from ._signing import PROJECT, segment

NOW = 1795327200000  # 2026-11-22T06:00:00Z, the default scenario's clock start
NEXT_ID = 34791  # one more than the default scenario's highest instance id


def run_once(api, job, body=None, **kwargs):
    return api.post(f"{V1}/jobs/{segment(job)}/run-immediate", body=body, **kwargs)


def start(api, job, body=None, **kwargs):
    return api.post(f"{V1}/jobs/{segment(job)}/start", body=body, **kwargs)


def stop(api, job, **kwargs):
    return api.post(f"{V1}/jobs/{segment(job)}/stop", **kwargs)


def jobs(api, **query):
    response = api.get(f"{V1}/jobs", query=list(query.items()))
    assert response.status_code == 200, response.text
    return response.json()


def status_of(api, name, job_type="BATCH"):
    return next(
        job["status"] for job in jobs(api, jobType=job_type, jobName=name, limit=100)["jobs"] if job["name"] == name
    )


def detail(api, job, instance):
    response = api.get(detail_path(job, instance))
    assert response.status_code == 200, response.text
    return response.json()


def listed(api, job):
    body = api.get(f"{V1}/jobs/instances/detail", query=[("jobName", job), ("preciseQuery", "true")]).json()
    return {item["instanceId"]: item for item in body["instances"]}


def refused(response, code="DLF.3051", text=None):
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error_code"] == code, body
    if text is not None:
        assert text in body["error_msg"], body
    return body


# --- run-immediate -----------------------------------------------------------------------------------


def test_run_once_creates_an_instance_that_walks_to_success(api, admin):
    response = run_once(api, "nightly_sales")
    assert (response.status_code, response.json()) == (200, {"instanceId": NEXT_ID})
    body = detail(api, "nightly_sales", NEXT_ID)  # the detail answers at once
    assert (body["status"], body["planTime"], body["instanceType"], body["startTime"]) == ("waiting", NOW, 2, None)
    assert [n["status"] for n in body["nodes"]] == ["waiting", "waiting", "waiting"]
    assert NEXT_ID not in listed(api, "nightly_sales")  # listed after the lag (defaults: 2 s)
    admin.advance(2)
    assert listed(api, "nightly_sales")[NEXT_ID]["status"] == "waiting"
    admin.advance(1)  # wait 1 s
    running = detail(api, "nightly_sales", NEXT_ID)
    assert (running["status"], running["startTime"]) == ("running", NOW + 3000)
    admin.advance(10)  # duration 10 s
    done = detail(api, "nightly_sales", NEXT_ID)
    assert (done["status"], done["endTime"]) == ("success", NOW + 13000)
    assert [n["status"] for n in done["nodes"]] == ["success"] * 3
    assert listed(api, "nightly_sales")[NEXT_ID]["status"] == "success"


def test_run_once_follows_the_jobs_script_and_fails_at_the_named_node(api, admin):
    first = run_once(api, "ad_hoc_export").json()["instanceId"]
    second = run_once(api, "ad_hoc_export").json()["instanceId"]
    assert second == first + 1
    admin.advance(3)  # lag 1 + wait 2
    assert detail(api, "ad_hoc_export", first)["status"] == "running"
    admin.advance(20)
    failed = detail(api, "ad_hoc_export", first)
    assert failed["status"] == "fail"
    assert [(n["nodeName"], n["status"]) for n in failed["nodes"]] == [("extract", "success"), ("upload", "fail")]
    assert failed["nodes"][1]["logPath"] == f"obs://dlf-log-{PROJECT}/ad_hoc_export/{first}/upload/0.log"
    admin.advance(10)
    assert detail(api, "ad_hoc_export", second)["status"] == "success"  # the script's second entry
    assert admin.state()["factory_jobs"][5]["scripted_runs_left"] == 0


def test_a_run_once_instance_stops_through_the_instance_stop(api, admin):
    instance = run_once(api, "nightly_sales").json()["instanceId"]
    admin.advance(4)
    assert api.post(f"{detail_path('nightly_sales', instance)}/stop").status_code == 204
    assert detail(api, "nightly_sales", instance)["status"] == "manual-stop"


def test_run_once_keeps_its_params_in_either_spelling(api, admin):
    params = [
        {"name": "run_date", "value": "2026-11-22", "paramType": "variable"},
        {"name": "region-1", "value": "x" * 1024, "type": "constants"},
        {"name": "plain", "value": ""},
        {"name": "both", "value": "1", "type": "variable", "paramType": "variable"},
    ]
    instance = run_once(api, "nightly_sales", {"jobParams": params, "useExecutionUser": "false"}).json()["instanceId"]
    kept = next(i for i in admin.state()["factory_jobs"][0]["instances"] if i["instance_id"] == instance)
    assert kept["job_params"] == [
        {"name": "run_date", "value": "2026-11-22", "type": "variable"},
        {"name": "region-1", "value": "x" * 1024, "type": "constants"},
        {"name": "plain", "value": ""},
        {"name": "both", "value": "1", "type": "variable"},
    ]
    assert run_once(api, "nightly_sales", {"jobParams": []}).status_code == 200
    assert run_once(api, "nightly_sales", {}).status_code == 200


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ([{"name": "a", "value": "b"}], "body"),
        ({"jobParams": {"name": "a", "value": "b"}}, "jobParams"),
        ({"jobParams": ["a=b"]}, "jobParams[0]"),
        ({"jobParams": [{"value": "b"}]}, "jobParams[0].name"),
        ({"jobParams": [{"name": "n" * 65, "value": "b"}]}, "jobParams[0].name"),
        ({"jobParams": [{"name": "a b", "value": "b"}]}, "jobParams[0].name"),
        ({"jobParams": [{"name": "a", "value": 1}]}, "jobParams[0].value"),
        ({"jobParams": [{"name": "a"}]}, "jobParams[0].value"),
        ({"jobParams": [{"name": "a", "value": "v" * 1025}]}, "jobParams[0].value"),
        ({"jobParams": [{"name": "a", "value": "b", "type": "procedure"}]}, "jobParams[0].type"),
        (
            {"jobParams": [{"name": "a", "value": "b", "type": "variable", "paramType": "constants"}]},
            "jobParams[0].type",
        ),
        ({"jobParams": [{"name": "a", "value": "b", "kind": "variable"}]}, "jobParams[0].kind"),
        ({"job_params": []}, "job_params"),
        ({"useExecutionUser": True}, "useExecutionUser"),
        ({"useExecutionUser": "yes"}, "useExecutionUser"),
    ],
)
def test_run_once_refuses_a_body_that_is_not_the_documented_one(api, admin, body, where):
    refused(run_once(api, "nightly_sales", body), text=where)
    assert len(admin.state()["factory_jobs"][0]["instances"]) == 3


def test_run_once_refuses_bad_json(api):
    refused(run_once(api, "nightly_sales", b"{not json"), text="body")


def test_run_once_of_an_unknown_or_real_time_job(api):
    refused(run_once(api, "no_such_job"), "DLF.0100", "The job does not exist")
    refused(run_once(api, "analytics_rollup"), "DLF.0100")  # another workspace's job
    assert run_once(api, "analytics_rollup", workspace="ws-analytics").status_code == 200
    refused(run_once(api, "clickstream_realtime"), "DLF.0136", "only for batch jobs")


def test_run_once_without_the_workspace_header_uses_the_default_workspace(api):
    assert run_once(api, "nightly_sales", workspace=None).json() == {"instanceId": NEXT_ID}


@pytest.mark.parametrize("instance_type", [2, 0, 7])
def test_run_once_instance_type_is_a_switch(api, admin, instance_type):
    admin.config(run_once_instance_type=instance_type)
    instance = run_once(api, "nightly_sales").json()["instanceId"]
    assert detail(api, "nightly_sales", instance)["instanceType"] == instance_type
    admin.advance(2)
    found = api.get(f"{V1}/jobs/instances/detail", query=[("instanceType", instance_type)]).json()["instances"]
    assert instance in [item["instanceId"] for item in found]


@pytest.mark.parametrize("value", [1, 3, True, "2", None])
def test_run_once_instance_type_switch_takes_documented_types_only(admin, value):
    with pytest.raises(EmulatorAdminError, match="run_once_instance_type"):
        admin.config(run_once_instance_type=value)


def test_run_once_answer_in_the_sdk_form(api, admin):
    admin.config(field_form="sdk")
    assert run_once(api, "nightly_sales").json() == {"instanceId": str(NEXT_ID)}


# --- start / stop ------------------------------------------------------------------------------------


def test_batch_start_and_stop_change_the_schedule_at_once_and_repeat_harmlessly(api, admin):
    assert status_of(api, "weekly_archive") == "STOPPED"
    for _ in range(2):
        response = start(api, "weekly_archive")
        assert (response.status_code, response.content) == (204, b"")
        assert status_of(api, "weekly_archive") == "SCHEDULING"
    assert next(j for j in jobs(api, jobName="weekly_archive")["jobs"])["startTime"] == NOW
    for _ in range(2):
        response = stop(api, "weekly_archive")
        assert (response.status_code, response.content) == (204, b"")
        assert status_of(api, "weekly_archive") == "STOPPED"
    assert start(api, "nightly_sales").status_code == 204  # scheduling already: nothing changes
    assert status_of(api, "nightly_sales") == "SCHEDULING"


def test_batch_paused_job_starts_and_stops(api, admin):
    admin.reset({"factory_jobs": [{"name": "p", "schedule": "PAUSED"}, {"name": "q", "schedule": "PAUSED"}]})
    start(api, "p")
    stop(api, "q")
    assert (status_of(api, "p"), status_of(api, "q")) == ("SCHEDULING", "STOPPED")


def test_real_time_stop_and_start_pass_through_stopping_and_starting(api, admin):
    name = "clickstream_realtime"  # NORMAL, schedule_lag 5
    assert stop(api, name).status_code == 204
    assert status_of(api, name, "REAL_TIME") == "STOPPING"
    admin.advance(3)
    assert stop(api, name).status_code == 204  # stopping already: the stop keeps its end
    admin.advance(1.9)
    assert status_of(api, name, "REAL_TIME") == "STOPPING"
    admin.advance(0.1)
    assert status_of(api, name, "REAL_TIME") == "STOPPED"
    assert stop(api, name).status_code == 204
    assert status_of(api, name, "REAL_TIME") == "STOPPED"
    assert start(api, name).status_code == 204
    assert status_of(api, name, "REAL_TIME") == "STARTING"
    assert start(api, name).status_code == 204
    admin.advance(5)
    assert status_of(api, name, "REAL_TIME") == "NORMAL"


def test_real_time_start_script_ends_in_exception_then_normal(api, admin):
    name = "sensor_stream"  # STOPPED, schedule_lag 3, starts [EXCEPTION, NORMAL]
    start(api, name)
    admin.advance(3)
    assert status_of(api, name, "REAL_TIME") == "EXCEPTION"
    start(api, name)  # a job in EXCEPTION may be started again
    assert status_of(api, name, "REAL_TIME") == "STARTING"
    admin.advance(3)
    assert status_of(api, name, "REAL_TIME") == "NORMAL"


def test_a_start_cuts_a_stop_short(api, admin):
    stop(api, "clickstream_realtime")
    admin.advance(1)
    start(api, "clickstream_realtime")
    assert status_of(api, "clickstream_realtime", "REAL_TIME") == "STARTING"
    admin.advance(5)
    assert status_of(api, "clickstream_realtime", "REAL_TIME") == "NORMAL"


def test_a_run_once_job_has_no_schedule_to_start(api):
    refused(start(api, "ad_hoc_export"), "DLF.3025", "The job scheduling parameter is invalid")
    assert stop(api, "ad_hoc_export").status_code == 204
    assert status_of(api, "ad_hoc_export") == "STOPPED"


def test_start_and_stop_of_an_unknown_job(api):
    refused(start(api, "no_such_job"), "DLF.0100")
    refused(stop(api, "no_such_job"), "DLF.0100")
    refused(stop(api, "weekly_archive", workspace="ws-analytics"), "DLF.0100")


def test_start_keeps_its_params_and_checks_the_body(api, admin):
    body = {"jobParams": [{"name": "p", "value": "1", "paramType": "constants"}], "start_date": 20261122}
    assert start(api, "weekly_archive", {**body, "ignore_first_self_dep": True}).status_code == 204
    state = next(job for job in admin.state()["factory_jobs"] if job["name"] == "weekly_archive")
    assert state["schedule_params"] == [{"name": "p", "value": "1", "type": "constants"}]
    assert state["schedule"] == "SCHEDULING"
    stop(api, "weekly_archive")
    refused(start(api, "weekly_archive", {"start_date": "20261122"}), text="start_date")
    refused(start(api, "weekly_archive", {"start_date": 1795327200000}), text="start_date")
    refused(start(api, "weekly_archive", {"ignore_first_self_dep": "true"}), text="ignore_first_self_dep")
    refused(start(api, "weekly_archive", {"useExecutionUser": "true"}), text="useExecutionUser")
    refused(start(api, "weekly_archive", {"jobParams": [{"name": "p"}]}), text="jobParams[0].value")
    assert status_of(api, "weekly_archive") == "STOPPED"


# --- the job list ------------------------------------------------------------------------------------

BATCH_NEWEST_FIRST = ["ad_hoc_export", "nightly_sales", "hourly_ingest", "daily report café", "weekly_archive"]


def test_job_list_defaults_to_batch_jobs_with_the_documented_fields(api):
    body = jobs(api, limit=100)
    assert body["total"] == 5
    assert [job["name"] for job in body["jobs"]] == BATCH_NEWEST_FIRST
    by_name = {job["name"]: job for job in body["jobs"]}
    nightly = by_name["nightly_sales"]
    assert nightly == {
        "name": "nightly_sales",
        "jobType": "BATCH",
        "owner": "emulator-user",
        "priority": 0,
        "status": "SCHEDULING",
        "createUser": "emulator-user",
        "createTime": NOW - 30 * 86_400_000,
        "lastUpdateTime": NOW - 30 * 86_400_000,
        "lastUpdateUser": "emulator-user",
        "startTime": NOW - 30 * 86_400_000,
        "lastInstanceStatus": "success",  # 34766, the newest plan time
        "lastInstanceEndTime": detail(api, "nightly_sales", 34766)["endTime"],
    }
    archive = by_name["weekly_archive"]
    assert (archive["owner"], archive["priority"], archive["status"]) == ("ops-team", 1, "STOPPED")
    assert archive["lastUpdateTime"] == 1794735000000  # 2026-11-15T09:30:00Z
    assert not {"startTime", "lastInstanceStatus", "lastInstanceEndTime"} & set(archive)
    assert by_name["hourly_ingest"]["lastInstanceStatus"] == "running"
    assert "lastInstanceEndTime" not in by_name["hourly_ingest"]


def test_job_list_of_real_time_jobs_and_of_another_workspace(api):
    real_time = jobs(api, jobType="REAL_TIME")
    assert real_time["total"] == 2
    assert {(job["name"], job["status"]) for job in real_time["jobs"]} == {
        ("clickstream_realtime", "NORMAL"),
        ("sensor_stream", "STOPPED"),
    }
    assert all("lastInstanceStatus" not in job for job in real_time["jobs"])
    other = api.get(f"{V1}/jobs", workspace="ws-analytics").json()
    assert [job["name"] for job in other["jobs"]] == ["analytics_rollup"]
    default = api.get(f"{V1}/jobs", query=[("limit", 100)], workspace=None).json()
    assert default["total"] == 5


def test_job_list_shows_a_run_once_as_the_last_instance(api, admin):
    run_once(api, "weekly_archive")
    assert "lastInstanceStatus" not in jobs(api, jobName="weekly_archive")["jobs"][0]  # not listed yet
    admin.advance(2)
    assert jobs(api, jobName="weekly_archive")["jobs"][0]["lastInstanceStatus"] == "waiting"
    admin.advance(11)
    job = jobs(api, jobName="weekly_archive")["jobs"][0]
    assert (job["lastInstanceStatus"], job["lastInstanceEndTime"]) == ("success", NOW + 13000)


@pytest.mark.parametrize(
    ("match", "name", "expected"),
    [
        ("fuzzy", "ly_", ["nightly_sales", "hourly_ingest", "weekly_archive"]),
        ("fuzzy", "daily report café", ["daily report café"]),
        ("fuzzy", "Nightly", []),
        ("exact", "ly_", []),
        ("exact", "nightly_sales", ["nightly_sales"]),
        ("exact", "daily report café", ["daily report café"]),
    ],
)
def test_job_list_name_match_is_a_switch(api, admin, match, name, expected):
    if match != "fuzzy":
        admin.config(job_list_name_match=match)
    body = jobs(api, jobName=name)
    assert ([job["name"] for job in body["jobs"]], body["total"]) == (expected, len(expected))


@pytest.mark.parametrize(
    ("reading", "offset", "expected"),
    [
        ("page", 0, BATCH_NEWEST_FIRST[0:2]),
        ("page", 1, BATCH_NEWEST_FIRST[2:4]),
        ("page", 2, BATCH_NEWEST_FIRST[4:5]),
        ("page", 3, []),
        ("record", 1, BATCH_NEWEST_FIRST[1:3]),
        ("record", 4, BATCH_NEWEST_FIRST[4:5]),
    ],
)
def test_job_list_paging_under_both_offset_readings(api, admin, reading, offset, expected):
    admin.config(list_offset=reading)
    body = jobs(api, limit=2, offset=offset)
    assert ([job["name"] for job in body["jobs"]], body["total"]) == (expected, 5)


def test_job_list_default_limit_order_switch_and_tags(api, admin):
    assert len(jobs(api)["jobs"]) == 5  # default limit 10
    admin.config(list_order="oldest_first")
    assert [job["name"] for job in jobs(api)["jobs"]] == BATCH_NEWEST_FIRST[::-1]
    admin.reset({"factory_jobs": [{"name": "a", "tags": ["x", "y"]}, {"name": "b", "tags": ["y"]}, {"name": "c"}]})
    assert sorted(job["name"] for job in jobs(api, tags="x")["jobs"]) == ["a"]
    assert sorted(job["name"] for job in jobs(api, tags="x,y")["jobs"]) == ["a", "b"]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"jobType": "batch"}, "jobType"),
        ({"jobType": "STREAMING"}, "jobType"),
    ],
)
def test_job_list_refuses_bad_parameters(api, query, name):
    refused(api.get(f"{V1}/jobs", query=list(query.items())), text=name)


def test_job_list_bad_workspace(api):
    refused(api.get(f"{V1}/jobs", workspace="ws-none"), text="workspace")


# --- faults and the request log ----------------------------------------------------------------------


def test_faults_reach_run_once(api, admin):
    path = f"{V1}/jobs/nightly_sales/run-immediate"
    admin.add_fault("drop_before", path=path)
    with pytest.raises(requests.ConnectionError):
        run_once(api, "nightly_sales")
    assert len(admin.state()["factory_jobs"][0]["instances"]) == 3  # never processed
    admin.add_fault("drop_after", path=path)
    with pytest.raises(requests.ConnectionError):
        run_once(api, "nightly_sales")
    assert len(admin.state()["factory_jobs"][0]["instances"]) == 4  # processed, answer lost
    admin.add_fault("rewrite", path=path, status=200, body={"unexpected": True})
    assert run_once(api, "nightly_sales").json() == {"unexpected": True}
    assert len(admin.state()["factory_jobs"][0]["instances"]) == 5
    admin.add_fault("throttle", path=path, retry_after=2)
    response = run_once(api, "nightly_sales")
    assert (response.status_code, response.headers["Retry-After"]) == (429, "2")
    assert len(admin.state()["factory_jobs"][0]["instances"]) == 5
    entries = [entry for entry in admin.requests() if entry["route"] == "dlf.run_once"]
    assert [entry["fault"] for entry in entries] == ["drop_before", "drop_after", "rewrite", "throttle"]


def test_faults_reach_the_job_list_and_start(api, admin):
    admin.add_fault("status", path=f"{V1}/jobs", method="GET", status=503)
    assert api.get(f"{V1}/jobs").status_code == 503
    assert api.get(f"{V1}/jobs").status_code == 200
    admin.add_fault("hold", path=f"{V1}/jobs/weekly_archive/start", seconds=0.2)
    assert start(api, "weekly_archive").status_code == 204
    admin.add_fault("delay", path=f"{V1}/jobs/weekly_archive/stop", seconds=0.2)
    assert stop(api, "weekly_archive").status_code == 204
    routes = [entry["route"] for entry in admin.requests()]
    assert routes == ["dlf.list_jobs", "dlf.list_jobs", "dlf.start_job", "dlf.stop_job"]


# --- scenario keys -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("job", "message"),
    [
        ({"name": "j", "job_type": "STREAM"}, "job_type"),
        ({"name": "j", "schedule": "NORMAL"}, "schedule"),
        ({"name": "j", "job_type": "REAL_TIME", "schedule": "SCHEDULING"}, "schedule"),
        ({"name": "j", "job_type": "REAL_TIME", "schedule": "STARTING"}, "schedule"),
        ({"name": "j", "schedule_type": "EXECUTE_ONCE", "schedule": "SCHEDULING"}, "schedule"),
        ({"name": "j", "job_type": "REAL_TIME", "runs": [{}]}, "runs"),
        ({"name": "j", "job_type": "REAL_TIME", "schedule_type": "CRON"}, "schedule_type"),
        ({"name": "j", "starts": ["NORMAL"]}, "starts"),
        ({"name": "j", "job_type": "REAL_TIME", "starts": ["STOPPED"]}, "starts"),
        ({"name": "j", "runs": [{"outcome": "fail", "failed_node": "nope"}]}, "failed_node"),
        ({"name": "j", "schedule_lag": -1}, "schedule_lag"),
        ({"name": "j", "priority": 3}, "priority"),
        ({"name": "j", "schedule_state": "STOPPED"}, "schedule_state"),
    ],
)
def test_scenario_refuses_bad_job_keys(job, message):
    with pytest.raises(ScenarioError, match=message):
        normalise({"factory_jobs": [job]}, 0)


def test_scenario_job_defaults():
    scenario = normalise(
        {
            "clock": {"start": NOW},
            "defaults": {"lag": 4},
            "factory_jobs": [{"name": "b"}, {"name": "r", "job_type": "REAL_TIME"}],
        },
        0,
    )
    batch, real_time = scenario["factory_jobs"]
    assert (batch["job_type"], batch["schedule"], batch["schedule_type"], batch["runs"]) == (
        "BATCH",
        "SCHEDULING",
        "CRON",
        [],
    )
    assert (real_time["schedule"], real_time["schedule_lag"], real_time["starts"]) == ("NORMAL", 4, [])
    assert batch["create_time"] == batch["last_update_time"] == NOW - 30 * 86_400_000
    once = normalise({"factory_jobs": [{"name": "o", "schedule_type": "EXECUTE_ONCE"}]}, 0)["factory_jobs"][0]
    assert once["schedule"] == "STOPPED"
    relative = normalise({"clock": {"start": NOW}, "factory_jobs": [{"name": "t", "create_time": "now-1d"}]}, 0)
    assert relative["factory_jobs"][0]["create_time"] == NOW - 86_400_000
