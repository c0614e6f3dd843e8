"""The diff view: score change per dimension, new and fixed findings, as a terminal table,
Markdown for a pull-request comment, or JSON."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from kbaudit.baseline import FindingKey
from kbaudit.diff import ResultDiff, ScoreChange
from kbaudit.reporters.escape import fold, md_code, md_text, one_line, term
from kbaudit.reporters.json_report import dumps

LISTED = 50  # findings listed per section in Markdown (the rest are counted)


def render_json(diff: ResultDiff) -> str:
    return dumps(diff.to_dict())


def _shown(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _delta(change: ScoreChange) -> str:
    d = change.delta
    if d is None:
        return "—"
    return "±0.0" if d == 0 else f"{d:+.1f} {'▲' if d > 0 else '▼'}"


def _ref(finding: dict[str, Any]) -> str:
    ref = FindingKey.of_dict(finding).article
    line = finding.get("line")
    return f"{ref}:{line}" if ref and line else ref


def render_markdown(diff: ResultDiff) -> str:
    r = diff.readiness
    lines = [
        "## Knowledge base audit: changes",
        "",
        f"**Readiness {_shown(r.old)} → {_shown(r.new)} ({_delta(r)})** · grade "
        f"{md_text(diff.grades[0])} → {md_text(diff.grades[1])} · {len(diff.new)} new finding(s), "
        f"{len(diff.fixed)} fixed, {diff.unchanged} unchanged",
        "",
        "| Dimension | Before | After | Change |",
        "| --- | --: | --: | --: |",
    ]
    lines += [
        f"| {md_text(c.name)} | {_shown(c.old)} | {_shown(c.new)} | {_delta(c)} |"
        for c in [diff.readiness, *diff.dimensions]
    ]
    lines.append("")
    for title, found, opened in (("New findings", diff.new, True), ("Fixed", diff.fixed, False)):
        if not found:
            continue
        lines += [
            f"<details{' open' if opened else ''}>",
            f"<summary>{title} ({len(found)})</summary>",
            "",
        ]
        lines += [
            f"- {md_code(str(f.get('rule', '')))} [{md_text(f.get('severity', ''))}]"
            + (f" {md_code(_ref(f))}" if _ref(f) else "")
            + f" — {md_text(f.get('message', ''))}"
            for f in found[:LISTED]
        ]
        if len(found) > LISTED:
            lines.append(f"- … and {len(found) - LISTED} more")
        lines += ["", "</details>", ""]
    return "\n".join(lines).rstrip() + "\n"


def print_diff(console: Console, diff: ResultDiff) -> None:
    r = diff.readiness
    width = max(24, console.width // 2)
    colour = "green" if (r.delta or 0) >= 0 else "red"
    console.print(
        Text.assemble(
            ("Readiness ", "bold"),
            f"{_shown(r.old)} → ",
            (_shown(r.new), f"bold {colour}"),
            f"  ({_delta(r)})   grade {one_line(diff.grades[0])} → {one_line(diff.grades[1])}",
        )
    )
    table = Table(title="Scores", title_justify="left")
    for col in ("dimension", "before", "after", "change"):
        table.add_column(col, justify="left" if col == "dimension" else "right")
    for c in diff.dimensions:
        style = "green" if (c.delta or 0) > 0 else "red" if (c.delta or 0) < 0 else ""
        table.add_row(term(c.name), _shown(c.old), _shown(c.new), Text(_delta(c), style=style))
    console.print(table)
    for title, found, style in (("New", diff.new, "red"), ("Fixed", diff.fixed, "green")):
        console.print(Text(f"{title} findings: {len(found)}", style=f"bold {style}"))
        for f in found:
            line = f"  {f.get('rule')} {fold(_ref(f), width)}: {one_line(f.get('message', ''))}"
            console.print(Text(line), no_wrap=True, overflow="ellipsis")
    console.print(f"{diff.unchanged} finding(s) unchanged", style="dim")
