"""ModelArts v1 visualization jobs (TensorBoard): restart, detail, list, stop.

A restart walks the job through its scripted status ``path`` (``step`` virtual seconds apart, after
``lag``); the last status stays. A restart of a job in progress or RUNNING is refused with
ModelArts.0105, under the HTTP status ``modelarts_error_status`` (400 unless configured).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from airflow_provider_dataarts.emulator.call import Call
from airflow_provider_dataarts.emulator.errors import MODELARTS, ApiError, documented, invalid

if TYPE_CHECKING:
    from airflow_provider_dataarts.emulator.state import EmulatorState

RUNNING = 8
#: statuses in which a restart is refused: in progress, or up and running
BUSY = frozenset((1, 2, 4, 7, 8, 9, 15, 18, 19))
_SORT_KEYS = ("job_name", "job_desc", "status", "duration", "create_time")


@dataclass(frozen=True)
class Walk:
    """A status path started at ``accepted``: ``path[i]`` from ``accepted + lag + i * step``."""

    accepted: int
    lag: int
    step: int
    path: tuple[int, ...]

    def at(self, now: int) -> tuple[int, int] | None:
        """(status, since) at ``now``, or None before the walk has started."""
        elapsed = now - self.accepted - self.lag
        if elapsed < 0:
            return None
        index = min(elapsed // max(self.step, 1), len(self.path) - 1)
        return self.path[index], self.accepted + self.lag + index * self.step


class VisualizationJob:
    """One visualization job: its settled status, an optional walk, and scripted restart paths."""

    def __init__(self, spec: dict[str, Any], created: int) -> None:
        self.job_id: str = spec["job_id"]
        self.job_name: str = spec["job_name"]
        self.job_desc: str = spec["job_desc"]
        self.workspace_id: str = spec["workspace_id"]
        self.create_time: int = spec["create_time"] if spec["create_time"] is not None else created
        self.script: list[dict[str, Any]] = list(spec["restarts"])
        self.base: tuple[int, int] = (spec["status"], self.create_time)
        self.walk: Walk | None = None

    def state(self, now: int) -> tuple[int, int]:
        """(status, virtual ms since that status began)."""
        if self.walk is not None:
            current = self.walk.at(now)
            if current is not None:
                return current
        return self.base

    def start_walk(self, now: int, lag: float, step: float, path: list[int]) -> None:
        """Settle the current status and start walking ``path``."""
        self.base = self.state(now)
        self.walk = Walk(now, int(lag * 1000), int(step * 1000), tuple(path))

    def render(self, now: int, project_id: str) -> dict[str, Any]:
        """The detail body (also used, minus ``is_success``, in the list). ``service_url`` has the form of
        the API page's example: the job's TensorBoard page on the console."""
        status, since = self.state(now)
        return {
            "is_success": True,
            "job_name": self.job_name,
            "job_id": int(self.job_id) if self.job_id.isdigit() else self.job_id,  # a Long on the pages
            "status": status,
            "service_url": f"https://console.huaweicloud.com/modelarts2/tensorboard/{project_id}/{self.job_id}/",
            "resource_id": f"vis-{self.job_id}",
            "job_desc": self.job_desc,
            "duration": now - since if status == RUNNING else 0,
            "create_time": self.create_time,
            "train_url": f"/emulator-bucket/{self.job_name}/train/",
        }


def _job(st: EmulatorState, call: Call) -> VisualizationJob:
    job = st.visualization.get(call.params[0])
    if job is None:
        raise documented(
            "ModelArts.0102", f"visualization job {call.params[0]}", MODELARTS, st.config.modelarts_error_status
        )
    return job


def restart(st: EmulatorState, call: Call) -> tuple[int, Any]:
    """POST /v1/{project_id}/visualization-jobs/{job_id}/restart (no body)."""
    job = _job(st, call)
    now = st.clock.now()
    status, _ = job.state(now)
    if status in BUSY:
        message = f"This job can't be resubmit. job status: {status}"
        raise ApiError(st.config.modelarts_error_status, "ModelArts.0105", message, MODELARTS)
    step = job.script.pop(0) if job.script else {}
    lag = step.get("lag")
    pace = step.get("step")
    job.start_walk(
        now,
        st.defaults["lag"] if lag is None else lag,
        st.defaults["step"] if pace is None else pace,
        step.get("path") or [1, 4, 7, RUNNING],
    )
    return 200, {"is_success": True}


def stop(st: EmulatorState, call: Call) -> tuple[int, Any]:
    """POST /v1/{project_id}/visualization-jobs/{job_id}/stop: 9 KILLING, then 12 KILLED 1 s later."""
    job = _job(st, call)
    now = st.clock.now()
    status, _ = job.state(now)
    if status == 9:
        return 200, {"is_success": True}
    if status not in BUSY:
        message = f"This job can't be stop. job status: {status}"
        raise ApiError(st.config.modelarts_error_status, "ModelArts.0105", message, MODELARTS)
    job.start_walk(now, 0, 1, [9, 12])
    return 200, {"is_success": True}


def show(st: EmulatorState, call: Call) -> tuple[int, Any]:
    """GET /v1/{project_id}/visualization-jobs/{job_id}"""
    return 200, _job(st, call).render(st.clock.now(), st.project_id)


def list_jobs(st: EmulatorState, call: Call) -> tuple[int, Any]:
    """GET /v1/{project_id}/visualization-jobs?status&per_page&page&sortBy&order&search_content&workspace_id"""
    status = call.int_param("status", None)
    per_page = call.int_param("per_page", 10, -1, 1000)
    if per_page == 0:
        raise invalid(MODELARTS, "per_page", "must be -1 (all) or 1..1000")
    page = call.int_param("page", 1, 1) or 1
    sort_by = call.enum_param("sortBy", _SORT_KEYS) or "create_time"
    order = call.enum_param("order", ("asc", "desc")) or "desc"
    search = call.query.get("search_content") or ""
    workspace = call.query.get("workspace_id") or None
    now = st.clock.now()
    rows = []
    for job in st.visualization.values():
        if search and search not in job.job_name:
            continue
        if workspace is not None and job.workspace_id != workspace:
            continue
        item = job.render(now, st.project_id)
        if status is not None and item["status"] != status:
            continue
        del item["is_success"]
        rows.append(item)
    rows.sort(key=lambda row: (row[sort_by], row["job_id"]), reverse=order == "desc")
    rows_page = rows[(page - 1) * per_page : page * per_page] if per_page and per_page > 0 else rows
    return 200, {
        "is_success": True,
        "job_total_count": len(rows),
        "job_count_limit": 100,
        "jobs": rows_page,
        "quotas": 100,
    }
