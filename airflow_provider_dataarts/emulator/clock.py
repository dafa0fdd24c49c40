"""The virtual clock that drives every state machine, and the time conversions scenarios need.

Job durations are virtual: tests freeze the clock (``speed 0``) and advance it through the admin API
instead of sleeping. Authentication (signature skew, token lifetime) always uses the real clock.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

_UTC = dt.UTC


def parse_time(value: Any, what: str = "time") -> int:
    """Epoch milliseconds from an int/float (ms), an ISO-8601 string or a datetime/date."""
    if isinstance(value, bool):
        raise ValueError(f"{what}: expected epoch milliseconds or an ISO-8601 string, got {value!r}")
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=_UTC)
        return round(moment.timestamp() * 1000)
    if isinstance(value, dt.date):
        return parse_time(dt.datetime(value.year, value.month, value.day, tzinfo=_UTC), what)
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text)
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            return parse_time(dt.datetime.fromisoformat(text), what)
        except ValueError:
            pass
    raise ValueError(f"{what}: expected epoch milliseconds or an ISO-8601 string, got {value!r}")


_RELATIVE = re.compile(
    r"(?P<base>now|today|yesterday)(?P<offsets>(?:[+-]\d+[dhms])*)(?:\s+(?P<hh>\d{1,2}):(?P<mm>\d{2})(?::(?P<ss>\d{2}))?)?"
)
_UNIT_MS = {"d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1000}


def relative_time(text: str, start_ms: int) -> int | None:
    """Epoch ms for a time relative to the clock start, or None if ``text`` is not one.

    ``now`` is the start itself, ``today`` / ``yesterday`` its UTC day at 00:00; offsets such as
    ``-2d`` or ``+90m`` follow, then an optional time of day: ``yesterday 02:00``, ``today-3d 14:30``,
    ``now-45m``. Scenarios written this way stay meaningful on any day.
    """
    match = _RELATIVE.fullmatch(text.strip())
    if not match:
        return None
    if match["base"] == "now":
        moment = start_ms
    else:
        moment = day_bounds(start_ms)[0] - (_UNIT_MS["d"] if match["base"] == "yesterday" else 0)
    for sign, amount, unit in re.findall(r"([+-])(\d+)([dhms])", match["offsets"]):
        moment += (1 if sign == "+" else -1) * int(amount) * _UNIT_MS[unit]
    if match["hh"] is not None:
        moment += int(match["hh"]) * _UNIT_MS["h"] + int(match["mm"]) * _UNIT_MS["m"] + int(match["ss"] or 0) * 1000
    return moment


def resolve_relative(data: Any, start_ms: int, keys: frozenset[str]) -> Any:
    """A copy of a raw scenario with relative times (see :func:`relative_time`) under ``keys`` in ms."""
    if isinstance(data, dict):
        resolved = {}
        for key, value in data.items():
            moment = relative_time(value, start_ms) if key in keys and isinstance(value, str) else None
            resolved[key] = moment if moment is not None else resolve_relative(value, start_ms, keys)
        return resolved
    if isinstance(data, list):
        return [resolve_relative(item, start_ms, keys) for item in data]
    return data


def iso_ms(epoch_ms: int) -> str:
    """ISO-8601 UTC text with milliseconds, the form IAM uses for ``expires_at``."""
    moment = dt.datetime.fromtimestamp(epoch_ms / 1000, tz=_UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}000Z"


def day_bounds(epoch_ms: int) -> tuple[int, int]:
    """The first and last millisecond of the UTC day holding ``epoch_ms``."""
    start = epoch_ms - epoch_ms % 86_400_000
    return start, start + 86_400_000 - 1


class VirtualClock:
    """Virtual epoch milliseconds: ``start`` plus real elapsed time scaled by ``speed``.

    ``speed`` 0 freezes the clock until :meth:`advance` or :meth:`set` moves it.
    """

    __slots__ = ("_base_real", "_base_virtual", "speed")

    def __init__(self, start_ms: int, speed: float = 0.0) -> None:
        if speed < 0:
            raise ValueError("clock speed must be >= 0")
        self._base_virtual = float(start_ms)
        self._base_real = time.monotonic()
        self.speed = float(speed)

    def now(self) -> int:
        """The current virtual time in epoch milliseconds."""
        if not self.speed:
            return int(self._base_virtual)
        return int(self._base_virtual + (time.monotonic() - self._base_real) * self.speed * 1000.0)

    def _rebase(self) -> None:
        self._base_virtual = float(self.now())
        self._base_real = time.monotonic()

    def advance(self, seconds: float) -> int:
        """Move the clock forward by ``seconds`` virtual seconds (never backwards)."""
        if seconds < 0:
            raise ValueError("advance must be >= 0 seconds")
        self._rebase()
        self._base_virtual += seconds * 1000.0
        return self.now()

    def set(self, epoch_ms: int) -> int:
        """Jump to an absolute virtual time."""
        self._base_virtual = float(epoch_ms)
        self._base_real = time.monotonic()
        return self.now()

    def set_speed(self, speed: float) -> None:
        """Change the pace without a jump: the virtual time keeps its current value."""
        if speed < 0:
            raise ValueError("clock speed must be >= 0")
        self._rebase()
        self.speed = float(speed)

    def as_json(self) -> dict[str, Any]:
        """What the admin API reports about the clock."""
        now = self.now()
        return {"now": now, "iso": iso_ms(now), "speed": self.speed}
