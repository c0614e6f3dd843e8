"""`kbaudit explain CODE`: a rule's documentation, parameters and an example."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kbaudit.cli.common import ConfigOpt, DebugOpt, RulePathOpt, handled, out, write_stdout
from kbaudit.cli.rules import load_rules
from kbaudit.errors import ConfigError

if TYPE_CHECKING:
    from kbaudit.rules import Rule


def explain_text(
    rule: Rule, kind_params: dict[str, Any], shared: dict[str, dict[str, Any]] | None = None
) -> str:
    shared = shared or {}
    docs = rule.docs
    parts = [
        f"# {rule.code} `{rule.name}`",
        "",
        f"{rule.summary}",
        "",
        f"Category **{rule.category}** · default severity **{rule.severity}** · "
        f"check kind `{rule.kind}`",
        "",
    ]
    for key, heading in (("what", "What it checks"), ("why", "Why it matters for a support bot")):
        if docs.get(key):
            parts += [f"## {heading}", "", docs[key], ""]
    if docs.get("example"):
        parts += ["## Example", "", "```", docs["example"].rstrip(), "```", ""]
    if docs.get("fix"):
        parts += ["## How to fix", "", docs["fix"], ""]
    parts += ["## Parameters", ""]
    if kind_params:
        for name, param in kind_params.items():
            value = rule.params.get(name, param.default)
            parts.append(f"- `{name}` = `{value!r}` — {param.help}")
    else:
        parts.append("None.")
    parts += [
        "",
        f"Change them in the config: `rules: {{{rule.code}: {{params: {{...}}}}}}`; "
        f"silence it with `ignore: [{rule.code}]` or `<!-- kbaudit: ignore {rule.code} -->`.",
    ]
    for section, values in shared.items():
        parts += [
            "",
            f"## Shared settings (config `{section}:`)",
            "",
            f"Every rule that reads the {section} analysis, and `kbaudit "
            f"{'gaps' if section == 'coverage' else section}`, uses these values:",
            "",
        ]
        parts += [f"- `{section}.{name}` = `{value!r}`" for name, value in values.items()]
    return "\n".join(parts) + "\n"


def explain_cmd(
    code: Annotated[str, typer.Argument(help="Rule code or name, e.g. STALE001.")],
    config_path: ConfigOpt = None,
    path: RulePathOpt = Path("."),
    debug: DebugOpt = False,
) -> None:
    """Show a rule's documentation, parameters and an example."""
    with handled(debug):
        rules, registry, config = load_rules(config_path, path)
        wanted = code.strip()
        rule = next((r for r in rules if wanted.upper() == r.code or wanted == r.name), None)
        if rule is None:
            from kbaudit.rules import suggest

            raise ConfigError(
                f"no rule {code!r}{suggest(wanted, rules)}; `kbaudit rules` lists them"
            )
        from kbaudit.rules import analysis_settings

        kind = registry.get(rule.kind)
        text = explain_text(rule, kind.params, analysis_settings(kind, config))
        if sys.stdout.isatty():
            from rich.markdown import Markdown

            out.print(Markdown(text))
        else:
            write_stdout(text)
