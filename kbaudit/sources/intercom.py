"""Intercom Help Center JSON: articles as the Articles API lists them (`{"type": "list",
"data": [...]}`), epoch-second dates, per-locale `translated_content`; optional collections and
admins files name the collection path and the author."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kbaudit import text
from kbaudit.model import InputCode, LoadProblem
from kbaudit.normalize import (
    CATEGORY_ID_ONLY,
    EMPTY_TRANSLATIONS,
    TRANSLATION_OF,
    SourceOptions,
    is_record_id,
)
from kbaudit.sources.base import Record, Source
from kbaudit.sources.records import (
    JSON_SUFFIXES,
    ApiPage,
    api_page,
    body_article,
    items,
    json_paths,
    key_score,
    latest_copies,
    missing_pages,
    names_by_id,
    read_json,
    scalars,
    unique,
)
from kbaudit.sources.tree import Tree

SIGNATURE = {
    "workspace_id",
    "parent_id",
    "parent_type",
    "parent_ids",
    "author_id",
    "state",
    "default_locale",
    "translated_content",
    "statistics",
}
_CONTENT_KEYS = (
    "title",
    "description",
    "body",
    "author_id",
    "state",
    "created_at",
    "updated_at",
    "url",
)


def _kind(record: dict[str, Any], rel: str) -> str:
    kind = str(record.get("type") or "")
    if kind in ("article", "collection", "section", "admin", "tag"):
        return kind
    if _TAG_FILE.search(rel) and "body" not in record:  # tags.json: the workspace's tags
        return "tag"
    if "email" in record:
        return "admin"
    return "article" if "body" in record else "collection" if "name" in record else "other"


def _collection_paths(collections: list[dict[str, Any]]) -> dict[str, str]:
    """Collection (or section) id -> "Parent collection > Collection"."""
    by_id = {str(c["id"]): c for c in collections if c.get("id") is not None}

    def path(cid: str, depth: int = 0) -> list[str]:
        item = by_id.get(cid)
        if item is None or depth > 20:
            return []
        parent = item.get("parent_id")
        head = path(str(parent), depth + 1) if parent is not None else []
        return [*head, str(item.get("name") or "")]

    return {cid: " > ".join(p for p in path(cid) if p) for cid in by_id}


_TAG_FILE = re.compile(r"(?:^|/)tags\.(?:json|jsonl|ndjson)$", re.I)
_DIGITS = re.compile(r"[0-9]+")


def _id_text(value: str) -> bool:
    """Text that is an id, not a tag's name: only digits, or a record id (hexadecimal)."""
    return bool(_DIGITS.fullmatch(value.strip())) or is_record_id(value)


def load(tree: Tree, options: SourceOptions) -> Iterator[Record]:
    grouped: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    paged: list[tuple[str, ApiPage, int]] = []  # pages of the Articles API's list
    for rel in json_paths(tree):
        doc, problems = read_json(tree, rel)
        yield from problems
        records = items(doc, ("data", "admins", "articles", "collections"))
        kinds = [_kind(record, rel) for record in records]
        for kind, record in zip(kinds, records, strict=True):
            grouped.setdefault(kind, []).append((rel, record))
        if "article" in kinds and (page := api_page(doc)) is not None:
            paged.append((rel, page, kinds.count("article")))
        if isinstance(doc, dict) and isinstance(doc.get("tags"), list) and "body" not in doc:
            # the workspace's tags: a tag list, or side-loaded beside a page of articles
            listed = [t for t in doc["tags"] if isinstance(t, dict) and "body" not in t]
            grouped.setdefault("tag", []).extend((rel, t) for t in listed)
    collections = [c for k in ("collection", "section") for _, c in grouped.get(k, [])]
    paths = _collection_paths(collections)
    admins = names_by_id(a for _, a in grouped.get("admin", []))
    tags = {k: v for k, v in names_by_id(t for _, t in grouped.get("tag", [])).items() if v}
    seen: set[str] = set()
    unnamed: dict[str, list[str]] = {}  # id of a tag no tag list names -> files giving it
    articles_read = [(rel, record, None) for rel, record in grouped.get("article", [])]
    for rel, record, _ in latest_copies(articles_read, _article_id):
        yield from _articles(rel, record, paths, admins, tags, seen, options, unnamed)
    if problem := missing_pages(paged, "articles"):
        yield problem
    if unnamed:
        ids, n = sorted(unnamed), len(unnamed)
        files = sorted({rel for rels in unnamed.values() for rel in rels})
        yield LoadProblem(
            InputCode.UNNAMED_TAGS,
            files[0],
            f"{n} tag{'s are' if n != 1 else ' is'} given by id only "
            f"({', '.join(ids[:3])}{', ...' if n > 3 else ''}) and no tag list of the export "
            "names them, so they are left out of the articles' tags; export the workspace's "
            "tags (the Tags API's list) as tags.json beside the articles",
        )


def _article_id(record: dict[str, Any]) -> str | None:
    """An article (with its translations): the same twice is one record read twice."""
    return str(record["id"]) if record.get("id") is not None else None


def _tag_list(value: Any) -> list[Any]:
    """The tags of an article: a `{"type": "tag.list", "tags": [...]}` object or a list."""
    if isinstance(value, dict):
        value = value.get("tags") if isinstance(value.get("tags"), list) else value.get("data")
    return value if isinstance(value, list) else []


def _tags(value: Any, names: dict[str, str]) -> tuple[list[str], list[str]]:
    """Tag names as Intercom writes them, and the ids of tags given by id that `names` (the
    workspace's tag list, id -> name) does not name. A tag is a `{"type": "tag", "id": ...,
    "name": ...}` object, an object with its id only, a name, or an id (a number, or text
    that is only digits or a record id, or an id the tag list names)."""
    found, unnamed = [], []
    for tag in _tag_list(value):
        if isinstance(tag, dict):
            name, tag_id = tag.get("name"), tag.get("id")
        elif isinstance(tag, int) and not isinstance(tag, bool):
            name, tag_id = None, tag
        elif isinstance(tag, str) and (tag.strip() in names or _id_text(tag)):
            name, tag_id = None, tag.strip()
        else:
            name, tag_id = tag, None
        if not (isinstance(name, str) and name.strip()) and tag_id is not None:
            name = names.get(str(tag_id))
            if name is None:
                unnamed.append(str(tag_id))
        if isinstance(name, str) and name.strip():
            found.append(name.strip())
    return found, unnamed


def _articles(
    rel: str,
    record: dict[str, Any],
    paths: dict[str, str],
    admins: dict[str, str],
    tags: dict[str, str],
    seen: set[str],
    options: SourceOptions,
    unnamed: dict[str, list[str]],
) -> Iterator[Record]:
    """The article in its default locale, then each translation as an article of its own."""
    base = scalars(record, drop=("body", "tags"))
    if "tags" in record:
        base["tags"], ids = _tags(record["tags"], tags)
        for tag_id in ids:
            unnamed.setdefault(tag_id, []).append(rel)
    parent = record.get("parent_id")
    parents = record.get("parent_ids")
    if parent is None and isinstance(parents, list) and parents:  # only the list is given
        parent = parents[0]
    if parent is not None:
        base["category"] = paths.get(str(parent)) or f"collection {parent}"
        base[CATEGORY_ID_ONLY] = str(parent) not in paths
    default_locale = str(record.get("default_locale") or "")
    versions: list[tuple[str, dict[str, Any]]] = [(default_locale, record)]
    translated = record.get("translated_content")
    empty: list[str] = []  # translations listed with no body: reported, not read as articles
    if isinstance(translated, dict):
        for locale, content in sorted(translated.items()):
            if not isinstance(content, dict) or locale == default_locale:
                continue
            if text.html(str(content.get("body") or "")).text.strip():
                versions.append((locale, content))
            elif content.get("title") or "body" in content:
                empty.append(locale)
    if empty:
        base[EMPTY_TRANSLATIONS] = empty
    for i, (locale, content) in enumerate(versions):
        meta = dict(base)
        meta.update({k: content[k] for k in _CONTENT_KEYS if k in content and k != "body"})
        if locale:
            meta["locale"] = locale
        author = meta.get("author_id")
        if author is not None:
            meta["owner"] = admins.get(str(author)) or str(author)
        meta["status"] = meta.get("state")
        article_id = str(record.get("id", ""))
        meta["id"] = article_id if i == 0 else f"{article_id}/{locale}"
        if i:
            meta[TRANSLATION_OF] = article_id
            meta.pop(EMPTY_TRANSLATIONS, None)
        path = unique(f"{rel}#{meta['id']}", seen, "/copy")
        yield from body_article(path, meta, content.get("body"), options)


def sniff(tree: Tree) -> float:
    return key_score(tree, SIGNATURE, 4, ("data", "articles"))


SOURCE = Source(
    name="intercom",
    description="Intercom Help Center JSON: Articles API list (state, author_id, epoch-second "
    "dates, translated_content per locale) + optional collections and admins files",
    example='articles.json  ({"type": "list", "data": [{"type": "article", "id": "81", '
    '"title": ..., "body": "<p>...", "state": "published", "updated_at": 1772625600}]})',
    sniff=sniff,
    load=load,
    reads=JSON_SUFFIXES,
)
