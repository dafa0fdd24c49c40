"""One sensor base for every kind of remote run: poke, reschedule and deferrable modes.

Sensors watch runs they did not start (no baseline, no stop on timeout). Each poke observes the run
with the same kind logic as the operators and triggers; deferrable mode polls once, then hands the
wait to the same trigger with a wall-clock deadline of ``timeout``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from airflow.providers.common.compat.sdk import AirflowSensorTimeout, BaseSensorOperator, PokeReturnValue

from airflow_provider_dataarts import validation
from airflow_provider_dataarts.outcomes import check_event, outcome, wait_deadline
from airflow_provider_dataarts.task_mixin import CONNECTION_FIELDS, DataArtsTaskMixin


class DataArtsRunSensor(DataArtsTaskMixin, BaseSensorOperator):
    """Base of the sensors.

    :param dataarts_conn_id: the ``huaweicloud_dataarts`` connection. (templated)
    :param workspace: DataArts workspace id; default the connection's. (templated)
    :param project_id: project id; default the connection's. (templated)
    :param region: region; default the connection's. (templated)
    :param deferrable: wait in the triggerer (default ``[operators] default_deferrable``).
    :param fail_on_alarm: for quality instances, fail when the run ends ``ALARMING`` (default True).
    :param kwargs: :class:`BaseSensorOperator` arguments: ``poke_interval`` (also the trigger's poll
        interval), ``timeout`` (seconds, in every mode), ``mode`` (``poke`` / ``reschedule``), ``soft_fail``.
    """

    template_fields: tuple[str, ...] = CONNECTION_FIELDS
    ui_color = "#fde8e7"

    def __init__(
        self,
        *,
        dataarts_conn_id: str = "dataarts_default",
        workspace: str | None = None,
        project_id: str | None = None,
        region: str | None = None,
        deferrable: bool | None = None,
        fail_on_alarm: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.set_connection(dataarts_conn_id, workspace, project_id, region, deferrable)
        self.fail_on_alarm = validation.boolean("fail_on_alarm", fail_on_alarm)

    # --- what subclasses provide -------------------------------------------------------------------

    def watch(self) -> Mapping[str, Any]:
        """The watch of the run to wait for: the kind's watch type, without a baseline."""
        raise NotImplementedError

    # --- the sensor --------------------------------------------------------------------------------

    def _event_now(self) -> dict[str, Any] | None:
        """Observe once: the final event if the run has finished, else None (transient errors too)."""
        from airflow_provider_dataarts.runs.base import Limits, is_transient, judge

        watch = self.watch()
        try:
            observation = self.hook.run(self.kind.observe(watch))
        except Exception as error:
            if not is_transient(error):
                raise
            self.log.warning("%s: poll failed, trying again later: %s", self.kind.describe(watch), error)
            return None
        verdict = judge(self.kind, watch, observation, Limits(float("inf"), 0.0), 0)
        self.log.info("%s: %s", self.kind.describe(watch), observation.status)
        return verdict.event

    def poke(self, context: Any) -> bool | PokeReturnValue:
        self.validate_arguments(rendered=True)
        event = self._event_now()
        if event is None:
            return False
        summary = outcome(event, acted=False, fail_on_alarm=self.fail_on_alarm, log=self.log)
        return PokeReturnValue(is_done=True, xcom_value=summary)

    def execute(self, context: Any) -> Any:
        if not self.deferrable:
            return super().execute(context)
        self.validate_arguments(rendered=True)
        event = self._event_now()
        if event is not None:
            return outcome(event, acted=False, fail_on_alarm=self.fail_on_alarm, log=self.log)
        from airflow_provider_dataarts.runs.base import Limits

        deadline, deadline_name = wait_deadline(context, float(self.timeout), self.execution_timeout)
        limits = Limits(deadline, float(self.poke_interval), None, deadline_name)
        trigger = self._trigger_for(self.watch(), limits, cancel_on_kill=False)  # a sensor does not own the run
        self.defer(trigger=trigger, method_name="execute_complete")

    def execute_complete(self, context: Any, event: Any = None) -> Any:
        from airflow_provider_dataarts.runs.base import TIMEOUT

        watch = self.watch()
        event = check_event(event, self.kind.name, {key: watch.get(key) for key in self.identity_keys})
        if event["status"] == TIMEOUT and event.get("deadline_name") != "execution_timeout":
            raise AirflowSensorTimeout(event["message"])
        return outcome(event, acted=False, fail_on_alarm=self.fail_on_alarm, log=self.log)

    identity_keys: ClassVar[tuple[str, ...]] = ()
