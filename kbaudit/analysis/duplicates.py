"""Duplicate groups: exact copies, near duplicates, matching titles and conflicting near
duplicates, each a group with a canonical article. Computed once per audit from the corpus'
shared indexes with the config's `duplicates:` settings; the DUP rules and the `duplicates`
command read the same groups."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kbaudit.analysis.groups import UnionFind
from kbaudit.analysis.similarity import CANONICAL_RULES, Conflict, canonical_key, conflicts
from kbaudit.apiref import Operation, different_operations, operations
from kbaudit.config import DuplicateSettings
from kbaudit.corpus import Corpus
from kbaudit.corpus.similarity import (
    TITLE_NUMBERS,
    compound_words,
    opposite_tasks,
    other_code_names,
)
from kbaudit.corpus.translations import families, placeholder_translations
from kbaudit.errors import ConfigError
from kbaudit.model import Article
from kbaudit.normalize import INCLUDED_BY

EXACT, NEAR, TITLE, CONFLICT = "exact", "near", "title", "conflict"
SIBLING_RATIO = 3  # a sibling's subject is named this many times more in its own body


@dataclass(frozen=True)
class DuplicateGroup:
    """Articles (indexes into the corpus) that say the same thing; `members` are the others
    in path order, `scores` their similarity to the canonical article, `closest` each
    member's best match (similarity, article) when that is not the canonical one."""

    kind: str
    canonical: int
    members: tuple[int, ...]
    scores: tuple[float, ...]
    reason: str
    closest: tuple[tuple[float, int], ...] = ()
    conflicts: tuple[Conflict, ...] = ()

    def to_json(self, corpus: Corpus) -> dict[str, Any]:
        entry = {
            "canonical": corpus.articles[self.canonical].ref,
            "members": [corpus.articles[m].ref for m in self.members],
            "similarity": round(min(self.scores), 4),
            "kind": self.kind,
            "reason": self.reason,
        }
        return entry


@dataclass(frozen=True)
class Duplicates:
    exact: list[DuplicateGroup]
    near: list[DuplicateGroup]
    title: list[DuplicateGroup]
    conflict: list[DuplicateGroup]

    def to_json(self, corpus: Corpus) -> list[dict[str, Any]]:
        groups = self.exact + self.near + self.title + self.conflict
        entries = [g.to_json(corpus) for g in groups]
        return sorted(entries, key=lambda e: (e["kind"], e["canonical"], e["members"]))


def find_duplicates(corpus: Corpus, settings: DuplicateSettings) -> Duplicates:
    rule = list(settings.canonical)
    unknown = [r for r in rule if r not in CANONICAL_RULES]
    if unknown:
        raise ConfigError(
            f"duplicates.canonical: unknown criterion {', '.join(unknown)}; "
            f"use a list of {', '.join(CANONICAL_RULES)}"
        )
    finder = _Finder(corpus, settings, rule)
    found = corpus.exact_duplicates(
        settings.min_words, settings.boilerplate_share, settings.boilerplate_min_articles
    )
    exact_sets = [
        kept for group in found for kept in finder.answers(finder.compared(group)) if len(kept) > 1
    ]
    pairs, representative = finder.body_pairs(exact_sets)
    return Duplicates(
        exact=finder.exact(exact_sets),
        near=finder.near(pairs, representative),
        title=finder.title(),
        conflict=finder.conflict(pairs),
    )


@dataclass
class _Finder:
    corpus: Corpus
    settings: DuplicateSettings
    rule: list[str]
    bodies: dict[int, Counter[str]] = field(default_factory=dict)  # subject terms by article
    apis: dict[int, frozenset[Operation]] = field(default_factory=dict)  # API operations

    def compared(self, members: Iterable[int]) -> list[int]:
        """The `members` whose status `skip_status` does not leave out."""
        skipped = self.settings.skip_status
        return [i for i in members if (self.corpus.articles[i].status or "") not in skipped]

    def answers(self, members: list[int]) -> list[list[int]]:
        """`members` (pages of one text) grouped by the API operations they document: pages
        of two operations that share their description are two answers, not copies. Pages
        sharing an operation are one group, and all are one when any documents none."""
        found = {i: self._operations(i) for i in members}
        if not all(found.values()):
            return [members]
        sets: UnionFind[int] = UnionFind(members)
        # method and path -> each operation of that path (one per spec) -> its first page
        first: dict[tuple[str, str], dict[Operation, int]] = defaultdict(dict)
        for i in members:
            for op in found[i]:
                for seen, page in first[op.method, op.path].items():
                    if op.same(seen):
                        sets.union(i, page)
                first[op.method, op.path].setdefault(op, i)
        return sets.groups()

    def _operations_apart(self, i: int, j: int) -> bool:
        """Whether two pages document different API operations (`GET /v1/items/{id}` /
        `DELETE /v1/items/{id}`, or one path in two APIs' specs): each page answers for its
        own operation however alike their one-line descriptions. The same operation
        documented twice is a duplicate."""
        return different_operations(self._operations(i), self._operations(j))

    def _operations(self, i: int) -> frozenset[Operation]:
        if i not in self.apis:  # an article is in many pairs: its text is read once
            article = self.corpus.articles[i]
            self.apis[i] = operations(article.raw or article.text)
        return self.apis[i]

    def pick(self, members: Iterable[int]) -> int:
        articles, inbound = self.corpus.articles, self.corpus.inbound_links
        return min(
            members, key=lambda i: canonical_key(articles[i], inbound[articles[i].ref], self.rule)
        )

    def _boilerplate(self) -> tuple[float, int]:
        return self.settings.boilerplate_share, self.settings.boilerplate_min_articles

    def similarities(self, pairs: Sequence[tuple[int, int]]) -> list[float]:
        if not pairs:
            return []
        from kbaudit.corpus.similarity import cosine_of_pairs

        matrix = self.corpus.cosine_rows(*self._boilerplate())
        return [float(s) for s in cosine_of_pairs(matrix, np.array(pairs, dtype=np.int64))]

    def _others(self, members: Iterable[int], canonical: int) -> tuple[int, ...]:
        articles = self.corpus.articles
        return tuple(sorted((m for m in members if m != canonical), key=lambda i: articles[i].ref))

    def _sorted(self, groups: list[DuplicateGroup]) -> list[DuplicateGroup]:
        return sorted(groups, key=lambda g: (self.corpus.articles[g.canonical].ref, g.members))

    def exact(self, sets: list[list[int]]) -> list[DuplicateGroup]:
        reason = "same body text once case, spacing, punctuation and markup are removed"
        # translations of different articles sharing a notice ("only available in English")
        # are missing translations (COV006), not copies of one answer
        notices = placeholder_translations(self.corpus)
        groups = []
        for found in sets:
            members = [i for i in found if i not in notices]
            if len(members) < 2:
                continue
            canonical = self.pick(members)
            others = self._others(members, canonical)
            groups.append(DuplicateGroup(EXACT, canonical, others, (1.0,) * len(others), reason))
        return self._sorted(groups)

    def body_pairs(
        self, exact_sets: list[list[int]]
    ) -> tuple[dict[tuple[int, int], float], dict[int, int]]:
        """Near pairs between distinct texts, and article -> canonical of its exact group."""
        representative: dict[int, int] = {}
        for members in exact_sets:
            keep = self.pick(members)
            representative.update({m: keep for m in members})
        s = self.settings
        near = self.corpus.near_duplicates(s.threshold, s.min_words, *self._boilerplate())
        kept = [
            p
            for p in near
            if len(self.compared(p)) == 2
            and representative.get(p[0], p[0]) != representative.get(p[1], p[1])
            and not self._shown_in(*p)
            and not self._operations_apart(*p)
        ]
        apart = (
            self._template_siblings(kept) if s.separate_template_siblings else [False] * len(kept)
        )
        pairs = {p: near[p] for p, siblings in zip(kept, apart, strict=True) if not siblings}
        return pairs, representative

    def _template_siblings(self, pairs: list[tuple[int, int]]) -> list[bool]:
        """Whether the articles of each pair are template siblings (`_siblings`): a function
        of their titles, paths and texts (and the stop words scikit-learn gives) alone,
        kept in the incremental cache (`Corpus.recall`), so that a run after an edit tells
        apart only the pairs with an edited side."""
        from kbaudit.cache import sklearn_version

        articles = self.corpus.articles
        inputs = [
            repr([(a.title, a.path, a.text) for a in (articles[i], articles[j])]) for i, j in pairs
        ]
        return self.corpus.recall(
            "template-siblings", inputs, lambda n: self._siblings(*pairs[n]), sklearn_version()
        )

    def _siblings(self, i: int, j: int) -> bool:
        """Whether two similar articles are siblings of one template about different
        subjects ("Fix NDR error 5.7.124" / "... 5.7.12", "Remove an alias from a contact" /
        "... from a distribution list", "Pro player" / "ProMax player"): each title names a
        subject of its own, or the titles are one title but for a number ("Support for
        macOS 11" / "... macOS 12": each version's own notice, whose bodies name the next
        version too), or each names a platform the other does not ("... on desktop" / "... on
        mobile"), or one names a hardware revision of the other's device ("Plug" / "Plug R2"),
        or each is filed in a folder of its own subject that its body is about
        (Sonarr/ "Import custom formats" / Radarr/ "Import custom formats": one guide for
        each product), or the titles name opposite tasks or directions ("Next misspelling" /
        "Previous misspelling", "Sort newest to oldest" / "... oldest to newest": a command
        reference's pages) or different names from code ("GetLine Method" / "GetLines
        Method"). Copies of one answer name the same subject."""
        a, b = self.corpus.articles[i], self.corpus.articles[j]
        return (
            opposite_tasks(compound_words(a.title), compound_words(b.title))
            or other_code_names(a.title, b.title)
            or _numbered_siblings(a.title, b.title)
            or _named_siblings(a, b)
            or _platform_siblings(a.title, b.title)
            or _revision_siblings(a.title, b.title)
            or all(self._own_subjects(i, j))
            or all(self._own_subjects(i, j, of=_folder_path))
        )

    def _shown_in(self, i: int, j: int) -> bool:
        """Whether one article includes the other (an include directive, an imported page):
        one text kept in one place and shown in two, not two answers to reconcile."""
        a, b = self.corpus.articles[i], self.corpus.articles[j]
        return a.path in (b.meta.get(INCLUDED_BY) or ()) or b.path in (
            a.meta.get(INCLUDED_BY) or ()
        )

    def _own_subjects(
        self, i: int, j: int, of: Callable[[Article], str] = lambda a: a.title
    ) -> tuple[bool, bool]:
        """Whether each title (or what `of` names an article by) names a term the other does
        not and its own body uses, at least SIBLING_RATIO times as often as the other body."""
        from kbaudit.analysis.matching import subject_terms  # scikit-learn: only when grouping

        a, b = self.corpus.articles[i], self.corpus.articles[j]
        title_a, title_b = set(subject_terms(of(a))), set(subject_terms(of(b)))
        for n in (i, j):  # an article is in many pairs: its body is counted once
            if n not in self.bodies:
                self.bodies[n] = subject_terms(self.corpus.articles[n].text)
        body_a, body_b = self.bodies[i], self.bodies[j]

        def names(title: set[str], own: Counter[str], other: Counter[str]) -> bool:
            return any(own[t] > 0 and SIBLING_RATIO * other[t] <= own[t] for t in title)

        return names(title_a - title_b, body_a, body_b), names(title_b - title_a, body_b, body_a)

    def near(
        self, pairs: dict[tuple[int, int], float], representative: dict[int, int]
    ) -> list[DuplicateGroup]:
        """Groups of articles whose texts differ but match; exact copies are represented by
        their canonical (the exact groups list the copies)."""
        sets: UnionFind[int] = UnionFind()
        best: dict[int, tuple[float, int]] = {}
        for (i, j), score in pairs.items():
            ri, rj = representative.get(i, i), representative.get(j, j)
            sets.union(ri, rj)
            best[ri] = max(best.get(ri, (0.0, -1)), (score, rj))
            best[rj] = max(best.get(rj, (0.0, -1)), (score, ri))
        reason = (
            f"body text TF-IDF cosine >= {self.settings.threshold:g} once boilerplate lines are "
            "removed; they share whole passages"
        )
        chosen = []
        for found in sets.groups():
            members = list(found)
            canonical = self.pick(members)
            chosen.append((canonical, self._others(members, canonical)))
        # Every group's similarities to its canonical article in one batch (a batch per group
        # cost a gather of rows each: 1.5 s for 1,500 groups).
        scores = iter(self.similarities([(c, m) for c, others in chosen for m in others]))
        groups = []
        for canonical, others in chosen:
            group_scores = tuple(next(scores) for _ in others)
            closest = tuple(best[m] for m in others)
            groups.append(
                DuplicateGroup(NEAR, canonical, others, group_scores, reason, closest=closest)
            )
        return self._sorted(groups)

    def title(self) -> list[DuplicateGroup]:
        """Articles with matching titles (same locale) whose bodies are not duplicates, and
        neither title names a subject of its own that its body is about ("Outlook calendar
        scan" / "Outlook scan", "upload errors related to attributes" / "... derivation").
        Empty pages are left out: they give no answer to confuse with the other's, and so
        are two translations of two sources whose titles match (the sources are reported)."""
        pairs = self.corpus.title_duplicates(self.settings.title_threshold)
        ordered = sorted(p for p in pairs if len(self.compared(p)) == 2)
        bodies = self.similarities(ordered)
        apart = self.settings.separate_template_siblings
        articles = self.corpus.articles
        matched = []
        for pair, body in zip(ordered, bodies, strict=True):
            if min(articles[i].word_count for i in pair) == 0:
                continue  # an empty page (QUAL001, or a parent page) is no second answer
            if self._shown_in(*pair):
                continue  # one page shows the other's text: one text, kept in one place
            if body < self.settings.max_body_similarity and not (
                apart
                and (
                    _named_siblings(*(articles[i] for i in pair)) or any(self._own_subjects(*pair))
                )
            ):
                matched.append(pair)
        # two translations titled alike because their sources are: retitling the sources
        # retitles them, so the sources' pair is reported, not each language's copy of it
        source_of = {i: f.source for f in families(self.corpus) for i in f.translations.values()}
        sources: UnionFind[int] = UnionFind()
        for a, b in matched:
            if a not in source_of and b not in source_of:
                sources.union(a, b)
        sets: UnionFind[int] = UnionFind()
        for a, b in matched:
            mirrored = a in source_of and b in source_of and source_of[a] != source_of[b]
            if mirrored and sources.find(source_of[a]) == sources.find(source_of[b]):
                continue
            sets.union(a, b)
        reason = "titles match (rapidfuzz token_sort_ratio) in the same locale, bodies differ"
        groups = []
        for found in sets.groups():
            members = list(found)
            canonical = self.pick(members)
            others = self._others(members, canonical)
            scores = tuple(pairs.get((min(m, canonical), max(m, canonical)), 0.0) for m in others)
            groups.append(DuplicateGroup(TITLE, canonical, others, scores, reason))
        return self._sorted(groups)

    def conflict(self, pairs: dict[tuple[int, int], float]) -> list[DuplicateGroup]:
        """Near-duplicate pairs whose matching passages state different facts: one group per
        pair, the non-canonical article as its member. The facts of a pair are a function of
        the two texts, titles and the passage setting alone: the incremental cache keeps
        them (`Corpus.recall`), so a run after an edit compares only the pairs with an
        edited side."""
        articles = self.corpus.articles
        similarity = self.settings.min_passage_similarity
        sides = []
        for (i, j), score in sorted(pairs.items()):
            keep = self.pick((i, j))
            sides.append((j if keep == i else i, keep, score))
        compared = [(articles[other], articles[keep]) for other, keep, _ in sides]

        def compare(n: int) -> list[Conflict]:
            other, keep = compared[n]
            return conflicts(other.text, keep.text, (other.title, keep.title), similarity)

        inputs = [repr((a.text, b.text, a.title, b.title, similarity)) for a, b in compared]
        by_article: dict[int, list[DuplicateGroup]] = defaultdict(list)
        for (other, keep, score), found in zip(
            sides, self.corpus.recall("conflicts", inputs, compare), strict=True
        ):
            if found:
                facts = ", ".join(dict.fromkeys(f"{c.left_fact} vs {c.right_fact}" for c in found))
                group = DuplicateGroup(
                    CONFLICT,
                    keep,
                    (other,),
                    (score,),
                    f"differing facts: {facts}",
                    conflicts=tuple(found),
                )
                by_article[other].append(group)
        return [g for _, groups in sorted(by_article.items()) for g in groups]


_TITLE_WORD = re.compile(r"\w+(?:[.,]\d+)*")


_MONTHS = frozenset(
    [
        "jan",
        "january",
        "feb",
        "february",
        "mar",
        "march",
        "apr",
        "april",
        "may",
        "jun",
        "june",
        "jul",
        "july",
        "aug",
        "august",
        "sep",
        "sept",
        "september",
        "oct",
        "october",
        "nov",
        "november",
        "dec",
        "december",
    ]
)
_RANGE = frozenset(["to", "from", "until", "till", "through"])


def _numbered_siblings(a: str, b: str) -> bool:
    """Two titles that are the same words but for numbers in the same places, at least one
    pair differing: "Support for macOS 11" / "Support for macOS 12", "Release II" / "Release III";
    or one title over two different dates or periods ("Usage report Jan 8, 2024 to Oct 18,
    2024" / "Usage report Feb 2024 - Dec 3 2024": a series of reports)."""
    words_a, words_b = _TITLE_WORD.findall(a.casefold()), _TITLE_WORD.findall(b.casefold())
    if words_a == words_b:
        return False
    if len(words_a) == len(words_b) and all(
        x == y or (_number(x) and _number(y)) for x, y in zip(words_a, words_b, strict=True)
    ):
        return True
    dates_a, dates_b = _dates(words_a), _dates(words_b)
    return (
        bool(dates_a and dates_b) and dates_a != dates_b and _undated(words_a) == _undated(words_b)
    )


def _number(word: str) -> bool:
    """A number, a version or a Roman numeral of two letters or more ("ii", "iv")."""
    return word[0].isdigit() or TITLE_NUMBERS.fullmatch(word) is not None


def _dates(words: list[str]) -> list[str]:
    return [w for w in words if _number(w) or w in _MONTHS]


def _undated(words: list[str]) -> list[str]:
    return [w for w in words if not (_number(w) or w in _MONTHS or w in _RANGE)]


_WORD = re.compile(r"\w+")


def _code(word: str) -> bool:
    """Whether a word is a model code: letters and digits in one word (S01)."""
    return (
        _WORD.fullmatch(word) is not None
        and any(c.isdigit() for c in word)
        and any(c.isalpha() for c in word)
    )


# Devices and operating systems a help center writes one answer for each of.
PLATFORMS = frozenset(
    [
        "desktop", "mobile", "phone", "tablet", "computer", "android", "ios", "iphone", "ipad",
        "mac", "macos", "windows", "linux", "chromebook", "chromeos",
    ]
)  # fmt: skip


def _platform_siblings(a: str, b: str) -> bool:
    """Two titles that each name a platform the other does not ("Enable it on your desktop
    browser" / "... on your mobile phone"): one answer for each platform, which a reader of
    one cannot follow on the other."""
    words_a, words_b = (
        set(_TITLE_WORD.findall(a.casefold())),
        set(_TITLE_WORD.findall(b.casefold())),
    )
    return bool(PLATFORMS & (words_a - words_b)) and bool(PLATFORMS & (words_b - words_a))


# A hardware revision a title adds to a product's name: "R2", "Rev 3", "Gen 2", "Mk II".
_REVISION = re.compile(r"(?:r|rev|revision|gen|generation|mk|mark) ?(?:\d{1,2}|[ivx]{1,4})")


def _revision_siblings(a: str, b: str) -> bool:
    """Two titles one of which is the other and a hardware revision ("Smart Plug" / "Smart
    Plug R2"): two devices, wired and set up apart, each with its page. (A version of a
    page, "Install v2", is not a revision of a device.)"""
    words_a, words_b = _TITLE_WORD.findall(a.casefold()), _TITLE_WORD.findall(b.casefold())
    short, long = sorted((words_a, words_b), key=len)
    if not short or any(short.count(w) > long.count(w) for w in short):
        return False
    extra = list(long)
    for word in short:
        extra.remove(word)
    return _REVISION.fullmatch(" ".join(extra)) is not None


def _named_siblings(a: Article, b: Article) -> bool:
    """Two titles that are one title but for a word on each side that names a thing: a model
    code ("MJ S01" / "MJ SD01"), or the folder each article is filed in ("Record tests for
    Java" in java/ / "... for Go" in go/). A different name is a different subject, however
    few letters apart; a misspelt or reworded title is neither a code nor its own folder."""
    words_a, words_b = (
        _TITLE_WORD.findall(a.title.casefold()),
        _TITLE_WORD.findall(b.title.casefold()),
    )
    only_a, only_b = set(words_a) - set(words_b), set(words_b) - set(words_a)
    if len(only_a) != 1 or len(only_b) != 1:
        return False
    (x,), (y,) = only_a, only_b
    if _code(x) and _code(y):
        return True
    folders_a, folders_b = _folders(a), _folders(b)
    return x in folders_a - folders_b and y in folders_b - folders_a


def _folder_path(article: Article) -> str:
    """The folders an article is filed in ("docs/Sonarr/Tips"), its file name left out."""
    return (article.path or "").rpartition("/")[0]


def _folders(article: Article) -> set[str]:
    """The folder names of an article's path, case-folded."""
    return {f.casefold() for f in (article.path or "").split("/")[:-1]}
