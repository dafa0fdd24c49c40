"""DataArts Factory v1 jobs over HTTP: run-immediate, start / stop of a job, their switches and faults
(the job list and the scenario keys: test_factory_job_list.py)."""

from __future__ import annotations

import pytest
import requests

from airflow_provider_dataarts.emulator.admin_client import EmulatorAdminError

from ._helpers import V1, detail_path
from ._jobs import NEXT_ID, NOW, detail, jobs, listed, refused, run_once, start, status_of, stop
from ._signing import PROJECT

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


def test_the_v2_list_shows_a_run_once_after_its_lag(api, admin):
    instance = run_once(api, "nightly_sales").json()["instanceId"]
    path = f"/v2/{PROJECT}/factory/jobs/nightly_sales/instances/detail"
    assert instance not in [row["instance_id"] for row in api.get(path).json()["instances"]]
    admin.advance(2)
    row = next(row for row in api.get(path).json()["instances"] if row["instance_id"] == instance)
    assert (row["status"], row["plan_time"], row["submit_time"], row["instance_type"], row["version"]) == (
        "waiting",
        NOW,
        NOW,
        2,
        1,
    )


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
