"""Property tests: for any answer, each parser returns a model or raises the provider's error, and no
wait ever reports success from an answer that does not carry the run's successful status.

Each action is accepted only by its documented answer (no body, ``{"is_success": true}``, a JSON
object). Bodies are drawn from any JSON value (NaN, huge numbers, deep nesting included), from objects
built of the documented keys with any values (so near-valid answers are common), and from raw bytes.
Each test runs at least 1,000 examples (the ``dataarts`` Hypothesis profile, tests/conftest.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airflow_provider_dataarts.api import calls, errors, scans
from airflow_provider_dataarts.api.iam import parse_token, token_call
from airflow_provider_dataarts.api.request import RequestBuilder
from airflow_provider_dataarts.api.responses import ApiResponse, interpret
from airflow_provider_dataarts.api.settings import from_connection
from airflow_provider_dataarts.runs import factory_instances, job_instance, quality, visualization
from airflow_provider_dataarts.runs.base import SUCCESS, Kind, Limits, judge

pytestmark = pytest.mark.properties

SETTINGS = from_connection("AK", "SK", {"region": "cn-north-4", "project_id": "p1", "workspace": "ws"})
BUILDER = RequestBuilder(SETTINGS)
KEYS = [
    "status", "instanceId", "instancesId", "instance_id", "planTime", "startTime", "endTime", "executeTime",
    "nodes", "nodeName", "logPath", "total", "instances", "plan_time", "submit_time", "start_time", "end_time",
    "version", "job_id", "job_name", "count", "resources", "id", "task_id", "run_status", "sub_rule_id",
    "abnormal_table_status", "results", "job_total_count", "jobs", "is_success", "error_code", "error_msg", "token",
    "expires_at",
]  # fmt: skip
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["success", "fail", "running", "SUCCESS", "ALARMING", "RUNNING", "8", "1", ""])
)
JSON = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
DOCUMENTED = st.recursive(
    st.dictionaries(st.sampled_from(KEYS), LEAVES, max_size=8),
    lambda inner: st.dictionaries(st.sampled_from(KEYS), inner | LEAVES | st.lists(inner, max_size=3), max_size=8),
    max_leaves=20,
)


def _bytes(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


BODIES = st.one_of(JSON.map(_bytes), DOCUMENTED.map(_bytes), st.binary(max_size=64))
STATUSES = st.sampled_from([200, 201, 204])


def _drive(steps: Any, body: bytes, status: int) -> Any:
    """Run call steps against one answer as a transport would (interpret, then parse)."""
    call = next(steps)
    request = BUILDER.build(call) if call.endpoint.name != "iam.token" else BUILDER.build(call, token=None)
    response = interpret(ApiResponse(status, {"x-subject-token": "t"}, body, request), request)
    try:
        steps.send(response)
    except StopIteration as done:
        return done.value
    raise AssertionError("one answer was expected to be enough")


PARSERS: dict[str, Callable[[], Any]] = {
    "v1 detail": lambda: calls.get_job_instance("j", 1),
    "v1 list": lambda: calls.list_job_instances("j"),
    "v2 list": lambda: calls.list_factory_instances("j"),
    "quality list": lambda: calls.list_quality_instances(),
    "quality results": lambda: calls.quality_results_page("5"),
    "visualization detail": lambda: calls.get_visualization_job("10"),
    "visualization list": lambda: calls.list_visualization_jobs(),
}


@pytest.mark.parametrize("parser", list(PARSERS))
@given(body=BODIES, status=STATUSES)
def test_every_parser_returns_a_model_or_the_providers_error(parser, body, status) -> None:
    message = ""
    try:
        _drive(PARSERS[parser](), body, status)
    except errors.DataArtsError as error:
        message = str(error)
    assert len(message) <= errors.MAX_ERROR_TEXT


#: every action: its call, and its documented answer as a test of the decoded body (None: no body)
ACTIONS: dict[str, tuple[Callable[[], Any], Callable[[Any], bool]]] = {
    "dlf.restart": (lambda: calls.restart_job_instance("j", 1), lambda data: data is None),
    "dlf.stop": (lambda: calls.stop_job_instance("j", 1), lambda data: data is None),
    "factory.retry": (lambda: calls.retry_factory_instances("j", {"retry_location": "errorNode"}), lambda d: d is None),
    "quality.rerun": (lambda: calls.rerun_quality_job(1, "7"), lambda data: isinstance(data, dict)),
    "modelarts.restart": (lambda: calls.restart_visualization_job("10"), lambda d: _is_success(d)),
    "modelarts.stop": (lambda: calls.stop_visualization_job("10"), lambda data: _is_success(data)),
}
#: what an answer carries when it reports an error (a 2xx with one of these is refused with its code)
ERROR_KEYS = ("error_code", "errorCode", "error", "error_msg", "errorMsg", "error_message")


def _is_success(data: Any) -> bool:
    return isinstance(data, dict) and data.get("is_success") is True


def _no_constant(name: str) -> Any:
    raise ValueError(name)  # NaN and Infinity are not JSON


def _decoded(body: bytes) -> Any:
    try:
        return json.loads(body, parse_constant=_no_constant) if body.strip() else None
    except ValueError:
        return ValueError  # not JSON: no action documents it


#: the documented answers of actions, and near them: no body, ``{"is_success": true}`` with anything beside
ACCEPTANCES = st.sampled_from([b"", b" \n", b"null"]) | st.dictionaries(st.sampled_from(KEYS), LEAVES, max_size=4).map(
    lambda extra: _bytes({**extra, "is_success": True})
)


@pytest.mark.parametrize("action", list(ACTIONS))
@given(body=BODIES | ACCEPTANCES, status=STATUSES)
def test_an_action_is_accepted_only_by_its_documented_answer(action, body, status) -> None:
    """Accepted (no error) only when the body is the documented answer; a documented answer without
    an error in it is accepted; anything else is the provider's error, never a raw exception."""
    call, documented = ACTIONS[action]
    data = _decoded(body)
    refusal: errors.DataArtsError | None = None
    try:
        _drive(call(), body, status)
    except errors.DataArtsError as error:
        refusal = error
    if refusal is None:
        assert documented(data), f"{action} accepted {body!r}"
    else:
        assert len(str(refusal)) <= errors.MAX_ERROR_TEXT
        clean = not isinstance(data, dict) or (
            data.get("is_success") is not False and all(data.get(key) in (None, "") for key in ERROR_KEYS)
        )
        assert not (documented(data) and clean), f"{action} refused its documented answer {body!r}: {refusal}"


@given(body=BODIES, status=STATUSES)
def test_the_iam_answer_gives_a_token_or_the_providers_error(body, status) -> None:
    request = BUILDER.build(token_call(SETTINGS))
    try:
        response = interpret(ApiResponse(status, {"x-subject-token": "MIIt"}, body, request), request)
        token, expires_at = parse_token(response)
    except errors.DataArtsError:
        return
    assert token == "MIIt" and expires_at == expires_at  # a number, never NaN


KINDS: dict[str, Kind[Any]] = {
    kind.name: kind for kind in (job_instance.KIND, factory_instances.KIND, quality.KIND, visualization.KIND)
}


def _observe(kind_name: str, watch: dict[str, Any], body: bytes) -> Any:
    """One observation of a run from one answer (every call of the observation gets the same answer)."""
    steps = KINDS[kind_name].observe(watch)
    call = next(steps)
    while True:
        request = BUILDER.build(call)
        response = interpret(ApiResponse(200, {}, body, request), request)
        try:
            call = steps.send(response)
        except StopIteration as done:
            return done.value


def _successful(kind_name: str, data: Any) -> bool:
    """Whether an answer carries the run's successful status as the API documents it."""
    if not isinstance(data, dict):
        return False
    if kind_name == "dlf_job_instance":
        return data.get("status") == "success"
    if kind_name == "modelarts_visualization_job":
        return data.get("status") in (8, "8")
    rows = data.get("instances") if kind_name == "factory_instances" else data.get("resources")
    key = "status" if kind_name == "factory_instances" else "run_status"
    return isinstance(rows, list) and any(
        isinstance(row, dict) and row.get(key) in ("success", "SUCCESS") for row in rows
    )


WATCHES = {
    "dlf_job_instance": {"job_name": "j", "instance_id": "1", "workspace": None, "baseline": ["fail", 1, 2]},
    "modelarts_visualization_job": {"job_id": "10", "baseline": [12, 1]},
    "quality_instance": {"instance_id": "5", "rule_id": "7", "rule_type": 1, "workspace": None, "since": 0,
                         "known": []},
    "factory_instances": {"job_name": "j", "workspace": None, "window": None,
                          "targets": [{"job_name": "j", "plan_time": 1795226400000, "baseline": ["fail", 1, 2, 3]}]},
}  # fmt: skip


@pytest.mark.parametrize("kind_name", list(WATCHES))
@given(body=BODIES)
def test_no_wait_reports_success_without_the_runs_successful_status(kind_name, body) -> None:
    try:
        observation = _observe(kind_name, WATCHES[kind_name], body)
    except errors.DataArtsError as error:
        observation = error  # what a poll gets: judged as a (transient) failure, never an outcome
    verdict = judge(KINDS[kind_name], WATCHES[kind_name], observation, Limits(float("inf"), 1.0), 0)
    if verdict.event is not None and verdict.event["status"] == SUCCESS:
        assert _successful(kind_name, json.loads(body))


def test_scans_stay_bounded_on_an_answer_that_always_claims_more() -> None:
    """A list whose total never fits a page is cut until it cannot be, then refused - never a hang."""
    steps = scans.list_all_factory_instances("j", min_plan_time=1795226400000, max_plan_time=1795226400000)
    body = _bytes({"total": 10**6, "instances": []})
    sent: list[int] = []

    def answer_forever() -> None:
        call = next(steps)
        while True:
            sent.append(1)
            request = BUILDER.build(call)
            call = steps.send(interpret(ApiResponse(200, {}, body, request), request))

    with pytest.raises(scans.ScanTooLargeError):
        answer_forever()
    assert len(sent) <= scans.MAX_REQUESTS
