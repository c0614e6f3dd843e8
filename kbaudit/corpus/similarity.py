"""The corpus' similarity indexes: boilerplate lines, the TF-IDF matrix, exact bodies,
near-duplicate bodies (TF-IDF cosine) and similar titles, as pairs of article indexes.

Near duplicates are found without comparing all pairs. Candidate pairs are texts that share a
word shingle (three consecutive content words) from a consistent sample of shingles, skipping
stock phrases found in many texts; only candidates are scored with the exact TF-IDF cosine.
The work grows with the number of shingles (near-linearly in n), not with n², and the result
equals the all-pairs answer for texts that share passages, which is what duplicates do
(the tests compare it with the all-pairs answer). A search after an edit takes the earlier
search's cosines of pairs whose rows did not change, which are the same numbers
(`score_pairs`), and scores the rest.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse

from kbaudit.model import Article
from kbaudit.normalize import edition
from kbaudit.text import words

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

_NON_WORD = re.compile(r"[\W_]+")
# The same, leaving the characters `str.splitlines` splits at: a whole text normalised line
# by line in one pass.
_NON_WORD_IN_LINE = re.compile(r"(?:[^\w\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]|_)+")
# Both for case-folded ASCII text, where they match the same and twice as fast.
_ASCII_NON_WORD = re.compile(r"[^a-z0-9]+")
_ASCII_NON_WORD_IN_LINE = re.compile(r"[^a-z0-9\n\r\x0b\x0c\x1c-\x1e]+")
# Words that start with a letter: numbers are facts (compared separately), not vocabulary.
TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W_]+\b"
_VERIFY_CHUNK = 100_000  # pairs verified at a time per thread (memory: two gathered row blocks)
SHINGLE_WORDS = 3  # near duplicates share runs of words, not just vocabulary
SHINGLE_SAMPLE = 4  # keep one shingle in four (consistently, by hash)
SHORT_TEXT = 64  # texts with fewer shingles keep them all
_SAMPLE_BLOCK = 4096  # texts whose shingles are sampled together
_COUNT_BLOCK = 4096  # texts whose values are counted by bucket together (see in_more_than)
_BUCKETS_FROM = 1 << 16  # values from which counting them by bucket first pays
_BUCKET_BITS = 22  # at most 4 million buckets (32 MB of counts)


def normalise(text: str) -> str:
    """Case-folded words separated by single spaces: markup, punctuation and spacing removed."""
    folded = text.casefold()
    return (_ASCII_NON_WORD if folded.isascii() else _NON_WORD).sub(" ", folded).strip()


def line_hash(normalised: str) -> int:
    """A 64-bit hash of a normalised line, the same in every process (0: an empty line)."""
    if not normalised:
        return 0
    return int.from_bytes(hashlib.blake2b(normalised.encode(), digest_size=8).digest(), "little")


def _array(data: bytes, dtype: str) -> np.ndarray:
    """A one-dimensional array from its bytes (a copy: writable, as numpy's own unpickling
    gives it)."""
    return np.frombuffer(bytearray(data), dtype=dtype)


@dataclass(frozen=True)
class TextLines:
    """What boilerplate and exact copies need of one text, from the text alone (so it can be
    cached per text): the hash of each line's normalised form (`text.splitlines()`), and the
    hash and word count of the whole normalised body."""

    lines: np.ndarray  # uint64, one per line; 0 for lines empty once normalised
    body: bytes
    body_words: int

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled with its array as bytes, like TextTerms: see there.
        return _text_lines, (self.lines.tobytes(), self.body, self.body_words)


def _text_lines(lines: bytes, body: bytes, body_words: int) -> TextLines:
    return TextLines(_array(lines, "u8"), body, body_words)


def text_lines(text: str) -> TextLines:
    # Each line is normalise(line), and the body normalise(text): one substitution over the
    # whole text, not one per line (case folding and the substitution never reach across a
    # line break, so the lines come out the same).
    folded = text.casefold()
    pattern = _ASCII_NON_WORD_IN_LINE if folded.isascii() else _NON_WORD_IN_LINE
    lines = [line.strip() for line in pattern.sub(" ", folded).splitlines()]
    body = " ".join(line for line in lines if line)
    return TextLines(
        np.array([line_hash(line) for line in lines], dtype=np.uint64),
        hashlib.blake2b(body.encode(), digest_size=16).digest(),
        body.count(" ") + 1,
    )


@dataclass(frozen=True)
class Boilerplate:
    """Lines shared by so many articles that they say nothing about any one of them."""

    lines: frozenset[int]  # line_hash of each boilerplate line
    share: float
    min_articles: int
    sorted_lines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))

    def present(self, texts: Sequence[TextLines]) -> list[np.ndarray]:
        """The hashes of each text's boilerplate lines, sorted and distinct."""
        if not texts:
            return []
        doc, line = _text_values([t.lines for t in texts])
        held = in_sorted(line, self.sorted_lines)  # only the few boilerplate lines are sorted
        doc, line = _unique_pairs(doc[held], line[held])
        by_text = np.argsort(doc, kind="stable")  # the lines stay sorted within a text
        doc, line = doc[by_text], line[by_text]
        return np.split(line, np.searchsorted(doc, np.arange(1, len(texts))))


def _text_values(values: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The texts' value arrays as one: (text of each value, value)."""
    sizes = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    doc = np.repeat(np.arange(len(values), dtype=np.int64), sizes)
    value = np.concatenate(values) if len(values) else np.zeros(0, dtype=np.uint64)
    return doc, value


def _unique_pairs(doc: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (doc, value) pairs sorted by value, then doc, each once."""
    order = np.lexsort((doc, value))
    doc, value = doc[order], value[order]
    first = np.ones(len(value), dtype=bool)
    first[1:] = (value[1:] != value[:-1]) | (doc[1:] != doc[:-1])
    return doc[first], value[first]


def find_boilerplate(texts: Sequence[TextLines], share: float, min_articles: int) -> Boilerplate:
    """Normalised lines present in more than `share` of the texts (and at least
    `min_articles` of them): footers, "Was this article helpful?", legal lines."""
    floor = max(min_articles, share * len(texts))
    doc, value = _text_values([t.lines for t in texts])
    (keep,) = _crowded([value], floor)  # a line repeated within a text counts each time here
    _, lines = _unique_pairs(doc[keep], value[keep])  # a text's lines once
    found = in_more_than([lines], floor)
    common = found[found != 0]
    return Boilerplate(frozenset(int(h) for h in common), share, min_articles, common)


def strip_boilerplate(text: str, lines: TextLines, boilerplate: Boilerplate) -> str:
    if not boilerplate.lines:
        return text
    return "\n".join(
        line
        for line, h in zip(text.splitlines(), lines.lines.tolist(), strict=True)
        if h not in boilerplate.lines
    )


@dataclass(frozen=True)
class TextTerms:
    """What TF-IDF and shingles need of one clean text (boilerplate lines removed): its
    distinct terms in order of first use (joined by newlines: one string, not hundreds),
    each token as an index into them, its word count and its shingle hashes."""

    terms: str
    tokens: np.ndarray  # int32
    words: int
    shingles: np.ndarray  # uint64, see shingle_hashes

    def term_list(self) -> list[str]:
        return self.terms.split("\n") if self.terms else []

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled with its arrays as bytes: a run after an edit loads one per article from
        # the incremental cache, and numpy's own pickles of small arrays load four times
        # slower than this (0.6 s against 0.15 s for 50,000).
        return _text_terms, (self.terms, self.tokens.tobytes(), self.words, self.shingles.tobytes())


def _text_terms(terms: str, tokens: bytes, words: int, shingles: bytes) -> TextTerms:
    return TextTerms(terms, _array(tokens, "i4"), words, _array(shingles, "u8"))


def _vectorizer(cls: type[TfidfVectorizer], n: int) -> TfidfVectorizer:
    return cls(
        token_pattern=TOKEN_PATTERN,
        stop_words="english",
        sublinear_tf=True,
        dtype=np.float32,
        min_df=1,
        max_df=0.5 if n >= 200 else 1.0,
    )


@lru_cache(maxsize=1)
def _analyzer() -> Callable[[str], list[str]]:
    """The tokens TF-IDF counts: words starting with a letter, lower-cased, English stop
    words removed (the analyzer of the corpus' vectorizer). ASCII text is tokenised by a
    pattern of its own, which finds the same tokens there a third faster."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = _vectorizer(TfidfVectorizer, 0)
    analyze = vectorizer.build_analyzer()
    stop = vectorizer.get_stop_words() or frozenset()
    ascii_token = re.compile(r"\b[a-z][a-z0-9]+\b")

    def tokens(text: str) -> list[str]:
        if not text.isascii():
            return analyze(text)
        return [t for t in ascii_token.findall(text.lower()) if t not in stop]

    return tokens


@lru_cache(maxsize=1 << 20)
def term_id(term: str) -> int:
    """A 64-bit id of a term, the same in every process and corpus (shingles of one text
    do not depend on the others, so they can be cached per text)."""
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=8).digest(), "little")


def text_terms(text: str) -> TextTerms:
    index: dict[str, int] = {}
    tokens = np.asarray([index.setdefault(t, len(index)) for t in _analyzer()(text)], np.int32)
    ids = np.fromiter(map(term_id, index), dtype=np.uint64, count=len(index))
    return TextTerms("\n".join(index), tokens, text.count(" ") + 1, shingle_hashes(ids[tokens]))


@lru_cache(maxsize=1)
def _counted_tfidf() -> type[TfidfVectorizer]:
    """The vectorizer class below, defined on first use: scikit-learn takes a second or two
    to import, and a warm run that reads every result from the cache never needs it."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    class _CountedTfidf(TfidfVectorizer):
        """Fitted on documents already tokenised and counted (TextTerms): the vocabulary, matrix
        and idf are those of fitting on the texts (the same counts in the same order go through
        scikit-learn's own sorting, pruning and weighting), without tokenising again."""

        def _count_vocab(self, raw_documents: Any, fixed_vocab: bool) -> tuple[dict[str, int], Any]:
            if fixed_vocab:  # transform() of new texts: as usual
                return super()._count_vocab(raw_documents, fixed_vocab)
            vocabulary: defaultdict[str, int] = defaultdict()
            vocabulary.default_factory = vocabulary.__len__
            columns: list[int] = []
            values: list[np.ndarray] = []
            indptr = [0]
            for doc in raw_documents:
                terms = doc.term_list()
                columns.extend(map(vocabulary.__getitem__, terms))
                values.append(np.bincount(doc.tokens, minlength=len(terms)))
                indptr.append(len(columns))
            if not vocabulary:
                raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
            matrix = sparse.csr_matrix(
                (
                    np.concatenate(values).astype(np.intc),
                    np.asarray(columns, dtype=np.int32),
                    np.asarray(indptr, dtype=np.int32),
                ),
                shape=(len(indptr) - 1, len(vocabulary)),
                dtype=self.dtype,
            )
            matrix.sort_indices()
            return dict(vocabulary), matrix

    _CountedTfidf.__qualname__ = "_CountedTfidf"  # pickles find it through __getattr__
    return _CountedTfidf


def __getattr__(name: str) -> Any:
    """`_CountedTfidf`, as pickles of a fitted vectorizer name it."""
    if name == "_CountedTfidf":
        return _counted_tfidf()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def tfidf_of_terms(docs: Sequence[TextTerms]) -> tuple[TfidfVectorizer, sparse.csr_matrix]:
    """One TF-IDF matrix for the corpus (rows L2-normalised, float32), shared by duplicate
    detection and topics, from each text's counted terms. Very common terms are dropped on
    large KBs to save memory."""
    n = len(docs)
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = _vectorizer(_counted_tfidf(), n)
    try:
        matrix = vectorizer.fit_transform(docs)
    except ValueError:  # no term at all (empty or numbers-only KB)
        vectorizer = TfidfVectorizer(token_pattern=TOKEN_PATTERN, dtype=np.float32)
        vectorizer.fit(["placeholder"])
        matrix = sparse.csr_matrix((n, 1), dtype=np.float32)
    return vectorizer, sparse.csr_matrix(matrix, dtype=np.float32)


def exact_groups(
    articles: Sequence[Article], min_words: int, lines: Sequence[TextLines] | None = None
) -> list[list[int]]:
    """Indexes of articles with the same normalised body (within one edition: locale and
    version), two or more."""
    bodies = lines if lines is not None else [text_lines(a.text) for a in articles]
    by_body: dict[tuple[tuple[str | None, str | None], bytes], list[int]] = defaultdict(list)
    for i, (article, body) in enumerate(zip(articles, bodies, strict=True)):
        if body.body_words >= min_words:
            by_body[(edition(article), body.body)].append(i)
    return sorted((g for g in by_body.values() if len(g) > 1), key=lambda g: g[0])


_MIX = np.uint64(0x9E3779B97F4A7C15)


def text_shingles(docs: Sequence[TextTerms], min_words: int) -> list[np.ndarray]:
    """Shingle hashes of each text, from the same tokens the TF-IDF matrix counts (stop
    words removed); texts with fewer than `min_words` words get none."""
    return [d.shingles if d.words >= min_words else np.zeros(0, np.uint64) for d in docs]


def shingle_hashes(tokens: Sequence[int] | np.ndarray, size: int = SHINGLE_WORDS) -> np.ndarray:
    """64-bit hashes of the runs of `size` consecutive token ids (term_id) of one text."""
    ids = np.asarray(tokens, dtype=np.uint64)
    if len(ids) < size:
        return np.zeros(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = np.zeros(len(ids) - size + 1, dtype=np.uint64)
        for k in range(size):
            h = (h ^ ids[k : len(ids) - size + 1 + k]) * _MIX
            h ^= h >> np.uint64(29)
    return h


def _runs(found: list[str], size: int) -> np.ndarray:
    """The hash of each run of `size` consecutive words, in order."""
    return shingle_hashes(np.fromiter(map(term_id, found), np.uint64), size)


def text_runs(text: str, size: int) -> np.ndarray:
    """The distinct hashes (sorted) of a text's runs of `size` consecutive words (every
    word, stop words included: a shared passage is repeated text, whatever it says)."""
    return sorted_unique(_runs(words(text), size))


def shared_runs(runs: list[np.ndarray], floor: float) -> list[np.ndarray]:
    """Per text, those of its run hashes (`text_runs`) found in more than `floor` texts."""
    shared = in_more_than(runs, floor)
    return [r[in_sorted(r, shared)] for r in runs]


def words_only_in(text: str, shared: np.ndarray, size: int) -> list[str]:
    """The words a text has only inside its runs of `size` words whose hash is in `shared`
    (sorted hashes): words of repeated passages it does not use elsewhere. None when they
    would be most (over 80 %) of its distinct words: a templated article, not boilerplate."""
    if not len(shared):
        return []
    found = words(text)
    hits = np.flatnonzero(in_sorted(_runs(found, size), shared))
    if not len(hits):
        return []
    depth = np.bincount(hits, minlength=len(found) + size)  # runs open at p, close at p+size
    depth[size:] -= depth[: len(depth) - size].copy()
    covered = np.cumsum(depth[: len(found)]) > 0
    named = np.array(found, dtype=object)
    inside, outside = set(named[covered].tolist()), set(named[~covered].tolist())
    only = inside - outside
    return sorted(only) if len(only) <= 0.8 * len(inside | outside) else []


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
    for start in range(0, len(shingles), _SAMPLE_BLOCK):  # bounded memory: texts in blocks
        block = shingles[start : start + _SAMPLE_BLOCK]
        doc, key = _text_values(block)
        short = np.array([len(h) < SHORT_TEXT for h in block])
        kept = short[doc] | (key % np.uint64(sample) == 0)
        docs.append(doc[kept] + start)
        keys.append(key[kept])
    if not keys:
        return np.zeros((0, 2), dtype=np.int64)
    doc, key = np.concatenate(docs), np.concatenate(keys)
    (shared,) = _crowded([key], 1)  # most sampled shingles are in one text: no pair
    doc, key = _unique_pairs(doc[shared], key[shared])  # a repeat counts once
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
    found = np.concatenate(pairs)
    codes = sorted_unique(found[:, 0] * len(shingles) + found[:, 1])
    return np.column_stack((codes // len(shingles), codes % len(shingles)))


def in_column_order(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """The matrix with each row's terms stored once and in column order (the matrix itself
    when they are): the rows `cosine_of_pairs` multiplies. A fitted vectorizer stores a
    row's terms in the order the corpus first used them, not by column."""
    if matrix.has_canonical_format:
        return matrix
    ordered = matrix.copy()
    ordered.sum_duplicates()
    return ordered


def cosine_of_pairs(matrix: sparse.csr_matrix, pairs: np.ndarray, jobs: int = 1) -> np.ndarray:
    """Exact cosine of each pair of (L2-normalised) rows; chunks of pairs on `jobs` threads
    (0: one per core; scipy's sparse kernels release the interpreter).

    Each cosine is a function of its two rows alone, to the last bit: it does not depend
    on the other pairs scored with it, on the order of the pair or on the other rows and
    columns of the matrix. The rows are read in column order (`in_column_order`): scipy
    multiplies two chunks of rows stored so by merging each pair of rows by column, so a
    row of products holds the shared terms in the order both rows store them, and sums it
    in that order (a matrix-vector product, one row at a time). (Were a row of the chunk
    stored out of order, scipy would multiply the whole chunk in the order of each left
    row's storage, reversed.)"""
    from kbaudit.sources.parallel import in_threads

    ordered = in_column_order(matrix)

    def scored(start: int) -> np.ndarray:
        chunk = pairs[start : start + _VERIFY_CHUNK]
        product = ordered[chunk[:, 0]].multiply(ordered[chunk[:, 1]])
        return np.asarray(product.sum(axis=1), dtype=np.float64).ravel()

    parts = in_threads(scored, range(0, len(pairs), _VERIFY_CHUNK), jobs)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float64)


@dataclass(frozen=True, eq=False)
class ScoredPairs:
    """What one search for near pairs decided over a matrix of `rows` rows: the candidate
    pairs it scored, and those of them whose cosine reached the threshold with that cosine
    (rounded to 4 places). A pair (i < j) is coded i * rows + j; codes are sorted."""

    rows: int
    threshold: float
    scored: np.ndarray  # int64 codes
    near: np.ndarray  # int64 codes, some of `scored`
    scores: np.ndarray  # float64, one per code of `near`

    def as_dict(self) -> dict[tuple[int, int], float]:
        return {
            divmod(code, self.rows): score
            for code, score in zip(self.near.tolist(), self.scores.tolist(), strict=True)
        }

    def consistent(self) -> bool:
        """Whether the codes are what `score_pairs` writes (a value read back from the
        cache is used only then)."""
        arrays = (self.scored, self.near, self.scores)
        if not all(isinstance(a, np.ndarray) and a.ndim == 1 for a in arrays):
            return False
        types = (self.scored.dtype, self.near.dtype, self.scores.dtype)
        if types != (np.int64, np.int64, np.float64) or not isinstance(self.rows, int):
            return False
        if not isinstance(self.threshold, float):
            return False
        codes = (self.scored, self.near)
        return (
            len(self.near) == len(self.scores)
            and all(not len(c) or (c[0] >= 0 and c[-1] < self.rows * self.rows) for c in codes)
            and all(bool(np.all(c[1:] > c[:-1])) for c in codes)
            and bool(np.all(in_sorted(self.near, self.scored)))
        )


@dataclass(frozen=True, eq=False)
class LastSearch:
    """A search's scored pairs with the digest of each of its rows (`row_digests`), kept for
    the next search on the same KB to take back the scores of rows that kept their content."""

    digests: list[bytes]
    pairs: ScoredPairs

    def matched(self, digests: Sequence[bytes]) -> tuple[ScoredPairs, np.ndarray] | None:
        """The `earlier` of `score_pairs` for rows holding `digests`: these pairs, and for
        each row a row of this search holding the same content (-1: none). An article is
        found by its content, not by its ref: the cosine of two rows is a function of what
        they hold, so an article added, removed, moved in the order or renamed changes no
        other row's match. None when this value is not what a search writes (a damaged
        cache entry): then every pair is scored."""
        if not (
            isinstance(self.digests, list)
            and isinstance(self.pairs, ScoredPairs)
            and len(self.digests) == self.pairs.rows
            and self.pairs.consistent()
        ):
            return None
        where = {digest: row for row, digest in enumerate(self.digests)}
        rows = np.fromiter((where.get(d, -1) for d in digests), dtype=np.int64, count=len(digests))
        return self.pairs, rows


def scoring_versions() -> str:
    """The versions of the libraries a cosine's last bit depends on (how scipy multiplies
    and sums rows), for the cache keys of stored scores."""
    import scipy

    return f"numpy {np.__version__} scipy {scipy.__version__}"


def row_digests(matrix: sparse.csr_matrix, terms: Sequence[str]) -> list[bytes]:
    """A hash of what each row holds: its terms (`term_id` of the vocabulary's `terms`, by
    column) and their weights, in column order. Rows of two matrices with the same digest
    hold the same terms with the same weights, in the same order, whatever columns the
    two vocabularies gave the terms; so any two such rows have the same cosine in either
    matrix (`cosine_of_pairs`)."""
    ordered = in_column_order(matrix)
    indices, indptr = ordered.indices, ordered.indptr
    ids = np.fromiter(map(term_id, terms), dtype=np.uint64, count=len(terms))
    held, weights = ids[indices].tobytes(), ordered.data.tobytes()
    size = ordered.data.itemsize
    digests = []
    for a, b in zip(indptr[:-1].tolist(), indptr[1:].tolist(), strict=True):
        digest = hashlib.blake2b(held[8 * a : 8 * b], digest_size=16)
        digest.update(weights[size * a : size * b])
        digests.append(digest.digest())
    return digests


def score_pairs(
    matrix: sparse.csr_matrix,
    shingles: Sequence[np.ndarray],
    threshold: float,
    jobs: int = 1,
    blocks: Sequence[Hashable] | None = None,
    earlier: tuple[ScoredPairs, np.ndarray] | None = None,
) -> ScoredPairs:
    """Candidate pairs (texts sharing a sampled shingle; of one block when `blocks` gives
    each row's, such as its edition) scored with their exact TF-IDF cosine, near from
    `threshold`.

    `earlier` is what a search over an earlier matrix decided, with the row of that
    matrix holding the same terms and weights as each row of this one (`row_digests`; -1:
    none). A candidate pair of two such rows that the earlier search scored, at the same
    threshold, is not scored again: it is near exactly when it was then, with the same
    score. The answer is the one scoring every pair gives, because each of its inputs is
    either taken afresh or the same:
    - the candidate pairs are found afresh (which shingles are stock phrases depends on
      every text; `min_words` and the boilerplate act through the shingles), and so are
      the blocks, applied before anything is looked up;
    - a cosine is a function of its two rows' terms and weights alone, to the last bit,
      in either order of the pair (`cosine_of_pairs`), whatever the other rows and columns
      of the two matrices: a row keeps its digest when the vocabulary gains or loses
      other terms, and loses it when a changed IDF reweights any of its terms;
    - a pair is taken over only if the earlier search decided it (scored it, or took it
      over from the search before it, by the same argument): an unchanged pair that was
      not a candidate then, because a shingle it shares was a stock phrase or its rows
      were in two blocks, is scored now;
    - the score is the cosine rounded as then, and near means cosine >= the same
      threshold."""
    n = matrix.shape[0]
    pairs = candidate_pairs(shingles)
    if blocks is not None and len(pairs):
        labels: dict[Hashable, int] = {}
        block = np.fromiter(
            (labels.setdefault(b, len(labels)) for b in blocks), dtype=np.int64, count=n
        )
        pairs = pairs[block[pairs[:, 0]] == block[pairs[:, 1]]]
    codes = pairs[:, 0] * n + pairs[:, 1]
    todo = np.ones(len(pairs), dtype=bool)
    found_codes = [np.zeros(0, dtype=np.int64)]
    found_scores = [np.zeros(0, dtype=np.float64)]
    if earlier is not None and earlier[0].threshold == threshold and len(pairs):
        before, row_before = earlier
        rows = row_before[pairs]
        kept = np.flatnonzero((rows >= 0).all(axis=1))
        rows = np.sort(rows[kept], axis=1)  # the rows may have moved: keep i < j
        old = rows[:, 0] * before.rows + rows[:, 1]
        seen = in_sorted(old, before.scored)
        kept, old = kept[seen], old[seen]
        todo[kept] = False
        near = in_sorted(old, before.near)
        found_codes.append(codes[kept[near]])
        found_scores.append(before.scores[np.searchsorted(before.near, old[near])])
    scores = cosine_of_pairs(matrix, pairs[todo], jobs)
    hit = scores >= threshold
    found_codes.append(codes[todo][hit])
    found_scores.append(np.array([round(float(s), 4) for s in scores[hit]], dtype=np.float64))
    near_codes, near_scores = np.concatenate(found_codes), np.concatenate(found_scores)
    order = np.argsort(near_codes, kind="stable")
    return ScoredPairs(n, float(threshold), codes, near_codes[order], near_scores[order])


# ---- similar strings and titles -----------------------------------------------------------

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
# The numbers of a normalised title: digits, and Roman numerals of two letters or more
# ("Release II" is not "Release III"; a lone "i", "v" or "x" is more often a word or a letter).
TITLE_NUMBERS = re.compile(r"\d+(?:[.,]\d+)*|\b(?:x{0,3})(?:ix|iv|v?i{1,3}|v)\b(?<=\w\w)", re.I)
_PAD_START, _PAD_END = "\x02", "\x03"
_PAIR_CHUNK = 1_000_000


def _gram_size(share: float) -> int:
    """The longest q-gram (3, 2 or 1 characters) whose count filter can vouch for every
    string at this similarity share; 0 when none can (very low cutoffs)."""
    for q in (3, 2, 1):
        if 2 * q * (1 - share) < share:
            return q
    return 0


def similar_strings(
    strings: Sequence[str], cutoff: float, blocks: Sequence[object] | None = None
) -> dict[tuple[int, int], int]:
    """Pairs (i < j) of strings in the same block whose rapidfuzz `fuzz.ratio` is at least
    `cutoff` (0-100), with the score rounded to an integer as `process.cdist(...,
    dtype=np.uint8)` gives it; empty strings and zero scores never pair. The same answer as
    comparing all pairs, without comparing all pairs: identical strings are compared once;
    a ratio of at least c = cutoff/100 bounds the edit distance of a string of length l to
    d = 2(1-c)l/c, and each edit changes at most q of its padded q-grams, so two matching
    strings share one of the q·d + 1 rarest q-grams of each (prefix filtering, as in
    PPJoin/Ed-Join); only pairs sharing such a q-gram, of compatible lengths, are scored.
    Strings the filter cannot vouch for (a cutoff so low that every q-gram may change) are
    compared with every string of their block.

    Meant for metadata values (categories, tags): on short texts that share stock phrases
    the rarest q-grams are common ones and the candidates grow quadratically; titles use
    `title_pairs`, blocked by rare words."""
    share = cutoff / 100
    if share > 1:
        return {}
    members = _distinct(strings, blocks)
    distinct = list(members)
    q = _gram_size(share)
    keys: dict[tuple[object, str, int], int] = {}
    grams_of: list[list[int]] = []
    for block, string in distinct:
        padded = _PAD_START * (q - 1) + string + _PAD_END * (q - 1)
        seen: Counter[str] = Counter()
        ids = []
        for k in range(len(padded) - q + 1 if q else 0):
            gram = padded[k : k + q]
            seen[gram] += 1
            ids.append(keys.setdefault((block, gram, seen[gram]), len(keys)))
        grams_of.append(ids)
    df = np.zeros(len(keys), dtype=np.int64)
    for ids in grams_of:
        df[ids] += 1
    prefixes: list[np.ndarray] = []
    unsure: list[int] = []
    for u, ids in enumerate(grams_of):
        distance = int(2 * (1 - share) * len(distinct[u][1]) / share + 1e-9) if share else 0
        prefix = q * distance + 1
        if q == 0 or prefix > len(ids):  # every q-gram may change: compare with the block
            unsure.append(u)
            prefixes.append(np.zeros(0, dtype=np.int64))
            continue
        chosen = np.asarray(ids, dtype=np.int64)
        prefixes.append(chosen[np.lexsort((chosen, df[chosen]))[:prefix]])
    codes = [_sharing_a_key(prefixes)]
    n = len(distinct)
    if unsure:
        by_block: dict[object, list[int]] = defaultdict(list)
        for u, (block, _) in enumerate(distinct):
            by_block[block].append(u)
        for u in unsure:
            others = np.asarray(by_block[distinct[u][0]], dtype=np.int64)
            others = others[others != u]
            codes.append(np.minimum(others, u) * n + np.maximum(others, u))
    pairs = sorted_unique(np.concatenate(codes))
    return _score(members, distinct, pairs // n, pairs % n, cutoff, fuzz.ratio)


def _distinct(
    strings: Sequence[str], blocks: Sequence[object] | None
) -> dict[tuple[object, str], list[int]]:
    """Indexes of each distinct non-empty (block, string)."""
    labels = blocks if blocks is not None else [None] * len(strings)
    members: dict[tuple[object, str], list[int]] = defaultdict(list)
    for i, (string, block) in enumerate(zip(strings, labels, strict=True)):
        if string:
            members[(block, string)].append(i)
    return members


def _sharing_a_key(keys: Sequence[np.ndarray]) -> np.ndarray:
    """Pairs (u < v) of items whose key arrays intersect, coded u * n + v (unsorted, may
    repeat). Each key adds the pairs of its posting list."""
    n = len(keys)
    if not keys:
        return np.zeros(0, dtype=np.int64)
    key = np.concatenate(keys)
    doc = np.concatenate([np.full(len(k), u, dtype=np.int64) for u, k in enumerate(keys)])
    order = np.lexsort((doc, key))
    key, doc = key[order], doc[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    sizes = np.diff(np.r_[starts, len(key)])
    found = [np.zeros(0, dtype=np.int64)]
    for size in np.unique(sizes[sizes >= 2]):
        rows = doc[starts[sizes == size][:, None] + np.arange(size)]
        a, b = np.triu_indices(size, k=1)
        found.append(rows[:, a].ravel() * n + rows[:, b].ravel())
    return np.concatenate(found)


def sorted_unique(codes: np.ndarray) -> np.ndarray:
    """Sorted distinct values. numpy's np.unique hashes integers, which is many times slower
    than sorting on tens of millions of pair codes, and costs more per call on small arrays
    (it runs once per text)."""
    codes = np.sort(codes, kind="stable")
    return codes[np.r_[True, codes[1:] != codes[:-1]]] if len(codes) else codes


def in_more_than(distinct: Sequence[np.ndarray], floor: float) -> np.ndarray:
    """The values (sorted) found in more than `floor` of the arrays, each of distinct
    hash values: lines or passages repeated across texts. Only values in crowded buckets
    (`_crowded`) are sorted and counted."""
    if not distinct:
        return np.zeros(0, dtype=np.uint64)
    blocks = [
        np.concatenate(distinct[i : i + _COUNT_BLOCK])
        for i in range(0, len(distinct), _COUNT_BLOCK)
    ]
    blocks = [b[keep] for b, keep in zip(blocks, _crowded(blocks, floor), strict=True)]
    ordered = np.sort(np.concatenate(blocks))
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    counts = np.diff(np.r_[starts, len(ordered)])
    return ordered[starts[counts > floor]]


def _crowded(blocks: list[np.ndarray], floor: float) -> list[np.ndarray | slice]:
    """Per block of hash values, which may occur more than `floor` times in all of them:
    many values are counted by bucket first (their top _BUCKET_BITS bits), and a value
    occurring more than `floor` times lies in a bucket holding more than `floor` values.
    Hashes spread evenly over the buckets, so those are about the repeated values alone,
    and only they need sorting (15 million passage hashes, as in a 50k KB: 2.7 s to sort
    them all, 0.8-1.1 s by bucket first). Few values: all of them (slices)."""
    total = sum(map(len, blocks))
    if total <= _BUCKETS_FROM:
        return [slice(None)] * len(blocks)
    bits = min(_BUCKET_BITS, total.bit_length())  # about one value per bucket, at most 4M
    shift = np.uint64(64 - bits)
    per_bucket = np.zeros(1 << bits, dtype=np.int64)
    for block in blocks:
        per_bucket += np.bincount((block >> shift).astype(np.intp), minlength=len(per_bucket))
    return [per_bucket[(b >> shift).astype(np.intp)] > floor for b in blocks]


def in_sorted(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Whether each value is in `sorted_set` (sorted, distinct): a binary search per value,
    cheaper than np.isin for a small set or a single text's values."""
    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[at] == values


def _score(
    members: dict[tuple[object, str], list[int]],
    distinct: list[tuple[object, str]],
    left: np.ndarray,
    right: np.ndarray,
    cutoff: float,
    scorer: Callable[..., float],
) -> dict[tuple[int, int], int]:
    """Score candidate pairs of distinct strings (length filter first) and spread each match
    to every index holding those strings; identical strings pair at 100."""
    pairs: dict[tuple[int, int], int] = {}
    for same in members.values():
        for k, i in enumerate(same):
            for j in same[k + 1 :]:
                pairs[(i, j)] = 100
    lengths = np.array([len(s) for _, s in distinct], dtype=np.float64)
    share = cutoff / 100
    if share > 0:  # |l1 - l2| <= (1 - c)(l1 + l2) or the ratio cannot reach c
        total = lengths[left] + lengths[right]
        fits = np.abs(lengths[left] - lengths[right]) <= (1 - share) * total + 1e-9
        left, right = left[fits], right[fits]
    texts = np.array([s for _, s in distinct], dtype=object)
    for start in range(0, len(left), _PAIR_CHUNK):
        a, b = left[start : start + _PAIR_CHUNK], right[start : start + _PAIR_CHUNK]
        scores: np.ndarray = process.cpdist(
            texts[a].tolist(),
            texts[b].tolist(),
            scorer=scorer,
            score_cutoff=cutoff,
            workers=-1,
            dtype=np.uint8,
        )
        for hit in np.flatnonzero(scores):
            score = int(scores[hit])
            for i in members[distinct[a[hit]]]:
                for j in members[distinct[b[hit]]]:
                    pairs[(min(i, j), max(i, j))] = score
    return pairs


def title_pairs(
    articles: Sequence[Article], threshold: float, block_keys: int = 3, max_block: int = 2000
) -> dict[tuple[int, int], float]:
    """Pairs (i < j) of articles of one edition (locale and version) whose titles match (rapidfuzz
    token_sort_ratio >= threshold, as a 0-1 score) and carry the same numbers ("Office 2016"
    is not "Office 2019", "Release II" not "Release III").

    Not all pairs: identical titles are compared once, and distinct titles only when they
    share one of their `block_keys` rarest words (within an edition and set of numbers) and
    have compatible lengths. When each title has fewer than `block_keys` words the other
    lacks, the rarest word they share is among the keys of both, so the answer is the
    all-pairs one; matching titles (the default threshold 92) share all but a word or so,
    and the tests compare with brute force on reordered, added, dropped and misspelt words.
    A word in more than `max_block` distinct titles is a stock word ("error", "how"), not a
    key: titles made only of stock words pair only with the same words in any order.
    The work grows with the size of rare-word blocks, near-linearly in the number of titles
    (100,000 titles: seconds, where comparing all pairs takes hours)."""
    titles = [normalise(a.title) for a in articles]
    compounds = [compound_words(a.title) for a in articles]
    blocks = [
        (edition(a), tuple(TITLE_NUMBERS.findall(t))) for a, t in zip(articles, titles, strict=True)
    ]
    members = _distinct([" ".join(sorted(t.split())) for t in titles], blocks)
    distinct = list(members)
    df: Counter[tuple[object, str]] = Counter()
    words = [sorted(set(s.split())) for _, s in distinct]
    for (block, _), toks in zip(distinct, words, strict=True):
        df.update((block, t) for t in toks)
    ids: dict[tuple[object, str], int] = {}
    keys = []
    for (block, _), toks in zip(distinct, words, strict=True):
        rare = sorted(toks, key=lambda t: (df[(block, t)], t))[:block_keys]
        keys.append(
            np.array(
                [ids.setdefault((block, t), len(ids)) for t in rare if df[(block, t)] <= max_block],
                np.int64,
            )
        )
    n = len(distinct)
    pairs = sorted_unique(_sharing_a_key(keys))
    found = _score(members, distinct, pairs // n, pairs % n, threshold, fuzz.ratio)
    return {
        pair: score / 100
        for pair, score in sorted(found.items())
        if not opposite_tasks(compounds[pair[0]], compounds[pair[1]])
        and not other_code_names(articles[pair[0]].title, articles[pair[1]].title)
    }


_NEGATING = ("dis", "un", "de", "in", "non", "no", "re")
_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


def opposite_tasks(left: str, right: str) -> bool:
    """Whether two titles (`compound_words`) name opposite tasks or subjects, not one title:
    they differ by a word and its negated form ("connect" / "disconnect", "install" /
    "uninstall", "code" / "no-code"), by a word and its opposite ("Next misspelling" /
    "Previous misspelling", "Close all left" / "... right"), or by the direction of a
    conversion or an order ("Unicode to escapes" / "Escapes to Unicode", "Sort newest to
    oldest" / "... oldest to newest")."""
    a, b = set(left.split()), set(right.split())
    only_a, only_b = a - b, b - a
    if any(
        long != short and long.endswith(short) and long[: -len(short)] in _NEGATING
        for x in only_a
        for y in only_b
        for long, short in ((x, y), (y, x))
    ):
        return True
    words_a, words_b = left.split(), right.split()
    while words_a and words_b and words_a[0] == words_b[0]:  # what the titles share ...
        words_a, words_b = words_a[1:], words_b[1:]
    while words_a and words_b and words_a[-1] == words_b[-1]:  # ... at each end
        words_a, words_b = words_a[:-1], words_b[:-1]
    if len(words_a) == 1 and len(words_b) == 1:
        return frozenset((words_a[0], words_b[0])) in _OPPOSITES
    sides_a, sides_b = _sides(words_a), _sides(words_b)
    return sides_a is not None and sides_b is not None and sides_a == sides_b[::-1]


# A name from code in a title: a capital inside a word (`GetColumns`, `getUser`) or an
# underscore (`EE_FREE`).
_CODE_NAME = re.compile(r"\b(?=\w*[a-z][A-Z])\w+|\b[A-Za-z]\w*_\w+")


def other_code_names(left: str, right: str) -> bool:
    """Whether two titles each name code and name different code (`GetColumn Method` /
    `GetColumns Method`, `EE_FREE` / `EE_FREE_ALL`): two members of an API, however alike
    the rest of their titles."""
    ours, theirs = set(_CODE_NAME.findall(left)), set(_CODE_NAME.findall(right))
    return bool(ours and theirs) and ours != theirs


def _sides(words: list[str]) -> tuple[str, str] | None:
    """The two sides of "x to y" (or "x into y"), or None."""
    for n, word in enumerate(words):
        if word in ("to", "into") and 0 < n < len(words) - 1:
            return " ".join(words[:n]), " ".join(words[n + 1 :])
    return None


# Words of opposite tasks, places or orders in the titles of help pages.
_OPPOSITES = frozenset(
    frozenset(pair.split("/"))
    for pair in [
        "next/previous", "next/prev", "left/right", "up/down", "top/bottom", "first/last",
        "in/out", "on/off", "open/close", "show/hide", "enable/disable", "expand/collapse",
        "increase/decrease", "min/max", "minimum/maximum", "ascending/descending",
        "oldest/newest", "largest/smallest", "forward/backward", "upper/lower",
        "uppercase/lowercase", "start/end", "begin/end", "before/after", "above/below",
        "add/remove", "import/export", "encode/decode", "encrypt/decrypt", "upload/download",
        "send/receive", "incoming/outgoing", "inbound/outbound", "horizontal/vertical",
        "include/exclude", "allow/deny", "accept/reject", "join/leave", "push/pull",
        "read/write", "light/dark",
    ]
)  # fmt: skip


def compound_words(title: str) -> str:
    """A title normalised with its hyphenated words kept as one ("No-Code" -> "nocode")."""
    return normalise(_HYPHEN.sub("", title))


# ---- conflicting facts ----------------------------------------------------------------------
