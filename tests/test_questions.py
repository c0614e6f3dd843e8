"""Question files: every input format, detection by content, merging and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kbaudit.sources.questions import (
    NO_RESULTS,
    TICKET_AFTER_SEARCH,
    QuestionsError,
    load_questions,
    parse_questions,
)

from .conftest import FIXTURES

QUESTIONS = FIXTURES / "coverage" / "questions"
EXPORTS = FIXTURES / "questions" / "exports"


@pytest.mark.parametrize(
    ("name", "text", "volume"),
    [
        ("questions.txt", "my card hasn't come yet", 2),
        ("questions.csv", "my card hasn't come yet", 40),
        ("questions.tsv", "how do I accept card payments", 11),
        ("questions.jsonl", "can I invoice in dollars", 6),
        ("search-log.csv", "payroll", 120),
        ("tickets.json", "Payroll: How do I pay my staff through Ledgerly?", 1),
    ],
)
def test_every_format_is_read(name: str, text: str, volume: int) -> None:
    questions = {q.text: q for q in load_questions(QUESTIONS / name)}
    assert questions[text].volume == volume


def test_search_log_marks_zero_results() -> None:
    questions = {q.text: q for q in load_questions(QUESTIONS / "search-log.csv")}
    assert questions["payroll"].signal == NO_RESULTS
    assert questions["card delivery"].signal is None


def test_search_export_column_names() -> None:
    text = (
        "Search string,Total searches,Searches with no results,Total clicks\n"
        "cancel my plan,40,30,5\n"
        "export invoices,25,0,0\n"
        "reset password,90,2,61\n"
    )
    got = {q.text: (q.volume, q.signal) for q in parse_questions(text)}
    assert got == {
        "cancel my plan": (40, NO_RESULTS),
        "export invoices": (25, "no-clicks"),
        "reset password": (90, None),
    }


def test_chat_transcripts_give_the_first_customer_message() -> None:
    chats = {
        "conversations": [
            {
                "id": 1,
                "messages": [
                    {"role": "agent", "text": "Hi! How can I help?"},
                    {"role": "user", "text": "my card hasn&#39;t arrived"},
                    {"role": "user", "text": "it has been two weeks"},
                ],
            },
            {"id": 2, "messages": [{"role": "bot", "text": "Hello"}]},  # no customer message
        ]
    }
    assert [q.text for q in parse_questions(json.dumps(chats))] == ["my card hasn't arrived"]
    intercom = [
        {
            "type": "conversation",
            "source": {
                "body": "<p>How do I export <b>invoices</b>?</p>",
                "author": {"type": "user"},
            },
            "conversation_parts": {"conversation_parts": []},
        }
    ]
    assert [q.text for q in parse_questions(json.dumps(intercom))] == ["How do I export invoices?"]
    lines = [
        {
            "transcript": [
                {"speaker": "agent", "message": "Hi"},
                {"speaker": "customer", "message": "cancel plan"},
            ]
        },
        {"transcript": [{"speaker": "customer", "message": "cancel plan"}]},
    ]
    got = parse_questions("\n".join(json.dumps(line) for line in lines))
    assert [(q.text, q.volume) for q in got] == [("cancel plan", 2)]


def test_chats_without_customer_messages_are_one_clear_error() -> None:
    chats = {"chats": [{"messages": [{"role": "agent", "text": "Hello"}]}]}
    with pytest.raises(QuestionsError, match="no chat has a customer message"):
        parse_questions(json.dumps(chats))


def test_duplicates_are_merged_and_volumes_summed() -> None:
    questions = parse_questions("question,count\nReset password?,3\nreset  password,4\n")
    assert [(q.text, q.volume) for q in questions] == [("Reset password?", 7)]


def test_named_text_column() -> None:
    questions = parse_questions("asked;n\nhello, where is my refund;1\n", text_column="asked")
    assert [q.text for q in questions] == ["Where is my refund"]  # the greeting dropped


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("\ufeff\r\n \n", "is empty"),
        ("\ufeffquestion,count\r\n", "has a header \\(question, count\\) but no rows"),
        ("question,count\nreset,many\n", "not a number"),
        ('{"other": 1}', "tickets"),
        ('{"text": "a"}\nnot json\n', "line 2 is not valid JSON"),
        ("ticket id,remark\n1,hello\n2,my card\n", "none of which holds the questions"),
        ("id;asked\n1;hello\n", "none of which holds the questions"),
        ("question,count\nreset,inf\n", "'inf' is not a number"),
        ("question,count\nreset,1e999\n", "is not a number"),
        ("question,count\nreset,nan\n", "'nan' is not a number"),
        ("question,count\nreset,-2\n", "negative"),
        ('question,count\n"reset password,3\nfreeze card,2\n', "line 2: a quote"),
        ("question,count\nreset password,1,234\n", "line 2: more cells than the 2 column"),
        ("😀\n🔥 🔥\n", "no question"),
    ],
)
def test_bad_input_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(QuestionsError, match=message):
        parse_questions(text)


def test_plain_text_comments_and_hash_questions() -> None:
    text = (
        "# exported 2026-11-01\n#\n#1 reason my card was declined\n## Billing\nwhere is my refund\n"
    )
    assert [q.text for q in parse_questions(text)] == [
        "#1 reason my card was declined",
        "where is my refund",
    ]


def test_plain_questions_with_commas_stay_plain() -> None:
    text = "hi, my card has not arrived, what now\nwhere is my refund\n"
    assert [q.text for q in parse_questions(text)] == [
        "My card has not arrived, what now",  # one question, its greeting dropped
        "where is my refund",
    ]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(QuestionsError, match="does not exist"):
        load_questions(tmp_path / "nope.csv")


def test_search_log_counts_that_are_not_finite_are_no_signal() -> None:
    got = parse_questions("query,searches,no_results\nreset password,3,inf\n")
    assert [(q.text, q.volume, q.signal) for q in got] == [("reset password", 3, None)]


@pytest.mark.parametrize(
    "text",
    [
        "question\nreset password\nfreeze, card\n",  # a one-column table
        '\n\nquestion,count\nreset password,1\n"freeze, card",1\n',  # blank lines before the header
        "sep=;\nquestion;count\nreset password;1\nfreeze, card;1\n",  # a spreadsheet's sep line
        '\ufeffquestion,count\r\nreset password,1\r\n"freeze, card",1\r\n',  # BOM, CRLF
        '{"question": "reset password"}\n{"question": "freeze, card"}\n\n',
        '{"results": [{"query": "reset password"}, {"query": "freeze, card"}]}',
    ],
)
def test_tables_and_records_read_whole(text: str) -> None:
    assert sorted(q.text for q in parse_questions(text)) == ["freeze, card", "reset password"]


def test_one_json_record_is_one_question() -> None:
    got = parse_questions('{"question": "reset password", "count": 4}\n')
    assert [(q.text, q.volume) for q in got] == [("reset password", 4)]


def test_names_ending_in_plus_or_hash_stay_apart() -> None:
    got = {q.text: q.volume for q in parse_questions("C++\nC#\nC\nc?\n")}
    assert got == {"C": 2, "C#": 1, "C++": 1}


def test_ticket_fields_that_are_not_text_are_left_out() -> None:
    tickets = {"tickets": [{"subject": "Card lost", "description": {"html": "<p>x</p>"}}]}
    assert [q.text for q in parse_questions(json.dumps(tickets))] == ["Card lost"]


def test_ticket_opened_by_an_agent_gives_the_customers_first_comment() -> None:
    agent, customer = 7, 42
    tickets = {
        "tickets": [
            {
                "subject": "Your payroll run",
                "requester_id": customer,
                "description": "Hello, we noticed your payroll run failed last night.",
                "comments": [
                    {"author_id": agent, "body": "Hello, we noticed your payroll run failed."},
                    {"author_id": customer, "body": "Why does payroll fail on bank holidays?"},
                ],
            },
            {
                "subject": "Checking in",
                "requester_id": customer,
                "description": "Just checking your import worked.",
                "comments": [{"author_id": agent, "body": "Just checking your import worked."}],
            },
            {
                "subject": "Export",
                "requester_id": customer,
                "description": "How do I export my ledger to a spreadsheet?",
                "comments": [{"author_id": customer, "body": "How do I export my ledger?"}],
            },
        ]
    }
    assert sorted(q.text for q in parse_questions(json.dumps(tickets))) == [
        "Checking in",
        "Export: How do I export my ledger to a spreadsheet?",
        "Your payroll run: Why does payroll fail on bank holidays?",
    ]


def test_utf16_spreadsheet_text(tmp_path: Path) -> None:
    path = tmp_path / "questions.txt"
    path.write_bytes("question\tcount\nréinitialiser le mot de passe\t2\n".encode("utf-16"))
    got = load_questions(path)
    assert [(q.text, q.volume) for q in got] == [("réinitialiser le mot de passe", 2)]


def test_folder_given_as_questions(tmp_path: Path) -> None:
    with pytest.raises(QuestionsError, match="is a folder"):
        load_questions(tmp_path)


def test_tickets_keep_what_the_customer_wrote() -> None:
    # HTML, a greeting line, a sign-off and signature, a mobile footer, a quoted reply, a
    # forwarded message, "Re:"/"FW:" and a subject the help desk wrote for the channel
    assert sorted(q.text for q in load_questions(EXPORTS / "zendesk-tickets.json")) == [
        "Bank feed stopped: My bank feed stopped importing on Friday. How do I reconnect it?",
        "Can I print cheques from Ledgerly?",
        "Payment reminder: Why did this reminder go to a client who already paid?",
        "how do I split one payment across two invoices",  # a chat transcript: not the agent
        "where do I change the currency of a quote",
    ]
    assert [q.text for q in load_questions(EXPORTS / "freshdesk-tickets.json")] == [
        "Receipts: does the phone app read receipts in French?"
    ]


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("<p>How do I export <b>invoices</b>?</p>", "How do I export invoices?"),
        ("&lt;p&gt;reset my password&lt;/p&gt;", "reset my password"),
        ("fees for ACH &amp; wire", "fees for ACH & wire"),
        ("is <support@ledgerly.example> the right address", None),
    ],
)
def test_html_in_any_question_is_text(text: str, question: str | None) -> None:
    assert [q.text for q in parse_questions(f"question\n{json.dumps(text)}\n")] == [
        question or text
    ]


def test_greetings_and_thanks_alone_are_no_question() -> None:
    text = "hi\nHello?\nthanks!\nis anyone there\nhelp\nhi, where is my refund\n"
    assert [q.text for q in parse_questions(text)] == ["Where is my refund"]
    with pytest.raises(QuestionsError, match="only greetings"):
        parse_questions("hi\nthank you\n")


def test_a_chat_that_opens_with_a_greeting_gives_the_next_customer_message() -> None:
    chat = {
        "messages": [
            {"role": "user", "content": "hello"},
            {"role": "assistant", "content": "Hi! How can I help?"},
            {"role": "user", "content": "can I pay staff in two countries?"},
        ]
    }
    got = parse_questions(json.dumps(chat))
    assert [q.text for q in got] == ["can I pay staff in two countries?"]


@pytest.mark.parametrize(
    ("name", "questions"),
    [
        (
            # parts one level down; a source the team or a bot wrote is not the question
            "intercom-conversations.json",
            [
                "Can two people approve the same expense?",
                "does it work offline?",
                "how do I merge two customers",
            ],
        ),
        # a list of conversations, each a list of system/assistant/user messages
        (
            "chat-sessions.json",
            ["how do I undo a bank reconciliation", "which banks work in Ireland"],
        ),
    ],
)
def test_chat_exports_give_the_customers_first_question(name: str, questions: list[str]) -> None:
    assert sorted(q.text for q in load_questions(EXPORTS / name)) == questions


def test_chat_messages_under_conversation_and_roles_after_an_address() -> None:
    line = {
        "id": 3,
        "conversation": [
            {"from": "agent@ledgerly.example", "sender_type": "agent", "text": "Hi!"},
            {"from": "sam@bakery.example", "sender_type": "customer", "text": "export to csv?"},
        ],
    }
    assert [q.text for q in parse_questions(json.dumps(line) + "\n")] == ["export to csv?"]


def test_a_log_of_chat_messages_gives_each_conversations_first_question() -> None:
    # one row per message: the bot's and agents' rows and follow-ups are not questions
    got = [q.text for q in load_questions(EXPORTS / "chat-log.csv")]
    assert got == ["how do I give my bookkeeper access", "late fee on overdue invoices"]
    lines = [
        {"role": "assistant", "content": "How can I help?"},
        {"role": "user", "content": "close my account"},
        {"role": "user", "content": "delete my data too"},
    ]
    got = [q.text for q in parse_questions("".join(json.dumps(x) + "\n" for x in lines))]
    assert got == ["close my account", "delete my data too"]  # no conversation column


def test_a_table_of_cases_reads_the_subject_with_the_description() -> None:
    # "Refund" alone asks nothing the description does not say better
    assert sorted(q.text for q in load_questions(EXPORTS / "cases.csv")) == [
        "Does the app run on a Chromebook?",
        "Refund: Can I get my money back for the yearly plan if I cancel in month two?",
        "locked out: I typed the wrong code three times. How long until I can try again?",
    ]


def test_a_crm_tickets_export_with_columns_named_for_the_ticket() -> None:
    # HubSpot: "Ticket name" is the subject, "Ticket description" what the customer wrote; a
    # chat ticket's name is the help desk's
    text = (
        "Ticket ID,Ticket name,Ticket description,Pipeline,Ticket status,Source\n"
        '11,Login after new phone,"The app sends the code to my old number. How do I change '
        'it?",Support Pipeline,Closed,Email\n'
        '12,Wire fee,"Hi team,\n\nWhat does a wire to Canada cost?\n\nThanks,\nOli",Support '
        "Pipeline,New,Form\n"
        "13,New chat from website visitor,,Support Pipeline,New,Chat\n"
    )
    assert sorted(q.text for q in parse_questions(text)) == [
        "Login after new phone: The app sends the code to my old number. How do I change it?",
        "Wire fee: What does a wire to Canada cost?",
    ]


def test_cases_each_wrapped_in_its_type() -> None:
    # Desk.com lists each case as {"case": {...}}
    doc = {
        "results": [
            {"case": {"id": 1, "subject": "Refund twice?", "description": "I was refunded "
             "twice for order 4411, should I send one back?", "status": "open"}}
        ]
    }  # fmt: skip
    assert [q.text for q in parse_questions(json.dumps(doc), "cases.json")] == [
        "Refund twice?: I was refunded twice for order 4411, should I send one back?"
    ]


def test_community_posts_are_their_title_and_details() -> None:
    # a help center community's posts (Zendesk's /community/posts): the question is in the
    # details as much as in the title
    doc = {
        "posts": [
            {
                "id": 71,
                "title": "Export to Sage?",
                "details": "<p>Can invoices go straight into Sage, or only as a CSV?</p>",
                "author_id": 5,
            }
        ]
    }
    assert [q.text for q in parse_questions(json.dumps(doc), "posts.json")] == [
        "Export to Sage?: Can invoices go straight into Sage, or only as a CSV?"
    ]


def test_a_search_console_queries_export_counts_impressions() -> None:
    text = (
        "Top queries,Clicks,Impressions,CTR,Position\n"
        "ledgerly vat return,120,3400,3.53%,1.2\n"
        "ledgerly swift code,0,1200,0%,7.9\n"
    )
    got = {q.text: (q.volume, q.signal) for q in parse_questions(text)}
    assert got == {"ledgerly vat return": (3400, None), "ledgerly swift code": (1200, "no-clicks")}


@pytest.mark.parametrize(
    ("text", "questions"),
    [
        (  # a chat widget's transcript: header lines, then timed turns
            "Chat Transcript\nWebsite: Ledgerly\nVisitor: Mira\nDate: 2026-03-05\n\n"
            "[10:02] Visitor: hello\n[10:02] Agent (Tom): Hi Mira! How can I help?\n"
            "[10:03] Visitor: my import stopped, how long do bank feeds take?\n"
            "[10:04] Agent (Tom): Usually a day.\n[10:05] Visitor: ok thanks\n",
            ["my import stopped, how long do bank feeds take?"],
        ),
        (  # transcripts one after another, dated turns
            "Chat transcript with Pedro\n2026-03-06 14:10:02 Visitor: hi\n"
            "2026-03-06 14:10:10 Agent: Hello Pedro, what can I do for you?\n"
            "2026-03-06 14:10:45 Visitor: can I add a second user\n\n"
            "Chat transcript with Ana\n2026-03-06 15:00:00 Visitor: why is an invoice pending\n"
            "2026-03-06 15:01:00 Agent: Let me check.\n",
            ["can I add a second user", "why is an invoice pending"],
        ),
        (  # the customer named by the header, the agent speaking first
            "Chat transcript with Pedro\n(14:10) Julia: Hello, how can I help?\n"
            "(14:11) Pedro: how do I undo a payment\n",
            ["how do I undo a payment"],
        ),
        (  # no labels, no header: the agent opens with an offer of help; conversations
            # only a blank line apart, the same agent in two of them
            "[09:02] Priya Raman: Hi, welcome to Northbank! How can I help you today?\n"
            "[09:02] Tom Becker: my new card still hasn't arrived\n"
            "[09:03] Priya Raman: Let me check the status.\n\n"
            "[10:14] Priya Raman: Hello! What can I do for you?\n"
            "[10:15] Lena Ortiz: why was my transfer to Spain declined?\n\n"
            "[11:40] Marcus Hill: Hi\n"
            "[11:40] Marcus Hill: This is Marcus from Northbank, how may I assist?\n"
            "[11:41] Aisha Khan: hi\n[11:41] Aisha Khan: can I raise my ATM limit?\n",
            [
                "can I raise my ATM limit?",
                "my new card still hasn't arrived",
                "why was my transfer to Spain declined?",
            ],
        ),
        (  # a transcript with its turns spaced out, and a pause: still one conversation
            "[10:02] Visitor: hi\n\n[10:02] Agent: Hello!\n\n[10:03] Visitor: freeze my card\n\n"
            "[10:04] Agent: Done.\n[10:05] Visitor: and unfreeze it later?\n\n"
            "[10:20] Agent: In the app.\n[10:21] Visitor: ok\n",
            ["freeze my card"],
        ),
        (  # role labels without times, conversations a blank line apart
            "Customer: hi\nAgent: Hello! How can I help?\nCustomer: how do I reset my PIN?\n"
            "Agent: In the app, under Card.\n\n"
            "Customer: can I change my plan mid-month?\nAgent: Yes, from Settings.\n",
            ["can I change my plan mid-month?", "how do I reset my PIN?"],
        ),
        (  # speakers in brackets, no colon; a separator between conversations
            "[Visitor] hello\n[Agent] Hi, what can I do for you?\n"
            "[Visitor] why was my transfer declined?\n-----\n"
            "[Visitor] is there a fee for paying in euros?\n[Agent] No fee.\n",
            ["is there a fee for paying in euros?", "why was my transfer declined?"],
        ),
        (  # no times, the agent known by offering help
            "Visitor: hi\nSam: Hello! How can I help you today?\n"
            "Visitor: where is my refund\nSam: Let me check.\n",
            ["where is my refund"],
        ),
    ],
)
def test_chat_transcripts_in_plain_text(text: str, questions: list[str]) -> None:
    assert sorted(q.text for q in parse_questions(text)) == questions


def test_a_list_of_questions_with_colons_is_no_transcript() -> None:
    text = "Billing: why was I charged twice\nCards: how to freeze\nSupport: phone number\n"
    assert len(parse_questions(text)) == 3


def test_a_list_of_questions_stays_a_list_beside_transcript_shapes() -> None:
    """Lines that name a customer and one that offers help, each once, are a list of
    questions, not a conversation; a plain list stays a list."""
    text = (
        "Refunds: how can I help a customer get their money back?\nUser: cannot log in\n"
        "Cards: how to freeze\nhow do I order a new card?\n"
    )
    assert len(parse_questions(text)) == 4
    plain = "How do I reset my password?\nCan I change my plan?\nWhere is my invoice?\n"
    assert sorted(q.text for q in parse_questions(plain)) == sorted(plain.splitlines())


def test_chat_platform_exports_that_name_authors_by_id_or_call_the_team_user() -> None:
    # LiveChat: the chat lists its users; each event of its thread names only its author
    livechat = {
        "chats": [
            {
                "users": [
                    {"id": "c-1", "type": "customer"},
                    {"id": "a@x.example", "type": "agent"},
                ],
                "thread": {
                    "events": [
                        {"type": "system_message", "text": "Chat started"},
                        {"type": "message", "author_id": "a@x.example", "text": "How can I help?"},
                        {"type": "message", "author_id": "c-1", "text": "fee for paying in euros?"},
                    ]
                },
            }
        ]
    }
    assert [q.text for q in parse_questions(json.dumps(livechat))] == ["fee for paying in euros?"]
    # Drift: one list of messages of all conversations inside {"data": ...}; the team's
    # accounts and bots are "user", customers "contact"
    drift = {
        "data": {
            "messages": [
                {"conversationId": 1, "author": {"type": "user", "bot": True}, "body": "Welcome!"},
                {
                    "conversationId": 1,
                    "author": {"type": "contact"},
                    "body": "open a business account",
                },
                {"conversationId": 1, "author": {"type": "user"}, "body": "Let me connect you."},
                {"conversationId": 2, "author": {"type": "user", "bot": True}, "body": "Welcome!"},
                {
                    "conversationId": 2,
                    "author": {"type": "contact"},
                    "body": "move a standing order",
                },
            ]
        }
    }
    assert sorted(q.text for q in parse_questions(json.dumps(drift))) == [
        "move a standing order",
        "open a business account",
    ]


def test_a_forums_topic_list_gives_the_topic_titles() -> None:
    # Discourse: {"topic_list": {"topics": [...]}} beside the list of users
    topics = {
        "users": [{"id": 1, "username": "nora"}],
        "topic_list": {"per_page": 30, "topics": [{"id": 3, "title": "Savings interest monthly?"}]},
    }
    assert [q.text for q in parse_questions(json.dumps(topics))] == ["Savings interest monthly?"]


def test_a_slack_channels_day_gives_the_messages_that_start_a_thread() -> None:
    # a day file of a Slack export: joins, bot posts and the replies in a thread are not asked
    day = [
        {"type": "message", "subtype": "channel_join", "ts": "1.0", "user": "U3", "text": "joined"},
        {
            "type": "message",
            "ts": "2.0",
            "thread_ts": "2.0",
            "user": "U3",
            "text": "add a co-owner?",
        },
        {"type": "message", "ts": "3.0", "thread_ts": "2.0", "user": "U2", "text": "In Settings."},
        {"type": "message", "ts": "4.0", "thread_ts": "2.0", "user": "U3", "text": "found it"},
        {
            "type": "message",
            "subtype": "bot_message",
            "ts": "5.0",
            "text": "Check the status page.",
        },
        {"type": "message", "ts": "6.0", "bot_id": "B2", "text": "New ticket #4411 created"},
        {"type": "message", "ts": "7.0", "user": "U4", "text": "export transactions to CSV?"},
        {
            "type": "message",
            "subtype": "file_share",
            "ts": "8.0",
            "user": "U5",
            "text": "why this fee?",
        },
    ]
    assert sorted(q.text for q in parse_questions(json.dumps(day))) == [
        "add a co-owner?",
        "export transactions to CSV?",
        "why this fee?",
    ]


def test_plain_lists_lose_their_markers_and_quotes() -> None:
    text = (
        "- how do I add a discount\n* change invoice numbers\n• connect PayPal\n"
        "1. set payment terms\n2) find credit notes\n(3) void a bill\n"
        "\"reset password\"\n“close my account”\n'add' or 'remove' users\n"
        "-5% early payment discount\n"
    )
    assert sorted(q.text for q in parse_questions(text)) == [
        "'add' or 'remove' users",
        "-5% early payment discount",
        "change invoice numbers",
        "close my account",
        "connect PayPal",
        "find credit notes",
        "how do I add a discount",
        "reset password",
        "set payment terms",
        "void a bill",
    ]


@pytest.mark.parametrize(
    "title",
    [
        "Top searches last 30 days",
        "Questions from chat, March",
        "Unanswered questions (Q1 2024)",
        "Search terms - week 12",
        "Customer questions:",
        "Export\n=======",
    ],
)
def test_a_plain_lists_title_is_no_question(title: str) -> None:
    text = f"{title}\nhow do I change my PIN\n\nwhy was my transfer declined\n"
    assert sorted(q.text for q in parse_questions(text)) == [
        "how do I change my PIN",
        "why was my transfer declined",
    ]


@pytest.mark.parametrize(
    "first",
    ["open tickets", "messages from the bank not arriving", "Questions about card fees"],
)
def test_a_first_question_like_a_title_is_kept(first: str) -> None:
    text = f"{first}\nwhy was my transfer declined\n"
    assert len(parse_questions(text)) == 2


def test_comment_lines_before_a_tables_header() -> None:
    # analytics exports open with "# ..." lines (report name, date range) and a blank line
    text = "# Search terms\n# 20261101-20261130\n\nquery,count\nreset password,4\n"
    assert [(q.text, q.volume) for q in parse_questions(text)] == [("reset password", 4)]


@pytest.mark.parametrize(
    "text",
    [
        "\n\nquestion,count\nok,1\nreset,many\n",
        "sep=,\nquestion,count\nok,1\nfine,2\nreset,many\n",
        "# export\n\nquestion,count\nok,1\nreset,many\n",
    ],
)
def test_errors_name_the_line_of_the_file(text: str) -> None:
    with pytest.raises(QuestionsError, match="line 5: volume 'many'"):
        parse_questions(text)


@pytest.mark.parametrize(
    "text",
    [
        "Frage;Anzahl\nWie storniere ich eine Rechnung?;7\n",
        "Pregunta,Cantidad\n¿Cómo anulo una factura?,7\n",
        "Recherche,Nombre de recherches\nannuler une facture,7\n",
        "Search term,Events,Total users\nvoid an invoice,7,5\n",
        "Conversation ID,Started at,First message,Count\n1,2026-11-01,void an invoice,7\n",
    ],
)
def test_column_names_of_other_languages_and_analytics_tools(text: str) -> None:
    assert [q.volume for q in parse_questions(text)] == [7]


def test_search_analytics_hits_and_click_through_rate() -> None:
    text = "search,count,clickThroughRate,nbHits\nvoid invoice,9,0,0\nlate fee,5,0,3\nvat,4,0.4,8\n"
    got = {q.text: q.signal for q in parse_questions(text)}
    assert got == {"void invoice": NO_RESULTS, "late fee": "no-clicks", "vat": None}


def test_the_same_question_in_other_unicode_forms_is_merged() -> None:
    text = "Can’t log in\ncan't log in\nｒｅｓｅｔ password\nreset password\ncafe\u0301 menu\ncafé menu\n"
    got = sorted((q.text, q.volume) for q in parse_questions(text))
    assert got == [("Can’t log in", 2), ("cafe\u0301 menu", 2), ("ｒｅｓｅｔ password", 2)]


@pytest.mark.parametrize(
    ("text", "volume"),
    [
        ("Suchbegriff;Anzahl\nRechnung stornieren;1.234\n", 1234),
        ("Suchbegriff;Anzahl\nRechnung stornieren;2.345.678\n", 2345678),
        ("Recherche;Nombre\nannuler facture;1\u00a0234\n", 1234),
        ('query,count\nvoid invoice,"1\'234"\n', 1234),
        ('query,count\nvoid invoice,"1,234"\n', 1234),
        ("query,count\nvoid invoice,2.6\n", 3),
    ],
)
def test_counts_with_thousands_separators(text: str, volume: int) -> None:
    assert [q.volume for q in parse_questions(text)] == [volume]


def test_help_desks_that_flag_who_wrote_each_message() -> None:
    # Gorgias: tickets with messages flagged from_agent; the subject is kept
    assert sorted(q.text for q in load_questions(EXPORTS / "gorgias-tickets.json")) == [
        "Annual plan: I moved to the annual plan last week. Will I get a refund for the rest "
        "of the month?",
        "can the receipt scanner read PDF files",
    ]
    # Front (is_inbound) and Freshdesk conversations (incoming)
    lines = [
        {
            "messages": [
                {"is_inbound": False, "text": "Our update"},
                {"is_inbound": True, "text": "unsubscribe me"},
            ]
        },
        {"conversations": [{"incoming": True, "body_text": "bank feed shows payments twice"}]},
    ]
    got = parse_questions("".join(json.dumps(x) + "\n" for x in lines))
    assert sorted(q.text for q in got) == ["bank feed shows payments twice", "unsubscribe me"]


def test_not_utf8_is_an_error_unless_warnings_are_collected(tmp_path: Path) -> None:
    path = tmp_path / "questions.csv"
    path.write_bytes("question\nréinitialiser\n".encode("cp1252"))
    with pytest.raises(QuestionsError, match="not UTF-8"):
        load_questions(path)
    warnings: list[str] = []
    assert [q.text for q in load_questions(path, warnings=warnings)] == ["réinitialiser"]
    assert "read as Windows-1252" in warnings[0]


@pytest.mark.parametrize(
    "text",
    [
        "reset password\t12\nwhere is my refund\t4\n",  # a query's output, no header
        "reset password,12\nwhere is my refund,4\n",
        "12;reset password;0.4\n4;where is my refund;0.1\n",
    ],
)
def test_a_table_without_a_header_row(text: str) -> None:
    got = [(q.text, q.volume) for q in parse_questions(text)]
    assert got == [("reset password", 12), ("where is my refund", 4)]


def test_errors_about_a_table_name_the_file() -> None:
    with pytest.raises(
        QuestionsError, match=r"^log\.csv looks like a table with columns id, asked"
    ):
        parse_questions("id,asked\n1,hello\n", where="log.csv")
    with pytest.raises(QuestionsError, match=r"^log\.csv line 5: volume 'many'"):
        parse_questions("reset,12\nrefund,4\nvat,3\nfees,1\nplan,many\n", where="log.csv")


def test_a_log_of_searches_flags_those_without_results() -> None:
    text = "query,no_results\nvoid invoice,true\nvoid invoice,TRUE\nreset password,false\n"
    got = {q.text: (q.volume, q.signal) for q in parse_questions(text)}
    assert got == {"void invoice": (2, NO_RESULTS), "reset password": (1, None)}
    lines = '{"query": "void invoice", "no_results": true}\n{"query": "vat", "no_results": false}\n'
    assert {q.text: q.signal for q in parse_questions(lines)} == {
        "void invoice": NO_RESULTS,
        "vat": None,
    }


def test_chat_logs_of_a_model_api() -> None:
    # content as a list of parts, and messages under a name of the log's own ("input")
    lines = [
        {
            "messages": [
                {"role": "system", "content": [{"type": "text", "text": "Be brief."}]},
                {"role": "user", "content": [{"type": "text", "text": "add a sales tax rate"}]},
            ]
        },
        {"input": [{"role": "user", "content": [{"type": "input_text", "text": "lock a period"}]}]},
    ]
    got = parse_questions("".join(json.dumps(x) + "\n" for x in lines))
    assert sorted(q.text for q in got) == ["add a sales tax rate", "lock a period"]


def test_help_scout_conversations_give_the_customers_first_thread() -> None:
    # the API's page: conversations under `_embedded`, threads newest first under each
    # conversation's `_embedded`; notes, line items and replies are the team's (`user`)
    def thread(kind: str, by: str, at: str, body: str | None = None) -> dict:
        made = {"type": kind, "createdBy": {"id": 1, "type": by}, "createdAt": at}
        return made | ({"body": body} if body is not None else {"action": {"type": "closed"}})

    page = {
        "_embedded": {
            "conversations": [
                {
                    "subject": "Card declined abroad",
                    "threads": 5,
                    "createdBy": {"id": 12, "type": "customer"},
                    "_embedded": {
                        "threads": [
                            thread("customer", "customer", "2024-03-04T11:02:00Z", "any news?"),
                            thread("note", "user", "2024-03-04T10:40:00Z", "<p>Fraud rule.</p>"),
                            thread("lineitem", "user", "2024-03-04T10:39:00Z"),
                            thread(
                                "message", "user", "2024-03-04T10:38:00Z", "<p>Hi! Try now.</p>"
                            ),
                            thread(
                                "customer",
                                "customer",
                                "2024-03-04T09:12:44Z",
                                "<div>Hi,</div><div>Is there a limit on card payments in "
                                "Portugal?</div><div>Thanks,</div><div>Maria</div>",
                            ),
                        ]
                    },
                },
                {
                    "subject": "Following up on your statement request",
                    "createdBy": {"id": 4, "type": "user"},
                    "_embedded": {
                        "threads": [
                            thread("customer", "customer", "2024-03-05T09:30:00Z", "ok. when?"),
                            thread("message", "user", "2024-03-05T08:00:00Z", "We need a file."),
                        ]
                    },
                },
            ]
        },
        "page": {"size": 25, "totalElements": 2, "totalPages": 1, "number": 1},
    }
    assert sorted(q.text for q in parse_questions(json.dumps(page))) == [
        "Is there a limit on card payments in Portugal?",
        "ok. when?",
    ]


def test_kustomer_messages_give_each_conversations_first_inbound_message() -> None:
    # JSON:API: the fields under `attributes`, the conversation under `relationships`;
    # direction "in" is the customer's, "out" the team's
    def message(conversation: str, direction: str, preview: str, **more: str) -> dict:
        return {
            "type": "message",
            "id": f"m{len(preview)}{direction}",
            "attributes": {"channel": "chat", "direction": direction, "preview": preview, **more},
            "relationships": {
                "conversation": {"data": {"type": "conversation", "id": conversation}},
                "customer": {"data": {"type": "customer", "id": "c-7"}},
            },
        }

    page = {
        "data": [
            message("conv-1", "in", "hi there"),
            message("conv-1", "in", "my card was charged twice, how do I dispute one?"),
            message("conv-1", "out", "Sorry about that! I can open a dispute for you."),
            message("conv-2", "out", "Your replacement card was posted today."),
            message("conv-2", "in", "can I use it before the old one expires?"),
            message("conv-3", "in", "fee for sending money to Mexico"),
        ],
        "links": {"next": None},
    }
    assert sorted(q.text for q in parse_questions(json.dumps(page))) == [
        "can I use it before the old one expires?",
        "fee for sending money to Mexico",
        "my card was charged twice, how do I dispute one?",
    ]
    # the same log as a table with a Direction column
    table = "Conversation,Direction,Preview\n1,out,Welcome!\n1,in,close my account\n"
    assert [q.text for q in parse_questions(table)] == ["close my account"]


def test_kustomer_messages_are_read_in_the_order_they_were_written() -> None:
    # the export lists messages in no particular order; `createdAt` says which came first
    def message(conversation: str, direction: str, preview: str, at: str) -> dict:
        return {
            "type": "message",
            "id": f"m-{conversation}-{at}",
            "attributes": {"direction": direction, "preview": preview, "createdAt": at},
            "relationships": {
                "conversation": {"data": {"type": "conversation", "id": conversation}}
            },
        }

    page = {
        "data": [
            message(
                "conv-1", "in", "and can I get a refund for the second?", "2024-05-02T10:06:00Z"
            ),
            message("conv-1", "out", "Sorry about that! Let me look.", "2024-05-02T10:05:00Z"),
            message("conv-1", "in", "my card was charged twice", "2024-05-02T10:04:00Z"),
            message("conv-2", "in", "thanks, bye", "2024-05-03T09:10:00Z"),
            message("conv-2", "in", "how do I order a new PIN?", "2024-05-03T09:00:00Z"),
            message("conv-2", "in", "and change it later?", "2024-05-03T09:02:00Z"),
        ]
    }
    assert sorted(q.text for q in parse_questions(json.dumps(page))) == [
        "how do I order a new PIN?",
        "my card was charged twice",
    ]
    # a conversation with its messages inside, in no particular order
    chat = {
        "conversations": [
            {
                "id": "conv-3",
                "messages": [
                    {
                        "direction": "in",
                        "preview": "ok thanks",
                        "created_at": "2024-05-04T08:09:00Z",
                    },
                    {
                        "direction": "in",
                        "preview": "is there a fee to close my account?",
                        "created_at": "2024-05-04T08:01:00Z",
                    },
                    {
                        "direction": "out",
                        "preview": "No fee.",
                        "created_at": "2024-05-04T08:05:00Z",
                    },
                    {
                        "direction": "in",
                        "preview": "and the card?",
                        "created_at": "2024-05-04T08:07:00Z",
                    },
                ],
            }
        ]
    }
    assert [q.text for q in parse_questions(json.dumps(chat))] == [
        "is there a fee to close my account?"
    ]
    # the same log as a table
    table = (
        "Conversation,Direction,Preview,Created At\n"
        "1,in,where is my statement,2024-05-05T10:03:00Z\n"
        "1,in,close my account,2024-05-05T10:01:00Z\n"
    )
    assert [q.text for q in parse_questions(table)] == ["close my account"]


def test_a_forums_category_definition_and_pinned_topics_are_no_questions() -> None:
    # Discourse writes an "About the ... category" topic for each category and pins it; an
    # admin may unpin, close or archive it, or the forum may be in another language
    def topic(title: str, pinned: bool = False, closed: bool = False) -> dict:
        return {
            "id": len(title),
            "title": title,
            "posts_count": 1,
            "archetype": "regular",
            "pinned": pinned,
            "pinned_globally": False,
            "closed": closed,
            "archived": closed,
            "category_id": 5,
        }

    page = {
        "users": [{"id": 1, "username": "marta_admin", "admin": True}],
        "topic_list": {
            "per_page": 30,
            "topics": [
                topic("About the Billing & Payments category", pinned=True),
                topic("About the Cards category", closed=True),
                topic("Über die Kategorie Konto"),
                topic("Read this before posting: forum guidelines", pinned=True),
                topic("Refund still not on my card after 10 days"),
                topic("Can I get a VAT invoice for an annual plan?", closed=True),
                topic("Question about the premium category of accounts"),
            ],
        },
    }
    assert sorted(q.text for q in parse_questions(json.dumps(page))) == [
        "Can I get a VAT invoice for an annual plan?",
        "Question about the premium category of accounts",
        "Refund still not on my card after 10 days",
    ]


def test_zendesk_search_report_flags_searches_that_ended_in_a_ticket() -> None:
    # a search that ended in a ticket far more often than the log's searches do (here 101
    # tickets in 2,740 searches) is a gap signal; "Avg. results" of 0 is no result
    text = (
        "Search string,Searches,Avg. results,Clicks,Tickets created\n"
        "reset password,1480,12,962,3\n"
        "card declined abroad,412,7,188,61\n"
        "change pin,390,9,301,0\n"
        "transfer limit,233,4,0,0\n"
        "crypto withdrawal,98,0,0,14\n"
        "dispute a charge,87,6,41,22\n"
        "joint account,40,5,12,1\n"
    )
    got = {q.text: q.signal for q in parse_questions(text)}
    assert got == {
        "reset password": None,
        "card declined abroad": TICKET_AFTER_SEARCH,
        "change pin": None,
        "transfer limit": "no-clicks",
        "crypto withdrawal": NO_RESULTS,
        "dispute a charge": TICKET_AFTER_SEARCH,
        "joint account": None,
    }
    # one row per search, flagged when it led to a ticket
    log = "query,ticket_created\nclose account,true\nclose account,false\nvat,false\nfee,false\n"
    got = {q.text: q.signal for q in parse_questions(log)}
    assert got == {"close account": TICKET_AFTER_SEARCH, "vat": None, "fee": None}


def test_a_slack_export_folder_gives_the_customers_posts_that_start_a_thread(
    tmp_path: Path,
) -> None:
    # channels.json and users.json beside a folder per channel of day files; admins',
    # owners' and bots' posts are the team's; direct messages are not read
    def write(name: str, value: object) -> None:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(json.dumps(value), encoding="utf-8")

    def post(user: str, ts: str, text: str, **more: str) -> dict:
        return {"type": "message", "user": user, "ts": ts, "text": text, **more}

    write("channels.json", [{"id": "C1", "name": "help-desk"}, {"id": "C2", "name": "general"}])
    write(
        "users.json",
        [
            {"id": "U1", "name": "marta", "is_admin": True, "is_owner": True},
            {"id": "U2", "name": "kofi", "is_admin": True, "profile": {"display_name": "Kofi"}},
            {"id": "U3", "name": "statusbot", "is_bot": True},
            {"id": "U7", "name": "dmitri", "is_admin": False, "is_restricted": True},
            {"id": "U8", "name": "ana", "is_admin": False},
        ],
    )
    write("integration_logs.json", [])
    write(
        "help-desk/2024-03-04.json",
        [
            post("U8", "1.0", "<@U8> has joined the channel", subtype="channel_join"),
            post("U1", "2.0", "Heads up: app 5.2 is out, update before reporting login issues"),
            post("U7", "3.0", "how do I add a joint account holder?", thread_ts="3.0"),
            post("U2", "4.0", "Under Profile > Account holders.", thread_ts="3.0"),
        ],
    )
    write(
        "help-desk/2024-03-05.json",
        [
            post("U2", "5.0", "Branch hours change, see <https://bank.example/hours|this page>"),
            post("U8", "6.0", "<@U2> is there a fee for paying by card in Japan?"),
            post("U3", "7.0", "Card payments are delayed for some customers"),
        ],
    )
    write("general/2024-03-04.json", [post("U7", "8.0", "can I freeze my card online?")])
    write("D0DM12345/2024-03-04.json", [post("U8", "9.0", "private: my PIN is blocked")])
    # the @mention that addresses the post is whom it was sent to, not what was asked
    assert sorted(q.text for q in load_questions(tmp_path)) == [
        "can I freeze my card online?",
        "how do I add a joint account holder?",
        "is there a fee for paying by card in Japan?",
    ]
    # one channel's folder: that channel, with the users of the export above it
    assert sorted(q.text for q in load_questions(tmp_path / "general")) == [
        "can I freeze my card online?"
    ]


def test_issue_trackers_read_the_summary_with_the_description() -> None:
    jira = (
        "Summary,Issue key,Issue Type,Status,Description\n"
        '"Add a second user to our account",HELP-7,Question,Open,'
        '"Hi team, we hired a bookkeeper and want to give him access. Thanks, Priya"\n'
    )
    servicenow = (
        '"number","short_description","description","state"\n'
        '"INC0042","Bank feed stopped","The feed for our savings account stopped on Monday.","New"\n'
    )
    assert [q.text for q in parse_questions(jira)] == [
        "Add a second user to our account: We hired a bookkeeper and want to give him access."
    ]
    assert [q.text for q in parse_questions(servicenow)] == [
        "Bank feed stopped: The feed for our savings account stopped on Monday."
    ]


def test_an_analytics_export_keeps_its_search_terms_only() -> None:
    export = (
        "# Search terms\n# Start date: 20261101\n"
        "Search term,Event count,Total users\n"
        "Grand total,64,50\n"
        "export to pdf,41,38\n"
        "(not set),9,9\n"
        "paypal,14,12\n"
    )
    assert [(q.text, q.volume) for q in parse_questions(export)] == [
        ("export to pdf", 41),
        ("paypal", 14),
    ]


def test_issue_tracker_and_case_exports_in_json() -> None:
    jira = {
        "startAt": 0,
        "issues": [
            {
                "key": "HELP-3",
                "fields": {
                    "summary": "Bank feed stopped",
                    "description": {  # Jira Cloud's rich text
                        "type": "doc",
                        "content": [
                            {"type": "paragraph", "content": [{"type": "text", "text": "Hi,"}]},
                            {
                                "type": "paragraph",
                                "content": [
                                    {"type": "text", "text": "The feed for our "},
                                    {"type": "text", "text": "savings", "marks": [{"type": "em"}]},
                                    {"type": "text", "text": " account stopped."},
                                ],
                            },
                        ],
                    },
                },
            }
        ],
    }
    servicenow = {"result": [{"short_description": "Payroll run failed", "description": ""}]}
    salesforce = {
        "status": 0,
        "result": {
            "records": [
                {
                    "attributes": {"type": "Case"},
                    "Subject": "Cannot print statements",
                    "Description": "The printed statement is blank.",
                }
            ]
        },
    }
    assert [q.text for q in parse_questions(json.dumps(jira))] == [
        "Bank feed stopped: The feed for our savings account stopped."
    ]
    assert [q.text for q in parse_questions(json.dumps(servicenow))] == ["Payroll run failed"]
    assert [q.text for q in parse_questions(json.dumps(salesforce))] == [
        "Cannot print statements: The printed statement is blank."
    ]


def test_a_log_of_posts_gives_the_customers_opening_posts() -> None:
    # posts to a brand's support account, one row each: an inbound flag (True: the
    # customer's), the post each answers; replies of either side are no opening question,
    # and the @handles a post is addressed to are not what was asked
    log = (
        "post_id,author_id,inbound,created_at,text,response_post_id,in_response_to_post_id\n"
        "11,4401,True,Mon Mar 04 09:12:00 +0000 2024,"
        "@AcmeBankHelp my card was declined at the airport twice?,12,\n"
        "12,AcmeBankHelp,False,Mon Mar 04 09:20:00 +0000 2024,"
        '"@4401 Sorry to hear that! Please DM us the last four digits. ^JL '
        'https://t.example/abc",13,11\n'
        "13,4401,True,Mon Mar 04 09:25:00 +0000 2024,@AcmeBankHelp done sent you a DM,,12\n"
        "14,4402,True,Mon Mar 04 10:02:00 +0000 2024,"
        "how do I raise my transfer limit in the app @AcmeBankHelp @4480,,\n"
        "15,AcmeBankHelp,False,Mon Mar 04 10:30:00 +0000 2024,"
        "@4402 Under Settings > Limits. ^PK,,14\n"
        "16,4403,True,Mon Mar 04 11:00:00 +0000 2024,@AcmeBankHelp hi,,\n"
    )
    assert sorted(q.text for q in parse_questions(log)) == [
        "how do I raise my transfer limit in the app",
        "my card was declined at the airport twice?",
    ]
    # the same as JSON Lines, with the flag written true/false
    lines = [
        {"id": 1, "inbound": True, "text": "@AcmeBankHelp where do I see my IBAN?"},
        {"id": 2, "inbound": False, "text": "@77 In the app, under Account.", "in_reply_to": 1},
        {"id": 3, "inbound": True, "text": "can I order a second card for my partner?"},
    ]
    text = "\n".join(json.dumps(line) for line in lines)
    assert sorted(q.text for q in parse_questions(text)) == [
        "can I order a second card for my partner?",
        "where do I see my IBAN?",
    ]


def test_dialogue_turns_named_utterances() -> None:
    # dialogues of a data set: turns with a speaker (USER, SYSTEM) and an utterance
    dialogues = [
        {
            "dialogue_id": "1_001",
            "turns": [
                {"speaker": "USER", "utterance": "I want to move 200 dollars to savings."},
                {"speaker": "SYSTEM", "utterance": "From which account?"},
                {"speaker": "USER", "utterance": "From checking."},
            ],
        },
        {
            "dialogue_id": "1_002",
            "turns": [
                {"speaker": "USER", "utterance": "What is my checking balance?"},
                {"speaker": "SYSTEM", "utterance": "It is 420 dollars."},
            ],
        },
    ]
    assert sorted(q.text for q in parse_questions(json.dumps(dialogues))) == [
        "I want to move 200 dollars to savings.",
        "What is my checking balance?",
    ]


def test_a_data_set_of_questions_in_parts() -> None:
    # an intent data set: parts (train, test, out of scope), each a list of [text, intent]
    parts = {
        "train": [["how do i unlock my card", "card_unlock"], ["unlock card", "card_unlock"]],
        "test": [["what's the fee for a wire abroad", "wire_fee"]],
        "oos_test": [["who won the game last night", "oos"], ["hello", "greeting"]],
    }
    got = {q.text: q.volume for q in parse_questions(json.dumps(parts))}
    assert got == {
        "how do i unlock my card": 1,
        "unlock card": 1,
        "what's the fee for a wire abroad": 1,
        "who won the game last night": 1,
    }
    # its one list under a name of its own, of records with a text
    named = {"test_data_annotation": [{"text": "set an alarm for six", "intent": "alarm_set"}]}
    assert [q.text for q in parse_questions(json.dumps(named))] == ["set an alarm for six"]
    # a search log given as [query, count] rows
    rows = [["reset password", 12], ["close account", 3]]
    got = {q.text: q.volume for q in parse_questions(json.dumps(rows))}
    assert got == {"reset password": 12, "close account": 3}


def test_a_chat_bot_training_set_gives_its_requests() -> None:
    # customer requests with their intent and a written answer: the request is the question;
    # a template's blank ({{Order Number}}, {product}) that many requests hold is no word the
    # customer asked
    items = ["shoes", "coat", "bag", "scarf", "belt", "hat", "gloves", "socks", "boots", "tie"]
    rows = "".join(
        f"BQ,how can i return the {item} from order {{{{Order Number}}}} ?,REFUND,return_item,"
        f'"Sure.\n\n1. Open {{{{Orders Page}}}}.\n2. Pick the order."\n'
        for item in items
    )
    text = "flags,instruction,category,intent,response\n" + rows
    text += "BL,my {product} is late,DELIVERY,track_parcel,Check {{Tracking Page}}.\n" * 10
    got = {q.text: q.volume for q in parse_questions(text)}
    assert got["how can i return the shoes from order?"] == 1
    assert got["my is late"] == 10
    assert len(got) == 11
    # a few questions about a template language keep their braces
    asked = ["how do I print {{ page.title }} in a layout", "what does {{ content }} hold"]
    assert sorted(q.text for q in parse_questions("\n".join(asked * 3))) == sorted(asked)


def test_dialogue_data_sets_in_their_own_shapes() -> None:
    def read(value: object) -> list[str]:
        return sorted(q.text for q in parse_questions(json.dumps(value)))

    # dialogues keyed by their ids, turns that do not say who wrote them: the two sides take
    # turns, the customer first
    keyed = {
        "D01.json": {
            "goal": {"message": ["Ask for a cheap hotel"]},
            "log": [
                {"text": "I need a cheap hotel near the station.", "metadata": {}},
                {"text": "There are three. Any area?", "metadata": {"hotel": {}}},
                {"text": "The north, please.", "metadata": {}},
            ],
        },
        "D02.json": {"log": [{"text": "hello"}, {"text": "Hi!"}, {"text": "Is the pool open?"}]},
    }
    assert read(keyed) == ["I need a cheap hotel near the station.", "Is the pool open?"]
    # a bot that opens by offering help is not the customer; turns as plain strings, JSONL
    lines = [
        {"id": "a1", "turns": ["Hello, how may I help you?", "can I pay my bill by phone?"]},
        {"id": "a2", "turns": ["Hi! How can I help you today?", "hi", "ok", "where is my refund"]},
    ]
    text = "\n".join(json.dumps(line) for line in lines)
    assert sorted(q.text for q in parse_questions(text)) == [
        "can I pay my bill by phone?",
        "where is my refund",
    ]
    # messages as [speaker, text] pairs, or as texts their speaker opens
    pairs = [
        {"convo_id": 7, "original": [["agent", "Hi! How can I help?"], ["customer", "hi"],
                                     ["customer", "My promo code does not work"]]},
        {"convo_id": 8, "dialogue": ["customer: Hello.", "agent: Hello, how can I help you?",
                                     "customer: Can I move my flight to Friday?"]},
    ]  # fmt: skip
    assert read(pairs) == ["Can I move my flight to Friday?", "My promo code does not work"]
    # turns holding both sides: the user's utterance and the system's response
    both = {
        "set--train--1": {
            "log": [
                {"user utterance": "Do you ship to Norway?", "system response": "We do."},
                {"user utterance": "How long does it take?", "system response": "A week."},
            ]
        },
        "set--train--2": {
            "log": [
                {"transcript": "a vegan place in the centre", "system_transcript": "Hello!"},
            ]
        },
    }
    assert read(both) == ["Do you ship to Norway?", "a vegan place in the centre"]
    # a flag on each turn, its text as a list of sentences, the dialogue one level down; the
    # speakers of a booking data set (USR, wizard)
    flagged = [
        {
            "dialog": {
                "dialog_id": "f1",
                "turns": [
                    {"is_agent": False, "sentences": ["My parcel is late.", "Where is it?"]},
                    {"is_agent": True, "sentences": ["Sorry! Please DM us."]},
                ],
            },
            "summaries": {"abstractive_summaries": [["Customer asks about a late parcel."]]},
        },
        {"utterances": [{"speaker": "wizard", "text": "Hello, where to?"},
                        {"speaker": "USR", "text": "A trip to Lisbon for two in May"}]},
    ]  # fmt: skip
    assert read(flagged) == ["A trip to Lisbon for two in May", "My parcel is late. Where is it?"]


def test_webhook_events_and_a_conversations_opening_message() -> None:
    # events of a webhook, each wrapping a conversation whose opening message is apart
    # (`conversation_message`, as Intercom's older API gives it); one the team opened
    def event(author: str, body: str) -> dict:
        conversation = {
            "type": "conversation",
            "conversation_message": {"body": f"<p>{body}</p>", "author": {"type": author}},
            "conversation_parts": {
                "conversation_parts": [
                    {"part_type": "note", "body": "<p>VIP</p>", "author": {"type": "admin"}}
                ]
            },
        }
        return {"type": "notification_event", "data": {"item": conversation}}

    events = [
        event("user", "Can I pay invoices by bank transfer?"),
        event("admin", "Your trial ends tomorrow"),
        event("lead", "Do you offer a nonprofit discount?"),
    ]
    assert sorted(q.text for q in parse_questions(json.dumps(events))) == [
        "Can I pay invoices by bank transfer?",
        "Do you offer a nonprofit discount?",
    ]
    text = "\n".join(json.dumps(e) for e in events)
    assert len(parse_questions(text)) == 2
    # one event alone, whose customer only asked for help, says so
    with pytest.raises(QuestionsError, match="beyond a greeting"):
        parse_questions(json.dumps(event("user", "I need help!")))
    # a ticket's first message apart (`first_message`), flagged as the agent's or not
    tickets = [
        {"id": 1, "first_message": {"body_text": "Where is order 1182?", "from_agent": False}},
        {"id": 2, "first_message": {"body_text": "Your order has shipped", "from_agent": True}},
    ]
    assert [q.text for q in parse_questions(json.dumps(tickets))] == ["Where is order 1182?"]


def test_a_file_of_the_teams_messages_only_says_so() -> None:
    # a ticket's replies and private notes (incoming: false) without the customer's
    notes = [
        {"body_text": "Private note: refund approved", "incoming": False, "private": True},
        {"body_text": "We have refunded you", "incoming": False, "private": False},
    ]
    with pytest.raises(QuestionsError, match="every message is the team's"):
        parse_questions(json.dumps(notes))


def test_a_search_log_without_a_header_row() -> None:
    # one row per search: user id, time, market, query, duration, shown and clicked
    # addresses; the query is the column of words, the numbers are no counts
    log = (
        "5120\t3/4/2024 9:02:11 AM\ten-us\treset my password\t41\thelp.example.com/reset\tNULL\n"
        "5121\t3/4/2024 9:03:40 AM\ten-gb\texport invoices\t380\thelp.example.com/export;"
        "help.example.com/invoices\thelp.example.com/export\n"
        "5120\t3/4/2024 9:05:02 AM\ten-us\treset my password\t12\thelp.example.com/reset\t"
        "help.example.com/reset\n"
        "5188\t3/5/2024 1:15:40 PM\ten-ca\tvat\t9\tNULL\tNULL\n"
    )
    got = {q.text: q.volume for q in parse_questions(log)}
    assert got == {"reset my password": 2, "export invoices": 1, "vat": 1}
    # a list of questions with commas stays a list
    text = "how do I pay, and when, by card?\nwhere is my invoice, the one from May?\n"
    assert len(parse_questions(text)) == 2


def test_json_written_column_by_column_and_nested_texts() -> None:
    # a table written column by column, as a data frame's to_dict gives it
    columns = {"question": ["close my account", "add a user"], "count": [7, 2]}
    got = {q.text: q.volume for q in parse_questions(json.dumps(columns))}
    assert got == {"close my account": 7, "add a user": 2}
    # a record's question given as an object with its text
    nested = [{"userInput": {"text": "I want to fly to Oslo"}, "labels": []}]
    assert [q.text for q in parse_questions(json.dumps(nested))] == ["I want to fly to Oslo"]
    # one-turn dialogues keyed by their ids, the turn alone rather than in a list
    one_turn = {
        "set--train--1": {"log": {"user utterance": "is my card on its way", "system response": "card_arrival"}},
        "set--train--2": {"log": {"user utterance": "change my pin", "system response": "change_pin"}},
    }  # fmt: skip
    got_texts = sorted(q.text for q in parse_questions(json.dumps(one_turn)))
    assert got_texts == ["change my pin", "is my card on its way"]
    # a data set in two parts of one length stays two parts
    parts = {"train": [["reset my pin", "pin"]], "test": [["lost card", "card"]]}
    assert sorted(q.text for q in parse_questions(json.dumps(parts))) == [
        "lost card",
        "reset my pin",
    ]


def test_a_messaging_history_with_nested_texts_and_participant_lists() -> None:
    # conversations whose messages say who sent them (Consumer, Agent) and nest their text;
    # a list of participants with roles beside the messages is not the messages
    record = {
        "info": {"conversationId": "c-1", "status": "CLOSE"},
        "messageRecords": [
            {"messageData": {"msg": {"text": "hello"}}, "sentBy": "Consumer", "seq": 0},
            {"messageData": {"msg": {"text": "Hi, how can I help?"}}, "sentBy": "Agent", "seq": 1},
            {
                "messageData": {"msg": {"text": "Can I get a paper statement?"}},
                "sentBy": "Consumer",
            },
        ],
        "agentParticipants": [{"agentId": "77", "role": "AGENT"}],
        "consumerParticipant": [{"participantId": "p-1", "consumerName": "Visitor"}],
    }
    page = {"_metadata": {"count": 1}, "conversationHistoryRecords": [record]}
    assert [q.text for q in parse_questions(json.dumps(page))] == ["Can I get a paper statement?"]


def test_a_site_search_report_that_names_its_keyword_label() -> None:
    # a web analytics tool's site search keywords: the row's label, its visits the volume;
    # beside a text column, a label is an intent, not the question
    rows = [
        {"label": "reset password", "nb_visits": 31, "nb_pages_per_search": 1.4, "exit_rate": "52%"},
        {"label": "vat number", "nb_visits": 4, "nb_pages_per_search": 1, "exit_rate": "100%"},
    ]  # fmt: skip
    got = {q.text: q.volume for q in parse_questions(json.dumps(rows))}
    assert got == {"reset password": 31, "vat number": 4}
    assert [q.text for q in parse_questions("text,label\nmy card is late,card_arrival\n")] == [
        "my card is late"
    ]


def test_a_reply_to_address_or_a_parent_case_is_no_reply() -> None:
    # a mail's Reply-To address and a case's parent case do not make a row a follow-up
    text = (
        "Subject,Description,Reply-To,Parent Case ID\n"
        "Invoice missing,Where is my March invoice?,ap@client.example,\n"
        "Second login,Can a colleague log in too?,,5001\n"
    )
    assert len(parse_questions(text)) == 2


def test_turns_without_roles_by_their_writers() -> None:
    # two writers named on each message: the customer is the one who does not offer help,
    # however many messages each writes in a row
    chat = {
        "messages": [
            {"author": "sam", "text": "hi"},
            {"author": "sam", "text": "my export fails"},
            {"author": "kim", "text": "Hello, how can I help?"},
            {"author": "sam", "text": "it says error 5"},
        ]
    }
    assert [q.text for q in parse_questions(json.dumps(chat))] == ["my export fails"]
    # a channel of three writers or more has no customer side to take turns with
    channel = {
        "channel": {"name": "help"},
        "messages": [
            {"author": {"id": "a", "name": "ann"}, "content": "how do I reset my key?"},
            {"author": {"id": "b", "name": "bob"}, "content": "try settings"},
            {"author": {"id": "c", "name": "cy"}, "content": "where are the logs?"},
        ],
    }
    with pytest.raises(QuestionsError, match="no chat has a customer message"):
        parse_questions(json.dumps(channel))


def test_a_chat_history_of_named_members_and_events() -> None:
    # a live chat's history: members join, messages under "msg" named by who sent them
    chats = {
        "chats": [
            {
                "type": "chat",
                "history": [
                    {"type": "chat.memberjoin", "name": "Visitor 5120"},
                    {"type": "chat.msg", "name": "Visitor 5120", "msg": "hello"},
                    {"type": "chat.memberjoin", "name": "Dana"},
                    {"type": "chat.msg", "name": "Dana", "msg": "Hi! How can I help you today?"},
                    {
                        "type": "chat.msg",
                        "name": "Visitor 5120",
                        "msg": "Is there a student discount?",
                    },
                ],
            }
        ]
    }
    assert [q.text for q in parse_questions(json.dumps(chats))] == ["Is there a student discount?"]


def test_a_cell_longer_than_csv_allows_and_a_header_of_many_columns() -> None:
    # a cell of 300 KB (a log pasted into one) was an uncaught csv error
    text = "question,count\n" + '"' + "where is my parcel " * 16000 + '",3\n'
    (question,) = parse_questions(text)
    assert question.volume == 3 and len(question.text) <= 1003
    # ... or in a first line without a header, where it stopped the run
    log = "1\t" + "x" * 200_000 + "\thow do i pay\n2\t3/3/2024\twhere is my card\n"
    assert len(parse_questions(log)) == 2
    # an error names the first columns of a wide table and how many more there are
    wide = "\t".join(f"c{i}" for i in range(500)) + "\n" + "\t".join("1" * 500) + "\n"
    with pytest.raises(QuestionsError, match=r"c11 and 488 more, none of which"):
        parse_questions(wide)
