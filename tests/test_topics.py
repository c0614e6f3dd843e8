"""Topic clusters: choosing K, determinism, c-TF-IDF labels, taxonomy checks against topics,
and the `topics` command on fixtures/duplicates/topics."""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import sparse

from kbaudit.analysis.similarity import build_tfidf
from kbaudit.analysis.topics import choose_k, class_tfidf, cluster_topics
from kbaudit.cli import app
from kbaudit.model import Article

from .conftest import FIXTURES, OFFICEDOCS, needs

TOPICS_KB = FIXTURES / "duplicates" / "topics" / "kb"


@pytest.mark.parametrize("k", [3, 5, 8])
def test_choose_k_finds_separated_groups(k: int) -> None:
    rng = np.random.default_rng(k)
    centers = np.eye(20)[:k] * 5
    points = np.vstack([c + rng.normal(0, 0.3, size=(40, 20)) for c in centers])
    chosen, scores = choose_k(points.astype(np.float32))
    assert chosen == k
    assert scores[k] == max(scores.values())


def test_class_tfidf_prefers_distinctive_terms() -> None:
    # term 0 is in every document, term 1 only in topic 0, term 2 only in topic 1
    matrix = sparse.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [1, 0, 1], [1, 0, 1]]))
    weights = class_tfidf(matrix, np.array([0, 0, 1, 1]), 2)
    assert weights[0].argmax() == 1 and weights[1].argmax() == 2


def _articles(texts: list[str]) -> list[Article]:
    return [Article(id=str(i), path=f"{i}.md", title=str(i), text=t) for i, t in enumerate(texts)]


def test_clustering_is_deterministic_and_labelled() -> None:
    texts = [f"bank feed transaction statement reconcile {i}" for i in range(10)]
    texts += [f"payroll payslip employee pension salary {i}" for i in range(10)]
    vectorizer, matrix = build_tfidf(texts)
    terms = vectorizer.get_feature_names_out()
    first = cluster_topics(matrix, terms, _articles(texts))
    second = cluster_topics(matrix, terms, _articles(texts))
    assert first == second
    assert len(first.topics) == 2
    assert {frozenset(t.members) for t in first.topics} == {
        frozenset(range(10)),
        frozenset(range(10, 20)),
    }


def test_small_kb_has_no_topics() -> None:
    texts = ["bank feeds", "payroll runs", "invoices"]
    vectorizer, matrix = build_tfidf(texts)
    model = cluster_topics(matrix, vectorizer.get_feature_names_out(), _articles(texts))
    assert model.topics == () and set(model.assignment) == {-1}


def test_topics_command_json(runner) -> None:
    result = runner.invoke(app, ["topics", str(TOPICS_KB), "-f", "json", "-q"])
    assert result.exit_code == 0, result.output
    topics = json.loads(result.stdout)
    assert [t["size"] for t in topics] == [8, 8, 7]
    labels = " ".join(t["label"] for t in topics)
    assert "bank" in labels and "payroll" in labels and "invoices" in labels
    bank = next(t for t in topics if "bank" in t["label"])
    assert bank["categories"] == {"banking": 5, "general": 2, "invoices": 1}
    assert len(bank["articles"]) == 5


@pytest.mark.parametrize(("k", "code", "count"), [("2", 0, 2), ("1", 2, None)])
def test_topics_option_sets_k(runner, k: str, code: int, count: int | None) -> None:
    result = runner.invoke(app, ["topics", str(TOPICS_KB), "-f", "json", "-q", "--topics", k])
    assert result.exit_code == code
    if count is not None:
        assert len(json.loads(result.stdout)) == count


def test_topics_command_csv(runner) -> None:
    result = runner.invoke(app, ["topics", str(TOPICS_KB), "-f", "csv", "-q"])
    assert result.stdout.splitlines()[0] == "label,terms,size,articles,categories"
    assert len(result.stdout.splitlines()) == 4


@needs(OFFICEDOCS)
def test_officedocs_topics_follow_the_products(runner, tmp_path) -> None:
    out = tmp_path / "topics.json"
    result = runner.invoke(app, ["topics", str(OFFICEDOCS), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    topics = json.loads(out.read_text(encoding="utf-8"))
    assert len(topics) >= 5
    assert sum(t["size"] for t in topics) > 2000
    terms = {term for t in topics for term in t["terms"]}
    assert {"exchange", "sharepoint"} & terms
