"""A task of the example pipeline in Airflow 3's UI, in Chromium: its console link and its XCom summary.

The pipeline runs in a real deployment (scheduler, DAG processor, triggerer, API server) against the
emulator; the task instance page must show the console extra link, pointing where the docs say, and
the XCom summary the operator pushed, readable as text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import screenshot
from tests.e2e.test_deployment import PIPELINE, deployment  # noqa: F401 - the module's deployment

pytestmark = [pytest.mark.browser, pytest.mark.airflow3, pytest.mark.deployment, pytest.mark.timeout(600)]
TASK = "rerun_failed_instances"


@pytest.fixture(scope="module")
def pipeline_run(deployment: Any) -> tuple[Any, str]:  # noqa: F811
    running, _ = deployment
    running.wait_for(f"{PIPELINE} to be parsed", lambda: running.api("GET", f"/api/v2/dags/{PIPELINE}").ok, 120)
    run_id, state = running.run_dag(PIPELINE)
    assert state == "success"
    return running, run_id


def test_the_task_page_shows_the_console_link_and_the_xcom_summary(pipeline_run, page) -> None:
    running, run_id = pipeline_run
    task_page = f"{running.base}/dags/{PIPELINE}/runs/{run_id}/tasks/{TASK}"
    page.goto(f"{task_page}/details")  # Airflow 3.3's task instance page lists extra links under Details
    link = page.get_by_role("link", name="DataArts Factory instance")
    link.wait_for()
    screenshot(page, "task-instance-console-link")
    target = urlparse(link.get_attribute("href"))
    # the DataArts Factory module of the DataArts Studio console, in the task's region and workspace
    assert (target.scheme, target.netloc, target.path) == ("https", "console.huaweicloud.com", "/dayu/dlf/")
    assert parse_qs(target.query) == {"region": ["emulator-1"], "workspace": ["ws-default"]}

    page.goto(f"{running.base}/xcoms")  # Browse > XCom
    page.get_by_role("button", name="Expand all extra JSON").click()  # unfold the values
    row = page.get_by_role("row").filter(has_text=TASK).filter(has_text="return_value")
    from playwright.sync_api import expect

    pushed = running.api(
        "GET", f"/api/v2/dags/{PIPELINE}/dagRuns/{run_id}/taskInstances/{TASK}/xcomEntries/return_value"
    ).json()["value"]
    value = pushed if isinstance(pushed, dict) else json.loads(pushed)
    expect(row).to_contain_text("outcome")  # the value loads after the row ("Loading...")
    screenshot(page, "task-instance-xcom", full_page=True)
    shown = row.inner_text()
    for key in ("outcome", "job_name"):  # the summary's fields, readable on the page
        assert key in shown and str(value[key]) in shown, (key, shown[:2000])


def test_a_failed_runs_log_names_the_failed_node_and_its_log_path_near_the_top(deployment, page) -> None:  # noqa: F811
    """The pipeline against the failure scenario: the rerun ends failed, and the task's log in the UI says
    which node failed and where its log is, among its first lines."""
    from airflow_provider_dataarts.emulator import server

    running, emulator = deployment
    emulator.admin.reset(Path(server.__file__).parent / "scenarios" / "pipeline_failure.json")
    run_id, state = running.run_dag(PIPELINE)
    assert state == "failed"
    page.goto(f"{running.base}/dags/{PIPELINE}/runs/{run_id}/tasks/{TASK}")  # the Logs tab
    failure = page.get_by_text("failed nodes: load (fail, log obs://").first
    failure.wait_for()
    screenshot(page, "task-instance-failed-log")
    lines = [line for line in page.locator("body").inner_text().splitlines() if line.strip()]
    first = next(n for n, line in enumerate(lines) if "failed nodes: load (fail, log obs://" in line)
    start = next(n for n, line in enumerate(lines) if "Log message source details" in line)
    assert first - start <= 15, lines[start : first + 1]  # near the top of the task's log
