"""DataArts Factory v1 (DLF): restart, stop, detail and list of job instances; the shared job store.

v1 and v2 read and write one store (``instanceId`` in v1 = ``instance_id`` in v2). The detail and
list bodies come in the documented form or, with ``field_form: sdk``, in the official SDK's model form
(``instancesId`` as a string, SDK node fields).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow_provider_dataarts.emulator import listing
from airflow_provider_dataarts.emulator.call import Call, encode, enum_field, field
from airflow_provider_dataarts.emulator.errors import DLF, documented, invalid
from airflow_provider_dataarts.emulator.factory_state import (
    IN_PROGRESS,
    FactoryInstance,
    FactoryJob,
    Node,
    Snapshot,
    is_finished,
)
from airflow_provider_dataarts.emulator.scenario_checks import FACTORY_STATUSES

if TYPE_CHECKING:
    from airflow_provider_dataarts.emulator.state import EmulatorState

POSITIONS = {
    "error_node": "error",
    "errorNode": "error",
    "first_node": "first",
    "firstNode": "first",
    "specified_node": "specified",
    "specifiedNode": "specified",
}
_ERROR_NODE_STATUSES = frozenset(("fail", "manual-stop", "pause"))


class FactoryStore:
    """Every factory job, keyed by (workspace, name), and every instance by id."""

    def __init__(self, jobs: list[dict[str, Any]], project: str) -> None:
        self.project = project
        self.jobs: dict[tuple[str, str], FactoryJob] = {}
        for spec in jobs:
            job = FactoryJob(spec, project)
            self.jobs[(job.workspace, job.name)] = job
        self.next_id = 1 + max((i for job in self.jobs.values() for i in job.instances), default=34_000)

    def rerun(self, inst: FactoryInstance, now: int, first: int, defaults: dict[str, Any], new_row: bool) -> None:
        """Accept a rerun of ``inst``: in place, or (``v2_rerun_rows: new``) as a new row of its plan time."""
        if not new_row:
            inst.restart(now, first, defaults, self.project)
            return
        row = FactoryInstance.rerun_row(inst, self.next_id, now, first, defaults, self.project)
        inst.job.instances[row.instance_id] = row
        self.next_id += 1

    def job(self, workspace: str, name: str, missing: str = "DLF.0100") -> FactoryJob:
        """The job, or 400 ``missing`` (v1: DLF.0100 "The job does not exist."; v2: DLF.1000)."""
        job = self.jobs.get((workspace, name))
        if job is None:
            raise documented(missing, f"job {name!r} in workspace {workspace}")
        return job

    @staticmethod
    def instance(job: FactoryJob, raw_id: str) -> FactoryInstance:
        """The job's instance with this id, or 400 DLF.0137 "The job instance does not exist"."""
        try:
            instance_id = int(raw_id)
        except ValueError:
            raise invalid(DLF, "instance_id", f"{raw_id!r} is not a long integer") from None
        instance = job.instances.get(instance_id)
        if instance is None:
            raise documented("DLF.0137", f"instance {instance_id} of job {job.name!r}")
        return instance

    def in_workspace(self, workspace: str) -> list[FactoryInstance]:
        """All instances of the workspace's jobs."""
        return [i for (ws, _), job in self.jobs.items() if ws == workspace for i in job.instances.values()]


def first_rerun_node(snap: Snapshot, position: str, node_name: str | None, names: list[str]) -> int:
    """Index of the first node a rerun starts from."""
    if position == "specified" and node_name in names:
        return names.index(node_name)
    if position == "error":
        for index, node in enumerate(snap.nodes):
            if node.status in _ERROR_NODE_STATUSES:
                return index
    return 0


def refuse_unfinished(status: str) -> None:
    """400 unless the instance may be restarted: "A job instance can be restarted only when it is in the
    successful, failed, or canceled state" (v1 restart page; no code is documented for the refusal)."""
    if not is_finished(status):
        raise documented(
            "DLF.3051",
            f"the job instance's status is {status}: only success, fail and manual-stop instances can be restarted",
        )


def execute_time(snap: Snapshot, now: int) -> int:
    """Run time in ms: end - start when finished, so far when running, else 0."""
    if snap.start_time is None:
        return 0
    return (snap.end_time if snap.end_time is not None else now) - snap.start_time


def _node_doc(node: Node, instance_id: int) -> dict[str, Any]:
    return {
        "nodeName": node.name,
        "status": node.status,
        "type": node.type,
        "retryTimes": node.retry_times,
        "instanceId": instance_id,
        "inputRowCount": node.rows,
        "logPath": node.log_path,
        "queue": "default" if node.type == "DLI" else None,
    }


def _node_sdk(node: Node, instance_id: int, plan_time: int, now: int) -> dict[str, Any]:
    start, end = node.start_time, node.end_time
    return {
        "nodeName": node.name,
        "status": node.status,
        "planTime": plan_time,
        "startTime": start,
        "endTime": end,
        "executeTime": 0 if start is None else (end if end is not None else now) - start,
        "nodeType": node.type,
        "retryTimes": node.retry_times,
        "instanceId": instance_id,
        "inputRowCount": node.rows,
        "outputRowCount": node.rows,
        "logPath": node.log_path,
    }


def render_detail(inst: FactoryInstance, snap: Snapshot, now: int, form: str) -> dict[str, Any]:
    """The v1 instance detail body in the docs or SDK form."""
    iid = inst.instance_id
    if form == "sdk":
        return {
            "status": snap.status,
            "planTime": inst.plan_time,
            "startTime": snap.start_time,
            "endTime": snap.end_time,
            "executeTime": execute_time(snap, now),
            "instancesId": str(iid),
            "total": len(snap.nodes),
            "nodes": [_node_sdk(n, iid, inst.plan_time, now) for n in snap.nodes],
        }
    return {
        "jobName": inst.job.name,
        "instanceId": iid,
        "status": snap.status,
        "planTime": inst.plan_time,
        "startTime": snap.start_time,
        "endTime": snap.end_time,
        "executeTime": execute_time(snap, now),
        "total": len(snap.nodes),
        "instanceType": inst.instance_type,
        "forceSuccess": inst.force_success,
        "ignoreSuccess": inst.ignore_success,
        "nodes": [_node_doc(n, iid) for n in snap.nodes],
    }


def render_list_item(inst: FactoryInstance, snap: Snapshot, now: int, form: str) -> dict[str, Any]:
    """One entry of the v1 instance list."""
    item: dict[str, Any] = {
        "jobName": inst.job.name,
        "status": snap.status,
        "planTime": inst.plan_time,
        "startTime": snap.start_time,
        "endTime": snap.end_time,
        "executeTime": execute_time(snap, now),
    }
    if form == "sdk":
        item["instancesId"] = str(inst.instance_id)
    else:
        item["instanceId"] = inst.instance_id
        item["instanceType"] = inst.instance_type
        item["forceSuccess"] = inst.force_success
        item["ignoreSuccess"] = inst.ignore_success
    return item


def show(st: EmulatorState, call: Call) -> tuple[int, Any]:
    """GET /v1/{project_id}/jobs/{job_name}/instances/{instance_id}"""
    job = st.factory.job(call.workspace or "", call.params[0])
    inst = st.factory.instance(job, call.params[1])
    now = st.clock.now()
    snap = inst.view(now)
    form = st.config.field_form
    # a settled snapshot renders the same bytes every time: sensors poll it, so keep the last body
    key = (form, now if snap.start_time is not None and snap.end_time is None else None)
    cached = inst.rendered
    if cached is not None and cached[0] is snap and cached[1] == key:
        return 200, cached[2]
    body = encode(render_detail(inst, snap, now, form))
    inst.rendered = (snap, key, body)
    return 200, body


def restart(st: EmulatorState, call: Call) -> tuple[int, Any]:
    """POST /v1/{project_id}/jobs/{job_name}/instances/{instance_id}/restart (optional body)."""
    body = call.object_body(required=False)
    location = enum_field(body, "retry_location", ("error_node", "first_node", "specified_node"), DLF)
    node_name = field(body, "node_name", str, DLF, required=location == "specified_node")
    enum_field(body, "job_param_version", ("original_version", "latest_version"), DLF)
    field(body, "ignore_obs_monitor", bool, DLF)
    job = st.factory.job(call.workspace or "", call.params[0])
    if node_name is not None and node_name not in job.node_names():
        raise invalid(DLF, "node_name", f"{node_name!r} is not a node of job {job.name!r}")
    inst = st.factory.instance(job, call.params[1])
    now = st.clock.now()
    snap = inst.view(now)
    refuse_unfinished(snap.status)
    first = first_rerun_node(snap, POSITIONS[location or "error_node"], node_name, job.node_names())
    inst.restart(now, first, st.defaults, st.project_id)
    return 204, None


def stop(st: EmulatorState, call: Call) -> tuple[int, Any]:
    """POST /v1/{project_id}/jobs/{job_name}/instances/{instance_id}/stop"""
    job = st.factory.job(call.workspace or "", call.params[0])
    inst = st.factory.instance(job, call.params[1])
    now = st.clock.now()
    status = inst.view(now).status
    if status not in IN_PROGRESS:
        raise documented("DLF.3051", f"the job instance's status is {status}: only waiting or running instances stop")
    inst.stop(now)
    return 204, None


def list_instances(st: EmulatorState, call: Call) -> tuple[int, Any]:
    """GET /v1/{project_id}/jobs/instances/detail with the documented filters and paging (see listing)."""
    limit = call.int_param("limit", 10, 1, 1000) or 10
    offset = call.int_param("offset", 0, 0) or 0
    now = st.clock.now()
    low, high = listing.exclusive_window(call, "minPlanTime", "maxPlanTime", now, 7)
    status = call.enum_param("status", FACTORY_STATUSES)
    instance_type = call.int_param("instanceType", None)
    precise = call.bool_param("preciseQuery")
    name = call.query.get("jobName") or None
    rows = []
    for inst in st.factory.in_workspace(call.workspace or ""):
        if name is not None and (inst.job.name != name if precise else name not in inst.job.name):
            continue
        if instance_type is not None and inst.instance_type != instance_type:
            continue
        if not inst.visible(now):
            continue
        snap = inst.view(now)
        if not low < listing.window_time(st.config, inst.plan_time, snap.start_time) < high:
            continue
        if status is not None and snap.status != status:
            continue
        rows.append((inst, snap))
    rows = listing.ordered(rows, lambda pair: (pair[0].plan_time, pair[0].instance_id), st.config)
    form = st.config.field_form
    page = listing.page(rows, limit, offset, st.config)
    return 200, {"total": len(rows), "instances": [render_list_item(i, s, now, form) for i, s in page]}
