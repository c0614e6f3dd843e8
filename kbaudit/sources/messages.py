"""What a customer wrote in an email, ticket or chat message, as one line of text: HTML tags
dropped and entities decoded; quoted replies ("On Mon, ... wrote:", "> ..."), forwarded
messages, signatures ("-- ", "Sent from my iPhone") and a sign-off with the lines after it
("Thanks,\\nJo") cut; a greeting on a line of its own ("Hi there,") dropped. A text without
any of these (a search query, a one-line question) comes back with its spacing tidied."""

from __future__ import annotations

import html
import re

_SPACE = re.compile(r"\s+")
_BEFORE_PUNCTUATION = re.compile(r"(?<!\s)\s+([?.!,;:])(?=\s|$)")

# Only tags of elements mail and chat tools write: "<support@example.com>" stays text.
_ELEMENTS = (
    r"a|abbr|b|blockquote|body|br|center|code|div|em|font|h[1-6]|head|hr|html|i|img|li|ol|p|"
    r"pre|s|small|span|strike|strong|sub|sup|table|tbody|td|th|thead|tr|u|ul"
)
_HTML_TAG = re.compile(rf"</?(?:{_ELEMENTS})\b[^<>]*>", re.I)
_HTML_BREAK = re.compile(r"<(?:br|/?(?:div|h[1-6]|hr|li|ol|p|pre|table|tr|ul))\b[^<>]*>", re.I)
_HTML_QUOTE = re.compile(r"<blockquote\b[^<>]*>", re.I)
_HTML_HIDDEN = re.compile(r"<(style|script|head)\b[^<>]*>.*?</\1\s*>", re.I | re.DOTALL)

# A line where the customer's own words end: a reply header, a forwarded message, a signature
# delimiter, a mobile footer, a help desk's reply marker.
_CUT = re.compile(  # anchored: read whole lines, linear on a long run of one character
    r"^(?:(?:on|le|am|el|il|op|em|den|w dniu)\s.{1,300}?"
    r"(?:wrote|a écrit|schrieb|escribió|ha scritto|schreef|escreveu|skrev|napisał)\s?:"
    r"|-{2,}\s*(?:original message|forwarded message|mensaje original|message d'origine|"
    r"ursprüngliche nachricht|messaggio originale)\s*-*"
    r"|#{2}-\s*please (?:type|write) your reply above this line\s*-#{2}"
    r"|begin forwarded message:?|_{10,}|-{2}|—"
    r"|sent from (?:my|mail for|outlook for|yahoo mail)\b.*|get outlook for \S.*)",
    re.I,
)
_REPLY_START = re.compile(r"(?:on|le|am|el|il|op|em|den|w dniu)\s", re.I)
_HEADER = re.compile(r"(?:from|de|von|van|da)\s?:\s.+", re.I)
_HEADER_NEXT = re.compile(
    r"(?:sent|date|to|subject|cc|envoyé|gesendet|enviado|à|an|objet|betreff|asunto)\s?:", re.I
)
_SIGN_OFF_WORDS = (
    r"(?:thanks|thank you|many thanks|thanks (?:again|in advance|a lot)|thx|ty|cheers|"
    r"(?:kind |best |warm |many )?regards|best(?: wishes)?|sincerely|yours(?: sincerely| truly)?|"
    r"cordialement|merci|saludos|gracias|danke|viele grüße|mit freundlichen grüßen|lg|br)"
)
_SIGN_OFF = re.compile(_SIGN_OFF_WORDS + r"[\s,.!]*", re.I)
SIGNATURE_LINES = 4  # short lines after a sign-off read as a signature (name, role, phone)
SIGNATURE_WIDTH = 60
_GREETING = r"(?:hi|hello|hey|hiya|dear|greetings|good (?:morning|afternoon|evening|day))"
# "Hi there,", "Hello", "Dear Ledgerly team," (not "hi how do I": no closing comma)
_GREETING_LINE = re.compile(
    rf"{_GREETING}(?:\s+(?:there|team|all|everyone|folks|support))?[\s,!.:;]*"
    rf"|{_GREETING}(?:\s+[^\s,!.:;]+){{1,3}}\s*[,!:;][\s,!.:;]*",
    re.I,
)

# The same written into the message's one line: "Hi team, we hired ..." and "... access.
# Thanks, Bob" (a sign-off after a finished sentence, with at most a capitalised name).
_INLINE_GREETING = re.compile(rf"{_GREETING}(?: [^\s,!.:;]+){{0,3}} ?[,!] ", re.I)
_INLINE_SIGN_OFF = re.compile(
    rf"(?<=[.?!]) (?i:{_SIGN_OFF_WORDS})[ ,.!]*(?:[A-Z][\w'.-]*(?: [A-Z][\w'.-]*){{0,2}})?[.!]?$"
)


# The @handles a post is addressed to ("@AcmeHelp @sam my card ..."), or ends with ("... fix
# it @AcmeHelp!"): whom it was sent to, not what was asked. An address (me@x.io) is no handle.
_LEADING_HANDLES = re.compile(r"(?:@\w[\w.-]*[ ,:]*)+")
_HANDLE = re.compile(r"@\w[\w.-]*")


def _without_handles(text: str) -> str:
    """One line without the @handles that open or close it, when something is left."""
    leading = _LEADING_HANDLES.match(text)
    if leading is not None and text[leading.end() :].strip():
        text = text[leading.end() :]
    body = text.rstrip(".!?")
    words = body.split(" ")
    kept = len(words)
    while kept > 1 and _HANDLE.fullmatch(words[kept - 1]):
        kept -= 1
    if kept < len(words) and " ".join(words[:kept]).strip():
        text = " ".join(words[:kept]) + text[len(body) :]
    return text


def _without_courtesies(text: str) -> str:
    """One line without the @handles and greeting that open it and the sign-off that
    closes it."""
    text = _without_handles(text)
    greeting = _INLINE_GREETING.match(text)
    if greeting is not None and len(text[greeting.end() :].split()) >= 2:
        text = text[greeting.end() :]
        text = text[0].upper() + text[1:]
    sign_off = _INLINE_SIGN_OFF.search(text)
    if sign_off is not None and len(text[: sign_off.start()].split()) >= 2:
        text = text[: sign_off.start()]
    return text


def _html_lines(text: str) -> str:
    """HTML as lines of text: block ends are line ends and a quote starts a "> " line."""
    for _ in range(3):  # an escaped HTML body ("&lt;p&gt;") is HTML once decoded
        if _HTML_TAG.search(text):
            text = _HTML_HIDDEN.sub(" ", text)
            text = _HTML_QUOTE.sub("\n> ", text)
            text = _HTML_TAG.sub(" ", _HTML_BREAK.sub("\n", text))
        decoded = html.unescape(text) if "&" in text else text
        if decoded == text:
            break
        text = decoded
    return text


def _own_lines(lines: list[str]) -> list[str]:
    """The customer's own lines: up to the first reply header, forward or signature after
    their words; quoted ("> ") lines and a forwarded message's header at the top left out."""
    kept: list[str] = []
    texts = [line.strip() for line in lines]
    after = [""] * len(texts)  # the next line that is not blank, found in one backward pass
    for i in range(len(texts) - 1, 0, -1):
        after[i - 1] = texts[i] or after[i]
    for stripped, following in zip(texts, after, strict=True):
        if not stripped or stripped.startswith(">"):
            continue
        is_cut = _CUT.fullmatch(stripped) is not None or (
            _REPLY_START.match(stripped) is not None
            and _CUT.fullmatch(f"{stripped} {following}") is not None
        )
        is_header = _HEADER.fullmatch(stripped) is not None and _HEADER_NEXT.match(following)
        if kept and (is_cut or is_header):
            break
        if not (is_cut or _HEADER.fullmatch(stripped) or _HEADER_NEXT.match(stripped)):
            kept.append(stripped)
    return kept


def _is_name(line: str) -> bool:
    """A name signed on a line of its own: one to three capitalised words, nothing else."""
    words = line.split()
    plain = (w.replace("-", "").replace("'", "").replace(".", "") for w in words)
    return (
        0 < len(words) <= 3
        and all(w[0].isupper() for w in words)
        and all(p.isalpha() for p in plain)
    )


def _before_sign_off(lines: list[str]) -> list[str]:
    """The lines before a sign-off followed by at most a short signature ("Thanks,\nJo")."""
    for at in range(max(1, len(lines) - 1 - SIGNATURE_LINES), len(lines)):  # "rest" is short
        rest = lines[at + 1 :]
        short = len(rest) <= SIGNATURE_LINES and all(len(x) <= SIGNATURE_WIDTH for x in rest)
        if short and _SIGN_OFF.fullmatch(lines[at]):
            return lines[:at]
    # "...find it?\nKim": a name after a finished sentence ("set up\nPayroll Plus" is not)
    if len(lines) > 1 and lines[-2].endswith(("?", ".", "!")) and _is_name(lines[-1]):
        return lines[:-1]
    return lines


# A chat transcript written into one text (a chat ticket's description, a transcript cell):
# "(03:55:44 PM) Sam Lee: hi" or "Visitor 88231: hi".
_TURN = re.compile(
    r"^[\[(]?(?:\d{4}-\d{2}-\d{2}[ T])?(\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?)?[\])]?\s*"
    r"([^\s:*()\[\]<>][^:\n]{0,39}?):\s+(\S.*)",
    re.I,
)
# A speaker in brackets, no colon needed: "[Visitor] hi", "[10:02] [Agent] Hello", "<Sam> hi".
_BRACKET_TURN = re.compile(
    r"^(?:[\[(]?(?:\d{4}-\d{2}-\d{2}[ T])?(\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?)[\])]?\s*)?"
    r"[\[<]([^\s:\[\]<>][^:\[\]<>\n]{0,39}?)[\]>]:?\s+(\S.*)",
    re.I,
)
_STAFF_NAME = re.compile(
    r"\b(?:bot|agent|support|assistant|system|team|admin|operator|helpdesk|ai)\b", re.I
)
# Header lines of a transcript, not speakers: "Chat started: ...", "URL: ...".
_NOT_SPEAKERS = frozenset(
    {"url", "page", "page url", "referrer", "referer", "date", "time", "chat started",
     "chat ended", "started", "ended", "email", "e-mail", "name", "phone", "country", "city",
     "region", "ip", "ip address", "browser", "platform", "device", "os", "subject", "from",
     "to", "sent", "cc", "tags", "rating", "comment", "department"}
)  # fmt: skip


_CUSTOMER_NAMES = re.compile(
    r"(?:visitor|customer|user|client|guest|contact|lead|end[- ]user|me|you)(?:\s*(?:name|\d+))?",
    re.I,
)
_SEPARATOR = re.compile(r"[-=*_#~.\s]{3,}")
# How an agent opens a chat: an offer of help, a welcome, thanks for getting in touch, their
# name and company ("this is Marcus from Northbank"). Searched from the start of the turn.
_AGENT_OPENING = re.compile(
    r"^.{0,80}?\b(?:how (?:can|may|could|might) (?:i|we) (?:help|assist)"
    r"|what can (?:i|we) do for you|(?:can|may|could) (?:i|we) help you"
    r"|(?:thanks?|thank you) for (?:contacting|reaching out|getting in touch|chatting|calling)"
    r"|welcome to|you(?:'re| are) (?:chatting|speaking|talking) (?:with|to)"
    r"|this is \w+(?: \w+)? (?:from|with|at) )",
    re.I,
)


def offers_help(text: str) -> bool:
    """Whether a chat turn opens as an agent does ("Hello, how may I help you?")."""
    return _AGENT_OPENING.match(text) is not None


def _turns(lines: list[str]) -> list[tuple[str | None, str, str]]:
    """The (time, speaker, text) of each line that is a turn; header lines ("Date: ...")
    are not."""
    turns = []
    for line in lines:
        turn = _BRACKET_TURN.fullmatch(line.strip()) or _TURN.fullmatch(line.strip())
        if turn and turn.group(2).strip().casefold() not in _NOT_SPEAKERS:
            turns.append((turn.group(1), turn.group(2).strip(), turn.group(3)))
    return turns


def _opens_like_staff(turns: list[tuple[str | None, str, str]], speakers: list[str]) -> list[str]:
    """The speakers whose first turn that is more than a greeting offers help ("How can I
    help?"), unless every speaker does."""
    first = {name: text for _, name, text in reversed(turns) if not is_courtesy(text)}
    staff = [n for n in speakers if _AGENT_OPENING.match(first.get(n, ""))]
    return [] if len(staff) == len(speakers) else staff


def _transcript_question(lines: list[str], customer: str | None) -> str | None:
    """The customer's first turn that is more than a greeting, when `lines` are a chat
    transcript (two speakers or more, turns with times or a staff speaker such as "Agent
    Dana" or "Answer Bot", or the customer named by the subject); else None. When most turns
    have a time, those without are the transcript's header ("Visitor: Sam" names the
    customer)."""
    turns = _turns(lines)
    timed = sum(1 for time, _, _ in turns if time)
    if timed >= 2 and 2 * timed >= len(turns):
        for _, name, text in turns:
            if customer is None and _CUSTOMER_NAMES.fullmatch(name) and _is_name(text):
                customer = text.strip()
        turns = [turn for turn in turns if turn[0]]
    speakers = list(dict.fromkeys(name for _, name, _ in turns))
    named = next((n for n in speakers if customer and n.casefold() == customer.casefold()), None)
    staff = [n for n in speakers if _STAFF_NAME.search(n)]
    if len(speakers) < 2:
        return None
    if not staff:  # no speaker named as staff: those who open by offering help are
        staff = _opens_like_staff(turns, speakers)
        # "Visitor: ..." beside "Sam: How can I help?": the visitor is the customer
        labelled = next((n for n in speakers if _CUSTOMER_NAMES.fullmatch(n)), None)
        if not (timed >= 2 or named or (labelled and staff)):
            return None
        named = named or labelled
    who = named or next((n for n in speakers if n not in staff), None)
    if who is None:
        return None
    asked = (text for _, name, text in turns if name == who and not is_courtesy(text))
    return next(asked, "")


def transcript_questions(text: str) -> list[str] | None:
    """Of a file of chat transcripts in plain text ("[10:02] Visitor: hi", "Customer: hi",
    "[Visitor] hi" lines, one conversation after another), each conversation's question;
    None when the file is not one: most of its lines are turns, with times or a customer
    and a staff speaker (named so, or offering help in a conversation). A
    conversation starts at a line that is no turn (its header) after a blank line or a
    separator ("-----") that follows turns."""
    lines = [line.strip() for line in text.splitlines()]
    filled = [line for line in lines if line and not _SEPARATOR.fullmatch(line)]
    turns = _turns(filled)
    speakers = {name for _, name, _ in turns}
    timed = sum(1 for time, _, _ in turns if time)
    # a customer ("Visitor", "Customer") and the team: named so ("Agent"), or offering help
    # in a conversation (each speaker has two turns or more on average, not one a line)
    both = any(_CUSTOMER_NAMES.fullmatch(n) for n in speakers) and (
        any(_STAFF_NAME.search(n) for n in speakers)
        or (2 * len(speakers) <= len(turns) and bool(_opens_like_staff(turns, sorted(speakers))))
    )
    if len(speakers) < 2 or 2 * len(turns) < len(filled) or not (2 * timed > len(turns) or both):
        return None
    blocks: list[list[str]] = [[]]  # runs of lines between blank lines and separators
    for line in lines:
        if not line or _SEPARATOR.fullmatch(line):
            if blocks[-1]:
                blocks.append([])
        else:
            blocks[-1].append(line)
    # Turns one to a block are a transcript spaced out; else a blank line after turns of two
    # speakers or more ends the conversation when the next block brings in someone new, or,
    # in turns without times ("Customer: ..." / "Agent: ..." in every conversation), when
    # the next block is an exchange opened by whoever opened the conversation.
    spaced = all(len(_turns(block)) <= 1 for block in blocks)
    conversations: list[list[str]] = [[]]
    said: set[str] = set()  # who has spoken in the conversation so far
    opener = ""  # who spoke first in the conversation
    for block in filter(None, blocks):
        block_turns = _turns(block)
        names = {name for _, name, _ in block_turns}
        header = not _turns(block[:1])
        again = (
            not header
            and len(names) > 1
            and block_turns[0][1] == opener
            and not any(time for time, _, _ in block_turns)
        )
        if said and (header or (not spaced and len(said) > 1 and (names - said or again))):
            conversations.append([])
            said = set()
        if not said:
            opener = block_turns[0][1] if block_turns and not header else ""
        said |= names
        conversations[-1].extend(block)
    found = (_transcript_question(lines, _header_speaker(lines)) for lines in conversations)
    return [question for question in found if question]


def _header_speaker(lines: list[str]) -> str | None:
    """The customer a transcript's header names ("Chat transcript with Pedro")."""
    for line in lines:
        if _turns([line]):
            return None
        if name := subject_speaker(line):
            return name
    return None


def message_text(value: str, customer: str | None = None) -> str:
    """What the customer wrote in a message (see the module note), as one line; of a chat
    transcript, the customer's first question (`customer`: their name, if known)."""
    text = _html_lines(value)
    was_html = text != value
    transcript = None
    if "\n" in text or "\r" in text:
        transcript = _transcript_question(text.splitlines(), customer)
    if transcript is not None:
        text = transcript
    elif "\n" in text or "\r" in text:
        lines = _before_sign_off(_own_lines(text.splitlines()))
        if len(lines) > 1 and _GREETING_LINE.fullmatch(lines[0]):
            lines = lines[1:]
        text = " ".join(lines)
    text = _without_courtesies(_SPACE.sub(" ", text).strip())
    # "<b>invoices</b>?" left a space before "?"; a French "passe ?" keeps its own
    return _BEFORE_PUNCTUATION.sub(r"\1", text) if was_html else text


_SUBJECT_PREFIX = re.compile(
    r"^(?:\s*(?:re|fwd?|aw|wg|tr|sv|vs|antw|rv|enc|res)\s*(?:\[\d+\]|\(\d+\))?\s*:)+\s*", re.I
)
# Subjects a help desk writes for a channel, not the customer: "Chat with Visitor 88231".
_CHANNEL_SUBJECT = re.compile(
    r"(?:new |incoming )?(?:offline |missed |text |sms |whatsapp |facebook |instagram |web )?"
    r"(?:chat|conversation|call|voicemail|message)s?\s+(?:transcript\s+|log\s+)?(?:with|from)\b:?\s*(.*)",
    re.I,
)


def subject_speaker(value: str) -> str | None:
    """Whom a help desk's channel subject names ("Chat with Sam Lee": Sam Lee), else None."""
    found = _CHANNEL_SUBJECT.fullmatch(_SUBJECT_PREFIX.sub("", value.strip(), count=1))
    return found.group(1).strip() or None if found else None


def subject_text(value: str) -> str:
    """A ticket's subject as the customer gave it: "Re:"/"Fwd:" prefixes dropped; empty when
    the help desk wrote it for the channel ("Chat with Visitor 88231", "Call from ...")."""
    text = _SUBJECT_PREFIX.sub("", message_text(value), count=1)
    return "" if _CHANNEL_SUBJECT.fullmatch(text) else text


# Words of a message that asks nothing: greetings, thanks, yes/no, "is anyone there?".
_COURTESY = """hi hello hey hiya howdy yo hallo hola bonjour salut ciao ola olá hej moin servus
    there team all everyone everybody folks guys support anyone anybody someone somebody
    good morning afternoon evening day night thanks thank you thx ty tia cheers merci danke
    gracias grazie obrigado obrigada ok okay k yes yeah yep yup no nope sure cool great fine
    perfect alright please pls plz help me i need can could is are still test testing hmm um
    uh bye goodbye again much lot so very have a question quick got one"""
COURTESY_WORDS = frozenset(_COURTESY.split())
_WORD = re.compile(r"[^\W_]+")


def is_courtesy(text: str) -> bool:
    """Whether a message only greets, thanks or asks for attention ("hi", "hello?", "thanks!",
    "is anyone there"): no question for the knowledge base."""
    words = _WORD.findall(text.casefold())
    return bool(words) and all(word in COURTESY_WORDS for word in words)
