"""The command line: the only place (with reporters) that talks to the user."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from kbaudit import __version__
from kbaudit.audit import AuditResult, audit
from kbaudit.baseline import BaselineEntry, compare, read_baseline
from kbaudit.baseline import write_baseline as save_baseline
from kbaudit.config import Config, load_config, parse_as_of
from kbaudit.errors import ConfigError, KbauditError
from kbaudit.model import Severity
from kbaudit.reporters import EXTENSIONS, renderer
from kbaudit.reporters.terminal import print_report
from kbaudit.rules import Rule, analysis_settings, build_registry, load_rules
from kbaudit.scope import ALL, ChangedSince

app = typer.Typer(
    name="kbaudit",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    help="Audit a help-center knowledge base before a support bot reads it.",
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format", "-f", help="Output format (default: from -o's extension, else terminal)."
    ),
]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Config file (default: closest kbaudit.yaml, .kbaudit.yaml or pyproject.toml [tool.kbaudit]).",
    ),
]
InputFormatOpt = Annotated[
    str | None,
    typer.Option("--input-format", help="Force the source format (see `kbaudit sources`)."),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="Audit as if today were YYYY-MM-DD (reproducible runs)."),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, only the report.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Explain errors in full.")]


def _interactive() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Any]:
    """A rich progress bar on a terminal; a silent callback when piped, quiet or in CI."""
    if not enabled:
        yield lambda stage, total, advance: None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, total: int | None, advance: int) -> None:
            if stage not in tasks:
                for other in tasks.values():
                    bar.update(other, visible=False)
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], advance=advance, total=total)

        yield update


def _fail(exc: KbauditError, verbose: bool) -> typer.Exit:
    err.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
    if verbose:
        err.print_exception()
    return typer.Exit(exc.exit_code)


def _config(path: Path, config_path: Path | None, **overrides: Any) -> Config:
    config = load_config(path, config_path)
    for key, value in overrides.items():
        if value is None or value == [] or value == ():
            continue
        if key == "as_of":
            value = parse_as_of(value)
        elif key == "fail_on":
            try:
                value = Severity[str(value).upper()]
            except KeyError:
                raise ConfigError(f"--fail-on {value}: use info, warning or error") from None
        elif key in ("select", "ignore"):
            value = [v.strip() for item in value for v in item.split(",") if v.strip()]
        setattr(config, key, value)
    return config


def _output_format(fmt: str | None, output: Path | None) -> str:
    if fmt:
        return fmt
    if output is not None:
        return EXTENSIONS.get(output.suffix.lower(), "terminal")
    return "terminal"


def emit(result: AuditResult, fmt: str, output: Path | None, kb_path: Path) -> None:
    """Print or write the report; refuses to write inside the audited KB."""
    if output is None and fmt == "terminal":
        print_report(out, result)
        return
    text = renderer(fmt)(result)
    if output is None:
        sys.stdout.write(text)
        return
    guard_output(output, kb_path)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    err.print(f"wrote {fmt} report to {output}")


def print_timings(result: AuditResult) -> None:
    """--verbose: where the time went, slowest stages first (to stderr)."""
    total = sum(result.timings.values())
    rate = result.articles / total if total else 0.0
    err.print(f"[dim]{result.articles} articles in {total:.2f} s ({rate:,.0f} articles/s)[/]")
    for stage, seconds in sorted(result.timings.items(), key=lambda kv: -kv[1])[:12]:
        err.print(f"[dim]  {seconds:8.2f} s  {stage}[/]")


def guard_output(output: Path, kb_path: Path) -> None:
    kb = kb_path.resolve()
    target = output.resolve()
    if kb.is_dir() and (target == kb or kb in target.parents):
        raise ConfigError(
            f"refusing to write {output} inside the audited KB {kb_path}; "
            "kbaudit never writes into the KB it reads — choose another path"
        )


def exit_code(result: AuditResult, config: Config) -> int:
    if config.fail_under is not None and result.scorecard.score < config.fail_under:
        err.print(
            f"[red]score {result.scorecard.score:.1f} is under --fail-under "
            f"{config.fail_under:g}[/]"
        )
        return 1
    if config.fail_on is not None:
        hits = [f for f in result.findings if f.severity >= config.fail_on]
        if hits:
            err.print(f"[red]{len(hits)} finding(s) at or above {config.fail_on}[/]")
            return 1
    return 0


@app.command("audit")
def audit_cmd(
    path: Annotated[Path, typer.Argument(help="The KB export: a folder or a file.")],
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
    questions_path: Annotated[
        Path | None,
        typer.Option(
            "--questions",
            help="Customer questions: text, CSV/TSV, JSON(L), tickets, chats, search log.",
        ),
    ] = None,
    text_column: Annotated[
        str | None, typer.Option("--text-column", help="Column of the questions file to read.")
    ] = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Audit a KB export and print or write its readiness scorecard."""
    try:
        config = _config(
            path,
            config_path,
            as_of=as_of,
            select=select,
            ignore=ignore,
            fail_on=fail_on,
            fail_under=fail_under,
            dates=dates,
            jobs=jobs,
        )
        fmt = _output_format(fmt, output)
        renderer(fmt)
        if output is not None:
            guard_output(output, path)
        known = read_baseline(baseline) if baseline is not None else None
        questions = None
        if questions_path is not None:
            from kbaudit.questions import load_questions

            questions = load_questions(questions_path, text_column)
        with progress_bar(_interactive() and not quiet) as progress:
            result = audit(
                path,
                config,
                input_format=input_format,
                questions=questions,
                progress=progress,
                scope=ChangedSince(changed_since) if changed_since else ALL,
            )
        if write_baseline is not None:
            guard_output(write_baseline, path)
            save_baseline(write_baseline, result)
            err.print(f"wrote a baseline of {len(result.findings)} finding(s) to {write_baseline}")
        if known is not None:
            result = against_baseline(result, known)
        emit(result, fmt, output, path)
        if verbose:
            print_timings(result)
    except KbauditError as exc:
        raise _fail(exc, verbose) from None
    raise typer.Exit(exit_code(result, config))


def against_baseline(result: AuditResult, known: list[BaselineEntry]) -> AuditResult:
    """--baseline: keep only the new findings; list the fixed ones (also in md/html reports)."""
    found = compare(result.findings, known)
    err.print(
        f"baseline: {len(found.new)} new finding(s), {len(found.known)} known, "
        f"{len(found.fixed)} fixed"
    )
    for entry in found.fixed:
        err.print(f"[green]fixed[/] {entry.rule} {entry.article}: {entry.message}", markup=True)
    fixed = [e.to_dict() for e in found.fixed]
    return replace(result, findings=found.new, sections={**result.sections, "fixed": fixed})


def _rules(config_path: Path | None, path: Path) -> list[Rule]:
    config = load_config(path, config_path)
    return load_rules(config, build_registry(), path if path.is_dir() else None)


@app.command("rules")
def rules_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or markdown.")] = "table",
    config_path: ConfigOpt = None,
    path: Annotated[
        Path, typer.Option("--path", help="KB folder whose rule packs to include.")
    ] = Path("."),
) -> None:
    """List every rule: code, name, category, severity and summary."""
    try:
        rules = _rules(config_path, path)
    except KbauditError as exc:
        raise _fail(exc, False) from None
    if fmt == "json":
        import json

        data = [
            {
                "code": r.code,
                "name": r.name,
                "category": r.category,
                "kind": r.kind,
                "severity": str(r.severity),
                "summary": r.summary,
                "params": r.params,
                "enabled": r.enabled,
            }
            for r in rules
        ]
        sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
        return
    if fmt == "markdown":
        sys.stdout.write(rules_markdown(rules))
        return
    table = Table(title=f"{len(rules)} rules")
    for col in ("code", "name", "category", "severity", "summary"):
        table.add_column(col, overflow="fold")
    for r in rules:
        table.add_row(r.code, r.name, r.category, str(r.severity), r.summary)
    out.print(table)


def rules_markdown(rules: list[Rule]) -> str:
    """The README's rule table (kept in sync by a test)."""
    lines = ["| code | name | category | severity | summary |", "| --- | --- | --- | --- | --- |"]
    lines += [
        f"| {r.code} | `{r.name}` | {r.category} | {r.severity} | {r.summary} |" for r in rules
    ]
    return "\n".join(lines) + "\n"


def explain_text(
    rule: Rule, kind_params: dict[str, Any], shared: dict[str, dict[str, Any]] | None = None
) -> str:
    shared = shared or {}
    docs = rule.docs
    parts = [
        f"# {rule.code} `{rule.name}`",
        "",
        f"{rule.summary}",
        "",
        f"Category **{rule.category}** · default severity **{rule.severity}** · "
        f"check kind `{rule.kind}`",
        "",
    ]
    for key, heading in (("what", "What it checks"), ("why", "Why it matters for a support bot")):
        if docs.get(key):
            parts += [f"## {heading}", "", docs[key], ""]
    if docs.get("example"):
        parts += ["## Example", "", "```", docs["example"].rstrip(), "```", ""]
    if docs.get("fix"):
        parts += ["## How to fix", "", docs["fix"], ""]
    parts += ["## Parameters", ""]
    if kind_params:
        for name, param in kind_params.items():
            value = rule.params.get(name, param.default)
            parts.append(f"- `{name}` = `{value!r}` — {param.help}")
    else:
        parts.append("None.")
    parts += [
        "",
        f"Change them in the config: `rules: {{{rule.code}: {{params: {{...}}}}}}`; "
        f"silence it with `ignore: [{rule.code}]` or `<!-- kbaudit: ignore {rule.code} -->`.",
    ]
    for section, values in shared.items():
        parts += [
            "",
            f"## Shared settings (config `{section}:`)",
            "",
            f"Every rule that reads the {section} analysis, and `kbaudit "
            f"{'gaps' if section == 'coverage' else section}`, uses these values:",
            "",
        ]
        parts += [f"- `{section}.{name}` = `{value!r}`" for name, value in values.items()]
    return "\n".join(parts) + "\n"


@app.command("explain")
def explain_cmd(
    code: Annotated[str, typer.Argument(help="Rule code or name, e.g. STALE001.")],
    config_path: ConfigOpt = None,
    path: Annotated[
        Path, typer.Option("--path", help="KB folder whose rule packs to include.")
    ] = Path("."),
) -> None:
    """Show a rule's documentation, parameters and an example."""
    try:
        registry = build_registry()
        config = load_config(path, config_path)
        rules = load_rules(config, registry, path if path.is_dir() else None)
    except KbauditError as exc:
        raise _fail(exc, False) from None
    wanted = code.strip()
    rule = next((r for r in rules if wanted.upper() == r.code or wanted == r.name), None)
    if rule is None:
        err.print(f"[bold red]error:[/] no rule {code!r}; `kbaudit rules` lists them")
        raise typer.Exit(2)
    kind = registry.get(rule.kind)
    text = explain_text(rule, kind.params, analysis_settings(kind, config))
    if sys.stdout.isatty():
        out.print(Markdown(text))
    else:
        sys.stdout.write(text)


@app.command("sources")
def sources_cmd() -> None:
    """List the export formats kbaudit reads, with an example of each."""
    from kbaudit.sources import SOURCES

    table = Table(title="Input formats (--input-format NAME)")
    for col in ("name", "what", "example"):
        table.add_column(col, overflow="fold")
    for s in SOURCES:
        table.add_row(s.name, s.description, s.example)
    out.print(table)


@app.command("init")
def init_cmd(
    path: Annotated[Path, typer.Argument(help="Folder to write kbaudit.yaml into.")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter kbaudit.yaml."""
    from kbaudit.starter import STARTER_CONFIG

    target = path / "kbaudit.yaml" if path.is_dir() or not path.suffix else path
    if target.exists() and not force:
        err.print(f"[bold red]error:[/] {target} exists; use --force to overwrite")
        raise typer.Exit(2)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(STARTER_CONFIG, encoding="utf-8")
    out.print(f"wrote {target}")


def version_callback(value: bool) -> None:
    if value:
        out.print(f"kbaudit {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Audit a help-center knowledge base before a support bot reads it."""


def main() -> None:
    app()


# Commands that live in their own modules register here (imported last: they use `app`).
from kbaudit.commands import diff as _diff  # noqa: E402, F401
from kbaudit.commands import duplicates as _duplicates  # noqa: E402, F401
from kbaudit.commands import gaps as _gaps  # noqa: E402, F401
from kbaudit.commands import topics as _topics  # noqa: E402, F401
