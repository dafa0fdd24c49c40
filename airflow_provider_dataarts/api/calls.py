"""Every API call as transport-free steps: a generator that yields :class:`Call` and gets responses.

Written once, run by either hook: ``DataArtsHook.run(steps)`` sends each call with requests,
``await DataArtsAsyncHook.run(steps)`` with aiohttp. Operations of several requests (reading a
whole time window, finding a quality instance) are plain loops in :mod:`.scans`, over these.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping, Sequence
from typing import Any, TypeVar

from airflow_provider_dataarts.api import catalogue as api
from airflow_provider_dataarts.api import errors, fields
from airflow_provider_dataarts.api.fields import UnusableAnswer
from airflow_provider_dataarts.api.models import (
    FactoryInstance,
    Job,
    JobInstance,
    Page,
    QualityInstance,
    QualityRuleResult,
    VisualizationJob,
)
from airflow_provider_dataarts.api.request import Call
from airflow_provider_dataarts.api.responses import ApiResponse

T = TypeVar("T")
Steps = Generator[Call, ApiResponse, T]


def _single(call: Call) -> Steps[ApiResponse]:
    response = yield call
    return response


def parsed(response: ApiResponse, parse: Callable[[Any], T]) -> T:
    """``parse(the decoded body)``, or the provider's response error naming the API, the HTTP status,
    the request id and a short excerpt - never a raw ``KeyError`` or ``ValueError`` from a bad answer."""
    try:
        return parse(response.json())
    except (UnusableAnswer, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError) as error:
        request = response.request
        name = request.call.endpoint.name if request is not None else "the call"
        raise errors.DataArtsResponseError(
            f"{name}: HTTP {response.status}: the answer is not the documented one: {error}: {response.excerpt()}",
            status=response.status,
            request_id=response.request_id,
            method=request.method if request is not None else None,
            path=request.path if request is not None else None,
        ) from None


M = TypeVar("M")


def _asked_for(model: M, field: str, asked: Any) -> M:
    """The model, unless the answer names another id than the one asked for (a misrouted answer)."""
    got = getattr(model, field)
    if got and got != str(asked):
        raise UnusableAnswer(f"the answer is about {field} {got[:40]!r}, not the {str(asked)[:40]!r} asked for")
    return model


def read(
    endpoint: api.Endpoint,
    params: Mapping[str, Any],
    parse: Callable[[Any], M],
    *,
    asked_for: tuple[str, str] | None = None,
    query: Mapping[str, Any] | None = None,
    workspace: str | None = None,
) -> Steps[M]:
    """One read of ``endpoint``: its answer parsed by ``parse`` (a model's ``from_api``), checked to be
    about what was asked for (``asked_for``: the model's id field and the path parameter that names it).

    Every single-object status read is this step: a new status API needs its ``Endpoint`` and its model,
    not a function here.
    """
    response = yield from _single(Call(endpoint, dict(params), query=dict(query or {}), workspace=workspace))
    if asked_for is None:
        return parsed(response, parse)
    field, param = asked_for
    return parsed(response, lambda data: _asked_for(parse(data), field, params[param]))


def _new_id(response: ApiResponse, key: str) -> str:
    """The new run's id in an accepted action's answer, or "" when it names none usable (the action
    happened, whatever its id field holds: the run is then found by its time window)."""
    try:
        new_id = fields.word(fields.obj(response.json()), key)
    except UnusableAnswer:
        return ""
    return new_id if new_id is not None and new_id.isdigit() else ""


def _page(response: ApiResponse, items_key: str, total_key: str, parse: Callable[[Any], T]) -> Page[T]:
    def whole(data: Any) -> Page[T]:
        data = fields.obj(data)
        raw = fields.items(data, items_key)
        total = fields.integer(data, total_key, required=True)
        if total is None or total < 0:
            raise UnusableAnswer(f"{total_key!r} is negative: {total}")
        return Page(total, tuple(parse(item) for item in raw), response.server_time_ms)

    return parsed(response, whole)


# --- DataArts Factory v1 ---------------------------------------------------------------------------


def restart_job_instance(
    job_name: str,
    instance_id: str | int,
    *,
    workspace: str | None = None,
    body: Mapping[str, Any] | None = None,
) -> Steps[None]:
    """Restart a finished job instance (204). No body is the seed form; ``body`` the newer options."""
    yield from _single(
        Call(
            api.DLF_RESTART_INSTANCE,
            {"job_name": job_name, "instance_id": instance_id},
            body=dict(body) if body else None,
            workspace=workspace,
        )
    )


def stop_job_instance(job_name: str, instance_id: str | int, *, workspace: str | None = None) -> Steps[None]:
    """Stop a waiting or running job instance."""
    yield from _single(
        Call(api.DLF_STOP_INSTANCE, {"job_name": job_name, "instance_id": instance_id}, workspace=workspace)
    )


def get_job_instance(job_name: str, instance_id: str | int, *, workspace: str | None = None) -> Steps[JobInstance]:
    """One job instance with its nodes."""
    params = {"job_name": job_name, "instance_id": instance_id}
    return (
        yield from read(
            api.DLF_SHOW_INSTANCE,
            params,
            JobInstance.from_api,
            asked_for=("instance_id", "instance_id"),
            workspace=workspace,
        )
    )


def list_job_instances(
    job_name: str | None = None,
    *,
    min_plan_time: int | None = None,
    max_plan_time: int | None = None,
    status: str | None = None,
    instance_type: int | None = None,
    precise: bool = True,
    limit: int = 100,
    offset: int = 0,
    workspace: str | None = None,
) -> Steps[Page[JobInstance]]:
    """One page of v1 job instances (``limit`` 1..1000; times are exclusive bounds on the start time, at
    most 7 days apart; ``offset`` is documented as a page number: see :mod:`.scans` for whole windows)."""
    query = {
        "jobName": job_name,
        "minPlanTime": min_plan_time,
        "maxPlanTime": max_plan_time,
        "status": status,
        "instanceType": instance_type,
        "preciseQuery": precise if job_name else None,
        "limit": limit,
        "offset": offset,
    }
    response = yield from _single(Call(api.DLF_LIST_INSTANCES, query=query, workspace=workspace))
    return _page(response, "instances", "total", JobInstance.from_api)


def run_job_once(
    job_name: str, job_params: Sequence[Mapping[str, Any]] | None = None, *, workspace: str | None = None
) -> Steps[str]:
    """Run a job once, now (``jobParams``: ``[{name, value, paramType}]``); returns the new instance's id, or ""
    when the accepted answer names none usable (the run is then found by its time window)."""
    body = {"jobParams": [dict(param) for param in job_params]} if job_params else None
    response = yield from _single(Call(api.DLF_RUN_ONCE, {"job_name": job_name}, body=body, workspace=workspace))
    return _new_id(response, "instanceId")


def start_job(
    job_name: str, job_params: Sequence[Mapping[str, Any]] | None = None, *, workspace: str | None = None
) -> Steps[None]:
    """Start a job's schedule (a batch job) or the job itself (a real-time job)."""
    body = {"jobParams": [dict(param) for param in job_params]} if job_params else None
    yield from _single(Call(api.DLF_START_JOB, {"job_name": job_name}, body=body, workspace=workspace))


def stop_job(job_name: str, *, workspace: str | None = None) -> Steps[None]:
    """Stop a job's schedule (a batch job) or the job itself (a real-time job)."""
    yield from _single(Call(api.DLF_STOP_JOB, {"job_name": job_name}, workspace=workspace))


def list_jobs(
    job_name: str | None = None,
    *,
    job_type: str | None = None,
    limit: int = 100,
    offset: int = 0,
    workspace: str | None = None,
) -> Steps[Page[Job]]:
    """One page of jobs (``limit`` 1..100; ``jobName`` is not documented as an exact match: see
    :func:`.scans.find_job`)."""
    query = {"jobType": job_type, "offset": offset, "limit": limit, "jobName": job_name}
    response = yield from _single(Call(api.DLF_LIST_JOBS, query=query, workspace=workspace))
    return _page(response, "jobs", "total", Job.from_api)


# --- DataArts Factory v2 ---------------------------------------------------------------------------


def retry_factory_instances(job_name: str, body: Mapping[str, Any], *, workspace: str | None = None) -> Steps[None]:
    """Rerun instances of a job (mode 1) or a job with its up/downstream in a window (mode 2)."""
    yield from _single(Call(api.FACTORY_RETRY_INSTANCES, {"job_name": job_name}, body=dict(body), workspace=workspace))


def list_factory_instances(
    job_name: str,
    *,
    min_plan_time: int | None = None,
    max_plan_time: int | None = None,
    status: str | None = None,
    instance_type: int | None = None,
    limit: int = 100,
    offset: int = 0,
    workspace: str | None = None,
) -> Steps[Page[FactoryInstance]]:
    """One page of a job's v2 instances; without times the API defaults to today 00:00 .. now. The times are
    exclusive bounds, documented as applying to the start time, at most a month apart; ``offset`` is
    documented as a page number. :func:`.scans.list_all_factory_instances` reads whole windows."""
    query = {
        "min_plan_time": min_plan_time,
        "max_plan_time": max_plan_time,
        "status": status,
        "instance_type": instance_type,
        "limit": limit,
        "offset": offset,
    }
    response = yield from _single(
        Call(api.FACTORY_LIST_INSTANCES, {"job_name": job_name}, query=query, workspace=workspace)
    )
    return _page(response, "instances", "total", FactoryInstance.from_api)


# --- DataArts Quality ------------------------------------------------------------------------------


def rerun_quality_job(rule_type: int, rule_id: str, *, workspace: str | None = None) -> Steps[str]:
    """Rerun a quality (1) or comparison (2) job; returns the new instance id, or "" when the accepted
    answer names none usable (the run is then found by its time window)."""
    response = yield from _single(
        Call(api.QUALITY_RERUN, body={"rule_type": rule_type, "rule_id": str(rule_id)}, workspace=workspace)
    )
    return _new_id(response, "instance_id")


def list_quality_instances(
    *,
    name: str | None = None,
    task_type: str | None = None,
    run_status: str | None = None,
    start_time: int | None = None,
    end_time: int | None = None,
    limit: int = 100,
    offset: int = 0,
    workspace: str | None = None,
) -> Steps[Page[QualityInstance]]:
    """One page of quality instances (``limit`` at most 100; the order is not documented)."""
    query = {
        "name": name,
        "task_type": task_type,
        "run_status": run_status,
        "start_time": start_time,
        "end_time": end_time,
        "limit": limit,
        "offset": offset,
    }
    response = yield from _single(Call(api.QUALITY_LIST_INSTANCES, query=query, workspace=workspace))
    return _page(response, "resources", "count", QualityInstance.from_api)


def quality_results_page(
    instance_id: str, *, limit: int = 100, offset: int = 0, workspace: str | None = None
) -> Steps[Page[QualityRuleResult]]:
    """One page of a quality instance's per-rule results (``limit`` 0..100)."""
    call = Call(
        api.QUALITY_INSTANCE_RESULT,
        {"instance_id": instance_id},
        query={"limit": limit, "offset": offset},
        workspace=workspace,
    )
    response = yield from _single(call)
    return _page(response, "resources", "count", QualityRuleResult.from_api)


# --- ModelArts visualization jobs ------------------------------------------------------------------


def restart_visualization_job(job_id: str) -> Steps[None]:
    """Restart a visualization job (asynchronous; ``is_success: false`` raises)."""
    yield from _single(Call(api.MODELARTS_RESTART, {"job_id": job_id}))


def stop_visualization_job(job_id: str) -> Steps[None]:
    """Stop a visualization job."""
    yield from _single(Call(api.MODELARTS_STOP, {"job_id": job_id}))


def get_visualization_job(job_id: str) -> Steps[VisualizationJob]:
    """A visualization job's detail."""
    return (
        yield from read(
            api.MODELARTS_SHOW, {"job_id": job_id}, VisualizationJob.from_api, asked_for=("job_id", "job_id")
        )
    )


def list_visualization_jobs(
    *, status: int | None = None, search_content: str | None = None, per_page: int = 100, page: int = 1
) -> Steps[Page[VisualizationJob]]:
    """One page of visualization jobs (``page`` counts from 1)."""
    query = {"status": status, "search_content": search_content, "per_page": per_page, "page": page}
    response = yield from _single(Call(api.MODELARTS_LIST, query=query))
    return _page(response, "jobs", "job_total_count", VisualizationJob.from_api)
