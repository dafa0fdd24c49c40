"""Reading an HTTP answer: success, or the right error class with a hint the user can act on.

Shared by both transports, which only turn their own response objects into :class:`ApiResponse`.
"""

from __future__ import annotations

import dataclasses
import email.utils
import functools
import json
from collections.abc import Mapping
from typing import Any

from airflow_provider_dataarts.api import error_table, errors
from airflow_provider_dataarts.api.request import PreparedRequest


@dataclasses.dataclass(frozen=True)
class ApiResponse:
    """An HTTP answer: status, lower-cased headers and the body bytes."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def request_id(self) -> str | None:
        return self.headers.get("x-request-id")

    @property
    def server_time_ms(self) -> int | None:
        """The service's clock as its ``Date`` header gives it (epoch ms), or None without a usable one."""
        value = self.headers.get("date")
        if not value:
            return None
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        return int(moment.timestamp() * 1000) if moment.tzinfo is not None else None

    def json(self) -> Any:
        """The JSON body, or None for an empty one (204s and the v2 rerun's empty 200).

        Decoded once: an answer shared by coalesced reads is not decoded again by each reader, who
        must treat it as read-only.
        """
        return self._decoded

    @functools.cached_property
    def _decoded(self) -> Any:
        if not self.body or not self.body.strip():
            return None
        return json.loads(self.body)


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """``Retry-After`` in seconds (only the delta form is used by the gateway)."""
    value = headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def interpret(response: ApiResponse, request: PreparedRequest) -> ApiResponse:
    """Return a successful response, or raise the matching :class:`~.errors.DataArtsError`."""
    failed = response.status >= 400
    if not failed and b"is_success" in response.body:
        try:
            failed = errors.is_failure_body(response.json())
        except ValueError:
            failed = False
    if not failed:
        return response
    code, message = errors.parse_error_body(response.body)
    message = message or f"HTTP {response.status}"
    row = error_table.lookup(response.status, code, message, request.call.endpoint.name)
    error_class, hint = row.error_class, row.hint
    call = request.call
    text = f"{call.endpoint.name} failed: HTTP {response.status}" + (f" {code}" if code else "") + f": {message}"
    details: dict[str, Any] = {
        "status": response.status,
        "code": code,
        "api_message": message,
        "request_id": response.request_id,
        "method": request.method,
        "path": request.path,
        "hint": hint,
    }
    if response.status >= 500 and response.status != 503 and not call.endpoint.idempotent:
        # 502/504: the gateway got no answer from the service; 500: the service failed while handling
        # the action. Either way it may or may not have acted (a 503 is a refusal: nothing happened).
        why = "the gateway lost the service's answer" if response.status in (502, 504) else "the service failed"
        raise errors.DataArtsOutcomeUnknownError(
            f"{text}: {why}, so the action may or may not have happened", **details
        )
    if error_class is errors.DataArtsThrottledError:
        raise errors.DataArtsThrottledError(text, retry_after=retry_after_seconds(response.headers), **details)
    raise error_class(text, **details)
