"""The incremental cache: what a pure per-file or per-article step produced, keyed by a hash
of its input, the kbaudit version and the settings that step reads. A file's parsed articles
and input problems (by the file's bytes and path): an unchanged file is not parsed again. An
article's findings of per-article rules (by every field of the article and each rule's
fingerprint, see `CheckKind.cached_with`): an unchanged article is not checked again.

Where: `$XDG_CACHE_HOME/kbaudit`, else `~/.cache/kbaudit`, or `--cache-dir`; never inside
the audited KB (kbaudit never writes there). The folder is created private (mode 0700) and
refused when another user owns it or others may write to it.

Storage is one SQLite database (stdlib): each batch of entries is one transaction, so a
crash never leaves half an entry, and SQLite's own file lock serialises two runs sharing the
cache (a busy run waits, up to a timeout, then works without the cache). Entry values are
pickles: Articles are nested frozen dataclasses with dates, which JSON would have to
rebuild field by field. Unpickling runs code, so values are only ever read from this private
folder that kbaudit alone writes; an entry that fails to load (truncated, corrupted, written
by another version) is a miss and is dropped, never a crash. The database is bounded
(`max_bytes`, 1 GiB by default): at the end of a run that wrote, the least recently used
entries go first (an entry's use is recorded at most once an hour as it is read, so a warm
run rewrites nothing; what the run read counts as used now when it evicts).

Many small values of one KB (per file, per article, per text) are kept on `Shelves`: one
entry holds the values of many slots, still each under its own content key.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import pickle
import sqlite3
import stat
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from kbaudit import __version__
from kbaudit.model import Article

SCHEMA = 3  # bump when the shape of cached values or of the table changes
DEFAULT_MAX_BYTES = 1 << 30
FILE_NAME = f"cache-v{SCHEMA}.sqlite"
_BATCH = 900  # SQLite's limit on bound parameters is 999 in old builds
_TOUCH_AFTER = 3600  # seconds: an entry used within the last hour is not marked used again
SHELVES = 1024  # per-file and per-article values of one KB are stored in this many entries
_IGNORES = [f.name for f in fields(Article)].index("ignores")
_DIGEST = "_digest"  # where article_digest keeps an article's digest


def default_dir() -> Path:
    """The user cache folder: `$XDG_CACHE_HOME/kbaudit`, else `~/.cache/kbaudit`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kbaudit"


_PACKAGE = Path(__file__).resolve().parent


@functools.cache
def code_digest(root: Path = _PACKAGE) -> str:
    """A hash of kbaudit's own code (`root`: the package), which computes every cached
    value: an install edited in place (a checkout installed editable) keeps its version
    while its code changes, and must not read back what older code computed."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def fingerprint(*parts: object) -> str:
    """A short hash of everything (besides a file's bytes) that decides a cached value:
    the kbaudit version and code, the schema and the settings given."""
    digest = hashlib.sha256(f"{__version__}\0{code_digest()}\0{SCHEMA}".encode())
    for part in parts:
        digest.update(b"\0" + repr(part).encode())
    return digest.hexdigest()[:32]


@functools.cache
def sklearn_version() -> str:
    """The installed scikit-learn's version, for keys of values it computes (or whose stop
    words it gives), read from its metadata: importing it takes a second or two."""
    from importlib.metadata import version

    return version("scikit-learn")


def entry_key(namespace: str, rel: str, data: bytes) -> str:
    digest = hashlib.sha256(namespace.encode())
    digest.update(b"\0" + rel.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(data)
    return digest.hexdigest()


def open_cache(
    folder: str | None, kb_root: Path, max_bytes: int = DEFAULT_MAX_BYTES
) -> Cache | None:
    """The cache in `folder`, or None: none asked for, or the folder lies inside the KB
    (kbaudit never writes into the KB it reads)."""
    if not folder:
        return None
    where = Path(folder).expanduser().resolve()
    root = kb_root.resolve()
    if where == root or where.is_relative_to(root if root.is_dir() else root.parent):
        return None
    return Cache(where, max_bytes)


def article_digest(article: Article) -> bytes:
    """A hash of everything an article holds, the same in every process: a cached value
    computed from an article is reused only for an article equal in every field. (Pickles
    of a frozenset follow the process' string hashing, so `ignores` is sorted first; a meta
    value that does not pickle the same way twice only costs a miss.)

    The digest is kept on the article (articles are immutable; a copy made with
    `dataclasses.replace` starts without one), so it travels with the parsed articles
    through worker processes and the cache: a warm run does not hash its articles again."""
    known: bytes | None = article.__dict__.get(_DIGEST)
    if known is not None:
        return known
    values = [getattr(article, f.name) for f in fields(article)]
    values[_IGNORES] = sorted(article.ignores)
    digest = hashlib.blake2b(pickle.dumps(values, protocol=5), digest_size=16).digest()
    object.__setattr__(article, _DIGEST, digest)
    return digest


def _private_folder(folder: Path) -> bool:
    """Create the folder 0700; False when it is not safe to load pickles from it."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    return not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


class Cache:
    """Values by key in one private SQLite file. Every failure degrades to a miss."""

    def __init__(self, folder: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self._db: sqlite3.Connection | None = None
        if _private_folder(folder):
            self._db = self._open(folder / FILE_NAME)

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def _open(self, file: Path) -> sqlite3.Connection | None:
        for attempt in range(2):
            try:
                db = sqlite3.connect(file, timeout=30, isolation_level=None)
                # The value last: a large value spills onto overflow pages, and a column
                # stored after it (its size, its last use) could only be read by walking
                # them all (summing the sizes read the whole file: 1.6 s at 1 GB).
                db.execute(
                    "CREATE TABLE IF NOT EXISTS entry (key TEXT PRIMARY KEY, size INTEGER "
                    "NOT NULL, used REAL NOT NULL, value BLOB NOT NULL)"
                )
                os.chmod(file, 0o600)
                _drop_older(file)
                return db
            except sqlite3.DatabaseError:  # not a database (corrupted): start afresh
                if attempt == 0:
                    try:
                        file.unlink()
                    except OSError:
                        return None
            except (sqlite3.Error, OSError):
                return None
        return None

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """The cached values of the keys that have one; a value that does not load is
        dropped (a miss)."""
        wanted = list(keys)
        found: dict[str, Any] = {}
        if self._db is None:
            return found
        bad: list[str] = []
        stale: list[str] = []
        now = time.time()
        # Unpickling creates many objects that are never garbage: without the cyclic
        # collector running over the growing heap every few thousand of them, a warm run
        # reads its 100,000 entries several times faster.
        collecting = gc.isenabled()
        gc.disable()
        try:
            for start in range(0, len(wanted), _BATCH):
                chunk = wanted[start : start + _BATCH]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, value, used FROM entry WHERE key IN ({marks})",
                    chunk,
                )
                for key, value, used in rows:
                    try:
                        found[key] = pickle.loads(value)
                    except Exception:
                        bad.append(key)
                        continue
                    if used < now - _TOUCH_AFTER:
                        stale.append(key)
            if stale or bad:
                self._write(
                    "UPDATE entry SET used = ? WHERE key = ?", [(now, k) for k in stale], bad=bad
                )
        except sqlite3.Error:
            self._db = None
        finally:
            if collecting:
                gc.enable()
        _RUN.read.update(found)
        return found

    def put_many(self, values: Mapping[str, Any]) -> None:
        if self._db is None or not values:
            return
        now = time.time()
        rows = []
        for key, value in values.items():
            blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            rows.append((key, len(blob), now, blob))
        try:
            self._write(
                "INSERT OR REPLACE INTO entry (key, size, used, value) VALUES (?, ?, ?, ?)", rows
            )
            _RUN.grew = True
        except sqlite3.Error:
            self._db = None

    def _write(self, sql: str, rows: list[tuple[Any, ...]], bad: Iterable[str] = ()) -> None:
        """One transaction (all or nothing), waiting for another run's transaction to end."""
        assert self._db is not None
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(sql, rows)
            self._db.executemany("DELETE FROM entry WHERE key = ?", [(k,) for k in bad])
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def close(self, evict: bool = True) -> None:
        """Close; first, with `evict` (the end of a run) and when the run wrote anything,
        evict the least recently used entries over the size bound. What the run read counts
        as used now (an entry's use is only recorded hourly as it is read), so a run never
        evicts what it has just read for older leftovers of earlier runs."""
        if self._db is None:
            return
        try:
            if evict:
                run = _RUN.reset()
                if run.grew:
                    self._evict(run)
            self._db.close()
        except sqlite3.Error:
            pass
        self._db = None

    def _evict(self, run: _RunUse) -> None:
        """Drop the least recently used entries of earlier runs until the cache is under
        80 % of the bound. This run's own (read or written) are never dropped: they are what
        the next run of the same KB reads, and a KB whose working set alone is over the
        bound would otherwise be parsed afresh every time."""
        assert self._db is not None
        now = time.time()
        (total,) = self._db.execute("SELECT COALESCE(SUM(size), 0) FROM entry").fetchone()
        if total <= self.max_bytes:
            return
        self._write("UPDATE entry SET used = ? WHERE key = ?", [(now, k) for k in run.read])
        keep = int(self.max_bytes * 0.8)
        rows = self._db.execute("SELECT key, size, used FROM entry ORDER BY used DESC")
        kept, drop = 0, []
        for key, size, used in rows:
            kept += size
            if kept > keep and used < run.started:
                drop.append((key,))
        # No VACUUM (it rewrites the whole file, seconds on a large KB's cache): the freed
        # pages are reused, so the file stays near the bound.
        self._write("DELETE FROM entry WHERE key = ?", drop)


def _drop_older(file: Path) -> None:
    """Remove the cache files of earlier schemas beside `file` (nothing reads them again)."""
    for schema in range(1, SCHEMA):
        with contextlib.suppress(OSError):
            (file.parent / f"cache-v{schema}.sqlite").unlink(missing_ok=True)


@functools.lru_cache(maxsize=1 << 18)
def _shelf_of(slot: str) -> int:
    """The shelf of a slot (remembered: each per-text step of a run shelves the same
    articles)."""
    digest = hashlib.blake2b(slot.encode("utf-8", "surrogatepass"), digest_size=4)
    return int.from_bytes(digest.digest(), "little") % SHELVES


@dataclass
class _RunUse:
    """What this process' run read from the cache, whether it wrote, and when it started
    (the end of the run before): the parse step and the rest of an audit each open the cache, and
    only the run's end evicts."""

    read: set[str] = field(default_factory=set)
    grew: bool = False
    started: float = field(default_factory=time.time)

    def reset(self) -> _RunUse:
        """This run's use, the next run's starting now."""
        run = _RunUse(self.read, self.grew, self.started)
        self.read, self.grew, self.started = set(), False, time.time()
        return run


_RUN = _RunUse()


class Shelves:
    """Many small values (a file's parsed articles, an article's findings) stored together:
    each value has its content key (`entry_key`) and a slot (a file's path, an article's
    reference), and the values of the slots that hash alike share one entry, a shelf, keyed
    by the step (its cache namespace), the KB's folder and the shelf's number. A shelf maps content keys to
    values, so a value is only ever taken for the same content; an edited file finds its
    old shelf and misses its own value alone. A warm run of 50,000 files reads 1,024 entries
    instead of 50,000 (a database lookup and an unpickling call each)."""

    def __init__(
        self, cache: Cache, step: str, kb: str | Path, items: Sequence[tuple[str, str]]
    ) -> None:
        self.cache = cache
        self.members: dict[int, list[str]] = defaultdict(list)
        for slot, key in items:
            self.members[_shelf_of(slot)].append(key)
        namespace = fingerprint("shelf", step, str(Path(kb).resolve()))
        self.keys = {n: entry_key(namespace, "", str(n).encode()) for n in self.members}
        self.held: dict[int, dict[str, Any]] = {}

    def get(self) -> dict[str, Any]:
        """The stored values of the items' keys (those found)."""
        stored = self.cache.get_many(self.keys.values())
        found: dict[str, Any] = {}
        for n, keys in self.members.items():
            held = stored.get(self.keys[n])
            self.held[n] = held if isinstance(held, dict) else {}
            found.update((k, self.held[n][k]) for k in keys if k in self.held[n])
        return found

    def put(self, new: Mapping[str, Any]) -> None:
        """Store the `new` values: each shelf that holds other keys than its items' (a value
        added or changed, or one of a file no longer there) is written again, whole."""
        out = {}
        for n, keys in self.members.items():
            held = self.held.get(n, {})
            if held.keys() == set(keys) and not any(k in new for k in keys):
                continue
            out[self.keys[n]] = {
                k: new[k] if k in new else held[k] for k in keys if k in new or k in held
            }
        self.cache.put_many(out)
