"""The selection of each question's best articles: the same as sorting every score, and the
same on one thread or several."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from kbaudit.analysis import matching
from kbaudit.analysis.matching import best_k, char_grams, content_words, fit_matcher
from kbaudit.sources import load

from .conftest import FIXTURES


@pytest.mark.parametrize("seed", range(6))
def test_best_k_equals_a_full_sort(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows, n = int(rng.integers(1, 40)), int(rng.integers(1, 4000))
    scores = np.round(rng.random((rows, n)), 2).astype(np.float32)  # many ties
    scores[rng.random((rows, n)) < 0.6] = 0  # zero scores are never chosen
    for k in (0, 1, 3, 10, 50):
        got_rows, got_cols, got_vals = best_k(scores, k)
        for row in range(rows):
            positive = np.flatnonzero(scores[row] > 0)
            order = np.lexsort((positive, -scores[row, positive]))[:k]
            want = positive[order]
            assert got_cols[got_rows == row].tolist() == want.tolist()
            assert got_vals[got_rows == row].tolist() == scores[row, want].tolist()


def test_best_k_of_a_row_without_scores_is_empty() -> None:
    rows, cols, vals = best_k(np.zeros((3, 500), dtype=np.float32), 5)
    assert len(rows) == len(cols) == len(vals) == 0


def test_questions_are_scored_the_same_on_several_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    articles = load(FIXTURES / "coverage" / "kb").articles
    with (FIXTURES / "coverage" / "questions" / "questions.csv").open(encoding="utf-8") as f:
        questions = [row["question"] for row in csv.DictReader(f)]
    monkeypatch.setattr(matching, "CHUNK", 4)  # several chunks of the fixture's questions
    one = fit_matcher(articles, questions, jobs=1).top(questions, 3)
    several = fit_matcher(articles, questions, jobs=3).top(questions, 3)
    assert len(one) == len(questions) and any(one)
    assert several == one


def test_char_grams_give_scikit_learns_char_wb_matrix() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [
        "How do I reset my password?",
        "password reset link expired",
        "Can't log in after the update",
        "a",
        "",
        "  ab  cd\t\nefgh  ",
        "ÉCOLE Straße naïve café",
        "x y z",
        "abcdef abcdef abcdef",
    ]
    for preprocess, given in ((str.lower, {}), (content_words, {"preprocessor": content_words})):
        theirs = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), **given)  # type: ignore[arg-type]
        ours = TfidfVectorizer(analyzer=char_grams(preprocess))
        expected, got = theirs.fit_transform(texts), ours.fit_transform(texts)
        assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())
        assert (expected != got).nnz == 0
        assert np.array_equal(
            ours.transform(texts[:3]).toarray(), theirs.transform(texts[:3]).toarray()
        )


def test_subject_words_of_scikit_learns_stop_list_are_matched() -> None:
    """ "top", "amount", "bill" and "details" are in scikit-learn's English stop words; here
    they are what a question asks about and tell the right article from its neighbours."""
    from kbaudit.model import Article

    titles = [
        "Add money to your wallet with a card",
        "Why your account was charged",
        "Pay your phone bill from the app",
        "Change your card details",
    ]
    articles = [Article(id=str(i), path=f"a{i}.md", title=t, text=t) for i, t in enumerate(titles)]
    analyze = matching.make_analyzer()
    assert {"top", "amount", "bill", "detail"} <= set(
        analyze("top amount bill detail", pairs=False)
    )
    questions = ["why is the top up amount wrong", "bill", "update my details"]
    matcher = fit_matcher(
        [*articles, Article(id="t", path="t.md", title="Top up amount limits", text="Top up")],
        questions,
    )
    best = [m[0].article for m in matcher.top(questions, 1)]
    assert best == [4, 2, 3]


def test_a_word_and_its_inflections_share_a_stem() -> None:
    for forms in (
        ("transfer", "transfers", "transferred", "transferring"),
        ("withdraw", "withdrawal", "withdrawals"),
        ("order", "orders", "ordered"),
        ("cancel", "cancelled", "canceled", "cancels"),
        ("activate", "activated", "activation"),
        ("top", "topped", "tops"),
    ):
        assert len({matching.stem(w) for w in forms}) == 1, forms


def test_a_negation_is_part_of_what_is_asked() -> None:
    """ "didn't", "not" and "never" are stop words, but "a payment I didn't make" asks for
    another article than "make a payment": every negation is matched as the word "not"."""
    from kbaudit.model import Article

    titles = ["Make a payment", "A payment I didn't make is on my statement"]
    articles = [Article(id=str(i), path=f"a{i}.md", title=t, text=t) for i, t in enumerate(titles)]
    analyze = matching.make_analyzer()
    assert analyze("didn't, never, not", pairs=False) == ["not", "not", "not"]
    questions = [
        "payment i never made",
        "a payment i did not make",
        "why is there a payment i didnt make",
    ]
    best = [m[0].article for m in fit_matcher(articles, questions).top(questions, 1)]
    assert best == [1, 1, 1]  # without the negation: [0, 0, 0]


def test_stemming_on_several_threads_gives_each_word_its_own_stem() -> None:
    """Questions are scored on threads, and a stemmer keeps the word it works on in itself:
    words stemmed at once on four threads get the stems they get one after another."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    from kbaudit.analysis.matching import stem

    words = [
        f"{base}{end}"
        for base in ("transfer", "withdraw", "deliver", "verif", "refund")
        for end in ("", "s", "ed", "ing", "ation", "ations", "er", "ers", "ably", "ness")
    ]
    expected = [stem(w) for w in words]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter allows
    try:
        with ThreadPoolExecutor(4) as pool:
            rounds = list(pool.map(lambda _: [stem(w) for w in words], range(200)))
    finally:
        sys.setswitchinterval(interval)
    assert all(found == expected for found in rounds)
