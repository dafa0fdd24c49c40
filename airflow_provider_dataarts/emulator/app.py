"""The request pipeline: admin API or service call; faults, gateway checks, handler, request log.

One plain aiohttp low-level handler serves everything (no router, no middleware chain): the status
read a sensor polls is the hot path and gets as little work as possible.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import os
import time

from aiohttp import web

from airflow_provider_dataarts.emulator import admin
from airflow_provider_dataarts.emulator.call import Call, encode
from airflow_provider_dataarts.emulator.errors import GATEWAY_MESSAGES, RAW, ApiError, not_found_route, throttled
from airflow_provider_dataarts.emulator.faults import Fault
from airflow_provider_dataarts.emulator.gateway import (
    authenticate,
    check_project,
    check_workspace,
)
from airflow_provider_dataarts.emulator.iam import mask_password
from airflow_provider_dataarts.emulator.routes import IAM_TOKEN, match, split_path
from airflow_provider_dataarts.emulator.state import EmulatorState

JSON_TYPE = "application/json;charset=UTF-8"
_LOG = logging.getLogger(__name__)


def _fault_error(fault: Fault, st: EmulatorState) -> ApiError:
    if fault.kind == "throttle":
        limit, window = (st.limiter.requests, st.limiter.window) if st.limiter else (40, 10)
        return throttled(limit, window, fault.retry_after)
    body = fault.body
    if body is None:
        message = GATEWAY_MESSAGES.get(fault.status, "Backend unavailable.")
        body = {"error_code": "APIG.0201", "error_msg": message}
    return ApiError(fault.status, "", "", RAW, dict(fault.headers), body)


def _http_date(epoch_ms: int) -> str:
    return email.utils.formatdate(epoch_ms / 1000, usegmt=True)


def _drop(request: web.BaseRequest) -> web.Response:
    """Close the connection without an answer (the response below is never written)."""
    transport = request.transport
    if transport is not None:
        transport.close()
    return web.Response(status=499)


class EmulatorApp:
    """The aiohttp handler: routes ``/_emulator/...`` to the admin API and everything else to services."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    async def __call__(self, request: web.BaseRequest) -> web.StreamResponse:
        """Serve one request."""
        if request.raw_path.startswith("/_emulator/"):
            return await admin.handle(self.state, request)
        return await self.service(request)

    async def service(self, request: web.BaseRequest) -> web.StreamResponse:
        """One service call: fault, route, gateway checks, handler, log, answer."""
        st = self.state
        raw_path, _, raw_query = request.raw_path.partition("?")
        method = request.method
        request_id = os.urandom(16).hex()
        body = await request.read() if request.body_exists else b""
        call = Call(method, raw_path, raw_query, request.headers, body, request_id)
        fault = st.faults.take(method, raw_path) if st.faults.active else None
        segments = split_path(raw_path)
        matched = match(method, segments)
        route = None
        if matched is not None:
            route, call.params = matched
            call.route = route
            call.style = route.style
        headers: dict[str, str] = {}
        try:
            if fault is not None:
                if fault.kind in ("throttle", "status"):
                    raise _fault_error(fault, st)
                if fault.kind == "delay":
                    await asyncio.sleep(fault.seconds)
                elif fault.kind == "drop_before":
                    self._log(call, None, fault)
                    return _drop(request)
                elif fault.kind == "token_expiry":
                    token = st.tokens.get(request.headers.get("X-Auth-Token", ""))
                    if token is not None:
                        token.expires = min(token.expires, time.time())
            if route is None:
                raise not_found_route()
            if route.auth:
                authenticate(st, call)
                if st.limiter is not None:
                    st.limiter.check(call.credential or "")
                check_project(st, call, segments[2])
                if route.workspace is not None:
                    check_workspace(st, call, route.workspace == "required")
            result = route.handler(st, call)
            status, payload = result[0], result[1]
            if len(result) > 2:
                headers = result[2]
        except ApiError as error:
            status = error.status
            payload = error.render(request_id, st.config.error_message_field, st.config.gateway_code_spelling)
            headers = dict(error.headers)
        except Exception as error:  # a bug in the emulator: answer like a gateway would, and say so
            _LOG.exception("emulator error on %s %s", method, raw_path)
            status, headers = 500, {}
            payload = {"error_code": "APIG.0201", "error_msg": f"An unexpected error occurred: {error!r}"}
        self._log(call, status, fault)
        if fault is not None and fault.kind == "hold":  # served and logged; the answer comes late
            await asyncio.sleep(fault.seconds)
        if fault is not None and fault.kind == "drop_after":
            return _drop(request)
        if fault is not None and fault.kind == "rewrite":  # served, then the answer is replaced
            status, payload, headers = fault.status, fault.body, dict(fault.headers)
        headers["X-Request-Id"] = request_id
        headers["Date"] = _http_date(st.clock.now())  # the services' clock is the virtual one
        if payload is None:
            return web.Response(status=status, headers=headers)
        headers["Content-Type"] = JSON_TYPE
        body = payload if isinstance(payload, bytes) else encode(payload)
        return web.Response(status=status, body=body, headers=headers)

    def _log(self, call: Call, status: int | None, fault: Fault | None) -> None:
        st = self.state
        body = call.json_or_none() if call.body else None
        if call.route is IAM_TOKEN:
            body = mask_password(body)
        st.log.add(
            {
                "seq": 0,
                "time": time.time(),
                "vtime": st.clock.now(),
                "method": call.method,
                "path": call.raw_path,
                "route": call.route.name if call.route is not None else None,
                "query": call.query,
                "body": body,
                "status": status,
                "fault": fault.kind if fault is not None else None,
                "credential": call.credential,
                "workspace": call.workspace or call.headers.get("workspace"),
                "request_id": call.request_id,
            }
        )
