"""``api.scans.newest_runs``: the run of a plan time is its newest row, never the last row listed.

Whether a v2 rerun updates its row or adds one with the same plan time is undocumented, and so is
the list's order: the newest row is the latest ``submit_time``, then the highest ``version``, then
the highest ``instance_id`` (a number), in whatever order the rows come.
"""

from __future__ import annotations

import itertools

import pytest

from airflow_provider_dataarts.api.models import FactoryInstance
from airflow_provider_dataarts.api.scans import newest_runs

P1, P2 = 1_795_226_400_000, 1_795_312_800_000  # two plan times a day apart


def run(instance_id: str, plan_time: int, submit_time: int, version: int | None = 1) -> FactoryInstance:
    return FactoryInstance(
        job_name="nightly_sales",
        job_id=917567,
        instance_id=instance_id,
        status="success",
        plan_time=plan_time,
        submit_time=submit_time,
        version=version,
    )


#: (rows of one plan time, the id of the newest): each tie broken by the next key only
TIES = {
    "submit_time decides over version and id": ([run("10", P1, P1 + 100, 5), run("9", P1, P1 + 200, 1)], "9"),
    "same submit_time: version decides over id": ([run("20", P1, P1 + 100, 1), run("19", P1, P1 + 100, 2)], "19"),
    "no version counts as the lowest": ([run("31", P1, P1 + 100, None), run("30", P1, P1 + 100, 1)], "30"),
    "same submit_time and version: id decides": ([run("41", P1, P1 + 100, 1), run("42", P1, P1 + 100, 1)], "42"),
    "ids compare as numbers": ([run("99", P1, P1 + 100, 1), run("100", P1, P1 + 100, 1)], "100"),
}


@pytest.mark.parametrize("order", ["oldest_first", "newest_first"])
@pytest.mark.parametrize(("rows", "newest"), list(TIES.values()), ids=list(TIES))
def test_the_newest_row_of_a_plan_time_whatever_the_order(rows, newest, order) -> None:
    listed = rows if order == "oldest_first" else rows[::-1]
    assert {plan_time: row.instance_id for plan_time, row in newest_runs(listed).items()} == {P1: newest}


def test_three_runs_of_a_plan_time_in_every_order() -> None:
    """The first run, a rerun as a new row, and a second rerun that updated that row (version 2)."""
    rows = [run("34771", P1, P1 + 60_000), run("34790", P1, P1 + 900_000), run("34790", P1, P1 + 900_000, 2)]
    for listed in itertools.permutations(rows):
        chosen = newest_runs(listed)[P1]
        assert (chosen.instance_id, chosen.version) == ("34790", 2), [row.instance_id for row in listed]


@pytest.mark.parametrize("order", ["oldest_first", "newest_first"])
def test_each_plan_time_keeps_its_own_newest_run(order) -> None:
    """Rows of two plan times interleaved: a later plan time's older run never replaces an earlier one's."""
    rows = [run("1", P1, P1 + 10), run("2", P2, P2 + 10), run("3", P1, P2 + 50), run("4", P2, P2 + 20)]
    listed = rows if order == "oldest_first" else sorted(rows, key=lambda row: -(row.submit_time or 0))
    assert {plan_time: row.instance_id for plan_time, row in newest_runs(listed).items()} == {P1: "3", P2: "4"}
    assert newest_runs([]) == {}
