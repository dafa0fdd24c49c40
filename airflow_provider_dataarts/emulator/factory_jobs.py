"""DataArts Factory v1 jobs: run once now (run-immediate), start and stop a job, and the job list.

A run-immediate adds an instance to the shared store (see :mod:`.factory_state`), so the v1 detail,
list and stop (and the v2 list) see it; start and stop change the job's schedule state (see
:mod:`.factory_schedule`), which only the job list reports. What the pages leave open is read as
``docs/emulator.md`` says, the open readings being switches of :mod:`.config`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from airflow_provider_dataarts.emulator import listing
from airflow_provider_dataarts.emulator.call import Call, field
from airflow_provider_dataarts.emulator.errors import DLF, documented, invalid
from airflow_provider_dataarts.emulator.factory_state import FactoryInstance, FactoryJob
from airflow_provider_dataarts.emulator.scenario_checks import JOB_TYPES

if TYPE_CHECKING:
    from airflow_provider_dataarts.emulator.state import EmulatorState

#: JobParam ``name``: "只能包含英文字母、数字、中划线和下划线" (huaweicloudsdkdgc JobParam docstring), at most 64
_PARAM_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_PARAM_VALUE_MAX = 1024
#: JobParam's type field: ``type`` (dgc SDK, current pages) or ``paramType`` (dlf SDK, start page)
_PARAM_TYPES = ("variable", "constants")
_PARAM_KEYS = frozenset(("name", "value", "type", "paramType"))
#: the documented body fields: both SDKs' StartJobReq, plus the current CN pages' additions
_RUN_ONCE_KEYS = frozenset(("jobParams", "useExecutionUser"))
_START_KEYS = frozenset(("jobParams", "start_date", "ignore_first_self_dep"))


def _param(item: Any, where: str) -> dict[str, str]:
    """One JobParam, checked as the pages and the SDKs document it; kept as ``{name, value[, type]}``."""
    if not isinstance(item, dict):
        raise invalid(DLF, where, "must be an object with name and value")
    unknown = sorted(set(item) - _PARAM_KEYS)
    if unknown:
        raise invalid(DLF, f"{where}.{unknown[0]}", "is not a field of a job parameter (name, value, type)")
    name, value = item.get("name"), item.get("value")
    if not isinstance(name, str) or not _PARAM_NAME.fullmatch(name):
        raise invalid(DLF, f"{where}.name", "must be 1-64 letters, digits, '-' or '_'")
    if not isinstance(value, str) or len(value) > _PARAM_VALUE_MAX:
        raise invalid(DLF, f"{where}.value", f"must be a string of at most {_PARAM_VALUE_MAX} characters")
    kinds = {item[key] for key in ("type", "paramType") if item.get(key) is not None}
    if len(kinds) > 1:
        raise invalid(DLF, f"{where}.type", "type and paramType disagree")
    param = {"name": name, "value": value}
    for kind in kinds:
        if kind not in _PARAM_TYPES:
            raise invalid(DLF, f"{where}.type", f"{kind!r} is not one of {', '.join(_PARAM_TYPES)}")
        param["type"] = kind
    return param


def job_params(body: dict[str, Any], allowed: frozenset[str]) -> list[dict[str, str]] | None:
    """The body's ``jobParams`` (None when absent), after refusing fields the call's pages do not have."""
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise invalid(DLF, unknown[0], "is not a field of this call's body")
    params = field(body, "jobParams", list, DLF)
    if params is None:
        return None
    return [_param(item, f"jobParams[{index}]") for index, item in enumerate(params)]


def run_once(st: EmulatorState, call: Call) -> tuple[int, Any]:
    """POST /v1/{project_id}/jobs/{job_name}/run-immediate (optional body ``{"jobParams": [...]}``)."""
    body = call.object_body(required=False)
    params = job_params(body, _RUN_ONCE_KEYS)
    if field(body, "useExecutionUser", str, DLF) not in (None, "true", "false"):
        raise invalid(DLF, "useExecutionUser", "must be the string 'true' or 'false'")
    job = st.factory.job(call.workspace or "", call.params[0])
    if job.job_type != "BATCH":
        raise documented("DLF.0136", f"job {job.name!r} is a real-time job")
    now = st.clock.now()
    step = job.runs.pop(0) if job.runs else {}
    spec: dict[str, Any] = {
        key: int((st.defaults[key] if step.get(key) is None else step[key]) * 1000)
        for key in ("lag", "wait", "duration")
    }
    spec.update(outcome=step.get("outcome", "success"), failed_node=step.get("failed_node"))
    instance_id = st.factory.next_id
    row = FactoryInstance.run_once(job, instance_id, now, spec, st.config.run_once_instance_type, st.project_id)
    row.params = params
    job.instances[instance_id] = row
    st.factory.next_id += 1
    # the pages' Long (huaweicloudsdkdgc: int); huaweicloudsdkdlf's model types it as a string
    return 200, {"instanceId": str(instance_id) if st.config.field_form == "sdk" else instance_id}


def start(st: EmulatorState, call: Call) -> tuple[int, Any]:
    """POST /v1/{project_id}/jobs/{job_name}/start (optional body): 204; a started job stays as it is."""
    body = call.object_body(required=False)
    params = job_params(body, _START_KEYS)
    start_date = field(body, "start_date", int, DLF)
    if start_date is not None and not 10_000_101 <= start_date <= 99_991_231:
        raise invalid(DLF, "start_date", "must be a date as yyyymmdd, like 20241030")
    field(body, "ignore_first_self_dep", bool, DLF)
    job = st.factory.job(call.workspace or "", call.params[0])
    if job.schedule.once:
        raise documented("DLF.3025", f"job {job.name!r} runs once (EXECUTE_ONCE): it has no schedule to start")
    job.schedule.start(st.clock.now(), params)
    return 204, None


def stop(st: EmulatorState, call: Call) -> tuple[int, Any]:
    """POST /v1/{project_id}/jobs/{job_name}/stop (no body): 204; a stopped job stays as it is."""
    job = st.factory.job(call.workspace or "", call.params[0])
    job.schedule.stop(st.clock.now())
    return 204, None


def render_job(job: FactoryJob, now: int) -> dict[str, Any]:
    """One entry of the job list, with the fields the pages (and huaweicloudsdkdgc's JobResult) document;
    fields without a value are left out."""
    info = job.info
    item: dict[str, Any] = {
        "name": job.name,
        "jobType": job.job_type,
        "owner": info["owner"],
        "priority": info["priority"],
        "status": job.schedule.status(now),
        "createUser": info["owner"],
        "createTime": info["create_time"],
        "lastUpdateTime": info["last_update_time"],
        "lastUpdateUser": info["owner"],
    }
    if job.schedule.started_at is not None:
        item["startTime"] = job.schedule.started_at
    if job.job_type == "BATCH":  # "available only when jobType is set to BATCH"
        listed = [inst for inst in job.instances.values() if inst.visible(now)]
        if listed:
            last = max(listed, key=lambda inst: (inst.plan_time, inst.instance_id)).view(now)
            item["lastInstanceStatus"] = last.status
            if last.end_time is not None:
                item["lastInstanceEndTime"] = last.end_time
    return item


def list_jobs(st: EmulatorState, call: Call) -> tuple[int, Any]:
    """GET /v1/{project_id}/jobs: ``jobType`` (default BATCH), ``jobName``, ``tags``, ``offset``, ``limit``
    (1..100, default 10)."""
    limit = call.int_param("limit", 10, 1, 100) or 10
    offset = call.int_param("offset", 0, 0) or 0
    job_type = call.enum_param("jobType", JOB_TYPES) or "BATCH"
    name = call.query.get("jobName") or None
    tags = {tag.strip() for tag in (call.query.get("tags") or "").split(",") if tag.strip()}
    exact = st.config.job_list_name_match == "exact"
    jobs = []
    for (workspace, job_name), job in st.factory.jobs.items():
        if workspace != call.workspace or job.job_type != job_type:
            continue
        if name is not None and (job_name != name if exact else name not in job_name):
            continue
        if tags and not tags & set(job.info["tags"]):
            continue
        jobs.append(job)
    jobs = listing.ordered(jobs, lambda job: (job.info["create_time"], job.name), st.config)
    now = st.clock.now()
    return 200, {
        "total": len(jobs),
        "jobs": [render_job(job, now) for job in listing.page(jobs, limit, offset, st.config)],
    }
