"""The bad-answers catalogue, async part: the same hostile answers through aiohttp (the triggerer's
transport), redirects to a second server on both transports, and ``Retry-After`` held within its cap
on the async transport and in the triggerer's shared request budget."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.hooks.budget import DEFAULT_PAUSE, MAX_PAUSE
from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
from airflow_provider_dataarts.hooks.dataarts_async import DataArtsAsyncHook, close_sessions
from airflow_provider_dataarts.hooks.loop_state import loop_state
from tests.hook.bad_answer_cases import DETAIL, EVIL_HOST, REDIRECT, RETRY_AFTER, as_json, throttled
from tests.hostile import Answer, HostileServer, connection, hostile

SHOW = r"^GET /v1/p1/jobs/j/instances/1$"
RESTART = r"^POST /v1/p1/jobs/j/instances/1/restart$"


AsyncCall = Callable[[DataArtsAsyncHook], Awaitable[Any]]


def _run_async(server: HostileServer, monkeypatch: pytest.MonkeyPatch, call: AsyncCall) -> tuple[Any, list[float]]:
    """``call`` on an async hook of the hostile server, in an event loop of its own (its own budgets):
    the error it raised, and the seconds each of the loop's shared budgets was still paused for then."""
    monkeypatch.setenv("AIRFLOW_CONN_HOSTILE", connection(server.url, retry_limit=0, timeout=1))

    def pauses() -> list[float]:
        now = time.monotonic()
        return [budget.resumes_at - now for budget in loop_state().budgets.values()]

    async def main() -> tuple[BaseException | None, list[float]]:
        try:
            await asyncio.wait_for(call(DataArtsAsyncHook("hostile")), timeout=10)
        except errors.DataArtsError as error:
            return error, pauses()
        finally:
            await close_sessions()
        return None, pauses()

    return asyncio.run(main())


ASYNC_CASES = [
    ("empty-object", Answer(200, b"{}"), errors.DataArtsResponseError, "dlf.show"),
    ("redirect", REDIRECT, errors.DataArtsResponseError, f"redirected to {EVIL_HOST}"),
    ("too-large", Answer(200, b'{"x": "' + b"a" * (11 * 1024 * 1024) + b'"}'), errors.DataArtsResponseError, "10 MB"),
    ("trickle", Answer(200, as_json(DETAIL), trickle=0.1), errors.DataArtsTransportError, "dlf.show"),
    ("2xx-error", Answer(200, as_json({"error_code": "DLF.0137", "error_msg": "x"})), errors.DataArtsNotFoundError,
     "DLF.0137"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "answer", "expected", "message"), ASYNC_CASES, ids=[c[0] for c in ASYNC_CASES])
def test_the_async_transport_gives_the_same_answers(case, answer, expected, message, monkeypatch) -> None:
    with hostile() as server:
        server.script(SHOW, answer)
        error, _ = _run_async(server, monkeypatch, lambda hook: hook.get_job_instance("j", 1))
        assert type(error) is expected, repr(error)
        assert message in str(error)
        assert server.count(SHOW) == 1


@pytest.mark.parametrize(("value", "seconds"), RETRY_AFTER)
def test_retry_after_is_capped_on_the_async_transport_and_in_the_shared_budget(value, seconds, monkeypatch) -> None:
    """A 429 pauses every call of the credential in the triggerer (the loop's shared budget) for its
    Retry-After, held to MAX_PAUSE: 999999, inf or a date in 2099 must not stall every wait for days."""
    with hostile() as server:
        server.script(SHOW, throttled(value))
        error, pauses = _run_async(server, monkeypatch, lambda hook: hook.get_job_instance("j", 1))
    assert isinstance(error, errors.DataArtsThrottledError), repr(error)
    (pause,) = pauses  # one credential, one endpoint: one budget
    assert pause <= 120.0 == MAX_PAUSE  # every call of the credential waits at most two minutes
    expected = 1.0 if seconds is None else seconds  # an unreadable header: a short pause (DEFAULT_PAUSE)
    assert DEFAULT_PAUSE == 1.0
    assert expected - 0.5 <= pause <= expected  # paused as the header asks, within the cap
    assert error.retry_after == seconds


@pytest.mark.parametrize("transport", ["requests", "aiohttp"])
@pytest.mark.parametrize(("pattern", "action"), [(SHOW, False), (RESTART, True)], ids=["read", "action"])
def test_a_redirect_to_another_server_is_never_followed(transport, pattern, action, monkeypatch) -> None:
    """Signed headers and tokens never travel: the server redirected to sees nothing, the error names it."""
    with hostile() as elsewhere, hostile() as server:
        port = elsewhere.url.rsplit(":", 1)[1]
        elsewhere.script(r".", Answer(200, as_json(DETAIL)))
        server.script(pattern, Answer(307, b"", {"Location": f"http://localhost:{port}/v1/p1/jobs/j/instances/1"}))
        expected = errors.DataArtsOutcomeUnknownError if action else errors.DataArtsResponseError

        def call(hook: DataArtsHook | DataArtsAsyncHook) -> Any:
            return hook.restart_job_instance("j", 1) if action else hook.get_job_instance("j", 1)

        error: errors.DataArtsError | None = None
        if transport == "aiohttp":
            error, _ = _run_async(server, monkeypatch, call)
        else:
            monkeypatch.setenv("AIRFLOW_CONN_HOSTILE", connection(server.url, retry_limit=0, timeout=1))
            try:
                call(DataArtsHook("hostile"))
            except errors.DataArtsError as raised:
                error = raised
        assert [f"{seen.method} {seen.path}" for seen in elsewhere.seen] == []  # nothing travelled
        assert type(error) is expected, repr(error)
        assert "redirected to localhost" in str(error)
        assert server.count(pattern) == 1
