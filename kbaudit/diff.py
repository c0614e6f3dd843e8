"""The difference between two JSON results: the score change per dimension and the findings that
are new or fixed (matched by baseline fingerprint)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kbaudit.baseline import FindingKey, fingerprints
from kbaudit.errors import ConfigError


@dataclass(frozen=True)
class ScoreChange:
    name: str
    old: float | None
    new: float | None

    @property
    def delta(self) -> float | None:
        if self.old is None or self.new is None:
            return None
        return round(self.new - self.old, 1)


@dataclass(frozen=True)
class ResultDiff:
    old_source: str
    new_source: str
    readiness: ScoreChange
    grades: tuple[str, str]
    dimensions: list[ScoreChange]
    new: list[dict[str, Any]]
    fixed: list[dict[str, Any]]
    unchanged: int

    def to_dict(self) -> dict[str, Any]:
        def change(c: ScoreChange) -> dict[str, Any]:
            return {"old": c.old, "new": c.new, "delta": c.delta}

        return {
            "old": self.old_source,
            "new": self.new_source,
            "readiness": change(self.readiness),
            "grade": {"old": self.grades[0], "new": self.grades[1]},
            "dimensions": {c.name: change(c) for c in self.dimensions},
            "new_findings": self.new,
            "fixed_findings": self.fixed,
            "unchanged_findings": self.unchanged,
        }


def read_result(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{path} does not exist; write it with `kbaudit audit KB -o {path}`"
        ) from None
    except (OSError, ValueError, RecursionError) as exc:
        raise ConfigError(
            f"{path} is not readable JSON ({exc}); give a kbaudit JSON result"
        ) from None
    if not isinstance(data, dict) or "scorecard" not in data or "findings" not in data:
        raise ConfigError(f"{path} is not a kbaudit JSON result (`kbaudit audit KB -f json`)")
    return data


def diff_results(old: dict[str, Any], new: dict[str, Any]) -> ResultDiff:
    old_card, new_card = old["scorecard"], new["scorecard"]
    names = list(new_card.get("dimensions", {}))
    names += [n for n in old_card.get("dimensions", {}) if n not in names]

    def dim(card: dict[str, Any], name: str) -> float | None:
        return (card.get("dimensions", {}).get(name) or {}).get("score")

    old_prints = fingerprints(FindingKey.of_dict(f) for f in old["findings"])
    new_prints = fingerprints(FindingKey.of_dict(f) for f in new["findings"])
    before, after = set(old_prints), set(new_prints)
    return ResultDiff(
        old_source=str((old.get("source") or {}).get("path", "")),
        new_source=str((new.get("source") or {}).get("path", "")),
        readiness=ScoreChange("readiness", old_card.get("score"), new_card.get("score")),
        grades=(str(old_card.get("grade", "")), str(new_card.get("grade", ""))),
        dimensions=[ScoreChange(n, dim(old_card, n), dim(new_card, n)) for n in names],
        new=[f for f, p in zip(new["findings"], new_prints, strict=True) if p not in before],
        fixed=[f for f, p in zip(old["findings"], old_prints, strict=True) if p not in after],
        unchanged=len(after & before),
    )
