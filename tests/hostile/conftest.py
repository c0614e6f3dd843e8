"""Every test in this folder runs in a forked child under a time and memory limit.

A regression here is a hang or a memory blow-up, so the test body runs in its own process
(group) with RLIMIT_AS set to what the test process already maps plus `memory_mb`, and the
parent kills the whole group after `seconds`. The limits of one test can be changed with
`@pytest.mark.limits(seconds=..., memory_mb=...)`. The summary line at the end names the
slowest and the most memory-hungry test of the folder.

Fixtures are set up in the parent (tmp_path, monkeypatch ...) and inherited by the fork.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import resource
import select
import signal
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

SECONDS = 60.0
MEMORY_MB = 1536

settings.register_profile(
    "hostile",
    database=None,  # nothing written next to the sources
    deadline=None,  # the fork's time limit is the deadline
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("hostile")


@dataclass
class Usage:
    test: str
    seconds: float
    peak_mb: float


USAGE: list[Usage] = []


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "limits(seconds, memory_mb): time and memory limit of one hostile test"
    )


def _mapped_bytes() -> int:
    """Virtual memory the process maps now (the limit is set on top of it)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _child(item: pytest.Function, memory_mb: int, out: int) -> None:
    os.setpgrp()  # the parent can kill the test with every worker it started
    limit = _mapped_bytes() + memory_mb * 1024**2
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    started = time.perf_counter()
    outcome: tuple[str, str] = ("passed", "")
    try:
        args = {name: item.funcargs[name] for name in item._fixtureinfo.argnames}
        item.obj(**args)
    except pytest.skip.Exception as exc:
        outcome = ("skipped", str(exc))
    except BaseException:
        outcome = ("failed", traceback.format_exc())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report = (*outcome, time.perf_counter() - started, max(peak, children))
    os.write(out, pickle.dumps(report))
    os._exit(0)


def _read_all(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes, or None when the deadline passes first."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Any:
    marker = pyfuncitem.get_closest_marker("limits")
    seconds = float(marker.kwargs.get("seconds", SECONDS)) if marker else SECONDS
    memory_mb = int(marker.kwargs.get("memory_mb", MEMORY_MB)) if marker else MEMORY_MB
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            _child(pyfuncitem, memory_mb, write)
        finally:
            os._exit(1)
    os.close(write)
    try:
        data = _read_all(read, time.monotonic() + seconds)
    finally:
        os.close(read)
    if data is None:
        _kill(pid)
        pytest.fail(f"took longer than {seconds:g} s (killed)", pytrace=False)
    _, status = os.waitpid(pid, 0)
    _kill(pid)  # workers the test left behind
    if not data:
        how = (
            f"signal {os.WTERMSIG(status)}"
            if os.WIFSIGNALED(status)
            else f"exit {os.WEXITSTATUS(status)}"
        )
        pytest.fail(f"the test process died ({how}) over {memory_mb} MB?", pytrace=False)
    outcome, detail, elapsed, peak_mb = pickle.loads(data)
    USAGE.append(Usage(pyfuncitem.nodeid, elapsed, peak_mb))
    if outcome == "skipped":
        pytest.skip(detail)
    if outcome == "failed":
        pytest.fail(detail, pytrace=False)
    return True


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not USAGE:
        return
    slowest = max(USAGE, key=lambda u: u.seconds)
    hungriest = max(USAGE, key=lambda u: u.peak_mb)
    terminalreporter.write_line(
        f"hostile inputs: {len(USAGE)} tests; slowest {slowest.seconds:.2f} s "
        f"({slowest.test}); peak memory {hungriest.peak_mb:.0f} MB ({hungriest.test})"
    )


@pytest.fixture
def kb(tmp_path: Any) -> Iterator[Any]:
    """An empty KB folder to write hostile files into."""
    root = tmp_path / "kb"
    root.mkdir()
    yield root
