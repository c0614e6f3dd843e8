"""Every rule has its own cases in `tests/rules/<CODE>.yaml`: at least one KB where it fires
and one where it stays silent (see `tests/rule_cases.py` for the format)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbaudit.config import Config
from kbaudit.model import InputCode
from kbaudit.rules import build_registry, load_rules

from .rule_cases import CASES_DIR, RuleCase, load_cases, run

CASES = load_cases()


def _rules() -> list:
    return load_rules(Config(), build_registry())


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}: {c.name}" for c in CASES])
def test_rule_case(case: RuleCase, tmp_path: Path) -> None:
    assert run(case, tmp_path) == sorted(case.expect)


def test_every_rule_has_a_firing_and_a_silent_case() -> None:
    fires = {c.rule for c in CASES if c.fires}
    silent = {c.rule for c in CASES if not c.fires}
    codes = [r.code for r in _rules()]
    missing = [
        f"{code} ({', '.join(k for k, have in (('fires', fires), ('silent', silent)) if code not in have)})"
        for code in codes
        if code not in fires or code not in silent
    ]
    assert not missing, f"rules without their cases in {CASES_DIR}: {missing}"


def test_case_files_name_known_rules() -> None:
    codes = {r.code for r in _rules()}
    assert {c.rule for c in CASES} <= codes


def test_input_codes_are_the_input_rules() -> None:
    """The readers name input problems through InputCode; each has its rule, and back."""
    input_rules = {r.code for r in _rules() if r.kind == "input"}
    assert input_rules == {code.value for code in InputCode}
