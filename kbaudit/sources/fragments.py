"""Fragments: Markdown files that pages include rather than pages of their own.

Docs-as-code KBs keep text shared by many pages in one file that each page includes: MkDocs'
snippets (`--8<-- "contact-us.md"`, or a block of file names between two `--8<--` lines)
and the include-markdown plugin (`{% include-markdown "note.md" %}`, `{! include-markdown
"note.md" !}` with its own tags) or the markdown-include extension (`{!note.md!}`), DocFX
and Microsoft Docs (`[!INCLUDE [note](../includes/note.md)]`), mdBook
(`{{#include note.md}}`), Jekyll (`{% include_relative note.md %}`), GitBook
(`{% include "../.gitbook/includes/note.md" %}`) and MDX imports of a
partial (`import Note from './_note.mdx'`: Docusaurus publishes no `_` file as a page). The included file is read like any article, so what its
text says (a secret, a placeholder, a broken link) is still reported on it; but it has no
title, date, owner, tags or category of its own to report, is short by design and is not a
duplicate of the pages that share it: `Article.meta["included_by"]` names the pages that
include it, and the audit keeps only the findings of check kinds about the text itself.

A page that includes files shows their text too: their words and headings count as its own,
so a page made of includes is not judged empty or thin by its own few lines, and a link to a
heading of an included file lands. A file the audit does not read as an article (an
excluded `includes/` folder) is read for that, and only for that."""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace

from kbaudit import text
from kbaudit.model import Article, Extracted
from kbaudit.normalize import INCLUDED_BY, SHOWS_UNREAD
from kbaudit.sources.base import decode
from kbaudit.sources.tree import Tree

# Include directives, each on a line of its own. Spans are bounded: linear on any text.
_SNIPPET = re.compile(r"""^[ \t]{0,12}-{1,8}8<-{1,8}[ \t]+(["'])([^"'\n]{1,500})\1""", re.M)
_SNIPPET_BLOCK = re.compile(r"^[ \t]{0,12}-{1,8}8<-{1,8}[ \t]*$")
_DOCFX = re.compile(r"\[!INCLUDE[ \t]*\[[^\]\n]{0,500}\][ \t]*\([ \t]*<?([^()<>\s]{1,500})", re.I)
_MDBOOK = re.compile(r"\{\{#(?:include|rustdoc_include)[ \t]+([^\s}]{1,500})")
_INCLUDE_MARKDOWN = re.compile(
    r"""(?:\{%|\{!)-?[ \t]*include-markdown[ \t]+(["'])([^"'\n]{1,500})\1"""
)
_MARKDOWN_INCLUDE = re.compile(r"\{![ \t]*([^\s!{}\"']{1,500}\.(?:md|markdown|txt))[ \t]*!\}")
_JEKYLL = re.compile(r"\{%-?[ \t]*include_relative[ \t]+([^\s%}]{1,500})")
# GitBook's reusable content: `{% include "../.gitbook/includes/note.md" %}`.
_GITBOOK = re.compile(r"""\{%-?[ \t]*include[ \t]+(["'])([^"'\n]{1,500}\.md)\1""")
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
    marks = ("8<", "[!", "{{#", "{!", "include", "import")
    if not any(mark in raw for mark in marks):
        return []
    found = [m[2] for m in _SNIPPET.finditer(raw)]
    found += [m[2] for m in _INCLUDE_MARKDOWN.finditer(raw)]
    found += [m[2] for m in _GITBOOK.finditer(raw)]
    found += _MARKDOWN_INCLUDE.findall(raw)
    if "8<" in raw:
        found += _snippet_blocks(raw)
    found += _DOCFX.findall(raw) + _MDBOOK.findall(raw) + _JEKYLL.findall(raw)
    # an MDX import names a partial when its file or a folder of it starts with `_`
    # (Docusaurus never publishes those); another imported page is still a page
    found += [t for t in imports(raw) if "/_" in "/" + t.lstrip("./")]
    return [_SELECTOR.sub(r"\1", t.split("#", 1)[0]) for t in found if "://" not in t]


def imports(raw: str) -> list[str]:
    """The Markdown files an MDX page imports, as written (`./_note.mdx`, `@site/x.md`); a
    character escaped in the string is itself (`'./\\_note.md'`, as Markdown formatters
    write it, is `./_note.md`)."""
    if "import" not in raw:
        return []
    return [re.sub(r"\\(.)", r"\1", m[2]) for m in _IMPORT.finditer(raw)]


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


def _unread_text(tree: Tree, rel: str) -> Extracted | None:
    """What an included file the audit does not read (an excluded folder) shows, or None
    when it cannot be read."""
    from kbaudit.sources.markdown import split_front_matter

    try:
        raw = decode(tree.read_bytes(rel), rel)[0]
    except OSError:
        return None
    return text.markdown(split_front_matter(raw, rel)[1])  # its fields are not shown


def with_fragments(
    articles: list[Article], imported: frozenset[str] = frozenset(), tree: Tree | None = None
) -> list[Article]:
    """Articles other pages include carry `included_by`: the pages that include them. A
    page that includes fragments (or imports another page to show it) counts their words
    and headings as its own (the reader sees them in the page), and those of the files of
    the `tree` it includes that are not read as articles (an excluded `includes/` folder:
    read for this only); one that shows Markdown kbaudit cannot read (an import the KB
    does not hold, an include that cannot be read) carries `shows_unread`: how long it is
    cannot be told. `imported` names files that are fragments whenever a page imports
    them (files a site does not publish as pages of their own)."""
    paths = {a.path for a in articles if a.path and "#" not in a.path}
    pages = {a.path: a.raw for a in articles if a.path and a.path in paths}
    including = {p: named for p, raw in pages.items() if (named := _included(raw, p, imported))}
    importing = {p: named for p, raw in pages.items() if (named := imports(raw))}
    if not including and not importing:
        return articles
    by_tail: dict[str, list[str]] = defaultdict(list)
    for path in sorted(paths):
        parts = path.split("/")
        for i in range(len(parts)):
            by_tail["/".join(parts[i:])].append(path)
    not_read = set(tree.all_paths) - paths if tree is not None else set()
    texts: dict[str, Extracted | None] = {}  # files not read as articles, read once each
    included: dict[str, set[str]] = defaultdict(set)
    unread: dict[str, list[str]] = defaultdict(list)
    extra: dict[str, list[Extracted]] = defaultdict(list)  # page -> unread files it shows
    for page, written in including.items():
        for target in written:
            found = _resolve(page, target, paths, by_tail)
            if found is not None and found != page:
                included[found].add(page)
            elif found is None and tree is not None:
                other = _resolve(page, target, not_read, {})
                if other is None:
                    continue  # names no file: the page shows nothing for it
                if other not in texts:
                    texts[other] = _unread_text(tree, other)
                shown_text = texts[other]
                if shown_text is None:
                    unread[page].append(target)
                else:
                    extra[page].append(shown_text)
    shows: dict[str, set[str]] = defaultdict(set)  # page -> the files it shows
    for fragment, including_pages in included.items():
        for page in including_pages:
            shows[page].add(fragment)
    for page, written in importing.items():
        for target in written:
            found = _resolve(page, target, paths, by_tail)
            if found is None:
                unread[page].append(target)
            elif found != page:
                shows[page].add(found)  # another page shown in this one: its words count too
    by_path = {a.path: a for a in articles if a.path}
    shown = {page: [by_path[f] for f in sorted(files)] for page, files in shows.items()}
    out = []
    for a in articles:
        if a.path in included:
            a = replace(a, meta={**a.meta, INCLUDED_BY: sorted(included[a.path])})
        if a.path in unread:
            a = replace(a, meta={**a.meta, SHOWS_UNREAD: unread[a.path]})
        if a.path in shown or a.path in extra:
            brought: list[Article | Extracted] = [
                *shown.get(a.path or "", []),
                *extra.get(a.path or "", []),
            ]
            a = replace(
                a,
                word_count=a.word_count + sum(f.word_count for f in brought),
                headings=a.headings + tuple(h for f in brought for h in f.headings),
            )
        out.append(a)
    return out


def _included(raw: str, page: str, imported: frozenset[str]) -> list[str]:
    """What a page includes: its include directives and partials, and its MDX imports of
    the `imported` files."""
    found = targets(raw)
    if imported:
        folder = posixpath.dirname(page)
        for target in imports(raw):
            if posixpath.normpath(posixpath.join(folder, target)) in imported:
                found.append(target)
    return found
