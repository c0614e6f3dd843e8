"""`kbaudit duplicates PATH`: duplicate groups (canonical, members, similarity, why) as a
table, JSON or CSV. Also the shared writer of row listings used by `kbaudit topics`."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from kbaudit.audit import AuditResult, audit
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
from kbaudit.config import Config
from kbaudit.errors import ConfigError, KbauditError

LISTING_FORMATS = ("table", "json", "csv")

ListingFormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format", "-f", help="table, json or csv (default: from -o's extension, else table)."
    ),
]


def listing_format(fmt: str | None, output: Path | None) -> str:
    if fmt is None:
        suffix = output.suffix.lower().lstrip(".") if output is not None else ""
        fmt = suffix if suffix in LISTING_FORMATS else "table"
    if fmt not in LISTING_FORMATS:
        raise ConfigError(f"--format {fmt}: use one of {', '.join(LISTING_FORMATS)}")
    return fmt


def run_selected(
    path: Path,
    config: Config,
    select: list[str],
    analysis: str,
    input_format: str | None,
    quiet: bool,
) -> AuditResult:
    """An audit of only the `select`ed rules, with the `analysis` the command renders."""
    config.select, config.ignore = select, []
    with progress_bar(_interactive() and not quiet) as progress:
        return audit(
            path,
            config,
            input_format=input_format,
            progress=progress,
            needs=frozenset({analysis}),
        )


def emit_rows(
    rows: list[dict[str, Any]],
    columns: dict[str, str],
    fmt: str,
    output: Path | None,
    kb_path: Path,
    title: str,
) -> None:
    """Write rows as JSON (as they are), CSV or a table; list cells are joined with "; "."""

    def cell(value: Any) -> str:
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        if isinstance(value, dict):
            return "; ".join(f"{k}: {v}" for k, v in value.items())
        return "" if value is None else str(value)

    if fmt == "table" and output is None:
        table = Table(title=title)
        for header in columns.values():
            table.add_column(header, overflow="fold")
        for row in rows:
            table.add_row(*(cell(row.get(key)) for key in columns))
        out.print(table)
        return
    if fmt == "json":
        text = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(list(columns))
        writer.writerows([cell(row.get(key)) for key in columns] for row in rows)
        text = buffer.getvalue()
    if output is None:
        sys.stdout.write(text)
        return
    guard_output(output, kb_path)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    err.print(f"wrote {fmt} listing to {output}")


@app.command("duplicates")
def duplicates_cmd(
    path: Annotated[Path, typer.Argument(help="The KB export: a folder or a file.")],
    fmt: ListingFormatOpt = None,
    output: OutputOpt = None,
    config_path: ConfigOpt = None,
    input_format: InputFormatOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """List duplicate groups: exact copies, near duplicates, same titles and conflicts."""
    try:
        config = _config(path, config_path, as_of=as_of)
        fmt = listing_format(fmt, output)
        if output is not None:
            guard_output(output, path)
        result = run_selected(path, config, ["duplicates"], "duplicates", input_format, quiet)
        rows = result.sections.get("duplicates", [])
        columns = {
            "kind": "kind",
            "canonical": "canonical",
            "members": "members",
            "similarity": "similarity",
            "reason": "why they match",
        }
        emit_rows(rows, columns, fmt, output, path, f"{len(rows)} duplicate groups")
    except KbauditError as exc:
        raise _fail(exc, verbose) from None
