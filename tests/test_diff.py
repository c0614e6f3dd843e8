"""`kbaudit diff`: score changes per dimension, new and fixed findings, Markdown for PR comments."""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from kbaudit.cli import app
from kbaudit.diff import diff_results
from kbaudit.reporters.diff import render_markdown as diff_markdown


def result(score: float, dims: dict[str, float | None], findings: list[tuple]) -> dict:  # type: ignore[type-arg]
    return {
        "source": {"path": "kb"},
        "scorecard": {
            "score": score,
            "grade": "A" if score >= 90 else "C",
            "dimensions": {k: {"score": v} for k, v in dims.items()},
        },
        "findings": [
            {
                "rule": rule,
                "severity": "warning",
                "article": {"id": path, "path": path, "title": path},
                "path": path,
                "line": line,
                "message": message,
            }
            for rule, path, line, message in findings
        ],
    }


OLD = result(
    72.0,
    {"freshness": 60.0, "quality": 84.0, "coverage": None},
    [
        ("STALE001", "a.md", None, "last updated 400 days ago"),
        ("QUAL003", "b.md", 4, "placeholder: 'TODO'"),
    ],
)
NEW = result(
    91.5,
    {"freshness": 95.0, "quality": 84.0, "coverage": None},
    [
        ("QUAL003", "b.md", 9, "placeholder: 'TODO'"),  # moved down: same finding
        ("SEC001", "c.md", 2, "bearer token: 'Bearer…0w' <script>"),
    ],
)


def test_diff_results() -> None:
    diff = diff_results(OLD, NEW)
    assert diff.readiness.delta == 19.5
    assert {c.name: c.delta for c in diff.dimensions} == {
        "freshness": 35.0,
        "quality": 0.0,
        "coverage": None,
    }
    assert [f["rule"] for f in diff.new] == ["SEC001"]
    assert [f["rule"] for f in diff.fixed] == ["STALE001"]
    assert diff.unchanged == 1
    assert diff_results(OLD, OLD).new == [] and diff_results(OLD, OLD).fixed == []


def test_diff_markdown_renders() -> None:
    text = diff_markdown(diff_results(OLD, NEW))
    soup = BeautifulSoup(MarkdownIt("commonmark").enable("table").render(text), "lxml")
    rows = [[td.get_text() for td in tr.find_all("td")] for tr in soup.find("tbody").find_all("tr")]
    assert rows[0] == ["readiness", "72.0", "91.5", "+19.5 ▲"]
    assert ["coverage", "—", "—", "—"] in rows
    assert [d.find("summary").get_text() for d in soup.find_all("details")] == [
        "New findings (1)",
        "Fixed (1)",
    ]
    assert "<script>" in soup.get_text() and not soup.find("script")


def test_cli_diff(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(OLD), encoding="utf-8")
    new.write_text(json.dumps(NEW), encoding="utf-8")
    shown = runner.invoke(app, ["diff", str(old), str(new)])
    assert shown.exit_code == 0, shown.output
    assert "72.0 → 91.5" in shown.stdout and "SEC001" in shown.stdout
    comment = tmp_path / "comment.md"
    written = runner.invoke(app, ["diff", str(old), str(new), "-o", str(comment)])
    assert written.exit_code == 0
    assert comment.read_text("utf-8").startswith("## Knowledge base audit: changes")
    as_json = runner.invoke(app, ["diff", str(old), str(new), "-f", "json"])
    assert json.loads(as_json.stdout)["readiness"]["delta"] == 19.5
    assert runner.invoke(app, ["diff", str(old), str(new), "--fail-on-new"]).exit_code == 1
    assert runner.invoke(app, ["diff", str(new), str(new), "--fail-on-new"]).exit_code == 0


def test_cli_diff_bad_input(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    outcome = runner.invoke(app, ["diff", str(bad), str(tmp_path / "missing.json")])
    assert outcome.exit_code == 2 and "not a kbaudit JSON result" in outcome.stderr
