"""`kbaudit topics PATH`: topic clusters (label, top terms, size, representative articles,
categories per topic) as a table, JSON or CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kbaudit.cli import (
    AsOfOpt,
    ConfigOpt,
    InputFormatOpt,
    OutputOpt,
    QuietOpt,
    VerboseOpt,
    _config,
    _fail,
    app,
    guard_output,
)
from kbaudit.commands.duplicates import ListingFormatOpt, emit_rows, listing_format, run_selected
from kbaudit.errors import KbauditError

TOPIC_RULES = ["TAX009", "TAX010", "TAX011"]


@app.command("topics")
def topics_cmd(
    path: Annotated[Path, typer.Argument(help="The KB export: a folder or a file.")],
    fmt: ListingFormatOpt = None,
    output: OutputOpt = None,
    config_path: ConfigOpt = None,
    input_format: InputFormatOpt = None,
    as_of: AsOfOpt = None,
    topics: Annotated[
        int | None,
        typer.Option("--topics", "-k", help="Number of topics (default: chosen automatically)."),
    ] = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """List topic clusters and how the KB's categories spread over them."""
    try:
        config = _config(path, config_path, as_of=as_of, topics=topics)
        fmt = listing_format(fmt, output)
        if output is not None:
            guard_output(output, path)
        result = run_selected(path, config, TOPIC_RULES, "topics", input_format, quiet)
        rows = result.sections.get("topics", [])
        columns = {
            "label": "label",
            "terms": "top terms",
            "size": "size",
            "articles": "representative articles",
            "categories": "categories",
        }
        emit_rows(rows, columns, fmt, output, path, f"{len(rows)} topics")
    except KbauditError as exc:
        raise _fail(exc, verbose) from None
