"""Logseq graphs: which Markdown files of a graph are its pages, and how a page is named,
described and linked.

A folder holding `logseq/config.edn` is a Logseq graph. It shows the files of `pages/` and,
unless the config turns journals off (`:feature/enable-journals? false`), of `journals/`;
the paths the config hides (`:hidden [...]`) and any other Markdown in the folder (a README
for the repository, the app's backups under `logseq/`) are no pages, and are not read.

A page is an outline of blocks (`- ...`). It is named by its `title::` property, else by its
file name, where `___` stands for the `/` of a namespace (`Whiteboard___Tool.md` is
"Whiteboard/Tool") and reserved characters are percent-encoded (`New to Logseq%3F.md`); a
heading in a block is no title. Its first lines of `key:: value` are its properties
(`alias::`, `tags::`, `public:: false`; a `description::` is shown as the page's first
line), and a block's own properties (`collapsed:: true`,
`id:: ...`) are no text. A page in a namespace is filed under it ("Whiteboard > Tool"), and a namespace's own page
("Whiteboard") is its section's page. A
journal (`journals/2026_06_02.md`) is named and dated by its day. A file with no blocks (a day
with nothing written, a page of properties only) is no article: the app shows the blocks that
link to it. Pages link by name (`[[Page]]`, `[label]([[Page]])`,
`#tag`) to the page of that name or alias, and to a block by its id (`((uuid))`), which shows
the block's text in place: no page to find, so it is left out of the text.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import replace
from urllib.parse import unquote

from kbaudit.model import Article
from kbaudit.normalize import PARENT_PAGE
from kbaudit.sources.base import config_text
from kbaudit.sources.tree import Tree, without_site_pages

_CONFIG = re.compile(r"(?:^|/)logseq/config\.edn$")
_JOURNALS_OFF = re.compile(r":feature/enable-journals\?\s+false\b")
_HIDDEN = re.compile(r":hidden\s*\[([^\]]{0,5000})\]")
_STRING = re.compile(r'"([^"\n]{1,500})"')

_PROPERTY = re.compile(r"^([A-Za-z][\w.-]{0,100})::(?:[ \t]+(.*))?$")
_BLOCK_PROPERTY = re.compile(r"^[ \t]*[A-Za-z][\w.-]{0,100}::(?:[ \t].*)?\n?", re.M)
_ORG_MARKER = re.compile(r"^[ \t]*+(?:- )?#\+(?:BEGIN|END)_[A-Z]++[ \t]*+(?:\n|$)", re.M)
# an empty block: no text, and under a line of text Markdown would read its `-` as a heading
_EMPTY_BLOCK = re.compile(r"^[ \t]*+-[ \t]*+(?:\n|$)", re.M)
_LABELLED_PAGE = re.compile(r"\[([^\[\]\n]{0,500})\]\(\[\[([^\[\]\n]{1,500})\]\]\)")
_LABELLED_BLOCK = re.compile(r"\[([^\[\]\n]{0,500})\]\(\(\(([0-9a-fA-F-]{36})\)\)\)")
_BLOCK_REF = re.compile(r"\(\(([0-9a-fA-F-]{36})\)\)")
_PAGE_REF = re.compile(r"\[\[([^\[\]|\n]{1,500})\]\]")
_JOURNAL = re.compile(r"^(\d{4})_(\d\d)_(\d\d)$")
# what Logseq writes percent-encoded in a file name (`/` is written `___`)
_RESERVED = {c: f"%{ord(c):02X}" for c in '%?#:*"<>|\\'}


def graphs(tree: Tree) -> dict[str, tuple[bool, list[str]]]:
    """The graph folders of the tree ("" for the root): whether each shows journals, and
    the paths its config hides (relative to the graph)."""
    found = {}
    for path in tree.all_paths:
        if not _CONFIG.search(path):
            continue
        graph = posixpath.dirname(posixpath.dirname(path))
        config = config_text(tree, path)
        lines = "\n".join(line.split(";", 1)[0] for line in config.splitlines())  # comments
        hidden = _HIDDEN.search(lines)
        names = [n.strip("/") for n in _STRING.findall(hidden[1])] if hidden else []
        found[graph] = (_JOURNALS_OFF.search(lines) is None, names)
    return found


def published(tree: Tree) -> Tree:
    """The tree without the Markdown of a Logseq graph that it does not show as a page."""
    found = graphs(tree)

    def unpublished(path: str, graph: str) -> bool:
        rel = path[len(graph) + 1 :] if graph else path
        journals, hidden = found[graph]
        folders = ("pages/", "journals/") if journals else ("pages/",)
        return not rel.startswith(folders) or any(
            rel == h or rel.startswith(h + "/") for h in hidden
        )

    return without_site_pages(tree, sorted(found), unpublished)


def in_graph(rel: str, folders: list[str]) -> bool:
    """Whether a file lies in one of the graph folders."""
    return any(not g or rel.startswith(g + "/") for g in folders)


def page_name(rel: str) -> str:
    """The name Logseq gives the page of a file: `___` is a namespace's `/`, and
    percent-encoded characters are decoded."""
    stem = posixpath.splitext(posixpath.basename(rel))[0]
    return unquote(stem.replace("___", "/"))


def file_name(name: str) -> str:
    """The file name (without suffix) Logseq writes for a page name."""
    return "".join(_RESERVED.get(c, c) for c in name.strip()).replace("/", "___")


def _journal_day(rel: str) -> dt.date | None:
    parts = rel.split("/")
    if len(parts) < 2 or parts[-2] != "journals":
        return None
    m = _JOURNAL.match(posixpath.splitext(parts[-1])[0])
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None
    except ValueError:
        return None


def _day_title(day: dt.date) -> str:
    """Logseq's default journal title ("Jun 2nd, 2026")."""
    suffix = "th" if 10 <= day.day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10)
    return f"{day:%b} {day.day}{suffix or 'th'}, {day.year}"


_LISTS = ("alias", "tags")  # properties whose commas separate page names (Logseq's default)


def _value(key: str, text: str) -> str | list[str] | bool:
    """A property's value: a list of page names for `alias::` and `tags::` or a list of
    references (`[[A]], [[B]]`), a flag for true/false, else the text as written."""
    text = text.strip()
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    items = [i.strip() for i in text.split(",")]
    if key not in _LISTS and not all(i.startswith(("[[", "#")) for i in items):
        return text
    return [i.removeprefix("[[").removesuffix("]]").lstrip("#") for i in items if i]


def split_properties(raw: str) -> tuple[dict[str, object], str, int]:
    """The page's properties (its first lines of `key:: value`), the rest of the page and the
    number of lines before it."""
    meta: dict[str, object] = {}
    lines = raw.split("\n")
    at = 0
    while at < len(lines):
        m = _PROPERTY.match(lines[at].strip())
        if m is None:
            break
        meta[m[1].lower()] = _value(m[1].lower(), m[2] or "")
        at += 1
    return meta, "\n".join(lines[at:]), at


def _link(name: str, label: str | None = None) -> str:
    target = file_name(name)
    shown = label if label is not None else name
    return f"[[{target}|{shown}]]" if shown != target else f"[[{target}]]"


def outline(body: str) -> str:
    """A page's blocks as Markdown: block properties, org markers and empty blocks out, links
    by page name written as wikilinks to the page's file, block references by their label
    only."""
    body = _BLOCK_PROPERTY.sub("", body)
    body = _EMPTY_BLOCK.sub("", _ORG_MARKER.sub("", body))
    body = _LABELLED_PAGE.sub(lambda m: _link(m[2], m[1] or m[2]), body)
    body = _LABELLED_BLOCK.sub(lambda m: m[1], body)
    body = _BLOCK_REF.sub("", body)
    return _PAGE_REF.sub(lambda m: _link(m[1]), body)


def page_fields(
    rel: str, fields: dict[str, object], body: str, body_line: int
) -> tuple[dict[str, object], str, int] | None:
    """A page's fields, its blocks as Markdown and the line they start on; None for a page
    with no blocks (a journal day with nothing written, or a page of properties only, which
    shows the blocks that link to it: a listing the app builds, like a tag's page)."""
    properties, body, skipped = split_properties(body)
    meta = {**fields, **properties}
    body_line += skipped
    day = _journal_day(rel)
    if not body.strip(" \t\n-"):
        return None
    if "public" in meta and meta.pop("public") is False:
        meta["published"] = False  # left out of the published graph
    aliases = meta.pop("alias", None)
    if aliases:
        names = aliases if isinstance(aliases, list) else [str(aliases)]
        meta["aliases"] = [file_name(n) for n in names]
    if day is not None:
        meta.setdefault("title", _day_title(day))
        meta.setdefault("date", day)
    name = page_name(rel)
    meta.setdefault("title", name)
    if "/" in name.strip("/") and day is None:  # a namespace's page: filed under it
        meta.setdefault("category", " > ".join(name.strip("/").split("/")[:-1]))
    described = meta.get("description")  # shown at the top of the page
    if isinstance(described, str) and described.strip():
        body = f"{described.strip()}\n\n{body}"
        body_line -= 2
    return meta, outline(body), body_line


def with_namespace_pages(tree: Tree, articles: list[Article]) -> list[Article]:
    """A graph's page that names a namespace of other pages ("Whiteboard" for
    "Whiteboard/Tool") is its section's page, filed under it as the app lists the namespace
    on it. Page names ignore case, and so do the namespaces they are filed under."""
    folders = sorted(graphs(tree))
    if not folders:
        return articles
    sections: dict[str, str] = {}  # a namespace, folded -> as the pages under it spell it
    for a in articles:
        if a.category and a.path and in_graph(a.path, folders):
            parts = a.category.split(" > ")
            for n in range(len(parts)):
                section = " > ".join(parts[: n + 1])
                sections.setdefault(section.casefold(), section)
    out = []
    for a in articles:
        if not (a.path and in_graph(a.path, folders)):
            out.append(a)
            continue
        if a.category:  # page names ignore case: "templates/x" is in "Templates"
            a = replace(a, category=sections.get(a.category.casefold(), a.category))
        elif (own := sections.get(a.title.replace("/", " > ").casefold())) is not None:
            a = replace(a, category=own, meta={**a.meta, PARENT_PAGE: True})
        out.append(a)
    return out
