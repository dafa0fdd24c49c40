"""Helpers shared by the benchmark scripts: the emulator in its own process, CPU pinning, output."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def airflow_env(**extra: str) -> dict[str, str]:
    """Environment for a process that imports Airflow: a throwaway home, no examples."""
    home = tempfile.mkdtemp(prefix="dataarts-bench-airflow-")
    env = {
        **os.environ,
        "AIRFLOW_HOME": home,
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "ERROR",
        "PYTHONWARNINGS": "ignore",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        **extra,
    }
    os.environ.update({key: env[key] for key in ("AIRFLOW_HOME", "AIRFLOW__CORE__LOAD_EXAMPLES", "PYTHONWARNINGS")})
    return env


def pin(cpu: int) -> None:
    """Keep this process on one CPU (the emulator and the load each get a core of their own)."""
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > cpu:
        os.sched_setaffinity(0, {cpu})


class EmulatorProcess:
    """``python -m airflow_provider_dataarts.emulator`` in a subprocess, pinned to CPU 0."""

    def __init__(self, scenario: dict[str, Any] | str, speed: float) -> None:
        if isinstance(scenario, dict):
            handle = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)  # noqa: SIM115
            json.dump(scenario, handle)
            handle.close()
            scenario = handle.name
        self.command = [
            PYTHON,
            "-m",
            "airflow_provider_dataarts.emulator",
            "--port",
            "0",
            "--scenario",
            scenario,
            "--speed",
            str(speed),
        ]
        self.process: subprocess.Popen | None = None
        self.url = ""

    def __enter__(self) -> EmulatorProcess:
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, text=True, preexec_fn=lambda: pin(0))
        line = self.process.stdout.readline()
        self.url = line.strip().rsplit(" ", 1)[-1]
        if not self.url.startswith("http"):
            raise RuntimeError(f"the emulator did not start: {line!r}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def cpu_seconds(self) -> float:
        """User + system CPU time of the emulator process so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def admin(self) -> Any:
        from airflow_provider_dataarts.emulator import EmulatorAdmin

        return EmulatorAdmin(self.url)

    def connection_json(self, scenario: dict[str, Any] | None = None) -> str:
        scenario = scenario or {}
        credential = (scenario.get("credentials") or [{}])[0]
        return json.dumps(
            {
                "conn_type": "huaweicloud_dataarts",
                "login": credential.get("ak", "EMULATORAK00000000000"),
                "password": credential.get("sk", "emulator-secret-key-0000000000000000000"),
                "extra": {
                    "region": "emulator-1",
                    "project_id": scenario.get("project_id", "0123456789abcdef0123456789abcdef"),
                    "workspace": "ws-default",
                    "endpoint": self.url,
                },
            }
        )


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def table(rows: list[list[Any]], header: list[str]) -> str:
    """A plain-text table, as the scripts print it."""
    cells = [[str(value) for value in row] for row in [header, *rows]]
    widths = [max(len(row[index]) for row in cells) for index in range(len(header))]
    lines = ["  ".join(value.ljust(width) for value, width in zip(row, widths)) for row in cells]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def emit(result: dict[str, Any]) -> None:
    """The machine-readable last line that ``benchmarks/run_all.py`` collects."""
    print("RESULT " + json.dumps(result))
