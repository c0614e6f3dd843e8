"""Union-find: join pairs (duplicates, spelling variants) into groups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class UnionFind(Generic[T]):
    """Disjoint sets with path halving; elements are any hashable values of one type."""

    def __init__(self, items: Iterable[T] = ()) -> None:
        self.parent: dict[T, T] = {item: item for item in items}

    def find(self, item: T) -> T:
        self.parent.setdefault(item, item)
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:  # compress the path
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: T, b: T) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb, key=str)] = min(ra, rb, key=str)

    def groups(self) -> list[list[T]]:
        """Sets of two or more members, each sorted, in a deterministic order."""
        members: dict[T, list[T]] = defaultdict(list)
        for item in self.parent:
            members[self.find(item)].append(item)
        out = [sorted(m, key=str) for m in members.values() if len(m) > 1]
        return sorted(out, key=lambda g: str(g[0]))
