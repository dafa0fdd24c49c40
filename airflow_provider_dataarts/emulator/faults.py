"""Injected faults: explicit ones (the next N matching calls) and chaos (random, reproducible by seed).

A fault matches a service call by path (a prefix of the raw path, or a regex when it starts with
``^``) and optionally method. Kinds: ``throttle``, ``status``, ``delay``, ``drop_before``,
``drop_after``, ``token_expiry``, ``rewrite``: the call is served (an action takes effect), then
its answer is replaced by the fault's status, headers and body (a lost or garbled answer), and ``hold``:
the call is served and logged, then its answer held back for ``seconds`` (a window in which the caller
has acted but cannot know it yet: where a deployment test kills the caller).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

KINDS = ("throttle", "status", "delay", "drop_before", "drop_after", "token_expiry", "rewrite", "hold")
CHAOS_KINDS = ("throttle", "status", "delay", "drop_before", "drop_after")


class FaultError(ValueError):
    """A fault or chaos specification the admin API refuses."""


def _matcher(path: Any) -> tuple[str, re.Pattern[str] | None]:
    if path is None:
        return "", None
    if not isinstance(path, str):
        raise FaultError("path must be a string (a prefix, or a regex starting with ^)")
    if path.startswith("^"):
        try:
            return path, re.compile(path)
        except re.error as error:
            raise FaultError(f"path: invalid regex: {error}") from None
    return path, None


def _number(spec: dict[str, Any], key: str, default: float | None) -> float | None:
    value = spec.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise FaultError(f"{key} must be a number >= 0")
    return value


@dataclass
class Fault:
    """One injected fault and how many more calls it applies to."""

    kind: str
    path: str = ""
    pattern: re.Pattern[str] | None = None
    method: str | None = None
    count: int = 1
    retry_after: float | None = None
    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 1.0
    id: int = 0

    @classmethod
    def parse(cls, spec: Any, fault_id: int = 0) -> Fault:
        """Build a fault from the admin API's JSON, checking every field."""
        if not isinstance(spec, dict):
            raise FaultError("a fault must be a JSON object")
        allowed = {"kind", "path", "method", "count", "retry_after", "status", "body", "headers", "seconds"}
        unknown = set(spec) - allowed
        if unknown:
            raise FaultError(f"unknown fault field(s): {', '.join(sorted(unknown))}")
        kind = spec.get("kind")
        if kind not in KINDS:
            raise FaultError(f"kind must be one of {', '.join(KINDS)}")
        path, pattern = _matcher(spec.get("path"))
        method = spec.get("method")
        if method is not None and not isinstance(method, str):
            raise FaultError("method must be a string or null")
        count = spec.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise FaultError("count must be an integer >= 1")
        status = spec.get("status", {"status": 500, "rewrite": 200}.get(kind, 429))
        if kind in ("status", "rewrite") and (
            isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599
        ):
            raise FaultError("status must be an HTTP status code")
        headers = spec.get("headers") or {}
        if not isinstance(headers, dict) or not all(isinstance(v, (str, int, float)) for v in headers.values()):
            raise FaultError("headers must map names to values")
        return cls(
            kind=kind,
            path=path,
            pattern=pattern,
            method=method.upper() if method else None,
            count=count,
            retry_after=_number(spec, "retry_after", None),
            status=status,
            body=spec.get("body"),
            headers={str(k): str(v) for k, v in headers.items()},
            seconds=_number(spec, "seconds", 1.0) or 0.0,
            id=fault_id,
        )

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to a call."""
        if self.method is not None and self.method != method:
            return False
        if self.pattern is not None:
            return self.pattern.search(path) is not None
        return path.startswith(self.path)

    def as_json(self) -> dict[str, Any]:
        """The fault as the admin API lists it."""
        data = {"id": self.id, "kind": self.kind, "path": self.path or None, "method": self.method}
        data["count"] = self.count
        if self.kind == "throttle":
            data["retry_after"] = self.retry_after
        elif self.kind in ("status", "rewrite"):
            data.update(status=self.status, body=self.body, headers=self.headers)
        elif self.kind == "delay":
            data["seconds"] = self.seconds
        return data


class Chaos:
    """Random faults on a share of matching calls, drawn from a seeded generator (reproducible)."""

    def __init__(self, spec: Any) -> None:
        if not isinstance(spec, dict):
            raise FaultError("chaos must be a JSON object")
        allowed = {"seed", "probability", "kinds", "path", "method", "retry_after", "status", "body", "seconds"}
        unknown = set(spec) - allowed
        if unknown:
            raise FaultError(f"unknown chaos field(s): {', '.join(sorted(unknown))}")
        probability = spec.get("probability", 0.2)
        if isinstance(probability, bool) or not isinstance(probability, (int, float)) or not 0 <= probability <= 1:
            raise FaultError("probability must be between 0 and 1")
        kinds = spec.get("kinds") or list(CHAOS_KINDS)
        if not isinstance(kinds, list) or not all(k in KINDS for k in kinds):
            raise FaultError(f"kinds must be a list of {', '.join(KINDS)}")
        self.seed = spec.get("seed")
        self.probability = float(probability)
        self.kinds = list(kinds)
        self.spec = dict(spec)
        self.template = {
            k: spec[k] for k in ("path", "method", "retry_after", "status", "body", "seconds") if k in spec
        }
        self.template.setdefault("retry_after", 1)
        self.template.setdefault("seconds", 0.2)
        self.template.setdefault("status", 503)
        if "body" not in self.template:
            self.template["body"] = {"error_code": "APIG.0202", "error_msg": "Backend unavailable."}
        self._probe = Fault.parse({"kind": "throttle", "path": spec.get("path"), "method": spec.get("method")})
        self._rng = random.Random(self.seed)
        self.injected = 0

    def draw(self, method: str, path: str) -> Fault | None:
        """A fault for this call, or None; consumes random numbers only for matching calls."""
        if not self._probe.matches(method, path):
            return None
        if self._rng.random() >= self.probability:
            return None
        kind = self._rng.choice(self.kinds)
        self.injected += 1
        if kind != "status":
            return Fault.parse(
                {"kind": kind, **{k: v for k, v in self.template.items() if k != "body" and k != "status"}}
            )
        return Fault.parse({"kind": kind, **self.template})

    def as_json(self) -> dict[str, Any]:
        """The chaos settings and how many faults they have injected so far."""
        return {**self.spec, "probability": self.probability, "kinds": self.kinds, "injected": self.injected}


class FaultBox:
    """The active explicit faults (first added, first used) and the chaos setting."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self.chaos: Chaos | None = None
        self._next_id = 1

    @property
    def active(self) -> bool:
        """Cheap check for the hot path: is anything configured at all?"""
        return bool(self.faults) or self.chaos is not None

    def add(self, spec: Any) -> Fault:
        """Add a fault from its JSON specification."""
        fault = Fault.parse(spec, self._next_id)
        self._next_id += 1
        self.faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """The fault for this call (an explicit one first, else maybe a chaos one); counts it as used."""
        for fault in self.faults:
            if fault.matches(method, path):
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
                return fault
        if self.chaos is not None:
            return self.chaos.draw(method, path)
        return None

    def clear(self) -> None:
        """Remove every explicit fault (chaos stays)."""
        self.faults.clear()
