"""Connection settings: an Airflow connection read once, checked, and turned into plain values.

Reading is separate from the hook so the sync and the async side share it, and so bad settings fail
with a message naming the connection field before any request is sent. Secrets are kept out of
``repr``.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from airflow_provider_dataarts import validation
from airflow_provider_dataarts.api.catalogue import Service
from airflow_provider_dataarts.validation import InvalidParameterError

AUTH_AKSK = "aksk"
AUTH_PASSWORD = "password"

#: connection extra key of each service's endpoint override
ENDPOINT_KEYS: dict[Service, str] = {
    Service.DLF: "dlf_endpoint",
    Service.DATAARTS: "dataarts_endpoint",
    Service.MODELARTS: "modelarts_endpoint",
    Service.IAM: "iam_endpoint",
}
_HOST_PREFIX = {Service.DLF: "dayu-dlf", Service.DATAARTS: "dayu", Service.MODELARTS: "modelarts"}
# Documented exceptions to https://{service}.{region}.myhuaweicloud.com (REFERENCE.md).
_ENDPOINT_EXCEPTIONS = {
    (Service.MODELARTS, "ap-southeast-1"): "https://modelarts.ap-southeast-1.myhuaweicloud.cn",
    (Service.IAM, "eu-west-101"): "https://iam.eu-west-101.myhuaweicloud.eu",
}
_REGION = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_EXTRA_PREFIX = "extra__huaweicloud_dataarts__"


@dataclasses.dataclass(frozen=True)
class Credentials:
    """Who signs: an AK/SK pair (optionally temporary) or an IAM user. Secrets never reach repr."""

    auth_type: str
    principal: str  # access key, or IAM user name
    secret: str = dataclasses.field(repr=False)  # secret key, or IAM password
    security_token: str | None = dataclasses.field(default=None, repr=False)
    domain: str | None = None

    @functools.cached_property
    def cache_key(self) -> str:
        """A key that tells credentials apart without holding the secret itself (computed once)."""
        digest = hashlib.sha256(f"{self.principal}\0{self.secret}\0{self.domain}".encode()).hexdigest()
        return f"{self.auth_type}:{self.principal}:{digest[:16]}"

    def secrets(self) -> list[str]:
        return [value for value in (self.secret, self.security_token) if value]


@dataclasses.dataclass(frozen=True)
class ConnectionSettings:
    """Everything a request needs besides its own arguments."""

    credentials: Credentials
    region: str
    project_id: str
    workspace: str | None = None
    endpoint_overrides: Mapping[Service, str] = dataclasses.field(default_factory=dict)
    verify: bool | str = True
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    retry_limit: int = 4
    retry_delay: float = 1.0
    rate_limit: float | None = None

    @property
    def total_timeout(self) -> float:
        """The most one request may take, connect, headers and body together."""
        return self.connect_timeout + self.read_timeout

    def endpoint(self, service: Service) -> str:
        """The base URL (no trailing slash) of a service in this region, override first."""
        return self._endpoints[service]

    @functools.cached_property
    def _endpoints(self) -> dict[Service, str]:
        return {service: self._resolve_endpoint(service) for service in Service}

    def _resolve_endpoint(self, service: Service) -> str:
        override = self.endpoint_overrides.get(service)
        if override:
            return override
        exception = _ENDPOINT_EXCEPTIONS.get((service, self.region))
        if exception:
            return exception
        prefix = _HOST_PREFIX.get(service, service.value)
        return f"https://{prefix}.{self.region}.myhuaweicloud.com"

    def with_overrides(
        self, *, region: str | None = None, project_id: str | None = None, workspace: str | None = None
    ) -> ConnectionSettings:
        """The same settings with an operator's ``region`` / ``project_id`` / ``workspace``."""
        changes: dict[str, Any] = {}
        if region:
            changes["region"] = _region(region, "region")
        if project_id:
            changes["project_id"] = validation.token("project_id", project_id)
        if workspace:
            changes["workspace"] = validation.token("workspace", workspace)
        return dataclasses.replace(self, **changes) if changes else self


def _extra(extra: Mapping[str, Any], key: str) -> Any:
    """An extra value by its plain name, or by the ``extra__<conn_type>__`` name older UIs store."""
    value = extra.get(key)
    if value in (None, ""):
        value = extra.get(_EXTRA_PREFIX + key)
    return None if value == "" else value


def _region(value: Any, field: str) -> str:
    region = validation.text(field, value, max_length=64)
    if not _REGION.fullmatch(region):
        raise InvalidParameterError(
            field,
            f"expected a region id such as 'cn-north-4' (lowercase letters, digits, '-'), got {region!r}",
        )
    return region


#: what an endpoint's host part may hold: a name, an IPv4 address, or an IPv6 address in brackets
_AUTHORITY = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?")


def _endpoint(value: Any, field: str) -> str:
    url = validation.text(field, value, max_length=512, secret="@" in str(value)).rstrip("/")
    parts = urlsplit(url)
    if "@" in parts.netloc:  # user:password@host: the password must neither be sent nor shown
        raise InvalidParameterError(
            field, "must not carry a user name or password ('user:pass@host'); put credentials in login/password"
        )
    if not _AUTHORITY.fullmatch(parts.netloc) or any(char in url for char in "\\ \t"):
        # anything a URL parser could read differently (a backslash, spaces, odd characters) could send
        # the signed request to another host than the one checked here
        raise InvalidParameterError(
            field, f"the host part {parts.netloc[:100]!r} is not a plain host name, IP address and port"
        )
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise InvalidParameterError(
            field,
            f"expected an http(s) base URL such as 'https://dayu.cn-north-4.myhuaweicloud.com', got {url!r}",
        )
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise InvalidParameterError(field, f"has an invalid port: {url!r}") from None
    return url


def _verify(value: Any) -> bool | str:
    """true (default), false, or the path of an existing CA bundle file."""
    if value is None:
        return True
    if isinstance(value, str) and value.strip().lower() not in ("true", "false"):
        path = validation.text("verify", value, max_length=4096)
        if not os.path.isfile(path):
            raise InvalidParameterError(
                "verify", f"expected true, false or the path of a CA bundle file; no file {path!r}"
            )
        return path
    return validation.boolean("verify", value)


def _credentials(login: str | None, password: str | None, extra: Mapping[str, Any]) -> Credentials:
    auth_type = validation.choice("auth_type", _extra(extra, "auth_type") or AUTH_AKSK, (AUTH_AKSK, AUTH_PASSWORD))
    if auth_type == AUTH_AKSK:
        principal_field, secret_field = "login (access key)", "password (secret key)"
    else:
        principal_field, secret_field = "login (IAM user name)", "password (IAM password)"
    if not login:
        raise InvalidParameterError(principal_field, f"is required for auth_type {auth_type!r}")
    if not password:
        raise InvalidParameterError(secret_field, f"is required for auth_type {auth_type!r}")
    principal = validation.text(principal_field, login)
    if auth_type == AUTH_AKSK:  # an SK is never padded; an IAM password may be anything
        validation.text(secret_field, password, max_length=1024, secret=True)
    token = _extra(extra, "security_token")
    domain = _extra(extra, "domain")
    if auth_type == AUTH_PASSWORD:
        if not domain:
            raise InvalidParameterError("domain", "the IAM domain (account) name is required for auth_type 'password'")
        domain = validation.text("domain", domain)
        if token:
            raise InvalidParameterError("security_token", "only applies to auth_type 'aksk'")
    elif token is not None:
        token = validation.text("security_token", token, max_length=16384, secret=True)
    return Credentials(auth_type, principal, password, token or None, domain)


def from_connection(login: str | None, password: str | None, extra: Mapping[str, Any]) -> ConnectionSettings:
    """Check an Airflow connection's fields and return its settings.

    :raises InvalidParameterError: naming the connection field that is missing or malformed.
    """
    credentials = _credentials(login, password, extra)
    region = _extra(extra, "region")
    if not region:
        raise InvalidParameterError("region", "is required, e.g. 'cn-north-4'")
    project_id = _extra(extra, "project_id")
    if not project_id:
        raise InvalidParameterError("project_id", "is required (the project id of the region)")
    workspace = _extra(extra, "workspace")
    overrides: dict[Service, str] = {}
    common = _extra(extra, "endpoint")
    for service, key in ENDPOINT_KEYS.items():
        value = _extra(extra, key)
        if value is not None:
            overrides[service] = _endpoint(value, key)
        elif common is not None:
            overrides[service] = _endpoint(common, "endpoint")
    timeout = _extra(extra, "timeout")
    read_timeout = 60.0 if timeout is None else validation.positive_number("timeout", timeout)
    rate_limit = validation.positive_number("rate_limit", _extra(extra, "rate_limit"), allow_none=True)
    retry_limit = _extra(extra, "retry_limit")
    retry_delay = _extra(extra, "retry_delay")
    return ConnectionSettings(
        credentials=credentials,
        region=_region(region, "region"),
        project_id=validation.token("project_id", project_id),
        workspace=validation.token("workspace", workspace) if workspace else None,
        endpoint_overrides=overrides,
        verify=_verify(_extra(extra, "verify")),
        connect_timeout=min(10.0, read_timeout or 10.0),
        read_timeout=read_timeout or 60.0,
        retry_limit=4 if retry_limit is None else validation.integer("retry_limit", retry_limit, minimum=0, maximum=20),
        retry_delay=1.0 if retry_delay is None else validation.positive_number("retry_delay", retry_delay) or 1.0,
        rate_limit=rate_limit,
    )
