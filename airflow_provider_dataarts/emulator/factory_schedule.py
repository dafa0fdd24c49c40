"""A DataArts Factory job's schedule state, as the v1 job list reports it in ``status``.

A batch job is ``SCHEDULING``, ``STOPPED`` or ``PAUSED``; start and stop change it at once. A real-time
job is ``NORMAL``, ``STOPPED`` or ``EXCEPTION``, and a start (stop) passes through ``STARTING``
(``STOPPING``) for the job's ``schedule_lag`` virtual seconds first. The state at a virtual time is
computed from the last transition, never ticked, like the instances' (see :mod:`.factory_state`).
"""

from __future__ import annotations

from typing import Any

#: the statuses in which a start (stop) has nothing left to do: answered 204, nothing changes
_STARTED = frozenset(("SCHEDULING", "NORMAL", "STARTING"))
_STOPPED = frozenset(("STOPPED", "STOPPING"))


class JobSchedule:
    """A job's schedule: its settled status and at most one pending real-time transition."""

    __slots__ = ("batch", "lag", "once", "params", "pending", "started_at", "starts", "status_now")

    def __init__(self, spec: dict[str, Any]) -> None:
        self.batch: bool = spec["job_type"] == "BATCH"
        self.once: bool = spec["schedule_type"] == "EXECUTE_ONCE"
        self.lag = int(spec["schedule_lag"] * 1000)
        self.starts: list[str] = list(spec["starts"])
        self.status_now: str = spec["schedule"]
        self.pending: tuple[str, int, str] | None = None  # (status on the way, until, status after)
        self.started_at: int | None = spec["create_time"] if spec["schedule"] in _STARTED else None
        self.params: list[dict[str, str]] | None = None  # the jobParams of the last accepted start

    def status(self, now: int) -> str:
        """The status at virtual time ``now`` (a transition past its end settles)."""
        if self.pending is not None:
            on_the_way, until, after = self.pending
            if now < until:
                return on_the_way
            self.status_now, self.pending = after, None
        return self.status_now

    def start(self, now: int, params: list[dict[str, str]] | None) -> bool:
        """Start scheduling (batch) or the job (real-time); False when it is started or starting already."""
        if self.status(now) in _STARTED:
            return False
        self.params, self.started_at = params, now
        if self.batch:
            self.status_now = "SCHEDULING"
        else:
            self._towards("STARTING", self.starts.pop(0) if self.starts else "NORMAL", now)
        return True

    def stop(self, now: int) -> bool:
        """Stop scheduling (batch) or the job (real-time); False when it is stopped or stopping already."""
        if self.status(now) in _STOPPED:
            return False
        if self.batch:
            self.status_now = "STOPPED"
        else:
            self._towards("STOPPING", "STOPPED", now)
        return True

    def _towards(self, on_the_way: str, after: str, now: int) -> None:
        if self.lag <= 0:
            self.status_now, self.pending = after, None
        else:
            self.pending = (on_the_way, now + self.lag, after)
