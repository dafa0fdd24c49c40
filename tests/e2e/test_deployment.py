"""A real Airflow 3 deployment on this machine runs the pipeline example against the emulator.

Scheduler, DAG processor, triggerer and API server (LocalExecutor, SQLite, 127.0.0.1) start as
separate processes; the pipeline DAG is triggered through the REST API. Unlike ``dag.test()``, the
triggerer imports trigger classes by their serialized class path from the installed package, and
enforces serialization: only this proves the deferrable path works in production.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

pytestmark = [pytest.mark.deployment, pytest.mark.airflow3, pytest.mark.timeout(600)]
ROOT = Path(__file__).resolve().parents[2]
PIPELINE = "example_dataarts_pipeline"
COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Deployment:
    """The four Airflow processes, each in its own process group, logging to files in the home."""

    def __init__(self, home: Path, env: dict[str, str], port: int, components: tuple[str, ...] = COMPONENTS) -> None:
        self.home, self.env, self.base = home, env, f"http://127.0.0.1:{port}"
        self.components = components
        self.processes: dict[str, subprocess.Popen] = {}
        self._token: str | None = None

    def start(self) -> None:
        airflow = [sys.executable, "-m", "airflow"]
        subprocess.run([*airflow, "db", "migrate"], env=self.env, check=True, capture_output=True, timeout=300)
        for name in self.components:
            log = open(self.home / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
            self.processes[name] = subprocess.Popen(
                [*airflow, name], env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def stop(self) -> None:
        from tests.secret_scan import scan_text

        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for name in self.components:
            scan_text(self.log(name))
        for task_log in self.home.glob("logs/**/*.log"):
            scan_text(task_log.read_text(errors="replace"))

    def log(self, name: str) -> str:
        return (self.home / f"{name}.log").read_text(errors="replace")

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        if self._token is None:
            self._token = requests.get(f"{self.base}/auth/token", timeout=10).json()["access_token"]
        headers = {"Authorization": f"Bearer {self._token}", **kwargs.pop("headers", {})}
        return requests.request(method, f"{self.base}{path}", headers=headers, timeout=30, **kwargs)

    def run_dag(self, dag_id: str, timeout: float = 300) -> tuple[str, str]:
        """Trigger ``dag_id`` through the REST API and wait for the run to end: (run id, final state)."""
        created = self.api("POST", f"/api/v2/dags/{dag_id}/dagRuns", json={"logical_date": None})
        assert created.ok, created.text
        run_id = created.json()["dag_run_id"]

        def finished() -> str | None:
            state = self.api("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}").json()["state"]
            return state if state in ("success", "failed") else None

        return run_id, self.wait_for(f"the {dag_id} run to finish", finished, timeout)

    def wait_for(self, what: str, check, timeout: float):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    pytest.fail(f"airflow {name} exited ({process.returncode}):\n{self.log(name)[-3000:]}")
            try:
                value = check()
            except (requests.RequestException, KeyError, ValueError):
                value = None
            if value:
                return value
            time.sleep(1)
        logs = "\n".join(f"--- {name}\n{self.log(name)[-2000:]}" for name in self.components)
        pytest.fail(f"timed out waiting for {what}\n{logs}")


def airflow_env(home: Path, port: int, connection_json: str, dags: Path) -> dict[str, str]:
    """An Airflow 3 home on SQLite, LocalExecutor, the simple auth manager (everyone admin), connection
    tests enabled, and the emulator as ``dataarts_default``."""
    return {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        "AIRFLOW__CORE__TEST_CONNECTION": "Enabled",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
        "AIRFLOW_CONN_DATAARTS_DEFAULT": connection_json,
        "DATAARTS_EXAMPLE_POLL_INTERVAL": "1",
    }


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    from airflow_provider_dataarts.emulator import Emulator

    home = tmp_path_factory.mktemp("airflow-deployment")
    port = _free_port()
    with Emulator(scenario="examples", speed=120) as emulator:
        env = airflow_env(home, port, emulator.connection_json(), ROOT / "example_dags")
        running = Deployment(home, env, port)
        running.start()
        try:
            running.wait_for("all components healthy", lambda: _healthy(running), timeout=120)
            yield running, emulator
        finally:
            running.stop()


def _healthy(deployment: Deployment) -> bool:
    health = requests.get(f"{deployment.base}/api/v2/monitor/health", timeout=5).json()
    parts = ("metadatabase", "scheduler", "triggerer", "dag_processor")
    return all(health[part]["status"] == "healthy" for part in parts)


def test_pipeline_runs_in_a_real_deployment(deployment) -> None:
    running, emulator = deployment
    running.wait_for(f"{PIPELINE} to be parsed", lambda: running.api("GET", f"/api/v2/dags/{PIPELINE}").ok, 120)
    emulator.admin.clear_requests()
    run_id, state = running.run_dag(PIPELINE)
    tasks = running.api("GET", f"/api/v2/dags/{PIPELINE}/dagRuns/{run_id}/taskInstances").json()["task_instances"]
    states = {task["task_id"]: task["state"] for task in tasks}
    assert state == "success", (states, running.log("triggerer")[-4000:])
    assert set(states.values()) == {"success"}

    routes = [entry["route"] for entry in emulator.admin.requests()]
    actions = ("factory.retry", "quality.rerun", "modelarts.restart")
    assert [routes.count(action) for action in actions] == [1, 1, 1]
    deferred = {
        "rerun_failed_instances": "factory_instances",
        "recheck_data_quality": "quality_instance",
        "restart_team_tensorboard": "modelarts_visualization_job",
    }
    for task_id, kind in deferred.items():  # the triggerer's own lines land in each task's log
        path = f"/api/v2/dags/{PIPELINE}/dagRuns/{run_id}/taskInstances/{task_id}/logs/1"
        events = running.api("GET", path, headers={"Accept": "application/json"}).json()["content"]
        fired = [event for event in events if event.get("event") == "Trigger fired event"]
        assert fired and f"'kind': '{kind}'" in str(fired[0].get("result")), (task_id, events[-10:])


def test_connection_form_is_served_as_declared(deployment) -> None:
    from airflow_provider_dataarts.get_provider_info import CONNECTION_FIELDS, UI_FIELD_BEHAVIOUR

    running, _ = deployment
    hooks = running.api("GET", "/ui/connections/hook_meta").json()
    (meta,) = [hook for hook in hooks if hook["connection_type"] == "huaweicloud_dataarts"]
    assert meta["hook_name"] == "Huawei Cloud DataArts"
    for field in UI_FIELD_BEHAVIOUR["hidden-fields"]:
        served = {"schema": "url_schema"}.get(field, field)  # the API's name of the standard field
        assert meta["standard_fields"][served]["hidden"] is True
    for field, label in UI_FIELD_BEHAVIOUR["relabeling"].items():
        assert meta["standard_fields"][field]["title"] == label
    assert list(meta["extra_fields"]) == list(CONNECTION_FIELDS)
    for name, (label, _, _) in CONNECTION_FIELDS.items():
        assert meta["extra_fields"][name].get("schema", {}).get("title") == label, meta["extra_fields"][name]
    assert meta["extra_fields"]["security_token"]["schema"]["format"] == "password"
