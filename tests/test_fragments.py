"""Files that pages include (snippets, include files) are fragments of those pages."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kbaudit.model import Article
from kbaudit.normalize import INCLUDED_BY, SHOWS_UNREAD, VERSION, SourceOptions, known_keys
from kbaudit.sources.fragments import targets, with_fragments
from kbaudit.sources.tree import open_tree


def _page(path: str, raw: str) -> Article:
    return Article(id=path, path=path, title=path, text=raw, raw=raw)


def test_include_directives_of_each_site_generator() -> None:
    raw = "\n".join(
        [
            '--8<-- "contact.md"',
            "    -8<- 'indented/note.md:intro'",
            ';--8<-- "commented-out.md"',
            "--8<--",
            "block-one.md",
            "; block-skipped.md",
            "block-two.md:3:8",
            "--8<--",
            "[!INCLUDE [Disclaimer](../includes/disclaimer.md)]",
            "{{#include ../shared/setup.md}}",
            "{% include_relative steps.md %}",
            "import Partial from './_partial.mdx';",
            "import Escaped from './\\_escaped-by-a-formatter.md';",
            "import Shared from '@site/docs/_shared/hours.md';",
            "import Intro from './intro.md';",
            "import Tabs from '@theme/Tabs';",
            '--8<-- "https://example.com/remote.md"',
        ]
    )
    assert targets(raw) == [
        "contact.md",
        "indented/note.md",
        "block-one.md",
        "block-two.md",
        "../includes/disclaimer.md",
        "../shared/setup.md",
        "steps.md",
        "./_partial.mdx",
        "./_escaped-by-a-formatter.md",
        "@site/docs/_shared/hours.md",
    ]  # ./intro.md is a page of its own that another page also shows


def test_targets_resolve_relative_to_the_page_the_root_or_a_unique_tail() -> None:
    pages = [
        _page("docs/a/page.md", '--8<-- "contact.md"\n\nimport P from "./_p.mdx"'),
        _page("docs/a/_p.mdx", "Shared text."),
        _page("docs/_snippets/contact.md", "Call the desk."),
        _page("docs/b/other.md", "[!INCLUDE [x](/includes/note.md)]"),
        _page("includes/note.md", "A note."),
        _page("docs/c/readme.md", '--8<-- "missing.md"'),
    ]
    included = {a.path: a.meta.get(INCLUDED_BY) for a in with_fragments(pages)}
    assert included == {
        "docs/a/page.md": None,
        "docs/a/_p.mdx": ["docs/a/page.md"],
        "docs/_snippets/contact.md": ["docs/a/page.md"],
        "docs/b/other.md": None,
        "includes/note.md": ["docs/b/other.md"],
        "docs/c/readme.md": None,
    }


def test_an_ambiguous_tail_marks_nothing() -> None:
    pages = [
        _page("docs/page.md", '--8<-- "note.md"'),
        _page("docs/x/note.md", "One."),
        _page("docs/y/note.md", "Two."),
    ]
    assert all(INCLUDED_BY not in a.meta for a in with_fragments(pages))


def test_the_keys_readers_set_are_known_keys() -> None:
    """`included_by` (a fragment) and `version` (an older version's docs) are set by the
    readers: never taken for a misspelling of a front-matter key, at any threshold."""
    assert {INCLUDED_BY, VERSION} <= known_keys(SourceOptions())


def test_include_markdown_plugin_tags_are_includes() -> None:
    raw = '{% include-markdown "../parts/steps.md" %}\n{! include-markdown "faq.md" !}\n'
    assert targets(raw) == ["../parts/steps.md", "faq.md"]


def test_a_page_counts_the_words_and_headings_of_files_it_includes_that_are_not_read(
    tmp_path: Path,
) -> None:
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "unread.md").write_text(
        "---\nauthor: kim\nms.topic: include\n---\n## Limits\n\nTen a day.\n", encoding="utf-8"
    )  # its front matter is no text of the page that shows it
    tree = open_tree(tmp_path, [], [])
    pages = [
        replace(
            _page("docs/a.md", '--8<-- "parts/steps.md"\n--8<-- "parts/unread.md"'), word_count=0
        ),
        replace(
            _page("docs/b.md", '--8<-- "parts/steps.md"\n--8<-- "parts/missing.md"'), word_count=0
        ),
        replace(_page("parts/steps.md", "Open the tab."), word_count=3, headings=("Steps",)),
    ]
    read = {a.path: a for a in with_fragments(pages, tree=tree)}
    assert read["docs/a.md"].word_count == 3 + 4
    assert read["docs/a.md"].headings == ("Steps", "Limits")
    assert read["docs/b.md"].word_count == 3
    assert SHOWS_UNREAD not in read["docs/a.md"].meta


def test_markdown_include_extension_tags_are_includes() -> None:
    assert targets("Intro.\n\n{!shared/hours.md!}\n{! parts/limits.md !}\n") == [
        "shared/hours.md",
        "parts/limits.md",
    ]


def test_gitbook_include_blocks_are_includes() -> None:
    raw = '{% include "../.gitbook/includes/refund-window.md" %}\n{% include footer.html %}\n'
    assert targets(raw) == ["../.gitbook/includes/refund-window.md"]  # a Jekyll include is not
