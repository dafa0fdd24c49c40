"""The admin API under ``/_emulator/`` (no auth): reset, state, clock, faults, chaos, rate limit,
config, token expiry and the request log. Errors come back as ``400 {"error": "..."}``."""

from __future__ import annotations

import json
import os
from typing import Any

from aiohttp import web

from airflow_provider_dataarts.emulator.clock import parse_time
from airflow_provider_dataarts.emulator.faults import Chaos, FaultError
from airflow_provider_dataarts.emulator.gateway import RateLimiter
from airflow_provider_dataarts.emulator.iam import expire_all
from airflow_provider_dataarts.emulator.scenario import ScenarioError
from airflow_provider_dataarts.emulator.state import EmulatorState


class AdminError(Exception):
    """A refused admin call: HTTP status and message."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _reply(payload: Any, status: int = 200) -> web.Response:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = {"X-Request-Id": os.urandom(16).hex()}
    return web.Response(status=status, body=body, content_type="application/json", charset="utf-8", headers=headers)


def _number(body: dict[str, Any], key: str) -> float:
    value = body[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AdminError(f"{key} must be a number")
    return value


def _clock(st: EmulatorState, body: Any) -> Any:
    if body is None:
        return st.clock.as_json()
    if not isinstance(body, dict) or not body.keys() & {"advance", "speed", "set"}:
        raise AdminError('clock: send {"advance": s}, {"speed": x} or {"set": t}')
    try:
        if "set" in body:
            st.clock.set(parse_time(body["set"], "set"))
        if "speed" in body:
            st.clock.set_speed(_number(body, "speed"))
        if "advance" in body:
            st.clock.advance(_number(body, "advance"))
    except ValueError as error:
        raise AdminError(str(error)) from None
    return st.clock.as_json()


def _rate_limit(st: EmulatorState, body: Any) -> Any:
    if not isinstance(body, dict):
        raise AdminError('rate-limit: send {"requests": N, "window": seconds}')
    requests, window = body.get("requests"), body.get("window", 10)
    if isinstance(requests, bool) or not isinstance(requests, int) or requests < 1:
        raise AdminError("requests must be an integer >= 1")
    if isinstance(window, bool) or not isinstance(window, (int, float)) or window <= 0:
        raise AdminError("window must be a number of seconds > 0")
    st.limiter = RateLimiter(requests, window)
    return st.limiter.as_json()


def _requests(st: EmulatorState, request: web.BaseRequest) -> Any:
    since = request.query.get("since", "0")
    try:
        return {"requests": st.log.since(int(since)), "last_seq": st.log.seq}
    except ValueError:
        raise AdminError("since must be an integer") from None


def _dispatch(st: EmulatorState, request: web.BaseRequest, name: str, body: Any) -> Any:
    method = request.method
    if name == "reset" and method == "POST":
        st.reset(body)
        return {"ok": True, "clock": st.clock.as_json()}
    if name == "state" and method == "GET":
        return st.dump()
    if name == "clock" and method in ("GET", "POST"):
        return _clock(st, body if method == "POST" else None)
    if name == "faults":
        if method == "POST":
            specs = body if isinstance(body, list) else [body]
            added = [st.faults.add(spec).as_json() for spec in specs]
            return added if isinstance(body, list) else added[0]
        if method == "GET":
            return {"faults": [f.as_json() for f in st.faults.faults]}
        if method == "DELETE":
            st.faults.clear()
            return {"ok": True}
    if name == "chaos":
        if method == "POST":
            st.faults.chaos = Chaos(body if body is not None else {})
            return st.faults.chaos.as_json()
        if method == "GET":
            return st.faults.chaos.as_json() if st.faults.chaos else None
        if method == "DELETE":
            st.faults.chaos = None
            return {"ok": True}
    if name == "rate-limit":
        if method == "POST":
            return _rate_limit(st, body)
        if method == "GET":
            return st.limiter.as_json() if st.limiter else None
        if method == "DELETE":
            st.limiter = None
            return {"ok": True}
    if name == "config" and method in ("GET", "POST"):
        if method == "POST":
            st.config.update(body if body is not None else {})
        return st.config.as_json()
    if name == "tokens/expire" and method == "POST":
        return {"expired": expire_all(st)}
    if name == "requests":
        if method == "GET":
            return _requests(st, request)
        if method == "DELETE":
            st.log.clear()
            return {"ok": True}
    raise AdminError(f"no admin call {method} /_emulator/{name}", 404)


async def handle(st: EmulatorState, request: web.BaseRequest) -> web.Response:
    """Serve ``/_emulator/<name>``."""
    name = request.path[len("/_emulator/") :].strip("/")
    raw = await request.read() if request.body_exists else b""
    try:
        try:
            body = json.loads(raw) if raw.strip() else None
        except ValueError:
            raise AdminError("the body is not valid JSON") from None
        return _reply(_dispatch(st, request, name, body))
    except AdminError as error:
        return _reply({"error": str(error)}, error.status)
    except (ScenarioError, FaultError, ValueError) as error:
        return _reply({"error": str(error)}, 400)
