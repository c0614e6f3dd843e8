"""Benchmark the audit on generated KBs: time per stage, whole-audit time, peak memory, and
duplicate precision/recall against the injected pairs.

    python bench/generate.py 5000 && python bench/generate.py 20000 && python bench/generate.py 50000
    python bench/bench_audit.py 5000 20000 50000          # KBs under bench/data/
    python bench/bench_audit.py --kb /path/to/real/kb     # stages and timing only, no truth

Each KB is measured in a fresh process: (1) the stages one by one (load, boilerplate,
TF-IDF, exact, shingles, near-duplicate candidates and verification, titles, topics, then all
rules on the warm indexes), with peak memory from resource.getrusage; (2) the real command
`python -m kbaudit audit KB -f json` end to end, whose JSON gives precision and recall.
Results go to bench/out/results.json; the growth exponent between sizes is printed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time
from itertools import combinations
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # ru_maxrss is in KiB on Linux


def stages(kb: Path) -> dict[str, object]:
    """Run the audit stage by stage in this process; seconds per stage and peak memory."""
    from kbaudit.analysis import analyse
    from kbaudit.audit import load_corpus, needed_analyses, run_rules
    from kbaudit.config import Config
    from kbaudit.corpus.similarity import candidate_pairs
    from kbaudit.rules import build_registry, load_rules, select_rules
    from kbaudit.scorecard import score

    config = Config(cache=False)
    registry = build_registry()
    rules = select_rules(load_rules(config, registry, kb), config.select, config.ignore)
    times: dict[str, float] = {}

    def timed(name: str, step):
        started = time.perf_counter()
        value = step()
        times[name] = round(time.perf_counter() - started, 3)
        return value

    single = Config(cache=False, jobs=1)
    timed("read+parse floor, one core", lambda: load_corpus(kb, single))
    corpus = timed("load (read + parse, all cores)", lambda: load_corpus(kb, config))
    timed("boilerplate", corpus.boilerplate)
    timed("clean terms", corpus.clean_terms)
    timed("tfidf", corpus.tfidf)
    timed("exact", lambda: corpus.exact_duplicates(10))
    shingles = timed("shingles", lambda: corpus.shingles(10))
    candidates = timed("candidates", lambda: candidate_pairs(shingles))
    near = timed("near (candidates + verify)", lambda: corpus.near_duplicates(0.8, 10))
    timed("titles", lambda: corpus.title_duplicates(92))
    timed("link graph", lambda: corpus.broken_links)
    needs = needed_analyses(rules, registry) | {"topics"}
    analysis = timed("analyses (duplicate groups, topics)", lambda: analyse(corpus, config, needs))
    findings = timed(
        "rules (warm indexes)", lambda: run_rules(corpus, rules, registry, config, analysis)
    )
    timed("scorecard", lambda: score(findings, len(corpus.articles), config, rules))
    model = analysis.topics
    assert model is not None
    skip = ("candidates", "read+parse floor, one core")
    times["total"] = round(sum(v for k, v in times.items() if k not in skip), 3)
    return {
        "articles": len(corpus.articles),
        "seconds": times,
        "candidate_pairs": len(candidates),
        "near_pairs": len(near),
        "topics": len(model.topics),
        "assignment": list(model.assignment),
        "paths": [a.ref for a in corpus.articles],
        "peak_mb": round(_peak_mb(), 1),
    }


def whole_audit(kb: Path, out: Path, *extra: str) -> dict[str, float]:
    """`kbaudit audit` as a user runs it, in its own process, with the load average."""
    command = [
        sys.executable,
        "-c",
        "import resource, sys\n"
        "from kbaudit.cli import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "r = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.stderr.write(f'PEAK {r}\\n')\n",
        "audit",
        str(kb),
        "-f",
        "json",
        "-o",
        str(out),
        "--as-of",
        "2026-01-01",
        "--quiet",
        *extra,
    ]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    peak = [line for line in done.stderr.splitlines() if line.startswith("PEAK ")]
    if not peak:
        raise SystemExit(f"audit failed:\n{done.stderr}")
    return {
        "seconds": round(seconds, 2),
        "peak_mb": round(int(peak[-1].split()[1]) / 1024, 1),
        "load_before": round(load, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def cached_audits(kb: Path, out_dir: Path, edits: int = 50) -> dict[str, object]:
    """Cold audit into an empty cache (writing a baseline), warm audit with nothing changed,
    warm audits with `edits` articles edited (restored afterwards), without and with the
    baseline (as a CI job on a pull request runs: topics carried over); each JSON compared
    with a run without the cache of the same KB and flags."""
    cache = out_dir / f"cache-{kb.name}"
    shutil.rmtree(cache, ignore_errors=True)
    flags = ("--cache-dir", str(cache))
    baseline = out_dir / f"{kb.name}.baseline.json"
    with_baseline = ("--baseline", str(baseline))

    def same(a: str, b: str) -> bool:
        return (out_dir / f"{kb.name}.{a}.json").read_bytes() == (
            out_dir / f"{kb.name}.{b}.json"
        ).read_bytes()

    def run(name: str, *extra: str) -> dict[str, float]:
        return whole_audit(kb, out_dir / f"{kb.name}.{name}.json", *extra)

    cold = run("cold", *flags, "--write-baseline", str(baseline))
    warm = run("warm", *flags)
    # the run with a baseline starts from the cache as the unedited KB left it, not from
    # the one the edited run without a baseline filled
    carried_cache = out_dir / f"cache-{kb.name}-baseline"
    shutil.rmtree(carried_cache, ignore_errors=True)
    shutil.copytree(cache, carried_cache)
    files = sorted(kb.rglob("*.md"))[:: max(1, len(list(kb.rglob("*.md"))) // edits)][:edits]
    originals = {f: f.read_bytes() for f in files}
    try:
        for f in files:
            f.write_bytes(originals[f] + b"\nAsk the billing team about late fees.\n")
        edited = run("edited", *flags)
        run("edited-cold", "--no-cache")
        carried = run("edited-baseline", "--cache-dir", str(carried_cache), *with_baseline)
        run("edited-baseline-cold", "--no-cache", *with_baseline)
    finally:
        for f, data in originals.items():
            f.write_bytes(data)
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(carried_cache, ignore_errors=True)
    return {
        "cold": cold,
        "warm": warm,
        "warm_equals_cold": same("warm", "cold"),
        f"warm_{edits}_edited": edited,
        "edited_equals_its_cold_run": same("edited", "edited-cold"),
        f"warm_{edits}_edited_with_baseline": carried,
        "edited_with_baseline_equals_its_cold_run": same("edited-baseline", "edited-baseline-cold"),
    }


def _pairs_of(groups: list[list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for g in groups for p in combinations(sorted(set(g)), 2)}  # type: ignore[misc]


def quality(result: dict, truth: dict) -> dict[str, dict[str, float]]:
    """Precision and recall of duplicate pairs (and conflicts) against the injected ones."""
    kb_dups = result.get("duplicates", [])
    groups = {
        kind: [[d["canonical"], *d["members"]] for d in kb_dups if d["kind"] == kind]
        for kind in ("exact", "near", "conflict", "title")
    }
    injected = {
        kind: {tuple(sorted((p["a"], p["b"]))) for p in truth["pairs"] if p["kind"] in kinds}
        for kind, kinds in (
            ("exact", ("exact",)),
            ("near", ("near", "conflict")),
            ("conflict", ("conflict",)),
        )
    }
    out = {}
    for kind, true in injected.items():
        found = _pairs_of(groups[kind])
        hit = len(found & true)
        out[kind] = {
            "found": len(found),
            "injected": len(true),
            "precision": round(hit / len(found), 4) if found else 1.0,
            "recall": round(hit / len(true), 4) if true else 1.0,
        }
    return out


def topic_agreement(stage: dict, truth: dict) -> float:
    from sklearn.metrics import normalized_mutual_info_score

    pairs = [
        (truth["topics"][p], t)
        for p, t in zip(stage["paths"], stage["assignment"], strict=True)
        if p in truth["topics"] and t >= 0
    ]
    true, found = zip(*pairs, strict=True)
    return round(float(normalized_mutual_info_score(true, found)), 4)


def measure(kb: Path, truth_file: Path | None) -> dict[str, object]:
    out_dir = HERE / "out"
    out_dir.mkdir(exist_ok=True)
    child = subprocess.run(
        [sys.executable, __file__, "--stages", str(kb)],
        capture_output=True,
        text=True,
        check=True,
    )
    stage = json.loads(child.stdout)
    report = out_dir / f"{kb.name}.json"
    whole = whole_audit(kb, report, "--no-cache")
    row: dict[str, object] = {
        "kb": str(kb),
        "articles": stage["articles"],
        "stages": stage["seconds"],
        "stages_peak_mb": stage["peak_mb"],
        "candidate_pairs": stage["candidate_pairs"],
        "near_pairs": stage["near_pairs"],
        "topics": stage["topics"],
        "audit": whole,
        "cache": cached_audits(kb, out_dir),
    }
    if truth_file is not None and truth_file.is_file():
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        result = json.loads(report.read_text(encoding="utf-8"))
        row["duplicates"] = quality(result, truth)
        row["topic_nmi"] = topic_agreement(stage, truth)
        row["true_topics"] = len(set(truth["topics"].values()))
    return row


def exponents(rows: list[dict]) -> dict[str, float]:
    """Growth exponent b in time ~ n^b between the smallest and largest KB, per stage."""
    rows = sorted(rows, key=lambda r: r["articles"])
    if len(rows) < 2:
        return {}
    a, b = rows[0], rows[-1]
    ratio = math.log(b["articles"] / a["articles"])
    out = {}
    for stage, seconds in b["stages"].items():
        first = a["stages"].get(stage, 0)
        if first > 0.05 and seconds > 0:
            out[stage] = round(math.log(seconds / first) / ratio, 2)
    out["whole audit"] = round(math.log(b["audit"]["seconds"] / a["audit"]["seconds"]) / ratio, 2)
    out["load average during the runs"] = [r["audit"]["load_before"] for r in rows]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, help="generated KB sizes to measure")
    parser.add_argument("--kb", type=Path, action="append", default=[], help="another KB folder")
    parser.add_argument("--stages", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stages:
        print(json.dumps(stages(args.stages)))
        return
    rows = []
    for size in args.sizes:
        kb = HERE / "data" / f"kb-{size}"
        if not kb.is_dir():
            raise SystemExit(f"{kb} is missing; run python bench/generate.py {size}")
        rows.append(measure(kb, kb.parent / f"{kb.name}.truth.json"))
        print(json.dumps(rows[-1], indent=1), flush=True)
    for kb in args.kb:
        rows.append(measure(kb, None))
        print(json.dumps(rows[-1], indent=1), flush=True)
    generated = [r for r in rows if "duplicates" in r]
    summary = {"runs": rows, "exponents": exponents(generated)}
    (HERE / "out" / "results.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print("exponents (time ~ n^b):", json.dumps(summary["exponents"]))


if __name__ == "__main__":
    main()
