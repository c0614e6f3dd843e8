"""Real export shapes: query-result JSON (Salesforce CLI, ServiceNow JSONv2), tables without a
body column, id-only categories, Freshdesk locale files and folder layouts, Intercom empty
translations, Confluence bylines and titles; categories from a KB's navigation files; CJK word
counts; translations never duplicates of their source."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from kbaudit.audit import audit
from kbaudit.config import Config
from kbaudit.errors import SourceError
from kbaudit.model import Article
from kbaudit.normalize import (
    CATEGORY_ID_ONLY,
    EMPTY_TRANSLATIONS,
    PARENT_PAGE,
    SUMMARY_ONLY,
    TRANSLATION_OF,
    SourceOptions,
)
from kbaudit.sources import load
from kbaudit.text import word_count

from .conftest import AS_OF, FIXTURES

EXPORTS = FIXTURES / "exports"


def by_title(articles: list[Article]) -> dict[str, Article]:
    return {a.title: a for a in articles}


def test_salesforce_cli_query_result() -> None:
    result = load(EXPORTS / "salesforce-cli")
    assert result.format == "tabular"
    # the query selected no body field: said once for the table, not per article
    assert [(p.code, p.path) for p in result.problems] == [("INPUT006", "articles.json")]
    assert "3 articles read from the 'Summary' column" in result.problems[0].message
    articles = by_title(result.articles)
    assert sorted(articles) == [
        "Connect your bank feed",
        "Refund a customer payment",
        "Rembourser un paiement client",
    ]  # the summary.json beside the records is not an article
    source = articles["Refund a customer payment"]
    assert source.owner == "Dana Whitfield"  # CreatedBy{Name}
    assert source.updated_at == dt.date(2026, 3, 4)
    assert source.created_at == dt.date(2024, 9, 12)
    assert source.locale == "en-us"
    assert source.status == "published"
    assert "five to ten business days" in source.text  # Summary is the body
    assert all(a.meta[SUMMARY_ONLY] for a in result.articles)
    translation = articles["Rembourser un paiement client"]
    assert translation.locale == "fr"
    assert translation.meta[TRANSLATION_OF] == source.id
    assert translation.id != source.id
    # a null related record (LastModifiedBy: null) is no value, not a crash
    assert articles["Connect your bank feed"].owner == "Dana Whitfield"


def test_same_records_in_json_and_csv_are_read_once(tmp_path: Path) -> None:
    shutil.copy(EXPORTS / "salesforce-cli" / "articles.json", tmp_path / "articles.json")
    records = json.loads((tmp_path / "articles.json").read_text())["result"]["records"]
    header = ["Id", "KnowledgeArticleId", "Title", "Summary", "Language", "IsMasterLanguage"]
    lines = [",".join(header)] + [
        ",".join(json.dumps(str(r[h])) if h == "Summary" else str(r[h]) for h in header)
        for r in records
    ]
    (tmp_path / "articles.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(load(tmp_path).articles) == 3


def test_salesforce_data_category_selections_and_side_tables() -> None:
    """Data Loader files: the articles (BOM, CRLF, upper-case headers, a body spanning lines),
    the data category selections that file them, and a users table that holds no articles."""
    result = load(EXPORTS / "salesforce-categories")
    articles = {a.id: a for a in result.articles}
    assert sorted(articles) == ["000002001", "000002001/fr", "000002003"]
    assert articles["000002001"].category == "Card_Readers"
    assert articles["000002001/fr"].category == "Card_Readers"  # shares its master's category
    assert articles["000002003"].category == "Printers"
    assert "choose Add reader" in articles["000002001"].text
    assert [(p.path, p.code.value) for p in result.problems] == [("users.csv", "INPUT001")]


def test_salesforce_body_in_an_orgs_own_field(tmp_path: Path) -> None:
    """No usual body field: the org's rich-text field (Resolution__c) is the body, not the
    Summary."""
    (tmp_path / "knowledge.csv").write_text(
        "Id,KnowledgeArticleId,ArticleNumber,Title,UrlName,Summary,Product__c,Resolution__c\n"
        'ka07,kA07,000007,Fix a jammed drawer,fix-drawer,Drawer help,POS,"<p>Unplug the '
        'drawer, press the release lever and pull the till out.</p>"\n'
    )
    [article] = load(tmp_path).articles
    assert article.text == "Unplug the drawer, press the release lever and pull the till out."


def test_salesforce_cli_data_categories_from_a_sub_query(tmp_path: Path) -> None:
    def selections(*names: str) -> dict:
        records = [
            {"attributes": {"type": "Knowledge__DataCategorySelection"}, "DataCategoryName": n}
            for n in names
        ]
        return {"totalSize": len(names), "done": True, "records": records}

    record = {
        "attributes": {"type": "Knowledge__kav"},
        "KnowledgeArticleId": "kA05",
        "ArticleNumber": "000005",
        "Title": "Print a receipt",
        "Body__c": "<p>Open the sale and choose Print.</p>",
        "PublishStatus": "Online",
        "DataCategorySelections": selections("Printers", "Accessories"),
    }
    other = dict(record, ArticleNumber="000006", Title="Pair", DataCategorySelections=None)
    doc = {"status": 0, "result": {"records": [record, other], "totalSize": 2, "done": True}}
    (tmp_path / "result.json").write_text(json.dumps(doc))
    articles = by_title(load(tmp_path).articles)
    assert articles["Print a receipt"].category == "Printers"
    assert articles["Pair"].category is None


def test_salesforce_cli_tree_export_of_a_few_fields(tmp_path: Path) -> None:
    """`sf data export tree` writes `{"records": [...]}` of the fields queried, with no
    ArticleNumber: a titled record with a URL name is a Knowledge article version."""
    record = {
        "attributes": {"type": "Knowledge__kav", "referenceId": "Knowledge__kavRef1"},
        "Title": "Return a damaged order",
        "UrlName": "return-a-damaged-order",
        "Details__c": "<p>Photograph the damage, then open Orders and choose Return.</p>",
        "RecordType": {"DeveloperName": "FAQ"},
    }
    (tmp_path / "Knowledge__kav.json").write_text(json.dumps({"records": [record]}))
    result = load(tmp_path)
    [article] = result.articles
    assert result.format == "tabular" and article.title == "Return a damaged order"
    assert article.text == "Photograph the damage, then open Orders and choose Return."


def test_a_table_without_articles_alone_is_still_an_error(tmp_path: Path) -> None:
    (tmp_path / "users.csv").write_text("Id,Name,Email\n0051,Noor Haddad,noor@shop.example\n")
    with pytest.raises(SourceError, match="no body column"):
        load(tmp_path)


def test_servicenow_jsonv2_and_sys_id_categories() -> None:
    result = load(EXPORTS / "servicenow-json")
    assert result.format == "tabular"
    articles = by_title(result.articles)
    refund = articles["Refund a customer payment"]
    assert (refund.category, refund.owner, refund.status) == (
        "Refunds",
        "Dana Whitfield",
        "published",
    )
    assert refund.updated_at == dt.date(2026, 3, 4)
    assert not refund.meta.get(CATEGORY_ID_ONLY)
    partial = articles["Issue a partial refund"]
    assert partial.meta[CATEGORY_ID_ONLY] is True  # a 32-hex sys_id is no category name


SYS_ID = "2fd3ab1f8f0a5a00f2fd3ab1f8f0a5a0"
USER_ID = "6816f79cc0a8016401c5a33be04be441"


def test_servicenow_display_values_beside_stored_values(tmp_path: Path) -> None:
    """JSONv2 with `displayvalue=all` (`dv_` twins) and the Table API with
    `sysparm_display_value=all` (`{display_value, value}`): references by their display
    value, dates, languages and choices by their stored value (the display value of a date
    is in the exporting user's format)."""
    jsonv2 = {
        "number": "KB0020001",
        "short_description": "Map a network drive",
        "text": "<p>Open Explorer and choose Map network drive.</p>",
        "kb_category": SYS_ID,
        "dv_kb_category": "Storage",
        "author": USER_ID,
        "dv_author": "Ines Moreau",
        "workflow_state": "published",
        "dv_workflow_state": "Published",
        "sys_updated_on": "2026-03-02 10:00:00",
        "dv_sys_updated_on": "02-03-2026 11:00:00",
        "language": "fr",
        "dv_language": "French",
    }
    table_api = {
        k: {"display_value": jsonv2.get(f"dv_{k}", v), "value": v}
        for k, v in jsonv2.items()
        if not k.startswith("dv_")
    }
    (tmp_path / "v2").mkdir()
    (tmp_path / "v2" / "kb_knowledge.json").write_text(json.dumps({"records": [jsonv2]}))
    (tmp_path / "table").mkdir()
    (tmp_path / "table" / "kb_knowledge.json").write_text(json.dumps({"result": [table_api]}))
    for folder in ("v2", "table"):
        [article] = load(tmp_path / folder).articles
        assert article.category == "Storage" and not article.meta.get(CATEGORY_ID_ONLY)
        assert article.owner == "Ines Moreau"
        assert article.updated_at == dt.date(2026, 3, 2)
        assert (article.locale, article.status) == ("fr", "published")
        assert not any(k.startswith("dv_") for k in article.meta)


def test_servicenow_xml_export() -> None:
    result = load(EXPORTS / "servicenow-xml")
    assert result.format == "tabular" and not result.problems
    articles = {a.id: a for a in result.articles}
    drive = articles["KB0030001"]
    assert (drive.title, drive.category, drive.owner) == (
        "Map a network drive",
        "Storage",
        "Ines Moreau",
    )
    assert drive.updated_at == dt.date(2026, 3, 2) and drive.status == "published"
    assert drive.text == "Open Explorer, choose Map network drive & pick a letter."
    assert articles["KB0030002"].outdated and "recycle bin" in articles["KB0030002"].text


def test_xml_entities_are_never_expanded(tmp_path: Path) -> None:
    shutil.copytree(EXPORTS / "servicenow-xml", tmp_path / "kb")
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 9))
    (tmp_path / "kb" / "laughs.xml").write_text(
        f'<?xml version="1.0"?><!DOCTYPE unload [<!ENTITY l0 "lol">{laughs}'
        '<!ENTITY secret SYSTEM "file:///etc/passwd">]><unload><kb_knowledge>'
        "<number>KB1</number><short_description>&l8;</short_description>"
        "<text>&secret;</text></kb_knowledge></unload>"
    )
    (tmp_path / "kb" / "secret.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE unload [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        "<unload><kb_knowledge><number>KB2</number><short_description>Secret</short_description>"
        "<text>&secret;</text></kb_knowledge></unload>"
    )
    result = load(tmp_path / "kb")
    articles = {a.id: a for a in result.articles}
    assert sorted(articles) == ["KB0030001", "KB0030002", "KB2"]
    assert "root:" not in articles["KB2"].text
    assert [(p.path, p.code) for p in result.problems] == [("laughs.xml", "INPUT001")]


def test_servicenow_list_with_column_labels(tmp_path: Path) -> None:
    (tmp_path / "kb_knowledge.csv").write_text(
        "Number,Short description,Article body,Knowledge base,Category,Workflow,Updated,Author\n"
        'KB0040001,Map a network drive,"<p>Choose Map network drive.</p>",IT,Storage,'
        "Published,2026-03-02 10:00:00,Ines Moreau\n"
        'KB0040002,Free up disk space,"<p>Empty the bin.</p>",IT,Storage,Retired,'
        "2025-01-20 09:30:00,Ines Moreau\n"
    )
    articles = {a.id: a for a in load(tmp_path).articles}
    drive = articles["KB0040001"]
    assert (drive.title, drive.category, drive.status) == (
        "Map a network drive",
        "Storage",
        "published",
    )
    assert articles["KB0040002"].outdated


def test_servicenow_list_without_body_loads_every_article() -> None:
    result = load(EXPORTS / "servicenow-list")
    assert len(result.articles) == 3
    # the missing body is said once, for the export, not as three empty articles
    assert [p.code for p in result.problems] == ["INPUT006"]
    articles = by_title(result.articles)
    assert articles["Reset a forgotten password"].word_count == 0
    assert articles["Connect to the office VPN"].status == "archived"
    assert articles["Connect to the office VPN"].meta[CATEGORY_ID_ONLY] is True
    config = Config(select=["QUAL001", "INPUT006"], as_of=AS_OF)
    found = audit(EXPORTS / "servicenow-list", config).findings
    assert sorted(f.rule for f in found) == ["INPUT006"]


def test_help_center_table_with_category_section_and_flags(tmp_path: Path) -> None:
    """A help center's articles exported to a spreadsheet: the section is filed under its
    category, and a flag column in another case ("Draft") is the known field."""
    (tmp_path / "articles.csv").write_text(
        "Article ID,Title,Body,Category,Section,Draft,Published\n"
        "11,Pause a plan,<p>Choose Pause on the plan page.</p>,Plans,Changes,false,true\n"
        "12,Plan notes,<p>TBD</p>,Plans,Changes,TRUE,\n"
        "13,Plan list,<p>All plans.</p>,Plans,plans,,false\n"
        "14,Close an account,<p>Write to us.</p>,Account,,no,\n",
        encoding="utf-8",
    )
    result = load(tmp_path)
    articles = by_title(result.articles)
    assert articles["Pause a plan"].category == "Plans > Changes"
    assert articles["Pause a plan"].status is None
    assert articles["Plan notes"].status == "draft"
    assert articles["Plan list"].category == "Plans" and articles["Plan list"].status == "draft"
    assert articles["Close an account"].category == "Account"
    found = audit(tmp_path, Config(select=["TAX007"], as_of=AS_OF)).findings
    assert found == []  # "Draft" and "Published" are no misspelt keys


def test_freshdesk_locale_files() -> None:
    result = load(EXPORTS / "freshdesk-locales")
    assert result.format == "freshdesk"
    articles = by_title(result.articles)
    assert len(articles) == 3
    refund = articles["Refund a customer payment"]
    assert refund.category == "Payments > Refunds"
    assert refund.status == "published" and articles["Issue a partial refund"].status == "draft"
    french = articles["Rembourser un paiement"]
    assert french.locale == "fr"
    assert french.category == "Paiements > Remboursements"
    assert french.meta[TRANSLATION_OF] == refund.id


def test_freshdesk_backup_in_category_folders() -> None:
    result = load(EXPORTS / "freshdesk-folders")
    assert result.format == "freshdesk"
    got = {a.title: (a.category, a.meta.get(CATEGORY_ID_ONLY, False)) for a in result.articles}
    assert got == {
        "Refund a customer payment": ("Payments > Refunds", False),
        "Issue a partial refund": ("Payments > Refunds", False),
        "Connect your bank feed": ("Banking > Bank feeds", False),
    }


def test_freshdesk_folder_known_only_by_id(tmp_path: Path) -> None:
    data = json.loads((EXPORTS / "freshdesk-folders/Payments/Refunds/articles.json").read_text())
    (tmp_path / "articles.json").write_text(json.dumps(data))
    [article, _] = load(tmp_path).articles
    assert article.category == "folder 70" and article.meta[CATEGORY_ID_ONLY] is True


def test_freshdesk_folder_named_by_another_articles_hierarchy(tmp_path: Path) -> None:
    levels = [
        {"level": 0, "type": "category", "data": {"id": 11, "name": "Getting started"}},
        {"level": 1, "type": "folder", "data": {"id": 22, "name": "Contacts"}},
    ]
    article = {"folder_id": 22, "category_id": 11, "status": 2, "agent_id": 5, "tags": []}
    records = [
        dict(
            article, id=1, title="Export contacts", description="<p>Export.</p>", hierarchy=levels
        ),
        dict(article, id=2, title="Merge contacts", description="", description_text="Merge."),
    ]
    (tmp_path / "articles.json").write_text(json.dumps(records))
    articles = by_title(load(tmp_path).articles)
    assert articles["Merge contacts"].category == "Getting started > Contacts"
    assert not articles["Merge contacts"].meta.get(CATEGORY_ID_ONLY)


def test_zendesk_sections_named_by_export_folders_else_id_only(tmp_path: Path) -> None:
    record = {
        "id": 360001,
        "title": "Refund a customer payment",
        "body": "<p>Open the payment and choose Refund.</p>",
        "section_id": 900000347206,
        "html_url": "https://help.example/hc/en-us/articles/360001",
        "label_names": [],
        "author_id": 7,
        "locale": "en-us",
        "source_locale": "en-us",
        "draft": False,
        "outdated": False,
    }
    translation = dict(record, locale="de", title="Eine Zahlung erstatten")
    (tmp_path / "Billing-&-Payments").mkdir()
    (tmp_path / "Account").mkdir()
    (tmp_path / "Billing-&-Payments" / "articles.json").write_text(json.dumps([record]))
    (tmp_path / "Account" / "articles.json").write_text(
        json.dumps([dict(record, id=360002, title="Change your e-mail"), translation])
    )
    articles = by_title(load(tmp_path).articles)
    assert articles["Refund a customer payment"].category == "Billing & Payments"
    assert articles["Change your e-mail"].category == "Account"
    assert not articles["Change your e-mail"].meta[CATEGORY_ID_ONLY]
    german = articles["Eine Zahlung erstatten"]
    assert german.meta[TRANSLATION_OF] == "360001" and german.id == "360001/de"
    single = tmp_path / "single"
    single.mkdir()
    (single / "articles.json").write_text(json.dumps({"articles": [record]}))
    [only] = load(single).articles
    assert only.category == "section 900000347206" and only.meta[CATEGORY_ID_ONLY] is True


def test_intercom_empty_translations_are_counted(tmp_path: Path) -> None:
    article = {
        "type": "article",
        "id": "81",
        "workspace_id": "w1",
        "parent_id": None,
        "parent_type": None,
        "author_id": 7,
        "state": "published",
        "title": "Reset your password",
        "body": "<p>Open Settings and choose Reset password.</p>",
        "default_locale": "en",
        "updated_at": 1772625600,
        "translated_content": {
            "type": "article_translated_content",
            "fr": {"type": "article_content", "title": "Réinitialiser", "body": "<p>Ouvrez.</p>"},
            "de": {"type": "article_content", "title": "Zurücksetzen", "body": "<p> </p>"},
            "es": {"type": "article_content", "title": "Restablecer", "body": None},
        },
    }
    (tmp_path / "articles.json").write_text(json.dumps({"type": "list", "data": [article]}))
    articles = {a.id: a for a in load(tmp_path).articles}
    assert sorted(articles) == ["81", "81/fr"]
    assert articles["81"].meta[EMPTY_TRANSLATIONS] == ["de", "es"]
    assert articles["81/fr"].meta[TRANSLATION_OF] == "81"
    article["parent_id"] = 55  # a collection the export does not name
    (tmp_path / "articles.json").write_text(json.dumps({"type": "list", "data": [article]}))
    source = {a.id: a for a in load(tmp_path).articles}["81"]
    assert source.category == "collection 55" and source.meta[CATEGORY_ID_ONLY] is True


def test_intercom_collection_from_parent_ids(tmp_path: Path) -> None:
    """Articles listed with `parent_ids` only (no `parent_id`) are in the first collection."""
    article = {
        "type": "article",
        "id": "82",
        "workspace_id": "w1",
        "parent_ids": [19],
        "author_id": 7,
        "state": "published",
        "title": "Fix calendar sync errors",
        "body": "<p>Disconnect the calendar and connect it again.</p>",
    }
    collection = {"type": "collection", "id": "19", "name": "Calendars", "parent_id": None}
    (tmp_path / "articles.json").write_text(json.dumps({"type": "list", "data": [article]}))
    (tmp_path / "collections.json").write_text(json.dumps({"type": "list", "data": [collection]}))
    [only] = load(tmp_path).articles
    assert only.category == "Calendars" and not only.meta[CATEGORY_ID_ONLY]


def test_confluence_bylines_titles_and_dates(tmp_path: Path) -> None:
    export = tmp_path / "space"
    shutil.copytree(EXPORTS / "confluence" / "LH", export)
    index = export / "index.html"
    index.write_text(
        index.read_text().replace(
            "<title>Ledgerly Help</title>", "<title>LH (Ledgerly Help)</title>"
        )
    )
    page = export / "Refund-a-customer-payment_65601.html"
    page.write_text(
        page.read_text()
        .replace("Dana Whitfield</span>", "Dana Whitfield (Unlicensed)</span>")
        .replace("on Mar 04, 2026", "on Sept 27, 2024")
    )
    result = load(export)
    assert not [p for p in result.problems if p.code == "INPUT004"]
    refund = by_title(result.articles)["Refund a customer payment"]  # "Ledgerly Help : " gone
    assert refund.owner == "Dana Whitfield"
    assert refund.updated_at == dt.date(2024, 9, 27)
    assert all(" : " not in a.title for a in result.articles)


def test_confluence_server_byline_with_view_change_link(tmp_path: Path) -> None:
    export = tmp_path / "space"
    shutil.copytree(EXPORTS / "confluence" / "LH", export)
    page = export / "Refund-a-customer-payment_65601.html"
    page.write_text(
        page.read_text()
        .replace(
            "Created by <span class='author'> Dana Whitfield</span>, last modified by",
            "Added by <span class='author'> Dana Whitfield</span>, last edited by",
        )
        .replace("on Mar 04, 2026", 'on Mar 04, 2014 (<a href="viewpage.action">view change</a>)')
    )
    result = load(export)
    assert not [p for p in result.problems if p.code == "INPUT004"]
    refund = by_title(result.articles)["Refund a customer payment"]
    assert (refund.owner, refund.updated_at) == ("Dana Whitfield", dt.date(2014, 3, 4))


def test_confluence_page_without_main_content_and_cloud_placeholders(tmp_path: Path) -> None:
    """A page that was never written has a byline but no #main-content: its body is empty
    (the byline is metadata, not text). A whiteboard or database is exported as a
    placeholder sentence: an INPUT001 problem naming the page, not an article."""
    export = tmp_path / "space"
    shutil.copytree(EXPORTS / "confluence" / "LH", export)
    page = export / "Refund-a-customer-payment_65601.html"
    original = page.read_text()
    start = original.index('<div id="main-content"')
    end = original.index('<div class="labels-content">')
    (export / "Refund-notes_65610.html").write_text(
        (original[:start] + original[end:]).replace("Refund a customer payment", "Refund notes")
    )
    placeholder = (
        '<div id="main-content" class="wiki-content group"><b>We currently only support '
        'exported pages </b></div><div id="main-content-2" class="wiki-content group">'
        "Whiteboards and databases can be exported later.</div>"
    )
    (export / "Refund-flow-board_65611.html").write_text(
        (original[:start] + placeholder + original[end:]).replace(
            "Refund a customer payment", "Refund flow board"
        )
    )
    result = load(export)
    articles = by_title(result.articles)
    notes = articles["Refund notes"]
    assert notes.word_count == 0 and "Created by" not in notes.text
    assert notes.owner == "Dana Whitfield"
    assert "Refund flow board" not in articles
    [problem] = [p for p in result.problems if p.path == "Refund-flow-board_65611.html"]
    assert problem.code == "INPUT001" and "whiteboard or a database" in problem.message


def test_confluence_space_home_page_is_a_parent_page(tmp_path: Path) -> None:
    """The root of the space's page tree is the parent of the pages under it, though their
    breadcrumbs leave it out of their category: its short title is no QUAL004 finding. A
    home page with no child pages is an article like any other."""
    export = tmp_path / "space"
    shutil.copytree(EXPORTS / "confluence" / "LH", export)
    home = export / "Ledgerly-Help-Home_65537.html"
    home.write_text(home.read_text().replace("Ledgerly Help Home", "Home"))
    result = audit(export, Config(select=["QUAL004"], as_of=AS_OF))
    assert not [f for f in result.findings if f.where == home.name]
    assert by_title(load(export).articles)["Home"].meta[PARENT_PAGE]
    index = export / "index.html"
    lone = '<ul><li><a href="Ledgerly-Help-Home_65537.html">Home</a></li></ul>\n'
    index.write_text(re.sub(r"<ul><li>.*</ul>\n", lone, index.read_text()))
    result = audit(export, Config(select=["QUAL004"], as_of=AS_OF))
    assert [f.where for f in result.findings] == [home.name]


@pytest.mark.parametrize(
    ("byline", "owner", "editor", "updated"),
    [
        (
            "Erstellt von <span class='author'> Jonas Becker</span>, zuletzt geändert von "
            "<span class='editor'> Lea Wagner</span> am Mai 14, 2024",
            "Jonas Becker",
            "Lea Wagner",
            dt.date(2024, 5, 14),
        ),
        (
            "Erstellt von <span class='author'> Jonas Becker</span>, zuletzt geändert am "
            "14.05.2024",
            "Jonas Becker",
            None,
            dt.date(2024, 5, 14),
        ),
        (
            "Créé par <span class='author'> Jeanne Morel</span>, dernière modification le "
            "3 févr. 2023",
            "Jeanne Morel",
            None,
            dt.date(2023, 2, 3),
        ),
        (
            "Creado por <span class='author'> Lucía Romero</span>, modificado por última vez "
            "por <span class='editor'> Pablo Ruiz</span> el 14 de mayo de 2024",
            "Lucía Romero",
            "Pablo Ruiz",
            dt.date(2024, 5, 14),
        ),
        (
            "Aangemaakt door <span class='author'> Sanne de Vries</span>, laatst gewijzigd "
            "door <span class='editor'> Bram Visser</span> op mei 14, 2024",
            "Sanne de Vries",
            "Bram Visser",
            dt.date(2024, 5, 14),
        ),
        (
            "作成者 <span class='author'> 佐藤 花子</span>、最終更新者 <span class='editor'>"
            " 田中 一郎</span> 5月 14, 2024",
            "佐藤 花子",
            "田中 一郎",
            dt.date(2024, 5, 14),
        ),
        (
            "作成者 : <span class='author'>佐藤 花子</span>, 最終更新日 : 2024年5月14日",
            "佐藤 花子",
            None,
            dt.date(2024, 5, 14),
        ),
    ],
)
def test_confluence_byline_in_the_export_language(
    tmp_path: Path, byline: str, owner: str, editor: str | None, updated: dt.date
) -> None:
    """A space exported in German, French, Spanish, Dutch or Japanese: its byline gives the
    owner, the last editor and the date, as the English one does."""
    export = tmp_path / "space"
    shutil.copytree(EXPORTS / "confluence" / "LH", export)
    page = export / "Refund-a-customer-payment_65601.html"
    english = re.search(r'<div class="page-metadata">.*?</div>', page.read_text(), re.S)
    assert english is not None
    page.write_text(
        page.read_text().replace(english.group(0), f'<div class="page-metadata">{byline}</div>')
    )
    result = load(export)
    assert not [p for p in result.problems if p.code == "INPUT004"]
    refund = by_title(result.articles)["Refund a customer payment"]
    assert (refund.owner, refund.meta.get("editor"), refund.updated_at) == (owner, editor, updated)


def test_confluence_2_to_4_export(tmp_path: Path) -> None:
    """Older Confluence exports: the page is a table cell (td.pagebody) with a span.pagetitle,
    breadcrumbs as links in spans and "This page last changed on ... by ..."; it was read as
    plain HTML pages, the space details page an article, the byline part of the text."""
    index = (
        "<html><head><title>HW : Space Details</title></head><body><table class='pagecontent'>"
        "<tr><td class='pagebody'><div class='pageheader'><span class='pagetitle'>Space "
        "Details</span></div><table><tr><th>Name</th><td>Hardware Help</td></tr></table>"
        "<h2>Available Pages:</h2><ul><li><a href='Home_300.html'>Home</a></li></ul>"
        "</td></tr></table><table><tr><td><font color='grey'>Document generated by Confluence "
        "on Jun 02, 2011 10:14</font></td></tr></table></body></html>"
    )
    page = (
        "<html><head><title>Hardware Help : Clear a paper jam</title></head><body><table "
        'class="pagecontent"><tr><td valign="top" class="pagebody"><div class="pageheader">'
        '<span class="pagetitle">Hardware Help : Clear a paper jam</span></div>'
        '<div class="breadcrumbs"><span><a href="index.html">Hardware Help</a></span> &gt; '
        '<span><a href="Home_300.html">Home</a></span> &gt; <span><a href="Printers_301.html">'
        "Printers</a></span></div><div class='pagesubheading'>This page last changed on Feb 11, "
        "2011 by <font color='#0050B2'>kpatel</font>.</div><p>Open the side panel, pull the "
        "sheet out slowly and close the panel again.</p></td></tr></table><table><tr><td>"
        "<font color='grey'>Document generated by Confluence on Jun 02, 2011 10:14</font>"
        "</td></tr></table></body></html>"
    )
    (tmp_path / "index.html").write_text(index)
    (tmp_path / "Clear-a-paper-jam_302.html").write_text(page)
    result = load(tmp_path)
    assert result.format == "confluence" and not result.problems
    [article] = result.articles
    assert (article.title, article.category) == ("Clear a paper jam", "Printers")
    assert (article.owner, article.updated_at) == ("kpatel", dt.date(2011, 2, 11))
    assert article.text.startswith("Open the side panel")
    assert "changed" not in article.text and "generated" not in article.text


# ---- categories from structure ---------------------------------------------------------------

ARTICLE = "---\ntitle: {title}\n---\nSome text about {title} that readers can follow.\n"


def _kb(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _md(*paths: str) -> dict[str, str]:
    return {p: ARTICLE.format(title=Path(p).stem) for p in paths}


def _categories(root: Path, mode: str = "auto") -> dict[str, str | None]:
    return {
        a.path or "": a.category
        for a in load(root, options=SourceOptions(category_from=mode)).articles
    }


NAVIGATION = {
    "toc.yml": (
        {
            "articles/toc.yml": "- name: Mail troubleshooting\n  href: ../index.md\n  items:\n"
            "  - name: Sending\n    items:\n    - name: Stuck in outbox\n"
            "      href: ../sending/stuck.md\n    - name: Bounces\n      href: ../sending/bounce.md\n"
            "  - name: Calendar\n    items:\n    - name: Missing events\n"
            "      href: ../calendar/missing.md\n    - name: Elsewhere\n"
            "      href: https://example.com/x\n",
            **_md("sending/stuck.md", "sending/bounce.md", "calendar/missing.md"),
        },
        {
            "sending/stuck.md": "Mail troubleshooting > Sending",
            "sending/bounce.md": "Mail troubleshooting > Sending",
            "calendar/missing.md": "Mail troubleshooting > Calendar",
        },
    ),
    "mkdocs": (
        {
            "mkdocs.yml": "site_name: Help\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
            "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
            "nav:\n  - Home: index.md\n  - Billing:\n    - Refunds: billing/refunds.md\n"
            "    - Plans:\n      - plans/change.md\n",
            **_md("docs/index.md", "docs/billing/refunds.md", "docs/plans/change.md"),
        },
        {
            "docs/index.md": None,
            "docs/billing/refunds.md": "Billing",
            "docs/plans/change.md": "Billing > Plans",
        },
    ),
    "SUMMARY.md": (
        {
            "SUMMARY.md": "# Summary\n\n- [Welcome](README.md)\n\n## Payments\n\n"
            "- [Refunds](payments/refunds.md)\n  - [Partial refunds](payments/partial.md)\n"
            "- [Payouts](payments/payouts.md)\n",
            **_md("README.md", "payments/refunds.md", "payments/partial.md", "payments/payouts.md"),
        },
        {
            "README.md": None,
            "payments/refunds.md": "Payments > Refunds",  # the page of its section
            "payments/partial.md": "Payments > Refunds",
            "payments/payouts.md": "Payments",
        },
    ),
    "SUMMARY.md (top)": (
        {
            "SUMMARY.md": "# Table of contents\n\n* [Contact us](contact.md)\n\n## Shipping\n\n"
            "* [Delivery times](delivery.md)\n* [Returns](returns.md)\n",
            **_md("contact.md", "delivery.md", "returns.md"),
        },
        {"contact.md": None, "delivery.md": "Shipping", "returns.md": "Shipping"},
    ),
    "_sidebar.md": (
        {
            "_sidebar.md": "* Getting started\n  * [Install](guide/install.md)\n"
            "  * [Sign in](guide/sign-in.md)\n* [FAQ](faq.md)\n",
            **_md("guide/install.md", "guide/sign-in.md", "faq.md"),
        },
        {
            "guide/install.md": "Getting started",
            "guide/sign-in.md": "Getting started",
            "faq.md": None,
        },
    ),
    "sidebars.js": (
        {
            "sidebars.js": "// sidebars\nmodule.exports = {\n  docs: [\n    'intro',\n"
            "    {type: 'category', label: 'Billing', items: ['billing/refunds',\n"
            "      {type: 'doc', id: 'billing/payouts'}]},\n"
            "    {'Account': ['account/email']},\n  ],\n};\n",
            **_md(
                "docs/intro.md",
                "docs/billing/refunds.md",
                "docs/billing/payouts.md",
                "docs/account/email.md",
            ),
        },
        {
            "docs/intro.md": None,
            "docs/billing/refunds.md": "Billing",
            "docs/billing/payouts.md": "Billing",
            "docs/account/email.md": "Account",
        },
    ),
    "sidebars.js (object)": (
        {
            "sidebars.js": "module.exports = {\n  helpSidebar: {\n    'Get started': ['intro',\n"
            "      {type: 'category', label: 'Import', items: ['import/csv']}],\n"
            "    'Billing': {'Invoices': ['billing/refunds'], 'Plans': ['billing/change']},\n"
            "  },\n};\n",
            **_md(
                "docs/intro.md",
                "docs/import/csv.md",
                "docs/billing/refunds.md",
                "docs/billing/change.md",
            ),
        },
        {
            "docs/intro.md": "Get started",
            "docs/import/csv.md": "Get started > Import",
            "docs/billing/refunds.md": "Billing > Invoices",
            "docs/billing/change.md": "Billing > Plans",
        },
    ),
}


@pytest.mark.parametrize("name", sorted(NAVIGATION))
def test_category_from_navigation_files(tmp_path: Path, name: str) -> None:
    files, expected = NAVIGATION[name]
    got = _categories(_kb(tmp_path, files), "toc")
    assert got == expected
    assert "SUMMARY.md" not in got and "_sidebar.md" not in got  # navigation is not an article


def test_summary_section_pages_and_labels(tmp_path: Path) -> None:
    """mdBook and GitBook: a chapter with chapters under it is its section's page, filed
    under its own label, whatever its folder is called; a page without a level-1 heading
    takes its chapter's label as its title, as the site names it."""
    files = {
        "src/SUMMARY.md": "# Summary\n\n[Welcome](intro.md)\n\n- [Studying](studying.md)\n"
        "- [Desktop apps](desktop/intro.md)\n  - [Windows](desktop/windows/intro.md)\n"
        "    - [Printing](desktop/windows/printing.md)\n"
        "    - [Fonts](desktop/windows/fonts.md)\n- [Sync](sync.md)\n",
        **_md("src/intro.md", "src/studying.md", "src/desktop/intro.md"),
        **_md("src/desktop/windows/intro.md", "src/desktop/windows/printing.md", "src/sync.md"),
        "src/desktop/windows/fonts.md": "## Fonts look blurry on Windows\n\nTurn off "
        "display scaling for Tallybird in its shortcut's compatibility settings.\n",
    }
    articles = {a.path: a for a in load(_kb(tmp_path, files)).articles}
    assert articles["src/desktop/intro.md"].category == "Desktop apps"
    assert articles["src/desktop/windows/intro.md"].category == "Desktop apps > Windows"
    assert articles["src/desktop/windows/printing.md"].category == "Desktop apps > Windows"
    assert articles["src/studying.md"].category is None  # a chapter at the top
    sections = {a.path for a in articles.values() if a.meta.get(PARENT_PAGE)}
    assert sections == {"src/desktop/intro.md", "src/desktop/windows/intro.md"}
    assert articles["src/desktop/windows/fonts.md"].title == "Fonts"
    assert articles["src/sync.md"].title == "sync"  # its own heading wins


def test_docusaurus_category_json(tmp_path: Path) -> None:
    files = {
        "docs/billing/_category_.json": '{"label": "Billing and plans", "position": 2}',
        **_md("docs/billing/refunds.md", "docs/billing/plans/change.md", "docs/intro.md"),
    }
    got = _categories(_kb(tmp_path, files), "toc")
    assert got["docs/billing/refunds.md"] == "Billing and plans"
    assert got["docs/billing/plans/change.md"] == "Billing and plans > plans"
    assert got["docs/intro.md"] is None


def test_docusaurus_categories_count_from_the_content_folder(tmp_path: Path) -> None:
    """In a Docusaurus site the autogenerated sidebar starts at the content folder: a folder
    without `_category_` is a level named by its folder (number prefix left out), a page at
    the top has no category, an older version's page is filed as the current one, and a
    sidebar names a page by its front-matter `id:`."""
    files = {
        "site/docusaurus.config.js": "module.exports = {title: 'Help'};",
        "site/sidebars.js": "module.exports = {help: [{type: 'category', label: 'Start here', "
        "items: ['welcome/first-steps']}]};",
        "site/docs/support/faq/_category_.yml": "label: Questions\nposition: 3\n",
        "site/docs/02-billing/_category_.json": '{"label": "Billing and plans"}',
        "site/versioned_docs/version-1.0/02-billing/_category_.json": '{"label": "Billing"}',
        "site/docs/welcome/intro.md": "---\nid: first-steps\ntitle: First steps\n---\nText.\n",
        **_md(
            "site/docs/overview.md",
            "site/docs/support/contact.md",
            "site/docs/support/faq/refunds.md",
            "site/docs/02-billing/invoices.md",
            "site/docs/03-account/profile.md",
            "site/versioned_docs/version-1.0/02-billing/invoices.md",
            "site/versioned_docs/version-1.0/03-account/profile.md",
        ),
    }
    got = _categories(_kb(tmp_path, files))
    assert got == {
        "site/docs/overview.md": None,
        "site/docs/support/contact.md": "support",
        "site/docs/support/faq/refunds.md": "support > Questions",
        "site/docs/02-billing/invoices.md": "Billing and plans",
        "site/docs/03-account/profile.md": "account",
        "site/docs/welcome/intro.md": "Start here",
        "site/versioned_docs/version-1.0/02-billing/invoices.md": "Billing",
        "site/versioned_docs/version-1.0/03-account/profile.md": "account",
    }


def test_docusaurus_versions_are_no_folder_category(tmp_path: Path) -> None:
    files = {
        "docusaurus.config.js": "module.exports = {title: 'Help'};",
        **_md(
            "docs/quickstart/install.md",
            "docs/setup/proxy.md",
            "versioned_docs/version-2.0/quickstart/install.md",
            "versioned_docs/version-2.0/setup/proxy.md",
        ),
    }
    got = _categories(_kb(tmp_path, files))
    assert got == {
        "docs/quickstart/install.md": "quickstart",
        "docs/setup/proxy.md": "setup",
        "versioned_docs/version-2.0/quickstart/install.md": "quickstart",
        "versioned_docs/version-2.0/setup/proxy.md": "setup",
    }


def test_a_dated_post_in_its_own_folder_is_filed_by_the_folder_above(tmp_path: Path) -> None:
    files = _md(
        "blog/2026-03-01-launch/index.md",
        "blog/2026-04-02-payouts.md",
        "guides/billing/refunds.md",
        "guides/billing/invoices.md",
    )
    got = _categories(_kb(tmp_path, files))
    assert got["blog/2026-03-01-launch/index.md"] == "blog"
    assert got["blog/2026-04-02-payouts.md"] == "blog"
    assert got["guides/billing/refunds.md"] == "guides > billing"


def test_category_modes(tmp_path: Path) -> None:
    files = {**_md("help/billing/refunds.md", "help/account/sign-in.md")}
    files["help/billing/tagged.md"] = "---\ntitle: Tagged\ncategory: Invoices\n---\nText here.\n"
    root = _kb(tmp_path, files)
    assert _categories(root, "auto") == {
        "help/billing/refunds.md": "billing",
        "help/account/sign-in.md": "account",
        "help/billing/tagged.md": "Invoices",
    }
    assert _categories(root, "path")["help/billing/refunds.md"] == "help"
    assert _categories(root, "field")["help/billing/refunds.md"] is None
    assert _categories(root, "toc")["help/billing/refunds.md"] is None


def test_auto_leaves_a_missing_field_missing_where_the_kb_uses_the_field(tmp_path: Path) -> None:
    files = {
        f"billing/a{i}.md": f"---\ntitle: A{i}\ncategory: Billing\n---\nText {i}.\n"
        for i in range(3)
    }
    files.update(_md("billing/untagged.md"))
    assert _categories(_kb(tmp_path, files))["billing/untagged.md"] is None


def test_broken_navigation_file_is_skipped(tmp_path: Path) -> None:
    files = {"toc.yml": "- name: [unclosed\n", **_md("a/one.md", "b/two.md")}
    assert _categories(_kb(tmp_path, files)) == {"a/one.md": "a", "b/two.md": "b"}


# ---- languages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Reset your password in Settings.", 5),
        ("パスワードをリセット", 5),  # ten characters, two a word
        ("设置中重置密码", 4),  # seven characters, rounded up
        ("Öffnen Sie die Einstellungen", 4),
        ("설정에서 비밀번호를 재설정하세요", 3),  # Korean separates words with spaces
        ("Windows 11 の設定", 4),
    ],
)
def test_cjk_word_count(text: str, words: int) -> None:
    assert word_count(text) == words


def test_a_translation_is_never_a_duplicate_of_its_source(tmp_path: Path) -> None:
    body = (
        "You can refund a card or bank payment for up to 120 days after the charge. Open "
        "Payments, select the payment and choose Refund, enter the amount and confirm it."
    )
    files = {
        "en/refunds.md": f"---\ntitle: Refund a payment\nlang: en\n---\n{body}\n",
        "fr/refunds.md": f"---\ntitle: Refund a payment\nlang: fr\n---\n{body}\n",
    }
    config = Config(select=["DUP"], as_of=AS_OF)
    assert audit(_kb(tmp_path, files), config).findings == []


def test_hostile_navigation_files_are_skipped(tmp_path: Path) -> None:
    bomb = "a: &a [{name: x, items: []}]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    bomb += "items: [{name: top, items: *i}]\n"
    nested = "module.exports = {s: [" + "{type: 'category', label: 'x', items: [" * 60
    files = {
        "toc.yml": bomb,
        "sidebars.js": nested + "'doc'" + "]}" * 60 + "]};",
        "docs/one.md": ARTICLE.format(title="one"),
        "other/two.md": ARTICLE.format(title="two"),
    }
    got = _categories(_kb(tmp_path, files))
    assert got == {"docs/one.md": "docs", "other/two.md": "other"}


def test_zendesk_sideloaded_sections_categories_and_users(tmp_path: Path) -> None:
    """`articles.json?include=users,sections,categories` puts the names in the same page."""
    page = {
        "articles": [
            {
                "id": 4101,
                "title": "Pause a subscription",
                "body": "<p>Open the plan page and choose Pause.</p>",
                "section_id": "51",
                "author_id": 7,
                "html_url": "https://help.example/hc/en-us/articles/4101",
                "label_names": [],
                "draft": False,
            }
        ],
        "sections": [{"id": 51, "name": "Plans", "category_id": 9, "parent_section_id": None}],
        "categories": [{"id": 9, "name": "Billing"}],
        "users": [{"id": 7, "name": "Rosa Vidal", "email": "rosa@help.example"}],
        "next_page": None,
        "page": 1,
        "page_count": 1,
    }
    (tmp_path / "articles.json").write_text(json.dumps(page))
    [article] = load(tmp_path).articles
    assert article.category == "Billing > Plans"
    assert not article.meta[CATEGORY_ID_ONLY]
    assert article.owner == "Rosa Vidal"


def test_locale_folders_are_not_categories(tmp_path: Path) -> None:
    files = _md(
        "docs/en/billing/refunds.md",
        "docs/en/account/email.md",
        "docs/pt-br/billing/refunds.md",
        "docs/pt-br/account/email.md",
    )
    assert _categories(_kb(tmp_path / "md", files)) == {
        "docs/en/account/email.md": "account",
        "docs/en/billing/refunds.md": "billing",
        "docs/pt-br/account/email.md": "account",
        "docs/pt-br/billing/refunds.md": "billing",
    }
    record = {"id": 7001, "title": "Close an account", "body": "<p>Open Settings.</p>"}
    record |= {"section_id": 88, "html_url": "https://help.example/hc/7001", "label_names": []}
    zendesk = tmp_path / "zendesk"
    for locale in ("en-us", "de"):
        (zendesk / locale).mkdir(parents=True)
        translated = dict(record, locale=locale, source_locale="en-us")
        (zendesk / locale / "articles.json").write_text(json.dumps({"articles": [translated]}))
    for article in load(zendesk).articles:  # no sections file: the id, not the locale folder
        assert article.category == "section 88" and article.meta[CATEGORY_ID_ONLY]


def test_a_copy_in_another_locale_folder_is_not_a_duplicate(tmp_path: Path) -> None:
    body = (
        "Invoices can be downloaded for the last seven years. Open Billing, choose the month "
        "and select Download; a PDF with the company's tax number is saved."
    )
    files = {
        f"{loc}/billing/invoices.md": f"# Download invoices\n\n{body}\n" for loc in ["en", "de"]
    }
    root = _kb(tmp_path / "kb", files)
    assert {a.path: a.locale for a in load(root).articles} == {
        "de/billing/invoices.md": "de",
        "en/billing/invoices.md": "en",
    }
    assert audit(root, Config(select=["DUP"], as_of=AS_OF)).findings == []
    single = _kb(tmp_path / "one", {"it/vpn.md": f"# VPN\n\n{body}\n"})  # a topic, not Italian
    assert [a.locale for a in load(single).articles] == [None]
    # IT and HR departments' folders: topics that share an index page, not translations
    departments = _md("it/index.md", "it/vpn.md", "it/laptops.md", "hr/index.md", "hr/leave.md")
    articles = load(_kb(tmp_path / "departments", departments)).articles
    assert {a.path: (a.locale, a.category) for a in articles} == {
        "hr/index.md": (None, "hr"),
        "hr/leave.md": (None, "hr"),
        "it/index.md": (None, "it"),
        "it/laptops.md": (None, "it"),
        "it/vpn.md": (None, "it"),
    }


def test_mdx_imports_and_exports_are_not_text(tmp_path: Path) -> None:
    page = (
        "---\ntitle: Pair a reader\n---\n"
        "import Tabs from '@theme/Tabs';\nimport {\n  TabItem,\n} from '@theme/TabItem';\n\n"
        "Hold the button until the light blinks.\n\n"
        "```js\nimport reader from 'reader-sdk';\n```\n\n"
        "export const toc = [\n  {id: 'pair'},\n];\n"
    )
    [article] = load(_kb(tmp_path, {"docs/pair.mdx": page})).articles
    assert article.text.startswith("Hold the button")
    assert "@theme" not in article.text and "toc" not in article.text
    assert "import reader from 'reader-sdk';" in article.text  # code in a fence stays


def test_mdx_code_block_fences_hold_the_pages_own_mdx(tmp_path: Path) -> None:
    page = (
        "---\ntitle: Pair a reader\n---\n"
        "```mdx-code-block\nimport Tabs from '@theme/Tabs';\nimport TabItem from '@theme/TabItem';\n"
        "```\n\nHold the button until the light blinks.\n\n"
        '```mdx-code-block\n<Tabs>\n<TabItem value="ios" label="iPhone">\n```\n\n'
        "Open the app.\n\n```mdx-code-block\n</TabItem>\n</Tabs>\n```\n\n"
        "```js\nimport reader from 'reader-sdk';\n```\n"
    )
    [article] = load(_kb(tmp_path, {"docs/pair.mdx": page})).articles
    text = " ".join(article.text.split())
    assert text.startswith("Hold the button until the light blinks. iPhone Open the app.")
    assert "@theme" not in text and "<Tabs>" not in text
    assert "import reader from 'reader-sdk';" in text  # a real code block stays


def test_mdx_comments_are_not_text(tmp_path: Path) -> None:
    page = (
        "---\ntitle: Vehicle types\n---\n{/* TODO: add e-cargo bikes\n   after the beta */}\n\n"
        "Each driver drives one vehicle type.\n\n## Capacity\n"
    )
    markdown_page = "---\ntitle: Braces\n---\nType {/* literally */} in the template.\n"
    files = {"docs/vehicles.mdx": page, "docs/braces.md": markdown_page}
    articles = {a.path: a for a in load(_kb(tmp_path, files)).articles}
    vehicles = articles["docs/vehicles.mdx"]
    assert vehicles.text.startswith("Each driver") and "TODO" not in vehicles.text
    assert vehicles.headings == ("Capacity",)
    assert "{/* literally */}" in articles["docs/braces.md"].text  # plain Markdown shows it


def test_mdx_components_are_read_as_the_page_shows_them(tmp_path: Path) -> None:
    """JSX components are no text but the labels they show; props written over several
    lines or as `{...}` expressions never leak into the text; `<Link to>` is a link; an
    indented JSX block is markup (MDX has no indented code); an admonition's title is
    text; code keeps its tags; line numbers stay those of the source."""
    page = (
        "---\ntitle: Pair a reader\n---\n"  # lines 1-3
        "import Tabs from '@theme/Tabs';\n\n"  # 4-5
        "<ApiHeading\n  as={'h1'}\n  schema={{type: 'object', note: 'a > b'}}\n/>\n\n"  # 6-10
        '<Tabs groupId="os">\n<TabItem value="ios" label="iPhone">\n\n'  # 11-13
        "Hold the button until the light blinks.\n\n</TabItem>\n</Tabs>\n\n"  # 14-18
        ":::tip Charge it first\n\nA flat battery stops pairing.\n\n:::\n\n"  # 19-24
        '<div className="cards">\n    <Link to="/readers/reset" className="card">\n'  # 25-26
        "      <p>Reset a reader</p>\n    </Link>\n</div>\n\n"  # 27-30
        "Use `<Tabs>` to group steps; see the [manual](manual.md).\n\n"  # 31-32
        '<img src={require("./reader.png").default} alt="The pair button" />\n\n'  # 33-34
        "```jsx\n<Reader mode={{fast: true}} />\n```\n"  # 35-37
    )
    [article] = load(_kb(tmp_path, {"docs/pair.mdx": page})).articles
    text = " ".join(article.text.split())
    assert text.startswith("iPhone Hold the button until the light blinks. Charge it first A flat")
    for leak in ("schema", "as=", "groupId", "className", "{{"):
        assert leak not in text.replace("<Reader mode={{fast: true}} />", "")
    assert "Reset a reader" in text and "Use <Tabs> to group steps" in text
    assert "<Reader mode={{fast: true}} />" in article.text  # code is kept as written
    assert [(link.target, link.line) for link in article.links] == [
        ("/readers/reset", 25),  # the line of the HTML block that holds it
        ("manual.md", 31),
    ]
    assert [(i.alt, i.line) for i in article.images] == [("The pair button", 33)]


def test_mkdocs_material_created_and_updated_dates(tmp_path: Path) -> None:
    page = "---\ndate:\n  created: 2023-01-31\n  updated: 2026-02-01\n---\n# Export data\n\nText.\n"
    first = "---\ndate:\n  created: 2025-11-02\n---\n# Import data\n\nText.\n"
    root = _kb(tmp_path, {"docs/blog/export.md": page, "docs/blog/import.md": first})
    dates = {a.title: a.updated_at for a in load(root).articles}
    assert dates == {"Export data": dt.date(2026, 2, 1), "Import data": dt.date(2025, 11, 2)}


def test_docusaurus_translations_in_i18n(tmp_path: Path) -> None:
    body = "Refunds reach the card within ten business days of the request being accepted."
    french = "i18n/fr/docusaurus-plugin-content-docs/current/billing/refunds.md"
    files = {
        "docs/billing/refunds.md": f"---\nid: refunds\ntitle: Refunds\n---\n{body}\n",
        "docs/account/close.md": "---\ntitle: Close\n---\nClose the account in Settings.\n",
        french: f"---\nid: refunds\ntitle: Remboursements\n---\n{body}\n",
    }
    root = _kb(tmp_path, files)
    articles = {a.path: a for a in load(root).articles}
    source, translation = articles["docs/billing/refunds.md"], articles[french]
    assert (translation.locale, translation.id) == ("fr", "refunds/fr")
    assert translation.meta[TRANSLATION_OF] == source.id == "refunds"
    assert source.category == translation.category == "billing"
    assert articles["docs/account/close.md"].category == "account"
    assert audit(root, Config(select=["DUP"], as_of=AS_OF)).findings == []


def test_translations_named_by_a_locale_suffix(tmp_path: Path) -> None:
    body = "Refunds reach the card within ten business days of the request being accepted."
    files = {
        "content/refunds.md": f"+++\ntitle = 'Refunds'\n+++\n{body}\n",
        "content/refunds.pt-br.md": f"+++\ntitle = 'Reembolsos'\n+++\n{body}\n",
        "content/setup.de.md": "+++\ntitle = 'Setup'\n+++\nNo file setup.md beside it.\n",
    }
    root = _kb(tmp_path, files)
    articles = {a.path: a for a in load(root).articles}
    translation = articles["content/refunds.pt-br.md"]
    assert translation.locale == "pt-br"
    assert translation.meta[TRANSLATION_OF] == articles["content/refunds.md"].id
    assert articles["content/setup.de.md"].locale is None
    assert audit(root, Config(select=["DUP"], as_of=AS_OF)).findings == []


def test_table_column_names_of_faq_and_help_desk_exports(tmp_path: Path) -> None:
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "faq.csv").write_text(
        "Question,Answer,Category,Last Modified\n"
        '"Can I pay by invoice?","Yes, on the yearly plan.",Billing,2026-01-05\n'
    )
    [faq] = load(tmp_path / "faq").articles
    assert (faq.title, faq.text, faq.category) == (
        "Can I pay by invoice?",
        "Yes, on the yearly plan.",
        "Billing",
    )
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "kb.csv").write_text(
        "Article Title,Article Body,Category Name,Last Updated Date,Author Name,Article Tags\n"
        'Pay by card,<p>Choose Card.</p>,Billing,2026-01-05,Lea Berg,"cards, billing"\n'
    )
    [kb] = load(tmp_path / "kb").articles
    assert (kb.title, kb.category, kb.owner) == ("Pay by card", "Billing", "Lea Berg")
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "kb.csv").write_text("Article Title,Article Text\nPay,Choose Card.\n")
    assert [a.text for a in load(tmp_path / "text").articles] == ["Choose Card."]
    assert kb.updated_at == dt.date(2026, 1, 5) and kb.tags == ("cards", "billing")


def test_zendesk_translations_files(tmp_path: Path) -> None:
    """Translations API files (`{"translations": [...]}` or a bare list of them) add each
    translation as an article of its source's section, paired with it; the source locale's
    own translation is the article itself."""
    article = {
        "id": 4201,
        "title": "Pause a subscription",
        "body": "<p>Open the plan page and choose Pause.</p>",
        "section_id": 51,
        "html_url": "https://help.example/hc/en-us/articles/4201",
        "label_names": ["plans"],
        "locale": "en-us",
        "source_locale": "en-us",
        "edited_at": "2026-02-01T10:00:00Z",
    }
    sections = [{"id": 51, "name": "Plans", "category_id": None}]

    def translation(locale: str, title: str) -> dict:
        return {
            "id": 9000 + len(locale),
            "source_id": 4201,
            "source_type": "Article",
            "locale": locale,
            "title": title,
            "body": f"<p>{title}.</p>",
            "updated_at": "2025-06-01T10:00:00Z",
            "outdated": True,
            "draft": False,
        }

    (tmp_path / "articles.json").write_text(json.dumps({"articles": [article]}))
    (tmp_path / "sections.json").write_text(json.dumps({"sections": sections}))
    (tmp_path / "translations.json").write_text(
        json.dumps({"translations": [translation("en-us", "Same"), translation("de", "Pausieren")]})
    )
    (tmp_path / "4201_translations_fr.json").write_text(
        json.dumps([translation("fr", "Suspendre")])
    )
    articles = {a.id: a for a in load(tmp_path).articles}
    assert sorted(articles) == ["4201", "4201/de", "4201/fr"]
    german = articles["4201/de"]
    assert (german.title, german.locale, german.category) == ("Pausieren", "de", "Plans")
    assert german.meta[TRANSLATION_OF] == "4201" and german.outdated
    assert german.updated_at == dt.date(2025, 6, 1) and german.tags == ("plans",)


def test_salesforce_knowledge_report_exported_as_csv(tmp_path: Path) -> None:
    """A Salesforce report over Knowledge saved as CSV: its title and filters before the
    table, column labels instead of API names, a totals row and the footer after it. It was
    refused: the title line was taken for a header of one column."""
    lines = [
        '"Support articles by category"',
        '"Filtered By: Publication Status equals Published, Language equals English"',
        '""',
        '"Article Number","Title","Created By","Last Modified Date","Data Category","Answer"',
        '"000001012","Reset your password","Priya Shah","3/14/2025","Account Access",'
        '"<p>Choose Forgot password on the sign-in page, then follow the emailed link.</p>"',
        '"000001013","Change the billing address","Tom Berg","11/2/2024","Billing",'
        '"<p>Open Billing, choose Edit address, type the new one and save.</p>"',
        '""',
        '"Grand Totals (2 records)"',
        '""',
        '"Support articles by category"',
        '"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."',
        '"Confidential Information - Do Not Distribute"',
        '"Generated By:  Priya Shah  4/2/2025 9:41 AM"',
    ]
    (tmp_path / "report.csv").write_text("\r\n".join(lines) + "\r\n")
    result = load(tmp_path)
    assert result.format == "tabular" and not result.problems
    got = {a.id: (a.title, a.category, a.owner, a.updated_at) for a in result.articles}
    assert got == {
        "000001012": ("Reset your password", "Account Access", "Priya Shah", dt.date(2025, 3, 14)),
        "000001013": ("Change the billing address", "Billing", "Tom Berg", dt.date(2024, 11, 2)),
    }
    assert result.articles[0].text.startswith("Choose Forgot password")
    assert result.articles[1].path == "report.csv#000001013"


FRESHDESK_XML = """<?xml version="1.0" encoding="UTF-8"?>
<solution-categories type="array">
  <solution-category>
    <id type="integer">7000012001</id>
    <name>Billing</name>
    <folders type="array">
      <solution-folder>
        <category-id type="integer">7000012001</category-id>
        <description nil="true"></description>
        <id type="integer">7000034501</id>
        <name>Invoices</name>
        <visibility type="integer">1</visibility>
        <articles type="array">
          <solution-article>
            <description>&lt;p&gt;Open &lt;b&gt;Billing&lt;/b&gt;, pick the invoice and choose
              Download PDF.&lt;/p&gt;</description>
            <desc-un-html>Open Billing, pick the invoice and choose Download PDF.</desc-un-html>
            <folder-id type="integer">7000034501</folder-id>
            <id type="integer">7000098801</id>
            <status type="integer">2</status>
            <title>Download an invoice</title>
            <updated-at type="datetime">2024-11-05T16:45:00+01:00</updated-at>
            <user-id type="integer">7000000042</user-id>
            <tags type="array"><tag><name>invoices</name></tag><tag><name>pdf</name></tag></tags>
          </solution-article>
          <solution-article>
            <desc-un-html>How a credit note cancels part of an invoice or all of it.</desc-un-html>
            <folder-id type="integer">7000034501</folder-id>
            <id type="integer">7000098802</id>
            <status type="integer">1</status>
            <title>Credit notes</title>
            <updated-at type="datetime">2024-01-08T08:00:00+01:00</updated-at>
          </solution-article>
        </articles>
      </solution-folder>
    </folders>
  </solution-category>
</solution-categories>
"""


def test_freshdesk_account_export_xml(tmp_path: Path) -> None:
    """Freshdesk's account export writes solutions as XML (Solutions.xml: categories >
    folders > articles, Rails style) and the people as Users.xml; the folder was refused
    as a format kbaudit cannot tell."""
    (tmp_path / "Solutions.xml").write_text(FRESHDESK_XML)
    (tmp_path / "Users.xml").write_text(
        '<?xml version="1.0"?>\n<users type="array"><user><id type="integer">7000000042</id>'
        "<name>Nadia Haddad</name></user></users>\n"
    )
    result = load(tmp_path)
    assert result.format == "freshdesk" and not result.problems
    got = {a.title: (a.category, a.owner, a.updated_at, a.status, a.tags) for a in result.articles}
    assert got == {
        "Download an invoice": (
            "Billing > Invoices",
            "Nadia Haddad",
            dt.date(2024, 11, 5),
            "published",
            ("invoices", "pdf"),
        ),
        "Credit notes": ("Billing > Invoices", None, dt.date(2024, 1, 8), "draft", ()),
    }
    download = by_title(result.articles)["Download an invoice"]
    assert download.text.startswith("Open Billing") and "&lt;" not in download.raw
    assert by_title(result.articles)["Credit notes"].text.startswith("How a credit note")


_PAGE_ARTICLE = {"title": "Change your plan", "body": "<p>Open Billing and pick a plan.</p>"}
# (file, what it holds, format read): one page of each API's paged list of articles
_FIRST_PAGES = {
    "zendesk": {
        "articles": [{**_PAGE_ARTICLE, "id": 1, "section_id": 4, "html_url": "h", "draft": False}],
        "page": 1,
        "page_count": 4,
        "count": 4,
        "next_page": "https://help.example.com/api/v2/help_center/articles.json?page=2",
    },
    "zendesk-cursor": {
        "articles": [{**_PAGE_ARTICLE, "id": 1, "section_id": 4, "html_url": "h", "draft": False}],
        "meta": {"has_more": True, "after_cursor": "xyz"},
        "links": {
            "next": "https://help.example.com/api/v2/help_center/articles.json?page[after]=xyz"
        },
    },
    "intercom": {
        "type": "list",
        "pages": {"type": "pages", "page": 1, "per_page": 1, "total_pages": 2, "next": "n"},
        "total_count": 2,
        "data": [
            {
                **_PAGE_ARTICLE,
                "type": "article",
                "id": "1",
                "workspace_id": "w",
                "state": "published",
            }
        ],
    },
    "helpscout": {
        "articles": {"page": 1, "pages": 3, "count": 3, "items": [{**_PAGE_ARTICLE, "id": "a1"}]}
    },
    "salesforce": {
        "status": 0,
        "result": {
            "records": [
                {
                    "Id": "ka01",
                    "ArticleNumber": "000001",
                    "UrlName": "change-your-plan",
                    "Title": "Change your plan",
                    "Answer__c": "<p>Open Billing and pick a plan.</p>",
                    "LastModifiedDate": "2026-10-01T10:00:00.000+0000",
                }
            ],
            "totalSize": 2400,
            "done": False,
            "nextRecordsUrl": "/services/data/v60.0/query/01g-2000",
        },
    },
}


@pytest.mark.parametrize("shape", sorted(_FIRST_PAGES))
def test_one_page_of_a_paged_api_list_is_a_partial_export(shape: str, tmp_path: Path) -> None:
    (tmp_path / "articles.json").write_text(json.dumps(_FIRST_PAGES[shape]))
    result = load(tmp_path)
    assert len(result.articles) == 1
    [problem] = [p for p in result.problems if p.code == "INPUT009"]
    assert problem.path == "articles.json"
    assert "Fetch every page" in problem.message


def test_every_page_of_a_paged_list_is_a_whole_export(tmp_path: Path) -> None:
    for number in (1, 2):
        page = {
            "articles": [{**_PAGE_ARTICLE, "id": number, "section_id": 4, "html_url": "h"}],
            "page": number,
            "page_count": 2,
            "count": 2,
            "next_page": "https://help.example.com/articles.json?page=2" if number == 1 else None,
        }
        (tmp_path / f"articles-{number}.json").write_text(json.dumps(page))
    result = load(tmp_path)
    assert len(result.articles) == 2
    assert not [p for p in result.problems if p.code == "INPUT009"]


def test_servicenow_topic_names_a_sys_id_category_and_titles_read_on_one_line(
    tmp_path: Path,
) -> None:
    """A kb_knowledge table exported without display values: kb_category is a sys_id, while
    the legacy topic and category choices beside it name the category. A title the source
    system wrapped over lines reads as one line."""
    records = [
        {
            "number": "KB0020001",
            "short_description": "Find the MAC address of your\n\t\t\twireless adapter",
            "text": "<p>Open Settings, then Network, then the adapter's details.</p>",
            "kb_category": SYS_ID,
            "topic": "Desktop",
            "category": "Networking",
            "workflow_state": "published",
            "sys_updated_on": "2026-03-04 10:00:00",
        },
        {
            "number": "KB0020002",
            "short_description": "Set up mail on a phone",
            "text": "<p>Add an Exchange account and sign in with your ID.</p>",
            "kb_category": SYS_ID.replace("2f", "3e"),
            "topic": "",
            "category": "",
            "workflow_state": "published",
            "sys_updated_on": "2026-03-04 10:00:00",
        },
    ]
    (tmp_path / "kb_knowledge.json").write_text(json.dumps({"records": records}))
    first, second = load(tmp_path).articles
    assert first.title == "Find the MAC address of your wireless adapter"
    assert first.category == "Desktop > Networking"
    assert not first.meta.get(CATEGORY_ID_ONLY)
    assert second.meta[CATEGORY_ID_ONLY] is True  # nothing names it: the id stays


# An article as each API lists it, by the format it is read as; {n}: the article's number.
_LISTED = {
    "zendesk": (
        "articles",
        lambda n, when: {
            **_PAGE_ARTICLE,
            "id": n,
            "title": f"Plan question {n}",
            "section_id": 4,
            "html_url": f"https://help.example.com/hc/en-us/articles/{n}",
            "draft": False,
            "label_names": ["plans"],
            "author_id": 7,
            "locale": "en-us",
            "updated_at": when,
        },
    ),
    "intercom": (
        "data",
        lambda n, when: {
            **_PAGE_ARTICLE,
            "type": "article",
            "id": str(n),
            "title": f"Plan question {n}",
            "workspace_id": "w",
            "state": "published",
            "author_id": 7,
            "parent_type": "collection",
            "parent_id": 5,
            "updated_at": int(dt.datetime.fromisoformat(when).timestamp()),
        },
    ),
    "helpdesk": (
        "items",
        lambda n, when: {
            **_PAGE_ARTICLE,
            "id": f"a{n}",
            "title": f"Plan question {n}",
            "updatedAt": when,
        },
    ),
}


@pytest.mark.parametrize("shape", sorted(_LISTED))
def test_pages_that_overlap_read_each_article_once(shape: str, tmp_path: Path) -> None:
    """Offset paging while the help center changes lists an article on two pages: it is one
    article, the copy updated last."""
    key, listed = _LISTED[shape]
    old, new = "2026-05-01T10:00:00Z", "2026-07-01T10:00:00Z"
    pages = ([listed(1, old), listed(2, old)], [listed(2, new), listed(3, old)])
    for number, records in enumerate(pages, 1):
        page = {"items": records, "page": number, "pages": 2} if key == "items" else {key: records}
        (tmp_path / f"articles-{number}.json").write_text(
            json.dumps({"articles": page} if key == "items" else page)
        )
    result = load(tmp_path)
    assert result.format == shape
    titles = [a.title for a in result.articles]
    assert titles == ["Plan question 1", "Plan question 2", "Plan question 3"]
    assert result.articles[1].updated_at == dt.date(2026, 7, 1)


def test_servicenow_links_between_articles_resolve_by_sys_id_and_number(tmp_path: Path) -> None:
    """Article bodies link to other articles by sys_id (`kb_view.do?sys_kb_id=`) or number
    (a Service Portal page, `sp?id=kb_article_view&sysparm_article=`): such links reach the
    article, and one to a number no article has is a broken link."""
    other = "9d3c1e2f8f0a5a00f2fd3ab1f8f0a5b1"
    body = (
        f'<p>Set up the VPN first (<a href="/kb_view.do?sys_kb_id={other}">VPN setup</a>), '
        'then map the drive as <a href="https://acme.service-now.com/sp?id=kb_article_view'
        '&sysparm_article=KB0030002">Map a drive</a> shows. Old steps: '
        '<a href="/kb_view.do?sysparm_article=KB0039999">Legacy drive steps</a>.</p>'
    )
    records = [
        {"number": "KB0030001", "sys_id": SYS_ID, "short_description": "Work from home",
         "text": body, "workflow_state": "published"},
        {"number": "KB0030002", "sys_id": other, "short_description": "Map a drive",
         "text": "<p>Open Files, choose Map drive and pick the share.</p>",
         "workflow_state": "published"},
    ]  # fmt: skip
    (tmp_path / "kb_knowledge.json").write_text(json.dumps({"records": records}))
    result = audit(tmp_path, Config(select=["QUAL006", "COV003"], as_of=AS_OF, cache=False))
    home = by_title(result.corpus.articles)["Work from home"]
    targets = [result.corpus.resolve_link(home, link) for link in home.links]
    assert targets == [
        "kb_knowledge.json#KB0030002",
        "kb_knowledge.json#KB0030002",
        "kb_knowledge/KB0039999",
    ]
    assert [f.rule for f in result.findings if f.where == "kb_knowledge.json#KB0030001"] == [
        "QUAL006"
    ]


def test_pages_merged_into_one_file_or_an_incremental_export_end_are_whole(
    tmp_path: Path,
) -> None:
    """A script that joins every page's articles under the first page's paging, and the
    last page of Zendesk's incremental export (`end_of_stream`, its `next_page` kept for
    the next poll), hold the whole list."""
    article = {**_PAGE_ARTICLE, "section_id": 4, "html_url": "h", "draft": False}
    article |= {"label_names": ["plans"], "author_id": 7}
    merged = {
        "articles": [{**article, "id": n, "title": f"Plan question {n}"} for n in (1, 2)],
        "page": 1,
        "page_count": 2,
        "count": 2,
        "next_page": "https://help.example.com/api/v2/help_center/articles.json?page=2",
    }
    incremental = {
        "articles": [{**article, "id": 3, "title": "Plan question 3"}],
        "next_page": "https://help.example.com/api/v2/help_center/incremental/articles.json?start_time=1790000000",
        "end_of_stream": True,
    }
    for name, doc in (("merged", merged), ("incremental", incremental)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "articles.json").write_text(json.dumps(doc))
        result = load(tmp_path / name)
        assert result.format == "zendesk"
        assert not [p for p in result.problems if p.code == "INPUT009"], name


def test_translations_named_by_record_id_and_slug_are_paired(tmp_path: Path) -> None:
    """Help-center exports name a file by the article's id and a slug the translation
    translates (`de/articles/4670334-revit-plugin.md`, `fr/articles/4670334-plugin-revit.md`):
    the locale folders are locales, the files one article's translations, and two languages'
    titles of it are no duplicate titles."""
    pages = {  # the titles of each language; the slugs are translated too
        "4670334": ("Revit plugin", "Revit-Plugin", "Plugin Revit"),
        "5085987": ("Navisworks plugin", "Navisworks-Plugin", "Plugin Navisworks"),
        "8227211": ("3D viewer", "3D-Betrachter", "Visionneuse 3D"),
    }
    slugs = {"en": "use-the", "de": "so-nutzen-sie-das", "fr": "utiliser-le"}
    bodies = {
        "en": "Install it from the app store of your modelling tool, then sign in.",
        "de": "Installieren Sie es aus dem App Store Ihres Werkzeugs und melden Sie sich an.",
        "fr": "Installez-le depuis la boutique de votre outil, puis connectez-vous.",
    }
    files = {}
    for record, titles in pages.items():
        for locale, title in zip(("en", "de", "fr"), titles, strict=True):
            slug = f"{slugs[locale]}-{title.lower().replace(' ', '-')}"
            body = f"{title}. {bodies[locale]}"
            files[f"markdown/{locale}/articles/{record}-{slug}.md"] = f"# {title}\n\n{body}\n"
    files["markdown/en/articles/9000001-export-issues.md"] = "# Export issues\n\nOnly English.\n"
    root = _kb(tmp_path / "kb", files)
    articles = load(root).articles
    assert {a.locale for a in articles} == {"en", "de", "fr"}
    assert {a.category for a in articles} == {None}  # a language is no category
    config = Config(select=["DUP003", "COV006"], as_of=AS_OF)
    # the three paired articles are translated; English (the source: every language holds
    # as many pages) has one that is not
    assert [(f.rule, f.path) for f in audit(root, config).findings] == [
        ("COV006", "markdown/en/articles/9000001-export-issues.md")
    ]
