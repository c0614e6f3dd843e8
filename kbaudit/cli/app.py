"""The command table: every command of `kbaudit`, registered here and nowhere else."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.text import Text

from kbaudit import __version__
from kbaudit.cli.audit import audit_cmd
from kbaudit.cli.calibrate import calibrate_cmd
from kbaudit.cli.common import out
from kbaudit.cli.diff import diff_cmd
from kbaudit.cli.duplicates import duplicates_cmd
from kbaudit.cli.explain import explain_cmd
from kbaudit.cli.gaps import gaps_cmd
from kbaudit.cli.init import init_cmd
from kbaudit.cli.model import model_app
from kbaudit.cli.rules import rules_cmd
from kbaudit.cli.sources import sources_cmd
from kbaudit.cli.topics import topics_cmd

COMMANDS: dict[str, Callable[..., Any]] = {
    "audit": audit_cmd,
    "rules": rules_cmd,
    "explain": explain_cmd,
    "sources": sources_cmd,
    "init": init_cmd,
    "gaps": gaps_cmd,
    "calibrate": calibrate_cmd,
    "duplicates": duplicates_cmd,
    "topics": topics_cmd,
    "diff": diff_cmd,
}

app = typer.Typer(
    name="kbaudit",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    help="Audit a help-center knowledge base before a support bot reads it.",
)
for name, command in COMMANDS.items():
    app.command(name)(command)
app.add_typer(model_app, name="model")


def version_callback(value: bool) -> None:
    if value:
        out.print(Text(f"kbaudit {__version__}"))
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
    # An audit holds hundreds of thousands of long-lived objects (articles, findings, cached
    # entries) and makes few cycles: the cyclic collector's default of a pass every 700
    # allocations spends a quarter of a warm run walking them. A pass every 100,000 keeps
    # garbage of the rare cycle bounded.
    gc.set_threshold(100_000, 50, 1_000)


def main() -> None:
    app()
