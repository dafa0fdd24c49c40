"""A request budget shared by every trigger in a triggerer, per credential and per service endpoint.

Huawei's gateway limits each user (of the order of 40 requests per 10 s for DataArts APIs). A
thousand waits polling on their own would trip it and keep tripping it. Instead all async calls of
one credential to one service endpoint take turns through one :class:`RequestBudget`. Like TCP, it
starts slowly and doubles every second while calls succeed (up to the connection's ``rate_limit``, or
no limit at all); at the first 429 it pauses for ``Retry-After`` (at most :data:`MAX_PAUSE`: one header
must not pause every wait of a credential for days), drops to a little under what the gateway let
through over the last window, and from then on creeps back up (additive increase, multiplicative
decrease).

Each event loop keeps its budgets in its :class:`~.loop_state.LoopState`: ``loop_state().budget(...)``.
"""

from __future__ import annotations

import asyncio
import collections
import math
import time

from airflow_provider_dataarts.api.responses import MAX_RETRY_AFTER

#: requests per second a budget starts at: a triggerer restarting with a thousand waits must not
#: fire them all at once; each success adds one (doubling every second) until the first 429
START_RATE = 10.0
#: past this rate with no 429 ever seen, the budget stops pacing altogether
UNLIMITED_ABOVE = 1000
#: the budget never drops below this many requests per second
MIN_RATE = 0.1
#: on a 429 the rate drops to this share of what got through (one flow: no need to halve)
DECREASE = 0.8
#: requests per second added back after each success while recovering
RECOVERY_STEP = 0.02
#: the window over which the rate that got through is measured when a 429 arrives
WINDOW = 10.0
#: the queue is let through in batches at most this often (fewer event-loop turns than one per call)
TICK = 0.1
#: a burst of 429s is one congestion event: the rate is cut at most once per this many seconds
CUT_INTERVAL = 1.0
#: the longest pause one 429 imposes on every call of a credential (``Retry-After`` held to it), and the
#: pause of a 429 without a readable one
MAX_PAUSE = MAX_RETRY_AFTER
DEFAULT_PAUSE = 1.0


class RequestBudget:
    """Spaces out calls of one credential to one API; fair in arrival order."""

    def __init__(self, ceiling: float | None = None) -> None:
        self.ceiling = ceiling
        self.rate: float | None = START_RATE if ceiling is None else min(ceiling, START_RATE)  # None = unlimited
        self.slow_start = True
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._last_cut = float("-inf")
        self._succeeded: collections.deque[float] = collections.deque()
        self._queue: collections.deque[asyncio.Future[None]] = collections.deque()
        self._pump: asyncio.Future[None] | None = None
        self.throttled_count = 0

    async def acquire(self) -> None:
        """Wait for this call's turn: callers queue in arrival order and are let through at the rate of
        the moment (a rate that rises while they wait shortens their wait)."""
        now = time.monotonic()
        if not self._queue and now >= self._paused_until:
            if self.rate is None:
                return
            if self._next_slot - now <= TICK:  # a call may go up to a tick early: no queue for a lone caller
                self._next_slot = max(self._next_slot, now) + 1.0 / self.rate
                return
        turn = asyncio.get_running_loop().create_future()
        self._queue.append(turn)
        if self._pump is None or self._pump.done():
            self._pump = asyncio.ensure_future(self._let_through())
        await turn

    async def _let_through(self) -> None:
        """Release queued callers as the pause and the current rate allow: every wake-up lets through
        as many as the time since the last release pays for (a token bucket), not one at a time."""
        while self._queue:
            now = time.monotonic()
            if now < self._paused_until:
                await asyncio.sleep(min(self._paused_until - now, 1.0))
                continue
            if self.rate is not None and now < self._next_slot:
                # at least a tick (then a batch goes through), at most a second (the rate may have risen)
                await asyncio.sleep(min(max(self._next_slot - now, TICK), 1.0))
                continue
            start = max(self._next_slot, now - 1.0)  # idle time buys a burst of at most a second's worth
            allowed = len(self._queue) if self.rate is None else 1 + int((now - start) * self.rate)
            released = 0
            while self._queue and released < allowed:
                turn = self._queue.popleft()
                if not turn.done():  # a cancelled caller takes no turn
                    turn.set_result(None)
                    released += 1
            self._next_slot = start + (released / self.rate if self.rate else 0.0)

    def _accepted_rate(self, now: float) -> float:
        """Calls per second the gateway let through over the last window.

        Gateways count calls per window (40 per 10 s): a burst of 40 in a second is what they allow per
        window, not a rate of 40/s, so the count is spread over the whole window.
        """
        succeeded = self._succeeded
        while succeeded and succeeded[0] < now - WINDOW:
            succeeded.popleft()
        return max(MIN_RATE, len(succeeded) / WINDOW)

    def throttled(self, retry_after: float | None) -> None:
        """A 429 came back: pause every caller for ``Retry-After``; cut the rate once per burst."""
        now = time.monotonic()
        self.throttled_count += 1
        self.slow_start = False
        if self.rate is None:
            self.rate = float(UNLIMITED_ABOVE)
        if now - self._last_cut >= CUT_INTERVAL:
            accepted = self._accepted_rate(now)
            self.rate = max(MIN_RATE, min(self.rate, accepted) * DECREASE)
            self._last_cut = now
        pause = DEFAULT_PAUSE if retry_after is None or math.isnan(retry_after) else retry_after
        self._paused_until = max(self._paused_until, now + min(max(pause, 0.0), MAX_PAUSE))
        self._next_slot = max(self._next_slot, self._paused_until)

    @property
    def resumes_at(self) -> float:
        """When (``time.monotonic()``) a 429's pause ends: no caller goes before it."""
        return self._paused_until

    def succeeded(self) -> None:
        """A call went through: speed up (fast until the first 429, gently after it)."""
        self._succeeded.append(time.monotonic())
        if self.rate is None:
            return
        self.rate += 1.0 if self.slow_start else RECOVERY_STEP
        if self.ceiling is not None:
            self.rate = min(self.rate, self.ceiling)
        elif self.rate > UNLIMITED_ABOVE:
            self.rate = None  # no limit in sight
