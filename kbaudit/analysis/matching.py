"""Matching customer questions to articles: a weighted sum (WEIGHTS) of five scores in
[0, 1], each explainable on its own:
- `coverage`: the share of the question that the article contains: each question term's
  squared TF-IDF weight (the weights of a question sum to 1), counted where the term occurs
  in the article's document and again where it occurs in its title, once over words and word
  pairs and once over words alone. One-sided, so a short customer question is not penalised
  for the article being long;
- `body`: word TF-IDF (stemmed unigrams and bigrams) cosine of the question against the
  article's title, description, headings and opening text;
- `title`: character n-gram TF-IDF (3-5, within words) against the title: misspellings and
  word forms still share most of their n-grams;
- `title_words`: word TF-IDF against the title alone (a question naming the title is answered);
- `concepts`: the cosine in a latent space (truncated SVD of the word TF-IDF of the articles
  and the questions together, over their 20,000 most widespread terms): the KB's and the
  customers' own co-occurrence expands the question with the words used next to its words;
- `semantic` (only with `kbaudit[semantic]` and a model): the sentence-embedding cosine of
  the question and the article's document, less SEMANTIC_OFFSET (unrelated texts still share
  ~0.2 of cosine; the offset puts the hybrid's best cut on the dev set's tuning half where the
  lexical one is, so both modes use the same covered / partial cuts). With it the lexical
  parts keep 1 - SEMANTIC_WEIGHT of their weight.
Customer phrasing and help-center phrasing are also bridged by a small lexicon of support
synonyms ("come" / "arrive" / "delivery"), added as shared concept tokens on both sides, and
question words the KB never uses are spelling-corrected to words it does use.
IDF is fitted on articles and questions together in a hashed word space. Scores are computed
in chunks of questions with one sparse product and top-k selection, float32, never a dense
questions x articles matrix.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import snowballstemmer
from rapidfuzz import fuzz, process
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import (
    ENGLISH_STOP_WORDS,
    HashingVectorizer,
    TfidfTransformer,
    TfidfVectorizer,
)
from sklearn.preprocessing import normalize

from kbaudit.model import Article

if TYPE_CHECKING:
    from kbaudit.semantic import Embedder

WEIGHTS = {"body": 0.15, "title": 0.2, "title_words": 0.1, "concepts": 0.15, "coverage": 0.4}
SEMANTIC_WEIGHT = 0.7  # of the hybrid score (tuned on the banking dev set's tuning half)
SEMANTIC_OFFSET = 0.21
PARTS = ("body", "title", "title_words", "concepts", "coverage", "semantic")
BODY_WORDS = 400  # opening words of an article that describe what it answers
CHUNK = 1024  # questions scored at a time
CONCEPTS = 150  # latent dimensions of the concepts score
CONCEPT_TERMS = 20_000  # most widespread terms the latent space is built from
MIN_CONCEPTS = 50  # fewer texts have too little co-occurrence for a latent space

# Words in any script: a letter then letters or digits, or digits then a letter ("2fa").
# A number only starts a word at the start of its digits (linear on long runs of digits).
_WORD = re.compile(r"[^\W\d_][^\W_]+|(?<!\d)\d++[^\W\d_][^\W_]*")
_CONTRACTION = re.compile(r"(\w)['’](t|s|re|ve|ll|d|m)\b")
# Names of forms and plans written with a hyphen or brackets are one word: "W-2", "I-9" ->
# "w2", "i9"; "401(k)" -> "401k" ("W-2" left no word at all, so questions about the W-2
# scored nothing against the article on it).
_CODE_WORD = re.compile(r"\b([^\W\d_])-(\d+[^\W\d_]?)\b|\b(\d+)\(([^\W\d_])\)")


def word_list(text: str) -> list[str]:
    """The words of `text` as matching reads them: case-folded, contractions joined
    ("don't" -> "dont"), form names joined ("W-2" -> "w2")."""
    return _WORD.findall(join_codes(_CONTRACTION.sub(r"\1\2", text.casefold())))


def join_codes(text: str) -> str:
    """`text` with each form name written as one word ("W-2" -> "W2", "401(k)" -> "401k")."""
    return _CODE_WORD.sub(_joined, text)


def _joined(code: re.Match[str]) -> str:
    """A form name as one word, without a plural's "s" ("W-2s" -> "w2")."""
    word = (code[1] or code[3]) + (code[2] or code[4])
    return word[:-1] if word.endswith("s") and word[-2].isdigit() else word


# Porter's second (Snowball English) stemmer: a word and its inflections share one stem. A
# stemmer keeps the word it works on in itself, and questions are scored on several threads:
# one word at a time.
_STEMMER = snowballstemmer.stemmer("english")
_STEMMING = threading.Lock()
# scikit-learn's English stop words hold nouns and adjectives that name what customers ask
# about ("top up", "amount", "bill", "card details", "interest", "system"): they are kept.
SUBJECT_WORDS = frozenset({
    "amount", "bill", "bottom", "detail", "empty", "fire", "front", "full", "interest", "name",
    "part", "side", "system", "top",
})  # fmt: skip
STOP = (frozenset(ENGLISH_STOP_WORDS) - SUBJECT_WORDS) | {
    "hasnt", "havent", "doesnt", "dont", "didnt", "cant", "cannot", "wont", "isnt", "arent",
    "wasnt", "werent", "im", "ive", "id", "youre", "its", "please", "hi", "hello", "thanks",
    "thank", "help", "need", "want", "like", "just", "able", "way", "possible", "ok",
}  # fmt: skip
# A negation is part of what is asked ("a payment I didn't make", "my card hasn't arrived"):
# each of these stop words is matched as the one word "not".
NEGATIONS = frozenset({
    "not", "no", "never", "nothing", "cannot", "cant", "didnt", "dont", "doesnt", "hasnt",
    "havent", "isnt", "arent", "wasnt", "werent", "wont", "couldnt", "wouldnt", "shouldnt",
})  # fmt: skip
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

# words, and codes such as 5.7.124 or 0x8004010f kept whole
_SUBJECT_TERM = re.compile(r"\d+(?:[.\-]\d+)+|\w+")


def subject_terms(text: str) -> Counter[str]:
    """Counted words that can name a subject: no stop words, codes kept whole, a plural
    counted as its singular (account/accounts)."""
    return Counter(
        t[:-1] if len(t) > 3 and t.endswith("s") and t.isalpha() else t
        for t in _SUBJECT_TERM.findall(text.casefold())
        if t not in STOP
    )


def stem(word: str) -> str:
    """The word's stem, shared with its inflections and derived forms: `transfer`,
    `transfers`, `transferred` -> `transfer`; `withdraw`, `withdrawal` -> `withdraw`."""
    with _STEMMING:
        return str(_STEMMER.stemWord(word))


def _concept_map() -> dict[str, str]:
    return {stem(w): concept for concept, words in SYNONYMS.items() for w in words if " " not in w}


def content_words(text: str) -> str:
    """The text without stop words, case-folded: what character n-grams compare."""
    return " ".join(w for w in word_list(text) if w not in STOP)


def make_analyzer() -> Callable[..., list[str]]:
    """Words -> stems without stop words (a negation is "not"), their bigrams and the
    lexicon's concept tokens."""
    stems_of: dict[str, str] = {}  # word -> stem, "" for a stop word or a one-letter word
    concepts = _concept_map()

    def analyze(text: str, pairs: bool = True) -> list[str]:
        stems = []
        for w in word_list(text):
            s = stems_of.get(w)
            if s is None:
                if w in NEGATIONS:
                    s = stems_of[w] = "not"
                else:
                    s = stems_of[w] = "" if w in STOP or len(w) < 2 else stem(w)
            if s:
                stems.append(s)
        tokens = stems + [f"~{concepts[s]}" for s in stems if s in concepts]
        if pairs:
            tokens += [f"{a} {b}" for a, b in itertools.pairwise(stems)]
        return tokens

    return analyze


def char_grams(
    preprocess: Callable[[str], str], low: int = 3, high: int = 5
) -> Callable[..., list[str]]:
    """scikit-learn's `char_wb` analyzer over `preprocess`: the low..high character n-grams of
    each word padded with a space (a word that short gives itself once), with each word's
    n-grams remembered (texts repeat their words: 10,000 questions use about 8,000 distinct
    words), so the same matrix in a fraction of the time."""
    grams_of: dict[str, list[str]] = {}

    def grams(word: str) -> list[str]:
        padded = f" {word} "
        out: list[str] = []
        for n in range(low, high + 1):
            if len(padded) <= n:
                out.append(padded)
                break
            out += [padded[i : i + n] for i in range(len(padded) - n + 1)]
        return out

    def analyze(text: str) -> list[str]:
        found: list[str] = []
        for word in preprocess(text).split():
            got = grams_of.get(word)
            if got is None:
                got = grams_of[word] = grams(word)
            found += got
        return found

    return analyze


@dataclass(frozen=True)
class Match:
    article: int
    score: float
    parts: tuple[tuple[str, float], ...] = ()  # each weighted part of the score


def article_document(article: Article) -> str:
    """What an article answers: title, description, headings and its opening words."""
    description = article.meta.get("description") or article.meta.get("summary") or ""
    opening = " ".join(article.text.split()[:BODY_WORDS])
    return "\n".join([article.title, str(description), *article.headings, opening])


class Speller:
    """Corrects question words the KB never uses to the closest word it does use
    (`frezee` -> `freeze`, `pasword` -> `password`): same first letter, similar length."""

    def __init__(self, known: Iterable[str], min_ratio: float = 80.0) -> None:
        self.known = set(known)
        self.by_shape: dict[tuple[str, int], list[str]] = {}  # (first letter, length) -> words
        for word in self.known:
            self.by_shape.setdefault((word[0], len(word)), []).append(word)
        self.min_ratio = min_ratio
        self.cache: dict[str, str] = {}

    def word(self, word: str) -> str:
        if word in self.known or word in STOP or len(word) < 4 or word[0].isdigit():
            return word
        if word not in self.cache:
            size = len(word)
            shapes = ((word[0], n) for n in range(size - 2, size + 3))
            pool = sorted(w for shape in shapes for w in self.by_shape.get(shape, ()))
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

    def counts(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Hashed term counts of the texts (words and word pairs)."""
        if not texts:
            return sparse.csr_matrix((0, self.BUCKETS), dtype=np.float32)
        return sparse.csr_matrix(self.hasher.transform(texts), dtype=np.float32)

    def fit_transform(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """IDF fitted on these counts (`counts`), and their TF-IDF rows."""
        return self.idf.fit(counts).transform(counts).astype(np.float32)

    def transform(self, texts: Sequence[str], pairs: bool = True) -> sparse.csr_matrix:
        hasher = self.hasher if pairs else self.single_hasher
        return self.idf.transform(hasher.transform(texts)).astype(np.float32)


class NoChars:
    """The character space when no title or question has a word to take n-grams of: every
    text gets an empty vector, so no article scores on its title (a placeholder token shared
    by every text would give every article the same title score)."""

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return sparse.csr_matrix((len(texts), 1), dtype=np.float32)


@dataclass
class Matcher:
    """The fitted vector spaces of one KB; `match` scores questions against its articles."""

    articles: Sequence[Article]
    words: WordSpace
    chars: TfidfVectorizer | NoChars
    body: sparse.csr_matrix
    titles: sparse.csr_matrix
    title_words: sparse.csr_matrix
    svd: TruncatedSVD | None
    concepts: np.ndarray | None
    concept_columns: np.ndarray
    present: sparse.csr_matrix  # per term: 1 if in the article's document, +1 if in its title
    weights: dict[str, float]
    speller: Speller
    embedder: Embedder | None = None
    article_vectors: np.ndarray | None = None  # sentence embeddings of the documents
    jobs: int = 1  # threads that score chunks of questions (0: one per core)
    _side: tuple[tuple, sparse.csr_matrix] | None = field(default=None, repr=False)

    @property
    def mode(self) -> str:
        """`semantic` (hybrid lexical + embedding score) or `lexical`."""
        return "semantic" if self.article_vectors is not None else "lexical"

    def question_vectors(self, questions: Sequence[str]) -> np.ndarray | None:
        """Sentence embeddings of the questions (None in lexical mode)."""
        if self.embedder is None or self.article_vectors is None:
            return None
        return self.embedder.embed(questions)

    def _query(self, questions: Sequence[str], vectors: np.ndarray | None) -> dict[str, Any]:
        """The question-side vectors of one chunk: words, coverage shares, characters,
        (with a latent space) concepts and (in semantic mode) sentence embeddings."""
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
            "embedded": vectors,
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
        lexical = sparse.hstack(blocks, format="csr") @ self._article_side()
        scores = np.asarray(lexical.toarray(), dtype=np.float32)
        # In place: a chunk's score arrays are large (1,024 x articles).
        if query["latent"] is not None and self.concepts is not None:
            cos = query["latent"] @ self.concepts.T
            np.maximum(cos, 0, out=cos)
            cos *= w["concepts"]
            scores += cos
        if query["embedded"] is not None and self.article_vectors is not None:
            cos = query["embedded"] @ self.article_vectors.T
            cos -= SEMANTIC_OFFSET
            np.maximum(cos, 0, out=cos)
            cos *= w["semantic"]
            scores += cos
        return scores

    def _parts(
        self, query: dict[str, Any], rows: np.ndarray, cols: np.ndarray
    ) -> dict[str, np.ndarray]:
        """Each weighted part of the score of the (question row, article) pairs."""
        w = self._weights()

        def dot(q: sparse.csr_matrix, a: sparse.csr_matrix) -> np.ndarray:
            return np.asarray(q[rows].multiply(a[cols]).sum(axis=1)).ravel()

        parts = {
            "coverage": w["coverage"] * dot(query["found"], self.present),
            "body": w["body"] * dot(query["words"], self.body),
            "title": w["title"] * dot(query["chars"], self.titles),
            "title_words": w["title_words"] * dot(query["words"], self.title_words),
        }
        if query["latent"] is not None and self.concepts is not None:
            cos = np.einsum("ij,ij->i", query["latent"][rows], self.concepts[cols])
            parts["concepts"] = w["concepts"] * np.clip(cos, 0, None)
        if query["embedded"] is not None and self.article_vectors is not None:
            cos = np.einsum("ij,ij->i", query["embedded"][rows], self.article_vectors[cols])
            parts["semantic"] = w["semantic"] * np.clip(cos - SEMANTIC_OFFSET, 0, None)
        return parts

    def _weights(self) -> dict[str, float]:
        w = {k: 0.0 for k in PARTS}
        w.update(self.weights)
        semantic = w.pop("semantic") if self.article_vectors is not None else 0.0
        w.pop("semantic", None)
        if self.svd is None:  # no latent space: its weight goes to the others
            total = 1.0 - w.pop("concepts")
            w = {k: v / total for k, v in w.items()} if total > 0 else w
        w = {k: v * (1.0 - semantic) for k, v in w.items()}
        w["semantic"] = semantic
        return w

    def _article_side(self) -> sparse.csr_matrix:
        """The article blocks of `_scores`, transposed (terms x articles) once as CSR: a
        product with a CSC transpose would convert it again for every chunk. Each block is
        transposed on its own and the blocks stacked, which only concatenates their rows."""
        key = tuple(sorted(self._weights().items()))
        if self._side is None or self._side[0] != key:
            w = dict(key)
            blocks = [
                w["body"] * self.body + w["title_words"] * self.title_words,
                self.present,
                w["title"] * self.titles,
            ]
            side = sparse.vstack([b.T.tocsr().astype(np.float32) for b in blocks], format="csr")
            self._side = (key, side)
        return self._side[1]

    def top(
        self, questions: Sequence[str], k: int, vectors: np.ndarray | None = None
    ) -> list[list[Match]]:
        """The k best articles of every question (score order, ties by article order), in
        chunks of CHUNK questions on `jobs` threads (the sparse products and numpy release
        the interpreter; results are the same on any number). `vectors`: the questions'
        embeddings when already computed (semantic mode)."""
        from kbaudit.sources.parallel import in_threads

        k = min(k, len(self.articles))
        if vectors is None:
            vectors = self.question_vectors(questions)
        self._article_side()  # built once, before the threads share it

        def chunk(start: int) -> list[list[Match]]:
            embedded = vectors[start : start + CHUNK] if vectors is not None else None
            return self._top_chunk(questions[start : start + CHUNK], k, embedded)

        found = in_threads(chunk, range(0, len(questions), CHUNK), self.jobs)
        return [m for part in found for m in part]

    def _top_chunk(
        self, questions: Sequence[str], k: int, vectors: np.ndarray | None
    ) -> list[list[Match]]:
        query = self._query(questions, vectors)
        scores = self._scores(query)
        if k == 0:
            return [[] for _ in range(scores.shape[0])]
        rows, cols, vals = best_k(scores, k)
        chosen: list[list[tuple[int, float]]] = [[] for _ in range(scores.shape[0])]
        for row, col, val in zip(rows.tolist(), cols.tolist(), vals.tolist(), strict=True):
            chosen[row].append((col, val))
        found = self._parts(query, rows, cols) if len(rows) else {}
        parts = {name: values.tolist() for name, values in found.items()}
        out: list[list[Match]] = []
        at = 0
        for picks in chosen:
            matches = []
            for article, score in picks:
                named = tuple((name, v[at]) for name, v in parts.items())
                matches.append(Match(article, score, named))
                at += 1
            out.append(matches)
        return out


def best_k(
    scores: np.ndarray, k: int, minimum: float | None = None, stride: int = 8
) -> tuple[np.ndarray, ...]:
    """Each row's k highest scores of at least `minimum` (None: positive ones) as (rows,
    columns, values), by row, then by score (ties by column). Exact, without a partition of
    every row: the k-th best of every `stride`-th column is a lower bound of the row's k-th
    best, so only the few columns at or above it are sorted."""
    n_rows, n = scores.shape
    k = min(k, n)
    if k == 0 or n_rows == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=scores.dtype)
    sample = scores[:, ::stride]
    least = np.finfo(scores.dtype).tiny if minimum is None else minimum
    floor = np.full(n_rows, least, dtype=scores.dtype)
    if sample.shape[1] >= k and n > 4 * k * stride:
        floor = np.maximum(floor, -np.partition(-sample, k - 1, axis=1)[:, k - 1])
    rows, cols = np.nonzero(scores >= floor[:, None])
    vals = scores[rows, cols]
    order = np.lexsort((cols, -vals, rows))
    rows, cols, vals = rows[order], cols[order], vals[order]
    first = np.searchsorted(rows, np.arange(n_rows))
    rank = np.arange(len(rows)) - first[rows]
    keep = rank < k
    return rows[keep], cols[keep], vals[keep]


@dataclass(frozen=True)
class DocumentTerms:
    """What matching reads of the articles' documents whatever the questions: their hashed
    term counts (one row per article) and every word they use (the speller's dictionary).
    The slow part of fitting a matcher, and what a run can take from the incremental cache
    while the documents are the same."""

    counts: sparse.csr_matrix
    words: list[str]


def document_terms(documents: Sequence[str]) -> DocumentTerms:
    """The DocumentTerms of the documents (`article_document` of each article)."""
    known: set[str] = set()
    for text in documents:
        known.update(_WORD.findall(text.casefold()))
    return DocumentTerms(WordSpace().counts(documents), sorted(known))


def fit_matcher(
    articles: Sequence[Article],
    questions: Sequence[str] = (),
    weights: dict[str, float] | None = None,
    seed: int = 0,
    embedder: Embedder | None = None,
    terms: DocumentTerms | None = None,
    jobs: int = 1,
) -> Matcher:
    """Fit the word, character and latent spaces on the articles (and the questions' words,
    so that their IDF knows how common a question word is); with an embedder, also embed
    the articles' documents (cached per content). `terms`: the documents' DocumentTerms
    when already known; `jobs`: threads that score questions (0: one per core)."""
    documents = [article_document(a) for a in articles] if terms is None or embedder else []
    terms = terms or document_terms(documents)
    titles = [a.title or "" for a in articles]
    words = WordSpace()
    fitted = words.fit_transform(sparse.vstack([terms.counts, words.counts(questions)]).tocsr())
    char_space = TfidfVectorizer(
        analyzer=char_grams(content_words),
        sublinear_tf=True,
        dtype=np.float32,
        max_df=0.5 if len(titles) >= 50 else 1.0,
    )
    chars: TfidfVectorizer | NoChars
    try:
        title_chars = char_space.fit_transform([*titles, *questions])[: len(titles)]
        chars = char_space
    except ValueError:  # no usable word anywhere
        chars = NoChars()
        title_chars = chars.transform(titles)
    title_chars = sparse.csr_matrix(title_chars, dtype=np.float32)
    body = sparse.csr_matrix(fitted[: len(articles)], dtype=np.float32)
    title_words = sparse.csr_matrix(words.transform(titles), dtype=np.float32)
    svd = concepts = None
    # The latent space learns from the questions' co-occurrence too: customers' words
    # ("discontinue", "shut down") land next to the words they are asked with ("account").
    columns = _concept_columns(fitted)
    dims = min(CONCEPTS, len(columns) - 1, fitted.shape[0] // 4)
    if dims >= MIN_CONCEPTS:
        svd = TruncatedSVD(dims, algorithm="randomized", n_iter=4, random_state=seed)
        latent = fitted[:, columns]
        with np.errstate(divide="ignore", invalid="ignore"):  # identical texts: no variance
            svd.fit(latent)
            concepts = normalize(svd.transform(latent[: len(articles)])).astype(np.float32)
    vectors = embedder.embed(documents) if embedder is not None else None
    chosen = dict(weights or WEIGHTS)
    chosen.setdefault("semantic", SEMANTIC_WEIGHT)
    return Matcher(
        articles, words, chars, body, title_chars, title_words, svd, concepts, columns,
        _present(body) + _present(title_words), chosen, Speller(terms.words), embedder, vectors,
        jobs,
    )  # fmt: skip


def _present(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """1 where a term occurs, as float32."""
    present = matrix.copy().astype(np.float32)
    present.data[:] = 1.0
    return present


def _concept_columns(matrix: sparse.csr_matrix) -> np.ndarray:
    """Terms of the latent space: those in at least two texts, at most CONCEPT_TERMS of the
    most widespread (a term in one text links nothing; the cap bounds the SVD)."""
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    columns = np.flatnonzero(df >= 2)
    if len(columns) > CONCEPT_TERMS:
        columns = columns[np.argsort(-df[columns], kind="stable")[:CONCEPT_TERMS]]
    return np.sort(columns)
