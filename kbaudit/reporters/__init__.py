"""Output formats: each module has `render(result) -> str`; the CLI picks one by name."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

from kbaudit.errors import ConfigError

if TYPE_CHECKING:
    from kbaudit.audit import AuditResult

# format name -> module under kbaudit.reporters
FORMATS: dict[str, str] = {
    "terminal": "terminal",
    "json": "json_report",
    "html": "html",
    "markdown": "markdown",
    "sarif": "sarif",
    "junit": "junit",
    "csv": "csv_report",
    "github": "github",
}
EXTENSIONS = {
    ".json": "json",
    ".txt": "terminal",
    ".html": "html",
    ".md": "markdown",
    ".sarif": "sarif",
    ".xml": "junit",
    ".csv": "csv",
}


def renderer(name: str) -> Callable[[AuditResult], str]:
    if name not in FORMATS:
        raise ConfigError(f"unknown output format {name!r}; choose one of: {', '.join(FORMATS)}")
    return import_module(f"kbaudit.reporters.{FORMATS[name]}").render
