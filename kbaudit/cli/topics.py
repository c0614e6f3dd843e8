"""`kbaudit topics PATH`: topic clusters (label, top terms, size, representative articles,
categories per topic)."""

from __future__ import annotations

from typing import Annotated

import typer

from kbaudit.cli.analyses import prepare, run_view
from kbaudit.cli.common import (
    AsOfOpt,
    CacheDirOpt,
    ConfigOpt,
    DebugOpt,
    FormatOpt,
    InputFormatOpt,
    NoCacheOpt,
    OutputOpt,
    PathArg,
    QuietOpt,
    cache_options,
    emit,
    handled,
)

TOPIC_RULES = ["TAX009", "TAX010", "TAX011"]


def topics_cmd(
    path: PathArg,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    config_path: ConfigOpt = None,
    input_format: InputFormatOpt = None,
    as_of: AsOfOpt = None,
    topics: Annotated[
        int | None,
        typer.Option("--topics", "-k", help="Number of topics (default: chosen automatically)."),
    ] = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """List topic clusters and how the KB's categories spread over them."""
    with handled(debug):
        config, fmt = prepare(
            "topics",
            path,
            config_path,
            fmt,
            output,
            as_of=as_of,
            **cache_options(path, cache_dir, no_cache),
            topics=topics,
        )
        result = run_view(path, config, TOPIC_RULES, "topics", input_format, quiet)
        emit("topics", fmt, result, output)
