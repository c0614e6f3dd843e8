"""Config discovery, validation, CLI overrides, rule selection and overrides."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kbaudit.config import Config, build_config, find_config, load_config
from kbaudit.errors import ConfigError, RuleError
from kbaudit.model import Severity
from kbaudit.rules import build_registry, ignored_by_path, load_rules, select_rules


def test_discovery_walks_up_to_the_repo_root(tmp_path: Path) -> None:
    kb = tmp_path / "repo" / "docs" / "kb"
    kb.mkdir(parents=True)
    (tmp_path / "repo" / ".git").mkdir()
    (tmp_path / "kbaudit.yaml").write_text("ignore: [X]\n")  # above the repo: not used
    assert find_config(kb) is None
    (tmp_path / "repo" / "pyproject.toml").write_text("[tool.kbaudit]\nselect = ['STALE']\n")
    assert find_config(kb) == tmp_path / "repo" / "pyproject.toml"
    assert load_config(kb).select == ["STALE"]
    (kb.parent / ".kbaudit.yaml").write_text("select: [QUAL]\n")
    assert load_config(kb).select == ["QUAL"]
    explicit = tmp_path / "other.yaml"
    explicit.write_text("select: [SEC]\n")
    assert load_config(kb, explicit).select == ["SEC"]


def test_pyproject_without_section_is_skipped(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\n")
    assert find_config(tmp_path) is None


def test_full_config(tmp_path: Path) -> None:
    (tmp_path / "tax.yaml").write_text(
        "categories:\n  billing: [invoices, refunds]\n  account:\ntags: [a, b]\n"
    )
    config = build_config(
        {
            "exclude": ["README.md"],
            "category_from": "path",
            "date_order": "dmy",
            "taxonomy": "tax.yaml",
            "scorecard": {"weights": {"coverage": 0}, "ready": 80},
            "fail_on": "warning",
            "fail_under": 60,
            "as_of": "2026-01-31",
            "per_path_ignores": {"archive/**": "STALE"},
        },
        tmp_path,
    )
    assert config.taxonomy.categories == [
        "billing",
        "billing > invoices",
        "billing > refunds",
        "account",
    ]
    assert config.weights["coverage"] == 0 and config.weights["freshness"] == 0.25
    assert config.ready_score == 80 and config.fail_on is Severity.WARNING
    assert config.as_of == dt.date(2026, 1, 31)
    assert config.per_path_ignores == {"archive/**": ["STALE"]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"exlude": []}, "unknown setting"),
        ({"category_from": "folder"}, "category_from"),
        ({"fail_on": "fatal"}, "severity"),
        ({"as_of": "yesterday"}, "YYYY-MM-DD"),
        ({"scorecard": {"weights": {"speed": 1}}}, "weights"),
        ({"taxonomy": 3}, "taxonomy"),
        ({"duplicates": {"separate_template_siblings": "no"}}, "not true or false"),
        ({"jobs": -1}, "must be at least 0"),
        ({"scorecard": {"weights": {"coverage": -0.5}}}, "must be at least 0"),
        ({"fail_under": 101}, "between 0 and 100"),
    ],
)
def test_invalid_settings_say_what_to_do(data: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        build_config(data)


def test_invalid_yaml_file(tmp_path: Path) -> None:
    bad = tmp_path / "kbaudit.yaml"
    bad.write_text("select: [a\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(tmp_path)


def test_rule_overrides_and_selection() -> None:
    registry = build_registry()
    config = Config(
        rules={"STALE001": {"severity": "error", "params": {"days": 30}}, "QUAL002": {"min": 10}}
    )
    rules = {r.code: r for r in load_rules(config, registry)}
    assert rules["STALE001"].severity is Severity.ERROR
    assert rules["STALE001"].params["days"] == 30
    assert rules["QUAL002"].params["min"] == 10
    chosen = {
        r.code
        for r in select_rules(list(rules.values()), ["STALE", "security"], ["STALE005", "STALE006"])
    }
    assert chosen == {"STALE001", "STALE002", "STALE003", "STALE004", "STALE007"} | {
        "SEC001",
        "SEC002",
        "SEC003",
    }
    assert {r.code for r in select_rules(list(rules.values()), ["stale.max-age"], [])} == {
        "STALE001"
    }


@pytest.mark.parametrize(
    "rules",
    [{"NOPE001": {}}, {"STALE001": {"params": {"dayz": 3}}}, {"STALE001": {"severity": "huge"}}],
)
def test_bad_rule_overrides(rules: dict) -> None:
    with pytest.raises(RuleError):
        load_rules(Config(rules=rules), build_registry())


def test_extra_rule_pack_and_kb_rules_folder(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "- code: ACME001\n  name: acme.no-competitor\n  kind: pattern\n  category: quality\n"
        "  severity: info\n  summary: Mentions a competitor.\n"
        "  params: {patterns: ['\\bBooksy\\b']}\n"
    )
    kb = tmp_path / "kb"
    (kb / ".kbaudit" / "rules").mkdir(parents=True)
    (kb / ".kbaudit" / "rules" / "local.yaml").write_text(
        "rules:\n- code: ACME002\n  name: acme.local\n  kind: min-words\n  category: quality\n"
        "  severity: info\n  summary: Local rule.\n"
    )
    codes = {r.code for r in load_rules(Config(rule_packs=[str(pack)]), build_registry(), kb)}
    assert {"ACME001", "ACME002", "STALE001"} <= codes
    pack.write_text(
        "- code: BAD1\n  name: x\n  kind: no-such-kind\n  category: quality\n"
        "  severity: info\n  summary: x\n"
    )
    with pytest.raises(RuleError, match="unknown check kind"):
        load_rules(Config(rule_packs=[str(pack)]), build_registry())


def test_per_path_ignores() -> None:
    per_path = {"archive/**": ["STALE"], "legal/*": ["ALL"]}
    assert ignored_by_path("archive/2020/a.md", "STALE001", per_path)
    assert not ignored_by_path("archive/2020/a.md", "QUAL001", per_path)
    assert ignored_by_path("legal/terms.md", "QUAL001", per_path)
    assert not ignored_by_path("billing/a.md", "STALE001", per_path)


def test_starter_config_lists_the_default_excludes() -> None:
    import yaml

    from kbaudit.config import DEFAULT_EXCLUDE
    from kbaudit.starter import STARTER_CONFIG

    assert yaml.safe_load(STARTER_CONFIG)["exclude"] == DEFAULT_EXCLUDE


def test_hidden_folders_are_not_read_by_default() -> None:
    from kbaudit.config import DEFAULT_EXCLUDE
    from kbaudit.sources.tree import glob_match

    for hidden in (".github/PULL_REQUEST_TEMPLATE.md", ".tools/notes/setup.md", "docs/.site/a.md"):
        assert glob_match(hidden, DEFAULT_EXCLUDE), hidden
    for shown in ("docs/v1.2/install.md", "Guides/Pitch a tent.md", "a.b/c.md"):
        assert not glob_match(shown, DEFAULT_EXCLUDE), shown
