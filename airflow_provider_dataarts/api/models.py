"""Typed results of the API calls, read through :mod:`.fields` so that only documented answers count.

Each ``from_api`` takes one decoded JSON value and returns a model, or raises
:class:`~.fields.UnusableAnswer` naming the field at fault; the call layer turns that into the
provider's response error. What every status *means* lives in :mod:`.phases`.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Generic, TypeVar

from airflow_provider_dataarts.api import fields
from airflow_provider_dataarts.api.phases import (
    FACTORY_PHASES,
    QUALITY_PHASES,
    VISUALIZATION_STATUS_NAMES,
    Phase,
    visualization_phase,
)

T = TypeVar("T")


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
    def from_api(cls, data: Any) -> JobNode:
        data = fields.obj(data, "a node")
        return cls(
            node_name=fields.text(data, "nodeName", "node_name", required=True) or "",
            status=fields.word(data, "status"),
            node_type=fields.word(data, "type", "nodeType"),
            retry_times=fields.integer(data, "retryTimes"),
            log_path=fields.text(data, "logPath"),
            start_time=fields.integer(data, "startTime"),
            end_time=fields.integer(data, "endTime"),
        )


@dataclasses.dataclass(frozen=True)
class JobInstance:
    """A DataArts Factory v1 job instance (detail or list item). Its ``status`` is required."""

    instance_id: str
    status: str
    job_name: str | None = None
    plan_time: int | None = None
    start_time: int | None = None
    end_time: int | None = None
    execute_time: int | None = None
    instance_type: int | None = None
    nodes: tuple[JobNode, ...] = ()

    @classmethod
    def from_api(cls, data: Any) -> JobInstance:
        data = fields.obj(data)
        instance = cls(
            instance_id=fields.word(data, "instanceId", "instancesId", "instance_id") or "",
            status=fields.status(data, "status"),
            job_name=fields.text(data, "jobName", "job_name"),
            plan_time=fields.integer(data, "planTime"),
            start_time=fields.integer(data, "startTime"),
            end_time=fields.integer(data, "endTime"),
            execute_time=fields.duration(data, "executeTime"),
            instance_type=fields.integer(data, "instanceType"),
            nodes=tuple(JobNode.from_api(node) for node in fields.items(data, "nodes")),
        )
        fields.run_times(instance.status, instance.start_time, instance.end_time)
        return instance

    @property
    def phase(self) -> Phase:
        return FACTORY_PHASES.get(self.status, Phase.UNKNOWN)

    def failed_nodes(self) -> list[JobNode]:
        return [node for node in self.nodes if node.status in ("fail", "manual-stop")]

    def fingerprint(self) -> list[Any]:
        """What changes when the instance runs again (status, start and end time)."""
        return [self.status, self.start_time, self.end_time]


@dataclasses.dataclass(frozen=True)
class Job:
    """An item of the DataArts Factory v1 job list: ``name`` and ``status`` (its schedule's state) required."""

    name: str
    status: str
    job_type: str | None = None
    last_instance_status: str | None = None
    last_update_time: int | None = None

    @classmethod
    def from_api(cls, data: Any) -> Job:
        data = fields.obj(data, "a job")
        return cls(
            name=fields.text(data, "name", required=True) or "",
            status=fields.status(data, "status"),
            job_type=fields.word(data, "jobType"),
            last_instance_status=fields.word(data, "lastInstanceStatus"),
            last_update_time=fields.integer(data, "lastUpdateTime"),
        )


@dataclasses.dataclass(frozen=True)
class FactoryInstance:
    """An item of the DataArts Factory v2 instance list: ``instance_id``, ``status`` and ``plan_time`` required."""

    job_name: str | None
    job_id: int | None
    instance_id: str
    status: str
    plan_time: int
    submit_time: int | None = None
    start_time: int | None = None
    end_time: int | None = None
    execute_time: int | None = None
    instance_type: int | None = None
    version: int | None = None

    @classmethod
    def from_api(cls, data: Any) -> FactoryInstance:
        data = fields.obj(data, "an instance")
        instance = cls(
            job_name=fields.text(data, "job_name"),
            job_id=fields.integer(data, "job_id"),
            instance_id=fields.word(data, "instance_id", "instanceId", required=True) or "",
            status=fields.status(data, "status"),
            plan_time=fields.integer(data, "plan_time", required=True) or 0,
            submit_time=fields.integer(data, "submit_time", required=True),
            start_time=fields.integer(data, "start_time"),
            end_time=fields.integer(data, "end_time"),
            execute_time=fields.duration(data, "execute_time"),
            instance_type=fields.integer(data, "instance_type"),
            version=fields.integer(data, "version"),
        )
        fields.run_times(instance.status, instance.start_time, instance.end_time)
        return instance

    @property
    def phase(self) -> Phase:
        return FACTORY_PHASES.get(self.status, Phase.UNKNOWN)

    @property
    def recency(self) -> tuple[int, int, int]:
        """Orders the rows of one plan time: the latest submitted run is the newest (then version, id)."""
        instance_id = int(self.instance_id) if self.instance_id.isdigit() else 0
        return (self.submit_time or 0, self.version or 0, instance_id)

    def fingerprint(self) -> list[Any]:
        return [self.status, self.submit_time, self.start_time, self.end_time]


@dataclasses.dataclass(frozen=True)
class QualityInstance:
    """An item of the DataArts Quality instance list: ``id`` and ``run_status`` required."""

    id: str
    name: str | None
    task_id: str | None
    task_type: str | None
    run_status: str
    notify_status: str | None = None
    start_time: int | None = None
    end_time: int | None = None

    @classmethod
    def from_api(cls, data: Any) -> QualityInstance:
        data = fields.obj(data, "an instance")
        return cls(
            id=fields.word(data, "id", "instance_id", required=True) or "",
            name=fields.text(data, "name"),
            task_id=fields.word(data, "task_id"),
            task_type=fields.word(data, "task_type"),
            run_status=fields.status(data, "run_status"),
            notify_status=fields.word(data, "notify_status"),
            start_time=fields.integer(data, "start_time"),
            end_time=fields.integer(data, "end_time"),
        )

    @property
    def phase(self) -> Phase:
        return QUALITY_PHASES.get(self.run_status, Phase.UNKNOWN)


#: the largest per-rule ``results`` kept (as JSON text); a larger one is replaced by a note
MAX_RULE_RESULTS = 4096


@dataclasses.dataclass(frozen=True)
class QualityRuleResult:
    """One rule's result in a quality instance, as the SDK's ``SubInstanceResult`` documents it."""

    sub_rule_id: str | None
    sub_instance_id: str | None
    abnormal_table_status: str | None  # the abnormal-table export's status, not a verdict
    results: Any = None

    @classmethod
    def from_api(cls, data: Any) -> QualityRuleResult:
        import json

        data = fields.obj(data, "a rule result")
        results = data.get("results")
        if results is not None and not isinstance(results, list):
            raise fields.UnusableAnswer(f"'results' is not a list but {type(results).__name__}")
        if results is not None and len(json.dumps(results, default=str)) > MAX_RULE_RESULTS:
            results = [{"note": f"results larger than {MAX_RULE_RESULTS} characters left out"}]
        return cls(
            sub_rule_id=fields.word(data, "sub_rule_id"),
            sub_instance_id=fields.word(data, "sub_instance_instance_id"),
            abnormal_table_status=fields.word(data, "abnormal_table_status"),
            results=results,
        )


@dataclasses.dataclass(frozen=True)
class VisualizationJob:
    """A ModelArts visualization job (TensorBoard / MindInsight): its numeric ``status`` is required."""

    job_id: str
    job_name: str | None
    status: int
    service_url: str | None = None
    create_time: int | None = None
    duration: int | None = None

    @classmethod
    def from_api(cls, data: Any) -> VisualizationJob:
        data = fields.obj(data)
        return cls(
            job_id=fields.word(data, "job_id") or "",
            job_name=fields.text(data, "job_name"),
            status=fields.integer(data, "status", required=True) or 0,
            service_url=fields.text(data, "service_url"),
            create_time=fields.integer(data, "create_time"),
            duration=fields.duration(data, "duration"),
        )

    @property
    def status_name(self) -> str:
        return VISUALIZATION_STATUS_NAMES.get(self.status, f"UNKNOWN({self.status})")

    @property
    def phase(self) -> Phase:
        return visualization_phase(self.status)

    def fingerprint(self) -> list[Any]:
        return [self.status, self.create_time]
