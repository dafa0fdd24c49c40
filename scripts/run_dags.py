"""Run example DAGs end to end through ``dag.test()`` against the bundled emulator, and report.

Used by the demo (``scripts/demo.sh``) and by the end-to-end tests, on Airflow 3 and 2.11 alike:

    python scripts/run_dags.py [--scenario examples] [--speed 120] [--json out.json] DAG_ID [DAG_ID ...]

It starts the emulator, points ``AIRFLOW_CONN_DATAARTS_DEFAULT`` at it, runs each DAG in a
throwaway ``AIRFLOW_HOME`` (deferrable tasks run their triggers inline), prints what was restarted
and what each wait saw, and exits non-zero if a DAG run did not end as ``--expect`` says.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ACTIONS = (
    "dlf.restart",
    "dlf.run_once",
    "dlf.start_job",
    "dlf.stop_job",
    "factory.retry",
    "quality.rerun",
    "modelarts.restart",
    "dlf.stop",
    "modelarts.stop",
)


def prepare_airflow(home: Path) -> None:
    """Environment for a throwaway Airflow (set before Airflow is imported) and its database."""
    os.environ.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(ROOT / "example_dags"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__UNIT_TEST_MODE="False",
        AIRFLOW__LOGGING__LOGGING_LEVEL=os.environ.get("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING"),
        DATAARTS_EXAMPLE_POLL_INTERVAL=os.environ.get("DATAARTS_EXAMPLE_POLL_INTERVAL", "0.5"),
    )
    home.mkdir(parents=True, exist_ok=True)
    migrate = subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"], capture_output=True, text=True, timeout=300, check=False
    )
    if migrate.returncode:
        sys.exit(f"airflow db migrate failed:\n{migrate.stdout}\n{migrate.stderr}")


def return_values(dag_id: str, run_id: str) -> dict[str, Any]:
    """Each task's return value (XCom), on Airflow 3 or 2."""
    from airflow.utils.session import create_session

    values: dict[str, Any] = {}
    with create_session() as session:
        try:
            from airflow.models.xcom import XComModel as XComTable
        except ImportError:  # Airflow 2
            from airflow.models.xcom import BaseXCom as XComTable
        rows = session.query(XComTable).filter_by(dag_id=dag_id, run_id=run_id, key="return_value").all()
        for row in rows:
            value = row.value
            if isinstance(value, (bytes, str)):
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            values[row.task_id] = value
    return values


def run_dag(dag_id: str, conf: dict[str, Any]) -> dict[str, Any]:
    folder = str(ROOT / "example_dags")
    try:
        from airflow.dag_processing.dagbag import DagBag  # Airflow 3.2+

        bag = DagBag(folder)
    except ImportError:  # Airflow 2.11, 3.1
        from airflow.models.dagbag import DagBag

        bag = DagBag(folder, include_examples=False)
    if dag_id not in bag.dags:
        return {"dag_id": dag_id, "state": "missing", "errors": {k: str(v) for k, v in bag.import_errors.items()}}
    started = time.monotonic()
    dag = bag.dags[dag_id]
    dag_run = dag.test(run_conf=conf or None)
    found = {ti.task_id: str(getattr(ti.state, "value", ti.state)) for ti in dag_run.get_task_instances()}
    states = {task.task_id: found.get(task.task_id, "none") for task in dag.topological_sort()}
    return {
        "dag_id": dag_id,
        "state": str(getattr(dag_run.state, "value", dag_run.state)),
        "seconds": round(time.monotonic() - started, 1),
        "tasks": states,
        "results": return_values(dag_id, dag_run.run_id),
    }


def describe(result: dict[str, Any]) -> list[str]:
    """What each task did and saw, one line per task."""
    lines = [f"{result['dag_id']}: {result['state'].upper()} in {result.get('seconds', '?')} s"]
    for task_id, state in result.get("tasks", {}).items():
        value = result.get("results", {}).get(task_id)
        detail = ""
        if isinstance(value, dict) and "kind" in value:
            what = (
                value.get("instance_id") or value.get("job_id") or value.get("job_name") or value.get("rule_id") or ""
            )
            acted = "acted" if value.get("acted") else "attached"
            detail = f"{value['kind']} {what}: {acted}, outcome {value.get('outcome', 'not awaited')}"
            detail += f", status {value.get('status')}" if value.get("status") else ""
            if value.get("seen"):
                detail += "; saw " + " -> ".join(value["seen"])
            if value.get("nodes"):
                detail += " [" + ", ".join(f"{n['node_name']}={n['status']}" for n in value["nodes"]) + "]"
            if value.get("instances"):
                detail += " [" + ", ".join(f"{i['instance_id']}={i['status']}" for i in value["instances"]) + "]"
            if value.get("rules"):
                detail += (
                    f" [{len(value['rules'])} rule result(s): sub-rules "
                    + ", ".join(str(r["sub_rule_id"]) for r in value["rules"])
                    + "]"
                )
        elif value is not None:
            detail = json.dumps(value)[:120]
        lines.append(f"  {task_id:<34} {state:<9} {detail}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dag_ids", nargs="+")
    parser.add_argument("--scenario", default="examples", help="bundled scenario name or a file path")
    parser.add_argument("--speed", type=float, default=20.0, help="virtual seconds per real second")
    parser.add_argument("--expect", default="success", help="the DAG run state every DAG must end in")
    parser.add_argument("--conf", default="{}", help="JSON run conf for every DAG")
    parser.add_argument("--json", help="write the results to this file")
    parser.add_argument("--home", help="AIRFLOW_HOME to use (default: a new temporary folder)")
    args = parser.parse_args()

    home = Path(args.home or tempfile.mkdtemp(prefix="dataarts-airflow-"))
    prepare_airflow(home)
    from airflow_provider_dataarts.emulator import Emulator

    with Emulator(scenario=args.scenario, speed=args.speed) as emulator:
        os.environ["AIRFLOW_CONN_DATAARTS_DEFAULT"] = emulator.connection_json()
        print(f"Emulator on {emulator.url} (scenario {args.scenario!r}, {args.speed:g}x virtual time)")
        results = [run_dag(dag_id, json.loads(args.conf)) for dag_id in args.dag_ids]
        log = emulator.admin.requests()
    for result in results:
        print("\n".join(describe(result)))
    actions = [entry for entry in log if entry["route"] in ACTIONS]
    print(f"Emulator saw {len(log)} requests; actions:")
    for entry in actions:
        body = f" {json.dumps(entry['body'])}" if entry["body"] else ""
        print(f"  {entry['method']} {entry['path']} -> {entry['status']}{body}")
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "requests": log}, indent=1, default=str))
    failed = [result["dag_id"] for result in results if result["state"] != args.expect]
    if failed:
        print(f"Not {args.expect}: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
