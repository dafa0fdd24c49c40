"""Operator for DataArts Quality: rerun a quality or comparison job and wait for its result."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow_provider_dataarts import validation
from airflow_provider_dataarts.links import DataArtsQualityInstanceLink
from airflow_provider_dataarts.operators.base import ActThenWaitOperator
from airflow_provider_dataarts.operators.records import Plan
from airflow_provider_dataarts.runs import quality

if TYPE_CHECKING:
    from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
    from airflow_provider_dataarts.runs.quality import QualityInstanceWatch

#: ``rule_type`` as the API numbers it, with readable aliases
RULE_TYPES = {1: 1, 2: 2, "1": 1, "2": 2, "quality": 1, "comparison": 2}


class DataArtsRerunQualityOperator(ActThenWaitOperator):
    """Rerun a DataArts Quality job (or comparison job) and wait for the new instance's result.

    The rerun returns a new instance id; the operator finds it in the instance list (in the time window
    of the rerun, since the list has no single-instance call and no documented order), waits for it to
    finish, reads its per-rule results and returns them as the API gives them. ``ALARMING`` (a rule alarm fired)
    fails the task unless ``fail_on_alarm=False``. DataArts Quality has no stop API, so a killed
    task leaves the quality run to finish (the log says so).

    :param rule_id: the quality / comparison job id. (templated)
    :param rule_type: ``1`` or ``"quality"`` for a quality job, ``2`` or ``"comparison"`` for a
        comparison job (default 1). (templated)
    :param fail_on_alarm: fail the task when the run ends ``ALARMING`` (default True).
    :param kwargs: the common arguments of :class:`~airflow_provider_dataarts.operators.base.ActThenWaitOperator`.
    """

    kind = quality.KIND
    template_fields: tuple[str, ...] = (*ActThenWaitOperator.template_fields, "rule_id", "rule_type")
    operator_extra_links = (DataArtsQualityInstanceLink(),)

    def __init__(self, *, rule_id: str | int, rule_type: int | str = 1, fail_on_alarm: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        self.rule_id = rule_id
        self.rule_type = rule_type
        self.fail_on_alarm = validation.boolean("fail_on_alarm", fail_on_alarm)
        self.validate_arguments(rendered=False)

    def validate_arguments(self, rendered: bool) -> None:
        super().validate_arguments(rendered)
        self.checked("rule_id", validation.identifier, rendered=rendered, required=True)
        self.checked("rule_type", validation.choice, RULE_TYPES, rendered=rendered)

    @property
    def api_rule_type(self) -> int:
        return validation.choice("rule_type", self.rule_type, RULE_TYPES)

    def identity(self) -> dict[str, Any]:
        return {"rule_id": str(self.rule_id)}

    def prepare(self, hook: DataArtsHook) -> Plan:
        """Attach to a run in progress; otherwise note the job's instances already listed in the window a
        new run will show up in, so the new one is told apart even when the rerun's answer is lost."""
        from airflow_provider_dataarts.api import scans

        task_type = quality.TASK_TYPES[self.api_rule_type]
        rule_id = str(self.rule_id)
        watch: QualityInstanceWatch = {
            "instance_id": None,
            "rule_id": rule_id,
            "rule_type": self.api_rule_type,
            "workspace": self.workspace,
        }
        snapshot = hook.quality_snapshot(rule_id, task_type=task_type, workspace=self.workspace)
        if snapshot.running:
            newest = max(snapshot.running, key=lambda instance: (instance.start_time or 0, instance.id))
            since = newest.start_time - scans.MARGIN_MS if newest.start_time is not None else None
            attached: QualityInstanceWatch = {**watch, "instance_id": newest.id, "since": since, "known": []}
            return Plan(attached, True, f"Instance {newest.id} is {newest.run_status}.")
        before: QualityInstanceWatch = {**watch, "since": snapshot.since, "known": snapshot.known}
        return Plan(before)

    def act(self, hook: DataArtsHook, watch: QualityInstanceWatch) -> QualityInstanceWatch:
        instance_id = hook.rerun_quality_job(self.api_rule_type, str(self.rule_id), workspace=self.workspace)
        if not instance_id:
            self.log.warning(
                "Quality job %s: the rerun was accepted without an instance id; the new run is looked for among the "
                "job's instances started since the rerun",
                self.rule_id,
            )
            return watch
        self.log.info("Quality job %s rerun as instance %s", self.rule_id, instance_id)
        return {**watch, "instance_id": instance_id}

    def link_target(self, watch: Any) -> dict[str, Any]:
        return {"rule_id": str(self.rule_id), "instance_id": watch.get("instance_id")}
