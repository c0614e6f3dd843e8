"""Per-rule cases: `tests/rules/<CODE>.yaml` holds the cases of one rule, the sqlfluff way.

A case file looks like this:

    rule: STALE001
    cases:
      - name: fires on an article not updated for two years
        files:
          billing/old.md: |
            ---
            title: Old prices
            updated_at: 2024-01-01
            ---
            The plan costs ...
        expect: [billing/old.md]
      - name: silent on an article updated last month
        files: {...}
        expect: []

Keys of a case: `files` (KB-relative path -> text; `{base64: ...}` for bytes), optional
`config` (settings as in kbaudit.yaml), `also_select` (other rules that must run for this one
to have something to say, e.g. a pattern rule whose time budget INPUT005 reports),
`questions` (a list of question texts), `as_of`
(default 2026-11-23), and `expect`: the `where` of each finding of this rule (article path,
or the path/id a corpus-level finding names), in any order, repeated when a file gets several.
Only the case's own rule runs, so a case says exactly what that rule does. Other top-level keys
are ignored: a file whose cases need the same articles (the topic rules) writes them once as
`shared: &shared {...}` and each case merges them with `<<: *shared` in its `files`.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kbaudit.audit import audit
from kbaudit.config import build_config
from kbaudit.model import Question

from .conftest import write_files

CASES_DIR = Path(__file__).resolve().parent / "rules"
AS_OF = dt.date(2026, 11, 23)


@dataclass(frozen=True)
class RuleCase:
    rule: str
    name: str
    files: dict[str, Any]
    expect: tuple[str, ...]
    config: dict[str, Any]
    questions: tuple[str, ...] | None
    as_of: dt.date
    also_select: tuple[str, ...] = ()

    @property
    def fires(self) -> bool:
        return bool(self.expect)


def load_cases() -> list[RuleCase]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        rule = str(data["rule"])
        assert path.stem == rule, f"{path.name} holds cases of {rule}; name it {rule}.yaml"
        for item in data["cases"]:
            questions = item.get("questions")
            cases.append(
                RuleCase(
                    rule,
                    str(item["name"]),
                    dict(item["files"]),
                    tuple(item.get("expect") or ()),
                    dict(item.get("config") or {}),
                    tuple(questions) if questions is not None else None,
                    dt.date.fromisoformat(str(item.get("as_of", AS_OF.isoformat()))),
                    tuple(item.get("also_select") or ()),
                )
            )
    return cases


def write_kb(root: Path, files: dict[str, Any]) -> None:
    write_files(
        root,
        {
            name: base64.b64decode(c["base64"]) if isinstance(c, dict) else str(c)
            for name, c in files.items()
        },
    )


def run(case: RuleCase, root: Path) -> list[str]:
    """The `where` of every finding of the case's rule on the case's KB, sorted."""
    kb = root / "kb"
    kb.mkdir()
    write_kb(kb, case.files)
    config = build_config({**case.config, "select": [case.rule, *case.also_select]}, kb)
    config.as_of = case.as_of
    config.jobs = 1
    questions = [Question(q) for q in case.questions] if case.questions is not None else None
    result = audit(kb, config, questions=questions)
    return sorted(f.where for f in result.findings if f.rule == case.rule)
