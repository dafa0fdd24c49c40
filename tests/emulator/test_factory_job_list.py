"""DataArts Factory v1 job list over HTTP (filters, fields, paging under both offset readings, switches),
and the scenario keys of a job's type and schedule."""

from __future__ import annotations

import pytest

from airflow_provider_dataarts.emulator.scenario import ScenarioError, normalise

from ._helpers import V1
from ._jobs import NOW, detail, jobs, refused, run_once

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
