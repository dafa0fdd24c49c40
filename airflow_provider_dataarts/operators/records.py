"""The records of the act-then-wait core: the plan before acting, the wait in progress, what a try stored.

:class:`Plan` is what a subclass's ``prepare`` reads before acting; :class:`WaitInProgress` is what
reconnecting, attaching or acting hands to the wait; :class:`ActionRecord` is what a try keeps in
Airflow 3.3's ``task_state_store`` (under the operator's ``external_id_key``, as
:class:`~airflow.sdk.ResumableJobMixin` calls it) so that a retry reconnects instead of acting twice.

Both keep the JSON forms earlier releases wrote, so that triggers already deferred and retries that
cross an upgrade still work:

- the *wire watch* (the watch a trigger, an event, XCom and the stored record carry) holds the count
  of unanswered actions under :data:`UNCONFIRMED`, and only when it is not zero;
- the stored record is ``{"series", "identity", "acted_at", "watch", "phase"}``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

#: wire-watch key: how many actions in a row got no certain answer (an event with it may lead to acting again)
UNCONFIRMED = "unconfirmed_actions"

#: :attr:`ActionRecord.phase`: the action is being sent; a retry that finds this does not know whether it was
ACTING = "acting"
#: the action was answered: the run it started is the one to wait for
ACTED = "acted"
#: the service certainly refused the action: a retry acts again without waiting
REFUSED = "refused"


def unconfirmed_actions(watch: Mapping[str, Any]) -> int:
    """The count of unanswered actions a wire watch carries (an event's, a stored record's)."""
    return int(watch.get(UNCONFIRMED) or 0)


@dataclasses.dataclass(frozen=True)
class Plan:
    """The state before acting: the watch (with its baseline; the kind's watch type) and whether a run is
    already going."""

    watch: Mapping[str, Any]
    in_progress: bool = False
    note: str = ""


@dataclasses.dataclass(frozen=True)
class WaitInProgress:
    """The wait an operator is in: which run, until when it must show up, and how it came about.

    :param watch: the run's watch (see :mod:`airflow_provider_dataarts.runs.base`), without the counter.
    :param start_deadline: epoch seconds by which the run started by the action must become visible;
        None when there is no start to wait for (a run already in progress, or seen started).
    :param acted: this task (this try, or an earlier one) sent the action the run comes from.
    :param unconfirmed: actions in a row that got no certain answer (0: the last action was answered).
    """

    watch: dict[str, Any]
    start_deadline: float | None
    acted: bool
    unconfirmed: int = 0

    @classmethod
    def from_wire(cls, watch: Mapping[str, Any], start_deadline: float | None, acted: bool) -> WaitInProgress:
        """The wait a wire watch describes (the counter taken out of it)."""
        plain = {key: value for key, value in watch.items() if key != UNCONFIRMED}
        return cls(plain, start_deadline, acted, unconfirmed_actions(watch))

    @property
    def wire_watch(self) -> dict[str, Any]:
        """The watch as triggers, events, XCom and the stored record carry it: with the counter, if any."""
        return {**self.watch, UNCONFIRMED: self.unconfirmed} if self.unconfirmed else dict(self.watch)


@dataclasses.dataclass(frozen=True)
class ActionRecord:
    """What a try stores about its action, so that a retry reconnects instead of acting twice.

    :param series: the task instance's ``max_tries``: a user's clear starts a new series, which acts afresh.
    :param identity: the operator's :meth:`identity` (the record belongs to this target only).
    :param acted_at: epoch seconds when the action was sent; its start window runs from there.
    :param watch: the wire watch to wait on (before the answer: the snapshot's, with its baseline).
    :param phase: :data:`ACTING`, :data:`ACTED` or :data:`REFUSED`.
    """

    series: Any
    identity: dict[str, Any]
    acted_at: float
    watch: dict[str, Any]
    phase: str

    def to_json(self) -> dict[str, Any]:
        """The stored form (the keys and values earlier releases stored)."""
        return {
            "series": self.series,
            "identity": self.identity,
            "acted_at": self.acted_at,
            "watch": self.watch,
            "phase": self.phase,
        }

    @classmethod
    def from_json(cls, value: Any) -> ActionRecord | None:
        """The record stored as ``value``; None when nothing usable is stored (a record this provider did
        not write: it matches no task, so the task attaches or acts as without one)."""
        if not isinstance(value, Mapping):
            return None
        identity, watch, phase = value.get("identity"), value.get("watch"), value.get("phase")
        if not isinstance(identity, Mapping) or not isinstance(watch, Mapping):
            return None
        phase = phase if isinstance(phase, str) else ""
        return cls(value.get("series"), dict(identity), float(value.get("acted_at", 0)), dict(watch), phase)

    def belongs_to(self, series: Any, identity: Mapping[str, Any]) -> bool:
        """Written by a try of this series of tries, for this target."""
        return bool(self.series == series and self.identity == identity)
