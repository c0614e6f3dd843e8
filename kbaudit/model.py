"""The data every stage shares: articles, findings, severities. Frozen dataclasses, no logic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any


class Severity(IntEnum):
    """How serious a finding is; ordered so that comparisons work (`>=` for --fail-on)."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Link:
    """A link found in an article body. `internal` links point into the KB. A link `by_name`
    is a wikilink (`[[Reset password#Steps|label]]`): its target names a note, wherever in the
    KB it is, rather than giving a path."""

    target: str
    text: str = ""
    internal: bool = False
    line: int | None = None
    by_name: bool = False


@dataclass(frozen=True)
class Image:
    src: str
    alt: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Extracted:
    """What every rule needs to know about a body, whatever its markup."""

    text: str
    headings: tuple[str, ...]
    links: tuple[Link, ...]
    images: tuple[Image, ...]
    word_count: int
    h1: str | None = None


# Statuses of pages no reader comes to by browsing or searching the help center: drafts
# (`draft: true`, `published: false`) and hidden pages (`hidden`, `unlisted`, `noindex`).
UNPUBLISHED = ("draft", "hidden")


@dataclass(frozen=True)
class Article:
    """One KB article, normalised whatever the export format."""

    id: str
    path: str | None
    title: str
    text: str
    raw: str = ""
    body_format: str = "markdown"
    headings: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    images: tuple[Image, ...] = ()
    word_count: int = 0
    category: str | None = None
    tags: tuple[str, ...] = ()
    owner: str | None = None
    updated_at: dt.date | None = None
    created_at: dt.date | None = None
    review_at: dt.date | None = None
    status: str | None = None
    outdated: bool = False
    locale: str | None = None
    url: str | None = None
    date_source: str | None = None
    body_line: int = 1
    meta: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    ignores: frozenset[str] = frozenset()

    @property
    def ref(self) -> str:
        """How findings and reports name this article: its path, else its id."""
        return self.path or self.id


@dataclass(frozen=True)
class Related:
    """Another article a finding points at (a duplicate, a link target, a match)."""

    id: str
    path: str | None = None
    title: str | None = None
    score: float | None = None


@dataclass(frozen=True)
class Finding:
    """One problem found by one rule; `article` is None for corpus-level findings."""

    rule: str
    name: str
    category: str
    severity: Severity
    message: str
    article: Article | None = None
    path: str | None = None
    line: int | None = None
    related: tuple[Related, ...] = ()
    data: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    # The values a security rule found, so the audit can mask them in every report; never
    # written anywhere (the audit empties it once the result is masked).
    secrets: tuple[str, ...] = field(default=(), hash=False, compare=False, repr=False)

    def about(self, article: Article | None) -> Finding:
        """This finding with `article` as its article: a copy of its fields (what
        `dataclasses.replace` gives, without running `__init__` again: a warm run attaches
        a million cached findings to their articles)."""
        copy = object.__new__(Finding)
        copy.__dict__.update(self.__dict__)
        copy.__dict__["article"] = article
        return copy

    @property
    def where(self) -> str:
        """The article path (or id) the finding is about, or the file for input findings."""
        if self.article is not None:
            return self.article.ref
        return self.path or ""


class InputCode(StrEnum):
    """The codes of the `input` rules (rules/input.yaml), named once for every reader."""

    UNREADABLE = "INPUT001"
    FRONT_MATTER = "INPUT002"
    ENCODING = "INPUT003"
    BAD_DATE = "INPUT004"
    SLOW_PATTERN = "INPUT005"
    SUMMARY_ONLY = "INPUT006"
    NOT_READ = "INPUT007"
    UNNAMED_TAGS = "INPUT008"
    PARTIAL_EXPORT = "INPUT009"
    UNNAMED_OWNERS = "INPUT010"
    SHARED_DATE = "INPUT011"


@dataclass(frozen=True)
class LoadProblem:
    """A file or record that could not be read (fully); becomes an `input` finding."""

    code: InputCode
    path: str
    message: str
    line: int | None = None


@dataclass(frozen=True)
class Question:
    """A distinct customer question with its volume (how many times it was asked)."""

    text: str
    volume: int = 1
    signal: str | None = None
