"""Injected faults reach plain HTTP clients the way the real service would send them."""

from __future__ import annotations

import asyncio
import threading
import time

import aiohttp
import pytest
import requests
from yarl import URL

from ._helpers import V1, V2, detail_path
from ._signing import sign

RESTART = f"{detail_path('nightly_sales', 34765)}/restart"


def pending(admin, instance_id=34765):
    instances = [i for job in admin.state()["factory_jobs"] for i in job["instances"]]
    return next(i for i in instances if i["instance_id"] == instance_id)["pending"]


def test_throttle_with_retry_after(api, admin):
    admin.add_fault("throttle", path=f"{V1}/jobs/", retry_after=7)
    response = api.get(detail_path("nightly_sales", 34765))
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response.json()["error_code"] == "APIG.0308"
    assert response.json()["error_msg"].startswith("The throttling threshold has been reached")
    assert api.get(detail_path("nightly_sales", 34765)).status_code == 200  # count 1: used up


def test_throttle_without_retry_after_and_no_processing(api, admin):
    admin.add_fault("throttle", path=RESTART, method="POST")
    response = api.post(RESTART)
    assert response.status_code == 429
    assert "Retry-After" not in response.headers
    assert pending(admin) is False
    assert admin.requests()[-1]["fault"] == "throttle"


def test_status_with_custom_body_and_headers(api, admin):
    body = {"error_code": "DLF.0000", "error_msg": "Internal error."}
    admin.add_fault("status", path="^/v1/[0-9a-f]+/jobs/.*/restart$", status=503, body=body, headers={"X-Custom": "1"})
    response = api.post(RESTART)
    assert (response.status_code, response.json(), response.headers["X-Custom"]) == (503, body, "1")
    assert response.headers["X-Request-Id"]
    assert pending(admin) is False


def test_status_default_body_and_count(api, admin):
    admin.add_fault("status", path=f"{V2}/quality/", status=500, count=2)
    path = f"{V2}/quality/instances"
    assert [api.get(path).status_code for _ in range(3)] == [500, 500, 200]
    assert admin.faults() == []


def test_method_filter(api, admin):
    admin.add_fault("status", path=RESTART, method="POST", status=502)
    assert api.get(detail_path("nightly_sales", 34765)).status_code == 200
    assert api.post(RESTART).status_code == 502


def test_delay(api, admin):
    admin.add_fault("delay", path=RESTART, seconds=0.4)
    started = time.monotonic()
    response = api.post(RESTART)
    assert time.monotonic() - started >= 0.4
    assert response.status_code == 204
    assert pending(admin) is True


def test_drop_before_processing_leaves_state_unchanged(api, admin):
    admin.add_fault("drop_before", path=RESTART)
    with pytest.raises(requests.ConnectionError):
        api.post(RESTART)
    assert pending(admin) is False
    assert admin.state()["factory_jobs"][0]["instances"][1]["scripted_restarts_left"] == 2
    entry = admin.requests()[-1]
    assert (entry["fault"], entry["status"], entry["route"]) == ("drop_before", None, "dlf.restart")
    assert api.post(RESTART).status_code == 204  # a retry is safe and works


def test_drop_after_processing_changes_state_without_answer(api, admin):
    admin.add_fault("drop_after", path=RESTART)
    with pytest.raises(requests.ConnectionError):
        api.post(RESTART)
    assert pending(admin) is True
    entry = admin.requests()[-1]
    assert (entry["fault"], entry["status"]) == ("drop_after", 204)
    again = api.post(RESTART)  # a blind retry restarts the instance a second time
    assert again.status_code == 204
    assert admin.state()["factory_jobs"][0]["instances"][1]["scripted_restarts_left"] == 0


def test_token_expiry(dataarts_emulator, api, admin):
    from .test_iam_and_gateway import get_token

    token = get_token(dataarts_emulator.url).headers["X-Subject-Token"]
    admin.add_fault("token_expiry", path=f"{V1}/jobs/")
    response = api.get(detail_path("nightly_sales", 34765), token=token)
    assert (response.status_code, response.json()["error_code"]) == (401, "APIG.0307")
    assert api.get(detail_path("nightly_sales", 34765), token=token).status_code == 401  # it stays expired
    fresh = get_token(dataarts_emulator.url).headers["X-Subject-Token"]
    assert api.get(detail_path("nightly_sales", 34765), token=fresh).status_code == 200


def test_faults_reach_an_aiohttp_client(dataarts_emulator, admin):
    admin.add_fault("throttle", path=RESTART, retry_after=3)
    admin.add_fault("drop_after", path=RESTART)

    async def scenario():
        async with aiohttp.ClientSession() as session:
            url, headers, body = sign("POST", dataarts_emulator.url, RESTART)
            async with session.post(URL(url, encoded=True), headers=headers, data=body) as response:
                first = (response.status, response.headers.get("Retry-After"), (await response.json())["error_code"])
            url, headers, body = sign("POST", dataarts_emulator.url, RESTART)
            with pytest.raises(aiohttp.ServerDisconnectedError):
                async with session.post(URL(url, encoded=True), headers=headers, data=body) as response:
                    await response.read()
            return first

    assert asyncio.run(scenario()) == (429, "3", "APIG.0308")
    assert pending(admin) is True


def test_fault_admin_validation_and_listing(admin):
    from airflow_provider_dataarts.emulator.admin_client import EmulatorAdminError

    with pytest.raises(EmulatorAdminError, match="kind"):
        admin.add_fault("explode")
    with pytest.raises(EmulatorAdminError, match="regex"):
        admin.add_fault("throttle", path="^(")
    admin.add_fault("delay", path="/v1/", seconds=2, count=3)
    assert admin.faults()[0]["count"] == 3
    admin.clear_faults()
    assert admin.faults() == []


def _chaos_outcomes(api, admin, seed):
    admin.reset()
    admin.chaos(seed=seed, probability=0.5, kinds=["throttle", "status"], path=f"{V1}/jobs/")
    codes = [api.get(detail_path("nightly_sales", 34765)).status_code for _ in range(30)]
    api.get(f"{V2}/quality/instances")  # outside the chaos path: never faulted, draws nothing
    return codes, [e["fault"] for e in admin.requests()]


def test_chaos_is_reproducible_with_a_seed(api, admin):
    first = _chaos_outcomes(api, admin, 7)
    second = _chaos_outcomes(api, admin, 7)
    other = _chaos_outcomes(api, admin, 8)
    assert first == second
    assert first != other
    codes, faults = first
    assert set(codes) == {200, 429, 503}
    assert faults[-1] is None
    admin.clear_chaos()
    assert api.get(detail_path("nightly_sales", 34765)).status_code == 200


def test_chaos_drops(api, admin):
    admin.chaos(seed=3, probability=1.0, kinds=["drop_before"], path=RESTART)
    with pytest.raises(requests.ConnectionError):
        api.post(RESTART)
    assert pending(admin) is False


def test_hold_serves_and_logs_the_call_before_answering(api, admin):
    admin.add_fault("hold", path=RESTART, seconds=0.6)
    answered: list[float] = []

    def restart() -> None:
        answered.append(api.post(RESTART).status_code)

    caller = threading.Thread(target=restart)
    started = time.monotonic()
    caller.start()
    while not [entry for entry in admin.requests() if entry["fault"] == "hold"]:
        assert time.monotonic() - started < 5
        time.sleep(0.02)
    assert pending(admin) is True and answered == []  # acted on, logged, and not answered yet
    caller.join(timeout=5)
    assert answered == [204] and time.monotonic() - started >= 0.6
