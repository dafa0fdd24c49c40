"""The bad-input catalogue's "bad answers" part: every call kind against a hostile server.

Each case scripts one answer - malformed, lying, redirected, huge, trickled, stalled, dropped - for one
call, and asserts the error class and the message's shape (the call's name, and what was wrong). An
action is never sent twice after an answer that leaves its outcome unknown: the server's count says so.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
from tests.hostile import Answer, HostileServer, connection, hostile

DETAIL = {"instanceId": 1, "status": "fail", "planTime": 1795226400000, "startTime": 1795226405000,
          "endTime": 1795226465000, "nodes": [{"nodeName": "n", "status": "fail"}]}  # fmt: skip
ROW = {"job_name": "j", "job_id": 7, "instance_id": 1, "status": "fail", "plan_time": 1795226400000,
       "submit_time": 1795226400000, "start_time": 1795226405000, "end_time": 1795226465000}  # fmt: skip
QUALITY = {"id": 5, "task_id": 7, "task_type": "QUALITY_TASK", "run_status": "SUCCESS", "start_time": 1795226400000}


@dataclasses.dataclass(frozen=True)
class Kind:
    """A call: how the hook makes it, the request it sends, and a good answer to bend."""

    name: str
    call: Callable[[DataArtsHook], Any]
    pattern: str
    good: Any
    action: bool = False


KINDS = {
    "dlf.show": Kind("dlf.show", lambda h: h.get_job_instance("j", 1), r"^GET /v1/p1/jobs/j/instances/1$", DETAIL),
    "modelarts.show": Kind(
        "modelarts.show",
        lambda h: h.get_visualization_job("10"),
        r"^GET /v1/p1/visualization-jobs/10$",
        {"job_id": 10, "status": 8},
    ),
    "dlf.list": Kind(
        "dlf.list",
        lambda h: h.list_job_instances("j"),
        r"^GET /v1/p1/jobs/instances/detail",
        {"total": 1, "instances": [DETAIL]},
    ),
    "factory.list": Kind(
        "factory.list",
        lambda h: h.list_factory_instances("j"),
        r"^GET /v2/p1/factory/jobs/j/instances/detail",
        {"total": 1, "instances": [ROW]},
    ),
    "quality.list": Kind(
        "quality.list",
        lambda h: h.list_quality_instances(),
        r"^GET /v2/p1/quality/instances\?",
        {"count": 1, "resources": [QUALITY]},
    ),
    "quality.result": Kind(
        "quality.result",
        lambda h: h.get_quality_results("5"),
        r"^GET /v2/p1/quality/instances/5/result",
        {"count": 1, "resources": [{"sub_rule_id": "1", "abnormal_table_status": "UNSUPPORTED", "results": []}]},
    ),
    "dlf.restart": Kind(
        "dlf.restart",
        lambda h: h.restart_job_instance("j", 1),
        r"^POST /v1/p1/jobs/j/instances/1/restart$",
        None,
        action=True,
    ),
    "factory.retry": Kind(
        "factory.retry",
        lambda h: h.retry_factory_instances(
            "j",
            {
                "retry_location": "errorNode",
                "retry_task_version": "current_version",
                "task_retrys": [{"job_id": 7, "plan_time": 1, "submit_time": 1}],
            },
        ),
        r"^POST /v2/p1/factory/jobs/j/instances/retry$",
        None,
        action=True,
    ),
    "quality.rerun": Kind(
        "quality.rerun",
        lambda h: h.rerun_quality_job(1, "7"),
        r"^POST /v2/p1/quality/instances/restart$",
        {"instance_id": "6"},
        action=True,
    ),
    "modelarts.restart": Kind(
        "modelarts.restart",
        lambda h: h.restart_visualization_job("10"),
        r"^POST /v1/p1/visualization-jobs/10/restart$",
        {"is_success": True},
        action=True,
    ),
}
READS = [name for name, kind in KINDS.items() if not kind.action]
ACTIONS = [name for name, kind in KINDS.items() if kind.action]


def _hook(server: HostileServer, monkeypatch: pytest.MonkeyPatch, **extra: Any) -> DataArtsHook:
    monkeypatch.setenv("AIRFLOW_CONN_HOSTILE", connection(server.url, retry_limit=0, **extra))
    return DataArtsHook("hostile")


def _expect(kind: Kind, answer: Answer, monkeypatch, error: type, message: str, **extra: Any) -> errors.DataArtsError:
    with hostile() as server:
        server.script(kind.pattern, answer)
        with pytest.raises(error) as raised:
            kind.call(_hook(server, monkeypatch, **extra))
        assert re.search(message, str(raised.value)), str(raised.value)
        assert len(str(raised.value)) <= errors.MAX_ERROR_TEXT
        assert server.count(kind.pattern) == 1  # nothing sent twice (retry_limit 0 for reads; actions never)
    return raised.value


def _json(value: Any) -> bytes:
    import json

    return json.dumps(value, allow_nan=True).encode()


#: (case id, answer) that no read may take for an answer: each raises DataArtsResponseError
UNUSABLE_READS = [
    ("empty-object", Answer(200, b"{}")),
    ("not-json", Answer(200, b"<html>gateway</html>")),
    ("json-list", Answer(200, b"[]")),
    ("json-null", Answer(200, b"null")),
    ("json-string", Answer(200, b'"ok"')),
    ("no-body", Answer(200, b"")),
    ("truncated-json", Answer(200, b'{"status": "fail", "instanceId"')),
    ("nan", Answer(200, b'{"status": NaN, "total": NaN, "count": NaN}')),
    ("redirect", Answer(302, b"", {"Location": "http://evil.example/steal"})),
    ("too-large", Answer(200, b'{"x": "' + b"a" * (11 * 1024 * 1024) + b'"}')),
    ("wrong-types", Answer(200, b'{"status": ["fail"], "total": "many", "count": {}, "instances": 3}')),
]


@pytest.mark.parametrize("kind", READS)
@pytest.mark.parametrize(("case", "answer"), UNUSABLE_READS, ids=[case for case, _ in UNUSABLE_READS])
def test_an_unusable_answer_to_a_read_is_a_response_error(kind, case, answer, monkeypatch) -> None:
    shape = rf"{re.escape(KINDS[kind].name)}|quality\.(list|result)|larger than 10 MB"
    _expect(KINDS[kind], answer, monkeypatch, errors.DataArtsResponseError, shape)


#: answers to an action that leave its outcome unknown: the action is never sent again by the hook
UNKNOWN_OUTCOMES = [
    ("not-json", Answer(200, b"<html>gateway</html>")),
    ("redirect", Answer(302, b"", {"Location": "http://evil.example/steal"})),
    ("too-large", Answer(200, b"x" * (11 * 1024 * 1024))),
    ("drop", Answer(drop=True)),
    ("cut-mid-body", Answer(200, b'{"is_success": true}', cut_body=True)),
    ("gateway-502", Answer(502, b"<html>bad gateway</html>")),
]


@pytest.mark.parametrize("kind", ACTIONS)
@pytest.mark.parametrize(("case", "answer"), UNKNOWN_OUTCOMES, ids=[case for case, _ in UNKNOWN_OUTCOMES])
def test_an_unusable_answer_to_an_action_leaves_its_outcome_unknown(kind, case, answer, monkeypatch) -> None:
    _expect(KINDS[kind], answer, monkeypatch, errors.DataArtsOutcomeUnknownError, "may or may not have happened")


@pytest.mark.parametrize("kind", ["dlf.restart", "factory.retry", "modelarts.restart"])
@pytest.mark.parametrize("body", [b"{}", b'{"done": true}', b'{"is_success": "yes"}'])
def test_an_action_is_accepted_only_by_its_documented_answer(kind, body, monkeypatch) -> None:
    _expect(KINDS[kind], Answer(200, body), monkeypatch, errors.DataArtsOutcomeUnknownError, KINDS[kind].name)


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize(
    "body",
    [
        {"error_code": "DLF.0137", "error_msg": "The job instance does not exist."},
        {"errorCode": "APIGW.0302", "errorMsg": "The IAM user is not authorized to access the API."},
        {"is_success": False, "error_code": "ModelArts.0105", "error_message": "This job can't be resubmit."},
        {"error": {"code": "DLF.0100", "message": "The job does not exist."}},
    ],
    ids=["error_code", "errorCode", "is_success", "nested"],
)
def test_a_2xx_carrying_an_error_is_refused_with_its_code(kind, body, monkeypatch) -> None:
    code = body.get("error_code") or body.get("errorCode") or body["error"]["code"]
    error = _expect(KINDS[kind], Answer(200, _json(body)), monkeypatch, errors.DataArtsApiError, re.escape(code))
    assert not isinstance(error, (errors.DataArtsResponseError, errors.DataArtsOutcomeUnknownError))


@pytest.mark.parametrize("kind", ["quality.rerun"])
@pytest.mark.parametrize(
    "body", [b"{}", b'{"instance_id": null}', b'{"instance_id": ["6"]}', b'{"instance_id": "../x"}']
)
def test_an_accepted_quality_rerun_without_a_usable_id_is_still_accepted(kind, body, monkeypatch) -> None:
    """The rerun happened (a 2xx object): its run is then found by its time window, never sent again."""
    with hostile() as server:
        server.script(KINDS[kind].pattern, Answer(200, body))
        assert KINDS[kind].call(_hook(server, monkeypatch)) == ""
        assert server.count(KINDS[kind].pattern) == 1


LIES = [
    ("dlf.show", {**DETAIL, "instanceId": 2}, "not the '1' asked for"),
    ("dlf.show", {**DETAIL, "status": "success", "startTime": None}, "no start time"),
    ("dlf.show", {**DETAIL, "endTime": 1}, "ended before it started"),
    ("dlf.show", {**DETAIL, "planTime": 10**30}, "out of range|not an integer"),
    ("dlf.show", {**DETAIL, "planTime": True}, "boolean"),
    ("dlf.show", {**DETAIL, "status": "x" * 200}, "more than 128"),
    ("dlf.show", {**DETAIL, "status": 3}, "not a string"),
    ("dlf.show", {**DETAIL, "nodes": {"n": 1}}, "not a list"),
    ("dlf.show", {**DETAIL, "nodes": ["n"]}, "not a JSON object"),
    ("modelarts.show", {"job_id": 11, "status": 8}, "not the '10' asked for"),
    ("modelarts.show", {"job_id": 10, "status": "8"}, None),  # a number in a string is a number
    ("modelarts.show", {"job_id": 10, "status": 8.5}, "not an integer"),
    ("modelarts.show", {"job_id": 10}, "missing"),
    ("factory.list", {"total": 1, "instances": [{**ROW, "submit_time": None}]}, "missing"),
    ("factory.list", {"total": 1, "instances": [{**ROW, "plan_time": "tomorrow"}]}, "not an integer"),
    ("factory.list", {"total": -1, "instances": []}, "negative"),
    ("factory.list", {"instances": [ROW]}, "missing"),
    ("quality.list", {"count": 1, "resources": [{**QUALITY, "run_status": None}]}, "missing"),
    ("quality.list", {"count": 1, "resources": [{**QUALITY, "id": {"x": 1}}]}, "not a string"),
    ("quality.result", {"count": 1, "resources": [{"results": "all good"}]}, "not a list"),
]


@pytest.mark.parametrize(("kind", "body", "why"), LIES, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(LIES)])
def test_answers_that_do_not_add_up_are_refused(kind, body, why, monkeypatch) -> None:
    if why is None:
        with hostile() as server:
            server.script(KINDS[kind].pattern, Answer(200, _json(body)))
            assert KINDS[kind].call(_hook(server, monkeypatch)) is not None
        return
    _expect(KINDS[kind], Answer(200, _json(body)), monkeypatch, errors.DataArtsResponseError, why)


SLOW = [
    ("trickle", Answer(200, _json(DETAIL), trickle=0.1)),  # every byte in time, the whole answer far too late
    ("stall", Answer(stall=True)),
    ("slow-start", Answer(200, _json(DETAIL), delay=5)),
]


@pytest.mark.parametrize("kind", ["dlf.show", "dlf.restart"])
@pytest.mark.parametrize(("case", "answer"), SLOW, ids=[case for case, _ in SLOW])
def test_a_request_never_outlasts_its_deadline(kind, case, answer, monkeypatch) -> None:
    import time

    started = time.monotonic()
    expected = errors.DataArtsOutcomeUnknownError if KINDS[kind].action else errors.DataArtsTransportError
    _expect(KINDS[kind], answer, monkeypatch, expected, r"deadline|timed out|Timeout|no answer|no complete", timeout=1)
    assert time.monotonic() - started < 1 + 1 + 3  # connect (1) + read (1) + slack


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("3", 3.0), ("-5", 0.0), ("inf", 120.0), ("nan", None), ("999999", 120.0), ("soon", None),
     ("Wed, 21 Oct 2099 07:28:00 GMT", 120.0), ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0), ("1e400", 120.0)],
)  # fmt: skip
def test_retry_after_is_bounded_in_every_form(value, seconds, monkeypatch) -> None:
    answer = Answer(429, b'{"error_code": "APIG.0308", "error_msg": "throttled"}', {"Retry-After": value})
    error = _expect(KINDS["dlf.show"], answer, monkeypatch, errors.DataArtsThrottledError, "APIG.0308")
    assert error.retry_after == seconds  # exact: None only where the header is unreadable, never inf or NaN


def test_a_huge_error_message_is_capped(monkeypatch) -> None:
    body = _json({"error_code": "DLF.0137", "error_msg": "x" * 1_000_000})
    error = _expect(KINDS["dlf.show"], Answer(400, body), monkeypatch, errors.DataArtsNotFoundError, "DLF.0137")
    assert len(error.api_message or "") <= errors.MAX_API_MESSAGE


def test_an_answer_announcing_a_huge_body_is_not_read(monkeypatch) -> None:
    answer = Answer(200, b"{}", {"Content-Length": str(50 * 1024 * 1024)}, cut_after=200)
    _expect(KINDS["dlf.show"], answer, monkeypatch, errors.DataArtsResponseError, "announced")


@pytest.mark.parametrize(
    "raw",
    [
        b"HTTP/1.1 banana\r\n\r\n",
        b"SMTP ready\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}",
        b"\x00\xff" * 50,
    ],
)
def test_malformed_http_is_a_transport_error(raw, monkeypatch) -> None:
    _expect(KINDS["dlf.show"], Answer(raw=raw), monkeypatch, errors.DataArtsTransportError, "dlf.show")


def test_an_iam_answer_without_a_token_is_a_response_error(monkeypatch) -> None:
    with hostile() as server:
        server.script(r"^POST /v3/auth/tokens", Answer(201, b'{"token": {"expires_at": "2099-01-01T00:00:00Z"}}'))
        server.script(KINDS["dlf.show"].pattern, Answer(200, _json(DETAIL)))
        hook = _hook(server, monkeypatch, auth_type="password", domain="d")
        with pytest.raises(errors.DataArtsResponseError, match="X-Subject-Token"):
            hook.get_job_instance("j", 1)
        assert server.count(KINDS["dlf.show"].pattern) == 0


@pytest.mark.parametrize("expires", ["yesterday", "1999-01-01T00:00:00Z", "2999-01-01T00:00:00Z", None, 5])
def test_an_iam_token_with_an_odd_expiry_is_used_but_not_trusted_for_long(expires, monkeypatch) -> None:
    from airflow_provider_dataarts.api.iam import TOKENS

    with hostile() as server:
        body = _json({"token": {"expires_at": expires}})
        server.script(r"^POST /v3/auth/tokens", Answer(201, body, {"X-Subject-Token": "MIIhostile"}))
        server.script(KINDS["dlf.show"].pattern, Answer(200, _json(DETAIL)))
        hook = _hook(server, monkeypatch, auth_type="password", domain="d")
        assert hook.get_job_instance("j", 1).status == "fail"
        assert all(entry.expires_at <= __import__("time").time() + 3601 for entry in TOKENS._entries.values())


def test_a_hostile_server_echoing_the_token_does_not_leak_it(monkeypatch) -> None:
    def echo(seen):
        return Answer(400, _json({"error_code": "DLF.0137", "error_msg": f"bad token {seen.headers['x-auth-token']}"}))

    with hostile() as server:
        server.script(r"^POST /v3/auth/tokens", Answer(201, b"{}", {"X-Subject-Token": "MIIsecret-token-value"}))
        server.script(KINDS["dlf.show"].pattern, echo)
        hook = _hook(server, monkeypatch, auth_type="password", domain="d")
        with pytest.raises(errors.DataArtsNotFoundError) as raised:
            hook.get_job_instance("j", 1)
        assert "MIIsecret-token-value" not in str(raised.value) and "***" in str(raised.value)


def test_the_async_transport_gives_the_same_answers(monkeypatch) -> None:
    """The same hostile answers through aiohttp: the same error classes."""
    import asyncio

    from airflow_provider_dataarts.hooks.dataarts_async import DataArtsAsyncHook, close_sessions
    from airflow_provider_dataarts.hooks.loop_state import loop_state

    cases = [
        (Answer(200, b"{}"), errors.DataArtsResponseError),
        (Answer(302, b"", {"Location": "http://evil.example/"}), errors.DataArtsResponseError),
        (Answer(200, b'{"x": "' + b"a" * (11 * 1024 * 1024) + b'"}'), errors.DataArtsResponseError),
        (Answer(200, _json(DETAIL), trickle=0.1), errors.DataArtsTransportError),
        (Answer(200, _json({"error_code": "DLF.0137", "error_msg": "gone"})), errors.DataArtsNotFoundError),
    ]
    with hostile() as server:
        monkeypatch.setenv("AIRFLOW_CONN_HOSTILE", connection(server.url, retry_limit=0, timeout=1))

        async def each(answer: Answer, expected: type) -> None:
            loop_state().recent.clear()  # identical reads share an answer for a second: not across cases
            server.rules[:] = []
            server.script(KINDS["dlf.show"].pattern, answer)
            hook = DataArtsAsyncHook("hostile")
            with pytest.raises(expected):
                await asyncio.wait_for(hook.get_job_instance("j", 1), timeout=10)

        async def all_cases() -> None:
            try:
                for answer, expected in cases:
                    await each(answer, expected)
            finally:
                await close_sessions()

        asyncio.run(all_cases())


def test_the_catalogue_is_large_enough() -> None:
    """At least 100 bad answers over every call kind (the acceptance of the issue)."""
    count = (
        len(READS) * len(UNUSABLE_READS)
        + len(ACTIONS) * len(UNKNOWN_OUTCOMES)
        + 3 * 3
        + len(KINDS) * 4
        + 4
        + len(LIES)
        + 2 * len(SLOW)
        + 9
        + 2
        + 4
        + 1
        + 5
        + 1
        + 5
    )
    assert count >= 100
