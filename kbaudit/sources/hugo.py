"""Hugo sites: which Markdown files of a site folder are its published pages.

A folder holding Hugo's config (`hugo.toml`, `.yaml`, `.json`, or the older `config.*`) and a
`content/` folder is a Hugo site: it publishes the pages under `content/` only (a language's
`contentDir`, such as `content/en/`, lies inside it). The site's other Markdown (a style
guide for its writers, a theme's README) is no page of the help center, and is not read."""

from __future__ import annotations

import posixpath
import re

from kbaudit.sources.tree import Tree, without_site_pages

_CONFIG = re.compile(r"(?:^|/)(?:hugo|config)\.(?:toml|ya?ml|json)$")


def sites(paths: list[str]) -> list[str]:
    """The folders holding a Hugo config beside a `content/` folder ("" for the root)."""
    found = set()
    for path in paths:
        if _CONFIG.search(path):
            folder = posixpath.dirname(path)
            content = posixpath.join(folder, "content") + "/"
            if any(p.startswith(content) for p in paths):
                found.add(folder)
    return sorted(found)


def published(tree: Tree) -> Tree:
    """The tree without the Markdown of a Hugo site that lies outside its `content/`."""

    def outside(path: str, site: str) -> bool:
        return not path.startswith(posixpath.join(site, "content") + "/")

    return without_site_pages(tree, sites(tree.paths), outside)
