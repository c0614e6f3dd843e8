"""Markdown and HTML to plain text, headings, links, images and word count: the one place."""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from functools import partial
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Comment, Tag
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from kbaudit.model import Extracted, Image, Link

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_ASCII_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")  # the same in lower-case ASCII text
# Docs-platform syntax that is not prose: [!INCLUDE ...], > [!NOTE], :::image ...:::
_DOCS_DIRECTIVE = re.compile(r"\[!(?:INCLUDE|NOTE|TIP|IMPORTANT|WARNING|CAUTION)", re.I)
# A `:::` fence line: Microsoft Docs' extensions (`:::image type="content" ...:::`) are markup
# through and through; an admonition's opening line (Docusaurus `:::note Mind the cutoff`,
# `:::tip[Faster]`) shows the words after its marker as the callout's title.
_COLON_BLOCK = re.compile(
    r"^[ \t]*:::+[ \t]*(?:[\w-]*(?=[^\n]*=\")[^\n]*|[\w-]*)(?:\[([^\]\n]{0,300})\])?", re.M
)
_HTML_TAG = re.compile(r"<[^<>]+>")
# Static-site template tags are markup, not text: Liquid ({% include x %}, {{ page.title }},
# {% comment %}...{% endcomment %}), Hugo shortcodes ({{< note >}}, {{% tab %}}) and kramdown
# attribute lists ({#custom-id}, {: .note}). A tag's value may name a path parameter in braces
# (GitBook's `{% openapi-operation path="/v1/items/{id}" %}`).
# Spans are bounded and cannot cross braces or lines, so the patterns stay linear on
# untrusted text.
_TEMPLATE_COMMENT = re.compile(
    r"\{%-?[ \t]*comment[ \t]*-?%\}[^{]{0,4000}?\{%-?[ \t]*endcomment[ \t]*-?%\}"
)
_TEMPLATE_TAG = re.compile(
    r"\{\{[<%][^{}\n]{0,300}?[>%]\}\}|\{%(?:[^{}\n]|\{[\w-]{0,60}\}){0,300}?%\}"
    r"|\{\{[^{}\n]{0,300}?\}\}"
    r"|\{:[^{}\n]{0,300}\}|\{#[\w:.-]{1,100}\}"
)
# A link whose destination starts with a template tag: `[x]({{ site.baseurl }}/a/)`. Spaces
# inside the tag would end the destination, so they are written as %20 before parsing.
_TEMPLATE_LINK = re.compile(r"(\]\([ \t]*)((?:\{\{[<%]?|\{%)[^{}\n]{0,300}?(?:[>%]?\}\}|%\}))")


def _template_links(body: str) -> str:
    if "{" not in body:
        return body
    return _TEMPLATE_LINK.sub(lambda m: m.group(1) + re.sub(r"\s", "%20", m.group(2)), body)


# A line that holds only Liquid tags (`{% capture tab %}`, `{% endif %}`): Jekyll renders
# Liquid before Markdown, and such a tag renders to nothing, so the line is blank for the
# Markdown parser. Blank, it ends an HTML block (`<div class="tab-pane">` right above a
# `{% capture %}` whose Markdown follows), as it does on the site.
_LIQUID_LINE = re.compile(r"^[ \t]*(?:\{%(?:[^{}\n]|\{[\w-]{0,60}\}){0,300}?%\}[ \t]*)+$", re.M)
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})(.*)$", re.M)


def _liquid_lines(body: str) -> str:
    """Lines of Liquid tags only, outside fenced code, made blank, and Liquid comments
    (which Liquid drops before anything else) too; line numbers are kept."""
    if "{%" not in body:
        return body
    body = _TEMPLATE_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), body)
    parts, start, fence = [], 0, ""
    for mark in _FENCE.finditer(body):
        ticks = mark.group(1)
        if not fence:
            parts.append(_LIQUID_LINE.sub("", body[start : mark.start()]))
            start, fence = mark.start(), ticks
        elif ticks[0] == fence[0] and len(ticks) >= len(fence) and not mark.group(2).strip():
            parts.append(body[start : mark.end()])  # fenced code is kept as written
            start, fence = mark.end(), ""
    tail = body[start:]
    parts.append(tail if fence else _LIQUID_LINE.sub("", tail))
    return "".join(parts)


# Python-Markdown's block syntax (MkDocs, Material for MkDocs): an admonition
# (`!!! note "Title"`), a collapsible block (`??? tip`, `???+ warning`) or a content tab
# (`=== "Windows"`) opens on a marker line, and its body is indented four spaces below it.
# CommonMark would read a body after a blank line as code (its links, headings and pictures
# lost) and the marker as text; the body is dedented and the marker is its title or label.
# A title may hold quotes: it runs to the last quote of the line, as Python-Markdown reads it.
# A collapsible block may have a title and no type (`??? "Raw data"`).
_BLOCK_MARKER = re.compile(
    r"^(?P<indent>[ ]*)(?:(?:!!!|\?\?\?\+?)[ \t]*[\w-]+(?:[ \t]+[\w-]+)*"
    r"(?:[ \t]+\"(?P<title>[^\n]*)\")?|\?\?\?\+?[ \t]*\"(?P<named>[^\n]*)\""
    r"|===[+!]{0,2}[ \t]+\"(?P<label>[^\n]*)\")[ \t]*$"
)
# Lines that show nothing: a `[TOC]` marker, an abbreviation's definition (`*[HTML]: ...`,
# the abbreviation is still text where it is used), an attribute list on a line of its own
# (`{ .annotate }`, `{: .note }`), an include line (MkDocs snippets `--8<-- "note.md"`,
# mkdocs-include-markdown `{! include-markdown "note.md" !}`): the included file is read
# on its own (a fragment).
_SILENT_LINE = re.compile(
    r"^[ \t]*(?:\[TOC\]|\*\[[^\]\n]{1,200}\]:.*|\{:?[ \t]*[.#][^{}\n]{0,300}\}"
    r"|-{1,8}8<-{1,8}(?:[ \t]+.*)?|\{![^\n]{0,500}!\})[ \t]*$"
)


def _fence_at(line: str, fence: str) -> str:
    """The fence open after `line` (`fence` the one open before it, "" for none)."""
    mark = _FENCE.match(line)
    if mark is None:
        return fence
    ticks = mark.group(1)
    if not fence:
        return ticks
    closes = ticks[0] == fence[0] and len(ticks) >= len(fence) and not mark.group(2).strip()
    return "" if closes else fence


def python_markdown_blocks(body: str) -> str:
    """The body with Python-Markdown's blocks opened (see `_BLOCK_MARKER`) and its silent
    lines (see `_SILENT_LINE`) blank, outside fenced code; line numbers are kept."""
    if not any(mark in body for mark in ("!!!", "???", "===", "[TOC]", "*[", "{", "8<")):
        return body
    out: list[str] = []
    blocks: list[int] = []  # the column of each open block's marker
    fence = ""
    for line in body.split("\n"):
        lead = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:lead]:
            line = line[:lead].expandtabs(4) + line[lead:]
            lead = len(line) - len(line.lstrip(" "))
        if line.strip():
            while blocks and lead < blocks[-1] + 4:
                blocks.pop()
            line = line[min(lead, 4 * len(blocks)) :]
        if fence:
            fence = _fence_at(line, fence)
            out.append(line)
            continue
        marker = _BLOCK_MARKER.match(line)
        if marker is not None:
            blocks.append(lead)
            title = marker.group("title") or marker.group("named") or marker.group("label") or ""
            out.append(marker.group("indent") + title if title.strip() else "")
        elif _SILENT_LINE.match(line):
            out.append("")
        else:
            fence = _fence_at(line, fence)
            out.append(line)
    return "\n".join(out)


_TAB = re.compile(r'^([ \t]*)===([+!]{0,2})[ \t]+"([^\n]*)"[ \t]*$')


def content_tabs(body: str) -> list[list[str]]:
    """The labels of each set of content tabs (`=== "Label"`) in the order the sets open:
    tabs that follow each other at one indent are a set (`===!` starts another); a tab set
    inside a tab is a set of its own. Fenced code is skipped."""
    if "===" not in body:
        return []
    sets: list[list[str]] = []
    open_sets: list[tuple[int, int]] = []  # (indent, index in sets) of the sets still open
    fence = ""
    for line in body.split("\n"):
        if fence or _FENCE.match(line.lstrip()):
            fence = _fence_at(line.lstrip(), fence)
            continue
        if not line.strip():
            continue
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
        tab = _TAB.match(line)
        while open_sets and (
            indent < open_sets[-1][0] or (indent == open_sets[-1][0] and tab is None)
        ):
            open_sets.pop()
        if tab is None:
            continue
        label = _extension_marks(tab.group(3)).strip()
        if open_sets and open_sets[-1][0] == indent and "!" not in tab.group(2):
            sets[open_sets[-1][1]].append(label)
        else:
            if open_sets and open_sets[-1][0] == indent:
                open_sets.pop()
            sets.append([label])
            open_sets.append((indent, len(sets) - 1))
    return sets


# Inline syntax of Python-Markdown extensions that shows no text of its own: an attribute
# list after an element (`[Start](a.md){ .md-button }`, `## Steps { #steps }`,
# `![x](a.png){ width="300" }`), an icon (`:material-cog:`, `:fontawesome-brands-github:`),
# and marks around text that stays: keys (`++ctrl+c++`), sub- and superscript (`CO~2~`,
# `x^2^`), highlight (`==text==`). Bounded spans: linear on any text.
_ATTR_ITEM = r"(?:[.#][\w:.-]+|[\w-]+=(?:\"[^\"\n]{0,200}\"|'[^'\n]{0,200}'|[^\s{}\"']{1,200}))"
_ATTR_LIST = re.compile(
    r"(?<![ \t])[ \t]*\{:?[ \t]*" + _ATTR_ITEM + r"(?:[ \t]+" + _ATTR_ITEM + r"){0,20}[ \t]*\}"
)
_ICON = re.compile(r":(?:material|fontawesome|octicons|simple)-[\w-]{1,100}:")
_KEYS = re.compile(r"\+\+([\w][\w+-]{0,100}?)\+\+")
_SUB_SUP = re.compile(r"(?<=\w)([~^])([\w.+-]{1,20})\1(?![~^])")
_MARK = re.compile(r"(?<![=\w])==(?=\S)([^=\n]{1,300}?)(?<=\S)==(?![=\w])")


def _extension_marks(text: str) -> str:
    """Inline text without the marks of Python-Markdown's extensions (see `_ATTR_LIST`)."""
    if "{" in text:
        text = _ATTR_LIST.sub("", text)
    if ":" in text:
        text = _ICON.sub("", text)
    if "++" in text:
        text = _KEYS.sub(r"\1", text)
    if "~" in text or "^" in text:
        text = _SUB_SUP.sub(r"\2", text)
    if "==" in text:
        text = _MARK.sub(r"\1", text)
    return text


def strip_templates(text: str) -> str:
    """Text without Liquid and Hugo tags (the words of `{{< ref >}}` links are kept by the
    link itself)."""
    if "{" not in text:
        return text
    return _TEMPLATE_TAG.sub(" ", _TEMPLATE_COMMENT.sub(" ", text))


# ReadMe.com's legacy "magic blocks": `[block:callout]` + a JSON object + `[/block]`, each
# on lines of their own. The JSON is the block's data, not text (see `readme_blocks`).
_README_OPEN = re.compile(r"^\[block:([\w-]{1,40})\][ \t]*$")
_README_CLOSE = "[/block]"


def _readme_cell(value: object) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def _readme_block(kind: str, data: dict[str, object]) -> str:
    """The Markdown a ReadMe block stands for: a callout's title and body, code as fenced
    code, a parameters table's cells, an image with its alt text (or caption), an API
    section header as a heading, an embed as its link; blocks of pure layout give nothing."""

    def text(key: str) -> str:
        value = data.get(key)
        return value.strip() if isinstance(value, str) else ""

    if kind == "callout":
        lines = [f"**{text('title')}**", ""] if text("title") else []
        lines += text("body").split("\n") if text("body") else []
        return "\n".join(f"> {line}".rstrip() for line in lines)
    if kind == "api-header":
        return f"## {text('title')}" if text("title") else ""
    if kind == "code":
        codes = data.get("codes")
        out = []
        for code in codes if isinstance(codes, list) else []:
            if isinstance(code, dict) and isinstance(code.get("code"), str):
                body = code["code"]
                fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", body)), default=0))
                language = str(code.get("language") or "").split()[0:1]
                out.append(f"{fence}{''.join(language)}\n{body}\n{fence}")
        return "\n\n".join(out)
    if kind == "parameters":
        cells = data.get("data")
        if not isinstance(cells, dict):
            return ""
        cols, rows = data.get("cols"), data.get("rows")
        cols = cols if isinstance(cols, int) and 0 < cols <= 50 else 0
        rows = rows if isinstance(rows, int) and 0 <= rows <= 1000 else 0
        head = [_readme_cell(cells.get(f"h-{c}", "")) for c in range(cols)]
        body_rows = [
            [_readme_cell(cells.get(f"{r}-{c}", "")) for c in range(cols)] for r in range(rows)
        ]
        if not cols:
            return ""
        table = [head, ["---"] * cols, *body_rows]
        return "\n".join("| " + " | ".join(row) + " |" for row in table)
    if kind == "image":
        images = data.get("images")
        out = []
        for image in images if isinstance(images, list) else []:
            if not isinstance(image, dict):
                continue
            source = image.get("image")
            url = source[0] if isinstance(source, list) and source else source
            if not isinstance(url, str) or not url.strip():
                continue
            caption = image.get("caption") if isinstance(image.get("caption"), str) else ""
            alt = image.get("alt") if isinstance(image.get("alt"), str) else ""
            alt = " ".join(str(alt or caption).split()).replace("]", "\\]")
            out.append(f"![{alt}](<{url.strip()}>)")
            if str(caption).strip():
                out.append(str(caption).strip())
        return "\n\n".join(out)
    if kind == "html":
        return text("html")
    if kind == "embed":
        url, title = text("url"), text("title")
        return f"[{title or url}](<{url}>)" if url else ""
    return ""


def readme_blocks(body: str) -> str:
    """ReadMe.com's legacy blocks rendered to the Markdown they display. A block keeps the
    lines it took (blank lines pad a shorter rendering), so line numbers after it hold; a
    block whose JSON does not read is dropped: it is markup either way."""
    if "[block:" not in body:
        return body
    lines = body.split("\n")
    closes = [j for j, line in enumerate(lines) if line.strip() == _README_CLOSE]
    out: list[str] = []
    i = 0
    while i < len(lines):
        opened = _README_OPEN.match(lines[i].strip())
        at = bisect.bisect_right(closes, i)  # the next closing line: linear on unclosed ones
        if opened is None or at == len(closes):
            out.append(lines[i])
            i += 1
            continue
        end = closes[at]
        try:
            data = json.loads("\n".join(lines[i + 1 : end]))
        except (ValueError, RecursionError):
            data = None
        rendered = _readme_block(opened.group(1).lower(), data) if isinstance(data, dict) else ""
        block = ["", *rendered.split("\n"), ""] if rendered else []
        out += block + [""] * (end + 1 - i - len(block))
        i = end + 1
    return "\n".join(out)


# Template code of a site generator: a Liquid/Jinja statement (`{% for post in site.posts %}`)
# or expression (`{{ post.url }}`); Hugo shortcodes (`{{< youtube >}}`) and GitBook's blocks
# (`{% embed url="..." %}`, `{% hint %}`, `{% content-ref %}`, `{% openapi-operation %}`: a
# video, a callout, a card, an API operation the page shows) are content.
_GITBOOK_BLOCK = (
    r"(?:end)?(?:embed|hint|tabs?|content-ref|page-ref|code|stepper|step|file|swagger|columns?"
    r"|openapi(?:-operation|-schemas|-webhook)?)\b"
)
_TEMPLATE_CODE = re.compile(
    rf"\{{%-?[ \t]*(?!{_GITBOOK_BLOCK})\w|\{{\{{-?[ \t]*[\w.\[\]\"'|: -]{{1,300}}?-?\}}\}}"
)


def template_only(body: str, extracted: Extracted) -> bool:
    """Whether a page is only template code: a Jekyll `index.md` looping over `site.posts`, a
    tags page. It has template tags and, besides its headings, no word of text: a listing
    the site builds, not an article."""
    if "{" not in body or _TEMPLATE_CODE.search(body) is None:
        return False
    headings = sum(word_count(h) for h in extracted.headings)
    return word_count(strip_templates(extracted.text)) <= headings


# A host named in a URL or an email address (`https://app.routewise.io`, `ana@routewise.io`).
_NAMED_HOST = re.compile(
    r"(?:https?://|@)((?:[a-z0-9](?:[a-z0-9-]{0,62})\.){1,10}[a-z]{2,12})\b", re.I
)


# The labels countries register names under (`co.uk`, `com.au`, `ac.jp`, `gob.mx`); any
# other label before a country's code is the name itself (`sap.de`, `ing.nl`).
_SECOND_LEVEL = frozenset(
    {"ac", "co", "com", "edu", "go", "gob", "gov", "gv", "lg", "ltd", "mil", "ne", "net",
     "nic", "nom", "or", "org", "plc", "sch"}
)  # fmt: skip


def registrable_domain(host: str) -> str:
    """The domain an organisation registers (`app.routewise.io` -> `routewise.io`,
    `mail.bbc.co.uk` -> `bbc.co.uk`, `www.sap.de` -> `sap.de`): the last two labels, or
    three under a country's second-level domain (`co.uk`, `com.au`)."""
    labels = host.lower().rstrip(".").split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def named_domains(source: str) -> set[str]:
    """The registrable domains a text names in URLs and email addresses."""
    if "@" not in source and "//" not in source:
        return set()
    return {registrable_domain(h) for h in _NAMED_HOST.findall(source)}


# Markers a site generator replaces with a listing it builds: MkDocs Material's tags index
# (`[TAGS]`, or `<!-- material/tags -->` since 9.6), each on a line of its own.
_LISTING_MARKER = re.compile(
    r"^[ \t]{0,3}(?:\[TAGS\]|<!--[ \t]*material/tags\b[^\n]{0,300}-->)[ \t]*$", re.M
)
_LISTING_INTRO_WORDS = 30


def generated_listing(body: str, extracted: Extracted) -> bool:
    """Whether a page is a listing the site builds around a marker (MkDocs Material's tags
    page: a heading, a line of introduction and `[TAGS]`): not an article."""
    if "TAGS]" not in body and "material/tags" not in body:
        return False
    if _LISTING_MARKER.search(body) is None:
        return False
    headings = sum(word_count(h) for h in extracted.headings)
    marker = 1 if "[TAGS]" in extracted.text else 0
    return word_count(extracted.text) - headings - marker < _LISTING_INTRO_WORDS


def delimited(source: str, opener: str, closer: str) -> Iterator[tuple[int, int]]:
    """The spans (start, end) of `opener ... closer` in `source`, delimiters included, each
    closed by the first `closer` after it. Each opening looks for the next closing once:
    linear on any text (a lazy regex rescans to the end from every unclosed opening)."""
    start = source.find(opener)
    while start >= 0:
        end = source.find(closer, start + len(opener))
        if end < 0:
            return
        yield start, end + len(closer)
        start = source.find(opener, end + len(closer))


def mdx_comments(source: str) -> Iterator[tuple[int, int]]:
    """The spans (start, end) of MDX's comments, `{/* ... */}` (an MDX page cannot hold HTML
    comments), each with its braces."""
    return delimited(source, "{/*", "*/}")


# Emphasis markers are dropped from inline text (the parser's emphasis rule is off for speed).
# The emphasised span never crosses its own marker character, so every pattern here is linear
# in the text's length (article text is untrusted); nested emphasis takes a second pass.
_EMPHASIS = re.compile(
    r"(?<![\w*])(?:(\*{1,3})(?=[^\s*])([^*]+?)(?<=\S)\1|(_{1,3})(?=[^\s_])([^_]+?)(?<=\S)\3)"
    r"(?![\w*])"
)

# Wikilinks (Obsidian, Foam, Dendron, wikis, MkDocs and Docusaurus plugins) name a note, not
# a path: `[[Reset password]]`, `[[Reset password#Steps|the steps]]`, `[[Folder/Note.md]]`
# (`\|` in a table). `![[diagram.png|alt text]]` embeds a picture (`|300` or `|300x200` is its
# size, not alt text), `![[Note]]` a note. The target is one line of bounded length with no
# brackets and no space at its ends (`[[ -f x ]]` is shell), and `[[x]](url)` is a Markdown link.
_WIKILINK_MAX = 500
_PICTURE = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|bmp|avif|tiff?|heic|ico)$", re.I)
_EMBED_SIZE = re.compile(r"(\d{1,5})(?:x\d{1,5})?")
_NOTE_SUFFIX = re.compile(r"\.(?:md|markdown|mdx)$", re.I)
# The id that ends a block for `[[Note#^step-2]]` to link to is not shown: `... ^step-2`.
_BLOCK_ID = re.compile(r"(?:^|(?<=[\s\]]))\^[A-Za-z0-9-]{1,100}[ \t]*$")


def wikilink_name(target: str) -> str:
    """What a wikilink without a label shows: the note's name (no `.md`), then the heading
    it points to (`Note > Heading`); a block reference (`#^id`) shows no id."""
    name, _, heading = target.partition("#")
    name = _NOTE_SUFFIX.sub("", name.strip())
    parts = [p.strip() for p in heading.split("#") if p.strip() and not p.startswith("^")]
    return " > ".join(p for p in (name, *parts) if p)


def _wikilink(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    embed = src.startswith("![[", pos)
    if not embed and not src.startswith("[[", pos):
        return False
    start = pos + (3 if embed else 2)
    end = src.find("]]", start, min(state.posMax, start + _WIKILINK_MAX + 2))
    inner = src[start:end] if end > start else ""
    if (
        not inner
        or inner != inner.strip()
        or any(c in inner for c in "[]\n")
        or src.startswith("(", end + 2)
    ):
        return False
    bar = inner.find("|")
    target, label = (inner, "") if bar < 0 else (inner[:bar].rstrip("\\"), inner[bar + 1 :])
    target, label = target.strip(), label.strip()
    if not target:
        return False
    if not silent:
        if embed and _PICTURE.search(target.partition("#")[0]):
            size = _EMBED_SIZE.fullmatch(label)
            alt = Token("text", "", 0)
            alt.content = "" if size else label
            token = state.push("image", "img", 0)
            token.attrs = {"src": target, "alt": ""}
            if size:
                token.attrs["width"] = size.group(1)
            token.children = [alt]
        else:
            token = state.push("link_open", "a", 1)
            token.attrs = {"href": target}
            token.meta = {"by_name": True}
            if not embed:  # an embedded note shows that note, not words of this one
                shown = state.push("text", "", 0)
                shown.content = label or wikilink_name(target)
            state.push("link_close", "a", -1)
    state.pos = end + 2
    return True


# Emphasis is not parsed: it changes no word, link or heading and costs a tenth of the time.
_md = MarkdownIt("commonmark", {"html": True}).disable("emphasis")
_md.inline.ruler.before("link", "wikilink", _wikilink)
# MDX has no indented code: a JSX block nested four spaces deep is markup, not code
_mdx = MarkdownIt("commonmark", {"html": True}).disable(["emphasis", "code"])
_mdx.inline.ruler.before("link", "wikilink", _wikilink)
_CODE_MARK = re.compile("\ue000(\\d+)\ue001")  # a code span held out of the emphasis pass


def shorten(text: str, limit: int) -> str:
    """`text` cut at the last whole word within `limit` characters, with " ..." when cut."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " ..."


# Scripts written without spaces between words: Han (Chinese, Japanese kanji), hiragana,
# katakana (full and half width). Hangul is left out: Korean puts spaces between words.
_CJK = re.compile(
    r"[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\uf900-\ufaff\uff66-\uff9f]"
)
CJK_CHARS_PER_WORD = 2


def word_count(text: str) -> int:
    """Words as an English reader counts them. Chinese and Japanese have no spaces between
    words, so their characters count at CJK_CHARS_PER_WORD characters a word — the usual
    ratio of CJK characters to English words in translated text — and a word limit set for
    English text (QUAL002's `min_words`) means about as much content in either script."""
    cjk = len(_CJK.findall(text))
    if not cjk:
        return len(_WORD.findall(text))
    rest = _CJK.sub(" ", text)
    return len(_WORD.findall(rest)) + -(-cjk // CJK_CHARS_PER_WORD)


def words(text: str) -> list[str]:
    """Lower-cased words, as used by every comparison."""
    if text.isascii():  # the same words, found faster
        return _ASCII_WORD.findall(text.lower())
    return [w.lower() for w in _WORD.findall(text)]  # the pattern has no groups


def is_internal(target: str) -> bool:
    """A link into the KB itself: relative, no scheme, not an in-page anchor or mail link."""
    if not target or target.startswith(("#", "//")):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def link_path(target: str) -> str:
    """The file part of a link target: no anchor, no query, URL-decoded."""
    return unquote(urlsplit(target).path)


def markdown(body: str, line_offset: int = 0, mdx: bool = False) -> Extracted:
    """Parse a Markdown body with markdown-it-py; line numbers are shifted by `line_offset`;
    `mdx`: the body is MDX, where indented lines are no code block."""
    parser = _mdx if mdx else _md
    body = python_markdown_blocks(readme_blocks(body))
    tokens = parser.parse(_template_links(_liquid_lines(body)))
    chunks: list[str] = []
    headings: list[str] = []
    links: list[Link] = []
    images: list[Image] = []
    h1: str | None = None
    in_heading: str | None = None
    for token in tokens:
        line = token.map[0] + 1 + line_offset if token.map else None
        if token.type == "heading_open":
            in_heading = token.tag
            continue
        if token.type in ("fence", "code_block"):
            chunks.append(token.content)
            continue
        if token.type == "html_block":
            for level, heading in _html_fragment(token.content, chunks, links, images, line):
                headings.append(heading)  # an <h2> written in HTML inside Markdown
                if level == "h1" and h1 is None:
                    h1 = heading
            continue
        if token.type != "inline":
            continue
        parts: list[str] = []
        code: list[str] = []  # code spans, held out of the emphasis pass
        link_stack: list[tuple[str, list[str], bool, int]] = []
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                content = child.content
                if child.type == "text" and ("*" in content or "_" in content):
                    content = _EMPHASIS.sub(r"\2\4", _EMPHASIS.sub(r"\2\4", content))
                if child.type == "code_inline":
                    parts.append(f"\ue000{len(code)}\ue001")
                    code.append(content)
                else:
                    parts.append(content)
                for _, texts, _, _ in link_stack:
                    texts.append(content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append("\n")
            elif child.type == "link_open":
                by_name = bool(child.meta.get("by_name"))
                link_stack.append((str(child.attrGet("href") or ""), [], by_name, len(images)))
            elif child.type == "link_close" and link_stack:
                href, texts, by_name, first = link_stack.pop()
                if "%7B" in href:  # a template tag, as written: {{ site.baseurl }}/a/
                    href = unquote(href)
                internal = by_name or is_internal(href)
                label = "".join(texts).strip()
                links.append(Link(href, label, internal, line, by_name))
                if label:  # a picture beside a link's words decorates it: [![](i.svg) Billing]
                    del images[first:]
            elif child.type == "image":
                src = str(child.attrGet("src") or "")
                alt = "".join(c.content for c in child.children or [])
                width = _pixels(child.attrGet("width"))  # a wikilink embed's `|20`
                if not _DECORATIVE_SRC.search(src) and not (width and width <= _ICON_PX):
                    images.append(Image(src, alt.strip(), line))
            elif child.type == "html_inline":
                _html_fragment(child.content, parts, links, images, line)
        text = "".join(parts)
        if "*" in text or "_" in text:  # emphasis around a link: **[Settings](settings.md)**
            text = _EMPHASIS.sub(r"\2\4", text)
        text = _extension_marks(text)
        if code:
            text = _CODE_MARK.sub(partial(_held, code), text)
        text = strip_templates(text)
        if "^" in text:
            text = _BLOCK_ID.sub("", text)
        if in_heading:
            headings.append(text.strip())
            if in_heading == "h1" and h1 is None:
                h1 = text.strip()
            in_heading = None
        chunks.append(text)
    plain = _drop_directives("\n".join(chunks))
    plain = _COLON_BLOCK.sub(lambda m: f" {m[1] or ''} ", plain)
    plain = re.sub(r"[ \t]+", " ", plain).strip()
    return Extracted(plain, tuple(headings), tuple(links), tuple(images), word_count(plain), h1)


def _held(code: list[str], mark: re.Match[str]) -> str:
    """The code span a mark stands for (a mark the text itself wrote stays as it is)."""
    i = int(mark.group(1))
    return code[i] if i < len(code) else mark.group(0)


def _drop_directives(text: str) -> str:
    """`[!NOTE ...]` up to its first `]` replaced by a space; one pass (a regex that searched
    for the `]` from every opener would be quadratic on openers that are never closed)."""
    parts, start = [], 0
    while (found := _DOCS_DIRECTIVE.search(text, start)) is not None:
        closing = text.find("]", found.end())
        if closing < 0:
            break
        parts += [text[start : found.start()], " "]
        start = closing + 1
    return "".join([*parts, text[start:]])


def _drop_comments(markup: str) -> str:
    """`<!-- ... -->` replaced by a space; one pass, whatever the number of openers."""
    parts, start = [], 0
    while (opening := markup.find("<!--", start)) >= 0:
        closing = markup.find("-->", opening + 4)
        if closing < 0:
            break
        parts += [markup[start:opening], " "]
        start = closing + 3
    return "".join([*parts, markup[start:]])


# Pictures that decorate rather than inform: icons, emoticons, avatars, bullets, spacers.
_DECORATIVE_CLASS = re.compile(
    r"(?:^|[-_])(?:icons?|emoticons?|emoji|avatars?|spacer|bullet|expand-control)(?:$|[-_])", re.I
)
# ... or by their address: a folder, a part of the file name or a fragment that says so
# (`/icons/`, `app-icon-sync.svg`, `share_icon.png`, `send.svg#icon`).
_DECORATIVE_SRC = re.compile(
    r"(?:^|[/#_.-])(?:icons?|emoticons?|emoji|avatars?)(?:[/#_.-]|$)|universal_avatar|spacer\.gif",
    re.I,
)
_ICON_PX = 32  # an image drawn no larger than this on both sides is an icon


def _pixels(value: object) -> int | None:
    match = re.fullmatch(r"\s*(\d{1,5})(?:px)?\s*", str(value)) if value is not None else None
    return int(match.group(1)) if match else None


def _shown(img: Tag) -> bool:
    """Whether an `<img>` is content a reader needs, as opposed to decoration (marked
    `role="presentation"` or `aria-hidden`, an icon, emoticon or avatar by its class or
    address, inside a link that has words of its own, or drawn at icon size)."""
    if str(img.get("role", "")).lower() in ("presentation", "none"):
        return False
    if str(img.get("aria-hidden", "")).lower() == "true":
        return False
    found = img.get("class")
    classes = found.split() if isinstance(found, str) else list(found or [])
    if any(_DECORATIVE_CLASS.search(c) for c in classes):
        return False
    if _DECORATIVE_SRC.search(str(img.get("src", ""))):
        return False
    link = img.find_parent("a")
    if link is not None and link.get_text(" ", strip=True):
        return False  # beside the words of its link (a card's picture): they say it
    # drawn at icon size: both sides, or the one side given (the other follows it)
    sides = [s for s in (_pixels(img.get("width")), _pixels(img.get("height"))) if s is not None]
    return not (sides and max(sides) <= _ICON_PX)


def _content_image(img: Tag, line: int | None) -> Image:
    """The picture with its text alternative: its alt text, else the caption of the
    `<figure>` it is in (`<figcaption>`), which readers and a bot read beside it."""
    alt = str(img.get("alt", "") or "")
    if not alt.strip() and (figure := img.find_parent("figure")) is not None:
        caption = figure.find("figcaption")
        if caption is not None:
            alt = caption.get_text(" ", strip=True)
    return Image(str(img.get("src", "")), alt, line)


def _html_fragment(
    fragment: str, chunks: list[str], links: list[Link], images: list[Image], line: int | None
) -> list[tuple[str, str]]:
    """Raw HTML inside Markdown: keep links and images, drop tags and comments; the
    headings it holds, as (level, text)."""
    if "<a" in fragment or "<img" in fragment or _HTML_HEADING.search(fragment):
        soup = BeautifulSoup(fragment, "lxml")
        for a in soup.find_all("a", href=True):
            href = str(a["href"])
            links.append(Link(href, a.get_text(" ", strip=True), is_internal(href), line))
        images.extend(_content_image(img, line) for img in soup.find_all("img") if _shown(img))
        chunks.append(strip_templates(soup.get_text(" ")))
        found = ((h.name, strip_templates(h.get_text(" ", strip=True))) for h in soup(_HEADINGS))
        return [(level, text) for level, text in found if text]
    text = strip_templates(_HTML_TAG.sub(" ", _drop_comments(fragment)))
    if text.strip():
        chunks.append(text)
    return []


_HTML_HEADING = re.compile(r"<h[1-6][\s>]", re.I)


# Site chrome that is never article content.
_CHROME = ["script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form"]
_CHROME_CLASSES = re.compile(
    r"(^|[-_ ])(breadcrumbs?|sidebar|navbar|nav|menu|footer|header|toc|related|feedback|cookie"
    r"|votes?|voting|rating|helpful|comments?|share|social|subscribe|pagination|meta"
    r"|copyright)($|[-_ ])"
    r"|breadcrumbs?(?:box|prefix|link|divider|self)",  # MadCap Flare's MCBreadcrumbsBox_0
    re.I,
)
# Words only a screen reader says, a theme's note on a link ("open in new window").
_SCREEN_READER = re.compile(r"^(?:sr-only|visually-hidden|screen-reader-text|vh)$|-sr-only$", re.I)
_HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"]
# Elements that start a line of their own; any other element runs on with the text around
# it, as a browser shows it (`<strong>May 1</strong>, 2026` reads "May 1, 2026"), except a
# table's cells, which a space keeps apart.
_BLOCKS = {
    *("p", "li", "pre", "tr", "br", "div", "section", "blockquote", "dd", "dt", "table"),
    *("ul", "ol", "dl", "figure", "figcaption", "hr", "article", "main", "details", "summary"),
    *("address", "caption", "thead", "tbody", "tfoot", "aside", "header", "footer", "nav"),
    *_HEADINGS,
}
_CELLS = {"td", "th"}
# What a heading's permalink shows instead of words (zero-width spaces included).
_ANCHOR_MARKS = " \t\n\u00a0\u200b\u200c\u200d\ufeff¶§#🔗"


# A heading's permalink by its markup, whatever mark it shows (`~`, an icon font's glyph).
_PERMALINK_CLASS = re.compile(
    r"headerlink|header-anchor|hash-link|anchor-?link|heading-?link|permalink|anchorjs", re.I
)
_PERMALINK_TITLE = re.compile(r"permanent ?link|permalink|link to this (?:heading|section)", re.I)


def _permalink(a: Tag, heading: Tag) -> bool:
    """Whether a link in a heading is its permalink: a mark of a few characters, marked so by
    its class or title or linking to the heading itself (a link that holds the heading's
    words, as VuePress writes one, is the heading)."""
    if len(a.get_text(strip=True)) > 3:
        return False
    classes = " ".join(a.get("class") or [])
    named = f"{a.get('title') or ''} {a.get('aria-label') or ''}"
    if _PERMALINK_CLASS.search(classes) or _PERMALINK_TITLE.search(named):
        return True
    href = str(a.get("href") or "")
    own = {str(t.get("id")) for t in (heading, *heading.find_all(id=True)) if t.get("id")}
    return href.startswith("#") and href[1:] in own


def html_body(soup: BeautifulSoup | Tag) -> Extracted:
    """Extract a parsed HTML element (an article or page body) without site chrome."""
    root = soup
    for tag in list(root.find_all(_CHROME)):
        if tag.name in ("header", "footer") and tag.find_parent("article") is not None:
            continue
        tag.decompose()
    for tag in list(root.find_all(class_=_CHROME_CLASSES)):
        if getattr(tag, "decomposed", False) or tag.name in ("code", "pre", "span"):
            continue
        if tag.name in _HEADINGS or tag.find_parent(_HEADINGS) is not None:
            continue  # a heading's words are the page's (docutils' `<a class="toc-backref">`)
        tag.decompose()
    for comment in root.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in list(root.find_all(class_=_SCREEN_READER)):  # "open in new window" on links
        if not getattr(tag, "decomposed", False) and len(tag.get_text().split()) <= 5:
            tag.decompose()
    for heading in root.find_all(_HEADINGS):  # permalinks: MkDocs/Sphinx ¶, Docusaurus, Hugo #
        for a in heading.find_all("a"):
            if (a.get_text().strip(_ANCHOR_MARKS) == "" and not a.find("img")) or _permalink(
                a, heading
            ):
                a.decompose()
    headings = tuple(h.get_text(" ", strip=True) for h in root.find_all(_HEADINGS))
    h1_tag = root.find("h1")
    links = tuple(
        Link(
            str(a["href"]),
            a.get_text(" ", strip=True),
            is_internal(str(a["href"])),
            getattr(a, "sourceline", None),
        )
        for a in root.find_all("a", href=True)
    )
    images = tuple(
        _content_image(i, getattr(i, "sourceline", None)) for i in root.find_all("img") if _shown(i)
    )
    for tag in root.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    for tag in root.find_all(_CELLS):
        tag.insert_before(" ")
    plain = root.get_text()
    plain = re.sub(r"[ \t\r\f\v]+", " ", plain)
    plain = re.sub(r"\s*\n\s*", "\n", plain).strip()
    h1 = h1_tag.get_text(" ", strip=True) if h1_tag else None
    return Extracted(plain, headings, links, images, word_count(plain), h1)


def html(markup: str) -> Extracted:
    """Extract an HTML fragment or page."""
    return html_body(BeautifulSoup(markup, "lxml"))
