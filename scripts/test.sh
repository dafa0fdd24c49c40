#!/usr/bin/env bash
# The whole test suite (what CI runs): lint; the tests on Airflow 3 (newest) and on Airflow 2.11; the
# documentation (warnings are errors); the release checks (wheel, sdist, a clean pip install); the
# compatibility jobs (lowest Python with every dependency at its floor, Airflow 3.1 and 3.2, Python 3.13).
# Every test talks to the bundled emulator over HTTP on 127.0.0.1; nothing reaches Huawei Cloud.
# The browser tests (tests/browser, Airflow's UI in Chromium) run where /usr/bin/chromium is installed
# (apt-get install -y chromium) and are skipped elsewhere; scripts/screenshots.sh reruns them for the docs.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
started=$(date +%s)

ensure_airflow3
ensure_airflow2

step "ruff check and ruff format --check"
timeout -k 10 300 .venv/bin/ruff check .
timeout -k 10 300 .venv/bin/ruff format --check .

step "mypy"
timeout -k 10 600 .venv/bin/mypy

step "Tests on Airflow 3 ($(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("apache-airflow"))'))"
timeout -k 30 2400 .venv/bin/python -m pytest -q "$@"

step "Tests on Airflow 2.11 ($(.venv-af2/bin/python -c 'import importlib.metadata as m; print(m.version("apache-airflow"))'))"
# the property tests exercise parsers that do not touch Airflow: they run once, on Airflow 3
timeout -k 30 1500 .venv-af2/bin/python -m pytest -q -m "not deployment and not airflow3 and not properties" "$@"

bash scripts/docs.sh
bash scripts/package.sh
bash scripts/compat.sh

step "All tests passed in $(( $(date +%s) - started )) s"
