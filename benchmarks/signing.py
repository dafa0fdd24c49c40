"""Signing throughput: the provider's signer against ``huaweicloudsdkcore``'s ``Signer``, same requests.

Both sign the same 1,000 generated requests (unicode and reserved characters, repeated and boolean
query values, '_' headers, empty / JSON / binary bodies, with and without a security token) in one
process; the outputs (Authorization and URI) are asserted identical first. Each side's best of
several rounds is reported, and the ratio.

    python benchmarks/signing.py [--requests 1000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["HOME"] = tempfile.mkdtemp(prefix="dataarts-bench-home-")  # huaweicloudsdkcore writes ~/.huaweicloud

from benchmarks._common import emit, pin, table
from tests.api.signing_cases import generate_request, sign_with_provider, sign_with_sdk


def rates(signers: dict[str, tuple], requests: list[dict], rounds: int) -> dict[str, float]:
    """Requests signed per second by each signer, best of ``rounds`` passes, the signers taking turns
    (so a busy neighbour slows both alike). Inputs a signer mutates are copied outside the timer."""
    best = dict.fromkeys(signers, float("inf"))
    for _ in range(rounds):
        for name, (sign, mutates_input) in signers.items():
            batch = (
                [{**request, "query": copy.deepcopy(request["query"])} for request in requests]
                if mutates_input
                else requests
            )
            started = time.perf_counter()
            for request in batch:
                sign(request)
            best[name] = min(best[name], time.perf_counter() - started)
    return {name: len(requests) / seconds for name, seconds in best.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    pin(1)
    rng = random.Random(2026)
    requests = [generate_request(rng) for _ in range(args.requests)]
    mismatches = sum(sign_with_provider(request) != sign_with_sdk(request) for request in requests)
    if mismatches:
        sys.exit(f"{mismatches} of {len(requests)} signatures differ from the SDK's")
    measured = rates(
        {"sdk": (lambda request: sign_with_sdk(request, copy_query=False), True), "ours": (sign_with_provider, False)},
        requests,
        args.rounds,
    )
    sdk, ours = measured["sdk"], measured["ours"]
    print(f"{len(requests)} generated requests, signatures identical to the SDK's: yes")
    print(
        table(
            [["huaweicloudsdkcore Signer", f"{sdk:,.0f}"], ["airflow-provider-dataarts", f"{ours:,.0f}"]],
            ["signer", "requests/s"],
        )
    )
    print(f"ratio: {ours / sdk:.2f}x the SDK's throughput (goal >= 2.5x)")
    emit(
        {
            "benchmark": "signing",
            "sdk_per_s": round(sdk),
            "ours_per_s": round(ours),
            "ratio": round(ours / sdk, 2),
            "identical": True,
            "requests": len(requests),
        }
    )


if __name__ == "__main__":
    main()
