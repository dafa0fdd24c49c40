"""Throughput of the emulator's hot path: signed GETs of a v1 instance detail (what sensors poll).

Starts the emulator CLI in a subprocess (pinned to one CPU when there are several), drives it from this
process with pre-signed requests over keep-alive aiohttp connections, and prints requests per second
and the emulator's CPU seconds per request (from /proc/<pid>/stat).

    .venv/bin/python benchmarks/emulator_throughput.py [--seconds 10] [--concurrency 32] [--min-rps 2000]

The signature is computed here with a few lines of stdlib (the emulator verifies it in full on every
request); requests stay valid for the gateway's 15-minute skew window.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from urllib.parse import quote, unquote

import aiohttp
from yarl import URL

AK = "EMULATORAK00000000000"
SK = "emulator-secret-key-0000000000000000000"
PROJECT = "0123456789abcdef0123456789abcdef"
TARGETS = [("nightly_sales", 34765), ("nightly_sales", 34766), ("daily report café", 34771), ("hourly_ingest", 34781)]


def signed_get(host: str, path: str, workspace: str) -> dict[str, str]:
    """Headers of a GET signed with SDK-HMAC-SHA256 (no query, no body)."""
    date = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    headers = {"content-type": "application/json", "host": host, "workspace": workspace, "x-sdk-date": date}
    names = sorted(headers)
    canonical_uri = "/".join(quote(p, safe="~") for p in unquote(path).split("/")) + "/"
    canonical = "\n".join(
        [
            "GET",
            canonical_uri,
            "",
            "".join(f"{n}:{headers[n]}\n" for n in names),
            ";".join(names),
            hashlib.sha256(b"").hexdigest(),
        ]
    )
    to_sign = f"SDK-HMAC-SHA256\n{date}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    signature = hmac.new(SK.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = f"SDK-HMAC-SHA256 Access={AK}, SignedHeaders={';'.join(names)}, Signature={signature}"
    return headers


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def drive(base: str, seconds: float, concurrency: int) -> tuple[int, int, float]:
    """(ok responses, other responses, elapsed seconds) for ``seconds`` of closed-loop load."""
    host = base.split("://", 1)[1]
    prepared = []
    for name, instance in TARGETS:
        path = f"/v1/{PROJECT}/jobs/{quote(name, safe='')}/instances/{instance}"
        prepared.append((URL(base + path, encoded=True), signed_get(host, path, "ws-default")))
    counts = [0, 0]
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    async with aiohttp.ClientSession(connector=connector, skip_auto_headers=("User-Agent",)) as session:

        async def worker(index: int) -> None:
            i = index
            while time.perf_counter() < deadline:
                url, headers = prepared[i % len(prepared)]
                i += 1
                async with session.get(url, headers=headers) as response:
                    await response.read()
                    counts[0 if response.status == 200 else 1] += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        elapsed = time.perf_counter() - start
    return counts[0], counts[1], elapsed


def main() -> int:
    """Run the benchmark; exit 1 when below ``--min-rps``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--min-rps", type=float, default=2000.0)
    args = parser.parse_args()
    command = [sys.executable, "-m", "airflow_provider_dataarts.emulator", "--port", "0", "--speed", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline().strip() if process.stdout else ""
        if "listening on" not in line:
            print(f"emulator did not start: {line!r}", file=sys.stderr)
            return 2
        base = line.rsplit(" ", 1)[1]
        cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
        if len(cpus) >= 2:
            os.sched_setaffinity(process.pid, {cpus[0]})
            os.sched_setaffinity(0, set(cpus[1:]))
        asyncio.run(drive(base, 1.0, args.concurrency))  # warm-up
        cpu_before = cpu_seconds(process.pid)
        ok, other, elapsed = asyncio.run(drive(base, args.seconds, args.concurrency))
        cpu_used = cpu_seconds(process.pid) - cpu_before
    finally:
        process.terminate()
        process.wait(timeout=10)
    total = ok + other
    rps = total / elapsed
    per_request = cpu_used / max(total, 1)
    print(f"emulator {base} pinned to one CPU: {len(cpus) >= 2}; concurrency {args.concurrency}")
    print(f"requests: {total} in {elapsed:.2f} s ({ok} ok, {other} other)")
    print(f"throughput: {rps:,.0f} requests/s")
    capacity = 1 / per_request if per_request else float("inf")
    print(f"emulator CPU: {cpu_used:.2f} s = {per_request * 1e6:.0f} us/request (one-core capacity ~{capacity:,.0f}/s)")
    result = {
        "benchmark": "emulator_throughput",
        "requests_per_s": round(rps),
        "cpu_us_per_request": round(per_request * 1e6),
    }
    print("RESULT " + json.dumps(result))
    if other:
        print("error: some responses were not 200", file=sys.stderr)
        return 1
    return 0 if rps >= args.min_rps else 1


if __name__ == "__main__":
    sys.exit(main())
