"""Airflow 2.11 for real: scheduler, triggerer and webserver on Postgres, the provider from its wheel.

    python tests/cluster/airflow2.py                      (scripts/cluster.sh --airflow2)

1. ``example_dataarts_pipeline`` is triggered through the REST API (v1) and must succeed, each remote
   action sent once, the deferrable tasks' events fired by the triggerer process.
2. A deferred restart is marked failed through the REST API, as a user does: the triggerer reads the
   task's state from the database (Airflow 2 has no ``on_kill`` for triggers) and stops the remote run.
"""

from __future__ import annotations

import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.append(str(ROOT))  # tests.* from the checkout; the provider itself from the installed wheel

from tests.cluster.nodes import Node, Postgres, free_port  # noqa: E402
from tests.soak.plan import conf_for, scenario  # noqa: E402

PIPELINE = "example_dataarts_pipeline"
KILLED = ("dataarts_cluster_deferred", "v1_restart")


def settings(postgres: Postgres, dags: Path, port: int, connection: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    return {
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": postgres.url,
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": "cluster_node.hostname",
        "AIRFLOW__WEBSERVER__SECRET_KEY": secrets.token_urlsafe(32),
        "AIRFLOW__WEBSERVER__WEB_SERVER_HOST": "127.0.0.1",
        "AIRFLOW__WEBSERVER__WEB_SERVER_PORT": str(port),
        "AIRFLOW__WEBSERVER__WORKERS": "1",
        "AIRFLOW__API__AUTH_BACKENDS": "airflow.api.auth.backend.basic_auth",
        "AIRFLOW__SCHEDULER__DAG_DIR_LIST_INTERVAL": "5",
        "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "5",
        "AIRFLOW__TRIGGERER__JOB_HEARTBEAT_SEC": "3",
        "AIRFLOW_CONN_DATAARTS_DEFAULT": connection,
        "AIRFLOW_CONN_DATAARTS_CLUSTER_AKSK": connection,
        "DATAARTS_EXAMPLE_POLL_INTERVAL": "1",
    }


class Api:
    """Airflow 2's stable REST API with basic auth."""

    def __init__(self, base: str, user: str, password: str) -> None:
        self.base, self.session = base, requests.Session()
        self.session.auth = (user, password)

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, f"{self.base}/api/v1{path}", timeout=30, **kwargs)

    def healthy(self) -> bool:
        try:
            health = requests.get(f"{self.base}/health", timeout=5).json()
        except (requests.RequestException, ValueError):
            return False
        return all(
            (health.get(part) or {}).get("status") == "healthy" for part in ("metadatabase", "scheduler", "triggerer")
        )

    def run_state(self, dag_id: str, run_id: str) -> str | None:
        response = self.call("GET", f"/dags/{dag_id}/dagRuns/{run_id}")
        return response.json().get("state") if response.ok else None

    def task_state(self, dag_id: str, run_id: str, task_id: str) -> str | None:
        response = self.call("GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}")
        return response.json().get("state") if response.ok else None


def until(what: str, check, timeout: float, nodes: dict[str, Node]) -> Any:
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        for name, node in nodes.items():
            if not node.alive():
                raise RuntimeError(f"{name} exited while waiting for {what}:\n{node.tail()}")
        time.sleep(1)
    raise RuntimeError(
        f"timed out waiting for {what}\n" + "\n".join(f"--- {n}\n{x.tail(2000)}" for n, x in nodes.items())
    )


def run_pipeline(api: Api, admin: Any, nodes: dict[str, Node]) -> dict[str, Any]:
    """Trigger the example pipeline; its end state, actions sent and events the triggerer fired."""
    admin.clear_requests()
    assert api.call("POST", f"/dags/{PIPELINE}/dagRuns", json={"dag_run_id": "pipeline", "conf": {}}).ok

    def ended() -> str | None:
        state = api.run_state(PIPELINE, "pipeline")
        return state if state in ("success", "failed") else None

    state = until("the pipeline to end", ended, 300, nodes)
    routes = [entry["route"] for entry in admin.requests()]
    actions = {action: routes.count(action) for action in ("factory.retry", "quality.rerun", "modelarts.restart")}
    fired = nodes["triggerer"].log_path.read_text(errors="replace").count(") completed")  # Airflow 2's line
    print(f"pipeline: {state}; actions {actions}; trigger events fired in the triggerer: {fired}", flush=True)
    return {"state": state, "actions": actions, "fired": fired}


def kill_deferred(api: Api, admin: Any, nodes: dict[str, Node]) -> int:
    """Mark a deferred restart failed, as a user does; the stop calls the triggerer then sends."""
    world, plans = scenario(1, 7)
    admin.reset(world)
    admin.set_speed(1.0)  # the emulator's start-up speed (120, for the pipeline) outlives a reset
    dag_id, task_id = KILLED
    until(f"{dag_id} parsed", lambda: api.call("GET", f"/dags/{dag_id}").ok, 120, nodes)
    conf = conf_for(plans[0], "aksk") | {"conn_id": "dataarts_cluster_aksk"}
    assert api.call("POST", f"/dags/{dag_id}/dagRuns", json={"dag_run_id": "kill", "conf": conf}).ok
    until(f"{task_id} deferred", lambda: api.task_state(dag_id, "kill", task_id) == "deferred", 180, nodes)
    time.sleep(3)  # the trigger polls meanwhile
    path = f"/dags/{dag_id}/dagRuns/kill/taskInstances/{task_id}"
    assert api.call("PATCH", path, json={"dry_run": False, "new_state": "failed"}).ok
    killed_at = time.time()

    def stops() -> list[dict[str, Any]]:
        return [entry for entry in admin.requests() if entry["route"] == "dlf.stop"]

    first = until("the remote run stopped", stops, 90, nodes)[0]
    time.sleep(5)  # a second stop would show by now
    print(f"user kill of a deferred {task_id}: stopped after {first['time'] - killed_at:.1f} s", flush=True)
    return len(stops())


def main() -> int:
    import airflow

    import airflow_provider_dataarts
    from airflow_provider_dataarts.emulator import Emulator

    if "site-packages" not in Path(airflow_provider_dataarts.__file__).resolve().parts:
        raise SystemExit("the provider must come from its wheel, not the checkout")
    started = time.time()
    root = Path(tempfile.mkdtemp(prefix="dataarts-airflow2-"))
    postgres = None
    nodes: dict[str, Node] = {}
    user, password = "admin", secrets.token_urlsafe(12)
    try:
        with Emulator(scenario="examples", speed=120) as emulator:
            postgres = Postgres(root)
            dags = root / "dags"
            shutil.copytree(ROOT / "example_dags", dags, ignore=shutil.ignore_patterns("__pycache__"))
            shutil.copy(ROOT / "tests" / "cluster" / "dags" / "cluster_dags.py", dags)
            port = free_port()
            config = settings(postgres, dags, port, emulator.connection_json())
            nodes = {name: Node(name, [name], root, config) for name in ("scheduler", "triggerer", "webserver")}
            nodes["webserver"].run("db", "migrate")
            admin_user = ["-u", user, "-p", password, "-r", "Admin", "-e", "admin@example.com", "-f", "A", "-l", "B"]
            nodes["webserver"].run("users", "create", *admin_user)
            for node in nodes.values():
                node.start()
            api = Api(f"http://127.0.0.1:{port}", user, password)
            until("scheduler, triggerer and webserver healthy", api.healthy, 240, nodes)
            until(f"{PIPELINE} parsed", lambda: api.call("GET", f"/dags/{PIPELINE}").ok, 240, nodes)
            print(f"Airflow {airflow.__version__} up on Postgres in {time.time() - started:.0f} s", flush=True)
            pipeline = run_pipeline(api, emulator.admin, nodes)
            stops = kill_deferred(api, emulator.admin, nodes)
    finally:
        for node in nodes.values():
            node.stop()
        if postgres is not None:
            postgres.stop()
    actions = pipeline["actions"]
    ok = pipeline["state"] == "success" and set(actions.values()) == {1} and pipeline["fired"] >= 3 and stops == 1
    line = (
        f"airflow2 deployment: pipeline {pipeline['state']}, {sum(actions.values())} actions, "
        f"{pipeline['fired']} trigger events, a user kill stopped {stops} run(s), {time.time() - started:.0f} s"
    )
    if ok:
        shutil.rmtree(root, ignore_errors=True)
    else:
        print(f"files kept in {root}")
    print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
