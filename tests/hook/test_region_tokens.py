"""An IAM token per IAM endpoint: a task's ``region`` override reaches another region's IAM, and gets its own token.

Without an ``iam_endpoint`` override, IAM is ``https://iam.{region}.myhuaweicloud.com``: the connection's
region and a task's override are two hosts. Both are reached over real HTTPS through an environment
proxy that tunnels every ``CONNECT`` to one emulator, whose certificate (a private CA) names both hosts;
the DataArts calls go to the emulator directly (``dlf_endpoint``, ``dataarts_endpoint``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Iterator

import pytest

from airflow_provider_dataarts.api.iam import TOKENS
from airflow_provider_dataarts.hooks import _transport
from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
from airflow_provider_dataarts.hooks.dataarts_async import DataArtsAsyncHook, close_sessions
from tests.conftest import routes

HOME, AWAY = "emulator-1", "emulator-2"  # the connection's region (the emulator's) and a task's override
IAM_HOSTS = {region: f"iam.{region}.myhuaweicloud.com" for region in (HOME, AWAY)}


class TunnelProxy:
    """An HTTP proxy answering ``CONNECT host:443`` with a tunnel to one local port; it records each host."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.hosts: list[str] = []
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()

    async def _tunnel(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        method, authority = head.split(b"\r\n", 1)[0].decode().split(" ")[:2]
        if method != "CONNECT":
            writer.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            writer.close()
            return
        self.hosts.append(authority)
        upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                with contextlib.suppress(ConnectionError):
                    while data := await source.read(65536):
                        sink.write(data)
                        await sink.drain()
            finally:
                sink.close()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))

    def __enter__(self) -> TunnelProxy:
        def serve() -> None:
            asyncio.set_event_loop(self._loop)
            server = self._loop.run_until_complete(asyncio.start_server(self._tunnel, "127.0.0.1", 0))
            self.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
            self._ready.set()
            self._loop.run_forever()
            server.close()
            tunnels = asyncio.all_tasks(self._loop)
            for tunnel in tunnels:
                tunnel.cancel()
            self._loop.run_until_complete(asyncio.gather(*tunnels, server.wait_closed(), return_exceptions=True))
            self._loop.close()

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        assert self._ready.wait(10) and self.url, "the test proxy did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


@pytest.fixture(scope="module")
def regional_emulator(tmp_path_factory):
    """The emulator over TLS, its certificate naming 127.0.0.1 and both regions' IAM hosts."""
    import trustme

    from airflow_provider_dataarts.emulator import Emulator

    folder = tmp_path_factory.mktemp("regions")
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1", *IAM_HOSTS.values())
    certfile, keyfile, bundle = folder / "cert.pem", folder / "key.pem", folder / "ca.pem"
    certificate.private_key_and_cert_chain_pem.write_to_path(str(certfile))
    certificate.private_key_pem.write_to_path(str(keyfile))
    authority.cert_pem.write_to_path(str(bundle))
    with Emulator(speed=0, certfile=str(certfile), keyfile=str(keyfile), ca_file=str(bundle)) as emulator:
        yield emulator


@pytest.fixture
def proxy(regional_emulator, monkeypatch) -> Iterator[TunnelProxy]:
    """The password connection with IAM at its regional host (through the proxy), DataArts at the emulator."""
    emulator = regional_emulator
    emulator.admin.reset(emulator.scenario)
    conn = json.loads(emulator.connection_json("password"))
    assert conn["extra"]["region"] == HOME
    endpoint = conn["extra"].pop("endpoint")
    conn["extra"].update(dlf_endpoint=endpoint, dataarts_endpoint=endpoint, retry_delay=0.01)
    monkeypatch.setenv("AIRFLOW_CONN_DATAARTS_DEFAULT", json.dumps(conn))
    with TunnelProxy(emulator.port) as tunnel:
        for name in ("HTTPS_PROXY", "https_proxy"):
            monkeypatch.setenv(name, tunnel.url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.setenv(name, "127.0.0.1")
        _transport.proxy_for.cache_clear()
        try:
            yield tunnel
        finally:
            _transport.proxy_for.cache_clear()


def test_a_task_region_override_gets_its_own_iam_token(regional_emulator, proxy) -> None:
    assert DataArtsHook().get_job_instance("nightly_sales", 34765).status == "fail"
    assert DataArtsHook(region=AWAY).get_job_instance("nightly_sales", 34765).status == "fail"
    DataArtsHook().get_job_instance("nightly_sales", 34766)  # each region's token again, from the cache
    DataArtsHook(region=AWAY).get_job_instance("nightly_sales", 34766)
    assert proxy.hosts == [f"{IAM_HOSTS[HOME]}:443", f"{IAM_HOSTS[AWAY]}:443"]  # one token from each IAM
    assert len(routes(regional_emulator, "iam.token")) == 2 and TOKENS.fetches == 2
    assert [entry["status"] for entry in routes(regional_emulator, "dlf.show")] == [200] * 4


def test_a_task_region_override_gets_its_own_iam_token_in_the_triggerer(regional_emulator, proxy) -> None:
    async def both() -> list[str | None]:
        try:
            first = await DataArtsAsyncHook().get_job_instance("nightly_sales", 34765)
            second = await DataArtsAsyncHook(region=AWAY).get_job_instance("nightly_sales", 34765)
            again = await DataArtsAsyncHook(region=AWAY).get_job_instance("nightly_sales", 34766)
            return [first.status, second.status, again.status]
        finally:
            await close_sessions()

    assert asyncio.run(both()) == ["fail", "fail", "success"]
    assert sorted(proxy.hosts) == sorted(f"{host}:443" for host in IAM_HOSTS.values())
    assert len(routes(regional_emulator, "iam.token")) == 2 and TOKENS.fetches == 2
