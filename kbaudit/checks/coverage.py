"""Check kinds about coverage: question-coverage (uncovered or partly covered customer
questions; silent without questions), missing-article (internal links to articles that do
not exist, one finding per target), empty-category and weak-category (taxonomy categories
with no article, or only stale or thin ones).

question-coverage stores JSON-ready sections in corpus.extra["questions"] and ["gaps"], and
the volumes in corpus.extra["coverage"] for the scorecard."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from kbaudit.analysis.coverage import (
    PARTIAL,
    UNCOVERED,
    CoverageReport,
    Thresholds,
    analyse,
)
from kbaudit.corpus import Corpus
from kbaudit.errors import RuleError
from kbaudit.model import Article, Finding, Related
from kbaudit.rules import CheckKind, Context, Param, Registry


def matching_articles(articles: Sequence[Article], locale: str) -> list[Article]:
    """The articles questions are matched against. `auto`: when the KB holds several
    languages, those of its most common language and articles without a locale (customers
    ask in one language; a translation is not a second answer). `all`: every article.
    Otherwise a locale such as `en` or `en-us` (its language matches)."""
    languages = Counter((a.locale or "").split("-")[0] for a in articles if a.locale)
    locale = locale.strip().lower().replace("_", "-")  # as sources give it: en_US -> en-us
    if locale == "all" or (locale == "auto" and len(languages) <= 1):
        return list(articles)
    wanted = languages.most_common(1)[0][0] if locale == "auto" else locale.split("-")[0]
    return [a for a in articles if not a.locale or a.locale.split("-")[0] == wanted]


def coverage_report(
    corpus: Corpus, thresholds: Thresholds, locale: str = "auto"
) -> tuple[CoverageReport, list[Article]] | None:
    """The corpus' coverage analysis for these thresholds (built once) and the articles its
    matches index, or None without questions. Also fills corpus.extra with the questions,
    gaps and coverage totals."""
    if not corpus.questions:
        return None
    articles = matching_articles(corpus.articles, locale)
    report = corpus.memo(
        ("coverage", thresholds, locale),
        lambda: analyse(articles, corpus.questions or [], thresholds),
    )
    corpus.extra["questions"] = report.questions_json(articles)
    corpus.extra["gaps"] = report.gaps_json(articles)
    corpus.extra["coverage"] = {
        k: report.totals[k] for k in ("total_volume", "covered_volume", "partial_volume")
    }
    return report, articles


def _param_error(ctx: Context, name: str, value: Any, wanted: str) -> RuleError:
    return RuleError(
        f"{ctx.rule.code}: param {name} is {value!r}; it takes {wanted} (see `kbaudit explain "
        f"{ctx.rule.code}`)"
    )


def _score_param(ctx: Context, name: str) -> float:
    value = ctx.params[name]
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not 0.0 <= number <= 1.0:
        raise _param_error(ctx, name, value, "a score from 0 to 1")
    return number


def _thresholds(ctx: Context) -> Thresholds:
    covered, partial = _score_param(ctx, "covered"), _score_param(ctx, "partial")
    if partial > covered:
        raise _param_error(ctx, "partial", partial, f"a score no higher than covered ({covered})")
    top_k = ctx.params["top_k"]
    if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
        raise _param_error(ctx, "top_k", top_k, "a whole number of matches, 1 or more")
    return Thresholds(covered, partial, top_k)


def question_coverage(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    thresholds = _thresholds(ctx)
    wanted = str(ctx.params["status"])
    if wanted not in (UNCOVERED, PARTIAL):
        raise _param_error(ctx, "status", wanted, f"{UNCOVERED} or {PARTIAL}")
    locale = str(ctx.params["locale"])
    if corpus.questions:  # one analysis feeds the findings, the JSON sections and the score
        first = corpus.memo(("coverage-rule",), lambda: (ctx.rule.code, thresholds, locale))
        if first[1:] != (thresholds, locale):
            raise RuleError(
                f"{ctx.rule.code} and {first[0]} measure coverage with different covered, "
                "partial, top_k or locale params; give both rules the same values"
            )
    found = coverage_report(corpus, thresholds, locale)
    if found is None:
        return
    report, articles = found
    for result in report.results:
        if result.status != wanted:
            continue
        q = result.question
        best = articles[result.matches[0].article] if result.matches else None
        nearest = f"; nearest article {best.ref!r} ({result.score:.2f})" if best else ""
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
            data={"question": q.text, "volume": q.volume, "signal": q.signal},
        )


def missing_article(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    """One finding per link target that does not exist, naming every article linking to it."""
    by_target: dict[str, list[Article]] = defaultdict(list)
    for broken in corpus.broken_links:
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
            data={"target": target, "linking": [a.ref for a in linking]},
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
                data={"category": names[key]},
            )


def _weak(article: Article, ctx: Context) -> str | None:
    if article.outdated:
        return "flagged outdated"
    if article.updated_at and (ctx.today - article.updated_at).days > int(ctx.params["days"]):
        return f"updated {article.updated_at.isoformat()}"
    if article.word_count < int(ctx.params["min_words"]):
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
            data={"category": names[key], "articles": [a.ref for a in articles]},
        )


def register(registry: Registry) -> None:
    registry.add(
        CheckKind(
            "question-coverage",
            "Customer questions no article (or only part of one) answers.",
            {
                "status": Param("uncovered", "which questions to report: uncovered or partial"),
                "covered": Param(0.35, "best-match score from which a question is covered"),
                "partial": Param(0.25, "best-match score from which it is partly covered"),
                "top_k": Param(3, "matches kept per question"),
                "locale": Param(
                    "auto",
                    "articles to match: auto (the KB's main language when it holds several), "
                    "all, or a locale such as en",
                ),
            },
            check_corpus=question_coverage,
        )
    )
    registry.add(
        CheckKind(
            "missing-article",
            "Internal links to articles that do not exist, grouped by target.",
            {"min_links": Param(1, "links a missing target needs to be reported")},
            check_corpus=missing_article,
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
