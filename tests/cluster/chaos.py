"""What goes wrong in the cluster, on purpose: processes that die, freeze or restart, and users who act.

Kinds (each recorded as an :class:`Event` with the task instances it hit):

- ``triggerer_kill``: SIGKILL a triggerer holding deferred waits; a supervisor restarts it 8 s later.
  Its waits must be taken over (the other triggerer, or the restarted one) without acting or stopping.
- ``triggerer_freeze``: SIGSTOP a triggerer holding waits for longer than
  ``triggerer_health_check_threshold``, then SIGCONT. Its waits move to the other triggerer meanwhile;
  on waking, it cancels them (Airflow 3.3 calls ``on_kill``): nothing may be stopped.
- ``worker_kill``: hold the answer of the next action (the emulator's ``hold`` fault: the action is
  done, its answer not yet back), then SIGKILL the Celery worker running that task and restart it 5 s
  later. The task is retried and must attach to the run it started, not act again.
- ``scheduler_restart``: SIGKILL the scheduler and start a new one.
- ``user_kill``: mark a deferred operator task failed, as a user does in the UI. Its run must be stopped.
"""

from __future__ import annotations

import dataclasses
import signal
import threading
import time
from typing import Any

from tests.cluster.airflow_api import AirflowApi, triggerer_of
from tests.cluster.nodes import Node
from tests.soak.scoring import ACTIONS, _target_of

KINDS = ("triggerer_kill", "worker_kill", "triggerer_freeze", "scheduler_restart", "user_kill")
PROCESS_KINDS = KINDS[:4]
ACTION_PATHS = (
    "^/v[12]/[^/]+/(jobs/[^/]+/instances/[^/]+/restart|visualization-jobs/[^/]+/restart"
    "|factory/jobs/[^/]+/instances/retry|quality/instances/restart)$"
)
TASK_OF_KIND = {"v1": "v1_restart", "v2": "v2_rerun", "quality": "quality_rerun", "vis": "vis_restart"}
#: operator tasks whose API can stop a run (the quality API cannot)
STOPPABLE_TASKS = ("v1_restart", "v2_rerun", "vis_restart")
FREEZE_SECONDS = 25.0  # triggerer_health_check_threshold (15 s) and then some


@dataclasses.dataclass
class Event:
    kind: str
    victim: str
    at: float
    #: (dag_id, run_id, task_id) -> the triggerer job id it was on (waits on a triggerer that died)
    affected: dict[tuple[str, str, str], int | None] = dataclasses.field(default_factory=dict)
    detail: str = ""
    #: the task instance a user killed
    task: tuple[str, str, str] | None = None


class Watcher(threading.Thread):
    """Polls the deferred task instances every second: which triggerer job holds each wait, and when."""

    def __init__(self, api: AirflowApi) -> None:
        super().__init__(daemon=True)
        self.api, self.stop = api, threading.Event()
        self.lock = threading.Lock()
        self.deferred: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.history: list[tuple[float, dict[tuple[str, str, str], int | None]]] = []

    def run(self) -> None:
        while not self.stop.wait(1.0):
            try:
                found = self.api.task_instances(state="deferred")
            except RuntimeError:
                continue
            now = time.time()
            snapshot = {(ti["dag_id"], ti["dag_run_id"], ti["task_id"]): ti for ti in found}
            with self.lock:
                self.deferred = snapshot
                self.history.append((now, {key: triggerer_of(ti)[1] for key, ti in snapshot.items()}))

    def held_by(self) -> dict[str, dict[tuple[str, str, str], int | None]]:
        """host name -> the waits its triggerer holds now (with that triggerer's job id)."""
        with self.lock:
            held: dict[str, dict[tuple[str, str, str], int | None]] = {}
            for key, ti in self.deferred.items():
                host, job = triggerer_of(ti)
                if host:
                    held.setdefault(host, {})[key] = job
            return held

    def takeover_seconds(self, event: Event) -> float | None:
        """The longest any of the event's waits stayed with the dead triggerer job: until a poll shows it
        on another job, or no longer deferred (its trigger fired elsewhere)."""
        if not event.affected:
            return None
        with self.lock:
            history = [(when, holders) for when, holders in self.history if when > event.at]
        longest = 0.0
        for key, job in event.affected.items():
            moved = next((when for when, holders in history if holders.get(key, -1) != job), None)
            if moved is None:
                return None  # never taken over while watched
            longest = max(longest, moved - event.at)
        return longest


class Chaos:
    """Carries out the events, one at a time, in a rotating order."""

    def __init__(self, nodes: dict[str, Node], api: AirflowApi, admin: Any, watcher: Watcher, plans: list) -> None:
        self.nodes, self.api, self.admin, self.watcher = nodes, api, admin, watcher
        self.events: list[Event] = []
        self.user_killed: set[tuple[str, str, str]] = set()
        self.owners = {}
        for plan in plans:
            for kind, target in (
                ("v1", plan["v1"][0]),
                ("v2", plan["v2"][0]),
                ("quality", plan["quality"]),
                ("vis", plan["vis"]),
            ):
                self.owners[(kind, str(target))] = plan["run"]
        self.run_ids: dict[int, tuple[str, str]] = {}  # run number -> (dag_id, run_id)

    def do(self, kind: str, patience: float = 90) -> Event | None:
        """Carry out one event of ``kind`` when its moment comes (within ``patience`` seconds)."""
        event = getattr(self, kind)(patience)
        if event is not None:
            self.events.append(event)
        return event

    def _busiest_triggerer(self, patience: float) -> tuple[str, dict] | None:
        deadline = time.time() + patience
        while time.time() < deadline:
            held = self.watcher.held_by()
            live = {host: waits for host, waits in held.items() if host in self.nodes and self.nodes[host].alive()}
            if live:
                host = max(live, key=lambda name: len(live[name]))
                if len(live[host]) >= 2 or time.time() > deadline - patience / 2:
                    return host, live[host]
            time.sleep(1)
        return None

    def triggerer_kill(self, patience: float) -> Event | None:
        found = self._busiest_triggerer(patience)
        if found is None:
            return None
        host, waits = found
        event = Event("triggerer_kill", host, time.time(), dict(waits))
        self.nodes[host].kill()
        time.sleep(8)
        self.nodes[host].start()
        return event

    def triggerer_freeze(self, patience: float) -> Event | None:
        found = self._busiest_triggerer(patience)
        if found is None:
            return None
        host, waits = found
        event = Event("triggerer_freeze", host, time.time(), dict(waits), f"{FREEZE_SECONDS:.0f} s")
        self.nodes[host].signal(signal.SIGSTOP)
        time.sleep(FREEZE_SECONDS)
        self.nodes[host].signal(signal.SIGCONT)
        return event

    def worker_kill(self, patience: float) -> Event | None:
        since = self.admin.requests()[-1]["seq"] if self.admin.requests() else 0
        self.admin.add_fault("hold", path=ACTION_PATHS, method="POST", seconds=30)
        deadline = time.time() + patience
        while time.time() < deadline:
            held = [entry for entry in self.admin.requests(since=since) if entry["fault"] == "hold"]
            if held:
                break
            time.sleep(0.3)
        else:
            self.admin.clear_faults()
            return None
        entry = held[0]
        kind, target = _target_of(entry)
        run = self.owners[(kind, target)]
        dag_id, run_id = self.run_ids[run]
        task_id = TASK_OF_KIND[kind]
        host = self._host_of(dag_id, run_id, task_id)
        if host not in self.nodes:
            return Event("worker_kill", f"unknown host {host!r}", time.time(), detail=f"{entry['route']} run {run}")
        event = Event("worker_kill", host, time.time(), detail=f"{ACTIONS[entry['route']]} action of run {run}")
        self.nodes[host].kill()
        time.sleep(5)
        self.nodes[host].start()
        return event

    def _host_of(self, dag_id: str, run_id: str, task_id: str) -> str | None:
        for _ in range(10):
            path = f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}"
            host = self.api.call("GET", path).json().get("hostname")
            if host:
                return host
            time.sleep(0.5)
        return None

    def scheduler_restart(self, patience: float) -> Event | None:
        event = Event("scheduler_restart", "scheduler", time.time())
        self.nodes["scheduler"].kill()
        time.sleep(3)
        self.nodes["scheduler"].start()
        return event

    def user_kill(self, patience: float) -> Event | None:
        deadline = time.time() + patience
        while time.time() < deadline:
            with self.watcher.lock:
                candidates = [key for key in self.watcher.deferred if key[2] in STOPPABLE_TASKS]
            candidates = [key for key in candidates if key not in self.user_killed]
            if candidates:
                dag_id, run_id, task_id = key = sorted(candidates)[0]
                self.api.mark_failed(dag_id, run_id, task_id)
                self.user_killed.add(key)
                return Event("user_kill", "user", time.time(), detail=f"{run_id} {task_id}", task=key)
            time.sleep(1)
        return None
