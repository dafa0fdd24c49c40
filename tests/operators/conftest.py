"""Operators against the emulator with its virtual clock running fast (no test sleeps through a job)."""

from __future__ import annotations

import pytest

from tests.hook.conftest import set_connection

#: virtual seconds per real second in these tests: a 30 s job takes 0.15 s
SPEED = 200


@pytest.fixture
def live(emulator, monkeypatch):
    """The emulator with a running clock and the default connection pointing at it."""
    set_connection(monkeypatch, emulator, retry_delay=0.01)
    emulator.admin.set_speed(SPEED)
    return emulator


#: arguments every operator under test gets: fast polls, a short start wait
FAST = {"poll_interval": 0.02, "start_timeout": 30}
