"""Running the emulator: an aiohttp server on 127.0.0.1, in a background thread (:class:`Emulator`)
or in the foreground (the CLI). Also the connection helpers tests and DAGs use to point at it."""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from aiohttp import web

from airflow_provider_dataarts.emulator.app import EmulatorApp
from airflow_provider_dataarts.emulator.state import EmulatorState

if TYPE_CHECKING:
    from airflow_provider_dataarts.emulator.admin_client import EmulatorAdmin

HOST = "127.0.0.1"
REGION = "emulator-1"
CONN_TYPE = "huaweicloud_dataarts"


def tls_context(certfile: str | None, keyfile: str | None) -> ssl.SSLContext | None:
    """A server TLS context for the certificate, or None for plain HTTP."""
    if not certfile:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certfile, keyfile)
    return context


async def start_site(state: EmulatorState, port: int, context: ssl.SSLContext | None) -> tuple[web.BaseRunner, int]:
    """Start serving ``state`` on 127.0.0.1:port (0 = any free port); returns the runner and the port."""
    server = web.Server(EmulatorApp(state), access_log=None)
    # a stop waits at most a second for open keep-alive connections (aiohttp's default: a minute)
    runner = web.ServerRunner(server, access_log=None, handle_signals=False, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, HOST, port, ssl_context=context, reuse_address=True)
    await site.start()
    sockets = runner.addresses
    return runner, sockets[0][1] if sockets else port


class Emulator:
    """The emulator in a background thread with its own event loop; also a context manager.

    ``scenario``: a path (JSON/YAML), a dict, or None for the built-in default. ``speed`` overrides the
    scenario's clock speed (0 freezes the virtual clock until advanced through :attr:`admin`).
    """

    def __init__(
        self,
        scenario: Any = None,
        *,
        speed: float | None = None,
        port: int = 0,
        certfile: str | None = None,
        keyfile: str | None = None,
        ca_file: str | None = None,
    ) -> None:
        self.state = EmulatorState(scenario, speed)
        self.scenario = self.state.scenario_raw
        self.port = port
        self.ca_file = ca_file
        self._context = tls_context(certfile, keyfile)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.BaseRunner | None = None
        self._admin: EmulatorAdmin | None = None

    @property
    def url(self) -> str:
        """The base URL every service is served under, e.g. ``http://127.0.0.1:54321``."""
        scheme = "https" if self._context else "http"
        return f"{scheme}://{HOST}:{self.port}"

    @property
    def admin(self) -> EmulatorAdmin:
        """The admin API client for this emulator."""
        if self._admin is None:
            from airflow_provider_dataarts.emulator.admin_client import EmulatorAdmin

            self._admin = EmulatorAdmin(self.url, verify=self.ca_file or (not self._context))
        return self._admin

    def start(self) -> Emulator:
        """Start serving in a daemon thread; returns once the port is bound."""
        if self._thread is not None:
            return self
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                self._runner, self.port = loop.run_until_complete(start_site(self.state, self.port, self._context))
            except BaseException as error:  # surfaced in start()
                failure.append(error)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=serve, name="dataarts-emulator", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread = None
            raise failure[0]
        return self

    def stop(self) -> None:
        """Stop serving and join the thread."""
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._thread = None
        if self._admin is not None:
            self._admin.close()
            self._admin = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def connection_extra(self) -> dict[str, Any]:
        """The connection extra that points the provider at this emulator."""
        workspaces = self.state.workspaces
        extra: dict[str, Any] = {
            "region": REGION,
            "project_id": self.state.project_id,
            "workspace": workspaces[0],
            "endpoint": self.url,
        }
        if self.ca_file:
            extra["verify"] = self.ca_file
        return extra

    def _login(self, auth_type: str) -> tuple[str, str, dict[str, Any]]:
        extra = self.connection_extra()
        if auth_type == "password":
            user = self.state.scenario["users"][0]
            extra.update(auth_type="password", domain=user["domain"])
            return user["name"], user["password"], extra
        if auth_type != "aksk":
            raise ValueError("auth_type must be 'aksk' or 'password'")
        creds = self.state.scenario["credentials"]
        cred = next((c for c in creds if not c["security_token"]), creds[0])
        if cred["security_token"]:
            extra["security_token"] = cred["security_token"]
        return cred["ak"], cred["sk"], extra

    def connection_json(self, auth_type: str = "aksk") -> str:
        """JSON for an ``AIRFLOW_CONN_...`` variable (conn_type ``huaweicloud_dataarts``)."""
        login, password, extra = self._login(auth_type)
        return json.dumps({"conn_type": CONN_TYPE, "login": login, "password": password, "extra": extra})

    def connection_uri(self, auth_type: str = "aksk") -> str:
        """URI form of :meth:`connection_json` (``huaweicloud-dataarts://AK:SK@/?region=...``)."""
        login, password, extra = self._login(auth_type)
        query = urlencode({k: str(v) for k, v in extra.items()})
        return f"{CONN_TYPE.replace('_', '-')}://{quote(login, safe='')}:{quote(password, safe='')}@/?{query}"
