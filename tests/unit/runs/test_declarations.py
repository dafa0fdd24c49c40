"""One declaration per kind: each kind module's ``KIND`` is what operators, sensors and triggers name."""

from __future__ import annotations

import pytest

from airflow_provider_dataarts.operators import factory, modelarts
from airflow_provider_dataarts.operators import quality as quality_operators
from airflow_provider_dataarts.runs import factory_instances, job_instance, quality, visualization
from airflow_provider_dataarts.runs.base import Kind
from airflow_provider_dataarts.sensors import factory as factory_sensors
from airflow_provider_dataarts.sensors import modelarts as modelarts_sensors
from airflow_provider_dataarts.sensors import quality as quality_sensors
from airflow_provider_dataarts.triggers import status
from airflow_provider_dataarts.triggers.base import DataArtsRunTrigger

KINDS = (job_instance.KIND, factory_instances.KIND, quality.KIND, visualization.KIND)


def test_each_kind_has_one_trigger_and_a_unique_name() -> None:
    assert len({kind.name for kind in KINDS}) == len(KINDS)
    for kind in KINDS:
        trigger = status.trigger_for(kind)
        assert trigger.kind is kind
        assert trigger.__module__ == status.__name__  # the class path Airflow stores for a deferred task


def test_operators_and_sensors_name_the_kind_object() -> None:
    named = {
        factory.DataArtsRestartInstanceOperator: job_instance.KIND,
        factory.DataArtsRetryInstancesOperator: factory_instances.KIND,
        quality_operators.DataArtsRerunQualityOperator: quality.KIND,
        modelarts.ModelArtsRestartVisualizationOperator: visualization.KIND,
        factory_sensors.DataArtsJobInstanceSensor: job_instance.KIND,
        factory_sensors.DataArtsFactoryInstancesSensor: factory_instances.KIND,
        quality_sensors.DataArtsQualityInstanceSensor: quality.KIND,
        modelarts_sensors.ModelArtsVisualizationJobSensor: visualization.KIND,
    }
    for task_class, kind in named.items():
        assert task_class.kind is kind


def test_a_kind_without_a_trigger_is_refused() -> None:
    orphan = Kind("orphan", lambda watch: "run", lambda watch: iter(()))
    with pytest.raises(ValueError, match="no trigger class waits for kind 'orphan'"):
        status.trigger_for(orphan)


def test_a_second_trigger_for_a_kind_is_refused() -> None:
    with pytest.raises(TypeError, match="kind 'quality_instance' already has DataArtsQualityInstanceTrigger"):

        class Again(DataArtsRunTrigger):
            kind = quality.KIND
