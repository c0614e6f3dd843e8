"""`kbaudit audit PATH`: audit an export and print or write its readiness scorecard."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

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
    VerboseOpt,
    cache_options,
    check_output,
    emit,
    err,
    handled,
    interactive,
    load,
    matching_options,
    print_warnings,
    progress_display,
    write_atomic,
)
from kbaudit.reporters.escape import term

if TYPE_CHECKING:
    from kbaudit.analysis.topics import PriorTopics
    from kbaudit.audit import AuditResult
    from kbaudit.baseline import BaselineEntry
    from kbaudit.config import Config


def inputs(path: Path, config: Config, *files: Path | None) -> list[Path]:
    """Every file or folder this run reads: outputs must not land on any of them."""
    found = [path, *(f for f in files if f is not None)]
    if config.path:
        found.append(Path(config.path))
    if config.taxonomy.path:
        found.append(Path(config.taxonomy.path))
    found += [Path(p) for p in config.rule_packs]
    return found


def audit_cmd(
    path: PathArg,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    config_path: ConfigOpt = None,
    input_format: InputFormatOpt = None,
    as_of: AsOfOpt = None,
    select: Annotated[
        list[str] | None,
        typer.Option("--select", help="Only these rules (codes, prefixes, names, categories)."),
    ] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Skip these rules.")] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on", help="Exit 1 on findings at or above this severity (info, warning, error)."
        ),
    ] = None,
    fail_under: Annotated[
        float | None,
        typer.Option("--fail-under", help="Exit 1 when the readiness score is under SCORE."),
    ] = None,
    dates: Annotated[
        str | None,
        typer.Option(
            "--dates", help="field, git (last commit date per file) or auto (git where no field)."
        ),
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", help="Worker processes (0 = all cores).")
    ] = None,
    cache_dir: CacheDirOpt = None,
    no_cache: NoCacheOpt = False,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline", help="Report and fail only on findings not in this baseline file."
        ),
    ] = None,
    write_baseline: Annotated[
        Path | None,
        typer.Option("--write-baseline", help="Store today's findings as a baseline in FILE."),
    ] = None,
    changed_since: Annotated[
        str | None,
        typer.Option(
            "--changed-since",
            help="List only findings about articles changed since this git ref; the score "
            "and verdict stay those of the whole KB.",
        ),
    ] = None,
    questions_path: QuestionsOpt = None,
    text_column: TextColumnOpt = None,
    semantic: SemanticOpt = None,
    model: ModelOpt = None,
    trust_kb_config: Annotated[
        bool,
        typer.Option(
            "--trust-kb-config",
            help="Let a config inside the audited KB switch off security rules (by default "
            "it cannot: a pull request must not disarm its own audit).",
        ),
    ] = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Audit a KB export and print or write its readiness scorecard."""
    with handled(debug):
        from kbaudit.reporters import output_format

        config = load(
            path,
            config_path,
            trust_kb_config=trust_kb_config,
            as_of=as_of,
            select=select,
            ignore=ignore,
            fail_on=fail_on,
            fail_under=fail_under,
            dates=dates,
            jobs=jobs,
            **cache_options(path, cache_dir, no_cache),
        )
        matching_options(config, semantic, model)
        read = inputs(path, config, questions_path, baseline)
        if output is not None:
            check_output(output, read)
        fmt = output_format("scorecard", fmt, output)
        if write_baseline is not None:
            check_output(write_baseline, read, "--write-baseline")
            if output is not None and output.resolve() == write_baseline.resolve():
                raise_same(output)
        known = None
        if baseline is not None:  # read first: a bad baseline fails before a long audit
            from kbaudit.baseline import read_baseline

            known = read_baseline(baseline)
        result = run(
            path,
            config,
            input_format,
            questions_path,
            text_column,
            changed_since,
            quiet,
            known.topics if known else None,
        )
        if write_baseline is not None:
            from kbaudit.baseline import baseline_text

            write_atomic(write_baseline, baseline_text(result))
            err.print(
                Text(f"wrote a baseline of {len(result.findings)} finding(s) to {write_baseline}"),
                soft_wrap=True,
            )
        if known is not None:
            result = against_baseline(result, known.entries)
        with progress_display(interactive(quiet) and output is not None) as progress:
            emit("scorecard", fmt, result, output, progress)
        if verbose:
            print_timings(result)
        code = exit_code(result, config)
    raise typer.Exit(code)


def raise_same(output: Path) -> None:
    from kbaudit.errors import ConfigError

    raise ConfigError(f"-o and --write-baseline both name {output}; give them different files")


def run(
    path: Path,
    config: Config,
    input_format: str | None,
    questions_path: Path | None,
    text_column: str | None,
    changed_since: str | None,
    quiet: bool,
    prior_topics: PriorTopics | None = None,
) -> AuditResult:
    """The audit itself, with the stage display on a terminal (`prior_topics`: the
    baseline's topics, carried over where articles did not change)."""
    from kbaudit.audit import audit

    questions = None
    if questions_path is not None:
        from kbaudit.sources.questions import load_questions

        questions = load_questions(questions_path, text_column, warnings=config.warnings)
    from kbaudit.scope import ALL, ChangedSince

    with progress_display(interactive(quiet)) as progress:
        result = audit(
            path,
            config,
            input_format=input_format,
            questions=questions,
            progress=progress,
            scope=ChangedSince(changed_since) if changed_since else ALL,
            prior_topics=prior_topics,
        )
    print_warnings(config)  # rule packs inside the KB are read by the audit
    return result


def against_baseline(result: AuditResult, known: list[BaselineEntry]) -> AuditResult:
    """--baseline: keep only the new findings; list the fixed ones (also in md/html reports)."""
    from kbaudit.baseline import compare

    found = compare(result.findings, known)
    err.print(
        f"baseline: {len(found.new)} new finding(s), {len(found.known)} known, "
        f"{len(found.fixed)} fixed"
    )
    for entry in found.fixed:
        line = f"{entry.rule} {entry.article}: {entry.message}"
        err.print(Text("fixed ", style="green") + term(line), soft_wrap=True)
    fixed = [e.to_dict() for e in found.fixed]
    return replace(result, findings=found.new, sections={**result.sections, "fixed": fixed})


def print_timings(result: AuditResult) -> None:
    """--verbose: where the time went, slowest stages first (to stderr)."""
    total = sum(result.timings.values())
    rate = result.articles / total if total else 0.0
    err.print(f"{result.articles} articles in {total:.2f} s ({rate:,.0f} articles/s)", style="dim")
    for stage, seconds in sorted(result.timings.items(), key=lambda kv: -kv[1])[:12]:
        err.print(Text(f"  {seconds:8.2f} s  {stage}", style="dim"))


def exit_code(result: AuditResult, config: Config) -> int:
    if config.fail_under is not None and result.scorecard.score < config.fail_under:
        err.print(
            f"score {result.scorecard.score:.1f} is under --fail-under {config.fail_under:g}",
            style="red",
        )
        return 1
    if config.fail_on is not None:
        hits = [f for f in result.findings if f.severity >= config.fail_on]
        if hits:
            err.print(f"{len(hits)} finding(s) at or above {config.fail_on}", style="red")
            return 1
    return 0
