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


AUDIT_SAMPLE = """
import contextlib, io, json, sys, tempfile
from pathlib import Path
from kbaudit.cli import app
out = Path(tempfile.mkdtemp()) / "report.json"
with contextlib.redirect_stdout(io.StringIO()):
    try:
        app(["audit", {kb!r}, "--no-cache", "-f", "json", "-o", str(out)], standalone_mode=False)
    except SystemExit:
        pass
stats = sys.modules.get("scipy.stats")
print(json.dumps([type(stats).__name__, "scipy.stats._stats_py" in sys.modules, out.exists()]))
"""


def test_an_audit_never_loads_scipy_stats() -> None:
    """scikit-learn imports scipy.stats (0.5 s of a small audit) but the audit never calls it:
    the stand-in keeps its place to the end of an audit that clusters topics."""
    from pathlib import Path

    kb = str(Path(__file__).parents[1] / "fixtures" / "sample-kb")
    done = subprocess.run(
        [sys.executable, "-c", AUDIT_SAMPLE.format(kb=kb)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert json.loads(done.stdout.splitlines()[-1]) == ["_Stats", False, True]


USE_STATS = """
import json, sys
from kbaudit.deferred import defer_scipy_stats
defer_scipy_stats()
from scipy.stats import rankdata            # a name handed out as a stand-in
before = "scipy.stats._stats_py" in sys.modules
ranks = rankdata([30, 10, 20]).tolist()     # first use loads the real module
import scipy.stats
real = sys.modules["scipy.stats"]
print(json.dumps([
    before,
    ranks,
    type(real).__name__,
    scipy.stats.describe([1, 2, 3]).mean,   # a name not handed out: the real function
    rankdata is not real.rankdata,
    repr(rankdata),
]))
"""


def test_deferred_scipy_stats_works_when_used() -> None:
    done = subprocess.run(
        [sys.executable, "-c", USE_STATS], capture_output=True, text=True, check=True, timeout=120
    )
    before, ranks, kind, mean, proxied, shown = json.loads(done.stdout.splitlines()[-1])
    assert before is False
    assert ranks == [3.0, 1.0, 2.0]
    assert kind == "module"
    assert mean == 2.0
    assert proxied
    assert "loaded on first use" in shown


def test_scipy_stats_already_loaded_is_left_alone() -> None:
    code = (
        "import sys, scipy.stats\nfrom kbaudit.deferred import defer_scipy_stats\n"
        "real = sys.modules['scipy.stats']\ndefer_scipy_stats()\n"
        "print(sys.modules['scipy.stats'] is real)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "True"
