"""What every source shares: the Source record, decoding and the result of a load."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from kbaudit.model import Article, InputCode, LoadProblem
from kbaudit.normalize import SourceOptions
from kbaudit.sources.tree import Tree

Record = Article | LoadProblem


@dataclass(frozen=True)
class Source:
    """A format kbaudit reads. `sniff` says how sure it is (0..1) that a tree is this format."""

    name: str
    description: str
    example: str
    sniff: Callable[[Tree], float]
    load: Callable[[Tree, SourceOptions], Iterator[Record]]
    reads: tuple[str, ...] = ()  # endings of the files it reads (the others are not read)


@dataclass
class SourceResult:
    format: str
    root: str
    articles: list[Article] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"
_SAMPLE = 8192


def not_text(data: bytes, rel: str) -> LoadProblem | None:
    """An INPUT001 problem when the bytes are not text at all (a binary file named like an
    article, a dump with NUL bytes): such a file is reported, never read as words."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        where = data.decode("utf-16", errors="replace").find("\x00")
        what = "a NUL character"
    else:
        where = data.find(b"\x00")
        what = "a NUL byte"
        head = data[:_SAMPLE]
        if where < 0 and (len(head) - len(head.translate(None, _CONTROL))) * 20 > len(head):
            where = next(i for i, b in enumerate(head) if b in _CONTROL)
            what = "control bytes"
    if where < 0:
        return None
    return LoadProblem(
        InputCode.UNREADABLE,
        rel,
        f"not text: {what} at offset {where}; it looks like a binary file named like an "
        "article. Exclude it (`exclude:`) or export it again as text",
    )


# `<meta charset="...">` or `<meta http-equiv="Content-Type" content="...; charset=...">`
_HTML_CHARSET = re.compile(
    rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.-]{1,40})", re.I
)


def html_charset(data: bytes) -> str | None:
    """The character set an HTML page declares in its head, when Python knows it."""
    found = _HTML_CHARSET.search(data[:4096])
    if found is None:
        return None
    name = found.group(1).decode("ascii")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


MAX_CONFIG_BYTES = 1024 * 1024  # a site generator's config file larger than this is not read


def config_text(tree: Tree, rel: str) -> str:
    """The text of a site generator's config file in the tree; "" when it is larger than
    MAX_CONFIG_BYTES or cannot be read (the pages are still read without it)."""
    try:
        if tree.size(rel) <= MAX_CONFIG_BYTES:
            return decode(tree.read_bytes(rel), rel)[0]
    except (OSError, KeyError):
        pass
    return ""


def decode(data: bytes, rel: str, declared: str | None = None) -> tuple[str, LoadProblem | None]:
    """UTF-8 (with or without BOM, or UTF-16 with BOM); else the character set the file
    declares (`declared`, an HTML page's `<meta charset>`); otherwise Windows-1252 so no text
    is lost, plus an INPUT003 problem telling the user to re-save the file as UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        if declared and declared not in ("utf-8", "utf-16"):
            try:
                return data.decode(declared), None
            except UnicodeDecodeError:
                pass
        text = data.decode("cp1252", errors="replace")
        line = data[: exc.start].count(b"\n") + 1
        return text, LoadProblem(
            InputCode.ENCODING,
            rel,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at line {line}); read as "
            "Windows-1252. Re-save the file as UTF-8.",
            line,
        )


# The totals row of a report (Salesforce: "Grand Totals (12 records)", an analytics export's
# "Grand total"), not a record: its first cell names it and the others are numbers.
_TOTALS = re.compile(
    r"^(?:grand\s+totals?\b.*|totals?|sub-?totals?)(?:\s*\(\d+ records?\))?$", re.I
)
_FIGURE = re.compile(r"[-+\d.,\s%$€£]*")


def totals_row(cells: Sequence[object]) -> bool:
    """Whether a table row (its cells in column order) is a report's totals row."""
    filled = [str(c).strip() for c in cells if c is not None and str(c).strip()]
    return (
        bool(filled)
        and bool(_TOTALS.match(filled[0]))
        and all(_FIGURE.fullmatch(c) for c in filled[1:])
    )
