"""API reference pages told from their raw text: operations and field tables."""

from __future__ import annotations

from kbaudit.apiref import Operation, api_reference, different_operations, operations


def test_operations_are_read_from_blocks_front_matter_and_request_lines() -> None:
    gitbook = (
        '{% openapi-operation spec="billing" path="/v1/invoices/{invoiceId}/" method="get" %}\n'
        "{% endopenapi-operation %}"
    )
    legacy = '{% swagger method="post" path="/v1/invoices" baseUrl="https://api.example.com" %}'
    front_matter = '---\nopenapi: "billing.yaml DELETE /v1/invoices/{id}"\n---\nDeletes one.'
    request = "## PATCH https://api.example.com/v1/invoices/:id\n\n```http\nGET /v1/invoices HTTP/1.1\n```"
    assert operations(gitbook) == {Operation("GET", "/v1/invoices/{}", "billing")}
    assert operations(legacy) == {Operation("POST", "/v1/invoices", "https://api.example.com")}
    assert operations(front_matter) == {Operation("DELETE", "/v1/invoices/{}", "billing.yaml")}
    assert operations(request) == {
        Operation("PATCH", "/v1/invoices/{}"),
        Operation("GET", "/v1/invoices"),
    }


def test_operations_are_read_from_endpoint_badges_and_api_keys() -> None:
    badge = (
        '<div class="endpoint">\n  <span class="method post">POST</span>\n'
        '  <span class="path">/api/v1/projects/{project_id}/items/</span>\n</div>'
    )
    nested = "<p><code>DELETE</code></p>\n<p><code>https://api.example.com/v1/items/:id</code></p>"
    mintlify = "---\ntitle: Create an item\napi: 'POST https://api.example.com/v1/items'\n---\n"
    assert operations(badge) == {Operation("POST", "/api/v1/projects/{}/items")}
    assert operations(nested) == {Operation("DELETE", "/v1/items/{}")}
    assert operations(mintlify) == {Operation("POST", "/v1/items")}


def test_prose_names_no_operation() -> None:
    assert operations("Get /invoices from the menu, then post the form.") == frozenset()
    assert operations("| GET | /v1/invoices |\n| --- | --- |") == frozenset()
    assert operations("<tr><td>GET</td><td>/v1/invoices</td></tr>") == frozenset()
    assert operations('<b>GET</b> <a href="/settings">your settings</a>') == frozenset()
    assert operations("<b>Get</b> <code>/v1/invoices</code>") == frozenset()


def _apart(a: str, b: str) -> bool:
    return different_operations(operations(a), operations(b))


def test_pages_are_apart_only_when_they_share_no_operation() -> None:
    get, delete = "GET /v1/items/{id}", "DELETE /v1/items/{itemId}"
    both = f"{get}\n\n{delete}"
    assert _apart(get, delete)
    assert not _apart(get, "## GET https://api.example.com/v1/items/:id")
    assert not _apart(both, delete)
    assert not _apart(get, "### GET /v1/items/{id}: Retrieve an item")
    assert not _apart(get, "- GET /v1/items/{id}.")
    assert not _apart(get, "Items hold a name and a price.")
    in_spec = '{% openapi-operation spec="catalog" path="/v1/items/{id}" method="get" %}'
    other_spec = '{% openapi-operation spec="programs" path="/v1/items/{id}" method="get" %}'
    assert _apart(in_spec, other_spec)
    assert not _apart(in_spec, get)  # a request line names no spec


def test_a_table_of_fields_and_types_makes_a_page_api_reference() -> None:
    markdown = "| Field | Type | Description |\n| --- | --- | --- |\n| `id` | string | The id. |"
    html = "<table><thead><tr><th width='140'>Parameter</th><th><strong>Type</strong></th></tr>"
    assert api_reference(markdown)
    assert api_reference(html)
    assert not api_reference("| Plan | Price |\n| --- | --- |\n| Pro | 10 |")
    assert not api_reference("The customer record holds a name and a type of plan.")
