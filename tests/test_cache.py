"""The incremental cache and parallel parsing: the same JSON report cold, warm, after an edit,
with a damaged cache, with two runs sharing it, and on one or two cores; the KB untouched."""

from __future__ import annotations

import hashlib
import json
import pickle
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from kbaudit.cache import FILE_NAME, Cache
from kbaudit.cli import app
from kbaudit.sources import parallel

from .conftest import ROOT, SAMPLE_KB


def _audit(runner: CliRunner, kb: Path, out: Path, *extra: str) -> bytes:
    result = runner.invoke(
        app, ["audit", str(kb), "-f", "json", "-o", str(out), "--as-of", "2026-11-23", *extra]
    )
    assert result.exit_code in (0, 1), result.output
    return out.read_bytes()


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    copy = tmp_path / "kb"
    shutil.copytree(SAMPLE_KB, copy)
    return copy


def _edit(kb: Path) -> None:
    article = sorted(kb.rglob("*.md"))[3]
    article.write_text(
        article.read_text(encoding="utf-8") + "\nContact jane.doe@gmail.com for a refund.\n",
        encoding="utf-8",
    )


def test_warm_and_edited_runs_equal_cold_runs(runner: CliRunner, kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = _tree_digest(kb)
    cold = _audit(runner, kb, tmp_path / "cold.json", "--cache-dir", str(cache))
    assert (cache / FILE_NAME).is_file()
    warm = _audit(runner, kb, tmp_path / "warm.json", "--cache-dir", str(cache))
    assert warm == cold
    assert _tree_digest(kb) == before  # nothing written into the KB
    _edit(kb)
    edited_warm = _audit(runner, kb, tmp_path / "edited-warm.json", "--cache-dir", str(cache))
    edited_cold = _audit(runner, kb, tmp_path / "edited-cold.json", "--no-cache")
    assert edited_warm == edited_cold
    assert edited_warm != cold  # the edit shows: the cache did not hide it


def test_a_damaged_cache_is_a_miss(runner: CliRunner, kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = _audit(runner, kb, tmp_path / "cold.json", "--cache-dir", str(cache))
    with sqlite3.connect(cache / FILE_NAME) as db:
        db.execute("UPDATE entry SET value = substr(value, 1, 7) WHERE rowid % 2 = 0")
        db.execute("UPDATE entry SET value = x'00ff' WHERE rowid % 3 = 0")
    assert _audit(runner, kb, tmp_path / "damaged.json", "--cache-dir", str(cache)) == cold
    (cache / FILE_NAME).write_bytes(b"not a database at all" * 100)
    assert _audit(runner, kb, tmp_path / "garbage.json", "--cache-dir", str(cache)) == cold


def test_two_runs_share_a_cache(kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "kbaudit", "audit", str(kb), "-f", "json", "-o",
             str(tmp_path / f"run{i}.json"), "--as-of", "2026-11-23", "--cache-dir", str(cache)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for i in range(2)
    ]  # fmt: skip
    for run in runs:
        _, err = run.communicate(timeout=600)
        assert run.returncode in (0, 1), err
    assert (tmp_path / "run0.json").read_bytes() == (tmp_path / "run1.json").read_bytes()


def test_one_and_two_cores_give_the_same_report(
    runner: CliRunner, kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 2)  # the sample KB on two workers
    assert parallel.workers(2, 94) == 2
    one = _audit(runner, kb, tmp_path / "one.json", "--jobs", "1", "--no-cache")
    two = _audit(runner, kb, tmp_path / "two.json", "--jobs", "2", "--no-cache")
    assert one == two


def test_cache_dir_inside_the_kb_is_refused(runner: CliRunner, kb: Path) -> None:
    result = runner.invoke(app, ["audit", str(kb), "--cache-dir", str(kb / "cache")])
    assert result.exit_code == 2
    assert not (kb / "cache").exists()


def test_least_recently_used_entries_are_evicted(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c", max_bytes=10_000)
    cache.put_many({f"old{i}": "x" * 1000 for i in range(8)})
    cache.put_many({f"new{i}": "y" * 1000 for i in range(8)})
    with sqlite3.connect(tmp_path / "c" / FILE_NAME) as db:  # written two and one hours ago
        db.execute("UPDATE entry SET used = used - 7200 WHERE key LIKE 'old%'")
        db.execute("UPDATE entry SET used = used - 3700 WHERE key LIKE 'new%'")
    assert set(cache.get_many(["old0", "new7"])) == {"old0", "new7"}
    cache.close()
    cache = Cache(tmp_path / "c", max_bytes=10_000)
    kept = cache.get_many([f"old{i}" for i in range(8)] + [f"new{i}" for i in range(8)])
    assert "old0" in kept and "new7" in kept  # used last: kept
    assert len(kept) <= 8
    assert (tmp_path / "c").stat().st_mode & 0o777 == 0o700


def test_what_a_run_read_is_not_evicted_for_what_it_wrote(tmp_path: Path) -> None:
    """Entries read within the hour are not marked used again as they are read; the run's
    eviction still counts them as used now, also when another handle (the parse step's)
    read them, and drops the older leftovers and this run's surplus instead."""
    cache = Cache(tmp_path / "c", max_bytes=100_000)
    cache.put_many({f"read{i}": "x" * 1000 for i in range(6)})
    cache.put_many({f"left{i}": "z" * 1000 for i in range(4)})
    cache.close()
    with sqlite3.connect(tmp_path / "c" / FILE_NAME) as db:  # half an hour ago: not touched
        db.execute("UPDATE entry SET used = used - 1800")
    parse = Cache(tmp_path / "c", max_bytes=10_000)
    assert len(parse.get_many([f"read{i}" for i in range(6)])) == 6
    parse.close(evict=False)
    run = Cache(tmp_path / "c", max_bytes=10_000)
    run.put_many({f"new{i}": "y" * 1000 for i in range(4)})
    run.close()
    kept = Cache(tmp_path / "c", max_bytes=10_000).get_many(
        [f"read{i}" for i in range(6)] + [f"left{i}" for i in range(4)]
    )
    assert {f"read{i}" for i in range(6)} <= set(kept)
    assert not any(k.startswith("left") for k in kept)


def test_a_run_over_the_bound_keeps_its_own_entries(tmp_path: Path) -> None:
    """A KB whose entries alone are over the bound keeps them (the next run reads them) and
    drops every older entry instead."""
    Cache(tmp_path / "c", max_bytes=100_000).close()  # an earlier run ends here
    earlier = Cache(tmp_path / "c", max_bytes=100_000)
    earlier.put_many({f"old{i}": "o" * 1000 for i in range(3)})
    with sqlite3.connect(tmp_path / "c" / FILE_NAME) as db:
        db.execute("UPDATE entry SET used = used - 7200")
    earlier.close()  # and this one, two hours ago
    run = Cache(tmp_path / "c", max_bytes=5_000)
    run.put_many({f"mine{i}": "m" * 1000 for i in range(10)})
    run.close()
    kept = Cache(tmp_path / "c").get_many([f"mine{i}" for i in range(10)] + ["old0"])
    assert set(kept) == {f"mine{i}" for i in range(10)}


def test_a_shared_or_foreign_folder_is_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "open"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    cache = Cache(folder)
    assert not cache.enabled
    cache.put_many({"k": 1})
    assert cache.get_many(["k"]) == {}
    assert not (folder / FILE_NAME).exists()


def _add_front_matter(article: Path, line: str) -> None:
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("---\n", f"---\n{line}\n", 1), encoding="utf-8")


def test_cached_findings_follow_the_date_the_config_and_the_corpus(
    runner: CliRunner, kb: Path, tmp_path: Path
) -> None:
    """Per-article findings come from the cache only while what they depend on is unchanged:
    the as-of date (ages), the rule's settings, and for misspelled keys the keys the rest of
    the KB uses (a key becomes known once five articles use it, so an untouched article's
    finding goes away)."""
    cache = ["--cache-dir", str(tmp_path / "cache")]

    def same(name: str, *extra: str) -> bytes:
        warm = _audit(runner, kb, tmp_path / f"{name}-warm.json", *cache, *extra)
        cold = _audit(runner, kb, tmp_path / f"{name}-cold.json", "--no-cache", *extra)
        assert warm == cold
        return warm

    first = same("first")
    later = runner.invoke(
        app, ["audit", str(kb), "-f", "json", "-o", str(tmp_path / "later-warm.json"),
              "--as-of", "2027-11-23", *cache],
    )  # fmt: skip
    assert later.exit_code in (0, 1), later.output
    assert b"STALE001" in (tmp_path / "later-warm.json").read_bytes()
    (kb / "kbaudit.yaml").write_text("rules:\n  STALE001: {severity: error, days: 30}\n")
    assert same("config") != first
    articles = sorted(kb.rglob("*.md"))[1:7]
    _add_front_matter(articles[0], "sumary: refunds")
    assert b"`sumary`" in same("one-use")
    for article in articles[1:5]:
        _add_front_matter(article, "sumary: more")
    assert b"`sumary`" not in same("five-uses")


def test_only_kinds_that_declare_their_inputs_are_cached(tmp_path: Path) -> None:
    """A per-article kind without `cached_with` (a plugin that says nothing) runs on every
    article every time; one with it runs only on articles the cache does not hold."""
    from kbaudit.analysis import Analysis
    from kbaudit.audit import load_corpus, run_rules
    from kbaudit.config import Config
    from kbaudit.model import Article, Finding, Severity
    from kbaudit.rules import CheckKind, Context, Registry, Rule, article_only

    calls = {"kept": 0, "plain": 0, "budget": 0}

    def counting(name: str) -> Callable[[Article, Context], Iterator[Finding]]:
        def check(article: Article, ctx: Context) -> Iterator[Finding]:
            calls[name] += 1
            if "refund" in article.text:
                yield ctx.finding(article, "mentions refunds", data={"n": calls[name] * 0})

        return check

    def out_of_time(article: Article, ctx: Context) -> Iterator[Finding]:
        calls["budget"] += 1
        if "refund" in article.text:  # "not checked": an input finding, never kept
            yield replace(ctx.finding(article, "not checked"), category="input")

    registry = Registry()
    registry.add(CheckKind("kept", "cached", check=counting("kept"), cached_with=article_only))
    registry.add(CheckKind("plain", "not cached", check=counting("plain")))
    registry.add(CheckKind("budget", "input", check=out_of_time, cached_with=article_only))
    rules = [
        Rule("X001", "x.kept", "kept", "quality", Severity.INFO, "s"),
        Rule("X002", "x.plain", "plain", "quality", Severity.INFO, "s"),
        Rule("X003", "x.budget", "budget", "quality", Severity.INFO, "s"),
    ]
    config = Config(jobs=1, cache=False)
    corpus = load_corpus(SAMPLE_KB, config)
    n = len(corpus.articles)

    def run() -> list[Finding]:
        store = Cache(tmp_path / "c")
        try:
            return run_rules(corpus, rules, registry, config, Analysis(), store=store)
        finally:
            store.close()

    cold = run()
    assert calls == {"kept": n, "plain": n, "budget": n}
    unchecked = sum("refund" in a.text for a in corpus.articles)
    warm = run()
    assert calls == {"kept": n, "plain": 2 * n, "budget": n + unchecked}
    assert warm == cold and [f.article for f in warm] == [f.article for f in cold]
    assert any(f.rule == "X001" for f in warm)


def test_corpus_wide_findings_are_reused_while_the_corpus_is_the_same(tmp_path: Path) -> None:
    """A corpus-wide kind with `cached_with` runs once for an unchanged corpus and again
    after any article changes; its findings come back attached to the same articles. One
    without it, or reading an analysis that cannot be described (questions), always runs."""
    from kbaudit.analysis import Analysis
    from kbaudit.audit import load_corpus, run_rules
    from kbaudit.config import Config
    from kbaudit.corpus import Corpus
    from kbaudit.model import Finding, Severity
    from kbaudit.rules import CheckKind, Context, Registry, Rule, corpus_only

    calls = {"kept": 0, "plain": 0, "asked": 0}

    def counting(name: str) -> Callable[[Corpus, Context], Iterator[Finding]]:
        def check(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
            calls[name] += 1
            for article in corpus.articles:
                if "refund" in article.text:
                    yield ctx.finding(article, "mentions refunds")
            yield ctx.finding(None, "the whole KB", path="")

        return check

    registry = Registry()
    registry.add(
        CheckKind("kept", "cached", check_corpus=counting("kept"), cached_with=corpus_only)
    )
    registry.add(CheckKind("plain", "not cached", check_corpus=counting("plain")))
    registry.add(
        CheckKind(
            "asked", "reads questions", check_corpus=counting("asked"),
            needs=("coverage",), cached_with=corpus_only,
        )
    )  # fmt: skip
    rules = [
        Rule("X001", "x.kept", "kept", "quality", Severity.INFO, "s"),
        Rule("X002", "x.plain", "plain", "quality", Severity.INFO, "s"),
        Rule("X003", "x.asked", "asked", "quality", Severity.INFO, "s"),
    ]
    config = Config(jobs=1, cache=False)
    kb = tmp_path / "kb"
    shutil.copytree(SAMPLE_KB, kb)

    def run() -> list[Finding]:
        store = Cache(tmp_path / "c")
        corpus = load_corpus(kb, config)
        corpus.store = store
        analysis = Analysis(inputs={"coverage": None})
        try:
            return run_rules(corpus, rules, registry, config, analysis, store=store)
        finally:
            store.close()

    cold = run()
    assert calls == {"kept": 1, "plain": 1, "asked": 1}
    warm = run()
    assert calls == {"kept": 1, "plain": 2, "asked": 2}
    assert warm == cold and [f.article for f in warm] == [f.article for f in cold]
    assert sum(f.rule == "X001" and f.article is not None for f in warm) > 1
    _edit(kb)
    edited = run()
    assert calls == {"kept": 2, "plain": 3, "asked": 3}
    assert edited != cold


def test_corpus_facts_rules_are_keyed_on_are_reused_while_the_corpus_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The section pages, the named domains and the translations that hold only a notice
    (what the cached findings of several rules are keyed on) are read back for an unchanged
    corpus, and found again after an edit."""
    from kbaudit.audit import load_corpus
    from kbaudit.checks import quality
    from kbaudit.config import Config
    from kbaudit.corpus import Corpus

    kb = tmp_path / "kb"
    shutil.copytree(SAMPLE_KB, kb)
    (kb / "billing" / "index.md").write_text("# Billing\n\nPlans, invoices and refunds.\n")
    built: list[str] = []
    plain = Corpus._section_pages

    def counted(self: Corpus) -> frozenset[str]:
        built.append("sections")
        return plain(self)

    monkeypatch.setattr(Corpus, "_section_pages", counted)
    paired = quality.placeholder_translations

    def pairing(corpus: Corpus) -> dict[int, list[int]]:
        built.append("translations")
        return paired(corpus)

    monkeypatch.setattr(quality, "placeholder_translations", pairing)

    def facts() -> tuple[frozenset[str], object, frozenset[str]]:
        store = Cache(tmp_path / "c")
        corpus = load_corpus(kb, Config(jobs=1, cache=False))
        corpus.store = store
        try:
            return corpus.section_pages, corpus.named_domains, quality.notice_translations(corpus)
        finally:
            store.close()

    cold = facts()
    assert facts() == cold and built == ["sections", "translations"]
    assert cold[0] and cold[1]  # the sample KB has both: the test reads real values
    _edit(kb)
    facts()
    assert built == ["sections", "translations"] * 2


def test_cached_similarity_inputs_give_the_cold_report(
    runner: CliRunner, kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Line hashes, counted terms and findings come from the cache, TF-IDF weights, shingles
    and pairs are rebuilt from them: the report equals a cold run's, on one core or two,
    after an edit, and when a line added to a sixth article becomes boilerplate (the five
    articles that already held it are re-counted without it)."""
    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 2)  # the sample KB on two workers
    cache = ["--cache-dir", str(tmp_path / "cache")]

    def agree(name: str) -> bytes:
        cold = _audit(runner, kb, tmp_path / f"{name}-cold.json", "--no-cache", "--jobs", "1")
        for jobs in ("2", "1"):  # into the cache on two cores, then read on one
            warm = _audit(runner, kb, tmp_path / f"{name}-{jobs}.json", *cache, "--jobs", jobs)
            assert warm == cold, (name, jobs)
        return cold

    first = agree("first")
    _edit(kb)
    assert agree("edited") != first
    footer = "\nStill stuck? Chat with the Ledgerly team.\n"
    for n, article in enumerate(sorted(kb.rglob("*.md"))[10:16]):
        article.write_text(article.read_text(encoding="utf-8") + footer, encoding="utf-8")
        if n >= 4:  # in five articles the line is counted, in six it is boilerplate
            agree(f"footer-{n}")


def test_topics_are_reused_only_while_what_they_read_is_unchanged(
    runner: CliRunner, kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm run reads the topic clusters back; moving one article to another category
    (what TAX009-TAX011 compare topics with) clusters again, and the report equals a run
    without the cache."""
    import kbaudit.analysis.topics as topics

    fitted: list[int] = []
    real = topics.cluster_topics

    def counted(*args: object, **kwargs: object) -> topics.TopicModel:
        fitted.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(topics, "cluster_topics", counted)
    cache = ["--cache-dir", str(tmp_path / "cache")]
    _audit(runner, kb, tmp_path / "cold.json", *cache)
    _audit(runner, kb, tmp_path / "warm.json", *cache)
    assert len(fitted) == 1
    article = sorted(kb.rglob("*.md"))[5]
    text = article.read_text(encoding="utf-8")
    assert "category:" in text
    article.write_text(text.replace("category:", "category: moved-", 1), encoding="utf-8")
    moved = _audit(runner, kb, tmp_path / "moved.json", *cache)
    assert len(fitted) == 2
    assert moved == _audit(runner, kb, tmp_path / "moved-cold.json", "--no-cache")


def test_matching_terms_are_reused_while_the_documents_are_the_same(
    runner: CliRunner, kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`gaps` reads the articles' matching terms back on a warm run; an edited article counts
    them again, and every report equals that of a run without the cache."""
    import kbaudit.analysis.matching as matching

    counted: list[int] = []
    real = matching.document_terms

    def counting(documents: list[str]) -> matching.DocumentTerms:
        counted.append(len(documents))
        return real(documents)

    monkeypatch.setattr(matching, "document_terms", counting)
    questions = ROOT / "fixtures" / "coverage" / "questions" / "questions.csv"

    def gaps(name: str, *extra: str) -> bytes:
        out = tmp_path / f"{name}.json"
        args = ["gaps", str(kb), "--questions", str(questions), "-f", "json", "-o", str(out)]
        result = runner.invoke(app, [*args, *extra])
        assert result.exit_code in (0, 1), result.output
        return out.read_bytes()

    cache = ["--cache-dir", str(tmp_path / "cache")]
    cold = gaps("cold", *cache)
    assert gaps("warm", *cache) == cold
    assert len(counted) == 1
    _edit(kb)
    assert gaps("edited", *cache) == gaps("edited-cold", "--no-cache")
    assert len(counted) == 3


def test_shelves_hold_values_by_content_and_rewrite_only_what_changed(tmp_path: Path) -> None:
    """Values of many slots share entries (shelves): an edited slot misses its own value
    alone, a removed one is dropped when its shelf is written again, an unchanged run writes
    nothing, and another place (step or KB) sees none of them."""
    from kbaudit.cache import SHELVES, Shelves

    cache = Cache(tmp_path / "c")
    items = [(f"docs/page-{i}.md", f"key-{i}") for i in range(3 * SHELVES)]
    first = Shelves(cache, "step", tmp_path / "kb", items)
    assert first.get() == {}
    first.put({k: i for i, (_, k) in enumerate(items)})
    assert len(first.keys) > SHELVES // 2  # spread over many shelves, not one entry each

    written: list[int] = []
    real_put = cache.put_many
    cache.put_many = lambda values: (written.append(len(values)), real_put(values))  # type: ignore[method-assign]
    edited = [(slot, "key-0-edited" if k == "key-0" else k) for slot, k in items if k != "key-1"]
    second = Shelves(cache, "step", tmp_path / "kb", edited)
    found = second.get()
    assert found == {k: int(k.split("-")[1]) for _, k in edited if k != "key-0-edited"}
    second.put({"key-0-edited": -1})
    touched = {n for n, keys in second.members.items() if "key-0-edited" in keys}
    touched |= {n for n, held in second.held.items() if "key-1" in held}
    assert written == [len(touched)]

    third = Shelves(cache, "step", tmp_path / "kb", edited)
    assert third.get() == {**found, "key-0-edited": -1}
    third.put({})
    assert written == [len(touched), 0]
    assert Shelves(cache, "step", tmp_path / "another kb", edited).get() == {}
    cache.close()


def test_a_warm_run_imports_no_scikit_learn_and_reads_its_pickles(kb: Path, tmp_path: Path) -> None:
    """Every result of a warm run comes from the cache, so scikit-learn (seconds to import)
    is never loaded; a fitted vectorizer in the cache unpickles in a fresh process although
    its class is only defined on first use."""
    cache = str(tmp_path / "cache")
    script = (
        "import sys\n"
        "from kbaudit.cli.app import main\n"
        "sys.argv = ['kbaudit', 'audit', sys.argv[1], '-q', '-f', 'json', '-o', sys.argv[2],"
        " '--cache-dir', sys.argv[3], '--as-of', '2026-11-23']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('sklearn' in sys.modules)\n"
    )

    def run(name: str) -> str:
        out = subprocess.run(
            [sys.executable, "-c", script, str(kb), str(tmp_path / name), cache],
            capture_output=True, text=True, check=True, cwd=ROOT,
        )  # fmt: skip
        return out.stdout.split()[-1]

    assert run("cold.json") == "True"
    assert run("warm.json") == "False"
    assert (tmp_path / "warm.json").read_bytes() == (tmp_path / "cold.json").read_bytes()

    from kbaudit.corpus.similarity import text_terms, tfidf_of_terms

    fitted = tfidf_of_terms([text_terms("refund a card payment"), text_terms("card delivery")])
    (tmp_path / "fitted.pkl").write_bytes(pickle.dumps(fitted))
    loads = "import pickle, sys; v, m = pickle.load(open(sys.argv[1], 'rb')); print(m.shape[0])"
    out = subprocess.run(
        [sys.executable, "-c", loads, str(tmp_path / "fitted.pkl")],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    assert out.stdout.strip() == "2"


def test_cache_files_of_earlier_schemas_are_removed(tmp_path: Path) -> None:
    from kbaudit.cache import SCHEMA

    folder = tmp_path / "c"
    folder.mkdir(mode=0o700)
    older = [folder / f"cache-v{n}.sqlite" for n in range(1, SCHEMA)]
    for file in older:
        file.write_bytes(b"an old cache")
    unrelated = folder / "notes.txt"
    unrelated.write_text("kept", encoding="utf-8")
    Cache(folder).close()
    assert (folder / FILE_NAME).is_file() and unrelated.is_file()
    assert not any(file.exists() for file in older)


def test_an_edited_run_scores_only_pairs_with_a_changed_side(
    runner: CliRunner, kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After articles are edited (a sentence that moves the IDF of common terms), one added,
    one removed and one moved to another locale, a run that takes the last run's cosines,
    conflicting facts and template siblings of unchanged pairs reports what a run without
    the cache does, scoring and comparing fewer pairs than that run. Adding an article alone
    moves every IDF, so every pair is scored again, and the report is still the one without
    the cache."""
    from collections import Counter

    import kbaudit.analysis.duplicates as duplicates
    import kbaudit.corpus.similarity as similarity

    counts: Counter[str] = Counter()
    cosines, compare = similarity.cosine_of_pairs, duplicates.conflicts
    siblings = duplicates._Finder._siblings

    def counted_cosines(matrix: Any, pairs: np.ndarray, jobs: int = 1) -> np.ndarray:
        counts["cosines"] += len(pairs)
        return cosines(matrix, pairs, jobs)

    def counted_conflicts(*args: Any) -> list[Any]:
        counts["conflicts"] += 1
        return compare(*args)

    def counted_siblings(finder: duplicates._Finder, i: int, j: int) -> bool:
        counts["siblings"] += 1
        return siblings(finder, i, j)

    monkeypatch.setattr(similarity, "cosine_of_pairs", counted_cosines)
    monkeypatch.setattr(duplicates, "conflicts", counted_conflicts)
    monkeypatch.setattr(duplicates._Finder, "_siblings", counted_siblings)
    cache = ["--cache-dir", str(tmp_path / "cache")]

    def runs(name: str) -> tuple[bytes, Counter[str], Counter[str]]:
        counts.clear()
        warm = _audit(runner, kb, tmp_path / f"{name}-warm.json", *cache)
        warm_counts = counts.copy()
        counts.clear()
        cold = _audit(runner, kb, tmp_path / f"{name}-cold.json", "--no-cache")
        assert warm == cold, name
        return cold, warm_counts, counts.copy()

    first = _audit(runner, kb, tmp_path / "first.json", *cache)
    for article in sorted(kb.rglob("*.md"))[::40]:
        article.write_text(
            article.read_text(encoding="utf-8") + "\nAsk the billing team about late fees.\n",
            encoding="utf-8",
        )
    removed = kb / "troubleshooting" / "bank-feed-not-updating.md"
    text = removed.read_text(encoding="utf-8")
    removed.unlink()
    added = kb / "bank-feeds" / "bank-feed-not-updating.md"
    added.write_text(text.replace("\n\n", "\n\nCheck the feed again tomorrow.\n\n", 1))
    moved = kb / "mobile-app" / "capture-receipts-on-mobile.md"
    moved.write_text(moved.read_text(encoding="utf-8").replace("locale: en", "locale: de"))
    edited, warm, cold = runs("edited")
    report = json.loads(edited)
    assert report != json.loads(first)
    pairs = {(d["canonical"], *d["members"]) for d in report["duplicates"]}
    assert (
        "bank-feeds/fix-a-disconnected-bank-feed.md",
        "bank-feeds/bank-feed-not-updating.md",
    ) in pairs
    assert not any("troubleshooting/" in str(p) or "capture-receipts" in str(p) for p in pairs)
    assert 0 < warm["cosines"] < cold["cosines"]
    assert warm["conflicts"] < cold["conflicts"]
    assert warm["siblings"] < cold["siblings"]

    (kb / "billing" / "late-fees.md").write_text(
        "---\ntitle: Late fees\n---\n\nAsk the billing team about late fees on overdue plans.\n",
        encoding="utf-8",
    )
    _, warm, cold = runs("added")
    assert warm["cosines"] == cold["cosines"]


def test_cached_values_are_keyed_by_the_code_that_computed_them(tmp_path: Path) -> None:
    """An install edited in place keeps its version: its code's own digest keeps it from
    reading back what the code before the edit computed."""
    from kbaudit.cache import code_digest

    package = tmp_path / "pkg"
    (package / "checks").mkdir(parents=True)
    (package / "checks" / "quality.py").write_text("LIMIT = 600\n", encoding="utf-8")
    before = code_digest(package)
    (package / "checks" / "quality.py").write_text("LIMIT = 500\n", encoding="utf-8")
    code_digest.cache_clear()
    assert code_digest(package) != before
    assert code_digest() == code_digest()  # the installed package's, once per process
