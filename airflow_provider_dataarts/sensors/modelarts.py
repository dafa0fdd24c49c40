"""Sensor for ModelArts: wait for a visualization job to be up (8 RUNNING)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow_provider_dataarts import validation
from airflow_provider_dataarts.runs import visualization

if TYPE_CHECKING:
    from airflow_provider_dataarts.runs.visualization import VisualizationJobWatch
from airflow_provider_dataarts.sensors.base import DataArtsRunSensor


class ModelArtsVisualizationJobSensor(DataArtsRunSensor):
    """Wait until a ModelArts visualization job is up (8 RUNNING); fail if it ends in a failed state.

    :param job_id: the visualization job id. (templated)
    :param kwargs: see :class:`~airflow_provider_dataarts.sensors.base.DataArtsRunSensor`.
    """

    kind = visualization.KIND
    identity_keys = ("job_id",)
    template_fields: tuple[str, ...] = (*DataArtsRunSensor.template_fields, "job_id")

    def __init__(self, *, job_id: str | int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id
        self.validate_arguments(rendered=False)

    def validate_arguments(self, rendered: bool) -> None:
        super().validate_arguments(rendered)
        self.checked("job_id", validation.name_id, rendered=rendered, required=True)

    def watch(self) -> VisualizationJobWatch:
        return {"job_id": str(self.job_id), "baseline": None}
