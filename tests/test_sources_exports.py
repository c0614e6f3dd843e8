"""Help-center exports: the same four Ledgerly articles in every format give the same
normalised metadata; detection by content; bad exports give input findings or one error."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kbaudit.audit import load_corpus
from kbaudit.cli import app
from kbaudit.config import Config, load_config
from kbaudit.errors import ConfigError, SourceError
from kbaudit.model import Article
from kbaudit.sources import SOURCES, SourceOptions, load
from kbaudit.text import words

from .conftest import AS_OF, FIXTURES

EXPORTS = FIXTURES / "exports"
D = dt.date

# title -> (category path, tags, owner, created, updated, status, outdated)
LOGICAL = {
    "Refund a customer payment": (
        "Payments > Refunds",
        ("refunds", "payments"),
        "Dana Whitfield",
        D(2024, 9, 12),
        D(2026, 3, 4),
        "published",
        False,
    ),
    "Issue a partial refund": (
        "Payments > Refunds",
        ("refunds",),
        "Sam Ortiz",
        D(2026, 1, 20),
        D(2026, 2, 20),
        "draft",
        False,
    ),
    "Connect your bank feed": (
        "Banking > Bank feeds",
        ("bank-feeds", "banking"),
        "Priya Nair",
        D(2023, 3, 2),
        D(2024, 1, 15),
        "published",
        True,
    ),
    "Fix a disconnected bank feed": (
        "Banking > Bank feeds",
        ("bank-feeds", "troubleshooting"),
        "Sam Ortiz",
        D(2024, 5, 6),
        D(2025, 6, 30),
        "published",
        False,
    ),
}
FIELDS = ("category", "tags", "owner", "created_at", "updated_at", "status", "outdated")
ALL = set(FIELDS) | {"locale", "url"}
# fixture folder -> (detected format, fields the export carries; "leaf" = category leaf only)
FORMATS = {
    "zendesk": ("zendesk", ALL),
    "zendesk-files": ("zendesk", ALL),
    "intercom": ("intercom", ALL - {"tags", "outdated"}),
    "freshdesk": ("freshdesk", ALL - {"outdated", "locale", "url"}),
    "confluence": ("confluence", {"category", "tags", "owner", "updated_at"}),
    "csv": ("tabular", ALL),
    "tsv": ("tabular", ALL - {"outdated"}),
    "jsonl": ("tabular", ALL),
    "salesforce": ("tabular", {"leaf", "owner", "created_at", "updated_at", "status", "locale"}),
    "servicenow": (
        "tabular",
        {"leaf", "tags", "owner", "created_at", "updated_at", "status", "locale"},
    ),
}


def load_export(name: str | Path, **options: object) -> list[Article]:
    path = EXPORTS / name if isinstance(name, str) else name
    config = load_config(path)
    opts = config.source_options()
    for key, value in options.items():
        setattr(opts, key, value)
    result = load(path, options=opts)
    assert not result.problems, result.problems
    return result.articles


def by_title(articles: list[Article]) -> dict[str, Article]:
    return {a.title: a for a in articles if a.title in LOGICAL}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_same_article_same_metadata(name: str) -> None:
    expected_format, fields = FORMATS[name]
    result = load(EXPORTS / name, options=load_config(EXPORTS / name).source_options())
    assert result.format == expected_format
    articles = by_title(result.articles)
    assert sorted(articles) == sorted(LOGICAL)
    for title, article in articles.items():
        expected = dict(zip(FIELDS, LOGICAL[title], strict=True))
        for field in FIELDS:
            if field in fields:
                assert getattr(article, field) == expected[field], (title, field)
        if "leaf" in fields:
            assert article.category == expected["category"].split(" > ")[-1]
        if "locale" in fields:
            assert article.locale and article.locale.split("-")[0] == "en"
        if "url" in fields and article.status != "draft":
            assert article.url and article.url.startswith("https://help.ledgerly.example/")
        assert article.path and article.id and article.id in article.path


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_same_body_text_in_every_format(name: str) -> None:
    reference = by_title(load_export("zendesk"))
    for title, article in by_title(load_export(name)).items():
        assert words(article.text) == words(reference[title].text), title
        assert article.word_count > 40
        assert article.headings == reference[title].headings


def test_intercom_translations_are_articles_of_their_own() -> None:
    articles = {a.id: a for a in load_export("intercom")}
    french = articles["8101/fr"]
    assert (french.locale, french.category) == ("fr", "Payments > Refunds")
    assert french.title == "Rembourser un paiement client"
    assert french.updated_at == D(2026, 3, 6)
    assert articles["8101"].locale == "en"


def test_zendesk_keeps_its_own_fields_and_resolves_names() -> None:
    [article] = [a for a in load_export("zendesk") if a.title == "Refund a customer payment"]
    assert article.path == "articles.json#36000121001"
    assert article.meta["promoted"] is True and article.meta["position"] == 0
    assert "user_segment_id" in article.meta and article.meta["source_locale"] == "en-us"
    assert article.updated_at == D(2026, 3, 4)  # edited_at wins over updated_at


@pytest.mark.parametrize("shape", ["plain-list", "jsonl", "no-extension"])
def test_zendesk_article_list_shapes(tmp_path: Path, shape: str) -> None:
    records = json.loads((EXPORTS / "zendesk" / "articles.json").read_text())["articles"]
    if shape == "plain-list":
        (tmp_path / "articles.json").write_text(json.dumps(records))
        target = tmp_path
    elif shape == "jsonl":
        (tmp_path / "articles.jsonl").write_text("\n".join(json.dumps(r) for r in records))
        target = tmp_path
    else:  # detection by content, not by name
        target = tmp_path / "help-center-export"
        target.write_text(json.dumps({"articles": records}))
    result = load(target)
    assert result.format == "zendesk"
    articles = by_title(result.articles)
    assert sorted(articles) == sorted(LOGICAL)
    # without the sections file the section id still groups the articles
    assert articles["Issue a partial refund"].category == "section 360000201"
    assert articles["Issue a partial refund"].owner == "900007002"


def test_freshdesk_nested_backup(tmp_path: Path) -> None:
    folders = json.loads((EXPORTS / "freshdesk" / "folders.json").read_text())
    articles = json.loads((EXPORTS / "freshdesk" / "articles.json").read_text())
    categories = json.loads((EXPORTS / "freshdesk" / "categories.json").read_text())
    for category in categories:
        category["folders"] = [f for f in folders if f["category_id"] == category["id"]]
        for folder in category["folders"]:
            folder["articles"] = [
                {k: v for k, v in a.items() if k not in ("hierarchy", "category_id")}
                for a in articles
                if a["folder_id"] == folder["id"]
            ]
    (tmp_path / "solutions.json").write_text(json.dumps(categories))
    result = load(tmp_path)
    assert result.format == "freshdesk"
    got = {a.title: a.category for a in result.articles}
    assert got == {t: v[0] for t, v in LOGICAL.items()}


def test_freshdesk_plain_text_body_is_read(tmp_path: Path) -> None:
    articles = json.loads((EXPORTS / "freshdesk" / "articles.json").read_text())
    for article in articles:
        article.pop("description", None)  # some exports carry only description_text
    (tmp_path / "articles.json").write_text(json.dumps(articles))
    result = load(tmp_path)
    assert result.format == "freshdesk"
    assert all(a.word_count > 10 for a in result.articles)


@pytest.mark.parametrize(
    ("name", "preset", "ids"),
    [
        ("salesforce", "salesforce", "000001001"),
        ("servicenow", "servicenow", "KB0010100"),
    ],
)
def test_presets_recognised_from_the_header(name: str, preset: str, ids: str) -> None:
    articles = load_export(name)
    assert articles[0].id == ids
    forced = load_export(name, preset=preset)
    assert [a.id for a in forced] == [a.id for a in articles]


def test_preset_urls_need_base_url() -> None:
    articles = load_export("salesforce", base_url="https://help.ledgerly.example")
    assert articles[0].url == "https://help.ledgerly.example/s/article/refund-a-customer-payment"
    now = load_export("servicenow", base_url="https://ledgerly.service-now.example/")
    assert now[0].url == "https://ledgerly.service-now.example/kb_view.do?sysparm_article=KB0010100"


def test_confluence_ignores_chrome_and_attachments() -> None:
    articles = {a.title: a for a in load_export("confluence")}
    refund = articles["Refund a customer payment"]
    assert "Attachments" not in refund.text and "refund-dialog" not in refund.text
    assert "Document generated" not in refund.text and "Ledgerly Help :" not in refund.title
    assert refund.meta["editor"] == "Sam Ortiz"
    assert refund.id == "65601" and refund.path == "LH/Refund-a-customer-payment_65601.html"
    # pages above the articles are pages too; the space overview is not
    assert articles["Refunds"].category == "Payments"
    assert "Ledgerly Help" not in articles and len(articles) == 9
    # a page never modified: "Created by X on DATE" is both its creation and last update
    assert articles["Payments"].created_at == articles["Payments"].updated_at == D(2022, 1, 10)


def test_mapping_names_columns() -> None:
    options = load_config(EXPORTS / "tsv").source_options()
    assert options.mapping["body"] == "Content"
    articles = load_export("tsv")
    assert articles[0].updated_at == D(2026, 3, 4)  # 04/03/2026 with date_order dmy


@pytest.mark.parametrize(
    ("mapping", "error", "match"),
    [
        ({"bodyy": "Content"}, ConfigError, "unknown article field"),
        ({"body": "Text"}, SourceError, "not in the header"),
    ],
)
def test_bad_mapping_is_one_clear_error(mapping: dict, error: type, match: str) -> None:
    options = load_config(EXPORTS / "tsv").source_options()
    options.mapping = mapping
    with pytest.raises(error, match=match):
        load(EXPORTS / "tsv", options=options)


def test_unknown_preset_is_an_error() -> None:
    with pytest.raises(ConfigError, match="salesforce, servicenow"):
        load(EXPORTS / "csv", options=SourceOptions(preset="zendesk"))


@pytest.mark.parametrize(
    ("name", "articles", "problem"),
    [
        ("truncated", 0, "looks cut off"),
        ("bad-row", 3, "line 2 is not valid JSON"),
        ("semicolon", 4, None),
    ],
)
def test_bad_exports_become_input_problems(name: str, articles: int, problem: str | None) -> None:
    result = load(EXPORTS / "bad" / name)
    assert len(result.articles) == articles
    if problem is None:
        assert not result.problems
    else:
        [found] = result.problems
        assert found.code == "INPUT001" and problem in found.message


@pytest.mark.parametrize(
    ("name", "match"),
    [("one-column", "tried the delimiters"), ("no-body", r"mapping: \{body: COLUMN\}")],
)
def test_unreadable_tables_are_one_clear_error(name: str, match: str) -> None:
    with pytest.raises(SourceError, match=match):
        load(EXPORTS / "bad" / name)


def test_undetectable_export_names_the_formats_tried(tmp_path: Path) -> None:
    (tmp_path / "export.json").write_text('{"items": [{"heading": "x"}]}')
    with pytest.raises(SourceError) as info:
        load(tmp_path)
    for source in SOURCES:
        assert source.name in str(info.value)
    assert "--input-format" in str(info.value)


def test_forced_format_wins_over_detection() -> None:
    assert load(EXPORTS / "confluence").format == "confluence"
    assert load(EXPORTS / "confluence", "html").format == "html"


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_export_audits_with_the_rules_unchanged(runner, name: str, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    path = EXPORTS / name
    result = runner.invoke(
        app, ["audit", str(path), "--as-of", AS_OF.isoformat(), "-q", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    rules = {(f["rule"], f["article"]["title"]) for f in report["findings"] if f.get("article")}
    assert not any(rule.startswith(("TAX007", "INPUT")) for rule, _ in rules)
    # the draft is never stale; the article last edited in January 2024 is
    assert ("STALE001", "Issue a partial refund") not in rules
    assert ("STALE001", "Connect your bank feed") in rules


def test_cli_bad_exports(runner) -> None:
    truncated = runner.invoke(app, ["audit", str(EXPORTS / "bad" / "truncated"), "-q"])
    assert truncated.exit_code == 0 and "INPUT001" in truncated.output
    no_body = runner.invoke(app, ["audit", str(EXPORTS / "bad" / "no-body"), "-q"])
    assert no_body.exit_code == 2 and "no body column" in no_body.output
    assert "Traceback" not in no_body.output


def test_sources_command_lists_every_format(runner) -> None:
    result = runner.invoke(app, ["sources"])
    assert result.exit_code == 0
    for name in ("zendesk", "intercom", "freshdesk", "confluence", "tabular", "markdown", "html"):
        assert name in result.output


def test_links_by_public_url_resolve_with_base_url() -> None:
    corpus = load_corpus(EXPORTS / "zendesk", Config(base_url="https://help.ledgerly.example"))
    assert corpus.link_graph == {
        "articles.json#36000121001": ["articles.json#36000121002"],
        "articles.json#36000121004": ["articles.json#36000121003"],
    }
    assert not corpus.broken_links


def test_links_by_help_center_url_resolve_by_article_number_without_base_url() -> None:
    # The articles' own URLs say which host and path are the help center's: a link there
    # names an article by its number, whatever slug or locale it carries.
    corpus = load_corpus(EXPORTS / "zendesk", Config())
    assert corpus.link_graph == {
        "articles.json#36000121001": ["articles.json#36000121002"],
        "articles.json#36000121004": ["articles.json#36000121003"],
    }
    assert corpus.inbound_links["articles.json#36000121002"] == 1
    assert not corpus.broken_links
