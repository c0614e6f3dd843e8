"""`kbaudit init [DIR]`: write a commented starter kbaudit.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from kbaudit.cli.common import DebugOpt, handled, out, write_atomic
from kbaudit.errors import ConfigError


def init_cmd(
    path: Annotated[Path, typer.Argument(help="Folder to write kbaudit.yaml into.")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    debug: DebugOpt = False,
) -> None:
    """Write a commented starter kbaudit.yaml."""
    with handled(debug):
        from kbaudit.starter import STARTER_CONFIG

        target = path / "kbaudit.yaml" if path.is_dir() or not path.suffix else path
        if target.exists() and not force:
            raise ConfigError(f"{target} exists; use --force to overwrite it")
        write_atomic(target, STARTER_CONFIG)
        out.print(Text(f"wrote {target}"))
