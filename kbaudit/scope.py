"""Which findings an audit lists: all of them, those about articles changed since a git ref
(the pull-request check), or those about given paths. Reading, analyses, score and verdict
always cover the whole KB; the scope only filters the listing."""

from __future__ import annotations

import posixpath
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kbaudit.errors import ConfigError
from kbaudit.model import Finding


@dataclass(frozen=True)
class All:
    """Every finding is listed."""


@dataclass(frozen=True)
class ChangedSince:
    """Findings about the files git reports as changed since `ref` (merge base)."""

    ref: str


@dataclass(frozen=True)
class Paths:
    """Findings about these KB-relative paths."""

    paths: frozenset[str]


Scope = All | ChangedSince | Paths
ALL = All()


def scope_paths(scope: Scope, kb: Path) -> frozenset[str] | None:
    """The KB-relative paths a scope keeps, or None for all of them."""
    if isinstance(scope, ChangedSince):
        return changed_files(kb, scope.ref)
    if isinstance(scope, Paths):
        return frozenset(posixpath.normpath(p.replace("\\", "/")) for p in scope.paths)
    return None


def changed_files(kb: Path, ref: str) -> frozenset[str]:
    """Files under `kb` changed between the merge base of `ref` and the working tree, plus
    files git does not track yet (a new article not committed), as paths relative to `kb`."""
    folder = kb if kb.is_dir() else kb.parent
    diff = ["diff", "--name-only", "-z", "--relative", "--merge-base", ref, "--"]
    untracked = ["ls-files", "--others", "--exclude-standard", "-z", "--", "."]
    return _git(folder, diff, ref) | _git(folder, untracked, ref)


def _git(folder: Path, args: list[str], ref: str) -> frozenset[str]:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    except FileNotFoundError:
        raise ConfigError("--changed-since needs git on the PATH") from None
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "git failed"
        raise ConfigError(
            f"--changed-since {ref}: {detail}; give a ref git knows (e.g. origin/main) inside "
            "a git repository, fetched deep enough to contain it"
        )
    return frozenset(p for p in done.stdout.split("\0") if p)


def involves(finding: Finding, changed: frozenset[str]) -> bool:
    """Whether a finding is about a changed article, or names one among its related articles."""
    if finding.where in changed:
        return True
    return any((r.path or r.id) in changed for r in finding.related)
