"""Baselines: fingerprints of known findings, so CI fails only on new ones.

A fingerprint hashes the rule code, the article (path, else id) and the message with every
number removed, so it survives line shifts and messages such as "not updated for 412 days" that
change every day. Repeats of the same key get an occurrence index (in line order).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kbaudit.errors import ConfigError
from kbaudit.model import Finding

if TYPE_CHECKING:
    from kbaudit.audit import AuditResult

BASELINE_SCHEMA = 1
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class FindingKey:
    """What identifies a finding across runs (from a Finding or from the JSON result)."""

    rule: str
    article: str
    message: str
    line: int = 0

    @classmethod
    def of(cls, finding: Finding) -> FindingKey:
        return cls(finding.rule, finding.where, finding.message, finding.line or 0)

    @classmethod
    def of_dict(cls, data: Mapping[str, Any]) -> FindingKey:
        """A finding of the JSON result (reporters/json_report.finding_dict)."""
        article = data.get("article") or {}
        ref = article.get("path") or article.get("id") or data.get("path") or ""
        return cls(str(data["rule"]), str(ref), str(data.get("message", "")), data.get("line") or 0)


def normalise(message: str) -> str:
    """The message without numbers, case or spacing differences."""
    return _SPACE.sub(" ", _NUMBER.sub("#", message)).strip().lower()


def fingerprints(keys: Iterable[FindingKey]) -> list[str]:
    """One stable fingerprint per key, in the order given; repeats get ':1', ':2' ..."""
    keys = list(keys)
    bases = [
        hashlib.sha256(f"{k.rule}\0{k.article}\0{normalise(k.message)}".encode()).hexdigest()[:20]
        for k in keys
    ]
    order = sorted(range(len(keys)), key=lambda i: (bases[i], keys[i].line, keys[i].message))
    seen: Counter[str] = Counter()
    out = [""] * len(keys)
    for i in order:
        out[i] = f"{bases[i]}:{seen[bases[i]]}"
        seen[bases[i]] += 1
    return out


@dataclass(frozen=True)
class BaselineEntry:
    fingerprint: str
    rule: str
    article: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {
            "fingerprint": self.fingerprint,
            "rule": self.rule,
            "article": self.article,
            "message": self.message,
        }


@dataclass(frozen=True)
class Comparison:
    """Today's findings against a baseline."""

    new: list[Finding]
    known: list[Finding]
    fixed: list[BaselineEntry]


def entries(findings: list[Finding]) -> list[BaselineEntry]:
    keys = [FindingKey.of(f) for f in findings]
    return sorted(
        (
            BaselineEntry(fp, k.rule, k.article, k.message)
            for fp, k in zip(fingerprints(keys), keys, strict=True)
        ),
        key=lambda e: (e.article, e.rule, e.fingerprint),
    )


def baseline_text(result: AuditResult) -> str:
    data = {
        "kbaudit": result.version,
        "schema": BASELINE_SCHEMA,
        "findings": [e.to_dict() for e in entries(result.findings)],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def read_baseline(path: Path) -> list[BaselineEntry]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [
            BaselineEntry(e["fingerprint"], e["rule"], e["article"], e["message"])
            for e in data["findings"]
        ]
    except FileNotFoundError:
        raise ConfigError(
            f"baseline {path} does not exist; create it with --write-baseline {path}"
        ) from None
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise ConfigError(
            f"baseline {path} is not a kbaudit baseline ({exc}); rewrite it with --write-baseline"
        ) from None


def compare(findings: list[Finding], baseline: list[BaselineEntry]) -> Comparison:
    known_prints = {e.fingerprint for e in baseline}
    prints = fingerprints(FindingKey.of(f) for f in findings)
    new = [f for f, p in zip(findings, prints, strict=True) if p not in known_prints]
    known = [f for f, p in zip(findings, prints, strict=True) if p in known_prints]
    today = set(prints)
    fixed = [e for e in baseline if e.fingerprint not in today]
    return Comparison(new, known, fixed)
