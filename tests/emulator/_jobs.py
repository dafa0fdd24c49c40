"""Test helpers for the DataArts Factory v1 job calls: run-immediate, start, stop, the job list."""

from __future__ import annotations

from ._helpers import V1, detail_path
from ._signing import segment

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
