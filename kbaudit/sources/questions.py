"""Customer questions from a file, detected by content: plain text (one question per line),
CSV/TSV (a text column and an optional volume column), JSONL, a Zendesk-style tickets export
(subject + first comment), chat transcripts (the first customer message of each conversation)
and a help-center search log (query, searches, clicks or results).

Repeated questions are merged (case, spacing and end punctuation ignored) and their volumes
summed. Searches with zero results or zero clicks, or that ended in a ticket far more often
than the log's searches do, carry a `signal`: a strong sign of a gap.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kbaudit.errors import KbauditError, SourceError
from kbaudit.model import Question
from kbaudit.sources import slack
from kbaudit.sources.base import decode, not_text, totals_row
from kbaudit.sources.messages import (
    is_courtesy,
    message_text,
    offers_help,
    subject_speaker,
    subject_text,
    transcript_questions,
)
from kbaudit.sources.records import parse_json_text
from kbaudit.text import shorten

TEXT_COLUMNS = (
    "question", "questions", "query", "search", "search_query", "search_term", "search_terms",
    "search_string", "search_phrase", "keyword", "keywords", "phrase", "term", "subject", "queries",
    "text", "title", "description", "message", "utterance", "customer_question", "user_message",
    "content", "body_text", "plain_body", "stripped_text", "text_body", "body", "message_text",
    "prompt", "user_input", "transcript", "chat_transcript",
    "first_message", "first_customer_message", "initial_message", "opening_message",
    "customer_message", "first_comment", "preview", "summary", "short_description",
    # data sets of customer requests for training chat bots (Bitext: instruction, intent,
    # response; prompt/completion logs: input, output)
    "instruction", "customer_query", "user_query", "user_utterance", "customer_request",
    "inquiry", "enquiry", "request", "input",
    # last: a report's row name (Matomo's site search keywords: label, nb_visits)
    "label",
    # the same in German, French, Spanish, Portuguese, Italian and Dutch exports
    "frage", "fragen", "suchbegriff", "suchanfrage", "betreff", "requête", "recherche",
    "terme_de_recherche", "objet", "pregunta", "preguntas", "consulta", "búsqueda",
    "término_de_búsqueda", "asunto", "pergunta", "perguntas", "pesquisa", "termo_de_pesquisa",
    "assunto", "domanda", "domande", "ricerca", "termine_di_ricerca", "oggetto", "vraag",
    "vragen", "zoekterm", "zoekopdracht", "onderwerp",
)  # fmt: skip
VOLUME_COLUMNS = (
    "count", "searches", "search_count", "total_searches", "total_unique_searches",
    "unique_searches", "number_of_searches", "num_searches", "search_volume", "volume",
    "frequency", "hits", "times", "occurrences", "tickets", "ticket_count", "event_count",
    "events", "total_events", "impressions", "nb_visits",
    "anzahl", "häufigkeit", "suchanfragen", "nombre", "recherches", "nombre_de_recherches",
    "cantidad", "búsquedas", "quantidade", "pesquisas", "numero", "número", "conteggio",
    "ricerche", "aantal", "zoekopdrachten",
)  # fmt: skip
CLICK_COLUMNS = (
    "clicks", "click_count", "total_clicks", "clicked", "click_through", "click_through_rate",
    "clickthroughrate", "ctr",
)  # fmt: skip
RESULT_COLUMNS = (
    "results", "result_count", "results_count", "num_results", "hits_returned", "avg_results",
    "average_results", "nbhits", "nb_hits",
)  # fmt: skip
# Columns that count the searches which found nothing: a gap signal when most of them did.
NO_RESULT_COLUMNS = (
    "no_results", "zero_results", "no_result_searches", "searches_with_no_results",
    "null_searches", "zero_result_searches",
)  # fmt: skip
# Columns that count the searches after which the customer still opened a ticket (Zendesk's
# search report "Tickets created"), or flag such a search in a log with one row per search.
TICKET_COLUMNS = (
    "tickets_created", "created_tickets", "ticket_created", "tickets_after_search",
    "searches_with_tickets", "searches_with_ticket", "led_to_ticket", "escalated_to_ticket",
)  # fmt: skip
# A log of chat messages, one row each: who wrote it and which conversation it belongs to.
ROLE_COLUMNS = (
    "role", "sender_type", "author_type", "sender", "author", "speaker", "from", "participant",
    "user_type", "type",
)  # fmt: skip
CONVERSATION_COLUMNS = (
    "conversation_id", "conversation", "session_id", "session", "chat_id", "thread_id",
    "dialog_id", "dialogue_id", "transcript_id", "ticket_id",
)  # fmt: skip
# A table of tickets or cases: the subject is read with the customer's first message.
SUBJECT_COLUMNS = ("subject", "title", "summary", "short_description")
BODY_COLUMNS = (
    "description_text", "description", "body", "first_comment", "comment", "message", "preview",
    "details",  # a help center community's post (Zendesk: title and details)
)  # fmt: skip
# A ticket's long text, read after its subject when the table has one.
_DESCRIPTIONS = ("description", "description_text", "body", "first_comment")
# What an analytics tool writes where it has no search term, not a question.
_NO_TERM = re.compile(r"\((?:not set|other|none|not provided|empty)\)", re.I)
NO_RESULTS = "no-results"
NO_CLICKS = "no-clicks"
# A search that ended in a ticket at least TICKET_FACTOR times as often as the log's searches
# do on average: the customer searched, read what came back, and still had to ask.
TICKET_AFTER_SEARCH = "ticket-after-search"
TICKET_FACTOR = 2
INPUT_FORMATS = ("auto", "text", "csv", "tsv", "jsonl", "json", "tickets")
MAX_TEXT = 300  # characters of a ticket's first comment kept with its subject
# Characters of one question kept: a pasted log or a runaway cell is not one question, and a
# question of megabytes would be tokenised and matched whole.
MAX_QUESTION = 1000

_SPACE = re.compile(r"\s+")
# From the first to the last letter or digit, with a `+` or `#` right after it ("C++", "C#").
_CORE = re.compile(r"[^\W_](?:.*[^\W_])?[+#]*", re.DOTALL)
_SEP_LINE = re.compile(r"sep=(.)[ \t]*\r?\n")  # a spreadsheet's "sep=;" first line
_LEADING_BLANK = re.compile(r"^\s*\n")
_PREAMBLE = re.compile(r"^(?:[ \t]*(?:#(?:[ \t][^\n]*)?)?\r?\n)+")  # blank and "# ..." lines


class QuestionsError(KbauditError):
    """The questions file cannot be read; the message says how to fix it."""


@dataclass(frozen=True)
class _Row:
    text: str
    volume: int = 1
    signal: str | None = None


@functools.lru_cache(maxsize=4096)  # a log's column names, asked for on every row
def _key(name: str) -> str:
    """A column's name compared: case, spaces and hyphens ignored, camelCase split
    (conversationId: conversation_id)."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip())
    return re.sub(r"[\s\-]+|\.[\s\-]*", "_", name.casefold()).strip("_")


_QUOTE_FORMS = str.maketrans({"‘": "'", "’": "'", "‛": "'", "′": "'", "“": '"', "”": '"'})


def question_key(text: str) -> str:
    """What makes two questions the same: case, spacing, end punctuation, Unicode forms
    (full-width letters, a decomposed "é") and curly quotes ignored ("C++" and "C#" keep
    theirs). Empty without a letter or digit."""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTE_FORMS).casefold()
    found = _CORE.search(_SPACE.sub(" ", folded))
    return found.group(0) if found else ""


# A template's blank: "{{Order Number}}", "{product_purchased}" (one brace: a name alone).
_BLANK = re.compile(r"\{\{[^{}\n]{1,80}\}\}|\{[A-Za-z_][\w.]{0,60}\}")
_BEFORE_MARK = re.compile(r"(?<=\w) +(?=[?.!,;:](?:\s|$))")
# A blank is a template's when at least this many questions, and one in BLANK_SHARE of them,
# hold it; a few questions about "{{ page.title }}" ask about the template language.
BLANK_QUESTIONS = 10
BLANK_SHARE = 50


def _template_blanks(rows: list[_Row | Question]) -> re.Pattern[str] | None:
    """The blanks a file's questions were written from a template with ("cancel order
    {{Order Number}}" in a data set of requests, "an issue with the {product_purchased}"),
    as one pattern; None when there are none."""
    counts: dict[str, int] = {}
    for row in rows:
        if "{" in row.text:
            for blank in set(_BLANK.findall(row.text[: 20 * MAX_QUESTION])):
                counts[blank] = counts.get(blank, 0) + 1
    blanks = [b for b, n in counts.items() if n >= BLANK_QUESTIONS and n * BLANK_SHARE >= len(rows)]
    return re.compile("|".join(map(re.escape, sorted(blanks)))) if blanks else None


def merge(rows: Iterable[_Row | Question]) -> list[Question]:
    """One Question per distinct text (at most MAX_QUESTION characters), volumes summed, the
    strongest gap signal kept; most asked first (ties by text). Greetings and thanks alone
    ("hi", "hello?") are left out: they ask the knowledge base nothing; a template's blanks
    ("{{Order Number}}") are no word of the question."""
    volume: dict[str, int] = {}
    shown: dict[str, str] = {}
    signal: dict[str, str | None] = {}
    rank = {None: 0, NO_CLICKS: 1, TICKET_AFTER_SEARCH: 2, NO_RESULTS: 3}
    rows = list(rows)
    blanks = _template_blanks(rows)
    for row in rows:
        raw = row.text[: 20 * MAX_QUESTION]
        if blanks is not None and "{" in raw:
            raw = _BEFORE_MARK.sub("", blanks.sub(" ", raw))
        text = shorten(message_text(raw), MAX_QUESTION)
        key = question_key(text)
        if not key or is_courtesy(text):
            continue
        shown.setdefault(key, text)
        volume[key] = volume.get(key, 0) + row.volume
        old = signal.get(key)
        signal[key] = row.signal if rank.get(row.signal, 0) > rank.get(old, 0) else old
    merged = [Question(shown[k], volume[k], signal[k]) for k in shown]
    return sorted(merged, key=lambda q: (-q.volume, q.text.casefold(), q.text))


def _number(value: Any) -> float | None:
    """A finite number from a cell ("1,234", " 12 ", 3.0), else None."""
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value).replace(",", "").strip())
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


# A count with thousands separators: "1.234" (German), "1 234" (French), "1'234" (Swiss).
_GROUPED = re.compile(r"\d{1,3}([.\u00a0\u202f ']\d{3})(?:[.\u00a0\u202f ']\d{3})*")


def _volume(value: Any, where: str) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 1
    # a count is whole: "1.234" searches are 1,234 of them, not one and a bit
    grouped = _GROUPED.fullmatch(str(value).strip())
    number = float(re.sub(r"\D", "", grouped.group(0))) if grouped else _number(value)
    if number is None:
        raise QuestionsError(
            f"{where}: volume {value!r} is not a number; fix the cell or remove the column"
        )
    if number < 0:
        raise QuestionsError(f"{where}: volume {value!r} is negative; counts start at 0")
    return round(number)


def _count(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


_TRUE = frozenset({"true", "yes", "y", "t"})
_FALSE = frozenset({"false", "no", "n", "f"})


def _empty_count(value: Any, volume: int) -> int | None:
    """How many of a row's searches found nothing: a count, or a flag of a log with one row
    per search ("true": all of them)."""
    if isinstance(value, bool):
        return volume if value else 0
    flag = str(value).strip().casefold()
    return volume if flag in _TRUE else 0 if flag in _FALSE else _count(value)


def _is_zero(value: Any) -> bool:
    """0, "0", "0.0" or "0%" (an average of 0.4 results is not zero)."""
    return _number(str(value).rstrip("% ")) == 0.0


# A column named for the record it describes: a CRM's "Ticket name" and "Ticket description"
# (HubSpot), "Case subject" (its "name" is the record's subject); a report's "Top queries".
_RECORD_PREFIX = re.compile(r"(ticket|case|conversation|chat|request|issue|top)_(.+)")


def _unprefixed(key: str) -> str:
    found = _RECORD_PREFIX.fullmatch(key)
    if found is None:
        return key
    return "subject" if found.group(2) in ("name", "title") else found.group(2)


def _listed(columns: Sequence[str], most: int = 12) -> str:
    """Column names for a message: the first `most`, and how many more."""
    more = f" and {len(columns) - most} more" if len(columns) > most else ""
    return ", ".join(columns[:most]) + more


def _pick(columns: Iterable[str], wanted: Iterable[str]) -> str | None:
    """The first of the `wanted` names among the columns; a name with the record's own
    prefix (ticket_description) stands for the plain one when that is missing."""
    columns = list(columns)
    by_key = {_key(c): c for c in columns}
    for column in columns:
        by_key.setdefault(_unprefixed(_key(column)), column)
    return next((by_key[w] for w in wanted if w in by_key), None)


def _customer_rows(
    records: Sequence[dict[str, Any]],
    columns: list[str],
    text_col: str,
    text_of: Callable[[dict[str, Any]], Any],
    where: str,
) -> set[int] | None:
    """In a log of chat messages (a column naming who wrote each: user, agent, bot ...), the
    rows the customer wrote; with a conversation column, only each conversation's first
    customer message that is more than a greeting. None when no column names a role."""
    roles = _table_roles(records, columns, text_col)
    if roles is None:
        return None
    if "customer" not in roles:  # a ticket's replies and notes, without the customer's
        raise QuestionsError(
            f"{where}: every message is the team's or a bot's (none is marked as the "
            "customer's); export the conversations with the customers' messages"
        )
    conversation_col = _pick(columns, CONVERSATION_COLUMNS)
    keep: set[int] = set()
    asked: set[str] = set()
    order: list[int] = list(range(len(records)))
    time_col = _pick(columns, [_key(k) for k in TIME_KEYS])
    if conversation_col is not None and time_col is not None:
        # each conversation's messages as they were written, when each says when
        times = [_time({"time": record.get(time_col)}) for record in records]
        by_conversation: dict[str, list[int]] = {}
        for i, record in enumerate(records):
            by_conversation.setdefault(str(record.get(conversation_col)), []).append(i)
        order = [
            i
            for indexes in by_conversation.values()
            for i in (
                sorted(indexes, key=lambda i: times[i] or 0.0)
                if all(times[i] is not None for i in indexes)
                else indexes
            )
        ]
    for i in order:
        record, role = records[i], roles[i]
        if role != "customer":
            continue
        if conversation_col is not None:
            conversation = str(record.get(conversation_col))
            text = message_text(_text(text_of(record)))
            if conversation in asked or not text or is_courtesy(text):
                continue
            asked.add(conversation)
        keep.add(i)
    return keep


def _table_roles(
    records: Sequence[dict[str, Any]], columns: list[str], text_col: str
) -> list[str | None] | None:
    """Who wrote each row of a log of messages: a flag column (TWCS's `inbound`, Front's
    `is_inbound`, Gorgias's `from_agent`: true/false), a direction, or a role column; None
    when no column says it."""
    for flag, customer in ROLE_FLAGS:
        flag_col = _pick(columns, [flag])
        if flag_col is None:
            continue
        flags = [_flag(record.get(flag_col)) for record in records]
        if any(f is not None for f in flags):
            return [None if f is None else "customer" if f is customer else "staff" for f in flags]
    for name in (*DIRECTION_KEYS, *ROLE_COLUMNS):
        role_col = _pick(columns, [name])
        if role_col is None or role_col == text_col:
            continue
        key = "direction" if name in DIRECTION_KEYS else "role"
        roles = [_role({key: record.get(role_col)}) for record in records]
        if any(roles):
            return roles
    return None


def _flag(value: Any) -> bool | None:
    """A true/false cell (True, "true", "yes", "1"), else None."""
    if isinstance(value, bool):
        return value
    flag = str(value).strip().casefold() if isinstance(value, str | int) else ""
    return True if flag in _TRUE | {"1"} else False if flag in _FALSE | {"0"} else None


def _records(
    records: Sequence[dict[str, Any]],
    where: str,
    text_column: str | None,
    columns: list[str],
    lines: Sequence[int] = (),
) -> Iterator[_Row]:
    """Rows of a table or JSON objects: the text column, volume and search-log signal (in a
    log of chat messages, the customer's). `lines`: the line each table row ends on, to name
    it in errors."""
    if text_column is not None:
        text_col = _pick(columns, [_key(text_column)])
        if text_col is None:
            raise QuestionsError(
                f"{where}: no column {text_column!r}; columns are {_listed(columns)}"
            )
    else:
        text_col = _pick(columns, TEXT_COLUMNS)
        if text_col is None:
            raise QuestionsError(
                f"{where}: no question column found among {_listed(columns) or 'none'}; "
                f"name it with --text-column (usual names: {', '.join(TEXT_COLUMNS[:8])})"
            )
    volume_col = _pick(columns, VOLUME_COLUMNS)
    click_col = _pick(columns, CLICK_COLUMNS)
    result_col = _pick(columns, RESULT_COLUMNS)
    empty_col = _pick(columns, NO_RESULT_COLUMNS)
    ticket_col = _pick(columns, TICKET_COLUMNS)
    ticket_rate = _ticket_rate(records, ticket_col, volume_col)
    # Tickets or cases (Subject, Description; Jira's Summary, ServiceNow's Short description):
    # the subject with the first message, as in JSON.
    subject_col = _pick(columns, SUBJECT_COLUMNS) if text_column is None else None
    if subject_col is not None and _unprefixed(_key(text_col)) in _DESCRIPTIONS:
        text_col = subject_col
    is_subject = subject_col is not None and _unprefixed(_key(text_col)) in SUBJECT_COLUMNS
    body_col = _pick(columns, BODY_COLUMNS) if is_subject else None

    def text_of(record: dict[str, Any]) -> Any:
        text = record.get(text_col)
        if isinstance(text, dict):  # {"userInput": {"text": "..."}}
            text = _message_text(text)
        if body_col is not None:
            return _ticket_text({"subject": text, "description": record.get(body_col)})
        return text

    customer = _customer_rows(records, columns, text_col, text_of, where)
    for number, record in enumerate(records, 1):
        if customer is not None and number - 1 not in customer:
            continue
        if _not_asked(record) if not lines else _is_reply(record):  # a reply is no opener
            continue
        text = text_of(record)
        if not isinstance(text, str) or not text.strip() or _NO_TERM.fullmatch(text.strip()):
            continue
        if totals_row([text, *(v for k, v in record.items() if k != text_col)]):
            continue
        place = f"{where} line {lines[number - 1]}" if lines else f"{where} record {number}"
        volume = _volume(record.get(volume_col), place) if volume_col else 1
        signal = None
        empty = _empty_count(record.get(empty_col), volume) if empty_col is not None else None
        found_nothing = result_col is not None and _is_zero(record.get(result_col))
        mostly_empty = empty is not None and empty > 0 and 2 * empty >= volume
        tickets = _empty_count(record.get(ticket_col), volume) if ticket_col else None
        if found_nothing or mostly_empty:
            signal = NO_RESULTS
        elif tickets and ticket_rate and tickets >= TICKET_FACTOR * ticket_rate * volume:
            signal = TICKET_AFTER_SEARCH
        elif click_col is not None and _is_zero(record.get(click_col)):
            signal = NO_CLICKS
        yield _Row(text, volume, signal)


def _ticket_rate(
    records: Sequence[dict[str, Any]], ticket_col: str | None, volume_col: str | None
) -> float | None:
    """Of all the searches of a log, the share that ended in a ticket; None without a
    tickets column or a readable count."""
    if ticket_col is None:
        return None
    searches = tickets = 0
    for record in records:
        try:
            volume = _volume(record.get(volume_col), "") if volume_col else 1
        except QuestionsError:
            continue  # the row's own error is raised where it is read
        searches += volume
        tickets += _empty_count(record.get(ticket_col), volume) or 0
    return tickets / searches if searches and tickets else None


# A message a chat tool logs that no customer asked (Slack's bot messages and channel joins);
# a subtype of a person's own message is read.
_OWN_SUBTYPES = frozenset({"thread_broadcast", "file_share", "me_message"})
# A message that answers another: a reply in a thread (Slack's parent_user_id), a tweet in
# response to one (Twitter's in_reply_to_status_id, the TWCS corpus' in_response_to_tweet_id).
# A parent case or ticket (parent_case_id) is a record's hierarchy, not a reply.
_REPLY_KEY = re.compile(
    r"(?:in_)?(?:reply|response)_to(?:_\w*id)?"
    r"|parent(?:_(?:user|message|post|tweet|comment|status|thread))?_id"
)


def _is_reply(record: dict[str, Any]) -> bool:
    """Whether a message names the message it answers (an empty cell names none, nor does a
    mail's Reply-To address)."""
    return any(
        _REPLY_KEY.fullmatch(_key(key)) and str(value).strip() and "@" not in str(value)
        for key, value in record.items()
        if isinstance(key, str) and value is not None
    )


# The topic a forum writes to describe each category (Discourse: "About the Billing
# category", in the forum's language), pinned in it; closed or archived, it is still no one's
# question.
_CATEGORY_TOPIC = re.compile(
    r"about the .{1,100} category|über die kategorie .{1,100}|à propos de la catégorie .{1,100}"
    r"|acerca de la categoría .{1,100}|sobre a categoria .{1,100}"
    r"|informazioni sulla categoria .{1,100}|over de categorie .{1,100}",
    re.I,
)


def _not_asked(record: dict[str, Any]) -> bool:
    """A record of a chat log or forum that is no question: a bot's message or the tool's
    event (Slack: `bot_id`, a subtype such as bot_message or channel_join), a reply in a
    thread (a `thread_ts` other than its own `ts`, a parent), a forum's topic pinned for
    everyone to read (Discourse: `pinned`, `pinned_globally`) or describing a category."""
    if record.get("bot_id") or record.get("is_bot") is True:
        return True
    if record.get("pinned") is True or record.get("pinned_globally") is True:
        return True
    title = record.get("title")
    if isinstance(title, str) and _CATEGORY_TOPIC.fullmatch(title.strip()):
        return True
    subtype = record.get("subtype")
    if isinstance(subtype, str) and subtype.strip() and subtype not in _OWN_SUBTYPES:
        return True
    thread = record.get("thread_ts")
    if thread not in (None, "") and thread != record.get("ts"):
        return True
    return _is_reply(record)


def _table(
    text: str, delimiter: str, where: str, text_column: str | None, skipped: int = 0
) -> list[_Row]:
    """The rows of a table; `skipped`: lines of the file before `text`."""
    _check_quotes(text, delimiter, where, skipped)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    rows, lines = [], []
    try:
        columns = [c for c in (reader.fieldnames or []) if c is not None]
        for row in reader:
            lines.append(skipped + reader.line_num)
            extra = row.get(None)
            if extra and any(str(cell).strip() for cell in extra):
                name = {",": "comma", ";": "semicolon", "\t": "tab"}.get(delimiter, delimiter)
                raise QuestionsError(
                    f"{where} line {skipped + reader.line_num}: more cells than the {len(columns)} "
                    f"column(s) of the header; a {name} inside a question or a number (1,234) "
                    "needs quotes around its cell"
                )
            rows.append(row)
    except csv.Error as exc:
        raise QuestionsError(f"{where}: not a readable table ({exc}); check its quoting") from exc
    if not rows:
        raise QuestionsError(
            f"{where} has a header ({_listed(columns)}) but no rows; export the questions "
            "again with their rows"
        )
    return list(_records(rows, where, text_column, columns, lines))


def _check_quotes(text: str, delimiter: str, where: str, skipped: int = 0) -> None:
    """A quote that is never closed would make the rest of the file one cell, silently."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    start = 1 + skipped
    try:
        for _ in reader:
            start = skipped + reader.line_num + 1
    except csv.Error as exc:
        if "end of data" in str(exc):
            raise QuestionsError(
                f'{where} line {start}: a quote (") opened in this row is never closed, so '
                "the rest of the file would read as one cell; close the quote or remove it"
            ) from None
        # other quoting slips (text after a closing quote) read well enough leniently


def _text(value: Any) -> str:
    """A text field's value; numbers become text, objects and lists are not text."""
    if isinstance(value, str):
        return value
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else ""


def _ticket_text(ticket: dict[str, Any]) -> str:
    """Subject and what the customer wrote first (Freshdesk: `description_text`, the
    description without HTML), without quoted replies and signatures."""
    raw_subject = _text(ticket.get("subject") or ticket.get("title"))
    subject = subject_text(raw_subject)
    first = _text(ticket.get("description_text")) or _text(ticket.get("description"))
    comments = ticket.get("comments")
    if isinstance(comments, list) and comments:
        own = _requester_comments(ticket, comments)
        if own is not None:  # an agent opened the ticket: its description is the agent's
            first = _text(own[0].get("body") or own[0].get("plain_body")) if own else ""
        elif not first.strip():
            head = comments[0]
            first = _text(
                head.get("body") or head.get("plain_body") if isinstance(head, dict) else head
            )
    first = shorten(message_text(first, subject_speaker(raw_subject)), MAX_TEXT)
    if not first and _is_chat(ticket):  # Gorgias, Front: the messages of the ticket
        first = _chat_text(ticket)
    if subject and first and question_key(first) != question_key(subject):
        return f"{subject}: {first}"
    return subject or first


def _requester_comments(ticket: dict[str, Any], comments: list[Any]) -> list[dict] | None:
    """The requester's comments, in order, when the ticket's first comment (its
    description) was written by someone else (`author_id` is not the `requester_id`: an
    agent opened the ticket for the customer, or wrote to them first); else None."""
    requester = ticket.get("requester_id")
    head = comments[0]
    if requester is None or not isinstance(head, dict) or head.get("author_id") is None:
        return None
    if head["author_id"] == requester:
        return None
    return [c for c in comments if isinstance(c, dict) and c.get("author_id") == requester]


def _tickets(items: list[Any], where: str) -> list[_Row]:
    rows = []
    for item in items:
        if isinstance(item, dict):
            text = _ticket_text(item)
            if text:
                rows.append(_Row(text))
    if not rows:
        raise QuestionsError(f"{where}: the tickets have no subject or description")
    return rows


def _is_ticket(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and "subject" in item
        and ("description" in item or "comments" in item)
    )


MESSAGE_LISTS = (
    "messages", "conversation_parts", "parts", "turns", "transcript", "utterances",
    "conversation", "dialog", "dialogue", "history", "chat_history", "conversations", "threads",
    "thread", "events", "log",
)  # fmt: skip
CUSTOMER_ROLES = frozenset(
    {"user", "customer", "end-user", "end_user", "enduser", "contact", "visitor", "lead",
     "human", "requester", "client", "guest", "usr", "consumer"}
)  # fmt: skip
# Who else writes in a conversation: a role naming one of these is not the customer's.
STAFF_ROLES = frozenset(
    {"assistant", "agent", "admin", "bot", "system", "operator", "staff", "support", "team",
     "ai", "model", "tool", "function", "developer", "employee", "automated", "workflow",
     "sys", "wizard"}
)  # fmt: skip
# Help desks that mark who wrote a message with a flag: Gorgias from_agent, Front is_inbound,
# Freshdesk incoming; the flag and its value for a customer's message.
ROLE_FLAGS = (
    ("from_agent", False), ("is_agent", False), ("from_customer", True), ("is_customer", True),
    ("is_inbound", True), ("inbound", True), ("incoming", True),
)  # fmt: skip
ROLE_KEYS = (
    "role", "author_type", "sender_type", "from", "sender", "speaker", "author", "type",
    "sentBy", "sent_by",
)  # fmt: skip
# Help desks and messaging APIs that say which way a message went (Kustomer, Twilio): what
# came in is the customer's, what went out the team's ("outbound-api" too).
DIRECTION_KEYS = ("direction", "message_direction")
_INBOUND = frozenset({"in", "inbound", "incoming"})
_OUTBOUND = frozenset({"out", "outbound", "outgoing"})
# The help desk account that wrote a message (Help Scout's thread `createdBy`): its "user" is
# one of the team's users, the customer is "customer".
CREATOR_KEYS = ("createdBy", "created_by", "creator")
# A message that names only its author, and the conversation's list of participants.
AUTHOR_ID_KEYS = ("author_id", "authorId", "user_id", "userId", "sender_id", "senderId", "from_id")
PARTICIPANT_LISTS = ("users", "participants", "members", "authors", "people")
# When a message was written: a list of them newest first is read oldest first.
TIME_KEYS = ("createdAt", "created_at", "created", "timestamp", "ts", "sent_at", "date", "time")
# The message that opened a conversation, apart from the rest: Intercom's `source` (its
# older API's `conversation_message`), Gorgias's `first_message`.
OPENING_KEYS = ("source", "conversation_message", "first_message")
# Intercom: how a conversation started; one the team or a bot started opens with their message.
_STAFF_STARTS = frozenset({"admin_initiated", "automated", "operator_initiated", "campaign"})


MESSAGE_TEXTS = (
    "body", "text", "content", "message", "plain_body", "body_text", "stripped_text",
    "text_body", "plain_text", "value", "body_html", "html_body", "html", "preview", "utterance",
    "transcript", "sentences", "msg",
)  # fmt: skip
# A turn of a dialogue that holds both sides ({"user utterance": ..., "system response": ...};
# {"transcript": ..., "system_transcript": ...}): the customer's side and the other's.
_SIDE_TEXTS = r"(?:utterance|text|message|transcript|response|reply|input|output|query|turn)"
_CUSTOMER_SIDE = re.compile(rf"(?:user|customer|client|visitor|usr|human)_{_SIDE_TEXTS}")
_STAFF_SIDE = re.compile(rf"(?:system|sys|agent|bot|assistant|wizard|ai)_{_SIDE_TEXTS}")


_SPOKEN = re.compile(r"([A-Za-z_-]{2,12})\s?:\s*(.*)", re.DOTALL)  # "agent: How can I help?"


def _as_message(message: Any) -> Any:
    """A message given as a [speaker, text] pair (["customer", "my order ..."]) or as a text
    its speaker opens ("customer: my order ...") as an object; any other value as it is."""
    speaker, text = None, None
    if isinstance(message, list) and len(message) == 2 and all(isinstance(v, str) for v in message):
        speaker, text = message
    elif isinstance(message, str) and (spoken := _SPOKEN.match(message)) is not None:
        speaker, text = spoken.groups()
    if speaker is not None and speaker.strip().casefold() in CUSTOMER_ROLES | STAFF_ROLES:
        return {"role": speaker, "text": text}
    return message


def _message_text(message: Any) -> str:
    message = _as_message(message)
    if isinstance(message, str):
        return message_text(message)
    if not isinstance(message, dict):
        return ""
    for key in MESSAGE_TEXTS:
        value = message.get(key)
        if isinstance(value, list):  # content parts: [{"type": "text", "text": "..."}]
            value = " ".join(
                p if isinstance(p, str) else p["text"]  # or sentences
                for p in value
                if isinstance(p, str) or (isinstance(p, dict) and _is_text(p))
            )
        if isinstance(value, str) and value.strip():
            return message_text(value)
    for key, value in message.items():  # LivePerson: {"messageData": {"msg": {"text": ...}}}
        if isinstance(value, dict) and _NESTED_TEXT.search(_key(str(key))):
            text = _message_text(value)
            if text:
                return text
    return ""


# Objects a message nests its text in: "messageData", "msg", "content", "payload".
_NESTED_TEXT = re.compile(r"message|msg|content|payload|data")


def _customer_side(message: Any) -> str:
    """The customer's text in a dialogue turn that holds both sides: under a key naming the
    customer ("user utterance"), or the plain text key beside one naming the system
    ("transcript" beside "system_transcript"); "" for any other message."""
    if not isinstance(message, dict):
        return ""
    keys = {_key(k): k for k in message if isinstance(k, str)}
    for key, name in keys.items():
        if _CUSTOMER_SIDE.fullmatch(key) and isinstance(message[name], str):
            return message_text(message[name])
    if any(_STAFF_SIDE.fullmatch(key) for key in keys):
        return _message_text(message)
    return ""


def _is_text(part: dict[str, Any]) -> bool:
    return isinstance(part.get("text"), str) and part.get("type", "text") in ("text", "input_text")


def _role_word(message: dict[str, Any]) -> str | None:
    """The word of the first key that names a known role ("from": an address names none)."""
    for key in ROLE_KEYS:
        value = message.get(key)
        if isinstance(value, dict):
            value = value.get("type") or value.get("role")
        if isinstance(value, str):
            role = value.strip().casefold()
            if role in CUSTOMER_ROLES or role in STAFF_ROLES:
                return role
    return None


def _role(
    message: Any, team_users: bool = False, people: dict[str, str] | None = None
) -> str | None:
    """Who wrote a chat message: "customer", "staff" or None (not said). `team_users`: the
    log calls the team's accounts "user" (see `_team_users`); `people`: the role of each
    participant of the conversation by id, for a message that names only its author's id."""
    message = _as_message(message)
    if not isinstance(message, dict):
        return None
    for flag, customer in ROLE_FLAGS:
        if isinstance(message.get(flag), bool):
            return "customer" if message[flag] is customer else "staff"
    for key in DIRECTION_KEYS:
        way = _direction(message.get(key))
        if way is not None:
            return way
    word = _role_word(message)
    if word is not None:
        return "staff" if word in STAFF_ROLES or (team_users and word == "user") else "customer"
    for key in CREATOR_KEYS:
        creator = message.get(key)
        kind = creator.get("type") if isinstance(creator, dict) else None
        if isinstance(kind, str) and kind.strip():
            customer = kind.strip().casefold() in CUSTOMER_ROLES - {"user"}
            return "customer" if customer else "staff"
    author = next((message[k] for k in AUTHOR_ID_KEYS if k in message), None)
    return (people or {}).get(str(author)) if author is not None else None


def _direction(value: Any) -> str | None:
    """The role a message's direction gives: "in" the customer's, "out" the team's."""
    if not isinstance(value, str):
        return None
    way = value.strip().casefold().split("-")[0]  # "outbound-api", "outbound-reply"
    return "customer" if way in _INBOUND else "staff" if way in _OUTBOUND else None


def _team_users(messages: list[Any]) -> bool:
    """Whether a log calls the team's accounts "user": its messages name "user" and another
    customer role (Drift's "contact") but no staff role."""
    words = {_role_word(m) for m in messages if isinstance(m, dict)}
    others = words & (CUSTOMER_ROLES - {"user"})
    return "user" in words and bool(others) and not words & STAFF_ROLES


def _people(chat: dict[str, Any]) -> dict[str, str]:
    """The role of each participant a conversation lists with its id (LiveChat's `users`)."""
    people: dict[str, str] = {}
    for key in PARTICIPANT_LISTS:
        for person in chat.get(key) or []:
            role = _role(person) if isinstance(person, dict) else None
            if role is not None and person.get("id") is not None:
                people[str(person["id"])] = role
    return people


def _message_list(value: Any) -> list[Any]:
    """The messages of a conversation: a list, or a list one level down
    (Intercom: {"conversation_parts": {"conversation_parts": [...]}}), or one message alone
    (a one-turn dialogue's {"log": {"user utterance": ...}})."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        inner = next((value[k] for k in MESSAGE_LISTS if isinstance(value.get(k), list)), None)
        if inner is None and (_message_text(value) or _customer_side(value)):
            return [value]
        return inner or []
    return []


def _chat_text(chat: dict[str, Any] | list[Any]) -> str:
    """A chat transcript's question: its first customer message that is more than a greeting
    (Intercom: the source, unless the team or a bot wrote it)."""
    if isinstance(chat, list):
        chat = {"messages": chat}
    candidates: list[Any] = []
    source = next((chat[k] for k in OPENING_KEYS if isinstance(chat.get(k), dict)), None)
    if isinstance(source, dict):
        started_by_staff = source.get("delivered_as") in _STAFF_STARTS
        if _role(source) == "customer" or (_role(source) is None and not started_by_staff):
            candidates.append(source)
    messages = _messages(chat)
    team_users, people = _team_users(messages), _people(chat)
    roles = [_role(m, team_users, people) for m in messages]
    # a turn holding both sides gives the customer's; turns that say nothing take turns
    sides = [
        _customer_side(m) if role is None else "" for m, role in zip(messages, roles, strict=True)
    ]
    if not any(roles) and not any(sides):
        roles = _alternating(messages)
    for message, role, side in zip(messages, roles, sides, strict=True):
        if side or role == "customer":
            candidates.append(side or message)
    for message in candidates:
        text = _message_text(message)
        if text and not is_courtesy(text):  # "hi" first, then what they came for
            return shorten(text, MAX_TEXT)
    return ""


# Who wrote a message, when it names a person rather than a role (an author's id or name).
SPEAKER_KEYS = (
    "author", "author_id", "authorId", "user", "user_id", "userId", "username", "user_name",
    "sender", "sender_id", "from", "name", "nick", "speaker", "participant", "participantId",
)  # fmt: skip


def _speaker(message: Any) -> str | None:
    if not isinstance(message, dict):
        return None
    for key in SPEAKER_KEYS:
        value = message.get(key)
        if isinstance(value, dict):
            value = value.get("id") or value.get("name") or value.get("username")
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
            return str(value)
    return None


def _alternating(messages: list[Any]) -> list[str | None]:
    """The roles of a dialogue's turns that say nothing of who wrote them (MultiWOZ's log,
    a list of strings): two sides take turns (or, when each message names its writer, the
    two writers), and the customer is the side that does not open by offering help
    ("Hello, how may I help you?"), else the one who spoke first. A log of three writers or
    more (a community channel) has no customer side: no roles."""
    texts = [_message_text(m) for m in messages]
    speakers = [_speaker(m) for m in messages]
    if all(speakers):
        names = list(dict.fromkeys(speakers))
        if len(names) != 2:
            return [None] * len(messages)
        sides = [names.index(name) for name in speakers]
    else:
        sides = [i % 2 for i in range(len(messages))]
    first = [
        next(
            (
                t
                for t, s in zip(texts, sides, strict=True)
                if s == side and t and not is_courtesy(t)
            ),
            "",
        )
        for side in (0, 1)
    ]
    customer = 1 if offers_help(first[0]) and not offers_help(first[1]) else 0
    return ["customer" if side == customer else "staff" for side in sides]


def _has_roles(items: list[Any]) -> bool:
    """A list of chat messages: most of its items say who wrote them."""
    return bool(items) and 2 * sum(1 for m in items if _role(m)) > len(items)


def _messages(chat: dict[str, Any]) -> list[Any]:
    """A conversation's messages, oldest first: under a usual name (messages,
    conversation_parts ...), else the first list whose items say who wrote them ("input" of a
    model's request log)."""
    key = next((k for k in MESSAGE_LISTS if isinstance(chat.get(k), list | dict)), None)
    if key is not None:
        return _oldest_first(_message_list(chat[key]))
    # of the lists whose items say who wrote them, one with texts (not the participants')
    found = [v for v in chat.values() if isinstance(v, list) and _has_roles(v)]
    texts = (v for v in found if any(_message_text(m) for m in v[:20]))
    return _oldest_first(next(texts, found[0] if found else []))


def _time(message: Any) -> float | None:
    """When a message was written: epoch seconds (Slack's "1709543564.000200" too) or ISO
    8601 text under a usual key; None when it says nothing readable."""
    if not isinstance(message, dict):
        return None
    value = next((message[k] for k in TIME_KEYS if k in message), None)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).timestamp()


def _oldest_first(messages: list[Any]) -> list[Any]:
    """Messages in the order they were written, when each says when: newest first (Help
    Scout's threads, as its API lists them) reversed, any other order (Kustomer's messages)
    sorted by time, ties kept in file order; a list where some message has no time is kept
    as it is."""
    times = [_time(m) for m in messages]
    known = [t for t in times if t is not None]
    if len(known) < 2 or len(known) < len(messages):
        return messages
    if all(a >= b for a, b in itertools.pairwise(known)):
        return messages[::-1] if known[0] != known[-1] else messages
    return [m for _, m in sorted(zip(known, messages, strict=True), key=lambda pair: pair[0])]


# The members of a JSON:API resource object: its fields are under `attributes`.
_RESOURCE_MEMBERS = frozenset({"id", "lid", "type", "attributes", "relationships", "links", "meta"})


def _document_text(value: Any) -> Any:
    """The text of a rich-text document as Jira Cloud gives it (Atlassian Document Format:
    `{"type": "doc", "content": [...]}`, text in `text` nodes), one line per paragraph; any
    other value as it is."""
    if not (isinstance(value, dict) and value.get("type") == "doc"):
        return value
    lines: list[str] = []
    stack: list[Any] = [value]
    while stack:  # depth first, in document order, without recursion
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                lines.append(node["text"])
            elif node.get("type") in ("paragraph", "heading", "hardBreak", "listItem"):
                lines.append("\n")
            if isinstance(node.get("content"), list):
                stack.extend(reversed(node["content"]))
    return "".join(lines).strip()


def _opened(item: Any) -> Any:
    """An object of an API with its fields read as its own: what a HAL API (Help Scout)
    embeds (`_embedded`: the conversations of a page, the threads of a conversation); a
    JSON:API resource's `attributes` (Kustomer), and the id of each resource its
    `relationships` name as `<name>_id` (a message's conversation: `conversation_id`)."""
    if not isinstance(item, dict):
        return item
    if isinstance(item.get("_embedded"), dict):
        return {**item, **item["_embedded"]}
    if isinstance(item.get("fields"), dict) and "key" in item:  # a Jira issue
        fields = {k: _document_text(v) for k, v in item["fields"].items()}
        return {**item, **fields}
    attributes = item.get("attributes")
    if not (isinstance(attributes, dict) and "type" in item and set(item) <= _RESOURCE_MEMBERS):
        return item  # a Salesforce record's `attributes` describe the record, not its fields
    opened = {**item, **attributes}
    relationships = item.get("relationships")
    for name, related in relationships.items() if isinstance(relationships, dict) else ():
        data = related.get("data") if isinstance(related, dict) else None
        if isinstance(data, dict) and isinstance(data.get("id"), str | int):
            opened.setdefault(f"{name}_id", data["id"])
    return opened


def _is_chat(item: Any) -> bool:
    if isinstance(item, list):  # a conversation given as its list of messages
        return any(_role(m) or _customer_side(m) for m in item)
    return isinstance(item, dict) and (
        any(isinstance(item.get(k), dict) for k in OPENING_KEYS)
        or any(isinstance(item.get(k), list | dict) for k in MESSAGE_LISTS)
        or any(isinstance(v, list) and _has_roles(v) for v in item.values())
    )


def _by_conversation(chat: Any) -> list[Any]:
    """A chat, or the conversations of a log of messages that each name theirs (Drift's
    `conversationId`), each as its list of messages."""
    messages = _messages(chat) if isinstance(chat, dict) else chat
    keys = [_pick(m, CONVERSATION_COLUMNS) if isinstance(m, dict) else None for m in messages]
    if not messages or None in keys:
        return [chat]
    groups: dict[str, list[Any]] = {}
    for message, key in zip(messages, keys, strict=True):
        groups.setdefault(str(message[key]), []).append(message)
    return list(groups.values()) if len(groups) > 1 else [chat]


def _chats(items: list[Any], where: str) -> list[_Row]:
    items = [c for item in items for c in _by_conversation(_opened(item))]
    rows = [_Row(text) for item in items if _is_chat(item) if (text := _chat_text(item))]
    if not rows:
        raise QuestionsError(
            f"{where}: no chat has a customer message that asks something (a message whose "
            "role, author type or sender is user/customer/contact, beyond a greeting such as "
            "'hi' or 'I need help'); check the export"
        )
    return rows


def _pair(item: list[Any]) -> _Row | None:
    """A row given as a list of values (["reset my pin", "change_pin"], ["reset pin", 12]):
    its text with the most words, and its one count as the volume. None for a list holding
    anything other than text and numbers, or no text."""
    if not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in item):
        return None
    texts = [v for v in item if isinstance(v, str) and v.strip() and _number(v) is None]
    counts = [v for v in item if not isinstance(v, str)]
    if not texts:
        return None
    text = max(texts, key=lambda v: len(v.split()))  # the first of the longest
    volume = counts[0] if len(counts) == 1 and counts[0] >= 0 else 1
    return _Row(text, round(volume))


def _is_questions(items: list[Any], wanted: Sequence[str]) -> bool:
    """A list of questions: strings, rows of text and numbers (see `_pair`), records with
    a question field (`wanted`: its usual names), tickets or chats."""
    return bool(items) and all(
        isinstance(x, str)
        or (isinstance(x, list) and _pair(x) is not None)
        or (isinstance(x, dict) and (_pick(x, wanted) is not None or _is_ticket(x) or _is_chat(x)))
        for x in items
    )


# What a webhook's event wraps its record in: Intercom's {"type": "notification_event",
# "data": {"item": {conversation}}}, other tools' "payload", "object", "ticket" or "case"
# (Desk.com lists each case as {"case": {...}}).
_ENVELOPES = ("data", "item", "object", "payload", "resource", "ticket", "case")


def _unwrapped(item: Any) -> Any:
    """The ticket or chat an event wraps (up to three levels down); any other value as it
    is."""
    inner = item
    for _ in range(4):
        if not isinstance(inner, dict):
            return item
        if _is_ticket(inner) or _is_chat(inner):
            return inner
        inner = _opened(
            next((inner[k] for k in _ENVELOPES if isinstance(inner.get(k), dict)), None)
        )
    return item


def _objects(items: list[Any], where: str, text_column: str | None) -> list[_Row]:
    """A list of JSON values: strings are questions; objects are records, tickets or chats
    (or events wrapping one); lists are conversations (lists of messages) or rows of values
    (text, intent, count)."""
    items = [_unwrapped(_opened(item)) for item in items]
    strings = [_Row(x) for x in items if isinstance(x, str)]
    objects = [x for x in items if isinstance(x, dict)]
    conversations = [x for x in items if isinstance(x, list)]
    if conversations and not objects and all(map(_is_chat, conversations)):
        return strings + _chats(conversations, where)
    pairs = [row for x in conversations if (row := _pair(x)) is not None]
    if pairs and not objects and len(pairs) == len(conversations):
        return strings + pairs
    if objects and text_column is None and all(_is_ticket(x) for x in objects):
        return strings + _tickets(objects, where)
    if objects and text_column is None and all(_is_chat(x) for x in objects):
        return strings + _chats(objects, where)
    columns = sorted({k for x in objects for k in x})
    return strings + (list(_records(objects, where, text_column, columns)) if objects else [])


def _columns(data: dict[str, Any], wanted: Sequence[str]) -> list[dict[str, Any]] | None:
    """The records of a table written column by column ({"question": [...], "count":
    [...]}, as a data frame's or data set's to_dict gives it): lists of one length (two
    columns or more), one of them named for questions or messages; else None."""
    lists = [v for v in data.values() if isinstance(v, list)]
    if len(data) < 2 or len(lists) != len(data) or len({len(v) for v in lists}) != 1:
        return None
    if not lists[0] or _pick(data, [*wanted, *MESSAGE_LISTS]) is None:
        return None
    return [dict(zip(data, row, strict=True)) for row in zip(*lists, strict=True)]


def _json(data: Any, where: str, text_column: str | None) -> list[_Row]:
    data = _opened(data)
    if isinstance(data, dict) and (inner := _unwrapped(data)) is not data:
        return _objects([inner], where, text_column)  # one event of a webhook
    wanted = [_key(text_column)] if text_column else TEXT_COLUMNS
    if isinstance(data, dict) and (records := _columns(data, wanted)) is not None:
        return _objects(records, where, text_column)
    if isinstance(data, dict):
        for key in ("tickets", "results", "requests"):
            items = data.get(key)
            if isinstance(items, list) and (key == "tickets" or any(map(_is_ticket, items))):
                return _tickets(items, where)
        for key in ("conversations", "chats", "transcripts"):
            if isinstance(data.get(key), list):
                return _chats(data[key], where)
        for key in (
            "questions",
            "queries",
            "searches",
            "items",
            "data",
            "results",
            "requests",
            "topics",
            "issues",  # Jira's search API
            "records",  # Salesforce and ServiceNow query results
            "result",  # ServiceNow's Table API
            "cases",
            "incidents",
            "value",  # OData (Dynamics 365 cases)
        ):
            if isinstance(data.get(key), list):
                return _objects(data[key], where, text_column)
        if _is_ticket(data) or _is_chat(data) or _pick(data, wanted):
            return _objects([data], where, text_column)  # one record (a one-line JSONL)
        # a data set in parts, each a list of questions ({"train": [...], "test": [...]}), or
        # its one list under a name of its own ({"test_data_annotation": [{"text": ...}]})
        parts = [v for v in data.values() if isinstance(v, list) and v]
        if parts and all(_is_questions(part, wanted) for part in parts):
            return [row for part in parts for row in _objects(part, where, text_column)]
        # conversations or tickets keyed by their ids ({"SNG01856.json": {"log": [...]}})
        values = [_opened(v) for v in data.values()]
        if len(values) > 1 and all(isinstance(v, dict) for v in values):
            if all(map(_is_ticket, values)):
                return _tickets(values, where)
            if all(map(_is_chat, values)):
                return _chats(values, where)
        for inner in (v for v in data.values() if isinstance(v, dict)):  # {"data": {...}}
            try:
                return _json(inner, where, text_column)
            except QuestionsError:
                continue
        raise QuestionsError(
            f"{where}: JSON object without a `tickets`, `conversations` or `questions` list; "
            "give a list of questions, a tickets or chat export, or JSONL"
        )
    if isinstance(data, list):
        return _objects(data, where, text_column)
    raise QuestionsError(f"{where}: JSON must be a list of questions or a tickets export")


def _parsed_json(text: str, where: str, lines: bool) -> Any:
    """The JSON (Lines) values, read like the JSON article exports; a bad line is an error."""
    doc, problems = parse_json_text(text, where, lines)
    if problems:  # "line 3 is not valid JSON (...)" / "not valid JSON: ... at line 1 ..."
        raise QuestionsError(f"{where}: {problems[0].message.split('; ')[0]}; fix the file")
    return doc


def _jsonl(text: str, where: str, text_column: str | None) -> list[_Row]:
    return _objects(_parsed_json(text, where, lines=True), where, text_column)


# "# note" is a comment and "## Billing" a Markdown heading; "#1 reason ..." is a question
_COMMENT = re.compile(r"^#{1,6}(\s|$)")


# A list's marker ("- ", "* ", "• ", "1. ", "2) ", "(3) ") and quotes around the whole line;
# anchored at the start, as every pattern here that may meet a long run of spaces.
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•·‣▪◦–—]|\d{1,3}[.)]|\(\d{1,3}\))\s+")
_QUOTED = re.compile(r"^\s*([\"'“‘«„])(.+)([\"'”’»“])\s*")
_QUOTE_PAIRS = {('"', '"'), ("'", "'"), ("“", "”"), ("‘", "’"), ("«", "»"), ("„", "“")}


def _plain_line(line: str) -> str:
    """A line of a plain list as the question: its list marker and enclosing quotes dropped."""
    marker = _LIST_MARKER.match(line)
    line = line[marker.end() :] if marker else line
    quoted = _QUOTED.fullmatch(line)
    if quoted is None or (quoted.group(1), quoted.group(3)) not in _QUOTE_PAIRS:
        return line
    inner = quoted.group(2)  # "'a' or 'b'" is not one quoted question
    return line if quoted.group(1) in inner or quoted.group(3) in inner else inner


# A plain list's title: it names the list ("Top searches last 30 days", "Questions from chat,
# March", "Unanswered questions", "Search terms - week 12"): a word for what was collected
# with a period, a source or a ranking around it.
_NAMED = r"(?:questions|queries|searches|keywords|faqs|inquiries|enquiries|phrases)"
_LISTED = (  # "tickets" or "messages" alone may be what a customer asks about
    rf"(?:(?:customer|user|visitor|chat|search|support|ticket|help ?desk|bot)\s+"
    rf"(?:{_NAMED}|terms|strings|tickets|chats|conversations|requests|messages|topics)|{_NAMED})"
)
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_PERIOD = re.compile(
    rf"\b(?:{_MONTHS}|(?:19|20)\d{{2}}|\d{{1,4}}[-/.]\d{{1,2}}(?:[-/.]\d{{1,4}})?|"
    r"(?:last|past|previous|this|next)\s+(?:\d+\s+)?(?:days?|weeks?|months?|quarters?|years?)|"
    r"week\s+\d+|q[1-4]|today|yesterday|daily|weekly|monthly|quarterly|yearly)\b",
    re.I,
)
_LIST_TITLE = re.compile(
    rf"(?:(?:top(?:\s+\d+)?|most\s+(?:asked|common|frequent|popular|searched)|"
    rf"(?:most\s+)?(?:common|frequent|frequently asked|popular|recent|new|unanswered|"
    rf"open|failed|zero[- ]results?|no[- ]results?|null))\s+{_LISTED}|"
    rf"{_LISTED}(?:\s+(?:from|via|in|by|per|during|since|over|of)(?:\s+[^\s,;:(]+){{1,4}})?)"
    r"(?:[\s\d,.;:()\[\]/&+–—-]|\b(?:to|and|through|until|till)\b)*",
    re.I,
)
_UNDERLINE = re.compile(r"=+|-+")


def _is_list_title(line: str, following: str) -> bool:
    """Whether a plain list's first line is its title, not a question: underlined
    ("====="), ended by a colon, or naming the list (see `_LIST_TITLE`), with a period
    ("last 30 days", "March", "2024-03") or in the list's own words ("Top searches",
    "Questions from chat", "Unanswered questions"). A line with a question mark asks."""
    line = line.strip()
    if "?" in line or len(line.split()) > 12:
        return False
    if _UNDERLINE.fullmatch(following.strip()) or line.endswith(":"):
        return True
    undated = _PERIOD.sub(" ", line)
    return _LIST_TITLE.fullmatch(undated.strip(" \t,.;:()[]-–—|")) is not None


def _plain(text: str) -> list[_Row]:
    chats = transcript_questions(text)
    if chats is not None:
        return [_Row(question) for question in chats]
    lines = [line for line in text.splitlines() if line.strip() and not _COMMENT.match(line)]
    if lines and _is_list_title(lines[0], lines[1] if len(lines) > 1 else ""):
        lines = lines[1:]
    return [_Row(_plain_line(line)) for line in lines]


def detect(text: str, text_column: str | None = None, where: str = "this file") -> str:
    """The format of a questions file from its content."""
    stripped = text.lstrip()
    header = stripped.splitlines()[0] if stripped else ""
    # chat transcripts in plain text: "[10:02] Visitor: hi" is no JSON; "Chat Transcript"
    # over the turns no column name
    delimited = any(delimiter in header for delimiter in "\t,;")
    if text_column is None and not delimited and transcript_questions(stripped) is not None:
        return "text"
    if stripped[:1] in "[{":
        if not parse_json_text(stripped, "", lines=False)[1]:
            return "json"
        # "[10:02] Agent: Hi, how can I help?" is no JSON Lines either
        chat = text_column is None and transcript_questions(stripped) is not None
        return "text" if chat else "jsonl"
    wanted = {_key(text_column)} if text_column else set(TEXT_COLUMNS)
    # A header without a tab may still be one column's name ("question"): read as TSV.
    for fmt, delimiter in (("tsv", "\t"), ("csv", ","), ("csv", ";")):
        if delimiter in header or text_column or delimiter == "\t":
            fields = next(csv.reader([header], delimiter=delimiter), [])
            if wanted & {k for f in fields for k in (_key(f), _unprefixed(_key(f)))}:
                return fmt
    if text_column is None:
        if delimited and transcript_questions(stripped) is not None:
            return "text"
        for fmt, delimiter in (("tsv", "\t"), ("csv", ","), ("csv", ";")):
            if _headerless(stripped, delimiter):
                return fmt
        for delimiter in ("\t", ",", ";"):
            if _looks_like_table(stripped, delimiter):
                columns = next(csv.reader([header], delimiter=delimiter), [])
                raise QuestionsError(
                    f"{where} looks like a table with columns {_listed(columns)}, none of which "
                    f"holds the questions (usual names: {', '.join(TEXT_COLUMNS[:8])}); "
                    "name the column with --text-column"
                )
    return "text"


def _headerless(text: str, delimiter: str) -> list[str] | None:
    """Column names for a table without a header row (a query's output: "reset password,12"):
    every one of the first lines has the same number of cells, one column of text and the
    others of numbers (four in five of them at least, the first line's all).
    None when it is not such a table."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if not lines or delimiter not in lines[0]:
        return None
    rows = list(csv.reader(lines, delimiter=delimiter))
    width = len(rows[0])
    if width < 2 or any(len(row) != width for row in rows):
        return None
    # a column of numbers may hold a typo ("many"): the count's error then names its line
    numbers = [sum(_number(row[i]) is not None for row in rows) for i in range(width)]
    numeric = [
        5 * n >= 4 * len(rows) and _number(rows[0][i]) is not None for i, n in enumerate(numbers)
    ]
    texts = [i for i in range(width) if not numeric[i]]
    names = [f"column_{i + 1}" for i in range(width)]
    if len(texts) != 1 or numbers[texts[0]]:
        asked = _logged_question(rows)
        if asked is None:
            return None
        names[asked] = "question"  # a log's numbers are ids and durations, not counts
        return names
    names[texts[0]] = "question"
    names[numeric.index(True)] = "count"
    return names


# What a log writes beside what was asked: a time ("2/15/2012 11:53:16 AM", "2024-03-06"),
# a web or mail address, a list of them, or nothing ("NULL"). Each pattern is linear on any
# input (a cell may be megabytes): a date opens the cell, a time is anywhere in it, an address
# is one word that holds "://", "@", "/" or ";" or opens with a domain name.
_LOGGED_DATE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b")
_LOGGED_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
_LOGGED_DOMAIN = re.compile(r"(?<![\w.-])(?:[\w-]++\.)+[a-z]{2,}", re.I)
_LOGGED_NOTHING = frozenset({"null", "none", "n/a", "-", ""})


def _logged_value(cell: str) -> bool:
    """Whether a cell (stripped) holds one of the values a log writes beside the question."""
    if cell.casefold() in _LOGGED_NOTHING:
        return True
    if _LOGGED_DATE.match(cell) or _LOGGED_TIME.search(cell):
        return True
    if any(c.isspace() for c in cell):
        return False
    return any(m in cell for m in ("://", "@", "/", ";")) or bool(_LOGGED_DOMAIN.match(cell))


def _logged_question(rows: list[list[str]]) -> int | None:
    """The column of a log without a header row that holds what was asked (a search log:
    user id, time, market, query, duration, result and clicked addresses): the first whose
    cells are words (four in five), some of them more than one, beside a column of numbers,
    times or addresses; the first row holds such a value, so it is no header. None when no
    column or no such value is found."""
    if len(rows) < 2 or len(rows[0]) < 3:
        return None

    def logged(cell: str) -> bool:
        return _number(cell) is not None or _logged_value(cell.strip())

    width = len(rows[0])
    machine = [5 * sum(logged(row[i]) for row in rows) >= 4 * len(rows) for i in range(width)]
    if not any(machine) or not any(logged(cell) for cell in rows[0]):
        return None
    for i in range(width):
        cells = [row[i].strip() for row in rows]
        words = [c for c in cells if not logged(c) and re.search(r"[^\W\d_]", c)]
        if 5 * len(words) >= 4 * len(rows) and any(" " in c for c in words):
            return i
    return None


def _looks_like_table(text: str, delimiter: str) -> bool:
    """Every one of the first lines splits into the same number (2+) of fields, and the first
    line reads as a header (short names, no question mark)."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if len(lines) < 2 or delimiter not in lines[0]:
        return False
    widths = {len(row) for row in csv.reader(lines, delimiter=delimiter)}
    header = next(csv.reader([lines[0]], delimiter=delimiter))
    short = all(len(name.split()) <= 3 and "?" not in name for name in header)
    return len(widths) == 1 and widths.pop() >= 2 and short


def parse_questions(
    text: str, where: str = "questions", text_column: str | None = None, fmt: str = "auto"
) -> list[Question]:
    """Questions from the content of a file (`fmt` forces a format)."""
    if fmt not in INPUT_FORMATS:
        raise QuestionsError(f"questions format {fmt!r}: use one of {', '.join(INPUT_FORMATS)}")
    text = text.removeprefix("\ufeff")
    # a cell may be as long as the file (a pasted log in one cell): csv's 128 KB cap raised
    # an error no reader caught; the question is cut to MAX_QUESTION when read
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    if not text.strip():
        raise QuestionsError(
            f"{where} is empty; export the questions again (one per line, or a table with a "
            "question column)"
        )
    sep = _SEP_LINE.match(text)
    skipped = 0  # lines before a table's header, to name a row by its line in the file
    if sep:
        text = text[sep.end() :]
        fmt = "csv" if fmt == "auto" else fmt
        skipped = 1
    preamble = _PREAMBLE.match(text) if fmt in ("auto", "csv", "tsv") else None
    if preamble and "#" in preamble.group(0):  # an analytics export's "# Date range: ..." lines
        rest = text[preamble.end() :]
        try:
            table = fmt != "auto" or detect(rest, text_column, where) in ("csv", "tsv")
        except QuestionsError:
            table = False  # read as before: plain text whose comment lines are skipped
        if table:
            text, skipped = rest, skipped + preamble.group(0).count("\n")
    if fmt == "auto":
        fmt = detect(text, text_column, where)
    if fmt == "json" or fmt == "tickets":
        data = _parsed_json(text, where, lines=False)
        rows = (
            _tickets(data.get("tickets", data) if isinstance(data, dict) else data, where)
            if (fmt == "tickets")
            else _json(data, where, text_column)
        )
    elif fmt == "jsonl":
        rows = _jsonl(text, where, text_column)
    elif fmt in ("csv", "tsv"):
        blank = _LEADING_BLANK.match(text)
        if blank:
            text, skipped = text[blank.end() :], skipped + blank.group(0).count("\n")
        header = text.split("\n", 1)[0]
        delimiter = "\t" if fmt == "tsv" else ("," if "," in header else ";")
        delimiter = sep.group(1) if sep else delimiter
        names = None if text_column else _headerless(text, delimiter)
        if names:  # the first line is a question: name the columns above it
            text, skipped = delimiter.join(names) + "\n" + text, skipped - 1
        rows = _table(text, delimiter, where, text_column, skipped)
    else:
        rows = _plain(text)
    questions = merge(rows)
    if not questions:
        raise QuestionsError(
            f"{where} holds no question (none with a letter or digit, or only greetings and "
            "thanks); give one question per line or a table"
        )
    return questions


def load_questions(
    path: Path,
    text_column: str | None = None,
    fmt: str = "auto",
    warnings: list[str] | None = None,
) -> list[Question]:
    """Questions from a file: plain text, CSV/TSV, JSON(L), tickets export or search log;
    or from a Slack export's folder (see `kbaudit.sources.slack`).
    A file that is not UTF-8 (a spreadsheet's "CSV" on Windows) is read as Windows-1252 with a
    line in `warnings` when it is given, else it is an error."""
    if path.is_dir():
        if not slack.is_export(path):
            raise QuestionsError(
                f"{path} is a folder; give --questions the file of questions (or a Slack "
                "export's folder)"
            )
        try:
            messages = slack.export_messages(path)
        except slack.SlackError as exc:
            raise QuestionsError(str(exc)) from None
        questions = merge(_objects(messages, str(path), None))
        if not questions:
            raise QuestionsError(
                f"{path}: no customer question in the Slack export (only the team's posts, "
                "replies in threads and greetings); check the channels it holds"
            )
        return questions
    if not path.is_file():
        raise QuestionsError(f"questions file {path} does not exist; check --questions")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise QuestionsError(f"cannot read {path}: {exc.strerror or exc}") from None
    # Spreadsheets save "Unicode text" as UTF-16 with a byte order mark: decoded like exports.
    problem = not_text(raw, str(path))
    text, not_utf8 = decode(raw, str(path)) if problem is None else ("", None)
    if problem or (not_utf8 and warnings is None):
        raise QuestionsError(
            f"{path} is not UTF-8 text; save it as UTF-8 (in a spreadsheet: CSV UTF-8)"
        )
    if not_utf8 and warnings is not None:
        warnings.append(
            f"{path}: {not_utf8.message.split(';')[0]}; read as Windows-1252. If accents look "
            "wrong in the report, save it as UTF-8 (in a spreadsheet: CSV UTF-8)"
        )
    return parse_questions(text, str(path), text_column, fmt)


# Labels of `calibrate`, beside the true/false cells every table writes.
_ANSWERED = frozenset({"answered", "covered"})
_UNANSWERED = frozenset({"gap", "unanswered", "uncovered"})


@dataclass(frozen=True)
class Labelled:
    """Every question of a file (scored together, as the gap list scores a log: a
    question's status reads the questions asked like it) and, where a row gives one,
    whether an article answers it (None: not labelled, scored but not counted)."""

    texts: list[str]
    answered: list[bool | None]
    skipped: int  # rows without a question, or with a label that is not yes or no

    def counted(self, scores: list[float]) -> tuple[list[float], list[bool]]:
        """The scores and labels of the labelled questions."""
        pairs = [(s, a) for s, a in zip(scores, self.answered, strict=True) if a is not None]
        return [s for s, _ in pairs], [a for _, a in pairs]


def load_labelled(path: Path, text_column: str | None, label_column: str) -> Labelled:
    """The questions of a file some of whose rows say whether an article answers them (a
    CSV with a header, JSON Lines or a JSON list of objects). Raises SourceError with what
    is wrong and how to fix it."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SourceError(f"{path}: cannot read the labelled questions ({error})") from error
    text = decode(raw, str(path))[0].lstrip()
    if text.startswith(("[", "{")):
        try:
            found = _parsed_json(text, str(path), lines=False)
        except QuestionsError:
            found = _parsed_json(text, str(path), lines=True)
        items = found if isinstance(found, list) else [found]
        rows = [item for item in items if isinstance(item, dict)]
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise SourceError(f"{path}: no labelled question; write one row per question")
    columns = [str(c) for c in rows[0]]
    text_key = _pick(columns, [_key(text_column)] if text_column else TEXT_COLUMNS)
    if text_key is None:
        raise SourceError(
            f"{path}: no question column ({', '.join(columns)}); name it with --text-column"
        )
    label_key = _pick(columns, [_key(label_column)])
    if label_key is None:
        raise SourceError(
            f"{path}: no '{label_column}' column saying whether an article answers each "
            "question; add one (yes/no) or name it with --label-column"
        )
    texts: list[str] = []
    answered: list[bool | None] = []
    skipped = 0
    for row in rows:
        question = " ".join(str(row.get(text_key) or "").split())
        label = str(row.get(label_key) or "").strip().casefold()
        flag = True if label in _ANSWERED else False if label in _UNANSWERED else _flag(label)
        if not question or (label and flag is None):
            skipped += 1
            continue
        texts.append(question)
        answered.append(flag)
    return Labelled(texts, answered, skipped)
