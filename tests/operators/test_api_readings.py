"""The operators and sensors under every reading of what the documents leave open.

The emulator reads the API as the official SDK documents it (exclusive list bounds on the start
time, ``offset`` as a page number) and, by switches, the other readings: windows on the plan time,
record offsets, either list order, a v2 rerun as a new row. The provider must find, act on and
judge the right run under each.
"""

from __future__ import annotations

import itertools

import pytest

from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
from airflow_provider_dataarts.operators.factory import (
    DataArtsNotRestartableError,
    DataArtsRestartInstanceOperator,
    DataArtsRetryInstancesOperator,
)
from airflow_provider_dataarts.operators.quality import DataArtsRerunQualityOperator
from airflow_provider_dataarts.outcomes import DataArtsRunFailedError
from airflow_provider_dataarts.sensors.factory import DataArtsFactoryInstancesSensor
from airflow_provider_dataarts.validation import InvalidParameterError
from tests.conftest import routes
from tests.operators.conftest import FAST, SPEED
from tests.operators.harness import run_task

DAY_21 = 1795226400000  # 2026-11-21T02:00Z: nightly_sales 34765 (failed; its first rerun fails at load)
DAY_22_1AM = 1795309200000  # daily report café 34771 (failed; its rerun succeeds)

READINGS = [
    {"list_window_on": window, "list_order": order, "v2_rerun_rows": rows, "list_offset": offset}
    for window, order, rows, offset in itertools.product(
        ("start_time", "plan_time"), ("newest_first", "oldest_first"), ("update", "new"), ("page", "record")
    )
]
READING_IDS = ["-".join(str(value) for value in reading.values()) for reading in READINGS]


def _rerun(job: str, plan_time: int, submit_time: int, **kwargs):
    retry = {"job_id": {"nightly_sales": 917567, "daily report café": 917568}[job], "plan_time": plan_time}
    return DataArtsRetryInstancesOperator(
        task_id="rerun",
        job_name=job,
        task_retrys=[{**retry, "submit_time": submit_time}],
        retry_location="errorNode",
        retry_task_version="original_version",
        workspace="ws-default",
        **{**FAST, **kwargs},
    )


@pytest.mark.parametrize("reading", READINGS, ids=READING_IDS)
def test_v2_rerun_finds_acts_once_and_waits_for_the_new_run(live, reading) -> None:
    live.admin.config(**reading)
    result = run_task(_rerun("daily report café", DAY_22_1AM, DAY_22_1AM))
    assert (result["outcome"], result["status"]) == ("success", "1 success")
    assert len(routes(live, "factory.retry")) == 1
    (instance,) = result["instances"]
    assert (instance["plan_time"], instance["status"]) == (DAY_22_1AM, "success")
    assert (
        instance["instance_id"] != "34771" if reading["v2_rerun_rows"] == "new" else instance["instance_id"] == "34771"
    )


@pytest.mark.parametrize("reading", READINGS[::3], ids=READING_IDS[::3])
def test_v2_rerun_never_takes_the_old_failure_for_the_new_run(live, reading) -> None:
    """34765 failed before; its rerun fails again at another node: the error names the new run's node."""
    live.admin.config(**reading)
    with pytest.raises(DataArtsRunFailedError, match="failed nodes: load"):
        run_task(_rerun("nightly_sales", DAY_21, DAY_21, deferrable=True))
    assert len(routes(live, "factory.retry")) == 1


@pytest.mark.parametrize("reading", READINGS[::5], ids=READING_IDS[::5])
def test_sensor_finds_its_plan_time_under_every_reading(live, reading) -> None:
    live.admin.config(**reading)
    sensor = DataArtsFactoryInstancesSensor(
        task_id="wait", job_name="nightly_sales", plan_time=DAY_21 + 86_400_000, poke_interval=0.05, timeout=30
    )
    result = run_task(sensor)
    assert [(item["instance_id"], item["status"]) for item in result["instances"]] == [("34766", "success")]


@pytest.mark.parametrize("order", ["newest_first", "oldest_first"])
def test_the_sensor_follows_the_newest_run_of_its_plan_time(live, order) -> None:
    """After a rerun added a row, the plan time's outcome is the new row's, whatever the list order:
    listed newest first, the last row listed is the old failure."""
    live.admin.config(v2_rerun_rows="new", list_order="oldest_first")  # the rerun itself: any order will do
    (rerun,) = run_task(_rerun("daily report café", DAY_22_1AM, DAY_22_1AM))["instances"]
    assert rerun["instance_id"] != "34771"
    live.admin.config(list_order=order)
    sensor = DataArtsFactoryInstancesSensor(
        task_id="wait", job_name="daily report café", plan_time=DAY_22_1AM, poke_interval=0.05, timeout=30
    )
    result = run_task(sensor)  # the old row 34771 still says fail
    assert [(item["instance_id"], item["status"]) for item in result["instances"]] == [
        (rerun["instance_id"], "success")
    ]


def test_windows_hold_many_instances_without_paging(live) -> None:
    """2,500 instances of one day: read in parts of at most a page each, whatever offset means."""
    hourly = [{"instance_id": 50_000 + n, "plan_time": DAY_21 + n * 30_000, "status": "success"} for n in range(2500)]
    scenario = dict(live.scenario)
    scenario["factory_jobs"] = [
        *scenario["factory_jobs"],
        {"name": "busy", "workspace": "ws-default", "job_id": 1, "nodes": [{"name": "n"}], "instances": hourly},
    ]
    for offset in ("page", "record"):
        live.admin.reset(scenario)
        live.admin.config(list_offset=offset)
        sensor = DataArtsFactoryInstancesSensor(
            task_id="wait",
            job_name="busy",
            min_plan_time=DAY_21,
            max_plan_time=DAY_21 + 2499 * 30_000,
            poke_interval=0.05,
            timeout=30,
        )
        result = run_task(sensor)
        assert result["instances_total"] == 2500 and len(result["instances"]) == 100  # the summary lists 100
        found = DataArtsHook().list_all_factory_instances(
            "busy", min_plan_time=DAY_21, max_plan_time=DAY_21 + 2499 * 30_000, workspace="ws-default"
        )
        assert sorted(item.instance_id for item in found) == [str(50_000 + n) for n in range(2500)]
        assert {entry["query"].get("offset") for entry in routes(live, "factory.list")} == {"0"}


def test_an_abnormal_instance_is_not_restarted(live) -> None:
    scenario = dict(live.scenario)
    job = dict(scenario["factory_jobs"][0])
    job["instances"] = [{"instance_id": 1, "plan_time": DAY_21, "status": "running-exception", "failed_node": "load"}]
    live.admin.reset({**scenario, "factory_jobs": [job]})
    operator = DataArtsRestartInstanceOperator(task_id="r", job_name="nightly_sales", instance_id=1, **FAST)
    with pytest.raises(DataArtsNotRestartableError, match=r"running-exception.*success, fail, manual-stop"):
        run_task(operator)
    assert routes(live, "dlf.restart") == []
    with pytest.raises(DataArtsNotRestartableError, match="DataArts console"):
        run_task(_rerun("nightly_sales", DAY_21, DAY_21))
    assert routes(live, "factory.retry") == []


def test_a_wait_that_meets_running_exception_says_what_it_means(live) -> None:
    scenario = dict(live.scenario)
    job = dict(scenario["factory_jobs"][0])
    job["instances"] = [
        {
            "instance_id": 1,
            "plan_time": DAY_21,
            "status": "fail",
            "failed_node": "load",
            "restarts": [{"outcome": "running-exception", "failed_node": "load"}],
        }
    ]
    live.admin.reset({**scenario, "factory_jobs": [job]})
    live.admin.set_speed(SPEED)
    operator = DataArtsRestartInstanceOperator(task_id="r", job_name="nightly_sales", instance_id=1, **FAST)
    with pytest.raises(
        DataArtsRunFailedError, match=r"running-exception: the instance is abnormal.*failed nodes: load"
    ):
        run_task(operator)


@pytest.mark.parametrize("order", ["newest_first", "oldest_first"])
@pytest.mark.parametrize("answer", [{}, {"instance_id": ""}, None])
def test_a_quality_rerun_answered_without_an_id_is_found_by_its_window(live, order, answer) -> None:
    """The rerun was accepted but its answer names no instance: the run is found, not sent again."""
    live.admin.config(list_order=order)
    live.admin.add_fault("rewrite", path="^/v2/[^/]+/quality/instances/restart$", body=answer)
    operator = DataArtsRerunQualityOperator(task_id="q", rule_id="1440764172232392706", rule_type=2, **FAST)
    result = run_task(operator)
    assert result["outcome"] == "success" and result["instance_id"]
    assert len(routes(live, "quality.rerun")) == 1


@pytest.mark.parametrize("order", ["newest_first", "oldest_first"])
def test_a_quality_rerun_is_found_whatever_the_list_order(live, order) -> None:
    """Many earlier instances of other jobs: the new one is looked for by id in the rerun's window."""
    scenario = dict(live.scenario)
    other = dict(scenario["quality_jobs"][1])
    history = [{"id": 9000 + n, "run_status": "SUCCESS", "start_time": DAY_21 + n * 1000} for n in range(250)]
    jobs = [scenario["quality_jobs"][0], {**other, "instances": history}]
    live.admin.reset({**scenario, "quality_jobs": jobs})
    live.admin.config(list_order=order)
    live.admin.set_speed(SPEED)
    operator = DataArtsRerunQualityOperator(task_id="q", rule_id="1440764172232392705", fail_on_alarm=False, **FAST)
    assert run_task(operator)["outcome"] == "alarming"


DAY_22 = DAY_21 + 86_400_000  # nightly_sales 34766 (success)
MODE_2 = {
    "task_id": "rerun",
    "job_name": "nightly_sales",
    "begin_time": DAY_22 - 3_600_000,
    "end_time": DAY_22 + 3_600_000,
    "retry_location": "firstNode",
    "retry_task_version": "current_version",
    "workspace": "ws-default",
    "wait_for_completion": False,
    **FAST,
}
WINDOW_KEYS = {"begin_time": DAY_22 - 3_600_000, "end_time": DAY_22 + 3_600_000}
OTHER_JOBS = [{"job_name": "daily report café", "workspace_id": "ws-default"}, {"job_name": "hourly_ingest"}]


def test_mode_1_sends_only_the_instances_and_the_options_given(live) -> None:
    run_task(_rerun("daily report café", DAY_22_1AM, DAY_22_1AM, wait_for_completion=False))
    (entry,) = routes(live, "factory.retry")
    assert entry["body"] == {  # no jobs, window or concurrency: those are mode 2's, and none was given
        "retry_location": "errorNode",
        "retry_task_version": "original_version",
        "task_retrys": [{"job_id": 917568, "plan_time": DAY_22_1AM, "submit_time": DAY_22_1AM}],
    }


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ({"jobs": []}, {"jobs": []}),
        (  # a bare name is the task's workspace's job: the API needs its workspace_id
            {"jobs": OTHER_JOBS, "concurrent": 2},
            {"jobs": [OTHER_JOBS[0], {**OTHER_JOBS[1], "workspace_id": "ws-default"}], "concurrent": 2},
        ),
    ],
    ids=["no-other-job", "named-jobs"],
)
def test_mode_2_sends_only_what_the_user_gave(live, given, sent) -> None:
    run_task(DataArtsRetryInstancesOperator(**MODE_2, **given))
    (entry,) = routes(live, "factory.retry")
    assert (
        entry["body"] == {"retry_location": "firstNode", "retry_task_version": "current_version", **WINDOW_KEYS} | sent
    )


def test_mode_2_never_sends_a_jobs_list_the_user_did_not_give(live) -> None:
    """The API needs ``jobs`` in mode 2: without it the task fails before acting, never sending ``[]``."""
    refused = None
    try:
        run_task(DataArtsRetryInstancesOperator(**MODE_2))
    except InvalidParameterError as error:
        refused = error
    sent = [entry["body"] for entry in routes(live, "factory.retry")]
    assert sent == [], f"sent: {sent}"
    assert refused is not None and refused.parameter == "jobs"
