"""CSV: one finding per row, for spreadsheets. Cells that a spreadsheet would read as a formula
(starting with =, +, -, @) get a leading apostrophe, so an article title cannot run one."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from kbaudit.baseline import FindingKey, fingerprints
from kbaudit.model import Finding
from kbaudit.reporters.escape import csv_cell

if TYPE_CHECKING:
    from kbaudit.audit import AuditResult

COLUMNS = (
    "rule",
    "name",
    "category",
    "severity",
    "article",
    "title",
    "line",
    "message",
    "related",
    "fingerprint",
)


def row(finding: Finding, fingerprint: str) -> dict[str, str]:
    return {
        "rule": finding.rule,
        "name": finding.name,
        "category": finding.category,
        "severity": str(finding.severity),
        "article": finding.where,
        "title": finding.article.title if finding.article else "",
        "line": str(finding.line or ""),
        "message": finding.message,
        "related": " ".join(r.path or r.id for r in finding.related),
        "fingerprint": fingerprint,
    }


def render(result: AuditResult) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
    writer.writeheader()
    prints = fingerprints(FindingKey.of(f) for f in result.findings)
    for finding, fingerprint in zip(result.findings, prints, strict=True):
        writer.writerow({k: csv_cell(v) for k, v in row(finding, fingerprint).items()})
    return buffer.getvalue()
