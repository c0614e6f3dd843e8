"""Exports of knowledge-base platforms read by their records and field names (the `helpdesk`
source), Notion workspaces, GitBook spaces, static-site generators and files exported one per
article beside an index: each a small export in the platform's own shape."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from kbaudit.sources import load

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
