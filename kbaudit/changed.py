"""Audit only the articles changed since a git ref (the fast path for a pull-request check).

Per-article rules run on the changed articles only; corpus-wide rules (duplicates, topics) still
compare them against the whole KB, and keep the findings that involve a changed article, as the
article itself or among its `related` articles.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from kbaudit.audit import AuditResult, Progress, load_corpus, run_rules
from kbaudit.config import Config
from kbaudit.errors import ConfigError
from kbaudit.model import Finding, Question
from kbaudit.rules import (
    Context,
    Registry,
    build_registry,
    ignored_by_path,
    load_rules,
    select_rules,
)
from kbaudit.scorecard import score


def changed_files(kb: Path, ref: str) -> frozenset[str]:
    """Files under `kb` changed between the merge base of `ref` and the working tree, as paths
    relative to `kb` (one git call)."""
    folder = kb if kb.is_dir() else kb.parent
    command = ["git", "-C", str(folder), "diff", "--name-only", "-z", "--relative", "--merge-base"]
    try:
        done = subprocess.run(
            [*command, ref, "--"], capture_output=True, text=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise ConfigError("--changed-since needs git on the PATH") from None
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "git failed"
        raise ConfigError(
            f"--changed-since {ref}: {detail}; give a ref git knows (e.g. origin/main) inside "
            "a git repository, fetched deep enough to contain it"
        )
    return frozenset(p for p in done.stdout.split("\0") if p)


def involves(finding: Finding, changed: frozenset[str]) -> bool:
    """Whether a finding is about a changed article, or names one among its related articles."""
    if finding.where in changed:
        return True
    return any((r.path or r.id) in changed for r in finding.related)


def audit_changed(
    path: Path,
    config: Config,
    changed: frozenset[str],
    *,
    input_format: str | None = None,
    questions: list[Question] | None = None,
    registry: Registry | None = None,
    progress: Progress = lambda stage, total, advance: None,
) -> AuditResult:
    """audit() restricted to the changed articles; the scorecard scores those articles."""
    registry = registry or build_registry()
    rules = select_rules(
        load_rules(config, registry, path if path.is_dir() else None), config.select, config.ignore
    )
    started = time.perf_counter()
    corpus = load_corpus(path, config, input_format, questions, progress)
    timings = {"load": time.perf_counter() - started}
    audited = [a for a in corpus.articles if a.ref in changed]
    article_rules = [r for r in rules if registry.get(r.kind).check is not None]
    corpus_rules = [r for r in rules if registry.get(r.kind).check_corpus is not None]
    started = time.perf_counter()
    findings: list[Finding] = []
    for rule in article_rules:
        check = registry.get(rule.kind).check
        ctx = Context(rule, corpus, config, config.today)
        for article in audited:
            findings.extend(check(article, ctx))  # type: ignore[misc]
    findings = [f for f in findings if not _ignored(f, config)]
    timings["per-article rules (changed articles)"] = time.perf_counter() - started
    findings += [
        f
        for f in run_rules(corpus, corpus_rules, registry, config, progress, timings)
        if involves(f, changed)
    ]
    findings.sort(key=lambda f: (f.where, f.line or 0, f.rule, f.message))
    # With no changed article there is nothing to hold against the KB: score it clean.
    card = score(
        findings, len(audited) or len(corpus.articles), config, corpus.extra.get("coverage")
    )
    sections = {
        k: corpus.extra[k]
        for k in ("duplicates", "topics", "questions", "gaps")
        if k in corpus.extra
    }
    return AuditResult(
        corpus, rules, findings, card, config, str(path), sections=sections, timings=timings
    )


def _ignored(finding: Finding, config: Config) -> bool:
    """Inline and front-matter ignores, then per-path ignores (as the full audit applies)."""
    ignores = finding.article.ignores if finding.article is not None else frozenset()
    if any(finding.rule.startswith(c) or c == "ALL" for c in ignores):
        return True
    return ignored_by_path(finding.where, finding.rule, config.per_path_ignores)
