"""Generated signing cases and the two signers under comparison: the provider's and the SDK's.

Shared by the oracle test (``test_signer.py``) and the signing benchmark (``benchmarks/signing.py``).
"""

from __future__ import annotations

import copy
import json
import random
import string

from airflow_provider_dataarts.api import signer

AK, SK = "AKEXAMPLE", "SKEXAMPLE"
SEGMENT_PIECES = [
    *string.ascii_letters,
    *string.digits,
    " ",
    "/",
    "%",
    "~",
    "-",
    "_",
    ".",
    "+",
    "&",
    "=",
    "?",
    "#",
    ":",
    "@",
    "!",
    "*",
    "(",
    ")",
    "'",
    ",",
    ";",
    "$",
    "中文",
    "é",
    "ü",
    "ß",
    "😀",
    "作业",
]
HEADER_NAMES = [
    "workspace",
    "X-Project-Id",
    "X_Custom_Underscore",
    "x-custom",
    "User-Agent",
    "X-Language",
    "under_score",
    "X-Request-Tag",
]
CONTENT_TYPES = [
    None,
    "application/json",
    "application/json;charset=UTF-8",
    "application/octet-stream",
    "text/plain",
    "application/bson",
    "multipart/form-data",
]


def _text(rng: random.Random, low: int = 1, high: int = 12) -> str:
    return "".join(rng.choice(SEGMENT_PIECES) for _ in range(rng.randint(low, high)))


def _query_value(rng: random.Random) -> object:
    kind = rng.choice(["str", "int", "bool", "list_str", "list_int", "list_bool", "empty"])
    if kind == "str":
        return _text(rng)
    if kind == "int":
        return rng.randint(-5, 10**13)
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "list_str":
        return [_text(rng, 0, 6) for _ in range(rng.randint(1, 4))]
    if kind == "list_int":
        return [rng.randint(0, 1000) for _ in range(rng.randint(1, 4))]
    if kind == "list_bool":
        return [rng.random() < 0.5 for _ in range(rng.randint(1, 3))]
    return ""


def generate_request(rng: random.Random) -> dict:
    """A random request: path, query, headers and body varied on every axis the signer touches."""
    from urllib.parse import quote

    segments = ["v1", "0123456789abcdef"] + [quote(_text(rng), safe="") for _ in range(rng.randint(0, 4))]
    path = "/" + "/".join(segments) + ("/" if rng.random() < 0.1 else "")
    query = {_text(rng, 1, 6): _query_value(rng) for _ in range(rng.randint(0, 5))}
    headers = {
        name: rng.choice(["ws-1", " padded value ", "值", "a_b", "x" * 40])
        for name in rng.sample(HEADER_NAMES, rng.randint(0, 4))
    }
    content_type = rng.choice(CONTENT_TYPES)
    if content_type:
        headers["Content-Type"] = content_type
    body_kind = rng.choice(["empty", "json", "binary"])
    if body_kind == "json":
        body = json.dumps({"rule_id": _text(rng), "n": rng.randint(0, 99)}, ensure_ascii=rng.random() < 0.5).encode()
    elif body_kind == "binary":
        body = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    else:
        body = b""
    if rng.random() < 0.5:
        headers["X-Security-Token"] = "token-" + "".join(rng.choices(string.ascii_letters, k=30))
    date = f"20{rng.randint(20, 30)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}0000Z"
    headers["X-Sdk-Date"] = date
    host = rng.choice(["dayu.cn-north-4.myhuaweicloud.com", "127.0.0.1:8080", "[::1]:9443", "dayu-dlf.eu-west-101.x"])
    return {
        "method": rng.choice(["GET", "POST", "PUT", "DELETE", "PATCH"]),
        "host": host,
        "path": path,
        "query": query,
        "headers": headers,
        "body": body,
    }


def sign_with_sdk(request: dict, copy_query: bool = True) -> tuple[str, str]:
    """(Authorization, URI) from ``huaweicloudsdkcore.signer.Signer``.

    The SDK sorts query lists in place: ``copy_query`` protects shared inputs (a benchmark copies
    them before timing instead).
    """
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcore.signer.signer import Signer

    sdk_request = SdkRequest(
        method=request["method"],
        schema="https",
        host=request["host"],
        resource_path=request["path"],
        query_params=copy.deepcopy(list(request["query"].items())) if copy_query else list(request["query"].items()),
        header_params=dict(request["headers"]),
        body=request["body"],
    )
    signed = Signer(BasicCredentials(AK, SK)).sign(sdk_request)
    return signed.header_params["Authorization"], signed.uri


def sign_with_provider(request: dict) -> tuple[str, str]:
    query_string = signer.canonical_query(request["query"])
    headers = signer.prepare_headers(request["headers"], host=request["host"])
    authorization = signer.authorization(
        access_key=AK,
        secret_key=SK,
        method=request["method"],
        path=request["path"],
        query_string=query_string,
        headers=headers,
        body=request["body"],
    )
    return authorization, request["path"] + (f"?{query_string}" if query_string else "")
