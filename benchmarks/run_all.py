"""Run every benchmark, one after another, and print their figures as one table.

    python benchmarks/run_all.py          # about 50 minutes on a 2-core machine

Each script also runs on its own (see its docstring) and prints its own detail.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import PYTHON, ROOT, table

#: the longest a script may take (batched_waits.py runs four workloads of 1,000 waits, ends over minutes)
TIMEOUTS = {"batched_waits.py": 3600}
SCRIPTS = [
    "signing.py",
    "parse_cost.py",
    "emulator_throughput.py",
    "triggerer_scale.py",
    "rate_limit.py",
    "batched_waits.py",
    "requests_per_wait.py",
]


def summarize(result: dict) -> list[str]:
    name = result.get("benchmark", "?")
    if name == "signing":
        return [f"{result['ours_per_s']:,}/s vs SDK {result['sdk_per_s']:,}/s", f"{result['ratio']}x (goal >= 2.5x)"]
    if name == "parse_cost":
        return [f"{result['ours_ms']} ms vs dbt Cloud {result['dbt_ms']} ms", f"{result['ratio']}x (goal <= 1.0x)"]
    if name == "triggerer_scale":
        return [
            f"{result['waits']} waits: {result['rss_mb']} MB peak RSS, {result['cpu_ms_per_poll']} ms CPU/poll "
            f"(anchor {result['anchor_cpu_ms_per_poll']}), {result['right_outcomes']} right",
            f"CPU {result['cpu_ratio']}x (goal <= 0.5x); RSS goal <= 200 MB",
        ]
    if name == "rate_limit":
        return [
            f"{result['waits']} waits at {result['limit']}: {result['requests']} requests, {result['throttled']} 429s, "
            f"{result['failed']} failed",
            f"late p50/p95 {result['late_median_s']}/{result['late_p95_s']} s",
        ]
    if name == "batched_waits":
        return [
            f"{result['waits']} backfill waits at 40/10s: {result['requests']} requests, {result['right_outcomes']} "
            f"right; late p50/p95 {result['median_late_s']}/{result['p95_late_s']} s (per-run p50 "
            f"{result['per_run_median_late_s']} s)",
            f"p50 <= {2 * result['poll_interval_s']:g} s, p95 <= {4 * result['poll_interval_s']:g} s",
        ]
    if name == "requests_per_wait":
        totals = ", ".join(
            f"{key.split('Operator')[0]}={value['total']}"
            for key, value in result["results"].items()
            if key.endswith("aksk")
        )
        return [f"AK/SK: {totals}", "IAM: 1 token per process"]
    if "requests_per_s" in result:
        return [f"{result['requests_per_s']:,} signed status reads/s", "goal >= 2,000/s"]
    return [json.dumps(result)[:80], ""]


def main() -> None:
    rows = []
    for script in SCRIPTS:
        print(f"\n=== benchmarks/{script}", flush=True)
        started = time.monotonic()
        process = subprocess.run(
            [PYTHON, str(ROOT / "benchmarks" / script)],
            capture_output=True,
            text=True,
            timeout=TIMEOUTS.get(script, 900),
            check=False,
        )
        output = [line for line in process.stdout.splitlines() if "[info" not in line and "[warning" not in line]
        print("\n".join(line for line in output if not line.startswith("RESULT ")))
        results = [json.loads(line[7:]) for line in output if line.startswith("RESULT ")]
        seconds = f"{time.monotonic() - started:.0f}"
        if process.returncode or not results:
            rows.append([script, "FAILED", process.stderr.strip().splitlines()[-1:] or "", seconds])
            continue
        rows.append([script, *summarize(results[-1]), seconds])
    print()
    print(table(rows, ["benchmark", "figures", "against the goal", "seconds"]))


if __name__ == "__main__":
    main()
