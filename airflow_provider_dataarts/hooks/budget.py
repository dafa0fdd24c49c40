"""A request budget shared by every trigger in a triggerer, per credential and per API.

Huawei's gateway limits each user per API (of the order of 40 requests per 10 s). A thousand waits
polling on their own would trip it and keep tripping it. Instead all async calls of one credential
to one API take turns through one :class:`RequestBudget`: unlimited (or the connection's
``rate_limit``) until the first 429, then the rate halves and pauses for ``Retry-After``, and creeps
back up while calls succeed (additive increase, multiplicative decrease).
"""

from __future__ import annotations

import asyncio
import collections
import time
import weakref

#: the budget never drops below this many requests per second
MIN_RATE = 0.1
#: requests per second added back after each success while recovering
RECOVERY_STEP = 0.02
#: the window over which the rate that got through is measured when a 429 arrives
WINDOW = 10.0
#: a burst of 429s is one congestion event: the rate is cut at most once per this many seconds
CUT_INTERVAL = 1.0


class RequestBudget:
    """Spaces out calls of one credential to one API; fair in arrival order."""

    def __init__(self, ceiling: float | None = None) -> None:
        self.ceiling = ceiling
        self.rate: float | None = ceiling  # None = unlimited
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._last_cut = float("-inf")
        self._succeeded: collections.deque[float] = collections.deque()
        self.throttled_count = 0

    async def acquire(self) -> None:
        """Wait for this call's turn."""
        while True:
            now = time.monotonic()
            if now < self._paused_until:
                await asyncio.sleep(self._paused_until - now)
                continue
            if self.rate is None:
                break
            slot = max(now, self._next_slot)
            self._next_slot = slot + 1.0 / self.rate
            if slot > now:
                await asyncio.sleep(slot - now)
                if time.monotonic() < self._paused_until:
                    continue  # a 429 arrived while this call waited: wait for the pause as well
            break

    def _accepted_rate(self, now: float) -> float:
        """Calls per second that got through lately (a burst counts over at least one second)."""
        succeeded = self._succeeded
        while succeeded and succeeded[0] < now - WINDOW:
            succeeded.popleft()
        if not succeeded:
            return MIN_RATE
        return len(succeeded) / max(1.0, now - succeeded[0])

    def throttled(self, retry_after: float | None) -> None:
        """A 429 came back: pause every caller for ``Retry-After``; halve the rate once per burst."""
        now = time.monotonic()
        self.throttled_count += 1
        if now - self._last_cut >= CUT_INTERVAL:
            accepted = self._accepted_rate(now)
            current = accepted if self.rate is None else min(self.rate, accepted)
            self.rate = max(MIN_RATE, current / 2)
            self._last_cut = now
        self._paused_until = max(self._paused_until, now + (retry_after if retry_after is not None else 1.0))
        self._next_slot = max(self._next_slot, self._paused_until)

    def succeeded(self) -> None:
        """A call went through: recover the rate a little."""
        self._succeeded.append(time.monotonic())
        if self.rate is None:
            return
        self.rate += RECOVERY_STEP
        if self.ceiling is not None:
            self.rate = min(self.rate, self.ceiling)


_BUDGETS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, str, str], RequestBudget]] = (
    weakref.WeakKeyDictionary()
)


def budget_for(credential: str, host: str, api: str, ceiling: float | None) -> RequestBudget:
    """The budget of ``credential`` calling ``api`` on ``host`` in the running event loop."""
    budgets = _BUDGETS.setdefault(asyncio.get_running_loop(), {})
    key = (credential, host, api)
    budget = budgets.get(key)
    if budget is None:
        budget = budgets[key] = RequestBudget(ceiling)
    return budget
