"""The audited KB: articles plus shared indexes built lazily, once, for every check to read."""

from __future__ import annotations

import posixpath
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from kbaudit.model import Article, Link, LoadProblem, Question
from kbaudit.text import is_internal, link_path

if TYPE_CHECKING:
    pass

_ASSET = re.compile(
    r"\.(png|jpe?g|gif|svg|webp|ico|pdf|zip|mp4|mov|css|js|json|ya?ml|txt|xlsx?|docx?)$", re.I
)
_DOC_SUFFIXES = (".md", ".markdown", ".mdx", ".html", ".htm")


@dataclass(frozen=True)
class BrokenLink:
    article: Article
    link: Link
    resolved: str


@dataclass
class Corpus:
    """Everything a check may read. Indexes are cached properties: built on first use only."""

    articles: list[Article]
    root: str = "."
    format: str = "markdown"
    problems: list[LoadProblem] = field(default_factory=list)
    files: frozenset[str] = frozenset()
    questions: list[Question] | None = None
    base_url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.articles)

    @cached_property
    def by_path(self) -> dict[str, Article]:
        return {a.path: a for a in self.articles if a.path}

    @cached_property
    def by_id(self) -> dict[str, Article]:
        return {a.id: a for a in self.articles}

    @cached_property
    def top_folders(self) -> frozenset[str]:
        return frozenset(p.split("/")[0] for p in (self.files or self.by_path) if "/" in p)

    @cached_property
    def meta_key_counts(self) -> Counter[str]:
        """How many articles use each front-matter/metadata key."""
        counts: Counter[str] = Counter()
        for article in self.articles:
            counts.update(article.meta.keys())
        return counts

    @cached_property
    def category_counts(self) -> Counter[str]:
        return Counter(a.category for a in self.articles if a.category)

    def resolve_link(self, article: Article, link: Link) -> str | None:
        """Where an internal link points, as a KB-relative path; None when not judgeable
        (external, in-page, an asset, or a site-absolute URL outside this export)."""
        target = link.target
        if self.base_url and target.startswith(self.base_url):
            target = "/" + target[len(self.base_url) :].lstrip("/")
        if not is_internal(target):
            return None
        path = link_path(target)
        if not path or _ASSET.search(path):
            return None
        if path.startswith("/"):
            # Site-absolute: often a published URL of another docs set. Judged only when it
            # resolves, or names a document file inside a top folder of this export.
            resolved = posixpath.normpath(path.lstrip("/"))
            if self.link_exists(resolved):
                return resolved
            in_export = resolved.split("/")[0] in self.top_folders
            if not (in_export and resolved.lower().endswith(_DOC_SUFFIXES)):
                return None
        else:
            base = posixpath.dirname(article.path or "")
            resolved = posixpath.normpath(posixpath.join(base, path))
        return resolved

    def link_exists(self, resolved: str) -> bool:
        known = self.files or frozenset(self.by_path)
        if resolved in known:
            return True
        stem = resolved.rstrip("/")
        candidates = [stem + s for s in _DOC_SUFFIXES]
        candidates += [f"{stem}/index{s}" for s in _DOC_SUFFIXES]
        candidates += [f"{stem}/README.md"]
        return any(c in known for c in candidates)

    @cached_property
    def link_graph(self) -> dict[str, list[str]]:
        """Article ref -> KB-relative targets of its internal links that resolve."""
        graph: dict[str, list[str]] = defaultdict(list)
        for article in self.articles:
            for link in article.links:
                resolved = self.resolve_link(article, link)
                if resolved is not None and self.link_exists(resolved):
                    graph[article.ref].append(resolved)
        return dict(graph)

    @cached_property
    def inbound_links(self) -> Counter[str]:
        """How many articles link to each path: a signal for choosing canonical articles."""
        counts: Counter[str] = Counter()
        for targets in self.link_graph.values():
            counts.update(set(targets))
        return counts

    @cached_property
    def broken_links(self) -> list[BrokenLink]:
        broken = []
        for article in self.articles:
            if article.path is None:
                continue
            for link in article.links:
                resolved = self.resolve_link(article, link)
                if resolved is not None and not self.link_exists(resolved):
                    broken.append(BrokenLink(article, link, resolved))
        return broken
