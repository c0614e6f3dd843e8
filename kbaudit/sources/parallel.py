"""Parse many files on all cores, skipping those the cache already holds. Bytes are read
here; parsing runs in worker processes; records come back in file order, the same whether
parsed here, in workers or taken from the cache."""

from __future__ import annotations

import dataclasses
import functools
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TypeVar

from kbaudit.model import Article, InputCode, LoadProblem
from kbaudit.normalize import SourceOptions
from kbaudit.sources.base import Record
from kbaudit.sources.tree import Tree

T = TypeVar("T")
R = TypeVar("R")
Parse = Callable[[str, bytes, SourceOptions], Iterator[Record]]
CHUNK = 48
MIN_FILES_PER_WORKER = 150


def _parse_chunk(
    parse: Parse, chunk: list[tuple[str, bytes]], options: SourceOptions, digest: bool
) -> list[list[Record]]:
    """Records of each file; with `digest`, each article's digest computed here (where a
    cache will key by it), on the worker's core."""
    out = [list(parse(rel, data, options)) for rel, data in chunk]
    if digest:
        from kbaudit.cache import article_digest

        for records in out:
            for record in records:
                if isinstance(record, Article):
                    article_digest(record)
    return out


def _read(tree: Tree, rels: list[str]) -> Iterator[tuple[str, bytes] | LoadProblem]:
    for rel in rels:
        try:
            yield rel, tree.read_bytes(rel)
        except OSError as exc:
            yield LoadProblem(
                InputCode.UNREADABLE, rel, f"cannot read the file: {exc.strerror or exc}"
            )


def worker_started() -> None:
    """In each worker process as it starts: SIGTERM ends it at once. A forked worker would
    otherwise run the command's handler, raise inside the pool's loop, possibly while holding
    the task queue's lock, and leave its sibling, and so the run being stopped, waiting."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextmanager
def process_pool(
    n: int, initializer: Callable[..., None] = worker_started, initargs: tuple[Any, ...] = ()
) -> Iterator[ProcessPoolExecutor]:
    """A pool of `n` forked workers (each runs `initializer` first). When the run is stopped
    (an exception, SIGINT, SIGTERM) the pool is not waited for: its workers are being
    terminated, and waiting on a worker killed halfway through sending a result never ends."""
    pool = ProcessPoolExecutor(n, get_context("fork"), initializer, initargs)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def cores(jobs: int) -> int:
    """How many to run at once for `jobs` (0: one per core)."""
    return jobs if jobs > 0 else os.cpu_count() or 1


def workers(jobs: int, files: int) -> int:
    """`jobs` 0 means all cores; never more workers than there is work for."""
    return max(1, min(cores(jobs), files // MIN_FILES_PER_WORKER))


def in_threads(work: Callable[[T], R], items: Sequence[T], jobs: int) -> list[R]:
    """work(item) for each item, in order, on `jobs` threads (0: one per core): for work that
    spends its time in numpy or scipy kernels, which release the interpreter."""
    threads = max(1, min(cores(jobs), len(items)))
    if threads == 1:
        return [work(item) for item in items]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(work, items))


def _parse_all(
    parse: Parse, files: list[tuple[str, bytes]], options: SourceOptions, digest: bool
) -> list[list[Record]]:
    """Each file's records, in order; on all cores when there are enough files."""
    n = workers(options.jobs, len(files))
    if n == 1:
        return _parse_chunk(parse, files, options, digest)
    chunks = [files[i : i + CHUNK] for i in range(0, len(files), CHUNK)]
    out: list[list[Record]] = []
    with process_pool(n) as pool:
        for records in pool.map(
            _parse_chunk,
            [parse] * len(chunks),
            chunks,
            [options] * len(chunks),
            [digest] * len(chunks),
        ):
            out.extend(records)
    return out


def _parser_name(parse: Parse) -> str:
    """What identifies the parser in a cache key: its qualified name and bound arguments."""
    if isinstance(parse, functools.partial):
        return f"{_parser_name(parse.func)}{parse.args!r}{sorted(parse.keywords.items())!r}"
    return f"{getattr(parse, '__module__', '')}.{getattr(parse, '__qualname__', repr(parse))}"


def parse_files(
    parse: Parse, tree: Tree, rels: list[str], options: SourceOptions
) -> Iterator[Record]:
    """Records of every file in order. Files whose bytes, path, parser and reading settings
    are in the cache are not parsed again."""
    from kbaudit.cache import Shelves, entry_key, fingerprint, open_cache

    items = list(_read(tree, rels))
    files = [item for item in items if not isinstance(item, LoadProblem)]
    cache = open_cache(options.cache_dir, Path(tree.root), options.cache_max_bytes)
    cached: dict[str, list[Record]] = {}
    keys: dict[str, str] = {}
    shelves = None
    if cache is not None:
        settings = dataclasses.replace(options, jobs=0, cache_dir=None, cache_max_bytes=0)
        namespace = fingerprint("parse", _parser_name(parse), settings)
        keys = {rel: entry_key(namespace, rel, data) for rel, data in files}
        shelves = Shelves(cache, namespace, tree.root, list(keys.items()))
        cached = shelves.get()
    missing = [(rel, data) for rel, data in files if keys.get(rel) not in cached]
    parsed = dict(
        zip(
            (rel for rel, _ in missing),
            _parse_all(parse, missing, options, digest=cache is not None),
            strict=True,
        )
    )
    if shelves is not None:
        shelves.put({keys[rel]: records for rel, records in parsed.items()})
        shelves.cache.close(evict=False)  # the audit's end evicts, knowing all the run used
    for item in items:
        if isinstance(item, LoadProblem):
            yield item
        else:
            rel = item[0]
            yield from parsed[rel] if rel in parsed else cached[keys[rel]]
