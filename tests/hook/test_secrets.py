"""No secret reaches a log line, an exception text or a repr, with every logger at DEBUG."""

from __future__ import annotations

import asyncio
import logging

import pytest

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.api.request import RequestBuilder
from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
from airflow_provider_dataarts.hooks.dataarts_async import DataArtsAsyncHook, close_sessions
from tests.hook.conftest import set_connection


def test_no_secret_in_logs_errors_or_reprs(emulator, monkeypatch, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger().setLevel(logging.DEBUG)
    for name in ("urllib3", "aiohttp", "requests", "airflow", "airflow_provider_dataarts"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    signed: list[str] = []
    original_build = RequestBuilder.build

    def recording_build(self, call, **kwargs):
        request = original_build(self, call, **kwargs)
        signed.extend(value for name, value in request.headers.items() if name in ("Authorization", "X-Auth-Token"))
        return request

    monkeypatch.setattr(RequestBuilder, "build", recording_build)
    texts: list[str] = []

    def exercise(auth_type: str, **extra) -> None:
        set_connection(monkeypatch, emulator, auth_type, **extra)
        hook = DataArtsHook(retry_delay=0.01)
        texts.extend([repr(hook), repr(hook.settings), repr(hook.builder.build.__self__.settings)])
        hook.get_job_instance("nightly_sales", 34765)
        emulator.admin.add_fault("status", path="^/v1/", status=500, count=1)
        hook.list_job_instances("nightly_sales")
        for failing in (lambda: hook.get_job_instance("nightly_sales", 1), lambda: hook.restart_job_instance("x", 1)):
            with pytest.raises(errors.DataArtsNotFoundError) as raised:
                failing()
            texts.append(str(raised.value))
            texts.append(repr(raised.value))

        async def async_calls():
            try:
                async_hook = DataArtsAsyncHook()
                await async_hook.get_visualization_job("10")
                texts.append(repr(async_hook))
            finally:
                await close_sessions()

        asyncio.run(async_calls())

    cred = emulator.scenario["credentials"][1]
    exercise("aksk")
    exercise("password")
    emulator.admin.expire_tokens()
    exercise("password")
    set_connection(monkeypatch, emulator, security_token=cred["security_token"])

    user = emulator.scenario["users"][0]
    from airflow_provider_dataarts.api.iam import TOKENS

    tokens = [entry.token for entry in TOKENS._entries.values()]
    secrets = {
        "secret key": emulator.scenario["credentials"][0]["sk"],
        "temporary secret key": cred["sk"],
        "security token": cred["security_token"],
        "IAM password": user["password"],
        **{f"IAM token {n}": token for n, token in enumerate(tokens)},
        **{f"Authorization {n}": value for n, value in enumerate(signed)},
    }
    assert tokens and signed  # the test saw real tokens and signatures
    captured = caplog.text + "\n".join(texts) + "\n".join(record.getMessage() for record in caplog.records)
    assert any(record.levelno == logging.DEBUG for record in caplog.records)  # logging really was on at DEBUG
    leaks = [name for name, secret in secrets.items() if secret and secret in captured]
    assert leaks == []
