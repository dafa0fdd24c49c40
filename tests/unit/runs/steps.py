"""Driving a kind's steps by hand: each call it yields is recorded and answered with JSON, no HTTP.

A kind's ``observe``/``stop`` is a generator of :class:`~airflow_provider_dataarts.api.request.Call`
that is sent back an :class:`~airflow_provider_dataarts.api.responses.ApiResponse` (what
``DataArtsHook.run`` does after sending the call); the call layer then builds the models from it.
"""

from __future__ import annotations

import email.utils
import json
from collections.abc import Callable
from typing import Any

from airflow_provider_dataarts.api.calls import Steps
from airflow_provider_dataarts.api.phases import Phase
from airflow_provider_dataarts.api.request import Call
from airflow_provider_dataarts.api.responses import ApiResponse
from airflow_provider_dataarts.runs.base import Observation

#: the service's "now" in every answer (2026-11-30T12:00:00Z): list scans read one window from it
NOW_MS = 1_796_040_000_000
HOUR_MS = 3_600_000


def answer(body: Any = None) -> ApiResponse:
    """A 200 with ``body`` as JSON (none for None) and a ``Date`` header at :data:`NOW_MS`."""
    date = email.utils.formatdate(NOW_MS / 1000, usegmt=True)
    return ApiResponse(200, {"date": date}, b"" if body is None else json.dumps(body).encode())


def drive(steps: Steps[Any], reply: Callable[[Call], Any]) -> tuple[Any, list[Call]]:
    """Run ``steps`` to the end, answering each call with ``answer(reply(call))`` - or, when ``reply`` gives
    an exception, throwing it in as the hook does with an error answer; the result and the calls."""
    calls: list[Call] = []
    try:
        call = next(steps)
        while True:
            calls.append(call)
            replied = reply(call)
            call = steps.throw(replied) if isinstance(replied, BaseException) else steps.send(answer(replied))
    except StopIteration as done:
        return done.value, calls


def by_route(bodies: dict[str, Any]) -> Callable[[Call], Any]:
    """Answer each call with the body given for its endpoint's name (``"dlf.show"``...)."""
    return lambda call: bodies[call.endpoint.name]


def shape(call: Call) -> tuple[str, dict[str, Any], str | None]:
    """A call as a test compares it: endpoint name, path parameters, workspace."""
    return call.endpoint.name, dict(call.path_params), call.workspace


def state(observation: Observation) -> tuple[bool, Phase, str]:
    """What a look says about the run: started (against its baseline), phase, status."""
    return observation.started, observation.phase, observation.status
