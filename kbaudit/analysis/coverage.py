"""Coverage: customer questions -> their best articles (see `matching`) -> covered / partial /
uncovered, and the uncovered and partial questions grouped into gap topics (see
`question_topics`) with key phrases, a representative question, a volume, the nearest
article and a suggested title.

A question's score also listens to its neighbours (the most similar questions, at least
MIN_NEIGHBOUR_SIMILARITY alike): customers ask one thing in many words, and one question's
words are a noisy sample of what they ask. Each candidate article's score is mixed with its
mean score over the question's NEIGHBOURS nearest neighbours. The question's status is then
decided by a quantile of the best scores over itself and its NEIGHBOURHOOD nearest neighbours
(STATUS_QUANTILE in semantic mode, LEXICAL_STATUS_QUANTILE in lexical mode, where neighbours
share words and not always a subject, "cancel my order" / "cancel my plan", so more of them
must score over the cut): questions that mean the same mostly share one fate, and a quantile
is not moved by the few of them that happen to use (or miss) an article's words. A question
with fewer than CROWD neighbours keeps its own score (a quantile of two or three scores is
a point between them, not what a crowd agrees on). In lexical mode a question longer than
LONG_QUESTION words has its best score scaled by sqrt(words / LONG_QUESTION) first: its
matched words are diluted by the rest as a cosine is, by about the root of its length (the
median answered question of 1-10 words scored 0.35 on the banking dev set, of over 25 words
0.20). The gap list and the coverage dimension use the same cut: a question
below `covered` is listed; one at or above `partial` counts half in the coverage."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.preprocessing import normalize

from kbaudit.analysis import COVERED, PARTIAL, UNCOVERED
from kbaudit.analysis.language import language_name, language_of, written_in
from kbaudit.analysis.matching import (
    STOP,
    DocumentTerms,
    Match,
    Matcher,
    best_k,
    fit_matcher,
    join_codes,
    subject_terms,
)
from kbaudit.analysis.question_topics import (
    SVD_DIMS,
    cluster_questions,
    key_phrases,
    question_matrix,
    split_unalike,
    svd_vectors,
)
from kbaudit.analysis.titles import cased, suggest_title, ticket_subject, word_casing
from kbaudit.model import Article, Question
from kbaudit.text import shorten

if TYPE_CHECKING:
    from kbaudit.semantic import Embedder

MAX_LABEL = 90  # characters of a gap topic's label
CANDIDATES = 10  # best articles kept per question for the neighbour score
NEIGHBOURS = 20  # whose scores are mixed into a question's own, per article
NEIGHBOURHOOD = 50  # whose best scores decide a question's status (semantic mode)
STATUS_QUANTILE = 0.6  # of those scores (tuned on the banking dev set's tuning half)
LEXICAL_STATUS_QUANTILE = 0.4  # the same in lexical mode (tuned the same way)
CROWD = 10  # neighbours a question needs for their quantile to decide its status
LONG_QUESTION = 15  # words; a longer question's lexical score is scaled by sqrt(words / 15)
NEIGHBOUR_SHARE = 0.5  # of a question's score that comes from its neighbours
MIN_NEIGHBOUR_SIMILARITY = 0.6  # cosine; less alike questions are not neighbours
SAME_TOPIC = 0.85  # centroid cosine from which two gap topics are one subject
OPENING = 400  # characters of an article read to tell the KB's language
RARE_TITLES = 0.05  # a title word in at most this share of titles names a subject


@dataclass(frozen=True)
class Thresholds:
    """Best-match score from which a question counts as covered, or partly covered."""

    covered: float = 0.32
    partial: float = 0.22
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
    score: float = 0.0  # what the status is decided by (semantic: over its neighbourhood)
    alike: int = 0  # other questions asked nearly the same way (its neighbours, at most 50)


@dataclass(frozen=True)
class GapTopic:
    label: str
    terms: tuple[str, ...]  # key phrases, most distinctive first
    volume: int
    members: tuple[int, ...]  # indexes into the results, most central first
    nearest: Match | None
    suggested_title: str
    representative: str = ""  # the question that says best what the topic asks
    confidence: float = 1.0  # how surely this is one unanswered subject (0-1)
    alike: float = 0.0  # mean number of other questions asked nearly as each of its questions
    extend: bool = False  # the nearest article is on the subject: extend it, no new article
    language: str = ""  # a topic of questions in a language the KB has no articles in ("de")


@dataclass
class CoverageReport:
    results: list[QuestionResult]
    gaps: list[GapTopic]
    thresholds: Thresholds
    totals: dict[str, int] = field(default_factory=dict)
    mode: str = "lexical"  # or "semantic" (hybrid lexical + sentence-embedding score)

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
        """Every gap topic with all its questions (most central first) and their volumes."""
        return [
            {
                "label": g.label,
                "terms": list(g.terms),
                "representative": g.representative,
                "volume": g.volume,
                "confidence": round(g.confidence, 3),
                "alike": round(g.alike, 1),
                "questions": [self.results[i].question.text for i in g.members],
                "volumes": [self.results[i].question.volume for i in g.members],
                "size": len(g.members),
                "members": [int(i) for i in g.members],  # indices into "questions"
                "statuses": dict(Counter(self.results[i].status for i in g.members)),
                "nearest": _match_json(g.nearest, articles) if g.nearest else {},
                # the nearest article scores a partial answer or better for some question
                "nearest_close": bool(
                    g.nearest and round(g.nearest.score, 2) >= self.thresholds.partial
                ),
                "extend": g.extend,
                "suggested_title": g.suggested_title,
                "language": g.language,
            }
            for g in self.gaps
        ]

    def summary(self) -> dict[str, Any]:
        """The coverage section: volumes, the cuts and the matching mode."""
        return {
            **{k: self.totals[k] for k in ("total_volume", "covered_volume", "partial_volume")},
            "mode": self.mode,
            "covered_from": self.thresholds.covered,
            "partial_from": self.thresholds.partial,
        }


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


def neighbours(vectors: np.ndarray, k: int = NEIGHBOURHOOD) -> list[np.ndarray]:
    """Each row's k most similar other rows with cosine >= MIN_NEIGHBOUR_SIMILARITY, most
    similar first (ties by row)."""
    n = len(vectors)
    k = min(k, n - 1)
    if k < 1:
        return [np.zeros(0, dtype=int) for _ in range(n)]
    out: list[np.ndarray] = []
    for start in range(0, n, 2048):
        sims = vectors[start : start + 2048] @ vectors.T
        sims[np.arange(sims.shape[0]), np.arange(start, start + sims.shape[0])] = -1
        # rounded: the order of near ties must not follow the BLAS build's last bits
        rows, idx, _ = best_k(np.round(sims, 6), k, minimum=MIN_NEIGHBOUR_SIMILARITY)
        out.extend(np.split(idx, np.searchsorted(rows, np.arange(1, sims.shape[0]))))
    return out


def _with_neighbours(tops: list[list[Match]], near: list[np.ndarray], k: int) -> list[list[Match]]:
    """Each candidate's score mixed with the mean score its article has over the question's
    neighbours (0 where it is not among a neighbour's candidates); best k kept."""
    nearest = [n[:NEIGHBOURS] for n in near]
    means = iter(_neighbour_means(tops, nearest).tolist())
    out = []
    for matches, close in zip(tops, nearest, strict=True):
        if not len(close):
            out.append(matches[:k])
            continue
        share = NEIGHBOUR_SHARE * len(close) / NEIGHBOURS
        mixed = []
        for m in matches:
            mean = next(means)
            parts = (*tuple((n, v * (1 - share)) for n, v in m.parts), ("neighbours", share * mean))
            mixed.append(Match(m.article, (1 - share) * m.score + share * mean, parts))
        mixed.sort(key=lambda m: (-m.score, m.article))
        out.append(mixed[:k])
    return out


def _neighbour_means(tops: list[list[Match]], nearest: list[np.ndarray]) -> np.ndarray:
    """For every candidate of a question that has neighbours (in order), the mean score of
    its article over those neighbours' candidates (0 where it is not one). Questions with
    the same number of neighbours are averaged together, so each mean sums the same values
    in the same order as one question's own would."""
    count = np.array([len(t) for t in tops], dtype=np.int64)
    asker = np.repeat(np.arange(len(tops)), count)
    article = np.array([m.article for t in tops for m in t], dtype=np.int64)
    score = np.array([m.score for t in tops for m in t], dtype=np.float64)
    width = int(article.max()) + 1 if len(article) else 1
    keys = asker * width + article  # sorted: by question, and ...
    order = np.argsort(keys, kind="stable")  # ... by article within one
    keys, ordered = keys[order], score[order]
    sizes = np.array([len(n) for n in nearest], dtype=np.int64)
    means = np.zeros(len(article))
    for size in np.unique(sizes[sizes > 0]).tolist():
        askers = np.flatnonzero(sizes == size)
        table = np.stack([nearest[q] for q in askers.tolist()]).astype(np.int64)
        rows = np.flatnonzero(sizes[asker] == size)
        wanted = table[np.searchsorted(askers, asker[rows])] * width + article[rows, None]
        at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        means[rows] = np.where(keys[at] == wanted, ordered[at], 0.0).mean(axis=1)
    return means[sizes[asker] > 0]


def question_vectors(texts: Sequence[str], matcher: Matcher | None, seed: int = 0) -> np.ndarray:
    """What questions are compared with one another by: sentence embeddings in semantic mode,
    else the SVD of their word and character TF-IDF; with no more questions than SVD_DIMS,
    their TF-IDF rows themselves: an SVD to fewer dimensions than questions drops what tells
    some of them apart (of three questions on payroll, staff hours and invoices, the first
    and last came out 0.98 alike)."""
    embedded = matcher.question_vectors(texts) if matcher is not None else None
    if embedded is not None:
        return embedded
    matrix = question_matrix(texts)
    if matrix is not None and len(texts) <= SVD_DIMS:
        return normalize(matrix).toarray().astype(np.float32)
    return svd_vectors(matrix, len(texts), seed)


def status_scores(
    best: Sequence[float], texts: Sequence[str], near: Sequence[np.ndarray], semantic: bool
) -> list[float]:
    """What each question's status is decided by, from its best match score, its words and
    its neighbours (see the module's docstring)."""
    scores = np.array(best, dtype=float)
    quantile = STATUS_QUANTILE
    if not semantic:
        words = np.array([len(t.split()) for t in texts], dtype=float)
        scores = np.minimum(scores * np.sqrt(np.maximum(words / LONG_QUESTION, 1.0)), 1.0)
        quantile = LEXICAL_STATUS_QUANTILE
    out = scores.copy()
    sizes = np.array([len(n) for n in near], dtype=np.int64)
    for size in np.unique(sizes[sizes >= CROWD]).tolist():  # alike neighbourhoods at once
        askers = np.flatnonzero(sizes == size)
        table = np.stack([np.append(near[i], i) for i in askers.tolist()])
        out[askers] = np.quantile(scores[table], quantile, axis=1)
    return out.tolist()


def classify(
    questions: Sequence[Question],
    matcher: Matcher,
    thresholds: Thresholds,
    vectors: np.ndarray | None = None,
) -> list[QuestionResult]:
    """Each question's best articles (own score mixed with its neighbours') and status (in
    semantic mode by a quantile of its neighbourhood's best scores). `vectors`: the questions'
    vectors from `question_vectors` when already computed."""
    texts = [q.text for q in questions]
    if vectors is None:
        vectors = question_vectors(texts, matcher)
    embedded = vectors if matcher.mode == "semantic" else None
    tops = matcher.top(texts, max(thresholds.top_k, CANDIDATES), embedded)
    near = neighbours(vectors)
    tops = _with_neighbours(tops, near, thresholds.top_k)
    best = [m[0].score if m else 0.0 for m in tops]
    scores = status_scores(best, texts, near, semantic=embedded is not None)
    return [
        QuestionResult(q, thresholds.status(s, q.signal), tuple(m), s, len(n))
        for q, m, s, n in zip(questions, tops, scores, near, strict=True)
    ]


def _representative(texts: Sequence[str], words: int = 20) -> str:
    """The most central of the topic's first five questions that is short enough to read at
    a glance (a long story is a poor example), else the most central."""
    return next((t for t in texts[:5] if len(t.split()) <= words), texts[0])


def _subject(text: str) -> frozenset[str]:
    return frozenset(subject_terms(text))


def _title(texts: Sequence[str], phrases: Sequence[str], casing: Mapping[str, str]) -> str:
    """The first representative question (short ones first) that makes a title naming the
    topic (a word of its key phrases), else the first that makes a title, else one from the
    key phrase: "How to help you" or "What is this?" name nothing."""
    focus = _subject(" ".join(phrases))
    named = frozenset(w for p in phrases for w in p.lower().split() if w not in STOP)
    found = []
    short = [t for t in texts[:5] if len(t.split()) <= 20]  # a long story makes a poor title
    for text in short + [t for t in texts[:5] if t not in short]:
        title = suggest_title(text, named, casing)
        if title and (not focus or focus & _subject(title)):
            return title
        found += [title] if title else []
    if found:
        return found[0]
    if phrases:
        return f"Questions about {cased(phrases[0], casing)}"
    return shorten(cased(texts[0], casing), 90) if texts else ""


def gap_topics(
    results: Sequence[QuestionResult],
    include: tuple[str, ...] = (UNCOVERED, PARTIAL),
    seed: int = 0,
    vectors: np.ndarray | None = None,
    thresholds: Thresholds | None = None,
    titles: Sequence[str] = (),
    languages: frozenset[str] = frozenset(),
) -> list[GapTopic]:
    """Questions with an `include`d status grouped into topics; topics on the same subject
    merged; ranked by volume x confidence x (1 + alike): a subject many customers ask in
    nearly the same words comes before a residue of scattered, unlike questions that the
    clustering had to put somewhere. `vectors`: every result's question vector (the
    clustering uses them with the words; sentence embeddings group paraphrases).
    `languages`: the KB's (`language.written_in`); questions in another language make one
    topic per language, listed after the subjects."""
    thresholds = thresholds or Thresholds()
    chosen = [i for i, r in enumerate(results) if r.status in include]
    apart = _other_languages(results, chosen, languages)
    if apart:
        elsewhere = {i for members in apart.values() for i in members}
        chosen = [i for i in chosen if i not in elsewhere]
    by_language = _language_topics(results, apart)
    if not chosen:
        return by_language
    known = _Titles(titles)
    casing = word_casing((r.question.text for r in results), titles)  # "w-2" -> "W-2"
    for low, form in list(casing.items()):  # and as the labels' key phrases write them: "W2"
        casing.setdefault(join_codes(low), join_codes(form))
    texts = [results[i].question.text for i in chosen]
    volumes = np.array([results[i].question.volume for i in chosen], dtype=float)
    extra = vectors[chosen] if vectors is not None else None
    labels, points = cluster_questions(texts, seed=seed, embeddings=extra)
    labels = _merge_same_subject(labels, points, volumes)
    if extra is None:  # centres alike in a few SVD dimensions: words must still be alike
        labels = split_unalike(labels, texts)
    k = int(labels.max()) + 1
    phrases = key_phrases(texts, labels, k, volumes)
    topics = []
    for c in range(k):
        members = np.flatnonzero(labels == c)
        if not len(members):
            continue
        weight = np.maximum(volumes[members], 1)
        centroid = (points[members] * weight[:, None]).sum(axis=0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
        closeness = points[members] @ centroid
        members = members[np.lexsort((members, -volumes[members], -np.round(closeness, 6)))]
        scores = np.array([results[chosen[i]].score for i in members])
        # Confidence: how tight the topic is (mean closeness to its centre) times how far
        # below the cut its questions score (a topic just under the cut may be answered).
        cohesion = float(np.average(np.clip(closeness, 0, 1), weights=weight))
        depth = float(np.average(np.clip(1 - scores / thresholds.covered, 0, 1), weights=weight))
        confidence = cohesion * (0.5 + 0.5 * depth)
        alike = float(np.average([results[chosen[i]].alike for i in members], weights=weight))
        ordered = [texts[i] for i in members]
        terms = tuple(phrases[c])
        subject = _subject(" ".join(terms))
        nearest, extend = _nearest(
            results, [chosen[i] for i in members], thresholds, subject, known
        )
        # A topic of one ticket is named by the ticket's own subject: key phrases of one
        # long message are any of its phrases ("apps through Okta / asked whether ...").
        named = (ticket_subject(ordered[0]) if len(ordered) == 1 else "") or " / ".join(terms)
        topics.append(
            GapTopic(
                label=shorten(cased(named or ordered[0], casing), MAX_LABEL),
                terms=terms,
                volume=int(volumes[members].sum()),
                members=tuple(chosen[i] for i in members),
                nearest=nearest,
                suggested_title=_title(ordered, terms, casing),
                representative=_representative(ordered),
                confidence=confidence,
                alike=alike,
                extend=extend,
            )
        )
    ranked = sorted(
        topics, key=lambda t: (-t.volume * t.confidence * (1 + t.alike), -t.volume, t.label)
    )
    return ranked + by_language


def _other_languages(
    results: Sequence[QuestionResult], chosen: Sequence[int], languages: frozenset[str]
) -> dict[str, list[int]]:
    """The `chosen` questions written in a language the KB has no articles in, by language
    (none when the KB's languages are not known)."""
    apart: dict[str, list[int]] = {}
    if not languages:
        return apart
    for i in chosen:
        lang = language_of(results[i].question.text)
        if lang is not None and lang not in languages:
            apart.setdefault(lang, []).append(i)
    return apart


def _language_topics(
    results: Sequence[QuestionResult], apart: Mapping[str, Sequence[int]]
) -> list[GapTopic]:
    """One gap topic per language the KB has no articles in, largest first: word matching
    cannot tell what such questions ask, so they are a gap of language, never mixed into
    the subjects."""
    topics = []
    for lang, members in apart.items():
        ordered = sorted(members, key=lambda i: (-results[i].question.volume, i))
        name = language_name(lang)
        topics.append(
            GapTopic(
                label=f"questions in {name}",
                terms=(),
                volume=sum(results[i].question.volume for i in ordered),
                members=tuple(ordered),
                nearest=None,
                suggested_title=f"{name} versions of the articles these questions need",
                representative=results[ordered[0]].question.text,
                language=lang,
            )
        )
    return sorted(topics, key=lambda t: (-t.volume, t.label))


def _merge_same_subject(labels: np.ndarray, points: np.ndarray, volumes: np.ndarray) -> np.ndarray:
    """Topics whose centres are SAME_TOPIC alike become one (largest first absorbs)."""
    k = int(labels.max()) + 1
    weight = np.maximum(volumes, 1)
    centres = np.zeros((k, points.shape[1]))
    for c in range(k):
        rows = labels == c
        if rows.any():
            centres[c] = (points[rows] * weight[rows, None]).sum(axis=0)
    norms = np.linalg.norm(centres, axis=1)
    centres /= np.maximum(norms, 1e-9)[:, None]
    order = np.argsort(-np.bincount(labels, weights=weight, minlength=k), kind="stable")
    target = np.arange(k)
    for pos, c in enumerate(order):
        if target[c] != c or norms[c] == 0:
            continue
        for d in order[pos + 1 :]:
            if target[d] == d and norms[d] > 0 and float(centres[c] @ centres[d]) >= SAME_TOPIC:
                target[d] = c
    _, dense = np.unique(target[labels], return_inverse=True)
    return dense.ravel()


def _nearest(
    results: Sequence[QuestionResult],
    members: Sequence[int],
    thresholds: Thresholds,
    subject: frozenset[str],
    titles: _Titles,
) -> tuple[Match | None, bool]:
    """The article the topic's questions come closest to (summed over their best matches by
    volume) with its best score; "extend" when it is on the subject: the best match of most
    of the topic's volume, at a mean score of at least `partial`, and either answering at
    the `covered` cut on average or titled with a word of the topic's `subject` that few
    titles use ("Google Pay" for questions about topping up with Google Pay; not "card" in a
    card issuer's KB, where "activate my card" is not "top up with a card")."""
    weight: Counter[int] = Counter()
    best: dict[int, float] = {}
    total = 0.0
    for i in members:
        volume = max(results[i].question.volume, 1)
        total += volume
        for m in results[i].matches[:1]:
            weight[m.article] += volume
            best[m.article] = max(best.get(m.article, 0.0), m.score)
    if not weight:
        return None, False
    art = min(weight, key=lambda a: (-weight[a], a))
    scores = [m.score for i in members for m in results[i].matches[:1] if m.article == art]
    mean = float(np.mean(scores))
    on_subject = mean >= thresholds.covered or bool(subject & titles.distinctive(art))
    extend = weight[art] >= 0.5 * total and mean >= thresholds.partial and on_subject
    return Match(art, best[art]), extend


class _Titles:
    """The articles' title words, and which of them few titles share (at most RARE_TITLES
    of the titles, and at least two)."""

    def __init__(self, titles: Sequence[str]) -> None:
        self.words = [_subject(t) for t in titles]
        self.counts = Counter(w for words in self.words for w in words)
        self.most = max(2, int(RARE_TITLES * len(titles)))

    def distinctive(self, article: int) -> frozenset[str]:
        if article >= len(self.words):
            return frozenset()
        return frozenset(w for w in self.words[article] if self.counts[w] <= self.most)


def analyse(
    articles: Sequence[Article],
    questions: Sequence[Question],
    thresholds: Thresholds | None = None,
    seed: int = 0,
    embedder: Embedder | None = None,
    terms: DocumentTerms | None = None,
    jobs: int = 1,
    locales: Sequence[str | None] | None = None,
) -> CoverageReport:
    """Match, classify and group the questions of one KB; with an embedder, the match score
    is the hybrid lexical + sentence-embedding one (mode `semantic`). `terms`: the articles'
    DocumentTerms when already known (from the incremental cache); `jobs`: threads that
    score the questions (0: one per core). `locales`: those of every article of the KB when
    `articles` are only the ones of its main language (`coverage.locale`): a question in
    the language of articles left out of the matching is no gap of language."""
    thresholds = thresholds or Thresholds()
    mode = "lexical"
    vectors = None
    if articles:
        texts = [q.text for q in questions]
        matcher = fit_matcher(articles, texts, seed=seed, embedder=embedder, terms=terms, jobs=jobs)
        mode = matcher.mode
        vectors = question_vectors(texts, matcher, seed)
        results = classify(questions, matcher, thresholds, vectors)
    else:
        results = [QuestionResult(q, UNCOVERED, ()) for q in questions]
    totals = {
        "total_volume": sum(r.question.volume for r in results),
        "covered_volume": sum(r.question.volume for r in results if r.status == COVERED),
        "partial_volume": sum(r.question.volume for r in results if r.status == PARTIAL),
        "uncovered_volume": sum(r.question.volume for r in results if r.status == UNCOVERED),
    }
    embedded = vectors if mode == "semantic" else None
    gaps = gap_topics(
        results,
        seed=seed,
        vectors=embedded,
        thresholds=thresholds,
        titles=[a.title for a in articles],
        languages=written_in(
            (f"{a.title}. {a.text[:OPENING]}" for a in articles),
            [a.locale for a in articles] if locales is None else locales,
        ),
    )
    return CoverageReport(results, gaps, thresholds, totals, mode)
