"""The per-credential request budget: slow start, then pause, cut and recover on 429s."""

from __future__ import annotations

import asyncio
import time

import pytest

from airflow_provider_dataarts.hooks.budget import DEFAULT_PAUSE, MAX_PAUSE, START_RATE, UNLIMITED_ABOVE, RequestBudget
from airflow_provider_dataarts.hooks.loop_state import loop_state


def test_slow_start_doubles_until_unlimited() -> None:
    async def scenario() -> tuple[float, float | None]:
        budget = RequestBudget()
        started = time.monotonic()
        for _ in range(60):
            await budget.acquire()
            budget.succeeded()
        return time.monotonic() - started, budget.rate

    took, rate = asyncio.run(scenario())
    assert took < 60 / START_RATE / 2  # well faster than the starting pace: it sped up while calls succeeded
    assert rate == START_RATE + 60  # slow start: one more request per second for each success
    budget = RequestBudget()
    for _ in range(UNLIMITED_ABOVE + 10):
        budget.succeeded()
    assert budget.rate is None  # no limit in sight: no pacing at all


def test_a_429_pauses_for_retry_after_and_cuts_to_what_got_through() -> None:
    async def scenario() -> tuple[float, float | None]:
        budget = RequestBudget()
        for _ in range(40):
            await budget.acquire()
            budget.succeeded()
        budget.throttled(retry_after=0.2)
        started = time.monotonic()
        await budget.acquire()
        return time.monotonic() - started, budget.rate

    paused, rate = asyncio.run(scenario())
    assert paused >= 0.19  # Retry-After honoured
    assert rate is not None and rate <= 40 / 10  # at most what got through per window


def test_configured_ceiling_spaces_calls() -> None:
    async def scenario() -> float:
        budget = RequestBudget(ceiling=20.0)
        started = time.monotonic()
        for _ in range(5):
            await budget.acquire()
        return time.monotonic() - started

    assert asyncio.run(scenario()) >= 4 / 20 - 0.01


def test_one_budget_per_credential_and_endpoint_in_a_loop() -> None:
    async def scenario() -> bool:
        state = loop_state()
        first = state.budget("cred", "host", None)
        return first is loop_state().budget("cred", "host", None) and first is not state.budget(
            "cred", "other-host", None
        )

    assert asyncio.run(scenario())


def test_a_burst_of_429s_cuts_the_rate_once() -> None:
    budget = RequestBudget()
    for _ in range(20):
        budget.succeeded()
    budget.throttled(retry_after=0)
    after_first = budget.rate
    for _ in range(10):
        budget.throttled(retry_after=0)
    assert after_first is not None and budget.rate == after_first
    assert budget.throttled_count == 11


def test_long_trigger_sleeps_end_on_a_shared_tick_and_short_ones_are_exact(monkeypatch) -> None:
    from airflow_provider_dataarts.triggers import base

    slept: list[float] = []

    async def record(delay: float) -> None:
        slept.append(delay)

    async def scenario() -> float:
        monkeypatch.setattr(base.asyncio, "sleep", record)
        now = asyncio.get_running_loop().time()
        await base.sleep_on_tick(5.0)
        await base.sleep_on_tick(0.3)
        return now

    now = asyncio.run(scenario())
    wake = now + slept[0]
    assert 5.0 <= slept[0] <= 5.0 + base.TICK + 1e-3
    assert abs(wake / base.TICK - round(wake / base.TICK)) < 1e-2  # on the tick grid: triggers wake together
    assert slept[1] == 0.3


@pytest.mark.parametrize(
    ("retry_after", "pause"),
    [(float("inf"), 120.0), (999999.0, 120.0), (1e300, 120.0), (30.0, 30.0), (-3.0, 0.0), (float("nan"), 1.0),
     (None, 1.0)],
)  # fmt: skip
def test_one_429_pauses_the_shared_budget_at_most_max_pause(retry_after, pause) -> None:
    """Whatever a caller hands over, one 429 never pauses every call of a credential beyond MAX_PAUSE (two
    minutes); without a readable Retry-After it pauses for DEFAULT_PAUSE (a second)."""
    assert (MAX_PAUSE, DEFAULT_PAUSE) == (120.0, 1.0)
    budget = RequestBudget()
    before = time.monotonic()
    budget.throttled(retry_after)
    after = time.monotonic()
    assert before + pause <= budget.resumes_at <= after + pause
