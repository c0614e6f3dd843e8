"""The duplicates and topics views: one row per duplicate group or topic, as a terminal table,
JSON (the rows as they are), CSV or a Markdown table. List cells are joined with "; "."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from kbaudit.reporters.escape import csv_cell, md_text, term
from kbaudit.reporters.json_report import dumps
from kbaudit.reporters.markdown import table

if TYPE_CHECKING:
    from kbaudit.audit import AuditResult

# row key -> column header
DUPLICATE_COLUMNS = {
    "kind": "kind",
    "canonical": "canonical",
    "members": "members",
    "similarity": "similarity",
    "reason": "why they match",
}
TOPIC_COLUMNS = {
    "label": "label",
    "terms": "top terms",
    "size": "size",
    "articles": "representative articles",
    "categories": "categories",
}


def cell(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return "" if value is None else str(value)


def _print(
    console: Console, rows: list[dict[str, Any]], columns: dict[str, str], title: str
) -> None:
    grid = Table(title=title, title_justify="left")
    for header in columns.values():
        grid.add_column(header, overflow="fold")
    for row in rows:
        grid.add_row(*(term(cell(row.get(key))) for key in columns))
    console.print(grid)


def _json(rows: list[dict[str, Any]]) -> str:
    return dumps(rows)


def _csv(rows: list[dict[str, Any]], columns: dict[str, str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(columns))
    writer.writerows([csv_cell(cell(row.get(key))) for key in columns] for row in rows)
    return buffer.getvalue()


def _markdown(rows: list[dict[str, Any]], columns: dict[str, str], title: str) -> str:
    lines = [f"# {title}", ""]
    body = [[md_text(cell(row.get(key))) for key in columns] for row in rows]
    lines += table(list(columns.values()), body) if rows else ["None.", ""]
    return "\n".join(lines).rstrip() + "\n"


def _duplicates(result: AuditResult) -> list[dict[str, Any]]:
    return list(result.sections.get("duplicates", []))


def _topics(result: AuditResult) -> list[dict[str, Any]]:
    return list(result.sections.get("topics", []))


def print_duplicates(console: Console, result: AuditResult) -> None:
    rows = _duplicates(result)
    _print(console, rows, DUPLICATE_COLUMNS, f"{len(rows)} duplicate groups")


def duplicates_json(result: AuditResult) -> str:
    return _json(_duplicates(result))


def duplicates_csv(result: AuditResult) -> str:
    return _csv(_duplicates(result), DUPLICATE_COLUMNS)


def duplicates_markdown(result: AuditResult) -> str:
    rows = _duplicates(result)
    return _markdown(rows, DUPLICATE_COLUMNS, f"{len(rows)} duplicate groups")


def print_topics(console: Console, result: AuditResult) -> None:
    rows = _topics(result)
    _print(console, rows, TOPIC_COLUMNS, f"{len(rows)} topics")


def topics_json(result: AuditResult) -> str:
    return _json(_topics(result))


def topics_csv(result: AuditResult) -> str:
    return _csv(_topics(result), TOPIC_COLUMNS)


def topics_markdown(result: AuditResult) -> str:
    rows = _topics(result)
    return _markdown(rows, TOPIC_COLUMNS, f"{len(rows)} topics")
