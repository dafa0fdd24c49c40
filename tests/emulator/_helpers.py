"""Test helpers: a client that signs with the SDK's Signer and sends over real HTTP; default-scenario paths."""

from __future__ import annotations

from typing import Any

import requests

from ._signing import AK, PROJECT, SK, segment, sign

V1 = f"/v1/{PROJECT}"
V2 = f"/v2/{PROJECT}"


class Api:
    """Sends requests signed by the SDK's Signer (or with a token) to an emulator."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.trust_env = False

    def request(
        self,
        method: str,
        path: str,
        *,
        query: list[tuple[str, Any]] | None = None,
        body: Any = None,
        workspace: str | None = "ws-default",
        headers: dict[str, str] | None = None,
        ak: str = AK,
        sk: str = SK,
        date: str | None = None,
        security_token: str | None = None,
        token: str | None = None,
        timeout: float = 10,
    ) -> requests.Response:
        """Sign (unless ``token`` is given) and send one request."""
        extra = dict(headers or {})
        if workspace is not None:
            extra["workspace"] = workspace
        if token is not None:
            payload = (
                body
                if isinstance(body, bytes)
                else (b"" if body is None else requests.compat.json.dumps(body).encode())
            )
            url = self.base_url + path
            if query:
                url += "?" + "&".join(f"{k}={v}" for k, v in query)
            extra.setdefault("Content-Type", "application/json")
            extra["X-Auth-Token"] = token
            return self.session.request(method, url, headers=extra, data=payload, timeout=timeout)
        url, signed_headers, payload = sign(
            method,
            self.base_url,
            path,
            query=query,
            headers=extra,
            body=body,
            ak=ak,
            sk=sk,
            date=date,
            security_token=security_token,
        )
        return self.session.request(method, url, headers=signed_headers, data=payload, timeout=timeout)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        """Signed GET."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        """Signed POST."""
        return self.request("POST", path, **kwargs)


def detail_path(job: str, instance: int | str) -> str:
    """v1 instance detail path (job name encoded as one segment)."""
    return f"{V1}/jobs/{segment(job)}/instances/{instance}"
