"""The connection form and the Test button of Airflow 3's UI, in Chromium, against the emulator.

A user adds a *Huawei Cloud DataArts* connection through the form (AK/SK, then IAM user and password)
and saves it: the metadata database must hold exactly what was typed. *Test* on the connection list
answers "Bad Request" on Airflow 3.3.2 (the list sends ``port: 0`` for a connection stored without a
port; fixed upstream by apache/airflow#73298) - asserted, so this test notices the release that fixes
it; a connection stored with port 0 passes; and the provider's side is proven through the API the UI
calls, with the credentials in the body.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from airflow_provider_dataarts.get_provider_info import CONNECTION_FIELDS
from tests.browser.conftest import screenshot, stored_connection

pytestmark = [pytest.mark.browser, pytest.mark.airflow3, pytest.mark.deployment, pytest.mark.timeout(600)]


def add_connection(page: Any, base: str, conn_id: str, login: str, password: str, extra: dict[str, str]) -> None:
    """Fill the Add Connection form as a user does, and save it."""
    page.goto(f"{base}/connections")
    page.get_by_role("button", name="Add Connection").click()
    page.get_by_label("Connection ID").fill(conn_id)
    page.get_by_role("combobox", name="Connection Type").fill("Huawei Cloud DataArts")
    page.keyboard.press("Enter")
    page.get_by_label("Access key (AK) or IAM user name").fill(login)
    page.get_by_label("Secret key (SK) or IAM password").fill(password)
    page.get_by_role("button", name="Extra Fields", exact=True).click()
    for field, value in extra.items():
        if field == "auth_type":  # a select (the field's enum)
            page.get_by_role("combobox", name="Authentication").fill(value)
            page.keyboard.press("Enter")
        else:
            page.locator(f"#element_{field}").fill(value)
    if conn_id == "ui_aksk":  # the docs' picture of the form
        screenshot(page, "connection-form-ui_aksk", full_page=True)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("dialog").wait_for(state="hidden")


def _typed(emulator: Any, auth_type: str) -> tuple[str, str, dict[str, str]]:
    connection = emulator.connection_json(auth_type)
    data = json.loads(connection)
    extra = {key: str(value) for key, value in data["extra"].items()}
    return data["login"], data["password"], extra


@pytest.mark.parametrize("auth_type", ["aksk", "password"])
def test_a_connection_added_through_the_form_holds_exactly_what_was_typed(api_server, page, auth_type) -> None:
    running, emulator = api_server
    login, password, extra = _typed(emulator, auth_type)
    conn_id = f"ui_{auth_type}"
    add_connection(page, running.base, conn_id, login, password, extra)
    stored = stored_connection(running, conn_id)
    assert stored["conn_type"] == "huaweicloud_dataarts"
    assert (stored["login"], stored["password"]) == (login, password)
    saved_extra = stored.get("extra_dejson") or json.loads(stored.get("extra") or "{}")
    assert saved_extra, sorted(stored)
    # what was typed, and the defaults the form showed for the fields left alone (nothing else)
    shown = {name: schema["default"] for name, (_, _, schema) in CONNECTION_FIELDS.items() if "default" in schema}
    assert {key: value for key, value in saved_extra.items() if value not in (None, "")} == {**shown, **extra}


def test_the_test_button_on_airflow_3_3_2_answers_bad_request(api_server, page) -> None:
    """Airflow 3.3.2's list sends ``port: 0`` for a connection stored without a port, and its API refuses a
    test whose port differs from the stored one (the password being masked) before any provider code runs."""
    import airflow

    running, emulator = api_server
    login, password, extra = _typed(emulator, "aksk")
    add_connection(page, running.base, "ui_test_button", login, password, extra)
    emulator.admin.clear_requests()
    fixed = airflow.__version__ != "3.3.2"  # a release with apache/airflow#73298 reaches the provider
    toast = press_test(page, running.base, "ui_test_button", "Connection works" if fixed else "Bad Request")
    screenshot(page, "connection-test-button")
    if not fixed:
        assert toast.splitlines()[:2] == ["Test Connection Failed", "Bad Request"], toast
        assert emulator.admin.requests() == []  # refused by Airflow: the provider was never asked


def test_the_test_button_works_for_a_connection_stored_with_port_0(api_server, page) -> None:
    """The way around it the docs give: a connection stored with port 0 (the provider ignores the port) is
    the same endpoint to Airflow's check, so *Test* reaches the provider, which signs its test read."""
    running, emulator = api_server
    login, password, extra = _typed(emulator, "aksk")
    body = {"connection_id": "port_0", "conn_type": "huaweicloud_dataarts", "login": login, "password": password}
    created = running.api("POST", "/api/v2/connections", json={**body, "port": 0, "extra": json.dumps(extra)})
    assert created.ok, created.text
    emulator.admin.clear_requests()
    toast = press_test(page, running.base, "port_0", "Connection works")
    assert toast.startswith("Test Connection Successful"), toast
    screenshot(page, "connection-test-button-port-0")
    signed = [entry for entry in emulator.admin.requests() if entry["credential"] == login]
    assert signed and all(entry["status"] == 200 for entry in signed), signed


def press_test(page: Any, base: str, conn_id: str, expected: str) -> str:
    """Press *Test* on the connection list's row of ``conn_id``; the text of the answer's toast once it
    shows ``expected`` (its title is Airflow's "Test Connection Successful" / "Test Connection Failed")."""
    from playwright.sync_api import expect

    page.goto(f"{base}/connections")
    row = page.get_by_role("row").filter(has_text=conn_id)
    row.get_by_role("button", name=re.compile("test", re.IGNORECASE)).click()
    title = page.get_by_text(re.compile("Test Connection (Successful|Failed)")).first
    title.wait_for()
    toast = title.locator("xpath=../..")  # the title with the message under it
    expect(toast).to_contain_text(expected)
    expect(toast).to_have_css("opacity", "1")  # shown, not fading in (for the picture)
    return str(toast.inner_text())


def test_the_api_the_ui_calls_tests_the_connection_with_a_signed_read(api_server) -> None:
    """``POST /api/v2/connections/test`` with the credentials in the body: the emulator sees the signed read;
    a wrong SK comes back as a message that says what to fix."""
    running, emulator = api_server
    login, password, extra = _typed(emulator, "aksk")
    body = {"connection_id": "rest_test", "conn_type": "huaweicloud_dataarts", "login": login, "password": password}
    emulator.admin.clear_requests()
    answer = running.api("POST", "/api/v2/connections/test", json={**body, "extra": json.dumps(extra)})
    assert answer.ok, answer.text
    assert answer.json()["status"] is True, answer.json()
    signed = [entry for entry in emulator.admin.requests() if entry["credential"] == login]
    assert signed and all(entry["status"] == 200 for entry in signed), signed

    wrong = running.api(
        "POST", "/api/v2/connections/test", json={**body, "password": "not-the-secret", "extra": json.dumps(extra)}
    )
    assert wrong.ok, wrong.text
    result = wrong.json()
    assert result["status"] is False
    assert "APIGW.0301" in result["message"] or "signature" in result["message"].lower(), result
    assert "secret key" in result["message"], result  # names the fix: check the access key and secret key
    assert "not-the-secret" not in result["message"]
