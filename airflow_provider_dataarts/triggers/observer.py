"""One list read per poll cycle for every deferred wait of a group: the triggerer's observers.

Polling each run on its own costs one request per wait and cycle, and under the gateway's limit
(of the order of 40 requests per 10 s per credential) a thousand waits learn of their run's end
minutes late. Where a kind declares a :class:`~airflow_provider_dataarts.runs.base.Batch`, the waits
of one group (credential, endpoint, project, workspace, kind and the kind's group: a job, say) join
one :class:`Observer` of their event loop instead. Each cycle it reads the list pages covering every
member once and hands the rows to all of them; each wait then makes its own observation from the
rows (reading details only when its run ended) and is judged as before.

A read that fails reaches every member as that poll's failure (judged as any failed poll). A wait that
ends or is cancelled leaves; the last one out stops the observer. Waits in the worker, kinds without a
batch and watches outside every group poll their own run (:func:`join` returns None).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from airflow_provider_dataarts.hooks.loop_state import loop_state

if TYPE_CHECKING:
    from airflow_provider_dataarts.hooks.dataarts_async import DataArtsAsyncHook
    from airflow_provider_dataarts.runs.base import Batch, Kind, Observation

_TOKENS = itertools.count()


async def pause(seconds: float) -> None:
    """The wait between two reads of a group (on the loop's ticks, as every trigger's sleep)."""
    from airflow_provider_dataarts.triggers.base import sleep_on_tick

    await sleep_on_tick(seconds)


def _retrieved(future: asyncio.Future[Any]) -> None:
    """Mark a read's failure as seen even when no member was waiting for it (no asyncio warning)."""
    if not future.cancelled():
        future.exception()


class Observer:
    """Reads one group's list once per cycle (the shortest poll interval of its members) for all of them.

    :param key: the group's key in the loop's registry (removed when the last member leaves).
    :param batch: the kind's batch reading. :param hook: the async hook the reads go through (its budget).
    """

    def __init__(self, key: Hashable, batch: Batch[Any, Any], hook: DataArtsAsyncHook) -> None:
        self.key = key
        self.batch = batch
        self.hook = hook
        #: members by token: the watch whose runs the read must cover, and the member's poll interval
        self.members: dict[int, tuple[Any, float]] = {}
        self.reads = 0
        self._upcoming: asyncio.Future[Any] | None = None
        #: the read under way, and the members it covers (those that were members when it started)
        self._in_flight: tuple[asyncio.Future[Any], frozenset[int]] | None = None
        self._task: asyncio.Task[None] | None = None
        #: set when a member waits for the next read: a read starts only then (and one interval after the last)
        self._asked = asyncio.Event()

    def join(self, watch: Any, poll_interval: float) -> int:
        """Add a member; the first one starts the cycle."""
        token = next(_TOKENS)
        self.members[token] = (watch, poll_interval)
        if self._task is None:
            self._task = asyncio.ensure_future(self._cycle())
        return token

    def leave(self, token: int) -> None:
        """Remove a member; the last one out stops the cycle and drops the observer from the registry."""
        self.members.pop(token, None)
        if not self.members:
            if self._task is not None:
                self._task.cancel()
                self._task = None
            observers = loop_state().observers
            if observers.get(self.key) is self:
                del observers[self.key]

    def upcoming(self) -> asyncio.Future[Any]:
        """The answer of the next read to start."""
        if self._upcoming is None:
            self._upcoming = asyncio.get_running_loop().create_future()
            self._upcoming.add_done_callback(_retrieved)
        self._asked.set()
        return self._upcoming

    async def rows(self, token: int) -> Any:
        """The rows of the read under way if it covers the member, else of the next one (its error, if it
        fails). A member asks again only once it has used its last rows, so either is newer."""
        if self._in_flight is not None and token in self._in_flight[1]:
            return await asyncio.shield(self._in_flight[0])
        return await asyncio.shield(self.upcoming())

    async def _cycle(self) -> None:
        while self.members:
            await self._asked.wait()  # no read nobody waits for (members busy with a detail read or leaving)
            self._asked.clear()
            future, self._upcoming = self.upcoming(), None
            self._asked.clear()  # upcoming() set it again
            watches = [watch for watch, _ in self.members.values()]
            interval = min(interval for _, interval in self.members.values())
            self._in_flight = (future, frozenset(self.members))
            self.reads += 1
            try:
                rows = await self.hook.run(self.batch.read(watches))
            except asyncio.CancelledError:
                future.cancel()
                raise
            except Exception as error:
                future.set_exception(error)
            else:
                future.set_result(rows)
            finally:
                self._in_flight = None
            await pause(interval)


class Membership:
    """A wait's place in its group's observer: :meth:`look` is its poll, :meth:`leave` ends it."""

    def __init__(self, kind: Kind[Any], observer: Observer, token: int) -> None:
        self.kind = kind
        self.observer = observer
        self.token = token

    async def look(self, hook: DataArtsAsyncHook, watch: Any) -> Observation:
        """The run as the next read shows it; read on its own when the rows do not show it."""
        rows = await self.observer.rows(self.token)
        observation = await hook.run(self.observer.batch.observe(watch, rows))
        if observation is None:  # not in the list (yet): never an end; the run's own read decides
            observation = await hook.run(self.kind.observe(watch))
        return observation

    def leave(self) -> None:
        self.observer.leave(self.token)


async def join(kind: Kind[Any], hook: DataArtsAsyncHook, watch: Any, poll_interval: float) -> Membership | None:
    """The wait's membership in the observer of its group (created on first use), or None where the kind
    has no batch reading or the watch no group: the wait then polls its own run."""
    batch = kind.batch
    if batch is None:
        return None
    group = batch.group(watch)
    if group is None:
        return None
    settings = await hook.settings()
    endpoints = repr(sorted((str(service), url) for service, url in settings.endpoint_overrides.items()))
    key = (
        kind.name,
        settings.credentials.cache_key,
        settings.region,
        endpoints,
        settings.project_id,
        settings.workspace,
        group,
    )
    observers = loop_state().observers
    observer = observers.get(key)
    if observer is None:
        observer = observers[key] = Observer(key, batch, hook)
    return Membership(kind, observer, observer.join(watch, poll_interval))
