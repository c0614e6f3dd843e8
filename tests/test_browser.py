"""The HTML report in a real browser (headless Chromium driven over the DevTools protocol): its
script runs without error, the findings render on demand and filter, hostile article text never
runs, and on the real corpus the page stays light: under 3 MB, the scorecard inside the first
screen, a bounded height with every group collapsed. Skipped when Chromium is not installed."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from kbaudit.audit import AuditResult, audit
from kbaudit.config import Config
from kbaudit.model import Severity
from kbaudit.reporters import html
from tests.cdp import Browser
from tests.conftest import AS_OF, FIXTURES, OFFICEDOCS, SAMPLE_KB, needs
from tests.test_reporters import write_hostile_kb

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="headless Chromium (Debian package chromium) not installed"
    ),
]
WIDTH, HEIGHT = 1280, 900  # a laptop screen

# Layout and state of the page, read in the browser.
MEASURE = """JSON.stringify({
  height: document.documentElement.scrollHeight,
  scorecard: document.getElementById('scorecard').getBoundingClientRect().bottom + scrollY,
  nodes: document.getElementsByTagName('*').length,
  groups: document.querySelectorAll('#groups > details').length,
  open: document.querySelectorAll('details[open]').length,
  rows: document.querySelectorAll('#groups tr').length,
  shown: (document.getElementById('shown') || {}).textContent,
  error: document.documentElement.getAttribute('data-script-error'),
  script: document.documentElement.getAttribute('data-report-script'),
  pwned: document.querySelectorAll('[data-pwned]').length,
  ready: (performance.getEntriesByName('report-ready')[0] || {}).startTime
})"""


def measure(browser: Browser) -> dict[str, Any]:
    return dict(json.loads(browser.evaluate(MEASURE)))


def set_filter(browser: Browser, name: str, value: str) -> None:
    """Choose a value in the filter form as a person would (a change event)."""
    browser.evaluate(
        "(()=>{const f=document.getElementById('filters');"
        f"f.elements[{json.dumps(name)}].value={json.dumps(value)};"
        "f.dispatchEvent(new Event('change'));})()"
    )


def open_groups(browser: Browser, box: str = "groups") -> int:
    """Open every group on show; resolves once their rows are rendered."""
    return int(
        browser.evaluate(
            f"new Promise(done=>{{const ds=document.querySelectorAll('#{box} > details');"
            "ds.forEach(d=>d.open=true);setTimeout(()=>done(ds.length),50);})"
        )
    )


def page_of(result: AuditResult, target: Path) -> Path:
    target.write_text(html.render(result), encoding="utf-8")
    return target


@needs(SAMPLE_KB)
def test_sample_report_renders_and_filters(tmp_path: Path) -> None:
    result = audit(SAMPLE_KB, Config(as_of=AS_OF, jobs=1))
    page = page_of(result, tmp_path / "report.html")
    listed = [f for f in result.findings if not html.is_question(f)]
    by_rule = Counter(f.rule for f in listed)
    with Browser(str(CHROMIUM), tmp_path / "profile", WIDTH, HEIGHT) as browser:
        browser.open(page.as_uri())
        state = measure(browser)
        assert state["error"] is None, state["error"]
        assert state["script"] == "ok"
        assert state["groups"] == len(by_rule) and state["rows"] == 0  # headings only
        assert state["shown"] == f"{len(listed)} of {len(listed)} findings in {len(by_rule)} groups"
        assert browser.requests() == [page.as_uri()]  # nothing fetched from anywhere

        # Opening the groups renders their findings (a hundred at a time).
        assert open_groups(browser) == len(by_rule)
        assert measure(browser)["rows"] == sum(min(n, 100) for n in by_rule.values())

        # Filters: errors only; then grouped by article; then a search.
        errors = [f for f in listed if f.severity == Severity.ERROR]
        set_filter(browser, "severity", "error")
        state = measure(browser)
        assert state["groups"] == len({f.rule for f in errors}) > 0
        assert state["shown"].startswith(f"{len(errors)} of {len(listed)} findings")
        assert browser.evaluate("location.hash") == "#severity=error"
        set_filter(browser, "group", "article")
        assert measure(browser)["groups"] == len({f.where for f in errors})
        set_filter(browser, "severity", "")
        needle = listed[0].where
        set_filter(browser, "q", needle)
        matching = [
            f
            for f in listed
            if needle.lower()
            in f"{f.rule} {f.name} {f.where} {f.article.title if f.article else ''} {f.message}".lower()
        ]
        assert measure(browser)["shown"].startswith(f"{len(matching)} of {len(listed)}")

        # A filtered view can be shared: the address restores it.
        browser.open(page.as_uri() + "#group=article&severity=error")
        assert measure(browser)["groups"] == len({f.where for f in errors})


def test_hostile_text_never_runs_in_chromium(tmp_path: Path) -> None:
    result = audit(write_hostile_kb(tmp_path / "kb"), Config(as_of=AS_OF, jobs=1))
    page = page_of(result, tmp_path / "hostile.html")
    with Browser(str(CHROMIUM), tmp_path / "profile", WIDTH, HEIGHT) as browser:
        for view in ("#group=rule", "#group=article"):
            browser.open(page.as_uri() + view)
            assert open_groups(browser) > 0
            state = measure(browser)
            assert state["script"] == "ok" and state["error"] is None
            assert state["pwned"] == 0
            text = browser.evaluate("document.body.innerText")
            assert "<script>document.documentElement" in text  # shown as text


@pytest.mark.corpus
@needs(OFFICEDOCS)
def test_real_corpus_report_is_light(tmp_path: Path) -> None:
    result = audit(OFFICEDOCS, Config(as_of=AS_OF))
    page = page_of(result, tmp_path / "officedocs.html")
    weight = page.stat().st_size
    assert weight < 3_000_000, f"{weight:,} bytes"
    with Browser(str(CHROMIUM), tmp_path / "profile", WIDTH, HEIGHT) as browser:
        browser.open(page.as_uri())
        first = measure(browser)
        assert first["error"] is None and first["script"] == "ok"
        assert first["scorecard"] < 1200  # score, verdict, dimensions, ten articles: one screen
        assert first["height"] < 20_000, f"{first['height']:,} px with every group collapsed"
        assert first["open"] == 0 and first["rows"] == 0
        assert first["nodes"] < 5_000  # the findings are rendered on demand, not up front
        set_filter(browser, "group", "article")  # 2,400+ articles: shown fifty at a time
        by_article = measure(browser)
        assert by_article["groups"] == 50 and by_article["height"] < 20_000
        print(
            f"\nreal-corpus HTML: {weight:,} bytes, {first['height']:,} px high, scorecard ends at "
            f"{first['scorecard']:.0f} px, {first['nodes']:,} elements, script done "
            f"{first['ready']:.0f} ms after navigation"
        )


def test_gap_topics_say_how_the_nearest_article_stands(tmp_path: Path) -> None:
    """A gap topic's body says "extend this" only when the nearest article is on the subject,
    that nothing is close when no question scores it a partial answer, and that questions in
    another language have no article in it."""
    from kbaudit.model import Question

    kb = FIXTURES / "coverage" / "kb"
    questions = [
        Question("how do I file my VAT return", 20),
        Question("submit a vat return to the tax office", 5),
        Question("Hallo, ich habe mein Passwort vergessen und bekomme keine E-Mail", 2),
    ]
    result = audit(kb, Config(as_of=AS_OF, jobs=1), questions=questions)
    page = page_of(result, tmp_path / "gaps.html")
    with Browser(str(CHROMIUM), tmp_path / "profile", WIDTH, HEIGHT) as browser:
        browser.open(page.as_uri())
        assert measure(browser)["error"] is None
        assert open_groups(browser, "gap-list") >= 2
        said = browser.evaluate(
            "Array.from(document.querySelectorAll('#gap-list p.doc')).map(p=>p.textContent)"
            ".join('\\n')"
        )
    assert "Written in a language the KB has no articles in." in said
    assert "to extend" not in said
    assert "No article is close; the nearest: Accept card payments on invoices" in said
