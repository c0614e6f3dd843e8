"""A KB folder holding pages of more than one format: Markdown files beside HTML pages (a
docs folder that grew, a migration half done). Detection picks one reader for the export; the
pages it does not read are read by their own page reader when the export is a folder of pages,
and every page that no reader reads is named (INPUT007), so no article vanishes in silence.

Site machinery is not content and is left alone: templates and includes (`_layouts/`,
`partials/`, `overrides/`, Liquid, Jinja or Go template tags, a site generator's front matter
on an HTML page), the built copy of the site (`_site/`, `_build/`) and the files every
repository or site has (README, LICENSE, robots.txt, requirements.txt)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

from kbaudit.model import InputCode, LoadProblem
from kbaudit.sources.base import Source
from kbaudit.sources.tree import Tree

# Readers of one article per file: beside each other they read a KB of pages together.
PAGE_READERS = ("markdown", "html")
# Files that are one page of text each, with what to do to have them read.
_PAGE_KINDS = {
    ".md": "Markdown",
    ".markdown": "Markdown",
    ".mdx": "Markdown",
    ".html": "HTML",
    ".htm": "HTML",
    ".txt": "plain text",
    ".rst": "reStructuredText",
    ".adoc": "AsciiDoc",
    ".asciidoc": "AsciiDoc",
}
# Folders of a site generator's templates, includes and built output (HTML that is no page).
_MACHINERY_FOLDERS = frozenset(
    {
        "_layouts", "_includes", "_partials", "_templates", "_theme", "_static", "_site",
        "_build", "layouts", "partials", "overrides",
    }
)  # fmt: skip
_REPO_FILES = re.compile(
    r"^(?:readme|licen[cs]e|copying|notice|changelog|changes|history|contributing|authors"
    r"|code_of_conduct|security|codeowners|robots|humans|ads|llms(?:-full)?|requirements[\w.-]*"
    r"|constraints|cmakelists)(?:\.[\w-]+)?$",
    re.I,
)
# A template, not a page: a Liquid/Jinja tag, or an expression of the site's own variables
# (`{{ content }}`, `{{ page.title }}`, Go's `{{ .Title }}`, `{{- partial ... }}`); a help
# article's placeholder such as `{{ ticket.id }}` is text.
_TEMPLATE = re.compile(
    rb"\{%-?\s*\w|\{\{-?\s*(?:\.|(?:content|page|site|config|partial|block|super|self"
    rb"|theme|nav|layout)\b)"
)


# A program's files: source code, scripts and package manifests.
_PROGRAM_FILES = re.compile(
    r"\.(?:py|js|mjs|cjs|ts|go|rb|sh|bash|ps1|bat|php|java|kt|rs|c|cc|cpp|h|cs|pl|lua)$"
    r"|^(?:package\.json|go\.mod|pyproject\.toml|setup\.py|cargo\.toml|composer\.json"
    r"|pom\.xml|build\.gradle|gemfile|makefile|dockerfile)$",
    re.I,
)
_README = re.compile(r"^readme\.", re.I)


def without_program_docs(tree: Tree) -> Tree:
    """The tree without the documentation of programs kept beside the KB: a folder whose
    only page is a README next to source code or a package manifest (`scripts/linter/`
    with `package.json`, a `sync.py` and its README) holds a tool, and every page in or
    under it documents that tool, not the product. Such a folder is left alone when it
    holds most of the KB's pages (a site generator's folder: its docs are the KB)."""
    names: dict[str, list[str]] = defaultdict(list)
    for rel in tree.paths:
        folder, _, name = rel.rpartition("/")
        names[folder].append(name)
    pages: list[str] | None = None  # listed when a tool's folder is found (seldom)
    dropped: set[str] = set()
    for folder in sorted(names, key=lambda f: f.count("/")):
        here = names[folder]
        if not folder or not any(_README.match(n) for n in here):
            continue
        own_pages = [n for n in here if _suffix(n) in _PAGE_KINDS]
        if len(own_pages) != 1 or not _README.match(own_pages[0]):
            continue
        if not any(_PROGRAM_FILES.search(n) for n in here):
            continue
        if pages is None:
            pages = [p for p in tree.paths if _suffix(p) in _PAGE_KINDS]
        docs = {p for p in pages if p.startswith(folder + "/")}
        if 2 * len(docs) < len(pages):
            dropped |= docs
    if not dropped:
        return tree
    return replace(tree, paths=[p for p in tree.paths if p not in dropped])


def _suffix(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1].lower()
    return name[name.rfind(".") :] if "." in name else ""


def _repo_file(rel: str) -> bool:
    return bool(_REPO_FILES.match(rel.rsplit("/", 1)[-1]))


def _machinery(rel: str) -> bool:
    """An HTML file of the site or repository, not of the KB, by where it is and its name."""
    return _repo_file(rel) or any(f in _MACHINERY_FOLDERS for f in rel.lower().split("/")[:-1])


def _page_source_copy(rel: str) -> bool:
    """A copy of a page's source that a built Sphinx site keeps for its "Show source" link
    (`_sources/faq/billing.rst.txt` beside `faq/billing.html`): the page is read, not it."""
    return "_sources" in rel.split("/")[:-1]


def _template(tree: Tree, rel: str) -> bool:
    """An HTML file that is a site generator's template or page source, not a page."""
    try:
        head = tree.read_bytes(rel)[:4096]
    except OSError:
        return False  # the reader reports it
    return head.lstrip().startswith(b"---") or _TEMPLATE.search(head) is not None


def _pages(tree: Tree, source: Source, main: bool) -> list[str]:
    """The pages a page reader reads in a KB of mixed pages: the HTML pages that are no
    template or built copy; every Markdown file, but the repository's own (README) beside a
    site of HTML pages."""
    paths = tree.with_suffix(*source.reads)
    if source.name == "html":
        return [p for p in paths if not _machinery(p) and not _template(tree, p)]
    return paths if main else [p for p in paths if not _repo_file(p)]


def readers(tree: Tree, main: Source, sources: list[Source]) -> list[tuple[Source, Tree]]:
    """The readers of the export, each with the view of the tree it reads: `main` alone on
    the whole tree, unless it reads pages and pages of the other page format lie beside
    them; then every page reader reads its own pages (Markdown beside HTML pages)."""
    if main.name not in PAGE_READERS:
        return [(main, tree)]
    others = [s for s in sources if s.name in PAGE_READERS and s.name != main.name]
    found = [(s, _pages(tree, s, main=False)) for s in others]
    found = [(s, pages) for s, pages in found if pages]
    if not found:
        return [(main, tree)]
    views = [(main, _pages(tree, main, main=True)), *found]
    return [(s, replace(tree, paths=pages, problems=[])) for s, pages in views]


def unread(tree: Tree, read: list[tuple[Source, Tree]]) -> list[LoadProblem]:
    """An INPUT007 problem for each page of the tree that none of the readers reads."""
    claimed = {p for source, view in read for p in view.with_suffix(*source.reads)}
    names = " and ".join(s.name for s, _ in read)
    problems = []
    for rel in tree.paths:
        kind = _PAGE_KINDS.get(_suffix(rel))
        if kind is None or rel in claimed or _repo_file(rel) or _page_source_copy(rel):
            continue
        if kind == "HTML" and (_machinery(rel) or _template(tree, rel)):
            continue
        if kind in ("Markdown", "HTML"):
            how = (
                f"audit it on its own (`kbaudit audit {rel}`) or the folder with "
                f"`--input-format {'markdown' if kind == 'Markdown' else 'html'}`"
            )
        elif kind == "plain text":
            how = "rename it to .md (plain text is Markdown) to audit it as an article"
        else:
            how = f"convert it to Markdown or HTML (pandoc reads {kind}) to audit it"
        problems.append(
            LoadProblem(
                InputCode.NOT_READ,
                rel,
                f"{kind} page not read: the export is read as {names}, which does not read "
                f"this file; {how}, or exclude it (`exclude:`) if it is no article",
            )
        )
    return problems
