"""Coverage: covered / partial / uncovered on a fixture KB (misspellings and paraphrases of
titles are covered), gap topics, structural gaps, the scorecard and the `gaps` command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from kbaudit.analysis.coverage import (
    COVERED,
    CROWD,
    MIN_NEIGHBOUR_SIMILARITY,
    NEIGHBOUR_SHARE,
    NEIGHBOURS,
    PARTIAL,
    UNCOVERED,
    CoverageReport,
    GapTopic,
    QuestionResult,
    Thresholds,
    _nearest,
    _title,
    _Titles,
    _with_neighbours,
    analyse,
    neighbours,
    question_vectors,
    status_scores,
)
from kbaudit.analysis.matching import Match
from kbaudit.analysis.titles import suggest_title, word_casing
from kbaudit.audit import audit
from kbaudit.cli import app
from kbaudit.config import Config, CoverageSettings, load_config
from kbaudit.errors import ConfigError
from kbaudit.model import Article, Question
from kbaudit.sources import load

from .conftest import AS_OF, FIXTURES

KB = FIXTURES / "coverage" / "kb"
QUESTIONS = FIXTURES / "coverage" / "questions"


@pytest.fixture(scope="module")
def articles() -> list:
    return load(KB).articles


@pytest.mark.parametrize(
    ("question", "status", "article"),
    [
        ("Create and send an invoce", COVERED, "invoices/send-an-invoice.md"),
        ("how do i frezee my card", COVERED, "cards/freeze-a-card.md"),
        ("I forgot my password", COVERED, "account/reset-your-password.md"),
        ("Where is my card? It still hasnt arrived", COVERED, "cards/card-delivery.md"),
        ("can i invoice customers in euros", COVERED, "invoices/invoice-currency.md"),
        # the currency article, but it says nothing of crypto currencies: partly answered
        ("invoice in bitcoin", PARTIAL, "invoices/invoice-currency.md"),
        ("how do I file my VAT return", UNCOVERED, None),
        ("submit a vat return to the tax office", UNCOVERED, None),
    ],
)
def test_status_of_questions(articles: list, question: str, status: str, article: str) -> None:
    report = analyse(articles, [Question(question)])
    result = report.results[0]
    assert result.status == status
    if article:
        assert articles[result.matches[0].article].path == article


def test_gap_topics_group_and_rank_by_volume(articles: list) -> None:
    questions = [
        Question("how do I file my VAT return", 20),
        Question("submit a vat return to the tax office", 5),
        Question("where do i send my vat return", 4),
        Question("how do I run payroll for my staff", 3),
        Question("Create and send an invoice", 50),
    ]
    report = analyse(articles, questions)
    assert report.gaps[0].volume >= 24
    vat = {report.results[i].question.text for i in report.gaps[0].members}
    assert "how do I file my VAT return" in vat
    assert "Create and send an invoice" not in vat
    assert report.gaps[0].suggested_title.startswith("How to ")


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("How do I file my VAT return?", "How to file your VAT return"),
        ("Can I invoice in dollars?", "How to invoice in dollars"),
        ("my card hasn't come yet", "What to do when your card hasn't come yet"),
        ("why is my invoice overdue", "Why is your invoice overdue?"),
        ("Why was I charged twice?", "Why were you charged twice?"),
        # a closing "how do I do that?" asks nothing of its own
        ("I need to get a card, how do I do that?", "How to get a card"),
        (
            "I'd like to open an account for my kids can I do that?",
            "How to open an account for your kids",
        ),
        ("I want to pay in two parts, is that possible?", "How to pay in two parts"),
        ("I need to activate my card, how is that done?", "How to activate your card"),
        # "so far" is no greeting; a request to be shown or given something is how to see
        # or get it; a closing ", how" asks nothing more
        ("so far how many days have i taken off", "So far how many days have you taken off"),
        ("show me the last five transactions", "How to see the last five transactions"),
        ("list me my recent transaction", "How to see your recent transaction"),
        ("give me the specifics on my tax forms", "How to get the specifics on your tax forms"),
        ("i need to change my insurance policy, how", "How to change your insurance policy"),
        # an embedded question is put as a question; "how" before a quantity is kept
        ("tell me what my balance is", "What is your balance?"),
        ("can you tell me where my card is", "Where is your card?"),
        ("do you know how much the fee is", "How much is the fee?"),
        ("what happens when my card is", "What happens when your card is?"),
        # what to be told about is the subject; what to be found is how to find it
        ("tell me about the refund policy", "About the refund policy"),
        ("please tell me more about premium plans", "About premium plans"),
        ("find me the nearest branch", "How to find the nearest branch"),
        # "i'm I" is a slip for "am I": never "you're you"
        ("Why i'm I being charged an extra pound", "Why are you being charged an extra pound?"),
        (
            "Hi, I am having difficulties with my transfer",
            "What to do when you are having difficulties with your transfer",
        ),
        ("Hello! How do I change my PIN? Thanks", "How to change your PIN"),
        ("I was wondering if I can pay by phone", "How to pay by phone"),
        ("Hi", None),
        ("Thanks so much!", None),
        ("cant login", "What to do when you can't login"),
        ("send an estimate to a client", "How to send an estimate to a client"),
        ("does the app work offline", "Does the app work offline?"),
        ("recurring invoices", None),  # fewer than three words: no title
        ("monthly recurring invoices", "Monthly recurring invoices"),
        (
            "customers card keeps getting declined",
            "What to do when customers card keeps getting declined",
        ),
        # a greeting or filler word is dropped whole, never the start of a longer word
        ("Okay the app logs me out every hour", "The app logs you out every hour"),
        ("nothing happens when I press export", "Nothing happens when you press export"),
        (
            "something is wrong with my invoice",
            "What to do when something is wrong with your invoice",
        ),
        ("helpdesk login fails on mobile", "What to do when helpdesk login fails on mobile"),
        # a problem put as a condition names it already: "when", never "when if"
        ("If I lost my phone what happens", "What to do when you lost your phone what happens"),
        ("if my card is not working", "What to do when your card is not working"),
        # "I'd like to", "we'd like to", "I wish to" ask for a task as "I want to" does
        ("I'd like to know my balance.", "How to know your balance"),
        ("We'd like to add a second user", "How to add a second user"),
        ("I wish to make a transfer to my landlord", "How to make a transfer to your landlord"),
        # an @handle inside a post reads as the name, an anonymised one as nothing
        ("the new @40213 update drains my battery", "The new update drains your battery"),
        ("can I pay @Acme with a gift card", "How to pay Acme with a gift card"),
        # a request to an assistant ("tell me what ...") titles what it asks
        ("please tell me what alarms are on", "What alarms are on?"),
        ("show me how to export invoices", "How to export invoices"),
        # a phrase put before the question goes after it; a question keeps its mark
        (
            "For the identity verification, what do you need?",
            "What do you need for the identity verification?",
        ),
        ("This card is accepted by what businesses?", "This card is accepted by what businesses?"),
        ("so far how many days have i taken off?", "So far how many days have you taken off?"),
        # a statement of something gone wrong is a problem to solve
        (
            "The exchange rate was incorrect for an item I bought.",
            "What to do when the exchange rate was incorrect for an item you bought",
        ),
        ("the app crashed when I opened it", "What to do when the app crashed when you opened it"),
        (
            "I blocked my card by mistake, how do I unblock it?",
            "You blocked your card by mistake, how do you unblock it?",
        ),
        # an obligation is a task, an interest a subject; a question word left at the end
        # goes first
        ("i must rollover my 401k", "How to rollover your 401k"),
        ("we have to file a claim for the damage", "How to file a claim for the damage"),
        ("i am interested in a new insurance plan", "About a new insurance plan"),
        ("I'm interested in learning more about product refunds.", "About product refunds"),
        ("my insurance benefits are what", "What are your insurance benefits?"),
        ("the due date for my bill is when", "When is the due date for your bill?"),
        # "you" said beside "I" is the company: "we" as a subject, "us" as an object
        ("Can I track the card you sent me?", "How to track the card we sent you"),
        ("Why do you guys need my address?", "Why do we need your address?"),
        ("I emailed you yesterday about my refund", "You emailed us yesterday about your refund"),
        ("Do you accept checks?", "Do you accept checks?"),  # no "I": whoever asks
        ("Do you accept US credit cards?", "Do you accept US credit cards?"),
        # a hedge says nothing of what is asked
        ("I think someone is using my card", "Someone is using your card"),
        ("It seems my top-up failed.", "What to do when your top-up failed"),
        ("My payment was put back, I think.", "Your payment was put back"),
        # a plea for help names the task; a task tried in vain is a problem
        ("Help me find my statement", "How to find your statement"),
        (
            "Please help me. I am still waiting on a refund.",
            "What to do when you are still waiting on a refund",
        ),
        (
            "I need to transfer to my account and cant",
            "What to do when you can't transfer to your account",
        ),
        ("Would you please unblock my PIN?", "How to unblock your PIN"),
        # a condition put first goes after what is asked
        (
            "If I lose my card, can I still get a new one?",
            "How to get a new one if you lose your card",
        ),
        (
            "When exchanging currencies, is there a fee?",
            "Is there a fee when exchanging currencies?",
        ),
        # a clause after a task, or a plea for the reason, is left out
        (
            "I want to top up by card, which ones do you support?",
            "How to top up by card",
        ),
        (
            "my card was declined at the zoo, could you tell me why",
            "What to do when your card was declined at the zoo",
        ),
        # "when" telling when something went wrong is a problem; asking when, a question
        (
            "When I got cash the exchange rate was wrong",
            "What to do when you got cash the exchange rate was wrong",
        ),
        ("when is the next payday", "When is the next payday?"),
    ],
)
def test_suggested_titles(question: str, title: str | None) -> None:
    assert suggest_title(question) == title


@pytest.mark.parametrize(
    ("question", "title"),
    [
        # a ticket reads "subject: first message"; the subject is the customer's own title
        (
            "printer shows offline: Hello, since Monday the label printer is offline again.",
            "Printer shows offline",
        ),
        # a subject of one or two words names too little: the message gives the title
        (
            "refund: I was charged twice for one order. Please refund the second payment.",
            "What to do when you were charged twice for one order",
        ),
        ("Payroll question: how do I add a new employee?", "How to add a new employee"),
        ("Invoice template: can I put my logo on it?", "How to put your logo on it"),
    ],
)
def test_suggested_titles_of_tickets(question: str, title: str) -> None:
    assert suggest_title(question) == title


@pytest.mark.parametrize(
    ("questions", "phrases", "title"),
    [
        # the sentence that names the topic, not the plea for help after it
        (
            ["I lost my card. Can you help me?"],
            ["lost my card"],
            "What to do when you lost your card",
        ),
        # a representative whose title names nothing gives way to one that names the topic
        (
            ["What is this?? I am being charged a pound out of nowhere", "extra pound charge"],
            ["extra pound", "charged extra"],
            "What to do when you are being charged a pound out of nowhere",
        ),
        # a short question before a long story
        (
            [
                "Hello, just now I saw a withdrawal from my account in a town I have never been "
                "to, someone must have my card details, please freeze it before they take more",
                "It's urgent, please freeze my card.",
            ],
            ["freeze my card"],
            "How to freeze your card",
        ),
        # of the sentences that name the topic, the question, not the aside
        (
            ["affiliate program: do you have an affiliate program? I blog about web shops"],
            ["web shops", "partner program"],
            "Do you have an affiliate program?",
        ),
        # a plural names the topic too
        (
            ["MSP pricing: We run 30 clients. Is there wholesale pricing for resellers?"],
            ["reseller", "clients"],
            "Is there wholesale pricing for resellers?",
        ),
    ],
)
def test_gap_titles_name_the_topic(questions: list[str], phrases: list[str], title: str) -> None:
    assert _title(questions, phrases, {}) == title


CASING_QUESTIONS = [
    "sso with okta",
    "can we log in with Okta",
    "does Okta work with the api",
    "api rate limit",
    "how do i call the api",
    "send money to the United States",
    "the page states my card is declined",
    "the screen states it failed",
    "How To Reset My Password",  # Title Case: only its capitals and mixed case count
    "I CANNOT FIND MY INVOICE",  # capitals: not counted at all
    "sync with my iPhone",
    "the iPhone app crashes",
    "my iphone will not sync",
]


def test_word_casing_learns_names_and_acronyms_not_common_words() -> None:
    casing = word_casing(CASING_QUESTIONS, ["Get started with the Ledgerly API"])
    assert casing["api"] == "API"  # one title use outweighs customers' lower case
    assert casing["okta"] == "Okta"  # two of three uses capitalised inside a sentence
    assert casing["iphone"] == "iPhone"
    assert casing["ledgerly"] == "Ledgerly"
    # "States" of "United States" is one use of three: the verb keeps lower case
    for common in ("states", "reset", "password", "invoice", "cannot", "us", "i"):
        assert common not in casing


def test_word_casing_knows_common_acronyms_the_texts_never_capitalise() -> None:
    casing = word_casing(["sso with okta", "file my vat return", "export to pdf"])
    assert (casing["sso"], casing["vat"], casing["pdf"]) == ("SSO", "VAT", "PDF")
    # the texts' own way wins: a KB that writes "Pdf" keeps it
    assert word_casing(["export to pdf"], ["Save the Pdf copy", "Print a Pdf"])["pdf"] == "Pdf"


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("refund request", None),  # a compound noun, not "How to refund request"
        ("transfer limit please", None),
        ("export invoice history", "How to export invoice history"),
        ("cancel the request", "How to cancel the request"),
    ],
)
def test_a_task_verb_that_begins_a_compound_noun_is_no_instruction(
    question: str, title: str | None
) -> None:
    assert suggest_title(question) == title


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("sso with okta please", "SSO with Okta"),
        ("how do i raise the api rate limit", "How to raise the API rate limit"),
        ("How long does a US transfer take?", "How long does a US transfer take?"),
        ("can you send it to us", "How to send it to you"),
        (
            "I CANNOT FIND THE VERIFICATION CODE",
            "What to do when you cannot find the verification code",
        ),
    ],
)
def test_suggested_titles_write_words_as_the_kb_does(question: str, title: str) -> None:
    casing = {"sso": "SSO", "okta": "Okta", "api": "API"}
    assert suggest_title(question, casing=casing) == title


def _asked(article: int, score: float) -> QuestionResult:
    return QuestionResult(Question("q"), PARTIAL, (Match(article, score),), score)


@pytest.mark.parametrize(
    ("score", "close"), [(0.30, True), (0.22, True), (0.2151, True), (0.2149, False), (0.05, False)]
)
def test_a_gap_says_whether_its_nearest_article_scores_a_partial_answer(
    score: float, close: bool
) -> None:
    """`nearest_close` compares the score as shown (two decimals) with the partial cut."""
    article = Article(id="a", path="billing/refunds.md", title="Refund policy", text="")
    gap = GapTopic("refunds", ("refund",), 3, (0,), Match(0, score), "How to get a refund")
    report = CoverageReport([_asked(0, score)], [gap], Thresholds())
    assert report.gaps_json([article])[0]["nearest_close"] is close
    foreign = GapTopic("questions in German", (), 3, (0,), None, "", language="de")
    assert (
        CoverageReport([_asked(0, score)], [foreign], Thresholds()).gaps_json([article])[0][
            "nearest_close"
        ]
        is False
    )


TITLES = [
    "How do I top up with a card?",
    "Order a physical card",
    "Card fees",
    "Adding your card to Apple Pay or Google Pay",
    "Close your account",
]


@pytest.mark.parametrize(
    ("subject", "article", "score", "extend"),
    [
        # "card" is in most titles: the top-up article is not where card activation goes
        ({"activate", "card"}, 0, 0.28, False),
        # "google" names the article's subject
        ({"top", "google", "pay"}, 3, 0.28, True),
        # answered on average at the covered cut, whatever its words
        ({"terminate", "account"}, 4, 0.40, True),
        # too far below the partial cut
        ({"google", "pay"}, 3, 0.15, False),
    ],
)
def test_extend_only_an_article_on_the_subject(
    subject: set[str], article: int, score: float, extend: bool
) -> None:
    results = [_asked(article, score) for _ in range(4)]
    found = _nearest(results, range(4), Thresholds(), frozenset(subject), _Titles(TITLES))
    assert found == (Match(article, score), extend)


def test_structural_gaps_need_no_questions() -> None:
    config = load_config(KB)
    config.as_of, config.select = AS_OF, ["coverage"]
    result = audit(KB, config)
    by_rule: dict[str, list[str]] = {}
    for f in result.findings:
        by_rule.setdefault(f.rule, []).append(f.data.get("target") or f.data.get("category"))
    assert "COV001" not in by_rule and "COV002" not in by_rule
    assert sorted(by_rule["COV003"]) == [
        "invoices/invoice-templates.md",
        "payments/payment-reminders.md",
    ]
    assert sorted(by_rule["COV004"]) == ["payroll", "tax"]
    assert by_rule["COV005"] == ["legacy"]
    assert result.scorecard.dimensions["coverage"].score is None


def test_questions_measure_coverage() -> None:
    config = load_config(KB)
    config.as_of = AS_OF
    questions = [Question("Create and send an invoce", 3), Question("file my VAT return", 1)]
    result = audit(KB, config, questions=questions)
    assert result.sections["coverage"]["total_volume"] == 4
    assert result.sections["coverage"]["covered_volume"] == 3
    assert result.scorecard.dimensions["coverage"].score == 75.0
    entry = result.sections["questions"][0]
    assert set(entry) >= {"text", "volume", "status", "matches"}
    assert set(entry["matches"][0]) == {"path", "title", "score", "parts"}
    assert any(f.rule == "COV001" for f in result.findings)


@pytest.mark.parametrize(("suffix", "start"), [(".json", "{"), (".csv", "kind,"), (".md", "#")])
def test_gaps_command_writes_by_extension(runner, tmp_path: Path, suffix: str, start: str) -> None:
    target = tmp_path / f"gaps{suffix}"
    args = ["gaps", str(KB), "--questions", str(QUESTIONS / "questions.csv"), "-o", str(target)]
    outcome = runner.invoke(app, [*args, "--as-of", AS_OF.isoformat(), "--quiet"])
    assert outcome.exit_code == 0, outcome.output
    text = target.read_text(encoding="utf-8")
    assert text.startswith(start)
    if suffix == ".json":
        data = json.loads(text)
        assert data["gaps"] and data["questions"] and data["structural"]


def test_gaps_command_never_writes_inside_the_kb(runner) -> None:
    args = ["gaps", str(KB), "--questions", str(QUESTIONS / "questions.txt"), "-o"]
    outcome = runner.invoke(app, [*args, str(KB / "gaps.json")])
    assert outcome.exit_code == 2
    assert not (KB / "gaps.json").exists()


def test_audit_takes_questions(runner, tmp_path: Path) -> None:
    target = tmp_path / "audit.json"
    args = ["audit", str(KB), "--questions", str(QUESTIONS / "questions.csv"), "-o", str(target)]
    runner.invoke(app, [*args, "--as-of", AS_OF.isoformat(), "--quiet"])
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["scorecard"]["dimensions"]["coverage"]["measured"] is True
    assert data["gaps"]


def _written_gap_topics() -> tuple[list[str], list[str]]:
    """The sample's gap questions and the topic each was written in."""
    text = (FIXTURES / "questions" / "expected-gaps.md").read_text(encoding="utf-8")
    section = text.split("### Gap questions")[1].split("\n## ")[0]
    texts, topics, topic = [], [], ""
    for line in section.splitlines():
        if line.startswith("**"):
            topic = line.split("**")[1]
        elif (m := re.match(r"^- (.+?) \(\d+", line)) and topic:
            texts.append(m.group(1))
            topics.append(topic)
    return texts, topics


def test_gap_questions_cluster_into_the_written_topics() -> None:
    """The sample's gap questions were written in 8 topics (fixtures/questions/expected-gaps.md):
    the gap-topic clustering should find them again (NMI 0.83 measured; shuffled labels of the
    same sizes give 0.40 on average, 0.51 at the 99th percentile)."""
    from sklearn.metrics import normalized_mutual_info_score

    from kbaudit.analysis.question_topics import cluster_questions

    texts, topics = _written_gap_topics()
    assert len(set(topics)) == 8 and len(texts) >= 30
    labels, _ = cluster_questions(texts)
    assert normalized_mutual_info_score(topics, labels) >= 0.75


def test_more_gap_questions_than_the_sample_choose_k_on_it_and_cluster_them_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Over SILHOUETTE_SAMPLE questions, K is chosen by clustering a sample of them; every
    question is then clustered with it, and the written topics are found as with no sample."""
    from sklearn.metrics import normalized_mutual_info_score

    from kbaudit.analysis import question_topics

    texts, topics = _written_gap_topics()
    whole, _ = question_topics.cluster_questions(texts)
    monkeypatch.setattr(question_topics, "SILHOUETTE_SAMPLE", len(texts) * 3 // 4)
    sampled, _ = question_topics.cluster_questions(texts)
    assert len(sampled) == len(texts) and sampled.min() == 0
    assert normalized_mutual_info_score(topics, sampled) >= 0.75
    assert normalized_mutual_info_score(whole, sampled) >= 0.8


def test_match_parts_explain_the_score(articles: list) -> None:
    report = analyse(articles, [Question("how do i frezee my card"), Question("forgot password")])
    for result in report.results:
        for match in result.matches:
            parts = dict(match.parts)
            assert set(parts) >= {"coverage", "body", "title", "title_words"}
            assert sum(parts.values()) == pytest.approx(match.score, abs=1e-4)
    top = report.questions_json(articles)[0]["matches"][0]
    assert top["parts"]["coverage"] > 0


def _expected_sample_coverage() -> tuple[dict[str, set[str]], set[str]]:
    """From fixtures/questions/expected-gaps.md: question -> the articles that answer it, and
    the questions no article answers."""
    import re

    text = (FIXTURES / "questions" / "expected-gaps.md").read_text(encoding="utf-8")
    section = text.split("## questions.csv")[1].split("\n## ")[0]
    covered = {
        m.group(1): {m.group(2), m.group(3)} - {None}
        for m in re.finditer(
            r"^\| (.+?) \| \d+ \| `([^`]+)`(?:.*?`([^`]+\.md)`)?", section, re.MULTILINE
        )
    }
    gaps = set(re.findall(r"^- (.+?) \(\d+", section.split("### Gap questions")[1], re.MULTILINE))
    return covered, gaps


def test_sample_questions_find_their_articles() -> None:
    """Short customer phrasings against the sample KB: the right article comes first for most
    answered questions (0.89 measured) and gap questions are almost never `covered`."""
    from kbaudit.sources.questions import load_questions

    covered, gaps = _expected_sample_coverage()
    assert len(covered) >= 50 and len(gaps) >= 30
    kb = FIXTURES / "sample-kb"
    articles = load(kb, None, load_config(kb).source_options()).articles
    questions = load_questions(FIXTURES / "questions" / "questions.csv")
    report = analyse(articles, questions)
    right = [
        bool(r.matches) and articles[r.matches[0].article].ref in covered[r.question.text]
        for r in report.results
        if r.question.text in covered
    ]
    assert sum(right) / len(right) >= 0.85
    wrongly_covered = [
        r.question.text for r in report.results if r.question.text in gaps and r.status == COVERED
    ]
    assert len(wrongly_covered) <= 0.1 * len(gaps), wrongly_covered


def test_sample_tickets_are_scored_for_what_they_ask_not_their_length() -> None:
    """Tickets of 50-60 words (subject and first message) against the sample KB: a long
    message dilutes the words that name its subject, so before the length was allowed for
    1 of the 6 answered tickets was `covered`; now most are, and a gap ticket rarely is."""
    from kbaudit.sources.questions import load_questions

    text = (FIXTURES / "questions" / "expected-gaps.md").read_text(encoding="utf-8")
    section = text.split("## tickets.json")[1].split("\n## ")[0]
    expected = dict(re.findall(r"^\| \d+ \| (.+?) \| (.+?) \|$", section, re.MULTILINE))
    assert len(expected) == 12
    kb = FIXTURES / "sample-kb"
    articles = load(kb, None, load_config(kb).source_options()).articles
    report = analyse(articles, load_questions(FIXTURES / "questions" / "tickets.json"))
    status = {r.question.text.split(":")[0]: r.status for r in report.results}
    answered = [s for s, e in expected.items() if not e.startswith("gap:")]
    gaps = [s for s, e in expected.items() if e.startswith("gap:")]
    assert sum(status[s] == COVERED for s in answered) >= 4
    assert sum(status[s] == COVERED for s in gaps) <= 1


def test_a_handful_of_gap_searches_may_each_be_a_topic() -> None:
    """The sample's search log lists about a dozen terms no article answers: two unrelated
    ones ("recurring invoice", "vat return") are two topics, not one because the largest
    number of topics tried was 1.5 sqrt(12)."""
    from kbaudit.sources.questions import load_questions

    kb = FIXTURES / "sample-kb"
    articles = load(kb, None, load_config(kb).source_options()).articles
    report = analyse(articles, load_questions(FIXTURES / "questions" / "search-log.csv"))
    topic = {
        report.results[i].question.text: t for t, g in enumerate(report.gaps) for i in g.members
    }
    assert topic["recurring invoice"] != topic["vat return"]
    # 0.06 alike in their words: two subjects, though the clustering paired them
    assert topic["late fees"] != topic["rate limit"]
    assert topic["multi currency"] == topic["currency"]  # 0.64 alike


def test_a_few_unalike_questions_are_not_paired_off() -> None:
    """A handful of long questions on different subjects (a pilot's first tickets) are each
    their own topic in lexical mode; two that share their subject stay one."""
    from kbaudit.analysis.question_topics import cluster_questions

    texts = [
        "Our finance lead wants every invoice in euros for the Berlin office. Where do I change "
        "the currency on an invoice, and which exchange rate is used when the client pays?",
        "We send the same invoice to forty clients each month. Can an invoice go out on its "
        "own on the first of the month instead of copying last month's invoice by hand?",
        "Our security team asked whether staff can sign in through our identity provider "
        "with SAML so they do not need another password. Is that available on our plan?",
        "The phone app shows a spinner when there is no signal on the road. Can I record "
        "mileage offline and have it sync when I am back online?",
        "We renewed by mistake last week although nobody has logged in since spring. Can "
        "the yearly charge be refunded to the company card?",
        "The company is closing down. How do we download a full export of our records and "
        "then have the account and everything in it deleted for good?",
    ]
    labels, _ = cluster_questions(texts)
    assert labels[0] == labels[1]  # both about invoices
    assert len(set(labels[1:].tolist())) == 5


def test_questions_are_matched_in_the_kbs_main_language(tmp_path: Path) -> None:
    def write(name: str, title: str, locale: str, body: str) -> None:
        text = f"---\ntitle: {title}\nlocale: {locale}\n---\n{body}\n"
        (tmp_path / name).write_text(text, encoding="utf-8")

    write("en-a.md", "Send an invoice", "en-us", "Create the invoice and select Send. " * 8)
    write("en-b.md", "Freeze a card", "en-us", "Open Cards and select Freeze card. " * 8)
    write("fr-a.md", "Ledgerly Sync Pro", "fr", "Ledgerly Sync Pro synchronise vos factures. " * 8)
    question = [Question("ledgerly sync pro setup")]
    config = Config(as_of=AS_OF, select=["COV001", "COV002"])
    result = audit(tmp_path, config, questions=question)
    matched = {m["path"] for q in result.sections["questions"] for m in q["matches"]}
    assert "fr-a.md" not in matched  # a French article does not answer an English question
    config.coverage = CoverageSettings(locale="all")
    result = audit(tmp_path, config, questions=question)
    assert result.sections["questions"][0]["matches"][0]["path"] == "fr-a.md"


def _kb(folder: Path, articles: dict[str, tuple[str, str]]) -> list:
    for name, (title, body) in articles.items():
        (folder / name).write_text(f"---\ntitle: {title}\n---\n{body}\n", encoding="utf-8")
    return load(folder).articles


def test_questions_in_a_script_without_latin_letters(tmp_path: Path) -> None:
    articles = _kb(
        tmp_path,
        {
            "password.md": ("Сброс пароля", "Откройте настройки и выберите сброс пароля."),
            "card.md": ("Заморозить карту", "Откройте карты и выберите заморозить карту."),
        },
    )
    report = analyse(articles, [Question("как сбросить пароль"), Question("заморозить карту")])
    best = [articles[r.matches[0].article].path for r in report.results]
    assert best == ["password.md", "card.md"]
    assert report.results[1].status == COVERED
    assert all(len({m.score for m in r.matches}) == len(r.matches) for r in report.results)


def test_no_word_anywhere_scores_no_article(tmp_path: Path) -> None:
    articles = _kb(tmp_path, {"a.md": ("2024", "```\n1 + 1\n```"), "b.md": ("2025", "")})
    report = analyse(articles, [Question("404"), Question("500 !!")])
    assert [(r.status, r.matches) for r in report.results] == [(UNCOVERED, ())] * 2


@pytest.mark.parametrize(
    "texts",
    [
        ["reset my password"] * 300,  # copies: no variance to cluster
        [f"reset my password {n}" for n in range(300)],  # the same but for a number
    ],
)
def test_questions_asking_the_same_are_one_gap_topic(texts: list[str]) -> None:
    report = analyse([], [Question(t) for t in texts])
    assert len(report.gaps) == 1
    assert report.gaps[0].volume == 300 and len(report.gaps[0].members) == 300


@pytest.mark.parametrize(
    ("texts", "topics"),
    [
        (["freeze my card", "how do I reset my password"], 2),
        (["forgot my password", "how do I reset my password"], 1),
        (["zzqx", "qwrt", "plokm", "vbnx", "fghj"], 5),
        (["how do I file my VAT return", "vat return deadline", "如何重置密码", "冻结我的卡"], 3),
    ],
)
def test_questions_sharing_nothing_are_not_one_gap_topic(texts: list[str], topics: int) -> None:
    assert len(analyse([], [Question(t) for t in texts]).gaps) == topics


def test_gap_labels_are_not_made_of_web_addresses() -> None:
    from kbaudit.analysis.question_topics import key_phrases

    texts = [
        "dark mode for portal.acme-cloud.com please",
        "is there a dark theme on portal.acme-cloud.com",
        "portal.acme-cloud.com is too bright, any dark mode?",
        "night mode for https://portal.acme-cloud.com/settings",
        "export invoices to csv, mail ap@acme-cloud.com",
        "how do I export my invoices",
        "export all invoices as csv",
    ]
    labels = np.array([0, 0, 0, 0, 1, 1, 1])
    phrases = key_phrases(texts, labels, 2, np.ones(7))
    words = {w for group in phrases for p in group for w in p.split()}
    assert not words & {"portal", "acme", "cloud", "com", "https", "settings", "ap"}
    assert "dark mode" in phrases[0]


def test_gap_labels_stay_short() -> None:
    report = analyse([], [Question("x" * 5000), Question("the and of " * 500)])
    assert all(len(g.label) <= 94 for g in report.gaps)


def test_latent_space_of_identical_articles_warns_nothing() -> None:
    import warnings

    from kbaudit.model import Article

    words = " ".join(f"word{chr(97 + n // 26)}{chr(97 + n % 26)}" for n in range(80))
    articles = [Article(f"a{n}", f"a{n}.md", "Coming soon", words) for n in range(250)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = analyse(articles, [Question("reset my password")])
    assert report.results[0].status == UNCOVERED


def test_gaps_table_prints_questions_as_text(runner, tmp_path: Path) -> None:
    questions = tmp_path / "questions.txt"
    questions.write_text("error [/] on my invoice\nwhat is [bold]\n", encoding="utf-8")
    outcome = runner.invoke(app, ["gaps", str(KB), "--questions", str(questions), "--quiet"])
    assert outcome.exit_code == 0, outcome.output
    assert "[/]" in outcome.output and "[bold]" in outcome.output


def test_gaps_markdown_cells_escape_bars(runner, tmp_path: Path) -> None:
    questions = tmp_path / "questions.txt"
    questions.write_text("payroll | staff\n", encoding="utf-8")
    target = tmp_path / "gaps.md"
    args = ["gaps", str(KB), "--questions", str(questions), "-o", str(target), "--quiet"]
    assert runner.invoke(app, args).exit_code == 0
    row = next(line for line in target.read_text().splitlines() if line.startswith("| 1 |"))
    assert "Payroll \\| staff" in row
    assert len(re.findall(r"(?<!\\)\|", row)) == 8  # seven cells, whatever the text holds


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"covered": "high"}, "coverage.covered: 'high'` is not a number"),
        ({"top_k": 0}, "coverage.top_k is 0"),
        ({"partial": 0.9}, "partial <= covered"),
        ({"covered": 1.5}, "scores from 0 to 1"),
    ],
)
def test_coverage_settings_are_checked(settings: dict, message: str) -> None:
    from kbaudit.config import build_config

    with pytest.raises(ConfigError, match=message):
        config = build_config({"coverage": settings, "as_of": AS_OF.isoformat()})
        audit(KB, config, questions=[Question("file my VAT return")])


def test_coverage_rule_params_are_checked() -> None:
    from kbaudit.errors import RuleError

    config = Config(as_of=AS_OF, select=["COV001"], rules={"COV001": {"status": "missing"}})
    with pytest.raises(RuleError, match="uncovered or partial"):
        audit(KB, config, questions=[Question("file my VAT return")])


def test_matching_settings_on_a_rule_point_to_the_config_section() -> None:
    from kbaudit.errors import RuleError

    config = Config(as_of=AS_OF, rules={"COV001": {"covered": 0.5}})
    with pytest.raises(RuleError, match=r"coverage\.covered"):
        audit(KB, config, questions=[Question("file my VAT return")])


def test_locale_param_in_any_spelling(tmp_path: Path) -> None:
    def write(name: str, title: str, locale: str) -> None:
        text = f"---\ntitle: {title}\nlocale: {locale}\n---\n{title}.\n"
        (tmp_path / name).write_text(text, encoding="utf-8")

    write("en.md", "Send an invoice", "en-us")
    write("fr.md", "Envoyer une facture", "fr")
    config = Config(as_of=AS_OF, select=["COV001", "COV002"])
    config.coverage = CoverageSettings(locale="EN_US")
    result = audit(tmp_path, config, questions=[Question("send an invoice")])
    assert result.sections["questions"][0]["matches"][0]["path"] == "en.md"


def test_gap_csv_defuses_spreadsheet_formulas(runner, tmp_path: Path) -> None:
    import csv

    questions = tmp_path / "questions.txt"
    questions.write_text('=HYPERLINK("http://evil.example","vat return")\nvat return filing\n')
    target = tmp_path / "gaps.csv"
    args = ["gaps", str(KB), "--questions", str(questions), "-o", str(target), "--quiet"]
    outcome = runner.invoke(app, args)
    assert outcome.exit_code == 0, outcome.output
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    cells = [v for r in rows for v in r.values() if v]
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    assert any(c.startswith("'=HYPERLINK") or "'=HYPERLINK" in c for c in cells)
    listed = [r for r in rows if r["kind"] == "questions"]
    assert {r["question"] for r in listed} >= {"vat return filing"}
    by_topic: dict[str, int] = {}
    for r in listed:  # every question of a topic is a row; their volumes add up to the topic's
        by_topic[r["topic"]] = by_topic.get(r["topic"], 0) + int(r["volume"])
    assert all(int(r["topic_volume"]) == by_topic[r["topic"]] for r in listed)


def test_latent_space_learns_customer_words_from_the_questions() -> None:
    """A small KB (too few articles for a latent space of their own) with many questions gets
    one from articles and questions together: a customer word the KB never uses ("slang" of
    subject 3) lands next to the words it is asked with, so it points to that article."""
    import numpy as np

    from kbaudit.analysis.matching import fit_matcher
    from kbaudit.model import Article

    rng = np.random.default_rng(0)
    names = ["alpha", "bravo", "delta", "kilo", "lima", "oscar", "papa", "romeo", "sierra", "tango"]
    vocab = [[f"{name}{tail}" for tail in ("x", "q", "z", "v", "k", "j")] for name in names]
    articles = [
        Article(f"a{s}", f"a{s}.md", f"{words[0]} {words[1]}", " ".join(words * 3))
        for s, words in enumerate(vocab)
    ]
    questions = [
        " ".join([f"slang{names[s]}", *rng.choice(vocab[s], 2, replace=False)])
        for s in range(len(names))
        for _ in range(25)
    ]
    matcher = fit_matcher(articles, questions)
    assert matcher.svd is not None
    (best, *_), *_ = matcher.top(["slangkilo"], 3)
    assert best.article == 3
    assert dict(best.parts)["concepts"] > 0


def test_neighbour_scores_mix_each_candidate_with_its_mean_over_the_neighbours() -> None:
    import numpy as np

    rng = np.random.default_rng(3)
    n = 60
    tops = []  # each question's candidates, best first as the matcher gives them
    for _ in range(n):
        found = zip(rng.choice(12, 4, replace=False).tolist(), rng.random(4).tolist(), strict=True)
        tops.append([Match(a, s) for a, s in sorted(found, key=lambda p: (-p[1], p[0]))])
    tops[5] = []  # a question with no candidate
    near = [rng.choice(n, int(rng.integers(0, 25)), replace=False) for _ in range(n)]
    mixed = _with_neighbours(tops, near, 3)
    for i in range(n):
        nearest = near[i][:NEIGHBOURS]
        share = NEIGHBOUR_SHARE * len(nearest) / NEIGHBOURS
        expected = []
        for m in tops[i]:
            seen = [
                next((x.score for x in tops[j] if x.article == m.article), 0.0) for j in nearest
            ]
            mean = float(np.mean(seen)) if len(nearest) else 0.0
            expected.append((m.article, (1 - share) * m.score + share * mean))
        expected.sort(key=lambda pair: (-pair[1], pair[0]))
        assert [(m.article, m.score) for m in mixed[i]] == expected[:3]


def test_a_long_question_is_scored_as_its_matched_words_would_be_in_a_short_one() -> None:
    import numpy as np

    short, long = "card not arrived", " ".join(["my card has still not arrived"] * 10)
    none = [np.zeros(0, dtype=int)] * 2
    # 60 words: the score of its matched words is diluted by about sqrt(60 / 15) = 2
    assert status_scores([0.2, 0.2], [short, long], none, semantic=False) == pytest.approx(
        [0.2, 0.4]
    )
    assert status_scores([0.7], [long], none[:1], semantic=False) == [1.0]  # never above 1
    # sentence embeddings are not diluted so: the score stays
    assert status_scores([0.2, 0.2], [short, long], none, semantic=True) == [0.2, 0.2]


def test_a_crowd_of_neighbours_decides_a_status_and_a_few_do_not() -> None:
    import numpy as np

    # question 0 scores low; its neighbours 1..n all score high
    def own(n: int, semantic: bool) -> float:
        best = [0.1] + [0.6] * n
        near = [np.arange(1, n + 1)] + [np.zeros(0, dtype=int)] * n
        return status_scores(best, ["q"] * (n + 1), near, semantic)[0]

    for semantic in (False, True):
        assert own(CROWD - 1, semantic) == 0.1  # "recurring invoice" next to "invoice"
        assert own(CROWD, semantic) == pytest.approx(0.6)  # asked alike by many: answered
    # in lexical mode more neighbours must agree (they share words, not always a subject)
    best = [0.1] * 5 + [0.6] * 6
    near = [np.arange(1, 11)] + [np.zeros(0, dtype=int)] * 10
    assert status_scores(best, ["q"] * 11, near, semantic=False)[0] == pytest.approx(0.1)
    assert status_scores(best, ["q"] * 11, near, semantic=True)[0] == pytest.approx(0.6)


def test_a_handful_of_questions_are_compared_by_their_own_words() -> None:
    texts = [
        "how do I run payroll for my employees",
        "can I track the hours my staff work on a project",
        "how do I send an invoice by email",
    ]
    vectors = question_vectors(texts, None)
    alike = vectors @ vectors.T
    assert alike[0, 2] < MIN_NEIGHBOUR_SIMILARITY  # an SVD of two dimensions made them 0.98
    assert [len(n) for n in neighbours(vectors)] == [0, 0, 0]


@pytest.mark.parametrize("command", ["gaps", "audit"])
def test_a_windows_1252_questions_file_is_read_with_a_warning(
    runner, tmp_path: Path, command: str
) -> None:
    # a spreadsheet's "CSV" on Windows: not UTF-8
    questions = tmp_path / "questions.csv"
    questions.write_bytes("question;count\r\nréinitialiser la facture;3\r\n".encode("cp1252"))
    target = tmp_path / "out.json"
    args = [command, str(KB), "--questions", str(questions), "-o", str(target), "--quiet"]
    outcome = runner.invoke(app, [*args, "--as-of", AS_OF.isoformat()])
    assert outcome.exit_code in (0, 1), outcome.output
    assert "not valid UTF-8 (byte 0xe9 at line 2); read as Windows-1252" in outcome.output
    data = json.loads(target.read_text(encoding="utf-8"))
    assert [q["text"] for q in data["questions"]] == ["réinitialiser la facture"]


def test_a_gap_no_article_shares_a_word_with_says_so() -> None:
    from kbaudit.reporters.gaps import _nearest

    assert (
        _nearest({"nearest": None}) == "none close: no article shares a word with these questions"
    )
    assert word_casing(["2fa setup"])["2fa"] == "2FA"  # a known form that opens with a digit


def test_form_names_written_with_a_hyphen_or_brackets_are_words() -> None:
    """ "W-2" and "401(k)" name what is asked: matched as words (before, "W-2" gave no word at
    all and the question scored nothing against the article on it) and used in labels."""
    articles = [
        Article("a", "w2.md", "Get your W-2", "Your W-2 form is ready in January under Pay."),
        Article("b", "deposit.md", "Set up direct deposit", "Add your bank account to be paid."),
        Article("c", "leave.md", "Request time off", "Ask your manager for leave in advance."),
    ]
    report = analyse(articles, [Question("where is my w2"), Question("where is my W-2s")])
    for result in report.results:
        assert result.matches[0].article == 0 and result.matches[0].score > 0.1
    texts = [
        "how do i roll over my 401(k)",
        "move my 401k to the new employer",
        "401(k) rollover help",
        "reset 2fa on my new phone",
        "2fa code never arrives",
        "lost my phone with 2fa",
    ]
    from kbaudit.analysis.question_topics import key_phrases

    labels = np.array([0, 0, 0, 1, 1, 1])
    phrases = key_phrases(texts, labels, 2, np.ones(6))
    assert "401k" in phrases[0] and "2fa" in phrases[1]


def test_form_names_keep_the_kbs_casing_in_labels_and_titles() -> None:
    """A form name the KB writes "W-2" is "W2" in a label (its key phrases join it) and
    stays "W-2" in a title suggested from a question that writes "w-2"."""
    articles = [
        Article("a", "w2.md", "Get your W-2", "Your W-2 form is ready in January under Pay."),
        Article("b", "fix.md", "Fix a wrong W-2", "Ask payroll for a corrected form."),
        Article("c", "boxes.md", "Your W-2 explained", "What each box of the form holds."),
        Article("d", "deposit.md", "Set up direct deposit", "Add your bank account to be paid."),
        Article("e", "leave.md", "Request time off", "Ask your manager for leave in advance."),
    ]
    questions = [
        "my w-2 from last year never arrived in the mail",
        "the w-2 from my old job never arrived",
        "how do i get a copy of the w-2 for my mortgage",
        "where can i print my w-2 copy",
    ]
    report = analyse(articles, [Question(q) for q in questions])
    assert report.gaps
    for gap in report.gaps:
        assert "W2" in gap.label.split(" / ")
        assert "W-2" in (gap.suggested_title or "") and "w-2" not in (gap.suggested_title or "")


def test_a_few_unalike_questions_stay_apart_after_topics_are_merged() -> None:
    """Topics whose centres are alike are merged after the clustering; of a few questions
    in lexical mode, two whose words are not FEW_ALIKE alike still stay two topics (their
    SVD centres, in four dimensions, were SAME_TOPIC alike)."""
    articles = [
        Article("a", "a.md", "Reset your password", "Open Settings and choose Reset password."),
        Article("b", "b.md", "Contact support", "Write to us from the Help menu."),
    ]
    texts = [
        "set tax rates per region",
        "create a purchase order",
        "export reports to excel",
        "add a second user to my plan",
        "print a payslip",
    ]
    report = analyse(articles, [Question(t) for t in texts])
    assert sorted(len(g.members) for g in report.gaps) == [1, 1, 1, 1, 1]


def test_a_topic_of_one_ticket_is_named_by_its_subject() -> None:
    """Key phrases of one long message are any of its phrases; a topic of one ticket takes
    the ticket's own subject as its label. Days and hours make no label ("1st", "3pm")."""
    from kbaudit.analysis.question_topics import key_phrases
    from kbaudit.sources.questions import load_questions

    kb = FIXTURES / "sample-kb"
    articles = load(kb, None, load_config(kb).source_options()).articles
    report = analyse(articles, load_questions(FIXTURES / "questions" / "tickets.json"))
    singles = [g for g in report.gaps if len(g.members) == 1]
    assert singles
    for gap in singles:
        text = report.results[gap.members[0]].question.text
        assert text.startswith(gap.label + ":")
    assert "Single sign-on with Okta" in {g.label for g in singles}
    texts = ["send the invoice on the 1st", "invoice goes out on the 1st at 3pm"]
    phrases = key_phrases(texts, np.array([0, 0]), 1, np.ones(2))[0]
    assert phrases and not any(p.split()[0] in ("1st", "3pm") for p in phrases)
