"""The triggerer's list observer: one read per cycle for every wait of a group, rows handed to each.

A fake kind whose "list" is a dict of job -> {run id: status} and a fake async hook that runs steps
against it (no HTTP here: the HTTP side is tests/operators/test_batched_waits.py).
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.api.phases import Phase
from airflow_provider_dataarts.hooks.loop_state import loop_state
from airflow_provider_dataarts.runs.base import Batch, Kind, Limits, Observation, PollTracker
from airflow_provider_dataarts.triggers import observer as module
from airflow_provider_dataarts.triggers.observer import join

FAR = 4_000_000_000.0


class Gate:
    """Stands for the pause between two reads: the next cycle starts when the test opens the gate."""

    def __init__(self) -> None:
        self.event: asyncio.Event | None = None

    async def pause(self, seconds: float) -> None:
        self.event = asyncio.Event()
        await self.event.wait()

    async def next_cycle(self, *looks: Any) -> list[Any]:
        """Start ``looks``, let them queue for the next read, open the gate, and gather them."""
        tasks = [asyncio.ensure_future(look) for look in looks]
        await asyncio.sleep(0)
        assert self.event is not None
        self.event.set()
        return await asyncio.gather(*tasks, return_exceptions=True)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Gate:
    gate = Gate()
    monkeypatch.setattr(module, "pause", gate.pause)
    return gate


class FakeHook:
    """Runs steps whose calls are ``("list", job)``, ``("one", run)`` or ``("detail", run)`` tuples."""

    def __init__(self, lists: dict[str, dict[str, str]], cache_key: str = "ak-1", fail: BaseException | None = None):
        self.lists = lists
        self.sent: list[tuple[str, str]] = []
        self.fail = fail
        self.cache_key = cache_key

    async def settings(self) -> Any:
        credentials = SimpleNamespace(cache_key=self.cache_key)
        return SimpleNamespace(
            credentials=credentials, region="r", endpoint_overrides={}, project_id="p", workspace=None
        )

    async def run(self, steps: Any) -> Any:
        try:
            call = next(steps)
            while True:
                self.sent.append(call)
                await asyncio.sleep(0)
                if call[0] == "list" and self.fail is not None:
                    call = steps.throw(self.fail)
                    continue
                answer = self.lists.get(call[1], {}) if call[0] == "list" else self._run_status(call[1])
                call = steps.send(answer)
        except StopIteration as done:
            return done.value

    def _run_status(self, run: str) -> str:
        return next((runs[run] for runs in self.lists.values() if run in runs), "running")


def observation(run: str, status: str) -> Observation:
    phase = {"running": Phase.IN_PROGRESS, "success": Phase.SUCCEEDED, "failed": Phase.FAILED}[status]
    return Observation(True, phase, status, {"run": run})


def observe(watch: dict[str, Any]) -> Any:
    status = yield ("one", watch["run"])
    return observation(watch["run"], status)


def batch_read(watches: list[dict[str, Any]]) -> Any:
    rows = yield ("list", watches[0]["job"])
    return rows


def batch_observe(watch: dict[str, Any], rows: dict[str, str]) -> Any:
    status = rows.get(watch["run"])
    if status is None:
        return None
    if status != "running":
        yield ("detail", watch["run"])  # what the list lacks, read at the end only
    return observation(watch["run"], status)


def group(watch: dict[str, Any]) -> Any:
    return watch["job"] if watch.get("job") else None


KIND: Kind[dict[str, Any]] = Kind(
    "fake_listed_run", lambda watch: f"run {watch['run']}", observe, batch=Batch(group, batch_read, batch_observe)
)


def lists(*jobs: str, runs: int = 5, status: str = "running") -> dict[str, dict[str, str]]:
    return {job: {f"{job}-{n}": status for n in range(runs)} for job in jobs}


def test_waits_of_one_group_share_an_observer_and_others_do_not(gate: Gate) -> None:
    async def scenario() -> None:
        hook = FakeHook(lists("a", "b"))
        first = await join(KIND, hook, {"job": "a", "run": "a-0"}, 0.01)
        second = await join(KIND, hook, {"job": "a", "run": "a-1"}, 0.01)
        other_job = await join(KIND, hook, {"job": "b", "run": "b-0"}, 0.01)
        other_key = await join(KIND, FakeHook(lists("a"), cache_key="ak-2"), {"job": "a", "run": "a-2"}, 0.01)
        assert first and second and other_job and other_key
        assert first.observer is second.observer
        assert len({id(m.observer) for m in (first, other_job, other_key)}) == 3
        assert await join(KIND, hook, {"job": None, "run": "x"}, 0.01) is None  # no group: polls on its own
        assert await join(Kind("no_list", str, observe), hook, {"job": "a", "run": "a-0"}, 0.01) is None
        for member in (first, second, other_job, other_key):
            member.leave()
        assert not loop_state().observers

    asyncio.run(scenario())


def test_n_waits_cost_one_read_per_cycle_and_each_gets_its_row(gate: Gate) -> None:
    async def scenario() -> None:
        data = lists("a", runs=50)
        hook = FakeHook(data)
        members = [await join(KIND, hook, {"job": "a", "run": f"a-{n}"}, 0.01) for n in range(50)]
        seen = await asyncio.gather(*(m.look(hook, {"job": "a", "run": f"a-{n}"}) for n, m in enumerate(members)))
        assert [o.summary["run"] for o in seen] == [f"a-{n}" for n in range(50)]
        assert hook.sent == [("list", "a")]  # one read for fifty waits, nothing else
        data["a"]["a-7"] = "failed"
        data["a"]["a-8"] = "success"
        seen = await gate.next_cycle(*(m.look(hook, {"job": "a", "run": f"a-{n}"}) for n, m in enumerate(members)))
        assert [o.status for o in seen].count("running") == 48
        assert (seen[7].phase, seen[8].phase) == (Phase.FAILED, Phase.SUCCEEDED)
        # the second cycle: one more read, and the details of the two runs that ended, once each
        assert hook.sent[1:] == [("list", "a"), ("detail", "a-7"), ("detail", "a-8")]
        for member in members:
            member.leave()

    asyncio.run(scenario())


def test_a_run_missing_from_the_list_is_read_on_its_own_never_ended(gate: Gate) -> None:
    async def scenario() -> None:
        hook = FakeHook(lists("a", runs=2))
        listed = await join(KIND, hook, {"job": "a", "run": "a-0"}, 0.01)
        missing = await join(KIND, hook, {"job": "a", "run": "a-9"}, 0.01)
        assert listed and missing
        one, other = await asyncio.gather(
            listed.look(hook, {"job": "a", "run": "a-0"}), missing.look(hook, {"job": "a", "run": "a-9"})
        )
        assert (one.status, other.status, other.phase.finished) == ("running", "running", False)
        assert hook.sent == [("list", "a"), ("one", "a-9")]  # the missing run's own read, nothing else
        listed.leave()
        missing.leave()

    asyncio.run(scenario())


def test_a_failed_read_reaches_every_wait_as_a_poll_failure(gate: Gate) -> None:
    async def scenario() -> list[BaseException]:
        hook = FakeHook(lists("a"), fail=errors.DataArtsServerError("HTTP 503", status=503))
        members = [await join(KIND, hook, {"job": "a", "run": f"a-{n}"}, 0.01) for n in range(3)]
        outcomes = await asyncio.gather(
            *(m.look(hook, {"job": "a", "run": f"a-{n}"}) for n, m in enumerate(members)), return_exceptions=True
        )
        for member in members:
            member.leave()
        return outcomes

    outcomes = asyncio.run(scenario())
    assert all(isinstance(outcome, errors.DataArtsServerError) for outcome in outcomes)
    tracker = PollTracker({"job": "a", "run": "a-0"})
    verdict = tracker.verdict(KIND, outcomes[0], Limits(FAR, 5.0))
    assert verdict.event is None and tracker.errors_in_a_row == 1  # judged as one transient failed poll


def test_a_wait_leaving_is_no_longer_read_for_and_the_last_one_stops_the_observer(gate: Gate) -> None:
    async def scenario() -> None:
        covered: list[list[str]] = []

        def read(watches: list[dict[str, Any]]) -> Any:
            covered.append(sorted(watch["run"] for watch in watches))
            return (yield from batch_read(watches))

        kind: Kind[dict[str, Any]] = Kind("fake_leaving", str, observe, batch=Batch(group, read, batch_observe))
        hook = FakeHook(lists("a"))
        staying = await join(kind, hook, {"job": "a", "run": "a-0"}, 0.01)
        leaving = await join(kind, hook, {"job": "a", "run": "a-1"}, 0.01)
        assert staying and leaving
        await asyncio.gather(staying.look(hook, {"run": "a-0"}), leaving.look(hook, {"run": "a-1"}))
        leaving.leave()
        await gate.next_cycle(staying.look(hook, {"run": "a-0"}))
        assert covered == [["a-0", "a-1"], ["a-0"]]
        observer = staying.observer
        task = observer._task
        staying.leave()
        assert task is not None
        await asyncio.sleep(0)
        assert task.cancelled() and not loop_state().observers and not observer.members

    asyncio.run(scenario())


def test_a_wait_joining_during_a_read_gets_the_next_one(gate: Gate) -> None:
    """A read under way does not cover a wait that joined after it started: it waits for the next."""

    async def scenario() -> None:
        hook = FakeHook(lists("a"))
        first = await join(KIND, hook, {"job": "a", "run": "a-0"}, 0.01)
        assert first
        look = asyncio.ensure_future(first.look(hook, {"run": "a-0"}))
        await asyncio.sleep(0)  # the first read has started
        late = await join(KIND, hook, {"job": "a", "run": "a-1"}, 0.01)
        assert late
        await look
        await gate.next_cycle(late.look(hook, {"run": "a-1"}))
        assert first.observer.reads == 2 and hook.sent == [("list", "a"), ("list", "a")]
        first.leave()
        late.leave()

    asyncio.run(scenario())


def test_no_read_starts_while_no_wait_asks_for_one(gate: Gate) -> None:
    """After a read, the next one waits for a member to ask: members busy reading their run's detail (or
    about to leave) cost no list read nobody uses."""

    async def scenario() -> None:
        hook = FakeHook(lists("a"))
        member = await join(KIND, hook, {"job": "a", "run": "a-0"}, 0.01)
        assert member
        await member.look(hook, {"run": "a-0"})
        assert gate.event is not None
        gate.event.set()  # the pause is over, but nobody asks for rows
        for _ in range(5):
            await asyncio.sleep(0)
        assert member.observer.reads == 1 and hook.sent == [("list", "a")]
        await member.look(hook, {"run": "a-0"})  # a member asks: the read starts at once
        assert member.observer.reads == 2 and hook.sent == [("list", "a")] * 2
        member.leave()

    asyncio.run(scenario())
