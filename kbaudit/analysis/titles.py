"""Suggested article titles for gap topics, from the wording of a customer question."""

from __future__ import annotations

import re

from kbaudit.text import shorten

_LEADS = (
    (re.compile(r"^(?:how|where) (?:do|can|could|should|would) (?:i|we|you) (.+)$"), "How to {}"),
    (re.compile(r"^how to (.+)$"), "How to {}"),
    (re.compile(r"^(?:can|could|may) (?:i|we|you) (.+)$"), "How to {}"),
    (re.compile(r"^is (?:it|there a way) (?:possible )?to (.+)$"), "How to {}"),
    (re.compile(r"^(?:is there a way|is it possible) (?:for me |for us )?to (.+)$"), "How to {}"),
    (re.compile(r"^(?:i|we) (?:want|need|would like|'d like) to (.+)$"), "How to {}"),
    (re.compile(r"^(why|what|when|which|who|where|how) (.+)$"), "{} {}"),
)
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
    r"declined|broken|missing|wrong|stuck|keeps|locked|lost|forgot|disappeared|gone)\b"
)
_NEEDS_SUBJECT = re.compile(r"^(?:can't|cannot|won't|unable|couldn't|don't|didn't|forgot|lost)\b")
_YES_NO = re.compile(r"^(?:does|do|is|are|will|would|should|did|was|has|have)\b")
# A statement starting with one of these verbs is a task: "How to ...".
_TASK_VERBS = frozenset({
    "add", "apply", "approve", "archive", "book", "cancel", "change", "close", "connect",
    "convert", "create", "delete", "disable", "download", "downgrade", "edit", "enable",
    "export", "file", "find", "get", "give", "import", "install", "invite", "link", "log",
    "make", "merge", "move", "pay", "print", "put", "reconcile", "recover", "refund", "remove",
    "rename", "reset", "restore", "schedule", "send", "set", "share", "sign", "split", "start",
    "stop", "submit", "switch", "sync", "track", "transfer", "turn", "update", "upgrade",
    "upload", "use", "verify",
})  # fmt: skip


def suggest_title(question: str) -> str:
    """A help-center style title from a customer question: "How do I ... ?" -> "How to ...";
    tasks ("send an estimate") -> "How to send an estimate"; yes/no questions stay questions;
    problems ("cant login") -> "What to do when you can't login"; other phrases are kept as
    a topic title ("Recurring invoices")."""
    text = re.sub(r"\s+", " ", question.strip().rstrip("?!. ")).strip()
    text = re.split(r"(?<=[.?!:])\s", text)[0].rstrip("?!.: ") or text
    text = " ".join(_CONTRACTIONS.get(w.lower(), w) for w in text.split(" "))
    lowered = text[:1].lower() + text[1:]

    def swap(part: str) -> str:
        return " ".join(_PRONOUNS.get(w.lower(), w) for w in part.split(" "))

    swapped = swap(lowered)
    folded = lowered.lower()
    first = folded.split(" ")[0] if folded else ""
    for pattern, template in _LEADS:
        m = pattern.match(folded)
        if m:
            spans = [swap(lowered[m.start(g) : m.end(g)]) for g in range(1, len(m.groups()) + 1)]
            if len(spans) == 2:  # keep the question word, swap pronouns in the rest
                spans[0] = spans[0].capitalize()
            title = template.format(*spans)
            break
    else:
        if _YES_NO.match(folded):
            title = f"{swapped}?"
        elif _PROBLEM.search(folded):
            subject = "you " if _NEEDS_SUBJECT.match(folded) else ""
            title = f"What to do when {subject}{swapped}"
        elif first in _TASK_VERBS:
            title = f"How to {swapped}"
        else:
            title = swapped
    title = title[:1].upper() + title[1:]
    return shorten(title, 90)
