"""MkDocs and Material for MkDocs sites: Python-Markdown's block and inline syntax is read
as the site shows it."""

from __future__ import annotations

from kbaudit import text


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
