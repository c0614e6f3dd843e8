"""Jekyll sites: which Markdown files of a site folder are its published pages.

A folder holding `_config.yml` (or `.yaml`, `.toml`) is a Jekyll site. Jekyll publishes no
file whose name starts with `_` (a collection's `_defaults.md`, which editors such as
CloudCannon and Forestry read for the front matter of new pages), and the site's not-found
page (`404.md`, `404.html` at its root) answers no question: neither is an article. Folders
starting with `_` are left as they are (collections such as `_docs/` and `_posts/` hold the
pages; the template folders are site machinery, see sources/mixed.py)."""

from __future__ import annotations

import posixpath
import re

from kbaudit.sources.tree import Tree, without_site_pages

_CONFIG = re.compile(r"(?:^|/)_config\.(?:ya?ml|toml)$")
_NOT_FOUND = re.compile(r"^404\.(?:md|markdown|html?)$", re.I)


def sites(paths: list[str]) -> list[str]:
    """The folders of the tree that hold a Jekyll site's config ("" for the root)."""
    return sorted({posixpath.dirname(p) for p in paths if _CONFIG.search(p)})


def published(tree: Tree) -> Tree:
    """The tree without the pages the Jekyll sites in it do not publish as articles."""

    def unpublished(path: str, site: str) -> bool:
        name = posixpath.basename(path)
        at_root = posixpath.dirname(path) == site
        return name.startswith("_") or (at_root and _NOT_FOUND.match(name) is not None)

    return without_site_pages(tree, sites(tree.paths), unpublished)
