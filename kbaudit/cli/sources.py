"""`kbaudit sources`: the export formats kbaudit reads, with an example of each."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from kbaudit.cli.common import out


def sources_cmd() -> None:
    """List the export formats kbaudit reads, with an example of each."""
    from kbaudit.sources import SOURCES

    table = Table(title="Input formats (--input-format NAME)")
    for col in ("name", "what", "example"):
        table.add_column(col, overflow="fold")
    for s in SOURCES:
        table.add_row(Text(s.name), Text(s.description), Text(s.example))
    out.print(table)
