"""The bad-answers catalogue's call kinds, scripted answers and checks, shared by its test modules
(``test_bad_answers.py``: the sync hook; ``test_bad_answers_async.py``: the async hook, redirects to a
second server, Retry-After and the triggerer's shared budget)."""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
from collections.abc import Callable, Mapping
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
#: the connection extras of an IAM-password connection (the hook then asks IAM for a token first)
IAM_PASSWORD = {"auth_type": "password", "domain": "d"}


@dataclasses.dataclass(frozen=True)
class Kind:
    """A call: how the hook makes it, the request it sends, and a good answer to bend."""

    name: str
    call: Callable[[DataArtsHook], Any]
    pattern: str
    good: Any
    action: bool = False
    #: connection extras the call needs (an IAM-password connection for the token call)
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    #: headers every scripted answer carries (IAM's token header: so the body alone is judged)
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: cases of UNUSABLE_READS that are a usable answer for this call (IAM needs only the header)
    usable: frozenset[str] = frozenset()


RETRY = {"retry_location": "errorNode", "retry_task_version": "current_version",
         "task_retrys": [{"job_id": 7, "plan_time": 1, "submit_time": 1}]}  # fmt: skip
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
    "iam.token": Kind(  # made by any call of an IAM-password connection, before that call
        "iam.token",
        lambda h: h.get_job_instance("j", 1),
        r"^POST /v3/auth/tokens",
        {"token": {"expires_at": "2099-01-01T00:00:00Z"}},
        extra=IAM_PASSWORD,
        headers={"X-Subject-Token": "MIIhostile"},
        usable=frozenset({"empty-object", "wrong-types"}),  # a JSON object and the header: a token
    ),
    "dlf.restart": Kind(
        "dlf.restart",
        lambda h: h.restart_job_instance("j", 1),
        r"^POST /v1/p1/jobs/j/instances/1/restart$",
        None,
        action=True,
    ),
    "dlf.stop": Kind(
        "dlf.stop", lambda h: h.stop_job_instance("j", 1), r"^POST /v1/p1/jobs/j/instances/1/stop$", None, action=True
    ),
    "factory.retry": Kind(
        "factory.retry",
        lambda h: h.retry_factory_instances("j", RETRY),
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
    "modelarts.stop": Kind(
        "modelarts.stop",
        lambda h: h.stop_visualization_job("10"),
        r"^POST /v1/p1/visualization-jobs/10/stop$",
        {"is_success": True},
        action=True,
    ),
}
READS = [name for name, kind in KINDS.items() if not kind.action]
ACTIONS = [name for name, kind in KINDS.items() if kind.action]


def make_hook(server: HostileServer, monkeypatch: pytest.MonkeyPatch, **extra: Any) -> DataArtsHook:
    monkeypatch.setenv("AIRFLOW_CONN_HOSTILE", connection(server.url, retry_limit=0, **extra))
    return DataArtsHook("hostile")


def expect(kind: Kind, answer: Answer, monkeypatch, error: type, message: str, **extra: Any) -> errors.DataArtsError:
    """``kind``'s call, answered ``answer`` once, raises ``error`` with ``message`` (a regex), capped,
    after exactly one request: nothing sent twice, and nothing else (an IAM failure sends no call)."""
    with hostile() as server:
        server.script(kind.pattern, dataclasses.replace(answer, headers={**kind.headers, **answer.headers}))
        with pytest.raises(error) as raised:
            kind.call(make_hook(server, monkeypatch, **{**kind.extra, **extra}))
        assert re.search(message, str(raised.value)), str(raised.value)
        assert len(str(raised.value)) <= errors.MAX_ERROR_TEXT
        assert server.count(kind.pattern) == 1  # nothing sent twice (retry_limit 0 for reads; actions never)
        assert len(server.seen) == 1, [f"{seen.method} {seen.path}" for seen in server.seen]
    return raised.value


def as_json(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


#: where every scripted redirect points: the error must name this host
EVIL_HOST = "evil.example"
REDIRECT = Answer(302, b"", {"Location": f"http://{EVIL_HOST}/steal"})
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
    ("redirect", REDIRECT),
    ("too-large", Answer(200, b'{"x": "' + b"a" * (11 * 1024 * 1024) + b'"}')),
    ("wrong-types", Answer(200, b'{"status": ["fail"], "total": "many", "count": {}, "instances": 3}')),
]
#: answers to an action that leave its outcome unknown: the action is never sent again by the hook
UNKNOWN_OUTCOMES = [
    ("not-json", Answer(200, b"<html>gateway</html>")),
    ("redirect", REDIRECT),
    ("too-large", Answer(200, b"x" * (11 * 1024 * 1024))),
    ("drop", Answer(drop=True)),
    ("cut-mid-body", Answer(200, b'{"is_success": true}', cut_body=True)),
    ("gateway-502", Answer(502, b"<html>bad gateway</html>")),
]
#: (Retry-After header, the seconds a 429 with it means): None only where the header is unreadable
RETRY_AFTER = [("3", 3.0), ("-5", 0.0), ("inf", 120.0), ("nan", None), ("999999", 120.0), ("soon", None),
               ("Wed, 21 Oct 2099 07:28:00 GMT", 120.0), ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0),
               ("1e400", 120.0)]  # fmt: skip


def throttled(retry_after: str) -> Answer:
    return Answer(429, b'{"error_code": "APIG.0308", "error_msg": "throttled"}', {"Retry-After": retry_after})


def catalogue_size(*modules: Any) -> int:
    """How many cases the test functions of ``modules`` run: the product of each one's parametrizations."""
    total = 0
    for module in modules:
        for name, function in vars(module).items():
            if not name.startswith("test_") or name == "test_the_catalogue_is_large_enough":
                continue
            if not inspect.isfunction(function) or function.__module__ != module.__name__:
                continue  # an imported module or function is not a case of this one
            cases = 1
            for mark in getattr(function, "pytestmark", []):
                if mark.name == "parametrize":
                    cases *= len(mark.args[1])
            total += cases
    return total
