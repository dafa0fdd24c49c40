#!/usr/bin/env bash
# The main job: start the bundled emulator, run the recovery pipeline example DAG end to end on
# Airflow 3 (its deferrable tasks' triggers included), print what was restarted and what each wait
# saw, and stop the emulator. SCENARIO=pipeline_failure shows what a failed rerun looks like.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
started=$(date +%s)

ensure_airflow3
export PYTHONWARNINGS=ignore

step "The provider as Airflow sees it"
AIRFLOW_HOME=$(mktemp -d) AIRFLOW__CORE__LOAD_EXAMPLES=False timeout -k 10 120 \
  .venv/bin/airflow providers list 2>/dev/null | grep -E "^package_name|airflow-provider-dataarts"

step "Running example_dataarts_pipeline against the emulator (scenario ${SCENARIO:-examples})"
status=0
timeout -k 10 600 .venv/bin/python scripts/run_dags.py --scenario "${SCENARIO:-examples}" \
  --expect "$([ "${SCENARIO:-examples}" = pipeline_failure ] && echo failed || echo success)" \
  example_dataarts_pipeline || status=$?

step "Demo finished in $(( $(date +%s) - started )) s"
exit $status
