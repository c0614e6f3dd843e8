"""Gap topics: customer questions grouped by what they ask. TF-IDF (stemmed words + character
n-grams) -> normalised SVD -> a k-nearest-neighbour similarity graph -> spectral embedding
-> KMeans, K chosen by silhouette; labels from class-based TF-IDF. Seeded and deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize
from sklearn.utils.extmath import randomized_svd

from kbaudit.analysis.matching import STOP, make_analyzer
from kbaudit.analysis.topics import class_tfidf

NEIGHBOURS = 10  # of each question in the clustering graph (fewer below 400 questions)
MAX_TOPICS = 150
SILHOUETTE_SAMPLE = 3000


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


def title_terms(
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
