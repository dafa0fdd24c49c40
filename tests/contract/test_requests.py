"""The independent oracle for requests: the official SDK (3.1.219) and the hook build the same request.

For every call the SDK models, both are pointed at a recording endpoint with the same inputs
(non-ASCII names, lists, optional fields absent); method, path, query and JSON body must match,
and so must the headers that matter (content type, workspace, project, security token, signing).
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from airflow_provider_dataarts.api.errors import DataArtsOutcomeUnknownError, DataArtsResponseError
from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
from airflow_provider_dataarts.operators import _factory_args as args
from tests.contract.recorder import Recorded, recorder

AK, SK = "CONTRACTAK0000000000", "contract-secret-key-000000000000000000"
PROJECT = "0123456789abcdef0123456789abcdef"
TEMP = {"security_token": "contract-security-token"}
NAMES = ["nightly_sales", "daily report café", "夜间作业", "a/b%c"]
HEADERS_THAT_MATTER = ("content-type", "workspace", "x-project-id", "x-security-token")


@functools.cache
def _sdk(module: str, client: str, url: str, *, temporary: bool = False) -> Any:
    """An SDK client (built once per endpoint: building one is slow)."""
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig

    package = __import__(module, fromlist=[client])
    credentials = BasicCredentials(AK, SK, PROJECT)
    if temporary:
        credentials = credentials.with_security_token(TEMP["security_token"])
    builder = getattr(package, client).new_builder()
    return (
        builder.with_http_config(HttpConfig.get_default_config())
        .with_credentials(credentials)
        .with_endpoints([url])
        .build()
    )


def _hook(monkeypatch: pytest.MonkeyPatch, url: str, *, temporary: bool = False, **extra: Any) -> DataArtsHook:
    conn = {
        "conn_type": "huaweicloud_dataarts",
        "login": AK,
        "password": SK,
        "extra": {"region": "cn-north-4", "project_id": PROJECT, "endpoint": url, "retry_limit": 0, **extra},
    }
    if temporary:
        conn["extra"].update(TEMP)
    monkeypatch.setenv("AIRFLOW_CONN_CONTRACT", json.dumps(conn))
    return DataArtsHook("contract")


@pytest.fixture(scope="module")
def endpoint() -> Iterator[tuple[str, list[Recorded]]]:
    with recorder() as found:
        yield found


@pytest.fixture
def both(endpoint, monkeypatch) -> Callable[..., tuple[Recorded, Recorded]]:
    url, recorded = endpoint

    def both(
        sdk_call: Callable[[str], Any], hook_call: Callable[[DataArtsHook], Any], **hook_extra: Any
    ) -> tuple[Recorded, Recorded]:
        recorded.clear()
        sdk_call(url)
        # the recorder's canned "{}" is no real answer: only the request matters here
        with contextlib.suppress(DataArtsResponseError, DataArtsOutcomeUnknownError):
            hook_call(_hook(monkeypatch, url, **hook_extra))
        assert len(recorded) == 2, recorded
        return recorded[0], recorded[1]

    return both


def _header(request: Recorded, name: str) -> str | None:
    value = request.headers.get(name)
    return value.lower() if value is not None and name == "content-type" else value


def _same(sdk: Recorded, ours: Recorded, *, signed: bool = True) -> None:
    assert ours.method == sdk.method
    assert ours.path == sdk.path
    assert ours.sorted_query() == sdk.sorted_query()
    assert ours.json() == sdk.json()
    for name in HEADERS_THAT_MATTER:  # charset names are case-insensitive (RFC 9110)
        assert _header(ours, name) == _header(sdk, name), name
    if signed:
        for request in (sdk, ours):
            assert request.headers["authorization"].startswith(f"SDK-HMAC-SHA256 Access={AK}, SignedHeaders=")
            assert len(request.headers["x-sdk-date"]) == 16


# --- DataArts Factory v1 (huaweicloudsdkdlf, and huaweicloudsdkdgc for the list's filters) ---------


@pytest.mark.parametrize("job", NAMES)
@pytest.mark.parametrize("workspace", ["ws-1", None])
def test_v1_show_restart_stop(both, job, workspace) -> None:
    from huaweicloudsdkdlf.v1 import RestoreJobInstanceRequest, ShowJobInstanceRequest, StopJobInstanceRequest

    for sdk_request, method, operation in (
        (ShowJobInstanceRequest, "show_job_instance", "get_job_instance"),
        (RestoreJobInstanceRequest, "restore_job_instance", "restart_job_instance"),
        (StopJobInstanceRequest, "stop_job_instance", "stop_job_instance"),
    ):
        sdk, ours = both(
            lambda url, r=sdk_request, m=method: getattr(_sdk("huaweicloudsdkdlf.v1", "DlfClient", url), m)(
                r(workspace=workspace, job_name=job, instance_id="34765")
            ),
            lambda hook, o=operation: getattr(hook, o)(job, 34765, workspace=workspace),
        )
        _same(sdk, ours)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"job_name": "daily report café", "precise": True, "limit": 1000, "offset": 2},
        {"job_name": "nightly", "precise": False, "min_plan_time": 1795226400000, "max_plan_time": 1795312800000},
        {"status": "running-exception", "instance_type": 7, "limit": 1},
    ],
)
def test_v1_list(both, query) -> None:
    from huaweicloudsdkdgc.v1 import ListJobInstancesRequest

    sdk_fields = {
        "job_name": query.get("job_name"),
        "precise_query": query.get("precise") if query.get("job_name") else None,
        "min_plan_time": query.get("min_plan_time"),
        "max_plan_time": query.get("max_plan_time"),
        "status": query.get("status"),
        "instance_type": None if query.get("instance_type") is None else str(query["instance_type"]),
        "limit": query.get("limit", 100),
        "offset": query.get("offset", 0),
    }
    sdk, ours = both(
        lambda url: _sdk("huaweicloudsdkdgc.v1", "DgcClient", url).list_job_instances(
            ListJobInstancesRequest(workspace="ws-1", **sdk_fields)
        ),
        lambda hook: hook.list_job_instances(query.get("job_name"), workspace="ws-1", **_ours(query)),
    )
    _same(sdk, ours)


def _ours(query: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in query.items() if key != "job_name"}


# --- DataArts Factory v2 and Quality (huaweicloudsdkdataartsstudio) ----------------------------------


@pytest.mark.parametrize("job", NAMES)
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"min_plan_time": 1795226400000, "max_plan_time": 1795312800000, "limit": 1000, "offset": 0},
        {"status": "fail", "instance_type": 5, "limit": 10, "offset": 3},
    ],
)
def test_v2_list(both, job, query) -> None:
    from huaweicloudsdkdataartsstudio.v1 import ListFactoryJobInstancesByNameRequest

    sdk_query = {**query, "limit": query.get("limit", 100), "offset": query.get("offset", 0)}
    if "instance_type" in sdk_query:
        sdk_query["instance_type"] = str(sdk_query["instance_type"])
    sdk, ours = both(
        lambda url: _sdk(
            "huaweicloudsdkdataartsstudio.v1", "DataArtsStudioClient", url
        ).list_factory_job_instances_by_name(
            ListFactoryJobInstancesByNameRequest(workspace="ws-1", job_name=job, **sdk_query)
        ),
        lambda hook: hook.list_factory_instances(job, workspace="ws-1", **query),
    )
    _same(sdk, ours)


RERUNS = [
    {"retry_location": "errorNode", "retry_task_version": "original_version", "task_retrys": "one"},
    {
        "retry_location": "specifiedNode",
        "node_name": "转换 node",
        "retry_task_version": "current_version",
        "ignore_obs_monitor": False,
        "task_retrys": "two",
    },
    {
        "retry_location": "firstNode",
        "retry_task_version": "current_version",
        "begin_time": 1795226400000,
        "end_time": 1795312800000,
        "jobs": [
            {"job_name": "daily report café", "workspace_id": "ws-2"},
            {"job_name": "夜间作业", "workspace_id": "w"},
        ],
        "concurrent": 128,
    },
    {
        "retry_location": "errorNode",
        "retry_task_version": "original_version",
        "begin_time": 1795226400000,
        "end_time": 1795226400000,
        "jobs": [],
    },
]
TASKS = {
    "one": [{"job_id": 917567, "plan_time": 1795226400000, "submit_time": 1795226400100}],
    "two": [
        {"job_id": 917567, "plan_time": 1795226400000, "submit_time": 1795226400100},
        {"job_id": 917567, "plan_time": 1795312800000, "submit_time": 1795312800123},
    ],
}


@pytest.mark.parametrize("job", NAMES[:3])
@pytest.mark.parametrize("user", RERUNS, ids=["mode1", "mode1-all-options", "mode2", "mode2-alone"])
def test_v2_rerun(both, job, user) -> None:
    from huaweicloudsdkdataartsstudio.v1 import (
        RetryFactoryJobInstanceBody,
        RetryFactoryJobInstanceBodyJobs,
        RetryFactoryJobInstanceBodyTaskRetrys,
        RetryFactoryJobInstanceRequest,
    )

    user = {**user, "task_retrys": TASKS[user["task_retrys"]]} if "task_retrys" in user else dict(user)
    sdk_body = dict(user)
    if "task_retrys" in user:
        sdk_body["task_retrys"] = [RetryFactoryJobInstanceBodyTaskRetrys(**item) for item in user["task_retrys"]]
    if "jobs" in user:
        sdk_body["jobs"] = [RetryFactoryJobInstanceBodyJobs(**item) for item in user["jobs"]]
    body = args.rerun_body(**user, workspace="ws-1")  # what the operator sends for these arguments
    sdk, ours = both(
        lambda url: _sdk("huaweicloudsdkdataartsstudio.v1", "DataArtsStudioClient", url).retry_factory_job_instance(
            RetryFactoryJobInstanceRequest(workspace="ws-1", job_name=job, body=RetryFactoryJobInstanceBody(**sdk_body))
        ),
        lambda hook: hook.retry_factory_instances(job, body, workspace="ws-1"),
    )
    _same(sdk, ours)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"task_type": "QUALITY_TASK", "start_time": 1795226400000, "end_time": 1795312800000, "limit": 100},
        {"name": "订单 quality", "run_status": "RUNNING", "limit": 1, "offset": 7},
    ],
)
def test_quality_list(both, query) -> None:
    from huaweicloudsdkdataartsstudio.v1 import ListInstancesRequest

    sdk_query = {**query, "limit": query.get("limit", 100), "offset": query.get("offset", 0)}
    sdk, ours = both(
        lambda url: _sdk("huaweicloudsdkdataartsstudio.v1", "DataArtsStudioClient", url).list_instances(
            ListInstancesRequest(workspace="ws-1", **sdk_query)
        ),
        lambda hook: hook.list_quality_instances(workspace="ws-1", **query),
    )
    _same(sdk, ours)


@pytest.mark.parametrize("temporary", [False, True])
def test_quality_results_page(both, temporary) -> None:
    from huaweicloudsdkdataartsstudio.v1 import ShowInstanceResultRequest

    from airflow_provider_dataarts.api import calls

    sdk, ours = both(
        lambda url: _sdk(
            "huaweicloudsdkdataartsstudio.v1", "DataArtsStudioClient", url, temporary=temporary
        ).show_instance_result(ShowInstanceResultRequest(workspace="ws-1", instance_id="5001", limit=100, offset=1)),
        lambda hook: hook.run(calls.quality_results_page("5001", limit=100, offset=1, workspace="ws-1")),
        temporary=temporary,
    )
    _same(sdk, ours)


# --- IAM (huaweicloudsdkiam) ---------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["emulator-user", "用户 ü"])
def test_iam_password_token(monkeypatch, user) -> None:
    from huaweicloudsdkcore.auth.credentials import GlobalCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkiam.v3 import (
        AuthScope,
        AuthScopeProject,
        IamClient,
        KeystoneCreateUserTokenByPasswordRequest,
        KeystoneCreateUserTokenByPasswordRequestBody,
        PwdAuth,
        PwdIdentity,
        PwdPassword,
        PwdPasswordUser,
        PwdPasswordUserDomain,
    )

    def sdk_call(url: str) -> None:
        client = (
            IamClient.new_builder()
            .with_http_config(HttpConfig.get_default_config())
            .with_credentials(GlobalCredentials(AK, SK))
            .with_endpoints([url])
            .build()
        )
        identity = PwdIdentity(
            methods=["password"],
            password=PwdPassword(
                user=PwdPasswordUser(name=user, password="pa ss", domain=PwdPasswordUserDomain(name="d o"))
            ),
        )
        auth = PwdAuth(identity=identity, scope=AuthScope(project=AuthScopeProject(id=PROJECT)))
        body = KeystoneCreateUserTokenByPasswordRequestBody(auth=auth)
        client.keystone_create_user_token_by_password(
            KeystoneCreateUserTokenByPasswordRequest(nocatalog="true", body=body)
        )

    def hook_call(hook: DataArtsHook) -> None:
        hook._token()

    with recorder() as (url, recorded):
        sdk_call(url)
        conn = {
            "conn_type": "huaweicloud_dataarts",
            "login": user,
            "password": "pa ss",
            "extra": {"auth_type": "password", "domain": "d o", "region": "cn-north-4", "project_id": PROJECT,
                      "endpoint": url},
        }  # fmt: skip
        monkeypatch.setenv("AIRFLOW_CONN_CONTRACT", json.dumps(conn))
        hook_call(DataArtsHook("contract"))
    sdk, ours = recorded
    assert (ours.method, ours.path, ours.sorted_query()) == (sdk.method, sdk.path, sdk.sorted_query())
    assert ours.json() == sdk.json()
    assert _header(ours, "content-type") == _header(sdk, "content-type")
    assert "authorization" not in ours.headers and "x-auth-token" not in ours.headers  # the password is the proof
