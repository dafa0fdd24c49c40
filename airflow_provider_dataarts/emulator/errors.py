"""Error answers, in the body shapes each real service uses.

Handlers raise :class:`ApiError`; the app renders it with the request id and the configured name of
the message field (``error_msg`` for DataArts and the gateway, ``error_message`` for ModelArts, unless
``error_message_field`` overrides both).
"""

from __future__ import annotations

from typing import Any

#: body styles: "apig" (gateway, carries request_id), "dlf" / "dqc" (DataArts), "modelarts", "raw"
APIG, DLF, DQC, MODELARTS, RAW = "apig", "dlf", "dqc", "modelarts", "raw"


class ApiError(Exception):
    """An error answer: HTTP status, error code and message, in a service's body style."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        style: str = DLF,
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.style = style
        self.headers = headers or {}
        self.body = body

    def render(self, request_id: str, message_field: str | None) -> Any:
        """The JSON body for this error."""
        if self.style == RAW:
            return self.body
        if self.style == MODELARTS:
            field = message_field or "error_message"
            return {"is_success": False, "error_code": self.code, field: self.message}
        body: dict[str, Any] = {"error_code": self.code, message_field or "error_msg": self.message}
        if self.style == APIG:
            body["request_id"] = request_id
        return body


def invalid(style: str, name: str, reason: str) -> ApiError:
    """400 for a bad body or query field, with the service's own parameter error code."""
    if style == DQC:
        return ApiError(400, "DQC.0100", f"Invalid parameter {name}: {reason}", DQC)
    if style == MODELARTS:
        return ApiError(400, "ModelArts.0101", f"Invalid parameter {name}: {reason}", MODELARTS)
    return ApiError(400, "DLF.0100", f"Invalid parameter {name}: {reason}", DLF)


def unauthorized(reason: str) -> ApiError:
    """401 APIG.0301: the gateway could not authenticate the call."""
    return ApiError(401, "APIG.0301", f"Incorrect IAM authentication information: {reason}", APIG)


def token_expired() -> ApiError:
    """401 APIG.0307: the X-Auth-Token presented has expired."""
    return ApiError(401, "APIG.0307", "The token must be updated.", APIG)


def throttled(limit: int, window: float, retry_after: float | None) -> ApiError:
    """429 APIG.0308 with an optional Retry-After header (whole seconds)."""
    headers = {} if retry_after is None else {"Retry-After": str(max(0, int(-(-retry_after // 1))))}
    window_text = int(window) if float(window).is_integer() else window
    message = (
        f"The throttling threshold has been reached: policy user over ratelimit,limit:{limit},time:{window_text} second"
    )
    return ApiError(429, "APIG.0308", message, APIG, headers)


def not_found_route() -> ApiError:
    """404 APIG.0101: no API is published at this method and path."""
    return ApiError(404, "APIG.0101", "The API does not exist or has not been published in the environment.", APIG)


def iam_error(status: int, message: str, title: str) -> ApiError:
    """IAM's own error shape: ``{"error": {"code", "message", "title"}}``."""
    body = {"error": {"code": status, "message": message, "title": title}}
    return ApiError(status, str(status), message, RAW, body=body)
