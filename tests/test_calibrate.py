"""`kbaudit calibrate`: the coverage cut from questions labelled answered or not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kbaudit.cli import app
from kbaudit.cli.calibrate import CUTS, best_cut, cut_table
from kbaudit.errors import SourceError
from kbaudit.sources.questions import load_labelled

from .conftest import SAMPLE_KB


def test_labels_are_read_from_csv_and_json_lines(tmp_path: Path) -> None:
    table = tmp_path / "labels.csv"
    table.write_text(
        "Question,Answered\nreset my password,yes\nvat return,No\n,yes\npayroll in Peru,maybe\n"
        "export to csv,\n",
        encoding="utf-8",
    )
    found = load_labelled(table, None, "answered")
    # an unlabelled question is scored with the rest (its neighbours' scores decide
    # statuses, as in the gap list) and not counted
    assert found.texts == ["reset my password", "vat return", "export to csv"]
    assert found.answered == [True, False, None]
    assert found.counted([0.5, 0.1, 0.2]) == ([0.5, 0.1], [True, False])
    assert found.skipped == 2  # a row without a question, a label that is not yes or no
    lines = tmp_path / "labels.jsonl"
    lines.write_text(
        '{"query": "reset my password", "ok": "true"}\n{"query": "vat return", "ok": "gap"}\n',
        encoding="utf-8",
    )
    found = load_labelled(lines, "query", "ok")
    assert found.texts == ["reset my password", "vat return"]
    assert found.answered == [True, False]


def test_a_file_without_labels_says_what_to_add(tmp_path: Path) -> None:
    table = tmp_path / "questions.csv"
    table.write_text("question\nreset my password\n", encoding="utf-8")
    with pytest.raises(SourceError, match="no 'answered' column"):
        load_labelled(table, None, "answered")
    with pytest.raises(SourceError, match="--text-column"):
        load_labelled(table, "body", "answered")


def test_the_best_cut_separates_the_labels() -> None:
    """Gaps score under 0.2 and answered questions over 0.3: every cut from 0.20 to 0.30
    separates them (F1 1.0); of those, the one nearest the current cut is chosen."""
    scores = [0.05, 0.12, 0.18, 0.31, 0.4, 0.55]
    answered = [False, False, False, True, True, True]
    table = cut_table(scores, answered)
    assert [row["cut"] for row in table] == CUTS
    best = best_cut(table, current=0.32)
    assert best["f1"] == 1.0 and best["cut"] == 0.31
    assert best_cut(table, current=0.1)["cut"] == 0.19
    low = next(row for row in table if row["cut"] == 0.05)
    assert low["called_gaps"] == 0.0 and low["recall"] == 0.0


def test_calibrate_command_prints_the_cut_and_writes_json(runner, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    rows = [
        ("how do i reset my password", "yes"),
        ("change the email i log in with", "yes"),
        ("upgrade my plan", "yes"),
        ("scan a receipt with my phone", "yes"),
        ("connect my bank account", "yes"),
        ("file my vat return from ledgerly", "no"),
        ("pay my staff in crypto", "no"),
        ("track inventory in two warehouses", "no"),
        ("send an invoice in euros", ""),  # scored, not counted
    ]
    labels.write_text(
        "question,answered\n" + "".join(f"{q},{a}\n" for q, a in rows), encoding="utf-8"
    )
    report = tmp_path / "cut.json"
    args = ["calibrate", str(SAMPLE_KB), "--questions", str(labels), "-o", str(report)]
    outcome = runner.invoke(app, [*args, "--no-cache", "--quiet"])
    assert outcome.exit_code == 0, outcome.output
    assert "coverage: {covered:" in outcome.output
    assert "3 of 8 labelled questions are gaps (9 questions scored together" in outcome.output
    assert "Label at least 20 questions" in outcome.output  # so few give a rough cut
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["best"]["cut"] in CUTS and data["current"] == 0.32
    assert len(data["cuts"]) == len(CUTS)
