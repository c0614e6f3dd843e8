"""The HTML report in a real browser: headless Chromium loads the sample KB's report, its script
runs without error, the score and the findings table render, and hostile article text in
another report never runs. Skipped when Chromium is not installed."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from kbaudit.audit import audit
from kbaudit.config import Config
from kbaudit.model import Severity
from kbaudit.reporters import html
from tests.conftest import AS_OF, SAMPLE_KB, needs
from tests.test_reporters import write_hostile_kb

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="headless Chromium (Debian package chromium) not installed"
    ),
]
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def chromium(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def dump_dom(page: Path, tmp_path: Path, fragment: str = "") -> BeautifulSoup:
    profile = tmp_path / f"profile-dom{len(fragment)}"
    command = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "--dump-dom"]
    done = subprocess.run(
        [*command, page.as_uri() + fragment], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return BeautifulSoup(done.stdout, "lxml")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@needs(SAMPLE_KB)
def test_sample_report_renders_in_chromium(tmp_path: Path) -> None:
    result = audit(SAMPLE_KB, Config(as_of=AS_OF, jobs=1))
    page = tmp_path / "report.html"
    page.write_text(html.render(result), encoding="utf-8")

    dom = dump_dom(page, tmp_path)
    root = dom.find("html")
    assert root.get("data-script-error") is None, root.get("data-script-error")
    assert root.get("data-report-script") == "ok"  # the filter script ran to its end
    assert f"{result.scorecard.score:.1f}" in dom.find("svg", class_="gauge").get_text()
    rows = dom.find(id="findings").find("tbody").find_all("tr")
    assert len(rows) == len(result.findings) > 0
    assert not dom.find(id="filters").has_attr("hidden")  # controls shown once the script ran
    total = len(result.findings)
    assert dom.find(id="shown").get_text() == f"Showing {total} of {total}"
    rules = [o["value"] for o in dom.find("select", attrs={"name": "rule"}).find_all("option")]
    assert rules[1:] == sorted({f.rule for f in result.findings})

    # A filter in the address: only the error findings stay visible.
    errors = [f for f in result.findings if f.severity == Severity.ERROR]
    filtered = dump_dom(page, tmp_path, "#severity=error")
    visible = [
        r
        for r in filtered.find(id="findings").find("tbody").find_all("tr")
        if not r.has_attr("hidden")
    ]
    assert len(visible) == len(errors) > 0
    assert filtered.find(id="shown").get_text() == f"Showing {len(errors)} of {total}"

    shot = tmp_path / "report.png"
    done = chromium(
        page, tmp_path / "profile-shot", "--window-size=1280,2400", f"--screenshot={shot}"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert png_size(shot.read_bytes()) == (1280, 2400)
    assert shot.stat().st_size > 50_000  # a rendered page, not a blank one


def test_hostile_text_never_runs_in_chromium(tmp_path: Path) -> None:
    result = audit(write_hostile_kb(tmp_path / "kb"), Config(as_of=AS_OF, jobs=1))
    page = tmp_path / "hostile.html"
    page.write_text(html.render(result), encoding="utf-8")
    dom = dump_dom(page, tmp_path)
    root = dom.find("html")
    assert root.get("data-report-script") == "ok"
    assert root.get("data-script-error") is None
    assert not dom.find(attrs={"data-pwned": True})
    assert re.search(r"<script>document\.documentElement", dom.get_text())  # shown as text
