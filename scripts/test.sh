#!/usr/bin/env bash
# The whole test suite (what CI runs): lint; the tests on Airflow 3 (newest) and on Airflow 2.11; the
# documentation (warnings are errors); the release checks (wheel, sdist, a clean pip install); the
# compatibility jobs (lowest Python with every dependency at its floor, Airflow 3.1 and 3.2, Python 3.13).
# The Hypothesis property tests (CPU only, no clock) run in the background beside the last three steps.
# Arguments go to the two main pytest runs (e.g. -k NAME, -x).
# Every test talks to the bundled emulator over HTTP on 127.0.0.1; nothing reaches Huawei Cloud.
# The browser tests (tests/browser, Airflow's UI in Chromium) run where /usr/bin/chromium is installed
# (apt-get install -y chromium) and are skipped elsewhere; scripts/screenshots.sh reruns them for the docs.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
started=$(date +%s)

ensure_airflow3
ensure_airflow2
export DATAARTS_VENV_SYNCED=1  # the steps below (docs, package) need not sync .venv again

step "ruff check and ruff format --check"
timeout -k 10 300 .venv/bin/ruff check .
timeout -k 10 300 .venv/bin/ruff format --check .

step "mypy"
timeout -k 10 600 .venv/bin/mypy

step "Tests on Airflow 3 ($(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("apache-airflow"))'))"
# the property tests (pure CPU, no clock) run below, beside the docs, release and compatibility steps
timeout -k 30 2400 .venv/bin/python -m pytest -q -m "not properties" "$@"

step "Tests on Airflow 2.11 ($(.venv-af2/bin/python -c 'import importlib.metadata as m; print(m.version("apache-airflow"))'))"
# the property tests exercise parsers that do not touch Airflow: they run once, on Airflow 3
timeout -k 30 1500 .venv-af2/bin/python -m pytest -q -m "not deployment and not airflow3 and not properties" "$@"

step "Property tests (Hypothesis, on Airflow 3), in the background while the steps below run"
properties_log=$(mktemp)
timeout -k 30 1200 .venv/bin/python -m pytest -q -p no:cacheprovider -m properties >"$properties_log" 2>&1 &
properties=$!
trap 'kill "$properties" 2>/dev/null || true' EXIT  # a failing step below stops it too
bash scripts/docs.sh
bash scripts/package.sh
bash scripts/compat.sh
step "Property tests (Hypothesis)"
if ! wait "$properties"; then
  tail -n 80 "$properties_log"
  exit 1
fi
tail -n 1 "$properties_log"

step "All tests passed in $(( $(date +%s) - started )) s"
