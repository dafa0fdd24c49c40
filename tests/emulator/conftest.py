"""Fixtures of the emulator tests (``dataarts_emulator`` itself comes from the package's pytest plugin)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ._helpers import Api


@pytest.fixture
def api(dataarts_emulator: Any) -> Iterator[Api]:
    """A signing client for the (reset) session emulator."""
    client = Api(dataarts_emulator.url)
    yield client
    client.session.close()


@pytest.fixture
def admin(dataarts_emulator: Any) -> Any:
    """The session emulator's admin client."""
    return dataarts_emulator.admin
