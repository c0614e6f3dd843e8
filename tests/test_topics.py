"""Topic clusters: choosing K, determinism, c-TF-IDF labels, taxonomy checks against topics,
and the `topics` command on fixtures/duplicates/topics."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest
from scipy import sparse
from sklearn.metrics import normalized_mutual_info_score

from kbaudit.analysis import TOPICS, analyse
from kbaudit.analysis.topics import ONE_THREAD, choose_k, class_tfidf, cluster_topics, fit_kmeans
from kbaudit.audit import load_corpus
from kbaudit.cli import app
from kbaudit.config import load_config
from kbaudit.model import Article

from .conftest import FIXTURES, OFFICEDOCS, SAMPLE_KB, build_tfidf, needs

TOPICS_KB = FIXTURES / "duplicates" / "topics" / "kb"


class ThreadProbe:
    """A stand-in model that records the OpenMP threads it was given."""

    threads: set[int]

    def fit(self, vectors: np.ndarray) -> ThreadProbe:
        from threadpoolctl import threadpool_info

        self.threads = {p["num_threads"] for p in threadpool_info() if p["user_api"] == "openmp"}
        return self


def test_small_kmeans_fits_run_on_one_thread_with_the_same_labels() -> None:
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    untouched = ThreadProbe().fit(np.zeros(1)).threads
    if not untouched:  # without an OpenMP runtime loaded there is no limit to see
        pytest.skip("no OpenMP runtime loaded")
    assert fit_kmeans(ThreadProbe(), np.zeros((ONE_THREAD - 1, 2))).threads <= {1}
    assert fit_kmeans(ThreadProbe(), np.zeros((ONE_THREAD, 2))).threads == untouched
    vectors = np.random.default_rng(0).normal(size=(600, 8))
    with threadpool_limits(2, user_api="openmp"):
        many = KMeans(6, random_state=0, n_init=3).fit(vectors).labels_
    assert (
        fit_kmeans(KMeans(6, random_state=0, n_init=3), vectors).labels_.tolist() == many.tolist()
    )


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


def _articles(texts: list[str], locales: dict[int, str] | None = None) -> list[Article]:
    """Articles of the texts; `locales` gives some of them a locale (by index)."""
    return [
        Article(id=str(i), path=f"{i}.md", title=str(i), text=t, locale=(locales or {}).get(i))
        for i, t in enumerate(texts)
    ]


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


def test_terms_in_most_articles_neither_cluster_nor_label() -> None:
    # The product name and the UI verbs are in every article; only the subjects differ.
    texts = [
        f"Ledgerly: select Settings, choose bank feed statement reconcile {i}" for i in range(10)
    ]
    texts += [f"Ledgerly: select Settings, choose payroll payslip pension {i}" for i in range(10)]
    vectorizer, matrix = build_tfidf(texts)
    model = cluster_topics(matrix, vectorizer.get_feature_names_out(), _articles(texts))
    assert {frozenset(t.members) for t in model.topics} == {
        frozenset(range(10)),
        frozenset(range(10, 20)),
    }
    terms = {term for t in model.topics for term in t.terms}
    assert not terms & {"ledgerly", "select", "settings", "choose"}


def test_each_locale_is_clustered_on_its_own() -> None:
    texts = [f"bank feed transaction statement reconcile {i}" for i in range(10)]
    texts += [f"payroll payslip employee pension salary {i}" for i in range(10)]
    texts += ["flux bancaire relevé rapprochement", "paie bulletin salarié", "flux bancaire"]
    locales = {i: "en" for i in range(18)} | {20: "fr", 21: "fr", 22: "fr"}  # 18, 19: none
    vectorizer, matrix = build_tfidf(texts)
    model = cluster_topics(matrix, vectorizer.get_feature_names_out(), _articles(texts, locales))
    # Three French articles are too few for topics; articles without a locale join English.
    assert model.assignment[20:] == (-1, -1, -1)
    assert {frozenset(t.members) for t in model.topics} == {
        frozenset(range(10)),
        frozenset(range(10, 20)),
    }


def test_pages_kept_out_of_navigation_and_search_are_in_no_topic() -> None:
    """Drafts and hidden pages (an old page that says where its subject moved, `noindex`)
    are not where readers look for a topic: they are clustered with none."""
    texts = [f"bank feed transaction statement reconcile {i}" for i in range(10)]
    texts += [f"payroll payslip employee pension salary {i}" for i in range(10)]
    texts += [f"this guide has moved see the new guide page {i}" for i in range(4)]
    articles = [
        replace(a, status="hidden" if i >= 20 else None) for i, a in enumerate(_articles(texts))
    ]
    vectorizer, matrix = build_tfidf(texts)
    model = cluster_topics(matrix, vectorizer.get_feature_names_out(), articles)
    assert model.assignment[20:] == (-1, -1, -1, -1)
    assert {frozenset(t.members) for t in model.topics} == {
        frozenset(range(10)),
        frozenset(range(10, 20)),
    }


def test_topics_and_categories_group_articles_by_the_same_language() -> None:
    """Topics are clustered per language, as the topic checks compare categories: `fr` and
    `fr-CA` are one language; Chinese in its two scripts (`zh-CN`, `zh-TW`) two, so that a
    category is never compared with the topics of another language's articles."""
    from kbaudit.analysis.topics import locale_groups
    from kbaudit.checks.topics import _Categories
    from kbaudit.corpus import Corpus

    locales = ["en", "en-US", None, "fr", "fr-CA", "zh-CN", "zh", "zh-TW", "zh_HK"]
    articles = [
        Article(id=str(i), path=f"{i}.md", title=str(i), text=f"words {i}", category="Billing",
                locale=loc)
        for i, loc in enumerate(locales)
    ]  # fmt: skip
    groups = locale_groups(articles, np.arange(len(articles)))
    assert [sorted(int(i) for i in g) for g in groups] == [[0, 1, 2], [3, 4], [5, 6], [7, 8]]
    keys = sorted((key, len(rows)) for key, rows in _Categories(Corpus(articles)).rows.items())
    assert keys == [
        (("Billing", "en"), 3),
        (("Billing", "fr"), 2),
        (("Billing", "zh-hans"), 2),
        (("Billing", "zh-hant"), 2),
    ]


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


@needs(SAMPLE_KB)
def test_sample_kb_topics_follow_the_categories() -> None:
    """On a small KB (94 articles) no topic swallows the rest, and the topics follow the
    categories. Over seeds 0-5 the largest topic holds 21-32% of the articles and the NMI
    against `category` is 0.55-0.59, while shuffling the same topic sizes over the articles
    gives 0.17-0.20 (at most 0.31 in 200 shuffles); 0.45 leaves room between the two."""
    config = load_config(SAMPLE_KB)
    corpus = load_corpus(SAMPLE_KB, config)
    model = analyse(corpus, config, {TOPICS}).topics
    assert model is not None
    clustered = [i for i, t in enumerate(model.assignment) if t >= 0]
    largest = max(t.size for t in model.topics)
    assert len(model.topics) >= 4
    assert largest <= 0.4 * len(clustered)
    filed = [i for i in clustered if corpus.articles[i].category]
    truth = [corpus.articles[i].category for i in filed]
    found = [model.assignment[i] for i in filed]
    assert normalized_mutual_info_score(truth, found) >= 0.45
    # The three French translations are too few to cluster; the product name labels nothing.
    assert Counter(corpus.articles[i].locale for i in clustered)["fr"] == 0
    assert not any("ledgerly" in t.terms for t in model.topics)


def test_labels_prefer_the_terms_titles_use() -> None:
    from kbaudit.analysis.topics import _label_terms

    top = ["open", "time", "password", "sign", "reset"]
    titles = ["Reset your password", "Sign in with a passkey", "Can't sign in", "Password rules"]
    assert _label_terms(top, titles) == ["password", "sign", "open"]
    # with too few title words the body's order stands
    assert _label_terms(top, ["Account"]) == ["open", "time", "password"]
    # halves of a hyphenated word are one term again
    top = ["network", "fi", "wi", "router", "connect"]
    titles = ["Join a Wi-Fi network", "If the router drops Wi-Fi", "Reset the router"]
    assert _label_terms(top, titles) == ["wi-fi", "router", "network"]
    # ... unless the titles also use a half as a word of its own
    top = ["cloud", "iot", "nb", "modem"]
    titles = ["Set up the IoT Cloud", "IoT Cloud plans", "NB-IoT modem firmware"]
    assert _label_terms(top, titles) == ["cloud", "iot", "nb"]


def test_categories_are_compared_with_topics_in_each_language() -> None:
    """A category holding articles in two languages is two categories to the topic checks:
    closeness to it is to its articles in the reader's language, and an article of no
    language is of the KB's main one."""
    from kbaudit.checks.topics import _Categories, _spread
    from kbaudit.corpus import Corpus

    texts = [f"refund the card payment invoice {w}" for w in ("now", "today", "again")]
    texts += [f"rembourser le paiement facture {w}" for w in ("maintenant", "encore")]
    texts += ["refund an invoice payment by card"]  # no locale: English, the main language
    locales = [*["en"] * 3, "fr-CA", "fr", None]
    articles = [
        Article(id=str(i), path=f"{i}.md", title=str(i), text=t, category="Billing", locale=loc)
        for i, (t, loc) in enumerate(zip(texts, locales, strict=True))
    ]
    categories = _Categories(Corpus(articles))
    assert sorted((key, len(rows)) for key, rows in categories.rows.items()) == [
        (("Billing", "en"), 4),
        (("Billing", "fr"), 2),
    ]
    matrix = categories.matrix
    others = matrix[[1, 2, 5]].sum(axis=0)  # English rows but the article's own
    expected = float((matrix[0] @ others.T).item()) / float((others @ others.T).item()) ** 0.5
    assert categories.closeness(0, "Billing") == pytest.approx(expected)
    assert categories.named(("Billing", "fr")) == "Billing (fr)"
    # a topic spread evenly over four categories counts four; one category counts one
    assert _spread({"a": 3, "b": 3, "c": 3, "d": 3}) == pytest.approx(4.0)
    assert _spread({"a": 5}) == pytest.approx(1.0)


def test_k_is_chosen_alike_on_threads() -> None:
    """choose_k scores its candidates on threads: the same scores and K as one by one."""
    rng = np.random.default_rng(3)
    centers = rng.normal(size=(12, 20))
    vectors = centers[rng.integers(0, 12, 4000)] + rng.normal(scale=0.9, size=(4000, 20))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    alone = choose_k(vectors, seed=1, jobs=1)
    assert len(alone[1]) >= 5
    assert choose_k(vectors, seed=1, jobs=2) == alone
    assert choose_k(vectors, seed=1, jobs=0) == alone
