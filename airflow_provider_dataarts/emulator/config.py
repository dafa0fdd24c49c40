"""The emulator's runtime switches: wire forms, error spellings, clock skew, token lifetime, and the
readings of what the documents leave open (list paging and order, the v2 window, rerun rows, the
run-once instance type, the job list's name match).

Each switch is declared once in :data:`CONFIG_CHECKS` with the values it accepts; scenarios
(``config:``) and the admin API (``POST /_emulator/config``) both go through :meth:`Config.update`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from airflow_provider_dataarts.emulator.scenario_checks import ScenarioError


def _one_of(*choices: Any) -> tuple[Any, str]:
    return (lambda value: value in choices), "one of " + ", ".join(json.dumps(c) for c in choices)


def _seconds() -> tuple[Any, str]:
    return (lambda value: isinstance(value, (int, float)) and not isinstance(value, bool)), "a number of seconds"


def _http_status() -> tuple[Any, str]:
    return (lambda value: isinstance(value, int) and not isinstance(value, bool) and 200 <= value <= 599), (
        "an HTTP status"
    )


def _instance_type() -> tuple[Any, str]:
    return (
        lambda value: not isinstance(value, bool) and value in (2, 0, 7)
    ), "one of 2, 0, 7 (documented instance types)"


#: every runtime switch: (check, what it must be); the admin API and scenarios refuse anything else
CONFIG_CHECKS: dict[str, tuple[Any, str]] = {
    "field_form": _one_of("docs", "sdk"),
    "error_message_field": _one_of(None, "error_msg", "error_message"),
    "modelarts_error_status": _http_status(),
    "clock_skew": _seconds(),
    "token_ttl": _seconds(),
    "require_security_token": _one_of(True, False),
    "gateway_code_spelling": _one_of("APIG", "APIGW"),
    "token_expired_code": _one_of("APIG.0307", "APIG.0301"),
    "list_offset": _one_of("page", "record"),
    "list_order": _one_of("newest_first", "oldest_first"),
    "list_window_on": _one_of("start_time", "plan_time"),
    "v2_rerun_rows": _one_of("update", "new"),
    "run_once_instance_type": _instance_type(),
    "job_list_name_match": _one_of("fuzzy", "exact"),
}


@dataclass
class Config:
    """Runtime switches (admin ``/config``): wire forms, error spellings, skew, token lifetime, and the
    readings of what the documents leave open (list paging and order, the v2 window, rerun rows)."""

    field_form: str = "docs"
    error_message_field: str | None = None
    modelarts_error_status: int = 400
    clock_skew: float = 0.0
    token_ttl: float = 86_400.0
    require_security_token: bool = False
    #: the gateway's codes as ``APIG.0301`` or ``APIGW.0301`` (both spellings are documented)
    gateway_code_spelling: str = "APIG"
    #: how an expired IAM token is refused: ``APIG.0307`` or ``APIG.0301`` "token expires" (both documented)
    token_expired_code: str = "APIG.0307"
    #: the Factory lists' ``offset``: a page number (as every page documents it) or a record offset
    list_offset: str = "page"
    #: the order of every list (none is documented)
    list_order: str = "newest_first"
    #: what the Factory lists' min/max plan time filter: the start time (the SDK's words) or the plan time
    list_window_on: str = "start_time"
    #: whether a v2 rerun updates the instance's row or adds a new row with the same plan time
    v2_rerun_rows: str = "update"
    #: the ``instanceType`` of a run-immediate instance (undocumented): 2 manual, 0 normal or 7 schedule once
    run_once_instance_type: int = 2
    #: how the job list's ``jobName`` matches (undocumented): a substring (fuzzy) or the whole name
    job_list_name_match: str = "fuzzy"

    def update(self, changes: Any) -> None:
        """Apply checked changes; raises ScenarioError (a ValueError) naming a bad key or value."""
        if not isinstance(changes, dict):
            raise ScenarioError("config must be a JSON object")
        for key, value in changes.items():
            if key not in CONFIG_CHECKS:
                raise ScenarioError(f"unknown config key {key!r}; known: {', '.join(sorted(CONFIG_CHECKS))}")
            check, expected = CONFIG_CHECKS[key]
            if not check(value):
                raise ScenarioError(f"config {key} must be {expected}, got {json.dumps(value)}")
        for key, value in changes.items():
            setattr(self, key, float(value) if key in ("clock_skew", "token_ttl") else value)

    def as_json(self) -> dict[str, Any]:
        """The switches as the admin API reports them."""
        return asdict(self)
