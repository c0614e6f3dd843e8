"""The README's rule table is generated from the registry; this keeps it in sync.

Rewrite it with `python -m pytest tests/test_readme.py --update-expected`.
"""

from __future__ import annotations

import re

from kbaudit.cli.rules import rules_markdown
from kbaudit.config import Config
from kbaudit.rules import build_registry, load_rules

from .conftest import ROOT

START, END = "<!-- rules-table:start -->", "<!-- rules-table:end -->"


def test_readme_rule_table_matches_the_registry(update_expected: bool) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    table = rules_markdown(load_rules(Config(), build_registry()))
    pattern = re.compile(re.escape(START) + r"\n.*?" + re.escape(END), re.S)
    assert pattern.search(text), "README lacks the rules-table markers"
    if update_expected:
        text = pattern.sub(lambda m: f"{START}\n{table}{END}", text)
        readme.write_text(text, encoding="utf-8")
    current = pattern.search(text).group(0)
    assert current == f"{START}\n{table}{END}"


def test_readme_starts_with_the_two_commands() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    block = "\n".join(lines[:8])
    assert "pip install . && kbaudit audit fixtures/sample-kb" in block
    assert "python -m pytest" in block
