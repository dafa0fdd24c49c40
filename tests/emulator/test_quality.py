"""DataArts Quality: rerun creates a new instance id, lag, RUNNING, scripted outcome, per-rule results."""

from __future__ import annotations

import pytest

from ._helpers import V2

QUALITY_JOB = "1440764172232392705"
COMPARISON_JOB = "1440764172232392706"


def rerun(api, rule_type=1, rule_id=QUALITY_JOB, **kwargs):
    return api.post(f"{V2}/quality/instances/restart", body={"rule_type": rule_type, "rule_id": rule_id}, **kwargs)


def listing(api, *query):
    response = api.get(f"{V2}/quality/instances", query=list(query))
    assert response.status_code == 200, response.text
    return response.json()


def results(api, instance_id, *query):
    return api.get(f"{V2}/quality/instances/{instance_id}/result", query=list(query))


def test_rerun_walks_lag_running_then_alarming_with_rule_results(api, admin):
    response = rerun(api)
    assert response.status_code == 200
    new_id = response.json()["instance_id"]
    assert isinstance(new_id, str)
    assert int(new_id) > 5002
    assert [r["id"] for r in listing(api)["resources"]] == [5002, 5001]  # absent during the lag
    assert results(api, new_id).json() == {
        "error_code": "APIG.0201",
        "error_msg": f"API request error: quality instance {new_id} does not exist",
    }
    admin.advance(2)
    running = listing(api)["resources"][0]
    assert (running["id"], running["run_status"], running["notify_status"]) == (int(new_id), "RUNNING", "NOT_TRIGGERED")
    assert running["end_time"] is None
    assert results(api, new_id).json() == {"count": 0, "resources": []}
    admin.advance(20)
    done = listing(api)["resources"][0]
    assert (done["run_status"], done["notify_status"]) == ("ALARMING", "SUCCESS")
    assert done["end_time"] - done["start_time"] == 20_000
    assert (done["name"], done["task_id"], done["task_type"]) == ("orders_quality", int(QUALITY_JOB), "QUALITY_TASK")
    body = results(api, new_id).json()
    assert body["count"] == 2
    assert {r["sub_rule_id"]: r["abnormal_table_status"] for r in body["resources"]} == {
        "11": "UNSUPPORTED",  # the abnormal-table export's status (SDK docstring), not a verdict
        "12": "UNSUPPORTED",
    }
    assert all(r["sub_instance_instance_id"] and isinstance(r["results"], list) for r in body["resources"])


def test_each_rerun_gets_a_new_increasing_id_and_the_next_scripted_outcome(api, admin):
    first = int(rerun(api).json()["instance_id"])
    admin.advance(30)
    second = int(rerun(api).json()["instance_id"])
    assert second == first + 1
    admin.advance(2 + 10)  # the second script entry uses the defaults timing
    resource = next(r for r in listing(api)["resources"] if r["id"] == second)
    assert (resource["run_status"], resource["notify_status"]) == ("SUCCESS", "NOT_TRIGGERED")
    assert {r["abnormal_table_status"] for r in results(api, second).json()["resources"]} == {"UNSUPPORTED"}


def test_rerun_refused_while_running(api, admin):
    assert rerun(api).status_code == 200
    pending = rerun(api)
    assert (pending.status_code, pending.json()) == (
        400,
        {
            "error_code": "APIG.0201",
            "error_msg": f"API request error: a run of quality job {QUALITY_JOB} is in progress",
        },
    )
    admin.advance(5)
    assert rerun(api).json()["error_code"] == "APIG.0201"
    admin.advance(30)
    assert rerun(api).status_code == 200


def test_comparison_job(api, admin):
    new_id = rerun(api, 2, COMPARISON_JOB).json()["instance_id"]
    admin.advance(16)
    resource = listing(api, ("task_type", "CONSISTENCY_TASK"))["resources"][0]
    assert (str(resource["id"]), resource["task_type"], resource["run_status"]) == (
        new_id,
        "CONSISTENCY_TASK",
        "SUCCESS",
    )


@pytest.mark.parametrize(("rule_type", "rule_id"), [(2, QUALITY_JOB), (1, COMPARISON_JOB), (1, "42")])
def test_unknown_job_or_wrong_rule_type(api, rule_type, rule_id):
    response = rerun(api, rule_type, rule_id)
    assert (response.status_code, response.json()) == (
        400,
        {
            "error_code": "APIG.0201",
            "error_msg": f"API request error: quality job {rule_id} (rule_type {rule_type}) does not exist",
        },
    )


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({"rule_id": QUALITY_JOB}, "rule_type"),
        ({"rule_type": 3, "rule_id": QUALITY_JOB}, "rule_type"),
        ({"rule_type": 1}, "rule_id"),
        ({"rule_type": 1, "rule_id": 1440764172232392705}, "rule_id"),
        (None, "body"),
    ],
)
def test_rerun_body_validation(api, body, name):
    response = api.post(f"{V2}/quality/instances/restart", body=body)
    assert response.status_code == 400
    assert response.json()["error_code"] == "APIG.0201"
    assert response.json()["error_msg"].startswith(f"API request error: {name}")


def test_workspace_required_and_checked(api):
    assert rerun(api, workspace=None).json() == {
        "error_code": "APIG.0201",
        "error_msg": "API request error: workspace: the header is required",
    }
    assert "workspace nope does not exist" in rerun(api, workspace="nope").json()["error_msg"]
    assert "does not exist" in rerun(api, workspace="ws-analytics").json()["error_msg"]
    assert api.get(f"{V2}/quality/instances", workspace="ws-analytics").json() == {"count": 0, "resources": []}


def test_list_filters_limit_and_paging(api, admin):
    for _ in range(3):
        rerun(api, 2, COMPARISON_JOB)
        admin.advance(20)
    everything = listing(api, ("limit", 100))
    assert everything["count"] == 5
    starts = [r["start_time"] for r in everything["resources"]]
    assert starts == sorted(starts, reverse=True)
    page = listing(api, ("limit", 2), ("offset", 1))  # the second page
    assert [r["id"] for r in page["resources"]] == [r["id"] for r in everything["resources"][2:4]]
    assert listing(api, ("name", "orders_quality"))["count"] == 1
    assert listing(api, ("run_status", "SUCCESS"), ("task_type", "QUALITY_TASK"))["count"] == 1
    too_many = api.get(f"{V2}/quality/instances", query=[("limit", 101)])
    assert too_many.json()["error_code"] == "APIG.0201"


def test_results_of_history_instance_and_paging(api):
    body = results(api, 5001, ("limit", 1), ("offset", 1)).json()
    assert body["count"] == 2
    assert [r["sub_rule_id"] for r in body["resources"]] == ["12"]
    assert results(api, 999).json()["error_code"] == "APIG.0201"
