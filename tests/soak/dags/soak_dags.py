"""The soak's DAGs: every operator and two sensors, waiting in the worker or deferred.

Each run names its own remote targets in its conf (see ``tests/soak/harness.py``), so a run's
outcome is known in advance from the scenario, whatever faults the emulator injects meanwhile.
"""

from __future__ import annotations

import datetime as dt

from airflow.providers.common.compat.sdk import DAG

from airflow_provider_dataarts.operators.factory import DataArtsRestartInstanceOperator, DataArtsRetryInstancesOperator
from airflow_provider_dataarts.operators.jobs import (
    DataArtsRunJobOperator,
    DataArtsStartJobOperator,
    DataArtsStopJobOperator,
)
from airflow_provider_dataarts.operators.modelarts import ModelArtsRestartVisualizationOperator
from airflow_provider_dataarts.operators.quality import DataArtsRerunQualityOperator
from airflow_provider_dataarts.sensors.factory import DataArtsJobInstanceSensor
from airflow_provider_dataarts.sensors.modelarts import ModelArtsVisualizationJobSensor

POLL = 0.3
WAIT = {"poll_interval": POLL, "start_timeout": 20, "timeout": 240}
SENSE = {"poke_interval": POLL, "timeout": 240}
PARAMS = {
    "conn_id": "dataarts_soak_aksk",
    "v1_job": "",
    "v1_instance": 0,
    "v2_job": "",
    "v2_task_retrys": [],
    "quality_rule": "",
    "vis_job": "",
    "run_job": "",
    "schedule_job": "",
}

for mode in ("worker", "deferred"):
    deferred = mode == "deferred"
    with DAG(
        dag_id=f"dataarts_soak_{mode}",
        schedule=None,
        start_date=dt.datetime(2024, 1, 1),
        catchup=False,
        render_template_as_native_obj=True,
        params=PARAMS,
        default_args={
            "retries": 2,
            "retry_delay": dt.timedelta(seconds=0.2),
            "dataarts_conn_id": "{{ params.conn_id }}",
        },
    ) as dag:
        v1 = DataArtsRestartInstanceOperator(
            task_id="v1_restart",
            job_name="{{ params.v1_job }}",
            instance_id="{{ params.v1_instance }}",
            deferrable=deferred,
            **WAIT,
        )
        v1_sensor = DataArtsJobInstanceSensor(
            task_id="v1_sensor",
            job_name="{{ params.v1_job }}",
            instance_id="{{ params.v1_instance }}",
            deferrable=deferred,
            mode="poke" if deferred else "reschedule",
            **SENSE,
        )
        DataArtsRetryInstancesOperator(
            task_id="v2_rerun",
            job_name="{{ params.v2_job }}",
            task_retrys="{{ params.v2_task_retrys }}",
            retry_location="errorNode",
            retry_task_version="original_version",
            deferrable=deferred,
            **WAIT,
        )
        DataArtsRerunQualityOperator(
            task_id="quality_rerun", rule_id="{{ params.quality_rule }}", deferrable=deferred, **WAIT
        )
        vis = ModelArtsRestartVisualizationOperator(
            task_id="vis_restart", job_id="{{ params.vis_job }}", deferrable=deferred, **WAIT
        )
        vis_sensor = ModelArtsVisualizationJobSensor(
            task_id="vis_sensor", job_id="{{ params.vis_job }}", deferrable=not deferred, **SENSE
        )
        DataArtsRunJobOperator(
            task_id="run_job",
            job_name="{{ params.run_job }}",
            job_params={"business_date": "{{ ds }}"},
            deferrable=deferred,
            **WAIT,
        )
        start = DataArtsStartJobOperator(
            task_id="start_schedule", job_name="{{ params.schedule_job }}", deferrable=deferred, **WAIT
        )
        stop = DataArtsStopJobOperator(
            task_id="stop_schedule", job_name="{{ params.schedule_job }}", deferrable=deferred, **WAIT
        )
        v1 >> v1_sensor
        vis >> vis_sensor
        start >> stop
    globals()[dag.dag_id] = dag
