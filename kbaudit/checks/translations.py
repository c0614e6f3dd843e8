"""Check kinds about translations: translation-outdated (a translation older than its source)
and translation-missing (a source article without a translation the KB has for most
articles, one the export lists with an empty body, or a translation that is a placeholder
notice). Translation families come from `kbaudit.corpus.translations`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from kbaudit.corpus import Corpus
from kbaudit.corpus.translations import families, locale_of, placeholder_translations
from kbaudit.model import Article, Finding, Related
from kbaudit.normalize import EMPTY_TRANSLATIONS, TRANSLATION_OF
from kbaudit.rules import CheckKind, Context, Param, Registry, corpus_only


def _related(article: Article) -> Related:
    return Related(article.id, article.path, article.title)


def translation_outdated(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    """A translation last updated more than `grace_days` before its source was."""
    grace = int(ctx.params["grace_days"])
    for family in families(corpus):
        source = corpus.articles[family.source]
        if source.updated_at is None:
            continue
        for locale, index in sorted(family.translations.items()):
            translation = corpus.articles[index]
            if translation.updated_at is None:
                continue
            behind = (source.updated_at - translation.updated_at).days
            if behind > grace:
                yield ctx.finding(
                    translation,
                    f"{locale} translation last updated {translation.updated_at.isoformat()}, "
                    f"{behind} days before its source {source.ref} "
                    f"({source.updated_at.isoformat()}); it may miss the source's changes",
                    related=[_related(source)],
                    data={
                        "locale": locale,
                        "source": source.ref,
                        "days_behind": behind,
                    },
                )


def translation_missing(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    """Source articles without a translation into a locale that at least `min_share` of the
    KB's translated articles have, translations the export lists with an empty body, and
    translations that are placeholder notices."""
    found = families(corpus)
    min_share = float(ctx.params["min_share"])
    sources = {f.source for f in found}
    # the pool: every article in the KB's source language (those with translations and those
    # without), so a locale few articles are translated into does not count as expected
    source_locales = Counter(locale_of(corpus.articles[s]) for s in sources)
    translated = {i for f in found for i in f.translations.values()}
    pool = [
        i
        for i, a in enumerate(corpus.articles)
        if (i in sources or locale_of(a) in source_locales)
        and i not in translated
        and not a.meta.get(TRANSLATION_OF)
    ]
    have: Counter[str] = Counter(loc for f in found for loc in f.translations)
    expected = sorted(
        loc for loc, n in have.items() if pool and n / len(pool) >= min_share and loc != "?"
    )
    by_source = {f.source: f for f in found}
    for i in pool:
        article = corpus.articles[i]
        family = by_source.get(i)
        empty = [str(loc) for loc in article.meta.get(EMPTY_TRANSLATIONS) or ()]
        missing = [
            loc
            for loc in expected
            if loc not in (family.translations if family else {})
            and loc not in empty
            and loc != locale_of(article)  # a Portuguese article needs no Portuguese copy
        ]
        if empty:
            yield ctx.finding(
                article,
                f"the export lists translation(s) into {', '.join(empty)} with an empty body; "
                "readers of those languages get a blank page",
                data={"locales": empty, "empty": True},
            )
        if missing:
            yield ctx.finding(
                article,
                "no translation into "
                + ", ".join(
                    f"{loc} ({have[loc]} of {len(pool)} articles have one)" for loc in missing
                ),
                data={"locales": missing, "empty": False},
            )
    yield from _placeholders(corpus, ctx)


# Placeholder translations named in a finding's data (the count says how many in all).
_NAMED = 10


def _placeholders(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    """Translations whose text is a notice other translations carry word for word."""
    found = placeholder_translations(corpus)
    if not found:
        return
    source_of = {i: (f.source, loc) for f in families(corpus) for loc, i in f.translations.items()}
    for i, others in sorted(found.items()):
        translation = corpus.articles[i]
        source, locale = corpus.articles[source_of[i][0]], source_of[i][1]
        opening = " ".join(translation.text.split())
        if len(opening) > 60:
            opening = opening[:59].rstrip() + "…"
        yield ctx.finding(
            translation,
            f"this {locale} translation of {source.ref} holds no translation: {len(others)} "
            f"other {locale} translation(s) of different articles have the same text "
            f"(“{opening}”), a notice, so readers of {locale} get no answer",
            related=[_related(source)],
            data={
                "locales": [locale],
                "empty": False,
                "placeholder": True,
                "source": source.ref,
                "same_text": [corpus.articles[j].ref for j in others[:_NAMED]],
                "same_text_count": len(others),
            },
        )


def register(registry: Registry) -> None:
    registry.add(
        CheckKind(
            "translation-outdated",
            "Translation last updated before its source article.",
            {"grace_days": Param(0, "days a translation may lag behind its source")},
            check_corpus=translation_outdated,
            cached_with=corpus_only,
        )
    )
    registry.add(
        CheckKind(
            "translation-missing",
            "Source article without a translation most articles have, or with an empty one.",
            {
                "min_share": Param(
                    0.5,
                    "a locale counts as expected when at least this share of the KB's "
                    "source-language articles is translated into it",
                )
            },
            check_corpus=translation_missing,
            cached_with=corpus_only,
        )
    )
