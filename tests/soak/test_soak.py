"""A short soak in the normal suite (the full one: ``bash scripts/soak.sh``, 200 runs).

Runs a few DAG runs through ``dag.test()`` under random faults (see ``harness.py``) and holds the
figures to the bar: no duplicate action, no wrong final state, no task failed only by faults. Five runs:
each breaks a different kind of wait mid-way (``break_point``), in both DAGs (worker and deferred).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.secret_scan import scan_text

pytestmark = [pytest.mark.soak, pytest.mark.airflow3, pytest.mark.timeout(900)]
ROOT = Path(__file__).resolve().parents[2]


def test_short_soak(tmp_path) -> None:
    output = tmp_path / "soak.json"
    process = subprocess.run(
        [sys.executable, "-m", "tests.soak.harness", "--runs", "5", "--workers", "2", "--json", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=840,
        check=False,
    )
    scan_text(process.stdout + process.stderr)
    assert process.returncode == 0, process.stderr[-3000:]
    figures = json.loads(output.read_text())
    assert figures["runs"] == 5
    assert figures["duplicate actions"] == 0
    assert figures["wrong final task states"] == 0, figures["wrong states"]
    assert figures["failed only because of injected faults"] == 0
    assert figures["faults injected by kind"]  # faults really were injected
    assert figures["tasks retried"] > 0  # and some waits were broken mid-way and retried
