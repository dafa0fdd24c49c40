"""AK/SK request signing (``SDK-HMAC-SHA256``), byte-identical to the official SDK's ``Signer``.

Pure functions, no I/O, no Airflow: the request builder calls :func:`prepare_headers` and
:func:`authorization` for the sync and the async transport alike. The canonical forms mirror
``huaweicloudsdkcore.signer.Signer`` exactly, quirks included (see the notes on :func:`canonical_uri`
and :func:`canonical_query`), because the gateway recomputes the signature the same way and any
difference is a 401.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Iterable, Mapping
from urllib.parse import unquote

ALGORITHM = "SDK-HMAC-SHA256"
HEADER_DATE = "X-Sdk-Date"
HEADER_CONTENT_SHA256 = "X-Sdk-Content-Sha256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"

QueryScalar = str | int | float | bool
QueryValue = QueryScalar | list[QueryScalar]
QueryParams = Mapping[str, QueryValue] | Iterable[tuple[str, QueryValue]]

# Characters ``quote(s, safe="~")`` leaves alone: a string made only of them needs no quoting.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.\-~]*")
_UNRESERVED_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")
# Each UTF-8 byte as it appears once encoded: itself if unreserved, else %XX (upper-case hex).
_BYTE_TEXT = [chr(byte) if byte in _UNRESERVED_BYTES else f"%{byte:02X}" for byte in range(256)]


def percent_encode(text: str) -> str:
    """Encode exactly like the SDK's ``quote(s, safe='~')``: only unreserved characters stay as they are."""
    if _UNRESERVED.fullmatch(text):
        return text
    return "".join([_BYTE_TEXT[byte] for byte in text.encode("utf-8")])


def canonical_uri(path: str) -> str:
    """The canonical URI of a request path as sent (already percent-encoded).

    The SDK decodes the whole path before splitting it on ``/``, so an encoded ``/`` inside a job name
    becomes a segment boundary here; the gateway does the same. A trailing ``/`` is always present.
    """
    if "%" not in path:  # nothing to decode: each segment is encoded as it stands
        uri = path if _UNRESERVED.fullmatch(path.replace("/", "")) else "/".join(map(percent_encode, path.split("/")))
        return uri if uri.endswith("/") else uri + "/"
    uri = "/".join([percent_encode(part) for part in unquote(path).split("/")])
    return uri if uri.endswith("/") else uri + "/"


def _query_pairs(params: QueryParams) -> list[tuple[str, QueryValue]]:
    items = params.items() if isinstance(params, Mapping) else params
    return sorted(items)


def canonical_query(params: QueryParams) -> str:
    """The canonical query string, which is also the exact query string the request must carry.

    Pairs are sorted by key, then by raw value (as the SDK does, before encoding); a list value is
    sorted and repeated. A top-level boolean becomes ``true``/``false``; a boolean *inside* a list is
    rendered with ``str()`` (``True``) - an SDK quirk kept for byte-identical signatures.
    """
    parts: list[str] = []
    for key, value in _query_pairs(params):
        name = percent_encode(key)
        if isinstance(value, list):
            parts.extend(f"{name}={percent_encode(str(item))}" for item in sorted(value))
        elif isinstance(value, bool):
            parts.append(f"{name}={'true' if value else 'false'}")
        else:
            parts.append(f"{name}={percent_encode(str(value))}")
    return "&".join(parts)


def sdk_date(epoch: float | None = None) -> str:
    """``X-Sdk-Date`` for a moment (default: now), e.g. ``20240101T000000Z``."""
    return time.strftime(DATE_FORMAT, time.gmtime(time.time() if epoch is None else epoch))


def prepare_headers(headers: dict[str, str], *, host: str, date: str | None = None) -> dict[str, str]:
    """Add what the SDK adds before signing: the payload-hash marker, ``X-Sdk-Date`` and ``Host``.

    Returns a new dict; header names keep the caller's spelling.
    """
    prepared = dict(headers)
    lowered = {name.lower(): name for name in prepared}
    content_type = prepared.get(lowered["content-type"]) if "content-type" in lowered else None
    if content_type and not content_type.startswith(("application/json", "application/bson")):
        prepared[HEADER_CONTENT_SHA256] = UNSIGNED_PAYLOAD
    if "x-sdk-date" not in lowered:
        prepared[HEADER_DATE] = date or sdk_date()
    if "host" not in lowered:
        prepared["Host"] = host
    return prepared


def string_to_sign(
    method: str, path: str, query_string: str, headers: Mapping[str, str], body: bytes | None
) -> tuple[str, str]:
    """Return ``(signed header names joined by ';', string to sign)`` for fully prepared headers."""
    canonical_headers: dict[str, str] = {}
    date = ""
    payload_marker = None
    for name, value in headers.items():
        lowered = name.lower()
        stripped = str(value).strip()
        canonical_headers[lowered] = stripped
        if lowered == "x-sdk-date":
            date = stripped
        elif lowered == "x-sdk-content-sha256":
            payload_marker = stripped
    signed = sorted(name for name in canonical_headers if "_" not in name)
    # The SDK checks "_" on the original names; lowercasing never adds or removes one.
    if not body:
        payload_hash = EMPTY_SHA256
    elif payload_marker:
        payload_hash = payload_marker
    else:
        payload_hash = hashlib.sha256(body).hexdigest()
    header_block = "".join(f"{name}:{canonical_headers[name]}\n" for name in signed)
    signed_names = ";".join(signed)
    canonical_request = (
        f"{method.upper()}\n{canonical_uri(path)}\n{query_string}\n{header_block}\n{signed_names}\n{payload_hash}"
    )
    digest = hashlib.sha256(canonical_request.encode("utf-8")).hexdigest()
    return signed_names, f"{ALGORITHM}\n{date}\n{digest}"


def signature(secret_key: str, to_sign: str) -> str:
    """Hex HMAC-SHA256 of the string to sign with the secret key (no key derivation)."""
    return hmac.digest(secret_key.encode("utf-8"), to_sign.encode("utf-8"), "sha256").hex()


def authorization(
    *,
    access_key: str,
    secret_key: str,
    method: str,
    path: str,
    query_string: str,
    headers: Mapping[str, str],
    body: bytes | None,
) -> str:
    """The ``Authorization`` header value for a request whose headers are already prepared."""
    signed_names, to_sign = string_to_sign(method, path, query_string, headers, body)
    return f"{ALGORITHM} Access={access_key}, SignedHeaders={signed_names}, Signature={signature(secret_key, to_sign)}"
