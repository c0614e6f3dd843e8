"""A secret found by a security rule never appears in any report, whichever rule's message,
article title, duplicate group or topic label would carry it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kbaudit.audit import audit
from kbaudit.config import Config
from kbaudit.redact import mask
from kbaudit.reporters import formats_for, render_text

from .helpers import write

KEY = "AKIAZ7Q2LMNB3XPTRK4W"  # an invented, real-looking AWS access key id
BODY = (
    "Export your invoices to a storage bucket every night. Open Settings, choose Exports and "
    f"paste the access key {KEY} with its secret, then pick the bucket and the hour. "
    "The first export starts at the hour you chose and copies every invoice of the month. "
) * 3


def _kb(root: Path) -> Path:
    page = f"---\ntitle: Nightly export with key {KEY}\nupdated_at: 2026-10-01\n---\n{BODY}\n"
    return write(
        root,
        {
            "exports/nightly-export.md": page,
            "exports/nightly-export-copy.md": page,  # a duplicate: its group names the title
            "exports/other.md": "---\ntitle: Monthly export\n---\nMonthly export steps. " * 3,
        },
    )


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    kb = _kb(tmp_path_factory.mktemp("kb"))
    return audit(kb, Config(as_of=dt.date(2026, 11, 23), jobs=1))


def test_the_secret_is_found(result) -> None:  # type: ignore[no-untyped-def]
    assert any(f.category == "security" for f in result.findings)
    assert any(f.rule.startswith("DUP") for f in result.findings)


@pytest.mark.parametrize("fmt", formats_for("scorecard"))
def test_no_report_shows_the_secret(result, fmt: str) -> None:  # type: ignore[no-untyped-def]
    text = render_text("scorecard", fmt, result, width=200)
    assert KEY not in text
    if fmt == "json":  # the masked form still says which key it was
        assert mask(KEY) in text


def test_no_finding_article_or_section_holds_the_secret(result) -> None:  # type: ignore[no-untyped-def]
    assert KEY not in repr([(f.message, f.data, f.related) for f in result.findings])
    assert not any(KEY in a.title or KEY in a.text for a in result.corpus.articles)
    assert KEY not in repr(result.sections)
    assert not any(f.secrets for f in result.findings)  # nothing left to leak by accident
