"""What the `gaps`, `duplicates` and `topics` commands share: the checks on the output before
any work, and an audit of only the rules whose analysis the view shows."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kbaudit.cli.audit import inputs
from kbaudit.cli.common import (
    check_output,
    interactive,
    load,
    print_warnings,
    progress_display,
)

if TYPE_CHECKING:
    from kbaudit.audit import AuditResult
    from kbaudit.config import Config


def prepare(
    view: str,
    path: Path,
    config_path: Path | None,
    fmt: str | None,
    output: Path | None,
    questions_path: Path | None = None,
    **overrides: Any,
) -> tuple[Config, str]:
    """The config and the output format, once the output path is known to be safe."""
    from kbaudit.reporters import output_format

    config = load(path, config_path, **overrides)
    if output is not None:
        check_output(output, inputs(path, config, questions_path))
    return config, output_format(view, fmt, output)


def run_view(
    path: Path,
    config: Config,
    select: list[str],
    analysis: str,
    input_format: str | None,
    quiet: bool,
    questions_path: Path | None = None,
    text_column: str | None = None,
) -> AuditResult:
    """An audit of only the `select`ed rules, with the `analysis` the view renders."""
    from kbaudit.audit import audit

    config.select, config.ignore = select, []
    questions = None
    if questions_path is not None:
        from kbaudit.sources.questions import load_questions

        questions = load_questions(questions_path, text_column, warnings=config.warnings)
        print_warnings(config)
    with progress_display(interactive(quiet)) as progress:
        return audit(
            path,
            config,
            input_format=input_format,
            questions=questions,
            progress=progress,
            needs=frozenset({analysis}),
        )
