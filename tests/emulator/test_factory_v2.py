"""DataArts Factory v2: reruns (both modes), their refusals, the instance list's window, bounds and paging."""

from __future__ import annotations

import pytest

from ._helpers import V2, detail_path
from ._signing import segment

DAY_21 = 1795226400000  # 2026-11-21T02:00:00Z, plan time of nightly_sales 34765
DAY_22 = DAY_21 + 86_400_000


def show(api, job, instance, **kwargs):
    response = api.get(detail_path(job, instance), **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


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
