"""The connection form and the Test button of Airflow 3's UI, in Chromium, against the emulator.

A user adds a *Huawei Cloud DataArts* connection through the form (AK/SK, then IAM user and password)
and saves it: the metadata database must hold exactly what was typed. *Test* on the connection list
answers "Bad Request" on Airflow 3.3.2 (the UI sends ``port: 0`` for a type without a port; fixed
upstream by apache/airflow#73298) - asserted, so this test notices the release that fixes it - and the
provider's side is proven through the API the UI calls, with the credentials in the body.
"""

from __future__ import annotations

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
    import json

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
    import json

    saved_extra = stored.get("extra_dejson") or json.loads(stored.get("extra") or "{}")
    assert saved_extra, sorted(stored)
    # what was typed, and the defaults the form showed for the fields left alone (nothing else)
    shown = {name: schema["default"] for name, (_, _, schema) in CONNECTION_FIELDS.items() if "default" in schema}
    assert {key: value for key, value in saved_extra.items() if value not in (None, "")} == {**shown, **extra}


def test_the_test_button_on_airflow_3_3_2_answers_bad_request(api_server, page) -> None:
    """Airflow 3.3.2's UI sends ``port: 0`` and its API refuses it before any provider code runs."""
    import airflow

    running, emulator = api_server
    login, password, extra = _typed(emulator, "aksk")
    add_connection(page, running.base, "ui_test_button", login, password, extra)
    emulator.admin.clear_requests()
    page.goto(f"{running.base}/connections")
    row = page.get_by_role("row").filter(has_text="ui_test_button")
    row.get_by_role("button", name=re.compile("test", re.IGNORECASE)).click()
    toast = page.get_by_text(re.compile("Bad Request|successfully", re.IGNORECASE)).first
    toast.wait_for()
    screenshot(page, "connection-test-button")
    if airflow.__version__ == "3.3.2":
        assert "Bad Request" in toast.inner_text()
        assert emulator.admin.requests() == []  # refused by Airflow: the provider was never asked
    else:  # a release with apache/airflow#73298: the UI's test reaches the provider
        assert "successfully" in toast.inner_text().lower()


def test_the_api_the_ui_calls_tests_the_connection_with_a_signed_read(api_server) -> None:
    """``POST /api/v2/connections/test`` with the credentials in the body: the emulator sees the signed read;
    a wrong SK comes back as a message that says what to fix."""
    running, emulator = api_server
    login, password, extra = _typed(emulator, "aksk")
    body = {"connection_id": "rest_test", "conn_type": "huaweicloud_dataarts", "login": login, "password": password}
    emulator.admin.clear_requests()
    answer = running.api("POST", "/api/v2/connections/test", json={**body, "extra": _json(extra)})
    assert answer.ok, answer.text
    assert answer.json()["status"] is True, answer.json()
    signed = [entry for entry in emulator.admin.requests() if entry["credential"] == login]
    assert signed and all(entry["status"] == 200 for entry in signed), signed

    wrong = running.api(
        "POST", "/api/v2/connections/test", json={**body, "password": "not-the-secret", "extra": _json(extra)}
    )
    assert wrong.ok, wrong.text
    result = wrong.json()
    assert result["status"] is False
    assert "APIGW.0301" in result["message"] or "signature" in result["message"].lower(), result
    assert "secret key" in result["message"], result  # names the fix: check the access key and secret key
    assert "not-the-secret" not in result["message"]


def _json(extra: dict[str, str]) -> str:
    import json

    return json.dumps(extra)
