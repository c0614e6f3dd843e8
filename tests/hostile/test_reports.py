"""Hostile output: reports never overwrite what the run reads, are written whole or not at all,
fail with one line and exit 2, and article text (paths, titles, categories, messages) cannot
create structure in any format."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from kbaudit.audit import AuditResult, audit
from kbaudit.cli import app
from kbaudit.config import Config
from kbaudit.reporters import render_text
from tests.conftest import AS_OF, SAMPLE_KB

BODY = "Open Settings, choose Billing and pick the plan that fits your team. " * 8
ESC = "\x1b[31m"
# path -> front matter title and category; every one is stale and has no owner (findings).
HOSTILE = {
    "[/x].md": ("[bold red]markup[/] title", "[red]billing[/red]"),
    f"esc{ESC}red\x07bell.md": (f"Escape {ESC}red\x07 and \x00 nul", "billing"),
    "pipe|`tick`<b>![i](j)[k].md": ("Pipe | title\n# Injected heading\n![img](http://e/x.png)", "a|b"),
    "copy/pipe|`tick`<b>![i](j)[k].md": ("Pipe | title\n# Injected heading\n![img](http://e/x.png)", "a|b"),
}  # fmt: skip


def _yaml(value: str) -> str:
    return json.dumps(value)  # a JSON string is a YAML double-quoted scalar


@pytest.fixture(scope="module")
def hostile_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-out") / "kb"
    for rel, (title, category) in HOSTILE.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = (
            f"---\ntitle: {_yaml(title)}\ncategory: {_yaml(category)}\ntags: [x]\n"
            f"updated_at: 2019-01-01\n---\n{BODY}\n\nTODO <script>alert(1)</script>\n"
        )
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def result(hostile_kb: Path) -> AuditResult:
    found = audit(hostile_kb, Config(as_of=AS_OF, jobs=1))
    assert {f.where for f in found.findings} >= set(HOSTILE)  # every hostile path is reported
    return found


# --- injection --------------------------------------------------------------------------


def test_markdown_gets_no_structure_from_article_text(result: AuditResult) -> None:
    text = render_text("scorecard", "md", result)
    soup = BeautifulSoup(MarkdownIt("commonmark").enable("table").render(text), "lxml")
    assert len(soup.find_all("h1")) == 1  # the report's own title only
    assert not soup.find_all(["img", "b", "script"])
    assert not [a for a in soup.find_all("a") if "e/x.png" in a.get("href", "") or a.text == "k"]
    for grid in soup.find_all("table"):
        width = len(grid.find("thead").find_all("th"))
        assert all(len(row.find_all("td")) == width for row in grid.find("tbody").find_all("tr"))
    assert "[/x].md" in soup.text and "Injected heading" not in [h.text for h in soup.find_all()]


@pytest.mark.parametrize("view", ["gaps", "duplicates", "topics"])
def test_markdown_views_keep_rows_whole(result: AuditResult, view: str) -> None:
    text = render_text(view, "md", result)
    soup = BeautifulSoup(MarkdownIt("commonmark").enable("table").render(text), "lxml")
    assert len(soup.find_all("h1")) == 1 and not soup.find_all(["img", "b", "script"])
    for grid in soup.find_all("table"):
        width = len(grid.find("thead").find_all("th"))
        assert all(len(row.find_all("td")) == width for row in grid.find("tbody").find_all("tr"))


def test_junit_is_valid_xml_without_control_characters(result: AuditResult) -> None:
    text = render_text("scorecard", "junit", result)
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    assert not any(c in text for c in ("\x1b", "\x07", "\x00"))


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_formats_escape_control_characters(result: AuditResult, fmt: str) -> None:
    text = render_text("scorecard", fmt, result)
    assert not any(c in text for c in ("\x1b", "\x07", "\x00"))
    json.loads(text)


def test_csv_has_one_row_per_finding(result: AuditResult) -> None:
    rows = list(csv.DictReader(io.StringIO(render_text("scorecard", "csv", result))))
    assert len(rows) == len(result.findings)
    assert not any("\x1b" in v for row in rows for v in row.values())


def test_github_annotations_stay_one_line_each(result: AuditResult) -> None:
    lines = render_text("scorecard", "github", result).splitlines()
    assert len(lines) == len(result.findings) + 1
    for line in lines[:-1]:
        command, _, _message = line[2:].partition("::")
        properties = command.split(" ", 1)[1]
        assert all(p.split("=", 1)[0] in ("file", "line", "title") for p in properties.split(","))
        assert "\x1b" not in line and "\x07" not in line


@pytest.mark.parametrize("view", ["scorecard", "gaps", "duplicates", "topics"])
def test_terminal_prints_article_text_literally(result: AuditResult, view: str) -> None:
    text = render_text(view, "terminal", result, width=200)
    assert "\x1b" not in text and "\x07" not in text and "\x00" not in text
    if view == "scorecard":
        assert "[red]billing[/red]" in text and "[/x].md" in text


def test_audit_command_on_a_hostile_kb(runner: CliRunner, hostile_kb: Path) -> None:
    outcome = runner.invoke(app, ["audit", str(hostile_kb), "-q", "--as-of", "2026-11-23"])
    assert outcome.exit_code == 0, outcome.output
    assert "[/x].md" in outcome.output and "\x1b" not in outcome.output


# --- outputs never land on inputs -------------------------------------------------------


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """A one-file CSV export, a questions file, a config and a baseline beside it."""
    (tmp_path / "export.csv").write_text(
        "id,title,body,updated_at\n1,Reset a password,"
        + "Open Settings and choose Reset. " * 10
        + ",2026-01-01\n",
        encoding="utf-8",
    )
    (tmp_path / "questions.txt").write_text("how do I reset my password\n", encoding="utf-8")
    (tmp_path / "kbaudit.yaml").write_text("fail_on: error\n", encoding="utf-8")
    return tmp_path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    "args",
    [
        ["-o", "{d}/export.csv"],
        ["-o", "{d}/./export.csv", "--format", "csv"],
        ["-o", "{d}/questions.txt", "--format", "md"],
        ["-o", "{d}/kbaudit.yaml", "--format", "json"],
        ["-o", "{d}/base.json", "--baseline", "{d}/base.json"],
        ["-o", "{d}/link.json"],
        ["--write-baseline", "{d}/export.csv"],
        ["--write-baseline", "{d}/questions.txt"],
        ["--write-baseline", "{d}/kbaudit.yaml"],
        ["-o", "{d}/same.json", "--write-baseline", "{d}/same.json"],
    ],
    ids=["export", "export-dot", "questions", "config", "baseline", "symlink", "baseline-on-export",
         "baseline-on-questions", "baseline-on-config", "two-outputs"],
)  # fmt: skip
def test_outputs_that_are_inputs_are_refused(
    runner: CliRunner, export: Path, args: list[str]
) -> None:
    (export / "base.json").write_text('{"findings": []}', encoding="utf-8")
    (export / "link.json").symlink_to(export / "export.csv")
    before = _snapshot(export)
    argv = ["audit", str(export / "export.csv"), "-q", "--questions", str(export / "questions.txt")]
    argv += ["--config", str(export / "kbaudit.yaml")]
    outcome = runner.invoke(app, argv + [a.format(d=export) for a in args])
    assert outcome.exit_code == 2, outcome.output
    assert outcome.output.startswith("error:") and len(outcome.output.strip().splitlines()) <= 2
    assert _snapshot(export) == before


def test_output_inside_a_folder_kb_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    (kb / "billing").mkdir(parents=True)
    (kb / "billing" / "a.md").write_text("# Refunds\n\n" + BODY, encoding="utf-8")
    for target in (kb / "report.md", kb / "billing" / "new" / "r.json", kb):
        outcome = runner.invoke(app, ["audit", str(kb), "-q", "-o", str(target)])
        assert outcome.exit_code == 2 and "refusing" in outcome.output, outcome.output
    assert sorted(p.name for p in kb.rglob("*")) == ["a.md", "billing"]


def test_diff_output_on_its_inputs_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"scorecard": {"score": 1}, "findings": []}), encoding="utf-8")
    outcome = runner.invoke(app, ["diff", str(old), str(old), "-o", str(old)])
    assert outcome.exit_code == 2 and "input" in outcome.output
    assert json.loads(old.read_text(encoding="utf-8"))["scorecard"] == {"score": 1}


@pytest.mark.parametrize(
    "target", ["{d}", "{d}/file.txt/report.json"], ids=["folder", "under-a-file"]
)
def test_unwritable_outputs_exit_2_with_one_line(
    runner: CliRunner, tmp_path: Path, target: str
) -> None:
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    outcome = runner.invoke(app, ["audit", str(SAMPLE_KB), "-q", "-o", target.format(d=tmp_path)])
    assert outcome.exit_code == 2, outcome.output
    assert outcome.output.startswith("error:") and len(outcome.output.strip().splitlines()) == 1
    assert "Traceback" not in outcome.output


# --- errors: one line, exit 2, the traceback only with --debug ---------------------------


@pytest.mark.parametrize(
    ("flags", "config", "says"),
    [
        (["--select", "STAL001"], "", "did you mean STALE001"),
        (["--ignore", "secrity"], "", "did you mean security"),
        ([], "select: [NOPE999]\n", "'NOPE999' matches no rule"),
        ([], "ignore: [QUAL0099]\n", "did you mean QUAL00"),
        ([], "fail_under: [high]\n", "kbaudit.yaml: `fail_under: ['high']` is not a number"),
    ],
)
def test_unknown_rules_and_bad_config_exit_2(
    runner: CliRunner, tmp_path: Path, flags: list[str], config: str, says: str
) -> None:
    args = ["audit", str(SAMPLE_KB), "-q", *flags]
    if config:
        (tmp_path / "kbaudit.yaml").write_text(config, encoding="utf-8")
        args += ["--config", str(tmp_path / "kbaudit.yaml")]
    outcome = runner.invoke(app, args)
    assert outcome.exit_code == 2, outcome.output
    assert says in outcome.output and "Traceback" not in outcome.output


def test_internal_errors_exit_2_and_debug_shows_the_traceback(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("kbaudit.audit.audit", broken)
    outcome = runner.invoke(app, ["audit", str(SAMPLE_KB), "-q"])
    assert outcome.exit_code == 2
    assert outcome.output.strip().splitlines() == [
        "error: internal error (RuntimeError: boom); rerun with --debug for the traceback and "
        "report it"
    ]
    outcome = runner.invoke(app, ["audit", str(SAMPLE_KB), "-q", "--debug"])
    assert outcome.exit_code == 2 and "Traceback" in outcome.output and "boom" in outcome.output


def test_markup_in_an_error_is_printed_literally(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "[/x]" / f"kb{ESC}red"
    outcome = runner.invoke(app, ["audit", str(missing), "-q"])
    assert outcome.exit_code == 2 and "[/x]" in outcome.output and "\x1b" not in outcome.output


# --- atomic writes and interrupted runs -------------------------------------------------


def test_a_failing_render_leaves_the_old_report_and_no_temp_file(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.json"
    target.write_text("previous report", encoding="utf-8")

    def fails_midway(*args: object, **kwargs: object) -> str:
        raise MemoryError

    monkeypatch.setattr("kbaudit.reporters.render_text", fails_midway)
    outcome = runner.invoke(app, ["audit", str(SAMPLE_KB), "-q", "-o", str(target)])
    assert outcome.exit_code == 2 and "out of memory" in outcome.output
    assert target.read_text(encoding="utf-8") == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


INTERRUPT = """
import json, os, signal, sys
from contextlib import contextmanager
import multiprocessing
import kbaudit.cli.audit as command
from kbaudit.cli import app

# as from a terminal: a run started in the background of a shell inherits SIGINT ignored
signal.signal(signal.SIGINT, signal.default_int_handler)

@contextmanager
def interrupting(enabled):
    def progress(stage, total, advance):
        if "check" in stage.lower() and advance:
            pids = [p.pid for p in multiprocessing.active_children()]
            with open(sys.argv[2], "w") as f:
                json.dump(pids, f)
            os.kill(os.getpid(), signal.{signal})
    yield progress

command.progress_display = interrupting
app(["audit", sys.argv[1], "-q", "--jobs", "2", "--select", "STALE001", "-o", sys.argv[3]])
"""


@pytest.fixture(scope="module")
def large_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough articles for the per-article checks to run in a pool of two workers."""
    root = tmp_path_factory.mktemp("large") / "kb"
    root.mkdir()
    for n in range(1300):
        text = f"---\ntitle: Article {n}\nupdated_at: 2020-01-01\n---\nStep {n}. {BODY}\n"
        (root / f"a{n:04}.md").write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(("name", "code"), [("SIGTERM", 143), ("SIGINT", 130)])
def test_interrupted_audit_stops_its_workers_and_writes_nothing(
    tmp_path: Path, large_kb: Path, name: str, code: int
) -> None:
    pids, report = tmp_path / "pids.json", tmp_path / "out" / "report.html"
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPT.format(signal=name), str(large_kb), str(pids), str(report)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == code, done.stderr
    assert json.loads(pids.read_text())  # the pool was running when the signal came
    assert not report.exists() and not any((tmp_path / "out").glob("*"))
    for pid in json.loads(pids.read_text()):
        assert not _alive(pid), f"worker {pid} outlived the run"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "\nState:\tZ" in status.read_text())


def test_signals_are_restored_after_a_command(runner: CliRunner) -> None:
    before = signal.getsignal(signal.SIGTERM)
    runner.invoke(app, ["rules"])
    assert signal.getsignal(signal.SIGTERM) == before
