"""MkDocs sites: the pages a site builds and the titles it gives them.

A repository audited from its root holds the site's configuration (`mkdocs.yml`) and its
pages in the folder it names (`docs_dir`, `docs/` by default). MkDocs builds a page of
every Markdown file of that folder but the ones `exclude_docs` names (and, always, hidden
files and folders and `templates/`); `draft_docs` are built only for preview; the old pages
of the redirects plugin (`redirect_maps`) are replaced by redirects; the files snippets
appends to every page (`auto_append`, a glossary of abbreviations) are fragments of them. Other files of the
folder (`.txt`, pictures) are copied as they are, never pages. The site `mkdocs build` wrote
(`site_dir`, `site/` by default) holds copies of the pages, not pages of their own. Files of the repository
outside the folder (issue templates, notes for contributors) are no pages, unless a page
includes them (a snippet).

MkDocs reads a page's fields from YAML front matter or, without it, from MultiMarkdown-style
lines at its top (`redirect: other.md`, `title: Pairing`, up to the first blank line).

MkDocs titles a page by its title in `nav:` (or in an awesome-pages `.pages` file), else its
`title:` field, else a level-1 heading that opens the page, else its file name (`-` and `_`
as spaces, capitalised when written in lower case; an index page by its folder, the home
page "Home"). The page's own heading is what a reader sees above its text, so it comes first
here; a page without a title field or an opening heading takes its navigation title, else
the title its file name gives. A level-1 heading further down names a section, not the page.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from kbaudit.model import Article, InputCode, LoadProblem
from kbaudit.normalize import INCLUDED_BY, SourceOptions, is_locale_folder
from kbaudit.sources import markdown
from kbaudit.sources.base import decode
from kbaudit.sources.structure import MAX_NAV_BYTES, NavLoader, nav_sections
from kbaudit.sources.tree import Tree, glob_match, open_tree

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")
ALWAYS_EXCLUDED = (".*", "/templates/")  # MkDocs' own exclude_docs, kept under the config's
_PAGE_SUFFIXES = (".md", ".markdown")
_ATX_H1 = re.compile(r"^[ ]{0,3}#[ \t]+\S")
_SETEXT_H1 = re.compile(r"^[ ]{0,3}=+[ \t]*$")
_COMMENT_LINE = re.compile(r"^[ \t]*<!--.*-->[ \t]*$")


@dataclass
class Site:
    """One MkDocs site of the tree: its pages' folder, what it leaves out, its nav titles."""

    docs_dir: str  # relative to the KB root, "" for the root itself
    excluded: list[str] = field(default_factory=list)  # gitignore lines, relative to docs_dir
    drafts: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # page path -> its nav title
    redirected: set[str] = field(default_factory=set)  # old pages, relative to docs_dir
    appended: set[str] = field(default_factory=set)  # files snippets appends to every page
    built: str = ""  # the folder `mkdocs build` writes the site to (site_dir), "" for none

    def built_here(self, rel: str) -> bool:
        return bool(self.built) and rel.startswith(self.built + "/")

    sections: dict[str, str] = field(default_factory=dict)  # page -> nav category, when the
    # configuration is outside the tree (the tree is the docs folder)

    def holds(self, rel: str) -> bool:
        return not self.docs_dir or rel.startswith(self.docs_dir + "/")

    def inner(self, rel: str) -> str:
        return rel[len(self.docs_dir) + 1 :] if self.docs_dir else rel


def _lines(value: Any) -> list[str]:
    """exclude_docs / draft_docs: gitignore lines in one string (a list is read too)."""
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list):
        return []
    return [str(v).strip() for v in value if str(v).strip() and not str(v).startswith("#")]


def _matches(rel: str, lines: list[str]) -> bool:
    """Whether gitignore lines name the file or a folder above it (`!` lines name it back)."""
    parts = rel.split("/")
    ancestors = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    names = [p for p in lines if not p.startswith("!")]
    back = [p[1:] for p in lines if p.startswith("!")]
    hit = any(glob_match(a, names) for a in ancestors)
    return hit and not (back and any(glob_match(a, back) for a in ancestors))


def _nav_titles(nav: Any, folder: str, titles: dict[str, str], depth: int = 0) -> None:
    """`- Title: page.md` entries of a nav (mkdocs.yml or .pages), anywhere in its sections."""
    if depth > 50:
        return
    if isinstance(nav, list):
        for item in nav:
            _nav_titles(item, folder, titles, depth + 1)
    elif isinstance(nav, dict):
        for title, value in nav.items():
            if isinstance(value, str) and value.lower().endswith(_PAGE_SUFFIXES):
                if "://" not in value and str(title).strip():
                    path = posixpath.normpath(posixpath.join(folder, value.split("#", 1)[0]))
                    titles.setdefault(path, str(title).strip())
            else:
                _nav_titles(value, folder, titles, depth + 1)


def _redirected(plugins: Any) -> set[str]:
    """The old pages of the redirects plugin: `plugins: [{redirects: {redirect_maps: ...}}]`."""
    entries = plugins if isinstance(plugins, list) else [plugins]
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("redirects"), dict):
            maps = entry["redirects"].get("redirect_maps")
            if isinstance(maps, dict):
                return {posixpath.normpath(str(old)) for old in maps}
    return set()


# MultiMarkdown-style fields as MkDocs reads them: `key: value` lines (a line indented four
# spaces or a tab goes on with the value) up to the first blank line; a page whose first
# line is no such field has none.
_MMD_FIELD = re.compile(r"^[ ]{0,3}([A-Za-z0-9_-]+):\s*(.*)$")
_MMD_MORE = re.compile(r"^(?:[ ]{4}|\t)\s*(.*)$")


def multimarkdown_fields(raw: str) -> tuple[dict[str, Any], str]:
    """The fields at the top of a page without front matter, and its body with their lines
    blank (so line numbers stay); no fields: ({}, raw)."""
    lines = raw.split("\n")
    fields: dict[str, Any] = {}
    key = ""
    end = 0
    while end < len(lines) and lines[end].strip():
        line = lines[end]
        if (m := _MMD_FIELD.match(line)) is not None:
            key = m.group(1).lower()
            value = m.group(2).strip()
            fields[key] = f"{fields[key]} {value}" if key in fields else value
        elif key and (more := _MMD_MORE.match(line)) is not None:
            fields[key] = f"{fields[key]} {more.group(1).strip()}"
        else:
            break
        end += 1
    if not fields:
        return {}, raw
    return fields, "\n" * end + "\n".join(lines[end:])


def _with_fields(article: Article, options: SourceOptions) -> Article | None:
    """The page read again with the MultiMarkdown-style fields at its top (None: it is a
    redirect, no article), keeping what was learnt about it since (its includes)."""
    fields, body = multimarkdown_fields(article.raw)
    if not fields:
        return article
    path = article.path or ""
    read = markdown.page(path, article.raw, fields, body, 1, options)
    found = next((r for r in read if isinstance(r, Article)), None)
    if found is None:
        return None
    kept = {k: v for k, v in article.meta.items() if k not in found.meta and k not in fields}
    return replace(found, meta={**found.meta, **kept})


def _read_yaml(tree: Tree, rel: str) -> Any:
    if tree.size(rel) > MAX_NAV_BYTES:
        return None
    return yaml.load(decode(tree.read_bytes(rel), rel)[0], Loader=NavLoader)


def _appended(extensions: Any) -> tuple[list[str], list[str]]:
    """The files pymdownx.snippets appends to every page (`auto_append`) and the folders it
    finds them in (`base_path`, the configuration's folder by default)."""
    for entry in extensions if isinstance(extensions, list) else []:
        options = entry.get("pymdownx.snippets") if isinstance(entry, dict) else None
        if isinstance(options, dict):
            files = options.get("auto_append") or []
            bases = options.get("base_path") or ["."]
            files = [files] if isinstance(files, str) else files
            bases = [bases] if isinstance(bases, str) else bases
            return [str(f) for f in files], [str(b) for b in bases]
    return [], []


def _site(tree: Tree, config: Any, docs_dir: str, home: str | None) -> Site:
    """The site a configuration describes, its docs folder `docs_dir` in the tree; `home`
    is the configuration's folder in the tree (None: the folder above the tree)."""
    here = ".." if home is None else home  # the folder above the tree: the site is not in it
    built = posixpath.normpath(posixpath.join(here, str(config.get("site_dir") or "site")))
    site = Site(
        docs_dir=docs_dir,
        excluded=[*ALWAYS_EXCLUDED, *_lines(config.get("exclude_docs"))],
        drafts=_lines(config.get("draft_docs")),
        redirected=_redirected(config.get("plugins")),
        built="" if built.startswith("..") else built,
    )
    files, bases = _appended(config.get("markdown_extensions"))
    for base in bases:
        for name in files:
            rel = posixpath.normpath(posixpath.join(base, name))
            if home is not None:
                site.appended.add(posixpath.normpath(posixpath.join(home, rel)))
            elif "/" in rel:  # `docs/glossary.md` from the folder above the tree
                site.appended.add(rel.split("/", 1)[1])
    _nav_titles(config.get("nav"), docs_dir, site.titles)
    for pages in tree.all_paths:  # awesome-pages: a .pages file in a folder of the site
        if pages.rpartition("/")[2] == ".pages" and site.holds(pages):
            try:
                listing = _read_yaml(tree, pages)
            except (OSError, ValueError, yaml.YAMLError, RecursionError):
                continue
            if isinstance(listing, dict):
                _nav_titles(listing.get("nav"), pages.rpartition("/")[0], site.titles)
    return site


def _outer_config(tree: Tree, path: Path) -> Any:
    """The configuration of the site whose docs folder is the audited folder itself: an
    `mkdocs.yml` in the folder above it that names it (`docs_dir`). Read with the limits
    and checks of any file of the KB; None when there is none."""
    if not path.is_dir():
        return None
    root = path.resolve()
    for name in CONFIG_NAMES:
        candidate = root.parent / name
        if not candidate.is_file():
            continue
        single = open_tree(candidate, [], [], tree.limits)
        try:
            config = _read_yaml(single, name) if not single.problems else None
        except (OSError, ValueError, yaml.YAMLError, RecursionError):
            config = None
        if not isinstance(config, dict):
            continue
        docs_dir = root.parent / str(config.get("docs_dir") or "docs")
        if docs_dir.resolve() == root:
            return config
    return None


def sites(tree: Tree, path: Path | None = None) -> list[Site]:
    """The MkDocs sites whose configuration is in the tree, or the one whose docs folder is
    the audited folder `path` (its mkdocs.yml one level up). Broken configurations are
    skipped: they only help, the pages are read either way."""
    found = []
    for rel in tree.all_paths:
        folder, _, name = rel.rpartition("/")
        if name not in CONFIG_NAMES:
            continue
        try:
            config = _read_yaml(tree, rel)
        except (OSError, ValueError, yaml.YAMLError, RecursionError):
            continue
        if not isinstance(config, dict):
            continue
        docs_dir = posixpath.normpath(posixpath.join(folder, str(config.get("docs_dir") or "docs")))
        if docs_dir.startswith(("../", "/")) or docs_dir == "..":
            continue
        found.append(_site(tree, config, "" if docs_dir == "." else docs_dir, folder))
    if not found and path is not None and (config := _outer_config(tree, path)) is not None:
        site = _site(tree, config, "", None)
        site.sections = nav_sections(config.get("nav"), "")
        found.append(site)
    return found


def outer_sections(found: list[Site]) -> dict[str, str]:
    """Page -> category from the nav of a site whose configuration is outside the tree
    (the navigation files in the tree are read where categories are made)."""
    return {page: category for site in found for page, category in site.sections.items()}


def file_title(inner: str) -> str:
    """The title MkDocs gives a page from its path inside the docs folder (a translation's
    locale suffix, mkdocs-static-i18n's `pairing.fr.md`, is no part of it)."""
    parts = inner.split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    base, _, locale = stem.rpartition(".")
    if base and is_locale_folder(locale):
        stem = base
    if stem in ("index", "README"):
        if len(parts) == 1:
            return "Home"
        stem = parts[-2]
    title = " ".join(stem.replace("-", " ").replace("_", " ").split())
    return title.capitalize() if title.lower() == title else title


def opens_with_heading(article: Article) -> bool:
    """Whether the page's first line of text is a level-1 heading (`# Title`, or `Title`
    over `===`); comment lines before it show nothing. The body starts after the front
    matter (its closing line is `body_line`) or the MultiMarkdown-style fields."""
    raw = article.raw or ""
    if raw.startswith(("---", "+++")) and article.body_line > 1:
        lines = raw.split("\n")[article.body_line :]
    else:
        lines = multimarkdown_fields(raw)[1].split("\n")
    for i, line in enumerate(lines):
        if not line.strip() or _COMMENT_LINE.match(line):
            continue
        return bool(_ATX_H1.match(line)) or (
            i + 1 < len(lines) and bool(_SETEXT_H1.match(lines[i + 1]))
        )
    return False


def _confined(found: list[Site], articles: list[Article]) -> bool:
    """Whether the sites' folders hold at least half the pages (else they are a tool's own
    docs beside the KB, and files outside them stay)."""
    pages = [_file(a) for a in articles if _file(a)]
    pages = [p for p in pages if not any(s.built_here(p) for s in found)]
    inside = sum(any(s.holds(p) for s in found) for p in pages)
    return bool(found) and 2 * inside >= len(pages)


def _file(article: Article) -> str:
    """The article's file ("" for a record of a file holding many)."""
    return article.path if article.path and "#" not in article.path else ""


def without_built_files(
    found: list[Site], articles: list[Article], problems: list[LoadProblem]
) -> list[LoadProblem]:
    """The problems less INPUT007 on files the sites never build as pages: files of a docs
    folder other than Markdown (copied as they are), files outside the folders and the
    built site (`site_dir`)."""
    if not found:
        return problems
    confine = _confined(found, articles)

    def built_elsewhere(rel: str) -> bool:
        if any(s.built_here(rel) for s in found):
            return True  # the built site itself
        site = next((s for s in found if s.holds(rel)), None)
        return not rel.lower().endswith(_PAGE_SUFFIXES) if site is not None else confine

    return [p for p in problems if p.code != InputCode.NOT_READ or not built_elsewhere(p.path)]


def with_fields(
    found: list[Site], articles: list[Article], options: SourceOptions
) -> list[Article]:
    """The pages of the sites `found` without front matter read again with the fields
    MultiMarkdown-style lines at their top give (before includes are counted, which a
    page read again would lose); the pages those fields make redirects are gone."""
    if not found:
        return articles
    out = []
    for article in articles:
        rel = article.path or ""
        in_site = rel and "#" not in rel and any(s.holds(rel) for s in found)
        if (
            in_site
            and article.body_format == "markdown"
            and not article.raw.startswith(("---", "+++"))
        ):
            found_article = _with_fields(article, options)
            if found_article is None:
                continue  # a redirect
            article = found_article
        out.append(article)
    return out


def with_sites(found: list[Site], articles: list[Article], options: SourceOptions) -> list[Article]:
    """The articles as the MkDocs sites `found` in the tree build them: the files a site
    leaves out are gone, drafts are drafts, and pages are titled as the site titles them
    (see module doc); `with_fields` has read their fields."""
    if not found:
        return articles
    confine = _confined(found, articles)
    appended = {rel for site in found for rel in site.appended}
    if appended:  # a fragment of every page (a glossary of abbreviations)
        pages = sorted(a.path for a in articles if a.path and a.path not in appended)
        articles = [
            replace(a, meta={**a.meta, INCLUDED_BY: pages}) if a.path in appended else a
            for a in articles
        ]
    title_keys = options.keys_for("title")
    out = []
    for article in articles:
        rel = article.path or ""
        if any(s.built_here(rel) for s in found):
            continue  # the site `mkdocs build` wrote: copies of the pages
        site = next((s for s in found if s.holds(rel)), None) if rel and "#" not in rel else None
        if site is None:
            if not (confine and rel and "#" not in rel and not article.meta.get(INCLUDED_BY)):
                out.append(article)
            continue
        inner = site.inner(rel)
        if _matches(inner, site.excluded) or posixpath.normpath(inner) in site.redirected:
            continue
        if article.status is None and site.drafts and _matches(inner, site.drafts):
            article = replace(article, status="draft")
        titled = any(k in article.meta for k in title_keys) or opens_with_heading(article)
        if not titled and article.body_format == "markdown":
            article = replace(article, title=site.titles.get(rel) or file_title(inner))
        out.append(article)
    return out
