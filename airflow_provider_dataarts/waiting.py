"""The act-then-wait core every operator of this provider runs.

1. **Resume or attach, never act twice.** On Airflow 3.3+ the task's ``task_state_store`` records
   what an earlier try did; a retry of the same try series (not a user's clear) resumes that wait.
   On every version the remote state is checked first: a run already in progress is attached to.
2. **Snapshot, then act.** The run's status before the action is its baseline; after the action the
   wait ignores the old outcome until the run visibly changes, within ``start_timeout``. An action
   whose outcome is unknown (no answer, or a 5xx other than a 503 refusal) is never re-sent blindly:
   the wait finds out whether it happened, and only when no new run shows up within
   ``start_timeout`` is the action taken again (from a fresh snapshot; at most
   :data:`MAX_UNCONFIRMED_ACTIONS` in all).
3. **Wait** in the worker, or deferred to the triggerer after one poll; the deadline comes back as
   an event so the remote run can be stopped and the error says what happened.
4. **Finish**: a JSON-able summary to XCom, or an error naming what failed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Mapping
from typing import Any, ClassVar

from airflow.providers.common.compat.sdk import AirflowException, BaseOperator, conf

from airflow_provider_dataarts import validation
from airflow_provider_dataarts.outcomes import (
    check_event,
    outcome,
    wait_deadline,
)
from airflow_provider_dataarts.task_mixin import DataArtsTaskMixin

STATE_KEY = "dataarts_run"
#: watch key: how many actions in a row got no certain answer (an event with it may lead to acting again)
UNCONFIRMED = "unconfirmed_actions"
#: actions with unknown outcome a task sends at most before it gives up (each after a quiet start window)
MAX_UNCONFIRMED_ACTIONS = 3
LINK_XCOM_KEY = "dataarts_target"
DEFAULT_TIMEOUT = 7 * 24 * 3600.0
#: seconds between polls while a no-wait task confirms that its action took effect
CONFIRM_POLL_INTERVAL = 5.0
#: the longest a killed worker task waits for its restarted run to show up so that it can stop it
#: (Airflow gives ``on_kill`` a minute before it kills the process)
KILL_PATIENCE = 45.0


class DataArtsNoSnapshotError(AirflowException):
    """No usable look at the remote run could be had before acting, so nothing was sent."""


@dataclasses.dataclass(frozen=True)
class Plan:
    """The state before acting: the watch (with its baseline) and whether a run is already going."""

    watch: dict[str, Any]
    in_progress: bool = False
    note: str = ""


def default_deferrable() -> bool:
    deferrable: bool = conf.getboolean("operators", "default_deferrable", fallback=False)
    return deferrable


def seconds(parameter: str, value: Any) -> float:
    """A positive number of seconds (or a timedelta)."""
    return validation.positive_number(parameter, value) or 0.0


class ActThenWaitOperator(DataArtsTaskMixin, BaseOperator):
    """Base of the operators: subclasses say how to snapshot, act and name their run.

    :param dataarts_conn_id: the ``huaweicloud_dataarts`` connection. (templated)
    :param workspace: DataArts workspace id; default the connection's. (templated)
    :param project_id: project id; default the connection's. (templated)
    :param region: region; default the connection's. (templated)
    :param wait_for_completion: wait for the remote outcome (default True); else return after acting.
    :param deferrable: wait in the triggerer instead of the worker (default ``[operators] default_deferrable``).
    :param poll_interval: seconds between status polls (default 30).
    :param timeout: wall-clock seconds (or a timedelta) the wait may take (default 7 days).
    :param start_timeout: seconds the restarted run has to become visible after the action (default 900).
    :param cancel_on_kill: stop the remote run, where the API can, when the task is killed or the wait
        times out (default True).
    """

    kind_name: ClassVar[str]
    trigger_name: ClassVar[str]  # class name in airflow_provider_dataarts.triggers.status
    template_fields: tuple[str, ...] = ("dataarts_conn_id", "workspace", "project_id", "region")
    ui_color = "#fde8e7"

    def __init__(
        self,
        *,
        dataarts_conn_id: str = "dataarts_default",
        workspace: str | None = None,
        project_id: str | None = None,
        region: str | None = None,
        wait_for_completion: bool = True,
        deferrable: bool | None = None,
        poll_interval: float = 30.0,
        timeout: float | dt.timedelta | None = None,
        start_timeout: float = 900.0,
        cancel_on_kill: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.dataarts_conn_id = dataarts_conn_id
        self.workspace = workspace
        self.project_id = project_id
        self.region = region
        self.wait_for_completion = validation.boolean("wait_for_completion", wait_for_completion)
        self.deferrable = default_deferrable() if deferrable is None else validation.boolean("deferrable", deferrable)
        self.poll_interval = seconds("poll_interval", poll_interval)
        self.timeout = seconds("timeout", DEFAULT_TIMEOUT if timeout is None else timeout)
        self.start_timeout = seconds("start_timeout", start_timeout)
        self.cancel_on_kill = validation.boolean("cancel_on_kill", cancel_on_kill)
        self.fail_on_alarm = True
        self._watch: dict[str, Any] | None = None
        self._start_deadline: float | None = None
        # Subclasses set their own arguments, then call validate_arguments(rendered=False).

    # --- what subclasses provide -------------------------------------------------------------------

    def identity(self) -> dict[str, Any]:
        """Watch keys an event must match to belong to this task's run."""
        raise NotImplementedError

    def prepare(self, hook: Any) -> Plan:
        """Read the remote state before acting."""
        raise NotImplementedError

    def act(self, hook: Any, watch: dict[str, Any]) -> dict[str, Any]:
        """Send the action; return the watch to wait on."""
        raise NotImplementedError

    def link_target(self, watch: Mapping[str, Any]) -> dict[str, Any]:
        """What the console links need (stored in XCom; the web server makes no API call)."""
        return {}

    # --- the core ----------------------------------------------------------------------------------

    def execute(self, context: Any) -> Any:
        self.validate_arguments(rendered=True)
        context["ti"].xcom_push(key=LINK_XCOM_KEY, value={})  # the console link finds no target until we act
        return self._wait(context, *self._start(context))

    def _wait(self, context: Any, watch: dict[str, Any], start_deadline: float | None, acted: bool) -> Any:
        """Wait for the run in ``watch`` here or in the triggerer, then finish."""
        self._watch, self._start_deadline = watch, start_deadline
        context["ti"].xcom_push(key=LINK_XCOM_KEY, value=self._link_payload(watch))
        from airflow_provider_dataarts.runs.base import Limits

        if not self.wait_for_completion:
            if start_deadline is not None:  # confirm the action took effect, so what follows sees the new run
                cadence = min(self.poll_interval, CONFIRM_POLL_INTERVAL)
                event = self._poll(watch, Limits(float("inf"), cadence, start_deadline), until_started=True)
                if event is not None:
                    return self._finish(context, event, acted)
            return {"kind": self.kind_name, "outcome": "started", "acted": acted, **self.identity(), "watch": watch}
        # in the worker Airflow enforces execution_timeout itself (then on_kill stops the run); deferred it does not
        deferred_limit = self.execution_timeout if self.deferrable else None
        deadline, deadline_name = wait_deadline(context, self.timeout, deferred_limit)
        limits = Limits(deadline, self.poll_interval, start_deadline, deadline_name)
        event = self._poll(watch, limits, once=self.deferrable)
        if event is None:
            from airflow_provider_dataarts.triggers import status

            trigger = getattr(status, self.trigger_name)(
                watch=self._watch,
                deadline=limits.deadline,
                poll_interval=limits.poll_interval,
                start_deadline=limits.start_deadline,
                deadline_name=limits.deadline_name,
                dataarts_conn_id=self.dataarts_conn_id,
                region=self.region,
                project_id=self.project_id,
                workspace=self.workspace,
                cancel_on_kill=self.cancel_on_kill,
            )
            self.defer(trigger=trigger, method_name="execute_complete")
        return self._finish(context, event, acted)

    def execute_complete(self, context: Any, event: Any = None) -> Any:
        """Resume after the trigger: check the event, then succeed or fail like the worker path."""
        event = check_event(event, self.kind_name, self.identity())
        self._watch, self._start_deadline = event["watch"], event.get("start_deadline")
        return self._finish(context, event, acted=True)

    def on_kill(self) -> None:
        """Worker-side kill: stop the remote run where the API allows (once it shows, if it is still in
        its restart lag: at most :data:`KILL_PATIENCE` seconds)."""
        if self._watch is not None and self.cancel_on_kill:
            self._stop(self._watch, "the task was killed", patience=KILL_PATIENCE)

    def _start(self, context: Any) -> tuple[dict[str, Any], float | None, bool]:
        """``(watch, start deadline, acted)``: resume an earlier try's run, attach, or act."""
        store = context.get("task_state_store")
        ti = context["ti"]
        series = getattr(ti, "max_tries", None)
        record = store.get(STATE_KEY) if store is not None else None
        if isinstance(record, Mapping) and record.get("series") == series and record.get("identity") == self.identity():
            resumed = self._resume(record)
            if resumed is not None:
                return resumed
        return self._attach_or_act(context, unconfirmed=0)

    def _attach_or_act(self, context: Any, unconfirmed: int) -> tuple[dict[str, Any], float | None, bool]:
        """Snapshot the remote state; wait for a run already in progress, else act."""
        plan = self._snapshot()
        if plan.in_progress:
            self.log.info(
                "%s is already in progress: waiting for it instead of acting. %s",
                self.kind.describe(plan.watch),
                plan.note,
            )
            return plan.watch, None, unconfirmed > 0  # after an unanswered action of ours: ours, presumably
        return self._act(context, plan, unconfirmed)

    def _snapshot(self) -> Plan:
        """:meth:`prepare`, tried again after a transient failure (an unusable answer among them) within
        the hook's retry limit: nothing is sent without a usable look at the run."""
        from airflow_provider_dataarts.runs.base import is_transient

        policy = self.hook.retry_policy
        attempt = 0
        while True:
            attempt += 1
            try:
                return self.prepare(self.hook)
            except Exception as error:
                if not is_transient(error):
                    raise
                if attempt > policy.limit:
                    raise DataArtsNoSnapshotError(
                        f"{self.task_id}: no usable look at {self.identity()} after {attempt} tries ({error}); "
                        "nothing was sent"
                    ) from error
                self.log.warning("%s: the look before acting failed (%s); trying again", self.task_id, error)
                time.sleep(policy.wait_seconds(attempt, error))

    def _refused_for_a_run_in_progress(self, error: Exception) -> Plan | None:
        """After the service refused the action: the plan to wait for a run now in progress (another task
        or a user started it in the meantime), or None when nothing runs."""
        from airflow_provider_dataarts.api import errors

        if not isinstance(error, errors.DataArtsApiError) or isinstance(
            error, (errors.DataArtsAuthError, errors.DataArtsThrottledError)
        ):
            return None
        try:
            plan = self._snapshot()
        except Exception as look:
            self.log.warning("%s: after the refusal, the run could not be read: %s", self.task_id, look)
            return None
        return plan if plan.in_progress else None

    def _act(self, context: Any, plan: Plan, unconfirmed: int) -> tuple[dict[str, Any], float | None, bool]:
        """Act on ``plan``, recording the phase so a retry knows whether the action may have happened."""
        from airflow_provider_dataarts.api import errors

        store = context.get("task_state_store")
        now = time.time()
        series = getattr(context["ti"], "max_tries", None)
        record = {"series": series, "identity": self.identity(), "acted_at": now, "watch": plan.watch}
        if store is not None:
            store.set(STATE_KEY, {**record, "phase": "acting"})
        try:
            watch = self.act(self.hook, plan.watch)
        except errors.DataArtsOutcomeUnknownError as error:
            # The snapshot tells the new run apart from the old one even without the action's answer.
            self.log.warning("%s; not sending it again: waiting to see whether it happened", error)
            watch = {**plan.watch, UNCONFIRMED: unconfirmed + 1}
        except errors.DataArtsError as error:
            refused = isinstance(error, errors.DataArtsApiError) or (
                isinstance(error, errors.DataArtsTransportError) and not error.sent
            )
            if store is not None and refused:  # certainly not acted on: a retry acts without waiting
                store.set(STATE_KEY, {**record, "phase": "refused"})
            running = self._refused_for_a_run_in_progress(error)
            if running is None:
                raise
            self.log.warning(
                "%s refused the action (%s): a run is already in progress, started elsewhere; waiting for it. %s",
                self.kind.describe(running.watch),
                error,
                running.note,
            )
            return running.watch, None, False
        if store is not None:
            store.set(STATE_KEY, {**record, "watch": watch, "phase": "acted"})
        self.log.info("Acted on %s; waiting for the new run", self.kind.describe(watch))
        return watch, now + self.start_timeout, True

    def _resume(self, record: Mapping[str, Any]) -> tuple[dict[str, Any], float | None, bool] | None:
        """Pick up the run an earlier try of this task started, unless it ended in failure."""
        from airflow_provider_dataarts.api.phases import Phase
        from airflow_provider_dataarts.runs.base import forget_baseline

        if record.get("phase") == "refused":
            return None
        watch = dict(record["watch"])
        observation = self.hook.run(self.kind.observe(watch))
        start_deadline = float(record.get("acted_at", 0)) + self.start_timeout
        what = self.kind.describe(watch)
        if observation.started and observation.phase is not Phase.FAILED:
            self.log.info("Resuming the wait for %s, started by an earlier try (%s)", what, observation.status)
            return forget_baseline(watch), None, True
        if not observation.started and time.time() < start_deadline:
            self.log.info("An earlier try acted on %s; waiting for that run to start", what)
            if record.get("phase") == "acting":  # that action's outcome is unknown
                watch[UNCONFIRMED] = watch.get(UNCONFIRMED, 0) + 1
            return watch, start_deadline, True
        return None

    def _poll(
        self, watch: dict[str, Any], limits: Any, *, once: bool = False, until_started: bool = False
    ) -> dict[str, Any] | None:
        """Poll in the worker until an event, just once (before deferring), or until the run has started."""
        from airflow_provider_dataarts.runs.base import PollTracker

        tracker = PollTracker(watch)
        while True:
            try:
                outcome = self.hook.run(self.kind.observe(tracker.watch))
            except Exception as error:
                outcome = error
                self.log.warning("%s: poll failed: %s", self.kind.describe(watch), error)
            verdict = tracker.verdict(self.kind, outcome, limits)
            self._watch = tracker.watch
            if until_started and tracker.last is not None and tracker.last.started:
                return None
            if verdict.event is not None or once:
                return verdict.event
            time.sleep(verdict.sleep)

    def _stop(self, watch: Mapping[str, Any], why: str, *, patience: float) -> None:
        """Stop the remote run; if it has not shown up yet, wait for it until its start deadline (at most
        ``patience`` seconds)."""
        from airflow_provider_dataarts.runs.stopping import stop_here, stop_script

        now = time.time()
        give_up_at = min(max(self._start_deadline or now, now), now + patience)
        stop_here(self.hook, stop_script(self.kind, watch, why, give_up_at), self.log)

    def _finish(self, context: Any, event: Mapping[str, Any], acted: bool) -> Any:
        from airflow_provider_dataarts.runs.base import NOT_STARTED, TIMEOUT

        unconfirmed = int(event["watch"].get(UNCONFIRMED) or 0)
        proven_absent = event["status"] == NOT_STARTED and self.kind.every_run_shows
        if proven_absent and 0 < unconfirmed < MAX_UNCONFIRMED_ACTIONS:
            self.log.warning(
                "%s; the action before it got no certain answer, so it did not happen: acting again",
                event["message"],
            )
            return self._wait(context, *self._attach_or_act(context, unconfirmed))
        if event["status"] == TIMEOUT and self.cancel_on_kill and not event.get("stopped"):
            self._stop(event["watch"], "the wait timed out", patience=self.start_timeout)
        return outcome(event, acted=acted, fail_on_alarm=self.fail_on_alarm, log=self.log)

    def _link_payload(self, watch: Mapping[str, Any]) -> dict[str, Any]:
        settings = self.hook.settings
        return {"region": settings.region, "workspace": settings.workspace, **self.link_target(watch)}
