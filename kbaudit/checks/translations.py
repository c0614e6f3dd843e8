"""Check kinds about translations: translation-outdated (a translation older than its source)
and translation-missing (a source article without a translation the KB has for most
articles, or one the export lists with an empty body).

Translations are paired with their source by the id the export gives them
(`translation_of`, set by the loaders from Salesforce `KnowledgeArticleId`/`ArticleNumber`,
Zendesk `source_locale`, Intercom `translated_content`, Freshdesk per-locale files), by the
same path under a locale folder (`en/billing/refunds.md` and `fr/billing/refunds.md`), or by a
translation key articles of different locales share (Hugo's `translationKey`, a `permalink`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from kbaudit.corpus import Corpus
from kbaudit.model import Article, Finding, Related
from kbaudit.normalize import EMPTY_TRANSLATIONS, TRANSLATION_OF, is_locale_folder
from kbaudit.rules import CheckKind, Context, Param, Registry, corpus_only


@dataclass
class Family:
    """A source article and its translations, by locale."""

    source: int
    translations: dict[str, int] = field(default_factory=dict)


def _locale(article: Article) -> str:
    return (article.locale or "").casefold().replace("_", "-")


def families(corpus: Corpus) -> list[Family]:
    """Source articles with their translations (built once per corpus)."""
    return corpus.memo(("translation-families",), lambda: _families(corpus.articles))


def _families(articles: list[Article]) -> list[Family]:
    by_id = {a.id: i for i, a in enumerate(articles)}
    found: dict[int, Family] = {}
    paired: set[int] = set()
    for i, article in enumerate(articles):
        source = article.meta.get(TRANSLATION_OF)
        if source is not None and str(source) in by_id and by_id[str(source)] != i:
            family = found.setdefault(by_id[str(source)], Family(by_id[str(source)]))
            family.translations.setdefault(_locale(article) or "?", i)
            paired.add(i)
    # a shared translation key first: files named alike under two locale folders must not
    # leave a third translation, named in its own language, without its family
    for family in _key_families(articles, paired | set(found)):
        found.setdefault(family.source, family)
        paired.update(family.translations.values())
    for family in _path_families(articles, paired):
        found.setdefault(family.source, family)
    for i, article in enumerate(articles):  # sources whose translations are all empty
        if article.meta.get(EMPTY_TRANSLATIONS) and i not in found:
            found[i] = Family(i)
    return [found[k] for k in sorted(found)]


def _path_families(articles: list[Article], paired: set[int]) -> list[Family]:
    """Files at the same path under different locale folders: the KB's most common locale
    (or the copy outside any locale folder) is the source."""
    groups: dict[str, dict[str, int]] = defaultdict(dict)
    for i, article in enumerate(articles):
        if i in paired or not article.path or "#" in article.path:
            continue
        parts = article.path.split("/")
        at = next((n for n, p in enumerate(parts[:-1]) if is_locale_folder(p)), None)
        if at is None:
            groups["/".join(parts)].setdefault("", i)
        else:
            key = "/".join(parts[:at] + parts[at + 1 :])
            groups[key].setdefault(parts[at].casefold().replace("_", "-"), i)
    counts = Counter(loc for g in groups.values() if len(g) > 1 for loc in g if loc)
    if len(counts) < 2 and not any("" in g and len(g) > 1 for g in groups.values()):
        return []
    main = counts.most_common(1)[0][0] if counts else ""
    out = []
    for group in groups.values():
        if len(group) < 2:
            continue
        source_locale = "" if "" in group else main if main in group else None
        if source_locale is None:
            continue
        source = group[source_locale]
        out.append(Family(source, {loc: i for loc, i in group.items() if loc != source_locale}))
    return out


# Front-matter keys a multilingual site gives every translation of one page alike (Hugo's
# translationKey; the source's slug, as Contentful exports write it; a permalink the language
# vaults share, as Obsidian's help does); without
# one, translations that keep their source's id are paired by it.
TRANSLATION_KEYS = (
    "translationKey", "translation_key", "translation_id", "i18n_key", "source_slug",
    "original_slug", "slugEN", "slug_en", "permalink",
)  # fmt: skip


def _slug(article: Article) -> str:
    """The article's own slug (its `slug` field, else its file name), as keys are compared."""
    slug = article.meta.get("slug")
    if not _value(slug):
        slug = (article.path or "").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return str(slug).strip().strip("/").casefold()


def _value(value: object) -> bool:
    return isinstance(value, str | int) and bool(str(value).strip())


def _folder_locale(path: str) -> str:
    folder = next((p for p in path.split("/")[:-1] if is_locale_folder(p)), "")
    return folder.casefold().replace("_", "-")


def _key_families(articles: list[Article], taken: set[int]) -> list[Family]:
    """Articles of different locales (their field, else a locale folder on their path) with
    the same translation key, their files named in their own language: the KB's most common
    locale is the source."""
    found = [_locale(a) or _folder_locale(a.path or "") for a in articles]
    locales = Counter(x for x in found if x)
    if len(locales) < 2:
        return []
    groups: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for i, (article, locale) in enumerate(zip(articles, found, strict=True)):
        if i in taken or not locale:
            continue
        given = ((k, article.meta.get(k)) for k in TRANSLATION_KEYS)
        # else the article's own id: exports give each translation its source's (Contentful)
        key, value = next(((k, v) for k, v in given if _value(v)), ("id", article.id))
        groups[(key, str(value).strip().strip("/").casefold())].append((locale, i))
    out = []
    for (_, value), members in groups.items():
        for group in _by_copy(articles, members):
            # the source is the one whose own slug is the key (slugEN), else the commonest
            named = [loc for loc, i in group.items() if _slug(articles[i]) == value]
            source_locale = (
                named[0] if len(named) == 1 else max(group, key=lambda c: (locales[c], c))
            )
            if len(group) > 1:
                source = group[source_locale]
                out.append(Family(source, {k: i for k, i in group.items() if k != source_locale}))
    return out


def _by_copy(articles: list[Article], members: list[tuple[str, int]]) -> list[dict[str, int]]:
    """Articles sharing a translation key, a locale -> article map per copy: an article filed
    twice (under two categories, in each language) is two families, told apart by category."""
    if len({loc for loc, _ in members}) == len(members):
        return [dict(members)]
    copies: dict[str, dict[str, int]] = defaultdict(dict)
    for locale, i in members:
        copies[articles[i].category or ""].setdefault(locale, i)
    return list(copies.values())


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
    KB's translated articles have, and translations the export lists with an empty body."""
    found = families(corpus)
    min_share = float(ctx.params["min_share"])
    sources = {f.source for f in found}
    # the pool: every article in the KB's source language (those with translations and those
    # without), so a locale few articles are translated into does not count as expected
    source_locales = Counter(_locale(corpus.articles[s]) for s in sources)
    translated = {i for f in found for i in f.translations.values()}
    pool = [
        i
        for i, a in enumerate(corpus.articles)
        if (i in sources or _locale(a) in source_locales)
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
            and loc != _locale(article)  # a Portuguese article needs no Portuguese copy
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
