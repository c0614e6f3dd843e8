"""`kbaudit gaps PATH --questions FILE`: the pre-launch gap list. Gap topics of uncovered
and partly covered questions (label, volume, examples, nearest article, suggested title),
then structural gaps (missing link targets, empty and weak categories), as a table, JSON,
CSV or Markdown."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from kbaudit.audit import audit
from kbaudit.cli import (
    AsOfOpt,
    ConfigOpt,
    InputFormatOpt,
    OutputOpt,
    QuietOpt,
    VerboseOpt,
    _config,
    _fail,
    _interactive,
    app,
    err,
    guard_output,
    out,
    progress_bar,
)
from kbaudit.errors import ConfigError, KbauditError
from kbaudit.questions import load_questions
from kbaudit.reporters import markdown
from kbaudit.reporters.csv_report import safe_cell

GAP_FORMATS = ("table", "json", "csv", "markdown")
EXTENSION_FORMATS = {".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown"}
STRUCTURAL = {"COV003": "missing-article", "COV004": "empty-category", "COV005": "weak-category"}


def gap_format(fmt: str | None, output: Path | None) -> str:
    if fmt is None:
        fmt = EXTENSION_FORMATS.get(output.suffix.lower(), "table") if output else "table"
    if fmt not in GAP_FORMATS:
        raise ConfigError(f"--format {fmt}: use one of {', '.join(GAP_FORMATS)}")
    return fmt


def _nearest(gap: dict[str, Any]) -> str:
    near = gap.get("nearest") or {}
    return f"{near['path']} ({near['score']:.2f})" if near else ""


def render_csv(gaps: list[dict[str, Any]], structural: list[dict[str, Any]]) -> str:
    """One row per gap topic, then one per structural gap. Cells a spreadsheet would run as a
    formula (customers' questions are untrusted text) are defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["kind", "label", "volume", "size", "uncovered", "partial", "questions", "nearest",
         "suggested_title"]
    )  # fmt: skip
    for g in gaps:
        statuses = g.get("statuses") or {}
        cells = [
            "questions", g["label"], g["volume"], g.get("size", ""),
            statuses.get("uncovered", 0), statuses.get("partial", 0),
            "; ".join(g["questions"]), _nearest(g), g["suggested_title"],
        ]  # fmt: skip
        writer.writerow([safe_cell(str(c)) for c in cells])
    for s in structural:
        cells = [s["kind"], s["label"], "", "", "", "", "; ".join(s["articles"]), "", s["message"]]
        writer.writerow([safe_cell(str(c)) for c in cells])
    return buffer.getvalue()


def render_markdown(
    gaps: list[dict[str, Any]], structural: list[dict[str, Any]], coverage: dict[str, Any]
) -> str:
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
    lines += ["## Gap topics", ""]
    if gaps:
        header = ["#", "topic", "volume", "questions", "example questions", "nearest article",
                  "suggested title"]  # fmt: skip
        rows = []
        for n, g in enumerate(gaps, 1):
            statuses = g.get("statuses") or {}
            count = ", ".join(f"{v} {k}" for k, v in sorted(statuses.items()) if v)
            examples = "<br>".join(markdown.text(q) for q in g["questions"][:3])
            rows.append(
                [str(n), markdown.text(g["label"]), str(g["volume"]), markdown.text(count),
                 examples, markdown.text(_nearest(g)), markdown.text(g["suggested_title"])]
            )  # fmt: skip
        lines += markdown.table(header, rows)
    else:
        lines += ["None: every question is covered.", ""]
    lines += ["## Structural gaps", ""]
    lines += [f"- **{s['kind']}** {s['message']}" for s in structural] or ["None."]
    return "\n".join(lines) + "\n"


@app.command("gaps")
def gaps_cmd(
    path: Annotated[Path, typer.Argument(help="The KB export: a folder or a file.")],
    questions_path: Annotated[
        Path,
        typer.Option(
            "--questions",
            help="Customer questions: text, CSV/TSV, JSON(L), tickets, chats, search log.",
        ),
    ],
    text_column: Annotated[
        str | None, typer.Option("--text-column", help="Column of the questions file to read.")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="table, json, csv or markdown (default: from -o's extension)."
        ),
    ] = None,
    output: OutputOpt = None,
    config_path: ConfigOpt = None,
    input_format: InputFormatOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """List the questions no article answers, grouped into topics, and structural gaps."""
    try:
        config = _config(path, config_path, as_of=as_of)
        fmt = gap_format(fmt, output)
        if output is not None:
            guard_output(output, path)
        questions = load_questions(questions_path, text_column)
        config.select, config.ignore = ["coverage"], []
        with progress_bar(_interactive() and not quiet) as progress:
            result = audit(
                path,
                config,
                input_format=input_format,
                questions=questions,
                progress=progress,
                needs=frozenset({"coverage"}),
            )
        gaps = result.sections.get("gaps", [])
        structural = [
            {
                "kind": STRUCTURAL[f.rule],
                "label": f.data.get("target") or f.data.get("category") or "",
                "message": f.message,
                "articles": [r.path or r.id for r in f.related],
            }
            for f in result.findings
            if f.rule in STRUCTURAL
        ]
        coverage = result.sections.get("coverage", {})
        if fmt == "table" and output is None:
            table = Table(title=f"{len(gaps)} gap topics")
            for col in ("#", "topic", "volume", "example questions", "nearest", "suggested title"):
                table.add_column(col, overflow="fold")
            for n, g in enumerate(gaps, 1):  # questions are text, never markup: "[/]" is literal
                table.add_row(
                    str(n), escape(g["label"]), str(g["volume"]),
                    escape("\n".join(g["questions"][:3])), escape(_nearest(g)),
                    escape(g["suggested_title"]),
                )  # fmt: skip
            out.print(table)
            for s in structural:
                out.print(f"[bold]{s['kind']}[/] {escape(s['message'])}", soft_wrap=True)
            return
        if fmt == "json":
            data = {
                "coverage": coverage,
                "gaps": gaps,
                "structural": structural,
                "questions": result.sections.get("questions", []),
            }
            text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        elif fmt == "csv":
            text = render_csv(gaps, structural)
        else:
            text = render_markdown(gaps, structural, coverage)
        if output is None:
            sys.stdout.write(text)
            return
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {fmt} gap list to {escape(str(output))}")
    except KbauditError as exc:
        raise _fail(exc, verbose) from None
