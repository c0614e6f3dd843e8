"""Translation families: each source article with its translations, by locale, and the
translations that hold no translation (placeholder notices).

Translations are paired with their source by the id the export gives them
(`translation_of`, set by the loaders from Salesforce `KnowledgeArticleId`/`ArticleNumber`,
Zendesk `source_locale`, Intercom `translated_content`, Freshdesk per-locale files), by the
same path under a locale folder (`en/billing/refunds.md` and `fr/billing/refunds.md`), or by a
translation key articles of different locales share (Hugo's `translationKey`, a `permalink`)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kbaudit.model import Article
from kbaudit.normalize import (
    EMPTY_TRANSLATIONS,
    TRANSLATION_OF,
    edition,
    folder_locale,
    is_locale_folder,
    source_locale_rank,
    translated_path,
)

if TYPE_CHECKING:
    from kbaudit.corpus import Corpus


@dataclass
class Family:
    """A source article and its translations, by locale."""

    source: int
    translations: dict[str, int] = field(default_factory=dict)


def locale_of(article: Article) -> str:
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
            family.translations.setdefault(locale_of(article) or "?", i)
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
    """Files at the same path under different locale folders (a file named by a record id
    and a slug known by the id: `de/4670334-revit-plugin.md`, `fr/4670334-plugin-revit.md`):
    the KB's most common locale (or the copy outside any locale folder) is the source."""
    groups: dict[str, dict[str, int]] = defaultdict(dict)
    for i, article in enumerate(articles):
        if i in paired or not article.path or "#" in article.path:
            continue
        parts = article.path.split("/")
        at = next((n for n, p in enumerate(parts[:-1]) if is_locale_folder(p)), None)
        if at is None:
            groups[translated_path(parts)].setdefault("", i)
        else:
            key = translated_path(parts[:at] + parts[at + 1 :])
            groups[key].setdefault(folder_locale(parts[at]), i)
    counts = Counter(loc for g in groups.values() if len(g) > 1 for loc in g if loc)
    if len(counts) < 2 and not any("" in g and len(g) > 1 for g in groups.values()):
        return []
    main = max(counts, key=lambda c: source_locale_rank(c, counts)) if counts else ""
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


# A key named for the language of the article it comes from: `slugEN`, `slug_en`.
_KEY_LANGUAGE = re.compile(r"slug[_-]?([A-Za-z]{2})$")


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
    return folder_locale(folder)


def _key_families(articles: list[Article], taken: set[int]) -> list[Family]:
    """Articles of different locales (their field, else a locale folder on their path) with
    the same translation key, their files named in their own language: the KB's most common
    locale is the source."""
    found = [locale_of(a) or _folder_locale(a.path or "") for a in articles]
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
    for (key, value), members in groups.items():
        language = _KEY_LANGUAGE.match(key)
        for group in _by_copy(articles, members):
            # the source is in the language the key names (slugEN), else the one whose own
            # slug is the key, else in the commonest language
            named = [loc for loc, i in group.items() if _slug(articles[i]) == value]
            if language and language.group(1).casefold() in group:
                source_locale = language.group(1).casefold()
            elif len(named) == 1:
                source_locale = named[0]
            else:
                source_locale = max(group, key=lambda c: source_locale_rank(c, locales))
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


def placeholder_translations(corpus: Corpus) -> dict[int, list[int]]:
    """Translations that hold no translation: a text (not blank) that translations of other
    articles in the same locale have word for word, while the articles they translate differ
    (a notice such as "this content is only available in English" standing in for each).
    Each one -> the others with its text."""

    def build() -> dict[int, list[int]]:
        source_of = {i: f.source for f in families(corpus) for i in f.translations.values()}
        lines = corpus.text_lines() if source_of else []
        same: dict[tuple[object, bytes], list[int]] = defaultdict(list)
        for i in sorted(source_of):
            if lines[i].body_words and corpus.articles[i].word_count:
                same[(edition(corpus.articles[i]), lines[i].body)].append(i)
        found: dict[int, list[int]] = {}
        for members in same.values():
            if len({lines[source_of[i]].body for i in members}) > 1:
                found.update({i: [j for j in members if j != i] for i in members})
        return found

    return corpus.memo(("placeholder-translations",), build)
