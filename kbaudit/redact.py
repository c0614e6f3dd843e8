"""Secrets never reach a report. Once a security rule has found a secret or a piece of personal
data, every copy of it is masked in everything a reporter can read: messages and data of every
finding, the titles and texts of related and audited articles, and the analyses' sections
(duplicate reasons, topic labels, gap questions). Masking is a property of the result, so no
output format, present or future, can show what a security rule found."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from kbaudit.model import Article, Finding, Related

MIN_SECRET = 6  # shorter values would mask ordinary words


def mask(value: str) -> str:
    """How a secret is shown: its first characters and its last two."""
    keep = 4 if len(value) > 12 else 2
    return value[:keep] + "…" + value[-2:]


def redactor(secrets: Iterable[str]) -> Callable[[str], str] | None:
    """A function masking every occurrence of the secrets in a text (longest first), or None
    when there is nothing to mask."""
    values = sorted({s for s in secrets if len(s) >= MIN_SECRET}, key=lambda s: (-len(s), s))
    if not values:
        return None
    found = re.compile("|".join(re.escape(v) for v in values))
    return lambda text: found.sub(lambda m: mask(m.group(0)), text) if text else text


def _deep(value: Any, clean: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [_deep(v, clean) for v in value]
    if isinstance(value, tuple):
        return tuple(_deep(v, clean) for v in value)
    if isinstance(value, dict):
        return {_deep(k, clean): _deep(v, clean) for k, v in value.items()}
    return value


def redact_article(article: Article, clean: Callable[[str], str]) -> Article:
    return replace(
        article,
        title=clean(article.title),
        text=clean(article.text),
        raw=clean(article.raw),
        headings=tuple(clean(h) for h in article.headings),
        meta=_deep(article.meta, clean),
    )


def redact(
    findings: list[Finding],
    articles: list[Article],
    sections: dict[str, Any],
) -> tuple[list[Finding], list[Article], dict[str, Any]]:
    """The findings, articles and sections with every secret the security findings name
    masked; unchanged when there is none."""
    clean = redactor(s for f in findings if f.category == "security" for s in f.secrets)
    if clean is None:
        return findings, articles, sections
    cleaned: dict[int, Article] = {id(a): redact_article(a, clean) for a in articles}

    def article(a: Article | None) -> Article | None:
        if a is None:
            return None
        return cleaned.get(id(a)) or redact_article(a, clean)

    def related(r: Related) -> Related:
        title = clean(r.title) if r.title else r.title
        return replace(r, id=clean(r.id), path=clean(r.path) if r.path else r.path, title=title)

    out = [
        replace(
            f,
            message=clean(f.message),
            article=article(f.article),
            related=tuple(related(r) for r in f.related),
            data=_deep(f.data, clean),
            secrets=(),
        )
        for f in findings
    ]
    return out, [cleaned[id(a)] for a in articles], _deep(sections, clean)
