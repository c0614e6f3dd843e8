"""Exports of knowledge-base platforms read by their records and field names (the `helpdesk`
source), Notion workspaces, GitBook spaces, static-site generators and files exported one per
article beside an index: each a small export in the platform's own shape."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from kbaudit.config import DEFAULT_EXCLUDE
from kbaudit.normalize import SEARCH_KEYWORDS
from kbaudit.sources import SourceOptions, load
from kbaudit.sources.records import deslug

from .conftest import write_files

BODY = (
    "<p>Open the billing page and press Download next to the month you need. The PDF shows "
    "the company name, the tax number and every seat charged in that period, so finance can "
    "file it without asking support.</p>"
)


def test_help_scout_docs_api_pages(tmp_path: Path) -> None:
    """Articles under `{"articles": {"items": [...]}}`, categories by id in their own file,
    `notpublished` for a draft."""
    article = {
        "id": "5f1a2b",
        "number": 12,
        "collectionId": "c1",
        "status": "published",
        "name": "Download an invoice",
        "text": BODY,
        "categories": ["5e0cat1"],
        "publicUrl": "https://acme.helpscoutdocs.com/article/12-download-an-invoice",
        "createdBy": 301,
        "updatedAt": "2026-02-03T10:00:00Z",
        "keywords": ["invoices"],
    }
    draft = article | {"id": "5f1a2c", "name": "Refund rules", "status": "notpublished"}
    write_files(
        tmp_path,
        {
            "articles.json": json.dumps(
                {"articles": {"page": 1, "pages": 1, "items": [article, draft]}}
            ),
            "categories.json": json.dumps(
                {"categories": {"items": [{"id": "5e0cat1", "name": "Billing", "slug": "b"}]}}
            ),
        },
    )
    result = load(tmp_path)
    assert result.format == "helpdesk"
    first, second = result.articles
    assert (first.title, first.category, first.tags) == (
        "Download an invoice",
        "Billing",
        ("invoices",),
    )
    assert first.updated_at == dt.date(2026, 2, 3)
    assert first.url and first.url.endswith("12-download-an-invoice")
    assert "category_id_only" in first.meta and not first.meta["category_id_only"]
    assert (first.status, second.status) == ("published", "draft")
    # Help Scout's keywords are words for its search to match, not tags to spell one way
    assert first.meta[SEARCH_KEYWORDS] is True


def test_zoho_guru_document360_records(tmp_path: Path) -> None:
    """Nested category, author and tag objects and each platform's date names."""
    zoho = {
        "id": "412000000000100",
        "title": "Download an invoice",
        "answer": BODY,
        "status": "Published",
        "category": {"id": "9001", "name": "Billing"},
        "tags": ["invoices"],
        "author": {"id": "77", "name": "Chloe Martin"},
        "modifiedTime": "2026-02-03T10:00:00.000Z",
        "createdTime": "2025-12-01T10:00:00.000Z",
    }
    guru = {
        "id": "c0ffee00-1111",
        "preferredPhrase": "Invoices for finance",
        "content": BODY.replace("billing page", "finance page"),
        "lastModified": "2026-02-04T10:00:00.000+0000",
        "nextVerificationDate": "2026-05-04T10:00:00.000+0000",
        "owner": {"email": "dev@example.com", "firstName": "Dev", "lastName": "Patel"},
        "collection": {"name": "Customer Support"},
        "boards": [{"id": "b1", "title": "Billing"}],
        "tags": [{"id": "t1", "value": "invoices"}, {"id": "t2", "value": "finance"}],
    }
    document360 = {
        "id": "9f1e",
        "title": "Invoice history",
        "content": "Markdown copy",
        "html_content": BODY.replace("billing page", "history page"),
        "category_id": "cat-1",
        "authors": [{"id": "u1", "first_name": "Ana", "last_name": "Ruiz"}],
        "modified_at": "2026-02-05T10:00:00.000Z",
        "hidden": True,
        "status": 3,
    }
    write_files(
        tmp_path,
        {
            "zoho/articles.json": json.dumps({"data": [zoho]}),
            "guru/cards.json": json.dumps([guru]),
            "d360/articles.json": json.dumps({"data": [document360], "success": True}),
            "d360/categories.json": json.dumps({"data": [{"id": "cat-1", "name": "Billing"}]}),
        },
    )
    by_title = {a.title: a for a in load(tmp_path).articles}
    z, g, d = (
        by_title[t] for t in ("Download an invoice", "Invoices for finance", "Invoice history")
    )
    assert (z.category, z.owner, z.status, z.tags) == (
        "Billing",
        "Chloe Martin",
        "published",
        ("invoices",),
    )
    assert (z.updated_at, z.created_at) == (dt.date(2026, 2, 3), dt.date(2025, 12, 1))
    assert (g.category, g.owner, g.tags) == ("Billing", "Dev Patel", ("invoices", "finance"))
    assert (g.updated_at, g.review_at) == (dt.date(2026, 2, 4), dt.date(2026, 5, 4))
    assert (d.category, d.owner, d.status) == ("Billing", "Ana Ruiz", "hidden")
    assert d.updated_at == dt.date(2026, 2, 5) and "history page" in d.text


NOTION_ID = "1a2b3c4d5e6f708192a3b4c5d6e7f809"
NOTION_BODY = (
    "Open the billing page and press Download next to the month you need. The PDF shows the "
    "company name, the tax number and every seat charged in that period."
)


def test_records_each_wrapped_in_its_type(tmp_path: Path) -> None:
    """A Rails API lists each item under its type's name (Desk.com: `{"results":
    [{"article": {...}}]}`, the body in `main_content`)."""
    items = [
        {"article": {"id": 13, "subject": "Pay by bank transfer", "main_content": "<p>Use the "
         "reference on the invoice so the payment finds it.</p>", "updated_at": "2026-02-01"}},
        {"article": {"id": 14, "subject": "Change the invoice currency", "main_content": "<p>"
         "Pick the currency before you add the first line.</p>", "updated_at": "2026-02-02"}},
    ]  # fmt: skip
    (tmp_path / "articles.json").write_text(json.dumps({"results": items}))
    result = load(tmp_path)
    assert result.format == "helpdesk"
    assert sorted(a.title for a in result.articles) == [
        "Change the invoice currency",
        "Pay by bank transfer",
    ]
    dated = {a.title: a.updated_at for a in result.articles}
    assert dated["Pay by bank transfer"] == dt.date(2026, 2, 1)


def test_notion_markdown_pages_with_properties(tmp_path: Path) -> None:
    """A Notion Markdown & CSV export: pages named with their id in a database's folder,
    properties as lines under the title; the database CSV beside the folder."""
    folder = f"Help Center {NOTION_ID}/Articles {NOTION_ID[::-1]}"
    write_files(
        tmp_path,
        {
            f"{folder}/Download an invoice {NOTION_ID}.md": (
                "# Download an invoice\n\nOwner: Chloe Martin\n"
                "Last edited time: March 3, 2026 4:12 PM\nStatus: Draft\n"
                f"Category: Billing (https://www.notion.so/Billing-{NOTION_ID}?pvs=21)\n"
                f"Tags: invoices, billing\n\n{NOTION_BODY}\n"
            ),
            f"{folder}/Invoice history {NOTION_ID[1:]}0.md": (
                f"# Invoice history\n\nCreated by: Dev Patel\nCreated: January 5, 2026 9:00 AM\n\n"
                f"Note: older invoices stay available.\n{NOTION_BODY}\n"
            ),
            f"Help Center {NOTION_ID[::-1]}/Articles {NOTION_ID[::-1]}.csv": (
                "Name,Owner,Category,Last edited time,Status,Tags\n"
                'Download an invoice,Chloe Martin,Billing,"March 3, 2026 4:12 PM",Draft,invoices\n'
            ),
        },
    )
    result = load(tmp_path)
    assert result.format == "markdown" and not result.problems
    first, second = sorted(result.articles, key=lambda a: a.title)
    assert (first.title, first.owner) == ("Download an invoice", "Chloe Martin")
    assert first.category == "Billing"  # a relation names the page, not its address
    assert (first.updated_at, first.status, first.tags) == (
        dt.date(2026, 3, 3),
        "draft",
        ("invoices", "billing"),
    )
    assert "Owner" not in first.text and first.text.count("Download") == 2
    assert (second.owner, second.created_at) == ("Dev Patel", dt.date(2026, 1, 5))
    # a folder that files pages is named as its page is, without the page id
    assert deslug(f"Team Guides {NOTION_ID}") == "Team Guides"
    assert "Note: older invoices" in second.text


def test_notion_html_pages_with_properties(tmp_path: Path) -> None:
    """A Notion HTML export: the properties table under the title are fields, the database's
    list view is no article."""
    props = (
        '<table class="properties"><tbody>'
        '<tr class="property-row"><th><span class="icon"></span>Owner</th><td><span class="user">'
        '<img src="https://example.com/a.png" class="icon user-icon"/>Chloe Martin</span></td></tr>'
        "<tr><th>Last edited time</th><td><time>@March 3, 2026 4:12 PM</time></td></tr>"
        '<tr><th>Tags</th><td><span class="selected-value">invoices</span>'
        '<span class="selected-value">billing</span></td></tr>'
        "<tr><th>Category</th><td>Billing</td></tr></tbody></table>"
    )
    write_files(
        tmp_path,
        {
            f"Articles {NOTION_ID}/Download an invoice {NOTION_ID}.html": (
                '<html><head><meta charset="utf-8"/><title>Download an invoice</title></head><body>'
                '<article class="page sans"><header><h1 class="page-title">Download an invoice</h1>'
                f'{props}</header><div class="page-body"><p>{NOTION_BODY}</p></div></article>'
                "</body></html>"
            ),
            f"Articles {NOTION_ID}.html": (
                '<html><body><article class="page sans"><header><h1>Articles</h1></header>'
                '<table class="collection-content"><tbody><tr><td><a href="x.html">'
                "Download an invoice</a></td><td>Billing</td></tr></tbody></table></article>"
                "</body></html>"
            ),
        },
    )
    (article,) = load(tmp_path).articles
    assert (article.owner, article.category, article.tags) == (
        "Chloe Martin",
        "Billing",
        ("invoices", "billing"),
    )
    assert article.updated_at == dt.date(2026, 3, 3) and not article.images
    assert "Last edited" not in article.text


def test_article_files_with_an_index_beside_them(tmp_path: Path) -> None:
    """A help-center backup script's output: `<id>-<slug>.html` per article, their fields in
    an index CSV (or JSON) naming each file or its id."""
    write_files(
        tmp_path,
        {
            "articles/360001-download-an-invoice.html": f"<h1>Download an invoice</h1>{BODY}",
            "articles/360002-refund-rules.html": "<h1>Refund rules</h1>"
            + BODY.replace("billing page", "refunds page"),
            "articles/index.csv": (
                "id,title,file,section,author,updated_at,draft,label_names,html_url\n"
                "360001,Download an invoice,360001-download-an-invoice.html,Billing,Chloe Martin,"
                "2026-02-03T10:00:00Z,False,invoices;billing,https://acme.zendesk.com/hc/a/360001\n"
                "360002,Refund rules,,Billing,Dev Patel,2026-02-04T10:00:00Z,True,refunds,\n"
            ),
        },
    )
    result = load(tmp_path)
    assert result.format == "html" and not result.problems
    first, second = sorted(result.articles, key=lambda a: a.title)
    assert (first.category, first.owner, first.tags) == (
        "Billing",
        "Chloe Martin",
        ("invoices", "billing"),
    )
    assert (first.updated_at, first.status, first.url) == (
        dt.date(2026, 2, 3),
        None,
        "https://acme.zendesk.com/hc/a/360001",
    )
    # matched by the id its file name starts with
    assert (second.owner, second.status, second.updated_at) == (
        "Dev Patel",
        "draft",
        dt.date(2026, 2, 4),
    )


def test_hugo_archetypes_and_jekyll_drafts(tmp_path: Path) -> None:
    """A Hugo archetype is a template for new pages, not a page; a page in Jekyll's `_drafts/`
    is a draft."""
    page = "---\ntitle: Download an invoice\ndate: 2026-02-03\n---\n\n" + NOTION_BODY + "\n"
    hugo, jekyll = tmp_path / "hugo", tmp_path / "jekyll"
    write_files(
        hugo,
        {
            "hugo.toml": "title = 'Help'\n",
            "archetypes/default.md": '+++\ntitle = \'{{ replace .File.ContentBaseName "-" " " | title }}\'\n'
            "date = {{ .Date }}\ndraft = true\n+++\n",
            "content/billing/download-an-invoice.md": page,
        },
    )
    write_files(
        jekyll,
        {
            "_config.yml": "title: Help\n",
            "billing/download-an-invoice.md": page,
            "_drafts/refund-rules.md": page.replace("Download an invoice", "Refund rules"),
        },
    )
    statuses = {}
    for site in (hugo, jekyll):
        result = load(site, options=SourceOptions(exclude=list(DEFAULT_EXCLUDE)))
        assert not result.problems
        statuses[site.name] = {a.path: a.status for a in result.articles}
    assert statuses == {
        "hugo": {"content/billing/download-an-invoice.md": None},
        "jekyll": {"billing/download-an-invoice.md": None, "_drafts/refund-rules.md": "draft"},
    }


def test_guru_card_export_table(tmp_path: Path) -> None:
    """Guru's card export as its API client writes it: boards and tags joined by ", ", the
    verifier (a person or a group) answers for the card, the collection holds the boards."""
    header = (
        "Title,Content,ID,Boards,Tags,Date Created,Created By,Last Modified,Last Modified By,"
        "Last Verified,Last Verified By,Verifier,Views,Copies,Favorites,Trust State,"
        "Verification Interval,Collection,Link\n"
    )
    rows = (
        'Download an invoice,"' + BODY.replace('"', '""') + '",c1,"Billing, Invoices",'
        '"invoices, pdf",2025-01-10T09:00:00.000Z,Ana Ruiz,2026-03-04T12:00:00.000Z,Ana Ruiz,'
        "2026-03-05T12:00:00.000Z,Ben Ortiz,Billing Team,12,0,1,TRUSTED,90,Support,"
        "https://app.getguru.com/card/c1/Download-an-invoice\n"
        "Office hours,<p>We answer from 8 to 18 on weekdays.</p>,c2,,,2025-01-10T09:00:00.000Z,"
        "Ana Ruiz,2026-03-04T12:00:00.000Z,Ana Ruiz,,,,3,0,0,NEEDS_VERIFICATION,30,Support,"
        "https://app.getguru.com/card/c2/Office-hours\n"
    )
    write_files(tmp_path, {"cards.csv": header + rows})
    first, second = load(tmp_path).articles
    assert (first.id, first.title, first.category, first.owner) == (
        "c1",
        "Download an invoice",
        "Billing",
        "Billing Team",
    )
    assert first.tags == ("invoices", "pdf")
    assert first.updated_at == dt.date(2026, 3, 4)
    assert first.url == "https://app.getguru.com/card/c1/Download-an-invoice"
    assert (second.category, second.owner) == ("Support", "Ana Ruiz")  # no board, no verifier
