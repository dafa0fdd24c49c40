"""Reading fields of an answer that nobody vouches for: each reader returns a checked value or raises
:class:`UnusableAnswer`, so no answer becomes a baseline or an outcome unless it is what the API
documents (types, sizes, required fields).

Readers accept every documented form of a field (``instanceId`` or ``instancesId``; ids as numbers
or strings) and refuse anything else: a bool where a number belongs, NaN, a 20-digit "time", a list
where an object belongs, a megabyte where a status belongs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

#: the longest text an answer's field may hold (log paths are the longest documented ones)
MAX_TEXT = 4096
#: the longest status, code or id
MAX_WORD = 128
#: the most items one list answer may carry (the largest documented page is 1,000)
MAX_ITEMS = 5000
#: the range of an integer field: epoch milliseconds and ids fit in a signed 64-bit Long
MAX_INT = 2**63 - 1


class UnusableAnswer(ValueError):
    """An answer that is not what the API documents; the message says which field and why."""


def _first(data: Mapping[str, Any], keys: Sequence[str]) -> tuple[str, Any]:
    for key in keys:
        if data.get(key) is not None:
            return key, data[key]
    return keys[0], None


def obj(value: Any, where: str = "the answer") -> Mapping[str, Any]:
    """A JSON object."""
    if not isinstance(value, Mapping):
        raise UnusableAnswer(f"{where} is not a JSON object but {type(value).__name__}")
    return value


def items(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """A list of objects (absent or null reads as empty)."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise UnusableAnswer(f"{key!r} is not a list but {type(value).__name__}")
    if len(value) > MAX_ITEMS:
        raise UnusableAnswer(f"{key!r} holds {len(value)} items, more than {MAX_ITEMS}")
    return [obj(item, f"an item of {key!r}") for item in value]


def text(data: Mapping[str, Any], *keys: str, required: bool = False, longest: int = MAX_TEXT) -> str | None:
    """A string (numbers become strings: ids come as either); ``None`` when absent and not required."""
    key, value = _first(data, keys)
    if value is None or value == "":
        if required:
            raise UnusableAnswer(f"{' / '.join(repr(k) for k in keys)} is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise UnusableAnswer(f"{key!r} is not a string but {type(value).__name__}")
    value = str(value)
    if len(value) > longest:
        raise UnusableAnswer(f"{key!r} is {len(value)} characters long, more than {longest}")
    return value


def word(data: Mapping[str, Any], *keys: str, required: bool = False) -> str | None:
    """A code or id: a short string (ids may come as numbers)."""
    return text(data, *keys, required=required, longest=MAX_WORD)


def status(data: Mapping[str, Any], key: str) -> str:
    """A run's status as the API spells it: a short string, required."""
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise UnusableAnswer(f"{key!r} is missing" if value in (None, "") else f"{key!r} is not a string")
    if len(value) > MAX_WORD:
        raise UnusableAnswer(f"{key!r} is {len(value)} characters long, more than {MAX_WORD}")
    return value


def integer(data: Mapping[str, Any], *keys: str, required: bool = False) -> int | None:
    """An integer (a string of digits, or an integral float, is accepted as one)."""
    key, value = _first(data, keys)
    if value is None:
        if required:
            raise UnusableAnswer(f"{' / '.join(repr(k) for k in keys)} is missing")
        return None
    if isinstance(value, bool):
        raise UnusableAnswer(f"{key!r} is a boolean, not a number")
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            raise UnusableAnswer(f"{key!r} is not an integer: {value!r}")
        value = int(value)
    elif isinstance(value, str):
        stripped = value.strip()
        if not (stripped.lstrip("-").isdigit() and stripped.isascii() and len(stripped) <= 20):
            raise UnusableAnswer(f"{key!r} is not an integer: {value[:40]!r}")
        value = int(stripped)
    elif not isinstance(value, int):
        raise UnusableAnswer(f"{key!r} is not a number but {type(value).__name__}")
    if not -MAX_INT <= value <= MAX_INT:
        raise UnusableAnswer(f"{key!r} is out of range: {value}")
    return value


#: Factory statuses that have a start time, and those that also have an end time (the list and detail
#: pages show both for every instance that ran): an answer without them cannot tell a new run from an old
_STARTED = frozenset(("running", "success", "fail", "running-exception"))
_ENDED = frozenset(("success", "fail"))


def run_times(status: str, start: int | None, end: int | None) -> None:
    """Refuse a Factory instance whose times do not fit its status."""
    if status in _STARTED and start is None:
        raise UnusableAnswer(f"an instance that is {status!r} has no start time")
    if status in _ENDED and end is None:
        raise UnusableAnswer(f"an instance that is {status!r} has no end time")
    if start is not None and end is not None and end < start:
        raise UnusableAnswer("an instance ended before it started")


def duration(data: Mapping[str, Any], key: str) -> int | None:
    """A duration in ms, where pages show fractions (``executeTime: 0.3``): rounded."""
    value = data.get(key)
    if isinstance(value, float) and math.isfinite(value):
        return round(value)
    return integer(data, key)
