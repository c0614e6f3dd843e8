"""Passages repeated across many articles (disclaimers, registry warnings, event-log headers)
do not make topics: a word an article uses only inside them does not count."""

from __future__ import annotations

from kbaudit.analysis.topics import cluster_topics, passage_words, without_passages
from kbaudit.model import Article

from .conftest import build_tfidf

DISCLAIMER = (
    "Sample code is provided for illustration only without warranty of any kind either "
    "expressed or implied including merchantability or fitness for a particular purpose."
)
BANK = "bank feed statement reconcile transaction import matching rule account balance"
PAYROLL = "payroll payslip pension salary employee tax code overtime holiday pay run"
VARIANTS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india"]


def _articles(texts: list[str]) -> list[Article]:
    return [Article(id=str(i), path=f"{i}.md", title=str(i), text=t) for i, t in enumerate(texts)]


def _kb() -> list[str]:
    # half of each subject's articles carry the same disclaimer
    texts = []
    for subject in (BANK, PAYROLL):
        for i, word in enumerate(VARIANTS * 2):
            own = " ".join(
                f"{w} {word}" if j % 3 == 2 else w for j, w in enumerate(subject.split())
            )
            texts.append(f"{own}. " + (DISCLAIMER if i % 2 else ""))
    return texts


def test_words_only_in_shared_passages_leave_the_rows() -> None:
    texts = _kb()
    vectorizer, matrix = build_tfidf(texts)
    terms = list(vectorizer.get_feature_names_out())
    cleaned = without_passages(matrix, terms, passage_words(_articles(texts)))
    j = terms.index("merchantability")
    assert matrix[:, j].nnz > 0
    assert cleaned[:, j].nnz == 0
    assert cleaned[:, terms.index("payslip")].nnz == matrix[:, terms.index("payslip")].nnz


def test_a_disclaimer_is_no_topic() -> None:
    texts = _kb()
    vectorizer, matrix = build_tfidf(texts)
    model = cluster_topics(matrix, vectorizer.get_feature_names_out(), _articles(texts), k=2)
    assert {frozenset(t.members) for t in model.topics} == {
        frozenset(range(18)),
        frozenset(range(18, 36)),
    }
    assert not {"merchantability", "warranty", "fitness"} & {
        w for t in model.topics for w in t.terms
    }


def test_templated_articles_keep_their_words() -> None:
    texts = [f"{BANK} {DISCLAIMER}" for _ in range(12)]
    vectorizer, matrix = build_tfidf(texts)
    cleaned = without_passages(
        matrix, list(vectorizer.get_feature_names_out()), passage_words(_articles(texts))
    )
    assert (cleaned != matrix).nnz == 0
