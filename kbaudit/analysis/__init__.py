"""The analysis stage: corpus -> typed analyses (duplicate groups, topics, question coverage),
each computed once and only when a selected rule or the command needs it. Checks turn these
analyses into findings; the `duplicates`, `topics` and `gaps` commands render the same objects.

Heavy modules (scikit-learn, scipy) are imported inside `analyse`, so importing this package
to name an analysis costs nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kbaudit.config import Config, CoverageSettings
from kbaudit.corpus import Corpus
from kbaudit.errors import ConfigError
from kbaudit.model import Article

if TYPE_CHECKING:
    from kbaudit.analysis.coverage import CoverageReport
    from kbaudit.analysis.duplicates import Duplicates
    from kbaudit.analysis.matching import DocumentTerms
    from kbaudit.analysis.topics import PriorTopics, TopicModel
    from kbaudit.semantic import Embedder

DUPLICATES, TOPICS, COVERAGE = "duplicates", "topics", "coverage"
ANALYSES = (DUPLICATES, TOPICS, COVERAGE)
COVERED, PARTIAL, UNCOVERED = "covered", "partial", "uncovered"  # a question's status


@dataclass(frozen=True)
class Coverage:
    """Customer questions matched against the articles they may be answered by (`articles`,
    the KB's main language unless `coverage.locale` says otherwise)."""

    report: CoverageReport
    articles: list[Article]

    @property
    def totals(self) -> dict[str, int]:
        return self.report.totals

    @property
    def answered_share(self) -> float:
        """Share of the asked volume answered, a partial answer counting half."""
        total = self.totals.get("total_volume", 0)
        if not total:
            return 0.0
        covered = self.totals.get("covered_volume", 0) + 0.5 * self.totals.get("partial_volume", 0)
        return covered / total


@dataclass
class Analysis:
    """What the analysis stage found; None for an analysis nobody needed."""

    duplicates: Duplicates | None = None
    topics: TopicModel | None = None
    coverage: Coverage | None = None
    computed: frozenset[str] = frozenset()
    timings: dict[str, float] = field(default_factory=dict)
    # Per analysis, a complete description of what it was computed from (`Corpus.state`
    # with its settings), or None where it cannot be described (it read the questions):
    # findings of a corpus-wide rule that reads it are reused while this stays the same.
    inputs: dict[str, bytes | None] = field(default_factory=dict)

    def sections(self, corpus: Corpus) -> dict[str, Any]:
        """The JSON-ready sections of the result (`duplicates`, `topics`, `questions`,
        `gaps`, `coverage`): only those of the analyses that ran."""
        out: dict[str, Any] = {}
        if self.duplicates is not None:
            out["duplicates"] = self.duplicates.to_json(corpus)
        if self.topics is not None:
            out["topics"] = self.topics.to_json(corpus.articles)
        if self.coverage is not None:
            report, articles = self.coverage.report, self.coverage.articles
            out["questions"] = report.questions_json(articles)
            out["gaps"] = report.gaps_json(articles)
            out["coverage"] = report.summary()
        return out


def matching_articles(articles: Sequence[Article], locale: str) -> list[Article]:
    """The articles questions are matched against. `auto`: when the KB holds several
    languages, those of its most common language and articles without a locale (customers
    ask in one language; a translation is not a second answer). `all`: every article.
    Otherwise a locale such as `en` or `en-us` (its language matches)."""
    languages = Counter((a.locale or "").split("-")[0] for a in articles if a.locale)
    locale = locale.strip().lower().replace("_", "-")  # as sources give it: en_US -> en-us
    if locale == "all" or (locale == "auto" and len(languages) <= 1):
        return list(articles)
    wanted = languages.most_common(1)[0][0] if locale == "auto" else locale.split("-")[0]
    return [a for a in articles if not a.locale or a.locale.split("-")[0] == wanted]


def _coverage(corpus: Corpus, config: Config) -> tuple[Coverage | None, None]:
    if corpus.questions is None:
        return None, None
    from kbaudit.analysis.coverage import Thresholds, analyse

    s = config.coverage
    if not 0.0 <= s.partial <= s.covered <= 1.0:
        raise ConfigError(
            f"coverage.partial ({s.partial:g}) and coverage.covered ({s.covered:g}) must be "
            "scores from 0 to 1 with partial <= covered"
        )
    if s.top_k < 1:
        raise ConfigError(f"coverage.top_k is {s.top_k}; keep at least 1 match per question")
    articles = matching_articles(corpus.articles, s.locale)
    thresholds = Thresholds(s.covered, s.partial, s.top_k)
    embedder = _embedder(s, config.jobs) if corpus.questions and articles else None
    terms = _document_terms(corpus, articles) if corpus.questions and articles else None
    report = analyse(
        articles,
        corpus.questions,
        thresholds,
        embedder=embedder,
        terms=terms,
        jobs=config.jobs,
        locales=[a.locale for a in corpus.articles],
    )
    return Coverage(report, articles), None


def _document_terms(corpus: Corpus, articles: Sequence[Article]) -> DocumentTerms:
    """The matching terms of the articles' documents, reused from the incremental cache
    while every document (and the stop words, which come with scikit-learn) is the same."""
    from kbaudit.analysis.matching import article_document, document_terms
    from kbaudit.cache import sklearn_version

    documents = [article_document(a) for a in articles]
    inputs = "\0".join([sklearn_version(), *documents]).encode("utf-8", "surrogatepass")
    return corpus.whole("matching-documents", inputs, lambda: document_terms(documents))


def _embedder(settings: CoverageSettings, jobs: int) -> Embedder | None:
    """The sentence embedder `coverage.semantic` asks for (None: lexical matching)."""
    from pathlib import Path

    from kbaudit.semantic import load_embedder

    wanted = {"auto": None, "on": True, "off": False}
    if settings.semantic not in wanted:
        raise ConfigError(f"coverage.semantic is {settings.semantic!r}; use auto, on or off")
    cache = Path(settings.cache_dir).expanduser() if settings.cache_dir else None
    return load_embedder(settings.model or None, wanted[settings.semantic], jobs, cache)


def _duplicates(corpus: Corpus, config: Config) -> tuple[Duplicates, bytes | None]:
    from kbaudit.analysis.duplicates import find_duplicates
    from kbaudit.cache import sklearn_version

    # Reused from the incremental cache while every article and the settings are the same.
    inputs = corpus.state(config.duplicates, sklearn_version())
    found = corpus.whole("duplicates", inputs, lambda: find_duplicates(corpus, config.duplicates))
    return found, inputs


def _topics(
    corpus: Corpus, config: Config, prior: PriorTopics | None = None
) -> tuple[TopicModel, bytes | None]:
    """Topic clusters of the articles (K from `topics`, else chosen), seeded; carried over
    from `prior` (an earlier run's topics) when few articles changed."""
    import json

    from kbaudit.analysis.topics import (
        PASSAGE_MIN_ARTICLES,
        PASSAGE_SHARE,
        PASSAGE_WORDS,
        cluster_topics,
    )

    def fit() -> TopicModel:
        vectorizer, matrix = corpus.tfidf()
        terms = vectorizer.get_feature_names_out()
        shared = corpus.passage_words(PASSAGE_WORDS, PASSAGE_SHARE, PASSAGE_MIN_ARTICLES)
        return cluster_topics(
            matrix,
            terms,
            corpus.articles,
            config.topics,
            prior=prior,
            shared=shared,
            jobs=corpus.jobs,
        )

    # Reused from the incremental cache while everything the clustering reads is the same:
    # every article, K, the prior topics and the scikit-learn that clusters.
    from kbaudit.cache import sklearn_version

    given = json.dumps(prior.to_json() if prior else None, sort_keys=True)
    inputs = corpus.state(config.topics, given, sklearn_version())
    return corpus.whole("topics", inputs, fit), inputs


_BUILDERS: dict[str, Callable[[Corpus, Config], tuple[Any, bytes | None]]] = {
    DUPLICATES: _duplicates,
    TOPICS: _topics,
    COVERAGE: _coverage,
}


def analyse(
    corpus: Corpus,
    config: Config,
    needs: Iterable[str],
    progress: Callable[[str, int | None, int], None] = lambda stage, total, advance: None,
    prior_topics: PriorTopics | None = None,
) -> Analysis:
    """Compute each needed analysis once, in a fixed order (`prior_topics`: an earlier run's
    topics, kept where the articles did not change)."""
    import time
    from functools import partial

    wanted = set(needs)
    unknown = wanted - set(ANALYSES)
    if unknown:
        raise ConfigError(
            f"unknown analysis {', '.join(sorted(unknown))}; known: {', '.join(ANALYSES)}"
        )
    analysis = Analysis(computed=frozenset(wanted))
    builders: dict[str, Callable[[Corpus, Config], tuple[Any, bytes | None]]] = {
        **_BUILDERS,
        TOPICS: partial(_topics, prior=prior_topics),
    }
    for name in ANALYSES:
        if name not in wanted:
            continue
        progress(f"Finding {name}", None, 0)
        started = time.perf_counter()
        value, analysis.inputs[name] = builders[name](corpus, config)
        setattr(analysis, name, value)
        analysis.timings[name] = time.perf_counter() - started
    return analysis
