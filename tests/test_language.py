"""Questions in a language the KB has no articles in: told by their function words, never
guessed on an English question, and listed as a gap of language apart from the subjects."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest

from kbaudit.analysis import matching_articles
from kbaudit.analysis.coverage import analyse
from kbaudit.analysis.language import language_of, written_in
from kbaudit.audit import audit
from kbaudit.config import Config
from kbaudit.model import Article, Question
from kbaudit.sources import load

from .conftest import AS_OF, FIXTURES

KB = FIXTURES / "coverage" / "kb"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Wie kann ich mein Passwort zurücksetzen? Ich bekomme keine E-Mail.", "de"),
        ("Hola, ¿cómo cambio la dirección de facturación de mi cuenta? Gracias", "es"),
        ("Bonjour, où puis-je télécharger mes factures ? Merci", "fr"),
        ("Hoe kan ik mijn abonnement opzeggen", "nl"),
        ("Como faço para cancelar minha assinatura", "pt"),
        ("Non riesco ad accedere al mio account", "it"),
        ("How do I change the billing address on my account?", "en"),
        ("why was my card declined at the shop", "en"),
    ],
)
def test_language_of_a_question(text: str, language: str) -> None:
    assert language_of(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "api request limit per minute: api request limit per minute",  # "per" is English too
        "make.com integration",
        "refund",
        "I paid at Banco de la Nación and it is not showing",  # foreign names, English words
        "Is there a fee to top up a US card using a debit or credit card?",
        "la carte",  # one clue is no clue
    ],
)
def test_an_english_or_too_short_question_is_never_given_another_language(text: str) -> None:
    assert language_of(text) in ("en", None)


def test_a_kb_is_written_in_its_locales_and_its_main_language() -> None:
    openings = ["How do I reset my password?", "What is the refund policy for yearly plans"]
    assert written_in(openings) == {"en"}
    assert written_in(openings, ["de-DE", None, "fr_FR"]) == {"en", "de", "fr"}
    assert written_in(["Refund policy", "Pricing"]) == set()  # titles that tell nothing


def test_a_locale_that_names_its_language_gives_its_code() -> None:
    locales = ["English", "en_GB.UTF-8", "Deutsch", "fra", "pt-BR", "zh-Hans", "", None]
    assert written_in([], locales) == {"en", "de", "fr", "pt", "zh"}


QUESTIONS = [
    Question("how do I file my VAT return", 20),
    Question("submit a vat return to the tax office", 5),
    Question("Wie kann ich meine Umsatzsteuer-Voranmeldung abgeben? Danke", 4),
    Question("Hallo, ich habe mein Passwort vergessen und bekomme keine E-Mail", 2),
    Question("Hola, ¿cómo puedo pagar con bitcoin? Gracias", 1),
]


def test_questions_in_other_languages_are_a_gap_of_language_listed_last() -> None:
    articles = load(KB).articles
    report = analyse(articles, QUESTIONS)
    labels = [g.label for g in report.gaps]
    assert labels[-2:] == ["questions in German", "questions in Spanish"]
    german = report.gaps[-2]
    assert german.volume == 6 and german.nearest is None
    assert german.suggested_title == "German versions of the articles these questions need"
    for gap in report.gaps[:-2]:  # the subjects hold only the KB's language
        assert all(language_of(report.results[i].question.text) != "de" for i in gap.members)


def test_a_kb_whose_locale_field_names_english_gets_no_english_language_topic() -> None:
    # texts too short to tell their language: the locale field alone says it
    articles = [
        Article(id=t, path=f"{t}.md", title=t, text=f"{t}: Settings, Billing.", locale="English")
        for t in ("Refund policy", "Change plan", "Reset password")
    ]
    asked = [Question("why was my card declined at the shop", 3), QUESTIONS[3]]
    labels = [g.label for g in analyse(articles, asked).gaps]
    assert "questions in English" not in labels
    assert "questions in German" in labels


def test_a_kb_in_that_language_matches_its_questions_as_usual() -> None:
    articles = [replace(a, locale="de") for a in load(KB).articles]
    report = analyse(articles, QUESTIONS)
    assert "questions in German" not in [g.label for g in report.gaps]
    assert "questions in Spanish" in [g.label for g in report.gaps]


def test_a_kb_with_articles_in_that_language_left_out_of_matching_has_no_language_topic(
    tmp_path: Path,
) -> None:
    """Matching reads the KB's main language only (`coverage.locale: auto`); its German
    articles still mean German questions are no gap of language."""
    english = [replace(a, locale="en") for a in load(KB).articles]
    german = [replace(a, id=f"de/{a.id}", path=f"de/{a.path}", locale="de") for a in english[:2]]
    used = matching_articles([*english, *german], "auto")
    assert len(used) == len(english)
    locales = [a.locale for a in [*english, *german]]
    labels = [g.label for g in analyse(used, QUESTIONS, locales=locales).gaps]
    assert "questions in German" not in labels
    assert "questions in Spanish" in labels
    # the audit gives the matching the locales of the whole KB
    for name, locale, body in [
        ("vat.md", "en", "File your VAT return from Reports, then Tax, before the deadline."),
        ("invoices.md", "en", "Create an invoice from Sales and send it to your customer."),
        ("refunds.md", "en", "Refund a payment from its page: choose Refund and the amount."),
        ("de/passwort.md", "de", "Öffnen Sie die Einstellungen und wählen Sie Passwort ändern."),
    ]:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(
            f"---\ntitle: {name}\nlocale: {locale}\n---\n{body}\n", encoding="utf-8"
        )
    result = audit(tmp_path, Config(as_of=AS_OF, select=["COV001"]), questions=QUESTIONS)
    said = {f.data["question"]: f.message for f in result.findings}
    assert "German" not in said[QUESTIONS[3].text]
    assert said[QUESTIONS[4].text].endswith(
        "written in Spanish, a language the KB has no articles in"
    )


def test_an_english_question_log_gets_no_language_topic() -> None:
    with (FIXTURES / "questions" / "questions.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(language_of(r["question"]) in ("en", None) for r in rows)


def test_reports_say_why_a_language_topic_has_no_nearest_article() -> None:
    from kbaudit.reporters.gaps import _nearest

    articles = load(KB).articles
    report = analyse(articles, QUESTIONS)
    rows = report.gaps_json(articles)
    assert rows[-1]["language"] == "es" and rows[0]["language"] == ""
    assert _nearest(rows[-1]) == "none: the KB has no articles in this language"
    result = audit(KB, Config(as_of=AS_OF, select=["COV001"]), questions=QUESTIONS)
    said = {f.data["question"]: f.message for f in result.findings}
    assert said[QUESTIONS[3].text].endswith(
        "written in German, a language the KB has no articles in"
    )
    assert "nearest article" in said[QUESTIONS[0].text]


@pytest.mark.parametrize(
    ("score", "extend", "shown"),
    [
        (0.31, False, "Refund policy (billing/refunds.md, 0.31)"),
        (0.31, True, "extend this: Refund policy (billing/refunds.md, 0.31)"),
        (0.09, False, "none close (nearest: Refund policy (billing/refunds.md, 0.09))"),
    ],
)
def test_the_nearest_article_says_when_nothing_is_close(
    score: float, extend: bool, shown: str
) -> None:
    from kbaudit.reporters.gaps import _nearest

    near = {"title": "Refund policy", "path": "billing/refunds.md", "score": score}
    gap = {"nearest": near, "nearest_close": score >= 0.22, "extend": extend}
    assert _nearest(gap) == shown
