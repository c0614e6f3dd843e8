"""The command line: the only place (with reporters) that talks to the user. One module per
command, the command table in `app`, shared options and helpers in `common`."""

from kbaudit.cli.app import app, main

__all__ = ["app", "main"]
