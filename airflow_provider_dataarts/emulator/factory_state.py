"""DataArts Factory job instances as state machines over the virtual clock.

An instance holds a *base* snapshot (what it last settled on) and at most one pending *run* (an
accepted restart, or the initial run of an instance the scenario starts as running). Its state at a
virtual time is computed, never stored: the base for ``lag`` seconds after the restart, then
``waiting`` for ``wait``, ``running`` for ``duration`` (the rerun nodes one after another), then the
scripted outcome. Computing instead of ticking keeps the clock free to jump (advance, set, speed).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from airflow_provider_dataarts.emulator.factory_schedule import JobSchedule
from airflow_provider_dataarts.emulator.scenario_checks import FINISHED

IN_PROGRESS = frozenset(("waiting", "running"))
_FAILED_NODE_STATUS = {"fail": "fail", "running-exception": "fail", "manual-stop": "manual-stop"}


@dataclass(frozen=True)
class Node:
    """One node of a job instance as reported."""

    name: str
    type: str
    status: str
    retry_times: int = 0
    start_time: int | None = None
    end_time: int | None = None
    log_path: str | None = None
    rows: int = 0


@dataclass(frozen=True)
class Snapshot:
    """An instance's reported state at one moment."""

    status: str
    start_time: int | None
    end_time: int | None
    submit_time: int
    nodes: tuple[Node, ...]


@dataclass
class Run:
    """An accepted restart (or an initial run): when, how long each phase, and how it ends."""

    accepted: int
    lag: int
    wait: int | None  # ms; None = waits until stopped
    duration: int | None  # ms; None = runs until stopped
    outcome: str
    failed: int  # index, within the rerun nodes, of the node that fails (non-success outcomes)
    first: int  # index of the first rerun node
    templates: tuple[Node, ...]  # the rerun nodes with their new retryTimes and logPath
    submit_time: int
    final: Snapshot | None = None


def log_path(project: str, job: str, instance: int, node: str, retry: int) -> str:
    """Where DataArts would keep a node's log for one try."""
    return f"obs://dlf-log-{project}/{job}/{instance}/{node}/{retry}.log"


class FactoryInstance:
    """One job instance: identity, base snapshot, pending run and the scripted restart outcomes."""

    __slots__ = (
        "base",
        "force_success",
        "ignore_success",
        "instance_id",
        "instance_type",
        "job",
        "params",
        "plan_time",
        "rendered",
        "run",
        "script",
        "version",
        "visible_from",
    )

    def __init__(self, job: FactoryJob, spec: dict[str, Any], project: str) -> None:
        self.job = job
        self.instance_id: int = spec["instance_id"]
        self.plan_time: int = spec["plan_time"]
        self.instance_type: int = spec["instance_type"]
        self.version: int = spec["version"]
        self.force_success: bool = spec["force_success"]
        self.ignore_success: bool = spec["ignore_success"]
        self.script: list[dict[str, Any]] = list(spec["restarts"])
        self.run: Run | None = None
        self.rendered: tuple[Snapshot, Any, bytes] | None = None  # the last detail body, for repeated reads
        self.visible_from: int | None = None  # a rerun's new row is listed only once its run is accepted
        self.params: list[dict[str, str]] | None = None  # a run-once's jobParams
        self.base = self._initial(spec, project)

    @classmethod
    def rerun_row(
        cls, old: FactoryInstance, instance_id: int, now: int, first: int, defaults: dict[str, Any], project: str
    ) -> FactoryInstance:
        """A new row for a rerun of ``old`` (same job and plan time, next version), listed after the lag;
        ``old`` keeps its last state and hands its scripted outcomes on."""
        row = cls.__new__(cls)
        row.job, row.instance_id, row.plan_time = old.job, instance_id, old.plan_time
        row.instance_type, row.version = old.instance_type, old.version + 1
        row.force_success, row.ignore_success = old.force_success, old.ignore_success
        row.script, old.script = old.script, []
        row.rendered, row.run, row.params = None, None, old.params
        row.base = old.base = old.view(now)
        old.run = None
        row.restart(now, first, defaults, project)
        assert row.run is not None
        row.visible_from = now + row.run.lag
        return row

    @classmethod
    def run_once(
        cls, job: FactoryJob, instance_id: int, now: int, step: dict[str, Any], instance_type: int, project: str
    ) -> FactoryInstance:
        """A run-immediate's new instance: plan time now, ``waiting`` at once (its detail answers), listed
        after the step's ``lag``, then ``wait``, ``running`` for ``duration`` and the step's outcome
        (``step`` holds ms timings)."""
        row = cls.__new__(cls)
        row.job, row.instance_id, row.plan_time = job, instance_id, now
        row.instance_type, row.version = instance_type, 1
        row.force_success = row.ignore_success = False
        row.script, row.rendered, row.params = [], None, None
        row.base = Snapshot("waiting", None, None, now, tuple(Node(n["name"], n["type"], "waiting") for n in job.nodes))
        wait, duration = step["lag"] + step["wait"], step["duration"]
        row.run = row._new_run(now, 0, wait, duration, step["outcome"], step["failed_node"], 0, now, False, project)
        row.visible_from = now + step["lag"]
        return row

    def visible(self, now: int) -> bool:
        """Whether the lists show this row yet."""
        return self.visible_from is None or now >= self.visible_from

    def _initial(self, spec: dict[str, Any], project: str) -> Snapshot:
        """The scenario's starting state; running/waiting instances get an endless (or timed) initial run."""
        status, plan = spec["status"], self.plan_time
        start = spec["start_time"] if spec["start_time"] is not None else plan + 5_000
        submit = spec["submit_time"] if spec["submit_time"] is not None else plan
        names = [n["name"] for n in self.job.nodes]
        marker = spec["failed_node"] or spec["running_node"]
        if status in IN_PROGRESS:
            first = names.index(spec["running_node"]) if spec["running_node"] else 0
            nodes = self._nodes_until(first, "waiting", start, project)
            self.base = Snapshot("waiting", None, None, submit, nodes)
            duration = None if spec["duration"] is None else int(spec["duration"] * 1000)
            wait = None if status == "waiting" else 0
            self.run = self._new_run(start, 0, wait, duration, spec["outcome"], None, first, submit, False, project)
            return self.base
        if status in ("skip-by-depend", "freeze"):
            node_status = "skip" if status == "skip-by-depend" else "waiting"
            nodes = tuple(Node(n["name"], n["type"], node_status) for n in self.job.nodes)
            return Snapshot(status, None, None, submit, nodes)
        end = spec["end_time"]
        if end is None:
            end = start + int((spec["duration"] if spec["duration"] is not None else 60) * 1000)
        if status == "pause":
            stop_at = names.index(marker) if marker else 0
            nodes = self._nodes_until(stop_at, "pause", start, project)
            return Snapshot(status, start, None, submit, nodes)
        if status == "success":
            return Snapshot(status, start, end, submit, self._nodes_until(len(names), "", start, project, end))
        failed = names.index(marker) if marker else len(names) - 1
        nodes = self._nodes_until(failed, _FAILED_NODE_STATUS[status], start, project, end)
        return Snapshot(status, start, end, submit, nodes)

    def _nodes_until(
        self, index: int, status: str, start: int, project: str, end: int | None = None
    ) -> tuple[Node, ...]:
        """Nodes before ``index`` succeeded, the one at ``index`` has ``status``, the rest wait or skip.

        The nodes that ran share the instance's run time one after another.
        """
        ran = min(index + (1 if status else 0), len(self.job.nodes))
        piece = ((end if end is not None else start) - start) // max(ran, 1)
        nodes = []
        for i, spec in enumerate(self.job.nodes):
            path = log_path(project, self.job.name, self.instance_id, spec["name"], 0)
            node_start = start + i * piece
            if i < index:
                done = node_start + piece if end is not None else node_start
                nodes.append(Node(spec["name"], spec["type"], "success", 0, node_start, done, path, 1000 * (i + 1)))
            elif i == index and status:
                node_end = end if status not in ("pause", "waiting") else None
                nodes.append(Node(spec["name"], spec["type"], status, 0, node_start, node_end, path))
            else:
                later = "skip" if end is not None else "waiting"
                nodes.append(Node(spec["name"], spec["type"], later))
        return tuple(nodes)

    def _new_run(
        self,
        accepted: int,
        lag: int,
        wait: int | None,
        duration: int | None,
        outcome: str,
        failed_node: str | None,
        first: int,
        submit: int,
        retry: bool,
        project: str,
    ) -> Run:
        templates = []
        for node in self.base.nodes[first:]:
            tries = node.retry_times + (1 if retry else 0)
            path = log_path(project, self.job.name, self.instance_id, node.name, tries)
            templates.append(Node(node.name, node.type, "waiting", tries, None, None, path))
        names = [n.name for n in templates]
        failed = names.index(failed_node) if failed_node in names else len(names) - 1
        return Run(accepted, lag, wait, duration, outcome, failed, first, tuple(templates), submit)

    def view(self, now: int) -> Snapshot:
        """The state reported at virtual time ``now``."""
        run = self.run
        if run is None:
            return self.base
        elapsed = now - run.accepted - run.lag
        if elapsed < 0:
            return self.base
        if run.final is not None and elapsed >= (run.wait or 0) + (run.duration or 0):
            return run.final  # settled (the check keeps a clock set backwards honest)
        return self._phase(run, elapsed, now)

    def _phase(self, run: Run, elapsed: int, now: int) -> Snapshot:
        kept = self.base.nodes[: run.first]
        if run.wait is None or elapsed < run.wait:
            nodes = kept + tuple(replace(t, log_path=None) for t in run.templates)
            return Snapshot("waiting", None, None, run.submit_time, nodes)
        start = run.accepted + run.lag + run.wait
        elapsed -= run.wait
        count = len(run.templates)
        if run.duration is None or elapsed < run.duration:
            current = 0 if run.duration is None else min(int(elapsed * count // max(run.duration, 1)), count - 1)
            if run.outcome != "success":
                current = min(current, run.failed)
            nodes = kept + self._rerun_nodes(run, start, current, "running", None)
            return Snapshot("running", start, None, run.submit_time, nodes)
        end = start + run.duration
        if run.outcome == "success":
            nodes = kept + self._rerun_nodes(run, start, count, "", end)
        else:
            nodes = kept + self._rerun_nodes(run, start, run.failed, _FAILED_NODE_STATUS[run.outcome], end)
        run.final = Snapshot(run.outcome, start, end, run.submit_time, nodes)
        return run.final

    @staticmethod
    def _rerun_nodes(run: Run, start: int, current: int, status: str, end: int | None) -> tuple[Node, ...]:
        count = len(run.templates)
        piece = (run.duration or 0) // max(count, 1)
        nodes = []
        for i, template in enumerate(run.templates):
            node_start = start + i * piece
            if i < current:
                done = node_start + piece
                nodes.append(replace(template, status="success", start_time=node_start, end_time=done, rows=1000))
            elif i == current and status:
                node_end = end if status != "running" else None
                nodes.append(replace(template, status=status, start_time=node_start, end_time=node_end))
            else:
                later = "skip" if end is not None else "waiting"
                nodes.append(replace(template, status=later, log_path=None))
        return tuple(nodes)

    def restart(self, now: int, first: int, defaults: dict[str, Any], project: str) -> None:
        """Accept a restart from node index ``first``: settle the current view, queue the next outcome."""
        self.base = self.view(now)
        step = self.script.pop(0) if self.script else {}

        def ms(key: str) -> int:
            value = step.get(key)
            return int((defaults[key] if value is None else value) * 1000)

        outcome = step.get("outcome", "success")
        failed_node = step.get("failed_node")
        self.run = self._new_run(
            now, ms("lag"), ms("wait"), ms("duration"), outcome, failed_node, first, now, True, project
        )

    def stop(self, now: int) -> None:
        """Stop a waiting/running instance at once: ``manual-stop``, its running node too."""
        snap = self.view(now)
        nodes = []
        for node in snap.nodes:
            if node.status == "running":
                node = replace(node, status="manual-stop", end_time=now)
            elif node.status == "waiting":
                node = replace(node, status="skip", log_path=None)
            nodes.append(node)
        self.base = Snapshot("manual-stop", snap.start_time, now, snap.submit_time, tuple(nodes))
        self.run = None


class FactoryJob:
    """A DataArts Factory job in one workspace, with its instances (newest plan time first)."""

    __slots__ = ("info", "instances", "job_id", "job_type", "name", "nodes", "runs", "schedule", "workspace")

    def __init__(self, spec: dict[str, Any], project: str) -> None:
        self.name: str = spec["name"]
        self.job_type: str = spec["job_type"]
        self.schedule = JobSchedule(spec)
        self.runs: list[dict[str, Any]] = list(spec["runs"])  # scripted run-once outcomes
        #: the job list's descriptive fields (owner, priority, create/update times, tags)
        self.info = {key: spec[key] for key in ("owner", "priority", "create_time", "last_update_time", "tags")}
        self.workspace: str = spec["workspace"]
        self.job_id: int = spec["job_id"]
        self.nodes: list[dict[str, str]] = spec["nodes"]
        self.instances: dict[int, FactoryInstance] = {}
        for inst in spec["instances"]:
            self.instances[inst["instance_id"]] = FactoryInstance(self, inst, project)

    def node_names(self) -> list[str]:
        """The job's node names in execution order."""
        return [n["name"] for n in self.nodes]

    def newest_first(self) -> list[FactoryInstance]:
        """Instances, newest plan time first."""
        return sorted(self.instances.values(), key=lambda i: (i.plan_time, i.instance_id), reverse=True)

    def latest_rows(self, now: int) -> dict[int, FactoryInstance]:
        """The newest listed row of each plan time (by submit time, version, id): what a rerun acts on."""
        latest: dict[int, FactoryInstance] = {}
        for inst in self.instances.values():
            if not inst.visible(now):
                continue
            key = (inst.view(now).submit_time, inst.version, inst.instance_id)
            current = latest.get(inst.plan_time)
            if current is None or key > (current.view(now).submit_time, current.version, current.instance_id):
                latest[inst.plan_time] = inst
        return latest


def is_finished(status: str) -> bool:
    """Whether a restart/rerun may be accepted for an instance in this status."""
    return status in FINISHED
