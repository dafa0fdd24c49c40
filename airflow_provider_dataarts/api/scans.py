"""Reading whole lists whose paging and order the documents leave open, the same under every reading.

The DataArts lists document ``offset`` as a *page number* in some places and read like a record
offset in others, and no list documents its order. So a window is never paged: it is asked for with
``offset`` 0 and a full page, and a window that holds more than one page is cut in two until each
part fits (times are integers in ms, so the parts neither overlap nor leave gaps). Where a list has
no time to cut by (per-rule results), the reading of ``offset`` is found out from the answers.

The Factory lists' bounds are exclusive and filter the start time (SDK 3.1.219 docstrings), which can
lie after the plan time up to now: every window asked for reaches from before the plan times to
past the service's *now*. "Now" is the service's clock as its answers' ``Date`` header gives it
(ours where an answer has none), so a window is right however far our clock is off.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from airflow_provider_dataarts.api import calls
from airflow_provider_dataarts.api.calls import Steps
from airflow_provider_dataarts.api.errors import DataArtsApiError
from airflow_provider_dataarts.api.models import (
    FactoryInstance,
    Job,
    JobInstance,
    Page,
    QualityInstance,
    QualityRuleResult,
)

T = TypeVar("T")

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
#: the longest window one v2 list call asks for ("at most one month", SDK docstring)
FACTORY_SPAN_MS = 30 * DAY_MS
#: the longest part of a window one v1 instance list call covers: its exclusive bounds lie 1 ms outside,
#: so the call asks for at most 7 days (v1 list page)
V1_SPAN_MS = 7 * DAY_MS - 1
#: the quality list documents no limit on its window: one request covers any
QUALITY_SPAN_MS = 1000 * 366 * DAY_MS
#: how far a start time may lie before the plan time (a waiting instance forced to run first), and
#: how far past the service's now a window reaches
MARGIN_MS = HOUR_MS
#: an end time later than any run: 2100-01-01
FAR_FUTURE_MS = 4_102_444_800_000
#: list requests one scan may send at most (a scan that needs more says so instead of hanging)
MAX_REQUESTS = 200
#: when nothing tells when a quality instance ran, windows widening back from now
QUALITY_LOOKBACK_MS = (DAY_MS, 7 * DAY_MS, 31 * DAY_MS, 366 * DAY_MS)


def now_ms() -> int:
    return int(time.time() * 1000)


class ScanTooLargeError(DataArtsApiError):
    """A window holds more rows at one instant than a page can carry, or needs too many requests."""


@dataclasses.dataclass
class Scan:
    """What a scan has read so far, and the service's clock as its last answer gave it."""

    requests: int = 0
    server_time: int | None = None

    def now(self) -> int:
        return self.server_time if self.server_time is not None else now_ms()

    def read(self, fetch: Callable[[int, int], Steps[Page[T]]], after: int, before: int) -> Steps[Page[T]]:
        self.requests += 1
        if self.requests > MAX_REQUESTS:
            raise ScanTooLargeError(f"reading the list needs more than {MAX_REQUESTS} requests")
        page = yield from fetch(after, before)
        if page.server_time is not None:
            self.server_time = page.server_time
        return page


def scan_window(
    fetch: Callable[[int, int], Steps[Page[T]]],
    low: int,
    high: int | None = None,
    *,
    longest: int,
    at_least: int = 0,
    scan: Scan | None = None,
    time_of: Callable[[T], int | None] | None = None,
) -> Steps[list[T]]:
    """Every row ``fetch(after, before)`` lists for times in ``[low, high]`` (inclusive), offset never used.

    ``high`` None reads up to the later of ``at_least`` and the service's now, plus :data:`MARGIN_MS`.
    Parts of at most ``longest`` ms are asked for with exclusive bounds; a part whose total exceeds what
    one page returned is cut in two: at the median ``time_of`` the rows that page showed, where given
    and inside the part (rows cluster: a burst of reruns within a second in a window of hours would
    cost a halving per doubling of the window), else in the middle. Either cut covers the part.
    """
    scan = scan or Scan()
    rows: list[T] = []
    pending: list[tuple[int, int]] = []
    next_start = low
    while True:
        if not pending:
            upper = high if high is not None else max(at_least, scan.now()) + MARGIN_MS
            if next_start > upper and (next_start > low or high is not None):  # the first part is always read
                return rows
            part_end = next_start + longest - 1
            pending.append((next_start, part_end if high is None else min(high, part_end)))
            next_start += longest
        first, last = pending.pop()
        page = yield from scan.read(fetch, max(first - 1, 0), last + 1)
        if page.total <= len(page.items):
            rows.extend(page.items)
        elif first < last:
            middle = _cut(page.items, first, last, time_of)
            pending += [(middle + 1, last), (first, middle)]
        else:
            raise ScanTooLargeError(f"{page.total} rows at one instant ({first}): more than a page holds")


def _cut(rows: Iterable[T], first: int, last: int, time_of: Callable[[T], int | None] | None) -> int:
    """Where to cut a full part ``[first, last]`` in two (``[first, cut]``, ``[cut + 1, last]``)."""
    if time_of is not None:
        times = sorted(t for t in map(time_of, rows) if isinstance(t, int) and first <= t < last)
        if times:
            return times[(len(times) - 1) // 2]
    return (first + last) // 2


def unique(rows: Iterable[T], key: Callable[[T], Hashable]) -> list[T]:
    """Rows without repeats (a window's parts or a page probe may show a row twice)."""
    seen: set[Hashable] = set()
    kept = []
    for row in rows:
        if key(row) not in seen:
            seen.add(key(row))
            kept.append(row)
    return kept


def all_pages(fetch: Callable[[int, int], Steps[Page[T]]], limit: int, key: Callable[[T], Hashable]) -> Steps[list[T]]:
    """Every row of a list with no time to cut by, whether ``offset`` counts pages or records.

    The second request asks for ``offset`` 1: if it repeats rows of the first page, offsets are
    records; otherwise pages. Rows are deduplicated by ``key`` either way.
    """
    first = yield from fetch(limit, 0)
    rows = list(first.items)
    if len(rows) >= first.total or not rows:
        return unique(rows, key)
    probe = yield from fetch(limit, 1)
    seen = {key(row) for row in rows}
    by_record = any(key(row) in seen for row in probe.items)
    rows += probe.items
    offset = limit if by_record else 2
    for _ in range(MAX_REQUESTS):
        found = unique(rows, key)
        if len(found) >= first.total:
            return found
        page = yield from fetch(limit, offset)
        if not page.items:
            return found
        rows += page.items
        offset += limit if by_record else 1
    raise ScanTooLargeError(f"reading the list needs more than {MAX_REQUESTS} requests")


# --- DataArts Factory v1 ---------------------------------------------------------------------------


def job_instances_since(
    job_name: str, since: int, *, workspace: str | None = None, scan: Scan | None = None
) -> Steps[list[JobInstance]]:
    """Every v1 instance of job ``job_name`` (exact name) that started at or after ``since``, up to the
    service's now plus the margin; every instance type (the one a run-once gets is not documented)."""

    def fetch(after: int, before: int) -> Steps[Page[JobInstance]]:
        return calls.list_job_instances(
            job_name, min_plan_time=after, max_plan_time=before, limit=1000, offset=0, workspace=workspace
        )

    rows = yield from scan_window(fetch, since, longest=V1_SPAN_MS, scan=scan, time_of=lambda row: row.plan_time)
    return [row for row in unique(rows, lambda row: row.instance_id) if row.job_name in (None, job_name)]


@dataclasses.dataclass(frozen=True)
class JobRunSnapshot:
    """A job before a run-once: its recent instances, which a new run will be told apart from."""

    since: int  # the earliest start time a run started from now on can show (the service's clock)
    recent: list[JobInstance]  # the job's instances already listed from ``since`` on

    @property
    def known(self) -> list[str]:
        return sorted(row.instance_id for row in self.recent)


def job_run_snapshot(job_name: str, *, workspace: str | None = None) -> Steps[JobRunSnapshot]:
    """The job's instances listed in the window a new run will show up in (from the service's now, less
    the margin)."""
    scan = Scan()
    yield from scan.read(  # one small read to learn the service's clock
        lambda after, before: calls.list_job_instances(job_name, limit=1, offset=0, workspace=workspace), 0, 0
    )
    since = scan.now() - MARGIN_MS
    recent = yield from job_instances_since(job_name, since, workspace=workspace, scan=scan)
    return JobRunSnapshot(since, recent)


#: the job list shows one type at a time (``BATCH`` when not asked): a job is looked for in both
JOB_TYPES = ("BATCH", "REAL_TIME")


def find_job(job_name: str, *, workspace: str | None = None) -> Steps[Job | None]:
    """The job named exactly ``job_name``, batch or real-time (the list's ``jobName`` filter may match
    more than one name), or None."""
    for job_type in JOB_TYPES:

        def fetch(limit: int, offset: int, job_type: str = job_type) -> Steps[Page[Job]]:
            return calls.list_jobs(job_name, job_type=job_type, limit=limit, offset=offset, workspace=workspace)

        jobs = yield from all_pages(fetch, 100, lambda job: job.name)
        found = next((job for job in jobs if job.name == job_name), None)
        if found is not None:
            return found
    return None


# --- DataArts Factory v2 ---------------------------------------------------------------------------


def list_all_factory_instances(
    job_name: str, *, min_plan_time: int, max_plan_time: int, workspace: str | None = None
) -> Steps[list[FactoryInstance]]:
    """Every v2 instance row of a job planned in ``[min_plan_time, max_plan_time]`` (both inclusive),
    reruns' rows included; :func:`newest_runs` keeps the newest of each plan time."""

    def fetch(after: int, before: int) -> Steps[Page[FactoryInstance]]:
        return calls.list_factory_instances(
            job_name, min_plan_time=after, max_plan_time=before, limit=1000, offset=0, workspace=workspace
        )

    rows = yield from scan_window(fetch, min_plan_time - MARGIN_MS, longest=FACTORY_SPAN_MS, at_least=max_plan_time)
    rows = unique(rows, lambda row: (row.instance_id, row.version, row.submit_time))
    return [row for row in rows if min_plan_time <= row.plan_time <= max_plan_time]


def newest_runs(rows: Iterable[FactoryInstance]) -> dict[int, FactoryInstance]:
    """The newest row of each plan time: a rerun may update its row or add one (undocumented), and
    the list's order is undocumented, so the newest is the latest submitted (then version, id)."""
    newest: dict[int, FactoryInstance] = {}
    for row in rows:
        current = newest.get(row.plan_time)
        if current is None or row.recency > current.recency:
            newest[row.plan_time] = row
    return newest


# --- DataArts Quality ------------------------------------------------------------------------------


def quality_instances_between(
    first: int,
    last: int | None = None,
    *,
    task_type: str | None = None,
    run_status: str | None = None,
    workspace: str | None = None,
    scan: Scan | None = None,
) -> Steps[list[QualityInstance]]:
    """Every quality instance whose listed (start) time lies in ``[first, last]`` (``last`` None: up to
    the service's now, plus the margin)."""

    def fetch(after: int, before: int) -> Steps[Page[QualityInstance]]:
        return calls.list_quality_instances(
            task_type=task_type,
            run_status=run_status,
            start_time=after,
            end_time=before,
            limit=100,
            offset=0,
            workspace=workspace,
        )

    rows = yield from scan_window(
        fetch, first, last, longest=QUALITY_SPAN_MS, scan=scan, time_of=lambda row: row.start_time
    )
    return unique(rows, lambda row: row.id)


def find_quality_instance(
    instance_id: str, *, since: int | None = None, task_type: str | None = None, workspace: str | None = None
) -> Steps[QualityInstance | None]:
    """One quality instance by id (the API has no single-instance call). With ``since`` (the earliest it
    can have started) one window is read; otherwise windows widening back from the service's now."""
    if since is not None:
        found = yield from quality_instances_between(since, task_type=task_type, workspace=workspace)
        return next((instance for instance in found if instance.id == str(instance_id)), None)
    scan = Scan()
    page = yield from scan.read(  # all time at once: enough for most workspaces, and it tells the time
        lambda after, before: calls.list_quality_instances(
            task_type=task_type, start_time=after, end_time=before, limit=100, offset=0, workspace=workspace
        ),
        0,
        FAR_FUTURE_MS,
    )
    match = next((instance for instance in page.items if instance.id == str(instance_id)), None)
    if match is not None or page.total <= len(page.items):
        return match
    searched_from = scan.now() + MARGIN_MS + 1
    for back in (*QUALITY_LOOKBACK_MS, None):
        first = 0 if back is None else max(0, scan.now() + MARGIN_MS - back)
        if first >= searched_from:
            continue
        found = yield from quality_instances_between(
            first, searched_from - 1, task_type=task_type, workspace=workspace, scan=scan
        )
        match = next((instance for instance in found if instance.id == str(instance_id)), None)
        if match is not None:
            return match
        searched_from = first
    return None


def quality_runs_of(
    rule_id: str, *, since: int, task_type: str | None = None, workspace: str | None = None
) -> Steps[list[QualityInstance]]:
    """The instances of quality job ``rule_id`` that started at or after ``since`` (the list has no job
    filter: the window is read and filtered by ``task_id``)."""
    found = yield from quality_instances_between(since, task_type=task_type, workspace=workspace)
    return [instance for instance in found if instance.task_id == str(rule_id)]


@dataclasses.dataclass(frozen=True)
class QualitySnapshot:
    """A quality job before a rerun: its runs in progress, and what a new run will be told apart from."""

    running: list[QualityInstance]
    since: int  # the earliest start time a run started from now on can show (the service's clock)
    known: list[str]  # the job's instances already listed from ``since`` on


def quality_snapshot(
    rule_id: str, *, task_type: str | None = None, workspace: str | None = None
) -> Steps[QualitySnapshot]:
    """Runs of the job in progress (the documented ``run_status=RUNNING`` filter), then the job's instances
    listed in the window a new run will show up in."""
    scan = Scan()
    running = yield from quality_instances_between(
        0, task_type=task_type, run_status="RUNNING", workspace=workspace, scan=scan
    )
    since = scan.now() - MARGIN_MS
    recent = yield from quality_instances_between(since, task_type=task_type, workspace=workspace, scan=scan)
    mine = [instance for instance in running if instance.task_id == str(rule_id)]
    known = sorted(instance.id for instance in recent if instance.task_id == str(rule_id))
    return QualitySnapshot(mine, since, known)


def get_quality_results(instance_id: str, *, workspace: str | None = None) -> Steps[list[QualityRuleResult]]:
    """Every per-rule result of a quality instance."""

    def fetch(limit: int, offset: int) -> Steps[Page[QualityRuleResult]]:
        return calls.quality_results_page(instance_id, limit=limit, offset=offset, workspace=workspace)

    return (yield from all_pages(fetch, 100, lambda result: (result.sub_rule_id, result.sub_instance_id)))
