#!/usr/bin/env bash
# The compatibility jobs: the corners of what the metadata admits, each in its own venv from a
# dependency set pinned in this repo, each importing every module and running example DAGs through
# dag.test() against the emulator (docs/compatibility.md); two jobs run at a time:
#   floors   Python 3.11, every declared dependency at its floor (Airflow 2.11.0, common-compat 1.23.0...)
#   af31     Python 3.11, the newest Airflow 3.1 - every example DAG, and the kill-path tests
#   af32     Python 3.12, the newest Airflow 3.2 - and the kill-path tests
#   py313    Python 3.13, the newest Airflow (3.3, from uv.lock)
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
find_uv
PIPELINE=example_dataarts_pipeline
ALL_DAGS="example_dataarts_pipeline example_dataarts_quality example_dataarts_restart_instance example_dataarts_retry_instances example_dataarts_run_job example_modelarts_visualization"

run_job() {  # name, python version, constraints (or "lock"), DAGs...
  local name=$1 version=$2 pins=$3 venv=".venv-$1" python started
  shift 3
  started=$(date +%s)
  python=$(python_for "$version")
  step "Compatibility job $name: $("$python" --version), ${pins}"
  if [ "$pins" = lock ]; then
    UV_PROJECT_ENVIRONMENT="$ROOT/$venv" timeout -k 10 900 "$UV" sync --frozen --quiet --python "$python" --no-default-groups
  else
    [ -x "$venv/bin/python" ] || timeout -k 10 120 "$UV" venv --quiet --python "$python" "$venv"
    VIRTUAL_ENV="$ROOT/$venv" timeout -k 10 900 "$UV" pip install --quiet -r "constraints/$pins.txt" -e .
  fi
  timeout -k 10 300 "$venv/bin/python" scripts/check_imports.py 2>"$venv/imports.log" || { cat "$venv/imports.log"; exit 1; }
  if ! timeout -k 10 900 "$venv/bin/python" scripts/run_dags.py --scenario examples --expect success "$@" \
    >"$venv/dags.log" 2>&1; then
    tail -n 60 "$venv/dags.log"
    exit 1
  fi
  grep -E "^[a-z_]+: (SUCCESS|FAILED)" "$venv/dags.log"
  if [ -n "${KILL_TESTS:-}" ]; then  # the kill path and execution_timeout on this line's own Task SDK
    timeout -k 10 600 "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/operators/test_kill_and_deadline.py \
      >"$venv/kill.log" 2>&1 || { tail -n 60 "$venv/kill.log"; exit 1; }
    tail -n 1 "$venv/kill.log"
  fi
  echo "job $name passed in $(( $(date +%s) - started )) s"
}

# two lanes at once (each job has its own venv, emulator and AIRFLOW_HOME; the DAG runs mostly wait):
# the longest job in the foreground, the other three one after another beside it
lane_log=$(mktemp)
(
  run_job floors 3.11 floors "$PIPELINE"
  KILL_TESTS=1 run_job af32 3.12 airflow-3.2 "$PIPELINE"
  run_job py313 3.13 lock "$PIPELINE"
) >"$lane_log" 2>&1 &
lane=$!
trap 'kill "$lane" 2>/dev/null || true' EXIT  # a failing job here stops the other lane too
KILL_TESTS=1 run_job af31 3.11 airflow-3.1 $ALL_DAGS
lane_status=0
wait "$lane" || lane_status=$?
cat "$lane_log"
exit "$lane_status"
