"""Zip archives read in place: same articles as the folder, unsafe entries refused as input
problems, limits from the config; the real KB zipped audits to the same findings."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from kbaudit.audit import audit
from kbaudit.cli import app
from kbaudit.config import Config
from kbaudit.errors import ConfigError
from kbaudit.reporters.json_report import render
from kbaudit.sources import SourceOptions, load

from .conftest import AS_OF, FIXTURES, OFFICEDOCS, needs

EXPORTS = FIXTURES / "exports"


def zip_folder(folder: Path, target: Path, top: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                path = Path(root) / name
                archive.write(path, top + path.relative_to(folder).as_posix())
    return target


def zip_entries(target: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return target


def summary(path: Path, **options: object) -> list[tuple]:
    result = load(path, options=SourceOptions(**options))  # type: ignore[arg-type]
    return [
        (a.path, a.id, a.title, a.category, a.tags, a.owner, a.updated_at, a.status, a.text)
        for a in result.articles
    ]


@pytest.mark.parametrize("name", ["zendesk", "zendesk-files", "confluence/LH", "salesforce"])
@pytest.mark.parametrize("top", ["", "export/"])
def test_zip_reads_like_the_folder(tmp_path: Path, name: str, top: str) -> None:
    """An archive of a folder (its entries under one top folder or not) reads like it."""
    archive = zip_folder(EXPORTS / name, tmp_path / "export.zip", top)
    assert load(archive).format == load(EXPORTS / name).format
    assert summary(archive) == summary(EXPORTS / name)


def test_a_folder_holding_only_the_archive_reads_the_archive(tmp_path: Path) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    zip_folder(EXPORTS / "zendesk", downloads / "help-center.zip", "help-center/")
    (downloads / "notes.png").write_bytes(b"\x89PNG")  # not a document of the KB
    expected = load(EXPORTS / "zendesk").articles
    got = load(downloads)
    assert got.format == "zendesk"
    assert [(a.path, a.title) for a in got.articles] == [(a.path, a.title) for a in expected]


def test_zip_detected_by_content_not_name(tmp_path: Path) -> None:
    archive = zip_folder(EXPORTS / "intercom", tmp_path / "intercom-backup.dat")
    assert load(archive).format == "intercom"


GOOD = b"---\ntitle: Pay an invoice\n---\nOpen the invoice and choose Pay now.\n"


@pytest.mark.parametrize("bad_name", ["../outside.md", "/etc/absolute.md", "a/../../up.md"])
def test_unsafe_entry_names_are_refused(tmp_path: Path, bad_name: str) -> None:
    archive = zip_entries(tmp_path / "kb.zip", {"pay.md": GOOD, bad_name: GOOD})
    result = load(archive)
    assert [a.path for a in result.articles] == ["pay.md"]
    [problem] = result.problems
    assert problem.code == "INPUT001" and "climbs out" in problem.message
    assert not (tmp_path.parent / "outside.md").exists()


def test_zip_bomb_is_refused_unless_the_limit_is_raised(tmp_path: Path) -> None:
    bomb = b"---\ntitle: Bomb\n---\n" + b"a" * (4 * 1024 * 1024)
    archive = zip_entries(tmp_path / "kb.zip", {"pay.md": GOOD, "bomb.md": bomb})
    result = load(archive)
    assert [a.path for a in result.articles] == ["pay.md"]
    [problem] = result.problems
    assert problem.path == "bomb.md" and "limits.max_ratio" in problem.message
    assert len(load(archive, options=SourceOptions(limits={"max_ratio": 10**6})).articles) == 2


@pytest.mark.parametrize(
    ("limits", "kept", "message"),
    [
        ({"max_entries": 2}, 2, "limits.max_entries"),
        ({"max_file_size": 100}, 2, "limits.max_file_size"),
        ({"max_total_size": 2 * len(GOOD) + 10}, 2, "limits.max_total_size"),
    ],
)
def test_limits_refuse_entries(tmp_path: Path, limits: dict, kept: int, message: str) -> None:
    entries = {"a.md": GOOD, "b.md": GOOD, "c.md": GOOD + b"More words here. " * 20}
    archive = zip_entries(tmp_path / "kb.zip", entries)
    result = load(archive, options=SourceOptions(limits=limits))
    assert len(result.articles) == kept
    assert [p.code for p in result.problems] == ["INPUT001"]
    assert message in result.problems[0].message


@pytest.mark.parametrize(
    ("limits", "match"),
    [({"max_files": 3}, "unknown limit"), ({"max_ratio": 0}, "positive whole number")],
)
def test_bad_limits_are_config_errors(tmp_path: Path, limits: dict, match: str) -> None:
    archive = zip_entries(tmp_path / "kb.zip", {"a.md": GOOD})
    with pytest.raises(ConfigError, match=match):
        load(archive, options=SourceOptions(limits=limits))


def test_cli_audits_a_zip(runner, tmp_path: Path) -> None:
    archive = zip_folder(EXPORTS / "freshdesk", tmp_path / "freshdesk.zip")
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["audit", str(archive), "-q", "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["source"]["format"] == "freshdesk" and report["source"]["articles"] == 4


@needs(OFFICEDOCS)
@pytest.mark.corpus
def test_real_kb_zipped_audits_like_the_folder(tmp_path: Path) -> None:
    archive = zip_folder(OFFICEDOCS, tmp_path / "officedocs.zip", "officedocs-support/")
    folder = audit(OFFICEDOCS, Config(as_of=AS_OF))
    zipped = audit(archive, Config(as_of=AS_OF))
    assert len(zipped.corpus.articles) == len(folder.corpus.articles) > 2400
    a, b = json.loads(render(folder)), json.loads(render(zipped))
    assert a.pop("source")["articles"] == b.pop("source")["articles"]
    assert a == b
