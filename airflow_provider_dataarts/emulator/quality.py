"""DataArts Quality v2: rerun a quality/comparison job, list its instances, per-rule results.

A rerun creates a new instance id at once; the instance stays out of the list for ``lag`` virtual
seconds, runs for ``duration``, then settles on its scripted ``run_status``. Per-rule results exist
only once it has finished.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from airflow_provider_dataarts.emulator import listing
from airflow_provider_dataarts.emulator.call import Call, field
from airflow_provider_dataarts.emulator.errors import DQC, documented, invalid
from airflow_provider_dataarts.emulator.scenario_checks import NOTIFY_STATUSES, RUN_STATUSES

if TYPE_CHECKING:
    from airflow_provider_dataarts.emulator.state import EmulatorState

TASK_TYPES = {1: "QUALITY_TASK", 2: "CONSISTENCY_TASK"}


@dataclass
class QualityInstance:
    """One run of a quality job; reruns carry their schedule, history entries are fixed."""

    id: int
    job: QualityJob
    outcome: str
    alarming: tuple[int, ...]
    start_time: int | None
    end_time: int | None
    notify: str | None = None
    visible_from: int | None = None  # reruns: absent from the list before this virtual time

    def status(self, now: int) -> tuple[str, str] | None:
        """(run_status, notify_status) at ``now``, or None while not yet listed."""
        if self.visible_from is not None:
            if now < self.visible_from:
                return None
            if self.end_time is not None and now < self.end_time:
                return "RUNNING", "NOT_TRIGGERED"
        if self.notify:
            return self.outcome, self.notify
        return self.outcome, "SUCCESS" if self.outcome == "ALARMING" else "NOT_TRIGGERED"

    def busy(self, now: int) -> bool:
        """Whether this instance blocks a new rerun of its job (pending or running)."""
        state = self.status(now)
        return state is None or state[0] == "RUNNING"


class QualityJob:
    """A quality job (rule_type 1) or comparison job (2) with its runs and scripted rerun outcomes."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.id: str = spec["id"]
        self.name: str = spec["name"]
        self.rule_type: int = spec["rule_type"]
        self.workspace: str = spec["workspace"]
        self.rules: list[dict[str, Any]] = spec["rules"]
        self.script: list[dict[str, Any]] = list(spec["runs"])
        self.instances: list[QualityInstance] = []
        for inst in spec["instances"]:
            alarming = inst["alarming_rules"]
            if alarming is None:
                alarming = [self.rules[0]["sub_rule_id"]] if inst["run_status"] == "ALARMING" else []
            self.instances.append(
                QualityInstance(
                    inst["id"],
                    self,
                    inst["run_status"],
                    tuple(alarming),
                    inst["start_time"],
                    inst["end_time"],
                    inst["notify_status"],
                )
            )


class QualityStore:
    """Every quality job by id, every instance by id, and the next instance id to hand out."""

    def __init__(self, jobs: list[dict[str, Any]]) -> None:
        self.jobs = {spec["id"]: QualityJob(spec) for spec in jobs}
        self.instances = {i.id: i for job in self.jobs.values() for i in job.instances}
        self.next_id = max(self.instances, default=6000) + 1

    def rerun(self, job: QualityJob, now: int, defaults: dict[str, Any]) -> QualityInstance:
        """Queue the next scripted run of ``job``; returns the new instance."""
        step = job.script.pop(0) if job.script else {}
        lag = step.get("lag")
        duration = step.get("duration")
        start = now + int((defaults["lag"] if lag is None else lag) * 1000)
        end = start + int((defaults["duration"] if duration is None else duration) * 1000)
        outcome = step.get("run_status", "SUCCESS")
        alarming = step.get("alarming_rules")
        if alarming is None:
            alarming = [job.rules[0]["sub_rule_id"]] if outcome == "ALARMING" else []
        inst = QualityInstance(self.next_id, job, outcome, tuple(alarming), start, end, None, start)
        self.next_id += 1
        job.instances.append(inst)
        self.instances[inst.id] = inst
        return inst


def rerun(st: EmulatorState, call: Call) -> tuple[int, Any]:
    """POST /v2/{project_id}/quality/instances/restart ``{"rule_type": 1|2, "rule_id": "..."}``."""
    body = call.object_body(required=True)
    rule_type = field(body, "rule_type", int, DQC, required=True)
    if rule_type not in TASK_TYPES:
        raise invalid(DQC, "rule_type", f"{rule_type} is not 1 (quality job) or 2 (comparison job)")
    rule_id = field(body, "rule_id", str, DQC, required=True)
    job = st.quality.jobs.get(rule_id)
    if job is None or job.workspace != call.workspace or job.rule_type != rule_type:
        raise documented("APIG.0201", f"quality job {rule_id} (rule_type {rule_type}) does not exist", DQC)
    now = st.clock.now()
    if any(inst.busy(now) for inst in job.instances):
        raise documented("APIG.0201", f"a run of quality job {rule_id} is in progress", DQC)
    inst = st.quality.rerun(job, now, st.defaults)
    return 200, {"instance_id": str(inst.id)}


def _item(inst: QualityInstance, state: tuple[str, str]) -> dict[str, Any]:
    run_status, notify = state
    return {
        "id": inst.id,
        "name": inst.job.name,
        "task_id": int(inst.job.id) if inst.job.id.isdigit() else inst.job.id,
        "task_type": TASK_TYPES[inst.job.rule_type],
        "run_status": run_status,
        "notify_status": notify,
        "start_time": inst.start_time,
        "end_time": None if run_status == "RUNNING" else inst.end_time,
    }


def list_instances(st: EmulatorState, call: Call) -> tuple[int, Any]:
    """GET /v2/{project_id}/quality/instances: filters, ``limit`` at most 100; order and paging: see listing."""
    limit = call.int_param("limit", 10, 1, 100) or 10
    offset = call.int_param("offset", 0, 0) or 0
    task_type = call.enum_param("task_type", tuple(TASK_TYPES.values()))
    run_status = call.enum_param("run_status", RUN_STATUSES)
    notify_status = call.enum_param("notify_status", NOTIFY_STATUSES)
    low = call.int_param("start_time", None)
    high = call.int_param("end_time", None)
    name = call.query.get("name") or None
    now = st.clock.now()
    rows = []
    for job in st.quality.jobs.values():
        if job.workspace != call.workspace or (name is not None and name not in job.name):
            continue
        if task_type is not None and TASK_TYPES[job.rule_type] != task_type:
            continue
        for inst in job.instances:
            state = inst.status(now)
            if (
                state is None
                or (run_status and state[0] != run_status)
                or (notify_status and state[1] != notify_status)
            ):
                continue
            start = inst.start_time or 0
            if (low is not None and start < low) or (high is not None and start > high):
                continue
            rows.append((start, inst.id, _item(inst, state)))
    rows = listing.ordered(rows, lambda row: (row[0], row[1]), st.config)
    return 200, {"count": len(rows), "resources": [row[2] for row in listing.page(rows, limit, offset, st.config)]}


def results(st: EmulatorState, call: Call) -> tuple[int, Any]:
    """GET /v2/{project_id}/quality/instances/{instance_id}/result: one resource per rule once finished."""
    limit = call.int_param("limit", 10, 0, 100) or 10
    offset = call.int_param("offset", 0, 0) or 0
    raw_id = call.params[0]
    inst = st.quality.instances.get(int(raw_id)) if raw_id.isdigit() else None
    now = st.clock.now()
    state = inst.status(now) if inst is not None else None
    if inst is None or inst.job.workspace != call.workspace or state is None:
        raise documented("APIG.0201", f"quality instance {raw_id} does not exist", DQC)
    if state[0] == "RUNNING":
        return 200, {"count": 0, "resources": []}
    resources = []
    for index, rule in enumerate(inst.job.rules):
        alarm = rule["sub_rule_id"] in inst.alarming
        resources.append(
            {  # the SDK's SubInstanceResult; ``results`` is a list of untyped objects there
                "sub_rule_id": str(rule["sub_rule_id"]),
                "sub_instance_instance_id": f"{inst.id}{index + 1:03d}",
                "abnormal_table_status": rule["abnormal_table_status"],
                "results": [{"rule_name": rule["name"], "total_count": 1000, "abnormal_count": 7 if alarm else 0}],
            }
        )
    return 200, {"count": len(resources), "resources": list(listing.page(resources, limit or 10, offset, st.config))}
