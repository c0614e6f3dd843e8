"""Check kinds about duplicates: exact-duplicate, near-duplicate, title-duplicate,
conflicting-duplicate. The pairs come from the corpus' shared indexes (one TF-IDF matrix per
audit); here they become groups with a canonical article and one finding per other member.
Each kind also stores its groups, JSON-ready, in corpus.extra["duplicates"]."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from kbaudit.analysis.groups import UnionFind
from kbaudit.analysis.similarity import CANONICAL_RULES, canonical_key, conflicts, cosine_of_pairs
from kbaudit.corpus import BOILERPLATE_MIN_ARTICLES, BOILERPLATE_SHARE, Corpus
from kbaudit.errors import RuleError
from kbaudit.model import Finding, Related
from kbaudit.rules import CheckKind, Context, Param, Registry

CANONICAL_HELP = (
    "how the canonical article of a group is chosen: criteria in order among "
    "most_linked (most inbound links), newest (latest updated_at), longest (most words); "
    "ties go to the smallest path"
)


@dataclass(frozen=True)
class Group:
    canonical: int
    members: tuple[int, ...]  # the others, in path order
    scores: dict[int, float]  # member -> similarity to the canonical


def _canonical_rule(ctx: Context) -> list[str]:
    rule = ctx.params["canonical"]
    rule = [rule] if isinstance(rule, str) else list(rule)
    unknown = [r for r in rule if r not in CANONICAL_RULES]
    if unknown:
        raise RuleError(
            f"{ctx.rule.code}: unknown canonical rule {', '.join(unknown)}; "
            f"use a list of {', '.join(CANONICAL_RULES)}"
        )
    return rule


def _pick(corpus: Corpus, members: Iterable[int], rule: list[str]) -> int:
    inbound = corpus.inbound_links
    return min(
        members,
        key=lambda i: canonical_key(corpus.articles[i], inbound[corpus.articles[i].ref], rule),
    )


def _similarities(ctx: Context, pairs: list[tuple[int, int]]) -> list[float]:
    matrix = ctx.corpus.tfidf(*_boilerplate(ctx))[1]
    return [float(s) for s in cosine_of_pairs(matrix, np.array(pairs, dtype=np.int64))]


def _boilerplate(ctx: Context) -> tuple[float, int]:
    return (
        float(ctx.params.get("boilerplate_share", BOILERPLATE_SHARE)),
        int(ctx.params.get("boilerplate_min_articles", BOILERPLATE_MIN_ARTICLES)),
    )


def _groups(ctx: Context, sets: list[list[int]], exact: bool = False) -> list[Group]:
    """Canonical + members per set, with each member's body cosine to the canonical
    (1.0 for exact copies)."""
    corpus, rule = ctx.corpus, _canonical_rule(ctx)
    out = []
    for members in sets:
        canonical = _pick(corpus, members, rule)
        others = sorted(
            (m for m in members if m != canonical), key=lambda i: corpus.articles[i].ref
        )
        if exact:
            values = [1.0] * len(others)
        else:
            values = _similarities(ctx, [(canonical, m) for m in others])
        out.append(Group(canonical, tuple(others), dict(zip(others, values, strict=True))))
    return sorted(out, key=lambda g: corpus.articles[g.canonical].ref)


def _record(corpus: Corpus, kind: str, entries: list[dict[str, Any]]) -> None:
    kept = [e for e in corpus.extra.get("duplicates", []) if e["kind"] != kind]
    corpus.extra["duplicates"] = sorted(
        kept + entries, key=lambda e: (e["kind"], e["canonical"], e["members"])
    )


def _entry(corpus: Corpus, group: Group, kind: str, reason: str) -> dict[str, Any]:
    return {
        "canonical": corpus.articles[group.canonical].ref,
        "members": [corpus.articles[m].ref for m in group.members],
        "similarity": round(min(group.scores.values()), 4),
        "kind": kind,
        "reason": reason,
    }


def _related(corpus: Corpus, index: int, score: float) -> Related:
    a = corpus.articles[index]
    return Related(a.id, a.path, a.title, round(score, 4))


def _exact_sets(ctx: Context) -> list[list[int]]:
    return ctx.corpus.exact_duplicates(int(ctx.params["min_words"]))


def exact_duplicate(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    groups = _groups(ctx, _exact_sets(ctx), exact=True)
    reason = "same body text once case, spacing, punctuation and markup are removed"
    _record(corpus, "exact", [_entry(corpus, g, "exact", reason) for g in groups])
    for group in groups:
        canonical = corpus.articles[group.canonical]
        for m in group.members:
            yield ctx.finding(
                corpus.articles[m],
                f"exact duplicate of {canonical.ref} ({len(group.members) + 1} copies); "
                "keep one and redirect the others",
                related=[_related(corpus, group.canonical, 1.0)],
                data={"canonical": canonical.ref, "similarity": 1.0},
            )


def _near_settings(ctx: Context) -> tuple[float, int, float, int]:
    return (float(ctx.params["threshold"]), int(ctx.params["min_words"]), *_boilerplate(ctx))


def _body_pairs(ctx: Context) -> tuple[dict[tuple[int, int], float], dict[int, int]]:
    """Near pairs between distinct texts, and article -> canonical of its exact group."""
    rule = _canonical_rule(ctx)
    representative: dict[int, int] = {}
    for members in _exact_sets(ctx):
        keep = _pick(ctx.corpus, members, rule)
        representative.update({m: keep for m in members})
    pairs = {
        p: s
        for p, s in ctx.corpus.near_duplicates(*_near_settings(ctx)).items()
        if representative.get(p[0], p[0]) != representative.get(p[1], p[1])
    }
    return pairs, representative


def near_duplicate(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    """Groups of articles whose texts differ but match; exact copies are represented by
    their canonical (DUP001 reports the copies)."""
    pairs, representative = _body_pairs(ctx)
    sets = UnionFind()
    best: dict[int, tuple[float, int]] = {}
    for (i, j), score in pairs.items():
        ri, rj = representative.get(i, i), representative.get(j, j)
        sets.union(ri, rj)
        best[ri] = max(best.get(ri, (0.0, -1)), (score, rj))
        best[rj] = max(best.get(rj, (0.0, -1)), (score, ri))
    groups = _groups(ctx, [list(g) for g in sets.groups()])  # type: ignore[arg-type]
    threshold = float(ctx.params["threshold"])
    reason = (
        f"body text TF-IDF cosine >= {threshold:g} once boilerplate lines are removed; "
        "they share whole passages"
    )
    _record(corpus, "near", [_entry(corpus, g, "near", reason) for g in groups])
    for group in groups:
        canonical = corpus.articles[group.canonical]
        for m in group.members:
            score = group.scores[m]
            closest, partner = best[m]
            via = ""
            if partner != group.canonical:
                via = f"; closest match {corpus.articles[partner].ref} ({closest:.2f})"
            yield ctx.finding(
                corpus.articles[m],
                f"near duplicate of {canonical.ref} (body similarity {score:.2f}{via}); "
                "merge them into the canonical article",
                related=[_related(corpus, group.canonical, score)],
                data={"canonical": canonical.ref, "similarity": round(score, 4)},
            )


def title_duplicate(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    """Articles with matching titles (same locale) whose bodies are not duplicates."""
    pairs = corpus.title_duplicates(float(ctx.params["threshold"]))
    ordered = sorted(pairs)
    bodies = _similarities(ctx, ordered) if ordered else []
    limit = float(ctx.params["max_body_similarity"])
    sets = UnionFind()
    for pair, body in zip(ordered, bodies, strict=True):
        if body < limit:
            sets.union(*pair)
    rule = _canonical_rule(ctx)
    groups = []
    for members in sets.groups():
        canonical = _pick(corpus, members, rule)  # type: ignore[arg-type]
        others = sorted(
            (m for m in members if m != canonical), key=lambda i: corpus.articles[i].ref
        )  # type: ignore[misc]
        scores = {m: pairs.get((min(m, canonical), max(m, canonical)), 0.0) for m in others}
        groups.append(Group(canonical, tuple(others), scores))  # type: ignore[arg-type]
    reason = "titles match (rapidfuzz token_sort_ratio) in the same locale, bodies differ"
    _record(corpus, "title", [_entry(corpus, g, "title", reason) for g in groups])
    for group in groups:
        canonical = corpus.articles[group.canonical]
        for m in group.members:
            article = corpus.articles[m]
            yield ctx.finding(
                article,
                f"title {article.title!r} matches {canonical.ref} ({canonical.title!r}); "
                "retitle one so search and the bot can tell them apart",
                related=[_related(corpus, group.canonical, group.scores[m])],
                data={"canonical": canonical.ref, "similarity": group.scores[m]},
            )


def conflicting_duplicate(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    """Near duplicates whose matching passages state different facts."""
    pairs, _ = _body_pairs(ctx)
    rule = _canonical_rule(ctx)
    cutoff = float(ctx.params["min_passage_similarity"])
    quotes = int(ctx.params["max_quotes"])
    by_article: dict[int, list[tuple[int, float, list[Any]]]] = defaultdict(list)
    for (i, j), score in sorted(pairs.items()):
        keep = _pick(corpus, (i, j), rule)
        other = j if keep == i else i
        found = conflicts(
            corpus.articles[other].text,
            corpus.articles[keep].text,
            (corpus.articles[other].title, corpus.articles[keep].title),
            cutoff,
        )
        if found:
            by_article[other].append((keep, score, found))
    entries = []
    for other, hits in sorted(by_article.items()):
        article = corpus.articles[other]
        for keep, score, found in hits:
            canonical = corpus.articles[keep]
            shown = found[:quotes]
            quoted = "; ".join(f"{c.left!r} vs {c.right!r}" for c in shown)
            facts = ", ".join(f"{c.left_fact} vs {c.right_fact}" for c in shown)
            entries.append(
                {
                    "canonical": canonical.ref,
                    "members": [article.ref],
                    "similarity": round(score, 4),
                    "kind": "conflict",
                    "reason": f"differing facts: {facts}",
                }
            )
            yield ctx.finding(
                article,
                f"near duplicate of {canonical.ref} (similarity {score:.2f}) that states "
                f"different facts: {quoted}; decide which is right and merge",
                related=[_related(corpus, keep, score)],
                data={
                    "canonical": canonical.ref,
                    "similarity": round(score, 4),
                    "passages": [
                        {
                            "article": c.left,
                            "canonical": c.right,
                            "fact": c.left_fact,
                            "canonical_fact": c.right_fact,
                        }
                        for c in found
                    ],
                },
            )
    _record(corpus, "conflict", entries)


def _near_params(default_threshold: float) -> dict[str, Param]:
    return {
        "threshold": Param(default_threshold, "TF-IDF cosine (0-1) from which bodies match"),
        "min_words": Param(10, "bodies shorter than this (after boilerplate) are not compared"),
        "boilerplate_share": Param(
            BOILERPLATE_SHARE,
            "a line found in more than this share of articles is boilerplate, ignored",
        ),
        "boilerplate_min_articles": Param(
            BOILERPLATE_MIN_ARTICLES, "...and in at least this many articles"
        ),
        "canonical": Param(list(CANONICAL_RULES), CANONICAL_HELP),
    }


def register(registry: Registry) -> None:
    registry.add(
        CheckKind(
            "exact-duplicate",
            "Articles whose normalised bodies are identical (same locale).",
            {
                "min_words": Param(10, "bodies shorter than this are not compared"),
                "canonical": Param(list(CANONICAL_RULES), CANONICAL_HELP),
            },
            check_corpus=exact_duplicate,
        )
    )
    registry.add(
        CheckKind(
            "near-duplicate",
            "Articles whose bodies are near duplicates (TF-IDF cosine, boilerplate removed).",
            _near_params(0.8),
            check_corpus=near_duplicate,
        )
    )
    registry.add(
        CheckKind(
            "title-duplicate",
            "Articles with the same or nearly the same title in one locale.",
            {
                "threshold": Param(
                    92, "rapidfuzz token_sort_ratio (0-100) from which titles match"
                ),
                "max_body_similarity": Param(
                    0.8, "pairs whose bodies are at least this similar are near duplicates instead"
                ),
                "canonical": Param(list(CANONICAL_RULES), CANONICAL_HELP),
            },
            check_corpus=title_duplicate,
        )
    )
    registry.add(
        CheckKind(
            "conflicting-duplicate",
            "Near duplicates whose matching passages state different facts.",
            {
                **_near_params(0.8),
                "min_passage_similarity": Param(
                    85, "rapidfuzz ratio (0-100) of two passages once facts are masked"
                ),
                "max_quotes": Param(2, "differing passages quoted in the message"),
            },
            check_corpus=conflicting_duplicate,
        )
    )
