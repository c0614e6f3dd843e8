"""The differing facts that turn a near duplicate into a conflict, and how the canonical
article of a duplicate group is chosen (the pairs come from `kbaudit.corpus.similarity`)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from kbaudit.corpus.similarity import normalise
from kbaudit.model import Article

FACT = re.compile(
    r"https?://[^\s)>\]]+"  # URLs
    r"|\b\d{4}-\d{2}-\d{2}\b"  # ISO dates
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,? \d{4}\b"
    r"|[$€£]\s?\d[\d,]*(?:\.\d+)?"  # prices
    r"|\bv?\d+(?:[.,:/]\d+)*%?",  # numbers, versions, times, durations
    re.I,
)


_IDENTIFIER = re.compile(r"\d{5,}")  # ticket, KB and build numbers name things, not facts
# A section's number opening its line ("### 3.1 Save the filter", "2.4.1 Configure"): where
# a section sits in its page, not a fact of the answer.
_LINE_OPENING = re.compile(r"[\s#>*_|-]*")
_TITLED_AFTER = re.compile(r"(?<![ \t])\.?+[ \t]++[A-Z]")  # starts at no run of spaces
_BARE = re.compile(r"\d+")
# A bare whole number is a fact only with a unit after it ("30 days"); alone it is usually a
# step, a list position or a fragment of a code.
UNITS = frozenset(
    [
        "second",
        "seconds",
        "minute",
        "minutes",
        "hour",
        "hours",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "percent",
        "%",
        "gb",
        "mb",
        "kb",
        "tb",
        "users",
        "user",
        "seats",
        "licenses",
        "characters",
        "times",
        "attempts",
    ]
)
# words that may stand between a number and its unit: "5 working days", "3 business days"
QUALIFIERS = frozenset(["working", "business", "calendar", "banking", "full", "consecutive"])
_CONTEXT = 60  # characters of context on each side of a fact


@dataclass(frozen=True)
class Conflict:
    """The same passage stating different facts (number, price, date, version, URL)."""

    left: str
    right: str
    left_fact: str
    right_fact: str


@dataclass(frozen=True)
class _Mention:
    fact: str
    context: str  # the surrounding words with every fact masked
    quote: str


def _masked(text: str) -> str:
    return normalise(FACT.sub(" 0 ", text))


@functools.lru_cache(maxsize=4096)
def _mentions(text: str) -> tuple[_Mention, ...]:
    """Each fact of the text with the words around it (within its line; a number's unit may
    be on the next line, where a paragraph wraps). Kept for the texts of recent calls: an
    article is compared with each article of its pairs."""
    out = []
    lines = text.splitlines()
    for n, line in enumerate(lines):
        for m in FACT.finditer(line):
            if (
                "." in m.group(0)
                and _LINE_OPENING.fullmatch(line, 0, m.start())
                and _TITLED_AFTER.match(line, m.end())
            ):
                continue  # a section number
            start = max(0, m.start() - _CONTEXT)
            end = min(len(line), m.end() + _CONTEXT)
            before = line[start : m.start()]
            after = line[m.end() : end]
            if start:
                before = before.split(" ", 1)[-1]
            if end < len(line):
                after = after.rsplit(" ", 1)[0]
            quote = f"{'…' * bool(start)}{before}{m.group(0)}{after}{'…' * (end < len(line))}"
            fact = m.group(0).casefold()
            if _BARE.fullmatch(fact):
                tail = line[m.end() :] + " " + (lines[n + 1] if n + 1 < len(lines) else "")
                unit = [w.casefold().strip(".,;:") for w in tail.split(None, 2)[:2]]
                unit = unit[:2] if unit[:1] and unit[0] in QUALIFIERS else unit[:1]
                if not unit or unit[-1] not in UNITS:
                    continue
                fact = " ".join([fact, *unit])
            context = f"{_masked(before)} # {_masked(after)}"
            out.append(_Mention(fact, context, quote.strip()))
    return tuple(out)


def _is_fact(value: str, named: str) -> bool:
    """Identifiers and the subject named in a title ("error 5.7.12") are not facts."""
    if _IDENTIFIER.fullmatch(value.split()[0].lstrip("v")):
        return False
    return f" {normalise(value)} " not in named


def conflicts(
    left: str, right: str, titles: Sequence[str] = (), min_similarity: float = 85
) -> list[Conflict]:
    """Facts of `left` whose context matches facts' contexts in `right` (rapidfuzz ratio
    >= `min_similarity`, facts masked) while the two sides state different values there.

    A passage may be aligned with several (a schedule: "3 days before", "7 days after",
    "14 days after the due date"). A fact conflicts only when `right` states none of the
    aligned passages with that value, and states one with a value `left` does not give in
    any passage of that context either: the same list of values in both is no conflict (in
    any order: two values each side also states elsewhere are not a contradiction), and
    neither is a value one side leaves out. Facts found in `titles` (what the articles
    are about) and long bare numbers (identifiers) are not compared."""
    named = " " + " ".join(normalise(t) for t in titles) + " "
    theirs = [m for m in _mentions(right) if _is_fact(m.fact, named)]
    if not theirs:
        return []
    mine_all = [m for m in _mentions(left) if _is_fact(m.fact, named)]
    their_contexts = [m.context for m in theirs]
    my_contexts = [m.context for m in mine_all]
    their_facts = {m.fact for m in theirs}
    my_facts = {m.fact for m in mine_all}
    found: list[Conflict] = []
    seen: set[tuple[str, str]] = set()
    for mine in mine_all:
        if len(mine.context) < 16:
            continue
        aligned = process.extract(
            mine.context, their_contexts, scorer=fuzz.ratio, score_cutoff=min_similarity, limit=None
        )
        if not aligned or any(theirs[j].fact == mine.fact for _, _, j in aligned):
            continue
        own = process.extract(
            mine.context, my_contexts, scorer=fuzz.ratio, score_cutoff=min_similarity, limit=None
        )
        stated = {mine_all[j].fact for _, _, j in own}
        # the best-aligned passage of `right` whose value `left` never gives in this context
        other = next((theirs[j] for _, _, j in aligned if theirs[j].fact not in stated), None)
        if other is None or (mine.fact in their_facts and other.fact in my_facts):
            continue  # both values on both sides: the same list in another order
        if (mine.quote, other.quote) not in seen:
            seen.add((mine.quote, other.quote))
            found.append(Conflict(mine.quote, other.quote, mine.fact, other.fact))
    return found


# ---- canonical members ----------------------------------------------------------------------

CANONICAL_RULES = ("most_linked", "newest", "longest")


def canonical_key(article: Article, inbound: int, rule: Iterable[str]) -> tuple[object, ...]:
    """Sort key (smallest wins) for choosing the canonical article of a duplicate group:
    the criteria in the order given, then the smallest path as the final tie-break."""
    parts: list[object] = []
    for name in rule:
        if name == "most_linked":
            parts.append(-inbound)
        elif name == "newest":
            parts.append(-(article.updated_at.toordinal() if article.updated_at else 0))
        elif name == "longest":
            parts.append(-article.word_count)
    return (*parts, article.ref)
