"""Third-party check kinds arrive through the `kbaudit.checks` entry-point group."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from kbaudit import rules as rules_module
from kbaudit.audit import audit
from kbaudit.config import Config
from kbaudit.errors import RuleError
from kbaudit.rules import CheckKind, Param, build_registry


def shouting_title(article, ctx):
    if article.title.isupper():
        yield ctx.finding(article, "title is all capitals")


def register(registry):
    registry.add(
        CheckKind(
            "shouting-title",
            "Titles in capitals.",
            {"unused": Param(0, "example parameter")},
            check=shouting_title,
        )
    )


@dataclass
class FakeEntryPoint:
    name: str
    value: str
    hook: object

    def load(self):
        return self.hook


def test_entry_point_kind_runs_like_a_builtin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        rules_module,
        "entry_points",
        lambda group: [FakeEntryPoint("acme", "acme:register", register)],
    )
    registry = build_registry()
    assert "shouting-title" in registry.kinds
    pack = tmp_path / "acme.yaml"
    pack.write_text(
        "- {code: ACME010, name: acme.shouting, kind: shouting-title, category: quality,"
        " severity: info, summary: Title in capitals.}\n"
    )
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "a.md").write_text("---\ntitle: HOW TO PAY\n---\nbody")
    (kb / "b.md").write_text("---\ntitle: How to pay\n---\nbody")
    config = Config(rule_packs=[str(pack)], select=["ACME"])
    result = audit(kb, config, registry=registry)
    assert [(f.rule, f.where) for f in result.findings] == [("ACME010", "a.md")]


def test_broken_plugin_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(registry):
        raise ImportError("no module named acme_internal")

    monkeypatch.setattr(
        rules_module, "entry_points", lambda group: [FakeEntryPoint("acme", "acme:register", boom)]
    )
    with pytest.raises(RuleError, match="acme"):
        build_registry()


def test_kind_needs_exactly_one_check() -> None:
    registry = build_registry(plugins=False)
    with pytest.raises(RuleError):
        registry.add(CheckKind("empty", "nothing"))
    with pytest.raises(RuleError, match="twice"):
        registry.add(CheckKind("max-age", "again", check=shouting_title))
