"""GitHub Actions workflow commands: one `::warning file=...,line=...::` annotation per finding,
with paths relative to the repository root, then a one-line summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kbaudit.model import Finding, Severity
from kbaudit.reporters.escape import github_data, github_property
from kbaudit.reporters.sarif import finding_file, finding_line, record_of

if TYPE_CHECKING:
    from kbaudit.audit import AuditResult

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def annotation(result: AuditResult, finding: Finding) -> str:
    props = [f"file={github_property(finding_file(result, finding))}"]
    line = finding_line(result, finding)
    if line:
        props.append(f"line={line}")
    record = record_of(result, finding.where)[1]
    title = f"{finding.rule} {finding.name}" + (f" (record {record})" if record else "")
    props.append(f"title={github_property(title)}")
    return f"::{COMMAND[finding.severity]} {','.join(props)}::{github_data(finding.message)}"


def render(result: AuditResult) -> str:
    card = result.scorecard
    lines = [annotation(result, f) for f in result.findings]
    verdict = "ready" if card.ready else "not ready"
    lines.append(
        f"kbaudit: readiness {card.score:.1f}/100 (grade {card.grade}, {verdict}), "
        f"{len(result.findings)} finding(s) in {result.articles} articles"
    )
    return "\n".join(lines) + "\n"
