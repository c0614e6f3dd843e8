"""A pull request played on a copy of the real KB (skipped when absent): a baseline on main,
two articles edited and one added on a branch. With the baseline, and with --changed-since,
only findings that involve the edited or added articles are listed, and the score and verdict
are those of a full audit of the branch. The branch's runs carry the baseline's topics over
(as `--baseline` does), so no untouched article changes topic and topic rules report nothing
new about untouched articles."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kbaudit.audit import audit
from kbaudit.baseline import compare, entries
from kbaudit.config import Config
from kbaudit.scope import ChangedSince, involves

from .conftest import AS_OF, OFFICEDOCS, needs

pytestmark = [needs(OFFICEDOCS), pytest.mark.corpus]
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")

NEW = "Outlook/new-article-about-shared-calendars.md"
NEW_TEXT = """---
title: Shared calendar shows the wrong time zone
ms.date: 11/02/2026
---

# Shared calendar shows the wrong time zone

When a colleague opens a calendar you share, meetings can appear an hour off. TODO: add the
screenshot of the time zone setting. Check the time zone under Settings > Calendar on both
mailboxes and make them match, then remove and add the shared calendar again.
"""


def git(repo: Path, *args: str) -> None:
    command = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args]
    subprocess.run(command, cwd=repo, check=True, capture_output=True)


@needs_git
def test_a_pull_request_lists_only_its_own_findings(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(OFFICEDOCS, kb)
    git(kb, "init", "-q", "-b", "main")
    git(kb, "add", ".")
    git(kb, "commit", "-q", "-m", "main")
    config = Config(as_of=AS_OF)
    before = audit(kb, config)
    baseline = entries(before.findings)

    git(kb, "checkout", "-q", "-b", "change")
    edited = sorted(a.path for a in before.corpus.articles if a.path)[100:102]
    for path in edited:  # two edits: a placeholder added to each
        target = kb / path
        target.write_text(target.read_text(encoding="utf-8") + "\nTBD: confirm this step.\n")
    (kb / NEW).write_text(NEW_TEXT, encoding="utf-8")
    git(kb, "add", ".")
    git(kb, "commit", "-q", "-m", "change")
    changed = frozenset([*edited, NEW])

    after = audit(kb, config, prior_topics=before.topics)
    assert before.topics is not None and after.topics is not None
    kept = {  # untouched articles: same partition into topics (numbers follow topic sizes)
        (topic, after.topics.assignment[ref][0])
        for ref, (topic, _) in before.topics.assignment.items()
        if ref not in changed
    }
    assert len({b for b, _ in kept}) == len(kept) == len({a for _, a in kept})
    found = compare(after.findings, baseline)
    assert found.new, "the placeholder and the new article's gaps must be reported"
    strays = [f for f in found.new if not involves(f, changed)]
    assert not strays, [(f.rule, f.where, f.message) for f in strays[:10]]
    assert any(f.where == NEW for f in found.new)
    assert {p for p in edited} <= {f.where for f in found.new}

    scoped = audit(kb, config, scope=ChangedSince("main"), prior_topics=before.topics)
    assert scoped.scorecard == after.scorecard
    assert all(involves(f, changed) for f in scoped.findings)  # --changed-since: exact
    assert {f for f in after.findings if involves(f, changed)} == set(scoped.findings)
