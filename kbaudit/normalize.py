"""How to read an export (SourceOptions, size limits) and how its own field names and values
become Article fields: the one mapping place. Light on purpose: the config imports it."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kbaudit.dates import DateError, parse_date
from kbaudit.errors import ConfigError
from kbaudit.model import Article, Extracted, InputCode, LoadProblem

# Article field -> keys that exports use for it, in order of preference.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "article_id", "uid", "slug"),
    "title": ("title", "name", "heading", "subject", "question"),
    "updated_at": (
        "updated_at",
        "updated",
        "updatedAt",
        "last_modified",
        "last_modified_at",
        "lastmod",
        "last_update",
        "lastUpdated",
        "modified_at",
        "modifiedAt",
        "modifiedTime",
        "lastModified",
        "dateModified",
        "last_updated",
        "modified",
        "date_modified",
        # the day someone last confirmed the article is right (IT and policy KBs)
        "last_reviewed",
        "last_reviewed_at",
        "last_reviewed_on",
        "lastReviewed",
        "reviewed_at",
        "reviewed_on",
        "ms.date",
        "date",
    ),
    "created_at": (
        "created_at",
        "created",
        "createdAt",
        "createdTime",
        "dateCreated",
        "date_created",
        "published",
        "published_at",
        "datePublished",
        "pubDate",
        "date",  # beside `updated` (Hexo, Jekyll): the day it was first published
    ),
    "review_at": (
        "review_by",
        "review_date",
        "next_review",
        "valid_until",
        "valid_to",
        "expires",
        "expiry_date",
        "nextVerificationDate",  # Guru: when the card is due to be verified again
    ),
    "category": ("category", "categories", "section", "ms.service", "collection", "folder"),
    # `tag` as Jekyll reads it beside `tags` (a single tag, or a list)
    "tags": ("tags", "labels", "keywords", "topics", "label_names", "tag"),
    "owner": (
        "owner",
        "owners",
        "author",
        "authors",
        "ms.author",
        "reviewer",
        "maintainer",
        "ms.reviewer",
    ),
    "status": ("status", "state", "workflow_state"),
    "outdated": ("outdated", "deprecated", "obsolete"),
    "locale": ("locale", "lang", "language"),
    "url": ("url", "html_url", "permalink", "canonical_url", "link"),
}
DATE_FIELDS = ("updated_at", "created_at", "review_at")
# Keys of a date field given as a mapping, in order of preference for each date.
_DATE_PARTS = {
    "updated_at": ("updated", "date", "value", "created"),
    "created_at": ("created", "date", "value"),
    "review_at": ("date", "value"),
}
# Article.meta keys the loaders set (not export fields):
# - CATEGORY_ID_ONLY: True when the export names the article's category only by an id
#   (a Zendesk section or Freshdesk folder whose name file is absent, a ServiceNow sys_id);
#   Article.category then holds that id (e.g. "section 900000347206"), which is not vocabulary.
# - TRANSLATION_OF: the id of the source-language article this article translates.
# - EMPTY_TRANSLATIONS: locales the export lists for this article with an empty body.
# - SUMMARY_ONLY: True when the export has no body field and the text is the article's
#   summary (INPUT006 says so once per table); its length says nothing about the article.
# - VERSION: the product version whose docs hold the article when the KB keeps the docs of
#   older versions beside the current ones (Docusaurus `versioned_docs/version-2.x/`); the
#   current docs have none. Copies of a page in two versions are not duplicates.
# - LATEST: True on the pages of the version a Docusaurus site publishes as its current docs
#   (`lastVersion`, else the newest in versions.json): a VERSION that is not frozen.
# - INCLUDED_BY: the paths of the pages that include this file (a snippet, an include file):
#   a fragment of those pages, not a page of its own (see sources/fragments.py).
# - SHOWS_UNREAD: what a page shows that kbaudit does not read: Markdown files an MDX page
#   imports that the KB does not hold (outside the export, or excluded), a file a page
#   includes that cannot be read, or "component data" (the
#   `{...}` data its components draw, such as an API page's schema): the page is longer than
#   its own text says.
# - PARENT_PAGE: True when the export's page tree has the article as a parent of other pages
#   that do not name it in their category path (a Confluence space's home page, which the
#   breadcrumbs of its children leave out): a section page, like a folder's index page.
# - SEARCH_KEYWORDS: True when the article's tags are the export's search keywords
#   (ServiceNow's `meta`, a `keywords` field, column or front-matter key: a docs page's
#   meta keywords): words listed for the search to match, other spellings, misspellings and
#   longer phrases included on purpose, not a taxonomy of filters.
CATEGORY_ID_ONLY = "category_id_only"
TRANSLATION_OF = "translation_of"
EMPTY_TRANSLATIONS = "empty_translations"
SUMMARY_ONLY = "summary_only"
VERSION = "docs_version"
LATEST = "docs_latest"
INCLUDED_BY = "included_by"
SHOWS_UNREAD = "shows_unread"
PARENT_PAGE = "parent_page"
SEARCH_KEYWORDS = "search_keywords"
# A record id: a 32-hex ServiceNow sys_id, a 24-hex object id (ReadMe), a long number.
_RECORD_ID = re.compile(r"^(?:[0-9a-f]{32}|[0-9a-f]{24}|\d{6,})$", re.I)
_IGNORE_COMMENT = re.compile(r"<!--\s*+kbaudit:\s*+ignore\s++([A-Za-z0-9_,\s-]*?)-->")
# Status values that say the article is not published, whatever the platform calls it.
_DRAFT_STATUS = {"unpublished", "notpublished", "not_published", "not published"}
_OUTDATED_STATUS = {"archived", "outdated", "deprecated", "retired", "obsolete", "expired"}


# A character reference written in a title field (`Import &amp; Export`): pages show the
# character. Only complete references: `R&D` and `Terms &notes` are text.
_CHARACTER_REFERENCE = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
)


# Strong emphasis written into a title field ("Manage your **account**"): the site shows
# the words, not the marks.
_STRONG = re.compile(r"(?<!\w)(\*\*|__)(?=\S)([^\n]{1,300}?)(?<=\S)\1(?!\w)")


def _unescaped(title: str) -> str:
    if "**" in title or "__" in title:
        title = _STRONG.sub(r"\2", title)
    if "&" not in title:
        return title
    return _CHARACTER_REFERENCE.sub(lambda m: html.unescape(m.group()), title)


# `fr`, `pt-BR`, `zh_CN`; `_es` too: a Jekyll site's collection of one language's pages
_LOCALE_SEGMENT = re.compile(r"^_?([a-z]{2})(?:[-_][a-z]{2,4})?$", re.I)
# Language codes a locale folder may carry; two-letter folder names that are usually
# something else (go, js, ui, ...) are not listed, so they never pair articles. A folder named
# like a language that is also a common word (`it/`, `id/`) is a locale only where locale
# folders hold the same files (`translated_folders`) or a suffix names its source beside it.
LANGUAGES = frozenset(
    {
        "af", "am", "ar", "az", "be", "bg", "bn", "bs", "ca", "cs", "cy", "da", "de", "el", "en",
        "es", "et", "eu", "fa", "fi", "fr", "ga", "gl", "gu", "he", "hi", "hr", "hu", "hy", "id",
        "is", "it", "ja", "ka", "kk", "km", "kn", "ko", "lo", "lt", "lv", "mk", "ml", "mn", "mr",
        "ms", "mt", "nb", "ne", "nl", "nn", "no", "pa", "pl", "ps", "pt", "ro", "ru", "si", "sk",
        "sl", "sq", "sr", "sv", "sw", "ta", "te", "th", "tl", "tr", "uk", "ur", "uz", "vi", "zh",
    }
)  # fmt: skip


def edition(article: Article) -> tuple[str | None, str | None]:
    """The language and product version an article is written for: duplicates and matching
    titles are looked for within one edition (a page and its translation, or its copy in the
    docs of another version, answer the same question for other readers)."""
    version = article.meta.get(VERSION)
    return article.locale, None if version is None else str(version)


# Chinese is written in two scripts: the locales of each read as one language, the two apart.
_TRADITIONAL = frozenset({"tw", "hk", "mo", "hant"})


def language_key(locale: str | None) -> str:
    """The language a locale is written in, as articles are compared by it (`fr` of
    `fr-CA`, `pt` of `pt-BR`; `zh-hant` of `zh-TW` and `zh-HK`, `zh-hans` of `zh-CN` and
    `zh`, two scripts that share few words); "" for none."""
    parts = (locale or "").strip().casefold().replace("_", "-").split("-")
    if parts[0] != "zh":
        return parts[0]
    return "zh-hant" if _TRADITIONAL.intersection(parts[1:]) else "zh-hans"


def is_locale_folder(segment: str) -> bool:
    """Whether a folder name is a locale (`fr`, `en-us`, `pt_BR`, a Jekyll collection `_es`):
    translations of a KB are filed by it, so it pairs translations and is never a category."""
    m = _LOCALE_SEGMENT.match(segment)
    return m is not None and m.group(1).casefold() in LANGUAGES


def folder_locale(segment: str) -> str:
    """The locale a locale folder names, as articles' locales are written (`pt-br`, `es`)."""
    return segment.removeprefix("_").casefold().replace("_", "-")


def source_locale_rank(locale: str, counts: Mapping[str, int]) -> tuple[int, bool, str]:
    """How a KB's source language is chosen among its locales: the one most pages are in; of
    locales alike (each page in every language), English, the language sites are most
    often written in and translated from; then by code, the same on every run."""
    return counts.get(locale, 0), locale.split("-")[0] == "en", locale


# A file named by its record's id, then its slug (`4670334-revit-plugin.md`), as help-center
# exports name articles: its translations keep the id and translate the slug.
_RECORD_FILE = re.compile(r"^(\d{5,})[-_]")


def translated_path(parts: list[str]) -> str:
    """The path (`parts`, a locale folder left out) that a page's translations share: a
    file named by a record id and a slug is known by the id."""
    m = _RECORD_FILE.match(parts[-1]) if parts else None
    return "/".join([*parts[:-1], m.group(1)] if m else parts)


DEFAULT_LIMITS: dict[str, int] = {
    "max_entries": 100_000,  # files in an archive
    "max_total_size": 2 * 1024**3,  # bytes, uncompressed, all archive entries together
    "max_file_size": 256 * 1024**2,  # bytes, one file of a folder or one archive entry
    "max_article_size": 16 * 1024**2,  # bytes, one file that is one article (.md, .html)
    "max_ratio": 200,  # uncompressed / compressed size of one archive entry
}


def check_limits(limits: dict[str, Any]) -> dict[str, int]:
    """The configured limits over the defaults; unknown keys or non-positive values are errors."""
    unknown = sorted(set(limits) - set(DEFAULT_LIMITS))
    if unknown:
        raise ConfigError(
            f"unknown limit(s) {', '.join(map(str, unknown))} in `limits:`; "
            f"use {', '.join(DEFAULT_LIMITS)}"
        )
    out = dict(DEFAULT_LIMITS)
    for key, value in limits.items():
        number = value if isinstance(value, int) and not isinstance(value, bool) else 0
        if isinstance(value, str) and value.strip().isdigit():
            number = int(value)
        if number <= 0:
            raise ConfigError(f"`limits.{key}: {value!r}` must be a positive whole number of bytes")
        out[key] = number
    return out


# Files that hold one article each; others (JSON, CSV, archives) may hold a whole export.
ARTICLE_SUFFIXES = (".md", ".markdown", ".mdx", ".html", ".htm", ".txt")


def size_limit(rel: str, limits: dict[str, int]) -> tuple[str, int]:
    """The name and value of the size limit that applies to one file: max_file_size for
    every file, max_article_size too for a file that is one article."""
    one_article = rel.lower().endswith(ARTICLE_SUFFIXES)
    if one_article and limits["max_article_size"] < limits["max_file_size"]:
        return "max_article_size", limits["max_article_size"]
    return "max_file_size", limits["max_file_size"]


@dataclass
class SourceOptions:
    """How to read an export; filled from the config."""

    fields: dict[str, str | list[str]] = field(default_factory=dict)
    category_from: str = "auto"  # auto | field | toc | path | none (see sources/structure.py)
    date_order: str = "mdy"
    dates: str = "field"  # field | git | auto
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    base_url: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    preset: str | None = None
    limits: dict[str, int] = field(default_factory=dict)
    jobs: int = 0  # worker processes for parsing; 0 = all cores
    cache_dir: str | None = None  # parsed files are cached here; None = no cache
    cache_max_bytes: int = 1 << 30

    def keys_for(self, name: str) -> tuple[str, ...]:
        """Configured keys for a field come first, then the built-in aliases."""
        configured = self.fields.get(name) or ()
        keys = (configured,) if isinstance(configured, str) else tuple(configured)
        return (*keys, *ALIASES.get(name, ()))


def known_keys(options: SourceOptions) -> set[str]:
    keys = {k for name in ALIASES for k in options.keys_for(name)}
    return (
        keys
        | {"description", "kbaudit", "draft", "weight", "summary", "aliases"}
        | {
            CATEGORY_ID_ONLY,
            TRANSLATION_OF,
            EMPTY_TRANSLATIONS,
            SUMMARY_ONLY,
            VERSION,
            LATEST,
            INCLUDED_BY,
            SHOWS_UNREAD,
            PARENT_PAGE,
            SEARCH_KEYWORDS,
        }
    )


def is_record_id(value: Any) -> bool:
    """Whether a category value is a record id (a 32-hex sys_id, a 24-hex object id, a long
    number), not a name."""
    return isinstance(value, str | int) and bool(_RECORD_ID.match(str(value).strip()))


def _first(meta: dict[str, Any], keys: tuple[str, ...]) -> tuple[str | None, Any]:
    for key in keys:
        if key in meta and meta[key] not in (None, "", [], {}):
            return key, meta[key]
    return None, None


def as_list(value: Any) -> tuple[str, ...]:
    """Tags and labels come as a list, a comma-separated string, or one value."""
    if value is None:
        return ()
    if isinstance(value, str):
        items = value.split(",") if "," in value else value.split(";")
    elif isinstance(value, list | tuple | set):
        items = [str(v) for v in value if v is not None]
    else:
        items = [str(value)]
    return tuple(dict.fromkeys(s.strip() for s in items if s and s.strip()))


def _named(value: Any, keys: tuple[str, ...]) -> Any:
    """The first of `keys` from a mapping value (`{name: Ana, email: ...}`), else the value."""
    if isinstance(value, dict):
        return next((value[k] for k in keys if value.get(k) not in (None, "")), None)
    return value


_SEVERAL = ("categories", "sections", "collections", "folders", "topics", "groups")
# The level under an article's category, given beside it (Jekyll help-center themes file a
# page under `category: Email` and `sub_category: Troubleshooting`).
SUBCATEGORY_KEYS = ("sub_category", "subcategory", "sub-category")


def _category(value: Any, key: str) -> Any:
    """The category of a field. A list under a plural key lists several categories:
    `categories: [billing, invoices]` (Hugo's taxonomy terms, Jekyll's categories) files the
    article under each term, the first being its main one, so that is the category; joining
    the terms into one path would make a category no other article has and no vocabulary
    lists. A list under a singular key (`category: [Payments, Refunds]`) is one category
    given as its path. The whole list stays in the article's meta."""
    names = ("name", "title", "label")
    if not isinstance(value, list | tuple):
        return _named(value, names)
    terms = [str(t).strip() for t in (_named(v, names) for v in value) if t is not None]
    terms = [t for t in terms if t]
    if key.casefold().endswith(_SEVERAL):
        return terms[0] if terms else None
    return " > ".join(terms) or None


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1", "y")
    return bool(value)


def _falsy(value: Any) -> bool:
    """False as YAML gives it, or as a table's cell writes it ("false", "no", "0")."""
    if isinstance(value, str):
        return value.strip().lower() in ("false", "no", "0", "n")
    return value is False


def _noindex(meta: dict[str, Any]) -> bool:
    """Whether the page asks search engines not to index it: `noindex: true`,
    `robots: noindex`, or a robots tag the page adds to its own head (VitePress' `head:
    [[meta, {name: robots, content: noindex}]]`). A site keeps such a page at its address
    (an old page that says where its subject moved) but out of search: published, unlisted."""
    if _truthy(meta.get("noindex")) or "noindex" in str(meta.get("robots") or "").lower():
        return True
    head = meta.get("head")
    tags = head if isinstance(head, list) else []
    return any(
        isinstance(tag, list)
        and len(tag) > 1
        and tag[0] == "meta"
        and isinstance(tag[1], dict)
        and str(tag[1].get("name", "")).lower() == "robots"
        and "noindex" in str(tag[1].get("content", "")).lower()
        for tag in tags
    )


def inline_ignores(raw: str) -> set[str]:
    codes: set[str] = set()
    for m in _IGNORE_COMMENT.finditer(raw):
        codes.update(c.strip().upper() for c in re.split(r"[,\s]+", m.group(1)) if c.strip())
    return codes


def build_article(
    *,
    rel: str | None,
    meta: dict[str, Any],
    body: Extracted,
    raw: str,
    body_format: str,
    options: SourceOptions,
    body_line: int = 1,
    defaults: dict[str, Any] | None = None,
    file_title: str | None = None,
) -> tuple[Article, list[LoadProblem]]:
    """Build one normalised Article from an export record; unreadable values become problems.
    The title is the title field, else the level-1 heading, else `file_title`."""
    problems: list[LoadProblem] = []
    values: dict[str, Any] = dict(defaults or {})
    for name in ALIASES:
        key, value = _first(meta, options.keys_for(name))
        if key is not None:
            values[name] = value
            values[f"{name}__key"] = key
    dates: dict[str, dt.date | None] = {}
    for name in DATE_FIELDS:
        # last_update: {date: ...}; MkDocs Material's date: {created: ..., updated: ...}
        value = _named(values.get(name), _DATE_PARTS[name])
        if value in (None, "") or isinstance(value, bool):  # `published: false` is a flag
            dates[name] = None
            continue
        try:
            dates[name] = parse_date(value, options.date_order)
        except DateError as exc:
            dates[name] = None
            key = values.get(f"{name}__key", name)
            problems.append(
                LoadProblem(
                    InputCode.BAD_DATE,
                    rel or str(values.get("id", "")),
                    f"field `{key}`: {exc}; write it as YYYY-MM-DD",
                )
            )
    category = _category(values.get("category"), str(values.get("category__key", "")))
    sub = next((v.strip() for k in SUBCATEGORY_KEYS if isinstance(v := meta.get(k), str)), "")
    if sub and isinstance(category, str) and category.strip():  # `sub_category: Widgets`
        category = f"{category.strip()} > {sub}"
    if CATEGORY_ID_ONLY not in meta and is_record_id(category):
        meta = {**meta, CATEGORY_ID_ONLY: True}  # ReadMe's `category: 5f3c...`: no name given
    if values.get("tags__key") == "keywords" and SEARCH_KEYWORDS not in meta:
        meta = {**meta, SEARCH_KEYWORDS: True}  # a page's `keywords:` are for search engines
    status = str(values["status"]).strip().lower() if values.get("status") is not None else None
    if status in _DRAFT_STATUS:  # Help Scout's `notpublished`, an unpublished page
        status = "draft"
    if status is None:  # static-site flags: not published, or published but unlisted
        if _truthy(meta.get("draft")) or _falsy(meta.get("published")):
            status = "draft"
        elif _truthy(meta.get("hidden")) or _truthy(meta.get("unlisted")) or _noindex(meta):
            status = "hidden"
    outdated = _truthy(values.get("outdated")) or (status in _OUTDATED_STATUS)
    kb_meta: dict[str, Any] = meta["kbaudit"] if isinstance(meta.get("kbaudit"), dict) else {}
    ignores = {str(c).upper() for c in as_list(kb_meta.get("ignore"))} | inline_ignores(raw)
    owner = values.get("owner")
    if isinstance(owner, list | tuple):
        names = (_named(o, ("name", "email", "login")) for o in owner)
        owner = ", ".join(str(o) for o in names if o not in (None, "")) or None
    owner = _named(owner, ("name", "email", "login"))  # author: {name: ..., email: ...}
    if owner in (None, ""):  # Docusaurus: last_update: {author: ..., date: ...}
        changed = values.get("updated_at")
        owner = _named(changed, ("author", "by")) if isinstance(changed, dict) else None
        owner = _named(owner, ("name", "email", "login"))
    title = values.get("title")
    # a title field wrapped over lines in the source system ("Ethernet or\n\t\t\twireless")
    # shows as one line
    title = (
        _unescaped(" ".join(str(title).split()))
        if title is not None
        else (body.h1 or file_title or "")
    )
    article_id = str(values.get("id") or rel or title)
    article = Article(
        id=article_id,
        path=rel,
        title=title,
        text=body.text,
        raw=raw,
        body_format=body_format,
        headings=body.headings,
        links=body.links,
        images=body.images,
        word_count=body.word_count,
        category=str(category).strip() if category not in (None, "") else None,
        tags=as_list(values.get("tags")),
        owner=str(owner).strip() if owner not in (None, "") else None,
        # without an update date, the day it was published or created is the last change
        # the export tells of (a news post's `published_at`, a note's `created`)
        updated_at=dates["updated_at"] or dates["created_at"],
        created_at=dates["created_at"],
        review_at=dates["review_at"],
        status=status,
        outdated=outdated,
        locale=str(values["locale"]).strip().lower().replace("_", "-")
        if values.get("locale")
        else None,
        url=str(values["url"]) if values.get("url") else None,
        date_source="field" if dates["updated_at"] else "created" if dates["created_at"] else None,
        body_line=body_line,
        meta=meta,
        ignores=frozenset(ignores),
    )
    return article, problems
