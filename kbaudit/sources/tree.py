"""A read-only view of an export: a folder, or a single file. Sources never touch disk directly.

Keeping every source on this interface is what lets archives be read in place and guarantees
kbaudit never writes into the KB it reads.
"""

from __future__ import annotations

import fnmatch
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbaudit.model import LoadProblem


def glob_match(rel: str, patterns: list[str]) -> bool:
    """gitignore-like matching: `README.md` matches at any depth, `dir/**` a whole folder."""
    name = rel.rsplit("/", 1)[-1]
    for pattern in patterns:
        raw = pattern.strip()
        pat = raw.lstrip("/")
        if not pat:
            continue
        if raw.startswith("/") and "*" not in pat:  # anchored to the root, like .gitignore
            if rel == pat or rel.startswith(pat.rstrip("/") + "/"):
                return True
            continue
        if pat.endswith("/"):
            pat += "**"
        if fnmatch.fnmatchcase(rel, pat) or ("/" not in pat and fnmatch.fnmatchcase(name, pat)):
            return True
        if pat.endswith("/**") and (rel == pat[:-3] or rel.startswith(pat[:-2])):
            return True
        if pat.startswith("**/") and fnmatch.fnmatchcase(rel, pat[3:]):
            return True
    return False


@dataclass
class Tree:
    """Files of an export, addressed by forward-slash paths relative to its root."""

    root: Path
    display: str
    paths: list[str] = field(default_factory=list)
    all_paths: list[str] = field(default_factory=list)  # before include/exclude: link targets
    problems: list[LoadProblem] = field(default_factory=list)  # entries refused while listing
    parsed: dict[str, Any] = field(default_factory=dict, repr=False)  # parsed once, shared

    def read_bytes(self, rel: str) -> bytes:
        return (self.root / rel).read_bytes()

    def size(self, rel: str) -> int:
        return (self.root / rel).stat().st_size

    def with_suffix(self, *suffixes: str) -> list[str]:
        return [p for p in self.paths if p.lower().endswith(suffixes)]

    def share(self, suffixes: tuple[str, ...]) -> float:
        """Share of the tree's document files (not images, styles or YAML) with these endings."""
        docs = self.with_suffix(*DOCUMENT_SUFFIXES)
        if not docs:
            return 0.0
        return sum(1 for p in docs if p.lower().endswith(suffixes)) / len(docs)

    @property
    def git_root(self) -> Path | None:
        """The folder to ask git about, when the export is a plain folder."""
        return self.root if self.root.is_dir() else None


DOCUMENT_SUFFIXES = (
    ".md",
    ".markdown",
    ".mdx",
    ".html",
    ".htm",
    ".json",
    ".jsonl",
    ".ndjson",
    ".csv",
    ".tsv",
    ".txt",
    ".xml",
    ".zip",
)
_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", ".kbaudit"}


def selected(rel: str, include: list[str], exclude: list[str]) -> bool:
    """Whether include/exclude globs keep a file."""
    if include and not glob_match(rel, include):
        return False
    return not (exclude and glob_match(rel, exclude))


def open_tree(
    path: Path,
    include: list[str],
    exclude: list[str],
    limits: dict[str, int] | None = None,
) -> Tree:
    """List the files of a folder, one file or a zip archive after include/exclude globs."""
    if path.is_file():
        if zipfile.is_zipfile(path):
            from kbaudit.sources.ziptree import open_zip

            return open_zip(path, include, exclude, limits or {})
        return Tree(path.parent, path.name, [path.name], [path.name])
    paths: list[str] = []
    all_paths: list[str] = []
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        rel_dir = os.path.relpath(dirpath, path).replace(os.sep, "/")
        for name in filenames:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            all_paths.append(rel)
            if selected(rel, include, exclude):
                paths.append(rel)
    paths.sort()
    return Tree(path, str(path), paths, sorted(all_paths))
