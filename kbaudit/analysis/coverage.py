"""Coverage: customer questions -> their best articles (see `matching`) -> covered / partial /
uncovered, and the uncovered and partial questions grouped into gap topics (see
`question_topics`) with a label, a volume, the nearest article and a suggested title."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kbaudit.analysis.matching import Match, Matcher, fit_matcher
from kbaudit.analysis.question_topics import cluster_questions, title_terms
from kbaudit.analysis.titles import suggest_title
from kbaudit.model import Article, Question
from kbaudit.text import shorten

COVERED, PARTIAL, UNCOVERED = "covered", "partial", "uncovered"
EXAMPLES = 5  # example questions per gap topic
MAX_LABEL = 90  # characters of a gap topic's label


@dataclass(frozen=True)
class Thresholds:
    """Best-match score from which a question counts as covered, or partly covered."""

    covered: float = 0.35
    partial: float = 0.25
    top_k: int = 3

    def status(self, score: float, signal: str | None = None) -> str:
        if score >= self.covered:
            return COVERED
        if score >= self.partial and signal is None:
            return PARTIAL  # a search that found nothing or got no click is not "partly" met
        return UNCOVERED


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    status: str
    matches: tuple[Match, ...]

    @property
    def score(self) -> float:
        return self.matches[0].score if self.matches else 0.0


@dataclass(frozen=True)
class GapTopic:
    label: str
    terms: tuple[str, ...]
    volume: int
    members: tuple[int, ...]  # indexes into the results, most central first
    nearest: Match | None
    suggested_title: str


@dataclass
class CoverageReport:
    results: list[QuestionResult]
    gaps: list[GapTopic]
    thresholds: Thresholds
    totals: dict[str, int] = field(default_factory=dict)

    def questions_json(self, articles: Sequence[Article]) -> list[dict[str, Any]]:
        return [
            {
                "text": r.question.text,
                "volume": r.question.volume,
                "status": r.status,
                "signal": r.question.signal,
                "score": round(r.score, 4),
                "matches": [_match_json(m, articles) for m in r.matches],
            }
            for r in self.results
        ]

    def gaps_json(self, articles: Sequence[Article]) -> list[dict[str, Any]]:
        return [
            {
                "label": g.label,
                "terms": list(g.terms),
                "volume": g.volume,
                "questions": [self.results[i].question.text for i in g.members[:EXAMPLES]],
                "size": len(g.members),
                "members": [int(i) for i in g.members],  # indices into "questions"
                "statuses": dict(Counter(self.results[i].status for i in g.members)),
                "nearest": _match_json(g.nearest, articles) if g.nearest else {},
                "suggested_title": g.suggested_title,
            }
            for g in self.gaps
        ]


def _match_json(match: Match, articles: Sequence[Article]) -> dict[str, Any]:
    article = articles[match.article]
    out: dict[str, Any] = {
        "path": article.ref,
        "title": article.title,
        "score": round(match.score, 4),
    }
    if match.parts:
        out["parts"] = {name: round(value, 4) for name, value in match.parts}
    return out


def classify(
    questions: Sequence[Question], matcher: Matcher, thresholds: Thresholds
) -> list[QuestionResult]:
    tops = matcher.top([q.text for q in questions], thresholds.top_k)
    return [
        QuestionResult(q, thresholds.status(m[0].score if m else 0.0, q.signal), tuple(m))
        for q, m in zip(questions, tops, strict=True)
    ]


def gap_topics(
    results: Sequence[QuestionResult],
    include: tuple[str, ...] = (UNCOVERED, PARTIAL),
    seed: int = 0,
) -> list[GapTopic]:
    """Questions with an `include`d status grouped into topics, most asked topic first."""
    chosen = [i for i, r in enumerate(results) if r.status in include]
    if not chosen:
        return []
    texts = [results[i].question.text for i in chosen]
    volumes = np.array([results[i].question.volume for i in chosen], dtype=float)
    labels, vectors = cluster_questions(texts, seed=seed)
    k = int(labels.max()) + 1
    terms = title_terms(texts, labels, k, volumes)
    # Topics labelled with the same terms read as one topic (questions that differ only in an
    # order number, say, can be split by their clustering): they become one.
    first: dict[tuple[str, ...], int] = {}
    same = np.array(
        [first.setdefault(tuple(sorted(t)), c) if t else c for c, t in enumerate(terms)]
    )
    labels = same[labels]
    topics = []
    for c in range(k):
        members = np.flatnonzero(labels == c)
        if not len(members):
            continue
        centroid = (vectors[members] * np.maximum(volumes[members], 1)[:, None]).sum(axis=0)
        closeness = vectors[members] @ centroid
        members = members[np.lexsort((members, -volumes[members], -np.round(closeness, 6)))]
        nearest: Counter[int] = Counter()
        best: dict[int, float] = {}
        for i in members:
            for m in results[chosen[i]].matches[:1]:
                nearest[m.article] += m.score * max(results[chosen[i]].question.volume, 1)
                best[m.article] = max(best.get(m.article, 0.0), m.score)
        near = None
        if nearest:
            art = min(nearest, key=lambda a: (-nearest[a], a))
            near = Match(art, best[art])
        central = texts[members[0]]
        topics.append(
            GapTopic(
                label=shorten(" / ".join(terms[c]) or central, MAX_LABEL),
                terms=tuple(terms[c]),
                volume=int(volumes[members].sum()),
                members=tuple(chosen[i] for i in members),
                nearest=near,
                suggested_title=suggest_title(central),
            )
        )
    return sorted(topics, key=lambda t: (-t.volume, -len(t.members), t.label))


def analyse(
    articles: Sequence[Article],
    questions: Sequence[Question],
    thresholds: Thresholds | None = None,
    seed: int = 0,
) -> CoverageReport:
    """Match, classify and group the questions of one KB."""
    thresholds = thresholds or Thresholds()
    if articles:
        matcher = fit_matcher(articles, [q.text for q in questions], seed=seed)
        results = classify(questions, matcher, thresholds)
    else:
        results = [QuestionResult(q, UNCOVERED, ()) for q in questions]
    totals = {
        "total_volume": sum(r.question.volume for r in results),
        "covered_volume": sum(r.question.volume for r in results if r.status == COVERED),
        "partial_volume": sum(r.question.volume for r in results if r.status == PARTIAL),
        "uncovered_volume": sum(r.question.volume for r in results if r.status == UNCOVERED),
    }
    return CoverageReport(results, gap_topics(results, seed=seed), thresholds, totals)
