"""Sensors for DataArts Factory: one v1 job instance, or a job's v2 instances by plan time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow_provider_dataarts import validation
from airflow_provider_dataarts.runs import factory_instances, job_instance

if TYPE_CHECKING:
    from airflow_provider_dataarts.runs.factory_instances import FactoryInstancesWatch
    from airflow_provider_dataarts.runs.job_instance import JobInstanceWatch
from airflow_provider_dataarts.sensors.base import DataArtsRunSensor


class DataArtsJobInstanceSensor(DataArtsRunSensor):
    """Wait for a DataArts Factory job instance to finish; fail if it failed or was stopped.

    :param job_name: the job's name. (templated)
    :param instance_id: the job instance id. (templated)
    :param kwargs: see :class:`~airflow_provider_dataarts.sensors.base.DataArtsRunSensor`.
    """

    kind = job_instance.KIND
    identity_keys = ("job_name", "instance_id")
    template_fields: tuple[str, ...] = (*DataArtsRunSensor.template_fields, "job_name", "instance_id")

    def __init__(self, *, job_name: str, instance_id: int | str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job_name = job_name
        self.instance_id = instance_id
        self.validate_arguments(rendered=False)

    def validate_arguments(self, rendered: bool) -> None:
        super().validate_arguments(rendered)
        self.checked("job_name", validation.path_segment, rendered=rendered, required=True)
        self.checked("instance_id", validation.identifier, rendered=rendered, required=True)

    def watch(self) -> JobInstanceWatch:
        return {
            "job_name": self.job_name,
            "instance_id": str(self.instance_id),
            "workspace": self.workspace,
            "baseline": None,
        }


class DataArtsFactoryInstancesSensor(DataArtsRunSensor):
    """Wait for every v2 instance of a job planned at ``plan_time``, or between two plan times, to finish.

    Succeeds when at least one instance exists and all have succeeded; fails as soon as all have
    finished and any failed.

    :param job_name: the job's name. (templated)
    :param plan_time: the instance's plan time (datetime, ISO string or 13-digit epoch ms). (templated)
    :param min_plan_time: start of a plan-time window, instead of ``plan_time``. (templated)
    :param max_plan_time: end of that window. (templated)
    :param kwargs: see :class:`~airflow_provider_dataarts.sensors.base.DataArtsRunSensor`.
    """

    kind = factory_instances.KIND
    identity_keys = ("job_name",)
    template_fields: tuple[str, ...] = (
        *DataArtsRunSensor.template_fields,
        "job_name",
        "plan_time",
        "min_plan_time",
        "max_plan_time",
    )

    def __init__(
        self,
        *,
        job_name: str,
        plan_time: Any = None,
        min_plan_time: Any = None,
        max_plan_time: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.job_name = job_name
        self.plan_time = plan_time
        self.min_plan_time = min_plan_time
        self.max_plan_time = max_plan_time
        self.validate_arguments(rendered=False)

    def validate_arguments(self, rendered: bool) -> None:
        super().validate_arguments(rendered)
        self.checked("job_name", validation.path_segment, rendered=rendered, required=True)
        window = (self.min_plan_time, self.max_plan_time)
        if self.plan_time is not None and any(value is not None for value in window):
            raise validation.InvalidParameterError(
                "plan_time", "give either plan_time, or min_plan_time and max_plan_time, not both"
            )
        if self.plan_time is None and any(value is None for value in window):
            raise validation.InvalidParameterError(
                "plan_time", "is required, or give both min_plan_time and max_plan_time"
            )
        for name in ("plan_time", "min_plan_time", "max_plan_time"):
            self.checked(name, validation.epoch_ms, rendered=rendered)
        if rendered and self.plan_time is None:
            first, last = (
                validation.epoch_ms(name, getattr(self, name)) for name in ("min_plan_time", "max_plan_time")
            )
            if first > last:
                raise validation.InvalidParameterError("max_plan_time", "must not be before min_plan_time")

    def watch(self) -> FactoryInstancesWatch:
        if self.plan_time is not None:
            first = last = validation.epoch_ms("plan_time", self.plan_time)
        else:
            first = validation.epoch_ms("min_plan_time", self.min_plan_time)
            last = validation.epoch_ms("max_plan_time", self.max_plan_time)
        return {"job_name": self.job_name, "workspace": self.workspace, "targets": None, "window": [first, last]}
