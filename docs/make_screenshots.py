"""Regenerate the README's screenshots of the first screen of both reports, from the sample KB:

    python docs/make_screenshots.py          # writes docs/report-html.png, docs/report-terminal.png

The HTML report is rendered by headless Chromium (`--screenshot` at a laptop's 1280x900); the
terminal report is recorded by rich (`Console(record=True)`), saved as SVG and rasterised by the
same Chromium. Needs the Debian package `chromium` (or `chromium-browser`) on PATH."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console

from kbaudit.audit import AuditResult, audit
from kbaudit.config import Config
from kbaudit.reporters import html
from kbaudit.reporters.terminal import print_report
from kbaudit.sources.questions import load_questions

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_KB = ROOT / "fixtures" / "sample-kb"
QUESTIONS = ROOT / "fixtures" / "questions" / "search-log.csv"
AS_OF = dt.date(2026, 11, 23)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run")
TERMINAL_COLUMNS, TERMINAL_LINES = 110, 36
FRAME = 90  # the height of the window frame rich draws around the lines, in SVG units


def chromium_binary() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        sys.exit("headless Chromium is needed: apt-get install chromium")
    return found


def screenshot(chromium: str, page: Path, target: Path, width: int, height: int) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--screenshot={target}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def terminal_page(result: AuditResult, work: Path, width: int) -> tuple[Path, int]:
    """The terminal report as an HTML page around rich's SVG, and the window height that shows
    its first TERMINAL_LINES lines (rich draws every line at the same height)."""
    console = Console(
        file=io.StringIO(),
        record=True,
        width=TERMINAL_COLUMNS,
        force_terminal=True,
        color_system="truecolor",
    )
    print_report(console, result)
    lines = len(console.export_text(clear=False).splitlines())
    svg = console.export_svg(title="kbaudit audit fixtures/sample-kb")
    view = re.search(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"', svg)
    assert view is not None, "rich's SVG has no viewBox"
    box_width, box_height = float(view.group(1)), float(view.group(2))
    per_line = (box_height - FRAME) / lines
    shown = min(lines, TERMINAL_LINES)
    page = work / "terminal.html"
    page.write_text(
        '<!DOCTYPE html><meta charset="utf-8"><style>body{margin:0;background:#fff}'
        "svg{display:block;width:100%;height:auto}</style>" + svg,
        encoding="utf-8",
    )
    return page, round((FRAME + shown * per_line) * width / box_width)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    chromium = chromium_binary()
    result = audit(
        SAMPLE_KB, Config(as_of=AS_OF, jobs=1), questions=load_questions(QUESTIONS, None)
    )
    result.source_path = "fixtures/sample-kb"
    # The release, without the commit distance and hash: the picture changes only with a release.
    result.version = re.split(r"\.dev|\+", result.version)[0]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        report = work / "report.html"
        report.write_text(html.render(result), encoding="utf-8")
        screenshot(chromium, report, args.out / "report-html.png", 1280, 900)
        page, height = terminal_page(result, work, 1000)
        screenshot(chromium, page, args.out / "report-terminal.png", 1000, height)
    for name in ("report-html.png", "report-terminal.png"):
        print(f"wrote {args.out / name} ({(args.out / name).stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
