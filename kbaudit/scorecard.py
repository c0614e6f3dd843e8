"""Findings -> per-dimension scores -> readiness score, grade and verdict."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kbaudit.config import DIMENSIONS, Config
from kbaudit.model import Finding, Severity

if TYPE_CHECKING:
    from kbaudit.analysis import Coverage
    from kbaudit.rules import Rule

# Which finding category lowers which dimension. Security findings block the verdict instead.
DIMENSION_OF = {
    "staleness": "freshness",
    "duplicates": "uniqueness",
    "coverage": "coverage",
    "taxonomy": "taxonomy",
    "quality": "quality",
    "input": "quality",
}
SEVERITY_WEIGHT = {Severity.ERROR: 1.0, Severity.WARNING: 0.5, Severity.INFO: 0.1}
GRADES = ((90, "A"), (80, "B"), (70, "C"), (60, "D"))


@dataclass
class Dimension:
    name: str
    weight: float
    score: float | None  # None = not measured
    findings: int = 0
    articles_affected: int = 0
    detail: str = ""

    @property
    def measured(self) -> bool:
        return self.score is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "weight": self.weight,
            "measured": self.measured,
            "findings": self.findings,
            "articles_affected": self.articles_affected,
            "detail": self.detail,
        }


@dataclass
class Scorecard:
    score: float
    grade: str
    ready: bool
    dimensions: dict[str, Dimension]
    blockers: list[str] = field(default_factory=list)
    articles: int = 0
    notes: list[str] = field(default_factory=list)  # what the verdict could not weigh

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "grade": self.grade,
            "ready": self.ready,
            "blockers": self.blockers,
            "notes": self.notes,
            "articles": self.articles,
            "dimensions": {k: d.to_dict() for k, d in self.dimensions.items()},
        }


def grade_of(score: float) -> str:
    return next((g for low, g in GRADES if score >= low), "F")


def score(
    findings: list[Finding],
    articles: int,
    config: Config,
    rules: Sequence[Rule],
    coverage: Coverage | None = None,
) -> Scorecard:
    """Each dimension is 100 x (1 - severity-weighted share of articles with findings of its
    categories); coverage is the share of question volume answered (partial counts half).
    A dimension none of whose rules ran is not measured (never 100)."""
    penalty: dict[str, dict[str, float]] = defaultdict(dict)
    counts: dict[str, int] = defaultdict(int)
    loose: dict[str, float] = defaultdict(float)
    for f in findings:
        dim = DIMENSION_OF.get(f.category)
        if dim is None:
            continue
        counts[dim] += 1
        weight = SEVERITY_WEIGHT[f.severity]
        if f.article is not None:
            key = f.article.ref
            penalty[dim][key] = max(penalty[dim].get(key, 0.0), weight)
        else:
            loose[dim] += weight
    ran = {DIMENSION_OF[r.category] for r in rules if r.category in DIMENSION_OF}
    dims: dict[str, Dimension] = {}
    n = max(articles, 1)
    for name in DIMENSIONS:
        weight = float(config.weights.get(name, 0.0))
        if name == "coverage":
            dims[name] = _coverage(weight, coverage, counts[name])
            continue
        if name not in ran:
            detail = f"not measured: every {name} rule is deselected"
            dims[name] = Dimension(name, weight, None, 0, 0, detail)
            continue
        lost = sum(penalty[name].values()) + min(loose[name], n * 0.25)
        value = round(max(0.0, 100.0 * (1 - lost / n)), 1) if articles else 0.0
        affected = len(penalty[name])
        dims[name] = Dimension(
            name,
            weight,
            value,
            counts[name],
            affected,
            f"{affected} of {articles} articles have {name} findings",
        )
    measured = [(d.score, d.weight) for d in dims.values() if d.score is not None and d.weight]
    total_weight = sum(w for _, w in measured)
    overall = round(sum(s * w for s, w in measured) / total_weight, 1) if total_weight else 0.0
    blockers, notes = [], []
    security = [f for f in findings if f.category == "security" and f.severity >= Severity.ERROR]
    if security:
        blockers.append(
            f"{len(security)} security finding(s) at error severity "
            "(secrets or personal data) must be fixed first"
        )
    if not articles:
        blockers.append("no article could be read")
    if coverage is not None and coverage.totals.get("total_volume"):
        share = coverage.answered_share
        if share < config.min_coverage:
            blockers.append(
                f"the KB answers {share:.0%} of the customer questions asked (partial answers "
                f"count half), under the {config.min_coverage:.0%} needed "
                "(`scorecard.min_coverage`); write the articles of the gap list first"
            )
    else:
        notes.append(
            "coverage not measured: without customer questions the verdict cannot say whether "
            "the KB answers what customers ask; add --questions FILE (tickets, search log, "
            "chats)"
        )
    if not measured:
        blockers.append("no dimension was measured; select some rules")
    ready = overall >= config.ready_score and not blockers
    return Scorecard(overall, grade_of(overall), ready, dims, blockers, articles, notes)


def _coverage(weight: float, coverage: Coverage | None, count: int) -> Dimension:
    if coverage is None or not coverage.totals.get("total_volume"):
        return Dimension(
            "coverage",
            weight,
            None,
            count,
            0,
            "not measured: give customer questions with --questions",
        )
    totals = coverage.totals
    total = totals["total_volume"]
    covered = totals.get("covered_volume", 0)
    partial = totals.get("partial_volume", 0)
    value = round(100.0 * coverage.answered_share, 1)
    return Dimension(
        "coverage",
        weight,
        value,
        count,
        0,
        f"{covered:g} of {total:g} asked questions covered, {partial:g} partly",
    )
