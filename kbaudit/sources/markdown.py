"""Markdown files with optional YAML or TOML front matter (docs-as-code knowledge bases)."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import yaml

from kbaudit import safeyaml, text
from kbaudit.model import InputCode, LoadProblem
from kbaudit.normalize import PARENT_PAGE, SHOWS_UNREAD, SourceOptions, build_article
from kbaudit.sources import fragments, logseq, notion
from kbaudit.sources.base import Record, Source, decode, not_text
from kbaudit.sources.parallel import parse_files
from kbaudit.sources.tree import Tree

SUFFIXES = (".md", ".markdown", ".mdx")


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader, except that a date YAML cannot build (`2026-02-30`) stays text, so
    the article keeps its other fields and the date becomes an INPUT004 problem."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


class _BadFrontMatter(Exception):
    def __init__(self, reason: str, line: int | None) -> None:
        super().__init__(reason)
        self.reason, self.line = reason, line


def _yaml(block: str) -> Any:
    try:
        return safeyaml.load(block, _Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _BadFrontMatter(reason, mark.line + 2 if mark is not None else None) from None


def _toml(block: str) -> Any:
    try:
        return tomllib.loads(block)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise _BadFrontMatter(str(exc), int(found.group(1)) + 1 if found else None) from None


# Opening line -> (closing line, parser, language, how to fix it).
_KINDS = {
    "---": (
        re.compile(r"^(---|\.\.\.)[ \t]*\r?$", re.M),
        _yaml,
        "YAML",
        "fix the YAML (quote values that contain `:` or `#`, indent with spaces)",
    ),
    "+++": (
        re.compile(r"^\+\+\+[ \t]*\r?$", re.M),
        _toml,
        "TOML",
        'fix the TOML (`key = "value"`, strings in double quotes)',
    ),
}


def split_front_matter(raw: str, rel: str) -> tuple[dict[str, Any], str, int, LoadProblem | None]:
    """Split front matter from the body: `---` YAML (docs-as-code, Jekyll, MkDocs) or `+++`
    TOML (Hugo). Returns (meta, body, body's first line, problem)."""
    first_nl = raw.find("\n")
    opener = raw[:first_nl].strip() if first_nl >= 0 else ""
    if opener not in _KINDS:
        return {}, raw, 1, None
    closer, parser, language, fix = _KINDS[opener]
    end = closer.search(raw[first_nl + 1 :])
    if end is None:
        problem = LoadProblem(
            InputCode.FRONT_MATTER,
            rel,
            f"front matter opens with `{opener}` on line 1 but is never closed; add a "
            f"`{opener}` line after the last field",
            1,
        )
        return {}, raw, 1, problem
    block = raw[first_nl + 1 : first_nl + 1 + end.start()]
    body = raw[first_nl + 1 + end.end() :]
    body_line = raw[: first_nl + 1 + end.end()].count("\n") + 1
    try:
        meta = parser(block)
    except _BadFrontMatter as exc:
        where = f" at line {exc.line}" if exc.line else ""
        message = f"front matter is not valid {language}{where}: {exc.reason}; {fix}"
        return {}, body, body_line, LoadProblem(InputCode.FRONT_MATTER, rel, message, exc.line)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        message = f"front matter is a {type(meta).__name__}, not a mapping of `key: value` fields"
        return {}, body, body_line, LoadProblem(InputCode.FRONT_MATTER, rel, message, 2)
    return {str(k): v for k, v in meta.items()}, body, body_line, None


_ESM = re.compile(
    r"^(?:import\s+(?:[\w$]+\s*(?:,[^\n]*)?\bfrom\s*['\"]|\{|\*\s*as\b|['\"])"
    r"|export\s+(?:const|let|var|function|async|class|default|\{))"
)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


_MDX_CODE_BLOCK = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*mdx-code-block[ \t]*$")


def unwrap_mdx_code_blocks(body: str) -> str:
    """Docusaurus' ```` ```mdx-code-block ```` fences hold MDX the page runs (imports, JSX,
    text), kept out of the way of other Markdown tools: their fence lines are blanked so
    the content is read as the page's own. Line numbers are kept."""
    if "mdx-code-block" not in body:
        return body
    lines = body.split("\n")
    fence: str | None = None
    for i, line in enumerate(lines):
        if fence is None and (m := _MDX_CODE_BLOCK.match(line)):
            fence, lines[i] = m.group(1), ""
        elif fence is not None and line.strip() == fence:
            fence, lines[i] = None, ""
    return "\n".join(lines)


def drop_esm(body: str) -> str:
    """MDX `import`/`export` statements (Docusaurus pages) blanked out, keeping the line
    count: they are code for the site, not text. A statement starts a block (after a blank
    line, outside code fences) and runs to the next blank line, as MDX reads it."""
    if "import" not in body and "export" not in body:
        return body
    lines = body.split("\n")
    fence: str | None = None
    in_esm = False
    previous_blank = True
    for i, line in enumerate(lines):
        blank = not line.strip()
        if in_esm:
            in_esm = not blank
            lines[i] = ""
        elif fence is not None:
            if line.strip().startswith(fence):
                fence = None
        elif m := _FENCE.match(line):
            fence = m.group(1)
        elif previous_blank and _ESM.match(line):
            in_esm = True
            lines[i] = ""
        previous_blank = blank
    return "\n".join(lines)


# A JSX tag's start: `<Tabs`, `</TabItem`, `<EntityLayout.Route`, `<img`; its end is found by
# `_tag_end`, which skips `{...}` expressions and quoted values (they may hold `>`).
_JSX_OPEN = re.compile(r"<(/?)([A-Za-z][\w-]*(?:\.[\w-]+)*)(?=[\s/>])")
_ATTRIBUTE = re.compile(r"""(?<![\w:-])([\w:-]++)\s*+=\s*+(?:"([^"]*+)"|'([^']*+)')""")
_MAX_TAG = 20_000  # characters a tag may span; a longer one is left as written
_SHOWN_ATTRIBUTES = ("title", "label")  # a tab's label, an admonition's title: on the page
# Characters of `{...}` data handed to components from which a page is mostly drawn by them
# (an API reference page's schema): its text alone does not say how long it is.
COMPONENT_DATA = 1000
_COMPONENT = re.compile(r"<[A-Z][\w.]*[\s/>]")
_CARD_LIST = re.compile(r"^[ \t]*<DocCardList\b", re.M)
# A GitBook block drawing an API operation, schema or webhook from a spec GitBook stores
# (`{% openapi-operation spec="billing" path="/v1/invoices" method="get" %}`).
_GITBOOK_API = re.compile(r"\{%-?[ \t]*openapi(?:-operation|-schemas|-webhook)?[ \t]")


def _tag_end(body: str, start: int) -> int | None:
    """The index after the `>` closing the tag that starts at `start`, or None."""
    depth, quote, i, stop = 0, "", start, min(len(body), start + _MAX_TAG)
    while i < stop:
        c = body[i]
        if quote:
            quote = "" if c == quote else quote
        elif (c in "\"'" and (depth > 0 or body[i - 1] == "=")) or (c == "`" and depth > 0):
            quote = c  # a quoted value, or a string inside an expression
        elif c == "{":
            depth += 1
        elif c == "}":
            depth = max(depth - 1, 0)
        elif c == ">" and depth == 0:
            return i + 1
        i += 1
    return None


def _attributes(tag: str) -> dict[str, str]:
    return {m[1]: m[2] if m[2] is not None else m[3] for m in _ATTRIBUTE.finditer(tag)}


def _component(name: str) -> bool:
    """A JSX component (`Tabs`, `TabItem`, `EntityLayout.Route`), not an HTML tag (`img`,
    the capitals of old HTML: `BR`)."""
    return "." in name or (name[0].isupper() and not name.isupper())


def _jsx_tag(tag: str, closing: bool, name: str) -> str | None:
    """What a JSX tag becomes for the Markdown reader, or None to leave it as written: a
    component (`<Tabs>`, `<TabItem label="Python">`, `<Heading as={...}/>`) becomes the
    labels it shows; Docusaurus' `<Link to="...">` an HTML link; an HTML tag with `{...}`
    values (`<img src={...} alt="Chart"/>`) that tag without them. Line breaks are kept."""
    breaks = "\n" * tag.count("\n")
    plain = _strip_expressions(tag) if "{" in tag else tag
    if name == "Link":
        href = _attributes(plain).get("to") or _attributes(plain).get("href")
        if closing:
            return "</a>" + breaks
        return (f'<a href="{href}">' if href else "<a>") + breaks
    if _component(name):
        attributes = _attributes(plain)
        shown = [attributes[a].strip() for a in _SHOWN_ATTRIBUTES if attributes.get(a, "").strip()]
        return " ".join(["", *shown, ""]) + breaks
    if plain is tag:
        return None
    return plain.replace("\n", " ") + breaks


_JSX_HINT = re.compile(r"<[A-Z]|=\{")
_JSX_VALUES = re.compile(r"(?<![\w:-])[\w:-]++\s*+=\s*+\{")


def _strip_expressions(tag: str) -> str:
    """A tag without its `name={...}` attributes."""
    out, i = [], 0
    while (m := _JSX_VALUES.search(tag, i)) is not None:
        out.append(tag[i : m.start()])
        depth, j = 1, m.end()
        while j < len(tag) and depth:
            depth += {"{": 1, "}": -1}.get(tag[j], 0)
            j += 1
        i = j
    return "".join(out) + tag[i:]


def jsx_as_html(body: str) -> tuple[str, int]:
    """MDX's JSX read as what the page shows, outside code: components (`<Tabs>`,
    `<TabItem>`, `<Admonition>`, an API page's `<Heading>` with its props) are no text but
    the titles and labels they show, `<Link to>` is a link, and `{...}` values leave HTML
    tags (`<a href={url}>`, `<img style={{...}}>`) so the tags are read as HTML. A tag
    whose props span lines keeps its line breaks, so line numbers stay right. Also returns
    how many characters of `{...}` data the components are given (a generated API page
    hands its schema to the components that draw it)."""
    if "<" not in body or not _JSX_HINT.search(body):
        return body, 0  # plain Markdown: no component, no `{...}` value
    chunks: list[tuple[bool, list[str]]] = [(False, [])]  # (code?, lines)
    fence: str | None = None
    for line in body.split("\n"):
        if fence is None and (m := _FENCE.match(line)):
            fence = m.group(1)
            chunks.append((True, [line]))
        elif fence is not None:
            chunks[-1][1].append(line)
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
                chunks.append((False, []))
        else:
            chunks[-1][1].append(line)
    data = [0]
    out = "\n".join(
        "\n".join(lines) if code else _jsx_text("\n".join(lines), data) for code, lines in chunks
    )
    return out, data[0]


def _jsx_text(part: str, data: list[int]) -> str:
    """`part` (text between code fences) with its JSX tags rewritten; `data[0]` counts the
    characters of the components' `{...}` values. Linear time: a tag start is looked at
    once, and the span an unclosed tag ran over is not looked at again."""
    out, at, skip, ticks, counted = [], 0, 0, 0, 0
    for m in _JSX_OPEN.finditer(part):
        if m.start() < max(at, skip):
            continue
        # inside a code span when an odd number of backticks precede it on its line
        newline = part.rfind("\n", counted, m.start())
        if newline >= 0:
            ticks, counted = 0, newline + 1
        ticks, counted = ticks + part.count("`", counted, m.start()), m.start()
        if ticks % 2:
            continue
        end = _tag_end(part, m.end())
        if end is None:
            skip = m.end() + _MAX_TAG
            continue
        tag = part[m.start() : end]
        shown = _jsx_tag(tag, bool(m[1]), m[2])
        if shown is not None:
            if "{" in tag and _component(m[2]):
                data[0] += len(tag) - len(_strip_expressions(tag))
            out += [part[at : m.start()], shown]
            at = end
    return "".join(out) + part[at:] if out else part


# Jekyll posts and Docusaurus blog posts are dated by their file name (or, for a post in a
# folder of its own, the folder's): `_posts/2026-06-02-change-email.md`,
# `blog/2026-06-12-batch-stops/index.md`.
_NAMED_DATE = re.compile(r"^(\d{4}-\d\d-\d\d)-[^/]+$")


def named_date(rel: str) -> dict[str, Any] | None:
    """The date a post's file name gives, as the default of its date fields."""
    parts = rel.split("/")
    name = parts[-2] if len(parts) > 1 and parts[-1].lower().startswith("index.") else parts[-1]
    m = _NAMED_DATE.match(name)
    if m is None:
        return None
    try:
        day = dt.date.fromisoformat(m[1])
    except ValueError:
        return None
    return {"updated_at": day, "created_at": day}


# A file name written as a title: words with spaces (`Reset your password.md`), one word of
# letters (`Hotkeys.md`, `快捷键.md`) or a compound of words joined by hyphens
# (`Graph-Ansicht.md`), not a URL slug (`reset-password.md`), a code
# (`KB0012.md`) or an index page. A wiki (Obsidian, Foam) names a note by it and shows it as
# the note's title; a page with no title field and no level-1 heading is titled by it.
_SLUG = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")
_INDEX_NAMES = ("index", "_index", "readme")
_JOINERS = "\u200c\u200d"  # zero-width (non-)joiners inside Persian and Indic words


def _one_word(name: str) -> bool:
    """Letters only, with the vowel signs of Thai, Khmer or Bengali (combining marks)."""
    return name[:1].isalpha() and all(
        c.isalpha() or c in _JOINERS or unicodedata.category(c).startswith("M") for c in name
    )


def file_title(rel: str) -> str | None:
    """The title a Markdown file's name gives, if it is written as one."""
    stem = rel.rsplit("/", 1)[-1]
    stem = stem[: stem.rfind(".")] if "." in stem else stem
    stem = " ".join(stem.split())
    if stem.lower() in _INDEX_NAMES or _SLUG.fullmatch(stem) or notion.is_page(rel):
        return None
    if " " in stem:
        return stem
    parts = stem.split("-")  # a compound written with hyphens: `Graph-Ansicht`, `HTML-Inhalte`
    words = [p for p in parts if _one_word(p)]
    return stem if words and all(p in words or p.isdigit() for p in parts) else None


def drop_mdx_comments(body: str) -> str:
    """MDX comments (`{/* ... */}`) blanked out, keeping the line count: readers never see
    them (SEC003 reads them in the source)."""
    if "{/*" not in body:
        return body
    out, at = [], 0
    for start, end in text.mdx_comments(body):
        out += [body[at:start], "\n" * body.count("\n", start, end)]
        at = end
    return "".join(out) + body[at:]


def _text(rel: str, data: bytes, problems: list[Record]) -> str | None:
    """A Markdown file's text with Unix line ends; None for a binary file. Problems
    reading it go to `problems`."""
    binary = not_text(data, rel)
    if binary:
        problems.append(binary)
        return None
    raw, problem = decode(data, rel)
    if problem:
        problems.append(problem)
    return raw.replace("\r\n", "\n")


Fields = tuple[dict[str, Any], str, int]  # a page's fields, its body and the body's line


def _parse(
    rel: str,
    data: bytes,
    options: SourceOptions,
    fields: Callable[[str, dict[str, Any], str, int], Fields | None],
) -> Iterator[Record]:
    """One Markdown file: the article plus any problems reading it; `fields` reads the
    page's fields from its front matter and body (None: the file is no page)."""
    problems: list[Record] = []
    raw = _text(rel, data, problems)
    yield from problems
    if raw is None:
        return
    meta, body, body_line, problem = split_front_matter(raw, rel)
    if problem:
        yield problem
    found = fields(rel, meta, body, body_line)
    if found is not None:
        yield from page(rel, raw, *found, options)


def _fields(rel: str, meta: dict[str, Any], body: str, body_line: int) -> Fields:
    if not meta and notion.is_page(rel):  # `Owner: Ana` lines under a Notion page's title
        meta, body = notion.markdown_properties(body)
    return meta, body, body_line


def parse(rel: str, data: bytes, options: SourceOptions) -> Iterator[Record]:
    """One Markdown file: the article plus any problems reading it."""
    yield from _parse(rel, data, options, _fields)


# Front-matter keys that describe a page rather than show its text.
_DESCRIBING = frozenset({
    "title", "description", "summary", "excerpt", "abstract", "keywords", "tags", "categories",
    "category", "layout", "permalink", "url", "slug", "class", "lang", "locale", "image",
    "alt", "redirect_from", "aliases", "author", "authors", "seo", "meta", "og", "twitter",
})  # fmt: skip
PROSE_WORDS = 12  # a front-matter string this long is a paragraph of the page


def _layout_prose(meta: Any, depth: int = 0) -> list[str]:
    """The paragraphs a page keeps in its front matter for its layout to show
    (`component: {col1: "## One account ..."}`, `intro_content: ...`), in order: strings
    of PROSE_WORDS words or more, under keys that do not describe the page (its title,
    description, tags, SEO cards)."""
    found: list[str] = []
    if depth > 3:
        return found
    items = (
        meta.items()
        if isinstance(meta, dict)
        else enumerate(meta)
        if isinstance(meta, list)
        else ()
    )
    for key, value in items:
        if isinstance(key, str) and key.casefold().split("_")[0] in _DESCRIBING:
            continue
        if isinstance(value, str) and len(value.split()) >= PROSE_WORDS:
            found.append(value)
        elif isinstance(value, dict | list):
            found += _layout_prose(value, depth + 1)
    return found


# Front matter that makes the page a redirect to another (jekyll-redirect-from's
# `redirect_to:`, a theme's `redirect:`): the site serves no article there.
_REDIRECT_KEYS = ("redirect_to", "redirect")


def page(
    rel: str, raw: str, meta: dict[str, Any], body: str, body_line: int, options: SourceOptions
) -> Iterator[Record]:
    """The article of a Markdown page whose fields (`meta`) are split from its body, plus any
    problems reading them; nothing for a redirect or a listing the site builds."""
    if any(isinstance(meta.get(k), str | list) and meta.get(k) for k in _REDIRECT_KEYS):
        return
    if not body.strip():  # a landing page whose layout shows prose kept in its front matter
        body = "\n\n".join(_layout_prose(meta)) or body
    mdx = rel.lower().endswith(".mdx")
    if mdx:
        body = drop_mdx_comments(body)
    source = drop_esm(unwrap_mdx_code_blocks(body))
    shown, drawn = jsx_as_html(source)
    extracted = text.markdown(shown, body_line - 1, mdx=mdx)
    listing = text.template_only(body, extracted) or text.generated_listing(body, extracted)
    if listing and not fragments.targets(body):  # a page made of includes shows their text
        return  # a listing the site generator builds (Liquid over site.posts, tags), no article
    article, problems = build_article(
        rel=rel,
        meta=meta,
        body=extracted,
        raw=raw,
        body_format="markdown",
        options=options,
        body_line=body_line,
        defaults=named_date(rel),
        file_title=file_title(rel),
    )
    yield from problems
    if drawn >= COMPONENT_DATA or (extracted.word_count == 0 and _COMPONENT.search(source)):
        # drawn by its components (a schema handed to them, or a component that is the
        # whole page, such as a filtered list of guides): its text is not all it shows
        article = replace(article, meta={**article.meta, SHOWS_UNREAD: ["component data"]})
    elif _GITBOOK_API.search(source):  # the operation's parameters and responses
        article = replace(article, meta={**article.meta, SHOWS_UNREAD: ["an API spec"]})
    if _CARD_LIST.search(source):  # Docusaurus' cards of the pages of its sidebar category
        article = replace(article, meta={**article.meta, PARENT_PAGE: True})
    yield article


def parse_logseq(rel: str, data: bytes, options: SourceOptions) -> Iterator[Record]:
    """One page of a Logseq graph (YAML front matter read too): the article plus any
    problems reading it."""
    yield from _parse(rel, data, options, logseq.page_fields)


def load(tree: Tree, options: SourceOptions) -> Iterator[Record]:
    rels = tree.with_suffix(*SUFFIXES)
    graphs = sorted(logseq.graphs(tree))
    pages = [rel for rel in rels if logseq.in_graph(rel, graphs)] if graphs else []
    taken = set(pages)
    yield from parse_files(parse, tree, [rel for rel in rels if rel not in taken], options)
    yield from parse_files(parse_logseq, tree, pages, options)


def sniff(tree: Tree) -> float:
    return tree.share(SUFFIXES)


SOURCE = Source(
    name="markdown",
    description="Folder of Markdown files (.md, .markdown, .mdx) with optional YAML (---) or "
    "TOML (+++, Hugo) front matter",
    example="help-center/billing/refunds.md  (---\\ntitle: Refunds\\ncategory: billing\\n---)",
    sniff=sniff,
    load=load,
    reads=SUFFIXES,
)
