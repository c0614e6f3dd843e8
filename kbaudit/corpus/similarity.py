"""The corpus' similarity indexes: boilerplate lines, the TF-IDF matrix, exact bodies,
near-duplicate bodies (TF-IDF cosine) and similar titles, as pairs of article indexes.

Near duplicates are found without comparing all pairs. Candidate pairs are texts that share a
word shingle (three consecutive content words) from a consistent sample of shingles, skipping
stock phrases found in many texts; only candidates are scored with the exact TF-IDF cosine.
The work grows with the number of shingles (near-linearly in n), not with n², and the result
equals the all-pairs answer for texts that share passages, which is what duplicates do
(`brute_force_pairs` is the reference the tests compare against).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from kbaudit.model import Article

_NON_WORD = re.compile(r"[\W_]+")
# Words that start with a letter: numbers are facts (compared separately), not vocabulary.
TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W_]+\b"
_VERIFY_CHUNK = 200_000
SHINGLE_WORDS = 3  # near duplicates share runs of words, not just vocabulary
SHINGLE_SAMPLE = 4  # keep one shingle in four (consistently, by hash)
SHORT_TEXT = 64  # texts with fewer shingles keep them all


def normalise(text: str) -> str:
    """Case-folded words separated by single spaces: markup, punctuation and spacing removed."""
    return _NON_WORD.sub(" ", text.casefold()).strip()


@dataclass(frozen=True)
class Boilerplate:
    """Lines shared by so many articles that they say nothing about any one of them."""

    lines: frozenset[str]
    share: float
    min_articles: int


def find_boilerplate(texts: Sequence[str], share: float, min_articles: int) -> Boilerplate:
    """Normalised lines present in more than `share` of the texts (and at least
    `min_articles` of them): footers, "Was this article helpful?", legal lines."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update({normalise(line) for line in text.splitlines()} - {""})
    floor = max(min_articles, share * len(texts))
    return Boilerplate(
        frozenset(line for line, n in counts.items() if n > floor), share, min_articles
    )


def strip_boilerplate(text: str, boilerplate: Boilerplate) -> str:
    if not boilerplate.lines:
        return text
    return "\n".join(line for line in text.splitlines() if normalise(line) not in boilerplate.lines)


def build_tfidf(texts: Sequence[str]) -> tuple[TfidfVectorizer, sparse.csr_matrix]:
    """One TF-IDF matrix for the corpus (rows L2-normalised, float32), shared by duplicate
    detection and topics. Very common terms are dropped on large KBs to save memory."""
    n = len(texts)
    vectorizer = TfidfVectorizer(
        token_pattern=TOKEN_PATTERN,
        stop_words="english",
        sublinear_tf=True,
        dtype=np.float32,
        min_df=1,
        max_df=0.5 if n >= 200 else 1.0,
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # no term at all (empty or numbers-only KB)
        vectorizer = TfidfVectorizer(token_pattern=TOKEN_PATTERN, dtype=np.float32)
        vectorizer.fit(["placeholder"])
        matrix = sparse.csr_matrix((n, 1), dtype=np.float32)
    return vectorizer, sparse.csr_matrix(matrix, dtype=np.float32)


def exact_groups(articles: Sequence[Article], min_words: int) -> list[list[int]]:
    """Indexes of articles with the same normalised body (within one locale), two or more."""
    by_body: dict[tuple[str | None, str], list[int]] = defaultdict(list)
    for i, article in enumerate(articles):
        body = normalise(article.text)
        if body.count(" ") + 1 >= min_words:
            by_body[(article.locale, body)].append(i)
    return sorted((g for g in by_body.values() if len(g) > 1), key=lambda g: g[0])


_MIX = np.uint64(0x9E3779B97F4A7C15)


def text_shingles(
    texts: Sequence[str], vectorizer: TfidfVectorizer, min_words: int
) -> list[np.ndarray]:
    """Shingle hashes of each text, from the same tokens the TF-IDF matrix counts (stop
    words removed); texts with fewer than `min_words` words get none."""
    analyze = vectorizer.build_analyzer()
    ids: dict[str, int] = {}
    out = []
    for text in texts:
        if text.count(" ") + 1 < min_words:
            out.append(np.zeros(0, dtype=np.uint64))
            continue
        tokens = [ids.setdefault(t, len(ids) + 1) for t in analyze(text)]
        out.append(shingle_hashes(tokens))
    return out


def shingle_hashes(tokens: Sequence[int], size: int = SHINGLE_WORDS) -> np.ndarray:
    """64-bit hashes of the runs of `size` consecutive token ids of one text."""
    ids = np.asarray(tokens, dtype=np.uint64)
    if len(ids) < size:
        return np.zeros(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = np.zeros(len(ids) - size + 1, dtype=np.uint64)
        for k in range(size):
            h = (h ^ ids[k : len(ids) - size + 1 + k]) * _MIX
            h ^= h >> np.uint64(29)
    return h


def candidate_pairs(
    shingles: Sequence[np.ndarray], sample: int = SHINGLE_SAMPLE, max_df: int = 100
) -> np.ndarray:
    """Pairs (i < j) of texts that share a sampled word shingle, as an (m, 2) array.

    Shingles are sampled consistently (those whose hash is 0 modulo `sample`; texts with few
    shingles keep them all), so two texts that share long passages share sampled shingles.
    A shingle found in more than `max_df` texts is a stock phrase, not evidence, and is
    skipped: each shingle adds at most max_df² pairs, so the work grows linearly with n."""
    docs: list[np.ndarray] = []
    keys: list[np.ndarray] = []
    for i, h in enumerate(shingles):
        kept = np.unique(h if len(h) < SHORT_TEXT else h[h % np.uint64(sample) == 0])
        docs.append(np.full(len(kept), i, dtype=np.int64))
        keys.append(kept)
    if not keys:
        return np.zeros((0, 2), dtype=np.int64)
    doc = np.concatenate(docs)
    key = np.concatenate(keys)
    order = np.lexsort((doc, key))
    doc, key = doc[order], key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    sizes = np.diff(np.r_[starts, len(key)])
    pairs: list[np.ndarray] = []
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= max_df)]):
        begin = starts[sizes == size]
        block = doc[begin[:, None] + np.arange(size)]  # one row of documents per shingle
        left, right = np.triu_indices(size, k=1)
        pairs.append(np.column_stack((block[:, left].ravel(), block[:, right].ravel())))
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(pairs), axis=0)


def cosine_of_pairs(matrix: sparse.csr_matrix, pairs: np.ndarray) -> np.ndarray:
    """Exact cosine of each pair of (L2-normalised) rows."""
    scores = np.zeros(len(pairs), dtype=np.float64)
    for start in range(0, len(pairs), _VERIFY_CHUNK):
        chunk = pairs[start : start + _VERIFY_CHUNK]
        product = matrix[chunk[:, 0]].multiply(matrix[chunk[:, 1]])
        scores[start : start + len(chunk)] = np.asarray(product.sum(axis=1)).ravel()
    return scores


def near_pairs(
    matrix: sparse.csr_matrix, shingles: Sequence[np.ndarray], threshold: float
) -> dict[tuple[int, int], float]:
    """Pairs (i < j) with TF-IDF cosine >= threshold among texts sharing a sampled shingle
    (texts without shingles never pair), with their cosine."""
    pairs = candidate_pairs(shingles)
    scores = cosine_of_pairs(matrix, pairs)
    hit = scores >= threshold
    return {
        (int(i), int(j)): round(float(s), 4)
        for (i, j), s in zip(pairs[hit], scores[hit], strict=True)
    }


def brute_force_pairs(matrix: sparse.csr_matrix, threshold: float) -> dict[tuple[int, int], float]:
    """The all-pairs answer (quadratic): the reference `near_pairs` must equal, in tests and
    benchmarks."""
    product = sparse.triu(matrix @ matrix.T, k=1).tocoo()
    hit = product.data >= threshold
    return {
        (int(i), int(j)): round(float(s), 4)
        for i, j, s in zip(product.row[hit], product.col[hit], product.data[hit], strict=True)
    }


# ---- titles ---------------------------------------------------------------------------------

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def title_pairs(
    articles: Sequence[Article], threshold: float, block_keys: int = 2, max_block: int = 2000
) -> dict[tuple[int, int], float]:
    """Pairs of articles in the same locale whose titles match (rapidfuzz token_sort_ratio
    >= threshold) and carry the same numbers ("Office 2016" is not "Office 2019").
    Titles are compared only inside blocks that share one of a title's `block_keys` rarest
    tokens, so the work stays near-linear instead of n²."""
    titles = [normalise(a.title) for a in articles]
    tokens = [set(t.split()) for t in titles]
    df: Counter[str] = Counter()
    for toks in tokens:
        df.update(toks)
    blocks: dict[tuple[str | None, str], list[int]] = defaultdict(list)
    for i, toks in enumerate(tokens):
        if not toks:
            continue
        for key in sorted(toks, key=lambda t: (df[t], t))[:block_keys]:
            blocks[(articles[i].locale, key)].append(i)
    digits = [tuple(_DIGITS.findall(t)) for t in titles]
    pairs: dict[tuple[int, int], float] = {}
    for members in blocks.values():
        if len(members) < 2:
            continue
        for start in range(0, len(members), max_block):
            part = members[start : start + max_block]
            scores = process.cdist(
                [titles[i] for i in part],
                [titles[j] for j in members],
                scorer=fuzz.token_sort_ratio,
                score_cutoff=threshold,
                workers=-1,
                dtype=np.uint8,
            )
            for a, b in zip(*np.nonzero(scores), strict=True):
                i, j = part[a], members[b]
                if i < j and digits[i] == digits[j]:
                    pairs[(i, j)] = float(scores[a, b]) / 100
    return pairs


# ---- conflicting facts ----------------------------------------------------------------------
