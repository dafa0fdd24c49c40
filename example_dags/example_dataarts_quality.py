"""Rerun a DataArts Quality job and a comparison job, in every wait mode, and watch with the sensor.

A run that ends ``ALARMING`` (a rule alarm fired) fails the task unless ``fail_on_alarm=False``;
the per-rule results are in the task's XCom either way.
"""

from __future__ import annotations

import datetime as dt
import os

from airflow.providers.common.compat.sdk import DAG, Param

from airflow_provider_dataarts.operators.quality import DataArtsRerunQualityOperator
from airflow_provider_dataarts.sensors.quality import DataArtsQualityInstanceSensor

POLL_INTERVAL = float(os.environ.get("DATAARTS_EXAMPLE_POLL_INTERVAL", "30"))

with DAG(
    dag_id="example_dataarts_quality",
    schedule=None,
    start_date=dt.datetime(2024, 1, 1),
    catchup=False,
    tags=["example", "dataarts"],
    params={
        "quality_job_id": Param("1440764172232392705", type="string"),
        "comparison_job_id": Param("1440764172232392706", type="string"),
    },
) as dag:
    rerun_no_wait = DataArtsRerunQualityOperator(
        task_id="rerun_quality_no_wait",
        rule_id="{{ params.quality_job_id }}",
        wait_for_completion=False,
        poll_interval=POLL_INTERVAL,
    )
    # The no-wait rerun returns the new instance id; the sensor waits for it.
    sensor = DataArtsQualityInstanceSensor(
        task_id="sensor_quality_instance",
        instance_id="{{ ti.xcom_pull(task_ids='rerun_quality_no_wait')['watch']['instance_id'] }}",
        mode="reschedule",
        poke_interval=POLL_INTERVAL,
        timeout=3600,
    )
    rerun_in_worker = DataArtsRerunQualityOperator(
        task_id="rerun_quality_in_worker",
        rule_id="{{ params.quality_job_id }}",
        rule_type="quality",
        poll_interval=POLL_INTERVAL,
    )
    rerun_comparison_deferred = DataArtsRerunQualityOperator(
        task_id="rerun_comparison_deferred",
        rule_id="{{ params.comparison_job_id }}",
        rule_type="comparison",
        fail_on_alarm=False,
        deferrable=True,
        poll_interval=POLL_INTERVAL,
    )
    rerun_no_wait >> sensor >> rerun_in_worker
