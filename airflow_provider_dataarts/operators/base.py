"""The act-then-wait core every operator of this provider runs, read top to bottom in :meth:`execute`.

1. **Reconnect or attach, never act twice** (:meth:`ActThenWaitOperator._start`). On Airflow 3.3+ the
   task's ``task_state_store`` holds an :class:`~airflow_provider_dataarts.operators.records.ActionRecord`
   of what an earlier try did; a retry of the same try series (not a user's clear) reconnects to that
   run. On every version the remote state is checked first: a run already in progress is attached to.
2. **Snapshot, then act** (:meth:`~ActThenWaitOperator._attach_or_act`). The run's status before the
   action is its baseline; after the action the wait ignores the old outcome until the run visibly
   changes, within ``start_timeout``. An action whose outcome is unknown (no answer, or a 5xx other than
   a 503 refusal) is never re-sent blindly: the wait finds out whether it happened, and only when no new
   run shows up within ``start_timeout`` is the action taken again (from a fresh snapshot; at most
   :data:`~airflow_provider_dataarts.runs.base.MAX_UNCONFIRMED_ACTIONS` in all; the rule is
   :func:`~airflow_provider_dataarts.runs.base.should_act_again`).
3. **Wait** for the :class:`~airflow_provider_dataarts.operators.records.WaitInProgress` in the worker, or
   deferred to the triggerer after one poll; the deadline comes back as an event so the remote run can
   be stopped and the error says what happened. :meth:`~ActThenWaitOperator._run` is the one loop:
   wait, then either act again or finish (no method calls back into an earlier step).
4. **Finish**: a JSON-able summary to XCom, or an error naming what failed.

**Airflow 3.3's** :class:`~airflow.sdk.ResumableJobMixin` solves the same problem for synchronous
operators, and its words are used here: the record is stored under ``external_id_key``, a retry
*reconnects* to an active run, and a run that ended failed is *resubmitted* fresh. The mixin itself is
not used, because its contract does not fit:

- it persists a bare job id *after* ``submit_job`` returns (its documented gap: a crash in between
  submits twice), while this core records the phase *before* acting, with the baseline snapshot: a
  restart keeps the instance's id, so an id alone cannot tell the new run from the old outcome;
- it covers the worker path only (``poll_until_complete`` blocks), while the same record serves the
  deferred wait here, and it has no notion of an action with unknown outcome or of a user's clear
  (a new try series), which must act again rather than reconnect;
- it arrived in Airflow 3.3, while this provider supports 2.11 and 3.1+: below 3.3 the
  ``common.compat`` (>= 1.23) stand-in submits on every try, where this core still reads the remote
  state first and attaches to a run in progress.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from airflow.providers.common.compat.sdk import AirflowException, BaseOperator

from airflow_provider_dataarts import validation
from airflow_provider_dataarts.operators.records import (
    ACTED,
    ACTING,
    REFUSED,
    ActionRecord,
    Plan,
    WaitInProgress,
    unconfirmed_actions,
)
from airflow_provider_dataarts.outcomes import check_event, outcome, wait_deadline
from airflow_provider_dataarts.task_mixin import CONNECTION_FIELDS, DataArtsTaskMixin

if TYPE_CHECKING:
    from airflow_provider_dataarts.hooks.dataarts import DataArtsHook
    from airflow_provider_dataarts.runs.base import Limits

#: the ``task_state_store`` key of the :class:`ActionRecord` (renaming it breaks retries in flight)
STATE_KEY = "dataarts_run"
LINK_XCOM_KEY = "dataarts_target"
DEFAULT_TIMEOUT = 7 * 24 * 3600.0
#: seconds between polls while a no-wait task confirms that its action took effect
CONFIRM_POLL_INTERVAL = 5.0
#: the longest a killed worker task waits for its restarted run to show up so that it can stop it
#: (Airflow gives ``on_kill`` a minute before it kills the process)
KILL_PATIENCE = 45.0


class DataArtsNoSnapshotError(AirflowException):
    """No usable look at the remote run could be had before acting, so nothing was sent."""


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

    #: where the :class:`ActionRecord` is stored (``ResumableJobMixin``'s name for it)
    external_id_key: ClassVar[str] = STATE_KEY
    template_fields: tuple[str, ...] = CONNECTION_FIELDS
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
        self.set_connection(dataarts_conn_id, workspace, project_id, region, deferrable)
        self.wait_for_completion = validation.boolean("wait_for_completion", wait_for_completion)
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

    def prepare(self, hook: DataArtsHook) -> Plan:
        """Read the remote state before acting: the plan's watch is of the kind's watch type."""
        raise NotImplementedError

    def act(self, hook: DataArtsHook, watch: Any) -> Mapping[str, Any]:
        """Send the action; return the watch to wait on (``watch`` and the result: the kind's watch type)."""
        raise NotImplementedError

    def link_target(self, watch: Mapping[str, Any]) -> dict[str, Any]:
        """What the console links need (stored in XCom; the web server makes no API call)."""
        return {}

    # --- the core, top to bottom -------------------------------------------------------------------

    def execute(self, context: Any) -> Any:
        self.validate_arguments(rendered=True)
        context["ti"].xcom_push(key=LINK_XCOM_KEY, value={})  # the console link finds no target until we act
        return self._run(context, self._start(context))

    def execute_complete(self, context: Any, event: Any = None) -> Any:
        """Resume after the trigger: check the event, then succeed, fail or act again like the worker path."""
        event = check_event(event, self.kind.name, self.identity())
        self._watch, self._start_deadline = event["watch"], event.get("start_deadline")
        wait = WaitInProgress.from_wire(event["watch"], event.get("start_deadline"), acted=True)
        return self._run(context, wait, event)

    def _run(self, context: Any, wait: WaitInProgress, event: dict[str, Any] | None = None) -> Any:
        """Wait (unless the trigger's ``event`` already ended the wait); then act again after an unanswered
        action that proved not to have happened, or finish."""
        from airflow_provider_dataarts.runs.base import should_act_again

        while True:
            if event is None:
                event = self._wait(context, wait)  # deferred, this raises: the trigger's event comes back above
                if event is None:  # not waiting for completion, and the action took effect
                    started = {"kind": self.kind.name, "outcome": "started", "acted": wait.acted}
                    ids = {**self.identity(), **self.link_target(wait.wire_watch)}
                    return {**started, **ids, "watch": wait.wire_watch}
            unconfirmed = unconfirmed_actions(event["watch"])
            if not should_act_again(event["status"], unconfirmed, self.kind.every_run_shows):
                return self._finish(event, wait.acted)
            self.log.warning(
                "%s; the action before it got no certain answer, so it did not happen: acting again",
                event["message"],
            )
            wait, event = self._attach_or_act(context, unconfirmed), None

    def _start(self, context: Any) -> WaitInProgress:
        """Reconnect to an earlier try's run, attach to a run in progress, or act."""
        store = context.get("task_state_store")
        series = getattr(context["ti"], "max_tries", None)
        record = ActionRecord.from_json(store.get(self.external_id_key)) if store is not None else None
        if record is not None and record.belongs_to(series, self.identity()):
            reconnected = self._reconnect(record)
            if reconnected is not None:
                return reconnected
        return self._attach_or_act(context, unconfirmed=0)

    def _reconnect(self, record: ActionRecord) -> WaitInProgress | None:
        """The wait for the run an earlier try of this task started, unless it ended in failure (then, as
        ``ResumableJobMixin`` says, it is resubmitted) or was refused, or never showed within its window."""
        from airflow_provider_dataarts.api.phases import Phase
        from airflow_provider_dataarts.runs.base import forget_baseline

        if record.phase == REFUSED:
            return None
        wait = WaitInProgress.from_wire(record.watch, None, acted=True)
        observation = self.hook.run(self.kind.observe(wait.wire_watch))
        start_deadline = record.acted_at + self.start_timeout
        what = self.kind.describe(wait.wire_watch)
        if observation.started and observation.phase is not Phase.FAILED:
            self.log.info("Resuming the wait for %s, started by an earlier try (%s)", what, observation.status)
            return dataclasses.replace(wait, watch=forget_baseline(wait.watch))
        if not observation.started and time.time() < start_deadline:
            self.log.info("An earlier try acted on %s; waiting for that run to start", what)
            unconfirmed = wait.unconfirmed + 1 if record.phase == ACTING else wait.unconfirmed  # outcome unknown
            return dataclasses.replace(wait, start_deadline=start_deadline, unconfirmed=unconfirmed)
        return None

    def _attach_or_act(self, context: Any, unconfirmed: int) -> WaitInProgress:
        """Snapshot the remote state; wait for a run already in progress, else act."""
        plan = self._snapshot()
        if plan.in_progress:
            self.log.info(
                "%s is already in progress: waiting for it instead of acting. %s",
                self.kind.describe(plan.watch),
                plan.note,
            )
            return WaitInProgress(dict(plan.watch), None, acted=unconfirmed > 0)  # after an unanswered action: ours
        return self._act(context, plan, unconfirmed)

    def _act(self, context: Any, plan: Plan, unconfirmed: int) -> WaitInProgress:
        """Act on ``plan``, recording the phase so a retry knows whether the action may have happened."""
        from airflow_provider_dataarts.api import errors

        store = context.get("task_state_store")
        now = time.time()
        series = getattr(context["ti"], "max_tries", None)
        record = ActionRecord(series, self.identity(), now, dict(plan.watch), ACTING)
        if store is not None:
            store.set(self.external_id_key, record.to_json())
        try:
            wait = WaitInProgress.from_wire(self.act(self.hook, plan.watch), now + self.start_timeout, acted=True)
        except errors.DataArtsOutcomeUnknownError as error:
            # The snapshot tells the new run apart from the old one even without the action's answer.
            self.log.warning("%s; not sending it again: waiting to see whether it happened", error)
            wait = WaitInProgress(dict(plan.watch), now + self.start_timeout, acted=True, unconfirmed=unconfirmed + 1)
        except errors.DataArtsError as error:
            refused = isinstance(error, errors.DataArtsApiError) or (
                isinstance(error, errors.DataArtsTransportError) and not error.sent
            )
            if store is not None and refused:  # certainly not acted on: a retry acts without waiting
                store.set(self.external_id_key, dataclasses.replace(record, phase=REFUSED).to_json())
            running = self._refused_for_a_run_in_progress(error)
            if running is None:
                raise
            self.log.warning(
                "%s refused the action (%s): a run is already in progress, started elsewhere; waiting for it. %s",
                self.kind.describe(running.watch),
                error,
                running.note,
            )
            return WaitInProgress(dict(running.watch), None, acted=False)
        if store is not None:  # "acted" also after no answer: the wait finds out, a retry reconnects
            store.set(self.external_id_key, dataclasses.replace(record, watch=wait.wire_watch, phase=ACTED).to_json())
        self.log.info("Acted on %s; waiting for the new run", self.kind.describe(wait.wire_watch))
        return wait

    def _wait(self, context: Any, wait: WaitInProgress) -> dict[str, Any] | None:
        """The event that ends ``wait``, polled here; deferred after one poll (this raises ``TaskDeferred``).
        Not waiting for completion: None once the action took effect (else the event that says it did not)."""
        from airflow_provider_dataarts.runs.base import Limits

        watch = wait.wire_watch
        self._watch, self._start_deadline = watch, wait.start_deadline
        context["ti"].xcom_push(key=LINK_XCOM_KEY, value=self._link_payload(watch))
        if not self.wait_for_completion:
            if wait.start_deadline is None:
                return None
            # confirm the action took effect, so what follows sees the new run
            cadence = min(self.poll_interval, CONFIRM_POLL_INTERVAL)
            return self._poll(watch, Limits(float("inf"), cadence, wait.start_deadline), until_started=True)
        # in the worker Airflow enforces execution_timeout itself (then on_kill stops the run); deferred it does not
        deferred_limit = self.execution_timeout if self.deferrable else None
        deadline, deadline_name = wait_deadline(context, self.timeout, deferred_limit)
        limits = Limits(deadline, self.poll_interval, wait.start_deadline, deadline_name)
        event = self._poll(watch, limits, once=self.deferrable)
        if event is None:
            self._defer(limits)
        return event

    def _defer(self, limits: Limits) -> None:
        """Hand the wait to the triggerer; :meth:`execute_complete` takes its event."""
        trigger = self._trigger_for(self._watch or {}, limits, cancel_on_kill=self.cancel_on_kill)
        self.defer(trigger=trigger, method_name="execute_complete")

    def _finish(self, event: Mapping[str, Any], acted: bool) -> Any:
        """The task's outcome from the event that ended the wait (after stopping a run that timed out)."""
        from airflow_provider_dataarts.runs.base import TIMEOUT

        if event["status"] == TIMEOUT and self.cancel_on_kill and not event.get("stopped"):
            self._stop(event["watch"], "the wait timed out", patience=self.start_timeout)
        return outcome(event, acted=acted, fail_on_alarm=self.fail_on_alarm, log=self.log)

    def on_kill(self) -> None:
        """Worker-side kill: stop the remote run where the API allows (once it shows, if it is still in
        its restart lag: at most :data:`KILL_PATIENCE` seconds)."""
        if self._watch is not None and self.cancel_on_kill:
            self._stop(self._watch, "the task was killed", patience=KILL_PATIENCE)

    # --- helpers -----------------------------------------------------------------------------------

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

    def _poll(
        self, watch: dict[str, Any], limits: Limits, *, once: bool = False, until_started: bool = False
    ) -> dict[str, Any] | None:
        """Poll in the worker until an event, just once (before deferring), or until the run has started."""
        from airflow_provider_dataarts.runs.base import Observation, PollTracker

        tracker = PollTracker(watch)
        while True:
            outcome: Observation | BaseException
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

    def _link_payload(self, watch: Mapping[str, Any]) -> dict[str, Any]:
        settings = self.hook.settings
        return {"region": settings.region, "workspace": settings.workspace, **self.link_target(watch)}
