"""The per-credential request budget: unlimited until throttled, then halves, pauses and recovers."""

from __future__ import annotations

import asyncio
import time

from airflow_provider_dataarts.hooks.budget import MIN_RATE, RequestBudget, budget_for


def test_unlimited_until_throttled_then_paused_and_slower() -> None:
    async def scenario() -> tuple[float, float, float | None]:
        budget = RequestBudget()
        started = time.monotonic()
        for _ in range(50):
            await budget.acquire()
        burst = time.monotonic() - started
        budget.throttled(retry_after=0.2)
        started = time.monotonic()
        await budget.acquire()
        paused = time.monotonic() - started
        return burst, paused, budget.rate

    burst, paused, rate = asyncio.run(scenario())
    assert burst < 0.1  # no limit before the first 429
    assert paused >= 0.19  # Retry-After honoured
    assert rate is not None and rate <= MIN_RATE  # nothing got through yet: the floor


def test_configured_ceiling_spaces_calls() -> None:
    async def scenario() -> float:
        budget = RequestBudget(ceiling=20.0)
        started = time.monotonic()
        for _ in range(5):
            await budget.acquire()
        return time.monotonic() - started

    assert asyncio.run(scenario()) >= 4 / 20 - 0.01


def test_one_budget_per_credential_and_api_in_a_loop() -> None:
    async def scenario() -> bool:
        first = budget_for("cred", "host", "dlf.show", None)
        return first is budget_for("cred", "host", "dlf.show", None) and first is not budget_for(
            "cred", "host", "x", None
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
