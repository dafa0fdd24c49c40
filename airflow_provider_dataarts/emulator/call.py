"""One service call as the handlers see it, plus the body and query checks they share.

Everything is parsed lazily: a status read (the hot path) never parses a body or a query it does
not use.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from multidict import CIMultiDictProxy

from airflow_provider_dataarts.emulator.errors import ApiError, invalid

_MISSING = object()
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def encode(payload: Any) -> bytes:
    """Compact UTF-8 JSON (non-ASCII job names stay readable); handlers may return it pre-encoded."""
    return _dumps(payload).encode("utf-8")


class Call:
    """A parsed request: method, raw and decoded path, route parameters, headers, body bytes."""

    __slots__ = (
        "_json",
        "_query",
        "body",
        "credential",
        "headers",
        "method",
        "params",
        "raw_path",
        "raw_query",
        "request_id",
        "route",
        "style",
        "token",
        "workspace",
    )

    def __init__(
        self,
        method: str,
        raw_path: str,
        raw_query: str,
        headers: CIMultiDictProxy[str],
        body: bytes,
        request_id: str,
    ) -> None:
        self.method = method
        self.raw_path = raw_path
        self.raw_query = raw_query
        self.headers = headers
        self.body = body
        self.request_id = request_id
        self.params: tuple[str, ...] = ()
        self.route: Any = None
        self.style = "dlf"
        self.workspace: str | None = None
        self.credential: str | None = None
        self.token: str | None = None
        self._json: Any = _MISSING
        self._query: dict[str, str] | None = None

    def json(self) -> Any:
        """The body as JSON (None when empty); a bad body is a 400 in the service's style."""
        if self._json is _MISSING:
            if not self.body.strip():
                self._json = None
            else:
                try:
                    self._json = json.loads(self.body)
                except (ValueError, UnicodeDecodeError):
                    self._json = _MISSING
                    raise invalid(self.style, "body", "the request body is not valid JSON") from None
        return self._json

    def json_or_none(self) -> Any:
        """The parsed body for the request log: None when absent or not JSON."""
        try:
            return self.json()
        except ApiError:
            return None

    def object_body(self, required: bool) -> dict[str, Any]:
        """The body as a JSON object; ``{}`` when absent and not required."""
        data = self.json()
        if data is None:
            if required:
                raise invalid(self.style, "body", "a JSON request body is required")
            return {}
        if not isinstance(data, dict):
            raise invalid(self.style, "body", "must be a JSON object")
        return data

    @property
    def query(self) -> dict[str, str]:
        """Query parameters (last value wins), percent-decoded."""
        if self._query is None:
            self._query = dict(parse_qsl(self.raw_query, keep_blank_values=True)) if self.raw_query else {}
        return self._query

    def int_param(self, name: str, default: int | None, low: int | None = None, high: int | None = None) -> int | None:
        """An integer query parameter within ``[low, high]``."""
        text = self.query.get(name)
        if text is None or text == "":
            return default
        try:
            value = int(text)
        except ValueError:
            raise invalid(self.style, name, f"{text!r} is not an integer") from None
        if (low is not None and value < low) or (high is not None and value > high):
            raise invalid(self.style, name, f"{value} is out of range [{low}, {high}]")
        return value

    def bool_param(self, name: str) -> bool | None:
        """A ``true``/``false`` query parameter."""
        text = self.query.get(name)
        if text is None or text == "":
            return None
        if text.lower() not in ("true", "false"):
            raise invalid(self.style, name, f"{text!r} is not true or false")
        return text.lower() == "true"

    def enum_param(self, name: str, choices: tuple[str, ...]) -> str | None:
        """A query parameter restricted to ``choices``."""
        text = self.query.get(name)
        if text is None or text == "":
            return None
        if text not in choices:
            raise invalid(self.style, name, f"{text!r} is not one of {', '.join(choices)}")
        return text


def field(body: dict[str, Any], name: str, kind: type | tuple[type, ...], style: str, required: bool = False) -> Any:
    """A body field of the given JSON type (bool is never an int), or None when absent."""
    value = body.get(name)
    if value is None:
        if required:
            raise invalid(style, name, "is required")
        return None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        raise invalid(style, name, f"expected {_kind_names(kinds)}, got {json.dumps(value)}")
    if not isinstance(value, kinds):
        raise invalid(style, name, f"expected {_kind_names(kinds)}, got {json.dumps(value)}")
    return value


def enum_field(body: dict[str, Any], name: str, choices: tuple[str, ...], style: str, required: bool = False) -> Any:
    """A string body field restricted to ``choices``."""
    value = field(body, name, str, style, required)
    if value is not None and value not in choices:
        raise invalid(style, name, f"{value!r} is not one of {', '.join(choices)}")
    return value


def _kind_names(kinds: tuple[type, ...]) -> str:
    names = {bool: "a boolean", int: "an integer", str: "a string", list: "a list", dict: "an object"}
    return " or ".join(names.get(k, k.__name__) for k in kinds)
