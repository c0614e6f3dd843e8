"""Shared test helpers: fixture paths, the real corpora (skipped when absent), a CLI runner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SAMPLE_KB = FIXTURES / "sample-kb"
CORPORA = ROOT.parent / "shared" / "corpora"
OFFICEDOCS = CORPORA / "officedocs-support"
BANKING77 = CORPORA / "banking77" / "banking_data"
AS_OF = dt.date(2026, 11, 23)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-expected",
        action="store_true",
        help="rewrite fixtures/rules/*/expected.yaml from the current findings (review the diff)",
    )


@pytest.fixture
def update_expected(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-expected"))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write_files(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write a small KB: relative path -> text (UTF-8) or bytes. Returns `root`."""
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


def build_tfidf(texts: list[str]) -> tuple[Any, Any]:
    """One TF-IDF matrix of the texts as the corpus builds it (rows L2-normalised)."""
    from kbaudit.corpus.similarity import text_terms, tfidf_of_terms

    return tfidf_of_terms([text_terms(t) for t in texts])


def needs(path: Path) -> pytest.MarkDecorator:
    """Skip cleanly when a real corpus is not beside the project."""
    return pytest.mark.skipif(not path.exists(), reason=f"{path} not present")


@pytest.fixture(autouse=True, scope="session")
def _private_cache_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Audits cache parsed files in the user cache folder: keep the tests' own, fresh one."""
    import os

    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache-home"))
