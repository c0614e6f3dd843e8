"""Baselines (fingerprints that survive line shifts, new/fixed findings) and the audit of the
articles changed since a git ref."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kbaudit.audit import audit
from kbaudit.baseline import FindingKey, compare, entries, fingerprints, normalise
from kbaudit.cli import app
from kbaudit.config import Config
from kbaudit.errors import ConfigError
from kbaudit.scope import ChangedSince, Paths, changed_files, involves

AS_OF = dt.date(2026, 11, 23)
GOOD = "Create an invoice from the Invoices page, choose a customer and add the lines. " * 6
PLAN = (
    "Open Settings, choose Plan, pick the plan you need and confirm; the price changes today. " * 5
)
EXPORT = "Export your customer list as a CSV file from Customers and open it in a spreadsheet. " * 5
REFUND = (
    "To refund a payment open the payment, select Refund, enter the amount and confirm. "
    "The customer gets the money back on the card within five to ten business days. "
) * 4


def article(title: str, body: str, updated: str = "2026-10-01", owner: str = "sam") -> str:
    return (
        f"---\ntitle: {title}\ncategory: billing\nowner: {owner}\nupdated_at: {updated}\n"
        f"tags: [billing]\n---\n{body}\n"
    )


def make_kb(root: Path) -> Path:
    files = {
        "billing/invoices.md": article("Create an invoice", GOOD),
        "billing/old.md": article("Old pricing", GOOD.replace("invoice", "quote"), "2019-01-01"),
        "billing/refund.md": article("Refund a payment", REFUND),
        "billing/refund-copy.md": article("Refunding payments", REFUND),
        "billing/todo.md": article("Change your plan", "TODO write this. " + PLAN, owner=""),
    }
    for name, body in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(body, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (
            ("STALE001", "a.md", "last updated 412 days ago", 3),
            ("STALE001", "a.md", "last updated 413 days ago", 9),
            True,
        ),
        (
            ("QUAL003", "a.md", "placeholder: 'TODO'", 4),
            ("QUAL003", "a.md", "placeholder:  'todo'", 40),
            True,
        ),
        (
            ("QUAL003", "a.md", "placeholder: 'TODO'", 4),
            ("QUAL003", "b.md", "placeholder: 'TODO'", 4),
            False,
        ),
        (
            ("QUAL003", "a.md", "placeholder: 'TODO'", 4),
            ("QUAL004", "a.md", "placeholder: 'TODO'", 4),
            False,
        ),
        (
            ("QUAL006", "a.md", "links to 'x.md'", 4),
            ("QUAL006", "a.md", "links to 'y.md'", 4),
            False,
        ),
    ],
)
def test_fingerprints(a: tuple, b: tuple, same: bool) -> None:  # type: ignore[type-arg]
    [fa], [fb] = fingerprints([FindingKey(*a)]), fingerprints([FindingKey(*b)])
    assert (fa == fb) is same


def test_repeats_get_occurrence_indexes_in_line_order() -> None:
    keys = [FindingKey("SEC001", "a.md", "secret", line) for line in (30, 10, 20)]
    prints = fingerprints(keys)
    assert len(set(prints)) == 3
    assert [p.rsplit(":", 1)[1] for p in prints] == ["2", "0", "1"]
    shifted = fingerprints(
        [FindingKey("SEC001", "a.md", "secret", line + 5) for line in (30, 10, 20)]
    )
    assert shifted == prints


def test_normalise_drops_numbers_and_spacing() -> None:
    assert normalise("Updated 2024-01-02,  1,234 days\nago") == "updated #-#-#, # days ago"


def test_compare_new_known_fixed(tmp_path: Path) -> None:
    kb = make_kb(tmp_path / "kb")
    before = audit(kb, Config(as_of=AS_OF, jobs=1))
    assert {f.rule for f in before.findings} >= {"STALE001", "QUAL003", "DUP001"}
    (kb / "billing" / "todo.md").write_text(article("Change your plan", PLAN), encoding="utf-8")
    (kb / "billing" / "new.md").write_text(article("FAQ", "TODO. " + EXPORT), "utf-8")
    after = audit(kb, Config(as_of=AS_OF + dt.timedelta(days=30), jobs=1))
    found = compare(after.findings, entries(before.findings))
    assert found.new and all(involves(f, frozenset({"billing/new.md"})) for f in found.new)
    assert {e.article for e in found.fixed} == {"billing/todo.md"}
    assert any(f.rule == "STALE001" for f in found.known)  # "N days ago" changed, still known


def test_cli_baseline_round_trip(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    kb = make_kb(tmp_path / "kb")
    base = tmp_path / "baseline.json"
    args = ["audit", str(kb), "-q", "--as-of", "2026-11-23", "-f", "json"]
    first = runner.invoke(app, [*args, "--write-baseline", str(base)])
    assert first.exit_code == 0, first.output
    stored = json.loads(base.read_text("utf-8"))["findings"]
    assert len(stored) == len(json.loads(first.stdout)["findings"]) > 0

    again = runner.invoke(app, [*args, "--baseline", str(base), "--fail-on", "info"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["findings"] == []

    (kb / "billing" / "todo.md").write_text(article("Change your plan", PLAN), encoding="utf-8")
    (kb / "billing" / "new.md").write_text(article("Export customers", "TODO " + EXPORT), "utf-8")
    later = runner.invoke(app, [*args, "--baseline", str(base), "--fail-on", "warning"])
    assert later.exit_code == 1
    new = json.loads(later.stdout)["findings"]
    assert new and {f["article"]["path"] for f in new} == {"billing/new.md"}
    assert "fixed" in later.stderr and "billing/todo.md" in later.stderr

    md = runner.invoke(app, [*args[:-2], "-f", "markdown", "--baseline", str(base)])
    assert "## Fixed since the baseline (" in md.stdout


def test_missing_or_bad_baseline_is_a_clear_error(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    kb = make_kb(tmp_path / "kb")
    missing = runner.invoke(app, ["audit", str(kb), "-q", "--baseline", str(tmp_path / "no.json")])
    assert missing.exit_code == 2 and "--write-baseline" in missing.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    broken = runner.invoke(app, ["audit", str(kb), "-q", "--baseline", str(bad)])
    assert broken.exit_code == 2 and "not a kbaudit baseline" in broken.stderr


# --- --changed-since --------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args]
    return subprocess.run(command, cwd=repo, check=True, capture_output=True, text=True).stdout


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    make_kb(tmp_path / "docs")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "KB")
    return tmp_path


@needs_git
def test_changed_files_relative_to_the_kb(repo: Path) -> None:
    kb = repo / "docs"
    (kb / "billing" / "refund-copy.md").write_text(article("Refunds", REFUND + "Also."), "utf-8")
    (repo / "other.txt").write_text("not in the KB", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "edit")
    (kb / "billing" / "old.md").write_text(article("Old", GOOD, "2019-01-01"), "utf-8")  # unstaged
    assert changed_files(kb, "HEAD~1") == {"billing/refund-copy.md", "billing/old.md"}
    assert changed_files(kb, "HEAD") == {"billing/old.md"}


@needs_git
def test_changed_since_unknown_ref_is_a_clear_error(repo: Path) -> None:
    with pytest.raises(ConfigError, match="--changed-since nope"):
        changed_files(repo / "docs", "nope")


@needs_git
def test_scoped_audit_keeps_corpus_findings_that_involve_changed_articles(repo: Path) -> None:
    kb = repo / "docs"
    config = Config(as_of=AS_OF, jobs=1)
    full = audit(kb, config)
    result = audit(kb, config, scope=Paths(frozenset({"billing/refund-copy.md"})))
    # Score and verdict are the whole KB's, whatever the scope lists.
    assert result.scorecard == full.scorecard
    # The duplicate pair is found although only one of the two articles changed.
    assert any(f.category == "duplicates" for f in result.findings)
    for f in result.findings:
        related = {r.path for r in f.related}
        assert f.where == "billing/refund-copy.md" or "billing/refund-copy.md" in related
    assert not any(f.rule in ("STALE001", "QUAL003") for f in result.findings)
    assert {f.rule for f in full.findings} >= {"STALE001", "QUAL003"}
    assert set(result.findings) <= set(full.findings)


@needs_git
def test_cli_changed_since(runner, repo: Path) -> None:  # type: ignore[no-untyped-def]
    kb = repo / "docs"
    (kb / "billing" / "todo.md").write_text(
        article("Change plan", "FIXME " + PLAN, owner=""), "utf-8"
    )
    args = [
        "audit",
        str(kb),
        "-q",
        "--as-of",
        "2026-11-23",
        "-f",
        "json",
        "--changed-since",
        "HEAD",
    ]
    outcome = runner.invoke(app, args)
    assert outcome.exit_code == 0, outcome.output
    report = json.loads(outcome.stdout)
    paths = {f["article"]["path"] for f in report["findings"]}
    assert paths == {"billing/todo.md"}
    full = runner.invoke(app, args[:-2])
    assert json.loads(full.stdout)["scorecard"] == report["scorecard"]


@needs_git
def test_changed_since_with_nothing_changed_lists_nothing_but_keeps_the_verdict(
    repo: Path,
) -> None:
    """A KB with findings is not "100 ready" because nothing changed in the pull request."""
    kb = repo / "docs"
    config = Config(as_of=AS_OF, jobs=1)
    full = audit(kb, config)
    result = audit(kb, config, scope=ChangedSince("HEAD"))
    assert result.findings == []
    assert full.findings
    assert result.scorecard == full.scorecard
    assert result.scorecard.score < 100
