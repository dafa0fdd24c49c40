"""The API gateway in front of every service: AK/SK signature or token, rate limit, project, workspace.

The signature is recomputed from the request exactly as received (raw path, raw query string, the
headers named in SignedHeaders, the body bytes), the way REFERENCE.md "AK/SK signing" and the official
SDK's ``Signer`` build it. Clock skew is measured against the real clock, never the virtual one.
"""

from __future__ import annotations

import calendar
import collections
import hashlib
import hmac
import time
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from airflow_provider_dataarts.emulator.call import Call
from airflow_provider_dataarts.emulator.clock import iso_ms
from airflow_provider_dataarts.emulator.errors import (
    APIG,
    MODELARTS,
    documented,
    invalid,
    throttled,
    token_expired,
    unauthorized,
)

if TYPE_CHECKING:
    from airflow_provider_dataarts.emulator.state import EmulatorState

ALGORITHM = "SDK-HMAC-SHA256"
EMPTY_HASH = hashlib.sha256(b"").hexdigest()
MAX_SKEW = 15 * 60


@lru_cache(maxsize=8192)
def canonical_uri(raw_path: str) -> str:
    """Each segment of the percent-decoded path re-encoded (only ``~`` and unreserved kept), trailing ``/``."""
    uri = "/".join(quote(part, safe="~") for part in unquote(raw_path).split("/"))
    return uri if uri.endswith("/") else uri + "/"


@lru_cache(maxsize=8192)
def canonical_query(raw_query: str) -> str:
    """The query string's (key, value) pairs, decoded, sorted and re-encoded with ``%20`` for space."""
    if not raw_query:
        return ""
    pairs = []
    for item in raw_query.split("&"):
        if item:
            key, _, value = item.partition("=")
            pairs.append((unquote(key), unquote(value)))
    pairs.sort()
    return "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in pairs)


def canonical_request(
    method: str,
    raw_path: str,
    raw_query: str,
    header: Callable[[str], str | None],
    signed_headers: list[str],
    body: bytes,
) -> str | None:
    """The canonical request, or None when a signed header is missing from the request."""
    lines = []
    for name in signed_headers:
        value = header(name)
        if value is None:
            return None
        lines.append(f"{name}:{value.strip()}\n")
    payload = EMPTY_HASH if not body else header("x-sdk-content-sha256") or hashlib.sha256(body).hexdigest()
    return (
        f"{method.upper()}\n{canonical_uri(raw_path)}\n{canonical_query(raw_query)}\n"
        f"{''.join(lines)}\n{';'.join(signed_headers)}\n{payload}"
    )


def string_to_sign(canonical: str, sdk_date: str) -> str:
    """``SDK-HMAC-SHA256 \\n X-Sdk-Date \\n hex(sha256(canonical request))``."""
    return f"{ALGORITHM}\n{sdk_date}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"


def sign(secret_key: str, to_sign: str) -> str:
    """hex(HMAC-SHA256(SK, StringToSign)); no key derivation."""
    return hmac.new(secret_key.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


@lru_cache(maxsize=1024)
def parse_authorization(value: str) -> tuple[str, list[str], str] | None:
    """(access key, signed header names, signature) from an ``SDK-HMAC-SHA256`` Authorization header."""
    if not value.startswith(ALGORITHM + " "):
        return None
    fields = {}
    for part in value[len(ALGORITHM) + 1 :].split(","):
        key, sep, item = part.strip().partition("=")
        if sep:
            fields[key] = item
    if not {"Access", "SignedHeaders", "Signature"} <= set(fields):
        return None
    return fields["Access"], fields["SignedHeaders"].split(";"), fields["Signature"]


@lru_cache(maxsize=256)
def parse_sdk_date(value: str) -> int | None:
    """Epoch seconds of ``YYYYMMDDTHHMMSSZ``, or None when malformed."""
    if len(value) != 16 or value[8] != "T" or value[15] != "Z":
        return None
    try:
        parts = (value[0:4], value[4:6], value[6:8], value[9:11], value[11:13], value[13:15])
        return calendar.timegm((*tuple(int(p) for p in parts), 0, 0, 0))
    except ValueError:
        return None


def authenticate(st: EmulatorState, call: Call) -> None:
    """Check the call's AK/SK signature or token; sets ``call.credential``."""
    headers = call.headers
    auth = headers.get("Authorization")
    if auth:
        _check_signature(st, call, auth)
        return
    token = headers.get("X-Auth-Token")
    if token:
        issued = st.tokens.get(token)
        if issued is None:
            raise unauthorized("decrypt token fail")
        if issued.expires <= time.time():
            raise token_expired(st.config.token_expired_code, iso_ms(int(issued.expires * 1000)))
        call.credential = issued.user
        call.token = token
        return
    raise unauthorized("x-auth-token not found")


def _check_signature(st: EmulatorState, call: Call, auth: str) -> None:
    parsed = parse_authorization(auth)
    if parsed is None:
        raise unauthorized("verify aksk signature fail, the Authorization header is not an SDK-HMAC-SHA256 signature")
    access_key, signed_headers, signature = parsed
    credential = st.credentials.get(access_key)
    if credential is None:
        raise unauthorized("Get secretKey failed,ak:******,err:ak not exist")
    headers = call.headers
    sdk_date = headers.get("X-Sdk-Date")
    if not sdk_date:
        raise unauthorized("verify aksk signature fail, the X-Sdk-Date header is missing")
    moment = parse_sdk_date(sdk_date)
    if moment is None:
        raise unauthorized("verify aksk signature fail, X-Sdk-Date is not in the form YYYYMMDDTHHMMSSZ")
    if abs(time.time() + st.config.clock_skew - moment) > MAX_SKEW:
        raise unauthorized("calc ak sk signature fail:signature expired")
    canonical = canonical_request(call.method, call.raw_path, call.raw_query, headers.get, signed_headers, call.body)
    if canonical is None or not hmac.compare_digest(
        sign(credential["sk"], string_to_sign(canonical, sdk_date)), signature
    ):
        raise unauthorized("verify aksk signature fail")
    presented = headers.get("X-Security-Token")
    expected = credential["security_token"]
    if presented != expected and (presented or expected):
        raise unauthorized("verify aksk signature fail, security token mismatch")
    if st.config.require_security_token and not expected:
        raise unauthorized("verify aksk signature fail, this gateway accepts temporary credentials only")
    call.credential = access_key


class RateLimiter:
    """At most ``requests`` calls per credential in any ``window`` real seconds (sliding window)."""

    def __init__(self, requests: int, window: float) -> None:
        self.requests = requests
        self.window = window
        self._hits: dict[str, collections.deque[float]] = {}

    def check(self, credential: str) -> None:
        """Count a call, or raise 429 APIG.0308 with Retry-After when over the limit."""
        now = time.monotonic()
        hits = self._hits.setdefault(credential, collections.deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.requests:
            raise throttled(self.requests, self.window, hits[0] + self.window - now)
        hits.append(now)

    def as_json(self) -> dict[str, float]:
        """The limit as the admin API reports it."""
        return {"requests": self.requests, "window": self.window}


def check_project(st: EmulatorState, call: Call, project: str) -> None:
    """403 unless the path's project is known, ``X-Project-Id`` names the same one, and a token was
    issued for it (a token is scoped to one project; the service refuses it elsewhere)."""
    header = call.headers.get("X-Project-Id")
    if project not in st.projects or (header is not None and header != project):
        raise documented("APIG.0310", f"project {header if project in st.projects else project}", APIG)
    if call.token is not None and st.tokens[call.token].project != project:
        if call.style == MODELARTS:
            raise documented("ModelArts.0210", None, MODELARTS)
        raise documented("Common.0018", None, call.style)


def check_workspace(st: EmulatorState, call: Call, required: bool) -> None:
    """Resolve ``call.workspace`` from the header: default on v1, required on v2 and Quality."""
    workspace = call.headers.get("workspace")
    if not workspace:
        if required:
            raise invalid(call.style, "workspace", "the header is required")
        workspace = st.workspaces[0]
    elif workspace not in st.workspace_set:
        raise invalid(call.style, "workspace", f"workspace {workspace} does not exist")
    call.workspace = workspace
