"""A read-only view of an export: a folder, or a single file. Sources never touch disk directly.

Keeping every source on this interface is what lets archives be read in place and guarantees
kbaudit never writes into the KB it reads. A KB is untrusted input: only regular files under its
root are read, a symbolic link is followed only when it stays inside the root, FIFOs, sockets and
devices are listed as skipped without being opened, and no file is read past its size limit
(`limits.max_article_size` for one-article files, `limits.max_file_size` for the others).
Everything skipped is an INPUT001 problem.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from kbaudit.model import InputCode, LoadProblem
from kbaudit.normalize import check_limits, size_limit


def glob_match(rel: str, patterns: list[str]) -> bool:
    """gitignore-like matching: `README.md` matches at any depth, `dir/**` a whole folder."""
    return _Globs.of(tuple(patterns)).match(rel)


@dataclass(frozen=True)
class _Globs:
    """A list of globs compiled once into a few tests (an audit matches every file against
    the same list): exact paths, path prefixes, one regex over the path and one over the
    file name."""

    paths: frozenset[str]
    prefixes: tuple[str, ...]
    on_path: re.Pattern[str] | None
    on_name: re.Pattern[str] | None

    @staticmethod
    @lru_cache(maxsize=64)
    def of(patterns: tuple[str, ...]) -> _Globs:
        paths: set[str] = set()
        prefixes: list[str] = []
        on_path: list[str] = []
        on_name: list[str] = []
        for pattern in patterns:
            raw = pattern.strip()
            pat = raw.lstrip("/")
            if not pat:
                continue
            if raw.startswith("/") and "*" not in pat:  # anchored to the root, like .gitignore
                paths.add(pat)
                prefixes.append(pat.rstrip("/") + "/")
                continue
            if pat.endswith("/"):
                pat += "**"
            on_path.append(fnmatch.translate(pat))
            if "/" not in pat:
                on_name.append(fnmatch.translate(pat))
            if pat.endswith("/**"):
                paths.add(pat[:-3])
                prefixes.append(pat[:-2])
            if pat.startswith("**/"):
                on_path.append(fnmatch.translate(pat[3:]))

        def joined(regexes: list[str]) -> re.Pattern[str] | None:
            return re.compile("|".join(f"(?:{r})" for r in regexes)) if regexes else None

        return _Globs(frozenset(paths), tuple(prefixes), joined(on_path), joined(on_name))

    def match(self, rel: str) -> bool:
        if rel in self.paths or rel.startswith(self.prefixes):
            return True
        if self.on_path is not None and self.on_path.match(rel):
            return True
        name = rel.rsplit("/", 1)[-1]
        return self.on_name is not None and self.on_name.match(name) is not None


@dataclass
class Tree:
    """Files of an export, addressed by forward-slash paths relative to its root."""

    root: Path
    display: str
    paths: list[str] = field(default_factory=list)
    all_paths: list[str] = field(default_factory=list)  # before include/exclude: link targets
    problems: list[LoadProblem] = field(default_factory=list)  # entries refused while listing
    parsed: dict[str, Any] = field(default_factory=dict, repr=False)  # parsed once, shared
    files: dict[str, str] = field(default_factory=dict, repr=False)  # rel -> checked real path
    limits: dict[str, int] = field(default_factory=lambda: check_limits({}))
    # paths by the endings asked for: each reader's detection asks for its own (a tree made
    # by `replace` starts without them, as its paths may differ)
    _suffixed: dict[tuple[str, ...], list[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def read_bytes(self, rel: str) -> bytes:
        """The file's bytes, read only when it is (still) a regular file and within the size
        limit; anything else raises OSError, which the loaders turn into a problem."""
        path = self.files.get(rel)
        if path is None:
            raise OSError(errno.ENOENT, "not a listed regular file of the KB")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise OSError(errno.EINVAL, "not a regular file")
            key, limit = size_limit(rel, self.limits)
            # Asked for its listed size (a read of `limit + 1` bytes would allocate that
            # much for every small file), then on to the limit in case it grew since.
            parts, got, want = [], 0, min(info.st_size, limit) + 1
            while got <= limit:
                part = os.read(fd, want - got if got < want else limit + 1 - got)
                if not part:
                    break
                parts.append(part)
                got += len(part)
            data = b"".join(parts)
        finally:
            os.close(fd)
        if len(data) > limit:
            raise OSError(errno.EFBIG, _too_large(key, limit))
        return data

    def size(self, rel: str) -> int:
        return os.stat(self.files[rel]).st_size

    def with_suffix(self, *suffixes: str) -> list[str]:
        if suffixes not in self._suffixed:
            self._suffixed[suffixes] = [
                p for p, low in zip(self.paths, self._lower, strict=True) if low.endswith(suffixes)
            ]
        return list(self._suffixed[suffixes])

    @cached_property
    def _lower(self) -> list[str]:
        """The paths in lower case, once: each source's detection asks for its suffixes."""
        return [p.lower() for p in self.paths]

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


# The files a static-site generator publishes as pages.
SITE_PAGES = (".md", ".markdown", ".mdx", ".html", ".htm")


def without_site_pages(
    tree: Tree, sites: list[str], unpublished: Callable[[str, str], bool]
) -> Tree:
    """The tree without the pages (`SITE_PAGES`) that `unpublished(path, site)` names, each
    judged by the innermost of the site folders (`sites`, "" for the root) that holds it;
    a page outside every site is kept."""
    if not sites:
        return tree
    dropped = set()
    for path in tree.paths:
        if not path.lower().endswith(SITE_PAGES):
            continue
        site = max((s for s in sites if not s or path.startswith(s + "/")), key=len, default=None)
        if site is not None and unpublished(path, site):
            dropped.add(path)
    if not dropped:
        return tree
    return replace(tree, paths=[p for p in tree.paths if p not in dropped])


def selected(rel: str, include: list[str], exclude: list[str]) -> bool:
    """Whether include/exclude globs keep a file."""
    if include and not glob_match(rel, include):
        return False
    return not (exclude and glob_match(rel, exclude))


def _too_large(key: str, limit: int) -> str:
    return (
        f"larger than limits.{key} ({limit} bytes); not read. Split the file, exclude "
        f"it, or raise `limits: {{{key}: N}}` if it is trusted"
    )


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _skip_reason(path: str, root: str, limits: dict[str, int]) -> tuple[str | None, str | None]:
    """The real path to read, or why the entry is skipped (never opening it). Plain strings
    and `os` calls: this runs once per file of the KB."""
    try:
        info = os.lstat(path)
        link = stat.S_ISLNK(info.st_mode)
        real = os.path.realpath(path, strict=True) if link else path
        if link and not _inside(real, root):
            return None, (
                "symbolic link to a file outside the KB; not followed. Copy the file into "
                "the KB or remove the link"
            )
        if link:
            info = os.stat(real)
    except (OSError, RuntimeError):  # dangling or looping link, or vanished meanwhile
        return None, "broken symbolic link or unreadable entry; not read. Remove it"
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "a named pipe (FIFO)"
            if stat.S_ISFIFO(info.st_mode)
            else "a socket"
            if stat.S_ISSOCK(info.st_mode)
            else "a device"
        )
        via = "symbolic link to " if link else ""
        return None, f"{via}{kind}, not a regular file; not opened. Remove it from the KB"
    key, limit = size_limit(os.path.basename(path), limits)
    if info.st_size > limit:
        return None, f"{info.st_size} bytes, " + _too_large(key, limit)
    return real, None


def _second_names(tree: Tree, linked: dict[str, str]) -> None:
    """Links inside the KB give a file a second name (`docs/index.md` -> `guide/index.md`,
    a folder shared by two products' docs): links written through either name reach it,
    but it is read once, at its own path. A linked file whose own path is not read (left
    out by the include globs) is read through its link."""
    chosen = set(tree.paths)
    seconds = {rel for rel, target in linked.items() if rel in tree.files and target in chosen}
    tree.paths = [p for p in tree.paths if p not in seconds]
    for alias, target in linked.items():
        if alias in tree.files:
            continue
        for rel in [p for p in tree.all_paths if p.startswith(target + "/")]:
            name = alias + rel[len(target) :]
            if name not in tree.files and rel in tree.files:
                tree.all_paths.append(name)
                tree.files[name] = tree.files[rel]


def open_tree(
    path: Path,
    include: list[str],
    exclude: list[str],
    limits: dict[str, int] | None = None,
) -> Tree:
    """List the regular files of a folder, one file or a zip archive after include/exclude
    globs; links out of the root, special files and files over the size limit are problems."""
    lim = check_limits(limits or {})
    if path.is_file():
        if zipfile.is_zipfile(path):
            from kbaudit.sources.ziptree import open_zip

            return open_zip(path, include, exclude, lim)
        tree = Tree(path.parent, path.name, limits=lim)
        real, reason = _skip_reason(str(path), str(path.resolve().parent), lim)
        if reason:
            tree.problems.append(LoadProblem(InputCode.UNREADABLE, path.name, reason))
        else:
            tree.paths, tree.all_paths = [path.name], [path.name]
            tree.files[path.name] = real or str(path)
        return tree
    root = path.resolve()
    tree = Tree(path, str(path), limits=lim)
    linked: dict[str, str] = {}  # a link inside the KB (file or folder) -> the path it names
    for dirpath, dirnames, filenames in os.walk(path):  # never descends into linked folders
        rel_dir = os.path.relpath(dirpath, path).replace(os.sep, "/")
        kept = []
        for name in sorted(d for d in dirnames if d not in _SKIP_DIRS):
            folder = Path(dirpath, name)
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if not folder.is_symlink():
                kept.append(name)
                continue
            try:
                named = folder.resolve(strict=True)
                inside = named.is_relative_to(root)
            except (OSError, RuntimeError):
                inside = False
            if inside:
                linked[rel] = named.relative_to(root).as_posix()
            else:
                message = (
                    "symbolic link to a folder outside the KB; not followed. Copy the "
                    "folder into the KB or remove the link"
                )
                tree.problems.append(LoadProblem(InputCode.UNREADABLE, rel, message))
        dirnames[:] = kept
        for name in filenames:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            where = os.path.join(dirpath, name)
            real, reason = _skip_reason(where, str(root), lim)
            chosen = selected(rel, include, exclude)
            if reason and chosen:
                tree.problems.append(LoadProblem(InputCode.UNREADABLE, rel, reason))
                continue
            tree.all_paths.append(rel)  # link targets, and index files a source may read
            if reason is None:  # an excluded special file is named, never opened
                tree.files[rel] = real or where
                if real is not None and real != where:
                    linked[rel] = os.path.relpath(real, root).replace(os.sep, "/")
            if chosen:
                tree.paths.append(rel)
    _second_names(tree, linked)
    tree.paths.sort()
    tree.all_paths.sort()
    tree.problems.sort(key=lambda p: p.path)
    return tree
