"""Suggested article titles for gap topics, from the wording of a customer question: the
first sentence that asks something, greetings and filler removed, first person turned into
second person with the verb agreeing ("I am" -> "you are"), at least MIN_WORDS words, and
words written as the KB and its customers write them ("sso with okta" -> "SSO with Okta")."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from functools import partial

from kbaudit.text import shorten

# "how much", "how long": a question word of its own, never filler before what is asked
_QUANTITY = r"(?:much|many|long|often|far|old)"
# "do you know if / whether / how ..." lead into what is asked; "how much" stays with it
_KNOW = rf"(?: if| whether| how(?! {_QUANTITY}\b))?"
_WH_LEAD = re.compile(r"^(why|what|when|which|who|where|how) (.+)$")
_LEADS = (
    # a task tried in vain ("I need to transfer to my account and can't") is a problem
    (
        re.compile(
            r"^(?:i|we) (?:need|want|tried|try|am trying|have tried|would like) to (.+?),? "
            r"(?:and|but) (?:i |we )?(?:can't|cannot|can not|couldn't|am unable to|was unable to"
            r"|it won't let (?:me|us))$"
        ),
        "What to do when you can't {}",
    ),
    (re.compile(r"^(?:how|where) (?:do|can|could|should|would) (?:i|we|you) (.+)$"), "How to {}"),
    # a plea for help names a task or a subject ("help me find my statement")
    (re.compile(r"^(?:can|could|would|will) you please (.+)$"), "How to {}"),
    (re.compile(r"^help (?:me|us) with (.+)$"), "Help with {}"),
    (re.compile(r"^help (?:me|us) (?:to )?(.+)$"), "How to {}"),
    (re.compile(r"^how to (.+)$"), "How to {}"),
    (re.compile(r"^(?:can|could|may) (?:i|we|you) (.+)$"), "How to {}"),
    (re.compile(r"^is (?:it|there a way) (?:possible )?to (.+)$"), "How to {}"),
    (re.compile(r"^(?:is there a way|is it possible) (?:for me |for us )?to (.+)$"), "How to {}"),
    (
        re.compile(
            r"^(?:i|we)(?: (?:want|need|wish|would like|would love)|['’]d (?:like|love)) to (.+)$"
        ),
        "How to {}",
    ),
    # an obligation is a task too ("i must roll over my 401k", "we have to file a claim")
    (re.compile(r"^(?:i|we) (?:must|have to|have got to|got to|gotta) (.+)$"), "How to {}"),
    # an interest names a subject ("i am interested in a new insurance plan")
    (
        re.compile(
            r"^(?:i|we)(?: am| are|['’]m|['’]re) interested in (?:(?:learning|hearing|knowing|"
            r"reading|finding out)(?: more)? about )?(.+)$"
        ),
        "About {}",
    ),
    # a question word left at the end ("my insurance benefits are what"): put first
    (
        re.compile(
            r"^((?:my|your|our|the|this|that|these|those) .+) (is|are|was|were) "
            r"(what|where|when|who|which)$"
        ),
        "{2} {1} {0}",
    ),
    # a request to be shown, found or given something ("show me my last transactions"): how
    # to see, find or get it, never "Show you ..." (what to be told about is a subject)
    (re.compile(r"^(?:show|list|tell) me (.+)$"), "How to see {}"),
    (re.compile(r"^find me (.+)$"), "How to find {}"),
    (re.compile(r"^(?:give|get|send) me (.+)$"), "How to get {}"),
    # an embedded question, put as a question ("what my balance is" -> "What is my balance")
    (
        re.compile(
            rf"^(what|when|where|who|which|how {_QUANTITY}) "
            r"((?:my|your|our|their|his|her|its|the|a|an|this|that|these|those) .+) "
            r"(is|are|was|were)$"
        ),
        "{0} {2} {1}",
    ),
    (_WH_LEAD, "{} {}"),
)
MIN_WORDS = 3
# Greetings and filler before or after what is asked.
_GREETING = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|greetings|good (?:morning|afternoon|evening)|dear \w+|"
    r"thanks|thank you|please|pls|"
    # "help", "help me.", "help me please,": a plea; "help me find ..." asks for a task
    r"help(?: (?:me|us)(?: please)?(?=\s*(?:[,.!:;-]|$))| please|(?! (?:me|us)\b))|"
    r"urgent|it'?s urgent|this is urgent|question|ok|okay|"
    r"so(?! (?:far|many|much|long)\b)|well|um|yes|no|sorry)"
    r"(?: there| team| all| guys)?(?![\w'-])[\s,.!:;-]*)+",  # whole words: not "So" of "Something"
    re.I,
)
_FILLER = re.compile(
    r"^(?:i (?:have|had|got) a question(?: about| on| regarding)?|quick question|"
    r"i(?:'m| am| was) (?:just )?(?:wondering|curious)(?: about)?(?: if| whether| how)?|"
    rf"i (?:would|'d) like to know{_KNOW}|i want to know{_KNOW}|"
    r"(?:can|could|would|will) you (?:please )?(?:(?:tell|help|explain to|show) me(?: with)?|"
    r"explain(?= how\b))|"
    r"please (?:tell|help|explain to|show) me(?: with)?|"
    rf"do you know{_KNOW}|"
    r"(?:tell|show) me(?: more)?(?= (?:what|which|when|where|who|why|how|about)\b)|"
    r"let me know(?= (?:what|which|when|where|who|why|how)\b)|"
    r"i need (?:some )?(?:help|assistance|information)(?: with| on| about| regarding)?|"
    # a hedge before what is said ("I think someone is using my card")
    r"(?:i|we) (?:think|believe|guess|suppose|feel like)(?: that)?|"
    r"it (?:seems|looks)(?: like| as if| that)?|apparently|"
    rf"i need to know{_KNOW})\s+",
    re.I,
)
# The lookbehind starts a match only at the first of a run of separators: linear time.
_TRAILING = re.compile(
    r"(?<![\s,.!;-])[\s,.!;-]*\b(?:thanks?(?: you)?(?: in advance)?|thx|please(?: help)?|asap|why is that|"
    r"what (?:can|should|do) (?:i|we) do(?: now| about it)?|what now|"
    r"(?:how )?(?:do|can|could) (?:i|we) do (?:that|this|it)|how is (?:that|this|it) done|"
    r"is (?:that|this|it) possible|"
    r"any help(?: is| would be)? appreciated|help|(?:and )?if so|"
    r"(?:but |and |so )?(?:can|could|will|would) you (?:please )?(?:tell|explain to) (?:me|us) why|"
    r"(?:do|does) (?:you|anyone) know why|(?:can|could) (?:you|anyone) help(?: me| us)?|"
    r"it seems|(?:i|we) (?:think|guess|believe|suppose)|apparently)[\s.!?]*$",
    re.I,
)
# A question word closing a request ("I need to change my policy, how?") asks nothing more.
_CLOSING_ASK = re.compile(r",\s*(?:how|why|where|when)\s*[?.!]*$", re.I)
# Verbs after "I" that take another form after "you".
_AGREE = {"am": "are", "was": "were", "'m": "'re"}
_PRONOUNS = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "we": "you", "us": "you",
    "our": "your", "ours": "yours", "i'm": "you're", "im": "you're", "i've": "you've",
    "myself": "yourself",
}  # fmt: skip


_CONTRACTIONS = {
    "cant": "can't", "dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "wont": "won't",
    "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't", "werent": "weren't",
    "hasnt": "hasn't", "havent": "haven't", "couldnt": "couldn't", "wouldnt": "wouldn't",
    "shouldnt": "shouldn't", "im": "i'm", "ive": "i've",
}  # fmt: skip
# A statement with one of these words reports a problem: "What to do when ...".
_PROBLEM = re.compile(
    r"n't\b|\b(?:not|no|never|cannot|unable|error|errors|fail|fails|failed|failing|stopped|"
    r"declined|broken|missing|wrong|stuck|keeps|locked|lost|forgot|disappeared|gone|still|"
    r"waiting|pending|charged|stolen|incorrect|invalid|crashed|crashes|crashing|frozen|"
    r"blocked|rejected|denied|refused|expired|damaged|hacked|compromised|suspended)\b"
)
_WHEN_ASKS = re.compile(
    r"^when (?:am|is|are|was|were|do|does|did|can|could|should|shall|will|would|has|have|may|"
    r"might|must|ought|to)\b"
)
# A question word: a sentence put as a question that holds one stays a question.
_WH = re.compile(r"\b(?:what|which|who|whom|whose|where|when|why|how)\b")
# A phrase put before the question ("For the identity verification, what do you need"):
# moved after it ("What do you need for the identity verification?").
_FRONTED = re.compile(
    r"^((?:for|about|regarding|with|on|in|at|to|during|after|before|if|when|once|while) "
    r"[^,?]{2,80}),\s+((?:what|which|who|where|when|why|how|can|could|do|does|is|are|will|"
    r"would|should|may)\b.+)$",
    re.I,
)
_NEEDS_SUBJECT = re.compile(r"^(?:can't|cannot|won't|unable|couldn't|don't|didn't|forgot|lost)\b")
_YES_NO = re.compile(r"^(?:does|do|is|are|will|would|should|did|was|has|have)\b")
# A statement starting with one of these verbs is a task: "How to ...".
_TASK_VERBS = frozenset({
    "activate", "block", "claim", "deactivate", "freeze", "order", "redeem", "replace",
    "report", "request", "top", "unblock", "unfreeze",
    "add", "apply", "approve", "archive", "book", "cancel", "change", "close", "connect",
    "convert", "create", "delete", "disable", "download", "downgrade", "edit", "enable",
    "export", "file", "find", "get", "give", "import", "install", "invite", "link", "log",
    "make", "merge", "move", "pay", "print", "put", "reconcile", "recover", "refund", "remove",
    "rename", "reset", "restore", "schedule", "send", "set", "share", "sign", "split", "start",
    "stop", "submit", "switch", "sync", "track", "transfer", "turn", "update", "upgrade",
    "upload", "use", "verify",
})  # fmt: skip


# A task followed by a clause of its own ("How to reactivate your card, you thought you had
# lost it but found it"; "..., how long will it take"): the task is the title.
_TASK_CLAUSE = re.compile(
    r"^(How to [^,]+?),\s+(?:you|we|i|it|they|he|she|this|that|there|what|which|who|where|when|"
    r"why|how|but|because|since|as|so|and (?:you|we|it|then))\b",
    re.I,
)


# A ticket is read as "subject: first message"; a short lead before a colon is a sentence
# of its own ("refund: I was charged twice" asks two things, not "refund: i was ...").
_LEAD = re.compile(r"^([^.?!:\n]+?):\s+(?=\S)")
MAX_LEAD_WORDS = 10


def _lead_apart(text: str) -> tuple[str, str]:
    """A short subject before the first colon of `text` ("" when there is none) and the
    rest."""
    m = _LEAD.match(text)
    if m and len(m.group(1).split()) <= MAX_LEAD_WORDS and not re.search(r"\d$", m.group(1)):
        return m.group(1).strip(), text[m.end() :]
    return "", text


def ticket_subject(text: str) -> str:
    """A ticket's own subject ("Single sign-on with Okta: Our IT team ..." -> "Single sign-on
    with Okta"), greetings and filler removed; "" when the text has none of two words or
    more."""
    lead = _clean(_lead_apart(re.sub(r"\s+", " ", text).strip())[0])
    return lead if len(lead.split()) >= 2 else ""


def _clean(sentence: str) -> str:
    """A sentence without greetings, filler and trailing pleas."""
    sentence = _GREETING.sub("", sentence)
    previous = None
    while previous != sentence:
        previous = sentence
        sentence = _FILLER.sub("", _GREETING.sub("", sentence))
    return _TRAILING.sub("", _CLOSING_ASK.sub("", sentence)).strip(" ,;:-")


# A task verb that is the first noun of a two-word compound ("refund request", "transfer
# limit", "top up limit"), not an instruction: no "How to" before it.
_COMPOUND = re.compile(
    r"^\S+ (?:up )?(?:request|requests|status|limit|limits|policy|fee|fees|time|times|"
    r"process|history|options?|settings|issues?|problems?|errors?|form|confirmation|receipt|"
    r"number|date|amount|rates?|methods?|delay|details|info|information|page)$"
)


# An @handle inside a post: a name ("@Tesco") reads as the name, an anonymised one ("@76099",
# as public data sets write every customer's and some brands' handles) as nothing.
_HANDLE = re.compile(r"(?<![\w@.])@(?:(\d+)\b\s?|([^\W\d]\w*))")


def _unmentioned(text: str) -> str:
    return _HANDLE.sub(lambda m: m.group(2) or "", text)


def _ask(question: str, focus: frozenset[str] = frozenset()) -> tuple[str, bool]:
    """The sentence that asks something: greetings and filler stripped, the first sentence
    with at least MIN_WORDS words left; of the sentences that name the topic (`focus` words),
    a question first, else the one naming it most ("I lost my card. Can you help me?" -> "I
    lost my card" when the topic is about lost cards); a ticket's subject when it names the
    topic in MIN_WORDS words or more. Without its closing marks, and whether it was put as
    a question (closed by a question mark)."""
    lead, text = _lead_apart(re.sub(r"\s+", " ", _unmentioned(question)).strip())
    sentences = [s.strip() for s in re.split(r"(?<=[.?!])\s+|\n", text) if s.strip()]
    cleaned = []
    for sentence in [lead, *sentences] if lead else sentences:
        sentence = _clean(sentence)
        if len(sentence.split()) >= 2:
            cleaned.append(sentence)
    overlap = [len(_folded(focus) & _folded(re.findall(r"\w+", s.lower()))) for s in cleaned]
    named = [(s, n) for s, n in zip(cleaned, overlap, strict=True) if n] or [
        (s, 0) for s in cleaned
    ]
    if lead and named and named[0][0] == _clean(lead):
        # A ticket's subject is the customer's own title of it; too short, it names little.
        if len(named[0][0].split()) >= MIN_WORDS:
            return named[0][0].rstrip("?!.: "), named[0][0].endswith("?")
        if len(named) > 1:
            named = named[1:]
    # Of the sentences that name the topic, a question, else the one naming it most.
    asking = [s for s, _ in named if s.endswith("?")]
    most = max((n for _, n in named), default=0)
    chosen = (asking or [s for s, n in named if n == most] or [""])[0]
    return chosen.rstrip("?!.: "), chosen.endswith("?")


def _folded(words: Iterable[str]) -> frozenset[str]:
    """Words with a plural counted as its singular ("resellers" names "reseller")."""
    return frozenset(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words)


_WORD = re.compile(r"[^\W\d_][\w]*(?:['.+-][\w]+)*")
_ANY_WORD = re.compile(r"[^\W_][\w]*(?:['.+-][\w]+)*")  # also "2fa", as casing writes it
MIN_SEEN = 2  # a word's written form is learned from at least this many uses
CASED_SHARE = 0.2  # ... that make at least this share of the word's uses
# Acronyms and names no English word shares, as support texts write them: used when the
# customers and the KB never wrote the word otherwise ("sso with okta" -> "SSO").
_KNOWN_GROUPS = {
    "software": "API APIs SDK SSO SAML MFA 2FA OTP PDF CSV XML JSON HTML URL DNS SSL TLS VPN",
    "support": "SMS FAQ QR USB NFC ATM CRM ERP",
    "money and law": "VAT GST HST GDPR KYC IBAN SEPA ACH UK EU USA",
    "names": "iOS macOS iPhone iPad Android Linux PayPal",
}
_KNOWN_FORMS = {w.lower(): w for w in " ".join(_KNOWN_GROUPS.values()).split()}


def _shouting(text: str) -> bool:
    """Written in capitals: most letters upper case ("I CAN NOT FIND THE CODE")."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) > 0.6 * len(letters)


def _title_case(title: str) -> bool:
    words = [w for w in _WORD.findall(title)[1:] if len(w) > 3]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) > 0.5 * len(words)


def word_casing(questions: Iterable[str], titles: Iterable[str] = ()) -> dict[str, str]:
    """How the customers and the KB write the words that are not plain lower case: acronyms
    and names ("api" -> "API", "okta" -> "Okta", "iphone" -> "iPhone"). A use counts when the
    word does not start a sentence; texts in capitals do not count, and texts in Title Case
    count only their all-capital and mixed-case words. A title's use counts MIN_SEEN times,
    a question's once. Customers often type names in lower case, but seldom capitalise a
    common word inside a sentence: a word takes its most frequent form that is not lower
    case when that form was seen MIN_SEEN times and makes more than CASED_SHARE of its uses
    (an acronym or a mixed-case name) or more than half ("States" of "United States" is not
    the verb "states").
    First person pronouns and single letters keep theirs ("us" is not "US"). Well-known
    acronyms and names ("sso", "vat", "iphone") take their usual form unless the texts
    write them otherwise."""
    forms: defaultdict[str, Counter[str]] = defaultdict(Counter)
    known: set[str] = set()  # well-known acronyms and names met anywhere

    def count(text: str, weight: int) -> None:
        known.update(w for w in _ANY_WORD.findall(text.lower()) if w in _KNOWN_FORMS)
        if _shouting(text):
            return
        only_marked = _title_case(text)
        for sentence in re.split(r"(?<=[.?!:])\s+|\n", text):
            for w in _WORD.findall(sentence)[1:]:
                marked = w[1:] != w[1:].lower()  # "API", "iPhone", "QuickBooks"; not "Okta"
                if not only_marked or marked:
                    forms[w.lower()][w] += weight

    for text in questions:
        count(text, 1)
    for title in titles:  # written with care: one use is enough
        count(title, MIN_SEEN)
    casing = {}
    for low, seen in forms.items():
        written = [(n, form) for form, n in seen.items() if form != low]
        if not written or low in _PRONOUNS or len(low) < 2:
            continue
        n, form = max(written)
        share = CASED_SHARE if form[1:] != form[1:].lower() else 0.5
        if n >= MIN_SEEN and n > share * sum(seen.values()):
            casing[low] = form
    for low in known:
        casing.setdefault(low, _KNOWN_FORMS[low])
    return casing


def cased(text: str, casing: Mapping[str, str]) -> str:
    """`text` with its lower-case words written as `casing` says."""
    if not casing:
        return text
    return _ANY_WORD.sub(lambda m: casing.get(m.group(), m.group()), text)


# Second person, said by a customer who also speaks of themselves ("the card you sent me"):
# the company, which a help center calls "we" ("the card we sent you").
_COMPANY = {"your": "our", "yours": "ours", "you're": "we're", "you've": "we've", "you'll": "we'll"}
_FIRST_PERSON = re.compile(r"\b(?:i|me|my|mine|myself|i'm|im|i've|we|us|our)\b")
# Words after which "you" is a subject ("that you sent", "did you get"); after any other
# word it is an object ("I emailed you", "send you my documents": "us").
_BEFORE_SUBJECT = frozenset({
    "that", "which", "who", "when", "if", "because", "why", "what", "how", "where", "and", "but",
    "so", "as", "or", "do", "does", "did", "can", "could", "will", "would", "should", "have",
    "has", "had", "are", "were", "don't", "doesn't", "didn't", "can't", "won't", "wouldn't",
    "couldn't", "shouldn't", "haven't", "hasn't", "aren't",
})  # fmt: skip
# ... and a verb after it makes it one ("the card you sent me"); a word that follows an
# object ("I emailed you yesterday", "send you the form") never does.
_VERBS = frozenset({
    "are", "were", "have", "had", "can", "could", "will", "would", "should", "do", "did", "don't",
    "didn't", "can't", "won't", "sent", "send", "need", "needs", "want", "charge", "charged",
    "take", "took", "make", "made", "give", "gave", "get", "got", "let", "offer", "accept",
    "support", "allow", "provide", "issue", "use", "used", "ask", "call", "require", "requires",
    "say", "said", "told",
})  # fmt: skip
_AFTER_OBJECT = frozenset({
    "my", "the", "a", "an", "to", "for", "about", "with", "in", "on", "at", "yesterday", "today",
    "now", "some", "any", "this", "that",
})  # fmt: skip


def _swap(part: str, company: bool = False) -> str:
    """First person -> second person; "I am" -> "you are", "I was" -> "you were". "US" in
    capitals is the country, not "us". With `company`, second person is the company: "we",
    "us", "our"."""
    words = part.split(" ")
    if company:  # "do you guys": "do we"
        words = [
            w
            for i, w in enumerate(words)
            if not (i and words[i - 1].lower() == "you" and w.lower() in ("guys", "folks", "all"))
        ]
    out = []
    for i, w in enumerate(words):
        low = w.lower()
        if w == "US":
            out.append(w)
        elif company and low == "you":
            before = words[i - 1].lower() if i else ""
            after = words[i + 1].lower() if i + 1 < len(words) else ""
            subject = (not before or before in _BEFORE_SUBJECT) or (
                after not in _AFTER_OBJECT
                and (after in _VERBS or (len(after) > 4 and after.endswith("ed")))
            )
            out.append("we" if subject else "us")
        elif company and low in _COMPANY:
            out.append(_COMPANY[low])
        elif i and words[i - 1].lower() in ("i", "we") and low in _AGREE:
            out.append(_AGREE[low])
        elif low in ("i", "we") and out and out[-1].lower() in _AGREE:  # "was I" -> "were you"
            out[-1] = _AGREE[out[-1].lower()]
            out.append("you")
        elif low in ("i'm", "im"):  # "why i'm I charged": a slip for "am I", not "I am I"
            doubled = i + 1 < len(words) and words[i + 1].lower() == "i"
            out.append("are" if doubled else "you're")
        else:
            out.append(_PRONOUNS.get(low, w))
    return " ".join(out)


def suggest_title(
    question: str, focus: frozenset[str] = frozenset(), casing: Mapping[str, str] | None = None
) -> str | None:
    """A help-center style title from a customer question: "How do I ... ?" -> "How to ...";
    tasks ("send an estimate") -> "How to send an estimate"; yes/no questions stay questions;
    problems ("cant login") -> "What to do when you can't login"; other phrases are kept as
    a topic title ("Recurring invoices"). None when fewer than MIN_WORDS words are left
    after greetings and filler ("Hi", "Thanks!"). `focus`: words of the topic, to pick the
    sentence that names it; `casing`: how words are written (`word_casing`)."""
    if _shouting(question):
        question = question.lower()
    text, asked = _ask(question, focus)
    if not text:
        return None
    text = " ".join(_CONTRACTIONS.get(w.lower(), w) for w in text.split(" "))
    fronted = _FRONTED.match(text)
    if fronted:
        text = f"{fronted.group(2)} {fronted.group(1)[:1].lower()}{fronted.group(1)[1:]}"
    text = re.sub(r"^(?:i|we) (?:was|were) wondering (?:if|whether) ", "", text, flags=re.I)
    text = re.sub(r"^(i|we) (can|could) ", r"\2 \1 ", text, flags=re.I)
    lowered = text[:1].lower() + text[1:]
    spoken = re.sub(r"\bUS\b", "", lowered).lower()  # "US" in capitals is the country
    swap = partial(_swap, company=bool(_FIRST_PERSON.search(spoken)))

    swapped = swap(lowered)
    folded = lowered.lower()
    first = folded.split(" ")[0] if folded else ""
    for pattern, template in _LEADS:
        m = pattern.match(folded)
        # "when I withdrew cash, the rate was wrong" reports a problem, unless put as a
        # question or asked with a verb first ("when is the next payday")
        if m and not (
            pattern is _WH_LEAD
            and first == "when"
            and not asked
            and not _WHEN_ASKS.match(folded)
            and _PROBLEM.search(folded)
        ):
            spans = [swap(lowered[m.start(g) : m.end(g)]) for g in range(1, len(m.groups()) + 1)]
            title = re.sub(
                r"^How to (?:still|also|just|actually|even|really|ever) ",
                "How to ",
                template.format(*spans),
            )
            if not title.startswith(("How to", "About", "What to do", "Help with")):
                title += "?"
            break
    else:
        if _YES_NO.match(folded):
            title = f"{swapped}?"
        elif re.match(r"^(?:i|we) (?:am|are|'m) (?:having|experiencing|getting) ", folded):
            rest = swap(lowered.split(" ", 3)[3])
            title = f"What to do when you are having {rest}"
        elif asked and _WH.search(folded):  # "This card is accepted by what businesses?"
            title = f"{swapped}?"
        elif _PROBLEM.search(folded):
            # the condition is named: "when you lost", not "when if" or "when when"
            opening = re.match(r"(?:if|when) ", folded)
            if opening:
                lowered, folded = lowered[opening.end() :], folded[opening.end() :]
                swapped = swap(lowered)
            subject = "you " if _NEEDS_SUBJECT.match(folded) else ""
            title = f"What to do when {subject}{swapped}"
        elif first in _TASK_VERBS and not _COMPOUND.match(folded):
            title = f"How to {swapped}"
        else:
            title = swapped
    task = _TASK_CLAUSE.match(title)
    if task and len(task.group(1).split()) >= MIN_WORDS:
        title = task.group(1)
    title = cased(re.sub(r"\bi\b", "you", title), casing or {})
    title = title[:1].upper() + title[1:]
    if len(title.split()) < MIN_WORDS:
        return None
    return shorten(title, 90)
