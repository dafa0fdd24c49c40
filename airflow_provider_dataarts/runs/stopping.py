"""Stopping a remote run on kill or deadline, including one that has not shown up yet.

Right after a restart the API still shows the previous (finished) run, so a stop sent then is
refused - and the run that shows up a moment later would go on unwatched. So until the action's start
deadline (bounded by the caller's patience) the run is observed, and stopped as soon as it shows.

The procedure is written once, as a script of commands (:func:`stop_script`); the worker
(:func:`stop_here`) and the triggerer (:func:`stop_deferred`) only carry the commands out.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Generator, Mapping
from typing import Any

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.runs.base import Kind, Observation, is_transient

#: seconds between looks while waiting for the run to show up so that it can be stopped
STOP_POLL = 5.0

#: ("run", steps) -> the result or the exception; ("sleep", seconds) -> None; ("info"|"warning", text) -> None
Command = tuple[str, Any]
Script = Generator[Command, Any, None]


def _refused_early(error: BaseException) -> bool:
    """A stop refused by the service (not auth, not a lost connection): the run may not show yet."""
    return isinstance(error, errors.DataArtsApiError) and not isinstance(error, errors.DataArtsAuthError)


def stop_script(kind: Kind[Any], watch: Mapping[str, Any], why: str, give_up_at: float) -> Script:
    """Look at the run; stop it once it shows, unless it reached its outcome (ended, or up for a
    visualization job: what the wait waits for is then decided, and a serving job is left serving);
    give up at ``give_up_at``."""
    what = kind.describe(watch)
    if kind.stop is None:
        yield "warning", f"{what}: {why}, but this API has no stop call: the remote run continues"
        return
    while True:
        outcome: Observation | BaseException = yield "run", kind.observe(watch)
        in_time = time.time() < give_up_at
        if isinstance(outcome, Observation) and outcome.started:
            if outcome.finished:  # a job run that ended, or a visualization job that is up: the task's outcome
                yield "info", f"{what}: {why}, but the run reached its outcome ({outcome.status}): nothing to stop"
                return
            refusal = yield "run", kind.stop(watch)
            if not isinstance(refusal, BaseException):
                yield "info", f"{what}: {why}: stopped the remote run"
                return
            if not (_refused_early(refusal) and in_time):
                yield "warning", f"{what}: could not stop the remote run: {refusal}"
                return
            yield "info", f"{what}: the stop was refused ({refusal}); trying again when the run shows"
        elif isinstance(outcome, BaseException) and not is_transient(outcome):
            yield "warning", f"{what}: {why}, but the run cannot be read to stop it: {outcome}"
            return
        elif not in_time:
            yield "warning", f"{what}: {why}, but the new run did not show up in time to be stopped"
            return
        else:
            yield "info", f"{what}: {why}: waiting for the new run to show up to stop it"
        yield "sleep", max(0.0, min(STOP_POLL, give_up_at - time.time()))


def stop_here(hook: Any, script: Script, log: Any) -> None:
    """Carry a script out in a worker (blocking)."""
    reply: Any = None
    while True:
        try:
            verb, argument = script.send(reply)
        except StopIteration:
            return
        reply = None
        if verb == "run":
            try:
                reply = hook.run(argument)
            except Exception as error:
                reply = error
        elif verb == "sleep":
            time.sleep(argument)
        else:
            getattr(log, verb)("%s", argument)


async def stop_deferred(hook: Any, script: Script, log: Any) -> None:
    """Carry a script out in the triggerer, never blocking its event loop."""
    reply: Any = None
    while True:
        try:
            verb, argument = script.send(reply)
        except StopIteration:
            return
        reply = None
        if verb == "run":
            try:
                reply = await hook.run(argument)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                reply = error
        elif verb == "sleep":
            await asyncio.sleep(argument)
        else:
            getattr(log, verb)("%s", argument)
