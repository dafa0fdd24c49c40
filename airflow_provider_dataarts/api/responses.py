"""Reading an HTTP answer: success, or the right error class with a hint the user can act on.

Shared by both transports, which only turn their own response objects into :class:`ApiResponse`.
"""

from __future__ import annotations

import dataclasses
import email.utils
import functools
import json
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from airflow_provider_dataarts.api import error_table, errors
from airflow_provider_dataarts.api.catalogue import Service
from airflow_provider_dataarts.api.fields import UnusableAnswer
from airflow_provider_dataarts.api.request import PreparedRequest

#: the longest ``Retry-After`` honoured as is: one header must not pause every wait of a credential for days
MAX_RETRY_AFTER = 120.0
#: how much of an unusable answer an error quotes
EXCERPT = 200


@dataclasses.dataclass(frozen=True)
class ApiResponse:
    """An HTTP answer: status, lower-cased headers, the body bytes, and the request it answers."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    request: PreparedRequest | None = dataclasses.field(default=None, repr=False, compare=False)

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
            return int(moment.timestamp() * 1000) if moment.tzinfo is not None else None
        except (TypeError, ValueError, IndexError, OverflowError):
            return None

    def json(self) -> Any:
        """The JSON body, or None for an empty one (204s and the v2 rerun's empty 200).

        Decoded once: an answer shared by coalesced reads is not decoded again by each reader, who
        must treat it as read-only. A body that is not JSON raises :class:`~.fields.UnusableAnswer`.
        """
        return self._decoded

    @functools.cached_property
    def _decoded(self) -> Any:
        if not self.body or not self.body.strip():
            return None
        try:
            return json.loads(self.body, parse_constant=_no_constant)
        except (ValueError, RecursionError) as error:
            raise UnusableAnswer(f"the body is not JSON ({type(error).__name__})") from None

    def redact(self, text: str | None) -> str | None:
        """``text`` without what the request sent as a secret (a hostile server may echo it)."""
        if text is None or self.request is None:
            return text
        for name in ("X-Auth-Token", "X-Security-Token", "Authorization"):
            secret = self.request.headers.get(name)
            if secret:
                text = text.replace(secret, "***")
        return text

    def excerpt(self) -> str:
        """The start of the body, for an error message; never what the request sent as a secret."""
        if self.request is not None and self.request.call.endpoint.service is Service.IAM:
            return "(not shown: an IAM answer)"
        text = self.redact(self.body[: EXCERPT * 4].decode("utf-8", "replace")) or ""
        return repr(text[:EXCERPT]) + ("..." if len(self.body) > EXCERPT else "")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """``Retry-After`` in seconds, as a delta or an HTTP date, within ``[0, MAX_RETRY_AFTER]``;
    None when absent or unreadable (NaN, text)."""
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
            seconds = moment.timestamp() - time.time()
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _refusal(response: ApiResponse) -> tuple[str | None, str | None] | None:
    """``(code, message)`` when a 2xx answer still reports an error (``is_success: false``, or an error
    code other than the documented success codes), else None."""
    try:
        data = response.json()
    except UnusableAnswer:
        return None
    if not isinstance(data, Mapping):
        return None
    if errors.is_failure_body(data):
        return errors.parse_error_body(data)
    code, _ = errors.parse_error_body({key: data.get(key) for key in ("error_code", "errorCode", "error")})
    if code is not None and error_table.normalise_code(code) not in error_table.SUCCESS_CODES:
        return errors.parse_error_body(data)
    return None


def _unusable(response: ApiResponse, request: PreparedRequest, why: str) -> errors.DataArtsError:
    """The error for an answer that is not the documented one: an action may have happened."""
    endpoint = request.call.endpoint
    text = f"{endpoint.name}: HTTP {response.status}: {why}"
    if endpoint.idempotent:
        return errors.DataArtsResponseError(
            text, status=response.status, request_id=response.request_id, method=request.method, path=request.path
        )
    return errors.DataArtsOutcomeUnknownError(
        f"{text}; so the action may or may not have happened",
        status=response.status,
        request_id=response.request_id,
        method=request.method,
        path=request.path,
    )


def _accepted(response: ApiResponse, request: PreparedRequest) -> None:
    """Raise unless a 2xx answer is the one the call documents for success (see ``Endpoint.answer``)."""
    answer = request.call.endpoint.answer
    try:
        data = response.json()
    except UnusableAnswer as error:
        raise _unusable(response, request, f"{error}: {response.excerpt()}") from None
    if answer == "empty" and data is not None:
        raise _unusable(response, request, f"expected no body, got {response.excerpt()}")
    if answer in ("object", "is_success", "token") and not isinstance(data, Mapping):
        raise _unusable(response, request, f"expected a JSON object, got {response.excerpt()}")
    if answer == "is_success" and data.get("is_success") is not True:
        raise _unusable(response, request, f"no 'is_success': true in {response.excerpt()}")
    if answer == "token" and not response.headers.get("x-subject-token"):
        raise _unusable(response, request, "no X-Subject-Token header")


def interpret(response: ApiResponse, request: PreparedRequest) -> ApiResponse:
    """Return an answer that says what the call documents, or raise the matching :class:`~.errors.DataArtsError`.

    A redirect is never followed (signed headers and tokens must not travel) and never a success; a
    2xx carrying an error is refused with its code; a 2xx that is not the documented answer is a
    response error for a read and an unknown outcome for an action.
    """
    status = response.status
    if status < 200:
        raise _unusable(response, request, f"an unexpected status {status}")
    if 300 <= status < 400:
        where = urlsplit(response.headers.get("location") or "").hostname or "an unnamed place"
        raise _unusable(response, request, f"redirected to {where[:100]}, which is not followed")
    refusal = _refusal(response) if status < 300 else None
    if refusal is None and status < 300:
        _accepted(response, request)
        return response
    code, message = refusal if refusal is not None else errors.parse_error_body(response.body)
    code, message = response.redact(code), response.redact(message) or f"HTTP {response.status}"
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
