"""A whole-request deadline for ``requests``: connect, headers and body, however slowly a server trickles.

``requests`` only bounds each socket read, so a server sending a byte every few seconds can hold a
worker forever. :class:`DeadlineAdapter` makes every connection it uses note itself as the calling
thread's connection in use; :func:`deadline` arms a timer that, when the deadline passes, shuts that
connection's socket down, so the blocked read fails at once and the call raises.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager

#: thread id -> the connection that thread is sending on or reading from
_IN_USE: dict[int, HTTPConnection] = {}


class _Noted(HTTPConnection):
    """A connection that notes itself as its thread's connection in use when it sends (put first in the
    bases, before ``HTTPSConnection`` for TLS)."""

    def request(self, *args: Any, **kwargs: Any) -> None:
        _IN_USE[threading.get_ident()] = self
        return super().request(*args, **kwargs)


class _HTTPConnection(_Noted, HTTPConnection):
    pass


class _HTTPSConnection(_Noted, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class DeadlineAdapter(HTTPAdapter):
    """The standard adapter (proxies, TLS, pooling) whose connections :func:`deadline` can cut."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **kwargs: Any) -> PoolManager:
        manager: PoolManager = super().proxy_manager_for(proxy, **kwargs)  # a ProxyManager or SOCKSProxyManager
        manager.pool_classes_by_scheme = _POOLS
        return manager


class DeadlinePassed:
    """Set when the deadline cut the connection: the error then says so, not "connection reset"."""

    def __init__(self) -> None:
        self.passed = False


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[DeadlinePassed]:
    """Within the block, this thread's request is cut when ``seconds`` have passed."""
    thread = threading.get_ident()
    state = DeadlinePassed()

    def cut() -> None:
        connection = _IN_USE.get(thread)
        sock = getattr(connection, "sock", None)
        state.passed = True
        if sock is not None:
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the raw socket, under any TLS layer

    timer = threading.Timer(seconds, cut)
    timer.daemon = True
    timer.start()
    try:
        yield state
    finally:
        timer.cancel()
        _IN_USE.pop(thread, None)
