"""Static-site KBs (Jekyll, Hugo): template tags are markup, links written with them resolve."""

from __future__ import annotations

import pytest

from kbaudit import text
from kbaudit.corpus.links import SiteLink, site_link, slug_forms, url_key


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("{{ site.baseurl }}/article/reset/", SiteLink("/article/reset/", False, "")),
        ("{{site.url}}{{site.baseurl}}/a/b.html#top", SiteLink("/a/b.html", False, "top")),
        ('{{ "/billing/" | relative_url }}', SiteLink("/billing/", False, "")),
        ("{{ '/x/' | prepend: site.baseurl }}#y", SiteLink("/x/", False, "y")),
        ("{% link _articles/refunds.md %}", SiteLink("_articles/refunds.md", False, "")),
        ("{% post_url 2024-01-02-launch %}", SiteLink("2024-01-02-launch", True, "")),
        ('{{< ref "refunds.md#partial" >}}', SiteLink("refunds.md", True, "partial")),
        ('{{% relref "/docs/a.md" %}}', SiteLink("/docs/a.md", True, "")),
        ("%7B%7B%20site.baseurl%20%7D%7D/a/", SiteLink("/a/", False, "")),
        ("../billing/refunds.md", None),
        ("https://example.com/{{x}}", None),
    ],
)
def test_site_links(target: str, expected: SiteLink | None) -> None:
    assert site_link(target) == expected


@pytest.mark.parametrize(
    ("path", "key"),
    [("/Billing/Change-Plan/", "billing/change-plan"), ("a/index.html", "a"), ("/", "")],
)
def test_url_keys(path: str, key: str) -> None:
    assert url_key(path) == key


def test_heading_slugs_cover_the_generators() -> None:
    assert {"whats-new-in-v2", "what_s_new_in_v2"} & slug_forms("What's new in v2?")
    assert "yearly-plans" in slug_forms("Yearly plans {#yearly}")


def test_template_tags_are_not_text() -> None:
    body = (
        "## {{ page.product }} settings {#settings}\n\n"
        '{% include notice.html level="warning" %}\n\n'
        "Hello {{ customer.name }}, open [the guide]({{ site.baseurl }}/article/guide/).\n\n"
        "{{< note >}}Back up first.{{< /note >}}\n\n"
        "{% comment %}Ask legal about the wording here.{% endcomment %}\n\n"
        "```\n{{ kept in code }}\n```\n"
    )
    out = text.markdown(body)
    assert out.headings == ("settings",)
    for leaked in ("include", "notice", "page", "customer", "comment", "legal", "baseurl"):
        assert leaked not in text.words(out.text), leaked
    assert "{{ kept in code }}" in out.text
    assert out.links[0].target == "{{ site.baseurl }}/article/guide/"
    assert text.words(out.text)[:7] == ["settings", "hello", "open", "the", "guide", "back", "up"]


def test_liquid_tag_lines_are_blank_lines_as_jekyll_renders_them() -> None:
    """A `{% capture %}` line right under a tab panel's `<div>` ends the HTML block, so the
    Markdown captured below it is read as Markdown; tag lines in fenced code are kept."""
    body = (
        '<div class="tab-pane" id="web">\n'
        "{% capture web_steps %}\n"
        "### In the browser\n\n"
        "1. Open **Settings**.\n"
        "{% endcapture %}\n"
        "{{ web_steps | markdownify }}\n"
        "</div>\n\n"
        "{% comment %}\nDraft note for reviewers.\n{% endcomment %}\n\n"
        "```liquid\n{% if user %}\nHi\n{% endif %}\n```\n"
        "Done.\n"
    )
    out = text.markdown(body, line_offset=3)
    assert out.headings == ("In the browser",)
    assert "###" not in out.text
    assert "Draft" not in out.text
    assert "{% if user %}\nHi\n{% endif %}" in out.text
    assert text.words(out.text)[-1] == "done"


def test_headings_written_in_html_inside_markdown_are_headings() -> None:
    extracted = text.markdown(
        'Pair the screen first.\n\n<h2 id="wifi">Connect to <b>Wi-Fi</b></h2>\n\n'
        "Choose the network.\n\n## Reset the screen\n\nHold the button.\n"
    )
    assert extracted.headings == ("Connect to Wi-Fi", "Reset the screen")
    assert "Connect to Wi-Fi" in extracted.text and extracted.h1 is None
