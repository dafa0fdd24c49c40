"""A pytest plugin that scans the whole test run for leaked secrets.

Collected during the run: every log record (any logger, as emitted), the text of every
``DataArtsError`` and ``InvalidParameterError`` the code builds, the reports of failed tests, and the
output of subprocesses that tests hand to :func:`scan_text`. Scanned at the end for the emulator's
secret keys, passwords and security tokens, every IAM token issued and every ``Authorization`` /
``X-Auth-Token`` value sent. Any hit fails the session.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

_HEX64 = re.compile(r"[0-9a-f]{64}")
TEXTS: list[str] = []
SIGNED: set[str] = set()
COUNTS = {"log records": 0, "exception texts": 0, "outputs": 0}


def scan_text(text: str) -> None:
    """Add output captured elsewhere (a subprocess) to what the scan reads."""
    COUNTS["outputs"] += 1
    TEXTS.append(text)


class _Capture(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        COUNTS["log records"] += 1
        try:
            TEXTS.append(record.getMessage())
        except Exception:  # a record that cannot format is not ours to judge
            TEXTS.append(str(record.msg))


def _record_error_texts() -> None:
    from airflow_provider_dataarts.api import errors
    from airflow_provider_dataarts.validation import InvalidParameterError

    for cls in (errors.DataArtsError, InvalidParameterError):
        original = cls.__init__

        def recording(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> None:
            _original(self, *args, **kwargs)
            COUNTS["exception texts"] += 1
            TEXTS.append(str(self))

        cls.__init__ = recording  # type: ignore[method-assign]


def _record_signatures() -> None:
    from airflow_provider_dataarts.api.request import RequestBuilder

    original = RequestBuilder.build

    def recording(self: Any, call: Any, **kwargs: Any) -> Any:
        request = original(self, call, **kwargs)
        for name in ("Authorization", "X-Auth-Token"):
            if name in request.headers:
                SIGNED.add(request.headers[name])
        return request

    RequestBuilder.build = recording  # type: ignore[method-assign]


def known_secrets() -> dict[str, str]:
    """Secrets of the bundled scenarios and every IAM token the client cached."""
    from airflow_provider_dataarts.emulator.scenario import bundled_names, read_source

    secrets: dict[str, str] = {}
    for name in bundled_names():
        scenario = read_source(name)
        for credential in scenario.get("credentials") or []:
            secrets[f"{name} secret key"] = credential["sk"]
            if credential.get("security_token"):
                secrets[f"{name} security token"] = credential["security_token"]
        for user in scenario.get("users") or []:
            secrets[f"{name} IAM password"] = user["password"]
    from airflow_provider_dataarts.emulator.scenario import DEFAULT_CREDENTIAL, DEFAULT_USER

    secrets["default secret key"] = DEFAULT_CREDENTIAL["sk"]
    secrets["default IAM password"] = DEFAULT_USER["password"]
    for number, token in enumerate(ISSUED_TOKENS):
        secrets[f"IAM token {number}"] = token
    return secrets


ISSUED_TOKENS: set[str] = set()


def remember_tokens() -> None:
    """Called before the token cache is cleared between tests."""
    from airflow_provider_dataarts.api.iam import TOKENS

    ISSUED_TOKENS.update(entry.token for entry in TOKENS._entries.values())


_HANDLER = _Capture(level=logging.NOTSET)


def attach() -> None:
    """Keep the capture on the root logger (Airflow's logging set-up replaces root handlers)."""
    root = logging.getLogger()
    if _HANDLER not in root.handlers:
        root.addHandler(_HANDLER)


def pytest_runtest_setup(item: pytest.Item) -> None:
    attach()


def pytest_configure(config: pytest.Config) -> None:
    attach()
    _record_error_texts()
    _record_signatures()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Each test phase's captured stdout, stderr and log (Airflow 3 logs through structlog to stdout)."""
    for _, content in report.sections:
        COUNTS["outputs"] += 1
        TEXTS.append(content)
    if report.failed:
        TEXTS.append(report.longreprtext)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    remember_tokens()
    text = "\n".join(TEXTS)
    hits = [name for name, secret in known_secrets().items() if secret and secret in text]
    signatures = {value.rsplit("Signature=", 1)[-1] for value in SIGNED if "Signature=" in value}
    hits += [f"signature {value[:8]}..." for value in set(_HEX64.findall(text)) & signatures]
    hits += [f"X-Auth-Token {value[:6]}..." for value in SIGNED if "Signature=" not in value and value in text]
    session.config._secret_scan = (dict(COUNTS), len(SIGNED), hits)  # type: ignore[attr-defined]
    if hits:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    counts, signed, hits = getattr(config, "_secret_scan", ({}, 0, []))
    scanned = ", ".join(f"{count} {what}" for what, count in counts.items())
    terminalreporter.write_line(
        f"secret scan: {scanned}; {signed} signed or token headers checked; hits: {len(hits)}"
        + (f" ({', '.join(hits)})" if hits else "")
    )
