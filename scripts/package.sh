#!/usr/bin/env bash
# Release checks: build the wheel and the sdist, validate their metadata (twine check), check that both
# carry LICENSE and NOTICE, install the wheel into a clean venv with plain pip, and see the provider
# in `airflow providers list`.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
ensure_airflow3
step "Wheel and sdist (dist/)"
rm -rf dist
timeout -k 10 300 "$UV" build --quiet --out-dir dist
timeout -k 10 120 .venv/bin/twine check --strict dist/*
for archive in dist/*.whl dist/*.tar.gz; do
  listing=$(.venv/bin/python -c 'import sys, tarfile, zipfile; a = sys.argv[1]
names = zipfile.ZipFile(a).namelist() if a.endswith(".whl") else tarfile.open(a).getnames()
print("\n".join(names))' "$archive")
  for file in LICENSE NOTICE; do
    grep -q "/$file\$\|^$file\$" <<<"$listing" || { echo "$archive lacks $file" >&2; exit 1; }
  done
done
echo "LICENSE and NOTICE are in $(ls dist | tr '\n' ' ')"
step "A clean venv, the wheel installed with plain pip"
clean=$(mktemp -d)
"$PY" -m venv "$clean/venv"
timeout -k 10 120 "$UV" export --quiet --frozen --no-hashes --no-emit-project --no-default-groups -o "$clean/constraints.txt"
timeout -k 10 900 "$clean/venv/bin/pip" install --quiet --disable-pip-version-check -c "$clean/constraints.txt" dist/*.whl \
  2> >(grep -v "^WARNING: Location 'file:" >&2)
AIRFLOW_HOME="$clean/home" AIRFLOW__CORE__LOAD_EXAMPLES=False timeout -k 10 300 "$clean/venv/bin/airflow" providers list \
  | grep -E "airflow-provider-dataarts" || { echo "the provider is not in 'airflow providers list'" >&2; exit 1; }
rm -rf "$clean"
