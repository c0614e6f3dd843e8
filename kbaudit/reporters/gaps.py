"""The gaps view: gap topics of uncovered and partly covered questions (label, volume, examples,
nearest article, suggested title), then structural gaps (missing link targets, empty and weak
categories), which need no questions."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from kbaudit.reporters.escape import csv_cell, fold, md_text, term
from kbaudit.reporters.json_report import dumps
from kbaudit.reporters.markdown import table

if TYPE_CHECKING:
    from kbaudit.audit import AuditResult

STRUCTURAL = {"COV003": "missing-article", "COV004": "empty-category", "COV005": "weak-category"}


def structural(result: AuditResult) -> list[dict[str, Any]]:
    """Structural gaps, from the coverage findings that need no questions."""
    return [
        {
            "kind": STRUCTURAL[f.rule],
            "label": f.data.get("target") or f.data.get("category") or "",
            "message": f.message,
            "articles": [r.path or r.id for r in f.related],
        }
        for f in result.findings
        if f.rule in STRUCTURAL
    ]


def _gaps(result: AuditResult) -> list[dict[str, Any]]:
    return list(result.sections.get("gaps", []))


def _coverage(result: AuditResult) -> dict[str, Any]:
    return dict(result.sections.get("coverage") or {})


def _asked(result: AuditResult) -> bool:
    return bool(result.corpus.questions)


def _nearest(gap: dict[str, Any], path: bool = True) -> str:
    """The nearest article by title and path with its score: "extend this" when it is on the
    topic's subject, "none close" when no question of the topic scores it a partial answer;
    for questions in another language, that the KB has none in it. The terminal leaves out
    the path (`path=False`): the title says which article it is."""
    near = gap.get("nearest") or {}
    if gap.get("language"):
        return "none: the KB has no articles in this language"
    if not near:
        return "none close: no article shares a word with these questions"
    where = f"{near['path']}, " if path else ""
    text = f"{near.get('title') or near['path']} ({where}{near['score']:.2f})"
    if gap.get("extend"):
        return f"extend this: {text}"
    return text if gap.get("nearest_close", True) else f"none close (nearest: {text})"


def print_gaps(console: Console, result: AuditResult) -> None:
    gaps, found = _gaps(result), structural(result)
    width = max(24, console.width // 4)
    if _asked(result):
        grid = Table(title=f"{len(gaps)} gap topics", title_justify="left")
        for col in ("#", "topic", "volume", "example questions", "nearest", "suggested title"):
            grid.add_column(col, overflow="fold")
        for n, g in enumerate(gaps, 1):
            examples = Text("\n").join(term(q) for q in g["questions"][:3])
            grid.add_row(
                str(n), term(g["label"]), str(g["volume"]), examples,
                term(_nearest(g, path=False)), term(g["suggested_title"]),
            )  # fmt: skip
        console.print(grid)
    else:
        console.print(
            Text("No questions given: structural gaps only. ", style="dim")
            + Text("Add --questions FILE for the questions no article answers.", style="dim")
        )
    listing = Table(title=f"{len(found)} structural gaps", title_justify="left")
    rows = []
    for s in found:
        listed = ", ".join(s["articles"][:3]) + (" …" if len(s["articles"]) > 3 else "")
        rows.append((Text(s["kind"]), term(s["message"]), Text(fold(listed, width))))
    # One gap per line: kind and articles keep their width, the message ends in "…".
    kind = max((len(r[0]) for r in rows), default=4)
    articles = max((len(r[2]) for r in rows), default=8)
    what = max(20, console.width - kind - articles - 10)  # 4 borders + 2 spaces per column
    listing.add_column("kind", no_wrap=True, width=kind)
    listing.add_column("what", no_wrap=True, overflow="ellipsis", width=what)
    listing.add_column("articles", no_wrap=True, width=articles)
    for row in rows:
        listing.add_row(*row)
    console.print(listing)


def render_json(result: AuditResult) -> str:
    data = {
        "coverage": _coverage(result),
        "gaps": _gaps(result),
        "structural": structural(result),
        "questions": result.sections.get("questions", []),
    }
    return dumps(data, 3)


def render_csv(result: AuditResult) -> str:
    """One row per question of every gap topic (the topic's columns repeated, the question and
    its volume), then one row per structural gap. Cells a spreadsheet would run as a formula
    (customers' questions are untrusted text) are defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["kind", "topic", "label", "topic_volume", "confidence", "question", "volume",
         "nearest", "extend", "suggested_title"]
    )  # fmt: skip
    for n, g in enumerate(_gaps(result), 1):
        volumes = g.get("volumes") or [""] * len(g["questions"])
        for question, volume in zip(g["questions"], volumes, strict=False):
            cells = [
                "questions", n, g["label"], g["volume"], g.get("confidence", ""), question,
                volume, _nearest(g), "yes" if g.get("extend") else "", g["suggested_title"],
            ]  # fmt: skip
            writer.writerow([csv_cell(c) for c in cells])
    for s in structural(result):
        cells = [s["kind"], "", s["label"], "", "", "; ".join(s["articles"]), "", "", "",
                 s["message"]]  # fmt: skip
        writer.writerow([csv_cell(c) for c in cells])
    return buffer.getvalue()


def render_markdown(result: AuditResult) -> str:
    gaps, coverage = _gaps(result), _coverage(result)
    lines = ["# Coverage gaps", ""]
    total = coverage.get("total_volume") or 0
    if total:
        covered = coverage.get("covered_volume", 0)
        partial = coverage.get("partial_volume", 0)
        lines += [
            f"{covered} of {total} asked questions covered ({covered / total:.0%}), "
            f"{partial} partly.",
            "",
        ]
    mode = coverage.get("mode")
    if mode == "lexical":
        lines += [
            "Matching: lexical (words and spelling). For matching by meaning install "
            "`kbaudit[semantic]` and a model (`kbaudit model download`).",
            "",
        ]
    elif mode:
        lines += [f"Matching: {mode} (words and sentence embeddings).", ""]
    lines += ["## Gap topics", ""]
    if not _asked(result):
        lines += ["Not measured: no customer questions were given (`--questions FILE`).", ""]
    elif gaps:
        header = ["#", "topic", "volume", "questions", "example questions", "nearest article",
                  "suggested title"]  # fmt: skip
        rows = []
        for n, g in enumerate(gaps, 1):
            statuses = g.get("statuses") or {}
            count = ", ".join(f"{v} {k}" for k, v in sorted(statuses.items()) if v)
            examples = "<br>".join(md_text(q) for q in g["questions"][:3])
            topic = md_text(g["label"])
            if g.get("representative"):
                topic += f"<br>e.g. “{md_text(g['representative'])}”"
            rows.append(
                [str(n), topic, str(g["volume"]), md_text(count),
                 examples, md_text(_nearest(g)), md_text(g["suggested_title"])]
            )  # fmt: skip
        lines += table(header, rows)
    else:
        lines += ["None: every question is covered.", ""]
    lines += ["## Structural gaps", ""]
    lines += [f"- **{s['kind']}** {md_text(s['message'])}" for s in structural(result)] or ["None."]
    return "\n".join(lines) + "\n"
