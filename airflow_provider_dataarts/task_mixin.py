"""What every operator and sensor of this provider shares: the hook, the kind of run, argument checks.

A plain mixin (no ``__init__``, so it sits before ``BaseOperator`` or ``BaseSensorOperator`` alike): their
constructors hand the connection arguments to :meth:`~DataArtsTaskMixin.set_connection`; each class names
its ``kind``, the ``KIND`` of a module in :mod:`airflow_provider_dataarts.runs` (e.g.
``kind = job_instance.KIND``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from airflow.providers.common.compat.sdk import conf

from airflow_provider_dataarts import validation

if TYPE_CHECKING:
    from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
    from airflow_provider_dataarts.runs.base import Kind, Limits
    from airflow_provider_dataarts.triggers.base import DataArtsRunTrigger


#: the connection arguments of every operator and sensor (all templated)
CONNECTION_FIELDS = ("dataarts_conn_id", "workspace", "project_id", "region")


def default_deferrable() -> bool:
    """``[operators] default_deferrable``: whether operators and sensors defer unless told."""
    deferrable: bool = conf.getboolean("operators", "default_deferrable", fallback=False)
    return deferrable


class DataArtsTaskMixin:
    """The connection, the kind of remote run, and argument checks for operators and sensors."""

    #: the kind of remote run: how it is observed and stopped, its watch type, its trigger (by this object)
    kind: ClassVar[Kind[Any]]
    dataarts_conn_id: str
    region: str | None
    project_id: str | None
    workspace: str | None
    deferrable: bool

    def set_connection(
        self,
        dataarts_conn_id: str,
        workspace: str | None,
        project_id: str | None,
        region: str | None,
        deferrable: bool | None,
    ) -> None:
        """Keep the connection arguments, and whether to defer (``None``: ``[operators] default_deferrable``)."""
        self.dataarts_conn_id = dataarts_conn_id
        self.workspace = workspace
        self.project_id = project_id
        self.region = region
        self.deferrable = default_deferrable() if deferrable is None else validation.boolean("deferrable", deferrable)

    @cached_property
    def hook(self) -> DataArtsHook:
        """The sync hook (created on first use, in the worker: never at DAG-parse time)."""
        from airflow_provider_dataarts.hooks.dataarts import DataArtsHook

        return DataArtsHook(
            self.dataarts_conn_id, region=self.region, project_id=self.project_id, workspace=self.workspace
        )

    def _trigger_for(self, watch: Mapping[str, Any], limits: Limits, *, cancel_on_kill: bool) -> DataArtsRunTrigger:
        """The trigger of this task's kind, waiting on ``watch`` within ``limits`` (imported on use: the
        triggers are not needed at DAG-parse time)."""
        from airflow_provider_dataarts.triggers.status import trigger_for

        return trigger_for(self.kind)(
            watch=dict(watch),
            deadline=limits.deadline,
            poll_interval=limits.poll_interval,
            start_deadline=limits.start_deadline,
            deadline_name=limits.deadline_name,
            dataarts_conn_id=self.dataarts_conn_id,
            region=self.region,
            project_id=self.project_id,
            workspace=self.workspace,
            cancel_on_kill=cancel_on_kill,
        )

    def validate_arguments(self, rendered: bool) -> None:
        """Check arguments at DAG parse time (literal values) and again after rendering (all)."""
        for name in ("workspace", "project_id"):
            self.checked(name, validation.token, rendered=rendered)

    def checked(self, name: str, check: Any, *args: Any, rendered: bool, required: bool = False) -> Any:
        """``check(name, value, *args)`` unless the value is None or (before rendering) not resolved yet; a
        ``required`` value that is None - given so, or rendered so by a template - is refused."""
        value = getattr(self, name)
        if value is None:
            if required:
                raise validation.InvalidParameterError(name, "is required (did a template render nothing?)")
            return value
        if not rendered and validation.is_unresolved(value):
            return value
        return check(name, value, *args)
