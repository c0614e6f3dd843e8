"""`kbaudit diff OLD.json NEW.json`: the score change per dimension, and the findings that are new
or fixed between two JSON results (matched by baseline fingerprint), as a table, Markdown for a
pull-request comment, or JSON."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from kbaudit.baseline import FindingKey, fingerprints
from kbaudit.cli import OutputOpt, _fail, app, err, out
from kbaudit.errors import ConfigError, KbauditError
from kbaudit.reporters.markdown import code, text

FORMATS = ("terminal", "markdown", "json")
LISTED = 50  # findings listed per section in Markdown (the rest are counted)


@dataclass(frozen=True)
class ScoreChange:
    name: str
    old: float | None
    new: float | None

    @property
    def delta(self) -> float | None:
        if self.old is None or self.new is None:
            return None
        return round(self.new - self.old, 1)


@dataclass(frozen=True)
class ResultDiff:
    old_source: str
    new_source: str
    readiness: ScoreChange
    grades: tuple[str, str]
    dimensions: list[ScoreChange]
    new: list[dict[str, Any]]
    fixed: list[dict[str, Any]]
    unchanged: int

    def to_dict(self) -> dict[str, Any]:
        def change(c: ScoreChange) -> dict[str, Any]:
            return {"old": c.old, "new": c.new, "delta": c.delta}

        return {
            "old": self.old_source,
            "new": self.new_source,
            "readiness": change(self.readiness),
            "grade": {"old": self.grades[0], "new": self.grades[1]},
            "dimensions": {c.name: change(c) for c in self.dimensions},
            "new_findings": self.new,
            "fixed_findings": self.fixed,
            "unchanged_findings": self.unchanged,
        }


def read_result(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{path} does not exist; write it with `kbaudit audit KB -o {path}`"
        ) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"{path} is not readable JSON ({exc}); give a kbaudit JSON result"
        ) from None
    if not isinstance(data, dict) or "scorecard" not in data or "findings" not in data:
        raise ConfigError(f"{path} is not a kbaudit JSON result (`kbaudit audit KB -f json`)")
    return data


def diff_results(old: dict[str, Any], new: dict[str, Any]) -> ResultDiff:
    old_card, new_card = old["scorecard"], new["scorecard"]
    names = list(new_card.get("dimensions", {}))
    names += [n for n in old_card.get("dimensions", {}) if n not in names]

    def dim(card: dict[str, Any], name: str) -> float | None:
        return (card.get("dimensions", {}).get(name) or {}).get("score")

    old_prints = fingerprints(FindingKey.of_dict(f) for f in old["findings"])
    new_prints = fingerprints(FindingKey.of_dict(f) for f in new["findings"])
    before, after = set(old_prints), set(new_prints)
    return ResultDiff(
        old_source=str((old.get("source") or {}).get("path", "")),
        new_source=str((new.get("source") or {}).get("path", "")),
        readiness=ScoreChange("readiness", old_card.get("score"), new_card.get("score")),
        grades=(str(old_card.get("grade", "")), str(new_card.get("grade", ""))),
        dimensions=[ScoreChange(n, dim(old_card, n), dim(new_card, n)) for n in names],
        new=[f for f, p in zip(new["findings"], new_prints, strict=True) if p not in before],
        fixed=[f for f, p in zip(old["findings"], old_prints, strict=True) if p not in after],
        unchanged=len(after & before),
    )


def _shown(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _delta(change: ScoreChange) -> str:
    d = change.delta
    if d is None:
        return "—"
    return "±0.0" if d == 0 else f"{d:+.1f} {'▲' if d > 0 else '▼'}"


def _ref(finding: dict[str, Any]) -> str:
    ref = FindingKey.of_dict(finding).article
    line = finding.get("line")
    return f"{ref}:{line}" if ref and line else ref


def diff_markdown(diff: ResultDiff) -> str:
    r = diff.readiness
    lines = [
        "## Knowledge base audit: changes",
        "",
        f"**Readiness {_shown(r.old)} → {_shown(r.new)} ({_delta(r)})** · grade "
        f"{diff.grades[0]} → {diff.grades[1]} · {len(diff.new)} new finding(s), "
        f"{len(diff.fixed)} fixed, {diff.unchanged} unchanged",
        "",
        "| Dimension | Before | After | Change |",
        "| --- | --: | --: | --: |",
    ]
    lines += [
        f"| {c.name} | {_shown(c.old)} | {_shown(c.new)} | {_delta(c)} |"
        for c in [diff.readiness, *diff.dimensions]
    ]
    lines.append("")
    for title, found, opened in (("New findings", diff.new, True), ("Fixed", diff.fixed, False)):
        if not found:
            continue
        lines += [
            f"<details{' open' if opened else ''}>",
            f"<summary>{title} ({len(found)})</summary>",
            "",
        ]
        lines += [
            f"- {code(str(f.get('rule', '')))} [{text(f.get('severity', ''))}]"
            + (f" {code(_ref(f))}" if _ref(f) else "")
            + f" — {text(f.get('message', ''))}"
            for f in found[:LISTED]
        ]
        if len(found) > LISTED:
            lines.append(f"- … and {len(found) - LISTED} more")
        lines += ["", "</details>", ""]
    return "\n".join(lines).rstrip() + "\n"


def print_diff(diff: ResultDiff) -> None:
    r = diff.readiness
    colour = "green" if (r.delta or 0) >= 0 else "red"
    out.print(
        Text.assemble(
            ("Readiness ", "bold"),
            f"{_shown(r.old)} → ",
            (_shown(r.new), f"bold {colour}"),
            f"  ({_delta(r)})   grade {diff.grades[0]} → {diff.grades[1]}",
        )
    )
    table = Table(title="Scores", title_justify="left")
    for col in ("dimension", "before", "after", "change"):
        table.add_column(col, justify="left" if col == "dimension" else "right")
    for c in diff.dimensions:
        style = "green" if (c.delta or 0) > 0 else "red" if (c.delta or 0) < 0 else ""
        table.add_row(c.name, _shown(c.old), _shown(c.new), Text(_delta(c), style=style))
    out.print(table)
    for title, found, style in (("New", diff.new, "red"), ("Fixed", diff.fixed, "green")):
        out.print(Text(f"{title} findings: {len(found)}", style=f"bold {style}"))
        for f in found:
            out.print(f"  {f.get('rule')} {_ref(f)}: {f.get('message')}", markup=False)
    out.print(f"{diff.unchanged} finding(s) unchanged", style="dim")


@app.command("diff")
def diff_cmd(
    old: Annotated[Path, typer.Argument(help="The earlier JSON result (kbaudit audit -f json).")],
    new: Annotated[Path, typer.Argument(help="The later JSON result.")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="terminal, markdown or json (default: from -o's extension)."
        ),
    ] = None,
    output: OutputOpt = None,
    fail_on_new: Annotated[
        bool, typer.Option("--fail-on-new", help="Exit 1 when NEW has findings OLD had not.")
    ] = False,
) -> None:
    """Compare two audits: score change per dimension, new and fixed findings."""
    try:
        if fmt is None:
            suffix = output.suffix.lower() if output is not None else ""
            fmt = "terminal" if output is None else "json" if suffix == ".json" else "markdown"
        if fmt not in FORMATS:
            raise ConfigError(f"--format {fmt}: choose one of {', '.join(FORMATS)}")
        if fmt == "terminal" and output is not None:
            raise ConfigError("-o writes markdown or json; add --format markdown or --format json")
        diff = diff_results(read_result(old), read_result(new))
    except KbauditError as exc:
        raise _fail(exc, False) from None
    if fmt == "terminal":
        print_diff(diff)
    else:
        rendered = (
            json.dumps(diff.to_dict(), indent=2, ensure_ascii=False) + "\n"
            if fmt == "json"
            else diff_markdown(diff)
        )
        if output is None:
            sys.stdout.write(rendered)
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(rendered, encoding="utf-8")
            err.print(f"wrote {fmt} diff to {output}")
    raise typer.Exit(1 if fail_on_new and diff.new else 0)
