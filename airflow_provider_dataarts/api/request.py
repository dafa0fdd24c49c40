"""The transport-free request builder: a call and its arguments in, the exact bytes to send out.

Both transports (requests in workers, aiohttp in the triggerer) send what :meth:`RequestBuilder.build`
returns and nothing else, so a request is signed in exactly one place.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from airflow_provider_dataarts import __version__
from airflow_provider_dataarts.api import signer
from airflow_provider_dataarts.api.catalogue import Endpoint, Service, Workspace
from airflow_provider_dataarts.api.settings import AUTH_AKSK, ConnectionSettings
from airflow_provider_dataarts.validation import InvalidParameterError

USER_AGENT = f"airflow-provider-dataarts/{__version__}"
JSON_BODY_TYPE = "application/json;charset=UTF-8"


@dataclasses.dataclass(frozen=True)
class Call:
    """One API call with its arguments, before endpoint resolution and signing."""

    endpoint: Endpoint
    path_params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    query: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    body: Any = None
    workspace: str | None = None


@dataclasses.dataclass(frozen=True)
class PreparedRequest:
    """What goes on the wire. ``repr`` shows the method and URL only, never headers or body."""

    call: Call
    method: str
    url: str
    path: str
    headers: dict[str, str] = dataclasses.field(repr=False)
    body: bytes | None = dataclasses.field(repr=False)


def encode_path(template: str, params: Mapping[str, Any]) -> str:
    """Fill a path template, percent-encoding every value as one segment (``/`` included). ``.`` and
    ``..`` are refused: the transports would normalise them away and reach another path."""
    for name, value in params.items():
        if value is None or str(value) in ("", ".", ".."):
            raise InvalidParameterError(name, f"{value!r} cannot be sent as a path segment")
    return template.format_map({name: quote(str(value), safe="") for name, value in params.items()})


def encode_body(body: Any) -> bytes | None:
    """JSON bytes as the SDK sends them (UTF-8, compact); ``bytes`` pass through; None is no body."""
    if body is None or isinstance(body, bytes):
        return body
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class RequestBuilder:
    """Turns :class:`Call` objects into :class:`PreparedRequest` for one connection's settings."""

    def __init__(self, settings: ConnectionSettings) -> None:
        self.settings = settings

    def workspace_for(self, call: Call) -> str | None:
        """The workspace header value: the call's, else the connection's; required where documented."""
        policy = call.endpoint.workspace
        if policy is Workspace.NONE:
            return None
        workspace = call.workspace or self.settings.workspace
        if not workspace and policy is Workspace.REQUIRED:
            raise InvalidParameterError(
                "workspace",
                f"{call.endpoint.name} requires a DataArts workspace id: set the connection extra "
                "'workspace' or the task's workspace argument",
            )
        return workspace

    def build(self, call: Call, *, token: str | None = None, date: str | None = None) -> PreparedRequest:
        """Resolve, encode and authenticate a call.

        :param token: the IAM token for ``auth_type='password'`` (the caller fetches and caches it).
        :param date: a fixed ``X-Sdk-Date`` (tests); default now.
        """
        settings = self.settings
        endpoint = call.endpoint
        params = dict(call.path_params)
        if endpoint.project_scoped:
            params.setdefault("project_id", settings.project_id)
        base = settings.endpoint(endpoint.service)
        base_parts = urlsplit(base)
        call_path = encode_path(endpoint.path, params)
        path = base_parts.path + call_path  # a base URL may carry a prefix (private gateways)
        query = {name: value for name, value in call.query.items() if value is not None}
        query_string = signer.canonical_query(query)
        url = base + call_path + (f"?{query_string}" if query_string else "")
        body = encode_body(call.body)
        headers = {
            "Content-Type": JSON_BODY_TYPE if body is not None else endpoint.bodyless_content_type,
            "User-Agent": USER_AGENT,
        }
        workspace = self.workspace_for(call)
        if workspace:
            headers["workspace"] = workspace
        credentials = settings.credentials
        if endpoint.service is Service.IAM:
            pass  # the token request carries the password in its body and no other auth
        elif credentials.auth_type == AUTH_AKSK:
            if endpoint.project_scoped:
                headers["X-Project-Id"] = settings.project_id
            if credentials.security_token:
                headers["X-Security-Token"] = credentials.security_token
            headers = signer.prepare_headers(headers, host=base_parts.netloc, date=date)
            headers["Authorization"] = signer.authorization(
                access_key=credentials.principal,
                secret_key=credentials.secret,
                method=endpoint.method,
                path=path,
                query_string=query_string,
                headers=headers,
                body=body,
            )
        else:
            if not token:
                raise ValueError("an IAM token is required for auth_type 'password'")
            headers["X-Auth-Token"] = token
        return PreparedRequest(call, endpoint.method, url, path, headers, body)
