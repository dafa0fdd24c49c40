"""EmulatorAdmin: the admin API over HTTP, for an emulator in this process or another one."""

from __future__ import annotations

import pathlib
from typing import Any

import requests


class EmulatorAdminError(RuntimeError):
    """The admin API refused a call (the message is the emulator's)."""


class EmulatorAdmin:
    """Thin client of ``/_emulator/``; every method returns the decoded JSON answer."""

    def __init__(self, url: str, verify: bool | str = True, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._session = requests.Session()
        self._session.verify = verify
        self._session.trust_env = False

    def _call(self, method: str, name: str, body: Any = None, params: dict[str, Any] | None = None) -> Any:
        response = self._session.request(
            method,
            f"{self.url}/_emulator/{name}",
            json=body,
            params=params,
            timeout=self.timeout,
        )
        data = response.json() if response.content else None
        if response.status_code >= 400:
            message = data.get("error") if isinstance(data, dict) else response.text
            raise EmulatorAdminError(f"{method} /_emulator/{name}: {response.status_code} {message}")
        return data

    def close(self) -> None:
        """Release the HTTP connection pool."""
        self._session.close()

    # scenario and state
    def reset(self, scenario: dict[str, Any] | str | pathlib.Path | None = None) -> Any:
        """Back to the loaded scenario, or load ``scenario`` (a dict, or a JSON/YAML file read here)."""
        if isinstance(scenario, (str, pathlib.Path)):
            from airflow_provider_dataarts.emulator.scenario import read_source

            scenario = read_source(scenario)
        return self._call("POST", "reset", scenario)

    def state(self) -> dict[str, Any]:
        """The whole state (jobs, instances, quality, visualization, clock)."""
        return self._call("GET", "state")

    # virtual clock
    def clock(self) -> dict[str, Any]:
        """``{"now": ms, "iso": ..., "speed": x}``."""
        return self._call("GET", "clock")

    def advance(self, seconds: float) -> dict[str, Any]:
        """Move the virtual clock forward."""
        return self._call("POST", "clock", {"advance": seconds})

    def set_speed(self, speed: float) -> dict[str, Any]:
        """Change the clock speed (0 freezes it)."""
        return self._call("POST", "clock", {"speed": speed})

    def set_time(self, when: int | str) -> dict[str, Any]:
        """Jump the virtual clock to epoch ms or an ISO-8601 time."""
        return self._call("POST", "clock", {"set": when})

    # faults, chaos, rate limit
    def add_fault(
        self, kind: str, path: str | None = None, method: str | None = None, count: int = 1, **options: Any
    ) -> Any:
        """Inject a fault into the next ``count`` matching service calls (see docs/emulator.md)."""
        spec = {"kind": kind, "path": path, "method": method, "count": count, **options}
        return self._call("POST", "faults", spec)

    def faults(self) -> list[dict[str, Any]]:
        """The faults still pending."""
        return self._call("GET", "faults")["faults"]

    def clear_faults(self) -> Any:
        """Remove every pending fault."""
        return self._call("DELETE", "faults")

    def chaos(
        self,
        seed: int | None = None,
        probability: float = 0.2,
        kinds: list[str] | None = None,
        path: str | None = None,
        **options: Any,
    ) -> Any:
        """Random faults on a share of matching calls, reproducible with ``seed``."""
        spec: dict[str, Any] = {"seed": seed, "probability": probability, **options}
        if kinds is not None:
            spec["kinds"] = kinds
        if path is not None:
            spec["path"] = path
        return self._call("POST", "chaos", spec)

    def clear_chaos(self) -> Any:
        """Stop injecting random faults."""
        return self._call("DELETE", "chaos")

    def rate_limit(self, requests: int, window: float = 10) -> Any:
        """At most ``requests`` calls per credential per ``window`` seconds."""
        return self._call("POST", "rate-limit", {"requests": requests, "window": window})

    def clear_rate_limit(self) -> Any:
        """No rate limit."""
        return self._call("DELETE", "rate-limit")

    # switches and tokens
    def config(self, **changes: Any) -> dict[str, Any]:
        """Change switches (``field_form``, ``error_message_field``, ...); returns them all."""
        return self._call("POST", "config", changes)

    def expire_tokens(self) -> Any:
        """Every issued IAM token expires now."""
        return self._call("POST", "tokens/expire")

    # request log
    def requests(self, since: int = 0) -> list[dict[str, Any]]:
        """Logged service calls with ``seq`` > ``since``, oldest first."""
        return self._call("GET", "requests", params={"since": since})["requests"]

    def clear_requests(self) -> Any:
        """Empty the request log."""
        return self._call("DELETE", "requests")
