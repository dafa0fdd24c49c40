"""The provider's exception family and the parser for every documented error body.

Each error names the HTTP status, the API's error code and message, the ``X-Request-Id`` (what
Huawei Cloud support asks for), the method and the path, and - where the fix is knowable - what to
do. Retry decisions read the class: see :mod:`airflow_provider_dataarts.api.retry`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from airflow.providers.common.compat.sdk import AirflowException

_CODE_KEYS = ("error_code", "errorCode", "code")
#: the longest API message kept in an error (a hostile answer may carry megabytes)
MAX_API_MESSAGE = 500
#: the longest error text: exceptions end up in logs, XCom and trigger events
MAX_ERROR_TEXT = 2000


def cap(text: str, longest: int) -> str:
    """``text`` cut to ``longest`` characters, saying so."""
    return text if len(text) <= longest else text[: longest - 20] + f"... ({len(text)} chars)"


_MESSAGE_KEYS = ("error_msg", "error_message", "errorMsg", "errorMessage", "message", "msg")


class DataArtsError(AirflowException):
    """Base of every error this provider raises about a call to Huawei Cloud."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        api_message: str | None = None,
        request_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.status = status
        self.code = None if code is None else cap(code, 64)
        self.api_message = None if api_message is None else cap(api_message, MAX_API_MESSAGE)
        self.request_id = None if request_id is None else cap(request_id, 128)
        self.method = method
        self.path = path
        self.hint = hint
        parts = [message]
        if hint:
            parts.append(hint)
        if self.request_id:
            parts.append(f"(request id {self.request_id})")
        super().__init__(cap(" ".join(parts), MAX_ERROR_TEXT))


class DataArtsConfigError(DataArtsError):
    """The connection or TLS set-up cannot work; retrying will not help."""


class DataArtsApiError(DataArtsError):
    """The service answered with an error."""


class DataArtsAuthError(DataArtsApiError):
    """401/403: credentials, signature, token, clock or permissions."""

    #: the IAM token sent was refused and dropped from the cache: sending again fetches a new one
    token_refreshable: bool = False


class DataArtsNotFoundError(DataArtsApiError):
    """The job, instance or route does not exist."""


class DataArtsApiNotEnabledError(DataArtsApiError):
    """The API exists but is not open to this account (e.g. the invitation-only Factory v2 rerun)."""


class DataArtsThrottledError(DataArtsApiError):
    """429: the request was refused by the rate limit, so it is safe to send again later."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class DataArtsServerError(DataArtsApiError):
    """5xx from the service or its gateway."""


class DataArtsResponseError(DataArtsApiError):
    """An answer that is not what the API documents (not JSON, wrong types, fields missing, too large,
    a redirect): never a baseline, an outcome or an accepted action. Reads are tried again."""


class DataArtsTokenExpiredError(DataArtsAuthError):
    """The IAM token was refused as expired; a new token is fetched and the call re-sent."""


class DataArtsTransportError(DataArtsError):
    """No HTTP answer. ``sent`` tells whether the request may have reached the server."""

    def __init__(self, message: str, *, sent: bool, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.sent = sent


class DataArtsOutcomeUnknownError(DataArtsTransportError):
    """An action was sent but no answer came back: check the remote state before acting again."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, sent=True, **kwargs)


def _find(mapping: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = mapping.get(key)
        if value not in (None, ""):
            return value
    return None


def parse_error_body(body: bytes | str | Any) -> tuple[str | None, str | None]:
    """Return ``(code, message)`` from any documented error form, or ``(None, text)``.

    Forms: ``error_code/error_msg``, ``error_code/error_message``, ``errorCode/errorMsg``,
    ``errorCode/errorMessage``, ``code/msg/message``, and any of them nested one level down
    (``{"error": {...}}``).
    """
    data = body
    if isinstance(body, (bytes, str)):
        raw = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        try:
            data = json.loads(raw) if raw.strip() else None
        except ValueError:
            return None, cap(raw.strip(), MAX_API_MESSAGE) or None
    if not isinstance(data, Mapping):
        return None, None
    candidates = [data] + [value for value in list(data.values())[:100] if isinstance(value, Mapping)]
    for candidate in candidates:
        code, message = _find(candidate, _CODE_KEYS), _find(candidate, _MESSAGE_KEYS)
        if code is not None or message is not None:
            return (None if code is None else str(code)), (None if message is None else str(message))
    return None, None


def is_failure_body(data: Any) -> bool:
    """A 200 answer that still reports failure (ModelArts ``is_success: false``)."""
    return isinstance(data, Mapping) and data.get("is_success") is False
