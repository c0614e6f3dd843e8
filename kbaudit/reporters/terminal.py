"""The rich terminal report: score panel, dimension bars, rules, categories, worst articles.
Article-derived text goes through `escape.term` (never read as markup, no escape sequences) and
long paths are folded in the middle so each row stays one line."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from kbaudit.model import Finding, Severity
from kbaudit.reporters.escape import fold, one_line, term
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
            f"{result.articles} articles · {result.corpus.format} · "
            f"{fold(result.source_path, 60)} · "
            f"as of {result.config.today.isoformat()} · {len(result.findings)} findings",
            style="dim",
        ),
    ]
    body += [term(f"✖ {b}", style="red") for b in card.blockers]
    body += [term(f"ℹ {n}", style="yellow") for n in card.notes]
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
        cells: list[str | Text] = [
            dim.name,
            Text(shown, style=_colour(dim.score)),
            bar(dim.score),
            f"{dim.weight:.2f}",
            str(dim.findings),
        ]
        table.add_row(*cells, *([term(dim.detail)] if wide else []))
    return table


def rules_table(result: AuditResult, wide: bool = True) -> Table | None:
    counts = Counter(f.rule for f in result.findings)
    if not counts:
        return None
    by_code = {r.code: r for r in result.rules}
    table = Table(title="Findings by rule", title_justify="left")
    for col in ("rule", "name", "severity", "count", "summary")[: 5 if wide else 4]:
        table.add_column(col, justify="right" if col == "count" else "left")
    first: dict[str, Finding] = {}
    for f in result.findings:
        first.setdefault(f.rule, f)
    for code, n in sorted(counts.items(), key=lambda kv: (-first[kv[0]].severity, -kv[1], kv[0])):
        f = first[code]
        rule = by_code.get(code)
        cells: list[str | Text] = [
            term(code),
            term(f.name),
            Text(str(f.severity), style=SEVERITY_STYLE[f.severity]),
            str(n),
        ]
        table.add_row(*cells, *([term(rule.summary if rule else "")] if wide else []))
    return table


def categories_table(result: AuditResult, width: int, limit: int = 15) -> Table | None:
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
            Text(fold(cat, width)),
            str(n),
            f"{len(flagged[cat])} ({100 * len(flagged[cat]) // n}%)",
            f"{top[0][0]} ({top[0][1]})" if top else "—",
        )
    if len(members) > limit:
        table.caption = f"{len(members) - limit} more categories in the JSON/HTML report"
    return table


def worst_articles(result: AuditResult, console_width: int, limit: int = 10) -> Table | None:
    """The articles with the most severity-weighted findings: the title over the path (dim),
    each folded in the middle when long; a long rule list ends in "…"."""
    weight: defaultdict[str, float] = defaultdict(float)
    count: Counter[str] = Counter()
    rules: dict[str, set[str]] = defaultdict(set)
    titles: dict[str, str] = {}
    for f in result.findings:
        if f.article is not None:
            titles[f.article.ref] = f.article.title
            weight[f.article.ref] += SEVERITY_WEIGHT[f.severity]
            count[f.article.ref] += 1
            rules[f.article.ref].add(f.rule)
    if not weight:
        return None
    ranked = sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    room = max(24, console_width // 2 - 8)
    cells = []
    for ref, _ in ranked:
        title = titles[ref]
        cell = Text(fold(title, room) + "\n") if title else Text()
        cell.append(fold(ref, room), style="dim" if title else "")
        cells.append(cell)
    article = max(len("article"), *(line.cell_len for cell in cells for line in cell.split()))
    listed = max(10, console_width - article - len("findings") - 10)
    table = Table(title="Articles needing the most work", title_justify="left")
    table.add_column("article", no_wrap=True, width=article)
    table.add_column("findings", justify="right", no_wrap=True, width=len("findings"))
    table.add_column("rules", no_wrap=True, overflow="ellipsis", width=listed)
    for (ref, _), cell in zip(ranked, cells, strict=True):
        table.add_row(cell, str(count[ref]), term(", ".join(sorted(rules[ref]))))
    return table


def sections(result: AuditResult) -> list[Text]:
    lines = []
    if dups := result.sections.get("duplicates"):
        lines.append(Text(f"{len(dups)} duplicate group(s) — `kbaudit duplicates` lists them"))
    if topics := result.sections.get("topics"):
        lines.append(Text(f"{len(topics)} topics found — `kbaudit topics` lists them"))
    if gaps := result.sections.get("gaps"):
        top = ", ".join(f"{one_line(g['label'])} ({g['volume']})" for g in gaps[:5])
        lines.append(term(f"{len(gaps)} gap topic(s) in the questions: {top}"))
    return lines


def print_report(console: Console, result: AuditResult) -> None:
    wide = console.width >= 110
    width = path_width(console)
    console.print(header(result))
    console.print(dimensions(result, wide))
    tables = (
        rules_table(result, wide),
        categories_table(result, width),
        worst_articles(result, console.width),
    )
    for table in tables:
        if table is not None:
            console.print(table)
    for line in sections(result):
        console.print(line)


def path_width(console: Console) -> int:
    """How wide a path may be in a table before it is folded."""
    return max(24, console.width // 2 - 8)
