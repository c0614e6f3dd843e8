"""Markdown files with optional YAML front matter (docs-as-code knowledge bases)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from kbaudit import text
from kbaudit.model import LoadProblem
from kbaudit.sources.base import Record, Source, decode
from kbaudit.sources.normalize import SourceOptions, build_article
from kbaudit.sources.parallel import parse_files
from kbaudit.sources.tree import Tree

SUFFIXES = (".md", ".markdown", ".mdx")
_FENCE = re.compile(r"^(---|\+\+\+)[ \t]*\r?$", re.M)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def split_front_matter(raw: str, rel: str) -> tuple[dict[str, Any], str, int, LoadProblem | None]:
    """Split `---` YAML front matter from the body: (meta, body, body's first line, problem)."""
    if not raw.startswith("---"):
        return {}, raw, 1, None
    first_nl = raw.find("\n")
    if first_nl < 0 or raw[:first_nl].strip() != "---":
        return {}, raw, 1, None
    end = re.search(r"^(---|\.\.\.)[ \t]*\r?$", raw[first_nl + 1 :], re.M)
    if end is None:
        return (
            {},
            raw,
            1,
            LoadProblem(
                "INPUT002",
                rel,
                "front matter opens with `---` on line 1 but is never closed; add a `---` line "
                "after the last field",
                1,
            ),
        )
    block = raw[first_nl + 1 : first_nl + 1 + end.start()]
    body = raw[first_nl + 1 + end.end() :]
    body_line = raw[: first_nl + 1 + end.end()].count("\n") + 1
    try:
        meta = yaml.load(block, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        where = f" at line {line}" if line else ""
        return (
            {},
            body,
            body_line,
            LoadProblem(
                "INPUT002",
                rel,
                f"front matter is not valid YAML{where}: {reason}; fix the YAML (quote values "
                "that contain `:` or `#`, indent with spaces)",
                line,
            ),
        )
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return (
            {},
            body,
            body_line,
            LoadProblem(
                "INPUT002",
                rel,
                f"front matter is a {type(meta).__name__}, not a mapping of `key: value` fields",
                2,
            ),
        )
    return {str(k): v for k, v in meta.items()}, body, body_line, None


def parse(rel: str, data: bytes, options: SourceOptions) -> Iterator[Record]:
    """One Markdown file: the article plus any problems reading it."""
    raw, problem = decode(data, rel)
    if problem:
        yield problem
    raw = raw.replace("\r\n", "\n")
    meta, body, body_line, problem = split_front_matter(raw, rel)
    if problem:
        yield problem
    extracted = text.markdown(body, body_line - 1)
    article, problems = build_article(
        rel=rel,
        meta=meta,
        body=extracted,
        raw=raw,
        body_format="markdown",
        options=options,
        body_line=body_line,
    )
    yield from problems
    yield article


def load(tree: Tree, options: SourceOptions) -> Iterator[Record]:
    yield from parse_files(parse, tree, tree.with_suffix(*SUFFIXES), options)


def sniff(tree: Tree) -> float:
    return tree.share(SUFFIXES)


SOURCE = Source(
    name="markdown",
    description="Folder of Markdown files (.md, .markdown, .mdx) with optional YAML front matter",
    example="help-center/billing/refunds.md  (---\\ntitle: Refunds\\ncategory: billing\\n---)",
    sniff=sniff,
    load=load,
)
