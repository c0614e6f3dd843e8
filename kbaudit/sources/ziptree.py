"""A zip archive read in place: entries are listed and read from the archive, never extracted.

Every entry is checked before it is read: unsafe names (absolute, `..`), too many entries, too
large in total or alone, or compressed suspiciously well (a zip bomb) are refused, each as an
INPUT001 problem, and the rest of the archive is still audited. Limits come from `limits:`.
"""

from __future__ import annotations

import posixpath
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from kbaudit.errors import SourceError
from kbaudit.model import InputCode, LoadProblem
from kbaudit.normalize import check_limits, size_limit
from kbaudit.sources.tree import Tree, selected

RATIO_FLOOR = 1024**2  # entries smaller than this are never refused for their ratio
_DRIVE = re.compile(r"^[A-Za-z]:")
_JUNK = ("__MACOSX/", ".DS_Store", "Thumbs.db")


def safe_name(name: str) -> str | None:
    """The entry's forward-slash path, or None when it is absolute or climbs out with `..`."""
    rel = name.replace("\\", "/")
    if rel.startswith("/") or _DRIVE.match(rel):
        return None
    parts = rel.split("/")
    if ".." in parts:
        return None
    return posixpath.normpath(rel)


@dataclass
class ZipTree(Tree):
    """The files of a zip archive; `root` is the archive itself."""

    archive: zipfile.ZipFile | None = None
    entries: dict[str, zipfile.ZipInfo] = field(default_factory=dict)

    def read_bytes(self, rel: str) -> bytes:
        """The entry's bytes; reading stops past the size limit, whatever the header claims."""
        assert self.archive is not None
        info = self.entries[rel]
        key, limit = size_limit(rel, self.limits)
        try:
            with self.archive.open(info) as handle:
                data = handle.read(limit + 1)
        except (zipfile.BadZipFile, RuntimeError, ValueError, EOFError, OSError) as exc:
            raise OSError(f"cannot read the archive entry: {exc}") from None
        if len(data) > limit:
            raise OSError(
                f"archive entry is larger than limits.{key} ({limit} bytes) although its "
                "header says otherwise; refused"
            )
        return data

    def size(self, rel: str) -> int:
        return self.entries[rel].file_size

    @property
    def git_root(self) -> Path | None:
        return None


def _common_folder(names: list[str]) -> str:
    """The one top folder every entry sits in (archives of a folder), else ''."""
    tops = {n.split("/", 1)[0] for n in names}
    if len(tops) == 1 and all("/" in n for n in names):
        return tops.pop() + "/"
    return ""


def open_zip(path: Path, include: list[str], exclude: list[str], limits: dict[str, int]) -> Tree:
    """List a zip archive's safe entries, sorted, with a problem for each refused one."""
    lim = check_limits(limits)
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except UnicodeDecodeError:
        raise SourceError(
            f"{path} has an entry name that is marked UTF-8 but is not; re-create the archive "
            "with a zip tool that writes UTF-8 names"
        ) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise SourceError(f"{path} is not a readable zip archive ({exc}); re-create it") from None
    problems: list[LoadProblem] = []
    files: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if info.is_dir() or any(j in info.filename for j in _JUNK):
            continue
        rel = safe_name(info.filename)
        if rel is None:
            problems.append(
                LoadProblem(
                    InputCode.UNREADABLE,
                    info.filename,
                    "archive entry refused: its path is absolute or climbs out of the archive "
                    "with `..`; re-create the archive from the export folder",
                )
            )
            continue
        files.setdefault(rel, info)
    prefix = _common_folder(list(files))
    names = sorted(files)
    if len(names) > lim["max_entries"]:
        problems.append(
            LoadProblem(
                InputCode.UNREADABLE,
                path.name,
                f"archive has {len(names)} files, over limits.max_entries "
                f"({lim['max_entries']}); only the first {lim['max_entries']} are read. "
                "Raise `limits: {max_entries: N}` if the archive is trusted",
            )
        )
        names = names[: lim["max_entries"]]
    tree = ZipTree(path, str(path), limits=lim, archive=archive)
    total = 0
    for name in names:
        info = files[name]
        rel = name[len(prefix) :]
        refusal = _refusal(rel, info, total, lim)
        if refusal:
            problems.append(
                LoadProblem(InputCode.UNREADABLE, rel, f"archive entry refused: {refusal}")
            )
            continue
        total += info.file_size
        tree.entries[rel] = info
        tree.all_paths.append(rel)
        if selected(rel, include, exclude):
            tree.paths.append(rel)
    tree.problems = problems
    return tree


def _refusal(rel: str, info: zipfile.ZipInfo, total: int, lim: dict[str, int]) -> str | None:
    size = info.file_size
    key, limit = size_limit(rel, lim)
    mode = info.external_attr >> 16 if info.create_system == 3 else 0  # Unix permissions
    if stat.S_ISLNK(mode):
        return "it is a symbolic link, never followed; archive the file itself"
    if mode and stat.S_IFMT(mode) and not stat.S_ISREG(mode):
        return "it is not a regular file (a device, pipe or socket); leave it out of the archive"
    if info.flag_bits & 0x1:
        return "it is encrypted; export the KB without a password"
    if size > limit:
        return (
            f"{size} bytes uncompressed, over limits.{key} ({limit}); "
            "raise the limit if the archive is trusted"
        )
    if size >= RATIO_FLOOR and size > lim["max_ratio"] * max(info.compress_size, 1):
        ratio = size / max(info.compress_size, 1)
        return (
            f"compression ratio {ratio:.0f}:1 is over limits.max_ratio ({lim['max_ratio']}), "
            "the mark of a zip bomb; raise the limit if the archive is trusted"
        )
    if total + size > lim["max_total_size"]:
        return (
            f"the archive's files add up to more than limits.max_total_size "
            f"({lim['max_total_size']} bytes); raise the limit if the archive is trusted"
        )
    return None
