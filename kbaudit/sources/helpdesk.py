"""Help-desk and knowledge-base API JSON of other platforms (Document360, Help Scout Docs,
Helpjuice, Zoho Desk, Guru, ...): a list of article records, each with a title and a body,
under whatever wrapper the API pages it in (`{"data": [...]}`, `{"articles": {"items":
[...]}}`, a plain list). The usual field names of these APIs are read: nested objects name
the category, author and tags (`{"category": {"name": ...}}`, `{"author": {"first_name":
...}}`, `[{"value": "billing"}]`), and records of other files (categories, collections,
users: an id and a name, no body) name the ids the articles give."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kbaudit.normalize import CATEGORY_ID_ONLY, SEARCH_KEYWORDS, SourceOptions
from kbaudit.sources.base import Record, Source
from kbaudit.sources.records import (
    JSON_SUFFIXES,
    ApiPage,
    api_page,
    body_article,
    json_paths,
    latest_copies,
    missing_pages,
    read_json,
    scalars,
    unique,
)
from kbaudit.sources.tree import Tree

TITLE_KEYS = ("title", "name", "preferredPhrase", "question", "subject", "heading")
BODY_KEYS = (
    "body", "html_content", "answer", "content", "text", "html", "contents", "main_content",
)  # fmt: skip
_ID_KEYS = ("id", "article_id", "uuid", "number")
_NAME_KEYS = ("name", "title", "label", "value", "display_name", "displayName")
# Article field -> record keys, in order of preference; values may be nested objects or ids.
_CATEGORY_KEYS = (
    "category",
    "categories",
    "category_id",
    "categoryId",
    "category_ids",
    "categoryIds",
    "boards",
    "section",
    "folder",
    "collection",
    "collectionId",
)
_OWNER_KEYS = (
    "owner",
    "author",
    "authors",
    "created_by",
    "createdBy",
    "author_id",
    "authorId",
    "user_id",
    "user",
    "updated_by",
    "updatedBy",
)
_TAG_KEYS = ("tags", "tag_names", "labels", "keywords")
_LOCALE_KEYS = ("locale", "language_code", "languageCode", "language", "lang")
_URL_KEYS = ("url", "html_url", "publicUrl", "public_url", "webUrl", "web_url", "permalink")
_PERSON_KEYS = ("first_name", "firstName", "last_name", "lastName", "email")
_MAX_DEPTH = 3
_ID = re.compile(r"^(?:\d+|[0-9a-f-]{16,})$", re.I)


def _is_article(record: dict[str, Any]) -> bool:
    has_body = any(isinstance(record.get(k), str) for k in BODY_KEYS)
    return has_body and any(isinstance(record.get(k), str) for k in TITLE_KEYS)


def _lists(doc: Any, depth: int = 0) -> Iterator[list[dict[str, Any]]]:
    """The lists of records in a document: the document itself, a record of its own, or the
    lists under its keys (`data`, `articles`, `cards` ... and Help Scout's `{"articles":
    {"items": [...]}}`), a few levels down."""
    if isinstance(doc, list):
        records = [d for d in doc if isinstance(d, dict)]
        if records:
            yield records
    elif isinstance(doc, dict):
        if _is_article(doc):
            yield [doc]
        elif depth < _MAX_DEPTH:
            for value in doc.values():
                if isinstance(value, list | dict):
                    yield from _lists(value, depth + 1)


def _records(doc: Any) -> list[dict[str, Any]]:
    """Every record; one wrapped in a key that names its type (`{"article": {...}}`, as
    Rails APIs such as Desk.com's write each item) is the record inside."""
    return [_unwrapped(r) for records in _lists(doc) for r in records]


def _unwrapped(record: dict[str, Any]) -> dict[str, Any]:
    if len(record) == 1:
        (inner,) = record.values()
        if isinstance(inner, dict):
            return inner
    return record


def _name(value: Any) -> str | None:
    """The name a value gives: a string, an object's name (or first and last name)."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value).strip() or None
    if isinstance(value, dict):
        for key in _NAME_KEYS:
            if isinstance(value.get(key), str) and value[key].strip():
                return str(value[key]).strip()
        first = value.get("first_name") or value.get("firstName") or ""
        last = value.get("last_name") or value.get("lastName") or ""
        full = f"{first} {last}".strip()
        return full or (str(value["email"]) if value.get("email") else None)
    return None


def _names(value: Any) -> list[str]:
    if isinstance(value, dict) and not any(k in value for k in (*_NAME_KEYS, *_PERSON_KEYS)):
        inner = next((v for v in value.values() if isinstance(v, list)), None)  # {"tags": [...]}
        return _names(inner) if inner is not None else []
    values = value if isinstance(value, list) else [value]
    return [n for n in (_name(v) for v in values) if n]


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> tuple[str | None, Any]:
    for key in keys:
        if record.get(key) not in (None, "", [], {}):
            return key, record[key]
    return None, None


# Numeric statuses: Document360's API gives `status` 0 (draft) or 3 (published); other
# numbers are not known to mean either and are left to the flags.
_NUMBERED_STATUS = {0: "draft", 3: "published"}


def _status(record: dict[str, Any]) -> str | None:
    _, value = _first(record, ("status", "state", "workflow_state"))
    if isinstance(value, str):
        return value
    number = record.get("status")
    numbered = None
    if isinstance(number, int) and not isinstance(number, bool):
        numbered = _NUMBERED_STATUS.get(number)
    if numbered == "draft":
        return numbered
    for flag in ("published", "is_published", "isPublished"):
        if isinstance(record.get(flag), bool):
            return "published" if record[flag] else "draft"
    if record.get("hidden") is True or record.get("is_hidden") is True:
        return "hidden"  # published but hidden from the site (Document360's `hidden`)
    return numbered


def _article(
    rel: str,
    record: dict[str, Any],
    names: dict[str, str],
    seen: set[str],
    options: SourceOptions,
) -> list[Record]:
    meta = scalars(record, drop=(*BODY_KEYS, *_CATEGORY_KEYS, *_OWNER_KEYS, *_TAG_KEYS))
    _, title = _first(record, TITLE_KEYS)
    meta["title"] = title
    _, article_id = _first(record, _ID_KEYS)
    if article_id is not None:
        meta["id"] = str(article_id)
    key, value = _first(record, _CATEGORY_KEYS)
    if key is not None and (found := _names(value)):
        # a category given by id (`category_id`, Help Scout's `categories: [id]`) is named by
        # a categories file of the export; without one it stays that id
        meta["category"] = names.get(found[0], found[0])
        by_id = key.lower().endswith(("id", "ids")) or _ID.match(found[0]) is not None
        meta[CATEGORY_ID_ONLY] = found[0] not in names and by_id and not isinstance(value, dict)
    key, value = _first(record, _OWNER_KEYS)
    if key is not None:
        owners = [names.get(n, n) for n in _names(value)]
        meta["owner"] = ", ".join(owners) or None
    key, value = _first(record, _TAG_KEYS)
    meta["tags"] = _names(value) if key is not None else []
    if key == "keywords":  # Help Scout's: words for the search to match, not tags
        meta[SEARCH_KEYWORDS] = True
    meta["status"] = _status(record)
    for field, keys in (("locale", _LOCALE_KEYS), ("url", _URL_KEYS)):
        _, value = _first(record, keys)
        if isinstance(value, str):
            meta[field] = value
    _, body = _first(record, BODY_KEYS)
    path = unique(f"{rel}#{meta.get('id') or len(seen)}", seen, "/copy")
    return body_article(path, meta, body, options)


def _documents(tree: Tree) -> list[str]:
    """The JSON documents of the tree (JSON Lines are tables: the tabular source reads them)."""
    return [p for p in json_paths(tree) if not p.lower().endswith((".jsonl", ".ndjson"))]


def load(tree: Tree, options: SourceOptions) -> Iterator[Record]:
    found: list[tuple[str, dict[str, Any]]] = []
    names: dict[str, str] = {}
    paged: list[tuple[str, ApiPage, int]] = []  # pages of an API's list of articles
    for rel in _documents(tree):
        doc, problems = read_json(tree, rel)
        yield from problems
        articles = 0
        for record in _records(doc):
            if _is_article(record):
                found.append((rel, record))
                articles += 1
            elif record.get("id") is not None and (name := _name(record)) is not None:
                names.setdefault(str(record["id"]), name)  # a category, collection or user
        if articles and (page := api_page(doc)) is not None:
            paged.append((rel, page, articles))
    if problem := missing_pages(paged, "articles"):
        yield problem
    seen: set[str] = set()
    listed = [(rel, record, None) for rel, record in found]
    for rel, record, _ in latest_copies(listed, _version_key):
        yield from _article(rel, record, names, seen, options)


def _version_key(record: dict[str, Any]) -> tuple[str, str] | None:
    """An article in one language: the same twice is one record read twice."""
    _, article_id = _first(record, _ID_KEYS)
    if article_id is None:
        return None
    _, locale = _first(record, _LOCALE_KEYS)
    return str(article_id), str(locale or "")


def sniff(tree: Tree) -> float:
    """Sure enough to read the JSON when its records have a title and a body, and less sure
    than the readers of the formats named by their own keys (Zendesk, Intercom, Freshdesk)."""
    for rel in _documents(tree)[:8]:
        records = _records(read_json(tree, rel)[0])[:20]
        if records and sum(map(_is_article, records)) * 2 >= len(records):
            return 0.6
    return 0.0


SOURCE = Source(
    name="helpdesk",
    description="Help-desk API JSON of other platforms (Document360, Help Scout, Helpjuice, "
    "Zoho Desk, Guru, ...): article records with a title and a body under any wrapper; "
    "nested category, author and tag objects; categories and users files name ids",
    example='articles.json  ({"data": [{"id": "9f1", "title": ..., "html_content": "<p>...", '
    '"category": {"name": "Billing"}, "modifiedTime": "2026-03-04T12:00:00Z"}]})',
    sniff=sniff,
    load=load,
    reads=JSON_SUFFIXES,
)
