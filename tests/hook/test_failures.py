"""Failure paths over real HTTP: error forms, retries, unknown outcomes, auth and the clock."""

from __future__ import annotations

import socket

import pytest

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.api.iam import TOKENS
from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
from tests.conftest import eventually, routes
from tests.hook.conftest import set_connection

RESTART = r"^/v1/[^/]+/jobs/nightly_sales/instances/34765/restart$"
DETAIL = r"^/v1/[^/]+/jobs/nightly_sales/instances/34765$"


@pytest.mark.parametrize(
    "body",
    [
        {"error_code": "DLF.0137", "error_msg": "Job instance does not exist."},
        {"error_code": "DLF.0137", "error_message": "Job instance does not exist."},
        {"errorCode": "DLF.0137", "errorMsg": "Job instance does not exist."},
        {"code": "DLF.0137", "message": "Job instance does not exist."},
        {"error": {"error_code": "DLF.0137", "error_msg": "Job instance does not exist."}},
    ],
)
def test_every_error_form_over_http(hook, emulator, body) -> None:
    emulator.admin.add_fault("status", path=DETAIL, status=400, body=body)
    with pytest.raises(errors.DataArtsNotFoundError) as raised:
        hook.get_job_instance("nightly_sales", 34765)
    error = raised.value
    assert (error.status, error.code, error.api_message) == (400, "DLF.0137", "Job instance does not exist.")
    assert error.request_id and error.request_id in str(error)
    assert error.method == "GET" and "/jobs/nightly_sales/instances/34765" in error.path


@pytest.mark.parametrize("field", ["error_msg", "error_message"])
def test_real_errors_in_both_message_fields(hook, emulator, field) -> None:
    emulator.admin.config(error_message_field=field)
    with pytest.raises(errors.DataArtsNotFoundError, match="The job instance does not exist"):
        hook.get_job_instance("nightly_sales", 99999)


def test_restart_refused_while_running_says_what_to_do(hook) -> None:
    with pytest.raises(errors.DataArtsApiError, match="succeeded, failed or were canceled") as raised:
        hook.restart_job_instance("hourly_ingest", 34781)
    assert raised.type is errors.DataArtsApiError  # a refusal: no subclass (not found, auth, throttled...)


def test_modelarts_refusal_is_an_error(hook, emulator) -> None:
    with pytest.raises(errors.DataArtsApiError) as raised:
        hook.restart_visualization_job("11")  # running
    assert (raised.type, raised.value.code) == (errors.DataArtsApiError, "ModelArts.0105")
    emulator.admin.config(modelarts_error_status=200)  # the 200 + is_success:false form
    with pytest.raises(errors.DataArtsApiError, match=r"ModelArts\.0105") as raised:
        hook.restart_visualization_job("11")
    assert raised.type is errors.DataArtsApiError


def test_a_read_throttled_with_retry_after_is_retried_after_the_delay(hook, emulator) -> None:
    emulator.admin.add_fault("throttle", path=DETAIL, retry_after=1)
    assert hook.get_job_instance("nightly_sales", 34765).status == "fail"
    first, second = routes(emulator, "dlf.show")
    assert (first["status"], second["status"]) == (429, 200)
    assert second["time"] - first["time"] >= 0.95  # Retry-After honoured


def test_a_post_refused_with_429_is_sent_again_and_acts_once(hook, emulator) -> None:
    emulator.admin.add_fault("throttle", path=RESTART, retry_after=0)
    hook.restart_job_instance("nightly_sales", 34765)
    assert [entry["status"] for entry in routes(emulator, "dlf.restart")] == [429, 204]


@pytest.mark.parametrize("kind", ["drop_after", "drop_before"])
def test_a_post_with_unknown_outcome_is_never_resent(hook, emulator, kind) -> None:
    emulator.admin.add_fault(kind, path=RESTART)
    with pytest.raises(errors.DataArtsOutcomeUnknownError, match="may or may not have happened"):
        hook.restart_job_instance("nightly_sales", 34765)
    assert len(routes(emulator, "dlf.restart")) == 1
    emulator.admin.advance(5)
    restarted = hook.get_job_instance("nightly_sales", 34765).status != "fail"
    assert restarted is (kind == "drop_after")  # the server acted only when it dropped the answer


def test_a_post_timing_out_is_outcome_unknown(emulator, monkeypatch) -> None:
    set_connection(monkeypatch, emulator, timeout=0.3)
    emulator.admin.add_fault("delay", path=RESTART, seconds=1.0)
    with pytest.raises(errors.DataArtsOutcomeUnknownError):
        DataArtsHook(retry_delay=0.01).restart_job_instance("nightly_sales", 34765)
    assert eventually(lambda: routes(emulator, "dlf.restart"))  # logged once the delayed answer is done
    assert len(routes(emulator, "dlf.restart")) == 1


def test_reads_are_retried_on_5xx_drops_and_timeouts(emulator, monkeypatch) -> None:
    set_connection(monkeypatch, emulator, timeout=0.3)
    hook = DataArtsHook(retry_delay=0.01)
    emulator.admin.add_fault("status", path=DETAIL, status=502)
    emulator.admin.add_fault("drop_before", path=DETAIL)
    emulator.admin.add_fault("delay", path=DETAIL, seconds=1.0)
    assert hook.get_job_instance("nightly_sales", 34765).status == "fail"
    assert eventually(lambda: len(routes(emulator, "dlf.show")) == 4)


def test_post_5xx_only_503_is_retried(hook, emulator) -> None:
    emulator.admin.add_fault("status", path=RESTART, status=503)
    hook.restart_job_instance("nightly_sales", 34765)
    assert [entry["status"] for entry in routes(emulator, "dlf.restart")] == [503, 204]
    emulator.admin.add_fault(
        "status",
        path="^/v1/[^/]+/jobs/nightly_sales/instances/34766/restart$",
        status=500,
        body={"error_code": "DLF.0500", "error_msg": "Internal error"},
    )
    with pytest.raises(errors.DataArtsOutcomeUnknownError, match=r"DLF\.0500.*may or may not have happened"):
        hook.restart_job_instance("nightly_sales", 34766)
    assert len([e for e in routes(emulator, "dlf.restart") if "34766" in e["path"]]) == 1


def test_retries_are_bounded(hook, emulator) -> None:
    emulator.admin.add_fault("status", path=DETAIL, status=500, count=20)
    with pytest.raises(errors.DataArtsServerError):
        hook.get_job_instance("nightly_sales", 34765)
    assert len(routes(emulator, "dlf.show")) == 5  # the first try and retry_limit=4 more


def test_nothing_listening_is_not_sent_and_names_the_endpoint(emulator, monkeypatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    set_connection(monkeypatch, emulator, endpoint=f"http://127.0.0.1:{port}")
    with pytest.raises(errors.DataArtsTransportError) as raised:
        DataArtsHook(retry_limit=1, retry_delay=0.01).restart_job_instance("nightly_sales", 34765)
    assert raised.value.sent is False and "could not connect" in str(raised.value) and "endpoint" in str(raised.value)


def test_wrong_secret_key_is_refused_with_advice(emulator, monkeypatch) -> None:
    conn = emulator.connection_json().replace("emulator-secret-key", "wrong-secret-key-xx")
    monkeypatch.setenv("AIRFLOW_CONN_DATAARTS_DEFAULT", conn)
    with pytest.raises(errors.DataArtsAuthError, match="secret key"):
        DataArtsHook().get_job_instance("nightly_sales", 34765)


def test_clock_skew_says_check_the_clock(hook, emulator) -> None:
    emulator.admin.config(clock_skew=20 * 60)
    with pytest.raises(errors.DataArtsAuthError, match="Check the clock"):
        hook.get_job_instance("nightly_sales", 34765)


def test_temporary_credentials_with_security_token(emulator, monkeypatch) -> None:
    cred = emulator.scenario["credentials"][1]
    set_connection(monkeypatch, emulator, security_token=cred["security_token"])
    conn_env = "AIRFLOW_CONN_DATAARTS_DEFAULT"
    import json
    import os

    conn = json.loads(os.environ[conn_env])
    conn.update(login=cred["ak"], password=cred["sk"])
    monkeypatch.setenv(conn_env, json.dumps(conn))
    assert DataArtsHook().get_job_instance("nightly_sales", 34765).status == "fail"
    conn["extra"]["security_token"] = "not-the-token"
    monkeypatch.setenv(conn_env, json.dumps(conn))
    with pytest.raises(errors.DataArtsAuthError):
        DataArtsHook().get_job_instance("nightly_sales", 34765)


def test_iam_token_is_fetched_once_and_again_once_after_expiry(emulator, monkeypatch) -> None:
    set_connection(monkeypatch, emulator, "password")
    DataArtsHook().get_job_instance("nightly_sales", 34765)
    DataArtsHook().list_job_instances("nightly_sales")  # another hook instance: same token
    assert len(routes(emulator, "iam.token")) == 1 and TOKENS.fetches == 1
    emulator.admin.expire_tokens()
    assert DataArtsHook().get_job_instance("nightly_sales", 34765).status == "fail"
    assert len(routes(emulator, "iam.token")) == 2
    statuses = [entry["status"] for entry in routes(emulator, "dlf.show")]
    assert statuses == [200, 401, 200]


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"token_expired_code": "APIG.0301"},
        {"token_expired_code": "APIG.0301", "gateway_code_spelling": "APIGW"},
        {"gateway_code_spelling": "APIGW"},
    ],
)
def test_a_token_refused_as_expired_is_replaced_once_per_call_even_just_fetched(emulator, monkeypatch, config) -> None:
    """A token may expire between its fetch and its use: in every documented form (APIG.0307, APIG.0301
    "token expires", spelled APIG or APIGW) a refused token is replaced, once per call."""
    set_connection(monkeypatch, emulator, "password", retry_delay=0.01)
    emulator.admin.config(**config)
    emulator.admin.add_fault("token_expiry", path=DETAIL, count=1)  # the token just fetched
    assert DataArtsHook().get_job_instance("nightly_sales", 34765).status == "fail"
    assert [entry["status"] for entry in routes(emulator, "dlf.show")] == [401, 200]
    assert len(routes(emulator, "iam.token")) == 2
    emulator.admin.add_fault("token_expiry", path=DETAIL, count=2)  # refused again after the replacement
    with pytest.raises(errors.DataArtsTokenExpiredError):
        DataArtsHook().get_job_instance("nightly_sales", 34765)
    assert [entry["status"] for entry in routes(emulator, "dlf.show")][2:] == [401, 401]
    assert len(routes(emulator, "iam.token")) == 3  # the cached token was refused, then its one replacement


TWO_PROJECTS = "fedcba9876543210fedcba9876543210"


def _two_projects(emulator) -> None:
    emulator.admin.reset({**emulator.scenario, "extra_projects": [TWO_PROJECTS]})


def test_a_task_project_override_gets_its_own_iam_token(emulator, monkeypatch) -> None:
    """An IAM token is scoped to one project: a task overriding project_id must not reuse the connection's."""
    _two_projects(emulator)
    set_connection(monkeypatch, emulator, "password")
    assert DataArtsHook().get_job_instance("nightly_sales", 34765).status == "fail"
    assert DataArtsHook(project_id=TWO_PROJECTS).get_job_instance("nightly_sales", 34765).status == "fail"
    DataArtsHook().get_job_instance("nightly_sales", 34765)  # the first token again, from the cache
    scopes = [entry["body"]["auth"]["scope"]["project"]["id"] for entry in routes(emulator, "iam.token")]
    assert scopes == [emulator.scenario["project_id"], TWO_PROJECTS]
    assert {entry["status"] for entry in routes(emulator, "dlf.show")} == {200}


def test_a_task_project_override_gets_its_own_iam_token_in_the_triggerer(emulator, monkeypatch) -> None:
    import asyncio

    from airflow_provider_dataarts.hooks.dataarts_async import DataArtsAsyncHook, close_sessions

    _two_projects(emulator)
    set_connection(monkeypatch, emulator, "password")

    async def both() -> list[str | None]:
        try:
            first = await DataArtsAsyncHook().get_job_instance("nightly_sales", 34765)
            second = await DataArtsAsyncHook(project_id=TWO_PROJECTS).get_job_instance("nightly_sales", 34765)
            return [first.status, second.status]
        finally:
            await close_sessions()

    assert asyncio.run(both()) == ["fail", "fail"]
    assert len(routes(emulator, "iam.token")) == 2


@pytest.mark.parametrize("kind", ["drop_after", "delay"])
def test_a_lost_iam_token_answer_is_asked_again(emulator, monkeypatch, kind) -> None:
    """Creating a token changes nothing, so unlike other POSTs it is re-sent after an unknown outcome;
    the restart waiting for it was never sent, so it must not fail as "outcome unknown"."""
    set_connection(monkeypatch, emulator, "password", timeout=1, retry_delay=0.01)
    emulator.admin.add_fault(kind, path="^/v3/auth/tokens$", seconds=2)
    DataArtsHook().restart_job_instance("nightly_sales", 34765)
    assert len(routes(emulator, "dlf.restart")) == 1
    assert eventually(lambda: len(routes(emulator, "iam.token")) == 2)  # a delayed one is logged when answered


def test_wrong_iam_password_is_refused(emulator, monkeypatch) -> None:
    set_connection(monkeypatch, emulator, "password")
    import json
    import os

    conn = json.loads(os.environ["AIRFLOW_CONN_DATAARTS_DEFAULT"])
    conn["password"] = "wrong-password"
    monkeypatch.setenv("AIRFLOW_CONN_DATAARTS_DEFAULT", json.dumps(conn))
    with pytest.raises(errors.DataArtsAuthError, match="username or password"):
        DataArtsHook().get_job_instance("nightly_sales", 34765)


def test_test_connection(hook, emulator, monkeypatch) -> None:
    ok, message = hook.test_connection()
    assert ok and "ws-default" in message
    set_connection(monkeypatch, emulator, workspace="ws-missing")
    ok, message = DataArtsHook().test_connection()
    assert not ok and "workspace" in message


def test_bad_connection_fails_before_any_request(emulator, monkeypatch) -> None:
    set_connection(monkeypatch, emulator, region="North China 4")
    with pytest.raises(errors.DataArtsConfigError, match="'region'"):
        DataArtsHook().get_job_instance("nightly_sales", 34765)
    assert routes(emulator) == []
