"""An index beside one-file-per-article exports: the scripts that back up a help center
(Zendesk's API, most often) write each article as `<id>-<slug>.html` (or `<id>.html`) and its
fields in one CSV or JSON file (`id, title, section, author, updated_at, label_names, draft,
html_url`). A row names its article by a cell holding the file's name, or by the id the file
name starts with; the row's fields fill what the page itself does not say."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import replace
from typing import Any

from kbaudit.model import Article, Extracted, LoadProblem
from kbaudit.normalize import SourceOptions, build_article
from kbaudit.sources.base import decode, not_text
from kbaudit.sources.records import read_json
from kbaudit.sources.tree import Tree

_FILE_ID = re.compile(r"^(\d{3,})(?:[-_.]|$)")
_ID_KEYS = ("id", "article_id", "articleid", "article id")
_EMPTY = Extracted(text="", headings=(), links=(), images=(), word_count=0)
_MAX_ROWS = 200_000


def _rows(tree: Tree, rel: str) -> list[dict[str, Any]]:
    if rel.lower().endswith(".json"):
        doc, _ = read_json(tree, rel)
        if isinstance(doc, dict):
            doc = next((v for v in doc.values() if isinstance(v, list)), None)
        return [r for r in doc or [] if isinstance(r, dict)][:_MAX_ROWS]
    try:
        data = tree.read_bytes(rel)
    except (OSError, KeyError):
        return []
    if not_text(data, rel) is not None:
        return []
    raw, _ = decode(data, rel)
    first = raw.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    try:
        return list(csv.DictReader(io.StringIO(raw, newline=""), delimiter=delimiter))[:_MAX_ROWS]
    except csv.Error:
        return []


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _match(
    row: dict[str, Any], by_name: dict[str, Article], by_id: dict[str, Article]
) -> Article | None:
    for value in row.values():
        if isinstance(value, str) and _name(value.strip()) in by_name:
            return by_name[_name(value.strip())]
    for key, value in row.items():
        if str(key).strip().casefold() in _ID_KEYS and str(value).strip() in by_id:
            return by_id[str(value).strip()]
    return None


def with_index(
    tree: Tree, articles: list[Article], options: SourceOptions
) -> tuple[list[Article], list[LoadProblem]]:
    """The articles, each given the fields it lacks from the index row that names it. A
    table is an index when most of its rows name an article of the export."""
    files = [a for a in articles if a.path and "#" not in a.path]
    names = Counter(_name(a.path or "") for a in files)  # README.md in every folder names none
    by_name = {_name(a.path or ""): a for a in files if names[_name(a.path or "")] == 1}
    by_id = {m.group(1): a for a in files if (m := _FILE_ID.match(_name(a.path or "")))}
    if not files:
        return articles, []
    filled: dict[str, dict[str, Any]] = {}
    for rel in tree.with_suffix(".csv", ".tsv", ".json"):
        rows = _rows(tree, rel)
        matched = [(row, a) for row in rows if (a := _match(row, by_name, by_id)) is not None]
        if not rows or len(matched) * 2 < len(rows):
            continue
        for row, article in matched:
            filled.setdefault(article.ref, row)
    if not filled:
        return articles, []
    problems: list[LoadProblem] = []
    out = []
    for article in articles:
        if article.ref in filled:
            article = _filled(article, filled[article.ref], options, problems)
        out.append(article)
    return out, problems


def _filled(
    article: Article, row: dict[str, Any], options: SourceOptions, problems: list[LoadProblem]
) -> Article:
    meta = {str(k).strip(): v for k, v in row.items() if k and v not in (None, "")}
    indexed, found = build_article(
        rel=article.path, meta=meta, body=_EMPTY, raw="", body_format="html", options=options
    )
    problems.extend(found)
    changes: dict[str, Any] = {}
    for name in ("title", "category", "tags", "owner", "updated_at", "created_at", "review_at"):
        if not getattr(article, name) and getattr(indexed, name):
            changes[name] = getattr(indexed, name)
    if article.date_source == "created" and indexed.date_source == "field":
        changes["updated_at"] = indexed.updated_at  # an update date beats a publish date
    for name in ("status", "locale", "url"):
        if getattr(article, name) is None and getattr(indexed, name) is not None:
            changes[name] = getattr(indexed, name)
    if indexed.outdated and not article.outdated:
        changes["outdated"] = True
    if "updated_at" in changes:
        changes["date_source"] = indexed.date_source
    if not changes:
        return article
    return replace(article, **changes, meta={**meta, **article.meta})
