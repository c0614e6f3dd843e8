"""Data-driven rule tests: every `fixtures/**/expected.yaml` beside a `kb/` folder is a case.

A case folder holds `kb/` (the KB to audit, with its own kbaudit.yaml if it needs settings),
`expected.yaml` (the findings it must produce) and optionally `questions.*`. Run
`python -m pytest tests/test_rule_cases.py --update-expected` after a reviewed change to
rewrite the expectations, then read the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kbaudit.audit import audit
from kbaudit.config import load_config
from kbaudit.rules import build_registry, default_pack_dir, load_pack, load_rules

from .conftest import AS_OF, FIXTURES

CASES = sorted(p.parent for p in FIXTURES.glob("**/expected.yaml") if (p.parent / "kb").is_dir())
CLEAN = FIXTURES / "rules" / "clean"


def _questions(case: Path):
    files = sorted(case.glob("questions.*"))
    if not files:
        return None
    from kbaudit.sources.questions import load_questions

    return load_questions(files[0])


def run_case(case: Path) -> list[dict]:
    kb = case / "kb"
    config = load_config(kb)
    config.as_of = AS_OF
    result = audit(kb, config, questions=_questions(case))
    return [{"rule": f.rule, "path": f.where, "line": f.line} for f in result.findings]


def _key(item: dict) -> tuple:
    return (item["path"] or "", item["rule"], item["line"] or 0)


@pytest.mark.parametrize("case", CASES, ids=[str(c.relative_to(FIXTURES)) for c in CASES])
def test_case_produces_expected_findings(case: Path, update_expected: bool) -> None:
    actual = sorted(run_case(case), key=_key)
    expected_file = case / "expected.yaml"
    if update_expected:
        header = (
            "# Findings this KB must produce. Rewrite with\n"
            "#   python -m pytest tests/test_rule_cases.py --update-expected\n"
            "# and review the diff.\n"
        )
        expected_file.write_text(
            header + yaml.safe_dump({"findings": actual}, sort_keys=False), encoding="utf-8"
        )
    expected = yaml.safe_load(expected_file.read_text(encoding="utf-8")) or {}
    assert actual == sorted(expected.get("findings") or [], key=_key)


def test_there_are_rule_cases() -> None:
    assert len(CASES) >= 5
    assert CLEAN in CASES


def _all_rules():
    from kbaudit.config import Config

    return load_rules(Config(), build_registry())


def test_every_rule_fires_in_some_case() -> None:
    fired = set()
    for case in CASES:
        expected = yaml.safe_load((case / "expected.yaml").read_text(encoding="utf-8")) or {}
        fired |= {f["rule"] for f in expected.get("findings") or []}
    missing = sorted(r.code for r in _all_rules() if r.code not in fired)
    assert not missing, f"rules never shown firing by a fixture case: {missing}"


def test_clean_case_is_silent() -> None:
    assert run_case(CLEAN) == []


def test_rule_codes_and_names_unique_and_documented() -> None:
    registry = build_registry()
    packed = [
        r for pack in sorted(default_pack_dir().glob("*.yaml")) for r in load_pack(pack, registry)
    ]
    codes = [r.code for r in packed]
    names = [r.name for r in packed]
    assert len(codes) == len(set(codes)), "a rule code is defined twice in the default packs"
    assert len(names) == len(set(names))
    rules = _all_rules()
    for rule in rules:
        for part in ("what", "why", "example", "fix"):
            assert rule.docs.get(part), f"{rule.code} lacks docs.{part}"
        assert rule.summary.endswith("."), rule.code
