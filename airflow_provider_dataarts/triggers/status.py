"""The triggers, one per kind of remote run: each names its kind's ``KIND``; the polling itself lives in
:class:`.base.DataArtsRunTrigger`.

The class paths are what Airflow stores for a deferred task: a class here is never renamed or moved.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_dataarts.runs import factory_instances, job_instance, job_schedule, quality, visualization
from airflow_provider_dataarts.runs.base import Kind
from airflow_provider_dataarts.triggers.base import TRIGGERS, DataArtsRunTrigger


class DataArtsJobInstanceTrigger(DataArtsRunTrigger):
    """Waits for a DataArts Factory v1 job instance to finish (after a restart, for the new run)."""

    kind = job_instance.KIND


class DataArtsJobScheduleTrigger(DataArtsRunTrigger):
    """Waits for a DataArts Factory job's schedule to be started or stopped."""

    kind = job_schedule.KIND


class DataArtsFactoryInstancesTrigger(DataArtsRunTrigger):
    """Waits for DataArts Factory v2 instances (a rerun's, or a job's in a plan-time window) to finish."""

    kind = factory_instances.KIND


class DataArtsQualityInstanceTrigger(DataArtsRunTrigger):
    """Waits for a DataArts Quality or comparison job instance to finish."""

    kind = quality.KIND


class ModelArtsVisualizationJobTrigger(DataArtsRunTrigger):
    """Waits for a ModelArts visualization job to be up (8 RUNNING)."""

    kind = visualization.KIND


def trigger_for(kind: Kind[Any]) -> type[DataArtsRunTrigger]:
    """The trigger class of ``kind``: the one whose ``kind`` it is (operators and sensors defer with it)."""
    try:
        return TRIGGERS[kind]
    except KeyError:
        raise ValueError(f"no trigger class waits for kind {kind.name!r}; declare one in {__name__}") from None
