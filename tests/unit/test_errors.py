"""Every documented error body form, and the class and hint each answer maps to."""

from __future__ import annotations

import json

import pytest

from airflow_provider_dataarts.api import catalogue, errors
from airflow_provider_dataarts.api.request import Call, RequestBuilder
from airflow_provider_dataarts.api.responses import ApiResponse, interpret
from airflow_provider_dataarts.api.settings import from_connection


@pytest.mark.parametrize(
    "body",
    [
        {"error_code": "DLF.0137", "error_msg": "Job instance does not exist."},
        {"error_code": "DLF.0137", "error_message": "Job instance does not exist."},
        {"errorCode": "DLF.0137", "errorMsg": "Job instance does not exist."},
        {"code": "DLF.0137", "message": "Job instance does not exist."},
        {"error": {"error_code": "DLF.0137", "error_msg": "Job instance does not exist."}},
        {"error": {"code": "DLF.0137", "message": "Job instance does not exist."}},
    ],
)
def test_every_error_form_parses(body) -> None:
    assert errors.parse_error_body(json.dumps(body).encode()) == ("DLF.0137", "Job instance does not exist.")


def test_non_json_and_empty_bodies() -> None:
    assert errors.parse_error_body(b"<html>Bad gateway</html>") == (None, "<html>Bad gateway</html>")
    assert errors.parse_error_body(b"") == (None, None)


def _request(endpoint=catalogue.DLF_SHOW_INSTANCE):
    settings = from_connection("AK", "SK", {"region": "cn-north-4", "project_id": "p1", "workspace": "ws"})
    return RequestBuilder(settings).build(Call(endpoint, {"job_name": "j", "instance_id": 1, "job_id": "10"}))


def _raise(status, body, endpoint=catalogue.DLF_SHOW_INSTANCE, headers=None):
    response = ApiResponse(status, {"x-request-id": "req-42", **(headers or {})}, json.dumps(body).encode())
    with pytest.raises(errors.DataArtsError) as raised:
        interpret(response, _request(endpoint))
    return raised.value


def test_error_names_code_message_request_id_method_and_path() -> None:
    error = _raise(400, {"error_code": "DLF.0137", "error_msg": "Job instance does not exist."})
    assert isinstance(error, errors.DataArtsNotFoundError)
    assert (error.status, error.code, error.request_id, error.method) == (400, "DLF.0137", "req-42", "GET")
    assert error.path == "/v1/p1/jobs/j/instances/1"
    text = str(error)
    assert "DLF.0137" in text and "Job instance does not exist." in text and "req-42" in text


@pytest.mark.parametrize(
    "raw",
    [
        b'{"is_success": false, "error_code": "ModelArts.0105", "error_message": "This job can\'t be resubmit."}',
        b'  {"is_success":false,"error_code":"ModelArts.0105","error_message":"This job can\'t be resubmit."}',
        b'{\n  "is_success" :\tfalse ,\n "error_code": "ModelArts.0105",'
        b' "error_message": "This job can\'t be resubmit."}',
    ],
)
def test_success_200_with_is_success_false_is_an_error_whatever_the_whitespace(raw) -> None:
    response = ApiResponse(200, {"x-request-id": "req-42"}, raw)
    with pytest.raises(errors.DataArtsApiError) as raised:
        interpret(response, _request(catalogue.MODELARTS_RESTART))
    assert raised.type is errors.DataArtsApiError  # a refusal: no subclass (not found, auth, throttled...)
    assert raised.value.code == "ModelArts.0105" and "stop it first, or wait" in str(raised.value)


@pytest.mark.parametrize(
    "body",
    [
        {"errorCode": "DLF.0137", "errorMessage": "The job instance does not exist."},
        {"code": "DLF.0137", "msg": "The job instance does not exist."},
    ],
)
def test_more_error_forms(body) -> None:
    assert errors.parse_error_body(json.dumps(body).encode()) == ("DLF.0137", "The job instance does not exist.")


@pytest.mark.parametrize(
    "message",
    [
        "Incorrect IAM authentication information: calc ak sk signature fail:signature expired",
        "Incorrect IAM authentication information: verify aksk signature fail, x-sdk-date is expired",
    ],
)
def test_clock_skew_says_check_the_clock(message) -> None:
    for code in ("APIG.0301", "APIGW.0301"):
        assert "Check the clock" in str(_raise(401, {"error_code": code, "error_msg": message}))


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (403, {"error_code": "DLF.6888", "error_msg": "Policy doesn't allow [dlf:job:update] to be performed."}),
        (403, {"error_msg": "Policy doesn't allow [dlf:job:update] to be performed."}),
        (
            401,
            {
                "error_code": "APIG.0301",
                "error_msg": "Incorrect IAM authentication information: verify aksk signature fail",
            },
        ),
    ],
)
def test_no_clock_hint_for_what_is_not_a_clock_problem(status, body) -> None:
    error = _raise(status, body)
    assert isinstance(error, errors.DataArtsAuthError) and "clock" not in str(error).lower()


def test_throttling_carries_retry_after() -> None:
    error = _raise(429, {"error_code": "APIG.0308", "error_msg": "throttled"}, headers={"retry-after": "3"})
    assert isinstance(error, errors.DataArtsThrottledError) and error.retry_after == 3.0
    assert isinstance(_raise(429, {"error_code": "APIGW.0308", "error_msg": "x"}), errors.DataArtsThrottledError)


def test_v2_rerun_not_published_reads_as_not_enabled() -> None:
    for code in ("APIG.0101", "APIGW.0101"):
        body = {"error_code": code, "error_msg": "The API does not exist or has not been published in the environment."}
        error = _raise(404, body, catalogue.FACTORY_RETRY_INSTANCES)
        assert isinstance(error, errors.DataArtsApiNotEnabledError) and "not enabled for this account" in str(error)


def test_an_unpermitted_user_is_a_permission_problem_not_api_not_enabled() -> None:
    body = {"error_code": "APIG.0302", "error_msg": "The IAM user is not authorized to access the API."}
    error = _raise(403, body, catalogue.FACTORY_RETRY_INSTANCES)
    assert type(error) is errors.DataArtsAuthError
    assert "not enabled" not in str(error) and "workspace role" in str(error)


def test_gateway_error_on_an_action_is_outcome_unknown() -> None:
    assert isinstance(_raise(502, {}, catalogue.DLF_RESTART_INSTANCE), errors.DataArtsOutcomeUnknownError)
    assert isinstance(_raise(502, {}, catalogue.DLF_SHOW_INSTANCE), errors.DataArtsServerError)


def test_codes_read_as_documented() -> None:
    script = _raise(400, {"error_code": "DLF.6201", "error_msg": "The script does not exist."})
    assert "workspace" not in str(script).lower()
    job = _raise(400, {"error_code": "DLF.0100", "error_msg": "The job does not exist."})
    assert isinstance(job, errors.DataArtsNotFoundError) and "job_name" in str(job)
    parameter = _raise(400, {"error_code": "ModelArts.0104", "error_msg": "Parameter error."}, catalogue.MODELARTS_SHOW)
    assert type(parameter) is errors.DataArtsApiError
    body = {
        "error_code": "DLF.3051",
        "error_msg": "The request parameter is invalid: the job instance's status is running",
    }
    assert "can be restarted" in str(_raise(400, body, catalogue.DLF_RESTART_INSTANCE))


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("APIG.0307", "The token must be updated."),
        ("APIGW.0307", "The token must be updated."),
        ("APIG.0301", "Incorrect IAM authentication information: token expires, expires_at: 2026-12-01T00:00:00Z"),
        ("APIGW.0301", "Incorrect IAM authentication information: decrypt token fail"),
        ("ModelArts.0202", "Invalid token header because the token has expired."),
    ],
)
def test_every_expired_or_invalid_token_form_is_a_token_error(code, message) -> None:
    assert isinstance(_raise(401, {"error_code": code, "error_msg": message}), errors.DataArtsTokenExpiredError)


def test_every_row_of_the_code_table_cites_its_source_and_is_reachable() -> None:
    from airflow_provider_dataarts.api import error_table

    for row in error_table.ROWS:
        assert row.source and row.meaning and issubclass(row.error_class, errors.DataArtsError)
        assert row.code is None or row.code == error_table.normalise_code(row.code)
    assert error_table.normalise_code("APIGW.0308") == "APIG.0308"
