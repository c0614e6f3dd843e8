"""False-alarm classes found by reading findings on real KBs must not come back (each test
skips when its corpus is absent)."""

from __future__ import annotations

import pytest

from kbaudit.audit import audit
from kbaudit.config import Config

from .conftest import AS_OF, CORPORA, OFFICEDOCS, needs

pytestmark = pytest.mark.corpus
ZENDESK = CORPORA / "export-samples" / "zendesk" / "optisigns-api-starter-pack"
CONFLUENCE = CORPORA / "export-samples" / "confluence" / "dlx-confluence"


def _findings(path, select):
    config = Config(as_of=AS_OF, select=select)
    return audit(path, config).findings


@needs(OFFICEDOCS)
def test_officedocs_has_no_security_error() -> None:
    # contoso/outlook.com sample addresses and a sample bearer token in a log excerpt
    assert [(f.rule, f.where, f.message) for f in _findings(OFFICEDOCS, ["security"])] == []


@needs(ZENDESK)
def test_numeric_ids_in_urls_are_not_card_numbers() -> None:
    cards = [f for f in _findings(ZENDESK, ["SEC002"]) if f.data.get("label") == "card number"]
    assert cards == []


@needs(CONFLUENCE)
def test_expired_media_tokens_are_not_secrets() -> None:
    tokens = [f for f in _findings(CONFLUENCE, ["SEC001"]) if "web token" in f.message]
    assert tokens == []


@needs(CONFLUENCE)
def test_a_category_is_not_a_variant_of_its_own_parent() -> None:
    from kbaudit.checks.taxonomy import _split_path

    for f in _findings(CONFLUENCE, ["TAX006"]):
        value, preferred = f.data["value"], f.data["preferred"]
        assert _split_path(value)[0] == _split_path(preferred)[0], f.message


@needs(ZENDESK)
def test_id_named_categories_are_one_finding_each_and_no_variants() -> None:
    from kbaudit.checks.taxonomy import is_id_name

    findings = _findings(ZENDESK, ["TAX006", "TAX012"])
    variants = [f for f in findings if f.rule == "TAX006"]
    assert not [f.message for f in variants if any(map(is_id_name, f.data["variants"]))]
    named = [f.data["value"] for f in findings if f.rule == "TAX012"]
    assert named and len(named) == len(set(named))
