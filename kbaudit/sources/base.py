"""What every source shares: the Source record, decoding and the result of a load."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from kbaudit.model import Article, InputCode, LoadProblem
from kbaudit.sources.normalize import SourceOptions
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


@dataclass
class SourceResult:
    format: str
    root: str
    articles: list[Article] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def decode(data: bytes, rel: str) -> tuple[str, LoadProblem | None]:
    """UTF-8 (with or without BOM, or UTF-16 with BOM); otherwise Windows-1252 so no text is
    lost, plus an INPUT003 problem telling the user to re-save the file as UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        text = data.decode("cp1252", errors="replace")
        line = data[: exc.start].count(b"\n") + 1
        return text, LoadProblem(
            InputCode.ENCODING,
            rel,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at line {line}); read as "
            "Windows-1252. Re-save the file as UTF-8.",
            line,
        )
