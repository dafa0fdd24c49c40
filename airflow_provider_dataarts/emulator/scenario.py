"""Scenario files: load (JSON, YAML, dict or the built-in default), validate and normalise.

A scenario is the emulator's whole starting world. Normalising it once (times to epoch ms, ids to
their wire types, every default filled in) keeps the services free of parsing on the hot path.
Unknown keys are refused so that a typo in a test scenario fails loudly instead of being ignored.
"""

from __future__ import annotations

import copy
import json
import pathlib
from typing import Any

from airflow_provider_dataarts.emulator.clock import resolve_relative
from airflow_provider_dataarts.emulator.config import CONFIG_CHECKS
from airflow_provider_dataarts.emulator.scenario_checks import (
    DEFAULT_CREDENTIAL,
    DEFAULT_PROJECT,
    DEFAULT_USER,
    DEFAULT_WORKSPACES,
    ScenarioError,
    as_list,
    as_num,
    as_str,
    as_time,
    check_keys,
)
from airflow_provider_dataarts.emulator.scenario_jobs import factory_job, quality_job, visualization_job

DEFAULT_PATH = pathlib.Path(__file__).with_name("scenarios") / "default.json"

__all__ = ["DEFAULT_PATH", "ScenarioError", "normalise", "read_source"]

_TOP_KEYS = (
    "clock",
    "project_id",
    "extra_projects",
    "credentials",
    "users",
    "workspaces",
    "defaults",
    "config",
    "factory_jobs",
    "quality_jobs",
    "visualization_jobs",
)


def normalise(raw: Any, now_ms: int) -> dict[str, Any]:
    """Check a raw scenario and return it with every default filled in and every time in epoch ms."""
    raw = check_keys(raw if raw is not None else {}, "scenario", _TOP_KEYS)
    clock = check_keys(raw.get("clock") or {}, "clock", ("start", "speed"))
    start = clock.get("start")
    start_ms = now_ms if start in (None, "now") else as_time(start, "clock.start", now_ms)
    raw = resolve_relative(raw, start_ms, TIME_KEYS)
    defaults = check_keys(raw.get("defaults") or {}, "defaults", ("lag", "wait", "duration", "step"))
    config = check_keys(raw.get("config") or {}, "config", tuple(CONFIG_CHECKS))
    workspaces = [as_str(w, "workspaces[]") for w in as_list(raw.get("workspaces"), "workspaces")] or list(
        DEFAULT_WORKSPACES
    )
    credentials = []
    for i, cred in enumerate(as_list(raw.get("credentials"), "credentials") or [DEFAULT_CREDENTIAL]):
        check_keys(cred, f"credentials[{i}]", ("ak", "sk", "security_token"))
        token = cred.get("security_token")
        credentials.append(
            {
                "ak": as_str(cred.get("ak"), f"credentials[{i}].ak"),
                "sk": as_str(cred.get("sk"), f"credentials[{i}].sk"),
                "security_token": None if token is None else as_str(token, f"credentials[{i}].security_token"),
            }
        )
    users = []
    for i, user in enumerate(as_list(raw.get("users"), "users") or [DEFAULT_USER]):
        check_keys(user, f"users[{i}]", ("domain", "name", "password"))
        users.append({key: as_str(user.get(key), f"users[{i}].{key}") for key in ("domain", "name", "password")})
    lag = as_num(defaults.get("lag"), "defaults.lag", 2)
    wait = as_num(defaults.get("wait"), "defaults.wait", 1)
    ids = {"job": _highest(raw, None, "job_id", 917_000), "instance": _highest(raw, "instances", "instance_id", 34_000)}
    factory_jobs = [
        factory_job(job, f"factory_jobs[{i}]", workspaces, ids, start_ms)
        for i, job in enumerate(as_list(raw.get("factory_jobs"), "factory_jobs"))
    ]
    for job in factory_jobs:  # a real-time start/stop takes the restart lag unless the job says otherwise
        job["schedule_lag"] = lag if job["schedule_lag"] is None else job["schedule_lag"]
    result = {
        "clock": {
            "start": start_ms,
            "speed": as_num(clock.get("speed"), "clock.speed", 1.0),
        },
        "project_id": as_str(raw.get("project_id"), "project_id", DEFAULT_PROJECT),
        "extra_projects": [as_str(p, "extra_projects[]") for p in as_list(raw.get("extra_projects"), "extra_projects")],
        "credentials": credentials,
        "users": users,
        "workspaces": workspaces,
        "defaults": {
            "lag": lag,
            "wait": wait,
            "duration": as_num(defaults.get("duration"), "defaults.duration", 10),
            "step": as_num(defaults.get("step"), "defaults.step", wait or 1),
        },
        "config": dict(config),
        "factory_jobs": factory_jobs,
        "quality_jobs": [
            quality_job(job, f"quality_jobs[{i}]", workspaces)
            for i, job in enumerate(as_list(raw.get("quality_jobs"), "quality_jobs"))
        ],
        "visualization_jobs": [
            visualization_job(job, f"visualization_jobs[{i}]")
            for i, job in enumerate(as_list(raw.get("visualization_jobs"), "visualization_jobs"))
        ],
    }
    _check_unique(result)
    return result


def _highest(raw: dict[str, Any], inner: str | None, key: str, floor: int) -> int:
    """The largest explicit id in the factory jobs (so automatic ids never collide with given ones)."""
    found = [floor]
    for job in raw.get("factory_jobs") or []:
        items = (job.get(inner) or []) if inner and isinstance(job, dict) else [job]
        for item in items:
            value = item.get(key) if isinstance(item, dict) else None
            if isinstance(value, int) and not isinstance(value, bool):
                found.append(value)
    return max(found)


def _check_unique(scenario: dict[str, Any]) -> None:
    seen: set[Any] = set()
    for job in scenario["factory_jobs"]:
        key = (job["workspace"], job["name"])
        if key in seen:
            raise ScenarioError(f"factory_jobs: job {job['name']!r} appears twice in workspace {job['workspace']}")
        seen.add(key)
    instance_ids = [inst["instance_id"] for job in scenario["factory_jobs"] for inst in job["instances"]]
    if len(set(instance_ids)) != len(instance_ids):
        raise ScenarioError("factory_jobs: instance ids must be unique")
    quality_ids = [job["id"] for job in scenario["quality_jobs"]]
    if len(set(quality_ids)) != len(quality_ids):
        raise ScenarioError("quality_jobs: job ids must be unique")
    runs = [inst["id"] for job in scenario["quality_jobs"] for inst in job["instances"]]
    if len(set(runs)) != len(runs):
        raise ScenarioError("quality_jobs: instance ids must be unique")
    vis_ids = [job["job_id"] for job in scenario["visualization_jobs"]]
    if len(set(vis_ids)) != len(vis_ids):
        raise ScenarioError("visualization_jobs: job ids must be unique")


#: keys whose string values may be relative times ("yesterday 02:00", "now-90m")
TIME_KEYS = frozenset({"plan_time", "submit_time", "start_time", "end_time", "create_time", "last_update_time"})


def bundled(name: str | pathlib.Path) -> pathlib.Path | None:
    """The bundled scenario file called ``name`` (``default``, ``examples``, ...), if there is one."""
    if not isinstance(name, str) or not name.isidentifier():
        return None
    path = DEFAULT_PATH.parent / f"{name}.json"
    return path if path.is_file() else None


def bundled_names() -> list[str]:
    return sorted(path.stem for path in DEFAULT_PATH.parent.glob("*.json"))


def read_source(source: str | pathlib.Path | dict[str, Any] | None) -> dict[str, Any]:
    """The raw scenario: a dict as given (copied), a JSON/YAML file, or the built-in default."""
    if source is None:
        source = DEFAULT_PATH
    if isinstance(source, dict):
        return copy.deepcopy(source)
    path = bundled(source) or pathlib.Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioError(f"cannot read scenario file {str(path)!r}: {error}") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:  # pragma: no cover - PyYAML is a test dependency
            raise ScenarioError("YAML scenarios need PyYAML (pip install pyyaml); or use JSON") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise ScenarioError(f"{path}: invalid YAML: {error}") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ScenarioError(f"{path}: invalid JSON: {error}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: a scenario must be a mapping at the top level")
    return data
