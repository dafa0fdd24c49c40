#!/usr/bin/env bash
# The full fault-injection soak: 200 DAG runs through dag.test() on Airflow 3 while the emulator
# injects faults (the normal test suite runs a short version). Prints the figures the README quotes.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
ensure_airflow3
step "Soak: ${SOAK_RUNS:-200} DAG runs under injected faults"
timeout -k 30 5400 .venv/bin/python -m tests.soak.harness --runs "${SOAK_RUNS:-200}" --workers 4 "$@"
