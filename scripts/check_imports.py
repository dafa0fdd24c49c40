"""Import every module of the provider (what Airflow and a user may import), and print how many."""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import tempfile

os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="dataarts-imports-"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")

import airflow

import airflow_provider_dataarts as package

names = [module.name for module in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
if importlib.util.find_spec("pytest") is None:  # the emulator's pytest plugin is for pytest users only
    names.remove("airflow_provider_dataarts.emulator.pytest_plugin")
for name in names:
    importlib.import_module(name)
version = package.__version__
print(f"imported {len(names)} modules of airflow_provider_dataarts {version} on Airflow {airflow.__version__}")
