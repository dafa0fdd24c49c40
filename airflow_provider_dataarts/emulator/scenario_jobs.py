"""Scenario sections for the three services: factory jobs, quality jobs and visualization jobs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from airflow_provider_dataarts.emulator.scenario_checks import (
    ABNORMAL_TABLE_STATUSES,
    DEFAULT_USER,
    FACTORY_STATUSES,
    JOB_TYPES,
    NOTIFY_STATUSES,
    OUTCOMES,
    RUN_STATUSES,
    SCHEDULE_TYPES,
    ScenarioError,
    as_enum,
    as_int,
    as_list,
    as_num,
    as_str,
    as_time,
    check_keys,
    timing,
)


def _restart(item: Any, where: str, nodes: list[str]) -> dict[str, Any]:
    check_keys(item, where, ("outcome", "failed_node", "lag", "wait", "duration"))
    failed = item.get("failed_node")
    if failed is not None and failed not in nodes:
        raise ScenarioError(f"{where}.failed_node: {failed!r} is not a node of the job")
    return {
        "outcome": as_enum(item.get("outcome"), f"{where}.outcome", OUTCOMES, "success"),
        "failed_node": failed,
        **timing(item, where, ("lag", "wait", "duration")),
    }


_INSTANCE_KEYS = (
    "instance_id",
    "plan_time",
    "status",
    "failed_node",
    "running_node",
    "instance_type",
    "start_time",
    "end_time",
    "submit_time",
    "duration",
    "outcome",
    "version",
    "force_success",
    "ignore_success",
    "restarts",
)


def _factory_instance(item: Any, where: str, nodes: list[str], next_id: Callable[[], int]) -> dict[str, Any]:
    check_keys(item, where, _INSTANCE_KEYS)
    for key in ("failed_node", "running_node"):
        if item.get(key) is not None and item[key] not in nodes:
            raise ScenarioError(f"{where}.{key}: {item[key]!r} is not a node of the job")
    plan = as_time(item.get("plan_time"), f"{where}.plan_time")
    if plan is None:
        raise ScenarioError(f"{where}.plan_time: required")
    instance_id = item.get("instance_id")
    return {
        "instance_id": next_id() if instance_id is None else as_int(instance_id, f"{where}.instance_id"),
        "plan_time": plan,
        "status": as_enum(item.get("status"), f"{where}.status", FACTORY_STATUSES, "success"),
        "failed_node": item.get("failed_node"),
        "running_node": item.get("running_node"),
        "instance_type": as_int(item.get("instance_type"), f"{where}.instance_type", 0),
        "start_time": as_time(item.get("start_time"), f"{where}.start_time"),
        "end_time": as_time(item.get("end_time"), f"{where}.end_time"),
        "submit_time": as_time(item.get("submit_time"), f"{where}.submit_time"),
        "duration": as_num(item.get("duration"), f"{where}.duration", allow_none=True),
        "outcome": as_enum(item.get("outcome"), f"{where}.outcome", OUTCOMES, "success"),
        "version": as_int(item.get("version"), f"{where}.version", 1),
        "force_success": bool(item.get("force_success", False)),
        "ignore_success": bool(item.get("ignore_success", False)),
        "restarts": [
            _restart(r, f"{where}.restarts[{i}]", nodes) for i, r in enumerate(as_list(item.get("restarts"), where))
        ],
    }


_JOB_KEYS = (
    "name",
    "workspace",
    "job_id",
    "nodes",
    "instances",
    "job_type",
    "schedule",
    "schedule_type",
    "schedule_lag",
    "starts",
    "runs",
    "owner",
    "priority",
    "create_time",
    "last_update_time",
    "tags",
)
#: the statuses a scenario may start a job in (a real-time job's STARTING / STOPPING only follow a call)
_INITIAL = {"BATCH": ("SCHEDULING", "STOPPED", "PAUSED"), "REAL_TIME": ("NORMAL", "STOPPED", "EXCEPTION")}
_MONTH_MS = 30 * 86_400_000


def _job_schedule(item: dict[str, Any], where: str, names: list[str], start_ms: int) -> dict[str, Any]:
    """A job's type, schedule state and scripts (run-once outcomes; real-time start outcomes), and the
    job list's descriptive fields."""
    job_type = as_enum(item.get("job_type"), f"{where}.job_type", JOB_TYPES, "BATCH")
    batch = job_type == "BATCH"
    if not batch:
        for key in ("schedule_type", "runs"):
            if item.get(key) is not None:
                raise ScenarioError(f"{where}.{key}: only batch jobs have it")
    elif item.get("starts") is not None:
        raise ScenarioError(f"{where}.starts: only real-time jobs have it")
    schedule_type = as_enum(item.get("schedule_type"), f"{where}.schedule_type", SCHEDULE_TYPES, "CRON")
    once = schedule_type == "EXECUTE_ONCE"
    initial = ("STOPPED",) if once else _INITIAL[job_type]
    default = "STOPPED" if once else "SCHEDULING" if batch else "NORMAL"
    created = as_time(item.get("create_time"), f"{where}.create_time", start_ms - _MONTH_MS)
    priority = as_enum(item.get("priority"), f"{where}.priority", (0, 1, 2), 0)
    return {
        "job_type": job_type,
        "schedule": as_enum(item.get("schedule"), f"{where}.schedule", initial, default),
        "schedule_type": schedule_type,
        "schedule_lag": as_num(item.get("schedule_lag"), f"{where}.schedule_lag", allow_none=True),
        "starts": [
            as_enum(outcome, f"{where}.starts[{i}]", ("NORMAL", "EXCEPTION"))
            for i, outcome in enumerate(as_list(item.get("starts"), f"{where}.starts"))
        ],
        "runs": [_restart(r, f"{where}.runs[{i}]", names) for i, r in enumerate(as_list(item.get("runs"), where))],
        "owner": as_str(item.get("owner"), f"{where}.owner", DEFAULT_USER["name"]),
        "priority": priority,
        "create_time": created,
        "last_update_time": as_time(item.get("last_update_time"), f"{where}.last_update_time", created),
        "tags": [as_str(tag, f"{where}.tags[]") for tag in as_list(item.get("tags"), f"{where}.tags")],
    }


def factory_job(item: Any, where: str, workspaces: list[str], ids: dict[str, int], start_ms: int = 0) -> dict[str, Any]:
    check_keys(item, where, _JOB_KEYS)
    nodes = []
    for i, node in enumerate(as_list(item.get("nodes"), f"{where}.nodes")):
        node_where = f"{where}.nodes[{i}]"
        if isinstance(node, str):
            node = {"name": node}
        check_keys(node, node_where, ("name", "type"))
        nodes.append(
            {"name": as_str(node.get("name"), f"{node_where}.name"), "type": as_str(node.get("type"), "", "DLI")}
        )
    if not nodes:
        nodes = [{"name": "node_1", "type": "DLI"}]
    names = [n["name"] for n in nodes]
    if len(set(names)) != len(names):
        raise ScenarioError(f"{where}.nodes: node names must be unique")
    workspace = as_str(item.get("workspace"), f"{where}.workspace", workspaces[0])
    if workspace not in workspaces:
        raise ScenarioError(f"{where}.workspace: {workspace!r} is not one of the scenario's workspaces")

    def next_instance() -> int:
        ids["instance"] += 1
        return ids["instance"]

    ids["job"] += 1
    job_id = item.get("job_id")
    return {
        "name": as_str(item.get("name"), f"{where}.name"),
        "workspace": workspace,
        "job_id": ids["job"] if job_id is None else as_int(job_id, f"{where}.job_id"),
        "nodes": nodes,
        "instances": [
            _factory_instance(inst, f"{where}.instances[{i}]", names, next_instance)
            for i, inst in enumerate(as_list(item.get("instances"), f"{where}.instances"))
        ],
        **_job_schedule(item, where, names, start_ms),
    }


def _rules(item: Any, where: str) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for i, rule in enumerate(as_list(item, where)):
        check_keys(rule, f"{where}[{i}]", ("sub_rule_id", "name", "abnormal_table_status"))
        rule_id = as_int(rule.get("sub_rule_id"), f"{where}[{i}].sub_rule_id", i + 1)
        export = rule.get("abnormal_table_status", "UNSUPPORTED")
        if export not in ABNORMAL_TABLE_STATUSES:
            raise ScenarioError(f"{where}[{i}].abnormal_table_status: one of {', '.join(ABNORMAL_TABLE_STATUSES)}")
        name = as_str(rule.get("name"), "", f"rule_{rule_id}")
        rules.append({"sub_rule_id": rule_id, "name": name, "abnormal_table_status": export})
    return rules or [{"sub_rule_id": 1, "name": "rule_1", "abnormal_table_status": "UNSUPPORTED"}]


def _alarming(data: Any, where: str, rule_ids: list[int]) -> list[int] | None:
    if data is None:
        return None
    values = [as_int(x, where) for x in as_list(data, where)]
    for value in values:
        if value not in rule_ids:
            raise ScenarioError(f"{where}: {value} is not a sub_rule_id of the job")
    return values


def quality_job(item: Any, where: str, workspaces: list[str]) -> dict[str, Any]:
    keys = ("id", "name", "rule_type", "workspace", "rules", "instances", "runs")
    check_keys(item, where, keys)
    rules = _rules(item.get("rules"), f"{where}.rules")
    rule_ids = [r["sub_rule_id"] for r in rules]
    workspace = as_str(item.get("workspace"), f"{where}.workspace", workspaces[0])
    if workspace not in workspaces:
        raise ScenarioError(f"{where}.workspace: {workspace!r} is not one of the scenario's workspaces")
    instances = []
    for i, inst in enumerate(as_list(item.get("instances"), f"{where}.instances")):
        w = f"{where}.instances[{i}]"
        check_keys(inst, w, ("id", "run_status", "notify_status", "start_time", "end_time", "alarming_rules"))
        run_status = as_enum(inst.get("run_status"), f"{w}.run_status", RUN_STATUSES, "SUCCESS")
        instances.append(
            {
                "id": as_int(inst.get("id"), f"{w}.id"),
                "run_status": run_status,
                "notify_status": as_enum(inst.get("notify_status"), f"{w}.notify_status", NOTIFY_STATUSES, "") or None,
                "start_time": as_time(inst.get("start_time"), f"{w}.start_time"),
                "end_time": as_time(inst.get("end_time"), f"{w}.end_time"),
                "alarming_rules": _alarming(inst.get("alarming_rules"), f"{w}.alarming_rules", rule_ids),
            }
        )
    runs = []
    for i, run in enumerate(as_list(item.get("runs"), f"{where}.runs")):
        w = f"{where}.runs[{i}]"
        check_keys(run, w, ("run_status", "alarming_rules", "lag", "duration"))
        finished = tuple(s for s in RUN_STATUSES if s != "RUNNING")
        runs.append(
            {
                "run_status": as_enum(run.get("run_status"), f"{w}.run_status", finished, "SUCCESS"),
                "alarming_rules": _alarming(run.get("alarming_rules"), f"{w}.alarming_rules", rule_ids),
                **timing(run, w, ("lag", "duration")),
            }
        )
    return {
        "id": as_str(item.get("id"), f"{where}.id"),
        "name": as_str(item.get("name"), f"{where}.name"),
        "rule_type": as_enum(item.get("rule_type"), f"{where}.rule_type", (1, 2), 1),
        "workspace": workspace,
        "rules": rules,
        "instances": instances,
        "runs": runs,
    }


def visualization_job(item: Any, where: str) -> dict[str, Any]:
    keys = ("job_id", "job_name", "status", "job_desc", "create_time", "workspace_id", "restarts")
    check_keys(item, where, keys)
    restarts = []
    for i, restart in enumerate(as_list(item.get("restarts"), f"{where}.restarts")):
        w = f"{where}.restarts[{i}]"
        check_keys(restart, w, ("path", "lag", "step"))
        path = [as_int(code, f"{w}.path") for code in as_list(restart.get("path"), f"{w}.path")]
        restarts.append({"path": path or [1, 4, 7, 8], **timing(restart, w, ("lag", "step"))})
    return {
        "job_id": as_str(item.get("job_id"), f"{where}.job_id"),
        "job_name": as_str(item.get("job_name"), f"{where}.job_name"),
        "status": as_int(item.get("status"), f"{where}.status", 12),
        "job_desc": str(item.get("job_desc") or ""),
        "create_time": as_time(item.get("create_time"), f"{where}.create_time"),
        "workspace_id": as_str(item.get("workspace_id"), f"{where}.workspace_id", "0"),
        "restarts": restarts,
    }
