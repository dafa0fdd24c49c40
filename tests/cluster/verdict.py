"""Judging a cluster run from the emulator's request log and Airflow's REST API.

- duplicate actions: as the soak counts them (``tests/soak/scoring.py``): a second accepted action on a
  target whose previous run had not ended in failure;
- wrong stops: stop calls on a run whose task no user killed; missed stops: a user-killed task whose
  run was going at the kill (where the API can stop it) and was never stopped;
- wrong states: final task states other than the scenario's script (a user-killed task: ``failed``,
  its sensor ``upstream_failed``);
- takeover: for each triggerer killed or frozen, the longest any of its waits stayed with it;
- leaks: the connections' secrets found in any component's or task's log.
"""

from __future__ import annotations

import collections
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from tests.cluster.chaos import PROCESS_KINDS, STOPPABLE_TASKS, TASK_OF_KIND, Chaos, Watcher
from tests.soak.plan import expected_states
from tests.soak.scoring import ACTIONS, _run_length_ms, _target_of, duplicates

STOPS = ("dlf.stop", "modelarts.stop")
#: seconds from a user's "mark failed" to the trigger's look at the run: the scheduler, the triggerer's
#: loop and its state check (measured 7-10 s in these runs)
KILL_REACH = 15.0
SENSOR_OF = {"v1_restart": "v1_sensor", "vis_restart": "vis_sensor"}


def _stopped_task(entry: dict[str, Any], owners: dict[tuple[str, str], int]) -> tuple[int, str] | None:
    """(run number, operator task) whose run a stop call stopped."""
    path = entry["path"]
    if entry["route"] == "modelarts.stop":
        key = ("vis", path.split("/visualization-jobs/")[1].split("/")[0])
    else:
        job = unquote(path.split("/jobs/")[1].split("/instances")[0])
        key = ("v1" if " v1 " in job else "v2", job)
    run = owners.get(key)
    task = {"v1": "v1_restart", "v2": "v2_rerun", "vis": "vis_restart"}[key[0]]
    return None if run is None else (run, task)


def _running_when_killed(found: dict[str, Any], run_of: dict, log: list) -> dict[tuple[int, str], bool | None]:
    """For each user-killed operator task: was its remote run going when the user killed it (the last action
    accepted before the kill, plus the run's scripted length)? None when too close to call: the run ended
    within :data:`KILL_REACH` of the kill, before the kill could reach its trigger."""
    kills = [event for event in found["events"] if event["kind"] == "user_kill"]
    offset = log[0]["vtime"] - log[0]["time"] * 1000 if log else 0.0  # the emulator's clock runs at speed 1
    task_kind = {task: kind for kind, task in TASK_OF_KIND.items()}
    running: dict[tuple[int, str], bool | None] = {}
    for event in kills:
        dag_id, run_id, task = event["task"]
        run = run_of[(dag_id, run_id)]
        kind = task_kind[task]
        if task not in STOPPABLE_TASKS:
            continue
        plan = found["plans"][run]
        killed_at = event["at"] * 1000 + offset
        actions = [
            entry["vtime"]
            for entry in log
            if entry["route"] in ACTIONS
            and entry["status"] in (200, 204)
            and entry["fault"] in (None, "delay", "drop_after", "hold")
            and _target_of(entry) == (kind, str(_target_name(kind, plan)))
            and entry["vtime"] <= killed_at
        ]
        if not actions:
            running[(run, task)] = False
            continue
        ends = max(actions) + _run_length_ms(kind, plan)
        running[(run, task)] = None if -3000 < ends - killed_at < KILL_REACH * 1000 else ends > killed_at
    return running


def _target_name(kind: str, plan: dict[str, Any]) -> Any:
    return {"v1": plan["v1"][0], "v2": plan["v2"][0], "quality": plan["quality"], "vis": plan["vis"]}[kind]


def evidence(plans: list, chaos: Chaos, watcher: Watcher, tis: list, log: list, nodes: dict) -> dict[str, Any]:
    """Everything the verdict reads, as JSON (kept with the cluster's files, so a verdict can be redone)."""
    return {
        "plans": plans,
        "run_ids": {str(run): list(ids) for run, ids in chaos.run_ids.items()},
        "user_killed": sorted(list(key) for key in chaos.user_killed),
        "events": [
            {
                "kind": event.kind,
                "victim": event.victim,
                "at": event.at,
                "task": list(event.task) if event.task else None,
                "detail": event.detail,
                "waits": len(event.affected),
                "takeover": watcher.takeover_seconds(event) if event.kind.startswith("triggerer_") else None,
            }
            for event in chaos.events
        ],
        "task_instances": tis,
        "requests": log,
        "restarts": {name: node.starts - 1 for name, node in nodes.items() if node.starts > 1},
    }


def judge(found: dict[str, Any]) -> dict[str, Any]:
    plans, log, events = found["plans"], found["requests"], found["events"]
    owners = {}
    for plan in plans:
        for kind, target in (("v1", plan["v1"][0]), ("v2", plan["v2"][0]), ("vis", plan["vis"])):
            owners[(kind, str(target))] = plan["run"]
    run_of = {tuple(ids): int(run) for run, ids in found["run_ids"].items()}
    killed = {(run_of[(dag, run_id)], task) for dag, run_id, task in found["user_killed"]}
    stops: collections.Counter[tuple[int, str]] = collections.Counter()
    for entry in log:
        if entry["route"] in STOPS:
            target = _stopped_task(entry, owners)
            if target is not None:
                stops[target] += 1
    wrong_stops = sum(count for target, count in stops.items() if target not in killed)
    running = _running_when_killed(found, run_of, log)
    missed_stops = sorted(target for target in killed if running.get(target) and not stops[target])
    actual = {(run_of.get((ti["dag_id"], ti["dag_run_id"])), ti["task_id"]): ti for ti in found["task_instances"]}
    wrong, retried = [], 0
    for run in sorted(run_of.values()):
        expected = expected_states(plans[run])
        for task in [task for task in expected if (run, task) in killed]:
            expected[task] = "failed"
            if task in SENSOR_OF:
                expected[SENSOR_OF[task]] = "upstream_failed"
        for task, state in expected.items():
            ti = actual.get((run, task)) or {}
            retried += (ti.get("try_number") or 0) > 1
            if ti.get("state") != state:
                wrong.append(f"run {run} {task}: {ti.get('state')} (try {ti.get('try_number')}), expected {state}")
    _, duplicate = duplicates([plans[run] for run in run_of.values()], log)
    kinds = collections.Counter(event["kind"] for event in events)
    takeovers = [event["takeover"] for event in events if event["kind"].startswith("triggerer_")]
    never = sum(1 for seconds in takeovers if seconds is None)
    takeover = max((seconds for seconds in takeovers if seconds is not None), default=0.0)
    kills = sum(kinds[kind] for kind in PROCESS_KINDS)
    figures: dict[str, Any] = {
        "runs": len(run_of),
        "tasks": len(found["task_instances"]),
        "tasks retried": retried,
        "requests": len(log),
        "events by kind": dict(kinds),
        "events": [f"{event['kind']} {event['victim']} {event['detail']}".strip() for event in events],
        "waits on killed or frozen triggerers": sum(event["waits"] for event in events),
        "takeover seconds": [None if s is None else round(s, 1) for s in takeovers],
        "waits never taken over": never,
        "duplicate actions": duplicate,
        "wrong stops": wrong_stops,
        "user kills": len(killed),
        "stops after user kills": sum(stops[target] for target in killed),
        "missed stops": [f"run {run} {task}" for run, task in missed_stops],
        "user kills of runs already ended (nothing to stop)": sum(1 for value in running.values() if value is False),
        "wrong states": wrong[:30],
        "component restarts": found["restarts"],
    }
    figures["line"] = (
        f"cluster: {len(run_of)} runs, {kills} kills, {duplicate} duplicate actions, {wrong_stops} wrong stops, "
        f"{len(wrong)} wrong states, takeover max {takeover:.0f} s"
    )
    return figures


def leaks(root: Path, secrets: list[str]) -> list[str]:
    """Log files (components' and tasks') in which a secret appears."""
    found = []
    for path in root.rglob("*.log"):
        text = path.read_text(errors="replace")
        if any(secret in text for secret in secrets):
            found.append(str(path))
    return found


def accepted(figures: dict[str, Any], rounds: int) -> bool:
    kinds = figures["events by kind"]
    return (
        figures["duplicate actions"] == 0
        and figures["wrong stops"] == 0
        and not figures["wrong states"]
        and not figures["missed stops"]
        and figures["waits never taken over"] == 0
        and not figures.get("leaks")
        and all(kinds.get(kind, 0) >= rounds for kind in (*PROCESS_KINDS, "user_kill"))
    )
