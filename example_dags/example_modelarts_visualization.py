"""Restart a ModelArts visualization job (TensorBoard) and wait until it is up, in every wait mode."""

from __future__ import annotations

import datetime as dt
import os

from airflow.providers.common.compat.sdk import DAG, Param

from airflow_provider_dataarts.operators.modelarts import ModelArtsRestartVisualizationOperator
from airflow_provider_dataarts.sensors.modelarts import ModelArtsVisualizationJobSensor

POLL_INTERVAL = float(os.environ.get("DATAARTS_EXAMPLE_POLL_INTERVAL", "30"))

with DAG(
    dag_id="example_modelarts_visualization",
    schedule=None,
    start_date=dt.datetime(2024, 1, 1),
    catchup=False,
    tags=["example", "modelarts"],
    params={"job_id": Param("11", type="string"), "deferred_job_id": Param("12", type="string")},
) as dag:
    restart_no_wait = ModelArtsRestartVisualizationOperator(
        task_id="restart_no_wait", job_id="{{ params.job_id }}", wait_for_completion=False, poll_interval=POLL_INTERVAL
    )
    wait_until_up = ModelArtsVisualizationJobSensor(
        task_id="sensor_until_up",
        job_id="{{ params.job_id }}",
        deferrable=True,
        poke_interval=POLL_INTERVAL,
        timeout=1800,
    )
    # Already up: the operator sees it running and waits for it instead of restarting (ModelArts refuses).
    restart_in_worker = ModelArtsRestartVisualizationOperator(
        task_id="restart_in_worker", job_id="{{ params.job_id }}", poll_interval=POLL_INTERVAL
    )
    restart_deferred = ModelArtsRestartVisualizationOperator(
        task_id="restart_deferred", job_id="{{ params.deferred_job_id }}", deferrable=True, poll_interval=POLL_INTERVAL
    )
    restart_no_wait >> wait_until_up >> restart_in_worker
