"""The one audit: load -> corpus -> analyse -> checks -> findings -> scorecard, as plain
functions. Reading, analyses, score and verdict always cover the whole KB; the scope (all,
changed since a git ref, given paths) only filters which findings are listed."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kbaudit import __version__
from kbaudit.analysis import Analysis, analyse
from kbaudit.config import Config
from kbaudit.corpus import Corpus
from kbaudit.errors import SourceError
from kbaudit.model import Finding, Question
from kbaudit.redact import redact
from kbaudit.rules import (
    Context,
    Registry,
    Rule,
    build_registry,
    ignored_by_path,
    load_rules,
    select_rules,
)
from kbaudit.scope import ALL, Scope, involves, scope_paths
from kbaudit.scorecard import Scorecard, score
from kbaudit.sources import load
from kbaudit.sources.parallel import workers

if TYPE_CHECKING:
    from kbaudit.analysis.topics import PriorTopics

Progress = Callable[[str, int | None, int], None]
"""progress(stage, total, advance): the CLI draws it; stages never print."""


@dataclass
class AuditResult:
    corpus: Corpus
    rules: list[Rule]
    findings: list[Finding]  # the findings listed (those in scope)
    scorecard: Scorecard  # always the whole KB's
    config: Config
    source_path: str
    version: str = __version__
    sections: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, not reported
    analysis: Analysis = field(default_factory=Analysis)
    scope: Scope = ALL
    topics: PriorTopics | None = None  # this run's topics, for a baseline to carry over

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


def needed_analyses(rules: list[Rule], registry: Registry) -> frozenset[str]:
    """The analyses the selected rules' kinds read."""
    return frozenset(n for r in rules for n in registry.get(r.kind).needs)


def run_rules(
    corpus: Corpus,
    rules: list[Rule],
    registry: Registry,
    config: Config,
    analysis: Analysis,
    progress: Progress = _noop,
    timings: dict[str, float] | None = None,
) -> list[Finding]:
    """Run every selected rule; apply inline, front-matter and per-path ignores.
    Seconds spent per stage are added to `timings` when given."""
    timings = {} if timings is None else timings
    findings: list[Finding] = []
    article_rules = [r for r in rules if registry.get(r.kind).check is not None]
    corpus_rules = [r for r in rules if registry.get(r.kind).check_corpus is not None]
    stage = "Checking articles"
    total = len(corpus.articles) + len(corpus_rules)
    contexts = [
        (registry.get(r.kind).check, Context(r, corpus, config, config.today, analysis))
        for r in article_rules
    ]
    started = time.perf_counter()
    findings.extend(
        _check_articles(corpus, contexts, config.jobs, lambda n: progress(stage, total, n))
    )
    timings["per-article rules"] = time.perf_counter() - started
    for rule in corpus_rules:
        started = time.perf_counter()
        check_corpus = registry.get(rule.kind).check_corpus
        ctx = Context(rule, corpus, config, config.today, analysis)
        findings.extend(check_corpus(corpus, ctx))  # type: ignore[misc]
        timings[f"{rule.code} {rule.name}"] = time.perf_counter() - started
        progress(stage, total, 1)
    kept = [f for f in findings if not _ignored(f, config)]
    kept.sort(key=lambda f: (f.where, f.line or 0, f.rule, f.message))
    return kept


ArticleContexts = list[tuple[Any, Context]]
_CHUNK = 256
# Set in each worker process by the pool initializer (inherited through fork, never pickled).
_worker_state: tuple[Corpus, ArticleContexts] | None = None


def _init_worker(corpus: Corpus, contexts: ArticleContexts) -> None:
    global _worker_state
    _worker_state = (corpus, contexts)


def _check_range(start: int, stop: int) -> list[tuple[int | None, Finding]]:
    """Findings of articles[start:stop], detached from their article to keep pickling cheap;
    the article travels back as its index in the corpus."""
    assert _worker_state is not None
    corpus, contexts = _worker_state
    index = {id(a): i for i, a in enumerate(corpus.articles[start:stop], start)}
    out: list[tuple[int | None, Finding]] = []
    for article in corpus.articles[start:stop]:
        for check, ctx in contexts:
            for f in check(article, ctx):
                i = index.get(id(f.article)) if f.article is not None else None
                if f.article is not None and i is None:
                    i = corpus.articles.index(f.article)
                out.append((i, replace(f, article=None)))
    return out


def _check_articles(
    corpus: Corpus, contexts: ArticleContexts, jobs: int, advance: Callable[[int], None]
) -> list[Finding]:
    """Per-article checks, on all cores for large KBs (same findings, same order)."""
    articles = corpus.articles
    n = workers(jobs, len(articles) // 4)
    if n == 1 or not contexts:
        found: list[Finding] = []
        for article in articles:
            for check, ctx in contexts:
                found.extend(check(article, ctx))
            advance(1)
        return found
    corpus.meta_key_counts  # noqa: B018 - build shared indexes once, before forking
    bounds = [(i, min(i + _CHUNK, len(articles))) for i in range(0, len(articles), _CHUNK)]
    found = []
    with ProcessPoolExecutor(n, get_context("fork"), _init_worker, (corpus, contexts)) as pool:
        for (start, stop), chunk in zip(
            bounds, pool.map(_check_range, *zip(*bounds, strict=True)), strict=True
        ):
            found.extend(replace(f, article=None if i is None else articles[i]) for i, f in chunk)
            advance(stop - start)
    return found


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
    scope: Scope = ALL,
    needs: frozenset[str] = frozenset(),
    prior_topics: PriorTopics | None = None,
) -> AuditResult:
    """The whole audit of one export. `needs` adds analyses a command renders even when no
    selected rule reads them (e.g. `kbaudit topics` with topic rules ignored);
    `prior_topics` (from a baseline) keeps an earlier run's topics where articles did not
    change."""
    registry = registry or build_registry()
    rules = select_rules(
        load_rules(config, registry, path if path.is_dir() else None), config.select, config.ignore
    )
    in_scope = scope_paths(scope, path)
    started = time.perf_counter()
    corpus = load_corpus(path, config, input_format, questions, progress)
    timings = {"load": time.perf_counter() - started}
    needed = needed_analyses(rules, registry) | needs
    analysis = analyse(corpus, config, needed, progress, prior_topics)
    timings.update({f"analysis: {k}": v for k, v in analysis.timings.items()})
    findings = run_rules(corpus, rules, registry, config, analysis, progress, timings)
    card = score(findings, len(corpus.articles), config, rules, analysis.coverage)
    listed = findings if in_scope is None else [f for f in findings if involves(f, in_scope)]
    secrets = [f for f in findings if f.secrets]  # found out of scope too: mask them all
    listed, articles, sections = redact(
        secrets + listed, corpus.articles, analysis.sections(corpus)
    )
    listed = listed[len(secrets) :]
    model = analysis.topics  # digests of the articles as read, before any masking
    topics = None if model is None else model.prior(corpus.articles, config.topics)
    if articles is not corpus.articles:
        corpus = replace(corpus, articles=articles)
    return AuditResult(
        corpus,
        rules,
        listed,
        card,
        config,
        str(path),
        sections=sections,
        timings=timings,
        analysis=analysis,
        scope=scope,
        topics=topics,
    )
