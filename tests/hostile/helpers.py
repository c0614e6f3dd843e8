"""Small builders shared by the hostile-input tests."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from kbaudit.config import Config
from kbaudit.sources import SourceResult, load

from ..conftest import write_files

ARTICLE = (
    "---\ntitle: Reset a forgotten password\nupdated_at: 2026-10-01\n---\n"
    "# Reset a forgotten password\n\nOpen the sign-in page, choose Forgot password and follow "
    "the link we send to your work address. The link works for one hour.\n"
)


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    return write_files(root, files)


def read(path: Path, config: Config | None = None, fmt: str | None = None) -> SourceResult:
    return load(path, fmt, options=(config or Config()).source_options())


def problems(result: SourceResult, code: str | None = None) -> dict[str, str]:
    """path -> message of the problems (of one code)."""
    return {p.path: p.message for p in result.problems if code is None or p.code == code}


def run_cli(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`kbaudit ...` in its own process, as CI runs it."""
    return subprocess.run(
        [sys.executable, "-m", "kbaudit", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})},
        check=False,
    )


def tree_digest(root: Path) -> dict[str, str]:
    """Every entry under `root` (files, links, folders) with its content hash and mode."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath, name)
            info = path.lstat()
            rel = str(path.relative_to(root))
            if path.is_symlink():
                out[rel] = f"link:{os.readlink(path)}"
            elif path.is_file():
                out[rel] = f"{info.st_mode:o}:{hashlib.sha256(path.read_bytes()).hexdigest()}"
            else:
                out[rel] = f"{info.st_mode:o}"
    return out


def zip_with(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return path


def billion_laughs(levels: int = 9) -> str:
    """About 1 KB of YAML anchors standing for 10**levels strings."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        refs = ",".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"
