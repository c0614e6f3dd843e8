"""The real docs-as-code KB beside the project (skipped when absent): no crash, every problem
reported as a finding, deterministic output."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from kbaudit.audit import audit
from kbaudit.config import Config
from kbaudit.reporters.json_report import render

from .conftest import AS_OF, OFFICEDOCS, needs

pytestmark = [needs(OFFICEDOCS), pytest.mark.corpus]


@pytest.fixture(scope="module")
def result():
    config = Config(as_of=AS_OF, select=["STALE", "TAX", "QUAL", "SEC", "INPUT"])
    return audit(OFFICEDOCS, config)


def test_reads_every_article(result) -> None:
    assert len(result.corpus.articles) > 2400
    assert all(a.path and "/" in a.path for a in result.corpus.articles)
    # every file with front matter that failed to parse is reported, not dropped
    paths = {a.path for a in result.corpus.articles}
    assert {p.path for p in result.corpus.problems} <= paths


def test_findings_are_plausible(result) -> None:
    counts = Counter(f.rule for f in result.findings)
    assert counts["STALE001"] > 1000  # dates run 2019-2024, audited as of late 2026
    assert counts["TAX007"] >= 2  # misspelt keys such as appleisto
    assert 0 < result.scorecard.score < 100
    assert result.scorecard.dimensions["coverage"].score is None


def test_json_is_deterministic(result) -> None:
    config = Config(as_of=AS_OF, select=["STALE", "TAX", "QUAL", "SEC", "INPUT"], jobs=1)
    again = audit(OFFICEDOCS, config)
    assert render(again) == render(result)
    json.loads(render(result))
