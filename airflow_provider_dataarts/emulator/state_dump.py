"""``GET /_emulator/state``: the whole state as JSON, as every service would report it right now."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow_provider_dataarts.emulator.factory_v2 import render_item

if TYPE_CHECKING:
    from airflow_provider_dataarts.emulator.state import EmulatorState


def _factory(st: EmulatorState, now: int) -> list[dict[str, Any]]:
    jobs = []
    for job in st.factory.jobs.values():
        instances = []
        for inst in job.newest_first():
            snap = inst.view(now)
            item = render_item(inst, snap, now)
            item["nodes"] = [
                {
                    "name": n.name,
                    "type": n.type,
                    "status": n.status,
                    "retry_times": n.retry_times,
                    "start_time": n.start_time,
                    "end_time": n.end_time,
                    "log_path": n.log_path,
                }
                for n in snap.nodes
            ]
            run = inst.run
            item["pending"] = run is not None and run.final is None
            item["scripted_restarts_left"] = len(inst.script)
            if inst.params is not None:
                item["job_params"] = inst.params
            instances.append(item)
        jobs.append(
            {
                "name": job.name,
                "workspace": job.workspace,
                "job_id": job.job_id,
                "nodes": job.nodes,
                "job_type": job.job_type,
                "schedule": job.schedule.status(now),
                "schedule_params": job.schedule.params,
                "scripted_runs_left": len(job.runs),
                "instances": instances,
            }
        )
    return jobs


def _quality(st: EmulatorState, now: int) -> list[dict[str, Any]]:
    jobs = []
    for job in st.quality.jobs.values():
        instances = []
        for inst in sorted(job.instances, key=lambda i: i.id, reverse=True):
            state = inst.status(now)
            instances.append(
                {
                    "id": inst.id,
                    "run_status": state[0] if state else "PENDING",
                    "notify_status": state[1] if state else None,
                    "start_time": inst.start_time,
                    "end_time": inst.end_time,
                    "outcome": inst.outcome,
                    "alarming_rules": list(inst.alarming),
                    "listed": state is not None,
                }
            )
        jobs.append(
            {
                "id": job.id,
                "name": job.name,
                "rule_type": job.rule_type,
                "workspace": job.workspace,
                "rules": job.rules,
                "instances": instances,
                "scripted_runs_left": len(job.script),
            }
        )
    return jobs


def dump(st: EmulatorState) -> dict[str, Any]:
    """Everything an admin or a test may want to look at, computed at the current virtual time."""
    now = st.clock.now()
    visualization = []
    for job in st.visualization.values():
        item = job.render(now, st.project_id)
        del item["is_success"]
        item["workspace_id"] = job.workspace_id
        item["scripted_restarts_left"] = len(job.script)
        visualization.append(item)
    return {
        "clock": st.clock.as_json(),
        "project_id": st.project_id,
        "workspaces": st.workspaces,
        "config": st.config.as_json(),
        "rate_limit": st.limiter.as_json() if st.limiter else None,
        "faults": [f.as_json() for f in st.faults.faults],
        "chaos": st.faults.chaos.as_json() if st.faults.chaos else None,
        "tokens": len(st.tokens),
        "requests_logged": len(st.log.entries),
        "factory_jobs": _factory(st, now),
        "quality_jobs": _quality(st, now),
        "visualization_jobs": visualization,
    }
