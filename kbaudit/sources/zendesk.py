"""Zendesk Guide (Help Center API) JSON: article lists as the API pages them, a plain list, or
one file per article; optional sections, categories and users files resolve ids to names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kbaudit.normalize import CATEGORY_ID_ONLY, TRANSLATION_OF, SourceOptions
from kbaudit.sources.base import Record, Source
from kbaudit.sources.records import (
    JSON_SUFFIXES,
    api_page,
    body_article,
    folder_categories,
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
    "html_url",
    "section_id",
    "label_names",
    "source_locale",
    "author_id",
    "user_segment_id",
    "permission_group_id",
    "edited_at",
    "outdated",
    "draft",
    "promoted",
    "vote_sum",
}
_LISTS = ("articles", "translations", "sections", "categories", "users")
# What a translation (Translations API, or `include=translations`) replaces in its article.
_TRANSLATED = (
    "title",
    "body",
    "locale",
    "outdated",
    "draft",
    "created_at",
    "updated_at",
    "html_url",
)


def _kind(doc: Any) -> str:
    """What a JSON file of the export holds: articles, sections, categories or users."""
    if isinstance(doc, dict):
        for key in _LISTS:
            if isinstance(doc.get(key), list):
                return key
        if isinstance(doc.get("article"), dict) or "body" in doc:
            return "articles"
        return "other"
    records = items(doc)
    if not records:
        return "other"
    first = records[0]
    if "source_id" in first and "source_type" in first:
        return "translations"
    if "body" in first or "section_id" in first:
        return "articles"
    if "email" in first:
        return "users"
    if "category_id" in first:
        return "sections"
    return "categories" if "name" in first else "other"


def _section_paths(sections: list[dict], categories: dict[str, str]) -> dict[str, str]:
    """Section id -> "Category > Parent section > Section"."""
    by_id = {str(s["id"]): s for s in sections if s.get("id") is not None}

    def path(sid: str, depth: int = 0) -> list[str]:
        section = by_id.get(sid)
        if section is None or depth > 20:
            return []
        parent = section.get("parent_section_id")
        if parent is not None and str(parent) in by_id:
            head = path(str(parent), depth + 1)
        else:
            category = categories.get(str(section.get("category_id")))
            head = [category] if category else []
        return [*head, str(section.get("name") or "")]

    return {sid: " > ".join(p for p in path(sid) if p) for sid in by_id}


def _related(docs: dict[str, list[tuple[str, Any]]], kind: str) -> Iterator[dict[str, Any]]:
    """The sections, categories or users of the export: their own files, and the lists an
    articles page carries beside its articles (`articles.json?include=users,sections,categories`
    sideloads them into the same document)."""
    for _, doc in docs[kind]:
        yield from items(doc, (kind,))
    for _, doc in docs["articles"]:
        if isinstance(doc, dict) and isinstance(doc.get(kind), list):
            yield from (r for r in doc[kind] if isinstance(r, dict))


def load(tree: Tree, options: SourceOptions) -> Iterator[Record]:
    docs: dict[str, list[tuple[str, Any]]] = {k: [] for k in (*_LISTS, "other")}
    for rel in json_paths(tree):
        doc, problems = read_json(tree, rel)
        yield from problems
        if doc is not None:
            docs[_kind(doc)].append((rel, doc))
    sections = list(_related(docs, "sections"))
    categories = names_by_id(_related(docs, "categories"))
    users = names_by_id(_related(docs, "users"))
    section_path = _section_paths(sections, categories)
    per_file = len(docs["articles"]) > 1
    by_folder = folder_categories(rel for rel, _ in docs["articles"]) if not sections else {}
    seen: set[str] = set()
    sources: dict[str, tuple[str, dict[str, Any]]] = {}  # article id -> (file, record)
    read: set[tuple[str, str]] = set()  # (article id, locale) already read
    listed = [
        (rel, record, per_file and len(records) == 1)
        for rel, doc in docs["articles"]
        for records in [items(doc, ("articles",), ("article",))]
        for record in records
    ]
    for rel, record, whole_file in latest_copies(listed, _version_key):
        sources.setdefault(str(record.get("id")), (rel, record))
        read.add((str(record.get("id")), str(record.get("locale") or "")))
        yield from _article(
            rel,
            record,
            whole_file,
            seen,
            options,
            section_path,
            users,
            by_folder.get(rel),
        )
    paged = [
        (rel, page, len(items(doc, ("articles",))))
        for rel, doc in docs["articles"]
        if (page := api_page(doc)) is not None
    ]
    if problem := missing_pages(paged, "articles"):
        yield problem
    for translation in _related(docs, "translations"):
        found = sources.get(str(translation.get("source_id")))
        key = (str(translation.get("source_id")), str(translation.get("locale") or ""))
        if found is None or key in read or translation.get("source_type") not in (None, "Article"):
            continue
        read.add(key)
        rel, source = found
        record = {k: v for k, v in source.items() if k != "edited_at"}
        record.update({k: translation[k] for k in _TRANSLATED if k in translation})
        record["source_locale"] = source.get("source_locale") or source.get("locale")
        folder = by_folder.get(rel)
        yield from _article(rel, record, False, seen, options, section_path, users, folder)


def _version_key(record: dict[str, Any]) -> tuple[str, str] | None:
    """An article in one language: the same twice is one record read twice."""
    if record.get("id") is None:
        return None
    return str(record["id"]), str(record.get("locale") or "")


def _article(
    rel: str,
    record: dict[str, Any],
    whole_file: bool,
    seen: set[str],
    options: SourceOptions,
    section_path: dict[str, str],
    users: dict[str, str],
    folder: str | None,
) -> list[Record]:
    """One article. Without a sections file the section is named by the folder the export
    tool filed the article in, else only by its id (flagged CATEGORY_ID_ONLY)."""
    meta = scalars(record, drop=("body",))
    section = record.get("section_id")
    if section is not None:
        meta["category"] = section_path.get(str(section)) or folder or f"section {section}"
        meta[CATEGORY_ID_ONLY] = meta["category"] == f"section {section}"
    locale, source_locale = record.get("locale"), record.get("source_locale")
    if locale and source_locale and locale != source_locale and record.get("id") is not None:
        meta[TRANSLATION_OF] = str(record["id"])  # same id, another locale
        meta["id"] = f"{record['id']}/{locale}"
    meta["tags"] = record.get("label_names") or []
    author = record.get("author_id")
    if author is not None:
        meta["owner"] = users.get(str(author)) or str(author)
    meta["status"] = (
        "archived" if record.get("archived") else "draft" if record.get("draft") else "published"
    )
    meta["updated_at"] = record.get("edited_at") or record.get("updated_at")
    meta["url"] = record.get("html_url") or record.get("url")
    base = rel if whole_file else f"{rel}#{record.get('id', '')}"
    path = unique(base, seen, f"/{record.get('locale') or 'copy'}")
    return body_article(path, meta, record.get("body"), options)


def sniff(tree: Tree) -> float:
    return key_score(tree, SIGNATURE, 4, ("articles",), ("article",))


SOURCE = Source(
    name="zendesk",
    description="Zendesk Guide Help Center API JSON: articles (paged, a list or one file per "
    "article) + optional sections, categories and users files to name sections and authors",
    example='articles.json  ({"articles": [{"id": 360001, "title": ..., "body": "<p>...", '
    '"section_id": ..., "label_names": [...], "draft": false}], "next_page": null})',
    sniff=sniff,
    load=load,
    reads=JSON_SUFFIXES,
)
