"""A recording endpoint: answers every request with a canned reply and keeps what it received.

The official SDK clients and the provider's hook are both pointed at it, so the requests they build
for the same inputs can be compared byte for byte where it matters (method, path, query, body,
headers) - the SDK is the oracle, and the emulator plays no part.
"""

from __future__ import annotations

import dataclasses
import http.server
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl


@dataclasses.dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def sorted_query(self) -> list[tuple[str, str]]:
        return sorted(parse_qsl(self.query, keep_blank_values=True))

    def json(self) -> object:
        return json.loads(self.body) if self.body.strip() else None


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.server.recorded.append(Recorded(self.command, path, query, headers, body))  # type: ignore[attr-defined]
        status, reply_headers, reply = self.server.reply(path)  # type: ignore[attr-defined]
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **reply_headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    do_GET = do_POST = do_PUT = do_DELETE = _serve

    def log_message(self, *args: object) -> None:  # quiet
        pass


def _default_reply(path: str) -> tuple[int, dict[str, str], bytes]:
    if path.startswith("/v3/auth/tokens"):
        body = {"token": {"expires_at": "2099-01-01T00:00:00.000000Z", "methods": ["password"]}}
        return 201, {"X-Subject-Token": "MIIrecorded-token"}, json.dumps(body).encode()
    return 200, {}, b"{}"


@contextmanager
def recorder() -> Iterator[tuple[str, list[Recorded]]]:
    """``(base URL, recorded requests)`` of a recording endpoint on 127.0.0.1."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.recorded = []  # type: ignore[attr-defined]
    server.reply = _default_reply  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.recorded  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
