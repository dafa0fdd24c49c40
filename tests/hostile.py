"""A hostile server: answers any call with any status, headers, body and timing.

Unlike the emulator it keeps no state and checks nothing: it is scripted per test to answer the way
a broken gateway or a misbehaving service might - malformed bodies, lies, redirects, huge answers,
bytes trickled one at a time, a stall, a dropped connection - over raw sockets, so even answers no
HTTP library would produce can be sent.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@dataclasses.dataclass
class Answer:
    """One scripted answer."""

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    raw: bytes | None = None  # the whole answer as given (malformed HTTP): nothing else is sent
    delay: float = 0.0  # seconds before anything is sent
    trickle: float = 0.0  # seconds between single bytes of the answer (headers and body)
    stall: bool = False  # read the request, then never answer
    drop: bool = False  # read the request, then close the connection without answering
    cut_after: int | None = None  # send this many bytes of the answer, then close
    cut_body: bool = False  # send the headers and half the body, then close

    def encoded(self) -> bytes:
        if self.raw is not None:
            return self.raw
        body = self.body.encode() if isinstance(self.body, str) else self.body
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body)), **self.headers}
        head = f"HTTP/1.1 {self.status} X\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        return head.encode("latin-1") + body


@dataclasses.dataclass(frozen=True)
class Seen:
    """A request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class HostileServer:
    """``script(pattern, answer)`` answers requests whose ``METHOD path`` matches ``pattern`` (a regex);
    the first match wins, the ``default`` answers the rest."""

    def __init__(self) -> None:
        self.rules: list[tuple[re.Pattern[str], Answer | Callable[[Seen], Answer]]] = []
        self.default = Answer(404, b'{"error_code": "APIG.0101", "error_msg": "not scripted"}')
        self.seen: list[Seen] = []
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._release = asyncio.Event()

    def script(self, pattern: str, answer: Answer | Callable[[Seen], Answer]) -> None:
        self.rules.append((re.compile(pattern), answer))

    def count(self, pattern: str) -> int:
        return sum(1 for seen in self.seen if re.search(pattern, f"{seen.method} {seen.path}"))

    def _answer_for(self, seen: Seen) -> Answer:
        for pattern, answer in self.rules:
            if pattern.search(f"{seen.method} {seen.path}"):
                return answer(seen) if callable(answer) else answer
        return self.default

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, value = line.split(":", 1)
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length") or 0))
                seen = Seen(method, path, headers, body)
                self.seen.append(seen)
                answer = self._answer_for(seen)
                if answer.delay:
                    await asyncio.sleep(answer.delay)
                if answer.stall:
                    await self._release.wait()
                    return
                if answer.drop:
                    return
                data = answer.encoded()
                cut = answer.cut_after
                if answer.cut_body:
                    head = data.index(b"\r\n\r\n") + 4
                    cut = head + (len(data) - head) // 2
                if cut is not None:
                    writer.write(data[:cut])
                    await writer.drain()
                    return
                if answer.trickle:
                    for index in range(len(data)):
                        writer.write(data[index : index + 1])
                        await writer.drain()
                        await asyncio.sleep(answer.trickle)
                else:
                    writer.write(data)
                    await writer.drain()
                if answer.raw is not None:
                    return
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            return
        finally:
            writer.close()

    @contextmanager
    def running(self) -> Iterator[HostileServer]:
        started = threading.Event()

        async def main() -> None:
            server = await asyncio.start_server(self._serve, "127.0.0.1", 0, limit=1 << 20)
            self.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
            started.set()
            async with server:
                await self._release.wait()
            # leave no task pending: a finalizer running later, amid another thread's work, can upset
            # CPython 3.11's AST recursion counter (gh-106905)
            others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        def serve() -> None:
            try:
                self._loop.run_until_complete(main())
            finally:
                self._loop.close()

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        started.wait(10)
        try:
            yield self
        finally:
            self._loop.call_soon_threadsafe(self._release.set)
            thread.join(10)


@contextmanager
def hostile() -> Iterator[HostileServer]:
    with HostileServer().running() as server:
        yield server


def connection(url: str, **extra: Any) -> str:
    """An ``AIRFLOW_CONN_...`` JSON value pointing every service at ``url``."""
    import json

    return json.dumps(
        {
            "conn_type": "huaweicloud_dataarts",
            "login": "HOSTILEAK",
            "password": "hostile-secret-key",
            "extra": {"region": "cn-north-4", "project_id": "p1", "workspace": "ws-1", "endpoint": url, **extra},
        }
    )
