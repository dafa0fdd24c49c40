"""IAM password tokens: the request, the answer, and one process-wide cache.

A token is scoped to one project, so it is cached per IAM endpoint, domain, user and project (see
:func:`token_key`): a task that overrides ``project_id`` or ``region`` gets its own token. It is
fetched once per key and reused by every hook instance in the process - worker threads and triggers
alike - until five minutes before it expires. Concurrent callers wait for the
one fetch in flight instead of each asking IAM (a threading lock for the sync side, an asyncio lock
per event loop for the async side).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import threading
import time
import weakref
from collections.abc import Awaitable, Callable

from airflow_provider_dataarts.api.catalogue import IAM_TOKEN, Service
from airflow_provider_dataarts.api.errors import DataArtsResponseError
from airflow_provider_dataarts.api.fields import UnusableAnswer
from airflow_provider_dataarts.api.request import Call
from airflow_provider_dataarts.api.responses import ApiResponse
from airflow_provider_dataarts.api.settings import ConnectionSettings

#: a cached token is used until this many seconds before its ``expires_at``
REFRESH_MARGIN = 300.0


def token_call(settings: ConnectionSettings) -> Call:
    """The password-token request, scoped to the connection's project."""
    credentials = settings.credentials
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": credentials.principal,
                        "password": credentials.secret,
                        "domain": {"name": credentials.domain},
                    }
                },
            },
            "scope": {"project": {"id": settings.project_id}},
        }
    }
    return Call(IAM_TOKEN, query={"nocatalog": "true"}, body=body)


def token_key(settings: ConnectionSettings) -> str:
    """The cache key of a token: the credential (domain, user, a digest of the password), the IAM
    endpoint and the project the token is scoped to."""
    return f"{settings.credentials.cache_key}|{settings.endpoint(Service.IAM)}|{settings.project_id}"


def parse_token(response: ApiResponse) -> tuple[str, float]:
    """``(token, expires_at as epoch seconds)`` from IAM's answer; a missing or unreadable expiry
    means an hour (the documented lifetime is 24 h: stay conservative)."""
    token = response.headers.get("x-subject-token") or ""
    if not token or len(token) > 16384 or not token.isprintable() or " " in token:
        raise DataArtsResponseError("IAM answered without a usable X-Subject-Token header", status=response.status)
    try:
        expires = response.json()["token"]["expires_at"]
        expires_at = dt.datetime.fromisoformat(expires.replace("Z", "+00:00")).timestamp()
    except (UnusableAnswer, KeyError, TypeError, ValueError, AttributeError, OverflowError):
        expires_at = time.time() + 3600.0
    if not time.time() < expires_at < time.time() + 2 * 86400:
        expires_at = min(max(expires_at, time.time()), time.time() + 3600.0)
    return token, expires_at


@dataclasses.dataclass
class _Entry:
    token: str = dataclasses.field(repr=False)
    expires_at: float


class TokenCache:
    """Tokens by :func:`token_key`; safe across threads and event loops."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._guard = threading.Lock()
        self._thread_locks: dict[str, threading.Lock] = {}
        self._loop_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
            weakref.WeakKeyDictionary()
        )
        self.fetches = 0  # how many times IAM was asked (tests and benchmarks read it)

    def valid(self, key: str) -> str | None:
        """The cached token if it has more than :data:`REFRESH_MARGIN` seconds left."""
        entry = self._entries.get(key)
        if entry and entry.expires_at - REFRESH_MARGIN > time.time():
            return entry.token
        return None

    def store(self, key: str, token: str, expires_at: float) -> None:
        with self._guard:
            self._entries[key] = _Entry(token, expires_at)
            self.fetches += 1

    def invalidate(self, key: str, token: str) -> None:
        """Forget ``token`` (refused by the server) unless another caller already replaced it."""
        with self._guard:
            entry = self._entries.get(key)
            if entry and entry.token == token:
                del self._entries[key]

    def clear(self) -> None:
        with self._guard:
            self._entries.clear()
            self.fetches = 0

    def get(self, key: str, fetch: Callable[[], tuple[str, float]]) -> tuple[str, bool]:
        """``(token, fresh)``: the cached token, or one fetched by exactly one thread."""
        token = self.valid(key)
        if token:
            return token, False
        with self._guard:
            lock = self._thread_locks.setdefault(key, threading.Lock())
        with lock:
            token = self.valid(key)
            if token:
                return token, False
            token, expires_at = fetch()
            self.store(key, token, expires_at)
            return token, True

    async def aget(self, key: str, fetch: Callable[[], Awaitable[tuple[str, float]]]) -> tuple[str, bool]:
        """The async twin of :meth:`get`: one fetch per credential per event loop at a time."""
        token = self.valid(key)
        if token:
            return token, False
        loop = asyncio.get_running_loop()
        with self._guard:
            lock = self._loop_locks.setdefault(loop, {}).setdefault(key, asyncio.Lock())
        async with lock:
            token = self.valid(key)
            if token:
                return token, False
            token, expires_at = await fetch()
            self.store(key, token, expires_at)
            return token, True


#: the process-wide cache every hook uses
TOKENS = TokenCache()
