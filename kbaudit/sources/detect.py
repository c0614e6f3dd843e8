"""Pick the source format of an export by its content."""

from __future__ import annotations

from kbaudit.errors import SourceError
from kbaudit.sources.base import Source
from kbaudit.sources.tree import Tree


def detect(tree: Tree, sources: list[Source]) -> Source:
    """The source most sure of the tree; an error naming every format tried when none is."""
    scored = sorted(
        ((s.sniff(tree), i, s) for i, s in enumerate(sources)), key=lambda t: (-t[0], t[1])
    )
    if scored and scored[0][0] > 0:
        return scored[0][2]
    tried = ", ".join(s.name for s in sources)
    raise SourceError(
        f"cannot tell the format of {tree.display}: tried {tried}. "
        "Force one with --input-format NAME (see `kbaudit sources`)."
    )
