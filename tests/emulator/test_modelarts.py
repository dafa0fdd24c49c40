"""ModelArts visualization jobs: restart walk to 8 RUNNING, ModelArts.0105 while running, stop, list."""

from __future__ import annotations

from ._helpers import V1


def status(api, job_id="10"):
    response = api.get(f"{V1}/visualization-jobs/{job_id}", workspace=None)
    assert response.status_code == 200, response.text
    return response.json()["status"]


def restart(api, job_id="10"):
    return api.post(f"{V1}/visualization-jobs/{job_id}/restart", workspace=None)


def test_restart_walks_the_scripted_path(api, admin):
    response = restart(api)
    assert (response.status_code, response.json()) == (200, {"is_success": True})
    assert status(api) == 12  # lag 2
    admin.advance(2)
    assert status(api) == 1
    admin.advance(3)
    assert status(api) == 4
    admin.advance(3)
    assert status(api) == 7
    admin.advance(3)
    assert status(api) == 8
    admin.advance(600)
    detail = api.get(f"{V1}/visualization-jobs/10").json()
    assert (detail["status"], detail["job_name"], detail["is_success"]) == (8, "team-tensorboard", True)
    assert detail["duration"] == 600_000
    assert {"service_url", "resource_id", "job_desc", "create_time", "train_url"} <= set(detail)


def test_restart_refused_while_running(api, admin):
    response = restart(api, "11")
    assert response.status_code == 400
    assert response.json() == {
        "is_success": False,
        "error_code": "ModelArts.0105",
        "error_message": "This job can't be resubmit. job status: 8",
    }
    admin.config(modelarts_error_status=200)
    assert restart(api, "11").status_code == 200
    assert restart(api, "11").json()["is_success"] is False


def test_restart_refused_while_in_progress(api, admin):
    restart(api)
    admin.advance(2.5)
    assert restart(api).json()["error_message"] == "This job can't be resubmit. job status: 1"


def test_second_scripted_restart_ends_in_submit_failed(api, admin):
    restart(api)
    admin.advance(20)
    assert api.post(f"{V1}/visualization-jobs/10/stop").status_code == 200
    admin.advance(1)
    assert status(api) == 12
    restart(api)
    admin.advance(2 + 1 + 1)  # defaults: lag 2, step = wait 1
    assert status(api) == 5


def test_stop_goes_killing_then_killed(api, admin):
    response = api.post(f"{V1}/visualization-jobs/11/stop")
    assert (response.status_code, response.json()) == (200, {"is_success": True})
    assert status(api, "11") == 9
    admin.advance(1)
    assert status(api, "11") == 12
    refused = api.post(f"{V1}/visualization-jobs/11/stop")
    assert refused.json() == {
        "is_success": False,
        "error_code": "ModelArts.0105",
        "error_message": "This job can't be stop. job status: 12",
    }


def test_unknown_job(api):
    for response in (api.get(f"{V1}/visualization-jobs/99"), restart(api, "99")):
        assert response.status_code == 400
        assert response.json() == {
            "is_success": False,
            "error_code": "ModelArts.0102",
            "error_message": "The resource does not exist: visualization job 99",
        }


def test_error_message_field_switch_applies_to_modelarts(api, admin):
    admin.config(error_message_field="error_msg")
    assert restart(api, "11").json()["error_msg"] == "This job can't be resubmit. job status: 8"


def test_list(api):
    body = api.get(f"{V1}/visualization-jobs").json()
    assert (body["is_success"], body["job_total_count"]) == (True, 2)
    assert [j["job_id"] for j in body["jobs"]] == [11, 10]  # newest create_time first
    ordered = api.get(f"{V1}/visualization-jobs", query=[("sortBy", "job_name"), ("order", "asc")]).json()
    assert [j["job_name"] for j in ordered["jobs"]] == ["live-tensorboard", "team-tensorboard"]
    running = api.get(f"{V1}/visualization-jobs", query=[("status", 8)]).json()
    assert [j["job_id"] for j in running["jobs"]] == [11]
    search = api.get(f"{V1}/visualization-jobs", query=[("search_content", "team")]).json()
    assert search["job_total_count"] == 1
    paged = api.get(f"{V1}/visualization-jobs", query=[("per_page", 1), ("page", 2)]).json()
    assert [j["job_id"] for j in paged["jobs"]] == [10]
    bad = api.get(f"{V1}/visualization-jobs", query=[("order", "up")])
    assert (bad.status_code, bad.json()["error_code"], bad.json()["is_success"]) == (400, "ModelArts.0101", False)
