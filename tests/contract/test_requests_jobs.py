"""The independent oracle for the job calls' requests: run-immediate, start and stop (``huaweicloudsdkdlf``,
and ``huaweicloudsdkdgc`` for the ``type`` spelling of a job parameter) and the job list with its query
(``huaweicloudsdkdgc``: the ``huaweicloudsdkdlf`` list request has no query parameters) build the same
request as the hook. See test_requests.py for how the two are compared.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.contract.test_requests import NAMES, _same, _sdk
from tests.contract.test_requests import both as both  # a fixture
from tests.contract.test_requests import endpoint as endpoint  # a fixture

PARAMS = [
    # without a body the SDK still declares application/json;charset=UTF-8 for run-immediate and start
    pytest.param(None, id="no-body"),
    pytest.param([{"name": "run_date", "value": "2026-11-22", "paramType": "variable"}], id="one"),
    pytest.param([{"name": "a", "value": "x y é"}, {"name": "b-2", "value": "", "paramType": "constants"}], id="two"),
]


def _dlf_body(params: list[dict[str, str]] | None) -> Any:
    from huaweicloudsdkdlf.v1 import JobParam, StartJobReq

    if params is None:
        return None
    return StartJobReq(
        job_params=[JobParam(name=p["name"], value=p["value"], param_type=p.get("paramType")) for p in params]
    )


@pytest.mark.parametrize("job", NAMES)
@pytest.mark.parametrize("params", PARAMS)
@pytest.mark.parametrize("workspace", ["ws-1", None])
def test_run_once(both, job, params, workspace) -> None:
    from huaweicloudsdkdlf.v1 import RunOnceRequest

    sdk, ours = both(
        lambda url: _sdk("huaweicloudsdkdlf.v1", "DlfClient", url).run_once(
            RunOnceRequest(workspace=workspace, job_name=job, body=_dlf_body(params))
        ),
        lambda hook: hook.run_job_once(job, params, workspace=workspace),
    )
    _same(sdk, ours)


@pytest.mark.parametrize("job", NAMES)
@pytest.mark.parametrize("params", PARAMS)
def test_start(both, job, params) -> None:
    from huaweicloudsdkdlf.v1 import StartJobRequest

    sdk, ours = both(
        lambda url: _sdk("huaweicloudsdkdlf.v1", "DlfClient", url).start_job(
            StartJobRequest(workspace="ws-1", job_name=job, body=_dlf_body(params))
        ),
        lambda hook: hook.start_job(job, params, workspace="ws-1"),
    )
    _same(sdk, ours)


def test_run_once_with_the_dgc_spelling_of_the_parameter_type(both) -> None:
    """``huaweicloudsdkdgc`` (and the current pages) spell the type ``type``: the hook sends what it is given."""
    from huaweicloudsdkdgc.v1 import JobParam, RunOnceRequest, StartJobReq

    params = [{"name": "run_date", "value": "2026-11-22", "type": "variable"}]
    body = StartJobReq(job_params=[JobParam(name="run_date", value="2026-11-22", type="variable")])
    sdk, ours = both(
        lambda url: _sdk("huaweicloudsdkdgc.v1", "DgcClient", url).run_once(
            RunOnceRequest(workspace="ws-1", job_name="nightly_sales", body=body)
        ),
        lambda hook: hook.run_job_once("nightly_sales", params, workspace="ws-1"),
    )
    _same(sdk, ours)


@pytest.mark.parametrize("job", NAMES)
@pytest.mark.parametrize("workspace", ["ws-1", None])
def test_stop(both, job, workspace) -> None:
    from huaweicloudsdkdlf.v1 import StopJobRequest

    sdk, ours = both(
        lambda url: _sdk("huaweicloudsdkdlf.v1", "DlfClient", url).stop_job(
            StopJobRequest(workspace=workspace, job_name=job)
        ),
        lambda hook: hook.stop_job(job, workspace=workspace),
    )
    _same(sdk, ours)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"job_name": "daily report café", "job_type": "BATCH", "limit": 1, "offset": 3},
        {"job_name": "夜间作业", "job_type": "REAL_TIME", "limit": 100, "offset": 0},
        {"job_type": "REAL_TIME"},
    ],
)
def test_list_jobs(both, query) -> None:
    from huaweicloudsdkdgc.v1 import ListJobsRequest

    sdk_query = {**query, "limit": query.get("limit", 100), "offset": query.get("offset", 0)}
    sdk, ours = both(
        lambda url: _sdk("huaweicloudsdkdgc.v1", "DgcClient", url).list_jobs(
            ListJobsRequest(workspace="ws-1", **sdk_query)
        ),
        lambda hook: hook.list_jobs(
            query.get("job_name"), workspace="ws-1", **{k: v for k, v in query.items() if k != "job_name"}
        ),
    )
    _same(sdk, ours)
