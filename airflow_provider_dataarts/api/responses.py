"""Reading an HTTP answer: success, or the right error class with a hint the user can act on.

Shared by both transports, which only turn their own response objects into :class:`ApiResponse`.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Mapping
from typing import Any

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.api.request import PreparedRequest

_CLOCK_WORDS = re.compile(r"x-sdk-date|clock|request time|expired request|time ?skew|date", re.IGNORECASE)
_NOT_FINISHED_WORDS = re.compile(r"finished state|cannot be restarted|can't be resubmit|not allowed", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class ApiResponse:
    """An HTTP answer: status, lower-cased headers and the body bytes."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def request_id(self) -> str | None:
        return self.headers.get("x-request-id")

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


def _hint(status: int, code: str | None, message: str, request: PreparedRequest) -> tuple[type, str | None]:
    """The error class and advice for an error answer."""
    name = request.call.endpoint.name
    code = code or ""
    if status == 429 or code == "APIG.0308":
        return (
            errors.DataArtsThrottledError,
            "Throttled by the API gateway; the call is retried after Retry-After.",
        )
    if code == "APIG.0307":
        return errors.DataArtsTokenExpiredError, (
            "The token was refused as expired: a new IAM token is fetched and the call re-sent (within the "
            "retry limit); temporary AK/SK credentials (security_token) must be renewed."
        )
    if status in (401, 403) and _CLOCK_WORDS.search(message):
        return errors.DataArtsAuthError, (
            "Check the clock of this machine: the request time (X-Sdk-Date) must be within 15 minutes of "
            "Huawei Cloud's time. Sync it with NTP."
        )
    if name == "factory.retry" and status in (403, 404):
        return errors.DataArtsApiNotEnabledError, (
            "The DataArts Factory v2 rerun API is not enabled for this account (it is invitation-only): ask "
            "Huawei Cloud support to open it, or use DataArtsRestartInstanceOperator (v1 restart) instead."
        )
    if status == 401:
        return errors.DataArtsAuthError, (
            "Check the connection's credentials: access key / secret key (login / password), or the IAM user, "
            "password and domain."
        )
    if status == 403:
        return errors.DataArtsAuthError, (
            "Check the connection's project_id and that the IAM user has DataArts Studio / ModelArts permissions."
        )
    if code == "DLF.6201" or "workspace" in message.lower():
        return errors.DataArtsApiError, (
            "Check the workspace id (the connection extra 'workspace' or the task's workspace argument)."
        )
    if code in ("DLF.0137", "DLF.30137"):
        return errors.DataArtsNotFoundError, "Check job_name, instance_id and workspace."
    if code == "DLF.1000":
        return errors.DataArtsNotFoundError, "Check job_name and workspace."
    if code in ("ModelArts.0104", "DQC.0004") or status == 404:
        return errors.DataArtsNotFoundError, "Check the job id and the endpoint."
    if code == "ModelArts.0105":
        return errors.DataArtsApiError, "The visualization job is still starting or running: stop it or wait."
    if code == "DQC.1006":
        return errors.DataArtsApiError, "A run of this quality job is already in progress."
    if _NOT_FINISHED_WORDS.search(message):
        return errors.DataArtsApiError, (
            "Only instances in a finished state (success, fail, manual-stop) can be restarted: wait for the "
            "instance to finish, for example with DataArtsJobInstanceSensor."
        )
    if status >= 500:
        return errors.DataArtsServerError, None
    return errors.DataArtsApiError, None


def interpret(response: ApiResponse, request: PreparedRequest) -> ApiResponse:
    """Return a successful response, or raise the matching :class:`~.errors.DataArtsError`."""
    failed = response.status >= 400
    if not failed and response.body[:1] == b"{" and b'"is_success"' in response.body:
        try:
            failed = errors.is_failure_body(response.json())
        except ValueError:
            failed = False
    if not failed:
        return response
    code, message = errors.parse_error_body(response.body)
    message = message or f"HTTP {response.status}"
    error_class, hint = _hint(response.status, code, message, request)
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
