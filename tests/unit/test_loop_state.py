"""The per-loop state of the async hook: one per event loop, sessions closed by the last lease out."""

from __future__ import annotations

import asyncio

from airflow_provider_dataarts.hooks import loop_state as module
from airflow_provider_dataarts.hooks.loop_state import LoopState, loop_state


def test_one_state_per_loop() -> None:
    async def twice() -> tuple[LoopState, LoopState]:
        return loop_state(), loop_state()

    first, again = asyncio.run(twice())
    other, _ = asyncio.run(twice())
    assert first is again and first is not other


def test_a_closed_loop_is_dropped_when_another_loop_starts() -> None:
    """Futures in the state refer to the loop: without this, every closed loop would stay in memory."""

    async def remember_an_answer() -> asyncio.AbstractEventLoop:
        loop = asyncio.get_running_loop()
        answer = loop.create_future()
        answer.set_result(None)
        loop_state().recent[("credential", "endpoint", "project", "api", "[]", "[]", None)] = (0.0, answer)
        return loop

    closed = asyncio.run(remember_an_answer())
    assert closed in module._STATES
    asyncio.run(remember_an_answer())
    assert closed not in module._STATES


def test_the_last_lease_out_closes_the_sessions() -> None:
    async def scenario() -> list[bool]:
        state = loop_state()
        seen = []
        async with state.lease():
            session = state.session(True)
            async with state.lease():
                assert state.session(True) is session  # one session per TLS setting
            seen.append(session.closed)  # a trigger is still running: kept
        seen.append(session.closed)
        return [*seen, state.sessions == {}, state.leases == 0]

    assert asyncio.run(scenario()) == [False, True, True, True]
