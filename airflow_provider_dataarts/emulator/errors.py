"""Error answers, in the body shapes each real service uses, with documented codes only.

Every code the emulator answers with is in :data:`CODES` with its documented HTTP status, message
and source (``docs/emulator.md`` lists them); :class:`ApiError` refuses any other code, so the
emulator cannot invent a meaning the client might come to rely on. Where the documents give no
code for a refusal (a restart of a running instance, anything DataArts Quality refuses), the
emulator answers with the documented generic code for a bad request and says why in the message.
"""

from __future__ import annotations

from typing import Any

#: body styles: "apig" (gateway, carries request_id), "dlf" / "dqc" (DataArts), "modelarts", "raw"
APIG, DLF, DQC, MODELARTS, RAW = "apig", "dlf", "dqc", "modelarts", "raw"

_SIGNING = "https://support.huaweicloud.com/intl/en-us/devg-apisign/api-sign-errorcode.html"
_DLF = "https://support.huaweicloud.com/intl/en-us/api-dataartsstudio/dataartsstudio_02_0313.html"
_MODELARTS = "https://support.huaweicloud.com/intl/en-us/api-modelarts/modelarts_03_0095.html"

#: code -> (HTTP status, documented message, source)
CODES: dict[str, tuple[int, str, str]] = {
    "APIG.0101": (404, "The API does not exist or has not been published in the environment.", _SIGNING),
    "APIG.0201": (400, "API request error.", _SIGNING),  # also 500/502/504 with their own messages
    "APIG.0301": (401, "Incorrect IAM authentication information.", _SIGNING),
    "APIG.0302": (403, "The IAM user is not authorized to access the API.", _SIGNING),
    "APIG.0307": (401, "The token must be updated.", _SIGNING),
    "APIG.0308": (429, "The throttling threshold has been reached.", _SIGNING),
    "APIG.0310": (403, "The project is unavailable.", _SIGNING),
    "Common.0018": (
        403,
        "tenantId in token is not the same with in URL.",
        "https://support.huaweicloud.com/trouble-apitr/apitr_003.html",
    ),
    "DLF.0100": (400, "The job does not exist.", _DLF),
    "DLF.0136": (400, "This API can be called only for batch jobs.", _DLF),
    "DLF.0137": (400, "The job instance does not exist.", _DLF),
    "DLF.1000": (400, "Failed to find the job.", "seed 003 (v2 rerun), failure example"),
    "DLF.3025": (400, "The job scheduling parameter is invalid.", _DLF),
    "DLF.3051": (400, "The request parameter is invalid.", "docs.otc.t-systems.com DataArts API, job list example"),
    "ModelArts.0101": (400, "Invalid Argument.", _MODELARTS),
    "ModelArts.0102": (400, "The resource does not exist.", _MODELARTS + " (the table of the v1 APIs)"),
    "ModelArts.0105": (400, "The operation is not allowed.", "seed 002 / modelarts_03_0069, failure examples"),
    "ModelArts.0210": (403, "The project id in the request URL does not match the token.", _MODELARTS),
}

#: APIG.0201's documented message for each HTTP status it comes with
GATEWAY_MESSAGES = {
    400: "API request error.",
    500: "An unexpected error occurred.",
    502: "Backend unavailable.",
    504: "Backend timeout.",
}


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
        if style != RAW and code not in CODES:
            raise ValueError(f"the emulator answers documented error codes only, not {code!r}")
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.style = style
        self.headers = headers or {}
        self.body = body

    def render(self, request_id: str, message_field: str | None, gateway_spelling: str = "APIG") -> Any:
        """The JSON body for this error (gateway codes spelled ``APIG.`` or ``APIGW.``)."""
        if self.style == RAW:
            return self.body
        code = self.code
        if gateway_spelling != "APIG" and code.startswith("APIG."):
            code = gateway_spelling + code[4:]
        if self.style == MODELARTS:
            field = message_field or "error_message"
            return {"is_success": False, "error_code": code, field: self.message}
        body: dict[str, Any] = {"error_code": code, message_field or "error_msg": self.message}
        if self.style == APIG:
            body["request_id"] = request_id
        return body


def documented(code: str, detail: str | None = None, style: str = DLF, status: int | None = None) -> ApiError:
    """An error with a code of :data:`CODES`: its documented status and message, plus what went wrong."""
    default_status, message, _ = CODES[code]
    status = default_status if status is None else status
    if code == "APIG.0201":
        message = GATEWAY_MESSAGES.get(status, message)
    return ApiError(status, code, f"{message.rstrip('.')}: {detail}" if detail else message, style)


def invalid(style: str, name: str, reason: str) -> ApiError:
    """400 for a bad body or query field, with the service's documented code for a bad parameter."""
    detail = f"{name}: {reason}"
    if style == MODELARTS:
        return documented("ModelArts.0101", detail, MODELARTS)
    if style == DQC:  # DataArts Quality documents no codes: the gateway's generic bad request
        return documented("APIG.0201", detail, DQC)
    return documented("DLF.3051", detail, DLF)


def unauthorized(reason: str) -> ApiError:
    """401 APIG.0301 with one of its documented sub-messages (``verify aksk signature fail``...)."""
    return documented("APIG.0301", reason, APIG)


def token_expired(form: str, expires_at: str) -> ApiError:
    """An expired IAM token, in one of its two documented forms."""
    if form == "APIG.0301":
        return unauthorized(f"token expires, expires_at: {expires_at}")
    return documented("APIG.0307", None, APIG)


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
    return documented("APIG.0101", None, APIG)


def iam_error(status: int, message: str, title: str) -> ApiError:
    """IAM's own error shape: ``{"error": {"code", "message", "title"}}``."""
    body = {"error": {"code": status, "message": message, "title": title}}
    return ApiError(status, str(status), message, RAW, body=body)
