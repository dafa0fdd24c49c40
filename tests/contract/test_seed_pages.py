"""The calls the official SDK does not model, held to their published pages, one table row per call.

DataArts Quality's rerun (seed 004), ModelArts visualization jobs (seed 002 and the pages REFERENCE.md
digests) and the v1 restart's newer optional body (the current restart page) have no SDK model: the
request the provider builds and the answer the emulator gives are checked against the page's tables.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from airflow_provider_dataarts.api import calls
from airflow_provider_dataarts.api.request import RequestBuilder
from airflow_provider_dataarts.api.settings import from_connection
from tests.emulator._helpers import V1, V2, Api


@dataclasses.dataclass(frozen=True)
class Page:
    """What one published page says about a call."""

    source: str
    method: str
    path: str  # the request path for the inputs below, project 'p1'
    body: dict[str, tuple[type, bool]] | None  # field -> (JSON type, mandatory); None: no body
    workspace: bool  # the ``workspace`` header is mandatory
    answer: dict[str, type]  # documented answer fields -> JSON type
    steps: Any  # the provider's steps for the call
    emulator: tuple[str, str, Any]  # (method, path, body) of the same call on the emulator (default scenario)


PAGES = [
    Page(
        "seed 004 (Rerunning a Quality Job or Comparison Job)",
        "POST",
        "/v2/p1/quality/instances/restart",
        {"rule_type": (int, False), "rule_id": (str, False)},
        True,
        {"instance_id": str},
        calls.rerun_quality_job(1, "1440764172232392705", workspace="ws-1"),
        ("POST", f"{V2}/quality/instances/restart", {"rule_type": 1, "rule_id": "1440764172232392705"}),
    ),
    Page(
        "seed 002 (Restarting a Visualization Job)",
        "POST",
        "/v1/p1/visualization-jobs/10/restart",
        None,
        False,
        {"is_success": bool},
        calls.restart_visualization_job("10"),
        ("POST", f"{V1}/visualization-jobs/10/restart", None),
    ),
    Page(
        "modelarts_03_0069 (Stopping a Visualization Job)",
        "POST",
        "/v1/p1/visualization-jobs/11/stop",
        None,
        False,
        {"is_success": bool},
        calls.stop_visualization_job("11"),
        ("POST", f"{V1}/visualization-jobs/11/stop", None),
    ),
    Page(
        "modelarts_03_0066 (Querying the Details About a Visualization Job)",
        "GET",
        "/v1/p1/visualization-jobs/10",
        None,
        False,
        {
            "is_success": bool,
            "job_name": str,
            "job_id": int,
            "status": int,
            "service_url": str,
            "resource_id": str,
            "job_desc": str,
            "duration": int,
            "create_time": int,
            "train_url": str,
        },
        calls.get_visualization_job("10"),
        ("GET", f"{V1}/visualization-jobs/10", None),
    ),
    Page(
        "dataartsstudio_02_0067 (Rerunning a Job Instance: the optional body of the current page)",
        "POST",
        "/v1/p1/jobs/daily%20report%20caf%C3%A9/instances/34771/restart",
        {
            "retry_location": (str, False),
            "node_name": (str, False),
            "job_param_version": (str, False),
            "ignore_obs_monitor": (bool, False),
        },
        False,
        {},
        calls.restart_job_instance(
            "daily report café",
            34771,
            body={"retry_location": "specified_node", "node_name": "publish", "ignore_obs_monitor": True},
        ),
        ("POST", f"{V1}/jobs/daily%20report%20caf%C3%A9/instances/34771/restart", {"retry_location": "first_node"}),
    ),
]


@pytest.mark.parametrize("page", PAGES, ids=[page.source.split(" ")[0] for page in PAGES])
def test_the_request_is_the_pages(page: Page) -> None:
    settings = from_connection("AK", "SK", {"region": "cn-north-4", "project_id": "p1", "workspace": "ws-1"})
    request = RequestBuilder(settings).build(next(page.steps))
    assert (request.method, request.path) == (page.method, page.path)
    assert ("workspace" in request.headers) is page.workspace or not page.workspace
    if page.body is None:
        assert request.body is None
        return
    sent = json.loads(request.body or b"{}")
    assert set(sent) <= set(page.body), set(sent) - set(page.body)
    for name, (kind, mandatory) in page.body.items():
        assert name in sent or not mandatory, name
        assert name not in sent or (isinstance(sent[name], kind) and isinstance(sent[name], bool) == (kind is bool))
    assert request.headers["Content-Type"] == "application/json;charset=UTF-8"


@pytest.mark.parametrize("page", PAGES, ids=[page.source.split(" ")[0] for page in PAGES])
def test_the_emulator_answers_as_the_page(page: Page, dataarts_emulator: Any) -> None:
    api = Api(dataarts_emulator.url)
    method, path, body = page.emulator
    response = api.request(
        method, path, body=body, workspace="ws-default" if page.workspace or "/jobs/" in path else None
    )
    assert response.status_code in (200, 204), response.text
    answer = response.json() if response.content else {}
    assert set(answer) <= set(page.answer), set(answer) - set(page.answer)
    for name, value in answer.items():
        if value is not None:
            assert isinstance(value, page.answer[name]), name
    api.session.close()
