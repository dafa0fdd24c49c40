"""The emulator answers with documented error codes only, and docs/emulator.md lists each with its source."""

from __future__ import annotations

import pathlib
import re

import pytest

from airflow_provider_dataarts.emulator.errors import CODES, ApiError

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "emulator.md"


def test_every_code_is_in_the_docs_table_with_its_status_and_source() -> None:
    rows = {
        line.split("|")[1].strip(): line for line in DOC.read_text().splitlines() if re.match(r"\| \S+\.\d+ \|", line)
    }
    assert set(rows) == set(CODES)
    for code, (status, message, _) in CODES.items():
        cells = [cell.strip() for cell in rows[code].split("|")]
        assert str(status) in cells[2] and message.rstrip(".") in cells[3] and cells[4], code


def test_an_undocumented_code_cannot_be_answered() -> None:
    with pytest.raises(ValueError, match="documented error codes only"):
        ApiError(400, "DLF.6309", "invented")
