"""Operator for ModelArts: restart a visualization job (TensorBoard / MindInsight) and wait until it is up."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow_provider_dataarts import validation
from airflow_provider_dataarts.api.phases import Phase
from airflow_provider_dataarts.links import ModelArtsVisualizationJobLink
from airflow_provider_dataarts.operators.base import ActThenWaitOperator
from airflow_provider_dataarts.operators.records import Plan
from airflow_provider_dataarts.runs import visualization

if TYPE_CHECKING:
    from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
    from airflow_provider_dataarts.runs.visualization import VisualizationJobWatch


class ModelArtsRestartVisualizationOperator(ActThenWaitOperator):
    """Restart a ModelArts visualization job and wait until it is up (status 8 RUNNING).

    ModelArts refuses to restart a job that is starting or running (``ModelArts.0105``); such a job
    is waited for instead. The task returns the job's ``service_url``.

    :param job_id: the visualization job id. (templated)
    :param kwargs: the common arguments of :class:`~airflow_provider_dataarts.operators.base.ActThenWaitOperator`
        (``workspace`` does not apply to ModelArts).
    """

    kind = visualization.KIND
    template_fields: tuple[str, ...] = (*ActThenWaitOperator.template_fields, "job_id")
    operator_extra_links = (ModelArtsVisualizationJobLink(),)

    def __init__(self, *, job_id: str | int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.job_id = job_id
        self.validate_arguments(rendered=False)

    def validate_arguments(self, rendered: bool) -> None:
        super().validate_arguments(rendered)
        self.checked("job_id", validation.name_id, rendered=rendered, required=True)

    def identity(self) -> dict[str, Any]:
        return {"job_id": str(self.job_id)}

    def prepare(self, hook: DataArtsHook) -> Plan:
        job = hook.get_visualization_job(str(self.job_id))
        watch: VisualizationJobWatch = {"job_id": str(self.job_id), "baseline": job.fingerprint()}
        if job.phase in (Phase.IN_PROGRESS, Phase.SUCCEEDED):
            attached: VisualizationJobWatch = {**watch, "baseline": None}
            return Plan(attached, True, f"Its status is {job.status} {job.status_name}.")
        return Plan(watch)

    def act(self, hook: DataArtsHook, watch: VisualizationJobWatch) -> VisualizationJobWatch:
        hook.restart_visualization_job(str(self.job_id))
        return watch

    def link_target(self, watch: Any) -> dict[str, Any]:
        return {"job_id": str(self.job_id)}
