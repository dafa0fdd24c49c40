"""Scoring the soak from the emulator's request log and the scenario's script.

An *accepted* action is one the emulator processed: answered 2xx (possibly after an injected delay)
or dropped after processing. An accepted action on a target is a *duplicate* unless it is the first,
or the run started by the previous accepted action had already ended in failure (then acting again
is what a task retry is for).
"""

from __future__ import annotations

import collections
import itertools
from typing import Any
from urllib.parse import unquote

ACTIONS = {
    "dlf.restart": "v1",
    "factory.retry": "v2",
    "quality.rerun": "quality",
    "modelarts.restart": "vis",
    "dlf.run_once": "run",
    "dlf.start_job": "start",
    "dlf.stop_job": "stop",
}


def _target_of(entry: dict[str, Any]) -> tuple[str, str]:
    kind = ACTIONS[entry["route"]]
    if kind == "quality":
        return kind, str((entry.get("body") or {}).get("rule_id"))
    if kind == "vis":
        return kind, entry["path"].split("/visualization-jobs/")[1].split("/")[0]
    if kind in ("run", "start", "stop"):
        return kind, unquote(entry["path"].split("/jobs/")[1].rsplit("/", 1)[0])
    return kind, unquote(entry["path"].split("/jobs/")[1].split("/instances")[0])


def _run_length_ms(kind: str, plan: dict[str, Any]) -> float:
    timing = plan["timing"]
    if kind in ("v1", "v2", "run"):
        seconds = timing["lag"] + timing["wait"] + timing["duration"]
    elif kind == "quality":
        seconds = timing["lag"] + timing["duration"]
    else:
        steps = 3 if plan["succeed"]["vis"] else 2  # the walk [1, 4, 7, 8] or [1, 4, 5]
        seconds = timing["lag"] + timing["duration"] / 3 * steps
    return seconds * 1000


def duplicates(plans: list[dict[str, Any]], log: list[dict[str, Any]]) -> tuple[int, int]:
    """``(accepted actions, duplicates)`` over the whole soak."""
    owners: dict[tuple[str, str], dict[str, Any]] = {}
    for plan in plans:
        owners[("v1", plan["v1"][0])] = plan
        owners[("v2", plan["v2"][0])] = plan
        owners[("quality", plan["quality"])] = plan
        owners[("vis", plan["vis"])] = plan
        owners[("run", plan["run_job"])] = plan
        owners[("start", plan["schedule_job"])] = plan
        owners[("stop", plan["schedule_job"])] = plan
    accepted: dict[tuple[str, str], list[int]] = collections.defaultdict(list)
    for entry in log:
        if entry["route"] not in ACTIONS:
            continue
        processed = entry["fault"] in (None, "delay", "drop_after", "hold") and entry["status"] in (200, 204)
        if processed:
            accepted[_target_of(entry)].append(entry["vtime"])
    total = duplicate = 0
    for target, times in accepted.items():
        plan = owners[target]
        kind = target[0]
        times.sort()
        total += len(times)
        for previous, current in itertools.pairwise(times):
            # a schedule's start or stop never fails: a second one is always a duplicate
            failed = kind not in ("start", "stop") and not plan["succeed"][kind]
            ended_failed = failed and current >= previous + _run_length_ms(kind, plan)
            duplicate += not ended_failed
    return total, duplicate


def score(plans: list, results: list, log: list, expired: int, broken: int, seconds: float) -> dict[str, Any]:
    faults = collections.Counter(entry["fault"] for entry in log if entry["fault"])
    faults["token_expired (401 answered)"] = sum(1 for entry in log if entry["status"] == 401)
    faults["token_expiry (times all tokens expired)"] = expired
    faults["wait broken mid-way (503 bursts)"] = broken
    actions, duplicate = duplicates(plans, log)
    wrong, transient, retried, tasks = [], 0, 0, 0
    for result in results:
        for task_id, expected in result["expected"].items():
            state, tries = result["states"].get(task_id, ("none", 0))
            tasks += 1
            retried += tries > 1
            if state != expected:
                wrong.append(f"run {result['run']} {task_id}: {state}, expected {expected}")
                transient += expected == "success"
    return {
        "runs": len(results),
        "tasks": tasks,
        "tasks retried": retried,
        "requests": len(log),
        "faults injected by kind": dict(sorted(faults.items())),
        "actions accepted": actions,
        "duplicate actions": duplicate,
        "wrong final task states": len(wrong),
        "failed only because of injected faults": transient,
        "wrong states": wrong[:20],
        "minutes": round(seconds / 60, 1),
        "seconds per run (worker / deferred DAG)": [
            sorted(r["seconds"] for r in results if r["dag"].endswith(kind))[len(results) // 4] if results else None
            for kind in ("worker", "deferred")
        ],
    }
