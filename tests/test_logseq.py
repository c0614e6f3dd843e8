"""Logseq graphs: the pages the app shows, named, filed and linked as the app does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kbaudit.sources import load

from .conftest import write_files


def test_a_graph_reads_its_pages_by_their_names(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "logseq/config.edn": '{:feature/enable-journals? false\n :hidden ["pages/drafts"]}\n',
            "README.md": "# Garden notes\n\nHow to build this graph.\n",
            "journals/2026_06_02.md": "- Sowed the tomatoes today.\n",
            "pages/drafts/Half written.md": "- Nothing here yet.\n",
            "pages/Garden___Tools___Hoe.md": (
                "alias:: Weeder, [[Scuffle hoe]]\ntags:: tools\n\n"
                "- # Usage\n\t- Push the blade under the soil to cut weeds at the root.\n"
                "\t  collapsed:: true\n"
            ),
            "pages/garden___Seasons.md": "- Sow in spring, water in summer, mulch in autumn.\n",
            "pages/Garden.md": "- Everything about the beds, the tools and the seasons.\n",
            "pages/New to the garden%3F.md": "- Start with a small bed near the tap.\n",
            "pages/Compost.md": (
                "title:: Make compost\ndescription:: Turn kitchen scraps, leaves and grass into soil\n\n"
                "- Turn the heap once a week.\n\t- #+BEGIN_TIP\n\t  Keep it damp.\n\t  #+END_TIP\n"
                "- Add leaves\n\t-\n"
            ),
            "pages/A year of beds.md": "---\ntitle: One year in the garden\n---\n\n- We dug four beds.\n",
            "pages/Secret.md": "public:: false\n\n- A page left out of the published graph.\n",
        },
    )
    articles = {a.path: a for a in load(root).articles}
    assert sorted(articles) == [
        "pages/A year of beds.md",
        "pages/Compost.md",
        "pages/Garden.md",
        "pages/Garden___Tools___Hoe.md",
        "pages/New to the garden%3F.md",
        "pages/Secret.md",
        "pages/garden___Seasons.md",
    ]
    hoe = articles["pages/Garden___Tools___Hoe.md"]
    assert (hoe.title, hoe.category, hoe.tags) == ("Garden/Tools/Hoe", "Garden > Tools", ("tools",))
    assert hoe.meta["aliases"] == ["Weeder", "Scuffle hoe"]
    assert "collapsed" not in hoe.text
    assert articles["pages/New to the garden%3F.md"].title == "New to the garden?"
    assert articles["pages/Garden.md"].category == "Garden"  # its namespace's own page
    assert articles["pages/garden___Seasons.md"].category == "Garden"
    assert articles["pages/Compost.md"].category is None
    compost = articles["pages/Compost.md"]
    assert compost.title == "Make compost"
    assert compost.text.startswith("Turn kitchen scraps, leaves and grass into soil")
    assert "#+" not in compost.text and "Keep it damp." in compost.text
    assert compost.headings == ()  # an empty block under a line is no heading
    assert articles["pages/Secret.md"].status == "draft"
    year = articles["pages/A year of beds.md"]  # YAML front matter, as Logseq also reads
    assert (year.title, year.headings, year.text) == (
        "One year in the garden",
        (),
        "We dug four beds.",
    )


def test_journals_are_days_and_links_name_pages(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "logseq/config.edn": "{:file/name-format :triple-lowbar}\n",
            "journals/2026_06_02.md": "- Read [[Garden/Tools]] and [the hoe]([[Garden/Tools]]).\n",
            "journals/2026_06_03.md": "-\n",
            "pages/Garden___Tools.md": "- Keep the tools dry.\n",
        },
    )
    articles = {a.path: a for a in load(root).articles}
    assert sorted(articles) == ["journals/2026_06_02.md", "pages/Garden___Tools.md"]
    day = articles["journals/2026_06_02.md"]
    assert (day.title, day.updated_at) == ("Jun 2nd, 2026", dt.date(2026, 6, 2))
    assert [(link.target, link.by_name) for link in day.links] == [
        ("Garden___Tools", True),
        ("Garden___Tools", True),
    ]
