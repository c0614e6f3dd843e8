"""Categories from the structure of a KB when its articles carry no category field: the
published tree (DocFX/Microsoft Docs `toc.yml`, MkDocs `nav:`, GitBook/mdBook `SUMMARY.md`,
docsify `_sidebar.md`, Docusaurus `sidebars.js` and `_category_.json`) or else the folders.

`category_from` chooses: `field` (the export's field only), `toc` (field, else a navigation
file), `path` (field, else the first folder), `auto` (the navigation tree where it files most
articles, else the field, else — when most articles have no category field — the folder path
below the folders every article shares) and `none` (field only). Only articles
that are files of their own (Markdown, HTML) get a category from structure; record exports
(JSON, tables) name theirs in the records.

Translations are found in the structure too: locale folders that hold the same files
(`en/…`, `fr/…`), Docusaurus' `i18n/<locale>/` tree and locale suffixes (`refunds.fr.md`)
give an article without a locale field its locale; the last two also pair it with the page
it translates (`translation_of`), locale folders are paired by path in the checks."""

from __future__ import annotations

import json
import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import yaml

from kbaudit.model import Article
from kbaudit.normalize import (
    CATEGORY_ID_ONLY,
    INCLUDED_BY,
    PARENT_PAGE,
    TRANSLATION_OF,
    VERSION,
    is_locale_folder,
    source_locale_rank,
)
from kbaudit.sources import docusaurus, vitepress
from kbaudit.sources.base import decode
from kbaudit.sources.records import deslug, folder_categories, locale_folder, translated_folders
from kbaudit.sources.tree import Tree

TOC_FILES = ("toc.yml", "toc.yaml")
NAV_MARKDOWN = ("SUMMARY.md", "_sidebar.md")
MAX_NAV_BYTES = 4 * 1024 * 1024  # a navigation file larger than this is not one
MAX_NAV_NODES = 200_000
# Bounded by the next bracket and possessive, so unclosed links cost linear time; a label
# may hold escaped brackets (`[Setup \[beta\]](setup.md)`).
NAV_LINK = re.compile(r"\[((?:[^\[\]\\]|\\.)++)\]\(\s*<?([^()\s<>]++)>?[^()\[\]]*\)")
_ESCAPED = re.compile(r"\\(.)")
_ITEM = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
_DOC_SUFFIXES = (".md", ".markdown", ".mdx", ".html", ".htm")
_CATEGORY_FILES = ("_category_.json", "_category_.yml", "_category_.yaml")
# A dated post kept in a folder of its own (Docusaurus' blog, Hugo's page bundles):
# `blog/2026-03-01-launch/index.md`.
_POST_FOLDER = re.compile(r"(?:^|/)\d{4}-\d{2}-\d{2}[^/]*/index\.mdx?$", re.I)
_NUMBER_PREFIX = re.compile(r"^\d+[-_.\s]+")  # Docusaurus leaves `01-` out of a folder's name


class NavLoader(yaml.SafeLoader):
    """Safe YAML that reads MkDocs files: unknown tags (`!!python/name:...`, `!ENV`) are None."""


NavLoader.add_multi_constructor("", lambda loader, suffix, node: None)
NavLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _unnamed(article: Article) -> bool:
    """An article with no category name: no category field, or only a record id for one
    (ReadMe's `category: 5f3c...`), which the structure may name."""
    return article.category is None or bool(article.meta.get(CATEGORY_ID_ONLY))


# A built site's page in a folder of its own (`install/index.html`, served as `install/`).
_HTML_INDEX = re.compile(r"/index\.html?$", re.I)


def _page_path(path: str) -> str:
    """Where a page sits in the site: a built page `s4-house/install/index.html` is the page
    `install` of the folder `s4-house` (the folder is its address, not its category)."""
    return _HTML_INDEX.sub(".html", path)


def _filed(article: Article, category: str) -> Article:
    """The article filed under a category the structure names (no longer an id only)."""
    if article.meta.get(CATEGORY_ID_ONLY):
        return replace(article, category=category, meta={**article.meta, CATEGORY_ID_ONLY: False})
    return replace(article, category=category)


def with_categories(
    tree: Tree, articles: list[Article], mode: str, outer: dict[str, str] | None = None
) -> list[Article]:
    """The articles, those without a category given one from the KB's structure; navigation
    files (SUMMARY.md, _sidebar.md) that gave the tree are not articles themselves. `outer`
    files pages by a navigation file outside the tree (the mkdocs.yml above a docs folder)."""
    if mode in ("field", "none"):
        return articles
    files = [a for a in articles if a.path and "#" not in a.path]
    if not any(_unnamed(a) for a in files):
        return articles
    ids = {  # Docusaurus names a page with `id:` in its front matter by its folder and that id
        posixpath.join(posixpath.dirname(a.path), str(a.meta["id"])): a.path
        for a in files
        if a.path and isinstance(a.meta.get("id"), str | int) and "/" not in str(a.meta["id"])
    }
    nav = Navigation() if mode == "path" else navigation(tree, ids)
    tree_categories = nav.categories
    if outer and mode != "path":
        files_here = set(tree.all_paths)
        for target, section in outer.items():
            page = next((p for p in candidates(target) if p in files_here), None)
            if page is not None:
                tree_categories.setdefault(page, section)
    if mode == "path":
        folders = {a.path: a.path.split("/")[0] for a in files if a.path and "/" in a.path}
    elif mode == "auto" and sum(not _unnamed(a) for a in files) < len(files) / 2:
        # folders stand in for a category field the KB does not use; where most articles
        # have the field, one without it is missing it (TAX001), whatever its folder
        folders = _folder_categories(tree, files)
    else:
        folders = {}
    # When the navigation tree files most articles, it is the KB's taxonomy: a category field
    # that a few articles carry (a product code such as ms.service) does not split it.
    # A file the tree places at its top ("") has no category, and takes none from its folder.
    tree_wins = mode == "auto" and sum(bool(c) for c in tree_categories.values()) >= len(files) / 2
    folders = {**folders, **_sections_of_folders(tree_categories, files)}
    out = []
    for article in articles:
        if article.path in nav.files:
            continue
        article = nav.page(article)
        if tree_wins and tree_categories.get(article.path or ""):
            article = _filed(article, tree_categories[article.path or ""])
        elif _unnamed(article) and article.path and "#" not in article.path:
            category = tree_categories.get(article.path)
            if category is None:
                category = folders.get(article.path)
            if category:
                article = _filed(article, category)
        out.append(article)
    return out


def _sections_of_folders(tree_categories: dict[str, str], files: list[Article]) -> dict[str, str]:
    """Pages the navigation leaves out, filed under the section that files at least half of
    their folder's pages in the navigation (`cli/store.md` beside `cli/*.md` filed under
    "CLI"): their folder's name would spell that section another way ("cli"). A translation
    in a locale folder that the navigation leaves out is filed as the page it translates."""
    by_folder: dict[str, Counter[str]] = defaultdict(Counter)
    for path, category in tree_categories.items():
        if category:  # a page the tree places at its top names no section
            by_folder[posixpath.dirname(path)][category] += 1
    found = {}
    for article in files:
        path = article.path or ""
        if path in tree_categories:
            continue
        if (twin := _untranslated(path)) and tree_categories.get(twin):
            found[path] = tree_categories[twin]  # `de/auth/index.md`: as `auth/index.md` is
            continue
        counts = by_folder.get(posixpath.dirname(path))
        if not counts:
            continue
        section, n = counts.most_common(1)[0]
        if 2 * n >= sum(counts.values()):
            found[path] = section
    return found


def _untranslated(path: str) -> str | None:
    """The path of the page a file in a locale folder translates (`de/auth/index.md` ->
    `auth/index.md`); None outside a locale folder."""
    found = locale_folder(path)
    if found is None:
        return None
    parts = path.split("/")
    return "/".join(parts[: found[0]] + parts[found[0] + 1 :])


def _folder_categories(tree: Tree, files: list[Article]) -> dict[str, str]:
    """Folder categories; a Docusaurus page's folders are counted from its content folder
    (`docs/`, `versioned_docs/version-2.x/`): the version is no category, and each version's
    copy of a page is filed as the current one is. A dated post's own folder is no category."""
    sites = docusaurus.site_folders(tree.all_paths)
    counted: dict[str, str] = {}  # path in the tree -> path as counted
    locales: dict[str, str | None] = {}
    for a in files:  # a fragment has no category: its folder says nothing
        if a.path and docusaurus.translation_source(a.path) is None and INCLUDED_BY not in a.meta:
            root = docusaurus.content_root(a.path, sites)
            path = a.path[len(root) + 1 :] if root else a.path
            if _POST_FOLDER.search(path):  # a post in a folder of its own: the folder is it
                path = path.rsplit("/", 1)[0] + ".md"
            counted[a.path] = path = _page_path(path)
            locales[path] = a.locale
    found = folder_categories(sorted(set(counted.values())), locales)
    return {path: found[c] for path, c in counted.items() if c in found}


# Docusaurus keeps the docs of older versions beside the current ones:
# versioned_docs/version-<name>/<page> (`<plugin id>_versioned_docs/` for another docs plugin).
_DOCUSAURUS_VERSION = re.compile(
    r"^(?P<root>(?:.+/)?)(?:[\w.-]+_)?versioned_docs/version-(?P<version>[^/]+)/(?P<page>.+)$"
)


def docusaurus_version(path: str) -> str | None:
    """The version a Docusaurus page documents when it is one of an older version's docs (a
    page of `versioned_docs/version-2.x/`, or its translation), else None."""
    found = docusaurus.translation_source(path)
    m = _DOCUSAURUS_VERSION.match(found[1] if found is not None else path)
    return None if m is None else m["version"]


def with_docusaurus_versions(articles: list[Article]) -> list[Article]:
    """Pages of an older version's docs carry that version (`Article.meta["docs_version"]`), and
    an id of their own when their front matter repeats the current page's `id:` (Docusaurus
    names it `version-2.x/<id>`), so links, translations and findings name the right copy."""
    out = []
    for article in articles:
        version = docusaurus_version(article.path) if article.path else None
        if version is not None:
            own_id = article.id == article.path or article.id.startswith("version-")
            article = replace(
                article,
                id=article.id if own_id else f"version-{version}/{article.id}",
                meta={**article.meta, VERSION: version},
            )
        out.append(article)
    return out


def _translation(article: Article, locale: str, source: Article | None) -> Article:
    """`article` as the `locale` translation of `source` (None: not found beside it): its
    locale unless it names one, paired with the source, and its id made its own when it
    repeats the source's (a front-matter `id:` kept by the translator)."""
    same_id = source is not None and article.id == source.id
    meta = article.meta if source is None else {**article.meta, TRANSLATION_OF: source.id}
    return replace(
        article,
        id=f"{article.id}/{locale}" if same_id else article.id,
        locale=article.locale or locale,
        meta=meta,
    )


def with_docusaurus_translations(articles: list[Article]) -> list[Article]:
    """Docusaurus translations take their locale from `i18n/<locale>/`, and the id and
    category of the page they translate (their folders name no topic)."""
    by_path = {a.path: a for a in articles if a.path}
    out = []
    for article in articles:
        found = docusaurus.translation_source(article.path) if article.path else None
        if found is not None:
            locale, source_path = found
            source = by_path.get(source_path)
            article = _translation(article, locale, source)
            if source is not None and not article.category:  # its own field, else
                article = replace(article, category=source.category)
        out.append(article)
    return out


_LOCALE_SUFFIX = re.compile(
    r"^(?P<stem>.+)\.(?P<locale>[A-Za-z]{2}(?:[-_][A-Za-z]{2,4})?)(?P<ext>\.[^.]+)$"
)


def with_file_locales(articles: list[Article]) -> list[Article]:
    """Translations named by a locale suffix beside their source (Hugo's and
    mkdocs-static-i18n's `refunds.fr.md` next to `refunds.md`) take that locale and are
    paired with the source. A site that names its default language too (`refunds.de.md`
    and `refunds.en.md`, no `refunds.md`) keeps its sources in the language most files are
    named in. Without the source file, or any file named alike in another language, a
    suffix says nothing."""
    by_path = {a.path: a for a in articles if a.path and "#" not in a.path}
    named: dict[str, dict[str, str]] = defaultdict(dict)  # file without suffix -> locale -> file
    for path in by_path:
        m = _LOCALE_SUFFIX.match(path)
        if m and is_locale_folder(m["locale"]):
            named[f"{m['stem']}{m['ext']}"][m["locale"].casefold().replace("_", "-")] = path
    alike = [group for key, group in named.items() if key not in by_path and len(group) > 1]
    counts = Counter(locale for group in named.values() for locale in group) if alike else None
    main = max(counts, key=lambda c: source_locale_rank(c, counts)) if counts else None
    out = []
    for article in articles:
        m = _LOCALE_SUFFIX.match(article.path or "") if article.path in by_path else None
        if m and is_locale_folder(m["locale"]):
            key, locale = f"{m['stem']}{m['ext']}", m["locale"].casefold().replace("_", "-")
            source = by_path.get(key) or by_path.get(named[key].get(main or "", ""))
            if source is article:
                article = replace(article, locale=article.locale or locale)
            elif source is not None or main is not None:
                article = _translation(article, locale, source)
        out.append(article)
    return out


def with_folder_locales(articles: list[Article]) -> list[Article]:
    """Articles without a locale field filed under a locale folder (`en/…`, `fr/…`, Hugo's
    `content/de/…`, mkdocs-static-i18n's `docs/pt-BR/…`) take that folder's locale, so an
    untranslated copy in `fr/` is a translation, not a duplicate of its English page. Only
    when the folders hold translations of the same files: `it/` and `hr/` may be topics."""
    files = [a.path for a in articles if a.path and "#" not in a.path]
    if not translated_folders(files):
        return articles
    out = []
    for article in articles:
        found = locale_folder(article.path) if article.path and "#" not in article.path else None
        if found is not None and article.locale is None:
            article = replace(article, locale=found[1])
        out.append(article)
    return out


@dataclass
class Navigation:
    """What the KB's navigation files say of its pages."""

    categories: dict[str, str] = field(default_factory=dict)  # file -> category path
    files: set[str] = field(default_factory=set)  # navigation files in Markdown: no articles
    # file -> its label in a Markdown navigation (SUMMARY.md), which the site shows as the
    # title of a page without a level-1 heading (mdBook's chapter name)
    labels: dict[str, str] = field(default_factory=dict)
    sections: set[str] = field(default_factory=set)  # files that are their section's page

    def page(self, article: Article) -> Article:
        """The article with what the navigation says of it: the title of a page that gives
        none, and whether it is a section's page."""
        path = article.path or ""
        if not article.title.strip() and self.labels.get(path):
            article = replace(article, title=self.labels[path])
        if path in self.sections and article.meta.get(PARENT_PAGE) is not True:
            article = replace(article, meta={**article.meta, PARENT_PAGE: True})
        return article


# A Markdown navigation's item: its label, and whether items are listed under it
_Item = tuple[str, bool]


def navigation(tree: Tree, ids: dict[str, str] | None = None) -> Navigation:
    """File -> category path from every navigation file of the tree ("" for a page it
    places at its top), the navigation files that are Markdown (so not articles), and the
    labels and section pages those give. SUMMARY.md and _sidebar.md are read even when
    excluded: the default exclude leaves them out as articles, not as navigation. `ids`
    maps a page's name by its own id (`folder/<id>`, as Docusaurus sidebars give it) to its
    file. Broken navigation files are skipped: they only help, the articles are read either
    way."""
    ids = ids or {}
    found: dict[str, str] = {}
    nav = Navigation()
    chosen = set(tree.paths)
    for rel in tree.all_paths:
        name = rel.rsplit("/", 1)[-1]
        if rel not in chosen and (name not in NAV_MARKDOWN or "/." in f"/{rel}"):
            continue  # SUMMARY.md and _sidebar.md are excluded as articles, not as navigation
        entries: list[tuple[str, tuple[str, ...]]] = []
        items: dict[str, _Item] = {}
        try:
            if tree.size(rel) > MAX_NAV_BYTES:
                continue
            if name.casefold() in TOC_FILES:
                entries = list(_toc(_yaml(tree, rel), _folder(rel), (), _Budget()))
            elif name in ("mkdocs.yml", "mkdocs.yaml"):
                doc = _yaml(tree, rel)
                if isinstance(doc, dict):
                    docs_dir = posixpath.join(_folder(rel), str(doc.get("docs_dir") or "docs"))
                    entries = list(_mkdocs(doc.get("nav"), docs_dir, (), _Budget()))
            elif name in NAV_MARKDOWN:
                entries = _markdown_nav(_text(tree, rel), _folder(rel), items)
                if entries:
                    nav.files.add(rel)
            elif name in _CATEGORY_FILES:
                text = _text(tree, rel)
                doc = json.loads(text) if name.endswith(".json") else _yaml(tree, rel)
                label = doc.get("label") if isinstance(doc, dict) else None
                if isinstance(label, str) and label.strip():
                    found[f"{_folder(rel)}/\0label"] = label.strip()
            elif name in ("sidebars.js", "sidebars.ts"):
                entries = _docusaurus(_text(tree, rel), posixpath.join(_folder(rel), "docs"))
        except (OSError, KeyError, ValueError, yaml.YAMLError, AttributeError, RecursionError):
            continue
        _place(entries, items, ids, tree, found, nav)
    for config, src in vitepress.configs(tree):  # a VitePress site's sidebar
        folder = posixpath.dirname(config)  # in the config, or a `sidebar.ts` beside it
        for rel in [config, *(p for p in tree.all_paths if _VITEPRESS_SIDEBAR.search(p))]:
            if rel != config and posixpath.dirname(rel) != folder:
                continue
            items = {}
            try:
                if tree.size(rel) <= MAX_NAV_BYTES:
                    entries = _vitepress(_text(tree, rel), src, items)
                    _place(entries, items, ids, tree, found, nav)
            except (OSError, KeyError, ValueError, RecursionError):
                continue
    labels = {k[: -len("/\0label")]: v for k, v in found.items() if k.endswith("/\0label")}
    nav.categories = {k: v for k, v in found.items() if not k.endswith("/\0label")}
    if labels:
        nav.categories.update(_labelled_folders(tree, labels, nav.categories))
    return nav


def _place(
    entries: list[tuple[str, tuple[str, ...]]],
    items: dict[str, _Item],
    ids: dict[str, str],
    tree: Tree,
    found: dict[str, str],
    nav: Navigation,
) -> None:
    """File each navigation entry's page under its names; note its label and whether it
    holds other pages (its section's page)."""
    for target, names in entries:
        for path in candidates(target):
            path = ids.get(path, path)
            if path not in tree.all_paths:
                continue
            if names and not found.get(path):
                found[path] = " > ".join(names)
            else:  # placed at the top: no category, not even its folder's section
                found.setdefault(path, "")
            if target in items:
                label, holds = items[target]
                nav.labels.setdefault(path, label)
                if holds:
                    nav.sections.add(path)
            break


def _labelled_folders(tree: Tree, labels: dict[str, str], placed: dict[str, str]) -> dict[str, str]:
    """Docusaurus' autogenerated sidebar: each folder below the content folder (`docs/`,
    `versioned_docs/version-2.x/`) is one level, named by its `_category_.json` label, else
    by its name (number prefix left out); a page at the top of the content folder is filed
    at the top (""). Without a site's config the content folder is the one holding the
    highest labelled folder."""
    sites = docusaurus.site_folders(tree.all_paths)
    top = min(labels, key=lambda f: f.count("/"))
    default = top.rsplit("/", 1)[0] if "/" in top else ""
    out: dict[str, str] = {}
    for rel in tree.paths:
        if not rel.lower().endswith(_DOC_SUFFIXES) or rel in placed:
            continue
        root = docusaurus.content_root(rel, sites)
        if root is None and (not default or rel.startswith(default + "/")):
            root = default
        parts = rel.split("/")[:-1]
        start = root.count("/") + 1 if root else 0
        if root is None or not any(not root or f.startswith(f"{root}/") for f in labels):
            continue  # no labelled folder in its content folder: its folders name it
        out[rel] = " > ".join(
            labels.get("/".join(parts[: i + 1])) or deslug(_NUMBER_PREFIX.sub("", p) or p)
            for i, p in enumerate(parts)
            if i >= start
        )
    return out


def _folder(rel: str) -> str:
    return rel.rsplit("/", 1)[0] if "/" in rel else ""


def _text(tree: Tree, rel: str) -> str:
    return decode(tree.read_bytes(rel), rel)[0]


def _yaml(tree: Tree, rel: str) -> Any:
    return yaml.load(_text(tree, rel), Loader=NavLoader)


def candidates(target: str) -> Iterator[str]:
    """The files a navigation link may name: as written, with .md, or a folder's index."""
    path = posixpath.normpath(target.split("#", 1)[0].split("?", 1)[0]).lstrip("/")
    if path in ("", ".") or path.startswith("../") or "://" in target:
        return
    yield path
    if not path.lower().endswith(_DOC_SUFFIXES):
        yield f"{path}.md"
        yield f"{path}.mdx"
        yield f"{path}/index.md"
        yield f"{path}/README.md"


class _Budget:
    """Nodes a navigation tree may have: YAML aliases can make a small file a huge tree."""

    def __init__(self, nodes: int = MAX_NAV_NODES) -> None:
        self.left = nodes

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise ValueError("navigation tree too large")


def _toc(
    nodes: Any, folder: str, names: tuple[str, ...], budget: _Budget
) -> Iterator[tuple[str, tuple[str, ...]]]:
    """DocFX toc.yml: nodes `{name, href, items}`; an article's category is the names of the
    nodes above it. A root mapping `{items: [...]}` is read as its list."""
    if isinstance(nodes, dict):
        nodes = nodes.get("items")
    if not isinstance(nodes, list):
        return
    for node in nodes:
        budget.spend()
        if not isinstance(node, dict):
            continue
        name = str(node.get("name") or "").strip()
        href = node.get("href") or node.get("topicHref")
        if isinstance(href, str) and "://" not in href:
            yield posixpath.join(folder, href), names
        children = node.get("items")
        if children:
            yield from _toc(children, folder, (*names, name) if name else names, budget)


def _mkdocs(
    nav: Any, docs_dir: str, names: tuple[str, ...], budget: _Budget
) -> Iterator[tuple[str, tuple[str, ...]]]:
    """MkDocs `nav:` — `- Title: page.md`, `- Section: [...]` or `- page.md`."""
    budget.spend()
    if isinstance(nav, str):
        yield posixpath.join(docs_dir, nav), names
    elif isinstance(nav, list):
        for item in nav:
            yield from _mkdocs(item, docs_dir, names, budget)
    elif isinstance(nav, dict):
        for title, value in nav.items():
            if isinstance(value, list):
                yield from _mkdocs(value, docs_dir, (*names, str(title)), budget)
            else:
                yield from _mkdocs(value, docs_dir, names, budget)


def nav_sections(nav: Any, docs_dir: str) -> dict[str, str]:
    """Page -> category path from an MkDocs `nav:` (pages in no section are left out)."""
    try:
        entries = list(_mkdocs(nav, docs_dir, (), _Budget()))
    except (ValueError, RecursionError):
        return {}
    found: dict[str, str] = {}
    for target, names in entries:
        if names and "://" not in target:
            found.setdefault(posixpath.normpath(target), " > ".join(names))
    return found


def _markdown_nav(
    raw: str, folder: str, items: dict[str, _Item]
) -> list[tuple[str, tuple[str, ...]]]:
    """SUMMARY.md / _sidebar.md: headings and list items nest; a linked item's category is
    the headings and parent items above it. An item with items under it is the page of
    that section ("- [Platform Notes](platform/intro.md)" above "  - [Linux](...)"): it is
    filed under its own label. `items` gets each linked item's label and whether it holds
    others."""
    entries: list[tuple[str, tuple[str, ...]]] = []
    heading: tuple[str, ...] = ()
    stack: list[tuple[int, str]] = []  # (indent, label) of open list items
    last: tuple[int, int] | None = None  # (indent, entry) of the linked item read last
    for line in raw.splitlines():
        if m := _HEADING.match(line):
            title = m.group(1).strip()
            heading = () if title.casefold() in ("summary", "table of contents") else (title,)
            stack, last = [], None
            continue
        m = _ITEM.match(line.expandtabs(4))
        if m is None:
            continue
        indent, content = len(m.group(1)), m.group(2).strip()
        if last is not None and indent > last[0]:  # the item above holds this one
            target, names = entries[last[1]]
            label = items[target][0]
            entries[last[1]] = (target, (*names, label))
            items[target] = (label, True)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        link = NAV_LINK.search(content)
        label = _ESCAPED.sub(r"\1", link.group(1)).strip() if link else content.strip("*_ ")
        last = None
        if link and "://" not in link.group(2):
            target = posixpath.join(folder, link.group(2))
            entries.append((target, (*heading, *(s[1] for s in stack))))
            items.setdefault(target, (label, False))
            last = (indent, len(entries) - 1)
        stack.append((indent, label))
    return entries


_JS_TOKEN = re.compile(
    # an unclosed comment or template runs to the end, strings end at the line: linear time
    r"""//[^\n]*|/\*.*?(?:\*/|\Z)|'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`([^`]*)(?:`|\Z)"""
    r"""|([\[\]{}:,])|(\w+)""",
    re.S,
)


def _docusaurus(raw: str, docs_dir: str) -> list[tuple[str, tuple[str, ...]]]:
    """Docusaurus sidebars.js: `{type: 'category', label: 'X', items: [...]}` and the short
    forms `{'X': ['doc-a', 'doc-b']}` and `{'X': {'Y': ['doc-a']}}` (a sidebar given as an
    object of categories); doc ids are paths below docs/ without the suffix."""
    tokens = _js_tokens(raw)
    entries: list[tuple[str, tuple[str, ...]]] = []
    start = next((i for i, t in enumerate(tokens) if t == ("punct", "{")), len(tokens))
    _js_value(tokens, start, (), docs_dir, entries, 0, _Budget())
    return entries


def _js_value(
    tokens: list[tuple[str, str]],
    i: int,
    names: tuple[str, ...],
    docs_dir: str,
    entries: list[tuple[str, tuple[str, ...]]],
    depth: int,
    budget: _Budget,
) -> int:
    """Read one JS value from tokens[i:]; collect doc ids with their categories; return the
    index after it."""
    budget.spend()
    if i >= len(tokens) or depth > 50:
        return len(tokens)
    kind, value = tokens[i]
    if (kind, value) == ("punct", "["):
        i += 1
        while i < len(tokens) and tokens[i] != ("punct", "]"):
            if tokens[i] == ("punct", ","):
                i += 1
                continue
            i = _js_value(tokens, i, names, docs_dir, entries, depth + 1, budget)
        return i + 1
    if (kind, value) == ("punct", "{"):
        fields: dict[str, str] = {}
        nested: list[tuple[str, int]] = []
        i += 1
        while i < len(tokens) and tokens[i] != ("punct", "}"):
            if tokens[i] == ("punct", ",") or i + 1 >= len(tokens):
                i += 1
                continue
            key = tokens[i][1]
            if tokens[i + 1] != ("punct", ":"):
                i += 1
                continue
            start = i + 2
            if start < len(tokens) and tokens[start][0] == "str":
                fields[key] = tokens[start][1]
            nested.append((key, start))
            i = _js_value(tokens, start, names, docs_dir, [], depth + 1, budget)
        end = i + 1
        label = fields.get("label", "").strip()
        if fields.get("type") == "doc" and "id" in fields:
            entries.append((posixpath.join(docs_dir, fields["id"]), names))
        for key, start in nested:
            opened = tokens[start] if start < len(tokens) else None
            if key == "items":
                inner = (*names, label) if fields.get("type") == "category" and label else names
                _js_value(tokens, start, inner, docs_dir, entries, depth + 1, budget)
            elif key != "link" and (
                opened == ("punct", "[") or (opened == ("punct", "{") and "type" not in fields)
            ):
                # {'Label': [...]} short form, {'Label': {'Sub': [...]}} nested in it, or a
                # sidebar name at the top level (`{docs: {'Label': [...]}}` too)
                inner = (*names, key) if names or depth > 0 else names
                _js_value(tokens, start, inner, docs_dir, entries, depth + 1, budget)
        return end
    if kind == "str":
        entries.append((posixpath.join(docs_dir, value), names))
    return i + 1


def _js_tokens(raw: str) -> list[tuple[str, str]]:
    """The strings, punctuation and words of a JS or TS file, comments left out."""
    tokens: list[tuple[str, str]] = []
    for m in _JS_TOKEN.finditer(raw):
        if m.group(0).startswith(("//", "/*")):
            continue
        string = next((g for g in m.groups()[:3] if g is not None), None)
        if string is not None:
            tokens.append(("str", string))
        elif m.group(4):
            tokens.append(("punct", m.group(4)))
        else:
            tokens.append(("word", m.group(5)))
    return tokens


def _js_literal(
    tokens: list[tuple[str, str]], i: int, depth: int, budget: _Budget
) -> tuple[Any, int]:
    """One JS value from tokens[i:] as Python (objects, arrays and strings; anything else
    None) and the index after it."""
    budget.spend()
    if i >= len(tokens) or depth > 50:
        return None, len(tokens)
    kind, value = tokens[i]
    if (kind, value) == ("punct", "["):
        out: list[Any] = []
        i += 1
        while i < len(tokens) and tokens[i] != ("punct", "]"):
            if tokens[i] == ("punct", ","):
                i += 1
                continue
            item, i = _js_literal(tokens, i, depth + 1, budget)
            out.append(item)
        return out, i + 1
    if (kind, value) == ("punct", "{"):
        fields: dict[str, Any] = {}
        i += 1
        while i < len(tokens) and tokens[i] != ("punct", "}"):
            if tokens[i][0] == "punct" or i + 1 >= len(tokens) or tokens[i + 1] != ("punct", ":"):
                i += 1  # a comma, a spread (`...base`) or a shorthand property
                continue
            fields[tokens[i][1]], i = _js_literal(tokens, i + 2, depth + 1, budget)
        return fields, i + 1
    i += 1
    if kind == "str":
        return value, i
    # a call, a variable or a number: skip to the end of the value
    while i < len(tokens) and tokens[i] not in (("punct", ","), ("punct", "}"), ("punct", "]")):
        if tokens[i][1] in ("[", "{"):
            _, i = _js_literal(tokens, i, depth + 1, budget)
        else:
            i += 1
    return None, i


_VITEPRESS_SIDEBAR = re.compile(r"(?:^|/)\.vitepress/sidebar\.[cm]?[jt]s$")


def _vitepress(raw: str, src: str, items: dict[str, _Item]) -> list[tuple[str, tuple[str, ...]]]:
    """A VitePress config's `sidebar`: groups `{text, items}` name the pages they hold, a page
    is `{text, link}` (a page with `items` is its section's page); one sidebar, or one per
    address prefix (`{'/guide/': [...]}`), in the config or in a `sidebar.ts` it imports.
    Links are addresses below the source folder."""
    tokens = _js_tokens(raw)
    budget = _Budget()
    entries: list[tuple[str, tuple[str, ...]]] = []

    def walk(node: Any, names: tuple[str, ...]) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item, names)
            return
        if not isinstance(node, dict):
            return
        label = node.get("text")
        text = label.strip() if isinstance(label, str) else ""
        link, inner = node.get("link"), node.get("items")
        if isinstance(link, str) and "://" not in link:
            target = posixpath.join(src, link.lstrip("/"))
            target = target[: -len(".html")] if target.endswith(".html") else target
            entries.append((target, names))
            if text:
                items[target] = (text, isinstance(inner, list) and bool(inner))
        if isinstance(inner, list):
            walk(inner, (*names, text) if text else names)

    for i, token in enumerate(tokens[:-1]):
        if token != ("word", "sidebar") or tokens[i + 1][1] not in (":", "[", "{"):
            continue  # `sidebar: [...]` in the config, `export const sidebar = [...]` beside it
        start = i + 2 if tokens[i + 1][1] == ":" else i + 1
        while start < min(i + 5, len(tokens) - 1) and tokens[start][0] == "word":
            start += 1  # a type: `sidebar: DefaultTheme.Sidebar = [...]`
        value, _ = _js_literal(tokens, start, 0, budget)
        if value is not None:
            groups = value.values() if isinstance(value, dict) else [value]
            for group in groups:
                walk(group, ())
    return entries


def with_draft_folders(articles: list[Article]) -> list[Article]:
    """Pages in a Jekyll `_drafts/` folder are drafts (the site does not publish them) when
    their front matter gives no status."""
    return [
        replace(a, status="draft")
        if a.status is None and a.path and "_drafts" in a.path.split("/")[:-1]
        else a
        for a in articles
    ]
