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


@pytest.fixture(scope="module")
def officedocs():
    rules = ["security", "QUAL003", "QUAL006", "STALE005", "STALE007", "TAX008"]
    return _findings(OFFICEDOCS, rules)


@needs(OFFICEDOCS)
def test_officedocs_has_no_security_error(officedocs) -> None:
    # contoso/outlook.com sample addresses and a sample bearer token in a log excerpt
    errors = [(f.rule, f.where, f.message) for f in officedocs if f.category == "security"]
    assert [e for e in errors if e[0] != "SEC003"] == []


@needs(OFFICEDOCS)
def test_officedocs_hidden_comments_are_internal_notes(officedocs) -> None:
    notes = [f for f in officedocs if f.rule == "SEC003"]
    assert notes and all("e-mail address" in f.message for f in notes)


@needs(OFFICEDOCS)
def test_officedocs_placeholders_are_outside_sample_code(officedocs) -> None:
    # `// TODO: change the profile name` in C# samples and `XXX, YYY` standing in for values
    found = [f for f in officedocs if f.rule == "QUAL003"]
    assert len(found) <= 2
    assert not [f for f in found if f.data["match"] == "XXX"]


@needs(OFFICEDOCS)
def test_officedocs_year_mentions_are_not_ranges_or_history(officedocs) -> None:
    mentions = [f.data["match"].lower() for f in officedocs if f.rule == "STALE005"]
    assert not [m for m in mentions if m.startswith(("through", "starting", "beginning"))]


@needs(OFFICEDOCS)
def test_officedocs_small_product_categories_are_not_findings(officedocs) -> None:
    # Viva Pulse, Loop: one article each, alone in their own folders
    assert [f.message for f in officedocs if f.rule == "TAX008"] == []


@needs(OFFICEDOCS)
def test_officedocs_topic_misfits_read_like_the_suggested_category() -> None:
    # A topic gathering several products' code samples (macros, automation) is filed mostly
    # under one product; the other products' development articles are not misfiled there.
    found = _findings(OFFICEDOCS, ["TAX009", "TAX010"])
    misfits = [f.where for f in found if f.rule == "TAX009"]
    assert len(misfits) <= 4, misfits
    assert not [w for w in misfits if w.startswith("Outlook/Client/development/how")]
    # Categories such as "Calendars" or "Move Mailboxes" are coherent subjects that topics cut
    # by another facet (on-premises, Outlook client): not scattered.
    assert [f.message for f in found if f.rule == "TAX010"] == []


@needs(ZENDESK)
def test_a_loose_category_is_not_suggested_as_a_topic_home() -> None:
    # "Troubleshooting" holds most of the device articles, but an article that only shares
    # a few device words ("What hardware is supported?", "Schedule an auto restart") does
    # not read like its typical article and is not misfiled.
    # An install guide filed elsewhere that reads like Troubleshooting's device articles by
    # the check's own measures (closeness 0.28 there, 0.21 to its own, typical 0.25) may be.
    found = _findings(ZENDESK, ["TAX009"])
    assert len(found) <= 3, [f.message for f in found]
    suggested = [f.article.title for f in found if f.data["suggested"] == "Troubleshooting"]
    assert not [t for t in suggested if t.startswith(("What hardware", "How can I schedule"))]


@needs(CONFLUENCE)
def test_empty_parent_pages_are_not_empty_articles() -> None:
    # "Architecture", "Art", "Testing": pages of the space's tree that only hold children.
    empty = [f.where for f in _findings(CONFLUENCE, ["QUAL001"])]
    assert len(empty) <= 5, empty
    assert not [w for w in empty if w.startswith(("Architecture_", "Learning-Experience_"))]


@needs(OFFICEDOCS)
def test_officedocs_template_siblings_are_not_near_duplicates() -> None:
    # "Fix NDR error 5.7.124" and "Fix NDR error 5.7.12" share a template, not an answer.
    near = [f for f in _findings(OFFICEDOCS, ["DUP002"])]
    assert len(near) <= 9, [f.where for f in near]
    assert not [f.where for f in near if "/ndr/fix-error-code-" in f.where]


@needs(OFFICEDOCS)
def test_officedocs_retired_versions(officedocs) -> None:
    retired = [f for f in officedocs if f.rule == "STALE007"]
    assert len(retired) > 300  # Access/Outlook/Exchange 2003-2013 articles
    live = ("Microsoft 365", "Exchange Online", "SharePoint Online", "Outlook 2016", "Server 2019")
    assert not [f for f in retired if any(v.endswith(live) for v in f.data["versions"])]


@needs(OFFICEDOCS)
def test_officedocs_broken_links_name_files_missing_from_the_copy(officedocs) -> None:
    import os

    for f in officedocs:
        if f.rule == "QUAL006" and "anchor" not in f.data:
            path = OFFICEDOCS / f.data["resolved"]
            assert not path.exists() and not path.with_suffix(".md").exists(), f.message
            folder = os.path.dirname(path)
            names = {n.lower() for n in os.listdir(folder)} if os.path.isdir(folder) else set()
            assert os.path.basename(path).lower() not in names, f.message


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
    assert len(named) == len(set(named))  # once per category (none when folders name them)


@needs(CONFLUENCE)
def test_page_tree_nodes_are_not_small_categories() -> None:
    # a Confluence page with one child page is structure, not a category to merge
    assert [f.message for f in _findings(CONFLUENCE, ["TAX008"]) if " > " in f.message] == []
