"""The route table: which operation a method and raw path name, and how the gateway treats it.

Paths are matched on the raw request path split on ``/``, each segment then percent-decoded, so an
encoded ``/`` (``%2F``) stays inside a job name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from airflow_provider_dataarts.emulator import factory, factory_v2, iam, modelarts, quality
from airflow_provider_dataarts.emulator.errors import DLF, DQC, MODELARTS


@dataclass(frozen=True)
class Route:
    """An operation: its log name, handler, error style and workspace policy."""

    name: str
    handler: Callable[..., tuple[Any, ...]]
    style: str
    workspace: str | None  # "optional" (v1), "required" (v2, Quality) or None (no DataArts workspace)
    auth: bool = True


IAM_TOKEN = Route("iam.token", iam.issue_token, "raw", None, auth=False)
DLF_LIST = Route("dlf.list", factory.list_instances, DLF, "optional")
DLF_SHOW = Route("dlf.show", factory.show, DLF, "optional")
DLF_RESTART = Route("dlf.restart", factory.restart, DLF, "optional")
DLF_STOP = Route("dlf.stop", factory.stop, DLF, "optional")
FACTORY_RETRY = Route("factory.retry", factory_v2.retry, DLF, "required")
FACTORY_LIST = Route("factory.list", factory_v2.list_instances, DLF, "required")
QUALITY_RERUN = Route("quality.rerun", quality.rerun, DQC, "required")
QUALITY_LIST = Route("quality.list", quality.list_instances, DQC, "required")
QUALITY_RESULT = Route("quality.result", quality.results, DQC, "required")
MA_LIST = Route("modelarts.list", modelarts.list_jobs, MODELARTS, None)
MA_SHOW = Route("modelarts.show", modelarts.show, MODELARTS, None)
MA_RESTART = Route("modelarts.restart", modelarts.restart, MODELARTS, None)
MA_STOP = Route("modelarts.stop", modelarts.stop, MODELARTS, None)


def split_path(raw_path: str) -> list[str]:
    """Raw path segments, each percent-decoded on its own."""
    return [unquote(s) if "%" in s else s for s in raw_path.split("/")]


def match(method: str, s: list[str]) -> tuple[Route, tuple[str, ...]] | None:
    """(route, path parameters) for a method and decoded segments, or None (404 APIG.0101)."""
    n = len(s)
    if n < 4 or s[0]:
        return None
    version, section = s[1], s[3]
    if version == "v1":
        if section == "jobs":
            if n == 6 and s[4] == "instances" and s[5] == "detail":
                return (DLF_LIST, ()) if method == "GET" else None
            if n == 7 and s[5] == "instances":
                return (DLF_SHOW, (s[4], s[6])) if method == "GET" else None
            if n == 8 and s[5] == "instances" and method == "POST":
                if s[7] == "restart":
                    return DLF_RESTART, (s[4], s[6])
                if s[7] == "stop":
                    return DLF_STOP, (s[4], s[6])
            return None
        if section == "visualization-jobs":
            if n == 4:
                return (MA_LIST, ()) if method == "GET" else None
            if n == 5:
                return (MA_SHOW, (s[4],)) if method == "GET" else None
            if n == 6 and method == "POST":
                if s[5] == "restart":
                    return MA_RESTART, (s[4],)
                if s[5] == "stop":
                    return MA_STOP, (s[4],)
        return None
    if version == "v2":
        if section == "factory" and n == 8 and s[4] == "jobs" and s[6] == "instances":
            if s[7] == "retry" and method == "POST":
                return FACTORY_RETRY, (s[5],)
            if s[7] == "detail" and method == "GET":
                return FACTORY_LIST, (s[5],)
            return None
        if section != "quality" or n < 5 or s[4] != "instances":
            return None
        if n == 5:
            return (QUALITY_LIST, ()) if method == "GET" else None
        if n == 6 and s[5] == "restart":
            return (QUALITY_RERUN, ()) if method == "POST" else None
        if n == 7 and s[6] == "result":
            return (QUALITY_RESULT, (s[5],)) if method == "GET" else None
        return None
    if version == "v3" and n == 4 and s[2] == "auth" and s[3] == "tokens" and method == "POST":
        return IAM_TOKEN, ()
    return None
