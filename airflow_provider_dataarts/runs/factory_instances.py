"""DataArts Factory v2 instances of one or more jobs, observed through the v2 instance list.

Watch: :class:`FactoryInstancesWatch`. A plan time's run is its newest row in the list (a rerun may
update the row or add one; see :func:`~airflow_provider_dataarts.api.scans.newest_runs`).
The wait ends when every instance has started again and finished. There is no v2 stop API; the
instances are stopped one by one with the v1 stop call (same DataArts Factory instance ids).

Deferred, the waits on one job (and workspace) share one read of its v2 list per cycle (:data:`BATCH`):
the window covering every member's plan times, in parts of at most a month; each wait keeps the rows
of its own plan times. The failed instances' nodes are read from their detail once, at the end. A
rerun naming instances of several jobs polls on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, TypedDict, cast

from airflow_provider_dataarts.api.phases import Phase
from airflow_provider_dataarts.runs.base import MAX_LISTED, Batch, Kind, Observation
from airflow_provider_dataarts.runs.job_instance import failure_text

if TYPE_CHECKING:
    from airflow_provider_dataarts.api.calls import Steps
    from airflow_provider_dataarts.api.models import FactoryInstance


class FactoryTarget(TypedDict):
    """One instance a rerun named (mode 1) or found in its window (mode 2); ``baseline`` is
    ``[status, submit_time, start_time, end_time]`` before the rerun, or None."""

    job_name: str
    workspace: str | None
    plan_time: int
    baseline: list[Any] | None


class FactoryInstancesWatch(TypedDict):
    """Either ``targets`` (an operator's rerun), or ``window``: ``[min_plan_time, max_plan_time]`` (ms)
    when the instances are not known in advance (the sensor): every instance of ``job_name`` planned in it."""

    job_name: str
    workspace: str | None
    targets: list[FactoryTarget] | None
    window: list[int] | None


def iso(ms: int | None) -> str:
    if ms is None:
        return "?"
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _groups(watch: FactoryInstancesWatch) -> dict[tuple[str, str | None], list[FactoryTarget]]:
    groups: dict[tuple[str, str | None], list[FactoryTarget]] = {}
    for target in watch.get("targets") or ():
        groups.setdefault((target["job_name"], target.get("workspace") or watch.get("workspace")), []).append(target)
    return groups


def collect(watch: FactoryInstancesWatch) -> Steps[list[tuple[FactoryTarget | None, FactoryInstance | None]]]:
    """``(target, instance)`` pairs: each named target with the newest run of its plan time (None if
    unlisted); in window mode, the newest run of every plan time in the window."""
    from airflow_provider_dataarts.api import scans

    pairs: list[tuple[FactoryTarget | None, FactoryInstance | None]] = []
    window = watch.get("window")
    if window:
        found = yield from scans.list_all_factory_instances(
            watch["job_name"], min_plan_time=window[0], max_plan_time=window[1], workspace=watch.get("workspace")
        )
        return [(None, instance) for _, instance in sorted(scans.newest_runs(found).items())]
    for (job_name, workspace), targets in _groups(watch).items():
        plan_times = [target["plan_time"] for target in targets]
        found = yield from scans.list_all_factory_instances(
            job_name, min_plan_time=min(plan_times), max_plan_time=max(plan_times), workspace=workspace
        )
        newest = scans.newest_runs(found)
        pairs.extend((target, newest.get(target["plan_time"])) for target in targets)
    return pairs


def _workspace_of(watch: FactoryInstancesWatch, instance: FactoryInstance) -> str | None:
    for target in watch.get("targets") or ():
        if target["job_name"] == instance.job_name and target["plan_time"] == instance.plan_time:
            return target.get("workspace") or watch.get("workspace")
    return watch.get("workspace")


def _started(target: FactoryTarget | None, instance: FactoryInstance | None) -> bool:
    if instance is None:
        return False
    baseline = target.get("baseline") if target else None
    return baseline is None or instance.fingerprint() != list(baseline)


def summarize(instance: FactoryInstance) -> dict[str, Any]:
    return {
        "job_name": instance.job_name,
        "job_id": instance.job_id,
        "instance_id": instance.instance_id,
        "plan_time": instance.plan_time,
        "status": instance.status,
        "submit_time": instance.submit_time,
        "start_time": instance.start_time,
        "end_time": instance.end_time,
    }


def describe(watch: FactoryInstancesWatch) -> str:
    targets = watch.get("targets")
    if targets:
        jobs = sorted({target["job_name"] for target in targets})
        return f"DataArts Factory rerun of {len(targets)} instance(s) of {', '.join(map(repr, jobs))}"
    first, last = watch.get("window") or (None, None)
    return f"DataArts job {watch['job_name']!r} instances planned {iso(first)}..{iso(last)}"


def observe(watch: FactoryInstancesWatch) -> Steps[Observation]:
    pairs = yield from collect(watch)
    return (yield from _observation(watch, pairs))


def _observation(
    watch: FactoryInstancesWatch, pairs: list[tuple[FactoryTarget | None, FactoryInstance | None]]
) -> Steps[Observation]:
    """The watch's observation from its ``(target, newest run)`` pairs (the failed runs' details at the end)."""
    from airflow_provider_dataarts.api import calls

    instances = [instance for _, instance in pairs if instance is not None]
    started = bool(pairs) and all(_started(target, instance) for target, instance in pairs)
    phases = [instance.phase for instance in instances]
    if not started or any(phase in (Phase.IN_PROGRESS, Phase.UNKNOWN) for phase in phases):
        phase = Phase.IN_PROGRESS
    elif any(phase is Phase.STALLED for phase in phases):
        phase = Phase.STALLED
    elif all(phase is Phase.SUCCEEDED for phase in phases):
        phase = Phase.SUCCEEDED
    else:
        phase = Phase.FAILED
    failed = [instance for instance in instances if instance.phase is Phase.FAILED]
    failure = None
    if failed and phase is Phase.FAILED:
        parts = []
        for item in failed[:10]:  # the list has no nodes: read the failed instances' detail once, at the end
            detail = yield from calls.get_job_instance(
                item.job_name or watch["job_name"], item.instance_id, workspace=_workspace_of(watch, item)
            )
            nodes = failure_text(item.status, detail.failed_nodes())
            described = f"{item.job_name} planned {iso(item.plan_time)} (instance {item.instance_id}, {item.status}"
            parts.append(described + (f"; {nodes})" if nodes else ")"))
        more = f" and {len(failed) - 10} more" if len(failed) > 10 else ""
        failure = "failed instances: " + ", ".join(parts) + more
    counts: dict[str, int] = {}
    for instance in instances:
        counts[instance.status or "unknown"] = counts.get(instance.status or "unknown", 0) + 1
    status = ", ".join(f"{count} {name}" for name, count in sorted(counts.items())) or "no instances listed yet"
    summary = {
        "job_name": watch["job_name"],
        "instances": [summarize(instance) for instance in instances[:MAX_LISTED]],
        "instances_total": len(instances),
        "expected": len(pairs),
    }
    return Observation(started, phase, status, summary, failure)


def stop(watch: FactoryInstancesWatch) -> Steps[None]:
    from airflow_provider_dataarts.api import calls

    pairs = yield from collect(watch)
    for target, instance in pairs:
        if instance is not None and instance.phase is Phase.IN_PROGRESS:
            workspace = (target.get("workspace") if target else None) or watch.get("workspace")
            yield from calls.stop_job_instance(
                instance.job_name or watch["job_name"], instance.instance_id, workspace=workspace
            )


# --- many waits, one list read (deferred waits only: see triggers/observer.py) ----------------------


def _plan_range(watch: FactoryInstancesWatch) -> tuple[str, str | None, int, int] | None:
    """``(job, workspace, first plan time, last plan time)`` of a watch on one job, else None."""
    window = watch.get("window")
    if window:
        return watch["job_name"], watch.get("workspace"), window[0], window[1]
    groups = _groups(watch)
    if len(groups) != 1:
        return None
    ((job_name, workspace), targets), *_ = groups.items()
    plan_times = [target["plan_time"] for target in targets]
    return job_name, workspace, min(plan_times), max(plan_times)


def batch_group(watch: FactoryInstancesWatch) -> Hashable | None:
    found = _plan_range(watch)
    return None if found is None else found[:2]


def batch_read(watches: list[FactoryInstancesWatch]) -> Steps[list[FactoryInstance]]:
    """Every row of the job planned between the members' first and last plan times (reruns' rows too)."""
    from airflow_provider_dataarts.api import scans

    ranges = [found for found in map(_plan_range, watches) if found is not None]
    job_name, workspace = ranges[0][:2]
    return (
        yield from scans.list_all_factory_instances(
            job_name,
            min_plan_time=min(found[2] for found in ranges),
            max_plan_time=max(found[3] for found in ranges),
            workspace=workspace,
        )
    )


def batch_observe(watch: FactoryInstancesWatch, rows: list[FactoryInstance]) -> Steps[Observation | None]:
    """The watch's observation from the rows of its own plan times (a missing one: not started yet)."""
    from airflow_provider_dataarts.api import scans

    _, _, first, last = cast(tuple[str, str | None, int, int], _plan_range(watch))
    newest = scans.newest_runs(row for row in rows if first <= row.plan_time <= last)
    if watch.get("window"):
        pairs: list[tuple[FactoryTarget | None, FactoryInstance | None]] = [
            (None, instance) for _, instance in sorted(newest.items())
        ]
    else:
        pairs = [(target, newest.get(target["plan_time"])) for target in watch.get("targets") or ()]
    return (yield from _observation(watch, pairs))


BATCH: Batch[FactoryInstancesWatch, list[FactoryInstance]] = Batch(batch_group, batch_read, batch_observe)

KIND: Kind[FactoryInstancesWatch] = Kind(
    "factory_instances", describe, observe, stop, watch=FactoryInstancesWatch, batch=BATCH
)
