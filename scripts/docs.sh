#!/usr/bin/env bash
# The documentation: Sphinx over docs/ (Markdown pages, the operators' arguments from their docstrings),
# warnings as errors. Output: build/docs/index.html.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
ensure_airflow3
step "Documentation (docs/ -> build/docs, warnings are errors)"
timeout -k 10 600 .venv/bin/sphinx-build -W --keep-going -q -b html docs build/docs
echo "build/docs/index.html"
