"""What both transports share around the wire: connection settings, TLS, error mapping, tokens.

The sync hook (requests) and the async hook (aiohttp) differ only in how bytes are sent; everything
they decide - which settings, which trust store, which error class, when a token is refreshed - is
decided here.
"""

from __future__ import annotations

import functools
import os
import ssl
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit

from airflow_provider_dataarts.api import errors
from airflow_provider_dataarts.api.catalogue import Service
from airflow_provider_dataarts.api.iam import TOKENS, token_key
from airflow_provider_dataarts.api.request import PreparedRequest
from airflow_provider_dataarts.api.responses import ApiResponse, interpret
from airflow_provider_dataarts.api.settings import ENDPOINT_KEYS, ConnectionSettings, from_connection
from airflow_provider_dataarts.validation import InvalidParameterError

#: the largest answer read (the largest documented one, a page of 1,000 instances, is well under 1 MB)
MAX_BODY = 10 * 1024 * 1024


def too_large(request: PreparedRequest, size: int | None) -> errors.DataArtsError:
    """The error for an answer larger than :data:`MAX_BODY` (reading stops there)."""
    endpoint = request.call.endpoint
    told = f" ({size} bytes announced)" if size is not None else ""
    text = f"{endpoint.name}: the answer is larger than {MAX_BODY // (1024 * 1024)} MB{told}; reading stopped"
    if endpoint.idempotent:
        return errors.DataArtsResponseError(text, method=request.method, path=request.path)
    return errors.DataArtsOutcomeUnknownError(
        f"{text}, so the action may or may not have happened", method=request.method, path=request.path
    )


class AirflowConnection(Protocol):
    """What is read from an Airflow connection (``airflow.models.Connection`` on Airflow 2,
    ``airflow.sdk.Connection`` on Airflow 3); its ``extra`` is read by the caller."""

    @property
    def conn_id(self) -> str: ...

    @property
    def login(self) -> str | None: ...

    @property
    def password(self) -> str | None: ...


def announced_size(headers: Mapping[str, str]) -> int | None:
    """The ``Content-Length`` a server announced, if it is a number."""
    value = headers.get("content-length") or headers.get("Content-Length")
    return int(value) if isinstance(value, str) and value.isdigit() else None


class LimitedBody:
    """A body read in chunks by either transport, refused once it passes :data:`MAX_BODY` (or when its
    ``Content-Length`` announces more, before anything is read)."""

    def __init__(self, headers: Mapping[str, str], request: PreparedRequest) -> None:
        self.request = request
        self.announced = announced_size(headers)
        if self.announced is not None and self.announced > MAX_BODY:
            raise too_large(request, self.announced)
        self.chunks: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > MAX_BODY:
            raise too_large(self.request, self.announced)
        self.chunks.append(chunk)

    def value(self) -> bytes:
        return b"".join(self.chunks)


def settings_from(
    conn: AirflowConnection,
    extra: Mapping[str, Any],
    *,
    region: str | None = None,
    project_id: str | None = None,
    workspace: str | None = None,
) -> ConnectionSettings:
    """Read and check an Airflow connection (its ``extra`` read by the caller, the way its side can), and
    apply a task's overrides. The caller masks ``settings.credentials.secrets()``."""
    try:
        return from_connection(conn.login, conn.password, extra).with_overrides(
            region=region, project_id=project_id, workspace=workspace
        )
    except InvalidParameterError as error:
        raise errors.DataArtsConfigError(f"Connection {conn.conn_id!r}: {error}") from None


def ca_bundle(verify: bool | str) -> str | None:
    """The CA file both transports trust: the connection's, else the env's, else certifi's."""
    if isinstance(verify, str):
        return verify
    for variable in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
        if os.environ.get(variable):
            return os.environ[variable]
    try:
        import certifi
    except ImportError:  # pragma: no cover - requests depends on certifi
        return None
    return certifi.where()


def ssl_context(verify: bool | str) -> ssl.SSLContext | bool:
    """aiohttp's ``ssl=`` argument for a ``verify`` setting (False turns checks off)."""
    if verify is False:
        return False
    bundle = ca_bundle(verify)
    try:
        return ssl.create_default_context(cafile=bundle)
    except (OSError, ssl.SSLError) as error:
        raise errors.DataArtsConfigError(
            f"Cannot load the CA bundle {bundle!r} (connection extra 'verify'): {error}"
        ) from None


@functools.lru_cache(maxsize=256)
def proxy_for(base_url: str) -> str | None:
    """The proxy for an endpoint from the standard variables (``HTTPS_PROXY``, ``HTTP_PROXY``,
    ``NO_PROXY``), as requests reads them. Resolved once per endpoint: aiohttp's own ``trust_env``
    looks them up in a worker thread on every request, which costs a triggerer dearly."""
    # proxy_bypass_environment: in CPython's urllib.request since 3.0 but absent from typeshed's stubs
    from urllib.request import getproxies, proxy_bypass_environment  # type: ignore[attr-defined]

    parts = urlsplit(base_url)
    proxies = getproxies()
    if not parts.hostname or proxy_bypass_environment(parts.hostname, proxies):
        return None
    return proxies.get(parts.scheme)


def transport_error(
    request: PreparedRequest, settings: ConnectionSettings, description: str, *, sent: bool, tls: bool = False
) -> errors.DataArtsError:
    """The error for a request that got no (complete) HTTP answer."""
    endpoint = request.call.endpoint
    where = f"{endpoint.name} ({request.method} {request.url.split('?')[0]})"
    if tls:
        return errors.DataArtsConfigError(
            f"{where}: TLS verification failed: {description}",
            hint="If the endpoint uses a private CA, set the connection extra 'verify' to the CA bundle path.",
            method=request.method,
            path=request.path,
        )
    if not sent:
        override = ENDPOINT_KEYS.get(endpoint.service, "endpoint")
        return errors.DataArtsTransportError(
            f"{where}: could not connect: {description}",
            sent=False,
            hint=f"Check the region {settings.region!r} and the '{override}' override, and any proxy settings.",
            method=request.method,
            path=request.path,
        )
    if not endpoint.idempotent:
        return errors.DataArtsOutcomeUnknownError(
            f"{where}: sent, but no answer came back ({description}); the action may or may not have happened",
            method=request.method,
            path=request.path,
        )
    return errors.DataArtsTransportError(
        f"{where}: no answer ({description})", sent=True, method=request.method, path=request.path
    )


def needs_token(settings: ConnectionSettings, request_service: Service) -> bool:
    return settings.credentials.auth_type == "password" and request_service is not Service.IAM


class TokenRenewal:
    """One replacement of a refused IAM token per call: a second refusal is the call's answer."""

    def __init__(self) -> None:
        self.used = False

    def allows(self, error: errors.DataArtsError) -> bool:
        if self.used or not (isinstance(error, errors.DataArtsAuthError) and error.token_refreshable):
            return False
        self.used = True
        return True


def checked(
    response: ApiResponse,
    request: PreparedRequest,
    settings: ConnectionSettings,
    token: str | None,
    fresh: bool,
) -> ApiResponse:
    """Interpret an answer; an IAM token the service refused is dropped so the next send fetches another.

    A token refused as expired or invalid is always worth replacing (it may have expired on its way,
    or been revoked since it was fetched); any other 401 only when the token came from the cache.
    """
    try:
        return interpret(response, request)
    except errors.DataArtsAuthError as error:
        if token and (isinstance(error, errors.DataArtsTokenExpiredError) or (error.status == 401 and not fresh)):
            TOKENS.invalidate(token_key(settings), token)
            error.token_refreshable = True
        raise
