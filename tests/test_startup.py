"""`kbaudit --help`, `rules` and `explain` start without the heavy libraries: scikit-learn,
numpy, scipy, bs4, lxml and the export readers load only for commands that read a KB."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("sklearn", "numpy", "scipy", "bs4", "lxml", "kbaudit.sources", "kbaudit.audit")

RUN = """
import contextlib, io
from kbaudit.cli import app
with contextlib.redirect_stdout(io.StringIO()):
    try:
        app({args!r}, standalone_mode=False)
    except SystemExit:
        pass
"""


def loaded(args: list[str] | None) -> list[str]:
    """The heavy modules in sys.modules after importing the CLI and running `kbaudit ARGS`
    (only importing it when `args` is None), in a fresh interpreter."""
    code = "import json, sys\nimport kbaudit.cli\n"
    code += RUN.format(args=args) if args is not None else ""
    code += f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return list(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize(
    "args",
    [None, ["--help"], ["rules"], ["rules", "--format", "json"], ["explain", "STALE001"]],
    ids=["import", "help", "rules", "rules-json", "explain"],
)
def test_light_commands_import_nothing_heavy(args: list[str] | None) -> None:
    assert loaded(args) == []


def test_the_probe_sees_heavy_imports() -> None:
    """The same probe on `sources`, which needs the readers, does report them."""
    assert "kbaudit.sources" in loaded(["sources"])
