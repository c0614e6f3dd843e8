"""Evaluate coverage gaps on real data.

0. Dev set (`dev_set`): a 67-article bank help center (../shared/corpora/banking-help-center,
   `index.json` maps each file to the banking77 intent it answers, or `distractor`) against
   the 10,003 real banking77 questions: a question is a true gap when no article answers its
   intent (25 of the 77 intents). A seeded shuffle splits the questions in halves: the cut is
   tuned on one and measured on the other (never tuned on the test half); the shipped default
   is measured on the test half too. Gap topics (from the whole pipeline at the default cut)
   are scored against the intents: NMI, how many of the top 15 are distinct true gaps (their
   main intent is a gap intent no earlier topic had), how many of the gap intents are the
   main intent of some topic. Next to it a naive peer: TF-IDF cosine to the nearest article,
   its cut tuned the same way. `--semantic` adds the hybrid embedding mode (needs the model).
   Held-out sets, the same protocol on other real questions (`--clinc data_full.json`, the
   CLINC150 intent data; skipped when the file is absent): the help centers in fixtures/eval,
   written for them (`CLINC_SETS`: an HR and payroll one for the `work` domain, a card
   issuer's for `credit_cards` and `banking`), against every split's questions of their
   domains' intents. With `--clinc-oos` each also runs with the out-of-scope queries added
   as extra true gaps, whose share called uncovered is reported on its own, next to the
   in-domain questions' scores of that run.
1. Held-out test on a real KB (default: ../shared/corpora/officedocs-support): a seeded 20%
   of articles is removed from the KB. Every article gives one question, a customer's
   rewording of what it is about (`title_question`: title words, one dropped, description
   words added, inflected, misspelt, reordered, a customer lead in front), so questions are
   not copies of titles. Questions of removed articles are the true gaps, except where a
   kept article has (nearly) the same title: that held-out article is answered by its twin
   and is left out of the test (the count is reported). Thresholds are tuned on half of the
   questions; precision and recall of "uncovered" are reported on the other half, and also
   at the shipped default thresholds. A harder variant derives the questions from random
   opening sentences instead (`sentence_question`): often a detail, not the article's
   subject, so retrieval by subject cannot separate them; reported for what it is.
2. Clustering on banking77 (text,category): NMI and ARI of the gap-topic clustering against
   the 77 intents, next to plain TF-IDF + KMeans (K = 77, the baseline's best case).
3. Timing: N questions (banking77, repeated if needed) against the first M articles of a
   generated KB (bench/data/kb-20000, from bench/generate.py).

Run from the project root: `python bench/eval_gaps.py [--skip-timing]`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbaudit.analysis.coverage import (
    UNCOVERED,
    Thresholds,
    analyse,
    classify,
)
from kbaudit.analysis.matching import STOP, article_document, fit_matcher
from kbaudit.analysis.question_topics import cluster_questions
from kbaudit.config import Config
from kbaudit.model import Article, Question
from kbaudit.sources import load

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
EVAL = ROOT / "fixtures" / "eval"
# Help centers written for the held-out sets (fixtures/eval) and the CLINC150 domains whose
# intents their questions come from.
CLINC_SETS = {"hr-help-center": ("work",), "card-help-center": ("credit_cards", "banking")}
LEADS = (
    "how do i", "how can i", "why can't i", "help:", "problem with", "question about",
    "not working:", "i need to", "what if", "",
)  # fmt: skip
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'-]+")
TUNE_RECALL = 0.9


def _typo(word: str, rng: np.random.Generator) -> str:
    """Swap, drop or double one inner letter."""
    if len(word) < 5:
        return word
    i = int(rng.integers(1, len(word) - 2))
    kind = int(rng.integers(3))
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def _inflect(word: str) -> str:
    if word.endswith("ing") and len(word) > 6:
        return word[:-3]
    if word.endswith("ed") and len(word) > 5:
        return word[:-2] + "ing"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 4:
        return word[:-1]
    return word


def _content(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w.casefold() not in STOP]


def _ask(words: list[str], rng: np.random.Generator, first_cut: int) -> str:
    """The words rotated at a random point (from `first_cut`), lower-cased, after a customer
    lead such as "why can't i"."""
    cut = int(rng.integers(first_cut, len(words)))
    words = words[cut:] + words[:cut]
    lead = LEADS[int(rng.integers(len(LEADS)))]
    return f"{lead} {' '.join(words).lower()}".strip()


def title_question(article: Article, rng: np.random.Generator) -> str | None:
    """A customer's rewording of what the article is about: the title's content words, one
    dropped from long titles, up to two words of the description added, some inflected,
    sometimes one misspelt, the order rotated and a customer lead put in front."""
    title = _content(article.title or "")
    if len(title) < 3:
        return None
    words = list(title)
    if len(words) >= 5:
        words.pop(int(rng.integers(len(words))))
    seen = {w.casefold() for w in title}
    extra = [
        w for w in _content(str(article.meta.get("description") or "")) if w.casefold() not in seen
    ]
    if extra and rng.random() < 0.6:
        picks = rng.choice(len(extra), min(int(rng.integers(1, 3)), len(extra)), replace=False)
        words += [extra[int(j)] for j in picks]
    words = [_inflect(w) if rng.random() < 0.3 else w for w in words]
    if rng.random() < 0.3:
        j = int(rng.integers(len(words)))
        words[j] = _typo(words[j], rng)
    return _ask(words, rng, 0)


def sentence_question(article: Article, rng: np.random.Generator) -> str | None:
    """A harder variant: content words of a random one of the article's opening sentences
    (about a third dropped, rotated, a lead added): often a detail, not what it is about."""
    description = str(article.meta.get("description") or "")
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", article.text) if len(s.split()) >= 8]
    sources = [description] if description and rng.random() < 0.5 else []
    sources += sentences[:6]
    if not sources:
        return None
    words = _content(sources[int(rng.integers(len(sources)))])
    if len(words) < 4:
        return None
    keep = rng.random(len(words)) > 0.35
    words = [w for w, k in zip(words, keep, strict=True) if k][:10]
    if len(words) < 3:
        return None
    return _ask(words, rng, 1)


def _has_twin(article: Article, kept_titles: list[str]) -> bool:
    """A kept article with (nearly) the same title answers the same question: `SIP 410 and
    response codes` / `SIP 412 and response codes`. Such a held-out article is no true gap."""
    title = (article.title or "").casefold()
    return any(
        fuzz.token_sort_ratio(title, other) >= 85 or fuzz.token_set_ratio(title, other) >= 95
        for other in kept_titles
    )


def held_out(path: Path, share: float, seed: int, derive: Callable) -> dict[str, float]:
    result = load(path, None, Config().source_options())
    articles = [a for a in result.articles if a.word_count >= 50]
    rng = np.random.default_rng(seed)
    removed = rng.random(len(articles)) < share
    kept = [a for a, r in zip(articles, removed, strict=True) if not r]
    kept_titles = [(a.title or "").casefold() for a in kept]
    questions: list[tuple[str, bool]] = []
    twins = 0
    for article, gone in zip(articles, removed, strict=True):
        q = derive(article, rng)
        if not q:
            continue
        if gone and _has_twin(article, kept_titles):
            twins += 1
            continue
        questions.append((q, bool(gone)))
    split = rng.random(len(questions)) < 0.5
    started = time.perf_counter()
    matcher = fit_matcher(kept, [q for q, _ in questions])
    scores = np.array([m[0].score if m else 0.0 for m in matcher.top([q for q, _ in questions], 1)])
    seconds = time.perf_counter() - started
    truth = np.array([g for _, g in questions])

    def pr(mask: np.ndarray, cut: float) -> tuple[float, float]:
        predicted = scores[mask] < cut
        tp = float(np.sum(predicted & truth[mask]))
        precision = tp / max(float(predicted.sum()), 1.0)
        recall = tp / max(float(truth[mask].sum()), 1.0)
        return precision, recall

    # The goal is a gap list that misses few gaps: on the tuning half, the most precise cut
    # whose recall is at least TUNE_RECALL (the F1-best cut when none reaches it).
    cuts = np.round(np.arange(0.05, 0.8, 0.005), 3)
    reaching = [c for c in cuts if pr(split, c)[1] >= TUNE_RECALL]
    best = (
        max(reaching, key=lambda c: (pr(split, c)[0], -c))
        if reaching
        else max(cuts, key=lambda c: 2 * np.prod(pr(split, c)) / max(sum(pr(split, c)), 1e-9))
    )
    p_tune, r_tune = pr(split, best)
    p_test, r_test = pr(~split, best)
    defaults = Thresholds()
    p_def, r_def = pr(~split, defaults.partial)
    p_gap, r_gap = pr(~split, defaults.covered)
    return {
        "articles": len(articles),
        "held_out": int(removed.sum()),
        "held_out_with_a_kept_twin_left_out": twins,
        "questions": len(questions),
        "test_questions": int((~split).sum()),
        "true_gaps_in_test": int(truth[~split].sum()),
        "uncovered_below": float(best),
        "tune_precision": round(p_tune, 3),
        "tune_recall": round(r_tune, 3),
        "test_precision": round(p_test, 3),
        "test_recall": round(r_test, 3),
        "default_uncovered_precision": round(p_def, 3),
        "default_uncovered_recall": round(r_def, 3),
        "default_not_covered_precision": round(p_gap, 3),
        "default_not_covered_recall": round(r_gap, 3),
        "match_seconds": round(seconds, 2),
    }


def banking77_questions(path: Path) -> tuple[list[str], list[str]]:
    """The questions of a banking77 file (text,category) and their intents."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], [r["category"] for r in rows]


def clinc_questions(path: Path, domains: tuple[str, ...]) -> tuple[list[str], list[str], list[str]]:
    """The questions of the domains' intents in every split of a CLINC150 file (rows [text,
    intent]; the domains are read from `domains.json` beside it) with their intents, and the
    out-of-scope queries of every split."""
    data = json.loads(path.read_text(encoding="utf-8"))
    intents_of = json.loads((path.parent / "domains.json").read_text(encoding="utf-8"))
    wanted = {i for d in domains for i in intents_of[d]}
    rows = [row for split in ("train", "val", "test") for row in data[split] if row[1] in wanted]
    oos = [text for split in ("oos_train", "oos_val", "oos_test") for text, _ in data[split]]
    return [t for t, _ in rows], [i for _, i in rows], oos


def banking(path: Path) -> dict[str, float]:
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    texts, truth = banking77_questions(path)
    started = time.perf_counter()
    baseline = KMeans(77, random_state=0, n_init=3).fit(
        TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
    )
    base_seconds = time.perf_counter() - started
    started = time.perf_counter()
    labels, _ = cluster_questions(texts)
    ours_seconds = time.perf_counter() - started
    return {
        "questions": len(texts),
        "baseline_nmi": round(normalized_mutual_info_score(truth, baseline.labels_), 3),
        "baseline_ari": round(adjusted_rand_score(truth, baseline.labels_), 3),
        "baseline_seconds": round(base_seconds, 1),
        "gap_topics_k": int(labels.max()) + 1,
        "gap_topics_nmi": round(normalized_mutual_info_score(truth, labels), 3),
        "gap_topics_ari": round(adjusted_rand_score(truth, labels), 3),
        "gap_topics_seconds": round(ours_seconds, 1),
    }


def _prf(predicted: np.ndarray, truth: np.ndarray) -> tuple[float, float, float]:
    tp = float(np.sum(predicted & truth))
    precision = tp / max(float(predicted.sum()), 1.0)
    recall = tp / max(float(truth.sum()), 1.0)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-9)


def _tuned(scores: np.ndarray, truth: np.ndarray, tune: np.ndarray) -> dict[str, float]:
    """The F1-best cut on the tuning half, measured on the other half."""
    cuts = np.round(np.arange(0.05, 0.9, 0.005), 3)
    best = max(cuts, key=lambda c: (_prf(scores[tune] < c, truth[tune])[2], -c))
    p, r, f = _prf(scores[~tune] < best, truth[~tune])
    return {"cut": float(best), "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}


def dev_set(
    kb: Path,
    texts: list[str],
    intents: list[str],
    seed: int,
    embedder: object = None,
    extra: list[str] | None = None,
) -> dict:
    """Real questions with intents against a KB whose `index.json` maps each file to the
    intent it answers (or `distractor`); `extra` questions are true gaps of no intent (their
    own "out of scope" one), scored with the rest and reported on their own too."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import normalized_mutual_info_score

    articles = load(kb, None, Config().source_options()).articles
    answers = json.loads((kb / "index.json").read_text(encoding="utf-8"))
    answered = {v for v in answers.values() if v != "distractor"}
    extra = extra or []
    is_extra = np.arange(len(texts) + len(extra)) >= len(texts)
    texts = [*texts, *extra]
    intent_of = np.array([*intents, *["out of scope"] * len(extra)])
    truth = np.array([i not in answered for i in intent_of])
    gap_intents = sorted(set(intent_of[truth].tolist()))
    tune = np.random.default_rng(seed).permutation(len(texts)) < len(texts) // 2
    started = time.perf_counter()
    report = analyse(articles, [Question(t) for t in texts], Thresholds(), embedder=embedder)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    scores = np.array([r.score for r in report.results])
    cut = Thresholds().covered
    p, r, f = _prf(scores[~tune] < cut, truth[~tune])
    out: dict = {
        "mode": report.mode,
        "questions": len(texts),
        "true_gaps": int(truth.sum()),
        "gap_intents": len(gap_intents),
        "default_cut": cut,
        "default_test": {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)},
        # The share of the test half called uncovered, and the F1 of calling all of it so.
        "default_test_uncovered": round(float(np.mean(scores[~tune] < cut)), 3),
        "all_uncovered_f1": round(_prf(np.full(int((~tune).sum()), True), truth[~tune])[2], 3),
        "tuned_on_half": _tuned(scores, truth, tune),
        "seconds": round(seconds, 1),
    }
    if extra:
        p, r, f = _prf(scores[~tune & ~is_extra] < cut, truth[~tune & ~is_extra])
        out["default_test_in_domain"] = {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
        }
        out["extra_gaps"] = len(extra)
        out["extra_gaps_uncovered"] = round(float(np.mean(scores[is_extra] < cut)), 3)
    # Gap topics against the intents.
    members = [(t, i) for t, g in enumerate(report.gaps) for i in g.members]
    topic_of = np.array([t for t, _ in members])
    listed = np.array([i for _, i in members])
    out["topics"] = len(report.gaps)
    out["topic_nmi"] = round(float(normalized_mutual_info_score(intent_of[listed], topic_of)), 3)
    seen: set[str] = set()
    distinct = 0
    found: set[str] = set()
    for rank, gap in enumerate(report.gaps):
        main = Counter(intent_of[list(gap.members)].tolist()).most_common(1)[0][0]
        if main in gap_intents:
            found.add(main)
            if rank < 15 and main not in seen:
                distinct += 1
        seen.add(main)
    out["top15_distinct_true_gaps"] = distinct
    out["gap_intents_found"] = len(found)
    # The naive peer: TF-IDF cosine to the nearest article.
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english")
    docs = vectorizer.fit_transform([article_document(a) for a in articles])
    peer = np.asarray((vectorizer.transform(texts) @ docs.T).max(axis=1).todense()).ravel()
    out["peer_tfidf_nearest"] = _tuned(peer, truth, tune)
    out["report"] = report
    return out


def timing(
    kb: Path, questions_csv: Path, n_questions: int, embedder: object = None
) -> dict[str, float]:
    started = time.perf_counter()
    articles = load(kb, None, Config().source_options()).articles
    loaded = time.perf_counter() - started
    texts, _ = banking77_questions(questions_csv)
    texts = (texts * (n_questions // len(texts) + 1))[:n_questions]
    questions = [Question(f"{t} #{i}" if i >= len(set(texts)) else t) for i, t in enumerate(texts)]
    started = time.perf_counter()
    matcher = fit_matcher(articles, [q.text for q in questions], embedder=embedder)  # type: ignore[arg-type]
    fitted = time.perf_counter() - started
    results = classify(questions, matcher, Thresholds())
    matched = time.perf_counter() - started
    return {
        "articles": len(articles),
        "questions": len(questions),
        "load_seconds": round(loaded, 1),
        "fit_seconds": round(fitted, 1),
        "fit_and_match_seconds": round(matched, 1),
        "uncovered": sum(r.status == UNCOVERED for r in results),
        "load_average": round(os.getloadavg()[0], 1),
    }


def _run_dev_set(
    label: str,
    kb: Path,
    texts: list[str],
    intents: list[str],
    mode: str,
    embedder: object,
    out: Path,
    extra: list[str] | None = None,
) -> None:
    """Print `dev_set`'s scores and write its gap list as `gaps` renders it
    (OUT/LABEL-gaps-MODE.md)."""
    from kbaudit.reporters.gaps import render_markdown

    result = dev_set(kb, texts, intents, 0, embedder, extra)
    report = result.pop("report")
    print(f"{label} ({mode}):", result, flush=True)
    articles = load(kb, None, Config().source_options()).articles
    out.mkdir(parents=True, exist_ok=True)
    # The gaps view reads an audit result's sections, questions and findings.
    view = SimpleNamespace(
        sections={"gaps": report.gaps_json(articles), "coverage": report.summary()},
        corpus=SimpleNamespace(questions=report.results),
        findings=[],
    )
    (out / f"{label.replace(' ', '-')}-gaps-{mode}.md").write_text(
        render_markdown(view),  # type: ignore[arg-type]
        encoding="utf-8",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=CORPORA / "officedocs-support")
    parser.add_argument("--dev-kb", type=Path, default=CORPORA / "banking-help-center")
    parser.add_argument("--share", type=float, default=0.2, help="share of articles held out")
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 1, 2, 3, 4])
    parser.add_argument(
        "--banking", type=Path, default=CORPORA / "banking77" / "banking_data" / "train.csv"
    )
    parser.add_argument(
        "--clinc", type=Path, help="CLINC150 data_full.json: also the held-out sets (fixtures/eval)"
    )
    parser.add_argument(
        "--clinc-oos", action="store_true", help="held-out sets also with the out-of-scope queries"
    )
    parser.add_argument("--timing-kb", type=Path, default=ROOT / "bench" / "data" / "kb-20000")
    parser.add_argument("--timing-questions", type=int, default=10_000)
    parser.add_argument("--semantic", action="store_true", help="also the hybrid embedding mode")
    parser.add_argument("--model", help="model folder (default: found as kbaudit finds it)")
    parser.add_argument("--jobs", type=int, default=2, help="BLAS threads of the encoder")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    for part in ("dev", "held-out", "banking", "timing"):
        parser.add_argument(f"--skip-{part}", action="store_true")
    args = parser.parse_args()
    modes: list[tuple[str, object]] = [("lexical", None)]
    if args.semantic:
        from kbaudit.semantic import load_embedder

        modes.append(("semantic", load_embedder(args.model, True, args.jobs)))
    if not args.skip_dev:
        texts, intents = banking77_questions(args.banking)
        for name, embedder in modes:
            _run_dev_set("dev set", args.dev_kb, texts, intents, name, embedder, args.out)
    if args.clinc and not args.clinc.is_file():
        print(f"held-out sets skipped: {args.clinc} not found", flush=True)
    elif args.clinc:
        for kb, domains in CLINC_SETS.items():
            texts, intents, oos = clinc_questions(args.clinc, domains)
            runs = [(kb, None), (f"{kb}-oos", oos)] if args.clinc_oos else [(kb, None)]
            for name, embedder in modes:
                for label, extra in runs:
                    _run_dev_set(label, EVAL / kb, texts, intents, name, embedder, args.out, extra)
    if not args.skip_held_out:
        runs = []
        for seed in args.seeds:
            runs.append(held_out(args.kb, args.share, seed, title_question))
            print(f"held-out gaps, seed {seed}:", runs[-1], flush=True)
        mean = {k: round(float(np.mean([r[k] for r in runs])), 3) for k in runs[0]}
        print(f"held-out gaps, mean of {len(runs)} seeds:", mean, flush=True)
        stress = held_out(args.kb, args.share, args.seeds[0], sentence_question)
        print("held-out gaps, questions from body sentences:", stress, flush=True)
    if not args.skip_banking:
        print("banking77 clustering:", banking(args.banking), flush=True)
    if not args.skip_timing:
        for name, embedder in modes:
            result = timing(args.timing_kb, args.banking, args.timing_questions, embedder)
            print(f"timing ({name}):", result, flush=True)


if __name__ == "__main__":
    main()
