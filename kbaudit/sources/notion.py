"""Notion workspace exports (Markdown & CSV, or HTML): every page and folder is named with the
page's 32-hex id (`Reset your password 1a2b...9f.md`), and a database page's properties
(`Owner: Ana`, `Last edited time: March 3, 2025 4:12 PM`, `Tags: billing, invoices`) are
written under its title: lines in Markdown, `<table class="properties">` in HTML. They are
the page's fields, not its text. A database's own view (its CSV, or the HTML page holding
`table.collection-content`) lists the pages exported beside it."""

from __future__ import annotations

import re
from typing import Any

from bs4 import BeautifulSoup

_ID = re.compile(r"\s[0-9a-f]{32}$")
# A property line: a short name, a colon, a value (`Last edited time: March 3, 2025 4:12 PM`).
_PROPERTY = re.compile(r"^([A-Za-z][\w ()/&.-]{0,39}?):[ \t]+(\S.*)$")
_H1 = re.compile(r"^#[ \t]+\S")
# Notion's names of its built-in properties -> the field names kbaudit reads.
_FIELDS = {
    "last_edited_time": "updated_at",
    "last_edited": "updated_at",
    "created_time": "created_at",
    "created": "created_at",
}


def strip_id(name: str) -> str:
    """A file or folder name without Notion's page id: `Billing 1a2b...9f` -> `Billing`."""
    return _ID.sub("", name)


def is_page(rel: str) -> bool:
    """Whether a file is a page of a Notion export (its name ends with the page's id)."""
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return _ID.search(stem) is not None


# A relation's value names the related page and its address: `PowerShell
# (https://www.notion.so/PowerShell-506e...?pvs=21)`, or its file (`(PowerShell%20506e....md)`).
_RELATION_LINK = re.compile(
    r"\((?:https?://(?:www\.)?notion\.(?:so|site)/[^()\s]{0,500}|[^()\s]{0,500}?[0-9a-f]{32}\.md)\)"
)


def _field(name: str) -> str:
    key = re.sub(r"\s+", "_", name.strip().casefold())
    return _FIELDS.get(key, key)


def _with_creator(meta: dict[str, Any]) -> dict[str, Any]:
    """`Created by` names the owner when the page has no owner or author property."""
    creator = meta.pop("created_by", None)
    if creator and not any(meta.get(k) for k in ("owner", "owners", "author", "authors")):
        meta["author"] = creator
    return meta


def markdown_properties(body: str) -> tuple[dict[str, Any], str]:
    """The property lines right under a page's `# Title` as fields, and the body with those
    lines blanked (line numbers stay those of the file)."""
    lines = body.split("\n")
    at = next((i for i, line in enumerate(lines) if line.strip()), None)
    if at is None or not _H1.match(lines[at]):
        return {}, body
    start = at + 1
    while start < len(lines) and not lines[start].strip():
        start += 1
    meta: dict[str, Any] = {}
    end = start
    while end < len(lines) and (m := _PROPERTY.match(lines[end].strip())):
        value = _RELATION_LINK.sub("", m.group(2)) if "(" in m.group(2) else m.group(2)
        meta[_field(m.group(1))] = re.sub(r"[ \t]+(?=,|$)", "", value).strip()
        end += 1
    if not meta or (end < len(lines) and lines[end].strip()):
        return {}, body  # a paragraph that starts with "Note: ...", not a block of properties
    return _with_creator(meta), "\n".join(lines[:start] + [""] * (end - start) + lines[end:])


def html_properties(soup: BeautifulSoup) -> dict[str, Any]:
    """The rows of the page's `table.properties` as fields; the table is taken out of the
    page so it is not read as text."""
    table = soup.select_one("table.properties")
    if table is None:
        return {}
    meta: dict[str, Any] = {}
    for row in table.select("tr"):
        head, cell = row.find("th"), row.find("td")
        if head is None or cell is None:
            continue
        values = [v.get_text(" ", strip=True) for v in cell.select(".selected-value")]
        value = ", ".join(v for v in values if v) or cell.get_text(" ", strip=True)
        if value:
            meta[_field(head.get_text(" ", strip=True))] = value.lstrip("@").strip()
    table.decompose()
    return _with_creator(meta)


def is_database_view(soup: BeautifulSoup) -> bool:
    """Whether an HTML page is a database's list view (its rows are pages of their own)."""
    return soup.select_one("table.collection-content") is not None
