"""Every error code the provider recognises: its documented meaning, the error class, the hint.

One table, read top to bottom; the first row that matches an answer decides. Each row cites where
its meaning is documented (a Huawei page, or the official SDK 3.1.219), so a hint never promises
more than the documents say. Codes are matched after :func:`normalise_code`, so the gateway's two
documented spellings (``APIG.0301`` and ``APIGW.0301``) are one code.
"""

from __future__ import annotations

import dataclasses
import re

from airflow_provider_dataarts.api import errors

_APIG_SIGN = "https://support.huaweicloud.com/intl/en-us/devg-apisign/api-sign-errorcode.html"
_APIG_USER = "https://support.huaweicloud.com/intl/en-us/usermanual-apig/apig_03_0048.html"
_TOKEN_EXPIRES = "https://support.huaweicloud.com/intl/en-us/ocr_faq/ocr_01_0063.html"
_SIGNATURE_EXPIRED = "https://support.huaweicloud.com/intl/en-us/sis_faq/sis_04_0087.html"
_DLF_CODES = "https://support.huaweicloud.com/intl/en-us/api-dataartsstudio/dataartsstudio_02_0313.html"
_DLF_RESTART = "https://support.huaweicloud.com/intl/en-us/api-dataartsstudio/dataartsstudio_02_0067.html"
_DLF_RETRY = "seed 003 (RetryFactoryJobInstance); the SDK marks the API invitation-only"
_MODELARTS_CODES = "https://support.huaweicloud.com/intl/en-us/api-modelarts/modelarts_03_0095.html"
_MODELARTS_RESTART = "seed 002 / https://support.huaweicloud.com/intl/en-us/api-modelarts/modelarts_03_0070.html"
_TOKEN_PROJECT = "https://support.huaweicloud.com/trouble-apitr/apitr_003.html (Common.0018)"

#: answers that carry an ``error_code`` yet report success (DataArts Quality's documented forms)
SUCCESS_CODES = frozenset({"DQC.0000", "DLG.2700"})

_CLOCK_HINT = (
    "Check the clock of this machine: the request time (X-Sdk-Date) must be within 15 minutes of Huawei "
    "Cloud's time. Sync it with NTP."
)
_CREDENTIALS_HINT = (
    "Check the connection's credentials: access key / secret key (login / password), or the IAM user, password "
    "and domain."
)
_TOKEN_HINT = (
    "The IAM token was refused as expired or invalid: a new token is fetched and the call sent once more; "
    "temporary AK/SK credentials (security_token) must be renewed."
)
_PERMISSION_HINT = (
    "The user is not allowed to call this API: give the IAM user the DAYU User (or DAYU Administrator) role and "
    "a workspace role that may operate jobs (admin, developer or operator), or the ModelArts permissions."
)
_PROJECT_HINT = "Check project_id (the connection's, or the task's): it must be a project of this region."


def normalise_code(code: str | None) -> str:
    """The code as the table spells it: ``APIGW.0301`` and ``APIG.0301`` are the same code."""
    code = (code or "").strip()
    return "APIG." + code[6:] if code.upper().startswith("APIGW.") else code


@dataclasses.dataclass(frozen=True)
class ErrorRow:
    """One documented error: what to match, what it means, what to raise and what to tell the user."""

    code: str | None  # None: any code (a fallback on the HTTP status)
    meaning: str
    error_class: type[errors.DataArtsError]
    hint: str | None
    source: str
    statuses: tuple[int, ...] = ()  # matched only with one of these HTTP statuses (empty: any)
    message: str | None = None  # matched only when the API message matches this regex
    endpoints: tuple[str, ...] = ()  # matched only for these calls (empty: any)

    def matches(self, status: int, code: str, message: str, endpoint: str) -> bool:
        return (
            (self.code is None or self.code == code)
            and (not self.statuses or status in self.statuses)
            and (not self.endpoints or endpoint in self.endpoints)
            and (self.message is None or re.search(self.message, message, re.IGNORECASE) is not None)
        )


ROWS: tuple[ErrorRow, ...] = (
    # --- the API gateway (both spellings: APIG.xxxx / APIGW.xxxx) ---
    ErrorRow(
        "APIG.0308",
        "The throttling threshold has been reached.",
        errors.DataArtsThrottledError,
        "Throttled by the API gateway; the call is retried after Retry-After.",
        _APIG_SIGN,
    ),
    ErrorRow(None, "Too many requests.", errors.DataArtsThrottledError, None, "RFC 6585", statuses=(429,)),
    ErrorRow("APIG.0307", "The token must be updated.", errors.DataArtsTokenExpiredError, _TOKEN_HINT, _APIG_SIGN),
    ErrorRow(
        "APIG.0301",
        "Incorrect IAM authentication information: token expires / decrypt token fail.",
        errors.DataArtsTokenExpiredError,
        _TOKEN_HINT,
        _TOKEN_EXPIRES,
        message=r"token",
    ),
    ErrorRow(
        "APIG.0301",
        "Incorrect IAM authentication information: signature expired (X-Sdk-Date more than 15 minutes off).",
        errors.DataArtsAuthError,
        _CLOCK_HINT,
        _SIGNATURE_EXPIRED,
        message=r"signature expired|x-sdk-date",
    ),
    ErrorRow(
        "APIG.0303",
        "Incorrect app authentication information: signature expired.",
        errors.DataArtsAuthError,
        _CLOCK_HINT,
        "https://support.huaweicloud.com/intl/en-us/apig_faq/apig-faq-0009.html",
        message=r"signature expired",
    ),
    ErrorRow(
        "APIG.0301",
        "Incorrect IAM authentication information.",
        errors.DataArtsAuthError,
        _CREDENTIALS_HINT,
        _APIG_SIGN,
    ),
    ErrorRow(
        "APIG.0302",
        "The IAM user is not authorized to access the API.",
        errors.DataArtsAuthError,
        _PERMISSION_HINT,
        _APIG_SIGN,
    ),
    ErrorRow("APIG.0310", "The project is unavailable.", errors.DataArtsAuthError, _PROJECT_HINT, _APIG_SIGN),
    ErrorRow(
        "APIG.0101",
        "The API does not exist or has not been published in the environment.",
        errors.DataArtsApiNotEnabledError,
        "The DataArts Factory v2 rerun API is not enabled for this account (it is invitation-only): ask Huawei "
        "Cloud support to open it, or use DataArtsRestartInstanceOperator (v1 restart) instead.",
        _DLF_RETRY,
        endpoints=("factory.retry",),
    ),
    ErrorRow(
        "APIG.0101",
        "The API does not exist or has not been published in the environment.",
        errors.DataArtsNotFoundError,
        "Check the region and the endpoint overrides of the connection.",
        _APIG_SIGN,
    ),
    # --- a token of another project (the service checks it, in its own words) ---
    ErrorRow(
        "Common.0018",
        "tenantId in token is not the same with in URL.",
        errors.DataArtsAuthError,
        _PROJECT_HINT,
        _TOKEN_PROJECT,
    ),
    ErrorRow(
        "ModelArts.0210",
        "The project id in the request URL does not match the token.",
        errors.DataArtsAuthError,
        _PROJECT_HINT,
        _MODELARTS_CODES,
    ),
    # --- DataArts Factory ---
    ErrorRow(
        "DLF.0100",
        "The job does not exist.",
        errors.DataArtsNotFoundError,
        "Check job_name and the workspace.",
        _DLF_CODES,
    ),
    ErrorRow(
        "DLF.1000",
        "Failed to find the job.",
        errors.DataArtsNotFoundError,
        "Check job_name and the workspace.",
        _DLF_RETRY,
    ),
    ErrorRow(
        "DLF.0137",
        "The job instance does not exist.",
        errors.DataArtsNotFoundError,
        "Check job_name, instance_id and the workspace.",
        _DLF_CODES,
    ),
    ErrorRow(
        "DLF.30137",
        "Job instance does not exist.",
        errors.DataArtsNotFoundError,
        "Check job_name, instance_id and the workspace.",
        _DLF_RESTART,
    ),
    ErrorRow("DLF.6201", "The script does not exist.", errors.DataArtsNotFoundError, None, _DLF_CODES),
    ErrorRow(
        "DLF.0136",
        "This API can be called only for batch jobs.",
        errors.DataArtsApiError,
        "The job is a real-time job: these APIs work on batch jobs only.",
        _DLF_CODES,
    ),
    ErrorRow(
        None,
        "The instance is not in a state the restart accepts.",
        errors.DataArtsApiError,
        "Only instances that succeeded, failed or were canceled (manual-stop) can be restarted: wait for the "
        "instance to finish, for example with DataArtsJobInstanceSensor.",
        _DLF_RESTART,
        statuses=(400,),
        message=r"finished|status",
        endpoints=("dlf.restart", "factory.retry"),
    ),
    ErrorRow("DLF.6888", "Invalid account permissions.", errors.DataArtsAuthError, _PERMISSION_HINT, _DLF_CODES),
    ErrorRow(
        "DLF.3051",
        "The request parameter is invalid.",
        errors.DataArtsApiError,
        None,
        "https://docs.otc.t-systems.com/data-arts-studio/api-ref/ (viewing_a_job_list failure example)",
    ),
    # --- ModelArts (v1 visualization jobs) ---
    ErrorRow(
        "ModelArts.0105",
        "The operation is not allowed (in the job's current status).",
        errors.DataArtsApiError,
        "The visualization job's status does not allow this: a restart needs a job that is not starting or "
        "running; stop it first, or wait.",
        _MODELARTS_RESTART,
    ),
    ErrorRow(
        "ModelArts.0102",
        "The resource does not exist.",
        errors.DataArtsNotFoundError,
        "Check job_id.",
        _MODELARTS_CODES,
    ),
    ErrorRow("ModelArts.0101", "Invalid argument.", errors.DataArtsApiError, None, _MODELARTS_CODES),
    ErrorRow("ModelArts.0104", "Parameter error.", errors.DataArtsApiError, None, _MODELARTS_CODES),
    ErrorRow(
        "ModelArts.0108",
        "You are not authorized to perform the operation.",
        errors.DataArtsAuthError,
        _PERMISSION_HINT,
        _MODELARTS_CODES,
    ),
    ErrorRow(
        "ModelArts.0202",
        "Invalid token header because the token has expired.",
        errors.DataArtsTokenExpiredError,
        _TOKEN_HINT,
        _MODELARTS_CODES,
    ),
    ErrorRow("ModelArts.0203", "Invalid token.", errors.DataArtsTokenExpiredError, _TOKEN_HINT, _MODELARTS_CODES),
    ErrorRow("ModelArts.0201", "Token doesn't exist.", errors.DataArtsTokenExpiredError, _TOKEN_HINT, _MODELARTS_CODES),
    # --- by HTTP status, when no code above matched ---
    ErrorRow(
        None,
        "The v2 rerun API is not open to this account.",
        errors.DataArtsApiNotEnabledError,
        "The DataArts Factory v2 rerun API is not enabled for this account (it is invitation-only) or the user may "
        "not call it: ask Huawei Cloud support to open it, or use DataArtsRestartInstanceOperator (v1 restart).",
        _DLF_RETRY,
        statuses=(403, 404),
        endpoints=("factory.retry",),
    ),
    ErrorRow(None, "Unauthorized.", errors.DataArtsAuthError, _CREDENTIALS_HINT, "RFC 9110", statuses=(401,)),
    ErrorRow(
        None,
        "Forbidden.",
        errors.DataArtsAuthError,
        _PROJECT_HINT + " " + _PERMISSION_HINT,
        "RFC 9110",
        statuses=(403,),
    ),
    ErrorRow(
        None, "Not found.", errors.DataArtsNotFoundError, "Check the ids and the endpoint.", "RFC 9110", statuses=(404,)
    ),
    ErrorRow(
        None,
        "Server error.",
        errors.DataArtsServerError,
        None,
        "RFC 9110",
        statuses=tuple(range(500, 600)),
    ),
)

_FALLBACK = ErrorRow(None, "The service refused the call.", errors.DataArtsApiError, None, "RFC 9110")


def lookup(status: int, code: str | None, message: str, endpoint: str) -> ErrorRow:
    """The first row of :data:`ROWS` matching an error answer."""
    normalised = normalise_code(code)
    for row in ROWS:
        if row.matches(status, normalised, message, endpoint):
            return row
    return _FALLBACK
