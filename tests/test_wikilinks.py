"""Wikilinks (Obsidian, Foam, Dendron, wikis): read as links by name and pictures, not text."""

from __future__ import annotations

from kbaudit import text
from kbaudit.corpus.links import build_note_index
from kbaudit.model import Image, Link


def test_wikilinks_read_as_links_by_name_and_their_label_as_text() -> None:
    out = text.markdown(
        "Open [[Settings]], then [[Settings#Backups|the backups]] and [[Trips/Plan a trip.md]].\n"
        "\n"
        "| step | see |\n|---|---|\n| one | [[Tents\\|tent notes]] |\n"
        "\n"
        "Also [[Tents#Pitch a tent]] and [[#Before you leave]]. ^step-one\n"
    )
    assert out.text.splitlines()[0] == ("Open Settings, then the backups and Trips/Plan a trip.")
    assert "tent notes" in out.text
    assert "Tents > Pitch a tent and Before you leave." in out.text
    assert "[[" not in out.text and "^step-one" not in out.text
    assert [(link.target, link.text) for link in out.links] == [
        ("Settings", "Settings"),
        ("Settings#Backups", "the backups"),
        ("Trips/Plan a trip.md", "Trips/Plan a trip"),
        ("Tents", "tent notes"),
        ("Tents#Pitch a tent", "Tents > Pitch a tent"),
        ("#Before you leave", "Before you leave"),
    ]
    assert all(link.by_name and link.internal for link in out.links)


def test_embeds_are_pictures_or_embedded_notes() -> None:
    out = text.markdown(
        "![[stove.png]] ![[stove-lit.jpg|The stove with its flame turned low]] "
        "![[map.png|300]] ![[Tents#Pitch a tent]]"
    )
    assert out.images == (
        Image("stove.png", "", 1),
        Image("stove-lit.jpg", "The stove with its flame turned low", 1),
        Image("map.png", "", 1),
    )
    assert out.links == (Link("Tents#Pitch a tent", "", True, 1, by_name=True),)
    assert out.text == ""


def test_what_is_not_a_wikilink() -> None:
    out = text.markdown(
        "Shell: `[[ -f x ]]` and if [[ -f x ]]; escaped \\[\\[Name\\]\\]; "
        "a cited link [[1]](https://example.org/paper); [[a\nb]]\n"
    )
    assert [link.by_name for link in out.links] == [False]
    assert "[[ -f x ]]" in out.text and "[[Name]]" in out.text


def test_a_note_is_found_by_name_nearest_the_linking_note() -> None:
    index = build_note_index(
        ["en/Gear/Tents.md", "fr/Gear/Tents.md", "en/Trips/Plan a trip.md", "en/img/map.png"]
    )
    assert index.lookup("tents", "en/Trips/Plan a trip.md") == "en/Gear/Tents.md"
    assert index.lookup("Tents.md", "fr/Intro.md") == "fr/Gear/Tents.md"
    assert index.lookup("Gear/Tents", "fr/Intro.md") == "fr/Gear/Tents.md"
    assert index.lookup("Trips/Plan a trip", "fr/Intro.md") == "en/Trips/Plan a trip.md"
    assert index.lookup("map.png", "en/Gear/Tents.md") == "en/img/map.png"
    assert index.lookup("Other/Tents", "en/Intro.md") is None
    assert index.lookup("Stove", "en/Intro.md") is None


def test_emphasis_around_a_link_is_no_text() -> None:
    extracted = text.markdown("Open **[Settings](settings.md)**, then **[[Plans]]**; run `a*b*c`.")
    assert extracted.text == "Open Settings, then Plans; run a*b*c."
