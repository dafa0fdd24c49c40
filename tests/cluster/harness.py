"""A production-shaped Airflow deployment on loopback, and processes that die while it works.

    python tests/cluster/harness.py --runs 56 --seed 1 [--rounds 3]        (scripts/cluster.sh)

Airflow 3.3.2 on Postgres with the CeleryExecutor (Redis), two Celery workers and two triggerers,
scheduler, DAG processor and API server, each on its own "machine" (``nodes.py``), the provider from its
built wheel. DAG runs mixing the four operators and two sensors, waiting in a worker or deferred, run
against the emulator while ``chaos.py`` kills triggerers, freezes one past its health threshold, kills
Celery workers between an action and its record, restarts the scheduler and marks deferred tasks failed.

Judged from the emulator's request log and Airflow's REST API (``verdict.py``); the last line printed is
``cluster: R runs, K kills, D duplicate actions, S wrong stops, W wrong states, takeover max T s``.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.append(str(ROOT))  # tests.* from the checkout; the provider itself from the installed wheel

from tests.cluster import verdict  # noqa: E402
from tests.cluster.airflow_api import AirflowApi  # noqa: E402
from tests.cluster.chaos import KINDS, Chaos, Watcher  # noqa: E402
from tests.cluster.nodes import Postgres, Redis, cluster_nodes, common_settings, describe, free_port  # noqa: E402
from tests.soak.plan import conf_for, scenario  # noqa: E402

DAGS = Path(__file__).resolve().parent / "dags"
#: emulator seconds per real second: restarted runs take 30-90 s, so kills find waits in flight
SPEED = 1.0


def script_more_restarts(world: dict) -> None:
    """Every restart of a target ends the same way, however often a task tries (retries=3: four tries, and
    a killed worker's task may be retried on top)."""
    for job in world["factory_jobs"]:
        for instance in job["instances"]:
            instance["restarts"] = instance["restarts"][:1] * 8
    for job in world["quality_jobs"]:
        job["runs"] = job["runs"][:1] * 8
    for job in world["visualization_jobs"]:
        job["restarts"] = job["restarts"][:1] * 8


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def wait_until(what: str, check, timeout: float, nodes: dict) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if check():
            return
        dead = [name for name, node in nodes.items() if node.process is not None and not node.alive()]
        if dead:
            raise RuntimeError(f"{dead} exited while waiting for {what}:\n" + nodes[dead[0]].tail())
        time.sleep(1)
    raise RuntimeError(
        f"timed out waiting for {what}\n" + "\n".join(f"--- {n}\n{x.tail(1500)}" for n, x in nodes.items())
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=56)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="events of each kind")
    parser.add_argument("--keep", action="store_true", help="keep the cluster's files")
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--judge", metavar="EVIDENCE", help="only judge a kept run's evidence.json again")
    args = parser.parse_args()
    if args.judge:
        figures = verdict.judge(json.loads(Path(args.judge).read_text()))
        print(json.dumps({key: value for key, value in figures.items() if key != "line"}, indent=1))
        print(figures["line"])
        return 0 if verdict.accepted(figures, args.rounds) else 1

    import airflow_provider_dataarts
    from airflow_provider_dataarts.emulator import Emulator

    where = Path(airflow_provider_dataarts.__file__).resolve()
    if "site-packages" not in where.parts:
        raise SystemExit(f"the provider must come from its wheel, not the checkout ({where})")
    started = time.time()
    root = Path(tempfile.mkdtemp(prefix="dataarts-cluster-"))
    rng = random.Random(args.seed)
    world, plans = scenario(args.runs, args.seed)
    world["clock"]["speed"] = SPEED
    script_more_restarts(world)
    postgres = redis = None
    nodes: dict = {}
    try:
        with Emulator(scenario=world) as emulator:
            postgres, redis = Postgres(root), Redis(root)
            dags = root / "dags"
            shutil.copytree(DAGS, dags, ignore=shutil.ignore_patterns("__pycache__"))
            api_port = free_port()
            settings = common_settings(postgres, redis, dags, api_port)
            settings["AIRFLOW__API__MAXIMUM_PAGE_LIMIT"] = "1000"
            connections, secrets = {}, []
            for auth in ("aksk", "password"):
                conn = json.loads(emulator.connection_json(auth))
                connections[f"AIRFLOW_CONN_DATAARTS_CLUSTER_{auth.upper()}"] = json.dumps(conn)
                secrets += [
                    conn["password"],
                    *([conn["extra"]["security_token"]] if "security_token" in conn["extra"] else []),
                ]
            nodes = cluster_nodes(root, settings, connections)
            say(f"Postgres on :{postgres.port}, Redis on :{redis.port}, emulator at {emulator.url}; files in {root}")
            nodes["api-server"].run("db", "migrate")
            say(f"database migrated ({time.time() - started:.0f} s)")
            for node in nodes.values():
                node.start()
            say(f"started {describe(nodes)}")
            api = AirflowApi(f"http://127.0.0.1:{api_port}")
            wait_until("every component healthy", api.healthy, 240, nodes)
            wait_until(
                "the DAGs parsed",
                lambda: all(api.has_dag(f"dataarts_cluster_{m}") for m in ("worker", "deferred")),
                240,
                nodes,
            )
            say(f"healthy and parsed ({time.time() - started:.0f} s)")

            watcher = Watcher(api)
            watcher.start()
            chaos = Chaos(nodes, api, emulator.admin, watcher, plans)
            schedule = [kind for _ in range(args.rounds) for kind in KINDS]
            chaos_started = time.time()
            pace = 6.0  # seconds between DAG runs
            triggered = 0
            next_event = time.time() + 40
            while triggered < len(plans) or schedule:
                if triggered < len(plans) and time.time() >= chaos_started + triggered * pace:
                    plan = plans[triggered]
                    dag_id = "dataarts_cluster_deferred" if triggered % 2 else "dataarts_cluster_worker"
                    run_id = f"cluster_{triggered:03d}"
                    conf = conf_for(plan, "aksk")
                    conf["conn_id"] = f"dataarts_cluster_{'password' if rng.random() < 0.5 else 'aksk'}"
                    api.trigger(dag_id, run_id, conf)
                    chaos.run_ids[plan["run"]] = (dag_id, run_id)
                    triggered += 1
                    continue
                if schedule and time.time() >= next_event:
                    kind = schedule.pop(0)
                    event = chaos.do(kind)
                    say(f"{kind}: {event.victim if event else 'no moment came'} {event.detail if event else ''}")
                    next_event = time.time() + 10
                    continue
                time.sleep(0.5)
            say(f"all {triggered} runs triggered, {len(chaos.events)} events; waiting for the runs to end")

            def finished() -> bool:
                states = api.dag_run_states()
                return len(states) >= triggered and all(state in ("success", "failed") for state in states.values())

            wait_until("every DAG run to end", finished, 600, nodes)
            watcher.stop.set()
            found = verdict.evidence(plans, chaos, watcher, api.task_instances(), emulator.admin.requests(), nodes)
            (root / "evidence.json").write_text(json.dumps(found))
            figures = verdict.judge(found)
            figures["minutes"] = round((time.time() - started) / 60, 1)
            figures["seed"] = args.seed
    finally:
        for node in nodes.values():
            node.stop()
        if redis is not None:
            redis.stop()
        if postgres is not None:
            postgres.stop()
    figures["leaks"] = verdict.leaks(root, secrets)
    print(json.dumps({key: value for key, value in figures.items() if key != "line"}, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(figures))
    ok = verdict.accepted(figures, args.rounds)
    if ok and not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    else:
        print(f"cluster files kept in {root}")
    print(figures["line"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
