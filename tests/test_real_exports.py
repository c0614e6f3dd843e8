"""The real vendor exports beside the project (skipped when absent): every article the raw
files hold is read — counted here from the raw JSON/HTML, independently of kbaudit — with
dates, owners and categories filled wherever the export has them; and categories from the
OfficeDocs toc.yml files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from kbaudit.audit import audit
from kbaudit.config import Config
from kbaudit.normalize import CATEGORY_ID_ONLY, TRANSLATION_OF
from kbaudit.sources import load

from .conftest import AS_OF, CORPORA, OFFICEDOCS, needs

SAMPLES = CORPORA / "export-samples"
pytestmark = [needs(SAMPLES), pytest.mark.corpus]


def _zendesk_optisigns(root: Path) -> int:
    return sum(len(json.loads(p.read_text())) for p in root.glob("docs/*/articles.json"))


def _zendesk_keepsafe(root: Path) -> int:
    return len(json.loads((root / "src/test/fixtures/articles.json").read_text())["articles"])


def _confluence(root: Path) -> int:
    return sum(1 for p in root.glob("*.html") if p.name != "index.html")


def _salesforce(root: Path) -> int:
    return len(json.loads((root / "articles.json").read_text())["result"]["records"])


def _freshdesk(root: Path) -> int:
    return sum(len(json.loads(p.read_text())) for p in root.glob("solution_articles*.json"))


# sample folder -> (format, raw count, verified count, fields the export has for every article)
CASES: dict[str, tuple[str, Callable[[Path], int], int, tuple[str, ...]]] = {
    "zendesk/optisigns-api-starter-pack": (
        "zendesk",
        _zendesk_optisigns,
        392,
        ("updated_at", "created_at", "owner", "category", "locale"),
    ),
    "zendesk/keepsafe-test-fixtures": (
        "zendesk",
        _zendesk_keepsafe,
        1,
        ("updated_at", "owner", "category", "locale"),
    ),
    "confluence/dlx-confluence": ("confluence", _confluence, 405, ("updated_at", "owner")),
    "salesforce/ai-for-nonprofits": (
        "tabular",
        _salesforce,
        73,
        ("updated_at", "created_at", "owner", "locale"),
    ),
    "freshdesk/python-freshdesk-fixtures": (
        "freshdesk",
        _freshdesk,
        4,
        ("updated_at", "created_at", "owner", "category"),
    ),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def sample(request):
    name = request.param
    root = SAMPLES / name
    if not root.exists():
        pytest.skip(f"{root} not present")
    return name, root, load(root)


def test_every_raw_article_is_read(sample) -> None:
    name, root, result = sample
    fmt, raw, verified, _ = CASES[name]
    assert result.format == fmt
    # a Confluence whiteboard or database is exported as a placeholder: one INPUT001 each
    placeholders = [p for p in result.problems if "whiteboard or a database" in p.message]
    assert raw(root) == verified == len(result.articles) + len(placeholders)
    assert len(placeholders) == (7 if name == "confluence/dlx-confluence" else 0)
    assert not [
        p for p in result.problems if p.code in ("INPUT001", "INPUT004") and p not in placeholders
    ]


def test_fields_the_export_has_are_filled(sample) -> None:
    name, _, result = sample
    for field in CASES[name][3]:
        filled = sum(1 for a in result.articles if getattr(a, field))
        assert filled == len(result.articles), f"{name}: {field} filled on {filled}"


def test_confluence_details() -> None:
    result = load(SAMPLES / "confluence/dlx-confluence")
    # breadcrumbs give every page but the space home and its one top-level page a category
    assert sum(1 for a in result.articles if a.category) >= len(result.articles) - 2
    assert not any("(Unlicensed)" in (a.owner or "") for a in result.articles)
    assert not any(a.title.startswith("VARLab : ") for a in result.articles)


def test_salesforce_translations_pair_with_their_source() -> None:
    result = load(SAMPLES / "salesforce/ai-for-nonprofits")
    ids = {a.id for a in result.articles}
    translations = [a for a in result.articles if a.meta.get(TRANSLATION_OF)]
    assert len(translations) == 15  # 3 each in fr, ja, de, pt_BR, es_MX
    assert all(a.meta[TRANSLATION_OF] in ids for a in translations)
    assert {a.locale for a in translations} == {"fr", "ja", "de", "pt-br", "es-mx"}


def test_zendesk_sections_are_not_bare_ids() -> None:
    result = load(SAMPLES / "zendesk/optisigns-api-starter-pack")
    assert not any(a.meta.get(CATEGORY_ID_ONLY) for a in result.articles)
    assert len({a.category for a in result.articles}) == 13  # one per docs/<category>/ folder


def test_freshdesk_names_categories_and_pairs_french() -> None:
    result = load(SAMPLES / "freshdesk/python-freshdesk-fixtures")
    assert all(" > " in (a.category or "") for a in result.articles)
    assert sum(1 for a in result.articles if a.meta.get(TRANSLATION_OF)) == 2


@needs(OFFICEDOCS)
def test_officedocs_categories_come_from_toc() -> None:
    config = Config(as_of=AS_OF, select=["TAX001"])
    result = audit(OFFICEDOCS, config)
    # 2,437 TAX001 findings with categories from front matter only; the toc.yml files and
    # folders leave only the repository's own README.md and SECURITY.md without one
    assert len(result.findings) <= 5
    toc = Config(as_of=AS_OF, select=["TAX001"], category_from="toc")
    assert len(audit(OFFICEDOCS, toc).findings) < 100
