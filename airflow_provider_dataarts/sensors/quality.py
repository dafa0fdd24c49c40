"""Sensor for DataArts Quality: wait for a quality or comparison job instance to finish."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow_provider_dataarts import validation
from airflow_provider_dataarts.runs import quality

if TYPE_CHECKING:
    from airflow_provider_dataarts.runs.quality import QualityInstanceWatch
from airflow_provider_dataarts.sensors.base import DataArtsRunSensor


class DataArtsQualityInstanceSensor(DataArtsRunSensor):
    """Wait for a DataArts Quality instance to finish; returns its per-rule results.

    ``ALARMING`` fails the task unless ``fail_on_alarm=False``.

    :param instance_id: the quality instance id (as the rerun API returns it). (templated)
    :param kwargs: see :class:`~airflow_provider_dataarts.sensors.base.DataArtsRunSensor`.
    """

    kind = quality.KIND
    identity_keys = ("instance_id",)
    template_fields: tuple[str, ...] = (*DataArtsRunSensor.template_fields, "instance_id")

    def __init__(self, *, instance_id: int | str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.instance_id = instance_id
        self.validate_arguments(rendered=False)

    def validate_arguments(self, rendered: bool) -> None:
        super().validate_arguments(rendered)
        self.checked("instance_id", validation.identifier, rendered=rendered, required=True)

    def watch(self) -> QualityInstanceWatch:
        return {
            "instance_id": str(self.instance_id),
            "rule_id": None,
            "rule_type": None,
            "workspace": self.workspace,
            "since": None,
            "known": [],
        }
