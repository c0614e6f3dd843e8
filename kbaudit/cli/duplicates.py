"""`kbaudit duplicates PATH`: duplicate groups (canonical, members, similarity, why)."""

from __future__ import annotations

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


def duplicates_cmd(
    path: PathArg,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    config_path: ConfigOpt = None,
    input_format: InputFormatOpt = None,
    as_of: AsOfOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """List duplicate groups: exact copies, near duplicates, same titles and conflicts."""
    with handled(debug):
        config, fmt = prepare(
            "duplicates",
            path,
            config_path,
            fmt,
            output,
            as_of=as_of,
            **cache_options(path, cache_dir, no_cache),
        )
        result = run_view(path, config, ["duplicates"], "duplicates", input_format, quiet)
        emit("duplicates", fmt, result, output)
