"""The rich terminal report: score panel, dimension bars, rules, categories, worst articles."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from kbaudit.model import Severity
from kbaudit.scorecard import SEVERITY_WEIGHT

if TYPE_CHECKING:
    from kbaudit.audit import AuditResult

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _colour(score: float | None) -> str:
    if score is None:
        return "dim"
    return "green" if score >= 80 else "yellow" if score >= 60 else "red"


def bar(score: float | None, width: int = 24) -> Text:
    if score is None:
        return Text("not measured", style="dim")
    filled = round(score / 100 * width)
    return Text("█" * filled, style=_colour(score)) + Text("░" * (width - filled), style="dim")


def header(result: AuditResult) -> Panel:
    card = result.scorecard
    verdict = (
        Text("READY", style="bold green") if card.ready else Text("NOT READY", style="bold red")
    )
    line = Text.assemble(
        ("Readiness ", "bold"),
        (f"{card.score:.1f}", f"bold {_colour(card.score)}"),
        " / 100   ",
        ("grade ", "bold"),
        (card.grade, f"bold {_colour(card.score)}"),
        "   ",
        verdict,
    )
    body = [
        line,
        Text(
            f"{result.articles} articles · {result.corpus.format} · {result.source_path} · "
            f"as of {result.config.today.isoformat()} · {len(result.findings)} findings",
            style="dim",
        ),
    ]
    body += [Text(f"✖ {b}", style="red") for b in card.blockers]
    body += [Text(f"ℹ {n}", style="yellow") for n in card.notes]
    return Panel(Group(*body), title="kbaudit scorecard", border_style=_colour(card.score))


def dimensions(result: AuditResult, wide: bool = True) -> Table:
    table = Table(title="Dimensions", title_justify="left", expand=False)
    table.add_column("dimension")
    table.add_column("score", justify="right")
    table.add_column("")
    table.add_column("weight", justify="right")
    table.add_column("findings", justify="right")
    if wide:
        table.add_column("detail", style="dim")
    for dim in result.scorecard.dimensions.values():
        shown = f"{dim.score:.1f}" if dim.score is not None else "—"
        cells = [
            dim.name,
            Text(shown, style=_colour(dim.score)),
            bar(dim.score),
            f"{dim.weight:.2f}",
            str(dim.findings),
        ]
        table.add_row(*cells, *([dim.detail] if wide else []))
    return table


def rules_table(result: AuditResult, wide: bool = True) -> Table | None:
    counts = Counter(f.rule for f in result.findings)
    if not counts:
        return None
    by_code = {r.code: r for r in result.rules}
    table = Table(title="Findings by rule", title_justify="left")
    for col in ("rule", "name", "severity", "count", "summary")[: 5 if wide else 4]:
        table.add_column(col, justify="right" if col == "count" else "left")
    first = {}
    for f in result.findings:
        first.setdefault(f.rule, f)
    for code, n in sorted(counts.items(), key=lambda kv: (-first[kv[0]].severity, -kv[1], kv[0])):
        f = first[code]
        rule = by_code.get(code)
        cells = [code, f.name, Text(str(f.severity), style=SEVERITY_STYLE[f.severity]), str(n)]
        table.add_row(*cells, *([rule.summary if rule else ""] if wide else []))
    return table


def categories_table(result: AuditResult, limit: int = 15) -> Table | None:
    members: Counter[str] = Counter()
    flagged: dict[str, set[str]] = defaultdict(set)
    per_dim: dict[str, Counter[str]] = defaultdict(Counter)
    for article in result.corpus.articles:
        members[article.category or "(none)"] += 1
    for f in result.findings:
        if f.article is not None:
            cat = f.article.category or "(none)"
            flagged[cat].add(f.article.ref)
            per_dim[cat][f.category] += 1
    if not members:
        return None
    table = Table(title="By KB category", title_justify="left")
    for col in ("category", "articles", "with findings", "top problem"):
        table.add_column(col, justify="left" if col in ("category", "top problem") else "right")
    for cat, n in members.most_common(limit):
        top = per_dim[cat].most_common(1)
        table.add_row(
            cat,
            str(n),
            f"{len(flagged[cat])} ({100 * len(flagged[cat]) // n}%)",
            f"{top[0][0]} ({top[0][1]})" if top else "—",
        )
    if len(members) > limit:
        table.caption = f"{len(members) - limit} more categories in the JSON/HTML report"
    return table


def worst_articles(result: AuditResult, limit: int = 10) -> Table | None:
    weight: Counter[str] = Counter()
    count: Counter[str] = Counter()
    rules: dict[str, set[str]] = defaultdict(set)
    for f in result.findings:
        if f.article is not None:
            weight[f.article.ref] += SEVERITY_WEIGHT[f.severity]
            count[f.article.ref] += 1
            rules[f.article.ref].add(f.rule)
    if not weight:
        return None
    table = Table(title="Articles needing the most work", title_justify="left")
    table.add_column("article", overflow="fold")
    table.add_column("findings", justify="right")
    table.add_column("rules")
    ranked = sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    for ref, _ in ranked:
        table.add_row(ref, str(count[ref]), ", ".join(sorted(rules[ref])))
    return table


def sections(result: AuditResult) -> list[Text]:
    lines = []
    if dups := result.sections.get("duplicates"):
        lines.append(Text(f"{len(dups)} duplicate group(s) — `kbaudit duplicates` lists them"))
    if topics := result.sections.get("topics"):
        lines.append(Text(f"{len(topics)} topics found — `kbaudit topics` lists them"))
    if gaps := result.sections.get("gaps"):
        top = ", ".join(f"{g['label']} ({g['volume']})" for g in gaps[:5])
        lines.append(Text(f"{len(gaps)} gap topic(s) in the questions: {top}"))
    return lines


def print_report(console: Console, result: AuditResult) -> None:
    wide = console.width >= 110
    console.print(header(result))
    console.print(dimensions(result, wide))
    for table in (rules_table(result, wide), categories_table(result), worst_articles(result)):
        if table is not None:
            console.print(table)
    for line in sections(result):
        console.print(line)


def render(result: AuditResult) -> str:
    buffer = io.StringIO()
    print_report(Console(file=buffer, width=120, force_terminal=False, color_system=None), result)
    return buffer.getvalue()
