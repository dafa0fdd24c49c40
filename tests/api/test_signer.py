"""The signer against the official SDK's ``Signer`` (the oracle) and the digest's three vectors."""

from __future__ import annotations

import copy
import json
import random
import string

import pytest

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


def sign_with_sdk(request: dict) -> tuple[str, str]:
    """(Authorization, URI) from ``huaweicloudsdkcore.signer.Signer``."""
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcore.signer.signer import Signer

    sdk_request = SdkRequest(
        method=request["method"],
        schema="https",
        host=request["host"],
        resource_path=request["path"],
        query_params=copy.deepcopy(list(request["query"].items())),
        header_params=dict(request["headers"]),
        body=request["body"],
    )
    signed = Signer(BasicCredentials(AK, SK)).sign(sdk_request)
    return signed.header_params["Authorization"], signed.uri


def sign_with_provider(request: dict) -> tuple[str, str]:
    query_string = signer.canonical_query(copy.deepcopy(request["query"]))
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


@pytest.mark.parametrize("seed", range(6))
def test_matches_sdk_signer_on_generated_requests(seed: int) -> None:
    rng = random.Random(seed)
    for number in range(100):  # 6 seeds x 100 = 600 requests
        request = generate_request(rng)
        assert sign_with_provider(request) == sign_with_sdk(request), (seed, number, request)


def test_vector_1_get_with_query() -> None:
    query = {"jobName": "my job", "limit": 10, "preciseQuery": True}
    query_string = signer.canonical_query(query)
    headers = signer.prepare_headers(
        {
            "Content-Type": "application/json",
            "workspace": "ws-1",
            "X-Sdk-Date": "20240101T000000Z",
            "X-Project-Id": "0123456789abcdef",
        },
        host="dayu-dlf.cn-north-4.myhuaweicloud.com",
    )
    value = signer.authorization(
        access_key=AK,
        secret_key=SK,
        method="GET",
        path="/v1/0123456789abcdef/jobs/instances/detail",
        query_string=query_string,
        headers=headers,
        body=None,
    )
    assert query_string == "jobName=my%20job&limit=10&preciseQuery=true"
    assert "SignedHeaders=content-type;host;workspace;x-project-id;x-sdk-date," in value
    assert value.endswith("Signature=c8e65c2b3d345d8f2c22d681d08be269dd1e8d4adbaa6505db7dd679c24859f9")


def test_vector_2_post_with_security_token() -> None:
    headers = signer.prepare_headers(
        {
            "Content-Type": "application/json;charset=UTF-8",
            "workspace": "ws-1",
            "X-Sdk-Date": "20240101T000000Z",
            "X-Security-Token": "TOKEN",
        },
        host="dayu.cn-north-4.myhuaweicloud.com",
    )
    value = signer.authorization(
        access_key=AK,
        secret_key=SK,
        method="POST",
        path="/v2/0123456789abcdef/quality/instances/restart",
        query_string="",
        headers=headers,
        body=b'{"rule_type": 1, "rule_id": "1440764172232392705"}',
    )
    assert "SignedHeaders=content-type;host;workspace;x-sdk-date;x-security-token," in value
    assert value.endswith("Signature=7c1d1b8627fe0013f1463b281855c737118303108fd1e03a75d7cfa954171f05")


def test_vector_3_hmac_step() -> None:
    to_sign = "SDK-HMAC-SHA256\n20191115T033655Z\nb25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
    assert signer.signature("MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc", to_sign) == (
        "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
    )


def test_a_changed_byte_changes_the_signature() -> None:
    """The oracle comparison could pass vacuously if both sides ignored an input: they do not."""
    request = generate_request(random.Random(99))
    request["body"] = b'{"a":1}'
    request["headers"]["Content-Type"] = "application/json"
    original = sign_with_provider(request)[0]
    for change in ("body", "path", "query", "method"):
        altered = copy.deepcopy(request)
        if change == "body":
            altered["body"] = b'{"a":2}'
        elif change == "path":
            altered["path"] += "x"
        elif change == "query":
            altered["query"]["extra"] = "1"
        else:
            altered["method"] = "PUT" if request["method"] != "PUT" else "GET"
        assert sign_with_provider(altered)[0] != original, change
