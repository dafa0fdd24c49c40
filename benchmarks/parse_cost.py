"""DAG-parse cost: importing the provider's operators and sensors, beyond what ``import airflow`` costs.

Side by side with the dbt Cloud provider's operators module (``apache-airflow-providers-dbt-cloud``,
a benchmark-only dependency): each measurement is a fresh interpreter that imports Airflow, then
times the provider imports; the variants take turns, median of ``--runs`` processes each.

    python benchmarks/parse_cost.py [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import PYTHON, airflow_env, emit, median, table

VARIANTS = {
    "airflow-provider-dataarts (4 operators + 4 sensors)": [
        "airflow_provider_dataarts.operators.factory",
        "airflow_provider_dataarts.operators.quality",
        "airflow_provider_dataarts.operators.modelarts",
        "airflow_provider_dataarts.sensors.factory",
        "airflow_provider_dataarts.sensors.quality",
        "airflow_provider_dataarts.sensors.modelarts",
    ],
    "dbt Cloud operators module": ["airflow.providers.dbt.cloud.operators.dbt"],
}
PROBE = """
import json, resource, sys, time
import airflow
airflow.providers_manager  # noqa: what a DAG file's process has loaded before it imports operators
before_modules = set(sys.modules)
started = time.perf_counter()
for name in sys.argv[1:]:
    __import__(name)
elapsed = time.perf_counter() - started
HEAVY = ("aiohttp", "requests", "tenacity", "airflow_provider_dataarts.emulator", "airflow_provider_dataarts.hooks")
heavy = sorted(m for m in HEAVY if m in sys.modules and m not in before_modules)
print(json.dumps({"seconds": elapsed, "modules": len(set(sys.modules) - before_modules), "heavy": heavy}))
"""


def measure(modules: list[str], env: dict[str, str]) -> dict:
    output = subprocess.run(
        [PYTHON, "-c", PROBE, *modules], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    env = airflow_env()
    subprocess.run([PYTHON, "-c", "import airflow"], env=env, capture_output=True, check=True)  # warm the file cache
    samples: dict[str, list[dict]] = {name: [] for name in VARIANTS}
    for _ in range(args.runs):
        for name, modules in VARIANTS.items():
            samples[name].append(measure(modules, env))
    rows, medians = [], {}
    for name, runs in samples.items():
        medians[name] = median(run["seconds"] for run in runs) * 1000
        rows.append([name, f"{medians[name]:.1f}", runs[0]["modules"], ", ".join(runs[0]["heavy"]) or "none"])
    print(table(rows, ["imported after `import airflow`", "median ms", "new modules", "heavy modules pulled in"]))
    ours, dbt = medians.values()
    print(
        f"ratio: the provider costs {ours / dbt:.2f}x what the dbt Cloud operators cost (goal <= 1.0), "
        f"median of {args.runs} fresh processes each"
    )
    emit(
        {
            "benchmark": "parse_cost",
            "ours_ms": round(ours, 1),
            "dbt_ms": round(dbt, 1),
            "ratio": round(ours / dbt, 2),
            "runs": args.runs,
            "heavy_modules": samples[next(iter(VARIANTS))][0]["heavy"],
        }
    )


if __name__ == "__main__":
    main()
