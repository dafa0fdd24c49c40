"""Test-wide set-up: a throwaway AIRFLOW_HOME before Airflow is imported, and a scratch HOME.

``huaweicloudsdkcore`` (a test-only oracle) writes ``~/.huaweicloud`` when imported, so HOME points
at a temporary folder for the whole session.
"""

from __future__ import annotations

import os
import tempfile

_SCRATCH = tempfile.mkdtemp(prefix="dataarts-tests-")
os.environ.setdefault("AIRFLOW_HOME", os.path.join(_SCRATCH, "airflow"))
os.environ["HOME"] = _SCRATCH
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "True")
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
os.environ.setdefault("no_proxy", "127.0.0.1,localhost")

import pytest  # noqa: E402

# the emulator's plugin is opt-in for users: this suite asks for it
pytest_plugins = ["tests.secret_scan", "airflow_provider_dataarts.emulator.pytest_plugin"]


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Tokens and connection settings are cached per process; each test starts without them."""
    from airflow_provider_dataarts.api.iam import TOKENS
    from airflow_provider_dataarts.hooks import dataarts_async
    from tests.secret_scan import remember_tokens

    TOKENS.clear()
    dataarts_async._SETTINGS.clear()
    yield
    remember_tokens()
    TOKENS.clear()
    dataarts_async._SETTINGS.clear()


@pytest.fixture
def emulator(dataarts_emulator):
    """The emulator (default scenario, frozen virtual clock), reset for this test."""
    return dataarts_emulator


def routes(emulator, name: str | None = None) -> list[dict]:
    """The emulator's request log, optionally only one route (e.g. ``dlf.restart``)."""
    return [entry for entry in emulator.admin.requests() if name is None or entry["route"] == name]


def eventually(check, timeout: float = 10.0):
    """Poll ``check`` until it returns a truthy value (for server-side effects that land a bit later)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def pytest_terminal_summary(terminalreporter) -> None:
    """Report the size of the bad-input catalogue (issue: print the count of cases)."""
    try:
        from tests.operators.test_bad_input import CASE_COUNT
    except ImportError:
        return
    terminalreporter.write_line(f"bad-input catalogue: {CASE_COUNT} cases")


def _hypothesis_profile() -> None:
    """At least 1,000 examples per property test, without timing flakiness (CI runs on 2 cores)."""
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "dataarts",
        max_examples=1000,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        derandomize=True,
    )
    settings.load_profile("dataarts")


_hypothesis_profile()
