"""VitePress sites: which Markdown files of a repository are the site's pages, and where
the site publishes each.

A folder holding `.vitepress/config.{js,mjs,ts,mts}` is a VitePress site; its pages are the
Markdown files under its source folder (the config's `srcDir`, else the site folder), except
`public/`, which the site copies as it is. A page is published at its path below the source
folder (`photos/faq/export.md` at `/photos/faq/export`), so links by that address reach it
when the KB is audited from the repository that holds the site. Where the sites hold most of
a repository's pages, its other files (the READMEs of the apps beside the site, notes for
contributors, app store listings) are no pages of the help center and are not read."""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace

from kbaudit.model import Article
from kbaudit.sources.base import config_text
from kbaudit.sources.tree import SITE_PAGES, Tree

_CONFIG = re.compile(r"(?:^|/)\.vitepress/config\.[cm]?[jt]s$")
_SRC_DIR = re.compile(r"""\bsrcDir\s*:\s*["'`]([^"'`\n]{1,300})["'`]""")


def configs(tree: Tree) -> list[tuple[str, str]]:
    """Each VitePress config of the tree with its site's source folder ("" for the root)."""
    found = []
    for path in tree.all_paths:
        if not _CONFIG.search(path):
            continue
        site = posixpath.dirname(posixpath.dirname(path))
        m = _SRC_DIR.search(config_text(tree, path))
        src = m[1].strip() if m else ""
        folder = posixpath.normpath(posixpath.join(site, src)) if src else site
        found.append((path, "" if folder == "." else folder))
    return found


def sources(tree: Tree) -> list[str]:
    """The source folders of the VitePress sites in the tree ("" for the root)."""
    return sorted({src for _, src in configs(tree)})


def _source_of(path: str, found: list[str]) -> str | None:
    """The innermost source folder that holds a file, if any."""
    holding = [s for s in found if not s or path.startswith(s + "/")]
    return max(holding, key=len) if holding else None


def _page(path: str, src: str) -> bool:
    """Whether a file under a site's source folder is one of its pages (not in `public/`)."""
    rel = path[len(src) + 1 :] if src else path
    return not rel.startswith("public/")


def published(tree: Tree) -> Tree:
    """The tree without the files of its VitePress sites that are no pages, and without the
    repository's other pages where the sites hold most of them."""
    found = sources(tree)
    if not found:
        return tree
    pages = [p for p in tree.paths if p.lower().endswith(SITE_PAGES)]
    inside = {p for p in pages if (s := _source_of(p, found)) is not None and _page(p, s)}
    dropped = {p for p in pages if p not in inside and _source_of(p, found) is not None}
    if 2 * len(inside) >= len(pages) - len(dropped):  # the other files are not read either
        dropped |= {p for p in tree.paths if _source_of(p, found) is None}
    if not dropped:
        return tree
    return replace(tree, paths=[p for p in tree.paths if p not in dropped])


def with_urls(tree: Tree, articles: list[Article]) -> list[Article]:
    """Pages of a VitePress site without a URL field take the address the site publishes
    them at: their path below the site's source folder."""
    found = sources(tree)
    if not found or found == [""]:  # audited from the source folder: paths are addresses
        return articles
    out = []
    for article in articles:
        path = article.path or ""
        src = _source_of(path, found) if path and "#" not in path else None
        if src and article.url is None:
            article = replace(article, url="/" + path[len(src) + 1 :])
        out.append(article)
    return out
