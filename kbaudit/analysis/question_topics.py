"""Gap topics: customer questions grouped by what they ask. TF-IDF (stemmed words + character
n-grams) -> normalised SVD -> a k-nearest-neighbour similarity graph -> spectral embedding
-> KMeans, K chosen by silhouette (on a seeded sample of SILHOUETTE_SAMPLE questions clustered
alone; then all of them are clustered with that K); with sentence embeddings (semantic mode)
the SVD vectors and the embeddings side by side. Labels are key phrases by class-based
TF-IDF. Seeded and deterministic. Questions that share no word or character n-gram are never
one topic; nor, in lexical mode, are FEW questions or fewer unless they are FEW_ALIKE alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import pairwise_distances, silhouette_score
from sklearn.preprocessing import normalize
from sklearn.utils.extmath import randomized_svd

from kbaudit.analysis.matching import STOP, best_k, char_grams, join_codes, make_analyzer
from kbaudit.analysis.topics import class_tfidf, fit_kmeans

NEIGHBOURS = 10  # of each question in the clustering graph (fewer below 400 questions)
MAX_TOPICS = 150
SILHOUETTE_SAMPLE = 3000
SVD_DIMS = 100  # of the vectors questions are compared by
FEW = 30  # questions; so few may be as many topics as questions
FEW_ALIKE = 0.12  # word and n-gram cosine from which two of FEW questions may be one topic


def question_matrix(texts: Sequence[str]) -> sparse.csr_matrix | None:
    """Word (stemmed) + character n-gram TF-IDF, or None when no text has either."""
    words = TfidfVectorizer(analyzer=make_analyzer(), sublinear_tf=True, dtype=np.float32)
    chars = TfidfVectorizer(analyzer=char_grams(str.lower), sublinear_tf=True, dtype=np.float32)
    parts = []
    for vectorizer in (words, chars):
        try:
            parts.append(vectorizer.fit_transform(texts))
        except ValueError:
            continue
    return sparse.hstack(parts).tocsr() if parts else None


def svd_vectors(matrix: sparse.csr_matrix | None, n: int, seed: int) -> np.ndarray:
    """Normalised SVD vectors of the question matrix (zeros when there is none)."""
    if matrix is None:
        return np.zeros((n, 1), dtype=np.float32)
    dims = min(SVD_DIMS, matrix.shape[1] - 1, n - 1)
    if dims < 2:
        return normalize(matrix.toarray()).astype(np.float32)
    svd = TruncatedSVD(dims, algorithm="randomized", n_iter=5, random_state=seed)
    with np.errstate(divide="ignore", invalid="ignore"):  # no variance: all texts alike
        return normalize(svd.fit_transform(matrix)).astype(np.float32)


def _knn_graph(vectors: np.ndarray, k: int) -> sparse.csr_matrix:
    n = len(vectors)
    rows, cols, vals = [], [], []
    for start in range(0, n, 2048):
        sims = vectors[start : start + 2048] @ vectors.T
        sims[np.arange(sims.shape[0]), np.arange(start, start + sims.shape[0])] = -1
        at, idx, best = best_k(sims, k, minimum=-np.inf)
        rows.append(at + start)
        cols.append(idx)
        vals.append(np.clip(best, 1e-6, None))
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
    """The K tried: up to 1.5 sqrt(n); with FEW questions or fewer, every K up to n - 1 (a
    search log's handful of terms may each be a subject: "recurring invoice" and "vat
    return" are two gaps, not one topic because 3 was the largest K tried)."""
    top = n - 1 if n <= FEW else int(min(MAX_TOPICS, max(2, 1.5 * np.sqrt(n)), n - 1))
    return sorted({round(k) for k in np.geomspace(2, max(top, 2), num=12)})


def _distinct_rows(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first row of each distinct vector, in row order, and each row's index among them."""
    _, first, inverse = np.unique(
        np.round(vectors, 6), axis=0, return_index=True, return_inverse=True
    )
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return first[order], rank[np.ravel(inverse)]


def _share_a_word(a: str, b: str) -> bool:
    analyze = make_analyzer()
    return bool(set(analyze(a, pairs=False)) & set(analyze(b, pairs=False)))


def cluster_questions(
    texts: Sequence[str],
    k: int | None = None,
    seed: int = 0,
    embeddings: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster labels (0..K-1) of the texts and the unit vectors they were clustered by (SVD
    vectors, joined by the sentence `embeddings` when given); K by silhouette unless given.
    Spectral embedding of the kNN graph, then KMeans in it. Texts with the same vector are
    one point (copies of a point would be split between clusters at random)."""
    matrix = question_matrix(texts)
    vectors = svd_vectors(matrix, len(texts), seed)
    if embeddings is not None:
        vectors = normalize(np.hstack([vectors, embeddings])).astype(np.float32)
    rows, inverse = _distinct_rows(vectors)
    if len(rows) == len(texts):
        labels = _cluster(vectors, texts, k, seed)
    else:
        labels = _cluster(vectors[rows], [texts[i] for i in rows], k, seed)[inverse]
    labels = _split_unrelated(labels, matrix)
    if embeddings is None and len(texts) <= FEW and matrix is not None:
        labels = _split_unalike(labels, matrix)
    return labels, vectors


def _split_unrelated(labels: np.ndarray, matrix: sparse.csr_matrix | None) -> np.ndarray:
    """Each cluster split into parts that share no word or n-gram with one another (connected
    through shared features); the first part keeps the label, the others get new ones."""
    n = len(labels)
    if matrix is None or n < 2:
        return labels
    graph = sparse.bmat([[None, matrix], [matrix.T, None]], format="csr")
    parts = connected_components(graph, directed=False)[1][:n]
    if len(set(parts.tolist())) == 1:
        return labels
    out = labels.copy()
    given: dict[tuple[int, int], int] = {}
    kept: set[int] = set()
    fresh = int(labels.max()) + 1
    for i in range(n):
        key = (int(labels[i]), int(parts[i]))
        if key not in given:
            if key[0] in kept:
                given[key], fresh = fresh, fresh + 1
            else:
                given[key] = key[0]
                kept.add(key[0])
        out[i] = given[key]
    return out


def _split_unalike(labels: np.ndarray, matrix: sparse.csr_matrix) -> np.ndarray:
    """Each cluster of FEW questions or fewer split into parts connected by pairs at least
    FEW_ALIKE alike in their words and character n-grams; the first part keeps the label.
    So few questions give the clustering little to go on: six tickets of six subjects were
    paired off (single sign-on with working offline, "app / asked / available"), their
    SVD vectors 0.8 alike in five dimensions where their words are 0.1 alike. On random
    sets of banking questions (60 sets each) this leaves 58 % of ten questions of ten
    intents alone (18 % before) and lifts the share of grouped pairs that share an intent
    from 0.51 to 0.57 in sets of eight intents asked three times and six asked once, for
    0.03-0.04 of the pairs of one intent found together. (Lexical mode only: sentence
    embeddings tell paraphrases that share no word.)"""
    alike = (normalize(matrix) @ normalize(matrix).T).toarray() >= FEW_ALIKE
    out = labels.copy()
    fresh = int(labels.max()) + 1
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        parts = connected_components(sparse.csr_matrix(alike[np.ix_(members, members)]))[1]
        for p in range(1, int(parts.max()) + 1):
            out[members[parts == p]] = fresh
            fresh += 1
    return out


def split_unalike(labels: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """The labels of FEW texts or fewer split as the clustering splits them
    (`_split_unalike`), for labels changed after it (topics merged); others unchanged."""
    matrix = question_matrix(texts) if len(texts) <= FEW else None
    return labels if matrix is None else _split_unalike(labels, matrix)


def _cluster(vectors: np.ndarray, texts: Sequence[str], k: int | None, seed: int) -> np.ndarray:
    n = len(texts)
    if n < 2:
        return np.zeros(n, dtype=int)
    if n == 2:  # too few to cluster: two questions are one topic if they share a word
        return np.array([0, 0 if _share_a_word(*texts) else 1])
    candidates = [k] if k is not None else _candidates(n)
    embedding = spectral_embedding(vectors, max(candidates) + 1, seed)
    if k is not None:
        return _kmeans(embedding, min(k, n - 1), seed)
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(n, min(n, SILHOUETTE_SAMPLE), replace=False))
    distances = pairwise_distances(vectors[sample], metric="cosine")  # once for every K
    # K is chosen by clustering the sample alone (its silhouette), then every question is
    # clustered once with that K: 12 candidate fits on 10,000 questions took most of the time.
    best: tuple[float, int, np.ndarray] | None = None
    for c in candidates:
        c = min(c, len(sample) - 1)
        labels = _kmeans(embedding[sample], c, seed)
        score = 0.0
        if len(set(labels.tolist())) >= 2:
            score = float(silhouette_score(distances, labels, metric="precomputed"))
        if best is None or score > best[0] + 1e-9:
            best = (score, c, labels)
    assert best is not None
    return best[2] if len(sample) == n else _kmeans(embedding, best[1], seed)


def _kmeans(embedding: np.ndarray, k: int, seed: int) -> np.ndarray:
    """KMeans labels of the rows in the first k dimensions of the spectral embedding."""
    return fit_kmeans(KMeans(k, random_state=seed, n_init=3), normalize(embedding[:, :k])).labels_


# Web and mail addresses name a place, not a subject: "app.example.com" would give the
# phrases "app example" and "example com". The lookbehinds start a match only at the first
# character of a run ("a.a.a.a..." is tried once, not from each of its letters): linear time.
_ADDRESS = re.compile(
    r"\b(?:https?://|www\.)\S+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<![\w.-])(?:[a-z0-9-]+\.)+(?:com|net|org|edu|gov|io|co|app|dev|ai|info|biz|me|us|uk|"
    r"de|fr|es|it|nl|ca|au|eu)\b(?:/\S*)?",
    re.I,
)


def without_addresses(text: str) -> str:
    """`text` with its web and mail addresses left out."""
    return _ADDRESS.sub(" ", text)


# Words that end a phrase although they are stop words ("top up", "sign out", "pay back").
PARTICLES = frozenset({"up", "out", "off", "back", "down"})
# Words that name no subject, so never begin, end or make a label ("does", "different").
_FILLERS = "does did doing done get gets got getting know tell let really still actually guys"
_FILLERS += " anyone someone something thing things stuff yes yeah okay sure try trying tried"
_FILLERS += " ve ll re"  # what is left of I've, you'll, we're
_NOT_LABELS = STOP | frozenset((_FILLERS + " different way use using used").split()) | {""}
# A day, an hour or a decade names no subject ("1st", "3pm", "90s"), as a code does ("2fa").
_ORDINAL = re.compile(r"(?<!\d)\d++(?:st|nd|rd|th|am|pm|s)")


def _phrase_ok(phrase: str) -> bool:
    """2-3 word phrases that neither start nor end with a stop word (a particle may end
    one), or a single word that is not a stop word."""
    words = [w.replace("'", "").replace("’", "") for w in phrase.split()]
    words = ["" if _ORDINAL.fullmatch(w) else w for w in words]
    last = words[-1] in _NOT_LABELS and (len(words) == 1 or words[-1] not in PARTICLES)
    if words[0] in _NOT_LABELS or last:
        return False
    return any(w not in _NOT_LABELS for w in words)


def key_phrases(
    texts: Sequence[str], labels: np.ndarray, k: int, volumes: np.ndarray, top: int = 3
) -> list[list[str]]:
    """Each group's most distinctive phrases by class-based TF-IDF (questions counted by the
    square root of their volume: labels say what is asked most): 2-3 word phrases first,
    single words only where a group has too few phrases; no stop word alone, no phrase
    inside an already chosen one, no part of a web or mail address."""
    vectorizer = TfidfVectorizer(
        # words, and codes led by digits ("2fa", "401k")
        token_pattern=r"(?u)\b(?:[^\W\d_][^\W_]+|\d+[^\W\d_][^\W_]*)(?:['’][^\W_]+)?\b",
        ngram_range=(1, 3),
        dtype=np.float32,
    )
    try:
        matrix = vectorizer.fit_transform([join_codes(without_addresses(t)) for t in texts])
    except ValueError:
        return [[] for _ in range(k)]
    terms = vectorizer.get_feature_names_out()
    keep = np.array([_phrase_ok(str(t)) for t in terms])
    if not keep.any():
        return [[] for _ in range(k)]
    weights = class_tfidf(matrix[:, keep], labels, k, np.sqrt(np.maximum(volumes, 1)))
    terms = terms[keep]
    multi = np.array([" " in str(t) for t in terms])
    sizes = np.bincount(labels, minlength=k)
    out = []
    for c, row in enumerate(weights):
        chosen: list[str] = []
        # A phrase must be used by at least two of the group's questions (or its only one).
        floor = min(2, int(sizes[c])) / max(int(sizes[c]), 1)
        for phrases_only in (True, False):
            for j in np.argsort(-row, kind="stable"):
                if row[j] <= 0 or len(chosen) == top:
                    break
                term = str(terms[j])
                if phrases_only != bool(multi[j]) or any(term in c or c in term for c in chosen):
                    continue
                if phrases_only and _share(matrix, labels, c, j, keep) < floor:
                    continue
                chosen.append(term)
            if len(chosen) >= 2:
                break
        out.append(chosen)
    return out


def _share(
    matrix: sparse.csr_matrix, labels: np.ndarray, c: int, j: int, keep: np.ndarray
) -> float:
    """The share of group c's questions that use kept term j."""
    column = np.flatnonzero(keep)[j]
    rows = labels == c
    return float((matrix[rows][:, column] > 0).sum()) / max(int(rows.sum()), 1)
