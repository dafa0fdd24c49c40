"""What the list APIs share: their time windows, their order and their paging, as the documents read.

The official SDK's docstrings (3.1.219) say of the DataArts Factory lists that ``minPlanTime`` /
``min_plan_time`` returns instances whose *start time* is **greater than** it and ``max_plan_time``
those **less than** it, default today 00:00 and now, with a window of at most 7 days (v1) or one
month (v2); that ``offset`` is "the start page"; and nothing about the order. The emulator reads them
exactly so by default; the config switches give the other readings (record offsets, oldest first,
the window applied to the plan time) so that tests can prove the client right under each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from airflow_provider_dataarts.emulator.call import Call
from airflow_provider_dataarts.emulator.clock import day_bounds
from airflow_provider_dataarts.emulator.errors import invalid

if TYPE_CHECKING:
    from airflow_provider_dataarts.emulator.config import Config

T = TypeVar("T")
DAY_MS = 86_400_000


def exclusive_window(call: Call, low_key: str, high_key: str, now: int, max_days: int) -> tuple[int, int]:
    """``(low, high)`` of a plan-time filter: exclusive bounds, defaults today 00:00 and now, bounded length."""
    low = call.int_param(low_key, day_bounds(now)[0])
    high = call.int_param(high_key, now)
    assert low is not None and high is not None
    if high - low > max_days * DAY_MS:
        raise invalid(call.style, low_key, f"the window {low_key}..{high_key} may not exceed {max_days} days")
    return low, high


def window_time(config: Config, plan_time: int, start_time: int | None) -> int:
    """The time a plan-time window filters on: the start time (the SDK's words), or the plan time."""
    if config.list_window_on == "start_time" and start_time is not None:
        return start_time
    return plan_time


def ordered(rows: list[T], key: Callable[[T], Any], config: Config) -> list[T]:
    """The rows in the configured order (no order is documented: newest or oldest first)."""
    return sorted(rows, key=key, reverse=config.list_order == "newest_first")


def page(rows: Sequence[T], limit: int, offset: int, config: Config) -> Sequence[T]:
    """One page: ``offset`` read as a page number (as documented) or as a record offset."""
    first = offset * limit if config.list_offset == "page" else offset
    return rows[first : first + limit]
