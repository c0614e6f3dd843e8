"""One escaping helper per output format, used by every view: article-derived text (ids, paths,
titles, messages, questions) is untrusted and must never create structure in a report."""

from __future__ import annotations

import html
import re

from rich.text import Text

# C0 and C1 control characters except tab and newline, DEL, lone surrogates, and the bidi
# controls that can reorder what a reader sees ("trojan source").
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
# Terminal escape sequences (CSI, OSC, other ESC sequences) are removed whole, not just the ESC.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# Not allowed in XML 1.0 at all (JUnit parsers reject the file).
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Markdown markup characters; `_` only where it could open or close emphasis, `&` only before
# an entity, `!` only before a link bracket, `#` only where it could start a heading.
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|~]|!(?=\[)|^#|(?<!\w)_|_(?!\w)|&(?=#?\w+;))")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def clean(value: object) -> str:
    """Text without terminal escape sequences, control characters or bidi overrides."""
    return _CONTROL.sub("", _ANSI.sub("", str(value)))


def one_line(value: object) -> str:
    """Clean text with every run of whitespace (newlines too) made one space."""
    return " ".join(clean(value).split())


# --- terminal ---------------------------------------------------------------------------


def term(value: object, style: str = "") -> Text:
    """Article text for the terminal: a rich Text, so `[/x]` is never read as markup."""
    return Text(one_line(value), style=style)


def fold(value: object, width: int) -> str:
    """One line of at most `width` characters; a long path loses its middle, not its end."""
    text = one_line(value)
    if len(text) <= width:
        return text
    if width < 5:
        return text[:width]
    tail = (width - 1) // 2
    head = width - 1 - tail
    return text[:head] + "…" + text[-tail:]


# --- Markdown ---------------------------------------------------------------------------


def md_text(value: object) -> str:
    """Article text as inert Markdown: one line, markup characters escaped."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(value))


def md_code(value: object) -> str:
    """A code span on one line; backticks become quotes and `|` is escaped (GFM tables split
    cells on it even inside code)."""
    text = one_line(value).replace("`", "'").replace("|", "\\|")
    return f"`{text}`" if text else "—"


# --- HTML and XML -----------------------------------------------------------------------


def html_text(value: object) -> str:
    """Text for HTML element content and quoted attributes."""
    return html.escape(clean(value), quote=True)


def xml_text(value: object) -> str:
    """Text for XML (JUnit): characters XML 1.0 forbids removed; ElementTree escapes the rest."""
    return _XML_INVALID.sub("", _ANSI.sub("", str(value)))


# --- CSV --------------------------------------------------------------------------------


def csv_cell(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (leading apostrophe on =, +, -, @)."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub("", _ANSI.sub("", text))
    return "'" + text if text.startswith(_FORMULA) else text


# --- GitHub Actions workflow commands ---------------------------------------------------


def github_data(value: object) -> str:
    """The message part of `::warning ...::MESSAGE`."""
    text = _ANSI.sub("", str(value))
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return _CONTROL.sub("", text)


def github_property(value: object) -> str:
    """A `key=value` property of a workflow command."""
    return github_data(value).replace(":", "%3A").replace(",", "%2C")
