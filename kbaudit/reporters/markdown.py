"""Markdown for wikis and pull-request comments: summary, dimensions, top findings, gaps, and
every finding in collapsible <details> blocks. Readable raw and rendered."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from kbaudit.model import Finding, Severity
from kbaudit.reporters.escape import html_text, md_code, md_text, one_line

if TYPE_CHECKING:
    from kbaudit.audit import AuditResult

TOP_FINDINGS = 10
ICON = {Severity.ERROR: "🔴", Severity.WARNING: "🟠", Severity.INFO: "🔵"}


def bar(score: float | None, width: int = 10) -> str:
    if score is None:
        return "not measured"
    filled = round(score / 100 * width)
    block = "🟩" if score >= 80 else "🟨" if score >= 60 else "🟥"
    return block * filled + "⬜" * (width - filled)


def table(header: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    marks = [":-:" if a == "c" else "--:" if a == "r" else "---" for a in align.ljust(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return [*lines, ""]


def where(finding: Finding) -> str:
    """The article's title, then its path (and line): a record of an export file is known by
    its title, not by `articles.json#360048914673`."""
    ref = finding.where
    if not ref:
        return "—"
    shown = md_code(f"{ref}:{finding.line}" if finding.line else ref)
    title = finding.article.title if finding.article is not None else ""
    return f"{md_text(one_line(title))} {shown}" if title else shown


def summary(result: AuditResult) -> list[str]:
    card = result.scorecard
    severities = Counter(f.severity for f in result.findings)
    found = ", ".join(
        f"{severities[s]} {s}" for s in sorted(severities, reverse=True) if severities[s]
    )
    verdict = "✅ ready for a support bot" if card.ready else "❌ not ready for a support bot"
    lines = [
        f"# Knowledge base audit: {md_text(result.source_path)}",
        "",
        f"**Readiness {card.score:.1f} / 100 · grade {card.grade} · {verdict}**",
        "",
    ]
    lines += [f"> **Blocker:** {md_text(b)}" for b in card.blockers]
    lines += [f"> **Note:** {md_text(n)}" for n in card.notes]
    if card.blockers or card.notes:
        lines.append("")
    rows = [
        ["Readiness score", f"**{card.score:.1f}** / 100 (grade {card.grade})"],
        ["Verdict", "ready" if card.ready else "not ready"],
        ["Articles", str(result.articles)],
        ["Findings", f"{len(result.findings)}" + (f" ({found})" if found else "")],
        ["Source", f"{md_code(result.source_path)} ({result.corpus.format})"],
        ["As of", result.config.today.isoformat()],
    ]
    if fixed := result.sections.get("fixed"):
        rows.append(["Fixed since the baseline", str(len(fixed))])
    return [*lines, "## Summary", "", *table(["", ""], rows)]


def dimensions(result: AuditResult) -> list[str]:
    rows = []
    for d in result.scorecard.dimensions.values():
        shown = f"**{d.score:.1f}**" if d.score is not None else "—"
        rows.append(
            [d.name, shown, bar(d.score), f"{d.weight:.2f}", str(d.findings), md_text(d.detail)]
        )
    header = ["Dimension", "Score", "", "Weight", "Findings", "Detail"]
    return ["## Dimensions", "", *table(header, rows, "lrlrrl")]


def top_findings(result: AuditResult) -> list[str]:
    if not result.findings:
        return ["## Findings", "", "No findings. 🎉", ""]
    ranked = sorted(result.findings, key=lambda f: -f.severity)[:TOP_FINDINGS]
    rows = [
        [f"{ICON[f.severity]} {f.severity}", md_code(f.rule), where(f), md_text(f.message)]
        for f in ranked
    ]
    title = f"## Top findings ({len(ranked)} of {len(result.findings)})"
    return [title, "", *table(["Severity", "Rule", "Article", "Message"], rows)]


def gaps(result: AuditResult) -> list[str]:
    found: list[dict[str, Any]] = result.sections.get("gaps") or []
    if not found:
        return []
    rows = [
        [
            md_text(g.get("label", "")),
            str(g.get("volume", "")),
            md_text(g.get("suggested_title", "")),
            "; ".join(md_text(q) for q in g.get("questions", [])[:3]),
        ]
        for g in found
    ]
    header = ["Gap topic", "Times asked", "Suggested article", "Example questions"]
    return ["## Content gaps", "", *table(header, rows, "lrll")]


def fixed(result: AuditResult) -> list[str]:
    entries: list[dict[str, str]] = result.sections.get("fixed") or []
    if not entries:
        return []
    lines = [f"## Fixed since the baseline ({len(entries)})", ""]
    lines += [
        f"- {md_code(e['rule'])} {md_code(e['article'])} — {md_text(e['message'])}" for e in entries
    ]
    return [*lines, ""]


def details(result: AuditResult) -> list[str]:
    if not result.findings:
        return []
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_rule[f.rule].append(f)
    summaries = {r.code: r.summary for r in result.rules}
    lines = ["## All findings by rule", ""]
    order = sorted(by_rule.items(), key=lambda kv: (-kv[1][0].severity, -len(kv[1]), kv[0]))
    for rule, found in order:
        first = found[0]
        lines += [
            "<details>",
            f"<summary>{ICON[first.severity]} {html_text(rule)} {html_text(first.name)} — "
            f"{len(found)} finding(s)"
            "</summary>",
            "",
        ]
        if rule in summaries:
            lines += [f"_{md_text(summaries[rule])}_ (`kbaudit explain {rule}`)", ""]
        lines += [f"- {where(f)} — {md_text(f.message)}" for f in found]
        lines += ["", "</details>", ""]
    return lines


def render(result: AuditResult) -> str:
    parts = (summary, dimensions, top_findings, gaps, fixed, details)
    lines = [line for part in parts for line in part(result)]
    return "\n".join(lines).rstrip() + "\n"
