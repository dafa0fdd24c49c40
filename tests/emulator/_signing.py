"""Sign test requests with the official SDK's ``Signer`` (the oracle), never with the provider's signer.

``huaweicloudsdkcore`` writes ``~/.huaweicloud`` on import: tests/conftest.py points HOME at a scratch
folder before anything imports it.
"""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlsplit

AK = "EMULATORAK00000000000"
SK = "emulator-secret-key-0000000000000000000"
TEMP_AK = "EMULATORTEMPAK0000000"
TEMP_SK = "emulator-temporary-secret-key-00000000"
TEMP_TOKEN = "emulator-security-token"
PROJECT = "0123456789abcdef0123456789abcdef"


def segment(text: str) -> str:
    """Percent-encode one path segment the way the SDK does (nothing left as a separator)."""
    return quote(text, safe="")


def sdk_date(offset_seconds: float = 0) -> str:
    """``X-Sdk-Date`` for now (plus an offset)."""
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=offset_seconds)
    return moment.strftime("%Y%m%dT%H%M%SZ")


def sign(
    method: str,
    base_url: str,
    path: str,
    *,
    query: list[tuple[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    body: Any = None,
    ak: str = AK,
    sk: str = SK,
    date: str | None = None,
    security_token: str | None = None,
    content_type: str | None = "application/json",
) -> tuple[str, dict[str, str], bytes]:
    """(url, headers, body bytes) of a request signed by ``huaweicloudsdkcore``'s Signer.

    ``path`` is already percent-encoded per segment; the URL carries the canonical query string.
    """
    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcore.signer.signer import Signer

    split = urlsplit(base_url)
    header_params: dict[str, str] = {}
    if content_type:
        header_params["Content-Type"] = content_type
    header_params.update(headers or {})
    if date is not None:
        header_params["X-Sdk-Date"] = date
    if security_token is not None:
        header_params["X-Security-Token"] = security_token
    if isinstance(body, (dict, list)):
        payload = json.dumps(body).encode("utf-8")
    elif isinstance(body, str):
        payload = body.encode("utf-8")
    else:
        payload = body or b""
    request = SdkRequest(
        method=method,
        schema=split.scheme,
        host=split.netloc,
        resource_path=path,
        query_params=list(query or []),
        header_params=header_params,
        body=payload,
    )
    Signer(SimpleNamespace(ak=ak, sk=sk)).sign(request)
    return f"{base_url}{request.uri}", dict(request.header_params), payload
