"""Airflow's UI in a real browser: an API server beside the emulator, and Debian's Chromium driven by
Playwright (Playwright's own browser download is not used: ``apt-get install chromium``).

The tests skip where ``/usr/bin/chromium`` (or Playwright) is missing; ``scripts/screenshots.sh`` installs
Chromium (as root) and runs them. Screenshots for the docs are written when ``DATAARTS_SCREENSHOTS`` names a
folder (``bash scripts/screenshots.sh``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_deployment import ROOT, Deployment, _free_port, airflow_env

CHROMIUM = os.environ.get("DATAARTS_CHROMIUM", "/usr/bin/chromium")
#: flags that keep a headless Chromium off the network and quiet in a container
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if shutil.which(CHROMIUM) is None:
        skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Deployment, Any]]:
    """An Airflow API server alone (the connection pages need nothing else) and the emulator."""
    from airflow_provider_dataarts.emulator import Emulator

    home = tmp_path_factory.mktemp("airflow-ui")
    port = _free_port()
    with Emulator(scenario="examples", speed=120) as emulator:
        running = Deployment(
            home, airflow_env(home, port, emulator.connection_json(), home / "dags"), port, ("api-server",)
        )
        running.start()
        try:
            running.wait_for("the API server", lambda: running.api("GET", "/api/v2/monitor/health").ok, 120)
            yield running, emulator
        finally:
            running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def screenshot(page: Any, name: str, **options: Any) -> None:
    """Keep a picture for the docs when ``DATAARTS_SCREENSHOTS`` names a folder."""
    folder = os.environ.get("DATAARTS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), **options)


def stored_connection(deployment: Deployment, conn_id: str) -> dict[str, Any]:
    """The connection as the metadata database holds it (the CLI shows the secrets; the REST API masks them)."""
    done = subprocess.run(
        [sys.executable, "-m", "airflow", "connections", "get", conn_id, "-o", "json"],
        env=deployment.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=ROOT,
    )
    (connection,) = json.loads(done.stdout[done.stdout.index("[") :])
    return connection
