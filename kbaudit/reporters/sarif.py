"""SARIF 2.1.0 for code-scanning uploads: one run, the rules with their docs as help, one result
per finding located in the repository (the audited folder joined with the article path)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kbaudit.baseline import FindingKey, fingerprints
from kbaudit.model import Finding, Severity
from kbaudit.reporters.json_report import dumps
from kbaudit.rules import Rule

if TYPE_CHECKING:
    from kbaudit.audit import AuditResult

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/kbaudit/"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


@lru_cache(maxsize=64)
def _repository_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def kb_location(source_path: str) -> str:
    """The audited folder (or export file) as a path relative to the repository root that
    holds it, with forward slashes; as given when it is in no repository."""
    given = Path(source_path)
    resolved = given.resolve()
    root = _repository_root(resolved if resolved.is_dir() else resolved.parent)
    if root is not None:
        relative = resolved.relative_to(root).as_posix()
        return "" if relative == "." else relative
    return PurePosixPath(given.as_posix()).as_posix().removeprefix("./")


def record_of(result: AuditResult, where: str | None) -> tuple[str | None, str | None]:
    """A finding's place split into the file and the record in it: an article read from a
    row or object of an export file is named `articles.csv#360001`, a file that does not
    exist; (where, None) for an article that is a file of its own."""
    if not where or "#" not in where:
        return where, None
    file, _, record = where.partition("#")
    folder = Path(result.source_path)
    return (file, record) if folder.is_dir() and (folder / file).is_file() else (where, None)


def finding_file(result: AuditResult, finding: Finding) -> str:
    """The repository path a finding points at: the article's file inside the audited folder
    (the export file that holds it, for an article read from a record), the export file
    itself for single-file exports, else the audited folder."""
    base = kb_location(result.source_path)
    where, _ = record_of(result, finding.where)
    if not where or Path(result.source_path).is_file():
        return base or "."
    return f"{base}/{where}" if base else where


def finding_line(result: AuditResult, finding: Finding) -> int | None:
    """The line of a finding in its file; none for an article read from a record (its line
    counts in the article's body, not in the export file)."""
    return finding.line if record_of(result, finding.where)[1] is None else None


def _help(rule: Rule) -> tuple[str, str]:
    """Plain-text and Markdown help from the rule's docs (what, why, example, fix)."""
    docs = rule.docs
    text, markdown = [rule.summary], [f"**{rule.summary}**"]
    for key, heading in (
        ("what", "What it checks"),
        ("why", "Why it matters for a support bot"),
        ("example", "Example"),
        ("fix", "How to fix"),
    ):
        value = docs.get(key, "").strip()
        if not value:
            continue
        text.append(f"{heading}: {value}")
        body = f"```\n{value}\n```" if key == "example" else value
        markdown.append(f"### {heading}\n\n{body}")
    markdown.append(f"Run `kbaudit explain {rule.code}` for the parameters.")
    return "\n\n".join(text), "\n\n".join(markdown)


def _rule(rule: Rule) -> dict[str, Any]:
    text, markdown = _help(rule)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.docs.get("what", rule.summary).strip() or rule.summary},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"category": rule.category, "tags": ["knowledge-base", rule.category]},
    }


def _location(uri: str, line: int | None, title: str | None = None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": quote(uri, safe="/")}}
    if line:
        physical["region"] = {"startLine": line}
    location: dict[str, Any] = {"physicalLocation": physical}
    if title:
        location["message"] = {"text": title}
    return location


def _result(
    result: AuditResult, finding: Finding, index: dict[str, int], fingerprint: str
) -> dict[str, Any]:
    base = kb_location(result.source_path)
    out: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding_file(result, finding), finding_line(result, finding))],
        "partialFingerprints": {"kbauditFingerprint/v1": fingerprint},
        "properties": {"category": finding.category},
    }
    record = record_of(result, finding.where)[1]
    if record is not None:
        out["locations"][0]["logicalLocations"] = [{"name": record, "kind": "object"}]
    if finding.rule in index:
        out["ruleIndex"] = index[finding.rule]
    related = [
        _location(f"{base}/{file}" if base else file, None, r.title or r.path)
        for r in finding.related
        if r.path and (file := record_of(result, r.path)[0])
    ]
    if related:
        out["relatedLocations"] = [{"id": i, **loc} for i, loc in enumerate(related)]
    if finding.article is not None:
        out["properties"]["article"] = finding.article.title
    return out


def sarif_dict(result: AuditResult) -> dict[str, Any]:
    rules = list(result.rules)
    known = {r.code for r in rules}
    # Findings from rules outside the selection (plugins, input problems) still need a rule.
    for f in result.findings:
        if f.rule not in known:
            known.add(f.rule)
            rules.append(Rule(f.rule, f.name, "", f.category, f.severity, f.name))
    index = {r.code: i for i, r in enumerate(rules)}
    prints = fingerprints(FindingKey.of(f) for f in result.findings)
    card = result.scorecard
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "kbaudit",
                "version": result.version,
                "semanticVersion": result.version,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(r) for r in rules],
            }
        },
        "automationDetails": {"id": f"kbaudit/{kb_location(result.source_path) or '.'}/"},
        "columnKind": "unicodeCodePoints",
        "results": [
            _result(result, f, index, p) for f, p in zip(result.findings, prints, strict=True)
        ],
        "properties": {
            "readiness": card.score,
            "grade": card.grade,
            "ready": card.ready,
            "articles": result.articles,
            "dimensions": {k: d.score for k, d in card.dimensions.items()},
        },
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(result: AuditResult) -> str:
    return dumps(sarif_dict(result), 4)
