"""A realistic recovery pipeline for a nightly DataArts Factory job.

1. Find yesterday's failed instances of the nightly job (DataArts Factory v2 instance list).
2. Rerun them from the node that failed, and wait - deferred to the triggerer.
3. Rerun the data-quality job on the result; an alarm fails the pipeline.
4. Restart the team's TensorBoard (ModelArts visualization job) and wait until it is up.

Every id comes from a DAG param whose default matches the emulator's bundled ``examples`` scenario;
the connection is ``dataarts_default``.
"""

from __future__ import annotations

import datetime as dt
import os

from airflow.providers.common.compat.sdk import DAG, Param, task

from airflow_provider_dataarts.operators.factory import DataArtsRetryInstancesOperator
from airflow_provider_dataarts.operators.modelarts import ModelArtsRestartVisualizationOperator
from airflow_provider_dataarts.operators.quality import DataArtsRerunQualityOperator

# Seconds between status polls; the demo and the tests shorten it.
POLL_INTERVAL = float(os.environ.get("DATAARTS_EXAMPLE_POLL_INTERVAL", "30"))

with DAG(
    dag_id="example_dataarts_pipeline",
    description="Rerun yesterday's failed nightly instances, re-check data quality, restart TensorBoard",
    schedule=None,
    start_date=dt.datetime(2024, 1, 1),
    catchup=False,
    tags=["example", "dataarts"],
    params={
        "job_name": Param("nightly_sales", type="string", description="The nightly DataArts Factory job"),
        "quality_job_id": Param("1440764172232392705", type="string", description="DataArts Quality job id"),
        "visualization_job_id": Param("10", type="string", description="ModelArts visualization job id"),
        "day": Param("", type="string", description="Day to recover (YYYY-MM-DD); empty means yesterday (UTC)"),
    },
) as dag:

    @task
    def find_failed_instances(job_name: str, day: str) -> list[dict]:
        """Yesterday's failed instances, as the rerun API wants them: job_id, plan_time, submit_time."""
        from airflow.providers.common.compat.sdk import AirflowSkipException

        from airflow_provider_dataarts.hooks.dataarts import DataArtsHook

        if day:
            start = dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC)
        else:
            today = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
            start = today - dt.timedelta(days=1)
        end = start + dt.timedelta(days=1) - dt.timedelta(milliseconds=1)
        instances = DataArtsHook().list_all_factory_instances(
            job_name, min_plan_time=int(start.timestamp() * 1000), max_plan_time=int(end.timestamp() * 1000)
        )
        failed = [item for item in instances if item.status == "fail"]
        print(f"{len(failed)} of {len(instances)} instance(s) of {job_name!r} planned on {start:%Y-%m-%d} failed")
        if not failed:
            raise AirflowSkipException("Nothing to rerun")
        return [{"job_id": i.job_id, "plan_time": i.plan_time, "submit_time": i.submit_time} for i in failed]

    failed = find_failed_instances("{{ params.job_name }}", "{{ params.day }}")

    rerun = DataArtsRetryInstancesOperator(
        task_id="rerun_failed_instances",
        job_name="{{ params.job_name }}",
        task_retrys=failed,
        retry_location="errorNode",
        retry_task_version="original_version",
        deferrable=True,
        poll_interval=POLL_INTERVAL,
        timeout=dt.timedelta(hours=6),
    )

    quality = DataArtsRerunQualityOperator(
        task_id="recheck_data_quality",
        rule_id="{{ params.quality_job_id }}",
        rule_type="quality",
        fail_on_alarm=True,
        deferrable=True,
        poll_interval=POLL_INTERVAL,
        timeout=dt.timedelta(hours=1),
    )

    tensorboard = ModelArtsRestartVisualizationOperator(
        task_id="restart_team_tensorboard",
        job_id="{{ params.visualization_job_id }}",
        deferrable=True,
        poll_interval=POLL_INTERVAL,
        timeout=dt.timedelta(minutes=30),
    )

    rerun >> quality >> tensorboard
