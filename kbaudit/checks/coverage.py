"""Check kinds about coverage: question-coverage (uncovered or partly covered customer
questions, from the analysis stage's one matching; silent without questions), missing-article
(internal links to articles that do not exist, one finding per target), empty-category and
weak-category (taxonomy categories with no article, or only stale or thin ones)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from kbaudit.analysis import COVERAGE, PARTIAL, UNCOVERED
from kbaudit.analysis.language import language_name
from kbaudit.corpus import Corpus
from kbaudit.errors import RuleError
from kbaudit.model import UNPUBLISHED, Article, Finding, Related
from kbaudit.normalize import SHOWS_UNREAD, SUMMARY_ONLY
from kbaudit.rules import CheckKind, Context, Param, Registry


def question_coverage(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    wanted = str(ctx.params["status"])
    if wanted not in (UNCOVERED, PARTIAL):
        raise RuleError(
            f"{ctx.rule.code}: param status is {wanted!r}; it takes {UNCOVERED} or {PARTIAL} "
            f"(see `kbaudit explain {ctx.rule.code}`)"
        )
    coverage = ctx.analysis.coverage if ctx.analysis is not None else None
    if coverage is None:
        return
    articles = coverage.articles
    written = {i: g.language for g in coverage.report.gaps if g.language for i in g.members}
    for n, result in enumerate(coverage.report.results):
        if result.status != wanted:
            continue
        q = result.question
        best = articles[result.matches[0].article] if result.matches else None
        nearest = f"; nearest article {best.ref!r} ({result.matches[0].score:.2f})" if best else ""
        if n in written:
            name = language_name(written[n])
            nearest = f"; written in {name}, a language the KB has no articles in"
        signal = f", {q.signal}" if q.signal else ""
        yield ctx.finding(
            None,
            f"{wanted} question (asked {q.volume}x{signal}): {q.text!r}{nearest}",
            path="",
            related=[
                Related(
                    articles[m.article].id,
                    articles[m.article].path,
                    articles[m.article].title,
                    round(m.score, 4),
                )
                for m in result.matches
            ],
            data={"question": q.text, "volume": q.volume, "signal": q.signal, "subject": q.text},
        )


# The last part of a link target that cannot name an article: an address, a template variable
# left unrendered by the export (`$itemUrl`, `{{url}}`), a file or a domain ("deck.pptx",
# "bonus.ly"), GitBook's `broken-reference` (what it writes for a link whose page was
# deleted); its broken link is QUAL006's. Page suffixes and versions ("v2.5") can.
_NOT_A_PAGE = re.compile(
    r"[@$]|\{\{|%7B%7B|^broken-reference$"
    r"|\.(?!(?:md|markdown|mdx|html?|aspx?|php|rst)$)[a-z]{1,10}$",
    re.I,
)


def missing_article(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    """One finding per link target that does not exist, naming every article linking to it."""
    by_target: dict[str, list[Article]] = defaultdict(list)
    for broken in corpus.broken_links:
        if _NOT_A_PAGE.search(broken.resolved.rsplit("/", 1)[-1]):
            continue
        if (broken.article.status or "") in ctx.params["skip_status"]:
            continue  # a draft, or a page the site does not list, is not what readers follow
        if broken.article not in by_target[broken.resolved]:
            by_target[broken.resolved].append(broken.article)
    minimum = int(ctx.params["min_links"])
    for target, linking in sorted(by_target.items()):
        if len(linking) < minimum:
            continue
        names = ", ".join(a.ref for a in linking[:5]) + (" ..." if len(linking) > 5 else "")
        yield ctx.finding(
            None,
            f"{len(linking)} article(s) link to {target!r}, which does not exist: {names}; "
            "write it or fix the links",
            path=target,
            related=[Related(a.id, a.path, a.title) for a in linking],
            data={"target": target, "linking": [a.ref for a in linking], "subject": target},
        )


def _categories(corpus: Corpus, ctx: Context) -> dict[str, list[Article]]:
    by_category: dict[str, list[Article]] = {
        c.casefold(): [] for c in ctx.config.taxonomy.categories
    }
    for article in corpus.articles:
        if article.category and article.category.casefold() in by_category:
            by_category[article.category.casefold()].append(article)
    return by_category


def empty_category(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    names = {c.casefold(): c for c in ctx.config.taxonomy.categories}
    for key, articles in sorted(_categories(corpus, ctx).items()):
        if not articles:
            yield ctx.finding(
                None,
                f"taxonomy category {names[key]!r} has no article; write its first articles "
                "or remove it from the taxonomy",
                path="",
                data={"category": names[key], "subject": names[key]},
            )


def _weak(article: Article, ctx: Context) -> str | None:
    if article.outdated:
        return "flagged outdated"
    if article.updated_at and (ctx.today - article.updated_at).days > int(ctx.params["days"]):
        return f"updated {article.updated_at.isoformat()}"
    if (
        article.word_count < int(ctx.params["min_words"])
        and not article.meta.get(SUMMARY_ONLY)
        and not article.meta.get(SHOWS_UNREAD)  # it shows Markdown from outside the export
    ):
        return f"{article.word_count} words"
    return None


def weak_category(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    names = {c.casefold(): c for c in ctx.config.taxonomy.categories}
    for key, articles in sorted(_categories(corpus, ctx).items()):
        reasons = [_weak(a, ctx) for a in articles]
        if not articles or any(r is None for r in reasons):
            continue
        yield ctx.finding(
            None,
            f"every article of category {names[key]!r} is stale or thin ("
            + ", ".join(f"{a.ref}: {r}" for a, r in zip(articles, reasons, strict=True))
            + "); refresh or expand them",
            path="",
            related=[Related(a.id, a.path, a.title) for a in articles],
            data={
                "category": names[key],
                "articles": [a.ref for a in articles],
                "subject": names[key],
            },
        )


def register(registry: Registry) -> None:
    registry.add(
        CheckKind(
            "question-coverage",
            "Customer questions no article (or only part of one) answers.",
            {"status": Param("uncovered", "which questions to report: uncovered or partial")},
            check_corpus=question_coverage,
            needs=(COVERAGE,),
        )
    )
    registry.add(
        CheckKind(
            "missing-article",
            "Internal links to articles that do not exist, grouped by target.",
            {
                "min_links": Param(1, "links a missing target needs to be reported"),
                "skip_status": Param(list(UNPUBLISHED), "statuses whose links are not counted"),
            },
            check_corpus=missing_article,
            fragments=True,
        )
    )
    registry.add(
        CheckKind(
            "empty-category",
            "Taxonomy categories with no article.",
            {},
            check_corpus=empty_category,
        )
    )
    registry.add(
        CheckKind(
            "weak-category",
            "Taxonomy categories whose articles are all stale or thin.",
            {
                "days": Param(365, "older than this many days is stale"),
                "min_words": Param(25, "fewer words than this is thin"),
            },
            check_corpus=weak_category,
        )
    )
