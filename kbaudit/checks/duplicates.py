"""Check kinds about duplicates: exact-duplicate, near-duplicate, title-duplicate,
conflicting-duplicate. The groups come from the analysis stage (`kbaudit.analysis.duplicates`,
settings in the config's `duplicates:` section); here each non-canonical member of a group
becomes one finding."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kbaudit.analysis import DUPLICATES
from kbaudit.checks.quality import (
    GENERIC_TITLES,
    MIN_TITLE_LENGTH,
    section_key,
    section_templates,
    vague_title,
)
from kbaudit.corpus import Corpus
from kbaudit.model import Article, Finding, Related
from kbaudit.rules import CheckKind, Context, Param, Registry, corpus_only

if TYPE_CHECKING:
    from kbaudit.analysis.duplicates import DuplicateGroup, Duplicates


def _duplicates(ctx: Context) -> Duplicates:
    assert ctx.analysis is not None and ctx.analysis.duplicates is not None
    return ctx.analysis.duplicates


def _related(corpus: Corpus, index: int, score: float) -> Related:
    a = corpus.articles[index]
    return Related(a.id, a.path, a.title, round(score, 4))


def _members(group: DuplicateGroup) -> Iterator[tuple[int, float]]:
    yield from zip(group.members, group.scores, strict=True)


def exact_duplicate(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    for group in _duplicates(ctx).exact:
        canonical = corpus.articles[group.canonical]
        for m, _ in _members(group):
            yield ctx.finding(
                corpus.articles[m],
                f"exact duplicate of {canonical.ref} ({len(group.members) + 1} copies); "
                "keep one and redirect the others",
                related=[_related(corpus, group.canonical, 1.0)],
                data={"canonical": canonical.ref, "similarity": 1.0},
            )


def near_duplicate(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    """Groups of articles whose texts differ but match; exact copies are represented by
    their canonical (DUP001 reports the copies)."""
    for group in _duplicates(ctx).near:
        canonical = corpus.articles[group.canonical]
        for (m, score), (closest, partner) in zip(_members(group), group.closest, strict=True):
            via = ""
            if partner != group.canonical:
                via = f"; closest match {corpus.articles[partner].ref} ({closest:.2f})"
            yield ctx.finding(
                corpus.articles[m],
                f"near duplicate of {canonical.ref} (body similarity {score:.2f}{via}); "
                "merge them into the canonical article",
                related=[_related(corpus, group.canonical, score)],
                data={"canonical": canonical.ref, "similarity": round(score, 4)},
            )


def title_duplicate(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    """Articles with matching titles (same locale) whose bodies are not duplicates; not
    those whose shared title names no subject ("Overview" in each section, "macOS" under
    installation and under testing): QUAL004 asks each of them for a title that does, which
    also tells them apart."""
    generic = frozenset(str(g).casefold() for g in ctx.params["generic"])
    min_length = int(ctx.params["min_length"])
    templates = section_templates(corpus)

    def vague(article: Article) -> bool:
        return vague_title(article.title, generic, min_length) or section_key(article) in templates

    for group in _duplicates(ctx).title:
        canonical = corpus.articles[group.canonical]
        unnamed = vague(canonical)
        for m, score in _members(group):
            article = corpus.articles[m]
            if unnamed and vague(article):
                continue
            yield ctx.finding(
                article,
                f"title {article.title!r} matches {canonical.ref} ({canonical.title!r}); "
                "retitle one so search and the bot can tell them apart",
                related=[_related(corpus, group.canonical, score)],
                data={"canonical": canonical.ref, "similarity": score},
            )


def conflicting_duplicate(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    """Near duplicates whose matching passages state different facts."""
    quotes = int(ctx.params["max_quotes"])
    for group in _duplicates(ctx).conflict:
        canonical = corpus.articles[group.canonical]
        (m, score), found = next(_members(group)), group.conflicts
        quoted = "; ".join(f"{c.left!r} vs {c.right!r}" for c in found[:quotes])
        yield ctx.finding(
            corpus.articles[m],
            f"near duplicate of {canonical.ref} (similarity {score:.2f}) that states "
            f"different facts: {quoted}; decide which is right and merge",
            related=[_related(corpus, group.canonical, score)],
            data={
                "canonical": canonical.ref,
                "similarity": round(score, 4),
                "passages": [
                    {
                        "article": c.left,
                        "canonical": c.right,
                        "fact": c.left_fact,
                        "canonical_fact": c.right_fact,
                    }
                    for c in found
                ],
            },
        )


def register(registry: Registry) -> None:
    needs = (DUPLICATES,)
    registry.add(
        CheckKind(
            "exact-duplicate",
            "Articles whose normalised bodies are identical (same locale).",
            check_corpus=exact_duplicate,
            cached_with=corpus_only,
            needs=needs,
        )
    )
    registry.add(
        CheckKind(
            "near-duplicate",
            "Articles whose bodies are near duplicates (TF-IDF cosine, boilerplate removed).",
            check_corpus=near_duplicate,
            cached_with=corpus_only,
            needs=needs,
        )
    )
    registry.add(
        CheckKind(
            "title-duplicate",
            "Articles with the same or nearly the same title in one locale.",
            {
                "generic": Param(
                    list(GENERIC_TITLES),
                    "titles that name no subject: pages sharing one are left to QUAL004",
                ),
                "min_length": Param(
                    MIN_TITLE_LENGTH, "pages sharing a title shorter than this are left to QUAL004"
                ),
            },
            check_corpus=title_duplicate,
            cached_with=corpus_only,
            needs=needs,
        )
    )
    registry.add(
        CheckKind(
            "conflicting-duplicate",
            "Near duplicates whose matching passages state different facts.",
            {"max_quotes": Param(2, "differing passages quoted in the message")},
            check_corpus=conflicting_duplicate,
            cached_with=corpus_only,
            needs=needs,
        )
    )
