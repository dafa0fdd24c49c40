"""The async hook over real HTTP: same calls, one session per event loop, no per-poll set-up."""

from __future__ import annotations

import asyncio

import pytest

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.hooks import dataarts_async
from airflow_provider_dataarts.hooks.dataarts_async import DataArtsAsyncHook, close_sessions
from airflow_provider_dataarts.hooks.loop_state import LoopState, loop_state
from tests.conftest import routes
from tests.hook.conftest import set_connection


def run(coroutine_factory):
    async def main():
        try:
            return await coroutine_factory()
        finally:
            await close_sessions()

    return asyncio.run(main())


def test_calls_through_aiohttp(emulator, monkeypatch) -> None:
    set_connection(monkeypatch, emulator)

    async def scenario():
        hook = DataArtsAsyncHook()
        instance = await hook.get_job_instance("daily report café", 34771)
        await hook.restart_job_instance("nightly_sales", 34765, body={"retry_location": "error_node"})
        job = await hook.get_visualization_job("10")
        return instance, job

    instance, job = run(scenario)
    assert (instance.status, job.status) == ("fail", 12)
    assert routes(emulator, "dlf.restart")[-1]["body"] == {"retry_location": "error_node"}


def test_many_hooks_in_one_loop_share_one_session_and_one_connection_read(emulator, monkeypatch) -> None:
    set_connection(monkeypatch, emulator)
    reads = []
    original = dataarts_async._connection

    async def counting(conn_id):
        reads.append(conn_id)
        return await original(conn_id)

    monkeypatch.setattr(dataarts_async, "_connection", counting)

    async def scenario():
        hooks = [DataArtsAsyncHook() for _ in range(50)]
        await asyncio.gather(*(hook.get_job_instance("nightly_sales", 34765) for hook in hooks))
        distinct = [("nightly_sales", 34764), ("nightly_sales", 34766), ("daily report café", 34771)]
        await asyncio.gather(*(hook.get_job_instance(*target) for hook, target in zip(hooks, distinct)))
        return len(loop_state().sessions)

    assert run(scenario) == 1
    assert len(reads) == 1
    paths = [entry["path"].rsplit("/", 1)[-1] for entry in routes(emulator, "dlf.show")]
    assert sorted(paths) == ["34764", "34765", "34766", "34771"]  # 50 identical reads went out once


def test_identical_reads_are_shared_only_briefly_and_actions_never(emulator, monkeypatch) -> None:
    set_connection(monkeypatch, emulator)
    monkeypatch.setattr(dataarts_async, "COALESCE_SECONDS", 0.05)

    async def scenario():
        hook = DataArtsAsyncHook()
        await hook.get_visualization_job("10")
        await asyncio.sleep(0.1)  # past the sharing window: a fresh answer
        await hook.get_visualization_job("10")
        await asyncio.gather(*(hook.restart_job_instance("nightly_sales", 34766) for _ in range(2)))

    run(scenario)
    assert len(routes(emulator, "modelarts.show")) == 2
    assert len(routes(emulator, "dlf.restart")) == 2


def test_async_errors_and_unknown_outcome(emulator, monkeypatch) -> None:
    set_connection(monkeypatch, emulator)
    emulator.admin.add_fault("drop_after", path="^/v1/[^/]+/jobs/nightly_sales/instances/34765/restart$")

    async def scenario():
        hook = DataArtsAsyncHook()
        with pytest.raises(errors.DataArtsOutcomeUnknownError):
            await hook.restart_job_instance("nightly_sales", 34765)
        with pytest.raises(errors.DataArtsNotFoundError, match=r"DLF\.0137"):
            await hook.get_job_instance("nightly_sales", 1)

    run(scenario)
    assert len(routes(emulator, "dlf.restart")) == 1


def test_async_iam_token_single_flight(emulator, monkeypatch) -> None:
    set_connection(monkeypatch, emulator, "password")

    async def scenario():
        hooks = [DataArtsAsyncHook() for _ in range(20)]
        await asyncio.gather(*(hook.list_job_instances(limit=1, offset=n) for n, hook in enumerate(hooks)))
        emulator.admin.expire_tokens()
        await hooks[0].get_visualization_job("10")

    run(scenario)
    assert len(routes(emulator, "iam.token")) == 2  # once for 20 concurrent calls, once after expiry


def test_the_token_is_taken_after_the_wait_for_a_turn(emulator, monkeypatch) -> None:
    """Waiting for the request budget must not age the token sent: here every wait for a turn outlasts
    every token issued before it, and the call still goes through with a token fetched after its turn."""

    class TokensExpireWhileWaiting:
        async def acquire(self) -> None:
            await asyncio.to_thread(emulator.admin.expire_tokens)

        def throttled(self, retry_after) -> None: ...

        def succeeded(self) -> None: ...

    set_connection(monkeypatch, emulator, "password", retry_delay=0.01)
    monkeypatch.setattr(LoopState, "budget", lambda *args: TokensExpireWhileWaiting())

    async def scenario():
        await DataArtsAsyncHook().get_job_instance("nightly_sales", 34765)  # a token is cached
        return await DataArtsAsyncHook().get_visualization_job("10")

    assert run(scenario).status == 12
    assert [entry["status"] for entry in routes(emulator, "modelarts.show")] == [401, 200]


def test_throttled_calls_share_the_budget_and_recover(emulator, monkeypatch) -> None:
    from airflow_provider_dataarts.hooks import budget

    set_connection(monkeypatch, emulator)
    emulator.admin.rate_limit(10, window=1)
    monkeypatch.setattr(budget, "WINDOW", 1.0)  # the budget measures over the gateway's window

    async def scenario():
        hooks = [DataArtsAsyncHook() for _ in range(20)]
        return await asyncio.gather(*(hook.list_job_instances(limit=1, offset=n) for n, hook in enumerate(hooks)))

    assert all(page.total > 0 for page in run(scenario))
    statuses = [entry["status"] for entry in routes(emulator, "dlf.list")]
    assert statuses.count(200) == 20 and statuses.count(429) < 20


def test_a_corrected_connection_is_picked_up_after_an_auth_error(emulator, monkeypatch) -> None:
    wrong = emulator.connection_json().replace("emulator-secret-key", "wrong-secret-key-xx")
    monkeypatch.setenv("AIRFLOW_CONN_DATAARTS_DEFAULT", wrong)

    async def scenario():
        hook = DataArtsAsyncHook()
        with pytest.raises(errors.DataArtsAuthError):
            await hook.get_visualization_job("10")
        monkeypatch.setenv("AIRFLOW_CONN_DATAARTS_DEFAULT", emulator.connection_json())  # the user fixes it
        return await hook.get_visualization_job("10")  # no need to wait for the settings cache to expire

    assert run(scenario).job_id == "10"
