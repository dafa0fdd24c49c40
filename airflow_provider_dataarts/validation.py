"""Input checks shared by the connection settings, operators and sensors.

Every failure raises :class:`InvalidParameterError` naming the parameter and what is allowed, so a
DAG author sees the fix in the import error or the task log. Import-light on purpose: operators call
these at DAG-parse time.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection, Mapping
from typing import Any, TypeVar, cast, overload

T = TypeVar("T")
K = TypeVar("K")

_TEMPLATE_MARKERS = ("{{", "{%")


class InvalidParameterError(ValueError):
    """A parameter has a value the API would refuse; ``parameter`` names it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"Invalid {parameter!r}: {message}")
        self.parameter = parameter


def is_templated(value: object) -> bool:
    """True for a string that Airflow will still render (so it cannot be checked yet)."""
    return isinstance(value, str) and any(marker in value for marker in _TEMPLATE_MARKERS)


def is_unresolved(value: object) -> bool:
    """True for a value Airflow resolves at run time: a template string or an XComArg."""
    return is_templated(value) or (callable(getattr(value, "resolve", None)) and not isinstance(value, (str, bytes)))


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


@overload
def choice(parameter: str, value: object, allowed: Mapping[K, T]) -> T: ...
@overload
def choice(parameter: str, value: object, allowed: Collection[T]) -> T: ...
def choice(parameter: str, value: object, allowed: Mapping[Any, T] | Collection[T]) -> T:
    """Return the allowed value for ``value``; a mapping translates aliases to API values."""
    if isinstance(allowed, Mapping):
        if isinstance(value, (str, int)) and not isinstance(value, bool) and value in allowed:
            return allowed[value]
        names = ", ".join(repr(key) for key in allowed)
    else:
        if value in allowed and not isinstance(value, bool):
            return cast(T, value)  # equal to one of ``allowed``
        names = ", ".join(repr(item) for item in allowed)
    raise InvalidParameterError(parameter, f"got {_show(value)}; allowed values: {names}")


def text(parameter: str, value: object, *, max_length: int = 256, secret: bool = False) -> str:
    """A non-empty string without surrounding whitespace or control characters (a ``secret`` is never shown)."""
    if not isinstance(value, str):
        raise InvalidParameterError(parameter, f"expected a string, got {type(value).__name__}")
    if not value.strip():
        raise InvalidParameterError(parameter, "must not be empty")
    if value != value.strip():
        shown = "(the value is not shown)" if secret else _show(value)
        raise InvalidParameterError(parameter, f"has leading or trailing whitespace: {shown}")
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise InvalidParameterError(parameter, "must not contain control characters")
    if len(value) > max_length:
        raise InvalidParameterError(parameter, f"is longer than {max_length} characters")
    return value


#: path segments the transports would normalise away (``/jobs/../x`` is not job "..")
_DOT_SEGMENTS = (".", "..")
#: what a template that rendered nothing leaves behind (Jinja renders None as "None")
_RENDERED_NOTHING = ("None", "none", "null")


def path_segment(parameter: str, value: object, *, max_length: int = 256) -> str:
    """A name sent as one path segment: :func:`text`, and not ``.``, ``..`` or a rendered ``None``."""
    value = text(parameter, value, max_length=max_length)
    if value in _DOT_SEGMENTS:
        raise InvalidParameterError(parameter, f"{value!r} cannot be sent as a path segment (it names a directory)")
    if value in _RENDERED_NOTHING:
        raise InvalidParameterError(
            parameter, f"is {value!r}: a template that rendered nothing? give the real name (templated values included)"
        )
    return value


def name_id(parameter: str, value: object) -> str:
    """An id that may hold letters (a ModelArts job id): a non-empty string, or a number."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InvalidParameterError(parameter, f"expected an id, got {type(value).__name__}")
    return path_segment(parameter, str(value), max_length=128)


def identifier(parameter: str, value: object) -> str:
    """An id made of digits (given as int or str), as the APIs' numeric ids are."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise InvalidParameterError(parameter, f"expected an id (digits), got {type(value).__name__}")
    value = str(value).strip()
    if not value.isdigit() or not value.isascii():
        raise InvalidParameterError(parameter, f"expected digits only, got {_show(value)}")
    return value


def token(parameter: str, value: object) -> str:
    """An opaque id such as a workspace or project id: letters, digits, '-' and '_' only."""
    value = text(parameter, value, max_length=128)
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", value):
        raise InvalidParameterError(parameter, f"may hold only letters, digits, '-' and '_': {_show(value)}")
    return value


def integer(parameter: str, value: object, *, minimum: int, maximum: int) -> int:
    """An int (or a string of digits) within ``minimum..maximum``."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidParameterError(parameter, f"expected an integer, got {_show(value)}")
    if not minimum <= value <= maximum:
        raise InvalidParameterError(parameter, f"must be between {minimum} and {maximum}, got {value}")
    return value


def positive_number(parameter: str, value: object, *, allow_none: bool = False) -> float | None:
    """A number of seconds greater than zero (a timedelta is accepted too)."""
    if value is None and allow_none:
        return None
    if isinstance(value, dt.timedelta):
        value = value.total_seconds()
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise InvalidParameterError(parameter, f"expected a number of seconds, got {_show(value)}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidParameterError(parameter, f"expected a finite number of seconds, got {_show(value)}")
    if value <= 0:
        raise InvalidParameterError(parameter, f"must be greater than 0, got {value}")
    return float(value)


def boolean(parameter: str, value: object) -> bool:
    """A bool, or the strings true/false (as URI-form connection extras arrive)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise InvalidParameterError(parameter, f"expected true or false, got {_show(value)}")


_MIN_EPOCH_MS = 10**12  # 2001-09-09: anything smaller is seconds, not the API's 13-digit milliseconds
_MAX_EPOCH_MS = 10**13


def epoch_ms(parameter: str, value: object) -> int:
    """A moment as the APIs' 13-digit epoch milliseconds.

    Accepts a datetime (naive means UTC) or pendulum DateTime, an ISO-8601 string, or an int/str of
    13 digits.
    """
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return int(moment.timestamp() * 1000)
    if isinstance(value, dt.date):
        raise InvalidParameterError(parameter, "expected a date and time, got a date only")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        if not _MIN_EPOCH_MS <= value < _MAX_EPOCH_MS:
            raise InvalidParameterError(
                parameter, f"expected 13-digit epoch milliseconds (e.g. 1732601580000), got {value}"
            )
        return value
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return epoch_ms(parameter, parsed)
    raise InvalidParameterError(
        parameter,
        f"expected a datetime, an ISO-8601 string or 13-digit epoch milliseconds, got {_show(value)}",
    )
