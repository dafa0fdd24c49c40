"""IAM: ``POST /v3/auth/tokens`` with a user name and password; the tokens the gateway accepts.

Token lifetimes are real seconds (``token_ttl``, 24 h by default), like IAM's ``expires_at``.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from airflow_provider_dataarts.emulator.call import Call
from airflow_provider_dataarts.emulator.clock import iso_ms
from airflow_provider_dataarts.emulator.errors import ApiError, iam_error

if TYPE_CHECKING:
    from airflow_provider_dataarts.emulator.state import EmulatorState


@dataclass
class Token:
    """An issued token: whose, for which project, until when (real epoch seconds)."""

    user: str
    domain: str
    project: str | None
    issued: float
    expires: float


def _id(text: str) -> str:
    """A stable 32-hex id for a name, the shape IAM ids have."""
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _bad_request(reason: str) -> ApiError:
    return iam_error(400, f"The request body is invalid: {reason}", "Bad Request")


def _path(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def mask_password(body: Any) -> Any:
    """A copy of an IAM request body for the request log, with the password replaced by ``***``."""
    user = _path(body, "auth", "identity", "password", "user")
    if not isinstance(user, dict) or "password" not in user:
        return body
    masked_user = {**user, "password": "***"}
    password = {**body["auth"]["identity"]["password"], "user": masked_user}
    identity = {**body["auth"]["identity"], "password": password}
    return {**body, "auth": {**body["auth"], "identity": identity}}


def issue_token(st: EmulatorState, call: Call) -> tuple[int, Any, dict[str, str]]:
    """Check the password body and scope, and issue a token (201, ``X-Subject-Token``)."""
    try:
        body = call.json()
    except ApiError:
        raise _bad_request("not valid JSON") from None
    methods = _path(body, "auth", "identity", "methods")
    if not isinstance(methods, list) or "password" not in methods:
        raise _bad_request("auth.identity.methods must contain 'password'")
    user = _path(body, "auth", "identity", "password", "user")
    name, password = _path(user, "name"), _path(user, "password")
    domain = _path(user, "domain", "name")
    if not all(isinstance(v, str) and v for v in (name, password, domain)):
        raise _bad_request("auth.identity.password.user needs name, password and domain.name")
    call.credential = name
    known = st.users.get((domain, name))
    if known is None or not secrets.compare_digest(known["password"].encode(), password.encode()):
        raise iam_error(401, "The username or password is wrong.", "Unauthorized")
    scope = _path(body, "auth", "scope")
    project_id, project_name = _path(scope, "project", "id"), _path(scope, "project", "name")
    if project_id is not None and project_id not in st.projects:
        raise iam_error(401, f"The project {project_id} does not exist.", "Unauthorized")
    # a token is scoped to the project asked for (by id, or the region's main project by name)
    project = project_id or (st.project_id if project_name else None)
    now = time.time()
    token = "MIIemu" + secrets.token_urlsafe(48)
    issued = Token(name, domain, project, now, now + st.config.token_ttl)
    st.tokens[token] = issued
    domain_json = {"id": _id(domain), "name": domain}
    payload: dict[str, Any] = {
        "expires_at": iso_ms(int(issued.expires * 1000)),
        "issued_at": iso_ms(int(now * 1000)),
        "methods": ["password"],
        "user": {"id": _id(f"{domain}/{name}"), "name": name, "domain": domain_json, "password_expires_at": ""},
        "roles": [{"id": "0", "name": "op_service"}],
    }
    if project is not None:
        payload["project"] = {"id": project, "name": project_name or "emulator-1", "domain": domain_json}
    elif scope is not None and _path(scope, "domain") is not None:
        payload["domain"] = domain_json
    if call.query.get("nocatalog", "").lower() != "true":
        payload["catalog"] = []
    return 201, {"token": payload}, {"X-Subject-Token": token}


def expire_all(st: EmulatorState) -> int:
    """Make every issued token expire now; returns how many there were."""
    now = time.time()
    for token in st.tokens.values():
        token.expires = min(token.expires, now)
    return len(st.tokens)
