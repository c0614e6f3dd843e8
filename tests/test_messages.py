"""What a customer wrote in a message: HTML, quoted replies, signatures and greetings."""

from __future__ import annotations

import pytest

from kbaudit.sources.messages import message_text, subject_speaker, subject_text


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("where is my refund", "where is my refund"),
        ("where is my refund\n\n-- \nSam\nSam's Plumbing", "where is my refund"),
        ("where is my refund\n\nSent from my iPhone", "where is my refund"),
        ("where is my refund\nThanks!\nSam", "where is my refund"),
        ("Hi there,\nwhere is my refund", "where is my refund"),
        ("hi\nwhere is my refund", "where is my refund"),
        ("hi how do I\nget a refund", "hi how do I get a refund"),
        (
            "where is my refund\nOn Mon, 2 Nov 2026, Ledgerly <a@b.example> wrote:\n> Closed.",
            "where is my refund",
        ),
        ("Le lun. 2 nov. 2026, Ledgerly a écrit :\n> Fermé.\nremboursement ?", "remboursement ?"),
        ("> quoted line\nmy answer below", "my answer below"),
        (
            "why twice?\n\nFrom: Ledgerly <a@b.example>\nSent: Monday\nSubject: Bill\n\nPaid.",
            "why twice?",
        ),
        ("Begin forwarded message:\nFrom: x <a@b.example>\nDate: Mon\n\nwhy twice?", "why twice?"),
        (
            "refund please\n\nThanks, and one more thing: can I also change the plan today?",
            "refund please Thanks, and one more thing: can I also change the plan today?",
        ),
        ("<div>refund?<blockquote>On Mon, you wrote: closed</blockquote></div>", "refund?"),
        ("<style>p {color: red}</style><p>refund?</p>", "refund?"),
        ("Thanks", "Thanks"),
        ("where can I find my invoice?\nKim", "where can I find my invoice?"),
        ("where can I find my invoice?\nMary-Jo O'Neil", "where can I find my invoice?"),
        ("my invoice shows the wrong\nVAT rate", "my invoice shows the wrong VAT rate"),
        ("how do I set up\nPayroll Plus", "how do I set up Payroll Plus"),
        ("Comment changer mon mot de passe ?", "Comment changer mon mot de passe ?"),
    ],
)
def test_message_text(body: str, text: str) -> None:
    assert message_text(body) == text


@pytest.mark.parametrize(
    ("subject", "text"),
    [
        ("Re: RE: Fwd: invoice copy", "invoice copy"),
        ("AW: Rechnung", "Rechnung"),
        ("Chat with Visitor 88231", ""),
        ("Conversation with Jane Doe", ""),
        ("Call from: +1 555 0100", ""),
        ("Reconcile a chat payment", "Reconcile a chat payment"),
        ("Refund for March", "Refund for March"),
    ],
)
def test_subject_text(subject: str, text: str) -> None:
    assert subject_text(subject) == text


ZENDESK_CHAT = """Chat started: 2026-11-02 03:55 PM UTC

(03:55:44 PM) Sam Lee: hi
(03:56:01 PM) *** Dana joined the chat ***
(03:56:10 PM) Dana: Hello Sam! How can I help today?
(03:56:30 PM) Sam Lee: which report shows unpaid bills?
(03:57:02 PM) Dana: The aged payables report."""


@pytest.mark.parametrize(
    ("body", "customer", "text"),
    [
        (ZENDESK_CHAT, "Sam Lee", "which report shows unpaid bills?"),
        (ZENDESK_CHAT, None, "which report shows unpaid bills?"),
        (
            "Answer Bot: Ask me anything.\nVisitor 1: hello\nVisitor 1: cancel my plan",
            None,
            "cancel my plan",
        ),
        (  # no staff label: the one who opens with an offer of help is the agent
            "(09:14) Olivia Brandt: Thanks for contacting Ledgerly, Olivia here.\n"
            "(09:15) Sam Lee: which report shows unpaid bills?\n(09:16) Olivia Brandt: Aged payables.",
            None,
            "which report shows unpaid bills?",
        ),
        # fields of an email are not a conversation
        ("Invoice: 118\nAmount: 40\nWhy was it charged twice?", None, None),
        ("Problem: export fails\nSteps: open reports, click export", None, None),
    ],
)
def test_a_transcript_gives_the_customers_first_question(
    body: str, customer: str | None, text: str | None
) -> None:
    assert message_text(body, customer) == (text or " ".join(body.split()))


def test_subject_speaker() -> None:
    assert subject_speaker("Chat with Sam Lee") == "Sam Lee"
    assert subject_speaker("Re: Conversation with Web User 6a3f") == "Web User 6a3f"
    assert subject_speaker("Refund for March") is None
