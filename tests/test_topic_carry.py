"""Topics carried over from an earlier run (a baseline): unchanged articles keep their topic,
new and edited ones join the nearest topic, and too much change fits the topics again."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kbaudit.analysis.topics import REFIT_SHARE, PriorTopics, TopicModel, cluster_topics
from kbaudit.baseline import read_baseline
from kbaudit.cli import app
from kbaudit.errors import ConfigError
from kbaudit.model import Article

from .conftest import FIXTURES, build_tfidf

SUBJECTS = {
    "bank": "bank feed transaction statement reconcile import",
    "pay": "payroll payslip employee pension salary tax",
    "vat": "invoice customer quote overdue reminder payment",
}


def _kb(extra: dict[str, str] | None = None) -> list[Article]:
    """Twelve articles per subject, each with a few words of its own; `extra` adds or
    replaces articles by id."""
    texts = {
        f"{name}-{i}": f"{words} {name}word{i} note{i % 4} detail{i % 3}"
        for name, words in SUBJECTS.items()
        for i in range(12)
    }
    texts.update(extra or {})
    return [Article(id=k, path=f"{k}.md", title=k, text=t) for k, t in texts.items()]


def _fit(articles: list[Article], prior: PriorTopics | None = None) -> TopicModel:
    vectorizer, matrix = build_tfidf([a.text for a in articles])
    return cluster_topics(matrix, vectorizer.get_feature_names_out(), articles, prior=prior)


def _partition(model: TopicModel, articles: list[Article]) -> dict[str, frozenset[str]]:
    """Each article's topic as the set of its fellow members."""
    groups = [frozenset(articles[i].ref for i in topic.members) for topic in model.topics]
    return {articles[i].ref: groups[t] for i, t in enumerate(model.assignment) if t >= 0}


def test_an_added_article_joins_its_subject_and_moves_no_other() -> None:
    before = _kb()
    first = _fit(before)
    assert len(first.topics) == 3
    after = _kb({"new": "payroll payslip pension for a new employee on leave"})
    carried = _fit(after, first.prior(before, None))
    old, new = _partition(first, before), _partition(carried, after)
    assert all(new[ref] - {"new.md"} == old[ref] for ref in old)
    assert new["new.md"] == old["pay-0.md"] | {"new.md"}


def test_the_earlier_topics_are_kept_even_where_a_fresh_fit_would_differ() -> None:
    before = _kb()
    first = _fit(before)
    # an earlier run that split the bank articles in two (e.g. before they were rewritten)
    split = dict(first.prior(before, None).assignment)
    for i in range(6, 12):
        split[f"bank-{i}.md"] = (3, split[f"bank-{i}.md"][1])
    after = _kb({"new": "bank feed statement import for bankword7"})
    carried = _partition(_fit(after, PriorTopics(split)), after)
    assert len(set(carried.values())) == 4
    assert carried["bank-0.md"] == {f"bank-{i}.md" for i in range(6)}
    assert carried["bank-7.md"] == {f"bank-{i}.md" for i in range(6, 12)} | {"new.md"}


def test_an_edited_article_moves_to_its_new_subject() -> None:
    before = _kb()
    first = _fit(before)
    after = _kb({"bank-3": "invoice reminder for an overdue customer payment and quote"})
    carried = _partition(_fit(after, first.prior(before, None)), after)
    assert "bank-3.md" in carried["vat-0.md"] and "bank-3.md" not in carried["bank-0.md"]


def test_too_much_change_fits_the_topics_again() -> None:
    before = _kb()
    first = _fit(before)
    changed = int(REFIT_SHARE * len(before)) + 1
    extra = {f"more-{i}": f"{SUBJECTS['vat']} more{i}" for i in range(changed)}
    after = _kb(extra)
    assert _fit(after, first.prior(before, None)) == _fit(after)


def test_another_topic_count_fits_again() -> None:
    before = _kb()
    prior = replace(_fit(before).prior(before, None), k=5)
    after = _kb({"new": "payroll payslip pension"})
    assert _fit(after, prior) == _fit(after)


def test_prior_topics_round_trip_and_reject_other_shapes() -> None:
    before = _kb()
    prior = _fit(before).prior(before, None)
    assert PriorTopics.from_json(json.loads(json.dumps(prior.to_json()))) == prior
    for bad in ({"k": "7", "articles": {}}, {"k": None, "articles": {"a.md": ["x", "d"]}}):
        with pytest.raises((ValueError, TypeError, KeyError)):
            PriorTopics.from_json(bad)


def test_a_baseline_keeps_topics_and_a_bad_topics_section_is_refused(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(FIXTURES / "duplicates" / "topics" / "kb", kb)
    baseline = tmp_path / "baseline.json"
    runner = CliRunner()
    first = runner.invoke(app, ["audit", str(kb), "-f", "json", "--write-baseline", str(baseline)])
    assert first.exit_code in (0, 1), first.output
    topics = read_baseline(baseline).topics
    articles = sorted(p.relative_to(kb).as_posix() for p in kb.rglob("*.md"))
    assert topics is not None and sorted(topics.assignment) == articles
    (kb / "new-article.md").write_text("# A new article\n\nAbout one more thing.\n")
    second = runner.invoke(app, ["audit", str(kb), "-f", "json", "--baseline", str(baseline)])
    assert second.exit_code in (0, 1), second.output
    data = json.loads(baseline.read_text())
    data["topics"]["articles"] = {"a.md": "not a pair"}
    baseline.write_text(json.dumps(data))
    with pytest.raises(ConfigError, match="not a kbaudit baseline"):
        read_baseline(baseline)
