"""Where the act-then-wait core used to live; kept so that imports from earlier releases still work.

The operator base is :mod:`airflow_provider_dataarts.operators.base`, its records are in
:mod:`airflow_provider_dataarts.operators.records`, and the "act again?" rule is
:func:`airflow_provider_dataarts.runs.base.should_act_again`. ``MAX_UNCONFIRMED_ACTIONS`` is looked up on
first use, so that importing this module at DAG-parse time stays as cheap as before.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_dataarts.operators.base import (
    CONFIRM_POLL_INTERVAL,
    DEFAULT_TIMEOUT,
    KILL_PATIENCE,
    LINK_XCOM_KEY,
    STATE_KEY,
    ActThenWaitOperator,
    DataArtsNoSnapshotError,
    seconds,
)
from airflow_provider_dataarts.operators.records import UNCONFIRMED, ActionRecord, Plan, WaitInProgress
from airflow_provider_dataarts.task_mixin import default_deferrable

__all__ = [
    "CONFIRM_POLL_INTERVAL",
    "DEFAULT_TIMEOUT",
    "KILL_PATIENCE",
    "LINK_XCOM_KEY",
    "STATE_KEY",
    "UNCONFIRMED",
    "ActThenWaitOperator",
    "ActionRecord",
    "DataArtsNoSnapshotError",
    "Plan",
    "WaitInProgress",
    "default_deferrable",
    "seconds",
]


def __getattr__(name: str) -> Any:
    if name == "MAX_UNCONFIRMED_ACTIONS":
        from airflow_provider_dataarts.runs.base import MAX_UNCONFIRMED_ACTIONS

        return MAX_UNCONFIRMED_ACTIONS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
