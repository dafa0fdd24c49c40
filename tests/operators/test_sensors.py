"""The sensors in poke, reschedule and deferrable modes: success, failure, timeout, transient errors."""

from __future__ import annotations

import pytest
from airflow.providers.common.compat.sdk import AirflowSensorTimeout

from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
from airflow_provider_dataarts.outcomes import DataArtsRunFailedError
from airflow_provider_dataarts.sensors.factory import DataArtsFactoryInstancesSensor, DataArtsJobInstanceSensor
from airflow_provider_dataarts.sensors.modelarts import ModelArtsVisualizationJobSensor
from airflow_provider_dataarts.sensors.quality import DataArtsQualityInstanceSensor
from tests.conftest import routes
from tests.hook.conftest import set_connection
from tests.operators.harness import run_task

MODES = {
    "poke": {"mode": "poke"},
    "reschedule": {"mode": "reschedule"},
    "deferrable": {"deferrable": True},
}
FAST = {"poke_interval": 0.02, "timeout": 60}
SHOW_34766 = "^/v1/[^/]+/jobs/nightly_sales/instances/34766$"


@pytest.fixture(params=list(MODES))
def mode(request) -> dict:
    if request.param == "reschedule":
        import airflow

        if airflow.__version__.startswith("2."):
            pytest.skip("Airflow 2 reschedules through the database: covered by the example DAG runs")
    return {**FAST, **MODES[request.param]}


def test_job_instance_sensor_waits_for_a_restarted_run(live, mode) -> None:
    DataArtsHook().restart_job_instance("nightly_sales", 34766)
    live.admin.advance(3.5)  # visibly running: the sensor has to wait
    sensor = DataArtsJobInstanceSensor(task_id="s", job_name="nightly_sales", instance_id=34766, **mode)
    result = run_task(sensor)
    assert result["status"] == "success" and result["instance_id"] == "34766"


def test_job_instance_sensor_fails_on_a_failed_instance(live, mode) -> None:
    sensor = DataArtsJobInstanceSensor(task_id="s", job_name="nightly_sales", instance_id=34765, **mode)
    with pytest.raises(DataArtsRunFailedError, match="failed nodes: transform"):
        run_task(sensor)


def test_factory_instances_sensor_by_plan_time_and_window(live, mode) -> None:
    by_time = DataArtsFactoryInstancesSensor(
        task_id="s", job_name="nightly_sales", plan_time="2026-11-22T02:00:00Z", workspace="ws-default", **mode
    )
    assert [item["instance_id"] for item in run_task(by_time)["instances"]] == ["34766"]
    window = DataArtsFactoryInstancesSensor(
        task_id="w",
        job_name="nightly_sales",
        min_plan_time="2026-11-20T00:00:00Z",
        max_plan_time="2026-11-23T00:00:00Z",
        workspace="ws-default",
        **mode,
    )
    with pytest.raises(DataArtsRunFailedError, match="34765"):
        run_task(window)


def test_quality_and_visualization_sensors(live, mode) -> None:
    instance_id = DataArtsHook().rerun_quality_job(2, "1440764172232392706")
    quality = DataArtsQualityInstanceSensor(task_id="q", instance_id=instance_id, **mode)
    assert run_task(quality)["run_status"] == "SUCCESS"
    DataArtsHook().restart_visualization_job("10")
    live.admin.advance(3)  # past the restart lag (a no-wait restart operator waits for this itself)
    visualization = ModelArtsVisualizationJobSensor(task_id="m", job_id="10", **mode)
    assert run_task(visualization)["status_name"] == "RUNNING"


def test_sensor_timeout_in_every_mode(live, mode) -> None:
    live.admin.set_speed(0)
    DataArtsHook().restart_job_instance("nightly_sales", 34766)
    live.admin.advance(3.5)  # running, and the clock is frozen: it never finishes
    sensor = DataArtsJobInstanceSensor(
        task_id="s", job_name="nightly_sales", instance_id=34766, **{**mode, "timeout": 0.3}
    )
    with pytest.raises(AirflowSensorTimeout):
        run_task(sensor)


def test_a_transient_error_is_a_negative_poke(live) -> None:
    live.admin.add_fault("status", path=SHOW_34766, status=503, count=5)
    sensor = DataArtsJobInstanceSensor(task_id="s", job_name="nightly_sales", instance_id=34766, **FAST)
    assert run_task(sensor)["status"] == "success"


def test_tokens_refused_as_apigw_0301_while_polling_are_replaced(live, monkeypatch, mode) -> None:
    """Tokens expiring while the wait polls, refused in the other documented form (``APIG.0301`` "token
    expires", spelled ``APIGW.``): each is replaced, a poll refused twice is a negative poke, and the wait
    reaches the run's outcome."""
    set_connection(monkeypatch, live, "password", retry_delay=0.01)
    live.admin.config(token_expired_code="APIG.0301", gateway_code_spelling="APIGW")
    DataArtsHook().restart_job_instance("nightly_sales", 34766)
    live.admin.advance(3.5)  # visibly running
    live.admin.add_fault("token_expiry", path=SHOW_34766, method="GET", count=3)  # the first poll: twice
    sensor = DataArtsJobInstanceSensor(task_id="s", job_name="nightly_sales", instance_id=34766, **mode)
    result = run_task(sensor)
    assert (result["status"], result["instance_id"]) == ("success", "34766")
    polls = [entry["status"] for entry in routes(live, "dlf.show")]
    assert polls[:4] == [401, 401, 401, 200] and set(polls[4:]) <= {200}
    assert len(routes(live, "iam.token")) == 4  # the restart's token, then one for each refusal
