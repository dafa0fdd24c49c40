"""The route table: which operation a method and raw path name, and how the gateway treats it.

Paths are matched on the raw request path split on ``/``, each segment then percent-decoded, so an
encoded ``/`` (``%2F``) stays inside a job name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from airflow_provider_dataarts.emulator import factory, factory_jobs, factory_v2, iam, modelarts, quality
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
DLF_RUN_ONCE = Route("dlf.run_once", factory_jobs.run_once, DLF, "optional")
DLF_START_JOB = Route("dlf.start_job", factory_jobs.start, DLF, "optional")
DLF_STOP_JOB = Route("dlf.stop_job", factory_jobs.stop, DLF, "optional")
DLF_LIST_JOBS = Route("dlf.list_jobs", factory_jobs.list_jobs, DLF, "optional")
FACTORY_RETRY = Route("factory.retry", factory_v2.retry, DLF, "required")
FACTORY_LIST = Route("factory.list", factory_v2.list_instances, DLF, "required")
QUALITY_RERUN = Route("quality.rerun", quality.rerun, DQC, "required")
QUALITY_LIST = Route("quality.list", quality.list_instances, DQC, "required")
QUALITY_RESULT = Route("quality.result", quality.results, DQC, "required")
MA_LIST = Route("modelarts.list", modelarts.list_jobs, MODELARTS, None)
MA_SHOW = Route("modelarts.show", modelarts.show, MODELARTS, None)
MA_RESTART = Route("modelarts.restart", modelarts.restart, MODELARTS, None)
MA_STOP = Route("modelarts.stop", modelarts.stop, MODELARTS, None)


#: every operation as (method, path template, route); ``{name}`` segments are path parameters (in order),
#: ``{project_id}`` is matched but not passed on. On equal length a literal segment wins over a parameter.
TABLE: tuple[tuple[str, str, Route], ...] = (
    ("POST", "/v3/auth/tokens", IAM_TOKEN),
    ("GET", "/v1/{project_id}/jobs/instances/detail", DLF_LIST),
    ("GET", "/v1/{project_id}/jobs/{job_name}/instances/{instance_id}", DLF_SHOW),
    ("POST", "/v1/{project_id}/jobs/{job_name}/instances/{instance_id}/restart", DLF_RESTART),
    ("POST", "/v1/{project_id}/jobs/{job_name}/instances/{instance_id}/stop", DLF_STOP),
    ("POST", "/v1/{project_id}/jobs/{job_name}/run-immediate", DLF_RUN_ONCE),
    ("POST", "/v1/{project_id}/jobs/{job_name}/start", DLF_START_JOB),
    ("POST", "/v1/{project_id}/jobs/{job_name}/stop", DLF_STOP_JOB),
    ("GET", "/v1/{project_id}/jobs", DLF_LIST_JOBS),
    ("POST", "/v2/{project_id}/factory/jobs/{job_name}/instances/retry", FACTORY_RETRY),
    ("GET", "/v2/{project_id}/factory/jobs/{job_name}/instances/detail", FACTORY_LIST),
    ("POST", "/v2/{project_id}/quality/instances/restart", QUALITY_RERUN),
    ("GET", "/v2/{project_id}/quality/instances", QUALITY_LIST),
    ("GET", "/v2/{project_id}/quality/instances/{instance_id}/result", QUALITY_RESULT),
    ("GET", "/v1/{project_id}/visualization-jobs", MA_LIST),
    ("GET", "/v1/{project_id}/visualization-jobs/{job_id}", MA_SHOW),
    ("POST", "/v1/{project_id}/visualization-jobs/{job_id}/restart", MA_RESTART),
    ("POST", "/v1/{project_id}/visualization-jobs/{job_id}/stop", MA_STOP),
)


def _is_parameter(part: str) -> bool:
    return part.startswith("{")


def _compiled() -> dict[tuple[str, int], list[tuple[tuple[str, ...], Route]]]:
    """The table by (method, segment count), the templates with the most literal segments first."""
    by_shape: dict[tuple[str, int], list[tuple[tuple[str, ...], Route]]] = {}
    for method, template, route in TABLE:
        parts = tuple(template.split("/"))
        by_shape.setdefault((method, len(parts)), []).append((parts, route))
    for candidates in by_shape.values():
        candidates.sort(key=lambda candidate: sum(map(_is_parameter, candidate[0])))
    return by_shape


_BY_SHAPE = _compiled()


def split_path(raw_path: str) -> list[str]:
    """Raw path segments, each percent-decoded on its own."""
    return [unquote(s) if "%" in s else s for s in raw_path.split("/")]


def match(method: str, s: list[str]) -> tuple[Route, tuple[str, ...]] | None:
    """(route, path parameters but the project id) for a method and decoded segments, or None (404 APIG.0101)."""
    for parts, route in _BY_SHAPE.get((method, len(s)), ()):
        pairs = list(zip(parts, s, strict=True))
        if all(_is_parameter(part) or part == segment for part, segment in pairs):
            return route, tuple(segment for part, segment in pairs if _is_parameter(part) and part != "{project_id}")
    return None
