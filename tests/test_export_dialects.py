"""Platform dialects inside otherwise ordinary exports: ReadMe.com's legacy blocks and id-only
categories, Jekyll listing pages made of Liquid, Document360's numeric status, Intercom's
`tag.list` tags."""

from __future__ import annotations

import json
from pathlib import Path

from kbaudit.audit import audit
from kbaudit.config import Config
from kbaudit.normalize import CATEGORY_ID_ONLY
from kbaudit.sources import load
from kbaudit.text import markdown

from .conftest import AS_OF, write_files

_README_PAGE = """\
---
title: "Sign requests with your key"
slug: "signing"
hidden: false
updatedAt: "2026-09-14T08:00:00.000Z"
category: 64b7f0c2a91e3d0012ab34cd
---
Each call to the API proves who sends it with the secret key of your workspace.

[block:api-header]
{
  "title": "Where the key goes"
}
[/block]
Send it as the user name of basic authentication, with an empty password.

[block:callout]
{
  "type": "danger",
  "title": "Never in the browser",
  "body": "Code that runs in a customer's browser shows the key to anyone who looks."
}
[/block]

[block:code]
{
  "codes": [
    {
      "code": "curl https://api.example.test/v2/invoices \\\\\\n  --user sk_live_example:",
      "language": "shell"
    }
  ]
}
[/block]

[block:parameters]
{
  "data": {
    "h-0": "Status",
    "h-1": "What went wrong",
    "0-0": "401",
    "0-1": "No key, or a revoked one",
    "1-0": "403",
    "1-1": "The key may not call this endpoint"
  },
  "cols": 2,
  "rows": 2
}
[/block]

[block:image]
{
  "images": [
    {
      "image": ["https://files.readme.io/9f8e7d6-workspace-keys.png", "keys.png", 1024, 512, "#ffffff"],
      "caption": "Workspace settings, Keys tab"
    }
  ]
}
[/block]

Rotate the key from the same tab when a teammate leaves.
"""


def test_readme_blocks_are_rendered_to_their_text() -> None:
    found = markdown(_README_PAGE.split("---\n", 2)[2])
    assert "codes" not in found.text and '"' not in found.text  # no JSON left
    assert "[block:" not in found.text and "[/block]" not in found.text
    assert "Never in the browser" in found.text  # callout title and body
    assert "shows the key to anyone who looks" in found.text
    assert "curl https://api.example.test/v2/invoices" in found.text  # code as code
    assert "The key may not call this endpoint" in found.text  # parameters cells
    assert "403" in found.text and "What went wrong" in found.text
    assert "Where the key goes" in found.headings  # the API section header
    assert [(i.src, i.alt) for i in found.images] == [
        ("https://files.readme.io/9f8e7d6-workspace-keys.png", "Workspace settings, Keys tab")
    ]
    # a block keeps its lines: what follows it keeps its line number
    assert found.text.endswith("Rotate the key from the same tab when a teammate leaves.")


def test_readme_block_that_does_not_read_is_dropped_and_unclosed_is_text() -> None:
    broken = markdown("Before.\n\n[block:callout]\n{not json\n[/block]\n\nAfter.\n")
    assert broken.text.split() == ["Before.", "After."]
    unclosed = markdown("[block:callout]\nA line of text.\n")
    assert "A line of text." in unclosed.text


def test_readme_category_id_is_an_id_only_category(tmp_path: Path) -> None:
    other = _README_PAGE.replace("64b7f0c2a91e3d0012ab34cd", "64b7f0c2a91e3d0012ab99ff")
    root = write_files(tmp_path / "kb", {"docs/signing.md": _README_PAGE, "docs/other.md": other})
    articles = {a.path: a for a in load(root).articles}
    signing = articles["docs/signing.md"]
    assert signing.category == "64b7f0c2a91e3d0012ab34cd"
    assert signing.meta[CATEGORY_ID_ONLY] is True
    codes = {f.rule for f in audit(root, Config(select=["TAX"], as_of=AS_OF)).findings}
    # named only by an id: reported as such (TAX012), never as a category to merge (TAX008)
    assert "TAX012" in codes and "TAX008" not in codes


def test_readme_category_id_named_by_its_folder(tmp_path: Path) -> None:
    root = write_files(
        tmp_path / "kb",
        {
            "Authentication/signing.md": _README_PAGE,
            "Webhooks/retries.md": _README_PAGE.replace("signing", "retries"),
        },
    )
    articles = {a.path: a for a in load(root).articles}
    assert articles["Authentication/signing.md"].category == "Authentication"
    assert articles["Webhooks/retries.md"].category == "Webhooks"
    assert not articles["Webhooks/retries.md"].meta[CATEGORY_ID_ONLY]


_POST = """\
---
title: Change the email address of your account
date: 2026-06-02
category: account
author: Priya
tags: [login]
---
Open Settings, then Profile, and type the new address in the Email field. We send a
confirmation message to it; the change takes effect when you open the link in that message.
Read the [newest posts]({{ site.baseurl }}{{ post.url }}), the
[tag page]({{ tag | slugify | prepend: "/tags/" }}), [this one](%7B%7B%20page.url%20%7D%7D)
and [how to sign in]({{ site.baseurl }}/sign-in/).

## If the old address no longer works
Contact support from the sign-in page and we confirm who you are another way.
"""


def test_jekyll_listing_page_is_no_article_and_template_links_are_not_checked(
    tmp_path: Path,
) -> None:
    root = write_files(
        tmp_path / "site",
        {
            "index.md": (
                "---\nlayout: home\ntitle: Help center\n---\n# Latest answers\n\n"
                "{% for post in site.posts limit: 10 %}\n"
                '<h2><a href="{{ post.url | relative_url }}">{{ post.title }}</a></h2>\n'
                "<p>{{ post.excerpt | strip_html }}</p>\n{% endfor %}\n"
            ),
            "tags.md": (
                "---\ntitle: Tags\n---\n{% for tag in site.tags %}\n"
                "- [{{ tag[0] }}]({{ tag[0] | slugify | prepend: '/tags/' }})\n{% endfor %}\n"
            ),
            "_posts/2026-06-02-change-email.md": _POST,
            "sign-in.md": _POST.replace("Change the email address", "Sign in to")
            .replace("Settings, then Profile", "the app, then Sign in")
            .replace("[newest posts]", "[all posts]"),
        },
    )
    result = load(root)
    assert sorted(a.path for a in result.articles) == [
        "_posts/2026-06-02-change-email.md",
        "sign-in.md",
    ]  # index.md and tags.md are Liquid only: listings the site builds
    found = audit(root, Config(select=["QUAL006", "COV003"], as_of=AS_OF)).findings
    assert [(f.rule, f.data.get("target")) for f in found] == []


def test_html_pages_template_links_and_listing_are_not_checked(tmp_path: Path) -> None:
    page = (
        "<html><head><title>{}</title></head><body><article><h1>{}</h1>"
        "<p>Invoices are numbered in order and a number is never reused, even when an invoice "
        'is voided. See <a href="{{{{ site.baseurl }}}}{{{{ post.url }}}}">the latest note</a> '
        'and <a href="{{{{ page.next.url }}}}">the next page</a>.</p></article></body></html>'
    )
    root = write_files(
        tmp_path / "site",
        {
            "invoices/numbering.html": page.format("Invoice numbers", "Invoice numbers"),
            "invoices/voiding.html": page.format("Void an invoice", "Void an invoice"),
            "posts.html": (
                "<html><body><ul>{% for post in site.posts %}"
                '<li><a href="{{ post.url }}">{{ post.title }}</a></li>{% endfor %}</ul>'
                "</body></html>"
            ),
        },
    )
    result = load(root)
    assert result.format == "html"
    assert sorted(a.path for a in result.articles) == [
        "invoices/numbering.html",
        "invoices/voiding.html",
    ]
    found = audit(root, Config(select=["QUAL006", "COV003"], as_of=AS_OF)).findings
    assert found == []


def test_unbuilt_jekyll_html_pages_front_matter_is_fields_and_liquid_no_text(
    tmp_path: Path,
) -> None:
    """A folder of a Jekyll site's `.html` sources, read by the HTML reader alone: the front
    matter gives the fields as it does on a Markdown page, and Liquid tags are no words."""
    root = write_files(
        tmp_path / "site",
        {
            "payments/refund.html": (
                "---\ntitle: Refund a card payment\ncategory: Payments\n"
                "tags: [refunds, cards]\nlast_modified_at: 2026-02-03\n---\n"
                "{% include notice.html %}\n<h1>{{ page.title }}</h1>\n"
                "<p>Open the payment in {{ site.product }} and choose "
                '<a href="{{ site.baseurl }}/payments/partial.html">Refund</a>. The money is '
                "back on the card within five working days.</p>\n"
                "{% if page.note %}<p>{{ page.note }}</p>{% endif %}\n"
            ),
            "payments/partial.html": (
                "---\ntitle: Issue a partial refund\ncategory: Payments\n---\n"
                "<h2>{{ page.title }}</h2>\n<p>Type the amount to give back before you "
                "confirm the refund; the rest of the payment stays charged.</p>\n"
            ),
        },
    )
    result = load(root)
    assert result.format == "html" and not result.problems
    articles = {a.path: a for a in result.articles}
    refund = articles["payments/refund.html"]
    assert refund.title == "Refund a card payment"
    assert refund.category == "Payments" and refund.tags == ("refunds", "cards")
    assert str(refund.updated_at) == "2026-02-03"
    assert refund.text.startswith("Open the payment in and choose Refund")
    assert not [t for a in result.articles for t in (a.text, *a.headings) if "{" in t or "---" in t]
    assert articles["payments/partial.html"].title == "Issue a partial refund"


def test_page_with_a_placeholder_and_text_is_an_article() -> None:
    from kbaudit.text import template_only

    body = "Your ticket number is {{ ticket.id }}; quote it when you call us.\n"
    assert not template_only(body, markdown(body))
    listing = "# Posts\n{% for p in site.posts %}\n- [{{ p.title }}]({{ p.url }})\n{% endfor %}\n"
    assert template_only(listing, markdown(listing))


def test_gitbook_page_of_an_embed_is_an_article() -> None:
    """GitBook's blocks (`{% embed %}`, `{% hint %}`, `{% content-ref %}`) are content the
    page shows, not template code: a page holding only its title and a video is a page."""
    from kbaudit.text import template_only

    video = '# Tour of the dashboard\n\n{% embed url="https://videos.example.com/v/tour" %}\n'
    assert not template_only(video, markdown(video))
    cards = '# Billing\n\n{% content-ref url="invoices.md" %}\n[invoices.md](invoices.md)\n{% endcontent-ref %}\n'
    assert not template_only(cards, markdown(cards))
    api = (
        '# Get an item\n\n{% openapi-operation spec="shop" path="/v1/items/{id}" method="get" %}\n'
    )
    assert "openapi" not in markdown(api).text  # a path parameter does not end the tag


def test_mkdocs_material_tags_index_is_no_article(tmp_path: Path) -> None:
    root = write_files(
        tmp_path / "site",
        {
            "docs/tags.md": "---\ntitle: Tags\n---\n# Tags\n\nBrowse articles by tag.\n\n[TAGS]\n",
            "docs/topics.md": "# Topics\n\n<!-- material/tags { include: [vpn] } -->\n",
            "docs/tagging.md": (
                "# How we tag pages\n\nEvery page lists its tags in the front matter; the "
                "site builds the index from them, and writers pick tags from the list below "
                "so that one subject never ends up under two spellings in the index. Ask the "
                "service desk team before adding a new tag to the list.\n\n[TAGS]\n"
            ),
        },
    )
    assert [a.path for a in load(root).articles] == ["docs/tagging.md"]


def test_document360_numeric_status(tmp_path: Path) -> None:
    def record(n: int, title: str, status: int) -> dict[str, object]:
        return {
            "id": f"7c1e4a90-0d2b-4f6e-9a51-{n:012d}",
            "title": title,
            "html_content": f"<p>{title}: open the Billing page and follow the steps shown.</p>",
            "category_id": "3f9d2b71-8a64-4c0e-b5d7-2e61a9c4f083",
            "public_version": 2 if status == 3 else 0,
            "latest_version": 2,
            "language_code": "en",
            "hidden": False,
            "status": status,
            "modified_at": "2026-10-02T09:15:00Z",
        }

    doc = {
        "data": [
            record(1, "Download an invoice", 3),
            record(2, "Change the billing currency", 0),
            record(3, "Split a payment", 7),  # not a documented value: left unread
        ],
        "success": True,
    }
    root = write_files(tmp_path / "kb", {"articles.json": json.dumps(doc)})
    result = load(root)
    assert result.format == "helpdesk"
    status = {a.title: a.status for a in result.articles}
    assert status == {
        "Download an invoice": "published",
        "Change the billing currency": "draft",
        "Split a payment": None,
    }


def test_intercom_tag_list_tags(tmp_path: Path) -> None:
    def article(n: int, title: str, tags: object) -> dict[str, object]:
        return {
            "type": "article",
            "id": str(8100 + n),
            "workspace_id": "k3x9q2",
            "parent_id": 1201,
            "parent_type": "collection",
            "parent_ids": [1201],
            "title": title,
            "description": "",
            "body": f"<p>{title}: open Settings, choose Billing and follow the steps.</p>",
            "author_id": 5521,
            "state": "published",
            "created_at": 1780000000,
            "updated_at": 1790000000,
            "url": f"https://help.example.test/en/articles/{8100 + n}",
            "tags": tags,
        }

    doc = {
        "type": "list",
        "data": [
            article(
                1,
                "Update your card",
                {
                    "type": "tag.list",
                    "tags": [
                        {"type": "tag", "id": "90311", "name": "billing"},
                        {"type": "tag", "id": "90312", "name": "cards"},
                    ],
                },
            ),
            article(2, "Download receipts", [{"type": "tag", "id": "90311", "name": "billing"}]),
            article(3, "Close your account", {"type": "tag.list", "tags": []}),
        ],
    }
    root = write_files(tmp_path / "kb", {"articles.json": json.dumps(doc)})
    result = load(root)
    assert result.format == "intercom"
    tags = {a.title: a.tags for a in result.articles}
    assert tags == {
        "Update your card": ("billing", "cards"),
        "Download receipts": ("billing",),
        "Close your account": (),
    }
    found = audit(root, Config(select=["TAX003"], as_of=AS_OF)).findings
    assert [f.article.title for f in found if f.article] == ["Close your account"]


def _intercom_article(n: int, title: str, tags: object) -> dict[str, object]:
    return {
        "type": "article",
        "id": str(8200 + n),
        "workspace_id": "k3x9q2",
        "parent_id": None,
        "author_id": 5521,
        "state": "published",
        "title": title,
        "body": f"<p>{title}: open Settings, choose Billing and follow the steps.</p>",
        "updated_at": 1790000000,
        "tags": tags,
    }


def test_intercom_tags_by_id_named_by_the_exports_tag_list(tmp_path: Path) -> None:
    """Tags given by id only take their names from a tags.json beside the articles, or from
    tags side-loaded in the articles' file."""
    by_id = [
        _intercom_article(1, "Update your card", {"type": "tag.list", "tags": [{"id": "90311"}]}),
        _intercom_article(2, "Download receipts", ["90311", 90312]),
    ]
    tag_list = {
        "type": "list",
        "data": [
            {"type": "tag", "id": "90311", "name": "billing"},
            {"type": "tag", "id": "90312", "name": "receipts"},
        ],
    }
    beside = write_files(
        tmp_path / "beside",
        {
            "articles.json": json.dumps({"type": "list", "data": by_id}),
            "tags.json": json.dumps(tag_list),
        },
    )
    side_loaded = write_files(
        tmp_path / "side-loaded",
        {"articles.json": json.dumps({"type": "list", "data": by_id, "tags": tag_list["data"]})},
    )
    for root in (beside, side_loaded):
        result = load(root)
        tags = [p for p in result.problems if p.code == "INPUT008"]
        assert result.format == "intercom" and not tags
        assert {a.title: a.tags for a in result.articles} == {
            "Update your card": ("billing",),
            "Download receipts": ("billing", "receipts"),
        }


def test_intercom_tags_by_id_with_no_names_are_left_out_and_reported_once(
    tmp_path: Path,
) -> None:
    articles = [
        _intercom_article(1, "Update your card", {"type": "tag.list", "tags": [{"id": "90311"}]}),
        _intercom_article(2, "Download receipts", ["90311", 90312, "receipts"]),
    ]
    root = write_files(tmp_path, {"articles.json": json.dumps({"type": "list", "data": articles})})
    result = load(root)
    assert {a.title: a.tags for a in result.articles} == {
        "Update your card": (),
        "Download receipts": ("receipts",),
    }
    [problem] = [p for p in result.problems if p.code == "INPUT008"]
    assert problem.code == "INPUT008" and problem.path == "articles.json"
    assert "90311, 90312" in problem.message


def test_links_out_of_the_audited_folder_are_judged_by_what_is_on_disk(tmp_path: Path) -> None:
    """A help center audited one section at a time links to its sibling sections: a page
    there is not in this KB but exists; a name that is nowhere is still a broken link."""
    write_files(
        tmp_path,
        {
            "education/setup.md": (
                "---\ntitle: Set up the classroom app\n---\nSee the [release notes]"
                "(../feedback/release-notes.md) and the [old notes](../feedback/gone.md).\n"
            ),
            "feedback/release-notes.md": "---\ntitle: Release notes\n---\nWhat changed.\n",
        },
    )
    config = Config(select=["QUAL006", "COV003"], as_of=AS_OF)
    found = audit(tmp_path / "education", config).findings
    assert [(f.rule, f.data["target"]) for f in found if f.rule == "QUAL006"] == [
        ("QUAL006", "../feedback/gone.md")
    ]
