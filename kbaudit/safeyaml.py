"""YAML from untrusted files (front matter, kbaudit.yaml, rule packs) with bounded work.

`yaml.safe_load` already refuses `!!python` tags, but an alias may point at a collection full
of aliases: 1 KB of nested anchors ("billion laughs") stands for billions of nodes, and any code
that walks the result then runs out of memory. The document's events are counted first, each
alias as large as the node it repeats, and a document that stands for too many nodes or nests
too deeply is refused as a YAML error before it is built.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_NODES = 100_000  # nodes of the document with every alias expanded
MAX_DEPTH = 100  # collections inside collections

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPEN = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


class UnsafeYAML(yaml.YAMLError):
    """The document is valid YAML but too large once its aliases are expanded, or too deep."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _check(text: str) -> None:
    """Raise UnsafeYAML when the expanded document is over the limits (events only, no build)."""
    sizes: dict[str, int] = {}
    stack: list[list[Any]] = [[None, 0]]  # [anchor, expanded nodes] per open collection
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, _OPEN):
            stack.append([event.anchor, 1])
            if len(stack) > MAX_DEPTH:
                raise UnsafeYAML(f"nested more than {MAX_DEPTH} levels deep; flatten it")
            continue
        if isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
        elif isinstance(event, yaml.AliasEvent):
            anchor, size = None, sizes.get(str(event.anchor), 1)
        elif isinstance(event, _CLOSE):
            anchor, size = stack.pop()
        else:
            continue
        if anchor is not None:
            sizes[str(anchor)] = size
        stack[-1][1] += size
        if stack[-1][1] > MAX_NODES:
            raise UnsafeYAML(
                f"its aliases (*name) expand to more than {MAX_NODES} values, the mark of "
                "an alias bomb; write the values out instead of repeating anchors"
            )


def load(text: str, loader: type = _Loader) -> Any:
    """Like `yaml.safe_load` (or `loader`, a safe loader), but refusing alias bombs and deep
    nesting with a YAMLError."""
    if "*" in text or text.count("[") + text.count("{") + text.count("-") > MAX_DEPTH:
        try:
            _check(text)
        except RecursionError:
            raise UnsafeYAML(f"nested more than {MAX_DEPTH} levels deep; flatten it") from None
    try:
        return yaml.load(text, Loader=loader)
    except RecursionError:
        raise UnsafeYAML(f"nested more than {MAX_DEPTH} levels deep; flatten it") from None
