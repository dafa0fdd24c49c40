"""Resuming across task tries, actions with unknown outcome, and what the operators return."""

from __future__ import annotations

import pytest
from airflow.providers.common.compat.sdk import TaskDeferred

from airflow_provider_dataarts.api.errors import DataArtsAuthError, DataArtsNotFoundError
from airflow_provider_dataarts.operators.factory import DataArtsRestartInstanceOperator
from airflow_provider_dataarts.operators.modelarts import ModelArtsRestartVisualizationOperator
from airflow_provider_dataarts.operators.quality import DataArtsRerunQualityOperator
from airflow_provider_dataarts.outcomes import DataArtsRunFailedError
from tests.conftest import routes
from tests.operators.conftest import FAST, SPEED
from tests.operators.harness import FakeTaskInstance, StateStore, make_context, run_task

RESTART = r"^/v1/[^/]+/jobs/nightly_sales/instances/34766/restart$"


def restart(**kwargs):
    return DataArtsRestartInstanceOperator(
        task_id="restart", job_name="nightly_sales", instance_id=34766, **{**FAST, **kwargs}
    )


def test_a_retry_after_the_run_succeeded_returns_it_without_acting(live) -> None:
    store, ti = StateStore(), FakeTaskInstance(max_tries=2)
    live.admin.set_speed(0)
    with pytest.raises(TaskDeferred):
        restart(deferrable=True).execute(make_context(ti, store))
    live.admin.advance(120)  # the run finished while the worker was gone
    result = run_task(restart(), make_context(ti, store))
    assert (result["outcome"], result["acted"]) == ("success", True)
    assert len(routes(live, "dlf.restart")) == 1


def test_a_retry_after_the_run_failed_acts_again(live) -> None:
    store, ti = StateStore(), FakeTaskInstance(max_tries=2)
    operator = DataArtsRestartInstanceOperator(task_id="r", job_name="nightly_sales", instance_id=34765, **FAST)
    with pytest.raises(DataArtsRunFailedError, match="ended fail") as raised:
        run_task(operator, make_context(ti, store))
    assert raised.type is DataArtsRunFailedError  # failed, not timed out
    retry = DataArtsRestartInstanceOperator(task_id="r", job_name="nightly_sales", instance_id=34765, **FAST)
    assert run_task(retry, make_context(ti, store))["outcome"] == "success"  # the scripted second restart
    assert len(routes(live, "dlf.restart")) == 2


def test_a_cleared_task_acts_again(live) -> None:
    store = StateStore()
    run_task(restart(), make_context(FakeTaskInstance(max_tries=1), store))
    run_task(restart(), make_context(FakeTaskInstance(max_tries=3), store))  # a clear raises max_tries
    assert len(routes(live, "dlf.restart")) == 2


def test_an_action_lost_after_processing_is_waited_for_not_resent(live) -> None:
    live.admin.add_fault("drop_after", path=RESTART)
    assert run_task(restart())["outcome"] == "success"
    assert len(routes(live, "dlf.restart")) == 1


@pytest.mark.parametrize("deferrable", [False, True], ids=["worker", "deferred"])
@pytest.mark.parametrize("fault", [{"kind": "drop_before"}, {"kind": "status", "status": 500}])
def test_an_action_that_did_not_happen_is_sent_again_once_no_run_showed_up(live, deferrable, fault) -> None:
    live.admin.add_fault(path=RESTART, **fault)  # no certain answer, and the server did not act
    result = run_task(restart(start_timeout=0.5, deferrable=deferrable))
    assert (result["outcome"], result["acted"]) == ("success", True)
    assert len(routes(live, "dlf.restart")) == 2  # the second only after 0.5 s without a new run


def test_actions_without_a_certain_answer_are_sent_at_most_three_times(live) -> None:
    live.admin.add_fault("drop_before", path=RESTART, count=5)
    with pytest.raises(DataArtsRunFailedError, match="no new run became visible"):
        run_task(restart(start_timeout=0.3))
    assert len(routes(live, "dlf.restart")) == 3


def test_a_visualization_restart_without_a_certain_answer_is_never_sent_again(live) -> None:
    """A ModelArts restart that fails again between two polls leaves no trace, so a quiet start window
    proves nothing: the task fails (its retry acts again) rather than restart a second time."""
    live.admin.add_fault("drop_before", path="^/v1/[^/]+/visualization-jobs/10/restart$")
    operator = ModelArtsRestartVisualizationOperator(task_id="v", job_id="10", **{**FAST, "start_timeout": 0.5})
    with pytest.raises(DataArtsRunFailedError, match=r"no new run became visible.*may have"):
        run_task(operator)
    assert len(routes(live, "modelarts.restart")) == 1


def test_a_retry_waits_out_an_uncertain_action_of_an_earlier_try_then_acts(live) -> None:
    store, ti = StateStore(), FakeTaskInstance(max_tries=2)
    live.admin.add_fault("drop_before", path=RESTART)
    with pytest.raises(TaskDeferred):  # the worker goes away; the trigger never reports
        restart(deferrable=True, start_timeout=0.5).execute(make_context(ti, store))
    result = run_task(restart(start_timeout=0.5), make_context(ti, store))
    assert (result["outcome"], result["acted"]) == ("success", True)
    assert len(routes(live, "dlf.restart")) == 2


def test_a_retry_after_a_refused_action_acts_at_once(live) -> None:
    store, ti = StateStore(), FakeTaskInstance(max_tries=2)
    live.admin.add_fault("status", path=RESTART, status=400, body={"error_code": "DLF.0100", "error_msg": "busy"})
    with pytest.raises(DataArtsNotFoundError, match=r"DLF\.0100"):
        run_task(restart(), make_context(ti, store))
    with pytest.raises(TaskDeferred):  # acted and polled once, with no wait for the refused action
        restart(deferrable=True, start_timeout=600).execute(make_context(ti, store))
    assert [entry["status"] for entry in routes(live, "dlf.restart")] == [400, 204]


QUALITY_RERUN = "^/v2/[^/]+/quality/instances/restart$"


def quality_rerun(**kwargs):
    return DataArtsRerunQualityOperator(task_id="q", rule_id="1440764172232392706", rule_type=2, **{**FAST, **kwargs})


def test_quality_rerun_lost_without_a_visible_run_is_sent_again_after_the_start_wait(live) -> None:
    live.admin.add_fault("drop_before", path=QUALITY_RERUN)
    result = run_task(quality_rerun(start_timeout=0.5))
    assert (result["outcome"], result["acted"]) == ("success", True)
    assert len(routes(live, "quality.rerun")) == 2


def test_quality_rerun_whose_answer_was_lost_is_found_and_waited_for(live) -> None:
    live.admin.add_fault("drop_after", path=QUALITY_RERUN)  # the new instance id never reaches the task
    result = run_task(quality_rerun())
    assert (result["outcome"], result["acted"]) == ("success", True)
    assert result["instance_id"]  # found as the job's newest instance, not the one before the rerun
    assert len(routes(live, "quality.rerun")) == 1


def test_a_retry_finds_the_quality_run_whose_answer_was_lost(live) -> None:
    store, ti = StateStore(), FakeTaskInstance(max_tries=2)
    live.admin.set_speed(0)
    live.admin.add_fault("drop_after", path=QUALITY_RERUN)
    with pytest.raises(TaskDeferred):
        quality_rerun(deferrable=True).execute(make_context(ti, store))
    live.admin.advance(600)  # the run finished while the worker was gone
    result = run_task(quality_rerun(), make_context(ti, store))
    assert (result["outcome"], result["acted"]) == ("success", True)
    assert len(routes(live, "quality.rerun")) == 1


def test_restart_result_has_node_statuses_and_log_paths(live) -> None:
    result = run_task(restart())
    assert result["instance_id"] == "34766" and result["status"] == "success"
    assert {node["node_name"] for node in result["nodes"]} == {"extract", "transform", "load"}
    assert all(node["log_path"].startswith("obs://") for node in result["nodes"])


def test_quality_alarm_can_be_accepted_and_returns_rule_results(live) -> None:
    operator = DataArtsRerunQualityOperator(task_id="q", rule_id="1440764172232392705", fail_on_alarm=False, **FAST)
    result = run_task(operator)
    assert result["outcome"] == "alarming" and result["run_status"] == "ALARMING"
    assert [(rule["sub_rule_id"], rule["abnormal_table_status"]) for rule in result["rules"]] == [
        ("11", "UNSUPPORTED"),
        ("12", "UNSUPPORTED"),
    ]
    assert all(rule["sub_instance_id"] and isinstance(rule["results"], list) for rule in result["rules"])


def _rule_results(export: str) -> dict:
    """Job 1440764172232392705's two rule results as the API answers them, with ``export`` as their status."""
    return {
        "count": 2,
        "resources": [
            {
                "sub_rule_id": rule,
                "sub_instance_instance_id": f"77{rule}",
                "abnormal_table_status": export,
                "results": [{"rule_name": name, "total_count": 1000, "abnormal_count": abnormal}],
            }
            for rule, name, abnormal in (("11", "not_null_order_id", 0), ("12", "amount_positive", 7))
        ],
    }


@pytest.mark.parametrize("export", ["FAILED", "READY", "RUNNING", "SUCCESS", "UNSUPPORTED", "ALARM", "NORMAL"])
def test_no_rule_is_called_alarmed_from_its_abnormal_table_export_status(live, export) -> None:
    """``abnormal_table_status`` is the abnormal-table export's status (SDK docstring), not a verdict:
    neither the documented values nor ``ALARM`` / ``NORMAL`` (once read as rule verdicts) make a rule
    alarmed or passed: the run's own ``ALARMING`` is the verdict."""
    scenario = dict(live.scenario)
    job = dict(scenario["quality_jobs"][0])
    if export in ("ALARM", "NORMAL"):  # not export statuses: the emulator answers only documented ones
        live.admin.add_fault("rewrite", path="^/v2/[^/]+/quality/instances/[^/]+/result$", body=_rule_results(export))
    else:
        job["rules"] = [{**rule, "abnormal_table_status": export} for rule in job["rules"]]
        live.admin.reset({**scenario, "quality_jobs": [job, *scenario["quality_jobs"][1:]]})
        live.admin.set_speed(SPEED)
    operator = DataArtsRerunQualityOperator(task_id="q", rule_id="1440764172232392705", **FAST)
    with pytest.raises(DataArtsRunFailedError) as raised:
        run_task(operator)  # the first scripted rerun ends ALARMING
    assert raised.type is DataArtsRunFailedError  # ended, not timed out
    message = str(raised.value)
    assert "alarmed" not in message and export not in message.replace("ALARMING", "")
    # NORMAL or SUCCESS is no pass either: the run's alarm is reported with its rules' results
    assert "a rule alarm fired (run status ALARMING); 2 rule result(s)" in message


def test_a_visualization_job_already_up_is_not_restarted(live) -> None:
    result = run_task(ModelArtsRestartVisualizationOperator(task_id="m", job_id="11", **FAST))
    assert (result["outcome"], result["acted"], result["status_name"]) == ("success", False, "RUNNING")
    assert routes(live, "modelarts.restart") == []


def test_a_running_instance_is_waited_for_instead_of_restarted(live) -> None:
    operator = DataArtsRestartInstanceOperator(
        task_id="r", job_name="hourly_ingest", instance_id=34781, wait_for_completion=False, **FAST
    )
    result = run_task(operator)
    assert result["acted"] is False and routes(live, "dlf.restart") == []
    assert result["watch"]["baseline"] is None  # the running run itself is what gets waited for


def test_workspace_and_project_overrides_reach_the_api(live) -> None:
    operator = DataArtsRestartInstanceOperator(
        task_id="r", job_name="analytics_rollup", instance_id=34790, workspace="ws-analytics", **FAST
    )
    run_task(operator)
    assert {entry["workspace"] for entry in routes(live, "dlf.restart")} == {"ws-analytics"}
    wrong_project = DataArtsRestartInstanceOperator(
        task_id="r", job_name="nightly_sales", instance_id=34766, project_id="ffffffffffffffffffffffffffffffff", **FAST
    )
    with pytest.raises(
        DataArtsAuthError, match=r"HTTP 403 APIG\.0310: The project is unavailable: project f{32} "
    ) as raised:
        run_task(wrong_project)
    assert raised.type is DataArtsAuthError  # not a subclass such as an expired token


def _fails_again_where_it_was(live) -> None:
    """Job 10 is failed (5 SUBMIT_FAILED) and every restart fails the same way, so the job's detail after a
    restart ends exactly as before it: 1 INIT, 4, then 5 again, same creation time."""
    scenario = dict(live.scenario)
    jobs = [dict(job) for job in scenario["visualization_jobs"]]
    jobs[0] = {**jobs[0], "status": 5, "restarts": [{"path": [1, 4, 5], "lag": 2, "step": 3}] * 2}
    live.admin.reset({**scenario, "visualization_jobs": jobs})
    live.admin.set_speed(2)  # slow enough for polls a second apart (a trigger's) to see 1 INIT and 4 on the way


@pytest.mark.parametrize("deferrable", [False, True], ids=["worker", "deferred"])
def test_a_restart_that_fails_back_to_its_old_status_is_seen_to_fail(live, deferrable) -> None:
    _fails_again_where_it_was(live)
    kwargs = {**FAST, "deferrable": deferrable, "start_timeout": 8}
    with pytest.raises(DataArtsRunFailedError, match="5 SUBMIT_FAILED") as raised:
        run_task(ModelArtsRestartVisualizationOperator(task_id="v", job_id="10", **kwargs))
    assert "no new run became visible" not in str(raised.value)  # it was seen: 1 INIT, 4


def test_a_resumed_wait_sees_the_run_fail_back_to_its_old_status(live) -> None:
    _fails_again_where_it_was(live)
    live.admin.set_speed(0)
    store, ti = StateStore(), FakeTaskInstance(max_tries=2)
    first = ModelArtsRestartVisualizationOperator(task_id="v", job_id="10", **{**FAST, "deferrable": True})
    with pytest.raises(TaskDeferred):
        first.execute(make_context(ti, store))  # acted; then the worker died
    live.admin.advance(2.5)  # 1 INIT shows
    live.admin.set_speed(2)
    retry = ModelArtsRestartVisualizationOperator(task_id="v", job_id="10", **{**FAST, "timeout": 5})
    with pytest.raises(DataArtsRunFailedError, match="5 SUBMIT_FAILED") as raised:
        run_task(retry, make_context(ti, store))
    assert raised.type is DataArtsRunFailedError  # ended, not timed out waiting for a "new" run
    assert len(routes(live, "modelarts.restart")) == 1
