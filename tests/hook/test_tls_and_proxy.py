"""TLS verification on by default, private CAs through ``verify``, and proxies from the environment."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest
from aiohttp import ClientSession, web

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.hooks import _transport
from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
from airflow_provider_dataarts.hooks.dataarts_async import DataArtsAsyncHook, close_sessions


@pytest.fixture(scope="module")
def tls_emulator(tmp_path_factory):
    """The emulator behind a certificate of a private CA (trustme), and that CA's bundle."""
    import trustme

    from airflow_provider_dataarts.emulator import Emulator

    folder = tmp_path_factory.mktemp("tls")
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    certfile, keyfile, bundle = folder / "cert.pem", folder / "key.pem", folder / "ca.pem"
    certificate.private_key_and_cert_chain_pem.write_to_path(str(certfile))
    certificate.private_key_pem.write_to_path(str(keyfile))
    authority.cert_pem.write_to_path(str(bundle))
    with Emulator(speed=0, certfile=str(certfile), keyfile=str(keyfile)) as emulator:
        yield emulator, str(bundle)


def use(monkeypatch, emulator, **extra) -> None:
    conn = json.loads(emulator.connection_json())
    conn["extra"].update(extra)
    monkeypatch.setenv("AIRFLOW_CONN_DATAARTS_DEFAULT", json.dumps(conn))


def read_async():
    async def main():
        try:
            return await DataArtsAsyncHook().get_visualization_job("10")
        finally:
            await close_sessions()

    return asyncio.run(main())


def test_verification_is_on_by_default_and_says_what_to_do(tls_emulator, monkeypatch) -> None:
    emulator, _ = tls_emulator
    use(monkeypatch, emulator)
    with pytest.raises(errors.DataArtsConfigError, match=r"TLS verification failed.*CA bundle path"):
        DataArtsHook().get_visualization_job("10")
    with pytest.raises(errors.DataArtsConfigError, match=r"TLS verification failed.*CA bundle path"):
        read_async()


def test_a_ca_bundle_makes_both_transports_trust_the_server(tls_emulator, monkeypatch) -> None:
    emulator, bundle = tls_emulator
    use(monkeypatch, emulator, verify=bundle)
    assert DataArtsHook().get_visualization_job("10").job_id == "10"
    assert read_async().job_id == "10"


def test_verification_can_be_turned_off(tls_emulator, monkeypatch) -> None:
    emulator, _ = tls_emulator
    use(monkeypatch, emulator, verify="false")
    assert DataArtsHook().get_visualization_job("10").job_id == "10"
    assert read_async().job_id == "10"


class ForwardProxy:
    """A minimal HTTP forward proxy (absolute-URI requests) that counts what passes through it."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()

    async def _forward(self, request: web.Request) -> web.Response:
        self.seen.append(f"{request.method} {request.url}")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("proxy-connection", "connection")}
        async with (
            ClientSession() as session,
            session.request(
                request.method, str(request.url), headers=headers, data=await request.read(), allow_redirects=False
            ) as answer,
        ):
            body = await answer.read()
            passed = {k: v for k, v in answer.headers.items() if k.lower() in ("content-type", "x-request-id")}
            return web.Response(status=answer.status, body=body, headers=passed)

    def __enter__(self) -> ForwardProxy:
        async def start() -> None:
            runner = self._runner = web.ServerRunner(web.Server(self._forward))
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            self.url = f"http://127.0.0.1:{runner.addresses[0][1]}"

        def serve() -> None:
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(start())
            self._ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        assert self._ready.wait(10) and self.url, "the test proxy did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


def test_both_transports_go_through_the_environment_proxy(emulator, monkeypatch) -> None:
    with ForwardProxy() as proxy:
        use(monkeypatch, emulator, endpoint=emulator.url.replace("127.0.0.1", "localhost"))
        for name in ("HTTP_PROXY", "http_proxy"):
            monkeypatch.setenv(name, proxy.url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.setenv(name, "example.invalid")
        _transport.proxy_for.cache_clear()
        try:
            assert DataArtsHook().get_visualization_job("10").job_id == "10"  # requests
            assert read_async().job_id == "10"  # aiohttp
        finally:
            _transport.proxy_for.cache_clear()
    assert len(proxy.seen) == 2 and all("/visualization-jobs/10" in line for line in proxy.seen)


def test_no_proxy_is_honoured(monkeypatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    for name in ("NO_PROXY", "no_proxy"):  # lower case wins when both are set, as in requests
        monkeypatch.setenv(name, ".myhuaweicloud.com")
    _transport.proxy_for.cache_clear()
    try:
        assert _transport.proxy_for("https://dayu.cn-north-4.myhuaweicloud.com") is None
        assert _transport.proxy_for("https://dayu.private.example") == "http://proxy.example:3128"
    finally:
        _transport.proxy_for.cache_clear()
