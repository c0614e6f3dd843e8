"""One registry of reports keyed by (view, format).

A view is what is shown (the audit's scorecard, the gap list, duplicate groups, topics, the diff
of two results); a format is how (terminal, json, md, html, csv, sarif, junit, github). Each entry
names the function that renders it, imported only when that report is asked for. Text formats
return a string; terminal renderers print rich renderables on a console, so the same report goes
to a screen in colour or into a plain `.txt` file.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

from kbaudit.errors import ConfigError

FORMATS = ("terminal", "json", "md", "html", "csv", "sarif", "junit", "github")
ALIASES = {
    "markdown": "md",
    "txt": "terminal",
    "text": "terminal",
    "table": "terminal",
    "htm": "html",
    "xml": "junit",
    "actions": "github",
    "gh": "github",
}
EXTENSIONS = {
    ".json": "json",
    ".txt": "terminal",
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".sarif": "sarif",
    ".xml": "junit",
    ".csv": "csv",
}
# (view, format) -> "module:function" under kbaudit.reporters
REPORTS: dict[tuple[str, str], str] = {
    ("scorecard", "terminal"): "terminal:print_report",
    ("scorecard", "json"): "json_report:render",
    ("scorecard", "md"): "markdown:render",
    ("scorecard", "html"): "html:render",
    ("scorecard", "csv"): "csv_report:render",
    ("scorecard", "sarif"): "sarif:render",
    ("scorecard", "junit"): "junit:render",
    ("scorecard", "github"): "github:render",
    ("gaps", "terminal"): "gaps:print_gaps",
    ("gaps", "json"): "gaps:render_json",
    ("gaps", "md"): "gaps:render_markdown",
    ("gaps", "csv"): "gaps:render_csv",
    ("duplicates", "terminal"): "listing:print_duplicates",
    ("duplicates", "json"): "listing:duplicates_json",
    ("duplicates", "md"): "listing:duplicates_markdown",
    ("duplicates", "csv"): "listing:duplicates_csv",
    ("topics", "terminal"): "listing:print_topics",
    ("topics", "json"): "listing:topics_json",
    ("topics", "md"): "listing:topics_markdown",
    ("topics", "csv"): "listing:topics_csv",
    ("diff", "terminal"): "diff:print_diff",
    ("diff", "json"): "diff:render_json",
    ("diff", "md"): "diff:render_markdown",
}
# Why a format has no report for a view (shown with the refusal).
_FOR_AUDIT_ONLY = {
    "html": "the HTML page is the audit's report",
    "sarif": "SARIF lists an audit's findings",
    "junit": "JUnit lists an audit's findings per rule",
    "github": "annotations are an audit's findings",
    "csv": "CSV rows are findings or listed items",
}


def formats_for(view: str) -> list[str]:
    return [fmt for (v, fmt) in REPORTS if v == view]


def format_name(name: str, view: str) -> str:
    """The canonical name of a format given by name or alias; exit-2 error when unknown or
    when the view has no report in that format."""
    key = name.strip().lower().lstrip(".")
    fmt = ALIASES.get(key, key)
    known = formats_for(view)
    if fmt not in FORMATS:
        raise ConfigError(f"unknown output format {name!r}; for {view} use one of: {_listed(view)}")
    if fmt not in known:
        why = _FOR_AUDIT_ONLY.get(fmt, "")
        hint = f" ({why}: `kbaudit audit PATH --format {fmt}`)" if why else ""
        raise ConfigError(f"the {view} view has no {fmt} format{hint}; use one of: {_listed(view)}")
    return fmt


def output_format(view: str, fmt: str | None, output: Path | None) -> str:
    """--format when given, else from -o's extension, else terminal."""
    if fmt:
        return format_name(fmt, view)
    if output is None:
        return "terminal"
    suffix = output.suffix.lower()
    if suffix not in EXTENSIONS:
        shown = suffix or "no extension"
        raise ConfigError(
            f"-o {output}: {shown!s} names no output format; use an extension of "
            f"{_extensions(view)} or --format ({_listed(view)})"
        )
    return format_name(EXTENSIONS[suffix], view)


def _listed(view: str) -> str:
    return ", ".join(formats_for(view))


def _extensions(view: str) -> str:
    known = formats_for(view)
    return ", ".join(ext for ext, fmt in EXTENSIONS.items() if fmt in known)


def reporter(view: str, fmt: str) -> Callable[..., Any]:
    """The function registered for (view, fmt): `(data) -> str`, or for terminal
    `(console, data) -> None`."""
    fmt = format_name(fmt, view)
    module, function = REPORTS[(view, fmt)].split(":")
    return getattr(import_module(f"kbaudit.reporters.{module}"), function)


def render_text(view: str, fmt: str, data: Any, width: int = 120) -> str:
    """The report as text; terminal reports as plain text without colour (for `.txt`)."""
    render = reporter(view, fmt)
    if format_name(fmt, view) != "terminal":
        return str(render(data))
    from rich.console import Console

    buffer = io.StringIO()
    render(Console(file=buffer, width=width, force_terminal=False, color_system=None), data)
    return buffer.getvalue()
