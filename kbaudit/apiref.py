"""API reference pages, told from a page's raw text (Markdown, MDX or HTML): the operations a
page documents and whether it documents an API's objects field by field.

An operation is read where the page names one: a docs platform's block drawing it from a spec
(GitBook's `{% openapi-operation spec="billing" path="/v1/invoices/{id}" method="get" %}`,
its older `{% swagger %}` and `{% api-method %}`), a front-matter key (`openapi: GET
/v1/invoices`, `api: POST https://api.example.com/v1/invoices`), a line that is a request
(`GET /v1/invoices/{id}`, `## DELETE https://api.example.com/v1/invoices/{id}`), or an
endpoint badge (an element holding the method, then one holding the path). Only patterns,
no parsing: this module is light.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_METHODS = "GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS"


@dataclass(frozen=True)
class Operation:
    """One operation of an API: its HTTP method, its path with the names of its parameters
    left out (`/v1/items/{}`), and the spec it comes from when the page names one."""

    method: str
    path: str
    spec: str = ""

    def same(self, other: Operation) -> bool:
        """The same operation: one method and path, and one spec where both name theirs."""
        return (
            self.method == other.method
            and self.path == other.path
            and (not self.spec or not other.spec or self.spec == other.spec)
        )


# A docs platform's block that draws an operation from a spec. A value may hold `{id}`.
_OPERATION_TAG = re.compile(
    r"\{%-?[ \t]*(?:openapi(?:-operation|-webhook)?|swagger|api-method)[ \t]"
    r"((?:[^%{}\n]|\{[\w.-]{0,60}\}){0,600})%\}"
)
_ATTRIBUTE = re.compile(r"""(?<![\w-])([\w-]++)\s*+=\s*+(?:"([^"]*+)"|'([^']*+)')""")
# `openapi: GET /v1/items`, `openapi: "billing.yaml post /v1/items"` or `api: "POST
# https://api.example.com/v1/items"` (front matter).
_OPERATION_KEY = re.compile(
    rf"(?im)^(?:openapi|api):[ \t]*[\"']?(?:([^\s\"']+)[ \t]+)?({_METHODS})[ \t]+"
    r"(?:https?://[^\s/\"']+)?(/[^\s\"']*)"
)
# A line that is a request: the method in capitals, then a path or a URL, after Markdown or
# HTML marks (`## `, `` ` ``, `<code>`) and before an optional `HTTP/1.1`.
_REQUEST_LINE = re.compile(
    rf"(?m)^(?:[ \t>#*`|-]|<[a-z][^<>\n]{{0,80}}>)*({_METHODS})[ \t]+"
    r"(?:https?://[^\s/`'\"<>]+)?(/[^\s`'\"<>?#]*)"
)
# An endpoint badge: an element holding only the method, then (a few tags on) the path
# (`<span class="method">POST</span> <span class="path">/v1/items</span>`); not a table's
# cells, which list endpoints as Markdown tables do.
_BADGE = re.compile(
    rf"(?i)>[ \t]*+((?-i:{_METHODS}))[ \t]*+</(?!t[dh]>)[a-z][\w-]*+>\s*+(?:</?[a-z][^<>\n]{{0,120}}>\s*+){{1,4}}"
    r"(?:https?://[^\s/<>'\"`]+)?(/[^\s<>'\"`?#]*)"
)
_PARAMETER = re.compile(r"\{[^{}/]*\}|:[A-Za-z_]\w*|<[^<>/]*>")


def _path(path: str) -> str:
    """`/v1/items/{itemId}/`, `/v1/items/:id` -> `/v1/items/{}` (a sentence's stop or colon
    after it is no part of it: `## GET /v1/items/{id}: Retrieve an item`)."""
    return _PARAMETER.sub("{}", path.rstrip(".,;:")).rstrip("/") or "/"


def operations(raw: str) -> frozenset[Operation]:
    """The API operations a page documents (empty for a page that documents none)."""
    found: set[Operation] = set()
    if "{%" in raw:
        for tag in _OPERATION_TAG.finditer(raw):
            values = {
                m[1].lower(): m[2] if m[2] is not None else m[3]
                for m in _ATTRIBUTE.finditer(tag[1])
            }
            if values.get("path") and values.get("method"):
                spec = values.get("spec") or values.get("src") or values.get("baseurl") or ""
                found.add(Operation(values["method"].upper(), _path(values["path"]), spec))
    for m in _OPERATION_KEY.finditer(raw):
        found.add(Operation(m[2].upper(), _path(m[3]), m[1] or ""))
    for m in _REQUEST_LINE.finditer(raw):
        found.add(Operation(m[1], _path(m[2])))
    if "</" in raw:
        for m in _BADGE.finditer(raw):
            found.add(Operation(m[1], _path(m[2])))
    return frozenset(found)


def different_operations(ours: frozenset[Operation], theirs: frozenset[Operation]) -> bool:
    """Whether two pages each document API operations (`operations`) and share none: `GET
    /v1/items/{id}` and `DELETE /v1/items/{id}` are two answers however alike their prose."""
    return bool(ours and theirs) and not any(x.same(y) for x in ours for y in theirs)


# The header row of a table: Markdown (a row over a `|---|` line) or HTML (`<th>` cells).
_MARKDOWN_HEADER = re.compile(r"(?m)^[ \t]*+(\|?[^\n|]*+\|[^\n]*+)\n[ \t]*+\|?[ \t]*+:?-{3,}")
_HTML_HEADER = re.compile(r"(?is)<tr\b[^>]{0,200}>((?:\s*<th\b[^>]{0,300}>.{0,300}?</th>)+)")
_HTML_CELL = re.compile(r"(?is)<th\b[^>]{0,300}>(.{0,300}?)</th>")
_FIELD_CELLS = frozenset(
    ["field", "fields", "field name", "name", "key", "parameter", "parameters", "param",
     "parameter name", "property", "properties", "property name", "attribute", "attributes"]
)  # fmt: skip
_TYPE_CELLS = frozenset(["type", "data type", "datatype", "value type"])


def _cell(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^<>]*>|[*_`]", "", text)).strip().lower()


def documents_fields(raw: str) -> bool:
    """Whether a page has a table of an object's fields: a header naming the fields
    (Field, Name, Parameter, Property, Attribute) and their type."""
    rows = [m[1].strip().strip("|").split("|") for m in _MARKDOWN_HEADER.finditer(raw)]
    if "<th" in raw:
        rows += [_HTML_CELL.findall(m[1]) for m in _HTML_HEADER.finditer(raw)]
    for row in rows:
        cells = {_cell(c) for c in row}
        if cells & _FIELD_CELLS and cells & _TYPE_CELLS:
            return True
    return False


@lru_cache(maxsize=4)
def api_reference(raw: str) -> bool:
    """Whether a page is API reference: it documents operations, or an object's fields."""
    return bool(operations(raw)) or documents_fields(raw)
