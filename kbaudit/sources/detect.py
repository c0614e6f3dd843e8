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
    if not tree.paths:
        raise SourceError(
            f"nothing to audit in {tree.display}: it holds no files (kbaudit skips hidden "
            "files and folders); point it at the folder or archive of the export"
        )
    if all(_empty(tree, rel) for rel in tree.paths):
        names = ", ".join(tree.paths[:3]) + (", ..." if len(tree.paths) > 3 else "")
        raise SourceError(
            f"nothing to audit in {tree.display}: {names} "
            f"{'holds' if len(tree.paths) == 1 else 'hold'} no records (empty, or only "
            "null, {} or []); export the knowledge base again and check the export finished"
        )
    tried = ", ".join(s.name for s in sources)
    raise SourceError(
        f"cannot tell the format of {tree.display}: tried {tried}. "
        "Force one with --input-format NAME (see `kbaudit sources`)."
    )


def _empty(tree: Tree, rel: str) -> bool:
    """A file with nothing in it: no bytes, only whitespace, or an empty JSON value."""
    try:
        data = tree.read_bytes(rel)
    except (OSError, KeyError):
        return False
    return data.strip(b" \t\r\n\xef\xbb\xbf") in (b"", b"null", b"{}", b"[]")
