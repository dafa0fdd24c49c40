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


def test_success_200_with_is_success_false_is_an_error() -> None:
    body = {"is_success": False, "error_code": "ModelArts.0105", "error_message": "This job can't be resubmit."}
    error = _raise(200, body, catalogue.MODELARTS_RESTART)
    assert error.code == "ModelArts.0105" and "stop it or wait" in str(error)


def test_clock_skew_says_check_the_clock() -> None:
    body = {"error_code": "APIG.0301", "error_msg": "Incorrect IAM authentication information: x-sdk-date expired"}
    assert "Check the clock" in str(_raise(401, body))


def test_throttling_carries_retry_after() -> None:
    error = _raise(429, {"error_code": "APIG.0308", "error_msg": "throttled"}, headers={"retry-after": "3"})
    assert isinstance(error, errors.DataArtsThrottledError) and error.retry_after == 3.0


def test_v2_rerun_not_enabled_reads_as_such() -> None:
    error = _raise(
        404, {"error_code": "APIG.0101", "error_msg": "The API does not exist"}, catalogue.FACTORY_RETRY_INSTANCES
    )
    assert isinstance(error, errors.DataArtsApiNotEnabledError) and "not enabled for this account" in str(error)


def test_gateway_error_on_an_action_is_outcome_unknown() -> None:
    assert isinstance(_raise(502, {}, catalogue.DLF_RESTART_INSTANCE), errors.DataArtsOutcomeUnknownError)
    assert isinstance(_raise(502, {}, catalogue.DLF_SHOW_INSTANCE), errors.DataArtsServerError)


def test_workspace_and_unfinished_hints() -> None:
    assert "workspace id" in str(_raise(400, {"error_code": "DLF.6201", "error_msg": "The workspace does not exist."}))
    body = {"error_code": "DLF.6309", "error_msg": "The job instance is not in a finished state"}
    assert "finished state" in str(_raise(400, body, catalogue.DLF_RESTART_INSTANCE))
