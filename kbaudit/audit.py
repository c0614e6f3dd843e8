"""The audit pipeline: load -> corpus -> rules -> findings -> scorecard, as plain functions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbaudit import __version__
from kbaudit.config import Config
from kbaudit.corpus import Corpus
from kbaudit.errors import SourceError
from kbaudit.model import Finding, Question
from kbaudit.rules import (
    Context,
    Registry,
    Rule,
    build_registry,
    ignored_by_path,
    load_rules,
    select_rules,
)
from kbaudit.scorecard import Scorecard, score
from kbaudit.sources import load

Progress = Callable[[str, int | None, int], None]
"""progress(stage, total, advance): the CLI draws it; stages never print."""


@dataclass
class AuditResult:
    corpus: Corpus
    rules: list[Rule]
    findings: list[Finding]
    scorecard: Scorecard
    config: Config
    source_path: str
    version: str = __version__
    sections: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def articles(self) -> int:
        return len(self.corpus.articles)


def _noop(stage: str, total: int | None, advance: int) -> None:
    return None


def load_corpus(
    path: Path,
    config: Config,
    input_format: str | None = None,
    questions: list[Question] | None = None,
    progress: Progress = _noop,
) -> Corpus:
    progress("Reading the export", None, 0)
    result = load(
        path,
        input_format,
        config.source_options(),
        lambda n: progress("Reading the export", None, n),
    )
    if not result.articles and not result.problems:
        raise SourceError(
            f"no article found in {path}; check the path, `include`/`exclude` and --input-format"
        )
    files = frozenset(result.files)
    return Corpus(
        articles=result.articles,
        root=str(path),
        format=result.format,
        problems=result.problems,
        files=files,
        questions=questions,
        base_url=config.base_url,
    )


def run_rules(
    corpus: Corpus,
    rules: list[Rule],
    registry: Registry,
    config: Config,
    progress: Progress = _noop,
) -> list[Finding]:
    """Run every selected rule; apply inline, front-matter and per-path ignores."""
    findings: list[Finding] = []
    article_rules = [r for r in rules if registry.get(r.kind).check is not None]
    corpus_rules = [r for r in rules if registry.get(r.kind).check_corpus is not None]
    stage = "Checking articles"
    total = len(corpus.articles) + len(corpus_rules)
    contexts = [
        (registry.get(r.kind).check, Context(r, corpus, config, config.today))
        for r in article_rules
    ]
    for article in corpus.articles:
        for check, ctx in contexts:
            findings.extend(check(article, ctx))  # type: ignore[misc]
        progress(stage, total, 1)
    for rule in corpus_rules:
        check_corpus = registry.get(rule.kind).check_corpus
        findings.extend(check_corpus(corpus, Context(rule, corpus, config, config.today)))  # type: ignore[misc]
        progress(stage, total, 1)
    kept = [f for f in findings if not _ignored(f, config)]
    kept.sort(key=lambda f: (f.where, f.line or 0, f.rule, f.message))
    return kept


def _ignored(finding: Finding, config: Config) -> bool:
    article = finding.article
    if article is not None and any(
        finding.rule.startswith(c) or c == "ALL" for c in article.ignores
    ):
        return True
    return ignored_by_path(finding.where, finding.rule, config.per_path_ignores)


def audit(
    path: Path,
    config: Config,
    *,
    input_format: str | None = None,
    questions: list[Question] | None = None,
    registry: Registry | None = None,
    progress: Progress = _noop,
) -> AuditResult:
    """The whole audit of one export."""
    registry = registry or build_registry()
    rules = select_rules(
        load_rules(config, registry, path if path.is_dir() else None), config.select, config.ignore
    )
    corpus = load_corpus(path, config, input_format, questions, progress)
    findings = run_rules(corpus, rules, registry, config, progress)
    coverage = corpus.extra.get("coverage")
    card = score(findings, len(corpus.articles), config, coverage)
    sections = {
        k: corpus.extra[k]
        for k in ("duplicates", "topics", "questions", "gaps")
        if k in corpus.extra
    }
    return AuditResult(corpus, rules, findings, card, config, str(path), sections=sections)
