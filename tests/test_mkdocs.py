"""MkDocs and Material for MkDocs sites: Python-Markdown's block and inline syntax is read
as the site shows it."""

from __future__ import annotations

from pathlib import Path

from kbaudit import text
from kbaudit.config import build_config
from kbaudit.model import Article
from kbaudit.normalize import INCLUDED_BY
from kbaudit.sources import load, mkdocs


def test_admonitions_and_tabs_are_opened_not_read_as_code() -> None:
    body = (
        "Pair the scale first.\n\n"
        '!!! warning "Unplug the charger"\n'
        "    The scale resets when the cable is pulled.\n\n"
        "    See [the wiring page](wiring.md) and ![the socket](img/socket.png).\n\n"
        "??? tip\n\n"
        "    ## Hidden heading\n\n"
        "    Hold the button for **five** seconds.\n\n"
        '=== "Android"\n\n'
        "    Open the app drawer.\n\n"
        '=== "iPhone"\n\n'
        "    1. Open the home screen.\n\n"
        '        ???+ note "Nested"\n'
        "            Inside a list item.\n\n"
        "```markdown\n"
        '!!! note "Shown as code"\n'
        "    kept as written\n"
        "```\n"
        "Done.\n"
    )
    out = text.markdown(body)
    assert [link.target for link in out.links] == ["wiring.md"]
    assert out.links[0].line == 6
    assert [image.src for image in out.images] == ["img/socket.png"]
    assert out.headings == ("Hidden heading",)
    words = text.words(out.text)
    for shown in ("unplug", "android", "iphone", "nested", "inside"):
        assert shown in words, shown
    assert out.text.count("!!!") == 1  # the one in fenced code
    assert "===" not in out.text and "??? tip" not in out.text
    assert "**" not in out.text
    assert "kept as written" in out.text


def test_lines_that_show_nothing_are_not_text() -> None:
    body = (
        "[TOC]\n\n"
        "The API speaks JSON.\n\n"
        '--8<-- "snippets/contact.md"\n\n'
        '{! include-markdown "../parts/limits.md" !}\n\n'
        "1. Tap the icon (1)\n"
        "{ .annotate }\n\n"
        "*[API]: Application programming interface\n"
        "*[JSON]: JavaScript object notation\n"
    )
    out = text.markdown(body)
    assert text.words(out.text) == ["the", "api", "speaks", "json", "tap", "the", "icon", "1"]


def test_inline_extension_marks_leave_their_text() -> None:
    body = (
        "## Pair the tracker { #pairing .wide }\n\n"
        "[Start now](start.md){ .md-button .md-button--primary } "
        '![Front panel](panel.png){ width="300" loading=lazy }\n\n'
        "Press ++ctrl+shift+r++ to reload. Keep CO~2~ low and x^2^ small, "
        "==never== unplug it. :material-battery-alert: Low battery.\n"
    )
    out = text.markdown(body)
    assert out.headings == ("Pair the tracker",)
    assert "{" not in out.text and ":material" not in out.text
    assert "ctrl+shift+r" in out.text and "CO2" in out.text and "x2" in out.text
    assert "never unplug" in out.text
    assert out.images[0].alt == "Front panel"


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")


def _site(root: Path, files: dict[str, str]) -> dict[str, Article]:
    _write(root, files)
    options = build_config({}).source_options()
    return {a.path or "": a for a in load(root, None, options).articles}


def test_a_repository_is_read_as_its_site_builds_it(tmp_path: Path) -> None:
    read = _site(
        tmp_path,
        {
            "mkdocs.yml": (
                "site_name: Scales\ndocs_dir: pages\n"
                "exclude_docs: |\n  internal/\ndraft_docs: |\n  upcoming-*.md\n"
                "theme:\n  name: material\n  icon: !!python/name:material.icons\n"
                "nav:\n  - Start: index.md\n  - Setup:\n    - Pair your scale: setup/pair.md\n"
            ),
            "notes/release-checklist.md": "# Release checklist\n\nTag, build, publish.\n",
            "shared/support-hours.md": "We answer on weekdays.\n",
            "pages/index.md": "Welcome to the scale help.\n",
            "pages/setup/pair.md": "Open the app.\n\n# Troubleshooting\n\nRestart it.\n",
            "pages/setup/battery-life.md": "<!-- reviewed -->\n# How long the battery lasts\n",
            "pages/setup/wifi_setup.md": '---\ntags: [wifi]\n---\n--8<-- "shared/support-hours.md"\n',
            "pages/setup/.pages": "nav:\n  - Reset to factory settings: reset.md\n  - ...\n",
            "pages/setup/reset.md": "Hold the button for ten seconds.\n",
            "pages/setup/Error-Codes.md": "Codes the display shows.\n",
            "pages/internal/roadmap.md": "# Roadmap\n",
            "pages/.drafts/idea.md": "# Idea\n",
            "pages/upcoming-app.md": "# The new app\n",
        },
    )
    assert sorted(read) == [
        "pages/index.md",
        "pages/setup/Error-Codes.md",
        "pages/setup/battery-life.md",
        "pages/setup/pair.md",
        "pages/setup/reset.md",
        "pages/setup/wifi_setup.md",
        "pages/upcoming-app.md",
        "shared/support-hours.md",  # a snippet a page includes
    ]
    titles = {path: a.title for path, a in read.items()}
    assert titles["pages/index.md"] == "Start"  # nav title, the page has no heading
    assert titles["pages/setup/pair.md"] == "Pair your scale"  # not its section heading
    assert titles["pages/setup/battery-life.md"] == "How long the battery lasts"
    assert titles["pages/setup/reset.md"] == "Reset to factory settings"  # from .pages
    assert titles["pages/setup/wifi_setup.md"] == "Wifi setup"
    assert titles["pages/setup/Error-Codes.md"] == "Error Codes"
    assert read["pages/upcoming-app.md"].status == "draft"
    assert read["pages/setup/pair.md"].category == "Setup"


def test_file_titles_follow_mkdocs() -> None:
    assert mkdocs.file_title("index.md") == "Home"
    assert mkdocs.file_title("billing/index.md") == "Billing"
    assert mkdocs.file_title("billing/README.md") == "Billing"
    assert mkdocs.file_title("billing/refund_policy.md") == "Refund policy"
    assert mkdocs.file_title("billing/VAT-in-the-EU.md") == "VAT in the EU"
    assert mkdocs.file_title("billing/refund_policy.de.md") == "Refund policy"
    assert mkdocs.file_title("billing/index.pt-BR.md") == "Billing"
    assert mkdocs.file_title("release-2.5.md") == "Release 2.5"


def test_content_tab_sets_are_numbered_as_the_site_numbers_them() -> None:
    body = (
        '=== "Desktop"\n\n    Download it.\n\n'
        '    === "Windows"\n\n        Run the installer.\n\n'
        '    === "Linux"\n\n        Unpack the archive.\n\n'
        '=== "Phone :material-cellphone:"\n\n    Use the store.\n\n'
        '===! "Beta"\n\n    Join the beta.\n\n'
        "Done.\n\n"
        '```\n=== "In code"\n```\n'
        '=== "Web"\n\n    Open the site.\n'
    )
    assert text.content_tabs(body) == [
        ["Desktop", "Phone"],
        ["Windows", "Linux"],
        ["Beta"],
        ["Web"],
    ]


def test_fields_without_front_matter_redirects_and_static_files(tmp_path: Path) -> None:
    files = {
        "mkdocs.yml": (
            "site_name: Scales\nplugins:\n  - search\n  - redirects:\n"
            "      redirect_maps:\n        old-pairing.md: pairing.md\n"
        ),
        "runtime.txt": "3.12\n",
        "docs/pairing.md": "Title: Pair the scale\nTags: setup,\n    bluetooth\n\nOpen the app.\n",
        "docs/old-pairing.md": "This page moved.\n",
        "docs/battery.md": "redirect: pairing.md\n",
        "docs/reset.md": "---\nredirect_to: /pairing/\n---\n",
        "docs/assets/manual.txt": "The printed manual.\n",
        "docs/notes.txt": "Written in plain text.\n",
    }
    _write(tmp_path, files)
    result = load(tmp_path, None, build_config({}).source_options())
    assert [a.path for a in result.articles] == ["docs/pairing.md"]
    pairing = result.articles[0]
    assert pairing.title == "Pair the scale"
    assert pairing.text == "Open the app."
    assert pairing.body_line == 1 and pairing.links == ()
    assert not result.problems  # no INPUT007: MkDocs copies .txt files, builds no page of them


def test_multimarkdown_fields_stop_as_mkdocs_stops() -> None:
    assert mkdocs.multimarkdown_fields("Status: draft\nText right below.\n") == (
        {"status": "draft"},
        "\nText right below.\n",
    )
    assert mkdocs.multimarkdown_fields("# Heading\nkey: value\n") == ({}, "# Heading\nkey: value\n")


def test_the_docs_folder_audited_on_its_own_is_read_with_the_site_above_it(
    tmp_path: Path,
) -> None:
    files = {
        "mkdocs.yml": (
            "site_name: Scales\ndocs_dir: pages\nexclude_docs: |\n  internal/\n"
            "nav:\n  - Setup:\n    - Pair your scale: setup/pair.md\n    - setup/reset.md\n"
        ),
        "pages/setup/pair.md": "Open the app.\n",
        "pages/setup/reset.md": "# Reset the scale\n\nHold the button.\n",
        "pages/setup/battery.md": "Change the battery.\n",
        "pages/internal/roadmap.md": "# Roadmap\n",
    }
    _write(tmp_path, files)
    options = build_config({}).source_options()
    read = {a.path: a for a in load(tmp_path / "pages", None, options).articles}
    assert sorted(read) == ["setup/battery.md", "setup/pair.md", "setup/reset.md"]
    assert read["setup/pair.md"].title == "Pair your scale"
    assert read["setup/pair.md"].category == "Setup"
    assert read["setup/reset.md"].category == "Setup"
    assert read["setup/battery.md"].title == "Battery"
    # a folder the configuration above it does not name is read as any folder of pages
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "internal-faq.md").write_text("Ask the lead.\n", encoding="utf-8")
    (tmp_path / "notes" / ".hidden.md").write_text("Hidden.\n", encoding="utf-8")
    assert {a.title for a in load(tmp_path / "notes", None, options).articles} == {""}


def test_a_glossary_appended_to_every_page_is_a_fragment(tmp_path: Path) -> None:
    files = {
        "mkdocs.yml": (
            "site_name: Scales\nmarkdown_extensions:\n  - abbr\n  - pymdownx.snippets:\n"
            "      auto_append:\n        - docs/glossary.md\n  - markdown_include.include:\n"
            "      base_path: docs\n"
        ),
        "docs/glossary.md": "*[BLE]: Bluetooth Low Energy\n*[LED]: Light-emitting diode\n",
        "docs/pair.md": "# Pair the scale\n\nTurn on BLE and wait for the LED.\n",
        "docs/limits.md": "# Limits\n\n{!parts/limits.md!}\n",
        "docs/parts/limits.md": "Ten weighings a day are kept.\n",
    }
    _write(tmp_path, files)
    read = {a.path: a for a in load(tmp_path, None, build_config({}).source_options()).articles}
    assert read["docs/glossary.md"].meta[INCLUDED_BY] == [
        "docs/limits.md",
        "docs/pair.md",
        "docs/parts/limits.md",
    ]
    assert read["docs/parts/limits.md"].meta[INCLUDED_BY] == ["docs/limits.md"]
    assert read["docs/limits.md"].word_count == 1 + 6  # its heading and the included text
    # the docs folder audited on its own finds the glossary from the configuration above it
    alone = {
        a.path: a for a in load(tmp_path / "docs", None, build_config({}).source_options()).articles
    }
    assert INCLUDED_BY in alone["glossary.md"].meta


def test_the_built_site_is_no_pages_of_its_own(tmp_path: Path) -> None:
    files = {"mkdocs.yml": "site_name: Scales\nsite_dir: public\n"}
    for name in ("pair", "reset"):
        files[f"docs/{name}.md"] = f"# How to {name} the scale\n\nHold the button.\n"
    for name in ("pair", "reset", "battery", "wifi", "limits", "404", "search", "tags"):
        files[f"public/{name}/index.html"] = (
            f"<html><head><title>{name}</title></head><body><article><h1>How to {name}</h1>"
            "<p>Hold the button for five seconds until the light blinks.</p></article></body></html>"
        )
    _write(tmp_path, files)
    result = load(tmp_path, None, build_config({}).source_options())
    assert sorted(a.path or "" for a in result.articles) == ["docs/pair.md", "docs/reset.md"]
    assert not result.problems


def test_a_block_title_may_hold_quotes() -> None:
    body = (
        '??? tip "Set the mode to "Pause" first"\n\n    Then [restart](restart.md).\n\n'
        '??? "Raw log"\n    Kept for support.\n'
    )
    out = text.markdown(body)
    assert out.text == 'Set the mode to "Pause" first\nThen restart.\nRaw log\nKept for support.'
    assert [link.target for link in out.links] == ["restart.md"]
