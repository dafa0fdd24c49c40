"""Connection settings: every extra key, endpoint resolution, and clear errors for bad values."""

from __future__ import annotations

import pytest

from airflow_provider_dataarts.api.catalogue import Service
from airflow_provider_dataarts.api.settings import from_connection
from airflow_provider_dataarts.validation import InvalidParameterError

BASE = {"region": "cn-north-4", "project_id": "0123456789abcdef"}


def test_defaults_and_endpoints() -> None:
    settings = from_connection("AK", "SK", BASE)
    assert settings.credentials.auth_type == "aksk"
    assert settings.verify is True
    assert settings.endpoint(Service.DLF) == "https://dayu-dlf.cn-north-4.myhuaweicloud.com"
    assert settings.endpoint(Service.DATAARTS) == "https://dayu.cn-north-4.myhuaweicloud.com"
    assert settings.endpoint(Service.MODELARTS) == "https://modelarts.cn-north-4.myhuaweicloud.com"
    assert settings.endpoint(Service.IAM) == "https://iam.cn-north-4.myhuaweicloud.com"


def test_documented_endpoint_exceptions_and_unknown_regions() -> None:
    assert from_connection("AK", "SK", {**BASE, "region": "ap-southeast-1"}).endpoint(Service.MODELARTS) == (
        "https://modelarts.ap-southeast-1.myhuaweicloud.cn"
    )
    assert from_connection("AK", "SK", {**BASE, "region": "eu-west-101"}).endpoint(Service.IAM) == (
        "https://iam.eu-west-101.myhuaweicloud.eu"
    )
    # A region no built-in list knows needs no code change.
    assert from_connection("AK", "SK", {**BASE, "region": "xx-future-9"}).endpoint(Service.DLF) == (
        "https://dayu-dlf.xx-future-9.myhuaweicloud.com"
    )


def test_overrides_common_and_per_service() -> None:
    extra = {**BASE, "endpoint": "http://127.0.0.1:8080/", "modelarts_endpoint": "https://ma.private.example:8443"}
    settings = from_connection("AK", "SK", extra)
    assert settings.endpoint(Service.DLF) == "http://127.0.0.1:8080"
    assert settings.endpoint(Service.MODELARTS) == "https://ma.private.example:8443"


def test_older_ui_prefixed_extras_are_read() -> None:
    extra = {"extra__huaweicloud_dataarts__region": "cn-east-3", "extra__huaweicloud_dataarts__project_id": "p1"}
    assert from_connection("AK", "SK", extra).region == "cn-east-3"


def test_uri_form_strings_are_converted(tmp_path) -> None:
    settings = from_connection("AK", "SK", {**BASE, "verify": "false", "timeout": "12", "retry_limit": "2"})
    assert (settings.verify, settings.read_timeout, settings.retry_limit) == (False, 12.0, 2)
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    assert from_connection("AK", "SK", {**BASE, "verify": str(bundle)}).verify == str(bundle)


def test_password_auth_needs_domain() -> None:
    settings = from_connection("user", "pw", {**BASE, "auth_type": "password", "domain": "acme"})
    assert (settings.credentials.principal, settings.credentials.domain) == ("user", "acme")
    with pytest.raises(InvalidParameterError, match="'domain'"):
        from_connection("user", "pw", {**BASE, "auth_type": "password"})


def test_secrets_stay_out_of_repr() -> None:
    settings = from_connection("AK", "very-secret-sk", {**BASE, "security_token": "sts-secret-token"})
    assert "principal='AK'" in repr(settings)  # the credentials are shown, their secrets are not
    assert "very-secret-sk" not in repr(settings)
    assert "sts-secret-token" not in repr(settings)
    assert "very-secret-sk" not in settings.credentials.cache_key


@pytest.mark.parametrize(
    ("login", "password", "extra", "parameter"),
    [
        (None, "SK", BASE, "login (access key)"),
        ("AK", None, BASE, "password (secret key)"),
        ("AK", "SK", {"project_id": "p"}, "region"),
        ("AK", "SK", {"region": "cn-north-4"}, "project_id"),
        ("AK", "SK", {**BASE, "region": "CN North 4"}, "region"),
        ("AK", "SK", {**BASE, "auth_type": "token"}, "auth_type"),
        ("AK", "SK", {**BASE, "dlf_endpoint": "dayu-dlf.example.com"}, "dlf_endpoint"),
        ("AK", "SK", {**BASE, "endpoint": "ftp://x"}, "endpoint"),
        ("AK", "SK", {**BASE, "iam_endpoint": "https://iam.example:99999"}, "iam_endpoint"),
        ("AK", "SK", {**BASE, "timeout": "-1"}, "timeout"),
        ("AK", "SK", {**BASE, "workspace": "ws 1"}, "workspace"),
        ("AK", "SK", {**BASE, "verify": 3}, "verify"),
    ],
)
def test_bad_connection_fields_name_the_field(login, password, extra, parameter) -> None:
    with pytest.raises(InvalidParameterError) as raised:
        from_connection(login, password, extra)
    assert raised.value.parameter == parameter
    assert repr(parameter) in str(raised.value)


@pytest.mark.parametrize(
    ("login", "password", "extra", "field", "secret"),
    [
        ("AK", " padded-secret-key ", {}, "password (secret key)", "padded-secret-key"),
        ("AK", "SK", {"security_token": "\ttoken-with-a-tab"}, "security_token", "token-with-a-tab"),
        ("AK", "SK", {"endpoint": "http://user:hunter2pass@127.0.0.1:1"}, "endpoint", "hunter2pass"),
        ("AK", "SK", {"endpoint": " http://user:hunter2pass@127.0.0.1:1"}, "endpoint", "hunter2pass"),
    ],
)
def test_secrets_are_refused_without_being_echoed(login, password, extra, field, secret) -> None:
    with pytest.raises(InvalidParameterError) as raised:
        from_connection(login, password, {**BASE, **extra})
    assert raised.value.parameter == field
    assert secret not in str(raised.value)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"dlf_endpoint": "https://good.example\\@evil.example"}, "dlf_endpoint"),
        ({"endpoint": "https://good.example%2F@evil.example"}, "endpoint"),
        ({"endpoint": "https://exa mple.com"}, "endpoint"),
        ({"endpoint": "https://good.example:99999999"}, "endpoint"),
    ],
)
def test_misleading_endpoints_are_refused(extra, field) -> None:
    with pytest.raises(InvalidParameterError) as raised:
        from_connection("AK", "SK", {**BASE, **extra})
    assert raised.value.parameter == field


@pytest.mark.parametrize("verify", ["maybe", "/no/such/ca-bundle.pem", 2, "", "  "])
def test_verify_is_true_false_or_an_existing_file(verify) -> None:
    if verify == "":
        assert from_connection("AK", "SK", {**BASE, "verify": verify}).verify is True  # empty reads as unset
        return
    with pytest.raises(InvalidParameterError, match="verify"):
        from_connection("AK", "SK", {**BASE, "verify": verify})


def test_verify_accepts_an_existing_bundle(tmp_path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    assert from_connection("AK", "SK", {**BASE, "verify": str(bundle)}).verify == str(bundle)
    assert from_connection("AK", "SK", {**BASE, "verify": "FALSE"}).verify is False


@pytest.mark.parametrize("timeout", [0, "0", -1, "-1", "inf", float("inf"), "nan", float("nan"), "soon", True])
def test_timeout_must_be_a_finite_positive_number_in_every_form(timeout) -> None:
    with pytest.raises(InvalidParameterError, match="timeout"):
        from_connection("AK", "SK", {**BASE, "timeout": timeout})
