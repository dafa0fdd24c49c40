"""Test helpers for the DataArts Factory v1 job calls: run-immediate, start, stop, the job list."""

from __future__ import annotations

from typing import Any

import requests

from ._helpers import V1, Api, detail_path
from ._signing import segment

NOW = 1795327200000  # 2026-11-22T06:00:00Z, the default scenario's clock start
NEXT_ID = 34791  # one more than the default scenario's highest instance id


def run_once(api: Api, job: str, body: Any = None, **kwargs: Any) -> requests.Response:
    """POST run-immediate."""
    return api.post(f"{V1}/jobs/{segment(job)}/run-immediate", body=body, **kwargs)


def start(api: Api, job: str, body: Any = None, **kwargs: Any) -> requests.Response:
    """POST start."""
    return api.post(f"{V1}/jobs/{segment(job)}/start", body=body, **kwargs)


def stop(api: Api, job: str, **kwargs: Any) -> requests.Response:
    """POST stop."""
    return api.post(f"{V1}/jobs/{segment(job)}/stop", **kwargs)


def jobs(api: Api, **query: Any) -> Any:
    """The job list's answer for these query parameters (200 expected)."""
    response = api.get(f"{V1}/jobs", query=list(query.items()))
    assert response.status_code == 200, response.text
    return response.json()


def status_of(api: Api, name: str, job_type: str = "BATCH") -> str:
    """The listed ``status`` of the job named exactly ``name``."""
    return next(
        job["status"] for job in jobs(api, jobType=job_type, jobName=name, limit=100)["jobs"] if job["name"] == name
    )


def detail(api: Api, job: str, instance: int) -> Any:
    """The v1 instance detail (200 expected)."""
    response = api.get(detail_path(job, instance))
    assert response.status_code == 200, response.text
    return response.json()


def listed(api: Api, job: str) -> dict[int, Any]:
    """The job's rows of the v1 instance list (default window), by instance id."""
    body = api.get(f"{V1}/jobs/instances/detail", query=[("jobName", job), ("preciseQuery", "true")]).json()
    return {item["instanceId"]: item for item in body["instances"]}


def refused(response: requests.Response, code: str = "DLF.3051", text: str | None = None) -> Any:
    """Assert a 400 with ``code`` and ``text`` in the message; the body."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error_code"] == code, body
    if text is not None:
        assert text in body["error_msg"], body
    return body
