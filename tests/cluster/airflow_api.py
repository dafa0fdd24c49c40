"""Airflow's REST API (v2) as the cluster harness uses it: health, DAG runs, task instances, marking."""

from __future__ import annotations

import time
from typing import Any

import requests


class AirflowApi:
    """A client of the API server; every call retries briefly, since the server may be busy."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()
        self._token: str | None = None

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        last: Exception | None = None
        for _ in range(5):
            try:
                if self._token is None:
                    self._token = self.session.get(f"{self.base}/auth/token", timeout=10).json()["access_token"]
                headers = {"Authorization": f"Bearer {self._token}"}
                response = self.session.request(method, f"{self.base}{path}", headers=headers, timeout=30, **kwargs)
                if response.status_code == 401:
                    self._token = None
                    continue
                return response
            except (requests.RequestException, KeyError, ValueError) as error:
                last = error
                time.sleep(1)
        raise RuntimeError(f"{method} {path}: the API server did not answer: {last}")

    def healthy(self) -> bool:
        try:
            health = requests.get(f"{self.base}/api/v2/monitor/health", timeout=5).json()
        except (requests.RequestException, ValueError):
            return False
        parts = ("metadatabase", "scheduler", "triggerer", "dag_processor")
        return all((health.get(part) or {}).get("status") == "healthy" for part in parts)

    def has_dag(self, dag_id: str) -> bool:
        return self.call("GET", f"/api/v2/dags/{dag_id}").ok

    def trigger(self, dag_id: str, run_id: str, conf: dict[str, Any]) -> None:
        body = {"dag_run_id": run_id, "logical_date": None, "conf": conf}
        response = self.call("POST", f"/api/v2/dags/{dag_id}/dagRuns", json=body)
        if not response.ok:
            raise RuntimeError(f"triggering {dag_id} failed: {response.status_code} {response.text[:500]}")

    def task_instances(self, state: str | None = None) -> list[dict[str, Any]]:
        """Every task instance of every DAG run (optionally in one state)."""
        found: list[dict[str, Any]] = []
        while True:
            params: dict[str, Any] = {"limit": 1000, "offset": len(found)}
            if state:
                params["state"] = state
            page = self.call("GET", "/api/v2/dags/~/dagRuns/~/taskInstances", params=params).json()
            found += page["task_instances"]
            if len(found) >= page["total_entries"] or not page["task_instances"]:
                return found

    def dag_run_states(self) -> dict[str, str]:
        found: dict[str, str] = {}
        offset = 0
        while True:
            params = {"limit": 1000, "offset": offset}
            page = self.call("GET", "/api/v2/dags/~/dagRuns", params=params).json()
            found.update({run["dag_run_id"]: run["state"] for run in page["dag_runs"]})
            offset += len(page["dag_runs"])
            if offset >= page["total_entries"] or not page["dag_runs"]:
                return found

    def mark_failed(self, dag_id: str, run_id: str, task_id: str) -> None:
        """What a user does in the UI: mark a (deferred) task instance failed."""
        path = f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}"
        response = self.call("PATCH", path, json={"new_state": "failed"})
        if not response.ok:
            raise RuntimeError(f"marking {task_id} failed: {response.status_code} {response.text[:500]}")


def triggerer_of(task_instance: dict[str, Any]) -> tuple[str | None, int | None]:
    """(host name, job id) of the triggerer running a deferred task instance's trigger."""
    job = task_instance.get("triggerer_job") or {}
    return job.get("hostname"), job.get("id")
