"""The incremental cache and parallel parsing: the same JSON report cold, warm, after an edit,
with a damaged cache, with two runs sharing it, and on one or two cores; the KB untouched."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kbaudit.cache import FILE_NAME, Cache
from kbaudit.cli import app
from kbaudit.sources import parallel

from .conftest import ROOT, SAMPLE_KB


def _audit(runner: CliRunner, kb: Path, out: Path, *extra: str) -> bytes:
    result = runner.invoke(
        app, ["audit", str(kb), "-f", "json", "-o", str(out), "--as-of", "2026-11-23", *extra]
    )
    assert result.exit_code in (0, 1), result.output
    return out.read_bytes()


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    copy = tmp_path / "kb"
    shutil.copytree(SAMPLE_KB, copy)
    return copy


def _edit(kb: Path) -> None:
    article = sorted(kb.rglob("*.md"))[3]
    article.write_text(
        article.read_text(encoding="utf-8") + "\nContact jane.doe@gmail.com for a refund.\n",
        encoding="utf-8",
    )


def test_warm_and_edited_runs_equal_cold_runs(runner: CliRunner, kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = _tree_digest(kb)
    cold = _audit(runner, kb, tmp_path / "cold.json", "--cache-dir", str(cache))
    assert (cache / FILE_NAME).is_file()
    warm = _audit(runner, kb, tmp_path / "warm.json", "--cache-dir", str(cache))
    assert warm == cold
    assert _tree_digest(kb) == before  # nothing written into the KB
    _edit(kb)
    edited_warm = _audit(runner, kb, tmp_path / "edited-warm.json", "--cache-dir", str(cache))
    edited_cold = _audit(runner, kb, tmp_path / "edited-cold.json", "--no-cache")
    assert edited_warm == edited_cold
    assert edited_warm != cold  # the edit shows: the cache did not hide it


def test_a_damaged_cache_is_a_miss(runner: CliRunner, kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = _audit(runner, kb, tmp_path / "cold.json", "--cache-dir", str(cache))
    with sqlite3.connect(cache / FILE_NAME) as db:
        db.execute("UPDATE entry SET value = substr(value, 1, 7) WHERE rowid % 2 = 0")
        db.execute("UPDATE entry SET value = x'00ff' WHERE rowid % 3 = 0")
    assert _audit(runner, kb, tmp_path / "damaged.json", "--cache-dir", str(cache)) == cold
    (cache / FILE_NAME).write_bytes(b"not a database at all" * 100)
    assert _audit(runner, kb, tmp_path / "garbage.json", "--cache-dir", str(cache)) == cold


def test_two_runs_share_a_cache(kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "kbaudit", "audit", str(kb), "-f", "json", "-o",
             str(tmp_path / f"run{i}.json"), "--as-of", "2026-11-23", "--cache-dir", str(cache)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for i in range(2)
    ]  # fmt: skip
    for run in runs:
        _, err = run.communicate(timeout=600)
        assert run.returncode in (0, 1), err
    assert (tmp_path / "run0.json").read_bytes() == (tmp_path / "run1.json").read_bytes()


def test_one_and_two_cores_give_the_same_report(
    runner: CliRunner, kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 2)  # the sample KB on two workers
    assert parallel.workers(2, 94) == 2
    one = _audit(runner, kb, tmp_path / "one.json", "--jobs", "1", "--no-cache")
    two = _audit(runner, kb, tmp_path / "two.json", "--jobs", "2", "--no-cache")
    assert one == two


def test_cache_dir_inside_the_kb_is_refused(runner: CliRunner, kb: Path) -> None:
    result = runner.invoke(app, ["audit", str(kb), "--cache-dir", str(kb / "cache")])
    assert result.exit_code == 2
    assert not (kb / "cache").exists()


def test_least_recently_used_entries_are_evicted(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c", max_bytes=10_000)
    cache.put_many({f"old{i}": "x" * 1000 for i in range(8)})
    cache.put_many({f"new{i}": "y" * 1000 for i in range(8)})
    assert set(cache.get_many(["old0", "new7"])) == {"old0", "new7"}
    cache.close()
    cache = Cache(tmp_path / "c", max_bytes=10_000)
    kept = cache.get_many([f"old{i}" for i in range(8)] + [f"new{i}" for i in range(8)])
    assert "old0" in kept and "new7" in kept  # used last: kept
    assert len(kept) <= 8
    assert (tmp_path / "c").stat().st_mode & 0o777 == 0o700


def test_a_shared_or_foreign_folder_is_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "open"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    cache = Cache(folder)
    assert not cache.enabled
    cache.put_many({"k": 1})
    assert cache.get_many(["k"]) == {}
    assert not (folder / FILE_NAME).exists()
