"""The gateway's AK/SK verification: the digest's test vectors, and tampered or stale requests."""

from __future__ import annotations

import hashlib

import pytest
import requests
from multidict import CIMultiDict

from airflow_provider_dataarts.emulator import gateway

from ._helpers import V1, V2, detail_path
from ._signing import AK, SK, sdk_date, sign


def _verify(method, path, query, headers, body, sk):
    """Signature the gateway computes for these inputs, and the one the header claims."""
    lookup = CIMultiDict(headers)
    _access, signed, claimed = gateway.parse_authorization(headers["Authorization"])
    canonical = gateway.canonical_request(method, path, query, lookup.get, signed, body)
    return gateway.sign(sk, gateway.string_to_sign(canonical, lookup["X-Sdk-Date"])), claimed, signed


def test_vector_1_get_with_query():
    headers = {
        "Content-Type": "application/json",
        "workspace": "ws-1",
        "X-Sdk-Date": "20240101T000000Z",
        "X-Project-Id": "0123456789abcdef",
        "Host": "dayu-dlf.cn-north-4.myhuaweicloud.com",
    }
    signed = ["content-type", "host", "workspace", "x-project-id", "x-sdk-date"]
    canonical = gateway.canonical_request(
        "GET",
        "/v1/0123456789abcdef/jobs/instances/detail",
        "jobName=my%20job&limit=10&preciseQuery=true",
        CIMultiDict(headers).get,
        signed,
        b"",
    )
    signature = gateway.sign("SKEXAMPLE", gateway.string_to_sign(canonical, "20240101T000000Z"))
    assert signature == "c8e65c2b3d345d8f2c22d681d08be269dd1e8d4adbaa6505db7dd679c24859f9"


def test_vector_1_query_order_and_encoding_do_not_matter():
    """The same pairs sent in another order, with other (valid) escapes, canonicalise the same way."""
    assert gateway.canonical_query("preciseQuery=true&limit=10&jobName=my%20job") == (
        "jobName=my%20job&limit=10&preciseQuery=true"
    )
    assert gateway.canonical_query("jobName=my%20jo%62") == "jobName=my%20job"


def test_vector_2_post_with_body_and_security_token():
    body = b'{"rule_type": 1, "rule_id": "1440764172232392705"}'
    headers = {
        "Content-Type": "application/json;charset=UTF-8",
        "workspace": "ws-1",
        "X-Sdk-Date": "20240101T000000Z",
        "X-Security-Token": "TOKEN",
        "Host": "dayu.cn-north-4.myhuaweicloud.com",
    }
    signed = ["content-type", "host", "workspace", "x-sdk-date", "x-security-token"]
    canonical = gateway.canonical_request(
        "POST", "/v2/0123456789abcdef/quality/instances/restart", "", CIMultiDict(headers).get, signed, body
    )
    signature = gateway.sign("SKEXAMPLE", gateway.string_to_sign(canonical, "20240101T000000Z"))
    assert signature == "7c1d1b8627fe0013f1463b281855c737118303108fd1e03a75d7cfa954171f05"


def test_vector_3_hmac_step():
    to_sign = "SDK-HMAC-SHA256\n20191115T033655Z\nb25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
    assert (
        gateway.sign("MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc", to_sign)
        == "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
    )


@pytest.mark.parametrize(
    ("path", "query", "body", "content_type"),
    [
        ("/v1/p/jobs/a%20b%2Fc%25d~e%C3%A9/instances/1", [("jobName", "x y+z&=é"), ("a", "1"), ("a", "0")], b"", None),
        ("/v2/p/quality/instances/restart", [], b'{"k": "v"}', "application/json;charset=UTF-8"),
        ("/v1/p/x", [("flag", True), ("n", 5)], b"raw bytes", "application/octet-stream"),
    ],
)
def test_recomputed_signature_matches_the_sdk(path, query, body, content_type):
    """The SDK's Signer and the gateway agree on odd paths, repeated keys, unsigned payloads."""
    url, headers, payload = sign(
        "POST", "https://h.example:8443", path, query=query, body=body, date=sdk_date(), content_type=content_type
    )
    raw_query = url.split("?", 1)[1] if "?" in url else ""
    ours, claimed, _ = _verify("POST", path, raw_query, headers, payload, SK)
    assert ours == claimed


def test_unsigned_payload_uses_the_header_value():
    _, headers, _ = sign("PUT", "http://h", "/v1/p", body=b"abc", content_type="text/plain", date=sdk_date())
    assert headers["X-Sdk-Content-Sha256"] == "UNSIGNED-PAYLOAD"
    ours, claimed, _ = _verify("PUT", "/v1/p", "", headers, b"something else entirely", SK)
    assert ours == claimed  # the body is not part of an unsigned-payload signature


def _assert_refused(response: requests.Response, reason: str) -> None:
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["error_code"] == "APIG.0301"
    assert body["error_msg"].startswith("Incorrect IAM authentication information: ")
    assert reason in body["error_msg"]
    assert body["request_id"] == response.headers["X-Request-Id"]


def test_valid_signature_accepted(api):
    assert api.get(detail_path("nightly_sales", 34765)).status_code == 200


def test_wrong_secret_key_refused(api):
    _assert_refused(api.get(detail_path("nightly_sales", 34765), sk="not-the-key"), "verify aksk signature fail")


def test_unknown_access_key_refused(api):
    _assert_refused(
        api.get(detail_path("nightly_sales", 34765), ak="NOSUCHAK"), "Get secretKey failed,ak:******,err:ak not exist"
    )


def test_changed_body_refused(dataarts_emulator, admin):
    url, headers, payload = sign(
        "POST",
        dataarts_emulator.url,
        f"{V2}/quality/instances/restart",
        body={"rule_type": 1, "rule_id": "1440764172232392705"},
        headers={"workspace": "ws-default"},
    )
    tampered = payload.replace(b'"rule_type": 1', b'"rule_type": 2')
    response = requests.post(url, headers=headers, data=tampered, timeout=10)
    _assert_refused(response, "verify aksk signature fail")
    assert admin.state()["quality_jobs"][0]["scripted_runs_left"] == 2  # nothing happened


def test_changed_query_refused(dataarts_emulator):
    url, headers, _ = sign(
        "GET",
        dataarts_emulator.url,
        f"{V1}/jobs/instances/detail",
        query=[("limit", 5)],
        headers={"workspace": "ws-default"},
    )
    assert requests.get(url, headers=headers, timeout=10).status_code == 200
    _assert_refused(requests.get(url.replace("limit=5", "limit=6"), headers=headers, timeout=10), "signature fail")
    _assert_refused(requests.get(url + "&offset=0", headers=headers, timeout=10), "signature fail")


def test_changed_signed_header_refused(dataarts_emulator):
    url, headers, _ = sign(
        "GET", dataarts_emulator.url, detail_path("nightly_sales", 34765), headers={"workspace": "ws-default"}
    )
    headers["workspace"] = "ws-analytics"
    _assert_refused(requests.get(url, headers=headers, timeout=10), "verify aksk signature fail")


def test_query_with_plus_for_space_is_not_the_signed_query(dataarts_emulator):
    """The URL must carry the canonical query: ``+`` is not a space in the signature."""
    url, headers, _ = sign(
        "GET", dataarts_emulator.url, f"{V1}/jobs/instances/detail", query=[("jobName", "daily report café")]
    )
    assert "jobName=daily%20report%20caf%C3%A9" in url
    assert requests.get(url, headers=headers, timeout=10).status_code == 200
    _assert_refused(requests.get(url.replace("%20", "+"), headers=headers, timeout=10), "signature fail")


@pytest.mark.parametrize("offset", [16 * 60, -16 * 60])
def test_clock_skew_over_15_minutes_refused(api, offset):
    response = api.get(detail_path("nightly_sales", 34765), date=sdk_date(offset))
    _assert_refused(response, "calc ak sk signature fail:signature expired")


def test_clock_skew_within_15_minutes_accepted(api):
    assert api.get(detail_path("nightly_sales", 34765), date=sdk_date(14 * 60)).status_code == 200


def test_skew_is_measured_against_the_real_clock_plus_the_configured_offset(api, admin):
    admin.advance(86_400 * 30)  # the virtual clock never matters for skew
    assert api.get(detail_path("nightly_sales", 34765)).status_code == 200
    admin.config(clock_skew=16 * 60)
    _assert_refused(api.get(detail_path("nightly_sales", 34765)), "calc ak sk signature fail:signature expired")
    assert api.get(detail_path("nightly_sales", 34765), date=sdk_date(16 * 60)).status_code == 200


def test_missing_sdk_date_refused(dataarts_emulator):
    url, headers, _ = sign("GET", dataarts_emulator.url, detail_path("nightly_sales", 34765))
    del headers["X-Sdk-Date"]
    _assert_refused(requests.get(url, headers=headers, timeout=10), "X-Sdk-Date")


def test_no_credentials_refused(dataarts_emulator):
    response = requests.get(dataarts_emulator.url + detail_path("nightly_sales", 34765), timeout=10)
    _assert_refused(response, "x-auth-token not found")


def test_temporary_credential_needs_its_security_token(api):
    from ._signing import TEMP_AK, TEMP_SK, TEMP_TOKEN

    path = detail_path("nightly_sales", 34765)
    assert api.get(path, ak=TEMP_AK, sk=TEMP_SK, security_token=TEMP_TOKEN).status_code == 200
    _assert_refused(api.get(path, ak=TEMP_AK, sk=TEMP_SK, security_token="other"), "security token mismatch")
    _assert_refused(api.get(path, ak=TEMP_AK, sk=TEMP_SK), "security token mismatch")
    _assert_refused(api.get(path, security_token="stray"), "security token mismatch")


def test_require_security_token_refuses_permanent_keys(api, admin):
    from ._signing import TEMP_AK, TEMP_SK, TEMP_TOKEN

    admin.config(require_security_token=True)
    path = detail_path("nightly_sales", 34765)
    _assert_refused(api.get(path), "accepts temporary credentials only")
    assert api.get(path, ak=TEMP_AK, sk=TEMP_SK, security_token=TEMP_TOKEN).status_code == 200


def test_empty_body_hash_constant():
    assert hashlib.sha256(b"").hexdigest() == gateway.EMPTY_HASH
    assert AK and SK


def test_signed_header_missing_from_the_request_refused(dataarts_emulator):
    url, headers, _ = sign(
        "GET", dataarts_emulator.url, detail_path("nightly_sales", 34765), headers={"workspace": "ws-default"}
    )
    del headers["workspace"]
    _assert_refused(requests.get(url, headers=headers, timeout=10), "verify aksk signature fail")


def test_unsigned_extra_headers_do_not_matter(dataarts_emulator):
    url, headers, _ = sign("GET", dataarts_emulator.url, detail_path("nightly_sales", 34765))
    headers["X-Unsigned-Extra"] = "anything"
    assert requests.get(url, headers=headers, timeout=10).status_code == 200
