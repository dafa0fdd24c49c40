"""The triggers, one per kind of remote run; the polling itself lives in :class:`.base.DataArtsRunTrigger`."""

from __future__ import annotations

from airflow_provider_dataarts.triggers.base import DataArtsRunTrigger


class DataArtsJobInstanceTrigger(DataArtsRunTrigger):
    """Waits for a DataArts Factory v1 job instance to finish (after a restart, for the new run)."""

    kind_name = "dlf_job_instance"


class DataArtsFactoryInstancesTrigger(DataArtsRunTrigger):
    """Waits for DataArts Factory v2 instances (a rerun's, or a job's in a plan-time window) to finish."""

    kind_name = "factory_instances"


class DataArtsQualityInstanceTrigger(DataArtsRunTrigger):
    """Waits for a DataArts Quality or comparison job instance to finish."""

    kind_name = "quality_instance"


class ModelArtsVisualizationJobTrigger(DataArtsRunTrigger):
    """Waits for a ModelArts visualization job to be up (8 RUNNING)."""

    kind_name = "modelarts_visualization_job"
