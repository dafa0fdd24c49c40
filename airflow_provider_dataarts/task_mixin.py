"""What every operator and sensor of this provider shares: the hook, the kind of run, argument checks.

A plain mixin (no ``__init__``): the operators' and sensors' own constructors set
``dataarts_conn_id``, ``region``, ``project_id``, ``workspace`` and ``kind_name``.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, ClassVar

from airflow.providers.common.compat.sdk import conf

from airflow_provider_dataarts import validation


def default_deferrable() -> bool:
    """``[operators] default_deferrable``: whether operators and sensors defer unless told."""
    deferrable: bool = conf.getboolean("operators", "default_deferrable", fallback=False)
    return deferrable


class DataArtsTaskMixin:
    """The connection, the kind of remote run, and argument checks for operators and sensors."""

    kind_name: ClassVar[str]
    dataarts_conn_id: str
    region: str | None
    project_id: str | None
    workspace: str | None

    @cached_property
    def hook(self) -> Any:
        """The sync hook (created on first use, in the worker: never at DAG-parse time)."""
        from airflow_provider_dataarts.hooks.dataarts import DataArtsHook

        return DataArtsHook(
            self.dataarts_conn_id, region=self.region, project_id=self.project_id, workspace=self.workspace
        )

    @cached_property
    def kind(self) -> Any:
        """How this task's kind of remote run is observed and stopped (see ``airflow_provider_dataarts.runs``)."""
        from airflow_provider_dataarts.runs import kind_named

        return kind_named(self.kind_name)

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
