"""The one audit: load -> corpus -> analyse -> checks -> findings -> scorecard, as plain
functions. Reading, analyses, score and verdict always cover the whole KB; the scope (all,
changed since a git ref, given paths) only filters which findings are listed."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kbaudit import __version__
from kbaudit.analysis import Analysis, analyse
from kbaudit.cache import Cache, Shelves, entry_key, fingerprint, open_cache
from kbaudit.config import Config
from kbaudit.corpus import Corpus
from kbaudit.errors import SourceError
from kbaudit.model import Article, Finding, Question
from kbaudit.normalize import INCLUDED_BY
from kbaudit.redact import redact
from kbaudit.rules import (
    CheckKind,
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
from kbaudit.sources.parallel import process_pool, worker_started, workers

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
    # This run's topics as a baseline carries them over, computed when asked for (it hashes
    # every article as read, before any masking).
    carry: Callable[[], PriorTopics] | None = field(default=None, repr=False)

    @cached_property
    def topics(self) -> PriorTopics | None:
        return None if self.carry is None else self.carry()

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
        jobs=config.jobs,
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
    store: Cache | None = None,
) -> list[Finding]:
    """Run every selected rule; apply inline, front-matter and per-path ignores.
    Seconds spent per stage are added to `timings` when given. With a `store`, per-article
    findings of kinds that declare `cached_with` are reused for unchanged articles."""
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
    stored = _StoredFindings(store, corpus, [registry.get(r.kind) for r in article_rules], contexts)
    found = _check_articles(
        corpus, contexts, config.jobs, lambda n: progress(stage, total, n), stored.todo
    )
    findings.extend(stored.merge(found))
    timings["per-article rules"] = time.perf_counter() - started
    for rule in corpus_rules:
        started = time.perf_counter()
        ctx = Context(rule, corpus, config, config.today, analysis)
        findings.extend(_corpus_findings(registry.get(rule.kind), ctx, store))
        timings[f"{rule.code} {rule.name}"] = time.perf_counter() - started
        progress(stage, total, 1)
    whole = {r.code for r in rules if not registry.get(r.kind).fragments}
    kept = [f for f in findings if not _ignored(f, config) and not _on_fragment(f, whole)]
    kept.sort(key=lambda f: (f.where, f.line or 0, f.rule, f.message))
    return kept


ArticleContexts = list[tuple[Any, Context]]
Todo = list[tuple[int, ...]]  # per article, the contexts (by index) to run on it
Found = list[list[list[Finding]]]  # per article, per context of its todo, the findings
_CHUNK = 256
# Set in each worker process by the pool initializer (inherited through fork, never pickled).
_worker_state: tuple[Corpus, ArticleContexts, Todo] | None = None


def _init_worker(corpus: Corpus, contexts: ArticleContexts, todo: Todo) -> None:
    global _worker_state
    worker_started()
    _worker_state = (corpus, contexts, todo)


def _check_range(start: int, stop: int) -> list[list[list[tuple[int | None, Finding]]]]:
    """Findings of articles[start:stop], detached from their article to keep pickling cheap;
    the article travels back as its index in the corpus."""
    assert _worker_state is not None
    corpus, contexts, todo = _worker_state
    index = {id(a): i for i, a in enumerate(corpus.articles[start:stop], start)}
    out = []
    for n, article in enumerate(corpus.articles[start:stop], start):
        per_article = []
        for c in todo[n]:
            check, ctx = contexts[c]
            detached = []
            for f in check(article, ctx):
                i = index.get(id(f.article)) if f.article is not None else None
                if f.article is not None and i is None:
                    i = corpus.articles.index(f.article)
                detached.append((i, f.about(None)))
            per_article.append(detached)
        out.append(per_article)
    return out


def _check_articles(
    corpus: Corpus,
    contexts: ArticleContexts,
    jobs: int,
    advance: Callable[[int], None],
    todo: Todo,
) -> Found:
    """Per-article checks (`todo[i]`: which ones on article i), on all cores for large KBs
    (same findings, same order)."""
    articles = corpus.articles
    busy = sum(1 for t in todo if t)
    n = workers(jobs, busy // 4)
    if n == 1 or not contexts:
        found: Found = []
        for article, wanted in zip(articles, todo, strict=True):
            found.append([list(contexts[c][0](article, contexts[c][1])) for c in wanted])
            advance(1)
        return found
    corpus.meta_key_counts  # noqa: B018 - build shared indexes once, before forking
    bounds = _balanced_ranges(todo)
    found = []
    with process_pool(n, _init_worker, (corpus, contexts, todo)) as pool:
        for (start, stop), chunk in zip(
            bounds, pool.map(_check_range, *zip(*bounds, strict=True)), strict=True
        ):
            for per_article in chunk:
                found.append(
                    [
                        [f.about(None if i is None else articles[i]) for i, f in fs]
                        for fs in per_article
                    ]
                )
            advance(stop - start)
    return found


def _balanced_ranges(todo: Todo) -> list[tuple[int, int]]:
    """Ranges of articles holding about _CHUNK articles with checks to run each (cached
    articles cost nothing, so they do not count)."""
    bounds, start, busy = [], 0, 0
    for i, wanted in enumerate(todo):
        busy += bool(wanted)
        if busy == _CHUNK:
            bounds.append((start, i + 1))
            start, busy = i + 1, 0
    if start < len(todo):
        bounds.append((start, len(todo)))
    return bounds


class _StoredFindings:
    """Per-article findings in the incremental cache: one value per article (keyed by a hash
    of every field of the article and the kbaudit version, kept on `Shelves`) maps the
    fingerprint of each cacheable rule (kind, code, name, category, severity, params, pack
    and what its kind's `cached_with` gives) to the findings that rule gave, detached from
    the article. A rule whose fingerprint is missing runs again; the value is rewritten with
    the rules of this run only. A result with an `input` finding (the article was not
    checked: a CPU budget ran out) is not kept, so the next run tries again."""

    def __init__(
        self,
        store: Cache | None,
        corpus: Corpus,
        kinds: list[CheckKind],
        contexts: ArticleContexts,
    ) -> None:
        self.articles = corpus.articles
        self.prints: list[str | None] = [None] * len(contexts)
        self.keys: list[str] = []
        self.entries: list[dict[str, Any]] = [{} for _ in self.articles]
        if store is not None and store.enabled:
            for c, (kind, (_, ctx)) in enumerate(zip(kinds, contexts, strict=True)):
                self.prints[c] = _rule_print(kind, ctx)
        self.shelves: Shelves | None = None
        if any(self.prints):
            namespace = fingerprint("article-findings")
            self.keys = [entry_key(namespace, "", digest) for digest in corpus.digests()]
            assert store is not None
            refs = [a.ref for a in self.articles]
            items = list(zip(refs, self.keys, strict=True))
            self.shelves = Shelves(store, namespace, corpus.root, items)
            found = self.shelves.get()
            self.entries = [found.get(k, {}) for k in self.keys]
        uncached = tuple(c for c, p in enumerate(self.prints) if p is None)
        kept = frozenset(p for p in self.prints if p is not None)
        self.todo: Todo = [
            uncached  # most articles of a warm run: every cached rule's findings are there
            if kept <= entry.keys()
            else tuple(c for c, p in enumerate(self.prints) if p is None or p not in entry)
            for entry in self.entries
        ]

    def merge(self, found: Found) -> list[Finding]:
        """Every finding, computed or cached, in article then rule order; the computed ones
        are stored for the next run."""
        out: list[Finding] = []
        new: dict[str, dict[str, Any]] = {}
        for i, article in enumerate(self.articles):
            entry = self.entries[i]
            if not self.todo[i]:  # every rule's findings cached (most articles of a warm run)
                for p in self.prints:
                    cached = entry[p]  # type: ignore[index]
                    if cached:
                        out.extend(_attach(cached, article))
                continue
            computed = dict(zip(self.todo[i], found[i], strict=True))
            fresh: dict[str, Any] = {}
            for c, p in enumerate(self.prints):
                if c in computed:
                    out.extend(computed[c])
                    kept = _detach(computed[c], article) if p is not None else None
                    if kept is not None:
                        fresh[p] = kept  # type: ignore[index]
                else:
                    out.extend(_attach(entry[p], article))  # type: ignore[index]
            if fresh:
                new[self.keys[i]] = {
                    p: fresh[p] if p in fresh else entry[p]
                    for p in self.prints
                    if p is not None and (p in fresh or p in entry)
                }
        if self.shelves is not None:
            self.shelves.put(new)
        return out


def _rule_print(kind: CheckKind, ctx: Context) -> str | None:
    """What a rule's findings depend on besides the article (or the corpus): the check's
    code and version, the rule's fields and what its kind's `cached_with` gives; None when
    the kind does not declare `cached_with` (not cached)."""
    if kind.cached_with is None:
        return None
    check: Any = kind.check or kind.check_corpus
    r = ctx.rule
    return fingerprint(
        "findings", kind.name, check.__module__, check.__qualname__,
        _package_version(check.__module__), r.code, r.name, r.category, r.severity,
        r.params, r.pack, kind.cached_with(ctx),
    )  # fmt: skip


def _corpus_findings(kind: CheckKind, ctx: Context, store: Cache | None) -> list[Finding]:
    """A corpus-wide rule's findings. Kept in the incremental cache when its kind declares
    `cached_with` and every analysis it reads could be described (`Analysis.inputs`), under
    a description of the whole corpus (`Corpus.state`), those analyses and the rule; reused
    while all of them stay the same. Articles are stored as their index in the corpus."""
    corpus, analysis = ctx.corpus, ctx.analysis
    assert kind.check_corpus is not None
    printed = _rule_print(kind, ctx)
    needed = [analysis.inputs.get(n) if analysis else None for n in kind.needs]
    inputs = None if printed is None or None in needed else corpus.state(printed, *needed)
    if store is None or inputs is None:
        return list(kind.check_corpus(corpus, ctx))
    key = entry_key(fingerprint("corpus-findings"), "", inputs)
    articles = corpus.articles
    cached = store.get_many([key]).get(key)
    if cached is not None:
        return [f if i is None else f.about(articles[i]) for i, f in cached]
    found = list(kind.check_corpus(corpus, ctx))
    index = {id(a): i for i, a in enumerate(articles)}
    kept = [(None if f.article is None else index.get(id(f.article)), f) for f in found]
    if all((i is None) == (f.article is None) for i, f in kept):
        store.put_many({key: [(i, f if i is None else f.about(None)) for i, f in kept]})
    return found


def _package_version(module: str) -> str:
    """The installed version of the package a plugin's check comes from (kbaudit's own is
    in every cache key already), so upgrading a plugin re-checks every article."""
    top = module.split(".")[0]
    if top == "kbaudit":
        return ""
    from importlib.metadata import PackageNotFoundError, packages_distributions, version

    names = packages_distributions().get(top, [])
    try:
        return ",".join(f"{name} {version(name)}" for name in sorted(names))
    except PackageNotFoundError:
        return ""


def _detach(found: list[Finding], article: Article) -> tuple[tuple[Finding, bool], ...] | None:
    """Findings as cached: without their article (True where it was this one); None when
    they cannot be kept (another article named, or the article not checked)."""
    out = []
    for f in found:
        if f.category == "input" or (f.article is not None and f.article is not article):
            return None
        out.append((f.about(None), f.article is not None))
    return tuple(out)


def _attach(cached: tuple[tuple[Finding, bool], ...], article: Article) -> list[Finding]:
    return [f.about(article) if mine else f for f, mine in cached]


def _on_fragment(finding: Finding, whole_page_rules: set[str]) -> bool:
    """A finding about a fragment (a file other pages include) from a rule about whole pages
    (title, date, owner, length, duplicates): the fragment is part of those pages."""
    article = finding.article
    return (
        article is not None
        and bool(article.meta.get(INCLUDED_BY))
        and finding.rule in whole_page_rules
    )


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
    corpus.store = store = open_cache(config.cache_folder(), path)
    needed = needed_analyses(rules, registry) | needs
    analysis = analyse(corpus, config, needed, progress, prior_topics)
    timings.update({f"analysis: {k}": v for k, v in analysis.timings.items()})
    findings = run_rules(corpus, rules, registry, config, analysis, progress, timings, store)
    if store is not None:
        store.close()  # evicts over the size bound; each write was its own transaction
    card = score(findings, len(corpus.articles), config, rules, analysis.coverage)
    listed = findings if in_scope is None else [f for f in findings if involves(f, in_scope)]
    secrets = [f for f in findings if f.secrets]  # found out of scope too: mask them all
    listed, articles, sections = redact(
        secrets + listed, corpus.articles, analysis.sections(corpus)
    )
    listed = listed[len(secrets) :]
    model = analysis.topics  # digests of the articles as read, before any masking
    carry = None if model is None else partial(model.prior, corpus.articles, config.topics)
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
        carry=carry,
    )
