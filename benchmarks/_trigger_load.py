"""One triggerer-like process: many triggers in one asyncio event loop, pinned to its own core.

Reads a JSON job from argv[1] and prints a JSON result line:
- ``{"impl": "ours", "triggers": [[class path, kwargs], ...]}``: run each of this provider's triggers
  to its first event; report when each wait learned its outcome (``"per_run": true``: every wait polls
  its own run, as before the list observers);
- ``{"impl": "http", "count": N, "endpoint": "/path/{n}", "poke_interval": s, "duration": s}``: run N
  ``HttpSensorTrigger`` polling the emulator for ``duration`` seconds (the anchor).
With ``BENCH_PROFILE=file`` our loop runs under cProfile and the stats go to ``file``.
Both report CPU seconds spent in the loop (modules loaded and triggers built beforehand, as in a
running triggerer), polls made, and peak RSS.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import pin

POLLS = 0


def count_polls(cls: type, method: str) -> None:
    original = getattr(cls, method)

    async def counted(self, *args, **kwargs):
        global POLLS
        POLLS += 1
        return await original(self, *args, **kwargs)

    setattr(cls, method, counted)


def build_ours(triggers: list, per_run: bool = False) -> list:
    """Our triggers from their serialized form, with what they use at run time already imported."""
    import aiohttp  # noqa: F401
    import tenacity  # noqa: F401

    from airflow_provider_dataarts.triggers import observer

    if per_run:

        async def no_group(*args, **kwargs):
            return None

        observer.join = no_group

    from airflow_provider_dataarts.hooks.dataarts_async import DataArtsAsyncHook
    from airflow_provider_dataarts.runs import factory_instances, job_instance, quality, visualization  # noqa: F401

    count_polls(DataArtsAsyncHook, "run")
    built = []
    for path, kwargs in triggers:
        module, name = path.rsplit(".", 1)
        built.append(getattr(importlib.import_module(module), name)(**kwargs))
    return built


async def run_ours(built: list) -> list[dict]:
    async def wait(trigger) -> dict:
        async for event in trigger.run():
            return {"status": event.payload["status"], "learned_at": time.time(), "watch": event.payload["watch"]}
        return {"status": "none", "learned_at": time.time()}

    return await asyncio.gather(*(wait(trigger) for trigger in built))


def build_anchor(count: int, endpoint: str, poke_interval: float) -> list:
    import aiohttp  # noqa: F401
    from airflow.providers.http.hooks.http import HttpAsyncHook
    from airflow.providers.http.triggers.http import HttpSensorTrigger

    count_polls(HttpAsyncHook, "run")
    return [HttpSensorTrigger(endpoint=endpoint.format(n=n), poke_interval=poke_interval) for n in range(count)]


async def run_anchor(triggers: list, duration: float) -> list[dict]:
    tasks = [asyncio.ensure_future(anext(trigger.run())) for trigger in triggers]
    await asyncio.sleep(duration)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return []


def main() -> None:
    job = json.loads(Path(sys.argv[1]).read_text())
    pin(1)
    import airflow.triggers.base  # noqa: F401 - what every triggerer has loaded

    if job["impl"] == "ours":
        built = build_ours(job["triggers"], job.get("per_run", False))
        cpu, wall = time.process_time(), time.monotonic()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            with cProfile.Profile() as profile:
                events = asyncio.run(run_ours(built))
            profile.dump_stats(os.environ["BENCH_PROFILE"])
        else:
            events = asyncio.run(run_ours(built))
    else:
        built = build_anchor(job["count"], job["endpoint"], job["poke_interval"])
        cpu, wall = time.process_time(), time.monotonic()
        events = asyncio.run(run_anchor(built, job["duration"]))
    result = {
        "cpu_s": time.process_time() - cpu,
        "wall_s": time.monotonic() - wall,
        "polls": POLLS,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "events": events,
    }
    print("LOAD " + json.dumps(result))


if __name__ == "__main__":
    main()
