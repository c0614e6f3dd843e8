"""Static-site KBs (Jekyll, Hugo): template tags are markup, links written with them resolve."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from kbaudit import text
from kbaudit.corpus import Corpus
from kbaudit.corpus.links import SiteLink, site_link, slug_forms, url_key
from kbaudit.normalize import PARENT_PAGE
from kbaudit.sources import load

from .conftest import write_files


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


_FLARE_SKIN = """<nav class="tab-bar" data-mc-ignore="true"><ul class="navigation">
<li><a href="../../02-Web/Home.htm">Home</a></li>
<li><a href="../01_Billing/Invoices.htm">Invoices and receipts</a></li></ul>
<form class="search"><input type="search" placeholder="Search" /></form></nav>"""


def _flare_topic(body: str, *, html_attrs: str = "", crumbs: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html xmlns:MadCap="http://www.madcapsoftware.com/Schemas/MadCap.xsd"'
        f' lang="en-us" data-mc-runtime-file-type="Topic;Default" {html_attrs}>\n'
        "<!-- saved from url=(0016)http://localhost -->\n"
        "<head><title>Topic</title></head>\n<body>\n"
        f'{_FLARE_SKIN}<section class="main-section"><div class="content"><div id="contentBody">'
        f"{crumbs}{body}"
        '<p class="copyright">Copyright © 2026 Example Ltd. All rights reserved.</p>'
        "</div></div></section>\n</body></html>\n"
    )


def test_a_built_flare_site_is_read_as_its_topics(tmp_path: Path) -> None:
    """MadCap Flare HTML5 output: the topics are the articles, without the skin's menus and
    the "You are here" trail and the copyright line; the help viewer's start page, the page
    redirecting to it, its search page and the print topics (a print-only condition, a
    generated index) are no articles and no problems."""
    crumbs = (
        '<div class="MCBreadcrumbsBox_0"><span class="MCBreadcrumbsPrefix">You are here: </span>'
        '<a class="MCBreadcrumbsLink" href="Start.htm">Getting started</a>'
        '<span class="MCBreadcrumbsDivider"> &gt; </span>'
        '<span class="MCBreadcrumbsSelf">Sign in</span></div>'
    )
    write_files(
        tmp_path,
        {
            "Content/00_Getting_Started/Sign_In.htm": _flare_topic(
                "<h1>Sign in to your workspace</h1><p>Open the sign-in page and enter the "
                "email address and password your administrator sent you.</p>",
                crumbs=crumbs,
            ),
            "Content/01_Billing/Invoices.htm": _flare_topic(
                "<h1>Download an invoice</h1><p>Open Billing and choose Download.</p>"
            ),
            "Content/00_Getting_Started/Start.htm": _flare_topic(
                '<h1>Getting started</h1><div class="MCMiniTocBox_0"><p class="MiniTOC1">'
                '<a href="Sign_In.htm" class="MiniTOC1">Sign in</a></p></div>'
            ),
            "Content/Search1.htm": _flare_topic(
                '<h1 id="results-heading">Your search for returned result(s).</h1>',
                html_attrs='class="searchTopic templateTopic"',
            ),
            "Index.html": (
                '<html><head><meta http-equiv="refresh" content="0; url=\'Help.htm\'">'
                "<title>Redirecting...</title></head><body>If you are not redirected, "
                '<a href="Help.htm">click here</a>.</body></html>'
            ),
            "Help.htm": (
                '<!DOCTYPE html><html data-mc-runtime-file-type="Default"><head><title></title>'
                '<script src="Resources/Scripts/MadCapAll.js"></script></head><body></body>'
                "</html>"
            ),
            "Content/02-Print Topics/Index.htm": (
                '\ufeff<?xml version="1.0" encoding="utf-8"?>\n<html xmlns:MadCap="http://www.'
                'madcapsoftware.com/Schemas/MadCap.xsd"><head></head><body>'
                '<p class="IndexHead">Index</p><MadCap:indexProxy /></body></html>'
            ),
            "Content/02-Print Topics/Back_Cover.htm": (
                '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns:MadCap="http://www.'
                'madcapsoftware.com/Schemas/MadCap.xsd" MadCap:conditions="Default.PrintOnly">'
                "<head></head><body><h1>Back cover</h1><p>Printed in 2026.</p></body></html>"
            ),
        },
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an XHTML topic is read without a parser warning
        result = load(tmp_path)
    assert result.problems == []
    by_path = {a.path: a for a in result.articles}
    assert sorted(by_path) == [
        "Content/00_Getting_Started/Sign_In.htm",
        "Content/00_Getting_Started/Start.htm",
        "Content/01_Billing/Invoices.htm",
    ]
    # a book's page that lists its topics (Flare's mini table of contents) is a section page
    assert by_path["Content/00_Getting_Started/Start.htm"].meta.get(PARENT_PAGE) is True
    assert PARENT_PAGE not in by_path["Content/01_Billing/Invoices.htm"].meta
    sign_in = by_path["Content/00_Getting_Started/Sign_In.htm"]
    assert sign_in.title == "Sign in to your workspace"
    assert sign_in.text.startswith("Sign in to your workspace\nOpen the sign-in page")
    assert "You are here" not in sign_in.text and "Invoices and receipts" not in sign_in.text
    assert "Copyright" not in sign_in.text
    # the mark of the web Flare writes (`saved from url=(0016)http://localhost`) is no address
    assert sign_in.url is None
    assert [link.target for link in sign_in.links] == []
    # folders numbered to sort them name the category without their number
    assert sign_in.category == "Getting Started"
    assert by_path["Content/01_Billing/Invoices.htm"].category == "Billing"


def test_sphinx_headings_that_link_back_to_the_contents_keep_their_words(tmp_path: Path) -> None:
    """docutils links each heading of a page with a local table of contents back to it
    (`<a class="toc-backref">`): the heading's words are the page's, not site chrome; the
    copies of the page sources a built Sphinx site keeps (`_sources/`) are no unread pages."""
    write_files(
        tmp_path,
        {
            "faq/licences.html": (
                "<html><head><title>Licences — Example 2.0 documentation</title></head><body>"
                '<div class="body" role="main"><h1>Licences</h1>'
                '<nav class="contents" id="contents"><ul><li><a class="reference internal" '
                'href="#servers" id="id1">Do I need a licence per server?</a></li></ul></nav>'
                '<section id="servers"><h2><a class="toc-backref" href="#id1" '
                'role="doc-backlink">Do I need a licence per server?</a><a class="headerlink" '
                'href="#servers">¶</a></h2><p>Yes: each server runs under its own licence.</p>'
                "</section></div></body></html>"
            ),
            "_sources/faq/licences.rst.txt": "Licences\n========\n",
            "searchindex.js": "Search.setIndex({})",
        },
    )
    result = load(tmp_path)
    assert result.problems == []
    [page] = result.articles
    assert page.headings == ("Licences", "Do I need a licence per server?")
    assert (
        page.text
        == "Licences\nDo I need a licence per server?\nYes: each server runs under its own licence."
    )


def test_a_site_built_with_directory_urls_files_pages_under_the_folder_above(
    tmp_path: Path,
) -> None:
    """MkDocs, Hugo and Docusaurus build each page as `<page>/index.html` (served as
    `<page>/`): the page's own folder is its address, not its category, and the home page
    holds the site's sections."""

    def page(title: str) -> str:
        return (
            f"<html><head><title>{title} - Example Docs</title></head><body><main>"
            f"<h1>{title}</h1><p>The steps to {title.lower()}, one by one.</p></main></body></html>"
        )

    write_files(
        tmp_path,
        {
            "index.html": page("Welcome"),
            "billing/refunds/index.html": page("Ask for a refund"),
            "billing/invoices/index.html": page("Download an invoice"),
            "account/password/index.html": page("Reset your password"),
        },
    )
    articles = load(tmp_path).articles
    assert {a.path: a.category for a in articles} == {
        "index.html": None,
        "billing/refunds/index.html": "billing",
        "billing/invoices/index.html": "billing",
        "account/password/index.html": "account",
    }
    assert Corpus(articles).section_pages == frozenset({"index.html"})


def test_a_robohelp_viewer_and_its_helper_frames_are_no_articles(tmp_path: Path) -> None:
    """Adobe RoboHelp's responsive output: `index.html` is the viewer (its topic iframe, the
    search panel's labels, a title of its own) and `access_cookies.htm` a helper frame; a
    page whose article is empty under the site's header, or is only a picture, is still an
    article (QUAL001, QUAL007)."""
    write_files(
        tmp_path,
        {
            "index.html": (
                "<html><head><title>Responsive HTML5</title>"
                '<script src="template/scripts/utils.js"></script></head><body>'
                '<div class="search-results">Display results with all search words</div>'
                '<div class="topic main" role="main">'
                '<iframe class="topic" name="rh_default_topic_frame_name"></iframe></div>'
                "</body></html>"
            ),
            "access_cookies.htm": (
                "<html><head><title>Cookies Read/Write</title></head><body>"
                "<h1>This is a dummy invisible iframe for reading/writing cookies</h1>"
                "</body></html>"
            ),
            "Printing_Reports.html": (
                "<html><head><title>Print a report</title></head><body><h1>Print a report</h1>"
                "<p>Open the report and choose Print in its menu.</p></body></html>"
            ),
            "Exporting.html": (
                "<html><head><title>Export data</title>"
                '<script src="template/scripts/utils.js"></script></head><body>'
                "<header>Example Help</header><main></main></body></html>"
            ),
            "Tabs.html": (  # a topic that is only a picture, under the site's copyright line
                "<html><head><title>Tabs</title>"
                '<script src="template/scripts/utils.js"></script></head><body>'
                '<p><img src="Tabs.png" usemap="#tabs" /></p>'
                '<p class="copyright">Copyright © 2026 Example Ltd.</p></body></html>'
            ),
        },
    )
    result = load(tmp_path)
    assert result.problems == []
    assert sorted(a.path for a in result.articles) == [
        "Exporting.html",
        "Printing_Reports.html",
        "Tabs.html",
    ]


def test_the_lists_a_static_site_builds_are_no_articles(tmp_path: Path) -> None:
    """Hugo's and Jekyll's built taxonomies (`tags/index.html` and a page per term) and
    the further pages of a list (`posts/page/2/`) list other pages, and Sphinx' viewcode
    pages (`_modules/`) show program source; a page about tags in
    the docs, or a `tags/index.html` with no terms below it, is an article. A post's links
    to its terms' pages are its fields, not its text."""

    def page(title: str, words: str) -> str:
        return f"<html><head><title>{title}</title></head><body><main><h1>{title}</h1><p>{words}</p></main></body></html>"

    listing = page("golang", "Getting started. Read more. Templates. Read more.")
    write_files(
        tmp_path,
        {
            "posts/getting-started/index.html": page("Getting started", "Install, then run."),
            "posts/page/2/index.html": listing,
            "tags/index.html": page("Tags", "go golang hugo"),
            "tags/golang/index.html": listing,
            "tags/go/index.html": listing,
            "categories/development/index.html": listing,
            "blog/tags/release/index.html": listing,  # Docusaurus' blog
            "_modules/example/client.html": page("example.client", "def connect(): pass"),
            "docs/features/tags/index.html": page(
                "Tag your tickets", "Open a ticket and add tags."
            ),
        },
    )
    assert sorted(a.path for a in load(tmp_path).articles) == [
        "docs/features/tags/index.html",
        "posts/getting-started/index.html",
    ]
    # the links a post prints to the pages of its terms are its tags and category
    write_files(
        tmp_path / "site3",
        {
            "posts/billing/index.html": (
                "<html><head><title>Pay by card</title></head><body><article>"
                "<h1>Pay by card</h1><div><a href='/categories/billing/'>Billing</a></div>"
                "<div><a href='/tags/cards/'>cards</a>, <a href='../../tags/fees/'>#fees</a></div>"
                "<p>Open Billing and add a card.</p></article></body></html>"
            )
        },
    )
    [post] = load(tmp_path / "site3").articles
    assert (post.tags, post.category) == (("cards", "fees"), "Billing")
    assert post.text == "Pay by card\nOpen Billing and add a card."
    write_files(tmp_path / "site2", {"tags/index.html": page("Tags", "Label each ticket.")})
    assert [a.path for a in load(tmp_path / "site2").articles] == ["tags/index.html"]


def test_a_vitepress_site_in_a_repository_is_the_kb(tmp_path: Path) -> None:
    """A repository that holds a VitePress site (`.vitepress/config.ts`, pages under its
    `srcDir`) beside the apps' READMEs: the site's pages are the KB, published at their path
    below the source folder, so a link by that address reaches its page and anchor."""
    from kbaudit.audit import audit
    from kbaudit.config import Config

    from .conftest import AS_OF

    body = "Tallybird refunds a payment to the card it came from within five working days."
    write_files(
        tmp_path,
        {
            "README.md": "# Tallybird\n\nBuild the apps with `make`.\n",
            "apps/mobile/README.md": "# Mobile app\n\nRun `flutter build`.\n",
            "apps/mobile/docs/release.md": "# Releasing\n\nTag the commit and push.\n",
            "apps/mobile/pubspec.yaml": "name: tallybird\n",
            "apps/mobile/listing/title.txt": "Tallybird invoices\n",
            "docs/.vitepress/config.ts": 'export default { srcDir: "./src", title: "Help" }\n',
            "docs/src/public/embed.html": "<html><body>widget</body></html>\n",
            "docs/src/billing/refunds.md": f"# Refunds\n\n{body}\n\n## Partial refunds\n\n{body}\n",
            "docs/src/billing/invoices.md": (
                f"# Invoices\n\n{body}\n\nSee [partial refunds](/billing/refunds#partial-refunds)"
                " and [refund fees](/billing/refunds#refund-fees).\n"
            ),
            "docs/src/index.md": f"# Tallybird help\n\n{body} [Refunds](/billing/refunds).\n",
        },
    )
    result = load(tmp_path)
    assert sorted(a.path for a in result.articles) == [
        "docs/src/billing/invoices.md",
        "docs/src/billing/refunds.md",
        "docs/src/index.md",
    ]
    found = audit(tmp_path, Config(as_of=AS_OF, select=["QUAL006", "COV003", "INPUT007"]))
    assert [(f.rule, f.where) for f in found.findings] == [
        ("QUAL006", "docs/src/billing/invoices.md")
    ]
    assert "refund-fees" in found.findings[0].message


def test_a_vitepress_sidebar_files_the_pages(tmp_path: Path) -> None:
    """The sidebar of a VitePress site, in its config or in a `sidebar.ts` beside it, files
    its pages under its groups (a page with items is its section's page); a translation the
    sidebar does not list is filed as the page it translates, not by its folder's name."""
    write_files(
        tmp_path,
        {
            "docs/.vitepress/config.ts": (
                'import { sidebar } from "./sidebar";\n'
                "export default { srcDir: '.', themeConfig: { sidebar: sidebar } };\n"
            ),
            "docs/.vitepress/sidebar.ts": (
                "import type { DefaultTheme } from 'vitepress';\n"
                "// groups of the help center\n"
                "export const sidebar: DefaultTheme.Sidebar = [\n"
                "  { text: 'Two-factor codes', items: [\n"
                "    { text: 'Overview', link: '/auth/', items: [\n"
                "      { text: 'Back up codes', link: '/auth/backup.html' },\n"
                "    ] },\n"
                "  ] },\n"
                "  { text: 'Billing', items: [{ text: 'Refunds', link: '/refunds' }] },\n"
                "];\n"
            ),
            "docs/auth/index.md": "# Two-factor codes\n\nKeep your codes in one place.\n",
            "docs/auth/backup.md": "# Back up your codes\n\nExport them to a file.\n",
            "docs/de/auth/index.md": "# Zwei-Faktor-Codes\n\nBewahre deine Codes auf.\n",
            "docs/refunds.md": "# Get a refund\n\nSelect Refund on the invoice.\n",
        },
    )
    articles = {a.path: a for a in load(tmp_path).articles}
    assert {p: a.category for p, a in articles.items()} == {
        "docs/auth/index.md": "Two-factor codes",
        "docs/auth/backup.md": "Two-factor codes > Overview",
        "docs/de/auth/index.md": "Two-factor codes",
        "docs/refunds.md": "Billing",
    }
    assert articles["docs/auth/index.md"].meta.get(PARENT_PAGE) is True
