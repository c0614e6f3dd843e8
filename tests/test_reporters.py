"""Every report format validated for real: SARIF against the 2.1.0 schema, JUnit through a JUnit
parser, CSV round-tripped, Markdown rendered, HTML parsed; hostile article text stays inert."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup
from junitparser import Failure, JUnitXml
from markdown_it import MarkdownIt

from kbaudit.audit import AuditResult, audit
from kbaudit.cli import app
from kbaudit.config import Config
from kbaudit.model import Finding, Related, Severity
from kbaudit.reporters import (
    EXTENSIONS,
    csv_report,
    escape,
    formats_for,
    github,
    html,
    junit,
    markdown,
    output_format,
    render_text,
    reporter,
    sarif,
)
from tests.conftest import AS_OF, ROOT, SAMPLE_KB

SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))
PWNED = "document.documentElement.setAttribute('data-pwned'"

HOSTILE = {
    "billing/hostile.md": f"""---
title: "<script>{PWNED},'1')</script> Refunds & credits"
category: "billing</td><script>alert(1)</script>"
updated_at: 2020-01-01
tags: [refunds]
---
Refunds go back to the card. <img src=x onerror="{PWNED},'2')">

TODO: explain partial refunds </script><script>{PWNED},'3')</script>

Use the key sk_live_4eC39HqLyjWDarjtT1zdp7dc to test.

See [the guide](../missing/nowhere.md).
""",
    "billing/formula.md": """---
title: "=HYPERLINK(\\"http://example.com\\",\\"Open\\") Invoices"
category: billing
owner: sam
updated_at: 2026-10-01
tags: [invoices]
---
Create an invoice from the Invoices page. TODO: add the steps for sending it.
""",
}


def write_hostile_kb(root: Path) -> Path:
    """A small KB whose titles, categories and bodies try to inject markup and formulas."""
    for name, body in HOSTILE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(body, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def sample() -> AuditResult:
    if not SAMPLE_KB.exists():
        pytest.skip("sample KB not present")
    return audit(SAMPLE_KB, Config(as_of=AS_OF, jobs=1))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> AuditResult:
    kb = write_hostile_kb(tmp_path_factory.mktemp("hostile") / "kb")
    return audit(kb, Config(as_of=AS_OF, jobs=1))


@pytest.fixture(params=["sample", "hostile"])
def result(request: pytest.FixtureRequest) -> AuditResult:
    return request.getfixturevalue(request.param)


def test_hostile_kb_has_findings_with_markup(hostile: AuditResult) -> None:
    assert any("<script>" in f.message for f in hostile.findings)
    assert any("<script>" in (f.article.title if f.article else "") for f in hostile.findings)
    assert any(f.line for f in hostile.findings)


@pytest.mark.parametrize(
    ("suffix", "fmt"),
    [
        (".html", "html"),
        (".md", "md"),
        (".sarif", "sarif"),
        (".xml", "junit"),
        (".csv", "csv"),
        (".json", "json"),
    ],
)
def test_output_extensions_pick_formats(suffix: str, fmt: str) -> None:
    assert EXTENSIONS[suffix] == fmt
    assert output_format("scorecard", None, Path(f"report{suffix}")) == fmt
    assert callable(reporter("scorecard", fmt))


@pytest.mark.parametrize("fmt", formats_for("scorecard"))
def test_every_format_is_deterministic(hostile: AuditResult, fmt: str) -> None:
    assert render_text("scorecard", fmt, hostile) == render_text("scorecard", fmt, hostile)


# --- SARIF ------------------------------------------------------------------------------


def test_sarif_validates_against_the_2_1_0_schema(result: AuditResult) -> None:
    log = json.loads(sarif.render(result))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    run = log["runs"][0]
    assert len(run["results"]) == len(result.findings)
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for res in run["results"]:
        assert rule_ids[res["ruleIndex"]] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note")


def test_sarif_rules_carry_help_from_rule_docs(sample: AuditResult) -> None:
    rules = {
        r["id"]: r for r in json.loads(sarif.render(sample))["runs"][0]["tool"]["driver"]["rules"]
    }
    stale = next(r for r in sample.rules if r.code == "STALE001")
    assert stale.docs["fix"].split()[0] in rules["STALE001"]["help"]["text"]
    assert "### How to fix" in rules["STALE001"]["help"]["markdown"]
    assert rules["STALE001"]["shortDescription"]["text"] == stale.summary


def test_sarif_locations_are_repository_relative_with_lines(sample: AuditResult) -> None:
    results = json.loads(sarif.render(sample))["runs"][0]["results"]
    by_finding = list(zip(sample.findings, results, strict=True))
    for finding, res in by_finding:
        physical = res["locations"][0]["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert uri.startswith("fixtures/sample-kb/"), uri
        assert (ROOT / uri).exists() or finding.article is None
        if finding.line:
            assert physical["region"]["startLine"] == finding.line
        else:
            assert "region" not in physical
    assert any(f.line for f, _ in by_finding)


def test_an_article_read_from_a_record_points_at_its_export_file(tmp_path: Path) -> None:
    """An article that is a row of a table is named `articles.csv#11`: code scanning and
    annotations point at the table, the record named beside it, with no line of the body."""
    (tmp_path / "articles.csv").write_text(
        "id,title,body,updated_at\n11,Pause a plan,Choose Pause.,2020-01-01\n", encoding="utf-8"
    )
    result = audit(tmp_path, Config(select=["STALE001"], as_of=AS_OF))
    [finding] = result.findings
    assert finding.where == "articles.csv#11"
    [res] = json.loads(sarif.render(result))["runs"][0]["results"]
    [location] = res["locations"]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": f"{tmp_path.as_posix()}/articles.csv"}
    }
    assert location["logicalLocations"] == [{"name": "11", "kind": "object"}]
    line = github.render(result).splitlines()[0]
    assert f"file={tmp_path.as_posix()}/articles.csv," in line and "(record 11)" in line


def test_location_outside_a_repository_is_the_path_as_given(tmp_path: Path) -> None:
    assert sarif.kb_location(str(tmp_path / "kb")) == (tmp_path / "kb").as_posix()
    assert sarif.kb_location(str(SAMPLE_KB)) == "fixtures/sample-kb"


# --- JUnit ------------------------------------------------------------------------------


def test_junit_parses_with_a_testcase_per_rule(result: AuditResult) -> None:
    xml = JUnitXml.fromstring(junit.render(result).encode())
    suites = list(xml)
    cases = [case for suite in suites for case in suite]
    fired = {f.rule for f in result.findings}
    assert len(cases) == len({r.code for r in result.rules} | fired)
    failed = [c for c in cases if any(isinstance(r, Failure) for r in c.result)]
    assert {c.name.split()[0] for c in failed} == fired
    assert suites[0].failures == len(fired)
    for case in failed:
        code = case.name.split()[0]
        failure = next(r for r in case.result if isinstance(r, Failure))
        messages = [f.message for f in result.findings if f.rule == code]
        assert all(m in failure.text for m in messages)


# --- CSV --------------------------------------------------------------------------------


def test_csv_round_trips_one_finding_per_row(result: AuditResult) -> None:
    rows = list(csv.DictReader(io.StringIO(csv_report.render(result))))
    assert len(rows) == len(result.findings)
    for row, f in zip(rows, result.findings, strict=True):
        assert (row["rule"], row["severity"], row["article"]) == (f.rule, str(f.severity), f.where)
        assert row["message"] == escape.csv_cell(f.message)
        assert row["line"] == (str(f.line) if f.line else "")
    assert len({r["fingerprint"] for r in rows}) == len(rows)


def test_csv_defuses_spreadsheet_formulas(hostile: AuditResult) -> None:
    rows = list(csv.DictReader(io.StringIO(csv_report.render(hostile))))
    titles = {r["title"] for r in rows}
    assert '\'=HYPERLINK("http://example.com","Open") Invoices' in titles
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r.values())


# --- GitHub annotations -----------------------------------------------------------------

ANNOTATION = re.compile(r"^::(error|warning|notice) file=[^,:]+(,line=\d+)?,title=[^:]+::.+$")


def test_github_annotations(sample: AuditResult) -> None:
    lines = github.render(sample).splitlines()
    assert len(lines) == len(sample.findings) + 1
    assert all(ANNOTATION.match(line) for line in lines[:-1]), lines[:3]
    assert all("file=fixtures/sample-kb/" in line for line in lines[:-1])
    assert lines[-1].startswith("kbaudit: readiness")


def test_github_escapes_properties_and_data() -> None:
    assert escape.github_property("a,b:c%\nd") == "a%2Cb%3Ac%25%0Ad"
    assert escape.github_data("50%\r\nok") == "50%25%0D%0Aok"


# --- Markdown ---------------------------------------------------------------------------


def test_markdown_renders_tables_and_details(result: AuditResult) -> None:
    text = markdown.render(result)
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    soup = BeautifulSoup(rendered, "lxml")
    assert soup.find("h1") and len(soup.find_all("table")) >= 3
    dims = soup.find_all("table")[1].find("tbody").find_all("tr")
    assert len(dims) == len(result.scorecard.dimensions)
    details = soup.find_all("details")
    assert len(details) == len({f.rule for f in result.findings})
    assert f"{result.scorecard.score:.1f}" in text.splitlines()[2]


def test_markdown_keeps_article_markup_inert(hostile: AuditResult) -> None:
    rendered = MarkdownIt("commonmark").enable("table").render(markdown.render(hostile))
    assert "<script" not in rendered and "<img" not in rendered
    assert "&lt;script&gt;" in rendered


def test_markdown_escape() -> None:
    assert escape.md_text("a|b *c* <d>\nx_y _z_") == r"a\|b \*c\* \<d\> x_y \_z\_"


# --- HTML -------------------------------------------------------------------------------


def _soup(result: AuditResult) -> BeautifulSoup:
    return BeautifulSoup(html.render(result), "lxml")


def test_html_is_self_contained(result: AuditResult) -> None:
    page = html.render(result)
    soup = BeautifulSoup(page, "lxml")
    assert not soup.find_all(["link", "iframe", "object", "embed", "img"])
    assert not [s for s in soup.find_all("script") if s.get("src")]
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page)
    assert "@import" not in page and "url(" not in page


def test_html_first_screen_is_the_scorecard(sample: AuditResult) -> None:
    soup = _soup(sample)
    first = soup.find(id="scorecard")
    assert f"{sample.scorecard.score:.1f}" in first.find("svg", class_="gauge").get_text()
    verdict = first.find(class_="verdict").get_text()
    assert verdict == (
        "Ready for a support bot" if sample.scorecard.ready else "Not ready for a support bot yet"
    )
    assert [
        li.get_text() for li in first.select(".blockers li:not(.note)")
    ] == sample.scorecard.blockers
    assert [li.get_text() for li in first.select(".blockers li.note")] == sample.scorecard.notes
    # Dimensions worst first, the ones not measured last.
    shown = [t.get_text() for t in first.select("svg.dims text.lbl")]
    scores = {d.name.capitalize(): d.score for d in sample.scorecard.dimensions.values()}
    assert sorted(shown) == sorted(scores)
    measured = [scores[n] for n in shown if scores[n] is not None]
    assert measured == sorted(measured)
    assert all(scores[n] is None for n in shown[len(measured) :])
    # The ten articles needing the most work, heaviest (severity-weighted) first.
    rows = first.select(".worst tbody tr")
    assert len(rows) == 10
    weight: dict[str, float] = {}
    for f in sample.findings:
        if f.article is not None:
            weight[f.article.ref] = (
                weight.get(f.article.ref, 0)
                + {"error": 1, "warning": 0.5, "info": 0.1}[str(f.severity)]
            )
    listed = [r.select(".path")[0].get_text() for r in rows]
    assert [weight[p] for p in listed] == sorted(weight.values(), reverse=True)[:10]
    assert not soup.find("table", id="findings")  # no finding is rendered inline


def test_html_embeds_findings_once_as_json(sample: AuditResult) -> None:
    soup = _soup(sample)
    data = json.loads(soup.find("script", id="report-data").string)
    rules, articles = data["rules"], data["articles"]
    rows = [
        (rules[r][0], articles[a][0] if a >= 0 else "", m) for r, _, a, _, m in data["findings"]
    ]
    assert rows == [
        (f.rule, f.where, f.message) for f in sample.findings if not html.is_question(f)
    ]
    assert len({r[0] for r in rules}) == len(rules)  # each rule and article once
    assert len({a[0] for a in articles}) == len(articles)
    # Controls and lists are filled by the script; without it, a note says where to look.
    assert soup.find(id="filters").has_attr("hidden") and "[hidden]{display:none" in str(soup)
    assert soup.find(id="groups") is not None and soup.find("noscript") is not None
    headings = [h.get_text() for h in soup.find_all("h2")]
    assert f"Findings ({len(sample.findings):,})" in headings
    assert any(h.startswith("By KB category") for h in headings)
    # Long tables start collapsed.
    assert soup.find("details", id="categories") and not soup.find(
        "details", id="categories"
    ).has_attr("open")


def test_html_escapes_article_text(hostile: AuditResult) -> None:
    page = html.render(hostile)
    soup = BeautifulSoup(page, "lxml")
    scripts = soup.find_all("script")
    assert [s.get("type") for s in scripts] == [None, "application/json", None]
    for s in (scripts[0], scripts[2]):
        assert "pwned" not in s.string and "alert" not in s.string
    assert not soup.find_all(attrs={"onerror": True})
    # The JSON block holds the hostile text escaped (no </script> can close it early), and
    # parses back to it intact.
    raw = scripts[1].string
    assert "<" not in raw and ">" not in raw and "&" not in raw
    titles = {a[1] for a in json.loads(raw)["articles"]}
    assert any(t.startswith("<script>") for t in titles)
    assert "<script>document.documentElement" in soup.get_text()  # shown as text


def test_html_csp_allows_only_the_report_script_and_style(hostile: AuditResult) -> None:
    soup = _soup(hostile)
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    policy = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert policy["default-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    ran = [s.string for s in soup.find_all("script") if s.get("type") is None]
    assert set(policy["script-src"].split()) == {digest(s) for s in ran}
    assert set(policy["style-src"].split()) == {digest(s.string) for s in soup.find_all("style")}
    assert not soup.find_all(style=True)  # inline style attributes would be blocked


def test_html_topic_map_only_with_coordinates(hostile: AuditResult) -> None:
    topics = [
        {"label": "refunds", "size": 4, "x": 0.1, "y": 0.5},
        {"label": "<b>invoices</b>", "size": 9, "x": -1.0, "y": 2.0},
    ]
    with_map = AuditResult(**{**hostile.__dict__, "sections": {"topics": topics}})
    assert "Topic map" in html.render(with_map)
    assert "&lt;b&gt;invoices&lt;/b&gt;" in html.render(with_map)
    plain = [{k: v for k, v in t.items() if k not in ("x", "y")} for t in topics]
    without = AuditResult(**{**hostile.__dict__, "sections": {"topics": plain}})
    assert "Topic map" not in html.render(without) and "Topic sizes" in html.render(without)


def _question(text: str, volume: int, rule: str = "COV001") -> Finding:
    return Finding(
        rule,
        "coverage.uncovered-question",
        "coverage",
        Severity.WARNING,
        f"uncovered question: {text!r}",
        path="",
        related=(Related("a", "a.md", "Article A", 0.2),),
        data={"question": text, "volume": volume, "signal": None},
    )


def test_html_lists_questions_under_their_gap_topic(hostile: AuditResult) -> None:
    questions = [
        _question("how do I export?", 3),
        _question("export <all> data", 9),
        _question("lost card", 1),
    ]
    sections = {
        "questions": [
            {"text": "lost card"},
            {"text": "how do I export?", "status": "partial"},
            {"text": "export <all> data", "status": "uncovered"},
        ],
        "gaps": [
            {
                "label": "export <data>",
                "volume": 12,
                "size": 2,
                "members": [1, 2],
                "statuses": {"uncovered": 2},
                "questions": ["how do I export?"],
                "nearest": {"path": "a.md", "title": "Article A", "score": 0.2},
                "suggested_title": "Export your data",
            }
        ],
    }
    result = AuditResult(
        **{**hostile.__dict__, "findings": [*hostile.findings, *questions], "sections": sections}
    )
    page = html.render(result)
    soup = BeautifulSoup(page, "lxml")
    data = json.loads(soup.find("script", id="report-data").string)
    assert data["gaps"][0][0] == "export <data>" and data["gaps"][0][5] == "Export your data"
    # Each question once, under its gap topic (or -1 outside any), most asked first; none is
    # listed as a finding of its own.
    assert [(q[6], q[2], q[3], q[7]) for q in data["questions"]] == [
        ("export <all> data", 0, 9, "uncovered"),
        ("how do I export?", 0, 3, "partial"),
        ("lost card", -1, 1, "uncovered"),
    ]
    assert len(data["findings"]) == len(hostile.findings)
    assert soup.find(id="gaps").h2.get_text() == "Content gaps (1 topic, 3 questions)"
    assert "<all>" not in page and "export \\u003call\\u003e data" in page


def test_cli_writes_each_format(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    kb = write_hostile_kb(tmp_path / "kb")
    for suffix in (".html", ".md", ".sarif", ".xml", ".csv"):
        target = tmp_path / "out" / f"report{suffix}"
        args = ["audit", str(kb), "-q", "--as-of", "2026-11-23", "-o", str(target)]
        outcome = runner.invoke(app, args)
        assert outcome.exit_code == 0, outcome.output
        assert target.stat().st_size > 500
    outcome = runner.invoke(app, ["audit", str(kb), "-q", "--as-of", "2026-11-23", "-f", "github"])
    assert outcome.exit_code == 0
    assert outcome.stdout.startswith("::")
