"""DataArts Factory v2: rerun job instances (mode 1: listed instances; mode 2: a time window over this
job and named jobs) and the per-job instance list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow_provider_dataarts.emulator import listing
from airflow_provider_dataarts.emulator.call import Call, enum_field, field
from airflow_provider_dataarts.emulator.errors import DLF, documented, invalid
from airflow_provider_dataarts.emulator.factory import (
    POSITIONS,
    execute_time,
    first_rerun_node,
    refuse_unfinished,
)
from airflow_provider_dataarts.emulator.factory_state import FactoryInstance, FactoryJob, Snapshot
from airflow_provider_dataarts.emulator.scenario_checks import FACTORY_STATUSES

if TYPE_CHECKING:
    from airflow_provider_dataarts.emulator.state import EmulatorState

_V2_STATUSES = FACTORY_STATUSES


def _task_retrys(body: dict[str, Any], job: FactoryJob, now: int) -> list[FactoryInstance]:
    """Mode 1: the instances named by (job_id, plan_time) (the newest row of each plan time)."""
    targets = []
    for index, entry in enumerate(body["task_retrys"]):
        where = f"task_retrys[{index}]"
        if not isinstance(entry, dict):
            raise invalid(DLF, where, "must be an object")
        job_id = field(entry, "job_id", int, DLF, required=True)
        plan_time = field(entry, "plan_time", int, DLF, required=True)
        field(entry, "submit_time", int, DLF, required=True)
        if job_id != job.job_id:
            raise invalid(DLF, f"{where}.job_id", f"{job_id} is not the id of job {job.name!r}")
        match = job.latest_rows(now).get(plan_time)
        if match is None:
            raise documented("DLF.0137", f"no instance of job {job.name!r} planned at {plan_time}")
        targets.append(match)
    return targets


def _window(body: dict[str, Any], st: EmulatorState, job: FactoryJob, now: int) -> list[FactoryInstance]:
    """Mode 2: every instance of this job and the listed jobs planned within [begin_time, end_time]."""
    begin = field(body, "begin_time", int, DLF, required=True)
    end = field(body, "end_time", int, DLF, required=True)
    if begin > end:
        raise invalid(DLF, "begin_time", "must not be later than end_time")
    jobs = [job]
    for index, entry in enumerate(field(body, "jobs", list, DLF, required=True)):
        if not isinstance(entry, dict):
            raise invalid(DLF, f"jobs[{index}]", "must be an object")
        name = field(entry, "job_name", str, DLF, required=True)
        workspace = field(entry, "workspace_id", str, DLF, required=True)
        other = st.factory.job(workspace, name, "DLF.1000")
        if other not in jobs:
            jobs.append(other)
    targets = [i for j in jobs for p, i in sorted(j.latest_rows(now).items()) if begin <= p <= end]
    if not targets:
        raise documented("DLF.0137", f"no instance planned between {begin} and {end}")
    return targets


def retry(st: EmulatorState, call: Call) -> tuple[int, Any]:
    """POST /v2/{project_id}/factory/jobs/{job_name}/instances/retry"""
    body = call.object_body(required=True)
    location = enum_field(body, "retry_location", ("firstNode", "errorNode", "specifiedNode"), DLF, required=True)
    node_name = field(body, "node_name", str, DLF, required=location == "specifiedNode")
    enum_field(body, "retry_task_version", ("original_version", "current_version"), DLF, required=True)
    field(body, "ignore_obs_monitor", bool, DLF)
    concurrent = field(body, "concurrent", int, DLF)
    if concurrent is not None and not 1 <= concurrent <= 128:
        raise invalid(DLF, "concurrent", f"{concurrent} is out of range [1, 128]")
    task_retrys = field(body, "task_retrys", list, DLF)
    window = [key for key in ("begin_time", "end_time", "jobs") if body.get(key) is not None]
    if task_retrys and window:
        raise invalid(DLF, "task_retrys", f"cannot be combined with {', '.join(window)}")
    if not task_retrys and not window:
        raise invalid(DLF, "task_retrys", "either task_retrys or begin_time, end_time and jobs is required")
    job = st.factory.job(call.workspace or "", call.params[0], "DLF.1000")
    if node_name is not None and node_name not in job.node_names():
        raise invalid(DLF, "node_name", f"{node_name!r} is not a node of job {job.name!r}")
    now = st.clock.now()
    targets = _task_retrys(body, job, now) if task_retrys else _window(body, st, job, now)
    views = [(inst, inst.view(now)) for inst in targets]
    for _, snap in views:
        refuse_unfinished(snap.status)
    done: set[int] = set()
    for inst, snap in views:
        if inst.instance_id in done:
            continue
        done.add(inst.instance_id)
        first = first_rerun_node(snap, POSITIONS[location], node_name, inst.job.node_names())
        st.factory.rerun(inst, now, first, st.defaults, st.config.v2_rerun_rows == "new")
    return 200, None


def render_item(inst: FactoryInstance, snap: Snapshot, now: int) -> dict[str, Any]:
    """One entry of the v2 instance list."""
    return {
        "job_name": inst.job.name,
        "job_id": inst.job.job_id,
        "instance_id": inst.instance_id,
        "status": snap.status,
        "plan_time": inst.plan_time,
        "submit_time": snap.submit_time,
        "start_time": snap.start_time,
        "end_time": snap.end_time,
        "execute_time": execute_time(snap, now),
        "instance_type": inst.instance_type,
        "job_instance_name": f"{inst.job.name}_{inst.instance_id}",
        "version": inst.version,
        "force_success": inst.force_success,
        "ignore_success": inst.ignore_success,
    }


def list_instances(st: EmulatorState, call: Call) -> tuple[int, Any]:
    """GET /v2/{project_id}/factory/jobs/{job_name}/instances/detail (windows, order, paging: see listing)."""
    limit = call.int_param("limit", 10, 1, 1000) or 10
    offset = call.int_param("offset", 0, 0) or 0
    now = st.clock.now()
    low, high = listing.exclusive_window(call, "min_plan_time", "max_plan_time", now, 31)
    status = call.enum_param("status", _V2_STATUSES)
    force = call.bool_param("force_success")
    ignore = call.bool_param("ignore_success")
    instance_type = call.int_param("instance_type", None)
    job = st.factory.job(call.workspace or "", call.params[0], "DLF.1000")
    rows = []
    for inst in job.instances.values():
        if not inst.visible(now):
            continue
        if instance_type is not None and inst.instance_type != instance_type:
            continue
        if (force is not None and inst.force_success != force) or (
            ignore is not None and inst.ignore_success != ignore
        ):
            continue
        snap = inst.view(now)
        if not low < listing.window_time(st.config, inst.plan_time, snap.start_time) < high:
            continue
        if status is not None and snap.status != status:
            continue
        rows.append((inst, snap))
    rows = listing.ordered(rows, lambda row: (row[0].plan_time, row[1].submit_time, row[0].instance_id), st.config)
    page = listing.page(rows, limit, offset, st.config)
    return 200, {"total": len(rows), "instances": [render_item(i, s, now) for i, s in page]}
