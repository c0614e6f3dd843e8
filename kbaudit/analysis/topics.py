"""Topic clusters of a KB: TF-IDF -> TruncatedSVD -> MiniBatchKMeans, labelled by class-based
TF-IDF, with the KB's own categories counted per topic. Seeded and deterministic.

Each language is clustered on its own (a translation shares its subject with the original, not
its words; `fr` and `fr-CA` are one language, `zh-CN` and `zh-TW` two scripts); articles
without a locale join the most common one, and a language with fewer than MIN_ARTICLES
articles is left unclustered. Within a language, terms found in more than
COMMON_TERMS of its articles (the product's name, "select", "click") are left out of both the
clustering and the labels: they are in every topic, so they tell none apart.

The SVD keeps about one dimension per ARTICLES_PER_COMPONENT articles (at most COMPONENTS, and
at least one more than the largest K tried): on a small KB a dimension per article would keep
every article's own words, and no cluster would stand out from the noise.

Passages of PASSAGE_WORDS or more words repeated in more than PASSAGE_SHARE of the articles
(disclaimers, registry warnings, event-log table headers) are taken out first: a word an
article uses only inside such passages does not count for its topic.

The number of topics, unless given, is the candidate K with the best silhouette on a
sample of the articles (candidates spaced geometrically from 2 to about sqrt(n/2)); the final
clustering then runs on all articles.

Topics carry over from an earlier run (`PriorTopics`, stored in a baseline): when few articles
changed (at most REFIT_SHARE of them added, edited or removed), every unchanged article keeps
its topic and each new or edited one joins the topic whose centroid is nearest, so a pull
request that adds one article moves no other article between topics. Past that share the
topics are fitted again from scratch.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

from kbaudit.corpus import Corpus
from kbaudit.errors import ConfigError
from kbaudit.model import UNPUBLISHED, Article
from kbaudit.normalize import language_key

if TYPE_CHECKING:
    from sklearn.cluster import MiniBatchKMeans

MIN_ARTICLES = 8  # fewer articles than this have no topic structure worth reporting
SAMPLE = 3000  # articles used to choose K
MAX_TOPICS = 100
COMPONENTS = 80
ARTICLES_PER_COMPONENT = 10
COMMON_TERMS = 0.5  # share of a locale's articles above which a term is everywhere
TERMS = 8
REPRESENTATIVES = 5
PASSAGE_WORDS = 8  # a run of this many words repeated across articles is a shared passage
PASSAGE_SHARE = 0.01  # ... when it is in more than this share of the articles
PASSAGE_MIN_ARTICLES = 5  # ... and in at least this many
ONE_THREAD = 10_000  # k-means on fewer rows than this runs on one thread (`fit_kmeans`)
REFIT_SHARE = 0.1  # topics are fitted again when more than this share of articles changed


@dataclass(frozen=True)
class Topic:
    label: str
    terms: tuple[str, ...]
    members: tuple[int, ...]  # article indexes, most central first
    categories: dict[str, int]  # KB category -> articles of this topic filed there

    @property
    def size(self) -> int:
        return len(self.members)

    def dominant(self) -> tuple[str | None, float]:
        """The category most members are filed in, and its share of the topic."""
        if not self.categories:
            return None, 0.0
        name, count = max(self.categories.items(), key=lambda kv: (kv[1], kv[0]))
        return name, count / self.size


def content_digest(article: Article) -> str:
    """A short hash of what the clustering reads of an article (title and text)."""
    data = f"{article.title}\0{article.text}".encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=8).hexdigest()


@dataclass(frozen=True)
class PriorTopics:
    """Topic assignment of an earlier run: article ref -> (topic number or -1, content digest),
    and the topic count asked for then (None: chosen)."""

    assignment: Mapping[str, tuple[int, str]]
    k: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "articles": {ref: [t, d] for ref, (t, d) in sorted(self.assignment.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PriorTopics:
        """Raises ValueError/TypeError/KeyError on anything but what to_json wrote."""
        k = data["k"]
        if k is not None and not isinstance(k, int):
            raise ValueError(f"topics.k is {k!r}")
        assignment: dict[str, tuple[int, str]] = {}
        for ref, (topic, digest) in data["articles"].items():
            if not isinstance(topic, int) or not isinstance(digest, str):
                raise ValueError(f"topic entry of {ref!r} is not [number, digest]")
            assignment[str(ref)] = (topic, digest)
        return cls(assignment, k)


@dataclass(frozen=True)
class TopicModel:
    topics: tuple[Topic, ...] = ()
    assignment: tuple[int, ...] = ()  # topic index per article, -1 when not clustered

    def to_json(self, articles: Sequence[Article]) -> list[dict[str, Any]]:
        return [
            {
                "label": t.label,
                "terms": list(t.terms),
                "size": t.size,
                "articles": [articles[i].ref for i in t.members[:REPRESENTATIVES]],
                "categories": dict(t.categories),
            }
            for t in self.topics
        ]

    def prior(self, articles: Sequence[Article], k: int | None) -> PriorTopics:
        """This assignment, to carry the topics over to a later run (`k`: as asked for)."""
        return PriorTopics(
            {a.ref: (t, content_digest(a)) for a, t in zip(articles, self.assignment, strict=True)},
            k,
        )


def _candidates(n: int) -> list[int]:
    top = int(min(MAX_TOPICS, max(2, np.sqrt(n / 2)), n - 1))
    return sorted({round(k) for k in np.geomspace(2, max(top, 2), num=10)})


def fit_kmeans(model: Any, vectors: np.ndarray) -> Any:
    """Fit a scikit-learn k-means model on `vectors`. Under `ONE_THREAD` rows it
    runs on one OpenMP thread: OpenMP threads spin while they wait, so on small inputs a second
    thread costs more than it saves (fits up to 3x slower on a busy 2-core machine, and the
    94-article sample KB's audit 2.1 s -> 3.8-7.6 s there). The labels do not depend on the
    number of threads."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1 if len(vectors) < ONE_THREAD else None, user_api="openmp"):
        return model.fit(vectors)


def _kmeans_model(k: int, seed: int) -> MiniBatchKMeans:
    from sklearn.cluster import MiniBatchKMeans

    return MiniBatchKMeans(
        n_clusters=k, random_state=seed, n_init=3, batch_size=2048, max_no_improvement=20
    )


def _kmeans(vectors: np.ndarray, k: int, seed: int) -> MiniBatchKMeans:
    return fit_kmeans(_kmeans_model(k, seed), vectors)


def choose_k(vectors: np.ndarray, seed: int = 0, jobs: int = 1) -> tuple[int, dict[int, float]]:
    """The K with the best silhouette (cosine) on a seeded sample, and every K's score.
    Candidates follow the size of the whole KB, not of the sample. The candidates are
    scored on `jobs` threads (0: one per core), each fit and score on one thread of its
    own: the same scores as one after the other, in about half the time on two cores."""
    from sklearn.metrics import silhouette_score
    from threadpoolctl import threadpool_limits

    from kbaudit.sources.parallel import in_threads

    rng = np.random.default_rng(seed)
    sample = vectors
    if len(vectors) > SAMPLE:
        sample = vectors[np.sort(rng.choice(len(vectors), SAMPLE, replace=False))]

    def score(k: int) -> float | None:
        labels = _kmeans_model(k, seed).fit(sample).labels_
        if len(set(labels.tolist())) < 2:
            return None
        return round(float(silhouette_score(sample, labels, metric="cosine")), 4)

    candidates = [k for k in _candidates(len(vectors)) if k < len(sample)]
    with threadpool_limits(1):  # set once here: limits are per process, not per thread
        found = in_threads(score, candidates, jobs)
    scores = {k: s for k, s in zip(candidates, found, strict=True) if s is not None}
    if not scores:
        return 2, scores
    return max(scores, key=lambda k: (scores[k], -k)), scores


def class_tfidf(
    matrix: sparse.csr_matrix, labels: np.ndarray, k: int, weights: np.ndarray | None = None
) -> np.ndarray:
    """c-TF-IDF (k x terms): a term's share of a topic's documents, weighted by how rare the
    term is across topics (log(1 + A / f_t), A the mean documents per topic). With `weights`,
    documents count by their weight (e.g. how often a question was asked)."""
    present = sparse.csr_matrix(
        (np.ones(matrix.nnz, dtype=np.float32), matrix.indices, matrix.indptr),
        shape=matrix.shape,
    )
    rows = np.flatnonzero(labels >= 0)
    mass = np.ones(len(rows), dtype=np.float32) if weights is None else weights[rows]
    membership = sparse.csr_matrix(
        (mass.astype(np.float32), (labels[rows], rows)), shape=(k, matrix.shape[0])
    )
    counts = np.asarray((membership @ present).todense())
    sizes = np.maximum(np.bincount(labels[rows], weights=mass, minlength=k), 1e-9)[:, None]
    spread = counts.sum(axis=0)
    mean = counts.sum() / k
    with np.errstate(divide="ignore"):
        idf = np.where(spread > 0, np.log1p(mean / np.maximum(spread, 1e-9)), 0.0)
    return (counts / sizes) * idf


def locale_groups(articles: Sequence[Article], rows: np.ndarray) -> list[np.ndarray]:
    """The given rows split by language (`language_key`: `fr` and `fr-CA` together, as the
    topic checks compare categories), largest group first; rows of articles without a
    locale join the most common language."""
    keys = {int(i): language_key(articles[i].locale) for i in rows}
    found = Counter(k for k in keys.values() if k)
    main = min(found, key=lambda lang: (-found[lang], lang)) if found else ""
    groups: dict[str, list[int]] = {}
    for i in rows:
        groups.setdefault(keys[int(i)] or main, []).append(int(i))
    return sorted((np.asarray(g) for g in groups.values()), key=lambda g: (-len(g), int(g[0])))


def topic_terms(matrix: sparse.csr_matrix, common: float = COMMON_TERMS) -> np.ndarray:
    """Columns (terms) of the rows' TF-IDF that can tell topics apart: found in at least one
    of the rows and in no more than `common` of them."""
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    return np.flatnonzero((df > 0) & (df <= common * matrix.shape[0]))


@dataclass(frozen=True)
class _Cluster:
    members: np.ndarray  # article indexes, most central first
    weights: np.ndarray  # c-TF-IDF of the terms in `columns`
    columns: np.ndarray


def _locale_space(
    matrix: sparse.csr_matrix, rows: np.ndarray
) -> tuple[np.ndarray, sparse.csr_matrix, np.ndarray] | None:
    """One locale's articles (`rows` of the TF-IDF matrix) over the terms that tell its topics
    apart: the rows that have such terms, their normalised vectors, and the terms' columns."""
    from sklearn.preprocessing import normalize

    columns = topic_terms(matrix[rows])
    if len(columns) < 3:
        return None
    sub = normalize(matrix[rows][:, columns]).tocsr()
    kept = np.diff(sub.indptr) > 0
    if kept.sum() < MIN_ARTICLES:
        return None
    return rows[kept], sub[kept], columns


def _clusters(
    sub: sparse.csr_matrix,
    rows: np.ndarray,
    columns: np.ndarray,
    labels: np.ndarray,
    closeness: np.ndarray,
) -> list[_Cluster]:
    """Clusters from a label per row (-1: none), members most central first."""
    found = np.unique(labels[labels >= 0])
    if not len(found):
        return []
    relabel = np.full(int(found[-1]) + 1, -1)
    relabel[found] = np.arange(len(found))
    dense = np.where(labels >= 0, relabel[np.maximum(labels, 0)], -1)
    weights = class_tfidf(sub, dense, len(found))
    clusters = []
    for t in range(len(found)):
        local = np.flatnonzero(dense == t)
        local = local[np.lexsort((rows[local], -closeness[local]))]
        clusters.append(_Cluster(rows[local], weights[t], columns))
    return clusters


def _cluster_group(
    matrix: sparse.csr_matrix, rows: np.ndarray, k: int | None, seed: int, jobs: int = 1
) -> list[_Cluster]:
    """Topics of one locale's articles (`rows` of the TF-IDF matrix), fitted afresh."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    space = _locale_space(matrix, rows)
    if space is None:
        return []
    rows, sub, columns = space
    n = len(rows)
    largest_k = min(k, n) if k is not None else max(_candidates(n))
    components = max(n // ARTICLES_PER_COMPONENT, largest_k + 1)
    components = max(2, min(COMPONENTS, components, len(columns) - 1, n - 1))
    svd = TruncatedSVD(components, algorithm="randomized", n_iter=4, random_state=seed)
    vectors = normalize(svd.fit_transform(sub)).astype(np.float32)
    if k is None:
        k = choose_k(vectors, seed, jobs)[0]
    k = min(k, n)
    model = _kmeans(vectors, k, seed)
    raw = model.labels_
    closeness = np.einsum("ij,ij->i", vectors, normalize(model.cluster_centers_)[raw])
    return _clusters(sub, rows, columns, raw, closeness)


def _carried_group(
    matrix: sparse.csr_matrix, rows: np.ndarray, known: np.ndarray
) -> list[_Cluster]:
    """Topics of one locale's articles carried over: `known[i]` is article i's earlier topic
    (-1: none), or -2 when it is new or edited; those join the nearest earlier topic."""
    from sklearn.preprocessing import normalize

    space = _locale_space(matrix, rows)
    if space is None:
        return []
    rows, sub, columns = space
    labels = known[rows].copy()
    kept = np.unique(labels[labels >= 0])
    if not len(kept):
        return []
    index = np.searchsorted(kept, np.maximum(labels, 0))
    members = sparse.csr_matrix(
        (np.ones(int((labels >= 0).sum())), (index[labels >= 0], np.flatnonzero(labels >= 0))),
        shape=(len(kept), len(rows)),
    )
    centroids = normalize(members @ sub)
    # articles x topics: small, where a row of its centroid per article would not be
    similar = np.asarray((sub @ centroids.T).todense())
    moved = np.flatnonzero(labels == -2)
    if len(moved):
        near = similar[moved]
        best = near.argmax(axis=1)
        labels[moved] = np.where(near[np.arange(len(moved)), best] > 0, kept[best], -1)
    index = np.searchsorted(kept, np.maximum(labels, 0))
    closeness = np.where(labels >= 0, similar[np.arange(len(rows)), index], 0.0)
    return _clusters(sub, rows, columns, labels, closeness)


def _known_topics(
    articles: Sequence[Article], prior: PriorTopics | None, k: int | None
) -> np.ndarray | None:
    """Each article's topic in `prior` (-2: new or edited), or None when the topics must be
    fitted again: no prior, another topic count asked for, or too much changed."""
    if prior is None or prior.k != k or not prior.assignment:
        return None
    known = np.full(len(articles), -2)
    seen = 0
    for i, article in enumerate(articles):
        before = prior.assignment.get(article.ref)
        if before is not None:
            seen += 1
            if before[1] == content_digest(article):
                known[i] = before[0]
    changed = int((known == -2).sum()) + len(prior.assignment) - seen
    return known if changed <= REFIT_SHARE * len(prior.assignment) else None


def _label_terms(top: Sequence[str], titles: Sequence[str], size: int = 3) -> list[str]:
    """Three of a topic's distinctive terms for its label, those its articles' titles use
    first: titles name what an article is about, bodies also say how to click through it
    ("open", "time", "add")."""
    top = _joined_compounds(top, titles)
    holding: defaultdict[str, set[int]] = defaultdict(set)  # word -> the titles using it
    for n, title in enumerate(titles):
        for word in re.findall(r"\w+", title.casefold()):
            holding[word].add(n)

    def count(term: str) -> int:
        """How many titles use every word of `term`."""
        found = [holding.get(w, set()) for w in re.split(r"[\s-]", term)]
        return len(set.intersection(*found))

    in_titles = {t: count(t) for t in top}
    named = [t for t in top if in_titles[t] >= min(2, len(titles))]
    return (named + [t for t in top if t not in named])[:size]


def _joined_compounds(top: Sequence[str], titles: Sequence[str]) -> list[str]:
    """The terms with the halves of a word the titles write with a hyphen joined again
    (`wi` and `fi` are `wi-fi`, `e` and `book` `e-book`): the index splits words at hyphens,
    and a label of half words reads as nothing. A half the titles also use as a word of its
    own (`iot` of `nb-iot` beside `IoT Cloud`) stays a term."""
    words: Counter[str] = Counter()
    inside: Counter[tuple[str, ...]] = Counter()
    for title in titles:
        lowered = title.casefold()
        words.update(re.findall(r"\w+", lowered))
        inside.update(tuple(c.split("-")) for c in re.findall(r"\w+(?:-\w+)+", lowered))
    terms = list(top)
    for parts, count in sorted(inside.items()):
        if len(set(parts)) < len(parts) or not all(p in terms for p in parts):
            continue
        if all(words[p] == count for p in parts):
            at = min(terms.index(p) for p in parts)
            terms = [t for t in terms if t not in parts]
            terms.insert(at, "-".join(parts))
    return terms


def passage_words(articles: Sequence[Article]) -> list[list[str]]:
    """Per article, the words it has only inside passages repeated across many articles
    (PASSAGE_WORDS words or more, in more than PASSAGE_SHARE of the articles): legal
    disclaimers, "back up the registry" warnings, event-log table headers, bylines. Such
    text says nothing about what an article is about, yet would form topics of its own (or
    pull its articles together) if left in. From the KB's corpus, cached per text there."""
    return Corpus(articles=list(articles)).passage_words(
        PASSAGE_WORDS, PASSAGE_SHARE, PASSAGE_MIN_ARTICLES
    )


def without_passages(
    matrix: sparse.csr_matrix, terms: Sequence[str], shared: Sequence[Sequence[str]]
) -> sparse.csr_matrix:
    """The TF-IDF rows without the terms each article has only in shared passages
    (`passage_words`), rows normalised again."""
    from sklearn.preprocessing import normalize

    if len(shared) != matrix.shape[0]:
        return matrix
    column = {t: j for j, t in enumerate(terms)}
    drop_rows: list[int] = []
    drop_cols: list[int] = []
    for i, only_shared in enumerate(shared):
        for w in only_shared:
            j = column.get(w)
            if j is not None:
                drop_rows.append(i)
                drop_cols.append(j)
    if not drop_rows:
        return matrix
    mask = sparse.csr_matrix(
        (np.ones(len(drop_rows), dtype=matrix.dtype), (drop_rows, drop_cols)), shape=matrix.shape
    )
    kept = matrix - matrix.multiply(mask)
    kept.eliminate_zeros()
    return normalize(sparse.csr_matrix(kept), copy=False)


def cluster_topics(
    matrix: sparse.csr_matrix,
    terms: Sequence[str],
    articles: Sequence[Article],
    k: int | None = None,
    seed: int = 0,
    prior: PriorTopics | None = None,
    shared: Sequence[Sequence[str]] | None = None,
    jobs: int = 1,
) -> TopicModel:
    """Cluster the articles (rows of the TF-IDF matrix) into topics, each locale on its own
    (`k`, when given, is the number of topics per locale), or carry over the topics of
    `prior` when few articles changed since. `shared`: the articles' `passage_words`, when
    the caller has them (from the corpus' cache); `jobs`: threads that choose K (0: one per
    core; the topics do not depend on them)."""
    if k is not None and k < 2:
        raise ConfigError(f"--topics {k}: ask for at least 2 topics")
    shared = passage_words(articles) if shared is None else shared
    matrix = without_passages(matrix, terms, shared)
    # a page kept out of the site's navigation and search (a draft, an old page that says
    # where its subject moved) is in no topic: it is not where readers look for one
    listed = np.array([a.status not in UNPUBLISHED for a in articles], dtype=bool)
    usable = np.flatnonzero((np.diff(matrix.indptr) > 0) & listed)
    known = _known_topics(articles, prior, k)
    clusters: list[_Cluster] = []
    if matrix.shape[1] >= 3:
        for rows in locale_groups(articles, usable):
            if len(rows) < MIN_ARTICLES:
                continue
            if known is not None:
                clusters += _carried_group(matrix, rows, known)
                continue
            clusters += _cluster_group(matrix, rows, k, seed, jobs)
    # Deterministic topic numbering: largest topic first, then by first member.
    clusters.sort(key=lambda c: (-len(c.members), int(c.members.min())))
    labels = np.full(matrix.shape[0], -1)
    topics = []
    for t, cluster in enumerate(clusters):
        labels[cluster.members] = t
        order = np.argsort(-cluster.weights, kind="stable")[:TERMS]
        top = [terms[cluster.columns[j]] for j in order if cluster.weights[j] > 0]
        members = cluster.members
        categories = Counter(articles[i].category for i in members if articles[i].category)
        topics.append(
            Topic(
                label=" / ".join(_label_terms(top, [articles[i].title for i in members]))
                or f"topic {t + 1}",
                terms=tuple(top),
                members=tuple(int(i) for i in members),
                categories=dict(sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    return TopicModel(tuple(topics), tuple(int(x) for x in labels))
