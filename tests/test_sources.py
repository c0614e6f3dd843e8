"""Markdown and HTML sources, field normalisation, dates, detection, git dates."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest

from kbaudit.dates import parse_date
from kbaudit.errors import SourceError
from kbaudit.sources import SourceOptions, git_dates, load
from kbaudit.sources.markdown import split_front_matter
from kbaudit.sources.tree import glob_match
from kbaudit.text import html as extract_html

from .conftest import write_files


def write(root: Path, rel: str, text: str | bytes) -> Path:
    return write_files(root, {rel: text}) / rel


@pytest.mark.parametrize(
    ("value", "order", "expected"),
    [
        ("2024-05-01", "mdy", dt.date(2024, 5, 1)),
        ("05/01/2024", "mdy", dt.date(2024, 5, 1)),
        ("05/01/2024", "dmy", dt.date(2024, 1, 5)),
        ("01.05.2024", "mdy", dt.date(2024, 5, 1)),
        ("01.05.2024 10:00", "dmy", dt.date(2024, 5, 1)),
        ("13/01/2024", "mdy", dt.date(2024, 1, 13)),
        ("2026-02-11T09:30:00Z", "mdy", dt.date(2026, 2, 11)),
        ("March 4, 2026", "mdy", dt.date(2026, 3, 4)),
        ("4 March 2026", "mdy", dt.date(2026, 3, 4)),
        # Notion's "Last edited time" property, in its Markdown and HTML exports
        ("March 3, 2025 4:12 PM", "mdy", dt.date(2025, 3, 3)),
        ("Tue Mar 10 08:15:02 2026 UTC", "dmy", dt.date(2026, 3, 10)),  # `date` / ctime()
        ("Wed Jun 3 2026 CET", "mdy", dt.date(2026, 6, 3)),
        ("Fri Oct 2 11:00:00 UTC 2026", "mdy", dt.date(2026, 10, 2)),
        ("@March 3, 2025 4:12 PM", "mdy", dt.date(2025, 3, 3)),
        ("3 March 2025 16:12", "dmy", dt.date(2025, 3, 3)),
        (1700000000, "mdy", dt.date(2023, 11, 14)),
        (1700000000000, "mdy", dt.date(2023, 11, 14)),
        (dt.date(2020, 1, 2), "mdy", dt.date(2020, 1, 2)),
        # spreadsheet serial dates, as a sheet saved as CSV writes them
        ("45413", "mdy", dt.date(2024, 5, 1)),
        ("45413.75", "dmy", dt.date(2024, 5, 1)),
        (45413, "mdy", dt.date(2024, 5, 1)),
        (36526.0, "mdy", dt.date(2000, 1, 1)),
        # month names in the export's language, CJK dates
        ("14. Mai 2024", "mdy", dt.date(2024, 5, 14)),
        ("3 févr. 2023", "mdy", dt.date(2023, 2, 3)),
        ("14 de mayo de 2024", "mdy", dt.date(2024, 5, 14)),
        ("mei 14, 2024", "mdy", dt.date(2024, 5, 14)),
        ("1 agosto 2022", "mdy", dt.date(2022, 8, 1)),
        ("2024年5月14日", "mdy", dt.date(2024, 5, 14)),
        ("5月 14, 2024", "mdy", dt.date(2024, 5, 14)),
    ],
)
def test_parse_date(value: object, order: str, expected: dt.date) -> None:
    assert parse_date(value, order) == expected


@pytest.mark.parametrize(
    "value",
    ["sometime last spring", "", True, "2024-13-45", "12345", "99999.5", "14 Brumaire 2024"],
)
def test_parse_date_rejects(value: object) -> None:
    with pytest.raises(ValueError):
        parse_date(value)


def test_front_matter_aliases_and_body(tmp_path: Path) -> None:
    write(
        tmp_path,
        "billing/refunds.md",
        (
            "---\ntitle: Refund a payment\nms.date: 05/01/2024\nlabels: [refunds, payments]\n"
            "ms.author: dana\nsection: Billing\nreview_by: 2025-01-01\nlocale: en_US\n---\n"
            "# Refund a payment\n\nOpen **Payments** and see [fees](../fees.md).\n\n"
            "## Steps\n\n![refund button](img/r.png)\n"
        ),
    )
    result = load(tmp_path)
    assert result.format == "markdown"
    [a] = result.articles
    assert (a.title, a.category, a.tags, a.owner) == (
        "Refund a payment",
        "Billing",
        ("refunds", "payments"),
        "dana",
    )
    assert a.updated_at == dt.date(2024, 5, 1)
    assert a.review_at == dt.date(2025, 1, 1)
    assert a.locale == "en-us"
    assert a.headings == ("Refund a payment", "Steps")
    assert [(link.target, link.internal) for link in a.links] == [("../fees.md", True)]
    assert a.images[0].alt == "refund button"
    assert "Open Payments and see fees" in a.text
    assert a.links[0].line == 12  # line in the file, front matter included


def test_configured_field_names_and_category_from_path(tmp_path: Path) -> None:
    write(tmp_path, "payroll/run.md", "---\nreviewed_on: 2026-01-02\nteam: ops\n---\nBody text\n")
    options = SourceOptions(
        fields={"updated_at": ["reviewed_on"], "owner": "team"}, category_from="path"
    )
    [a] = load(tmp_path, options=options).articles
    assert (a.updated_at, a.owner, a.category) == (dt.date(2026, 1, 2), "ops", "payroll")


def test_title_falls_back_to_h1_then_empty(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "# Heading title\n\ntext")
    write(tmp_path, "b.md", "no heading here")
    a, b = load(tmp_path).articles
    assert a.title == "Heading title"
    assert b.title == ""


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('---\ntitle: "unclosed\n---\nbody', "INPUT002"),
        ("---\n- a\n- b\n---\nbody", "INPUT002"),
        ("---\ntitle: never closed\nbody", "INPUT002"),
        ("---\nupdated_at: sometime last spring\n---\nbody", "INPUT004"),
        ('+++\ntitle = "unclosed\n+++\nbody', "INPUT002"),
        ('+++\ntitle = "never closed"\nbody', "INPUT002"),
    ],
)
def test_bad_front_matter_is_a_problem_not_a_crash(tmp_path: Path, text: str, code: str) -> None:
    write(tmp_path, "bad.md", text)
    write(tmp_path, "good.md", "---\ntitle: Good one\n---\nbody")
    result = load(tmp_path)
    assert [p.code for p in result.problems] == [code]
    assert result.problems[0].path == "bad.md"
    assert len(result.articles) == 2  # the bad file is still audited, without lost text


def test_yaml_error_names_the_line() -> None:
    _, _, _, problem = split_front_matter("---\ntitle: ok\nowner: [a\n---\nbody", "x.md")
    assert problem is not None and problem.line is not None and "line" in problem.message


def test_toml_front_matter(tmp_path: Path) -> None:
    write(
        tmp_path,
        "reset.md",
        '+++\ntitle = "Reset your password"\ndate = 2026-05-01\ntags = ["account", "login"]\n'
        'categories = ["account"]\nauthor = "Ana"\n+++\n\n# Reset\n\nOpen the sign-in page.\n',
    )
    result = load(tmp_path)
    assert not result.problems
    (article,) = result.articles
    assert article.title == "Reset your password"
    assert article.updated_at == dt.date(2026, 5, 1)
    assert article.tags == ("account", "login")
    assert article.category == "account" and article.owner == "Ana"
    assert article.text.startswith("Reset")


def test_static_site_generator_fields(tmp_path: Path) -> None:
    """Docusaurus `last_update: {date}` and author objects, Jekyll `last_modified_at`."""
    write(
        tmp_path,
        "a.md",
        "---\ntitle: A\nlast_update:\n  date: 2026-01-02\n  author: Bo\n"
        "authors:\n  - name: Ana\n    email: ana@example.com\n  - Bo\n---\nbody\n",
    )
    write(
        tmp_path,
        "b.md",
        "---\ntitle: B\nlast_modified_at: 2025-03-04\nauthor: {name: Cy}\n---\nb\n",
    )
    result = load(tmp_path)
    assert not result.problems
    got = {a.title: (a.updated_at, a.owner) for a in result.articles}
    assert got == {"A": (dt.date(2026, 1, 2), "Ana, Bo"), "B": (dt.date(2025, 3, 4), "Cy")}


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("Refunds &amp; Returns", "Refunds & Returns"),
        ("Don&#39;t lose receipts", "Don't lose receipts"),
        ("R&D budgets", "R&D budgets"),
        ("Terms &notes", "Terms &notes"),
        # strong emphasis in a title field shows as its words
        ('"Manage your **account**"', "Manage your account"),
        ("__Export__ your data", "Export your data"),
        ("snake__case__name and 2 ** 3", "snake__case__name and 2 ** 3"),
    ],
)
def test_character_references_in_a_title_field_are_the_characters_a_page_shows(
    tmp_path: Path, written: str, shown: str
) -> None:
    write(tmp_path, "a.md", f"---\ntitle: {written}\n---\nbody\n")
    assert load(tmp_path).articles[0].title == shown


def test_locale_folders_of_translated_file_names_are_no_category(tmp_path: Path) -> None:
    """Translations whose file names are translated slugs share no file name across locale
    folders, but their own locale fields say the folders are languages, not topics; folders
    named like languages whose articles say nothing of the kind stay categories."""
    pages = {
        "help/en/billing/pay-an-invoice.md": ("en", "Pay an invoice"),
        "help/en/account/close-your-account.md": ("en", "Close your account"),
        "help/fr/billing/payer-une-facture.md": ("fr", "Payer une facture"),
        "help/fr/account/fermer-votre-compte.md": ("fr", "Fermer votre compte"),
    }
    for rel, (locale, title) in pages.items():
        write(tmp_path, rel, f"---\ntitle: {title}\nlocale: {locale}\n---\nText.\n")
    assert {a.path: a.category for a in load(tmp_path).articles} == {
        "help/en/account/close-your-account.md": "account",
        "help/en/billing/pay-an-invoice.md": "billing",
        "help/fr/account/fermer-votre-compte.md": "account",
        "help/fr/billing/payer-une-facture.md": "billing",
    }
    internal = tmp_path / "internal"
    write(internal, "it/laptops/request-a-laptop.md", "---\ntitle: Request a laptop\n---\nx\n")
    write(internal, "hr/leave/book-leave.md", "---\ntitle: Book leave\n---\nx\n")
    assert {a.path: a.category for a in load(internal).articles} == {
        "hr/leave/book-leave.md": "hr > leave",
        "it/laptops/request-a-laptop.md": "it > laptops",
    }


def test_list_of_categories_files_the_article_under_its_first_term(tmp_path: Path) -> None:
    """Hugo's and Jekyll's `categories:` lists (flow, block, TOML) are terms, not one path."""
    write(tmp_path, "a.md", "---\ntitle: Pay an invoice\ncategories: [Billing, Invoices]\n---\nx\n")
    write(
        tmp_path,
        "b.md",
        "---\ntitle: Get a receipt\ncategories:\n  - Billing\n  - Receipts\n---\nx\n",
    )
    write(tmp_path, "c.md", '+++\ntitle = "Plans"\ncategories = ["", "Billing"]\n+++\nx\n')
    write(tmp_path, "d.md", "---\ntitle: Refunds\ncategories: [{name: Billing, id: 4}]\n---\nx\n")
    result = load(tmp_path)
    assert not result.problems
    assert {a.path: a.category for a in result.articles} == dict.fromkeys(
        ("a.md", "b.md", "c.md", "d.md"), "Billing"
    )
    assert result.articles[0].meta["categories"] == ["Billing", "Invoices"]
    write(tmp_path, "e.md", "---\ntitle: Refunds\ncategory: [Billing, Refunds]\n---\nx\n")
    assert load(tmp_path).articles[-1].category == "Billing > Refunds"  # one, as its path


def test_docusaurus_last_update_author_is_the_owner(tmp_path: Path) -> None:
    write(
        tmp_path,
        "docs/close-account.md",
        "---\ntitle: Close your account\nlast_update:\n  author: Maria Lopez\n"
        "  date: 3/14/2025\n---\nOpen Settings.\n",
    )
    write(
        tmp_path,
        "docs/other.md",
        "---\nlast_update: {author: Bo, date: 2025-01-02}\nauthor: Ana\n---\nx\n",
    )
    result = load(tmp_path)
    assert not result.problems
    got = {a.path: (a.owner, a.updated_at) for a in result.articles}
    assert got == {
        "docs/close-account.md": ("Maria Lopez", dt.date(2025, 3, 14)),
        "docs/other.md": ("Ana", dt.date(2025, 1, 2)),
    }


def test_toml_error_names_the_line() -> None:
    _, _, _, problem = split_front_matter('+++\ntitle = "ok"\nowner = [a\n+++\nbody', "x.md")
    assert problem is not None and "TOML" in problem.message and problem.line == 3


def test_latin1_file_is_read_and_reported(tmp_path: Path) -> None:
    write(tmp_path, "cafe.md", "---\ntitle: Caf\xe9\n---\nCaf\xe9 menu".encode("latin-1"))
    result = load(tmp_path)
    assert [p.code for p in result.problems] == ["INPUT003"]
    assert result.articles[0].title == "Café"
    assert "UTF-8" in result.problems[0].message


@pytest.mark.parametrize(
    "head",
    [
        '<meta charset="ISO-8859-1">',
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
    ],
)
def test_html_page_in_its_declared_charset_is_not_an_encoding_problem(
    tmp_path: Path, head: str
) -> None:
    page = f"<html><head>{head}</head><body><article><h1>Caf\xe9</h1><p>Menu \xe0 la carte"
    write(tmp_path, "cafe.html", page.encode("latin-1"))
    result = load(tmp_path)
    assert result.problems == []
    assert result.articles[0].title == "Café" and "à la carte" in result.articles[0].text


def test_inline_and_front_matter_ignores(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.md",
        "---\nkbaudit: {ignore: [stale001]}\n---\n<!-- kbaudit: ignore QUAL003, QUAL002 -->\n",
    )
    [a] = load(tmp_path).articles
    assert a.ignores == {"STALE001", "QUAL003", "QUAL002"}


def test_include_exclude_globs(tmp_path: Path) -> None:
    for rel in ("README.md", "docs/a.md", "docs/includes/snippet.md", "docs/b.md"):
        write(tmp_path, rel, "---\ntitle: x\n---\ntext")
    options = SourceOptions(exclude=["README.md", "includes/**", "docs/includes/**"])
    assert [a.path for a in load(tmp_path, options=options).articles] == ["docs/a.md", "docs/b.md"]
    assert glob_match("x/README.md", ["README.md"])
    assert glob_match("README.md", ["/README.md"]) and not glob_match("x/README.md", ["/README.md"])
    assert not glob_match("docs/a.md", ["includes/**"])


def test_documentation_of_tools_beside_the_kb_is_not_read(tmp_path: Path) -> None:
    """A repository audited from its root: a folder whose only page is a README next to a
    program (a script, a package manifest) holds a tool; its pages, nested ones too, are the
    tool's documentation. A section's README among other pages, and a site generator's
    folder that holds most pages, stay articles."""
    page = "---\ntitle: Page\n---\nSteps to follow in the garden planner."
    for rel in ("articles/Beds/Raised beds.md", "articles/Beds/Soil mix.md", "guide/README.md"):
        write(tmp_path, rel, page)
    write(tmp_path, "guide/watering.md", page)
    write(tmp_path, "guide/schedule.py", "print('sample')\n")
    write(tmp_path, "tools/linter/README.md", "# Linter\n\nRun `npm test`.")
    write(tmp_path, "tools/linter/package.json", "{}")
    write(tmp_path, "tools/linter/rules/Rules.md", "# Rules\n\nEach rule checks a page.")
    write(tmp_path, "tools/linter/rules/r1.js", "module.exports = {}\n")
    write(tmp_path, "tools/sync/README.md", "# Sync\n\nSet the token first.")
    write(tmp_path, "tools/sync/sync.py", "print('sync')\n")
    paths = [a.path for a in load(tmp_path).articles]
    assert paths == [
        "articles/Beds/Raised beds.md",
        "articles/Beds/Soil mix.md",
        "guide/README.md",
        "guide/watering.md",
    ]
    assert [a.category for a in load(tmp_path).articles][:2] == ["articles > Beds"] * 2

    site = tmp_path / "site"
    write(site, "website/README.md", "# Website\n\nnpm start")
    write(site, "website/docusaurus.config.js", "module.exports = {}\n")
    for name in ("plant", "prune", "harvest"):
        write(site, f"website/docs/{name}.md", page)
    paths = [a.path for a in load(site).articles]  # the site's README is no page of it
    assert paths == ["website/docs/harvest.md", "website/docs/plant.md", "website/docs/prune.md"]


def test_a_docusaurus_site_is_read_as_it_publishes(tmp_path: Path) -> None:
    """A Docusaurus site publishes the Markdown of its content folders (docs/, blog/,
    src/pages/, versioned_docs/, i18n/, a docs plugin's `path:`), not its README, the
    source a plugin generates pages from, nor the repository's other notes; a file that a
    page imports is shown in that page, so it is read as a fragment of it."""
    page = "---\ntitle: Repot a fern\n---\nWater the fern the day before you move it.\n"
    config = "module.exports = {plugins: [['@docusaurus/plugin-content-docs',\n"
    config += "  {id: 'care', path: '../care-guides', routeBasePath: 'care'}]],\n"
    config += "  presets: [['classic', {docs: {versions: {current: {path: 'next'}}}}]]}\n"
    files = {
        "NOTES.md": "# Team notes\n\nRelease on Fridays.",
        "app/STYLE.md": "# Code style\n\nTabs, not spaces.",
        "app/main.py": "print('hi')\n",
        "site/README.md": "# Site\n\nRun npm start.",
        "site/docusaurus.config.js": config,
        "site/templates/info.mdx": "# Generated intro\n\nSource of a generated page.",
        "site/docs/ferns.md": page,
        "site/docs/setup.mdx": page + "\nimport Guide from '../../app/GUIDE.md';\n\n<Guide />\n",
        "app/GUIDE.md": "# Install the app\n\nDownload it, open it and sign in with your code.",
        "site/blog/2026-05-01-spring.md": page,
        "site/versioned_docs/version-1.0/ferns.md": page,
        "care-guides/watering.md": page,
    }
    for rel, text in files.items():
        write(tmp_path, rel, text)
    articles = {a.path: a for a in load(tmp_path).articles}
    assert sorted(articles) == [
        "app/GUIDE.md",
        "care-guides/watering.md",
        "site/blog/2026-05-01-spring.md",
        "site/docs/ferns.md",
        "site/docs/setup.mdx",
        "site/versioned_docs/version-1.0/ferns.md",
    ]
    assert articles["app/GUIDE.md"].meta["included_by"] == ["site/docs/setup.mdx"]
    own = articles["site/docs/ferns.md"].word_count
    assert articles["site/docs/setup.mdx"].word_count == own + articles["app/GUIDE.md"].word_count
    assert articles["site/docs/setup.mdx"].headings == ("Install the app",)
    # include globs choose the files themselves
    chosen = load(tmp_path, options=SourceOptions(include=["site/**"])).articles
    assert "site/README.md" in [a.path for a in chosen]


def test_a_docusaurus_site_builds_only_the_translations_it_lists(tmp_path: Path) -> None:
    """Translations of a language the config's `locales` leaves out are not built, and a
    translation whose page is gone from the docs (renamed, or rewritten as `.mdx`) is left
    behind in i18n/: neither is a page of the help center."""
    config = "module.exports = {i18n: {defaultLocale: 'en', locales: ['en', 'fr']}};\n"
    page = "---\ntitle: Pair the scale\n---\nHold the button until the light blinks twice.\n"
    write(tmp_path, "docusaurus.config.js", config)
    write(tmp_path, "docs/setup/pair.md", page)
    write(tmp_path, "docs/setup/reset.mdx", page)
    for locale in ("fr", "nl"):
        translated = f"i18n/{locale}/docusaurus-plugin-content-docs/current/setup"
        write(tmp_path, f"{translated}/pair.md", page)
        write(tmp_path, f"{translated}/reset.md", page)  # the page is reset.mdx now
        write(tmp_path, f"{translated}/reset.mdx", page)
    assert sorted(a.path for a in load(tmp_path).articles) == [
        "docs/setup/pair.md",
        "docs/setup/reset.mdx",
        "i18n/fr/docusaurus-plugin-content-docs/current/setup/pair.md",
        "i18n/fr/docusaurus-plugin-content-docs/current/setup/reset.mdx",
    ]


def test_gems_installed_into_a_jekyll_site_are_not_the_kb(tmp_path: Path) -> None:
    """`bundle install --path vendor/bundle` puts gems (with their JSON test data) beside a
    Jekyll site's pages: by default they are no part of the KB and do not decide its format."""
    from kbaudit.config import DEFAULT_EXCLUDE

    write(tmp_path, "_config.yml", "collections: {guides: {output: true}}\n")
    for name in ("pair-a-reader", "print-labels"):
        write(tmp_path, f"_guides/{name}.md", "---\ntitle: Guide\n---\nSteps to follow.")
    cases = [{"name": f"case {i}", "body": "GET / HTTP/1.1"} for i in range(30)]
    for part in ("requests", "responses", "errors"):
        gem = f"vendor/bundle/ruby/3.1.0/gems/parser-1.0/spec/{part}.json"
        write(tmp_path, gem, json.dumps(cases))
    result = load(tmp_path, options=SourceOptions(exclude=list(DEFAULT_EXCLUDE)))
    assert result.format == "markdown"
    assert [a.path for a in result.articles] == [
        "_guides/pair-a-reader.md",
        "_guides/print-labels.md",
    ]


def test_a_jekyll_site_publishes_no_underscore_file_and_its_not_found_page_is_no_article(
    tmp_path: Path,
) -> None:
    """Jekyll publishes no file whose name starts with `_` (a collection's `_defaults.md`,
    the front matter editors give new pages), and the site's 404 page answers nothing."""
    write(tmp_path, "_config.yml", "collections: {guides: {output: true}}\n")
    write(tmp_path, "404.md", "---\ntitle: Not found\npermalink: /404.html\n---\nNo such page.")
    write(tmp_path, "_guides/_defaults.md", "---\ntitle:\ncategory:\n---\n")
    write(tmp_path, "_guides/print-labels.md", "---\ntitle: Print labels\n---\nSteps to follow.")
    write(tmp_path, "_guides/404.md", "---\ntitle: Error 404 on the printer\n---\nRestart it.")
    assert [a.path for a in load(tmp_path).articles] == [
        "_guides/404.md",
        "_guides/print-labels.md",
    ]


def test_a_sub_category_beside_the_category_is_its_next_level(tmp_path: Path) -> None:
    """Help-center themes file a page under `category:` and `sub_category:` (the page of
    that sub-category holds the articles filed under it)."""
    write(
        tmp_path,
        "a.md",
        "---\ntitle: Reset\ncategory: Email\nsub_category: Troubleshooting\n---\nx",
    )
    write(tmp_path, "b.md", "---\ntitle: Pay\ncategory: Billing\n---\nx")
    write(tmp_path, "c.md", "---\ntitle: Other\nsub_category: Loose\n---\nx")
    found = {a.path: a.category for a in load(tmp_path).articles}
    assert found == {"a.md": "Email > Troubleshooting", "b.md": "Billing", "c.md": None}


def test_a_hugo_site_publishes_the_pages_of_its_content_folder(tmp_path: Path) -> None:
    """A Hugo site's style guide for its writers, or a theme's notes, are no pages."""
    write(tmp_path, "hugo.toml", 'title = "Help"\n')
    write(tmp_path, "STYLE.md", "# Writing style\n\nUse sentence case in titles.")
    write(tmp_path, "themes/plain/NOTES.md", "# Theme notes\n\nColours live in assets.")
    write(tmp_path, "content/en/pay.md", "---\ntitle: Pay an invoice\n---\nOpen it, choose Pay.")
    assert [a.path for a in load(tmp_path).articles] == ["content/en/pay.md"]


HTML_PAGE = """<!doctype html><html lang="en"><head>
<title>Pay an invoice | Ledgerly Help Center</title>
<meta name="description" content="How to pay">
<meta name="author" content="sam">
<meta name="keywords" content="payments, invoices">
<meta property="article:modified_time" content="2026-08-14T10:00:00Z">
</head><body>
<header><nav><a href="/">Home</a><a href="/pricing">Pricing</a></nav></header>
<nav class="breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="/">Help Center</a></li>
<li><a href="/payments/">Payments</a></li><li>Pay an invoice</li></ol></nav>
<main><article><h1>Pay an invoice</h1><p>Open the invoice and choose <b>Pay</b>.</p>
<h2>Cards</h2><p>See <a href="fees.html">fees</a>.</p><img src="x.png"></article></main>
<aside>Related: <a href="/other.html">Other</a></aside>
<footer>© Ledgerly</footer></body></html>"""


def test_html_page(tmp_path: Path) -> None:
    write(tmp_path, "payments/pay.html", HTML_PAGE)
    write(
        tmp_path,
        "index.html",
        '<html><head><meta name="robots" content="noindex"></head>'
        "<body><ul><li>list</li></ul></body></html>",
    )
    result = load(tmp_path)
    assert result.format == "html"
    [a] = result.articles
    assert a.title == "Pay an invoice"
    assert a.category == "Payments"
    assert a.owner == "sam" and a.tags == ("payments", "invoices")
    assert a.updated_at == dt.date(2026, 8, 14) and a.locale == "en"
    assert "Pricing" not in a.text and "Ledgerly" not in a.text and "Related" not in a.text
    assert "Open the invoice and choose Pay" in a.text
    assert [link.target for link in a.links] == ["fees.html"]
    assert a.images[0].alt == ""


def test_html_article_widgets_are_not_text_and_byline_is_owner(tmp_path: Path) -> None:
    page = (
        '<html lang="en"><head><title>How refunds work - Help</title></head><body>'
        '<div class="cookie-banner">We use cookies. Accept all</div>'
        "<main><article><h1>How refunds work</h1>"
        '<div class="article-meta">Written by <span class="author">Priya N.</span> '
        '<time datetime="2026-05-04">May 4</time></div>'
        '<div class="article-body"><p>Refunds go back to the card within 10 days.</p></div>'
        '<div class="article-votes">Was this article helpful? 12 out of 15 found this helpful</div>'
        '<section class="comments"><h3>Comments</h3><p>0 comments</p></section>'
        "</article></main></body></html>"
    )
    write(tmp_path, "refunds.html", page)
    [a] = load(tmp_path).articles
    assert a.owner == "Priya N." and a.updated_at == dt.date(2026, 5, 4)
    assert a.text == "How refunds work\nRefunds go back to the card within 10 days."
    assert a.headings == ("How refunds work",)


def test_html_byline_block_with_avatar_and_date_names_only_the_author(tmp_path: Path) -> None:
    page = (
        "<html><body><article><h1>Close an account</h1>"
        '<div class="article-author"><a href="/profiles/7"><img src="a.png" alt=""></a>'
        '<div class="article-meta"><a href="/profiles/7">Tomás Ruiz</a>'
        '<ul><li><time datetime="2026-02-03T10:00:00Z">February 03, 2026 10:00</time></li>'
        "<li>Updated</li></ul></div></div>"
        '<div class="article-body"><p>Open Settings and choose Close account.</p></div>'
        "</article></body></html>"
    )
    write(tmp_path, "close.html", page)
    [a] = load(tmp_path).articles
    assert a.owner == "Tomás Ruiz" and a.updated_at == dt.date(2026, 2, 3)


def test_html_json_ld_article_gives_dates_author_and_keywords(tmp_path: Path) -> None:
    ld = (
        '{"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "Help"},'
        ' {"@type": ["TechArticle"], "headline": "Export data", "dateModified": '
        '"2026-01-15T08:00:00+00:00", "datePublished": "2024-03-01", "author": [{"@type": '
        '"Person", "name": "Lena Ortiz"}], "keywords": "export, csv"}]}'
    )
    page = (
        f'<html><head><script type="application/ld+json">{ld}</script>'
        '<script type="application/ld+json">{not json</script></head>'
        "<body><article><h1>Export data</h1><p>Choose Export.</p></article></body></html>"
    )
    write(tmp_path, "export.html", page)
    [a] = load(tmp_path).articles
    assert (a.updated_at, a.created_at) == (dt.date(2026, 1, 15), dt.date(2024, 3, 1))
    assert a.owner == "Lena Ortiz" and a.tags == ("export", "csv")


def test_heading_permalinks_are_not_text(tmp_path: Path) -> None:
    page = (
        '<html><body><article><h1 id="refunds">Refunds<a class="headerlink" href="#refunds">'
        '&para;</a></h1><p>Choose Refund.</p><h2 id="partial">Partial refunds<a href="#partial"'
        ' class="hash-link" aria-label="Direct link">&#8203;</a></h2><p>Type less.</p>'
        '<h2 id="fees"><a class="anchor" href="#fees">#</a> Fees</h2><p>None.</p>'
        "</article></body></html>"
    )
    write(tmp_path, "refunds.html", page)
    [a] = load(tmp_path).articles
    assert a.title == "Refunds"
    assert a.headings == ("Refunds", "Partial refunds", "Fees")
    assert "¶" not in a.text and "#" not in a.text and "\u200b" not in a.text


def test_a_page_of_several_level_1_headings_is_named_by_its_title(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Smart home integrations - Relay Docs</title></head><body><main>"
        "<h1>Introduction</h1><p>Connect the relay to a hub.</p><h1>Home Assistant</h1>"
        "<p>Add the integration.</p></main></body></html>"
    )
    write(tmp_path, "integrations/index.html", page)
    write(tmp_path, "refunds.html", page.replace("<h1>Home Assistant</h1>", "<h2>Hubs</h2>"))
    # a <title> that holds one of the headings ("Site - Page") names the page by it
    write(tmp_path, "crop.html", page.replace("Smart home integrations - ", "Introduction - "))
    titles = {a.path: a.title for a in load(tmp_path).articles}
    assert titles == {
        "integrations/index.html": "Smart home integrations",
        "refunds.html": "Introduction",
        "crop.html": "Introduction",
    }


def test_heading_permalinks_showing_any_mark_are_not_text(tmp_path: Path) -> None:
    """A theme's own mark (`~`, an icon font's glyph) is a permalink by its class, title or
    link to the heading itself; a link to elsewhere in a heading is words."""
    page = (
        "<html><body><article><h1 id=flashing>Flashing<a class=headerlink href=#flashing "
        'title="Permanent link">~</a></h1><p>Hold the button.</p><h2 id=crop>Crop'
        '<a href="#crop">\uf0c1</a></h2><p>Drag the corners.</p><h2 id=use>Use the '
        '<a href="#install">installer</a></h2><p>Run it.</p><h2 id=keys><a class=header-anchor '
        'href="#keys"><span>Keys</span></a></h2><p>Keep them safe.</p></article></body></html>'
    )
    write(tmp_path, "flashing.html", page)
    [a] = load(tmp_path).articles
    # a permalink that holds the heading's words (VuePress) is the heading
    assert (a.title, a.headings) == ("Flashing", ("Flashing", "Crop", "Use the installer", "Keys"))
    assert "~" not in a.text and "\uf0c1" not in a.text


@pytest.mark.parametrize(
    "shown",
    [
        '<aside class="md-source-file"><span class="git-revision-date-localized-plugin '
        'git-revision-date-localized-plugin-date">March 2, 2026</span></aside>',
        '<span class="git-revision-date-localized-plugin timeago" '
        'datetime="2026-03-02T09:00:00+00:00"></span>',
        '<div class="footer">&copy; Acme. Last updated on Mar 02, 2026.</div>',
        "<footer><p>Last updated: <b>2026-03-02</b></p></footer>",
    ],
)
def test_built_site_last_updated_line(tmp_path: Path, shown: str) -> None:
    page = (
        f"<html><body><article><h1>Refunds</h1><p>Choose Refund.</p>{shown}</article></body></html>"
    )
    write(tmp_path, "refunds.html", page)
    result = load(tmp_path)
    assert result.articles[0].updated_at == dt.date(2026, 3, 2) and not result.problems


def test_built_site_not_found_and_search_pages_are_not_articles(tmp_path: Path) -> None:
    page = "<html><body><article><h1>{0}</h1><p>{0} text.</p></article></body></html>"
    built = ("404.html", "search.html", "search/index.html", "genindex.html", "genindex/index.html")
    built += ("blog/index.html", "blog/archive/index.html", "blog/authors/ana/index.html")
    for rel in (*built, "en/search/index.html", "a/b.html", "docs/guides/search/index.html"):
        write(tmp_path, rel, page.format(rel))
    # a page about search deeper in the site (a guide to full-text search) is an article
    write(tmp_path, "blog/2026/03/02/new-plans/index.html", page.format("New plans"))
    assert sorted(a.path for a in load(tmp_path).articles) == [
        "a/b.html",
        "blog/2026/03/02/new-plans/index.html",
        "docs/guides/search/index.html",
    ]


def test_pages_saved_from_a_browser(tmp_path: Path) -> None:
    """A page saved with its resources ("X.html" + "X_files/"): the frames in the resources
    folder are no articles, and the address the browser noted is the page's URL."""
    page = (
        "<!-- saved from url=(0058)https://help.example.com/hc/en-us/articles/501-Pause-a-plan -->\n"
        "<html><head><title>Pause a plan - Example Help</title></head><body><article>"
        "<h1>Pause a plan</h1><p>Choose Pause on the plan page.</p></article></body></html>"
    )
    write(tmp_path, "Pause a plan - Example Help.html", page)
    write(tmp_path, "Pause a plan - Example Help_files/saved_resource.html", "<p>ad</p>")
    write(tmp_path, "Pausen - Hilfe.html", page)
    write(tmp_path, "Pausen - Hilfe-Dateien/frame.html", "<p>ad</p>")
    write(tmp_path, "shared_files/guide.html", page)  # no page of that name beside it
    articles = load(tmp_path).articles
    assert sorted(a.path for a in articles) == [
        "Pause a plan - Example Help.html",
        "Pausen - Hilfe.html",
        "shared_files/guide.html",
    ]
    assert articles[0].url == "https://help.example.com/hc/en-us/articles/501-Pause-a-plan"
    assert articles[0].title == "Pause a plan"


def test_malformed_html_still_parses(tmp_path: Path) -> None:
    write(tmp_path, "broken.html", "<html><body><article><h1>Broken<p>Unclosed <b>tags <div>here")
    [a] = load(tmp_path).articles
    assert a.title.startswith("Broken") and "tags" in a.text and "here" in a.text


def test_input_format_forced_and_unknown(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "hello")
    with pytest.raises(SourceError, match="--input-format"):
        load(tmp_path)
    with pytest.raises(SourceError, match="unknown input format"):
        load(tmp_path, "nope")
    with pytest.raises(SourceError, match="does not exist"):
        load(tmp_path / "missing")


def test_parallel_parse_gives_the_same_records(tmp_path: Path) -> None:
    for i in range(400):
        write(
            tmp_path,
            f"c{i % 7}/a{i:03}.md",
            f"---\ntitle: Article {i}\nupdated_at: 2026-01-01\n---\n"
            f"Body {i} with [a link](a{(i + 1) % 400:03}.md)\n",
        )
    write(tmp_path, "bad.md", "---\ntitle: [\n---\nx")
    serial = load(tmp_path, options=SourceOptions(jobs=1))
    parallel = load(tmp_path, options=SourceOptions(jobs=2))
    assert [a.path for a in serial.articles] == [a.path for a in parallel.articles]
    assert serial.articles == parallel.articles
    assert serial.problems == parallel.problems


def _git(root: Path, *args: str, date: str | None = None) -> None:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "HOME": str(root),
        "PATH": "/usr/bin:/bin",
    }
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def test_git_dates_one_call_per_repo(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "---\ntitle: A\n---\nA")
    write(tmp_path, "b.md", "---\ntitle: B\nupdated_at: 2020-01-01\n---\nB")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "one", date="2024-03-01T12:00:00Z")
    write(tmp_path, "a.md", "---\ntitle: A\n---\nA changed")
    _git(tmp_path, "commit", "-qam", "two", date="2025-06-01T12:00:00Z")
    assert git_dates(tmp_path) == {"a.md": dt.date(2025, 6, 1), "b.md": dt.date(2024, 3, 1)}
    auto = {
        a.path: (a.updated_at, a.date_source)
        for a in load(tmp_path, options=SourceOptions(dates="auto")).articles
    }
    assert auto == {"a.md": (dt.date(2025, 6, 1), "git"), "b.md": (dt.date(2020, 1, 1), "field")}
    forced = {
        a.path: a.updated_at for a in load(tmp_path, options=SourceOptions(dates="git")).articles
    }
    assert forced["b.md"] == dt.date(2024, 3, 1)


def test_git_dates_of_files_named_with_accents(tmp_path: Path) -> None:
    """git quotes such paths in its output by default (`"Caf\303\251/..."`): they are read
    as written, so the article gets its date."""
    write(tmp_path, "Café Menü/Brew a flat white.md", "---\ntitle: Brew\n---\nSteam the milk.")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "one", date="2024-03-01T12:00:00Z")
    assert git_dates(tmp_path) == {"Café Menü/Brew a flat white.md": dt.date(2024, 3, 1)}


def test_git_dates_outside_a_repo_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "text")
    result = load(tmp_path, options=SourceOptions(dates="git"))
    assert [p.code for p in result.problems] == ["INPUT001"]


def test_markdown_and_html_pages_side_by_side_are_all_read(tmp_path: Path) -> None:
    """A KB folder that holds Markdown files and HTML pages (a migration half done): each
    page is read by its own reader; the site's templates and built copy are not pages."""
    write(
        tmp_path, "billing/pay-online.md", "---\ntitle: Pay online\nowner: Ana\n---\nUse a card.\n"
    )
    write(tmp_path, "billing/vat.md", "---\ntitle: VAT on invoices\n---\nVAT is shown per line.\n")
    write(
        tmp_path,
        "account/close.html",
        '<html><head><title>Close your account</title><meta name="author" content="Bo">'
        "</head><body><main><h1>Close your account</h1><p>Open Settings and choose Close."
        "</p></main></body></html>",
    )
    write(tmp_path, "_layouts/default.html", "<html><body>{{ content }}</body></html>")
    write(tmp_path, "_site/billing/pay-online/index.html", "<html><body><p>Use a card.</p>")
    write(tmp_path, "account/export.rst", "Export your data\n================\n\nOpen Settings.\n")
    result = load(tmp_path)
    assert set(result.format.split("+")) == {"markdown", "html"}
    got = {a.path: (a.title, a.owner) for a in result.articles}
    assert got == {
        "billing/pay-online.md": ("Pay online", "Ana"),
        "billing/vat.md": ("VAT on invoices", None),
        "account/close.html": ("Close your account", "Bo"),
    }
    [problem] = result.problems
    assert (problem.code, problem.path) == ("INPUT007", "account/export.rst")
    assert "pandoc" in problem.message
    forced = load(tmp_path, "markdown")  # a forced format reads only its own files
    assert len(forced.articles) == 2
    assert {p.path for p in forced.problems} == {"account/close.html", "account/export.rst"}


def test_html_inline_elements_run_on_with_the_text_around_them() -> None:
    """A help-center body as its editor writes it: bold dates, links around spans, a word
    split by markup. The text reads as the page shows it, without a space before the comma
    or the full stop; blocks and table cells stay apart."""
    body = (
        "<p>From <strong>May 4, 2026</strong>, the old app stops. Read the "
        '<a href="/hc/articles/12"><span class="wysiwyg-underline">upgrade notes</span></a>.'
        "</p><h2>Re<em>install</em></h2>then restart<ul><li>Step one</li><li>Step two</li></ul>"
        "<table><tr><th>Plan</th><th>Price</th></tr><tr><td>Team</td><td>$9</td></tr></table>"
        "<div>Last</div>line"
    )
    extracted = extract_html(body)
    assert extracted.text == (
        "From May 4, 2026, the old app stops. Read the upgrade notes.\nReinstall\nthen restart\n"
        "Step one\nStep two\nPlan Price\nTeam $9\nLast\nline"
    )
    assert extracted.word_count == 25


@pytest.mark.parametrize("content", ["", "  \n", "null", "[]", "\ufeff{}"])
def test_an_export_of_empty_files_says_so_not_that_its_format_is_unknown(
    tmp_path: Path, content: str
) -> None:
    (tmp_path / "articles.json").write_text(content, encoding="utf-8")
    with pytest.raises(SourceError, match=r"articles\.json holds no records"):
        load(tmp_path)


def test_json_cut_off_inside_a_string_says_the_file_looks_cut_off(tmp_path: Path) -> None:
    page = '{"articles": [{"id": 1, "title": "Change your plan", "body": "<p>Open Bill'
    (tmp_path / "articles.json").write_text(page, encoding="utf-8")
    [problem] = load(tmp_path, "zendesk").problems
    assert problem.message == (
        "not valid JSON: Unterminated string starting at line 1 column 62; "
        "the file looks cut off: export it again"
    )


def test_docusaurus_pages_take_the_address_the_site_publishes(tmp_path: Path) -> None:
    page = "---\ntitle: Page\n{extra}---\nText of the page.\n"
    files = {
        "docusaurus.config.js": "module.exports = {presets: [['classic', "
        "{docs: {routeBasePath: '/help'}}]]};",
        "docs/01-start/index.md": page.format(extra=""),
        "docs/01-start/02-install.md": page.format(extra=""),
        "docs/billing/billing.md": page.format(extra=""),
        "docs/billing/refund-a-card.md": page.format(extra="id: refunds\n"),
        "docs/billing/fees.md": page.format(extra="slug: /pricing/fees\n"),
        "docs/billing/tax.md": page.format(extra="url: https://help.example.com/tax\n"),
        "versioned_docs/version-1.0/billing/fees.md": page.format(extra=""),
    }
    for rel, text in files.items():
        write(tmp_path, rel, text)
    urls = {a.path: a.url for a in load(tmp_path).articles}
    assert urls == {
        "docs/01-start/index.md": "/help/start",
        "docs/01-start/02-install.md": "/help/start/install",
        "docs/billing/billing.md": "/help/billing",
        "docs/billing/refund-a-card.md": "/help/billing/refunds",
        "docs/billing/fees.md": "/help/pricing/fees",
        "docs/billing/tax.md": "https://help.example.com/tax",  # its own field wins
        "versioned_docs/version-1.0/billing/fees.md": None,
    }


def test_docusaurus_versions_the_config_leaves_out_are_not_read(tmp_path: Path) -> None:
    """`onlyIncludeVersions` builds the versions it lists (the current docs only when it
    lists `current`); `includeCurrentVersion: false` leaves the current docs out."""
    page = "---\ntitle: Page\n---\nText of the page.\n"
    config = "module.exports = {presets: [['classic', {docs: {\n"
    config += "  lastVersion: '3.0', onlyIncludeVersions: ['3.0', \"1.0\"]}}]]};\n"
    for rel in (
        "docs/setup.md",
        "versioned_docs/version-1.0/setup.md",
        "versioned_docs/version-2.0/setup.md",
        "versioned_docs/version-3.0/setup.md",
    ):
        write(tmp_path, rel, page)
    write(tmp_path, "docusaurus.config.js", config)
    assert [a.path for a in load(tmp_path).articles] == [
        "versioned_docs/version-1.0/setup.md",
        "versioned_docs/version-3.0/setup.md",
    ]
    write(tmp_path, "docusaurus.config.js", "module.exports = {includeCurrentVersion: false};")
    assert "docs/setup.md" not in [a.path for a in load(tmp_path).articles]


def test_docusaurus_does_not_publish_hidden_or_underscore_files(tmp_path: Path) -> None:
    """A hidden file (`.old-setup.md`, a backup) and a `_` file or folder no page imports
    are not pages of the site; a `_` partial a page imports is its fragment."""
    page = "---\ntitle: Page\n---\nText of the page.\n"
    write(tmp_path, "docusaurus.config.js", "module.exports = {};\n")
    write(tmp_path, "docs/setup.mdx", page + "\nimport Note from './_note.md';\n\n<Note />\n")
    write(tmp_path, "docs/_note.md", "Keep the receipt.")
    write(tmp_path, "docs/_drafts/plans.md", page)
    write(tmp_path, "docs/.old-setup.md", page)
    paths = [a.path for a in load(tmp_path).articles]
    assert paths == ["docs/_note.md", "docs/setup.mdx"]


def _book_page(title: str) -> str:
    return f"# {title}\n\nOpen the settings, choose the option and save it.\n"


def test_a_gitbook_book_is_read_as_its_summary_lists_it(tmp_path: Path) -> None:
    """GitBook shows the pages its SUMMARY.md lists and no other: a section moved to
    another site and the old copy of a renamed folder, both left in the repository, are no
    pages. The summary files the pages, though the default exclude leaves it out as an
    article, and a title in it may hold escaped brackets."""
    from kbaudit.config import DEFAULT_EXCLUDE

    summary = (
        "# Table of contents\n\n* [Welcome](README.md)\n\n## Setup\n\n"
        "* [Install](setup/README.md)\n  * [Install on a server \\[beta\\]](setup/server.md)\n"
        "  * [Update](setup/update.md)\n"
    )
    files = {
        ".gitbook.yaml": "redirects:\n  old/server: setup/server.md\n",
        "SUMMARY.md": summary,
        "README.md": _book_page("Welcome"),
        "setup/README.md": _book_page("Install"),
        "setup/server.md": _book_page("Install on a server [beta]"),
        "setup/update.md": _book_page("Update"),
        "install-old/server.md": _book_page("Install on a server"),
        "api/list-rooms.md": _book_page("List rooms"),
    }
    write_files(tmp_path, files)
    result = load(tmp_path, options=SourceOptions(exclude=list(DEFAULT_EXCLUDE)))
    assert {a.path: a.category for a in result.articles} == {
        "setup/README.md": "Setup > Install",  # the page of the section it holds
        "setup/server.md": "Setup > Install",
        "setup/update.md": "Setup > Install",
    }


def test_a_book_is_told_by_its_marks(tmp_path: Path) -> None:
    """mdBook's book.toml above `src/SUMMARY.md` marks a book (its chapters before and
    after the lists are pages too), and `.gitbook.yaml` may name the book's folder and its
    summary; without such a mark a SUMMARY.md may be a list of some of the pages (or an
    article called Summary): the pages it leaves out are read."""
    write_files(
        tmp_path / "mdbook",
        {
            "book.toml": '[book]\ntitle = "Scales"\n',
            "src/SUMMARY.md": "# Summary\n\n[Welcome](welcome.md)\n\n- [Pair the scale](pair.md)\n"
            "\n[Questions](faq.md)\n",
            "src/welcome.md": _book_page("Welcome"),
            "src/pair.md": _book_page("Pair the scale"),
            "src/faq.md": _book_page("Questions"),
            "src/draft.md": _book_page("Calibrate the scale"),
        },
    )
    mdbook = [a.path for a in load(tmp_path / "mdbook").articles]
    assert mdbook == ["src/faq.md", "src/pair.md", "src/welcome.md"]

    write_files(
        tmp_path / "gitbook",
        {
            ".gitbook.yaml": "root: ./docs/\nstructure:\n  summary: contents.md\n",
            "docs/contents.md": "# Contents\n\n* [Pair the scale](pair.md)\n",
            "docs/pair.md": _book_page("Pair the scale"),
            "docs/old/pair.md": _book_page("Pair the scale"),
        },
    )
    assert [a.path for a in load(tmp_path / "gitbook").articles] == ["docs/pair.md"]

    write_files(
        tmp_path / "notes",
        {
            "meetings/SUMMARY.md": "# Summary of the spring meetings\n\n"
            "* [Pricing](pricing.md): prices stay as they are.\n",
            "meetings/pricing.md": _book_page("Pricing"),
            "meetings/hiring.md": _book_page("Hiring"),
        },
    )
    paths = [a.path for a in load(tmp_path / "notes").articles]
    assert paths == ["meetings/hiring.md", "meetings/pricing.md"]


def test_words_only_a_screen_reader_says_are_not_text(tmp_path: Path) -> None:
    page = (
        '<html><body><main><h1>Install</h1><p>Get the <a href="https://example.org/dl">package'
        '<span class="external-link-icon-sr-only">open in new window</span></a> first.</p>'
        "</main></body></html>"
    )
    write(tmp_path, "install.html", page)
    [a] = load(tmp_path).articles
    assert "window" not in a.text and "Get the package first." in a.text
