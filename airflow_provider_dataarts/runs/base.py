"""What every wait shares: an observation of a remote run, and the pure decision taken on it.

A *watch* is a JSON-able dict naming the remote run (job, instance, ...) and, after a restart, its
*baseline*: what the status API showed before the action. Right after a restart the API still shows
the previous outcome, so a run counts as started only once it differs from its baseline.

A *kind* (one module per kind of remote run) declares, once, in its ``KIND``: its name (the ``kind`` of
its events), its watch type (a ``TypedDict``: the JSON form triggers, events and task state carry), how
to describe and observe a watch and, where the API allows, how to stop the run. Its trigger class names
the ``KIND`` (:mod:`airflow_provider_dataarts.triggers.status`), and operators and sensors name it too.
The operator's worker loop, the sensors and the triggers all call :func:`judge` on each observation, so
the rules below exist once.

Operators import the kind modules at DAG-parse time: this module and the kind modules import only
:mod:`~airflow_provider_dataarts.api.errors` and :mod:`~airflow_provider_dataarts.api.phases` up front;
the calls (the request layer) are imported when a watch is observed.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Hashable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.api.phases import Phase

if TYPE_CHECKING:
    from airflow_provider_dataarts.api.calls import Steps

#: a kind's watch type: a ``TypedDict``, since a watch travels as JSON (triggers, events, task state)
W = TypeVar("W")
#: what one batched list read gives (the rows of a group of watches)
R = TypeVar("R")

#: event statuses a wait ends with
SUCCESS, FAILED, ALARMING, TIMEOUT, NOT_STARTED, ERROR = (
    "success",
    "failed",
    "alarming",
    "timeout",
    "not_started",
    "error",
)
EVENT_STATUSES = frozenset({SUCCESS, FAILED, ALARMING, TIMEOUT, NOT_STARTED, ERROR})
#: transient poll failures tolerated in a row before a wait gives up (throttling never counts)
MAX_ERRORS_IN_A_ROW = 8
#: the longest message an event carries (events are stored in Airflow's database)
MAX_MESSAGE = 4000
#: the most items (instances, nodes, rules) an event's or XCom's summary lists; the count says the rest
MAX_LISTED = 100
#: actions with unknown outcome a task sends at most before it gives up (each after a quiet start window)
MAX_UNCONFIRMED_ACTIONS = 3


@dataclasses.dataclass(frozen=True)
class Observation:
    """One look at a remote run.

    :param started: the run differs from its baseline (always true without a baseline).
    :param phase: where the run is; meaningful once started.
    :param status: the remote status as the API spells it, for messages.
    :param summary: JSON-able details returned to XCom (ids, times, nodes, rule results).
    :param failure: what failed, for the error message (failed nodes with log paths, alarmed rules...).
    """

    started: bool
    phase: Phase
    status: str
    summary: dict[str, Any]
    failure: str | None = None

    @property
    def finished(self) -> bool:
        return self.started and self.phase.finished

    def to_dict(self) -> dict[str, Any]:
        return {
            "started": self.started,
            "phase": self.phase.value,
            "status": self.status,
            "summary": self.summary,
            "failure": self.failure,
        }


@dataclasses.dataclass(frozen=True)
class Batch(Generic[W, R]):
    """How one list read serves many deferred waits of a kind (the triggerer's observer runs it).

    ``group`` names the list a watch is read from (its job and workspace, say), or None where only a
    per-run read serves it (no window the list can be asked for). ``read`` reads the rows covering every
    watch given (all of one group) through the scans, so the fidelity rules for windows, paging and
    duplicate rows hold. ``observe`` makes a watch's observation from those rows, reading what the list
    lacks (failed nodes, per-rule results) only once the run ended; None means the rows do not show the
    run, and the wait reads it on its own that time (a missing row is never taken for an end).
    """

    group: Callable[[W], Hashable | None]
    read: Callable[[list[W]], Steps[R]]
    observe: Callable[[W, R], Steps[Observation | None]]


@dataclasses.dataclass(frozen=True, eq=False)
class Kind(Generic[W]):
    """A kind of remote run, declared once in its module's ``KIND``: its name, its watch type ``W``, how
    to describe and observe a watch, and how (if at all) to stop the run.

    ``name`` is the ``kind`` every event of this kind carries (a wire format: never renamed).
    ``every_run_shows`` says whether a run that starts and ends between two polls still leaves a
    visible change (new times or a new instance). Only then does "no new run within the start
    window" prove that an action with unknown outcome did not happen. ``watch`` is the ``TypedDict`` of
    the watch (for readers and tools; the functions' signatures carry it for the type checker).
    ``batch``, where a list can report many runs at once, lets deferred waits of one group share one
    list read per poll cycle (:class:`Batch`); waits in the worker always poll their own run.
    Kinds compare by identity: a trigger class is found by its ``KIND``, never by a name.
    """

    name: str
    describe: Callable[[W], str]
    observe: Callable[[W], Steps[Observation]]
    stop: Callable[[W], Steps[None]] | None = None
    every_run_shows: bool = True
    watch: type[W] | None = None
    batch: Batch[W, Any] | None = None


@dataclasses.dataclass(frozen=True)
class Limits:
    """When a wait gives up: wall-clock epoch seconds, so they survive a triggerer restart."""

    deadline: float
    poll_interval: float
    start_deadline: float | None = None
    #: which limit ``deadline`` is: the wait's ``timeout``, or the task's ``execution_timeout``
    deadline_name: str = "timeout"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Verdict:
    """Either the event that ends the wait, or how long to sleep before the next look."""

    event: dict[str, Any] | None
    sleep: float = 0.0


def is_transient(error: BaseException) -> bool:
    """Poll failures worth riding out: throttling, 5xx, lost connections, an answer that is not the
    documented one (never taken for an outcome), and an IAM token refused again after its replacement
    (the next poll fetches another)."""
    transient = (
        errors.DataArtsThrottledError,
        errors.DataArtsServerError,
        errors.DataArtsTokenExpiredError,
        errors.DataArtsResponseError,
    )
    return isinstance(error, transient) or (
        isinstance(error, errors.DataArtsTransportError) and not isinstance(error, errors.DataArtsConfigError)
    )


def make_event(
    status: str, kind: Kind[Any], watch: Mapping[str, Any], message: str, observation: Observation | None = None
) -> dict[str, Any]:
    """A JSON-able event, as a trigger yields it and ``execute_complete`` checks it."""
    return {
        "status": status,
        "kind": kind.name,
        "watch": dict(watch),
        "message": errors.cap(message, MAX_MESSAGE),
        "observation": observation.to_dict() if observation else None,
    }


def judge(
    kind: Kind[Any],
    watch: Mapping[str, Any],
    outcome: Observation | BaseException,
    limits: Limits,
    errors_in_a_row: int,
    last: Observation | None = None,
    now: float | None = None,
) -> Verdict:
    """Decide after one poll: the run ended, the wait ended, or poll again after ``sleep`` seconds."""
    now = time.time() if now is None else now
    what = kind.describe(watch)
    if isinstance(outcome, BaseException):
        if not is_transient(outcome):
            return Verdict(make_event(ERROR, kind, watch, f"{what}: {outcome}", last))
        if not isinstance(outcome, errors.DataArtsThrottledError) and errors_in_a_row >= MAX_ERRORS_IN_A_ROW:
            return Verdict(
                make_event(ERROR, kind, watch, f"{what}: {errors_in_a_row} failed polls in a row: {outcome}")
            )
        observation = last
    else:
        observation = outcome
        if observation.finished:
            status = {Phase.SUCCEEDED: SUCCESS, Phase.ALARMING: ALARMING}.get(observation.phase, FAILED)
            message = f"{what} ended {observation.status}"
            if observation.failure:
                message += f": {observation.failure}"
            return Verdict(make_event(status, kind, watch, message, observation))
    if now >= limits.deadline:
        seen = f"; last status {observation.status}" if observation else ""
        stalled = " (stalled: it is paused or suspended)" if observation and observation.phase is Phase.STALLED else ""
        message = f"{what}: the {limits.deadline_name} was reached while waiting{seen}{stalled}"
        return Verdict(make_event(TIMEOUT, kind, watch, message, observation))
    started = observation is not None and observation.started
    start_deadline = None if started else limits.start_deadline  # None: no start to wait for
    if start_deadline is not None and now >= start_deadline and not isinstance(outcome, BaseException):
        # judged on a fresh look only: a failed poll says nothing about whether the run started
        seen = f" (it still shows {observation.status}, as before the restart)" if observation else ""
        if not kind.every_run_shows:
            seen += "; a run that started and failed between two polls leaves no trace here, so it may have"
        return Verdict(
            make_event(
                NOT_STARTED,
                kind,
                watch,
                f"{what}: no new run became visible in time after the action{seen}",
                observation,
            )
        )
    wake = limits.deadline
    if start_deadline is not None and start_deadline > now:
        wake = min(wake, start_deadline)
    return Verdict(None, sleep=max(0.0, min(limits.poll_interval, wake - now)))


def should_act_again(event_status: str, unconfirmed: int, every_run_shows: bool) -> bool:
    """After a wait ended with ``event_status``: send the action again?

    Only when the action before the wait got no certain answer (``unconfirmed``: such actions in a row),
    the wait proved that it did not happen (no new run within the start window, on a kind where every
    run leaves a trace), and fewer than :data:`MAX_UNCONFIRMED_ACTIONS` such actions were sent.
    """
    proven_absent = event_status == NOT_STARTED and every_run_shows
    return proven_absent and 0 < unconfirmed < MAX_UNCONFIRMED_ACTIONS


def forget_baseline(watch: Mapping[str, Any]) -> dict[str, Any]:
    """The watch of a run seen started: without its baseline, later looks are taken as they are. A run
    can end where its baseline was (a ModelArts job that fails again shows the same status and creation
    time), and must not then pass for one that has not started."""
    return {**watch, "baseline": None} if watch.get("baseline") is not None else dict(watch)


class PollTracker:
    """What one wait has seen so far: consecutive transient errors, the last look, the status path.

    The worker loop, the sensors and the trigger loop feed every poll outcome to :meth:`verdict`,
    so they count errors the same way and their events carry the same ``seen`` path, e.g.
    ``["fail (before the action)", "waiting", "running", "success"]``.
    """

    MAX_SEEN = 20

    def __init__(self, watch: Mapping[str, Any]) -> None:
        #: the watch to poll with: its baseline is dropped once the run has been seen started
        self.watch = dict(watch)
        self.errors_in_a_row = 0
        self.last: Observation | None = None
        self.seen: list[str] = []

    def verdict(self, kind: Kind[Any], outcome: Observation | BaseException, limits: Limits) -> Verdict:
        if isinstance(outcome, BaseException):
            if not isinstance(outcome, errors.DataArtsThrottledError):
                self.errors_in_a_row += 1
        else:
            self.errors_in_a_row = 0
            self.last = outcome
            label = outcome.status if outcome.started else f"{outcome.status} (before the action)"
            if not self.seen or self.seen[-1] != label:
                self.seen = [*self.seen, label][-self.MAX_SEEN :]
            if outcome.started:
                self.watch = forget_baseline(self.watch)
        verdict = judge(kind, self.watch, outcome, limits, self.errors_in_a_row, self.last)
        if verdict.event is not None:
            verdict.event["seen"] = list(self.seen)
            verdict.event["start_deadline"] = limits.start_deadline  # a stop on timeout waits for a late run
            verdict.event["deadline_name"] = limits.deadline_name
        return verdict
