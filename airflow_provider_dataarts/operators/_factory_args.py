"""Checking and shaping the DataArts Factory restart / rerun arguments into API bodies.

Pure functions (no Airflow, no HTTP): the operators call them at DAG-parse time for literal values
and again after rendering, and the bad-input catalogue tests them directly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from airflow_provider_dataarts import validation
from airflow_provider_dataarts.validation import InvalidParameterError

#: v1 restart ``retry_location`` (snake_case in the API), aliases from the v2 spelling
V1_RETRY_LOCATIONS = {
    "error_node": "error_node",
    "first_node": "first_node",
    "specified_node": "specified_node",
    "errorNode": "error_node",
    "firstNode": "first_node",
    "specifiedNode": "specified_node",
}
#: v2 rerun ``retry_location`` (camelCase in the API), aliases from the v1 spelling
V2_RETRY_LOCATIONS = {
    "errorNode": "errorNode",
    "firstNode": "firstNode",
    "specifiedNode": "specifiedNode",
    "error_node": "errorNode",
    "first_node": "firstNode",
    "specified_node": "specifiedNode",
}
V1_PARAM_VERSIONS = ("original_version", "latest_version")
V2_TASK_VERSIONS = ("original_version", "current_version")


def node_name_for(retry_location: str | None, node_name: Any) -> str | None:
    """``node_name`` is required for a specified node and meaningless otherwise."""
    specified = retry_location in ("specified_node", "specifiedNode")
    if specified and node_name is None:
        raise InvalidParameterError(
            "node_name", f"is required when retry_location is {retry_location!r} (the node to rerun from)"
        )
    if node_name is not None and not specified:
        raise InvalidParameterError(
            "node_name", f"only applies with retry_location 'specified_node'; got retry_location {retry_location!r}"
        )
    return None if node_name is None else validation.text("node_name", node_name)


def restart_body(
    retry_location: Any, node_name: Any, job_param_version: Any, ignore_obs_monitor: Any
) -> dict[str, Any] | None:
    """The optional v1 restart body; None (the seed form, no body) when no option is given."""
    body: dict[str, Any] = {}
    location = None
    if retry_location is not None:
        location = body["retry_location"] = validation.choice("retry_location", retry_location, V1_RETRY_LOCATIONS)
    name = node_name_for(location, node_name)
    if name is not None:
        body["node_name"] = name
    if job_param_version is not None:
        body["job_param_version"] = validation.choice("job_param_version", job_param_version, V1_PARAM_VERSIONS)
    if ignore_obs_monitor is not None:
        body["ignore_obs_monitor"] = validation.boolean("ignore_obs_monitor", ignore_obs_monitor)
    return body or None


def _task_retry(index: int, item: Any) -> dict[str, int]:
    where = f"task_retrys[{index}]"
    if not isinstance(item, Mapping):
        raise InvalidParameterError(
            where, "expected {'job_id', 'plan_time', 'submit_time'} (from the v2 instance list)"
        )
    missing = [key for key in ("job_id", "plan_time", "submit_time") if item.get(key) is None]
    if missing:
        raise InvalidParameterError(where, f"missing {', '.join(missing)} (take them from the v2 instance list)")
    return {
        "job_id": int(validation.identifier(f"{where}.job_id", item["job_id"])),
        "plan_time": validation.epoch_ms(f"{where}.plan_time", item["plan_time"]),
        "submit_time": validation.epoch_ms(f"{where}.submit_time", item["submit_time"]),
    }


def _job(index: int, item: Any, workspace: str | None) -> dict[str, str]:
    where = f"jobs[{index}]"
    if isinstance(item, str):
        item = {"job_name": item}
    if not isinstance(item, Mapping) or item.get("job_name") is None:
        raise InvalidParameterError(where, "expected a job name or {'job_name', 'workspace_id'}")
    workspace_id = item.get("workspace_id") or workspace
    if not workspace_id:
        raise InvalidParameterError(f"{where}.workspace_id", "is required (or set the task's workspace)")
    return {
        "job_name": validation.text(f"{where}.job_name", item["job_name"]),
        "workspace_id": validation.token(f"{where}.workspace_id", workspace_id),
    }


def rerun_body(
    *,
    retry_location: Any,
    retry_task_version: Any,
    node_name: Any = None,
    ignore_obs_monitor: Any = None,
    task_retrys: Any = None,
    begin_time: Any = None,
    end_time: Any = None,
    jobs: Any = None,
    concurrent: Any = None,
    workspace: str | None = None,
) -> dict[str, Any]:
    """The v2 rerun body, mode 1 (``task_retrys``) or mode 2 (a time window), checked."""
    if retry_location is None:
        raise InvalidParameterError("retry_location", f"is required; allowed values: {', '.join(V2_RETRY_LOCATIONS)}")
    if retry_task_version is None:
        raise InvalidParameterError("retry_task_version", f"is required; allowed values: {', '.join(V2_TASK_VERSIONS)}")
    location = validation.choice("retry_location", retry_location, V2_RETRY_LOCATIONS)
    body: dict[str, Any] = {
        "retry_location": location,
        "retry_task_version": validation.choice("retry_task_version", retry_task_version, V2_TASK_VERSIONS),
    }
    name = node_name_for(location, node_name)
    if name is not None:
        body["node_name"] = name
    if ignore_obs_monitor is not None:
        body["ignore_obs_monitor"] = validation.boolean("ignore_obs_monitor", ignore_obs_monitor)
    window_args = {"begin_time": begin_time, "end_time": end_time, "jobs": jobs, "concurrent": concurrent}
    given = [name for name, value in window_args.items() if value is not None]
    if task_retrys is not None and given:
        raise InvalidParameterError(
            "task_retrys",
            f"cannot be combined with {', '.join(given)}: give task_retrys to rerun instances of this job (mode 1), "
            "or begin_time and end_time (with optional jobs and concurrent) to rerun this job and its "
            "upstream/downstream jobs in a time window (mode 2)",
        )
    if task_retrys is not None:
        if not isinstance(task_retrys, (list, tuple)) or not task_retrys:
            raise InvalidParameterError(
                "task_retrys", "expected a non-empty list of {'job_id', 'plan_time', 'submit_time'}"
            )
        body["task_retrys"] = [_task_retry(index, item) for index, item in enumerate(task_retrys)]
        return body
    if begin_time is None or end_time is None:
        missing = "begin_time" if begin_time is None else "end_time"
        raise InvalidParameterError(
            missing, "is required: give task_retrys (mode 1), or both begin_time and end_time (mode 2)"
        )
    body["begin_time"] = validation.epoch_ms("begin_time", begin_time)
    body["end_time"] = validation.epoch_ms("end_time", end_time)
    if body["begin_time"] > body["end_time"]:
        raise InvalidParameterError("end_time", "must not be before begin_time")
    if jobs is None:
        # The API needs ``jobs`` in mode 2 (seed 003, SDK docstring); only what the user gives is sent.
        raise InvalidParameterError(
            "jobs",
            "is required with begin_time and end_time (mode 2): the upstream/downstream jobs to rerun with this "
            "one, as names or {'job_name', 'workspace_id'}; give [] to rerun this job's instances only",
        )
    if not isinstance(jobs, (list, tuple)):
        raise InvalidParameterError("jobs", "expected a list of job names or {'job_name', 'workspace_id'}")
    body["jobs"] = [_job(index, item, workspace) for index, item in enumerate(jobs)]
    if concurrent is not None:
        body["concurrent"] = validation.integer("concurrent", concurrent, minimum=1, maximum=128)
    return body


#: the documented kinds of job parameter (``paramType`` in the v1 SDK, ``type`` on the current pages)
PARAM_TYPES = ("variable", "constants")
_PARAM_TYPE_KEYS = ("paramType", "type")
#: a job parameter's name: 1-64 letters, digits, '-' or '_' (huaweicloudsdkdgc JobParam docstring)
_PARAM_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def job_params(value: Any) -> list[dict[str, str]] | None:
    """``job_params`` as the API's ``jobParams``: from ``{name: value}`` or ``[{name, value[, paramType]}]``
    (``type`` is accepted for ``paramType`` and sent as given); values are sent as strings (numbers are
    converted; anything else is refused)."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        items: list[Any] = [{"name": name, "value": item} for name, item in value.items()]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise InvalidParameterError(
            "job_params", f"expected a dict {{name: value}} or a list of {{name, value}}, got {type(value).__name__}"
        )
    params = [_job_param(f"job_params[{index}]", item) for index, item in enumerate(items)]
    names = [param["name"] for param in params]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise InvalidParameterError("job_params", f"a name is given twice: {twice}")
    return params


def _job_param(where: str, item: Any) -> dict[str, str]:
    if not isinstance(item, Mapping):
        raise InvalidParameterError(where, f"expected a dict with 'name' and 'value', got {type(item).__name__}")
    allowed = ("name", "value", *_PARAM_TYPE_KEYS)
    unknown = sorted(str(key) for key in item if key not in allowed)
    if unknown:
        raise InvalidParameterError(where, f"unknown keys {unknown}; allowed keys: {', '.join(map(repr, allowed))}")
    type_keys = [key for key in _PARAM_TYPE_KEYS if item.get(key) is not None]
    if len(type_keys) > 1:
        raise InvalidParameterError(where, "give 'paramType' or 'type', not both")
    name = validation.text(f"{where}.name", item.get("name"), max_length=64)
    if not _PARAM_NAME.fullmatch(name):
        raise InvalidParameterError(
            f"{where}.name", f"may hold only letters, digits, '-' and '_' (the API's rule): {name!r}"
        )
    param = {"name": name, "value": _param_value(where, item)}
    for key in type_keys:
        param[key] = validation.choice(f"{where}.{key}", item[key], PARAM_TYPES)
    return param


def _param_value(where: str, item: Mapping[str, Any]) -> str:
    value = item.get("value")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InvalidParameterError(f"{where}.value", f"expected a string or a number, got {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidParameterError(f"{where}.value", f"must be a finite number, got {value!r}")
    text = str(value)
    if len(text) > 1024:
        raise InvalidParameterError(f"{where}.value", "is longer than 1024 characters (the API's limit)")
    return text
