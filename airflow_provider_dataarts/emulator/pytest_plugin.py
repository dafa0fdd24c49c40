"""pytest plugin (entry point ``dataarts_emulator``): a session emulator and an Airflow connection to it.

- ``dataarts_emulator``: one emulator per session (virtual clock frozen: ``speed`` 0), reset to the
  default scenario - or to the test's ``@pytest.mark.dataarts_scenario(path_or_dict)`` - before each
  test that uses it.
- ``dataarts_connection``: sets ``AIRFLOW_CONN_DATAARTS_DEFAULT`` (JSON) for the test, returns its id.

Imports of the emulator are deferred so that loading the plugin costs nothing in unrelated runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from airflow_provider_dataarts.emulator.server import Emulator

CONN_ID = "dataarts_default"


def pytest_configure(config: pytest.Config) -> None:
    """Register the scenario marker (the project runs with --strict-markers)."""
    config.addinivalue_line(
        "markers", "dataarts_scenario(scenario): load this scenario (path or dict) into dataarts_emulator"
    )


@pytest.fixture(scope="session")
def _dataarts_emulator_session() -> Iterator[Emulator]:
    from airflow_provider_dataarts.emulator.server import Emulator

    with Emulator(speed=0) as emulator:
        yield emulator


@pytest.fixture
def dataarts_emulator(_dataarts_emulator_session: Emulator, request: pytest.FixtureRequest) -> Emulator:
    """The session's emulator, reset to the default (or the marked) scenario for this test."""
    emulator = _dataarts_emulator_session
    marker = request.node.get_closest_marker("dataarts_scenario")
    emulator.admin.reset(marker.args[0] if marker is not None else emulator.scenario)
    return emulator


@pytest.fixture
def dataarts_connection(dataarts_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> str:
    """``AIRFLOW_CONN_DATAARTS_DEFAULT`` pointing at the emulator (AK/SK); returns ``"dataarts_default"``."""
    monkeypatch.setenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", dataarts_emulator.connection_json())
    return CONN_ID
