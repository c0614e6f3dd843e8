"""What every command shares: options, consoles, error handling and exit codes, the progress
display, and safe report writing. Imports nothing heavy: commands import the pipeline inside
their function, so `kbaudit --help` and `kbaudit rules` start at once."""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from kbaudit.errors import ConfigError, KbauditError
from kbaudit.reporters.escape import clean

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from kbaudit.config import Config

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

ProgressCallback = Callable[[str, int | None, int], None]

# --- options shared by the commands ------------------------------------------------------

PathArg = Annotated[Path, typer.Argument(help="The KB export: a folder or a file.")]
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
        help="Config file (default: closest kbaudit.yaml, .kbaudit.yaml or pyproject.toml "
        "[tool.kbaudit]).",
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
QuestionsOpt = Annotated[
    Path | None,
    typer.Option(
        "--questions",
        help="Customer questions: text, CSV/TSV, JSON(L), tickets, chats, search log, or a "
        "Slack export's folder (or one channel's).",
    ),
]
TextColumnOpt = Annotated[
    str | None, typer.Option("--text-column", help="Column of the questions file to read.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")]
VerboseOpt = Annotated[
    bool, typer.Option("--verbose", "-v", help="Show where the time went (to stderr).")
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")]
CacheDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir", help="Folder of the incremental cache (default: the user cache folder)."
    ),
]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Parse and compute everything again; use no cache.")
]
SemanticOpt = Annotated[
    bool | None,
    typer.Option(
        "--semantic/--lexical",
        help="Match questions by meaning too (needs kbaudit\\[semantic] and a model; default: "
        "when both are installed), or by their words only.",
    ),
]
ModelOpt = Annotated[
    Path | None,
    typer.Option(
        "--model",
        help="Sentence-embedding model folder (config.json, tokenizer.json, model.safetensors).",
    ),
]
RulePathOpt = Annotated[Path, typer.Option("--path", help="KB folder whose rule packs to include.")]


# --- errors and exit codes ---------------------------------------------------------------


class Interrupted(Exception):
    """SIGTERM arrived: stop and exit 128 + the signal number."""

    def __init__(self, signum: int, stopped: bool = False) -> None:
        super().__init__(signum)
        self.signum = signum
        self.stopped = stopped  # worker processes were terminated


def cache_options(path: Path, cache_dir: Path | None, no_cache: bool) -> dict[str, Any]:
    """The config overrides of `--cache-dir` and `--no-cache`; a cache folder inside the
    audited KB is refused (kbaudit never writes into the KB it reads)."""
    if cache_dir is not None and path.is_dir():
        folder = cache_dir.resolve()
        if path.resolve() in [folder, *folder.parents]:
            raise ConfigError(
                f"refusing --cache-dir {cache_dir}: it is inside the audited KB {path}; "
                "kbaudit never writes into the KB it reads — choose another folder"
            )
    return {
        "cache": False if no_cache else None,
        "cache_dir": str(cache_dir) if cache_dir else None,
    }


def _stop_workers() -> bool:
    """Terminate the worker processes of the audit's pool (none when it ran in one process);
    whether there were any."""
    import multiprocessing

    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    for child in children:  # gone before the command returns, not just told to go
        child.join(2)
        if child.is_alive():
            child.kill()
            child.join(2)
    return bool(children)


def _exit_now(code: int) -> None:
    """Leave at once once workers were stopped: a worker killed while writing its result
    leaves half a message in the pool's pipe, and the pool's thread, which the interpreter
    joins on a normal exit, waits for the rest forever. Every `finally` on the way out has
    run by now (temporary report files are gone)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum, _stop_workers())


def fail(message: str, code: int = 2) -> typer.Exit:
    """One red line on stderr; the message is text, never markup or escape sequences."""
    err.print(Text("error: ", style="bold red") + Text(clean(message)), soft_wrap=True)
    return typer.Exit(code)


def _internal(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror or exc}; check the path and its permissions"
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply to read; flatten or remove that file"
    if isinstance(exc, MemoryError):
        return "out of memory; audit a smaller part of the KB or raise the memory limit"
    return (
        f"internal error ({type(exc).__name__}: {exc}); rerun with --debug for the traceback "
        "and report it"
    )


@contextmanager
def handled(debug: bool = False) -> Iterator[None]:
    """Run a command: project errors, OS errors and bugs become one line and exit 2 (with the
    traceback under --debug); SIGINT exits 130 and SIGTERM 143 after stopping the workers."""
    previous = signal.getsignal(signal.SIGTERM)
    with suppress(ValueError):  # not the main thread: keep the default handler
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except KeyboardInterrupt:
        stopped = _stop_workers()
        err.print(Text("interrupted", style="red"))
        if stopped:
            _exit_now(130)
        raise typer.Exit(130) from None
    except Interrupted as exc:
        err.print(Text("terminated", style="red"))
        if exc.stopped:
            _exit_now(128 + exc.signum)
        raise typer.Exit(128 + exc.signum) from None
    except KbauditError as exc:
        if debug:
            err.print_exception()
        raise fail(str(exc), exc.exit_code) from None
    except Exception as exc:
        if debug:
            err.print_exception()
        raise fail(_internal(exc)) from None
    finally:
        with suppress(ValueError, TypeError):
            signal.signal(signal.SIGTERM, previous)


# --- configuration -------------------------------------------------------------------------


def load(
    path: Path, config_path: Path | None, *, trust_kb_config: bool = False, **overrides: Any
) -> Config:
    """The config for PATH, with the CLI flags that were given laid over it. What a config
    inside the audited KB was not allowed to change is said on stderr."""
    from kbaudit.config import load_config, parse_as_of
    from kbaudit.deferred import defer_scipy_stats
    from kbaudit.model import Severity

    defer_scipy_stats()  # every command that reads a KB: before anything imports scikit-learn
    config = load_config(path, config_path, True if trust_kb_config else None)
    print_warnings(config)
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


def matching_options(config: Config, semantic: bool | None, model: Path | None) -> None:
    """--semantic / --lexical and --model laid over the config's coverage settings."""
    from dataclasses import replace

    settings = config.coverage
    if model is not None:
        settings = replace(settings, model=str(model), semantic="on")
    if semantic is not None:
        settings = replace(settings, semantic="on" if semantic else "off")
    config.coverage = settings


def print_warnings(config: Config) -> None:
    """Say, once, what the config or rule packs inside the KB were not allowed to change."""
    for warning in config.warnings:
        err.print(Text("warning: ", style="bold yellow") + Text(clean(warning)), soft_wrap=True)
    config.warnings.clear()


# --- progress ------------------------------------------------------------------------------

# Words in a pipeline stage's name -> the short name shown.
STAGES = (
    ("read", "reading"),
    ("pars", "parsing"),
    ("duplic", "duplicates"),
    ("topic", "topics"),
    ("coverage", "coverage"),
    ("question", "coverage"),
    ("gap", "coverage"),
    ("check", "checks"),
    ("rule", "checks"),
    ("scor", "scoring"),
    ("writ", "writing"),
)


def stage_name(stage: str) -> str:
    lowered = stage.lower()
    return next((name for word, name in STAGES if word in lowered), lowered)


def interactive(quiet: bool = False) -> bool:
    """Progress is drawn only on a terminal, never in CI or with --quiet."""
    return not quiet and sys.stderr.isatty() and not os.environ.get("CI")


def _noop(stage: str, total: int | None, advance: int) -> None:
    return None


class StageDisplay:
    """One line per stage (reading, parsing, checks, duplicates, topics, coverage, writing):
    a bar when the stage knows its size, a spinner and a count when not, each with its own
    elapsed time. A finished stage stays, completed, until the display goes away."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}
        self.current: str | None = None

    def __call__(self, stage: str, total: int | None, advance: int) -> None:
        name = stage_name(stage)
        if name != self.current:
            self.finish()
            self.current = name
            if name not in self.tasks:
                self.tasks[name] = self.progress.add_task(name, total=total, count="")
        task = self.tasks[name]
        self.progress.update(task, advance=advance, total=total)
        done = int(self.progress.tasks[self._index(task)].completed)
        self.progress.update(task, count=f"{done:,}/{total:,}" if total else f"{done:,}")

    def _index(self, task: TaskID) -> int:
        return next(i for i, t in enumerate(self.progress.tasks) if t.id == task)

    def finish(self) -> None:
        if self.current is None:
            return
        task = self.tasks[self.current]
        state = self.progress.tasks[self._index(task)]
        if state.total is None:  # a spinner stage: done, with its count if it had one
            done = max(state.completed, 1)
            count = f"{int(state.completed):,}" if state.completed else ""
            self.progress.update(task, total=done, completed=done, count=count)
        else:
            self.progress.update(task, completed=state.total)
        self.progress.stop_task(task)


@contextmanager
def progress_display(enabled: bool) -> Iterator[ProgressCallback]:
    """The stage display on stderr (transient); a silent callback when not `enabled`."""
    if not enabled:
        yield _noop
        return
    from rich.progress import (
        BarColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        SpinnerColumn(finished_text="✓"),
        TextColumn("{task.description:<10}"),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        display = StageDisplay(progress)
        yield display
        display.finish()


# --- writing reports -----------------------------------------------------------------------


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def check_output(output: Path, inputs: Iterable[Path], flag: str = "-o") -> None:
    """Refuse, before any work, an output path that is an input (the KB or a file in it, the
    questions, the config, a baseline being read), a folder, or not writable."""
    target = output.resolve()
    for given in inputs:
        source = given.resolve()
        if _same(output, given):
            raise ConfigError(
                f"refusing {flag} {output}: it is an input of this run ({given}); "
                "kbaudit never overwrites what it reads — choose another path"
            )
        if source.is_dir() and source in target.parents:
            raise ConfigError(
                f"refusing {flag} {output}: it is inside the audited KB {given}; "
                "kbaudit never writes into the KB it reads — choose another path"
            )
    if output.is_dir():
        raise ConfigError(
            f"{flag} {output} is a folder; give a file name such as {output / 'report.html'}"
        )
    if output.exists() and not os.access(output, os.W_OK):
        raise ConfigError(f"{flag} {output} is read-only; choose another path or make it writable")
    try:  # the folder must take a new file (the report is written beside, then renamed)
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=target.parent):
            pass
    except OSError as exc:
        raise ConfigError(
            f"{flag} {output}: cannot write into {target.parent} ({exc.strerror or exc}); "
            "choose a writable folder"
        ) from None


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it over `path`: a reader (or
    an interrupted run) never sees a partial report."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ConfigError(
            f"cannot write {path}: {exc.strerror or exc}; choose another path"
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8", errors="replace"))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException as exc:
        with suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise ConfigError(
                f"cannot write {path}: {exc.strerror or exc}; choose another path"
            ) from None
        raise


def write_stdout(text: str) -> None:
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode(sys.stdout.encoding or "utf-8", errors="replace"))
    buffer.flush()


def emit(
    view: str, fmt: str, data: Any, output: Path | None, progress: ProgressCallback = _noop
) -> None:
    """Print the report, or write it atomically to `output` (already checked)."""
    from kbaudit.reporters import render_text, reporter

    if output is None:
        if fmt == "terminal":
            reporter(view, fmt)(out, data)
        else:
            write_stdout(render_text(view, fmt, data))
        return
    progress("writing", None, 0)
    write_atomic(output, render_text(view, fmt, data))
    progress("writing", 1, 1)
    err.print(Text(f"wrote {fmt} {view} report to {output}"), soft_wrap=True)
