"""Scenario times relative to the clock start, and bundled scenarios by name."""

from __future__ import annotations

import datetime as dt

import pytest

from airflow_provider_dataarts.emulator.clock import relative_time
from airflow_provider_dataarts.emulator.scenario import bundled, bundled_names, normalise, read_source

START = int(dt.datetime(2026, 11, 23, 13, 45, tzinfo=dt.UTC).timestamp() * 1000)


def ms(*args: int) -> int:
    return int(dt.datetime(*args, tzinfo=dt.UTC).timestamp() * 1000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", START),
        ("now-90m", START - 90 * 60_000),
        ("now+1h-30s", START + 3_600_000 - 30_000),
        ("today", ms(2026, 11, 23)),
        ("yesterday 02:00", ms(2026, 11, 22, 2)),
        ("today-2d 14:30", ms(2026, 11, 21, 14, 30)),
        ("yesterday 23:59:59", ms(2026, 11, 22, 23, 59, 59)),
    ],
)
def test_relative_times(text, expected) -> None:
    assert relative_time(text, START) == expected


@pytest.mark.parametrize("text", ["tomorrow", "2026-11-22T02:00:00Z", "nightly_sales", "now - 5m", ""])
def test_other_strings_are_not_relative(text) -> None:
    assert relative_time(text, START) is None


def test_scenarios_resolve_relative_times_and_start_now() -> None:
    scenario = normalise(read_source("examples"), START)
    assert scenario["clock"]["start"] == START
    nightly = scenario["factory_jobs"][0]
    assert nightly["name"] == "nightly_sales"
    assert nightly["instances"][0]["plan_time"] == ms(2026, 11, 22, 2)


def test_bundled_scenarios_by_name() -> None:
    assert {"default", "examples", "pipeline_failure"} <= set(bundled_names())
    assert bundled("examples").name == "examples.json"
    assert bundled("../etc/passwd") is None and bundled("no_such_scenario") is None
