"""Field checks shared by the scenario parser: each returns the normalised value or raises ScenarioError.

Also the value sets (statuses, outcomes) that scenarios and services agree on.
"""

from __future__ import annotations

from typing import Any, overload

from airflow_provider_dataarts.emulator.clock import parse_time

DEFAULT_PROJECT = "0123456789abcdef0123456789abcdef"
DEFAULT_CREDENTIAL = {"ak": "EMULATORAK00000000000", "sk": "emulator-secret-key-0000000000000000000"}
DEFAULT_USER = {"domain": "emulator-domain", "name": "emulator-user", "password": "emulator-password"}
DEFAULT_WORKSPACES = ["ws-default", "ws-analytics"]

FACTORY_STATUSES = (
    "waiting",
    "running",
    "success",
    "fail",
    "running-exception",
    "manual-stop",
    "pause",
    "skip-by-depend",
    "freeze",
)
#: what a restart accepts: "only when it is in the successful, failed, or canceled state" (the v1 restart page)
FINISHED = frozenset(("success", "fail", "manual-stop"))
OUTCOMES = ("success", "fail", "running-exception", "manual-stop")
#: the job list's ``jobType`` (default BATCH)
JOB_TYPES = ("BATCH", "REAL_TIME")
#: a batch job's ``schedule.type`` (Viewing Job Details): EXECUTE_ONCE jobs have no schedule to start
SCHEDULE_TYPES = ("CRON", "EVENT", "EXECUTE_ONCE")
RUN_STATUSES = ("RUNNING", "SUCCESS", "FAILED", "ALARMING", "SUSPENDING", "UNKNOWN")
NOTIFY_STATUSES = ("NOT_TRIGGERED", "SUCCESS", "FAILED")
#: the abnormal-table export's status of a rule result (SDK ``SubInstanceResult`` docstring): not a verdict
ABNORMAL_TABLE_STATUSES = ("UNSUPPORTED", "READY", "RUNNING", "FAILED", "SUCCESS")


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; the message names the offending field."""


def check_keys(data: Any, where: str, allowed: tuple[str, ...]) -> dict[str, Any]:
    """The mapping itself, after refusing keys not in ``allowed``."""
    if not isinstance(data, dict):
        raise ScenarioError(f"{where}: expected a mapping, got {type(data).__name__}")
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ScenarioError(f"{where}: unknown key(s) {', '.join(map(str, unknown))}; allowed: {', '.join(allowed)}")
    return data


def as_list(data: Any, where: str) -> list[Any]:
    """A list (None reads as empty)."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise ScenarioError(f"{where}: expected a list, got {type(data).__name__}")
    return data


def as_num(data: Any, where: str, default: float | None = None, allow_none: bool = False) -> Any:
    """A number >= 0 (seconds, speeds), the default when absent."""
    if data is None:
        if default is None and not allow_none:
            raise ScenarioError(f"{where}: required")
        return default
    if isinstance(data, bool) or not isinstance(data, (int, float)) or data < 0:
        raise ScenarioError(f"{where}: expected a number >= 0, got {data!r}")
    return data


def as_int(data: Any, where: str, default: int | None = None) -> int:
    """An integer (digit strings accepted), the default when absent."""
    if data is None and default is not None:
        return default
    if isinstance(data, str) and data.isdigit():
        return int(data)
    if isinstance(data, bool) or not isinstance(data, int):
        raise ScenarioError(f"{where}: expected an integer, got {data!r}")
    return data


def as_str(data: Any, where: str, default: str | None = None) -> str:
    """A non-empty string (numbers converted), the default when absent."""
    if data is None and default is not None:
        return default
    if isinstance(data, (int, float)) and not isinstance(data, bool):
        return str(data)
    if not isinstance(data, str) or not data:
        raise ScenarioError(f"{where}: expected a non-empty string, got {data!r}")
    return data


def as_enum(data: Any, where: str, choices: tuple[Any, ...], default: Any = None) -> Any:
    """One of ``choices``, the default when absent."""
    if data is None and default is not None:
        return default
    if data not in choices:
        raise ScenarioError(f"{where}: expected one of {', '.join(map(str, choices))}, got {data!r}")
    return data


@overload
def as_time(data: Any, where: str, default: int) -> int: ...
@overload
def as_time(data: Any, where: str, default: None = None) -> int | None: ...
def as_time(data: Any, where: str, default: int | None = None) -> int | None:
    """Epoch milliseconds from ms or ISO-8601, the default when absent."""
    if data is None:
        return default
    try:
        return parse_time(data, where)
    except ValueError as error:
        raise ScenarioError(str(error)) from None


def timing(item: dict[str, Any], where: str, keys: tuple[str, ...]) -> dict[str, Any]:
    """The optional durations (virtual seconds) named by ``keys``; None where absent."""
    return {key: as_num(item.get(key), f"{where}.{key}", allow_none=True) for key in keys}
