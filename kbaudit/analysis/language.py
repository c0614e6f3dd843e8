"""Which language a short text is written in, from its function words: enough to tell a
German or Spanish ticket in an English question log, never a guess on a text that gives too
few clues. Word matching cannot match a question to an article in another language, so such
questions are gaps of language, not of subject."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

# Frequent function words and greetings, none of one letter but English "i" ("a" is English
# and Portuguese) and none that English uses too ("per", "com" of make.com).
# Words in several lists ("de", "la") are left out when counting.
_WORDS = {
    "en": "the and is are was were have has how what why when where which who can could would "
    "should will my your our this that with from for not don't doesn't it i you we they do "
    "does did to of in on an hi hello thanks please me be been if at by about there any some "
    "get got i'm i've or but so just still",
    "de": "der die das und ist sind ich mein meine meinen mich mir nicht wie warum wann wo kann "
    "können kein keine ein eine einen mit für auf bei noch schon habe hat wird werden zu zum "
    "zur ihr sie wir uns dem den des hallo danke bitte nichts",
    "fr": "le la les et est sont je mon ma mes ne pas de comment pourquoi quand où puis peux "
    "pouvez un une des avec pour sur dans du au aux vous nous il elle ce cette qui que j'ai "
    "c'est n'est bonjour merci",
    "es": "el la los las es son de mi mis yo no cómo como por qué porque cuándo dónde puedo "
    "puede pueden un una con para en del al usted nosotros que está están tengo hay hola "
    "gracias",
    "it": "il lo la gli le è sono io mio mia non perché quando dove posso può un una con "
    "nel della del che ho ha ciao grazie riesco",
    "nl": "de het een en zijn ik mijn niet hoe waarom wanneer waar kan kunnen met voor op bij "
    "nog al heb heeft wordt we ons bedankt graag werkt",
    "pt": "os as é são de eu meu minha não como por que porque quando onde posso pode um "
    "uma para em do da no na você nós tenho olá obrigado faço",
}
FUNCTION_WORDS = {lang: frozenset(words.split()) for lang, words in _WORDS.items()}
NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "nl": "Dutch",
    "pt": "Portuguese",
}
MIN_CLUES = 2  # words of a language's own needed to name it
# Each language's words that no other list holds ("de", "la", "no" tell nothing).
_OWN = {
    lang: vocab.difference(*(v for other, v in FUNCTION_WORDS.items() if other != lang))
    for lang, vocab in FUNCTION_WORDS.items()
}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# A locale field may name the language rather than give its code (`language: English`), or
# give the three-letter code (`deu`): both read as the two-letter code.
_CODES = {name.lower(): code for code, name in NAMES.items()} | {
    "eng": "en",
    "deu": "de",
    "ger": "de",
    "deutsch": "de",
    "fra": "fr",
    "fre": "fr",
    "français": "fr",
    "francais": "fr",
    "spa": "es",
    "español": "es",
    "espanol": "es",
    "ita": "it",
    "italiano": "it",
    "nld": "nl",
    "dut": "nl",
    "nederlands": "nl",
    "por": "pt",
    "português": "pt",
    "portugues": "pt",
}
_PRIMARY = re.compile(r"[^\W\d_]*")


def language_name(code: str) -> str:
    """The English name of a language code (`de` -> German); the code when not known."""
    return NAMES.get(code, code)


def language_of(text: str) -> str | None:
    """The language of `text` when its function words say so clearly: at least MIN_CLUES
    words that only that language's list holds, more than twice as many as any other
    language's, and (for a language other than English) at most one English word. None
    when the text gives too few clues."""
    words = {w.lower() for w in _WORD.findall(text)}  # a word repeated is one clue
    hits = Counter({lang: len(words & vocab) for lang, vocab in _OWN.items()})
    ranked = hits.most_common()
    (best, n), runner_up = ranked[0], ranked[1][1]
    if n < MIN_CLUES or n <= 2 * runner_up:
        return None
    return best if best == "en" or hits["en"] <= 1 else None


def written_in(texts: Iterable[str], locales: Iterable[str | None] = ()) -> frozenset[str]:
    """The languages of a KB: those its articles' locales name (`pt-BR`, `en_GB`, `English`,
    `deu`), and the one most of `texts` (say, each article's opening) are written in. Empty
    when neither tells."""
    languages = {code for loc in locales if loc and (code := _language_code(loc))}
    found = Counter(lang for t in texts if (lang := language_of(t)) is not None)
    if found:
        lang, n = found.most_common(1)[0]
        if n >= 0.5 * sum(found.values()):
            languages.add(lang)
    return frozenset(languages)


def _language_code(locale: str) -> str:
    """The two-letter code of a locale's language (`pt-BR` -> `pt`, `English` -> `en`)."""
    primary = _PRIMARY.match(locale.strip().lower())
    found = primary.group() if primary else ""
    return _CODES.get(found, found)
