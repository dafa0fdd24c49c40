"""One polling trigger for every kind of remote run; the concrete triggers only name their kind's ``KIND``.

Each concrete trigger class is registered under its ``KIND`` when it is defined (:data:`TRIGGERS`), so
operators and sensors find the trigger of their kind by the kind object itself (:func:`trigger_for`);
Airflow finds it again by its class path, which is what it stores.

It observes the run through :class:`~airflow_provider_dataarts.hooks.dataarts_async.DataArtsAsyncHook`
(no blocking call in the event loop, one HTTP session per loop) - or, where its kind reads many runs in
one list read, through its group's :class:`~.observer.Observer` (one read per cycle for all) - applies
the shared rules of :func:`~airflow_provider_dataarts.runs.base.judge`, and reports the deadline as an event instead of
relying on ``defer(timeout=...)``, so the task can stop the remote run and say why it failed.

Kill handling: on Airflow 3.3+ the triggerer calls :meth:`on_kill` when a user fails, clears or marks
a deferred task - and when the trigger moves to another triggerer; before 3.3, :meth:`cleanup` runs on
the way out. Either way the remote run is stopped only when the task really left the deferred state
(:mod:`.task_state`: the execution API on Airflow 3, the ORM on Airflow 2) - never on a reassignment
or a triggerer restart.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, ClassVar

from airflow.triggers.base import BaseTrigger, TriggerEvent

from airflow_provider_dataarts.api.errors import DataArtsTransportError

if TYPE_CHECKING:
    from airflow_provider_dataarts.hooks.dataarts_async import DataArtsAsyncHook
    from airflow_provider_dataarts.runs.base import Kind
    from airflow_provider_dataarts.triggers.observer import Membership

log = logging.getLogger(__name__)

#: True where Airflow itself calls ``BaseTrigger.on_kill`` (3.3+)
NATIVE_ON_KILL = "on_kill" in BaseTrigger.__dict__


#: the longest a trigger waits for a run still in its restart lag to show up so that it can stop it
KILL_PATIENCE = 25.0
#: stops that outlive their trigger's task (see :meth:`DataArtsRunTrigger._stop_if_killed`)
_STOPPING: set[asyncio.Task[None]] = set()
#: seconds past the deadline a hung poll is given before the deadline event fires anyway
DEADLINE_GRACE = 1.0
#: waits of more than ten ticks end on a multiple of this many seconds of the loop's clock, so that the
#: triggers of one triggerer wake together in one turn of the event loop instead of one turn each
TICK = 0.25


#: every concrete trigger class, by the kind it waits for (filled as the classes are defined)
TRIGGERS: dict[Kind[Any], type[DataArtsRunTrigger]] = {}


async def sleep_on_tick(delay: float) -> None:
    """Sleep ``delay`` seconds, longer ones rounded up to the next tick (timer coalescing, at most
    a tick late: a 5 s poll interval varies by under 5 %)."""
    if delay >= 10 * TICK:
        now = asyncio.get_running_loop().time()
        delay = math.ceil((now + delay) / TICK) * TICK - now
    await asyncio.sleep(delay)


class DataArtsRunTrigger(BaseTrigger):
    """Poll one remote run until it ends, fails to start, or the deadline passes.

    :param watch: what is waited for (see the kind's module in ``airflow_provider_dataarts.runs``).
    :param deadline: wall-clock epoch seconds at which the wait gives up with a ``timeout`` event.
    :param poll_interval: seconds between polls.
    :param start_deadline: epoch seconds by which a restarted run must have visibly started.
    :param deadline_name: which limit ``deadline`` is (``timeout`` or the task's ``execution_timeout``).
    :param dataarts_conn_id: the connection id (read asynchronously in the triggerer).
    :param region: region override. :param project_id: project override. :param workspace: workspace override.
    :param cancel_on_kill: stop the remote run when a user kills the deferred task.
    """

    #: the kind of run this trigger waits for (set by each concrete trigger: its kind's ``KIND``)
    kind: ClassVar[Kind[Any]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        kind = cls.__dict__.get("kind")
        if kind is not None:
            if kind in TRIGGERS:
                raise TypeError(f"{cls.__qualname__}: kind {kind.name!r} already has {TRIGGERS[kind].__qualname__}")
            TRIGGERS[kind] = cls

    def __init__(
        self,
        *,
        watch: dict[str, Any],
        deadline: float,
        poll_interval: float,
        start_deadline: float | None = None,
        deadline_name: str = "timeout",
        dataarts_conn_id: str = "dataarts_default",
        region: str | None = None,
        project_id: str | None = None,
        workspace: str | None = None,
        cancel_on_kill: bool = True,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # BaseTrigger.__init__ is unannotated (Airflow 2 and 3)
        self.watch = watch
        self.deadline = deadline
        self.poll_interval = poll_interval
        self.start_deadline = start_deadline
        self.deadline_name = deadline_name
        self.dataarts_conn_id = dataarts_conn_id
        self.region = region
        self.project_id = project_id
        self.workspace = workspace
        self.cancel_on_kill = cancel_on_kill
        self._fired = False

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "watch": self.watch,
                "deadline": self.deadline,
                "poll_interval": self.poll_interval,
                "start_deadline": self.start_deadline,
                "deadline_name": self.deadline_name,
                "dataarts_conn_id": self.dataarts_conn_id,
                "region": self.region,
                "project_id": self.project_id,
                "workspace": self.workspace,
                "cancel_on_kill": self.cancel_on_kill,
            },
        )

    def hook(self) -> DataArtsAsyncHook:
        from airflow_provider_dataarts.hooks.dataarts_async import DataArtsAsyncHook

        return DataArtsAsyncHook(
            self.dataarts_conn_id, region=self.region, project_id=self.project_id, workspace=self.workspace
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        from airflow_provider_dataarts.hooks.dataarts_async import session_lease

        async with session_lease():
            async for event in self._poll():
                yield event
                return

    async def _poll(self) -> AsyncIterator[TriggerEvent]:
        from airflow_provider_dataarts.runs.base import TIMEOUT, Limits, Observation, PollTracker

        kind = self.kind
        limits = Limits(self.deadline, self.poll_interval, self.start_deadline, self.deadline_name)
        hook, tracker = self.hook(), PollTracker(self.watch)
        membership = await self._join(hook)
        try:
            while True:
                outcome: Observation | BaseException
                try:  # a request that hangs must not hold the wait past its deadline
                    left = max(0.0, limits.deadline - time.time()) + DEADLINE_GRACE
                    look = membership.look(hook, tracker.watch) if membership else hook.run(kind.observe(tracker.watch))
                    outcome = await asyncio.wait_for(look, timeout=left)
                except asyncio.CancelledError:
                    raise
                except TimeoutError:
                    outcome = DataArtsTransportError("the poll was still unanswered at the wait's deadline", sent=True)
                    log.warning("%s: %s", kind.describe(self.watch), outcome)
                except Exception as error:
                    outcome = error
                    log.warning("%s: poll failed: %s", kind.describe(self.watch), error)
                verdict = tracker.verdict(kind, outcome, limits)
                self.watch = tracker.watch  # what a kill stops from now on
                if verdict.event is not None:
                    self._fired = True
                    if membership is not None:
                        membership.leave()
                    if verdict.event["status"] == TIMEOUT and self.deadline_name == "execution_timeout":
                        await self._stop_at_execution_timeout(verdict.event)
                    yield TriggerEvent(verdict.event)
                    return
                if membership is None:  # a member's next look waits for its group's next read
                    await sleep_on_tick(verdict.sleep)
        finally:
            if membership is not None:
                membership.leave()

    async def _join(self, hook: DataArtsAsyncHook) -> Membership | None:
        """The wait's place in the observer of its group, where its kind reads many runs in one list read
        (:mod:`.observer`); None: it polls its own run."""
        from airflow_provider_dataarts.triggers.observer import join

        try:
            return await join(self.kind, hook, self.watch, self.poll_interval)
        except Exception as error:  # the connection could not be read: the first poll says why
            log.warning("%s: polling on its own: %s", self.kind.describe(self.watch), error)
            return None

    async def _stop_at_execution_timeout(self, event: dict[str, Any]) -> None:
        """The task's ``execution_timeout`` ends the task, not only the wait: Airflow 2 fails the resumed task
        before it runs any code, so the trigger stops the run itself and the event says so."""
        if self.cancel_on_kill:
            await self.stop_remote_run("the task's execution_timeout was reached")
            event["stopped"] = True

    async def stop_remote_run(self, why: str) -> None:
        """Stop the remote run where its API allows (say so where it does not); a run still in its restart
        lag is stopped once it shows, until its start deadline.

        ``on_kill`` and ``cleanup`` call it after ``run`` ended: it holds a session lease of its own, so
        the session it opens is closed when it is done (unless other triggers of the loop still run)."""
        from airflow_provider_dataarts.hooks.dataarts_async import session_lease
        from airflow_provider_dataarts.runs.stopping import stop_deferred, stop_script

        kind = self.kind
        now = time.time()  # Airflow gives on_kill 30 s ([triggerer] on_kill_timeout)
        give_up_at = min(max(self.start_deadline or now, now), now + KILL_PATIENCE)
        async with session_lease():
            await stop_deferred(self.hook(), stop_script(kind, self.watch, why, give_up_at), log)

    async def _stop_detached(self, why: str) -> None:
        """Stop the run in a task of its own: a triggerer cancels a trigger that is going away again and
        again while it cleans up (Airflow 2.11 and 3 re-cancel it on every turn of their loop), which would
        end a stop still waiting out the restart lag after its first look. It ends within
        :data:`KILL_PATIENCE` seconds."""
        task = asyncio.ensure_future(self.stop_remote_run(why))
        _STOPPING.add(task)
        task.add_done_callback(_STOPPING.discard)
        await asyncio.shield(task)  # cancelled here, the stop goes on

    async def on_kill(self) -> None:
        """Airflow 3.3+: the triggerer cancelled this trigger with a "user action" - which it also does
        when the trigger moves to another triggerer. The run is stopped only when the task really left
        the deferred state."""
        await self._stop_if_killed()

    async def cleanup(self) -> None:
        """Before Airflow 3.3 (no ``on_kill``): the same check on the way out, unless an event was sent."""
        if not NATIVE_ON_KILL and not self._fired:
            await self._stop_if_killed()

    async def _stop_if_killed(self) -> None:
        if not self.cancel_on_kill or self.task_instance is None:
            return
        from airflow_provider_dataarts.triggers.task_state import left_deferred_state

        left = await left_deferred_state(self.task_instance)
        if left:
            await self._stop_detached("the task was killed")
        elif left is False:
            log.info("The task is deferred or resumed (its trigger moved or fired elsewhere): the run is left running")
