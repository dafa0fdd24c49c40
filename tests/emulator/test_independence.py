"""The emulator is an independent reading of the API documents: no provider client code, no Airflow."""

from __future__ import annotations

import ast
import json
import pathlib
import subprocess
import sys

import airflow_provider_dataarts.emulator as package

PACKAGE_DIR = pathlib.Path(package.__file__).parent
ALLOWED_THIRD_PARTY = {"aiohttp", "multidict", "requests", "yaml", "pytest"}


def _imports(path: pathlib.Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_only_allowed_imports():
    for path in PACKAGE_DIR.glob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            if top == "airflow_provider_dataarts":
                assert name.startswith("airflow_provider_dataarts.emulator"), f"{path.name} imports {name}"
            else:
                assert top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY, f"{path.name} imports {name}"


def test_loading_the_server_pulls_in_neither_airflow_nor_the_client():
    code = (
        "import json, sys\n"
        "import airflow_provider_dataarts.emulator.__main__\n"
        "import airflow_provider_dataarts.emulator.server\n"
        "roots = ('airflow', 'airflow_provider_dataarts')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in roots)))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    modules = json.loads(output.stdout)
    assert not [m for m in modules if m == "airflow" or m.startswith("airflow.")]
    assert all(m == "airflow_provider_dataarts" or m.startswith("airflow_provider_dataarts.emulator") for m in modules)


def test_small_modules():
    for path in PACKAGE_DIR.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name
