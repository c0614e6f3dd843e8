"""Start-up times of the commands people run most (issue targets: `--help`, `rules` and
`explain` under 0.3 s; an audit of the bundled sample KB under 2 s), each in a fresh process.

    python bench/startup.py [--runs 7] [--kb fixtures/sample-kb]

Prints the median and the fastest of `--runs` runs of each command, and the 1-minute load
average before and after: the machine may be shared. The sample audit runs without the
cache (every run does the whole work), into an empty cache, and warm.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def summary(seconds: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(seconds), 3), "min": round(min(seconds), 3)}


def once(args: list[str]) -> float:
    """Wall seconds of `kbaudit ARGS` in a fresh process."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kbaudit", *args], capture_output=True, check=False)
    return time.perf_counter() - started


def timed(args: list[str], runs: int) -> dict[str, float]:
    return summary([once(args) for _ in range(runs)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--kb", type=Path, default=ROOT / "fixtures" / "sample-kb")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kbaudit-startup-"))
    report = ["-f", "json", "-o", str(work / "report.json")]
    audit = ["audit", str(options.kb), *report]
    cache = ["--cache-dir", str(work / "cache")]
    results: dict[str, object] = {"load_before": round(os.getloadavg()[0], 2)}
    results["--help"] = timed(["--help"], options.runs)
    results["rules"] = timed(["rules"], options.runs)
    results["explain DUP002"] = timed(["explain", "DUP002"], options.runs)
    results["audit, no cache"] = timed([*audit, "--no-cache"], options.runs)
    cold = []
    for _ in range(options.runs):
        shutil.rmtree(work / "cache", ignore_errors=True)
        cold.append(once([*audit, *cache]))
    results["audit, empty cache"] = summary(cold)
    results["audit, warm cache"] = timed([*audit, *cache], options.runs)
    results["load_after"] = round(os.getloadavg()[0], 2)
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
