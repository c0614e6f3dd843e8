"""Baselines: fingerprints of known findings, so CI fails only on new ones.

A fingerprint hashes the rule code, the article (path, else id) and what the finding is about:
its `subject` when the check names one (a category, a question, a link target), else the
message with every number removed, so it survives line shifts and messages such as "not updated
for 412 days" that change every day. Repeats of the same key get an occurrence index (in line
order). Findings about a group of articles (a topic, a category) also keep their members: when
a group shifts a little (an article added to a topic relabels it), the finding is still the
known one if most of its members are the same.

A baseline also keeps the run's topic of each article (with a digest of its content), so the
next run against it carries the topics over instead of clustering again: articles a pull
request did not touch stay in their topics, and topic findings stay those of the baseline.
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
    from kbaudit.analysis.topics import PriorTopics
    from kbaudit.audit import AuditResult

BASELINE_SCHEMA = 1
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SPACE = re.compile(r"\s+")
SAME_GROUP = 0.5  # a group finding is the known one when this share of members is shared


@dataclass(frozen=True)
class FindingKey:
    """What identifies a finding across runs (from a Finding or from the JSON result)."""

    rule: str
    article: str
    message: str
    line: int = 0
    subject: str | None = None  # what the finding is about, when the check names it
    members: tuple[str, ...] = ()  # the articles of a group finding (topic, category)

    @classmethod
    def of(cls, finding: Finding) -> FindingKey:
        return cls.of_parts(
            finding.rule, finding.where, finding.message, finding.line, finding.data,
            finding.article is None,
        )  # fmt: skip

    @classmethod
    def of_dict(cls, data: Mapping[str, Any]) -> FindingKey:
        """A finding of the JSON result (reporters/json_report.finding_dict)."""
        article = data.get("article") or {}
        ref = article.get("path") or article.get("id") or data.get("path") or ""
        return cls.of_parts(
            str(data["rule"]), str(ref), str(data.get("message", "")), data.get("line"),
            data.get("data") or {}, not article,
        )  # fmt: skip

    @classmethod
    def of_parts(
        cls,
        rule: str,
        where: str,
        message: str,
        line: int | None,
        data: Mapping[str, Any],
        corpus_level: bool,
    ) -> FindingKey:
        subject = data.get("subject")
        members = tuple(sorted(str(m) for m in data.get("members") or ()))
        if corpus_level and (subject is not None or members):
            where = ""  # a group finding is placed at one of its members: not its identity
        subject = None if subject is None else str(subject)
        return cls(rule, where, message, line or 0, subject, members)


def normalise(message: str) -> str:
    """The message without numbers, case or spacing differences."""
    return _SPACE.sub(" ", _NUMBER.sub("#", message)).strip().lower()


def _identity(key: FindingKey) -> str:
    if key.subject is not None:
        return f"{key.rule}\0{key.article}\0subject\0{key.subject.casefold()}"
    if key.members:
        return f"{key.rule}\0members\0" + "\0".join(key.members)
    return f"{key.rule}\0{key.article}\0{normalise(key.message)}"


def fingerprints(keys: Iterable[FindingKey]) -> list[str]:
    """One stable fingerprint per key, in the order given; repeats get ':1', ':2' ..."""
    keys = list(keys)
    bases = [hashlib.sha256(_identity(k).encode()).hexdigest()[:20] for k in keys]
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
    members: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "fingerprint": self.fingerprint,
            "rule": self.rule,
            "article": self.article,
            "message": self.message,
        }
        if self.members:
            entry["members"] = list(self.members)
        return entry


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
            BaselineEntry(fp, k.rule, k.article, k.message, k.members)
            for fp, k in zip(fingerprints(keys), keys, strict=True)
        ),
        key=lambda e: (e.article, e.rule, e.fingerprint),
    )


@dataclass(frozen=True)
class Baseline:
    entries: list[BaselineEntry]
    topics: PriorTopics | None = None  # the baseline run's topics, when it clustered any


def baseline_text(result: AuditResult) -> str:
    data: dict[str, Any] = {
        "kbaudit": result.version,
        "schema": BASELINE_SCHEMA,
        "findings": [e.to_dict() for e in entries(result.findings)],
    }
    if result.topics is not None:
        data["topics"] = result.topics.to_json()
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def read_baseline(path: Path) -> Baseline:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        found = [
            BaselineEntry(
                e["fingerprint"],
                e["rule"],
                e["article"],
                e["message"],
                tuple(str(m) for m in e.get("members") or ()),
            )
            for e in data["findings"]
        ]
        topics = None
        if data.get("topics") is not None:
            from kbaudit.analysis.topics import PriorTopics

            topics = PriorTopics.from_json(data["topics"])
        return Baseline(found, topics)
    except FileNotFoundError:
        raise ConfigError(
            f"baseline {path} does not exist; create it with --write-baseline {path}"
        ) from None
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        raise ConfigError(
            f"baseline {path} is not a kbaudit baseline ({exc}); rewrite it with --write-baseline"
        ) from None


def compare(findings: list[Finding], baseline: list[BaselineEntry]) -> Comparison:
    """Known findings match a baseline entry by fingerprint; a group finding that does not
    matches an unclaimed entry of the same rule sharing most of its members."""
    keys = [FindingKey.of(f) for f in findings]
    prints = fingerprints(keys)
    unclaimed = {e.fingerprint: e for e in baseline}
    matched = [unclaimed.pop(p, None) is not None for p in prints]
    for i, key in enumerate(keys):
        if matched[i] or not key.members:
            continue
        best = _same_group(key, unclaimed.values())
        if best is not None:
            del unclaimed[best.fingerprint]
            matched[i] = True
    new = [f for f, m in zip(findings, matched, strict=True) if not m]
    known = [f for f, m in zip(findings, matched, strict=True) if m]
    fixed = [e for e in baseline if e.fingerprint in unclaimed]
    return Comparison(new, known, fixed)


def _same_group(key: FindingKey, entries: Iterable[BaselineEntry]) -> BaselineEntry | None:
    members = set(key.members)
    best, best_share = None, SAME_GROUP
    for entry in entries:
        if entry.rule != key.rule or not entry.members:
            continue
        theirs = set(entry.members)
        share = len(members & theirs) / len(members | theirs)
        if share >= best_share:
            best, best_share = entry, share
    return best
