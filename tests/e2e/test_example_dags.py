"""Every example DAG through ``dag.test()`` against the emulator, on the Airflow running this suite.

The suite runs on Airflow 3 (newest) and on 2.11; deferrable tasks run their triggers inline. Each
run is a fresh process with its own ``AIRFLOW_HOME`` (``scripts/run_dags.py``, also the demo's runner).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.secret_scan import scan_text

pytestmark = pytest.mark.timeout(600)
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(path.stem for path in (ROOT / "example_dags").glob("example_*.py"))


def run_dags(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    output = tmp_path / "results.json"
    process = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "run_dags.py"),
            "--speed",
            "120",
            "--json",
            str(output),
            "--home",
            str(tmp_path / "home"),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    results = json.loads(output.read_text()) if output.exists() else {}
    scan_text(process.stdout + process.stderr)
    return process, results


def test_every_example_dag_succeeds(tmp_path) -> None:
    process, results = run_dags(tmp_path, *EXAMPLES)
    states = {result["dag_id"]: result["state"] for result in results.get("results", [])}
    assert process.returncode == 0 and states == dict.fromkeys(EXAMPLES, "success"), process.stdout[-6000:]
    for result in results["results"]:
        assert set(result["tasks"].values()) == {"success"}, result
    routes = [entry["route"] for entry in results["requests"]]
    # One action per acting task: nothing was restarted twice.
    assert routes.count("dlf.restart") == 3 and routes.count("factory.retry") == 3
    assert routes.count("quality.rerun") == 5 and routes.count("modelarts.restart") == 3
    assert routes.count("dlf.run_once") == 2 and routes.count("dlf.stop_job") == routes.count("dlf.start_job") == 1
    assert "restart_no_wait" in process.stdout and "outcome success" in process.stdout


def test_the_pipeline_fails_at_the_named_node(tmp_path) -> None:
    process, results = run_dags(
        tmp_path, "--scenario", "pipeline_failure", "--expect", "failed", "example_dataarts_pipeline"
    )
    (result,) = results["results"]
    assert process.returncode == 0 and result["state"] == "failed", process.stdout[-4000:]
    assert result["tasks"]["rerun_failed_instances"] == "failed"
    assert result["tasks"]["recheck_data_quality"] == "upstream_failed"
    log = process.stdout + process.stderr
    assert "failed nodes: load (fail, log obs://" in log
