"""Rerun DataArts Factory instances with the v2 API, in both of its modes, and watch with the sensor.

- mode 1: rerun given instances of a job (``task_retrys``, as the v2 instance list returns them);
- mode 2: rerun a job and its downstream job for every instance planned in a time window.
The v2 rerun API is invitation-only on Huawei Cloud; the emulator always offers it.
"""

from __future__ import annotations

import datetime as dt
import os

from airflow.providers.common.compat.sdk import DAG, Param, task

from airflow_provider_dataarts.operators.factory import DataArtsRetryInstancesOperator
from airflow_provider_dataarts.sensors.factory import DataArtsFactoryInstancesSensor

POLL_INTERVAL = float(os.environ.get("DATAARTS_EXAMPLE_POLL_INTERVAL", "30"))

with DAG(
    dag_id="example_dataarts_retry_instances",
    schedule=None,
    start_date=dt.datetime(2024, 1, 1),
    catchup=False,
    tags=["example", "dataarts"],
    params={
        "job_name": Param("daily_orders", type="string"),
        "downstream_job": Param("daily_report", type="string"),
        "downstream_workspace": Param("ws-analytics", type="string"),
    },
) as dag:

    @task(multiple_outputs=True)
    def yesterday() -> dict[str, str]:
        """Yesterday (UTC) as a plan-time window; the operators take ISO strings, datetimes or epoch ms."""
        today = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        return {
            "begin": (today - dt.timedelta(days=1)).isoformat(),
            "end": (today - dt.timedelta(seconds=1)).isoformat(),
        }

    @task
    def first_instance(job_name: str, begin: str, end: str) -> list[dict]:
        """One of yesterday's instances, in the form mode 1 takes (job_id, plan_time, submit_time)."""
        from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
        from airflow_provider_dataarts.validation import epoch_ms

        found = DataArtsHook().list_all_factory_instances(
            job_name, min_plan_time=epoch_ms("begin", begin), max_plan_time=epoch_ms("end", end)
        )
        return [{"job_id": i.job_id, "plan_time": i.plan_time, "submit_time": i.submit_time} for i in found[:1]]

    window = yesterday()

    mode_1 = DataArtsRetryInstancesOperator(
        task_id="rerun_given_instances",
        job_name="{{ params.job_name }}",
        task_retrys=first_instance("{{ params.job_name }}", window["begin"], window["end"]),
        retry_location="firstNode",
        retry_task_version="original_version",
        poll_interval=POLL_INTERVAL,
    )

    mode_2 = DataArtsRetryInstancesOperator(
        task_id="rerun_window_with_downstream",
        job_name="{{ params.job_name }}",
        begin_time=window["begin"],
        end_time=window["end"],
        jobs=[{"job_name": "{{ params.downstream_job }}", "workspace_id": "{{ params.downstream_workspace }}"}],
        concurrent=2,
        retry_location="errorNode",
        retry_task_version="current_version",
        deferrable=True,
        poll_interval=POLL_INTERVAL,
    )

    watch_window = DataArtsFactoryInstancesSensor(
        task_id="sensor_yesterdays_instances",
        job_name="{{ params.job_name }}",
        min_plan_time=window["begin"],
        max_plan_time=window["end"],
        mode="reschedule",
        poke_interval=POLL_INTERVAL,
        timeout=3600,
    )

    mode_1 >> mode_2 >> watch_window
