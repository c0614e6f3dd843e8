"""Every command through typer's CliRunner: output, files, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kbaudit.cli import app

KB = {
    "billing/refunds.md": "---\ntitle: Refund a card payment\ncategory: billing\ntags: [refunds]\n"
    "owner: sam\nupdated_at: 2026-10-01\n---\n# Refund a card payment\n\n"
    + "Open the payment, choose Refund and confirm the amount. "
    * 12,
    "billing/old-plans.md": "---\ntitle: Legacy plans explained\ncategory: billing\ntags: [plans]\n"
    "owner: sam\nupdated_at: 2021-01-05\n---\n" + "Our legacy plans were priced per seat. " * 12,
    "account/password.md": "---\ntitle: Change your password\ncategory: account\ntags: [login]\n"
    "updated_at: 2026-09-01\n---\n"
    + "Go to Settings, then Security, and pick a new password. "
    * 10,
    "account/key.md": "---\ntitle: Use the API from scripts\ncategory: account\ntags: [api]\n"
    "owner: lee\nupdated_at: 2026-09-01\n---\nTODO\n\nexport KEY=AKIAQX7M2LPR4TNB8WZE\n"
    + "Scripts call the API with a key you create in Settings. "
    * 10,
}


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    for rel, text in KB.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_audit_prints_a_scorecard(runner: CliRunner, kb: Path) -> None:
    result = runner.invoke(app, ["audit", str(kb), "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    for text in ("Readiness", "freshness", "STALE001", "SEC001", "Articles needing the most work"):
        assert text in result.output


def test_audit_json_file_in_the_schema(runner: CliRunner, kb: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = runner.invoke(
        app, ["audit", str(kb), "--format", "json", "-o", str(out), "--as-of", "2026-11-23"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["schema"] == 1 and data["source"]["articles"] == 4
    assert set(data["scorecard"]["dimensions"]) == {
        "freshness",
        "uniqueness",
        "coverage",
        "taxonomy",
        "quality",
    }
    assert data["scorecard"]["dimensions"]["coverage"]["score"] is None
    assert data["scorecard"]["ready"] is False  # a leaked key blocks the verdict
    rules = {(f["rule"], f["path"]) for f in data["findings"]}
    assert ("STALE001", "billing/old-plans.md") in rules
    assert ("TAX002", "account/password.md") in rules
    assert ("SEC001", "account/key.md") in rules
    finding = next(f for f in data["findings"] if f["rule"] == "SEC001")
    assert finding["line"] == 10 and "AKIAABCDEFGHIJKLMNOP" not in finding["message"]


def test_json_is_byte_identical_across_runs(runner: CliRunner, kb: Path) -> None:
    args = ["audit", str(kb), "--format", "json", "--as-of", "2026-11-23"]
    first, second = runner.invoke(app, args), runner.invoke(app, args)
    assert first.exit_code == 0
    assert first.stdout == second.stdout


@pytest.mark.parametrize(
    ("flags", "code"),
    [
        ([], 0),
        (["--fail-on", "error"], 1),
        (["--fail-on", "error", "--ignore", "SEC"], 0),
        (["--fail-under", "99"], 1),
        (["--fail-under", "10"], 0),
        (["--select", "STALE001", "--fail-on", "warning"], 1),
        (["--select", "QUAL001", "--fail-on", "info"], 0),
        (["--fail-on", "fatal"], 2),
        (["--as-of", "tomorrow"], 2),
        (["--format", "pdf"], 2),
        (["--input-format", "nope"], 2),
    ],
)
def test_exit_codes(runner: CliRunner, kb: Path, flags: list[str], code: int) -> None:
    result = runner.invoke(app, ["audit", str(kb), "--as-of", "2026-11-23", "-q", *flags])
    assert result.exit_code == code, result.output


def test_missing_path_and_empty_folder_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["audit", str(tmp_path / "nope")]).exit_code == 2
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / ".git").mkdir()
    (tmp_path / "empty" / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    result = runner.invoke(app, ["audit", str(tmp_path / "empty")])
    assert result.exit_code == 2
    # an empty folder (hidden files aside) is said to be empty, not of an unknown format
    assert "holds no files" in result.output and "cannot tell the format" not in result.output


def test_never_writes_into_the_kb(runner: CliRunner, kb: Path) -> None:
    before = sorted(p.name for p in kb.rglob("*"))
    result = runner.invoke(app, ["audit", str(kb), "-o", str(kb / "report.json")])
    assert result.exit_code == 2 and "refusing" in result.output
    assert sorted(p.name for p in kb.rglob("*")) == before


def test_config_file_is_found_and_flags_override(
    runner: CliRunner, kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KBAUDIT_TRUST_KB_CONFIG", "1")  # else its select keeps SEC rules on
    (kb / "kbaudit.yaml").write_text("select: [STALE001]\nfail_on: warning\n")
    assert runner.invoke(app, ["audit", str(kb), "-q", "--as-of", "2026-11-23"]).exit_code == 1
    result = runner.invoke(app, ["audit", str(kb), "-q", "--as-of", "2021-02-01"])
    assert result.exit_code == 0, result.output


def test_rules_and_explain(runner: CliRunner) -> None:
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0 and "STALE001" in result.output
    data = json.loads(runner.invoke(app, ["rules", "--format", "json"]).stdout)
    assert {"STALE001", "SEC001", "INPUT002"} <= {r["code"] for r in data}
    result = runner.invoke(app, ["explain", "stale001"])
    assert result.exit_code == 0
    for part in ("What it checks", "Why it matters", "Example", "How to fix", "Parameters", "days"):
        assert part in result.output
    assert runner.invoke(app, ["explain", "stale.max-age"]).exit_code == 0
    assert runner.invoke(app, ["explain", "NOPE999"]).exit_code == 2


def test_init_writes_a_loadable_config(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["init", str(tmp_path)]).exit_code == 0
    assert runner.invoke(app, ["init", str(tmp_path)]).exit_code == 2  # no silent overwrite
    from kbaudit.config import load_config

    config = load_config(tmp_path)
    assert config.path == str(tmp_path / "kbaudit.yaml")
    assert "/README.md" in config.exclude and "includes/**" in config.exclude


def test_sources_lists_formats(runner: CliRunner) -> None:
    result = runner.invoke(app, ["sources"])
    assert result.exit_code == 0 and "markdown" in result.output and "html" in result.output


def test_version(runner: CliRunner) -> None:
    assert runner.invoke(app, ["--version"]).output.startswith("kbaudit ")


def test_progress_shows_each_stage_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    from kbaudit.cli import common

    screen = io.StringIO()
    monkeypatch.setattr(common, "err", Console(file=screen, force_terminal=True, width=100))
    with common.progress_display(True) as progress:
        progress("Reading the export", None, 0)
        progress("Reading the export", None, 40)
        progress("Finding duplicates", None, 0)
        progress("Checking articles", 40, 25)
        shown = {t.description: t for t in progress.progress.tasks}  # type: ignore[attr-defined]
        assert list(shown) == ["reading", "duplicates", "checks"]
        assert shown["reading"].finished and shown["duplicates"].finished
        assert shown["checks"].completed == 25 and shown["checks"].fields["count"] == "25/40"
    assert "reading" in screen.getvalue()


def test_progress_is_silent_in_ci_when_piped_or_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    from kbaudit.cli.common import interactive

    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    monkeypatch.delenv("CI", raising=False)
    assert interactive() and not interactive(quiet=True)
    monkeypatch.setenv("CI", "true")
    assert not interactive()
