"""`kbaudit rules`: every rule with its code, name, category, severity and summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from kbaudit.cli.common import ConfigOpt, DebugOpt, RulePathOpt, handled, out, write_stdout
from kbaudit.errors import ConfigError

if TYPE_CHECKING:
    from kbaudit.config import Config
    from kbaudit.rules import Registry, Rule

RULE_FORMATS = {"table": "table", "terminal": "table", "json": "json", "md": "md", "markdown": "md"}


def load_rules(config_path: Path | None, path: Path) -> tuple[list[Rule], Registry, Config]:
    """The rules of the default packs, the config's packs and the KB's `.kbaudit/rules/`."""
    from kbaudit.config import load_config
    from kbaudit.rules import build_registry
    from kbaudit.rules import load_rules as load_packs

    config = load_config(path, config_path)
    registry = build_registry()
    return load_packs(config, registry, path if path.is_dir() else None), registry, config


def rules_markdown(rules: list[Rule]) -> str:
    """The README's rule table (kept in sync by a test)."""
    lines = ["| code | name | category | severity | summary |", "| --- | --- | --- | --- | --- |"]
    lines += [
        f"| {r.code} | `{r.name}` | {r.category} | {r.severity} | {r.summary} |" for r in rules
    ]
    return "\n".join(lines) + "\n"


def rules_json(rules: list[Rule]) -> str:
    data = [
        {
            "code": r.code,
            "name": r.name,
            "category": r.category,
            "kind": r.kind,
            "severity": str(r.severity),
            "summary": r.summary,
            "params": r.params,
            "enabled": r.enabled,
        }
        for r in rules
    ]
    return json.dumps(data, indent=2, default=str) + "\n"


def rules_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or md.")] = "table",
    config_path: ConfigOpt = None,
    path: RulePathOpt = Path("."),
    debug: DebugOpt = False,
) -> None:
    """List every rule: code, name, category, severity and summary."""
    with handled(debug):
        shape = RULE_FORMATS.get(fmt.lower())
        if shape is None:
            raise ConfigError(f"--format {fmt}: the rule list is written as table, json or md")
        rules, _, _ = load_rules(config_path, path)
        if shape == "json":
            write_stdout(rules_json(rules))
        elif shape == "md":
            write_stdout(rules_markdown(rules))
        else:
            table = Table(title=f"{len(rules)} rules")
            for col in ("code", "name", "category", "severity", "summary"):
                table.add_column(col, overflow="fold")
            for r in rules:
                cells = (r.code, r.name, r.category, str(r.severity), r.summary)
                table.add_row(*(Text(c) for c in cells))
            out.print(table)
