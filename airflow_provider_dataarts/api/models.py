"""Typed results and the meaning of every remote status, defined once per kind of run.

Operators, sensors and triggers ask :attr:`phase`; nobody keeps a private list of states. Parsers
accept every documented field form (docs' ``instanceId`` or the SDK's ``instancesId``, ids as
numbers or strings) and ignore fields they do not know.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Phase(str, enum.Enum):
    """Where a remote run is, in the terms a wait needs."""

    IN_PROGRESS = "in_progress"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ALARMING = "alarming"  # quality: finished, and a rule alarm fired
    STALLED = "stalled"  # paused / suspended / frozen: not moving, never a success
    UNKNOWN = "unknown"  # a status this provider does not know: keep waiting, never a success

    @property
    def finished(self) -> bool:
        return self in (Phase.SUCCEEDED, Phase.FAILED, Phase.ALARMING)


#: DataArts Factory instance status (v1 and v2) -> phase
FACTORY_PHASES: dict[str, Phase] = {
    "waiting": Phase.IN_PROGRESS,
    "running": Phase.IN_PROGRESS,
    "success": Phase.SUCCEEDED,
    "fail": Phase.FAILED,
    "running-exception": Phase.FAILED,
    "manual-stop": Phase.FAILED,
    "skip-by-depend": Phase.FAILED,  # did not run because an upstream instance failed
    "pause": Phase.STALLED,
    "freeze": Phase.STALLED,
    "waiting-confirm": Phase.STALLED,  # a rerun that waits for a user to confirm it (v1 list docs)
}
#: what the restart accepts: "only when it is in the successful, failed, or canceled state" (v1 restart page)
RESTARTABLE_FACTORY_STATUSES = ("success", "fail", "manual-stop")
#: what a user reads about a status that ends a wait without a plain failure
FACTORY_STATUS_NOTES = {
    "running-exception": (
        "the instance is abnormal: a node failed under the 'suspend' failure policy and the instance waits for a "
        "user to stop it, retry it, continue it or force it to success in the DataArts console"
    ),
    "skip-by-depend": "the instance was skipped because an instance it depends on failed",
}
#: DataArts Quality ``run_status`` -> phase
QUALITY_PHASES: dict[str, Phase] = {
    "RUNNING": Phase.IN_PROGRESS,
    "SUCCESS": Phase.SUCCEEDED,
    "FAILED": Phase.FAILED,
    "ALARMING": Phase.ALARMING,
    "SUSPENDING": Phase.STALLED,
    "UNKNOWN": Phase.UNKNOWN,
}
#: ModelArts visualization job status code -> name (REFERENCE.md; 22 from newer pages)
VISUALIZATION_STATUS_NAMES: dict[int, str] = dict(
    enumerate(
        [
            "UNKNOWN",
            "INIT",
            "IMAGE_CREATING",
            "IMAGE_FAILED",
            "SUBMIT_TRYING",
            "SUBMIT_FAILED",
            "DELETE_FAILED",
            "WAITING",
            "RUNNING",
            "KILLING",
            "COMPLETED",
            "FAILED",
            "KILLED",
            "CANCELED",
            "LOST",
            "SCALING",
            "SUBMIT_MODEL_FAILED",
            "DEPLOY_SERVICE_FAILED",
            "CHECK_INIT",
            "CHECK_RUNNING",
            "CHECK_RUNNING_COMPLETED",
            "CHECK_FAILED",
            "MOUNT_FAILED",
        ]
    )
)
VISUALIZATION_RUNNING = 8
_VISUALIZATION_STARTING = {1, 2, 4, 7, 15, 18, 19, 20}
# A visualization job waited for is "up" at 8 RUNNING; every other end state means it is not up.
_VISUALIZATION_DOWN = {3, 5, 6, 9, 10, 11, 12, 13, 14, 16, 17, 21, 22}


def _int(value: Any) -> int | None:
    """An int from an int or a numeric string; None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _first(data: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        if data.get(key) is not None:
            return data[key]
    return None


@dataclasses.dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list call: the items, the server's total, and the server's clock (ms) if it said."""

    total: int
    items: tuple[T, ...]
    server_time: int | None = None


@dataclasses.dataclass(frozen=True)
class JobNode:
    """A node of a DataArts Factory job instance."""

    node_name: str
    status: str | None
    node_type: str | None = None
    retry_times: int | None = None
    log_path: str | None = None
    start_time: int | None = None
    end_time: int | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> JobNode:
        return cls(
            node_name=str(data.get("nodeName") or data.get("node_name") or ""),
            status=_str(data.get("status")),
            node_type=_str(_first(data, "type", "nodeType")),
            retry_times=_int(data.get("retryTimes")),
            log_path=_str(data.get("logPath")),
            start_time=_int(data.get("startTime")),
            end_time=_int(data.get("endTime")),
        )


@dataclasses.dataclass(frozen=True)
class JobInstance:
    """A DataArts Factory v1 job instance (detail or list item)."""

    instance_id: str
    status: str | None
    job_name: str | None = None
    plan_time: int | None = None
    start_time: int | None = None
    end_time: int | None = None
    execute_time: int | None = None
    instance_type: int | None = None
    nodes: tuple[JobNode, ...] = ()

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> JobInstance:
        return cls(
            instance_id=str(_first(data, "instanceId", "instancesId", "instance_id") or ""),
            status=_str(data.get("status")),
            job_name=_str(_first(data, "jobName", "job_name")),
            plan_time=_int(data.get("planTime")),
            start_time=_int(data.get("startTime")),
            end_time=_int(data.get("endTime")),
            execute_time=_int(data.get("executeTime")),
            instance_type=_int(data.get("instanceType")),
            nodes=tuple(JobNode.from_api(node) for node in data.get("nodes") or () if isinstance(node, Mapping)),
        )

    @property
    def phase(self) -> Phase:
        return FACTORY_PHASES.get(self.status or "", Phase.UNKNOWN)

    def failed_nodes(self) -> list[JobNode]:
        return [node for node in self.nodes if node.status in ("fail", "manual-stop")]

    def fingerprint(self) -> list[Any]:
        """What changes when the instance runs again (status, start and end time)."""
        return [self.status, self.start_time, self.end_time]


@dataclasses.dataclass(frozen=True)
class FactoryInstance:
    """An item of the DataArts Factory v2 instance list."""

    job_name: str | None
    job_id: int | None
    instance_id: str
    status: str | None
    plan_time: int | None
    submit_time: int | None = None
    start_time: int | None = None
    end_time: int | None = None
    execute_time: int | None = None
    instance_type: int | None = None
    version: int | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> FactoryInstance:
        return cls(
            job_name=_str(data.get("job_name")),
            job_id=_int(data.get("job_id")),
            instance_id=str(_first(data, "instance_id", "instanceId") or ""),
            status=_str(data.get("status")),
            plan_time=_int(data.get("plan_time")),
            submit_time=_int(data.get("submit_time")),
            start_time=_int(data.get("start_time")),
            end_time=_int(data.get("end_time")),
            execute_time=_int(data.get("execute_time")),
            instance_type=_int(data.get("instance_type")),
            version=_int(data.get("version")),
        )

    @property
    def phase(self) -> Phase:
        return FACTORY_PHASES.get(self.status or "", Phase.UNKNOWN)

    @property
    def recency(self) -> tuple[int, int, int]:
        """Orders the rows of one plan time: the latest submitted run is the newest (then version, id)."""
        return (self.submit_time or 0, self.version or 0, _int(self.instance_id) or 0)

    def fingerprint(self) -> list[Any]:
        return [self.status, self.submit_time, self.start_time, self.end_time]


@dataclasses.dataclass(frozen=True)
class QualityInstance:
    """An item of the DataArts Quality instance list."""

    id: str
    name: str | None
    task_id: str | None
    task_type: str | None
    run_status: str | None
    notify_status: str | None = None
    start_time: int | None = None
    end_time: int | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> QualityInstance:
        return cls(
            id=str(_first(data, "id", "instance_id") or ""),
            name=_str(data.get("name")),
            task_id=_str(data.get("task_id")),
            task_type=_str(data.get("task_type")),
            run_status=_str(data.get("run_status")),
            notify_status=_str(data.get("notify_status")),
            start_time=_int(data.get("start_time")),
            end_time=_int(data.get("end_time")),
        )

    @property
    def phase(self) -> Phase:
        return QUALITY_PHASES.get(self.run_status or "", Phase.UNKNOWN)


@dataclasses.dataclass(frozen=True)
class QualityRuleResult:
    """One rule's result in a quality instance."""

    sub_rule_id: str | None
    sub_instance_id: str | None
    abnormal_table_status: str | None
    results: Any = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> QualityRuleResult:
        return cls(
            sub_rule_id=_str(data.get("sub_rule_id")),
            sub_instance_id=_str(data.get("sub_instance_instance_id")),
            abnormal_table_status=_str(data.get("abnormal_table_status")),
            results=data.get("results"),
        )


@dataclasses.dataclass(frozen=True)
class VisualizationJob:
    """A ModelArts visualization job (TensorBoard / MindInsight)."""

    job_id: str
    job_name: str | None
    status: int | None
    service_url: str | None = None
    create_time: int | None = None
    duration: int | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> VisualizationJob:
        return cls(
            job_id=str(data.get("job_id") or ""),
            job_name=_str(data.get("job_name")),
            status=_int(data.get("status")),
            service_url=_str(data.get("service_url")),
            create_time=_int(data.get("create_time")),
            duration=_int(data.get("duration")),
        )

    @property
    def status_name(self) -> str:
        if self.status is None:
            return "UNKNOWN"
        return VISUALIZATION_STATUS_NAMES.get(self.status, f"UNKNOWN({self.status})")

    @property
    def phase(self) -> Phase:
        """SUCCEEDED means up (8 RUNNING): a restarted job is waited for until it serves."""
        if self.status == VISUALIZATION_RUNNING:
            return Phase.SUCCEEDED
        if self.status in _VISUALIZATION_STARTING:
            return Phase.IN_PROGRESS
        if self.status in _VISUALIZATION_DOWN:
            return Phase.FAILED
        return Phase.UNKNOWN

    def fingerprint(self) -> list[Any]:
        return [self.status, self.create_time]
