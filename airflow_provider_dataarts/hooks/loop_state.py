"""What the async hook shares between the triggers of one event loop, in one object: :class:`LoopState`.

A triggerer runs thousands of waits in one long-lived event loop; they share HTTP sessions, request
budgets, connection reads and recent answers. None of these may cross event loops (aiohttp sessions
and asyncio futures belong to the loop that made them), so each loop gets its own :class:`LoopState`
from :func:`loop_state`. What is shared by the whole process (the connection settings' TTL cache,
the IAM tokens) lives elsewhere: ``dataarts_async._SETTINGS`` and ``api.iam.TOKENS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from airflow_provider_dataarts.hooks import _transport
from airflow_provider_dataarts.hooks.budget import RequestBudget

if TYPE_CHECKING:
    import aiohttp

    from airflow_provider_dataarts.api.responses import ApiResponse
    from airflow_provider_dataarts.api.settings import ConnectionSettings
    from airflow_provider_dataarts.triggers.observer import Observer

#: a hook's connection: connection id, region, project id, workspace
SettingsKey = tuple[str, str | None, str | None, str | None]
#: a read: credential, endpoint, project, API, path parameters, query, workspace
ReadKey = tuple[str, str, str, str, str, str, str | None]


@dataclass(eq=False)
class LoopState:
    """Everything the async hook keeps for one event loop.

    Holds:

    - ``sessions``: one ``aiohttp.ClientSession`` per TLS setting (``repr(verify)``), serving every trigger;
    - ``settings_in_flight``: connection reads under way, so that concurrent hooks of one connection
      read it once;
    - ``recent``: answers to reads, in flight or given in the last ``COALESCE_SECONDS``, shared with
      identical reads (expiry time and the future of the answer);
    - ``leases``: how many triggers are running on the loop (see :meth:`lease`);
    - ``budgets``: one :class:`~.budget.RequestBudget` per credential and service endpoint;
    - ``observers``: one list observer per group of deferred waits
      (:class:`~airflow_provider_dataarts.triggers.observer.Observer`), while it has members.

    Lifetime: created by the first :func:`loop_state` call on a loop; dropped once the loop is closed, at
    the first :func:`loop_state` call on another loop (its futures refer to the loop, so the state would
    otherwise keep a closed loop alive for ever).
    The sessions are closed earlier: when the last lease ends (the last trigger running on the loop
    finishes), or by :meth:`close_sessions`; a later call opens new ones. Budgets, in-flight reads and
    recent answers live as long as the state.
    """

    sessions: dict[str, aiohttp.ClientSession] = field(default_factory=dict)
    settings_in_flight: dict[SettingsKey, asyncio.Future[ConnectionSettings]] = field(default_factory=dict)
    recent: dict[ReadKey, tuple[float, asyncio.Future[ApiResponse]]] = field(default_factory=dict)
    leases: int = 0
    budgets: dict[tuple[str, str], RequestBudget] = field(default_factory=dict)
    observers: dict[Hashable, Observer] = field(default_factory=dict)

    def session(self, verify: bool | str) -> aiohttp.ClientSession:
        """The shared ``aiohttp.ClientSession`` for a TLS setting (proxies from the env), opened if needed."""
        import aiohttp

        key = repr(verify)
        session = self.sessions.get(key)
        if session is None or session.closed:
            connector = aiohttp.TCPConnector(ssl=_transport.ssl_context(verify), limit=200, ttl_dns_cache=300)
            session = self.sessions[key] = aiohttp.ClientSession(connector=connector)  # proxies: _transport.proxy_for
        return session

    async def close_sessions(self) -> None:
        """Close the shared sessions (the next call opens new ones)."""
        sessions, self.sessions = self.sessions, {}
        for session in sessions.values():
            await session.close()

    @contextlib.asynccontextmanager
    async def lease(self) -> AsyncIterator[None]:
        """Hold the shared sessions while a trigger runs; the last one out closes them.

        A triggerer's loop lives long and its triggers overlap, so sessions stay open while any wait is
        running; short-lived loops (``dag.test()`` runs each trigger in its own) do not leak them.
        """
        self.leases += 1
        try:
            yield
        finally:
            self.leases -= 1
            if not self.leases:
                await self.close_sessions()

    def budget(self, credential: str, endpoint: str, ceiling: float | None) -> RequestBudget:
        """The budget of ``credential`` on the service ``endpoint`` (its base URL).

        The gateway counts a user's calls per service endpoint, so all calls of one credential to one
        endpoint take turns through one budget; another endpoint (another service) has its own.
        """
        key = (credential, endpoint)
        budget = self.budgets.get(key)
        if budget is None:
            budget = self.budgets[key] = RequestBudget(ceiling)
        return budget


#: the state of each loop (weak keys: a loop no state refers to is dropped when collected)
_STATES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LoopState] = weakref.WeakKeyDictionary()


def loop_state() -> LoopState:
    """The running loop's :class:`LoopState`, created on first use."""
    loop = asyncio.get_running_loop()
    state = _STATES.get(loop)
    if state is None:
        for closed in [other for other in _STATES if other.is_closed()]:
            del _STATES[closed]
        state = _STATES[loop] = LoopState()
    return state
