"""Fragments: Markdown files that pages include rather than pages of their own.

Docs-as-code KBs keep text shared by many pages in one file that each page includes: MkDocs'
snippets (`--8<-- "contact-us.md"`, or a block of file names between two `--8<--` lines)
and the include-markdown plugin (`{% include-markdown "note.md" %}`, `{! include-markdown
"note.md" !}` with its own tags), DocFX and Microsoft Docs (`[!INCLUDE [note](../includes/note.md)]`), mdBook
(`{{#include note.md}}`), Jekyll (`{% include_relative note.md %}`) and MDX imports of a
partial (`import Note from './_note.mdx'`: Docusaurus publishes no `_` file as a page). The included file is read like any article, so what its
text says (a secret, a placeholder, a broken link) is still reported on it; but it has no
title, date, owner, tags or category of its own to report, is short by design and is not a
duplicate of the pages that share it: `Article.meta["included_by"]` names the pages that
include it, and the audit keeps only the findings of check kinds about the text itself.

A page that includes files shows their text too: `Article.meta["included_words"]` is the
number of words its included files bring (None when one of them exists but is not read, an
excluded `includes/` folder: how much it brings is not known), so a page made of includes is
not judged empty or thin by its own few lines."""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import replace

from kbaudit.model import Article
from kbaudit.normalize import INCLUDED_BY, INCLUDED_WORDS

# Include directives, each on a line of its own. Spans are bounded: linear on any text.
_SNIPPET = re.compile(r"""^[ \t]{0,12}-{1,8}8<-{1,8}[ \t]+(["'])([^"'\n]{1,500})\1""", re.M)
_SNIPPET_BLOCK = re.compile(r"^[ \t]{0,12}-{1,8}8<-{1,8}[ \t]*$")
_DOCFX = re.compile(r"\[!INCLUDE[ \t]*\[[^\]\n]{0,500}\][ \t]*\([ \t]*<?([^()<>\s]{1,500})", re.I)
_MDBOOK = re.compile(r"\{\{#(?:include|rustdoc_include)[ \t]+([^\s}]{1,500})")
_INCLUDE_MARKDOWN = re.compile(
    r"""(?:\{%|\{!)-?[ \t]*include-markdown[ \t]+(["'])([^"'\n]{1,500})\1"""
)
_JEKYLL = re.compile(r"\{%-?[ \t]*include_relative[ \t]+([^\s%}]{1,500})")
_IMPORT = re.compile(
    r"""^import[ \t]+[\w${},*\s]{1,500}?[ \t]from[ \t]+(["'])([^"'\n]{1,500}\.mdx?)\1""", re.M
)
# A snippet may name lines or a section after the file (`note.md:3:8`, `note.md:intro`).
_SELECTOR = re.compile(r"(\.(?:md|markdown|mdx|txt))(?::[\w.-]*)+$", re.I)


def _snippet_blocks(raw: str) -> Iterator[str]:
    """File names between two `--8<--` lines (`;` comments a name out)."""
    inside = False
    for line in raw.split("\n"):
        if _SNIPPET_BLOCK.match(line):
            inside = not inside
        elif inside and line.strip() and not line.lstrip().startswith(";"):
            yield line.strip()


def targets(raw: str) -> list[str]:
    """The files a page's source includes, as written."""
    marks = ("8<", "[!", "{{#", "include_relative", "include-markdown", "import")
    if not any(mark in raw for mark in marks):
        return []
    found = [m[2] for m in _SNIPPET.finditer(raw)]
    found += [m[2] for m in _INCLUDE_MARKDOWN.finditer(raw)]
    if "8<" in raw:
        found += _snippet_blocks(raw)
    found += _DOCFX.findall(raw) + _MDBOOK.findall(raw) + _JEKYLL.findall(raw)
    # an MDX import names a partial when its file or a folder of it starts with `_`
    # (Docusaurus never publishes those); another imported page is still a page
    found += [m[2] for m in _IMPORT.finditer(raw) if "/_" in "/" + m[2].lstrip("./")]
    return [_SELECTOR.sub(r"\1", t.split("#", 1)[0]) for t in found if "://" not in t]


def _resolve(page: str, target: str, paths: set[str], by_tail: dict[str, list[str]]) -> str | None:
    """The article file a page's include names: relative to the page, to the KB root (a
    leading `/` or Docusaurus' `@site/`), else the one file whose path ends with it (a
    snippet is named relative to a folder the site's config sets)."""
    target = target.removeprefix("@site/")
    tries = [posixpath.normpath(posixpath.join(posixpath.dirname(page), target))]
    tries.append(posixpath.normpath(target.lstrip("/")))
    for path in tries:
        if path in paths:
            return path
    tail = posixpath.normpath(target).lstrip("/")
    while tail.startswith("../"):
        tail = tail[3:]
    found = by_tail.get(tail.removeprefix("./"), [])
    return found[0] if len(found) == 1 else None


def with_fragments(articles: list[Article], files: Collection[str] = ()) -> list[Article]:
    """Articles other pages include carry `included_by`: the pages that include them; the
    pages that include read articles or other `files` of the KB carry `included_words`."""
    paths = {a.path for a in articles if a.path and "#" not in a.path}
    including = {
        a.path: named for a in articles if a.path and a.path in paths and (named := targets(a.raw))
    }
    if not including:
        return articles
    by_tail: dict[str, list[str]] = defaultdict(list)
    for path in sorted(paths):
        parts = path.split("/")
        for i in range(len(parts)):
            by_tail["/".join(parts[i:])].append(path)
    words = {a.path: a.word_count for a in articles if a.path in paths}
    unread = set(files) - paths
    included: dict[str, set[str]] = defaultdict(set)
    shown: dict[str, int | None] = {}
    for page, written in including.items():
        for target in written:
            found = _resolve(page, target, paths, by_tail)
            if found is not None and found != page:
                included[found].add(page)
                count = shown.get(page, 0)
                shown[page] = None if count is None else count + words[found]
            elif found is None and _resolve(page, target, unread, {}) is not None:
                shown[page] = None  # a file of the KB that is not read (excluded)
    if not included and not shown:
        return articles
    out = []
    for a in articles:
        meta = a.meta
        if a.path in included:
            meta = {**meta, INCLUDED_BY: sorted(included[a.path])}
        if a.path in shown:
            meta = {**meta, INCLUDED_WORDS: shown[a.path]}
        out.append(a if meta is a.meta else replace(a, meta=meta))
    return out
