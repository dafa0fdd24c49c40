"""The emulator's whole state: the loaded scenario, the worlds it builds, the clock and the switches.

One :class:`EmulatorState` lives in the server's event loop thread; handlers and the admin API
mutate it there, so no locking is needed.
"""

from __future__ import annotations

import collections
import time
from typing import Any

from airflow_provider_dataarts.emulator.clock import VirtualClock
from airflow_provider_dataarts.emulator.config import Config
from airflow_provider_dataarts.emulator.factory import FactoryStore
from airflow_provider_dataarts.emulator.faults import FaultBox
from airflow_provider_dataarts.emulator.gateway import RateLimiter
from airflow_provider_dataarts.emulator.iam import Token
from airflow_provider_dataarts.emulator.modelarts import VisualizationJob
from airflow_provider_dataarts.emulator.quality import QualityStore
from airflow_provider_dataarts.emulator.scenario import normalise, read_source
from airflow_provider_dataarts.emulator.state_dump import dump

LOG_LIMIT = 100_000


class RequestLog:
    """The service calls seen, oldest first, each with an increasing ``seq`` (bounded in size)."""

    def __init__(self) -> None:
        self.entries: collections.deque[dict[str, Any]] = collections.deque(maxlen=LOG_LIMIT)
        self.seq = 0

    def add(self, entry: dict[str, Any]) -> None:
        """Append an entry, numbering it."""
        self.seq += 1
        entry["seq"] = self.seq
        self.entries.append(entry)

    def since(self, seq: int) -> list[dict[str, Any]]:
        """Entries with ``seq`` greater than ``seq``."""
        return [e for e in self.entries if e["seq"] > seq]

    def clear(self) -> None:
        """Forget every entry (sequence numbers keep increasing)."""
        self.entries.clear()


class EmulatorState:
    """Scenario, clock, services' stores, gateway settings, faults and the request log."""

    def __init__(self, scenario: Any = None, speed: float | None = None) -> None:
        self.speed_override = speed
        self.tokens: dict[str, Token] = {}
        self.log = RequestLog()
        self.faults = FaultBox()
        self.limiter: RateLimiter | None = None
        self.config = Config()
        self.scenario_raw = read_source(scenario)
        self.load(self.scenario_raw)

    def load(self, raw: dict[str, Any]) -> None:
        """Build every store from a raw scenario (validated first; nothing changes if it is invalid)."""
        norm = normalise(raw, int(time.time() * 1000))
        config = Config()
        config.update(norm["config"])
        speed = norm["clock"]["speed"] if self.speed_override is None else self.speed_override
        self.scenario = norm
        self.config = config
        self.clock = VirtualClock(norm["clock"]["start"], speed)
        self.project_id: str = norm["project_id"]
        self.projects = frozenset([self.project_id, *norm["extra_projects"]])
        self.credentials = {c["ak"]: c for c in norm["credentials"]}
        self.users = {(u["domain"], u["name"]): u for u in norm["users"]}
        self.workspaces: list[str] = norm["workspaces"]
        self.workspace_set = frozenset(self.workspaces)
        self.defaults: dict[str, Any] = norm["defaults"]
        self.factory = FactoryStore(norm["factory_jobs"], self.project_id)
        self.quality = QualityStore(norm["quality_jobs"])
        start = norm["clock"]["start"]
        self.visualization = {j["job_id"]: VisualizationJob(j, start) for j in norm["visualization_jobs"]}

    def reset(self, raw: dict[str, Any] | None = None) -> None:
        """Back to the loaded scenario (or load a new one); clears faults, log, rate limit and config."""
        if raw is not None:
            self.load(raw)
            self.scenario_raw = raw
        else:
            self.load(self.scenario_raw)
        self.faults = FaultBox()
        self.log.clear()
        self.limiter = None

    def dump(self) -> dict[str, Any]:
        """The whole state, as ``GET /_emulator/state`` returns it."""
        return dump(self)
