# Shared set-up for scripts/test.sh and scripts/demo.sh (sourced, not run).
# Builds, from the pinned dependency sets in this repo:
#   .venv      Airflow 3 (newest) from uv.lock, with the test and benchmark tools
#   .venv-af2  Airflow 2.11 from constraints/airflow-2.11.txt
# Needs only a Python 3.11-3.13 and the package registries: uv is installed with pip if it is missing.

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
export UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
export NO_PROXY="${NO_PROXY:-}${NO_PROXY:+,}127.0.0.1,localhost" no_proxy="${no_proxy:-}${no_proxy:+,}127.0.0.1,localhost"
UV_VERSION=0.13.9

step() { printf '\n==> %s\n' "$*"; }

find_python() {
  for candidate in "${PYTHON:-}" python3 python3.13 python3.12 python3.11 python; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info < (3, 14) else 1)' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  echo "Python 3.11, 3.12 or 3.13 is required (set PYTHON=/path/to/python3)." >&2
  return 1
}

PY=$(find_python)

find_uv() {
  if command -v uv >/dev/null 2>&1; then
    UV=$(command -v uv)
  else
    if [ ! -x "$ROOT/.cache/uv/bin/uv" ]; then
      step "Installing uv $UV_VERSION with pip (into .cache/uv)"
      "$PY" -m pip install --quiet --disable-pip-version-check --target "$ROOT/.cache/uv" "uv==$UV_VERSION"
    fi
    UV="$ROOT/.cache/uv/bin/uv"
  fi
}

# A CPython of version $1 (e.g. 3.13): on PATH, else installed by pyenv.
python_for() {
  local version=$1 candidate
  for candidate in "$(pyenv root 2>/dev/null)"/versions/"$version".*/bin/"python$version" \
    "$HOME"/.pyenv/versions/"$version".*/bin/"python$version" /root/.pyenv/versions/"$version".*/bin/"python$version" \
    "python$version"; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys' >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  echo "Python $version is required for the compatibility jobs (install it, e.g. with pyenv)." >&2
  return 1
}

ensure_airflow3() {
  find_uv
  [ -z "${DATAARTS_VENV_SYNCED:-}" ] || return 0  # scripts/test.sh synced it already
  step "Airflow 3 environment (.venv, from uv.lock)"
  timeout -k 10 900 "$UV" sync --frozen --quiet --python "$PY"
}

ensure_airflow2() {
  find_uv
  step "Airflow 2.11 environment (.venv-af2, from constraints/airflow-2.11.txt)"
  [ -x .venv-af2/bin/python ] || timeout -k 10 120 "$UV" venv --quiet --python "$PY" .venv-af2
  VIRTUAL_ENV="$ROOT/.venv-af2" timeout -k 10 900 "$UV" pip install --quiet \
    -c constraints/airflow-2.11.txt -r constraints/airflow-2.11.in -e .
}
