#!/usr/bin/env bash
# Regenerates the docs' screenshots (docs/_static/screenshots/*.png): runs the browser tests in Debian's
# Chromium against a real Airflow 3 (API server, scheduler, triggerer) and the emulator, each test
# saving what it looked at. Needs /usr/bin/chromium (as root: apt-get install -y chromium).
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
if [ ! -x "${DATAARTS_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "Chromium is missing: apt-get install -y chromium (or set DATAARTS_CHROMIUM)" >&2
  exit 1
fi
ensure_airflow3
step "Browser tests, saving screenshots into docs/_static/screenshots"
DATAARTS_SCREENSHOTS="$ROOT/docs/_static/screenshots" timeout -k 10 900 .venv/bin/python -m pytest -q -m browser tests/browser
