"""`kbaudit diff OLD.json NEW.json`: the score change per dimension and the findings that are new
or fixed between two JSON results."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kbaudit.cli.common import DebugOpt, FormatOpt, OutputOpt, check_output, emit, handled


def diff_cmd(
    old: Annotated[Path, typer.Argument(help="The earlier JSON result (kbaudit audit -f json).")],
    new: Annotated[Path, typer.Argument(help="The later JSON result.")],
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    fail_on_new: Annotated[
        bool, typer.Option("--fail-on-new", help="Exit 1 when NEW has findings OLD had not.")
    ] = False,
    debug: DebugOpt = False,
) -> None:
    """Compare two audits: score change per dimension, new and fixed findings."""
    with handled(debug):
        from kbaudit.diff import diff_results, read_result
        from kbaudit.reporters import output_format

        if output is not None:
            check_output(output, [old, new])
        fmt = output_format("diff", fmt, output)
        diff = diff_results(read_result(old), read_result(new))
        emit("diff", fmt, diff, output)
    raise typer.Exit(1 if fail_on_new and diff.new else 0)
