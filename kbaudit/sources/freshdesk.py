"""Freshdesk solution articles JSON (API v2): articles with `folder_id`, `status` 1 draft /
2 published, tags and `hierarchy`; categories and folders files (or a nested backup of
categories > folders > articles) name the category path; an agents file names the author.
The account export's XML (`Solutions.xml`: solution-category > folders > articles elements,
`Users.xml` naming the authors) is read as the same records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kbaudit.model import LoadProblem
from kbaudit.normalize import CATEGORY_ID_ONLY, TRANSLATION_OF, SourceOptions
from kbaudit.sources.base import Record, Source
from kbaudit.sources.records import (
    JSON_SUFFIXES,
    body_article,
    file_locale,
    folder_categories,
    items,
    json_paths,
    key_score,
    read_json,
    read_record_xml,
    scalars,
    unique,
)
from kbaudit.sources.tree import Tree

SIGNATURE = {
    "folder_id",
    "category_id",
    "agent_id",
    "description_text",
    "hierarchy",
    "thumbs_up",
    "thumbs_down",
    "seo_data",
    "hits",
    "status",
}
STATUS = {1: "draft", 2: "published"}


def _kind(record: dict[str, Any]) -> str:
    if "folder_id" in record and ("description" in record or "status" in record):
        return "article"
    if "contact" in record:
        return "agent"
    if "folders" in record or "visible_in_portals" in record:
        return "category"
    if "visibility" in record or "parent_folder_id" in record or "articles" in record:
        return "folder"
    return "other"


def _walk(record: dict[str, Any], found: dict[str, list[dict[str, Any]]]) -> None:
    """Sort records by kind, descending into nested categories > folders > articles."""
    kind = _kind(record)
    found.setdefault(kind, []).append(record)
    for key, child_kind in (("folders", "folder"), ("sub_folders", "folder"), ("articles", "")):
        children = record.get(key)
        for child in children if isinstance(children, list) else []:
            if not isinstance(child, dict):
                continue
            if kind == "category" and child_kind == "folder":
                child.setdefault("category_id", record.get("id"))
            if kind == "folder" and key == "sub_folders":
                child.setdefault("parent_folder_id", record.get("id"))
            if key == "articles":
                child.setdefault("folder_id", record.get("id"))
            _walk(child, found)


def _folder_paths(folders: list[dict[str, Any]], categories: dict[str, str]) -> dict[str, str]:
    by_id = {str(f["id"]): f for f in folders if f.get("id") is not None}

    def path(fid: str, depth: int = 0) -> list[str]:
        folder = by_id.get(fid)
        if folder is None or depth > 20:
            return []
        parent = folder.get("parent_folder_id")
        if parent is not None and str(parent) in by_id:
            head = path(str(parent), depth + 1)
        else:
            category = categories.get(str(folder.get("category_id")))
            head = [category] if category else []
        return [*head, str(folder.get("name") or "")]

    return {fid: " > ".join(p for p in path(fid) if p) for fid in by_id}


def _hierarchy(record: dict[str, Any]) -> str | None:
    levels = record.get("hierarchy")
    if not isinstance(levels, list):
        return None
    names = [
        str(level["data"].get("name"))
        for level in sorted(
            (lv for lv in levels if isinstance(lv, dict) and isinstance(lv.get("data"), dict)),
            key=lambda lv: lv.get("level", 0),
        )
        if level["data"].get("name")
    ]
    return " > ".join(names) or None


def _hierarchy_paths(articles: list[dict[str, Any]]) -> dict[str, str]:
    """Folder id -> category path, from the `hierarchy` of the articles that carry one: it
    names the folder of the export's other articles in that folder too."""
    out: dict[str, str] = {}
    for record in articles:
        levels = record.get("hierarchy")
        path = _hierarchy(record)
        if not path or not isinstance(levels, list):
            continue
        folders = [
            lv["data"].get("id")
            for lv in sorted(
                (lv for lv in levels if isinstance(lv, dict) and isinstance(lv.get("data"), dict)),
                key=lambda lv: lv.get("level", 0),
            )
            if lv.get("type") == "folder"
        ]
        if folders and folders[-1] is not None and str(folders[-1]) == str(record.get("folder_id")):
            out.setdefault(str(folders[-1]), path)
    return out


def _kind_by_name(rel: str) -> str:
    """What a file holds by its name or folder (`solution_categories.json`, `folders/3.json`)
    when its records do not say: Freshdesk's category and folder records are bare."""
    name = rel.casefold()
    for word, kind in (("categor", "category"), ("folder", "folder"), ("agent", "agent")):
        if word in name:
            return kind
    return "other"


# Root elements of a Freshdesk account export's XML files that hold solutions or users.
XML_ROOTS = (
    "solution-categories",
    "solution-category",
    "solution-folders",
    "solution-folder",
    "solution-articles",
    "solution-article",
)


def _xml_docs(tree: Tree) -> Iterator[tuple[str, Any, list[LoadProblem]]]:
    """(file, records, problems) of the export's XML files of solutions (and users, as
    agents: `<user><id>..</id><name>..</name>`)."""
    for rel in tree.with_suffix(".xml"):
        root, doc, problems = read_record_xml(tree, rel)
        if root in XML_ROOTS:
            if isinstance(doc, dict):  # one element: the record itself
                doc = [doc]
            yield rel, doc, problems
        elif root == "users" and isinstance(doc, list):
            agents = [
                {"id": u["id"], "contact": {"name": u.get("name")}}
                for u in doc
                if isinstance(u, dict) and u.get("id") is not None
            ]
            yield rel, {"agents": agents}, problems
        elif problems and root is None and rel.lower().rsplit("/", 1)[-1].startswith("solution"):
            yield rel, None, problems


def load(tree: Tree, options: SourceOptions) -> Iterator[Record]:
    found: dict[str, list[dict[str, Any]]] = {}
    origin: dict[int, str] = {}
    locale_of: dict[int, str | None] = {}
    docs = ((rel, *read_json(tree, rel)) for rel in json_paths(tree))
    for rel, doc, problems in (*docs, *_xml_docs(tree)):
        yield from problems
        locale = file_locale(rel)
        batch: dict[str, list[dict[str, Any]]] = {}
        for record in items(doc, ("articles", "categories", "folders", "agents")):
            _walk(record, batch)
        if batch.get("other"):
            batch.setdefault(_kind_by_name(rel), []).extend(batch.pop("other"))
        for kind, records in batch.items():
            found.setdefault(kind, []).extend(records)
            for record in records:
                origin[id(record)] = rel
                locale_of[id(record)] = locale
    names: dict[str | None, dict[str, str]] = {}  # locale -> category id -> name
    for c in found.get("category", []):
        if c.get("id") is not None:
            names.setdefault(locale_of[id(c)], {})[str(c["id"])] = str(c.get("name") or "")
    folder_paths = {
        loc: _folder_paths(
            [f for f in found.get("folder", []) if locale_of[id(f)] == loc],
            names.get(loc) or names.get(None, {}),
        )
        for loc in {locale_of[id(f)] for f in found.get("folder", [])}
    }
    agents = {
        str(a["id"]): str((a.get("contact") or {}).get("name") or "")
        for a in found.get("agent", [])
        if a.get("id") is not None
    }
    articles = found.get("article", [])
    sources = {str(a.get("id")) for a in articles if locale_of[id(a)] is None}
    by_folder = folder_categories(origin[id(a)] for a in articles)
    from_hierarchy = _hierarchy_paths(articles)
    seen: set[str] = set()
    for record in articles:
        locale = locale_of[id(record)]
        meta = scalars(record, drop=("description", "description_text", "desc_un_html"))
        tags = record.get("tags")
        if isinstance(tags, list) and any(isinstance(t, dict) for t in tags):  # XML: <tag><name>
            meta["tags"] = [t.get("name") for t in tags if isinstance(t, dict) and t.get("name")]
        folder = record.get("folder_id")
        folder_path = (folder_paths.get(locale) or folder_paths.get(None) or {}).get(str(folder))
        category_name = (names.get(locale) or names.get(None, {})).get(
            str(record.get("category_id"))
        )
        if folder_path and category_name and " > " not in folder_path:
            folder_path = f"{category_name} > {folder_path}"
        meta["category"] = (
            _hierarchy(record)
            or folder_path
            or from_hierarchy.get(str(folder))
            or by_folder.get(origin[id(record)])
            or None
        )
        if meta["category"] is None and folder is not None:
            meta["category"] = f"folder {folder}"
            meta[CATEGORY_ID_ONLY] = True
        agent = record.get("agent_id", record.get("user_id"))  # the XML export: user_id
        if agent is not None:
            meta["owner"] = agents.get(str(agent)) or str(agent)
        status = record.get("status")
        if isinstance(status, str) and status.isdigit():
            status = int(status)
        meta["status"] = STATUS.get(status, status) if isinstance(status, int) else status
        seo = record.get("seo_data")
        if isinstance(seo, dict) and seo.get("meta_keywords") and not record.get("tags"):
            meta["tags"] = seo["meta_keywords"]
        if options.base_url and record.get("id") is not None:
            meta["url"] = (
                f"{options.base_url.rstrip('/')}/support/solutions/articles/{record['id']}"
            )
        if locale is not None:
            meta.setdefault("language", locale)
            if str(record.get("id")) in sources:  # the translation of an article in the export
                meta[TRANSLATION_OF] = str(record["id"])
                meta["id"] = f"{record['id']}/{locale}"
        path = unique(f"{origin[id(record)]}#{meta.get('id', '')}", seen, "/copy")
        body = (
            record.get("description")
            or record.get("description_text")
            or record.get("desc_un_html")
        )
        yield from body_article(path, meta, body, options)


def sniff(tree: Tree) -> float:
    score = key_score(tree, SIGNATURE, 4, ("articles", "categories", "folders"))
    if score:
        return score
    for rel in tree.with_suffix(".xml")[:8]:  # the account export's Solutions.xml
        if read_record_xml(tree, rel)[0] in XML_ROOTS:
            return 0.95
    for rel in json_paths(tree)[:8]:  # a nested backup: categories > folders > articles
        found: dict[str, list[dict[str, Any]]] = {}
        for record in items(read_json(tree, rel)[0], ("categories",))[:5]:
            _walk(record, found)
        if any(len(SIGNATURE & set(a)) >= 4 for a in found.get("article", [])[:20]):
            return 0.9
    return 0.0


SOURCE = Source(
    name="freshdesk",
    description="Freshdesk solution articles JSON (API v2: status 1 draft / 2 published, tags, "
    "folder_id/hierarchy) + optional categories, folders and agents files, or a nested backup; "
    "the account export's Solutions.xml",
    example='articles.json  ([{"id": 5001, "title": ..., "description": "<p>...", '
    '"status": 2, "folder_id": 70, "tags": [...], "updated_at": "2026-03-04T12:00:00Z"}])',
    sniff=sniff,
    load=load,
    reads=(*JSON_SUFFIXES, ".xml"),
)
