"""Parse many files on all cores. Bytes are read here; parsing runs in worker processes."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from kbaudit.model import InputCode, LoadProblem
from kbaudit.normalize import SourceOptions
from kbaudit.sources.base import Record
from kbaudit.sources.tree import Tree

Parse = Callable[[str, bytes, SourceOptions], Iterator[Record]]
CHUNK = 48
MIN_FILES_PER_WORKER = 150


def _parse_chunk(
    parse: Parse, chunk: list[tuple[str, bytes]], options: SourceOptions
) -> list[Record]:
    records: list[Record] = []
    for rel, data in chunk:
        records.extend(parse(rel, data, options))
    return records


def _read(tree: Tree, rels: list[str]) -> Iterator[tuple[str, bytes] | LoadProblem]:
    for rel in rels:
        try:
            yield rel, tree.read_bytes(rel)
        except OSError as exc:
            yield LoadProblem(
                InputCode.UNREADABLE, rel, f"cannot read the file: {exc.strerror or exc}"
            )


def workers(jobs: int, files: int) -> int:
    """`jobs` 0 means all cores; never more workers than there is work for."""
    cores = os.cpu_count() or 1
    wanted = cores if jobs <= 0 else jobs
    return max(1, min(wanted, files // MIN_FILES_PER_WORKER))


def parse_files(
    parse: Parse, tree: Tree, rels: list[str], options: SourceOptions
) -> Iterator[Record]:
    """Records of every file in order, the same whether parsed here or in workers."""
    n = workers(options.jobs, len(rels))
    if n == 1:
        for item in _read(tree, rels):
            if isinstance(item, LoadProblem):
                yield item
            else:
                yield from parse(item[0], item[1], options)
        return
    chunks: list[list[tuple[str, bytes]]] = [[]]
    for item in _read(tree, rels):
        if isinstance(item, LoadProblem):
            yield item
            continue
        if len(chunks[-1]) >= CHUNK:
            chunks.append([])
        chunks[-1].append(item)
    with ProcessPoolExecutor(max_workers=n, mp_context=get_context("fork")) as pool:
        for records in pool.map(
            _parse_chunk, [parse] * len(chunks), chunks, [options] * len(chunks)
        ):
            yield from records
