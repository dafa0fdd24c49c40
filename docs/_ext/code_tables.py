"""Tables built from the code at documentation time, so that they cannot drift from it.

``{error-codes}`` renders :data:`airflow_provider_dataarts.api.error_table.ROWS`;
``{connection-fields}`` renders the connection form's fields.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive


def _table(headers: list[str], rows: list[list[str]]) -> nodes.table:
    table = nodes.table()
    group = nodes.tgroup(cols=len(headers))
    table += group
    for _ in headers:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    group += head
    body = nodes.tbody()
    group += body
    for cells, parent in [(headers, head)] + [(row, body) for row in rows]:
        row_node = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += nodes.paragraph(text=cell)
            row_node += entry
        parent += row_node
    return table


class ErrorCodes(Directive):
    """Every error code the provider recognises: meaning, error class, hint, source."""

    def run(self) -> list[nodes.Node]:
        from airflow_provider_dataarts.api.error_table import ROWS

        rows = []
        for row in ROWS:
            where = row.code or ("HTTP " + ", ".join(str(s) for s in row.statuses[:3]) if row.statuses else "any")
            if row.message:
                where += f" (message ~ {row.message})"
            if row.endpoints:
                where += f" on {', '.join(row.endpoints)}"
            rows.append([where, row.meaning, row.error_class.__name__, row.hint or "", row.source])
        return [_table(["code", "documented meaning", "error class", "what to do", "source"], rows)]


class ConnectionFields(Directive):
    """The connection form's fields as Airflow shows them."""

    def run(self) -> list[nodes.Node]:
        from airflow_provider_dataarts.get_provider_info import CONNECTION_FIELDS

        rows = [[f"extra {name}", label, description] for name, (label, description, _) in CONNECTION_FIELDS.items()]
        return [_table(["field", "label", "help text"], rows)]


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("error-codes", ErrorCodes)
    app.add_directive("connection-fields", ConnectionFields)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
