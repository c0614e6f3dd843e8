"""Duplicate detection: exact, near (equal to brute force), titles, boilerplate, conflicts,
canonical choice, and the `duplicates` command on fixtures/duplicates/bodies."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import numpy as np
import pytest
from rapidfuzz import fuzz, process
from scipy import sparse

from kbaudit.analysis.similarity import canonical_key, conflicts
from kbaudit.cli import app
from kbaudit.corpus import Corpus
from kbaudit.corpus.similarity import (
    TITLE_NUMBERS,
    TOKEN_PATTERN,
    candidate_pairs,
    exact_groups,
    find_boilerplate,
    in_more_than,
    line_hash,
    normalise,
    score_pairs,
    similar_strings,
    strip_boilerplate,
    text_lines,
    text_shingles,
    text_terms,
    title_pairs,
)
from kbaudit.model import Article
from kbaudit.text import word_count, words

from .conftest import FIXTURES, OFFICEDOCS, SAMPLE_KB, build_tfidf, needs

BODIES = FIXTURES / "duplicates" / "bodies" / "kb"


def _article(path: str, text: str, title: str = "", **kw: object) -> Article:
    return Article(id=path, path=path, title=title or path, text=text, **kw)  # type: ignore[arg-type]


def _synthetic(n: int, seed: int = 1) -> list[str]:
    """Random texts over a small vocabulary, plus edited copies of some of them."""
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(400)]
    texts = [
        " ".join(rng.choice(words, size=80, p=np.r_[[0.5 / 40] * 40, [0.5 / 360] * 360]))
        for _ in range(n)
    ]
    for k in range(n // 10):
        tokens = texts[k].split()
        for i in rng.choice(len(tokens), size=int(rng.integers(2, 20)), replace=False):
            tokens[i] = str(rng.choice(words))
        texts.append(" ".join(tokens))
    return texts


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Refund a  Payment.", "refund a payment"),
        ("**Bold** and\n\nspaced", "bold and spaced"),
        ("Café — ÉTÉ!", "café été"),
    ],
)
def test_normalise(a: str, b: str) -> None:
    assert normalise(a) == b


# Characters that stress line splitting, case folding and word matching: every line break
# `str.splitlines` knows (and "\r\n"), markup, an underscore, letters that fold to two
# ("ß", "İ"), a final sigma, combining marks, CJK, digits.
_TRICKY = [*"\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029", "\r\n", " ", "  ", "\t", "\xa0", "\x1f"]
_TRICKY += [*"-_*#|.,'’", "ß", "İ", "Σ", "ΟΔΟΣ", "e\u0301", "\u0307", "漢字", "42", "Word", "b"]


def _normalised(text: str) -> str:
    """What `normalise` is defined as, written out (it takes a shortcut for ASCII text)."""
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


@pytest.mark.parametrize("seed", range(5))
def test_text_lines_normalise_each_line_and_the_body(seed: int) -> None:
    """text_lines normalises the whole text in one pass (ASCII text with a pattern of its
    own): each line hash must still be that of the normalised line and the body that of the
    normalised text, whatever the characters."""
    rng = np.random.default_rng(seed)
    for _ in range(300):
        text = "".join(rng.choice(_TRICKY, size=int(rng.integers(0, 40))))
        found = text_lines(text)
        expected = [line_hash(_normalised(line)) for line in text.splitlines()]
        assert found.lines.tolist() == expected, repr(text)
        body = _normalised(text)
        assert normalise(text) == body, repr(text)
        assert found.body == hashlib.blake2b(body.encode(), digest_size=16).digest(), repr(text)
        assert found.body_words == body.count(" ") + 1


@pytest.mark.parametrize("seed", range(3))
def test_words_and_word_count_of_any_text(seed: int) -> None:
    """The ASCII shortcut of `words` and the counting of `word_count` change nothing."""
    rng = np.random.default_rng(seed)
    pattern = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
    for _ in range(300):
        text = "".join(rng.choice(_TRICKY, size=int(rng.integers(0, 40))))
        assert words(text) == [w.lower() for w in pattern.findall(text)], repr(text)
        if not re.search(r"[\u3040-\u9fff]", text):
            assert word_count(text) == len(pattern.findall(text)), repr(text)


@pytest.mark.parametrize("seed", range(3))
def test_text_terms_are_scikit_learns_tokens(seed: int) -> None:
    """text_terms tokenises ASCII text with a pattern of its own: the tokens must be those
    of scikit-learn's analyzer (the corpus vectorizer's) in any text."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyze = TfidfVectorizer(token_pattern=TOKEN_PATTERN, stop_words="english").build_analyzer()
    pieces = [*_TRICKY, "Invoice", "w2", "2fa", "x_y", "it's", "THE", "and", "ab", "a", "é"]
    rng = np.random.default_rng(seed)
    for _ in range(300):
        text = "".join(rng.choice(pieces, size=int(rng.integers(0, 30))))
        found = text_terms(text)
        terms = found.term_list()
        assert [terms[i] for i in found.tokens.tolist()] == analyze(text), repr(text)


def _all_pairs(matrix: sparse.csr_matrix, threshold: float) -> dict[tuple[int, int], float]:
    """The all-pairs answer (quadratic), the reference `score_pairs` must equal."""
    product = sparse.triu(matrix @ matrix.T, k=1).tocoo()
    hit = product.data >= threshold
    return {
        (int(i), int(j)): round(float(s), 4)
        for i, j, s in zip(product.row[hit], product.col[hit], product.data[hit], strict=True)
    }


@pytest.mark.parametrize("threshold", [0.5, 0.6, 0.8, 0.9])
def test_near_pairs_equal_brute_force(threshold: float) -> None:
    texts = _synthetic(300)
    _, matrix = build_tfidf(texts)
    shingles = text_shingles([text_terms(t) for t in texts], min_words=5)
    expected = _all_pairs(matrix, threshold)
    found = score_pairs(matrix, shingles, threshold).as_dict()
    assert set(found) == set(expected)
    assert len(found) >= 5


def test_candidates_skip_stock_phrases() -> None:
    shared = np.arange(1, 200, dtype=np.uint64) * np.uint64(4)  # all kept by the sample
    shingles = [shared.copy() for _ in range(5)]
    assert len(candidate_pairs(shingles, max_df=10)) == 10
    assert len(candidate_pairs(shingles, max_df=4)) == 0


@pytest.mark.parametrize("bucket_bits", [0, 3, 22])
def test_values_in_more_than_a_floor_of_texts(
    monkeypatch: pytest.MonkeyPatch, bucket_bits: int
) -> None:
    """Counting by bucket first (forced on small input; with 8 buckets each holds many
    values, shared or not) finds exactly the values a plain count finds, and so do the
    boilerplate lines."""
    import kbaudit.corpus.similarity as similarity

    if bucket_bits:
        monkeypatch.setattr(similarity, "_BUCKETS_FROM", 0)
        monkeypatch.setattr(similarity, "_BUCKET_BITS", bucket_bits)
    rng = np.random.default_rng(3)
    pool = rng.integers(0, 2**63, size=40, dtype=np.uint64) * np.uint64(2)
    texts = [np.unique(rng.choice(pool, size=rng.integers(0, 30))) for _ in range(60)]
    texts.append(np.zeros(0, dtype=np.uint64))
    counts: dict[int, int] = {}
    for text in texts:
        for v in text.tolist():
            counts[v] = counts.get(v, 0) + 1
    for floor in (0, 5, 12.5, 20, 60):
        expected = sorted(v for v, n in counts.items() if n > floor)
        assert in_more_than(texts, floor).tolist() == expected
    assert in_more_than([], 1).tolist() == []
    # Boilerplate: each text's lines repeat (a line twice in one text counts once).
    lines = [text_lines("\n".join(f"line {v % 7}" for v in t.tolist() * 2)) for t in texts]
    per_text = [set(t.lines.tolist()) for t in lines]
    for share in (0.1, 0.3, 0.6):
        found = find_boilerplate(lines, share, min_articles=2).lines
        floor = max(2, share * len(lines))
        everywhere = set().union(*per_text)
        assert found == {h for h in everywhere if sum(h in t for t in per_text) > floor}


def test_boilerplate_found_by_share_and_count() -> None:
    texts = [f"unique body {i}\nWas this article helpful?" for i in range(10)]
    lines = [text_lines(t) for t in texts]
    found = find_boilerplate(lines, share=0.5, min_articles=5)
    assert found.lines == {line_hash("was this article helpful")}
    assert strip_boilerplate(texts[3], lines[3], found) == "unique body 3"
    assert not find_boilerplate(lines[:4], share=0.5, min_articles=5).lines


def test_boilerplate_present_in_each_text_sorted_and_once() -> None:
    footer, legal = "Was this article helpful?", "All rights reserved."
    texts = [f"body {i}\n{footer}\n{legal}\n{footer}" for i in range(8)] + ["no footer here", ""]
    lines = [text_lines(t) for t in texts]
    found = find_boilerplate(lines, share=0.5, min_articles=5)
    present = found.present(lines)
    both = np.sort(
        np.array(
            [line_hash("was this article helpful"), line_hash("all rights reserved")],
            dtype=np.uint64,
        )
    )
    assert len(present) == len(texts)
    assert all(np.array_equal(p, both) for p in present[:8])
    assert [len(p) for p in present[8:]] == [0, 0]


def test_nothing_to_compare_gives_nothing() -> None:
    assert candidate_pairs([np.zeros(0, dtype=np.uint64)] * 3).shape == (0, 2)
    assert candidate_pairs([]).shape == (0, 2)
    nothing = find_boilerplate([], share=0.5, min_articles=5)
    assert not nothing.lines and nothing.present([]) == []


def test_tfidf_from_counted_terms_is_scikit_learns() -> None:
    """The corpus' TF-IDF is fitted on terms counted once per text (and cached): the same
    vocabulary, matrix and idf, bit for bit, as fitting scikit-learn's vectorizer on the
    texts."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [*_synthetic(300), "", "123 456", "Straße STRASSE ÉTÉ été", "the and of"]
    vectorizer, matrix = build_tfidf(texts)
    reference = TfidfVectorizer(
        token_pattern=TOKEN_PATTERN,
        stop_words="english",
        sublinear_tf=True,
        dtype=np.float32,
        max_df=0.5,
    )
    expected = sparse.csr_matrix(reference.fit_transform(texts), dtype=np.float32)
    assert list(vectorizer.get_feature_names_out()) == list(reference.get_feature_names_out())
    assert vectorizer.idf_.tobytes() == reference.idf_.tobytes()
    for part in ("indptr", "indices", "data"):
        assert getattr(matrix, part).tobytes() == getattr(expected, part).tobytes()


def test_articles_sharing_only_boilerplate_are_not_duplicates() -> None:
    footer = "\n".join(
        f"Legal line {w} about terms, trademarks, cookies and privacy of the service."
        for w in ("one", "two", "three", "four", "five", "six", "seven", "eight")
    )
    topics = [
        "invoices due",
        "bank feeds",
        "payroll runs",
        "expense receipts",
        "tax returns",
        "quotes sent",
        "card refunds",
        "team invites",
        "logo uploads",
        "year end",
    ]
    articles = [
        _article(f"a{i}.md", f"How to handle {t} quickly in the app today.\n{footer}")
        for i, t in enumerate(topics)
    ]
    corpus = Corpus(articles)
    assert corpus.near_duplicates(0.5, 5, share=1.0) != {}  # nothing stripped: they pair
    assert corpus.near_duplicates(0.5, 5) == {}  # boilerplate stripped: they do not


def test_exact_groups_stay_within_a_locale() -> None:
    body = "To refund a payment open the invoice and choose refund then confirm it."
    articles = [
        _article("en/a.md", body, locale="en"),
        _article("en/b.md", body.upper(), locale="en"),
        _article("de/a.md", body, locale="de"),
        _article("en/short.md", "Short."),
        _article("en/short2.md", "Short."),
    ]
    assert exact_groups(articles, min_words=5) == [[0, 1]]


@pytest.mark.parametrize(
    ("first", "second", "locales", "match"),
    [
        ("Connect your bank account", "Connect your bank account", ("en", "en"), True),
        ("Connect your bank account", "Your bank account: connect", ("en", "en"), True),
        ("Connect your bank account", "Connect your bank account", ("en", "fr"), False),
        ("Install Office 2016", "Install Office 2019", ("en", "en"), False),
        (
            "Release II guided mode walkthrough",
            "Release III guided mode walkthrough",
            ("en", "en"),
            False,
        ),
        (
            "Release I guided mode walkthrough",
            "Release III guided mode walkthrough",
            ("en", "en"),
            False,
        ),
        ("How do I reset my password", "How do I reset my passwords", ("en", "en"), True),
        ("Connect your bank account", "Export your invoices", ("en", "en"), False),
        # opposite tasks or directions are two titles
        ("Next Misspelling command", "Previous Misspelling command", ("en", "en"), False),
        ("Sort Newest to Oldest command", "Sort Oldest to Newest command", ("en", "en"), False),
        # two names from code are two members of an API; the same one is one title
        (
            "GetLine Method (Document Object)",
            "GetLines Method (Document Object)",
            ("en",) * 2,
            False,
        ),
        ("EE_FREE message", "EE_FREE_ALL message", ("en", "en"), False),
        ("GetLine Method (Document Object)", "GetLine method (Document object)", ("en",) * 2, True),
    ],
)
def test_title_pairs(first: str, second: str, locales: tuple[str, str], match: bool) -> None:
    articles = [
        _article("a.md", "x", first, locale=locales[0]),
        _article("b.md", "y", second, locale=locales[1]),
    ]
    assert bool(title_pairs(articles, 90)) is match


def _brute_strings(
    strings: list[str], cutoff: float, blocks: list[object], scorer: object = fuzz.ratio
) -> dict[tuple[int, int], int]:
    """The all-pairs answer: every pair of non-empty strings of one block, scored by cdist."""
    scores = process.cdist(strings, strings, scorer=scorer, score_cutoff=cutoff, dtype=np.uint8)
    return {
        (int(i), int(j)): int(scores[i, j])
        for i, j in zip(*np.nonzero(scores), strict=True)
        if i < j and strings[i] and strings[j] and blocks[i] == blocks[j]
    }


def _variants(seed: int, n: int) -> list[str]:
    """Strings from a few stems with small edits (typos, dropped and swapped words), so that
    many pairs sit around every cutoff."""
    rng = np.random.default_rng(seed)
    stems = [
        "reset your password",
        "connect a bank account",
        "export invoices to csv",
        "log in",
        "tax",
        "set up two factor sign in for the whole team",
    ]
    out = []
    for _ in range(n):
        chars = list(stems[int(rng.integers(len(stems)))])
        for _ in range(int(rng.integers(0, 4))):
            k = int(rng.integers(len(chars) + 1))
            action = int(rng.integers(3))
            if action == 0:
                chars.insert(k, "abcdefghijklmnopqrstuvwxyz "[int(rng.integers(27))])
            elif k < len(chars) and action == 1:
                del chars[k]
            elif k < len(chars):
                chars[k] = chars[k].upper()
        out.append("".join(chars))
    return [*out, "", "", "a", "ab"]


@pytest.mark.parametrize("cutoff", [0, 30, 60, 70, 80, 86, 90, 92, 95, 100])
@pytest.mark.parametrize("seed", [1, 2])
def test_similar_strings_equal_all_pairs(cutoff: float, seed: int) -> None:
    strings = _variants(seed, 300)
    blocks: list[object] = [len(s) % 2 if seed == 2 else None for s in strings]
    found = similar_strings(strings, cutoff, blocks)
    assert found == _brute_strings(strings, cutoff, blocks)
    assert len(found) > 0


def _title_variants(seed: int, n: int) -> list[str]:
    """Titles as editors vary them: words reordered, dropped or added, one word misspelt,
    a number changed."""
    rng = np.random.default_rng(seed)
    stems = [
        "reset your account password from the sign in page",
        "connect a business bank account to payroll",
        "export paid invoices to a spreadsheet",
        "install office 2016 on a shared computer",
        "why was my card payment declined",
        "invite team members and set their roles",
    ]
    extra = ["quickly", "new", "again", "mobile", "help", "the"]
    out = []
    for _ in range(n):
        words = stems[int(rng.integers(len(stems)))].split()
        action = int(rng.integers(5))
        if action == 0:
            rng.shuffle(words)
        elif action == 1:
            del words[int(rng.integers(len(words)))]
        elif action == 2:
            words.insert(int(rng.integers(len(words))), extra[int(rng.integers(len(extra)))])
        elif action == 3:
            k = int(rng.integers(len(words)))
            cut = int(rng.integers(len(words[k])))
            words[k] = words[k][:cut] + "xz"[int(rng.integers(2))] + words[k][cut + 1 :]
        else:
            words = [w.replace("2016", "2019") for w in words]
        out.append(" ".join(words).capitalize())
    return out


@pytest.mark.parametrize("threshold", [92, 95, 97])
def test_title_pairs_equal_all_pairs(threshold: float) -> None:
    titles = [*_title_variants(3, 400), "Install Office 2016", "2016 office: install", "?"]
    articles = [
        _article(f"a{i}.md", "x", t, locale="fr" if i % 7 == 0 else "en")
        for i, t in enumerate(titles)
    ]
    names = [normalise(a.title) for a in articles]
    blocks: list[object] = [
        (a.locale, tuple(TITLE_NUMBERS.findall(t))) for a, t in zip(articles, names, strict=True)
    ]
    brute = _brute_strings(names, threshold, blocks, scorer=fuzz.token_sort_ratio)
    assert title_pairs(articles, threshold) == {p: s / 100 for p, s in brute.items()}
    assert len(brute) > 100


def test_section_numbers_are_no_facts() -> None:
    """Two pages of one template number their sections differently ("### 3.1 Save the
    filter" / "### 1.1 Save the filter"): where a section sits is no conflicting fact; a
    version in a sentence still is."""
    left = "## 3.1 Save and share the current filter\nSelect Save and name the filter.\n"
    right = "## 1.1 Save and share the current filter\nSelect Save and name the filter.\n"
    assert conflicts(left, right) == []
    assert conflicts("3.1 Save the filter under a name.", "1.1 Save the filter under a name.") == []
    found = conflicts("Version 3.1 saves the filter.", "Version 1.1 saves the filter.")
    assert [(c.left_fact, c.right_fact) for c in found] == [("3.1", "1.1")]
    found = conflicts("2.5 adds dark mode to the app.", "2.6 adds dark mode to the app.")
    assert [(c.left_fact, c.right_fact) for c in found] == [("2.5", "2.6")]


def test_conflicts_quote_differing_facts() -> None:
    left = "Intro line.\nThe Plus plan costs $25 per month and includes bank feeds for you."
    right = "Intro line.\nThe Plus plan costs $29 per month and includes bank feeds for you."
    found = conflicts(left, right)
    assert [(c.left_fact, c.right_fact) for c in found] == [("$25", "$29")]
    assert "$25 per month" in found[0].left and "$29 per month" in found[0].right
    assert conflicts(left, left) == []


SCHEDULE = """Reminders go out on this schedule:
- 3 days before the due date
- 7 days after the due date
- {last} days after the due date
"""


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        # Both list the same values: "14 days" in one is not the other's "7 days" line.
        (SCHEDULE.format(last=14), SCHEDULE.format(last=14), []),
        (SCHEDULE.format(last=14), "\n".join(SCHEDULE.format(last=14).splitlines()[::-1]), []),
        # One list changed a value: that value conflicts with the one the other gives.
        (SCHEDULE.format(last=14), SCHEDULE.format(last=30), [("14 days", "30 days")]),
        # One list leaves a value out: an omission, not a contradiction.
        (SCHEDULE.format(last=14), SCHEDULE.replace("- {last} days after the due date\n", ""), []),
        (
            "You can ask for a refund within 14 days of the charge.",
            "You can ask for a refund within 30 days of the charge.",
            [("14 days", "30 days")],
        ),
    ],
    ids=["same-list", "same-list-reordered", "changed-value", "left-out-value", "one-value"],
)
def test_conflicts_compare_the_values_of_aligned_passages(
    left: str, right: str, expected: list[tuple[str, str]]
) -> None:
    assert [(c.left_fact, c.right_fact) for c in conflicts(left, right)] == expected
    assert [(c.right_fact, c.left_fact) for c in conflicts(right, left)] == expected


@needs(SAMPLE_KB)
def test_sample_kb_reports_only_the_real_conflict(runner) -> None:
    """Both reminder articles list "7 days" and "14 days after the due date": no conflict.
    The refund articles say 14 days and $9 against 30 days and $12: a conflict."""
    args = ["audit", str(SAMPLE_KB), "-f", "json", "-q", "--select", "DUP004"]
    result = runner.invoke(app, [*args, "--as-of", "2026-11-23"])
    findings = json.loads(result.stdout)["findings"]
    assert [f["path"] for f in findings] == ["account/subscription-refunds.md"]
    facts = {(p["fact"], p["canonical_fact"]) for p in findings[0]["data"]["passages"]}
    assert facts == {("30 days", "14 days"), ("$12", "$9")}


@pytest.mark.parametrize(
    ("left", "right", "titles"),
    [
        (
            "Fix error 5.7.12 by checking the sender settings now.",
            "Fix error 5.7.13 by checking the sender settings now.",
            ("Error 5.7.12", "Error 5.7.13"),
        ),
        (
            "Step 1 of the wizard asks for the tenant name and region.",
            "Step 2 of the wizard asks for the tenant name and region.",
            (),
        ),
        (
            "See article 3068838 for the hybrid wizard fix here.",
            "See article 3067292 for the hybrid wizard fix here.",
            (),
        ),
    ],
)
def test_subjects_and_identifiers_are_not_conflicts(
    left: str, right: str, titles: tuple[str, ...]
) -> None:
    assert conflicts(left, right, titles) == []


@pytest.mark.parametrize(
    ("rule", "winner"),
    [(["most_linked"], "b.md"), (["newest"], "a.md"), (["longest"], "c.md"), ([], "a.md")],
)
def test_canonical_rule(rule: list[str], winner: str) -> None:
    articles = {
        "a.md": (_article("a.md", "x", updated_at=dt.date(2025, 1, 1), word_count=10), 0),
        "b.md": (_article("b.md", "x", updated_at=dt.date(2024, 1, 1), word_count=10), 3),
        "c.md": (_article("c.md", "x", updated_at=dt.date(2023, 1, 1), word_count=99), 0),
    }
    assert (
        min(articles, key=lambda p: canonical_key(articles[p][0], articles[p][1], rule)) == winner
    )


def test_duplicates_command_json(runner) -> None:
    result = runner.invoke(app, ["duplicates", str(BODIES), "-f", "json", "-q"])
    assert result.exit_code == 0, result.output
    groups = {(g["kind"], g["canonical"], tuple(g["members"])) for g in json.loads(result.stdout)}
    assert groups == {
        ("exact", "payments/refund-a-payment.md", ("billing/refunds.md",)),
        ("near", "invoices/send-reminders.md", ("invoices/payment-reminders.md",)),
        ("near", "plans/pricing.md", ("billing/plan-prices.md",)),
        ("conflict", "plans/pricing.md", ("billing/plan-prices.md",)),
        ("title", "banking/connect-bank.md", ("onboarding/bank.md",)),
    }


def test_conflict_finding_quotes_both_passages(runner) -> None:
    result = runner.invoke(app, ["audit", str(BODIES), "-f", "json", "-q", "--select", "DUP004"])
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["severity"] == "error"
    assert "$25 per month" in finding["message"] and "$29 per month" in finding["message"]
    assert {p["fact"] for p in finding["data"]["passages"]} == {"$25", "14 days"}


@pytest.mark.parametrize(
    ("fmt", "start"), [("csv", "kind,canonical,members"), ("table", "5 duplicate groups")]
)
def test_duplicates_command_formats(runner, fmt: str, start: str) -> None:
    result = runner.invoke(app, ["duplicates", str(BODIES), "-f", fmt, "-q"])
    assert result.exit_code == 0
    assert result.stdout.strip().startswith(start) and "refunds" in result.stdout


def test_duplicates_command_rejects_unknown_format(runner) -> None:
    result = runner.invoke(app, ["duplicates", str(BODIES), "-f", "xml"])
    assert result.exit_code == 2


@needs(OFFICEDOCS)
def test_officedocs_duplicates_stay_in_their_locale_and_make_sense(runner, tmp_path) -> None:
    out = tmp_path / "dups.json"
    result = runner.invoke(app, ["duplicates", str(OFFICEDOCS), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    groups = json.loads(out.read_text(encoding="utf-8"))
    assert {g["kind"] for g in groups} >= {"near", "title"}
    near = [g for g in groups if g["kind"] == "near"]
    assert all(g["similarity"] > 0.5 for g in near)
    conflicts_found = [g for g in groups if g["kind"] == "conflict"]
    assert not any("5.7.1" in g["reason"] for g in conflicts_found)  # error codes are subjects


def test_pairs_are_scored_the_same_on_several_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    from scipy import sparse

    import kbaudit.corpus.similarity as similarity

    rng = np.random.default_rng(3)
    matrix = sparse.random(300, 500, density=0.05, format="csr", random_state=4, dtype=np.float32)
    pairs = np.sort(rng.integers(0, 300, size=(2000, 2)), axis=1)
    monkeypatch.setattr(similarity, "_VERIFY_CHUNK", 150)  # 14 chunks
    one = similarity.cosine_of_pairs(matrix, pairs, jobs=1)
    several = similarity.cosine_of_pairs(matrix, pairs, jobs=3)
    dense = matrix.toarray().astype(np.float64)
    expected = np.einsum("ij,ij->i", dense[pairs[:, 0]], dense[pairs[:, 1]])
    assert np.array_equal(one, several)
    assert np.allclose(one, expected, atol=1e-5)


def test_per_text_values_pickle_back_equal_and_writable() -> None:
    """The per-text values the incremental cache stores come back with the same arrays
    (values and types), which can still be changed in place as numpy's own pickles allow."""
    import pickle

    text = "Reset your password from the sign-in page.\n\nReset it again if the link expired."
    terms, lines = text_terms(text), text_lines(text)
    terms_back = pickle.loads(pickle.dumps(terms, protocol=pickle.HIGHEST_PROTOCOL))
    lines_back = pickle.loads(pickle.dumps(lines, protocol=pickle.HIGHEST_PROTOCOL))
    assert (terms_back.terms, terms_back.words) == (terms.terms, terms.words)
    for back, before in (
        (terms_back.tokens, terms.tokens),
        (terms_back.shingles, terms.shingles),
        (lines_back.lines, lines.lines),
    ):
        assert back.dtype == before.dtype and back.tolist() == before.tolist()
        assert back.flags.writeable
    assert (lines_back.body, lines_back.body_words) == (lines.body, lines.body_words)
    empty = pickle.loads(pickle.dumps(text_terms("")))
    assert empty.tokens.dtype == np.int32 and len(empty.shingles) == 0


def test_a_cosine_does_not_depend_on_the_pairs_scored_with_it() -> None:
    """Rows stored out of column order (as a fitted vectorizer stores them) get the same
    cosine, to the last bit, alone, among other pairs and in either order of the pair."""
    from kbaudit.corpus.similarity import cosine_of_pairs

    rng = np.random.default_rng(5)
    rows = [rng.choice(300, 60, replace=False) for _ in range(40)]
    rows[:4] = [np.sort(r) for r in rows[:4]]  # a chunk of these alone is stored in order
    indptr = np.r_[0, np.cumsum([len(r) for r in rows])]
    data = (rng.random(indptr[-1]) ** 3).astype(np.float32)
    matrix = sparse.csr_matrix((data, np.concatenate(rows), indptr), shape=(40, 300))
    pairs = np.array([(i, j) for i in range(40) for j in range(i + 1, 40)])
    every = cosine_of_pairs(matrix, pairs)
    assert np.array_equal(every, cosine_of_pairs(matrix, pairs[:, ::-1].copy()))
    assert np.array_equal(every[:3], cosine_of_pairs(matrix, pairs[:3]))  # rows 0-3
    dense = matrix.toarray().astype(np.float64)
    assert np.allclose(every, np.einsum("ij,ij->i", dense[pairs[:, 0]], dense[pairs[:, 1]]))


def _topical(seed: int = 2) -> list[str]:
    """Texts on 20 topics, each with words of its own, and an edited copy of every fifth:
    changing the texts of one topic reweights no row of another."""
    rng = np.random.default_rng(seed)
    texts = [
        " ".join(rng.choice([f"t{topic}w{k}" for k in range(60)], size=60))
        for topic in range(20)
        for _ in range(8)
    ]
    for k in range(0, 160, 5):
        tokens = texts[k].split()
        tokens[10] = tokens[30] = tokens[50] = f"t{k // 8}copy"
        texts.append(" ".join(tokens))
    return texts


def test_an_earlier_search_gives_the_scores_of_unchanged_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Near pairs found with an earlier search's decisions equal those of scoring every
    pair, to the last bit, after a topic's text is edited, one text removed and another
    added, and the texts reordered; only pairs with a reweighted row are scored, and an
    unchanged pair the earlier search did not score (it shared no shingle then) is."""
    import kbaudit.corpus.similarity as similarity
    from kbaudit.corpus.similarity import LastSearch, row_digests

    def search(
        texts: list[str], hidden: int | None = None
    ) -> tuple[sparse.csr_matrix, list[np.ndarray], list[bytes]]:
        vectorizer, matrix = build_tfidf(texts)
        shingles = text_shingles([text_terms(t) for t in texts], min_words=5)
        if hidden is not None:
            shingles[hidden] = np.zeros(0, dtype=np.uint64)
        return matrix, shingles, row_digests(matrix, vectorizer.get_feature_names_out())

    scored: list[int] = []
    cosines = similarity.cosine_of_pairs

    def counted(matrix: sparse.csr_matrix, pairs: np.ndarray, jobs: int = 1) -> np.ndarray:
        scored.append(len(pairs))
        return cosines(matrix, pairs, jobs)

    monkeypatch.setattr(similarity, "cosine_of_pairs", counted)
    texts = _topical()
    copy_of_first = 160  # the copy of text 0, without shingles in the first search
    matrix, shingles, digests = search(texts, hidden=copy_of_first)
    first = LastSearch(digests, score_pairs(matrix, shingles, 0.8))
    assert (0, copy_of_first) not in first.pairs.as_dict()

    edited = list(texts)
    edited[17] += " t2w1 t2w2"  # topic 2
    edited[43] = edited[42] + " t5copy"  # topic 5: one text gone, one added
    edited = edited[-30:] + edited[:-30]  # every text moves
    matrix, shingles, digests = search(edited)
    del scored[:]
    reused = score_pairs(matrix, shingles, 0.8, earlier=first.matched(digests))
    found = reused.as_dict()
    assert 0 < scored[0] < len(reused.scored)
    assert found == score_pairs(matrix, shingles, 0.8).as_dict()
    assert (30, copy_of_first + 30) in found  # text 0 and its copy, moved
    assert len(found) >= 30

    damaged = LastSearch(digests[:-1], reused)
    assert damaged.matched(digests) is None
