"""GitBook and mdBook books: which Markdown files of a book folder are its pages.

A book's table of contents is its SUMMARY.md. GitBook shows the pages the summary lists and
no other (the summary mirrors the space's table of contents), and mdBook builds only the
chapters it lists. A Markdown file of the book's folder that the summary does not list (a
section moved to another site and left in the repository, the old copy of a renamed folder)
is no page of the help center, and is not read.

A folder is a book when it is marked as one: GitBook's `.gitbook.yaml` (its `root:` names
the book's folder, `structure.summary` and `structure.readme` the table of contents and the
first page), a `.gitbook/` folder (GitBook keeps the pages' pictures in `.gitbook/assets/`)
or a legacy `book.json` beside SUMMARY.md, or mdBook's `book.toml` beside it or one folder
above (`src/SUMMARY.md`). A SUMMARY.md without such a mark may be an article called
"Summary", and a summary that lists no page of its folder is not read as one: the folder is
left as it is."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace
from typing import Any

import yaml

from kbaudit.sources import structure
from kbaudit.sources.base import decode
from kbaudit.sources.tree import SITE_PAGES, Tree

_CONFIG = ".gitbook.yaml"
_SUMMARY = "SUMMARY.md"
_README = "README.md"


@dataclass(frozen=True)
class _Book:
    root: str  # the book's folder ("" for the root of the tree)
    summary: str  # the table of contents
    readme: str  # the first page, shown whether or not the summary lists it


def published(tree: Tree) -> Tree:
    """The tree without the Markdown pages of a book that its summary does not list; each
    page is judged by the innermost book folder that holds it."""
    books = _books(tree)
    if not books:
        return tree
    listed = {b.root: _listed(tree, b) for b in books}
    roots = [root for root, pages in listed.items() if pages]
    dropped = set()
    for path in tree.paths:
        if not path.lower().endswith(SITE_PAGES):
            continue
        root = max((r for r in roots if not r or path.startswith(r + "/")), key=len, default=None)
        if root is not None and path not in listed[root]:
            dropped.add(path)
    if not dropped:
        return tree
    return replace(tree, paths=[p for p in tree.paths if p not in dropped])


def _books(tree: Tree) -> list[_Book]:
    """The book folders of the tree: one per `.gitbook.yaml`, and one per SUMMARY.md that a
    GitBook or mdBook mark stands beside."""
    files = set(tree.all_paths)
    books: dict[str, _Book] = {}
    for path in tree.all_paths:
        folder, name = posixpath.split(path)
        if name == _CONFIG:
            book = _configured(tree, path)
            if book is not None:
                books.setdefault(book.root, book)
        elif name == _SUMMARY and folder not in books and _marked(folder, files):
            books[folder] = _Book(folder, path, _join(folder, _README))
    return [b for b in books.values() if b.summary in files]


def _marked(folder: str, files: set[str]) -> bool:
    """Whether a folder holding SUMMARY.md is marked as a GitBook or mdBook book."""
    parent = posixpath.dirname(folder) if folder else None
    marks = [_join(folder, "book.json"), _join(folder, "book.toml")]
    if parent is not None:
        marks.append(_join(parent, "book.toml"))
    if any(m in files for m in marks):
        return True
    assets = _join(folder, ".gitbook") + "/"
    return any(p.startswith(assets) for p in files)


def _configured(tree: Tree, path: str) -> _Book | None:
    """The book a `.gitbook.yaml` describes, or None when it cannot be read."""
    try:
        loaded = yaml.safe_load(decode(tree.read_bytes(path), path)[0])
    except (OSError, ValueError, yaml.YAMLError):
        return None
    doc: dict[str, Any] = loaded if isinstance(loaded, dict) else {}
    root = _join(posixpath.dirname(path), str(doc.get("root") or "."))
    if root.startswith(".."):
        return None
    shape: dict[str, Any] = doc["structure"] if isinstance(doc.get("structure"), dict) else {}
    summary = _join(root, str(shape.get("summary") or _SUMMARY))
    readme = _join(root, str(shape.get("readme") or _README))
    return _Book(root, summary, readme)


def _listed(tree: Tree, book: _Book) -> set[str]:
    """The files the book's summary lists, with its first page (not the summary: it is
    the table of contents, not a page); empty when the summary lists none of the book's
    files (then it is no table of contents to go by)."""
    try:
        raw = decode(tree.read_bytes(book.summary), book.summary)[0]
    except OSError:
        return set()
    files, folder = set(tree.all_paths), posixpath.dirname(book.summary)
    found = set()
    # every link: the list items, and mdBook's chapters before and after the lists
    for link in structure.NAV_LINK.finditer(raw):
        target = posixpath.join(folder, link.group(2))
        page = next((p for p in structure.candidates(target) if p in files), None)
        if page is not None:
            found.add(page)
    return found | {book.readme} if found else set()


def _join(folder: str, rel: str) -> str:
    joined = posixpath.normpath(posixpath.join(folder, rel.strip()))
    return "" if joined == "." else joined.lstrip("/")
