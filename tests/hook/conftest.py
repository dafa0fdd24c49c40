"""Hooks pointed at the emulator through an ``AIRFLOW_CONN_DATAARTS_DEFAULT`` connection."""

from __future__ import annotations

import json

import pytest

from airflow_provider_dataarts.hooks.dataarts import DataArtsHook


def set_connection(monkeypatch, emulator, auth_type: str = "aksk", **extra) -> None:
    conn = json.loads(emulator.connection_json(auth_type))
    conn["extra"].update(extra)
    monkeypatch.setenv("AIRFLOW_CONN_DATAARTS_DEFAULT", json.dumps(conn))


@pytest.fixture
def hook(emulator, monkeypatch) -> DataArtsHook:
    set_connection(monkeypatch, emulator)
    return DataArtsHook(retry_delay=0.01)
