"""The signer against the official SDK's ``Signer`` (the oracle) and the digest's three vectors."""

from __future__ import annotations

import copy
import random

import pytest

from airflow_provider_dataarts.api import signer
from tests.api.signing_cases import AK, SK, generate_request, sign_with_provider, sign_with_sdk


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
