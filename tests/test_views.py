"""Every (view, format) pair of the reporter registry renders on the sample KB (with its
customer questions for the gaps view) into output its format's own parser accepts; format names,
aliases and -o extensions resolve, and pairs that make no sense are refused."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from kbaudit.audit import AuditResult, audit
from kbaudit.cli import app
from kbaudit.config import Config
from kbaudit.diff import diff_results
from kbaudit.errors import ConfigError
from kbaudit.reporters import REPORTS, format_name, formats_for, output_format, render_text
from kbaudit.reporters.json_report import result_dict
from kbaudit.sources.questions import load_questions
from tests.conftest import AS_OF, FIXTURES, SAMPLE_KB

QUESTIONS = FIXTURES / "questions" / "questions.csv"
# A word each view's report must show, whatever the format.
SHOWS = {
    "scorecard": "STALE001",
    "gaps": "missing-article",
    "duplicates": "canonical",
    "topics": "label",
    "diff": "readiness",
}


@pytest.fixture(scope="module")
def sample() -> AuditResult:
    questions = load_questions(QUESTIONS, None)
    return audit(SAMPLE_KB, Config(as_of=AS_OF, jobs=1), questions=questions)


@pytest.fixture(scope="module")
def data(sample: AuditResult) -> dict[str, Any]:
    old = result_dict(sample)
    new = json.loads(json.dumps(old))
    new["findings"] = new["findings"][5:]  # five fixed since `old`
    new["scorecard"]["score"] = old["scorecard"]["score"] + 2
    views: dict[str, Any] = {v: sample for v in ("scorecard", "gaps", "duplicates", "topics")}
    views["diff"] = diff_results(old, new)
    return views


def test_the_sample_fills_every_view(sample: AuditResult) -> None:
    for section in ("duplicates", "topics", "gaps", "questions"):
        assert sample.sections.get(section), section


def parsed(fmt: str, text: str) -> str:
    """The text a reader of this format sees, after its parser accepted the output."""
    if fmt in ("json", "sarif"):
        return json.dumps(json.loads(text))
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert rows and all(len(r) == len(rows[0]) for r in rows)
        return json.dumps(rows)
    if fmt == "junit":
        return ET.tostring(ET.fromstring(text), encoding="unicode")
    if fmt == "md":
        return BeautifulSoup(MarkdownIt("commonmark").enable("table").render(text), "lxml").text
    if fmt == "html":
        soup = BeautifulSoup(text, "lxml")
        assert soup.find("html") and soup.find("body")
        return soup.text
    if fmt == "github":
        lines = text.splitlines()
        assert all(line.startswith(("::", "kbaudit:")) for line in lines)
        return text
    assert fmt == "terminal" and "\x1b" not in text
    return text


@pytest.mark.parametrize(("view", "fmt"), sorted(REPORTS), ids="-".join)
def test_view_renders_in_format(data: dict[str, Any], view: str, fmt: str) -> None:
    text = render_text(view, fmt, data[view])
    assert text == render_text(view, fmt, data[view])  # deterministic
    seen = parsed(fmt, text)
    if fmt != "github":  # annotations carry findings, not rule names for every view
        assert SHOWS[view].lower() in seen.lower(), seen[:300]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("md", "md"), ("markdown", "md"), ("MD", "md"), ("txt", "terminal"), ("table", "terminal"),
     ("text", "terminal"), ("xml", "junit"), ("htm", "html"), ("gh", "github")],
)  # fmt: skip
def test_format_aliases(name: str, fmt: str) -> None:
    assert format_name(name, "scorecard") == fmt


@pytest.mark.parametrize(
    ("view", "suffix", "fmt"),
    [("scorecard", ".md", "md"), ("scorecard", ".markdown", "md"), ("gaps", ".csv", "csv"),
     ("duplicates", ".json", "json"), ("topics", ".md", "md"), ("diff", ".md", "md"),
     ("scorecard", ".txt", "terminal"), ("scorecard", ".SARIF", "sarif")],
)  # fmt: skip
def test_extension_picks_the_format(view: str, suffix: str, fmt: str) -> None:
    assert output_format(view, None, Path(f"out/report{suffix}")) == fmt


@pytest.mark.parametrize(
    ("view", "fmt", "output", "says"),
    [
        ("scorecard", "pdf", None, "unknown output format 'pdf'"),
        ("scorecard", None, Path("report.pdf"), ".pdf names no output format"),
        ("scorecard", None, Path("report"), "no extension"),
        ("gaps", "sarif", None, "the gaps view has no sarif format"),
        ("diff", "html", None, "the diff view has no html format"),
        ("topics", None, Path("t.xml"), "the topics view has no junit format"),
    ],
)
def test_unknown_or_senseless_formats_are_refused(
    view: str, fmt: str | None, output: Path | None, says: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        output_format(view, fmt, output)
    assert says in str(caught.value)
    assert ", ".join(formats_for(view)) in str(caught.value)  # lists what works


@pytest.mark.parametrize(
    "args",
    [
        ["audit", str(SAMPLE_KB), "-o", "report.pdf"],
        ["audit", str(SAMPLE_KB), "--format", "docx"],
        ["gaps", str(SAMPLE_KB), "--format", "junit"],
        ["duplicates", str(SAMPLE_KB), "-o", "dups.sarif"],
        ["topics", str(SAMPLE_KB), "--format", "github"],
    ],
)
def test_cli_refuses_formats_with_exit_2_before_any_work(runner, tmp_path: Path, args) -> None:  # type: ignore[no-untyped-def]
    args = [str(tmp_path / a) if a.startswith(("report", "dups")) else a for a in args]
    outcome = runner.invoke(app, [*args, "-q"])
    assert outcome.exit_code == 2, outcome.output
    assert "error:" in outcome.output and len(outcome.output.strip().splitlines()) <= 3
    assert not list(tmp_path.iterdir())


def test_gaps_without_questions_lists_structural_gaps(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outcome = runner.invoke(app, ["gaps", str(SAMPLE_KB), "-q", "--as-of", "2026-11-23"])
    assert outcome.exit_code == 0, outcome.output
    assert "structural gaps" in outcome.output and "missing-article" in outcome.output
    target = tmp_path / "gaps.json"
    outcome = runner.invoke(app, ["gaps", str(SAMPLE_KB), "-q", "-o", str(target)])
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["gaps"] == [] and {s["kind"] for s in data["structural"]} >= {"missing-article"}


@pytest.mark.parametrize("view", ["duplicates", "topics", "gaps"])
def test_each_view_command_writes_markdown(runner, tmp_path: Path, view: str) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / f"{view}.md"
    extra = ["--questions", str(QUESTIONS)] if view == "gaps" else []
    outcome = runner.invoke(app, [view, str(SAMPLE_KB), "-q", "-o", str(target), *extra])
    assert outcome.exit_code == 0, outcome.output
    assert target.read_text(encoding="utf-8").startswith("# ")
