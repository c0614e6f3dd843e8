"""The pipeline: parallel and serial checks agree; scorecard maths; ignores."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kbaudit.audit import audit
from kbaudit.config import Config
from kbaudit.model import Article, Finding, Severity
from kbaudit.scorecard import grade_of, score

from .conftest import SAMPLE_KB


def _kb(root: Path, n: int) -> Path:
    for i in range(n):
        path = root / f"c{i % 5}" / f"a{i:04}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        year = 2020 + i % 7
        extra = "TODO finish\n" if i % 11 == 0 else ""
        owner = "" if i % 13 == 0 else "owner: kim\n"
        path.write_text(
            f"---\ntitle: Topic number {i}\ncategory: c{i % 5}\n{owner}"
            f"updated_at: {year}-03-01\n---\n{extra}" + f"word{i} " * (i % 90),
            encoding="utf-8",
        )
    return root


def test_parallel_checks_match_serial(tmp_path: Path) -> None:
    kb = _kb(tmp_path, 700)
    serial = audit(kb, Config(as_of=dt.date(2026, 11, 23), jobs=1))
    parallel = audit(kb, Config(as_of=dt.date(2026, 11, 23), jobs=2))
    assert len(serial.findings) > 500
    assert serial.findings == parallel.findings
    assert [f.article.path if f.article else None for f in serial.findings] == [
        f.article.path if f.article else None for f in parallel.findings
    ]


def _finding(article: Article | None, category: str, severity: Severity) -> Finding:
    return Finding("X001", "x", category, severity, "m", article)


def test_scorecard_maths() -> None:
    articles = [Article(id=str(i), path=f"{i}.md", title="t", text="") for i in range(10)]
    findings = [
        _finding(articles[0], "staleness", Severity.ERROR),
        _finding(articles[0], "staleness", Severity.WARNING),  # same article: worst one counts
        _finding(articles[1], "staleness", Severity.WARNING),
        _finding(articles[2], "quality", Severity.INFO),
        _finding(articles[3], "input", Severity.ERROR),  # input lowers quality
    ]
    card = score(findings, 10, Config(), _all_rules())
    assert card.dimensions["freshness"].score == 85.0  # 1 - (1 + 0.5) / 10
    assert card.dimensions["quality"].score == 89.0  # 1 - (0.1 + 1) / 10
    assert card.dimensions["uniqueness"].score == 100.0
    assert card.dimensions["coverage"].score is None  # not measured without questions
    weights = {"freshness": 0.25, "uniqueness": 0.2, "taxonomy": 0.15, "quality": 0.2}
    expected = (85 * 0.25 + 100 * 0.2 + 100 * 0.15 + 89 * 0.2) / sum(weights.values())
    assert card.score == round(expected, 1)
    assert card.ready and card.grade == "A"


def test_security_blocks_the_verdict_and_coverage_counts_partial_half() -> None:
    article = Article(id="a", path="a.md", title="t", text="")
    card = score(
        [_finding(article, "security", Severity.ERROR)],
        1,
        Config(),
        _all_rules(),
        _coverage({"total_volume": 10, "covered_volume": 6, "partial_volume": 2}),
    )
    assert card.dimensions["coverage"].score == 70.0
    assert not card.ready and card.blockers


def _all_rules() -> list:
    from kbaudit.rules import build_registry, load_rules

    return load_rules(Config(), build_registry())


def _coverage(totals: dict[str, int]):  # type: ignore[no-untyped-def]
    from kbaudit.analysis import Coverage
    from kbaudit.analysis.coverage import CoverageReport, Thresholds

    return Coverage(CoverageReport([], [], Thresholds(), totals), [])


def test_a_dimension_whose_rules_are_all_deselected_is_not_measured() -> None:
    rules = [r for r in _all_rules() if r.category != "duplicates"]
    card = score([], 10, Config(), rules)
    assert card.dimensions["uniqueness"].score is None
    assert not card.dimensions["uniqueness"].measured
    assert card.dimensions["freshness"].score == 100.0


def test_ignoring_duplicate_rules_leaves_uniqueness_not_measured() -> None:
    config = Config(as_of=dt.date(2026, 11, 23), ignore=["DUP"])
    result = audit(SAMPLE_KB, config)
    assert result.scorecard.dimensions["uniqueness"].score is None
    assert result.analysis.duplicates is None  # and the analysis did not run
    assert "duplicates" not in result.sections


@pytest.mark.parametrize(
    ("answered", "ready"),
    [({"total_volume": 10, "covered_volume": 2, "partial_volume": 2}, False),
     ({"total_volume": 10, "covered_volume": 9, "partial_volume": 0}, True)],
)  # fmt: skip
def test_low_coverage_blocks_the_verdict(answered: dict[str, int], ready: bool) -> None:
    card = score([], 10, Config(), _all_rules(), _coverage(answered))
    assert card.ready is ready
    assert any("customer questions" in b for b in card.blockers) is not ready


def test_without_questions_the_verdict_says_coverage_was_not_measured() -> None:
    card = score([], 10, Config(), _all_rules())
    assert card.ready
    assert any("--questions" in note for note in card.notes)


@pytest.mark.parametrize(
    ("value", "grade"), [(95, "A"), (90, "A"), (85, "B"), (72, "C"), (60, "D"), (59.9, "F")]
)
def test_grades(value: float, grade: str) -> None:
    assert grade_of(value) == grade


def test_per_path_and_inline_ignores(tmp_path: Path) -> None:
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "old.md").write_text(
        "---\ntitle: Old pricing\nupdated_at: 2019-01-01\n---\nx"
    )
    (tmp_path / "new.md").write_text(
        "---\ntitle: New pricing\nupdated_at: 2019-01-01\nkbaudit: {ignore: [STALE001]}\n---\nx"
    )
    (tmp_path / "other.md").write_text("---\ntitle: Other pricing\nupdated_at: 2019-01-01\n---\nx")
    config = Config(
        as_of=dt.date(2026, 1, 1), select=["STALE001"], per_path_ignores={"archive/**": ["STALE"]}
    )
    assert [f.where for f in audit(tmp_path, config).findings] == ["other.md"]


def test_a_kb_of_articles_too_short_to_compare_is_audited(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    for n in range(3):
        (kb / f"note-{n}.md").write_text(f"---\ntitle: Note {n}\n---\nShort note {n}.\n", "utf-8")
    result = audit(kb, Config(cache=False))
    assert len(result.corpus.articles) == 3
    assert not [f for f in result.findings if f.rule.startswith("DUP")]


def test_an_old_dated_post_is_told_to_be_archived_not_updated(tmp_path: Path) -> None:
    for rel, title in (
        ("release-notes/2023-02-01-spring-release.md", "Spring release"),
        ("billing/change-plan.md", "Change your plan"),
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(
            f"---\ntitle: {title}\nupdated_at: 2023-02-01\n---\nPick a plan on the Plan page.\n",
            encoding="utf-8",
        )
    found = audit(tmp_path, Config(select=["STALE001"], as_of=dt.date(2026, 1, 1))).findings
    by_path = {f.path: f for f in found}
    post = by_path["release-notes/2023-02-01-spring-release.md"]
    assert post.message.startswith("a dated post (release notes) from 2023-02-01")
    assert "archive it" in post.message and post.data["dated_post"] is True
    assert by_path["billing/change-plan.md"].message.startswith("last updated 2023-02-01")


def test_a_dated_post_of_a_record_export_is_known_by_its_section_or_title(tmp_path: Path) -> None:
    """A help-center API export has no folders: the section a post is filed in, or a title
    naming the kind of post and its day, says it is a record of that day."""

    def article(number: int, title: str, section: int) -> dict:
        return {
            "id": number,
            "title": title,
            "body": "<p>Pick a plan on the Plan page.</p>",
            "section_id": section,
            "html_url": f"https://help.example.com/hc/en-us/articles/{number}",
            "draft": False,
            "author_id": 3,
            "label_names": ["plans"],
            "updated_at": "2023-02-01T10:00:00Z",
        }

    export = {
        "articles": [
            article(1, "Changelog - January 31, 2023", 5),
            article(2, "Spring pricing", 6),
            article(3, "Change your plan", 7),
            article(4, "Changelog format for integrations", 7),
        ],
        "sections": [
            {"id": 5, "name": "Updates", "category_id": 9},
            {"id": 6, "name": "Release Notes", "category_id": 9},
            {"id": 7, "name": "Billing", "category_id": 9},
        ],
        "categories": [{"id": 9, "name": "Help"}],
    }
    (tmp_path / "articles.json").write_text(json.dumps(export), encoding="utf-8")
    found = audit(tmp_path, Config(select=["STALE001"], as_of=dt.date(2026, 1, 1))).findings
    dated = {f.path: f.data["dated_post"] for f in found}
    assert dated == {
        "articles.json#1": True,
        "articles.json#2": True,
        "articles.json#3": False,
        "articles.json#4": False,
    }


def test_a_translated_docusaurus_blog_post_is_a_dated_post(tmp_path: Path) -> None:
    rel = "i18n/fr/docusaurus-plugin-content-blog/2023-02-01-spring-release.md"
    (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / rel).write_text(
        "---\ntitle: Version de printemps\n---\nChoisissez un forfait sur la page Forfaits.\n",
        encoding="utf-8",
    )
    [post] = audit(tmp_path, Config(select=["STALE001"], as_of=dt.date(2026, 1, 1))).findings
    assert post.message.startswith("a dated post (blog) from 2023-02-01")
