#!/usr/bin/env bash
# Regenerates the docs' screenshots (docs/_static/screenshots/*.png): runs the browser tests in Debian's
# Chromium against a real Airflow 3 (API server, scheduler, triggerer) and the emulator, each test
# saving what it looked at. Needs Debian's chromium (/usr/bin/chromium, or DATAARTS_CHROMIUM): installed
# here with apt-get when this runs as root on Debian/Ubuntu; otherwise it says what to install.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
CHROMIUM="${DATAARTS_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ] && [ "$CHROMIUM" = /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  step "Installing Debian's chromium (apt-get)"
  DEBIAN_FRONTEND=noninteractive timeout -k 10 900 apt-get install -y --no-install-recommends chromium >/dev/null ||
    { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive timeout -k 10 900 apt-get install -y --no-install-recommends chromium >/dev/null; }
fi
if [ ! -x "$CHROMIUM" ]; then
  echo "Chromium is missing: apt-get install -y chromium (as root), or set DATAARTS_CHROMIUM" >&2
  exit 1
fi
ensure_airflow3
step "Browser tests, saving screenshots into docs/_static/screenshots"
DATAARTS_SCREENSHOTS="$ROOT/docs/_static/screenshots" timeout -k 10 900 .venv/bin/python -m pytest -q -m browser tests/browser
