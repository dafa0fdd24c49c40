"""The bad-answers catalogue for actions and waits: how many actions the server saw, and the task's end.

The emulator serves each action for real, then a ``rewrite`` fault replaces its answer - so the run
did start, whatever the answer claims. The operator must neither act twice nor take a bad read for a
baseline or an outcome; a kill or a deadline during the restart lag still stops the run once it shows.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from airflow_provider_dataarts.api.errors import DataArtsNotFoundError
from airflow_provider_dataarts.operators.base import DataArtsNoSnapshotError
from airflow_provider_dataarts.outcomes import DataArtsWaitTimeoutError
from tests.conftest import eventually, routes
from tests.operators.cases import CASE_IDS, CASES
from tests.operators.conftest import FAST, SPEED
from tests.operators.harness import make_context, run_task

ACTION_PATHS = {
    "dlf.restart": "^/v1/[^/]+/jobs/.+/restart$",
    "factory.retry": "^/v2/[^/]+/factory/jobs/.+/retry$",
    "quality.rerun": "^/v2/[^/]+/quality/instances/restart$",
    "modelarts.restart": "^/v1/[^/]+/visualization-jobs/.+/restart$",
    "dlf.run_once": "^/v1/[^/]+/jobs/[^/]+/run-immediate$",
}
STATUS_PATHS = {
    "dlf.restart": "^/v1/[^/]+/jobs/[^/]+/instances/[0-9]+$",
    "factory.retry": "^/v2/[^/]+/factory/jobs/[^/]+/instances/detail$",
    "quality.rerun": "^/v2/[^/]+/quality/instances$",
    "modelarts.restart": "^/v1/[^/]+/visualization-jobs/[0-9]+$",
    "dlf.run_once": "^/v1/[^/]+/jobs/instances/detail$",  # the look before acting: the job's recent instances
}
#: answers to an action that was served: (id, fault options)
BAD_ACTION_ANSWERS = [
    ("not-json", {"status": 200, "body": "<html>ok</html>"}),
    ("redirect", {"status": 302, "body": None, "headers": {"Location": "http://evil.example/"}}),
    ("empty-object", {"status": 200, "body": {}}),
    ("gateway-504", {"status": 504, "body": None}),
]


@pytest.mark.parametrize(("answer", "fault"), BAD_ACTION_ANSWERS, ids=[a for a, _ in BAD_ACTION_ANSWERS])
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_a_served_action_with_a_bad_answer_is_never_sent_again(live, case, answer, fault) -> None:
    operator = case.build(live, True, {**FAST, "start_timeout": 60})
    live.admin.add_fault("rewrite", path=ACTION_PATHS[case.action], method="POST", **fault)
    result = run_task(operator)
    assert result["outcome"] == "success"
    assert len(routes(live, case.action)) == 1  # the server saw one action


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_a_2xx_that_says_refused_is_refused_even_when_the_service_acted(live, case) -> None:
    """The answer is what counts: the task fails with its code (the one action it sent stands; a retry
    would find that run and wait for it)."""
    operator = case.build(live, True, {**FAST, "start_timeout": 60})
    # the clock stands still: the run the service started anyway must not show up before the task has
    # read the answer (a slow machine would let it, and the task would rightly wait for that run)
    live.admin.set_speed(0)
    body = {"error_code": "DLF.0137", "error_msg": "The job instance does not exist."}
    live.admin.add_fault("rewrite", path=ACTION_PATHS[case.action], method="POST", status=200, body=body)
    with pytest.raises(DataArtsNotFoundError, match=r"DLF\.0137"):
        run_task(operator)
    assert len(routes(live, case.action)) == 1


@pytest.mark.parametrize("body", [{}, "not json", {"status": None}, [1, 2]], ids=["{}", "text", "null-status", "list"])
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_no_action_before_a_usable_look_then_one(live, case, body) -> None:
    operator = case.build(live, True, {**FAST})
    live.admin.add_fault("rewrite", path=STATUS_PATHS[case.action], method="GET", status=200, body=body, count=2)
    result = run_task(operator)
    assert result["outcome"] == "success"
    assert len(routes(live, case.action)) == 1


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_no_usable_look_at_all_means_nothing_is_sent(live, case) -> None:
    operator = case.build(live, True, {**FAST})
    live.admin.add_fault("rewrite", path=STATUS_PATHS[case.action], method="GET", status=200, body={}, count=1000)
    with pytest.raises(DataArtsNoSnapshotError, match="nothing was sent"):
        run_task(operator)
    assert routes(live, case.action) == []


@pytest.mark.parametrize("mode", [False, True], ids=["worker", "deferred"])
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_unusable_polls_are_ridden_out_and_never_an_outcome(live, case, mode) -> None:
    live.admin.set_speed(SPEED / 10)
    context = make_context()
    operator = case.build(live, True, {**FAST, "deferrable": mode})
    # the look before acting and the polls: status reads answer a 200 that says nothing usable
    live.admin.add_fault("rewrite", path=STATUS_PATHS[case.action], method="GET", status=200, body={}, count=3)
    result = run_task(operator, context)
    assert result["outcome"] == "success" and len(routes(live, case.action)) == 1


def test_a_refusal_because_the_run_is_already_in_progress_attaches_to_it(live) -> None:
    """Another task restarted the instance between this task's look and its action: wait for that run."""
    from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
    from airflow_provider_dataarts.operators.factory import DataArtsRestartInstanceOperator

    class Raced(DataArtsRestartInstanceOperator):
        def act(self, hook, watch):
            DataArtsHook().restart_job_instance(self.job_name, self.instance_id)  # the other task
            live.admin.advance(5)  # its run is visibly waiting/running now
            return super().act(hook, watch)

    live.admin.set_speed(0)
    operator = Raced(task_id="r", job_name="nightly_sales", instance_id=34766, **FAST)
    import threading

    done: dict = {}
    thread = threading.Thread(target=lambda: done.update(result=run_task(operator)))
    thread.start()
    assert eventually(lambda: len(routes(live, "dlf.restart")) == 2)
    live.admin.set_speed(SPEED)
    thread.join(60)
    assert done["result"]["outcome"] == "success" and done["result"]["acted"] is False
    assert [entry["status"] for entry in routes(live, "dlf.restart")] == [204, 400]


def test_a_kill_during_the_restart_lag_stops_the_run_once_it_shows(live) -> None:
    """The stop is refused while the instance still shows the previous run; it is sent again once the new
    run shows, and the run ends stopped."""
    from airflow_provider_dataarts.operators.factory import DataArtsRestartInstanceOperator

    live.admin.set_speed(1)  # the lag (2 s) outlasts the first stop attempt
    operator = DataArtsRestartInstanceOperator(task_id="r", job_name="nightly_sales", instance_id=34766, **FAST)
    operator._run = lambda context, wait: wait  # act, then stop right there
    wait = operator.execute(make_context())
    operator._watch, operator._start_deadline = wait.wire_watch, wait.start_deadline
    operator.on_kill()
    stops = [entry["status"] for entry in routes(live, "dlf.stop")]
    assert stops[-1] == 204 and set(stops[:-1]) <= {400}
    live.admin.set_speed(SPEED)
    assert eventually(lambda: live.admin.state()["factory_jobs"][0]["instances"][0]["status"] == "manual-stop")


def test_a_deferred_kill_during_the_lag_stops_the_run_once_it_shows(live) -> None:
    from airflow_provider_dataarts.hooks.dataarts_async import close_sessions
    from airflow_provider_dataarts.triggers.status import DataArtsJobInstanceTrigger

    live.admin.set_speed(1)
    from airflow_provider_dataarts.hooks.dataarts import DataArtsHook

    before = DataArtsHook().get_job_instance("nightly_sales", 34766)
    DataArtsHook().restart_job_instance("nightly_sales", 34766)
    trigger = DataArtsJobInstanceTrigger(
        watch={"job_name": "nightly_sales", "instance_id": "34766", "workspace": None,
               "baseline": before.fingerprint()},
        deadline=time.time() + 600, poll_interval=0.05, start_deadline=time.time() + 60,
    )  # fmt: skip

    async def kill() -> None:
        try:
            await trigger.stop_remote_run("the task was killed")
        finally:
            await close_sessions()

    asyncio.run(kill())
    assert routes(live, "dlf.stop")[-1]["status"] == 204


def test_a_deadline_during_the_lag_stops_the_run_once_it_shows(live) -> None:
    from airflow_provider_dataarts.operators.factory import DataArtsRestartInstanceOperator

    live.admin.set_speed(1)
    operator = DataArtsRestartInstanceOperator(
        task_id="r", job_name="nightly_sales", instance_id=34766, poll_interval=0.05, timeout=0.5, start_timeout=60
    )
    with pytest.raises(DataArtsWaitTimeoutError):
        run_task(operator)
    assert routes(live, "dlf.stop")[-1]["status"] == 204


def test_a_trigger_deadline_fires_while_a_poll_hangs(live, monkeypatch) -> None:
    from airflow_provider_dataarts.triggers.status import DataArtsJobInstanceTrigger
    from tests.hook.conftest import set_connection
    from tests.operators.harness import first_event

    set_connection(monkeypatch, live, timeout=600, retry_delay=0.01)  # the request itself would wait 10 minutes
    live.admin.add_fault("delay", path=STATUS_PATHS["dlf.restart"], seconds=300, count=5)
    trigger = DataArtsJobInstanceTrigger(
        watch={"job_name": "nightly_sales", "instance_id": "34766", "workspace": None, "baseline": None},
        deadline=time.time() + 1.5, poll_interval=0.05,
    )  # fmt: skip
    started = time.monotonic()
    event = asyncio.run(first_event(trigger))
    assert event.payload["status"] == "timeout" and time.monotonic() - started < 10
