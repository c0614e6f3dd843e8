"""Coverage: customer questions -> their best articles -> covered / partial / uncovered, and
the uncovered questions grouped into gap topics with a label, a volume, the nearest article
and a suggested title.

Matching is a weighted sum (WEIGHTS) of five scores in [0, 1], each explainable on its own:
- `coverage`: the share of the question that the article contains: each question term's
  squared TF-IDF weight (the weights of a question sum to 1), counted where the term occurs
  in the article's document and again where it occurs in its title. One-sided, so a short
  customer question is not penalised for the article being long;
- `body`: word TF-IDF (stemmed unigrams and bigrams) cosine of the question against the
  article's title, description, headings and opening text;
- `title`: character n-gram TF-IDF (3-5, within words) against the title: misspellings and
  word forms still share most of their n-grams;
- `title_words`: word TF-IDF against the title alone (a question naming the title is answered);
- `concepts`: the cosine in a latent space (truncated SVD of the articles' word TF-IDF over
  their 20,000 most widespread terms): the KB's own vocabulary expands the question with the
  words articles use next to its words.
Customer phrasing and help-center phrasing are also bridged by a small lexicon of support
synonyms ("come" / "arrive" / "delivery"), added as shared concept tokens on both sides.
IDF is fitted on articles and questions together. Scores are computed in chunks of questions
with sparse products and top-k selection, float32, never a dense questions x articles matrix.

Gap topics: TF-IDF (words + character n-grams) -> normalised SVD -> a k-nearest-neighbour
similarity graph -> spectral embedding -> KMeans, K chosen by silhouette. Seeded.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import (
    ENGLISH_STOP_WORDS,
    HashingVectorizer,
    TfidfTransformer,
    TfidfVectorizer,
)
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize
from sklearn.utils.extmath import randomized_svd

from kbaudit.model import Article, Question

COVERED, PARTIAL, UNCOVERED = "covered", "partial", "uncovered"
WEIGHTS = {"body": 0.15, "title": 0.2, "title_words": 0.1, "concepts": 0.15, "coverage": 0.4}
BODY_WORDS = 400  # opening words of an article that describe what it answers
CHUNK = 1024  # questions scored at a time
CONCEPTS = 150  # latent dimensions of the concepts score
CONCEPT_TERMS = 20_000  # most widespread terms the latent space is built from
MIN_CONCEPTS = 50  # smaller KBs have too little co-occurrence for a latent space
EXAMPLES = 5  # example questions per gap topic
NEIGHBOURS = 10  # of each question in the clustering graph (fewer below 400 questions)
MAX_TOPICS = 150
SILHOUETTE_SAMPLE = 3000

_WORD = re.compile(r"[a-z][a-z0-9]+|[0-9]+[a-z]+[a-z0-9]*")
_CONTRACTION = re.compile(r"(\w)['’](t|s|re|ve|ll|d|m)\b")
_SUFFIXES = (
    "ations", "ation", "ments", "ment", "ness", "ings", "ing", "ies", "ied", "ers", "er",
    "ed", "es", "ly", "s", "y",
)  # fmt: skip
STOP = frozenset(ENGLISH_STOP_WORDS) | {
    "hasnt", "havent", "doesnt", "dont", "didnt", "cant", "cannot", "wont", "isnt", "arent",
    "wasnt", "werent", "im", "ive", "id", "youre", "its", "please", "hi", "hello", "thanks",
    "thank", "help", "need", "want", "like", "just", "able", "way", "possible", "ok",
}  # fmt: skip
# Customer phrasing -> the concept help-center articles name it by (both sides get the token).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "deliver": ("arrive", "come", "deliver", "delivery", "ship", "shipping", "post", "mail",
                "receive", "track", "tracking"),
    "signin": ("login", "log", "signin", "sign", "logon", "access", "locked"),
    "password": ("password", "passcode", "passphrase", "credentials"),
    "refund": ("refund", "reimburse", "money", "back", "return"),
    "cancel": ("cancel", "terminate", "close", "end", "stop", "unsubscribe"),
    "remove": ("delete", "remove", "erase", "discard", "get rid"),
    "change": ("change", "update", "edit", "modify", "switch", "rename"),
    "fee": ("fee", "charge", "cost", "price", "pricing", "expensive", "commission"),
    "fail": ("error", "fail", "broken", "wrong", "problem", "issue", "work", "declined",
             "decline", "rejected", "stuck"),
    "export": ("export", "download", "save", "backup"),
    "invite": ("invite", "add", "teammate", "colleague", "user", "member", "seat"),
    "phone": ("phone", "mobile", "app", "iphone", "android", "smartphone"),
    "bill": ("bill", "invoice", "subscription", "plan", "billing"),
    "late": ("late", "overdue", "unpaid", "outstanding", "reminder", "chase"),
    "bank": ("bank", "account", "feed", "statement"),
}  # fmt: skip


def stem(word: str) -> str:
    """A light suffix stripper: `delivered`, `delivery`, `deliveries` -> `deliver`."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def _concept_map() -> dict[str, str]:
    return {stem(w): concept for concept, words in SYNONYMS.items() for w in words if " " not in w}


def content_words(text: str) -> str:
    """The text without stop words, case-folded: what character n-grams compare."""
    words = _WORD.findall(_CONTRACTION.sub(r"\1\2", text.casefold()))
    return " ".join(w for w in words if w not in STOP)


def make_analyzer() -> Callable[[str], list[str]]:
    """Words -> stems without stop words, their bigrams and the lexicon's concept tokens."""
    cache: dict[str, str] = {}
    concepts = _concept_map()

    def analyze(text: str, pairs: bool = True) -> list[str]:
        words = _WORD.findall(_CONTRACTION.sub(r"\1\2", text.casefold()))
        stems = []
        for w in words:
            if w in STOP or len(w) < 2:
                continue
            s = cache.get(w)
            if s is None:
                s = cache[w] = stem(w)
            stems.append(s)
        tokens = stems + [f"~{concepts[s]}" for s in stems if s in concepts]
        if pairs:
            tokens += [f"{a} {b}" for a, b in itertools.pairwise(stems)]
        return tokens

    return analyze


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
class Match:
    article: int
    score: float
    parts: tuple[tuple[str, float], ...] = ()  # each weighted part of the score


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


def article_document(article: Article) -> str:
    """What an article answers: title, description, headings and its opening words."""
    description = article.meta.get("description") or article.meta.get("summary") or ""
    opening = " ".join(article.text.split()[:BODY_WORDS])
    return "\n".join([article.title, str(description), *article.headings, opening])


class Speller:
    """Corrects question words the KB never uses to the closest word it does use
    (`frezee` -> `freeze`, `pasword` -> `password`): same first letter, similar length."""

    def __init__(self, documents: Sequence[str], min_ratio: float = 80.0) -> None:
        self.known: set[str] = set()
        for text in documents:
            self.known.update(_WORD.findall(text.casefold()))
        self.by_start: dict[str, list[str]] = {}
        for word in sorted(self.known):
            self.by_start.setdefault(word[0], []).append(word)
        self.min_ratio = min_ratio
        self.cache: dict[str, str] = {}

    def word(self, word: str) -> str:
        if word in self.known or word in STOP or len(word) < 4 or word[0].isdigit():
            return word
        if word not in self.cache:
            pool = [w for w in self.by_start.get(word[0], ()) if abs(len(w) - len(word)) <= 2]
            best = process.extractOne(word, pool, scorer=fuzz.ratio, score_cutoff=self.min_ratio)
            self.cache[word] = best[0] if best else word
        return self.cache[word]

    def correct(self, text: str) -> str:
        folded = _CONTRACTION.sub(r"\1\2", text.casefold())
        return _WORD.sub(lambda m: self.word(m.group(0)), folded)


class WordSpace:
    """Word TF-IDF (stems, stem pairs, concept tokens) in a hashed space: terms are counted
    by feature hashing, so a large KB needs no vocabulary to build and sort. 2**22 buckets
    keep collisions rare; the hash is seeded, so results are the same on every run."""

    BUCKETS = 2**22

    def __init__(self) -> None:
        analyze = make_analyzer()
        self.hasher = self._hasher(analyze)
        self.single_hasher = self._hasher(lambda text: analyze(text, pairs=False))
        self.idf = TfidfTransformer(sublinear_tf=True)

    def _hasher(self, analyzer: Callable[[str], list[str]]) -> HashingVectorizer:
        return HashingVectorizer(
            analyzer=analyzer,
            n_features=self.BUCKETS,
            alternate_sign=False,
            norm=None,
            dtype=np.float32,
        )

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        counts = self.hasher.transform(texts)
        return self.idf.fit(counts).transform(counts).astype(np.float32)

    def transform(self, texts: Sequence[str], pairs: bool = True) -> sparse.csr_matrix:
        hasher = self.hasher if pairs else self.single_hasher
        return self.idf.transform(hasher.transform(texts)).astype(np.float32)


@dataclass
class Matcher:
    """The fitted vector spaces of one KB; `match` scores questions against its articles."""

    articles: Sequence[Article]
    words: WordSpace
    chars: TfidfVectorizer
    body: sparse.csr_matrix
    titles: sparse.csr_matrix
    title_words: sparse.csr_matrix
    svd: TruncatedSVD | None
    concepts: np.ndarray | None
    concept_columns: np.ndarray
    body_terms: sparse.csr_matrix
    title_terms: sparse.csr_matrix
    weights: dict[str, float]
    speller: Speller
    _side: tuple[tuple, sparse.csr_matrix] | None = field(default=None, repr=False)

    def _query(self, questions: Sequence[str]) -> dict[str, Any]:
        """The question-side vectors of one chunk: words, coverage shares, characters and
        (with a latent space) concepts."""
        questions = [self.speller.correct(q) for q in questions]
        qw = self.words.transform(questions).astype(np.float32)
        share = qw.copy()
        share.data **= 2  # each term's share of the question: rows sum to 1
        single = self.words.transform(questions, pairs=False)
        single.data **= 2  # the same over words alone, without word pairs
        query: dict[str, Any] = {
            "words": qw,
            "found": 0.25 * (share + normalize(single, norm="l1")),
            "chars": self.chars.transform(questions).astype(np.float32),
            "latent": None,
        }
        if self.svd is not None:
            latent = self.svd.transform(qw[:, self.concept_columns])
            query["latent"] = normalize(latent).astype(np.float32)
        return query

    def _scores(self, query: dict[str, Any]) -> np.ndarray:
        """Scores (questions x articles), float32, of one chunk of questions."""
        w = self._weights()
        # One sparse product for the four lexical scores: the question blocks
        # [words | coverage shares | characters] against the article blocks
        # [w_body body + w_title_words title | present in body + present in title | w_title chars].
        blocks = [query["words"], w["coverage"] * query["found"], query["chars"]]
        lexical = sparse.hstack(blocks, format="csr") @ self._article_side().T
        scores = np.asarray(lexical.toarray(), dtype=np.float32)
        if query["latent"] is not None and self.concepts is not None:
            scores += np.clip(query["latent"] @ self.concepts.T, 0, None) * w["concepts"]
        return scores

    def _parts(
        self, query: dict[str, Any], rows: np.ndarray, cols: np.ndarray
    ) -> dict[str, np.ndarray]:
        """Each weighted part of the score of the (question row, article) pairs."""
        w = self._weights()

        def dot(q: sparse.csr_matrix, a: sparse.csr_matrix) -> np.ndarray:
            return np.asarray(q[rows].multiply(a[cols]).sum(axis=1)).ravel()

        parts = {
            "coverage": w["coverage"] * dot(query["found"], self.body_terms + self.title_terms),
            "body": w["body"] * dot(query["words"], self.body),
            "title": w["title"] * dot(query["chars"], self.titles),
            "title_words": w["title_words"] * dot(query["words"], self.title_words),
        }
        if query["latent"] is not None and self.concepts is not None:
            cos = np.einsum("ij,ij->i", query["latent"][rows], self.concepts[cols])
            parts["concepts"] = w["concepts"] * np.clip(cos, 0, None)
        return parts

    def _weights(self) -> dict[str, float]:
        w = {k: 0.0 for k in ("body", "title", "title_words", "concepts", "coverage")}
        w.update(self.weights)
        if self.svd is None:  # no latent space: its weight goes to the others
            total = 1.0 - w.pop("concepts")
            w = {k: v / total for k, v in w.items()} if total > 0 else w
        return w

    def _article_side(self) -> sparse.csr_matrix:
        key = tuple(sorted(self._weights().items()))
        if self._side is None or self._side[0] != key:
            w = dict(key)
            side = sparse.hstack(
                [
                    w["body"] * self.body + w["title_words"] * self.title_words,
                    self.body_terms + self.title_terms,
                    w["title"] * self.titles,
                ],
                format="csr",
            )
            self._side = (key, side.astype(np.float32))
        return self._side[1]

    def top(self, questions: Sequence[str], k: int) -> list[list[Match]]:
        """The k best articles of every question (score order, ties by article order)."""
        out: list[list[Match]] = []
        n = len(self.articles)
        k = min(k, n)
        for start in range(0, len(questions), CHUNK):
            query = self._query(questions[start : start + CHUNK])
            scores = self._scores(query)
            if k == 0:
                out.extend([] for _ in range(scores.shape[0]))
                continue
            part = np.argpartition(-scores, k - 1, axis=1)[:, :k] if k < n else None
            chosen: list[list[tuple[int, float]]] = []
            for row in range(scores.shape[0]):
                cand = part[row] if part is not None else np.arange(n)
                vals = scores[row, cand]
                order = np.lexsort((cand, -vals))[:k]
                chosen.append([(int(cand[j]), float(vals[j])) for j in order if vals[j] > 0])
            rows = np.array([r for r, picks in enumerate(chosen) for _ in picks], dtype=int)
            cols = np.array([a for picks in chosen for a, _ in picks], dtype=int)
            parts = self._parts(query, rows, cols) if len(rows) else {}
            at = 0
            for picks in chosen:
                matches = []
                for article, score in picks:
                    named = tuple((name, float(v[at])) for name, v in parts.items())
                    matches.append(Match(article, score, named))
                    at += 1
                out.append(matches)
        return out


def fit_matcher(
    articles: Sequence[Article],
    questions: Sequence[str] = (),
    weights: dict[str, float] | None = None,
    seed: int = 0,
) -> Matcher:
    """Fit the word, character and latent spaces on the articles (and the questions' words,
    so that their IDF knows how common a question word is)."""
    documents = [article_document(a) for a in articles]
    titles = [a.title or "" for a in articles]
    words = WordSpace()
    fitted = words.fit_transform([*documents, *questions])
    chars = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        sublinear_tf=True,
        dtype=np.float32,
        preprocessor=content_words,
        max_df=0.5 if len(titles) >= 50 else 1.0,
    )
    try:
        chars.fit([*titles, *questions])
    except ValueError:  # no usable word anywhere
        chars = TfidfVectorizer(analyzer=lambda t: ["~empty"], dtype=np.float32).fit(["x"])
    body = sparse.csr_matrix(fitted[: len(documents)], dtype=np.float32)
    title_words = sparse.csr_matrix(words.transform(titles), dtype=np.float32)
    title_chars = sparse.csr_matrix(chars.transform(titles), dtype=np.float32)
    svd = concepts = None
    columns = _concept_columns(body)
    dims = min(CONCEPTS, len(columns) - 1, len(articles) // 4)
    if dims >= MIN_CONCEPTS:
        svd = TruncatedSVD(dims, algorithm="randomized", n_iter=4, random_state=seed)
        concepts = normalize(svd.fit_transform(body[:, columns])).astype(np.float32)
    return Matcher(
        articles, words, chars, body, title_chars, title_words, svd, concepts, columns,
        _present(body), _present(title_words), dict(weights or WEIGHTS), Speller(documents),
    )  # fmt: skip


def _present(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """1 where a term occurs, as float32."""
    present = matrix.copy().astype(np.float32)
    present.data[:] = 1.0
    return present


def _concept_columns(body: sparse.csr_matrix) -> np.ndarray:
    """Terms of the latent space: those in at least two articles, at most CONCEPT_TERMS of
    the most widespread (a term in one article links nothing; the cap bounds the SVD)."""
    df = np.bincount(body.indices, minlength=body.shape[1])
    columns = np.flatnonzero(df >= 2)
    if len(columns) > CONCEPT_TERMS:
        columns = columns[np.argsort(-df[columns], kind="stable")[:CONCEPT_TERMS]]
    return np.sort(columns)


def classify(
    questions: Sequence[Question], matcher: Matcher, thresholds: Thresholds
) -> list[QuestionResult]:
    tops = matcher.top([q.text for q in questions], thresholds.top_k)
    return [
        QuestionResult(q, thresholds.status(m[0].score if m else 0.0, q.signal), tuple(m))
        for q, m in zip(questions, tops, strict=True)
    ]


# ---------------------------------------------------------------- clustering of questions


def question_vectors(texts: Sequence[str], seed: int = 0) -> np.ndarray:
    """Normalised SVD vectors of word (stemmed) + character n-gram TF-IDF."""
    words = TfidfVectorizer(analyzer=make_analyzer(), sublinear_tf=True, dtype=np.float32)
    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32
    )
    parts = []
    for vectorizer in (words, chars):
        try:
            parts.append(vectorizer.fit_transform(texts))
        except ValueError:
            continue
    if not parts:
        return np.zeros((len(texts), 1), dtype=np.float32)
    matrix = sparse.hstack(parts).tocsr()
    dims = min(100, matrix.shape[1] - 1, len(texts) - 1)
    if dims < 2:
        return normalize(matrix.toarray()).astype(np.float32)
    svd = TruncatedSVD(dims, algorithm="randomized", n_iter=5, random_state=seed)
    return normalize(svd.fit_transform(matrix)).astype(np.float32)


def _knn_graph(vectors: np.ndarray, k: int) -> sparse.csr_matrix:
    n = len(vectors)
    rows, cols, vals = [], [], []
    for start in range(0, n, 2048):
        sims = vectors[start : start + 2048] @ vectors.T
        sims[np.arange(sims.shape[0]), np.arange(start, start + sims.shape[0])] = -1
        idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        rows.append(np.repeat(np.arange(start, start + sims.shape[0]), k))
        cols.append(idx.ravel())
        vals.append(np.clip(np.take_along_axis(sims, idx, 1), 1e-6, None).ravel())
    graph = sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
    )
    return graph.maximum(graph.T).tocsr()


def spectral_embedding(vectors: np.ndarray, dims: int, seed: int = 0) -> np.ndarray:
    """Leading eigenvectors of the normalised kNN similarity graph (rows = questions)."""
    n = len(vectors)
    # Few questions, few neighbours: 10 of 40 questions would tie unrelated topics together.
    graph = _knn_graph(vectors, min(int(np.clip(round(np.sqrt(n) / 2), 3, NEIGHBOURS)), n - 1))
    degree = np.asarray(graph.sum(axis=1)).ravel()
    scale = sparse.diags(1.0 / np.sqrt(np.maximum(degree, 1e-9)))
    laplacian = (scale @ graph @ scale).astype(np.float64)
    if n <= 300:
        values, vecs = np.linalg.eigh(laplacian.toarray())
    else:
        # The leading eigenvectors of L are the leading singular vectors of L + I (positive
        # semi-definite: L's eigenvalues lie in [-1, 1]); randomized SVD finds them in a
        # fraction of ARPACK's time, well within what KMeans needs.
        shifted = (laplacian + sparse.identity(n, format="csr")).tocsr()
        vecs, values, _ = randomized_svd(
            shifted, min(dims, n - 2), n_oversamples=20, n_iter=12, random_state=seed
        )
    order = np.argsort(-values, kind="stable")[:dims]
    vecs = vecs[:, order]
    signs = np.sign(vecs[np.abs(vecs).argmax(axis=0), np.arange(vecs.shape[1])])
    return (vecs * np.where(signs == 0, 1, signs)).astype(np.float64)


def _candidates(n: int) -> list[int]:
    top = int(min(MAX_TOPICS, max(2, 1.5 * np.sqrt(n)), n - 1))
    return sorted({round(k) for k in np.geomspace(2, max(top, 2), num=12)})


def cluster_questions(
    texts: Sequence[str], k: int | None = None, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster labels (0..K-1) of the texts and their SVD vectors; K by silhouette unless
    given. Spectral embedding of the kNN graph, then KMeans in it."""
    n = len(texts)
    vectors = question_vectors(texts, seed)
    if n < 3:
        return np.zeros(n, dtype=int), vectors
    candidates = [k] if k is not None else _candidates(n)
    embedding = spectral_embedding(vectors, max(candidates) + 1, seed)
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(n, min(n, SILHOUETTE_SAMPLE), replace=False))
    best: tuple[float, int, np.ndarray] | None = None
    for c in candidates:
        c = min(c, n - 1)
        points = normalize(embedding[:, :c])
        labels = KMeans(c, random_state=seed, n_init=3).fit(points).labels_
        if k is not None or len(set(labels[sample].tolist())) < 2:
            score = 0.0
        else:
            score = float(silhouette_score(vectors[sample], labels[sample], metric="cosine"))
        if best is None or score > best[0] + 1e-9:
            best = (score, c, labels)
    assert best is not None
    return best[2], vectors


def _title_terms(
    texts: Sequence[str], labels: np.ndarray, k: int, volumes: np.ndarray
) -> list[list[str]]:
    """Each group's most distinctive words (class-based TF-IDF over plain words), questions
    counted by the square root of their volume: labels say what is asked most."""
    vectorizer = TfidfVectorizer(
        token_pattern=r"(?u)\b[^\W\d_][^\W_]+\b",
        stop_words=sorted(STOP),
        ngram_range=(1, 2),
        dtype=np.float32,
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:
        return [[] for _ in range(k)]
    from kbaudit.analysis.topics import class_tfidf

    weights = class_tfidf(matrix, labels, k, np.sqrt(np.maximum(volumes, 1)))
    terms = vectorizer.get_feature_names_out()
    out = []
    for row in weights:
        chosen: list[str] = []
        for j in np.argsort(-row, kind="stable"):
            if row[j] <= 0 or len(chosen) == 3:
                break
            term = str(terms[j])
            if any(term in c or c in term for c in chosen):
                continue
            chosen.append(term)
        out.append(chosen)
    return out


_LEADS = (
    (re.compile(r"^(?:how|where) (?:do|can|could|should|would) (?:i|we|you) (.+)$"), "How to {}"),
    (re.compile(r"^how to (.+)$"), "How to {}"),
    (re.compile(r"^(?:can|could|may) (?:i|we|you) (.+)$"), "How to {}"),
    (re.compile(r"^is (?:it|there a way) (?:possible )?to (.+)$"), "How to {}"),
    (re.compile(r"^(?:is there a way|is it possible) (?:for me |for us )?to (.+)$"), "How to {}"),
    (re.compile(r"^(?:i|we) (?:want|need|would like|'d like) to (.+)$"), "How to {}"),
    (re.compile(r"^(why|what|when|which|who|where|how) (.+)$"), "{} {}"),
)
_PRONOUNS = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "we": "you", "us": "you",
    "our": "your", "ours": "yours", "i'm": "you're", "im": "you're", "i've": "you've",
    "myself": "yourself",
}  # fmt: skip


_CONTRACTIONS = {
    "cant": "can't", "dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "wont": "won't",
    "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't", "werent": "weren't",
    "hasnt": "hasn't", "havent": "haven't", "couldnt": "couldn't", "wouldnt": "wouldn't",
    "shouldnt": "shouldn't", "im": "i'm", "ive": "i've",
}  # fmt: skip
# A statement with one of these words reports a problem: "What to do when ...".
_PROBLEM = re.compile(
    r"n't\b|\b(?:not|no|never|cannot|unable|error|errors|fail|fails|failed|failing|stopped|"
    r"declined|broken|missing|wrong|stuck|keeps|locked|lost|forgot|disappeared|gone)\b"
)
_NEEDS_SUBJECT = re.compile(r"^(?:can't|cannot|won't|unable|couldn't|don't|didn't|forgot|lost)\b")
_YES_NO = re.compile(r"^(?:does|do|is|are|will|would|should|did|was|has|have)\b")
# A statement starting with one of these verbs is a task: "How to ...".
_TASK_VERBS = frozenset({
    "add", "apply", "approve", "archive", "book", "cancel", "change", "close", "connect",
    "convert", "create", "delete", "disable", "download", "downgrade", "edit", "enable",
    "export", "file", "find", "get", "give", "import", "install", "invite", "link", "log",
    "make", "merge", "move", "pay", "print", "put", "reconcile", "recover", "refund", "remove",
    "rename", "reset", "restore", "schedule", "send", "set", "share", "sign", "split", "start",
    "stop", "submit", "switch", "sync", "track", "transfer", "turn", "update", "upgrade",
    "upload", "use", "verify",
})  # fmt: skip


def suggest_title(question: str) -> str:
    """A help-center style title from a customer question: "How do I ... ?" -> "How to ...";
    tasks ("send an estimate") -> "How to send an estimate"; yes/no questions stay questions;
    problems ("cant login") -> "What to do when you can't login"; other phrases are kept as
    a topic title ("Recurring invoices")."""
    text = re.sub(r"\s+", " ", question.strip().rstrip("?!. ")).strip()
    text = re.split(r"(?<=[.?!:])\s", text)[0].rstrip("?!.: ") or text
    text = " ".join(_CONTRACTIONS.get(w.lower(), w) for w in text.split(" "))
    lowered = text[:1].lower() + text[1:]

    def swap(part: str) -> str:
        return " ".join(_PRONOUNS.get(w.lower(), w) for w in part.split(" "))

    swapped = swap(lowered)
    folded = lowered.lower()
    first = folded.split(" ")[0] if folded else ""
    for pattern, template in _LEADS:
        m = pattern.match(folded)
        if m:
            spans = [swap(lowered[m.start(g) : m.end(g)]) for g in range(1, len(m.groups()) + 1)]
            if len(spans) == 2:  # keep the question word, swap pronouns in the rest
                spans[0] = spans[0].capitalize()
            title = template.format(*spans)
            break
    else:
        if _YES_NO.match(folded):
            title = f"{swapped}?"
        elif _PROBLEM.search(folded):
            subject = "you " if _NEEDS_SUBJECT.match(folded) else ""
            title = f"What to do when {subject}{swapped}"
        elif first in _TASK_VERBS:
            title = f"How to {swapped}"
        else:
            title = swapped
    title = title[:1].upper() + title[1:]
    if len(title) > 90:
        title = title[:90].rsplit(" ", 1)[0] + " ..."
    return title


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
    terms = _title_terms(texts, labels, k, volumes)
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
                label=" / ".join(terms[c]) or central,
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
