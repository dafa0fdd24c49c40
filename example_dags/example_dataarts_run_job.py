"""Run a DataArts Factory job now, with parameters, then check its output with a quality rerun.

A maintenance-window pattern: pause the job's schedule, run the job once with this DAG run's date as a
parameter (waiting in the triggerer), rerun the quality job on what it built, then resume the schedule.
Alongside, a run that does not wait hands its instance id to the instance sensor through XCom.
Names default to the emulator's bundled ``examples`` scenario; override them as DAG params.
"""

from __future__ import annotations

import datetime as dt
import os

from airflow.providers.common.compat.sdk import DAG, Param

from airflow_provider_dataarts.operators.jobs import (
    DataArtsRunJobOperator,
    DataArtsStartJobOperator,
    DataArtsStopJobOperator,
)
from airflow_provider_dataarts.operators.quality import DataArtsRerunQualityOperator
from airflow_provider_dataarts.sensors.factory import DataArtsJobInstanceSensor

POLL_INTERVAL = float(os.environ.get("DATAARTS_EXAMPLE_POLL_INTERVAL", "30"))

with DAG(
    dag_id="example_dataarts_run_job",
    schedule=None,
    start_date=dt.datetime(2024, 1, 1),
    catchup=False,
    tags=["example", "dataarts"],
    params={
        "job_name": Param("orders_mart_refresh", type="string"),
        "quality_job_id": Param("1440764172232392707", type="string"),
    },
) as dag:
    pause_schedule = DataArtsStopJobOperator(
        task_id="pause_schedule", job_name="{{ params.job_name }}", poll_interval=POLL_INTERVAL
    )
    run_now = DataArtsRunJobOperator(
        task_id="run_now",
        job_name="{{ params.job_name }}",
        job_params={"business_date": "{{ ds }}", "mode": "full"},
        deferrable=True,
        poll_interval=POLL_INTERVAL,
    )
    check_output = DataArtsRerunQualityOperator(
        task_id="check_output", rule_id="{{ params.quality_job_id }}", deferrable=True, poll_interval=POLL_INTERVAL
    )
    resume_schedule = DataArtsStartJobOperator(
        task_id="resume_schedule", job_name="{{ params.job_name }}", poll_interval=POLL_INTERVAL
    )
    pause_schedule >> run_now >> check_output >> resume_schedule

    # Run without waiting; the sensor waits on the instance the run's XCom names.
    run_no_wait = DataArtsRunJobOperator(
        task_id="run_no_wait",
        job_name="{{ params.job_name }}",
        job_params=[{"name": "business_date", "value": "{{ ds }}", "paramType": "variable"}],
        wait_for_completion=False,
        poll_interval=POLL_INTERVAL,
    )
    wait_for_run = DataArtsJobInstanceSensor(
        task_id="wait_for_run",
        job_name="{{ params.job_name }}",
        instance_id="{{ ti.xcom_pull(task_ids='run_no_wait')['instance_id'] }}",
        mode="reschedule",
        poke_interval=POLL_INTERVAL,
        timeout=3600,
    )
    resume_schedule >> run_no_wait >> wait_for_run
