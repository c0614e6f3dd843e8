"""Docusaurus sites: which files of a site folder are its published pages.

A folder holding `docusaurus.config.js` (or `.ts`, `.mjs`, `.cjs`, `.mts`, `.cts`) is a
Docusaurus site. It publishes the Markdown of its content folders only: `docs/` (or the folder
a docs plugin's `path:` names, `../docs` too), `blog/`, `src/pages/`, the older versions'
`versioned_docs/` (`<plugin id>_versioned_docs/` for another docs plugin) and the translations
under `i18n/`. The other Markdown of the site folder (its README, the source a plugin
generates pages from) and of the repository around it (the repository's notes, another
program's documentation) is no page of the help center, and is not read.

A file that a published page imports (`import Guide from '../../api/README.md'`, then
`<Guide />`) is shown inside that page wherever it lies: it is kept, as a fragment of the
pages that show it (see sources/fragments.py)."""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from kbaudit.model import Article
from kbaudit.normalize import LATEST
from kbaudit.sources import fragments
from kbaudit.sources.base import config_text, decode
from kbaudit.sources.tree import Tree

_CONFIG = re.compile(r"(?:^|/)docusaurus\.config\.[cm]?[jt]s$")
# Folders every site publishes from, relative to the site folder.
_CONTENT = ("docs", "blog", "src/pages", "versioned_docs", "i18n")
_PLUGIN_VERSIONS = re.compile(r"^[\w-]+_versioned_docs$")
# A content plugin's folder: `path: 'guides'` or `path: path.resolve(__dirname, 'guides')`.
_PATH_OPTION = re.compile(
    r"""\bpath\s*:\s*(?:path\.(?:resolve|join)\(\s*__dirname\s*,\s*)?(["'])([^"'\n]{1,300})\1"""
)
# The versions a docs plugin builds: `onlyIncludeVersions: ['current', '2.0']`.
_ONLY_VERSIONS = re.compile(r"\bonlyIncludeVersions\s*:\s*\[([^\]]{0,2000})\]")
_STRING = re.compile(r"""(["'])([^"'\n]{1,100})\1""")
_NO_CURRENT = re.compile(r"\bincludeCurrentVersion\s*:\s*false\b")
# The languages a site builds: `i18n: {defaultLocale: 'en', locales: ['en', 'fr']}`.
_LOCALES = re.compile(r"\blocales\s*:\s*\[([^\]]{0,2000})\]")
# A translation of a page of the docs, the blog or the pages, and the page it translates:
# i18n/<locale>/docusaurus-plugin-content-docs/current/<page> translates docs/<page>
# (version-1.0/ one of versioned_docs/).
_TRANSLATION = re.compile(
    r"^(?P<root>(?:.+/)?)i18n/(?P<locale>[^/]+)/docusaurus-plugin-content-"
    r"(?P<plugin>docs|blog|pages)/(?P<rest>.+)$"
)
# Files a site shows as pages (others, such as images and JSON, are never articles).
_UNPUBLISHED = re.compile(r"(?:^|/)[_.]")
_PAGES = (".md", ".markdown", ".mdx", ".html", ".htm", ".txt", ".rst", ".adoc")


def sites(tree: Tree) -> list[str]:
    """The folders of the tree that hold a Docusaurus site ("" for the root)."""
    return site_folders(tree.paths)


def site_folders(paths: Iterable[str]) -> list[str]:
    """The folders holding a Docusaurus site's config among these paths ("" for the root)."""
    return sorted({posixpath.dirname(p) for p in paths if _CONFIG.search(p)})


# The content folder a page of an older version or a translation lies in.
_VERSION_ROOT = re.compile(r"^(?:.*/)?(?:[\w-]+_)?versioned_docs/version-[^/]+/")
_I18N_ROOT = re.compile(r"^(?:.*/)?i18n/[^/]+/docusaurus-plugin-content-[\w-]+/(?:[^/]+/)?")


def content_root(page: str, sites: list[str]) -> str | None:
    """The content folder a Docusaurus page lies in (`docs`, `versioned_docs/version-2.x`,
    `i18n/fr/docusaurus-plugin-content-docs/current`), or None."""
    for m in (_VERSION_ROOT.match(page), _I18N_ROOT.match(page)):
        if m:
            return m.group(0).rstrip("/")
    site = site_of(page, sites)
    docs = None if site is None else _join(site, "docs")
    return docs if docs is not None and page.startswith(docs + "/") else None


def site_of(page: str, sites: list[str]) -> str | None:
    """The folder of the site a page belongs to (the nearest above it), or None."""
    return max((s for s in sites if not s or page.startswith(s + "/")), key=len, default=None)


def link_folders(page: str, sites: list[str]) -> list[str]:
    """Where Docusaurus looks for a page's Markdown link (`x.md`, `/x.md`) that is not
    relative to the page itself: the page's content folder (`docs/`, an older version's
    `versioned_docs/version-2.x/`, its translation's folder), then the site folder."""
    root, site = content_root(page, sites), site_of(page, sites)
    return [f for f in (root, site) if f is not None]


def _join(folder: str, rel: str) -> str:
    return posixpath.normpath(posixpath.join(folder, rel)).lstrip("/")


def translation_source(path: str) -> tuple[str, str] | None:
    """(locale, path of the source page) of a Docusaurus translation, else None."""
    m = _TRANSLATION.match(path)
    if m is None:
        return None
    rest = m["rest"]
    if m["plugin"] == "docs":
        version, _, page = rest.partition("/")
        source = f"docs/{page}" if version == "current" else f"versioned_docs/{version}/{page}"
    else:
        source = f"blog/{rest}" if m["plugin"] == "blog" else f"src/pages/{rest}"
    return m["locale"].casefold().replace("_", "-"), m["root"] + source


def content_folders(tree: Tree, site: str) -> set[str]:
    """The folders a site publishes pages from, as tree paths. `onlyIncludeVersions` in the
    config keeps the versions it lists (the current docs, `docs/`, only when it lists
    `current`), and `includeCurrentVersion: false` leaves `docs/` out; `locales` keeps the
    translations of the languages it lists (`i18n/<locale>/`): the others are not built."""
    found = {_join(site, c) for c in _CONTENT}
    prefix = f"{site}/" if site else ""
    for path in tree.paths:
        first = path[len(prefix) :].split("/", 1)[0] if path.startswith(prefix) else ""
        if _PLUGIN_VERSIONS.match(first):
            found.add(prefix + first)
    raw = _config(tree, site)
    for m in _PATH_OPTION.finditer(raw):
        folder = _join(site, m[2].strip().rstrip("/"))
        if folder not in ("", ".") and not folder.startswith(".."):
            found.add(folder)  # a URL path (`versions: {x: {path: 'next'}}`) names no
            # folder of the tree, so it holds no page and changes nothing
    if only := _ONLY_VERSIONS.search(raw):
        versions = {v[2] for v in _STRING.finditer(only[1])}
        found.discard(_join(site, "versioned_docs"))
        found |= {_join(site, f"versioned_docs/version-{v}") for v in versions - {"current"}}
        if "current" not in versions:
            found.discard(_join(site, "docs"))
    if _NO_CURRENT.search(raw):
        found.discard(_join(site, "docs"))
    if built := _LOCALES.search(raw):
        found.discard(_join(site, "i18n"))
        found |= {_join(site, f"i18n/{loc[2]}") for loc in _STRING.finditer(built[1])}
    return found


def _config(tree: Tree, site: str) -> str:
    """The text of a site's config ("" when it cannot be read: the reader reports it)."""
    config = next(p for p in tree.paths if _CONFIG.search(p) and posixpath.dirname(p) == site)
    return config_text(tree, config)


def _inside(path: str, folders: set[str]) -> bool:
    return any(path.startswith(f + "/") for f in folders)


def _below(path: str, folders: set[str]) -> str:
    """The path below the deepest content folder holding it."""
    folder = max((f for f in folders if path.startswith(f + "/")), key=len)
    return path[len(folder) + 1 :]


def published(tree: Tree) -> tuple[Tree, frozenset[str]]:
    """The tree without the pages the Docusaurus sites in it do not publish, and the files
    kept because a published page imports them (fragments). The tree is left as it is
    when it holds no site, or when the sites' content folders hold under half of its pages
    (the sites are then not the KB)."""
    found = sites(tree)
    if not found:
        return tree, frozenset()
    folders: set[str] = set()
    for site in found:
        folders |= content_folders(tree, site)
    pages = [p for p in tree.paths if p.lower().endswith(_PAGES)]
    inside = [p for p in pages if _inside(p, folders)]
    if 2 * len(inside) < len(pages):
        return tree, frozenset()
    # Docusaurus publishes no `_` file or folder (partials) and no hidden file (`.draft.md`),
    # and translates only the pages of the site: a translation whose page is gone (renamed,
    # or moved to `.mdx`) is left behind in i18n/, never built
    listed = set(tree.paths)
    holding = {f for p in listed for f in _folders_above(p)}  # folders with a file below
    shown = [
        p
        for p in inside
        if not _UNPUBLISHED.search(_below(p, folders))
        and not _orphaned(p, listed, holding, folders)
    ]
    others = set(pages) - set(shown)
    imported = _imported(tree, shown, found) & others
    dropped = others - imported
    if not dropped:
        return tree, frozenset(imported)
    return replace(tree, paths=[p for p in tree.paths if p not in dropped]), frozenset(imported)


def _orphaned(path: str, listed: set[str], holding: set[str], folders: set[str]) -> bool:
    """Whether a translation translates no page of the site: the folder its page would be
    in is published and holds pages (`holding`: every folder with a file below it), but not
    that one."""
    found = translation_source(path)
    if found is None or found[1] in listed or not _inside(found[1], folders):
        return False
    return posixpath.dirname(found[1]) in holding


def _folders_above(path: str) -> Iterator[str]:
    folder = posixpath.dirname(path)
    while folder:
        yield folder
        folder = posixpath.dirname(folder)


def _imported(tree: Tree, pages: list[str], sites: list[str]) -> set[str]:
    """The Markdown files the pages import (relative to the page, or `@site/` to its site)."""
    out: set[str] = set()
    for page in pages:
        if not page.lower().endswith((".md", ".mdx")):
            continue
        try:
            data = tree.read_bytes(page)
        except OSError:
            continue
        if b"import" not in data:
            continue
        site = site_of(page, sites) or ""
        for target in fragments.imports(decode(data, page)[0]):
            if target.startswith("@site/"):
                out.add(_join(site, target.removeprefix("@site/")))
            elif target.startswith("."):
                out.add(_join(posixpath.dirname(page), target))
    return out


_ROUTE_BASE = re.compile(r"""\brouteBasePath\s*:\s*(["'])([^"'\n]{0,300})\1""")
_NUMBER_PREFIX = re.compile(r"^\d+[-_.]")  # Docusaurus leaves `01-` out of ids and URLs
_INDEX_NAMES = ("index", "readme")


def with_urls(tree: Tree, articles: list[Article]) -> list[Article]:
    """Pages of a site's current docs without a URL field take the address Docusaurus
    publishes them at (`/<routeBasePath>/<folders>/<id>`, a `slug:` where given), so links by
    that address (`/billing/refunds`) reach them."""
    found = sites(tree)
    if not found:
        return articles
    bases = {site: _route_base(tree, site) for site in found}
    out = []
    for article in articles:
        site = site_of(article.path or "", found) if article.path else None
        if site is not None and article.url is None:
            root = content_root(article.path or "", found)
            if root == _join(site, "docs"):
                url = _route(article, (article.path or "")[len(root) + 1 :], bases[site])
                article = replace(article, url=url)
        out.append(article)
    return out


def _route_base(tree: Tree, site: str) -> str:
    """The docs' `routeBasePath` (the first the config gives), `docs` by default."""
    m = _ROUTE_BASE.search(_config(tree, site))
    return m[2].strip("/") if m else "docs"


def _route(article: Article, rel: str, base: str) -> str:
    """The URL path of a page at `rel` under its content folder."""
    folders = [_NUMBER_PREFIX.sub("", f) or f for f in rel.split("/")[:-1]]
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    own_id = article.meta.get("id")
    name = str(own_id) if isinstance(own_id, str | int) else _NUMBER_PREFIX.sub("", stem) or stem
    index = stem.lower() in _INDEX_NAMES or (folders and stem == rel.split("/")[-2])
    parts = folders if index and own_id is None else [*folders, name]
    slug = article.meta.get("slug")
    if isinstance(slug, str) and slug.strip():
        parts = slug.strip().strip("/").split("/") if slug.startswith("/") else [*folders, slug]
    path = "/".join(p for p in [base, *parts] if p)
    return "/" + path


_BASE_URL = re.compile(r"""\bbaseUrl\s*:\s*(["'])([^"'\n]{0,300})\1""")
_STATIC_FOLDERS = re.compile(r"\bstaticDirectories\s*:\s*\[([^\]]{0,2000})\]")


def static_addresses(tree: Tree) -> list[str]:
    """The addresses, from the root of the KB, at which the sites serve the files of their
    static folders (`static/`, or the config's `staticDirectories`): at the site's
    `baseUrl` (`docs/guide/x.html` for `static/guide/x.html` under `baseUrl: '/docs/'`), and
    without it, as a Markdown link may name them (Docusaurus adds the `baseUrl`). A
    site-absolute link to one of them (`/docs/guide/x.html`) reaches a file of the site."""
    out: set[str] = set()
    for site in sites(tree):
        raw = _config(tree, site)
        base = m[2].strip().strip("/") if (m := _BASE_URL.search(raw)) else ""
        named = _STATIC_FOLDERS.search(raw)
        folders = [v[2] for v in _STRING.finditer(named[1])] if named else ["static"]
        for folder in {_join(site, f.strip().rstrip("/")) for f in folders}:
            prefix = folder + "/"
            for path in tree.all_paths:
                if path.startswith(prefix):
                    served = path[len(prefix) :]
                    out.add(served)
                    if base:
                        out.add(f"{base}/{served}")
    return sorted(out - set(tree.all_paths))


_LAST_VERSION = re.compile(r"""\blastVersion\s*:\s*(["'])([^"'\n]{1,100})\1""")


def with_latest_version(tree: Tree, articles: list[Article]) -> list[Article]:
    """Pages of the version a site publishes as its current docs carry `docs_latest`: the
    config's `lastVersion`, else the newest of `versions.json` (Docusaurus then publishes
    `docs/` as the next, unreleased version). Their age is judged like the current docs'."""
    latest: set[str] = set()
    for site in sites(tree):
        m = _LAST_VERSION.search(_config(tree, site))
        name = m[2] if m else _newest(tree, _join(site, "versions.json"))
        if name and name != "current":
            latest.add(_join(site, f"versioned_docs/version-{name}"))
    if not latest:
        return articles
    return [
        replace(a, meta={**a.meta, LATEST: True})
        if a.path and any(a.path.startswith(f + "/") for f in latest)
        else a
        for a in articles
    ]


def _newest(tree: Tree, rel: str) -> str | None:
    """The first version `versions.json` lists (the newest), or None."""
    if rel not in tree.paths:
        return None
    try:
        names = json.loads(decode(tree.read_bytes(rel), rel)[0])
    except (OSError, ValueError):
        return None
    return names[0] if isinstance(names, list) and names and isinstance(names[0], str) else None
