"""`kbaudit gaps PATH [--questions FILE]`: the pre-launch gap list. With questions: gap topics of
uncovered and partly covered questions; always: structural gaps (missing link targets, empty and
weak categories)."""

from __future__ import annotations

from kbaudit.cli.analyses import prepare, run_view
from kbaudit.cli.common import (
    AsOfOpt,
    CacheDirOpt,
    ConfigOpt,
    DebugOpt,
    FormatOpt,
    InputFormatOpt,
    ModelOpt,
    NoCacheOpt,
    OutputOpt,
    PathArg,
    QuestionsOpt,
    QuietOpt,
    SemanticOpt,
    TextColumnOpt,
    cache_options,
    emit,
    handled,
    matching_options,
)


def gaps_cmd(
    path: PathArg,
    questions_path: QuestionsOpt = None,
    text_column: TextColumnOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    config_path: ConfigOpt = None,
    input_format: InputFormatOpt = None,
    as_of: AsOfOpt = None,
    semantic: SemanticOpt = None,
    model: ModelOpt = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """List the questions no article answers, grouped into topics, and structural gaps."""
    with handled(debug):
        config, fmt = prepare(
            "gaps",
            path,
            config_path,
            fmt,
            output,
            questions_path,
            as_of=as_of,
            **cache_options(path, cache_dir, no_cache),
        )
        matching_options(config, semantic, model)
        result = run_view(
            path, config, ["coverage"], "coverage", input_format, quiet, questions_path, text_column
        )
        emit("gaps", fmt, result, output)
