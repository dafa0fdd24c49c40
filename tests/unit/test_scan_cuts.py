"""Cutting a full window where its rows are: every row found, and clustered rows cost few requests.

A fake list serves rows by time with exclusive bounds and one page of at most ``PAGE`` rows, in the
order the test picks (oldest first, newest first, shuffled); the scan must find every row of the
window whatever the order, and a burst of reruns within a second in a day-long window must not cost
one request per halving of the day.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airflow_provider_dataarts.api import scans
from airflow_provider_dataarts.api.models import Page

PAGE = 100
DAY_MS = 86_400_000


def _scan(times: list[int], order: str, low: int, high: int, time_of: Any) -> tuple[set[int], int]:
    """The row ids the scan found, and the requests it sent."""
    sent = 0

    def fetch(after: int, before: int) -> Any:
        nonlocal sent
        sent += 1
        inside = [(t, n) for n, t in enumerate(times) if after < t < before]
        if order == "shuffled":
            random.Random(sent).shuffle(inside)
        else:
            inside.sort(reverse=order == "newest_first")
        return Page(total=len(inside), items=tuple(inside[:PAGE]))
        yield  # a generator of calls that needs none

    steps = scans.scan_window(fetch, low, high, longest=10 * DAY_MS, time_of=time_of)
    try:
        next(steps)
    except StopIteration as done:
        return {n for _, n in done.value}, sent
    raise AssertionError("the fake list needs no calls")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    times=st.lists(st.integers(1, DAY_MS), max_size=400),
    order=st.sampled_from(["oldest_first", "newest_first", "shuffled"]),
    by_time=st.booleans(),
)
def test_every_row_of_the_window_is_found_whatever_the_order(times: list[int], order: str, by_time: bool) -> None:
    counts: dict[int, int] = {}
    for t in times:
        counts[t] = counts.get(t, 0) + 1
    if max(counts.values(), default=0) > PAGE:  # more rows at one instant than a page: refused (elsewhere)
        return
    found, sent = _scan(times, order, 0, DAY_MS, (lambda row: row[0]) if by_time else None)
    assert found == set(range(len(times)))
    assert sent <= scans.MAX_REQUESTS


@pytest.mark.parametrize("order", ["oldest_first", "newest_first", "shuffled"])
def test_a_burst_in_a_long_window_costs_few_requests_when_cut_at_its_rows(order: str) -> None:
    burst = [DAY_MS // 2 + 5 * n for n in range(250)]  # 250 reruns 5 ms apart in a day-long window
    found, by_rows = _scan(burst, order, 0, DAY_MS, lambda row: row[0])
    assert found == set(range(250))
    _, halving = _scan(burst, order, 0, DAY_MS, None)
    assert by_rows <= 9 < halving, (by_rows, halving)
