"""Restart DataArts Factory job instances (v1 API) in every wait mode, and watch one with the sensor.

- ``restart_no_wait``: restart, confirm the new run started, and return (``wait_for_completion=False``);
- ``restart_wait_in_worker``: restart and poll from the worker until the new run ends;
- ``restart_deferred``: restart from a named node and wait in the triggerer;
- the sensor in poke, reschedule and deferrable modes.
Ids default to the emulator's bundled ``examples`` scenario; override them as DAG params.
"""

from __future__ import annotations

import datetime as dt
import os

from airflow.providers.common.compat.sdk import DAG, Param

from airflow_provider_dataarts.operators.factory import DataArtsRestartInstanceOperator
from airflow_provider_dataarts.sensors.factory import DataArtsJobInstanceSensor

POLL_INTERVAL = float(os.environ.get("DATAARTS_EXAMPLE_POLL_INTERVAL", "30"))

with DAG(
    dag_id="example_dataarts_restart_instance",
    schedule=None,
    start_date=dt.datetime(2024, 1, 1),
    catchup=False,
    tags=["example", "dataarts"],
    params={
        "job_name": Param("hourly events", type="string"),
        "instance_no_wait": Param("50001", type="string"),
        "instance_in_worker": Param("50002", type="string"),
        "instance_deferred": Param("50003", type="string"),
    },
) as dag:
    restart_no_wait = DataArtsRestartInstanceOperator(
        task_id="restart_no_wait",
        job_name="{{ params.job_name }}",
        instance_id="{{ params.instance_no_wait }}",
        wait_for_completion=False,
        poll_interval=POLL_INTERVAL,
    )
    # The no-wait restart's run goes on: the sensors wait for it, in each sensor mode.
    for mode, deferrable in (("poke", False), ("reschedule", False), ("poke", True)):
        sensor = DataArtsJobInstanceSensor(
            task_id=f"sensor_{'deferrable' if deferrable else mode}",
            job_name="{{ params.job_name }}",
            instance_id="{{ params.instance_no_wait }}",
            mode=mode,
            deferrable=deferrable,
            poke_interval=POLL_INTERVAL,
            timeout=3600,
        )
        restart_no_wait >> sensor

    DataArtsRestartInstanceOperator(
        task_id="restart_wait_in_worker",
        job_name="{{ params.job_name }}",
        instance_id="{{ params.instance_in_worker }}",
        retry_location="error_node",
        poll_interval=POLL_INTERVAL,
    )

    DataArtsRestartInstanceOperator(
        task_id="restart_deferred",
        job_name="{{ params.job_name }}",
        instance_id="{{ params.instance_deferred }}",
        retry_location="specified_node",
        node_name="aggregate",
        job_param_version="latest_version",
        deferrable=True,
        poll_interval=POLL_INTERVAL,
    )
