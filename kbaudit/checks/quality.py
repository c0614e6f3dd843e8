"""Check kinds about content: min-words, pattern, title, headings, broken-link, image-alt,
hidden-comment."""

from __future__ import annotations

import posixpath
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from urllib.parse import unquote, urlsplit

import regex

from kbaudit.checks import examples
from kbaudit.corpus import INDEX_PAGE, Corpus
from kbaudit.corpus.links import anchors, site_link, slug_forms
from kbaudit.corpus.translations import families, placeholder_translations
from kbaudit.errors import RuleError
from kbaudit.model import UNPUBLISHED, Article, Finding, InputCode, Link, Related, Severity
from kbaudit.normalize import INCLUDED_BY, SHOWS_UNREAD, SUMMARY_ONLY, edition
from kbaudit.rules import CheckKind, Context, Param, Registry, article_only, corpus_only

# Article text is untrusted: a pattern scans at most WINDOW characters at a time (windows
# overlap by OVERLAP, so a match up to that long is never cut), and a rule's patterns get a
# CPU-time budget per article (the regex engine counts CPU time); past it the article is
# reported as not checked (INPUT005).
WINDOW = 16_384
OVERLAP = 1_024


def section_pages(ctx: Context) -> list[str]:
    """`CheckKind.cached_with` of min-words and title: whether an article is a parent page
    depends on the other articles' categories."""
    return sorted(ctx.corpus.section_pages) if ctx.params["skip_sections"] else []


def notice_translations(corpus: Corpus) -> frozenset[str]:
    """Refs of the translations that hold only a notice other translations share (COV006
    reports each: it is a missing translation, not a short article). Read back from the
    incremental cache while every article stays the same: a warm run keys the cached
    findings of min-words on them without pairing every translation again."""

    def build() -> frozenset[str]:
        return frozenset(corpus.articles[i].ref for i in placeholder_translations(corpus))

    def stored() -> frozenset[str]:
        return corpus.whole("notice-translation-refs", corpus.state(), build)

    return corpus.memo(("notice-translation-refs",), stored)


def min_words_inputs(ctx: Context) -> list[list[str]]:
    """`CheckKind.cached_with` of min-words: parent pages, and the translations that hold
    only a notice, depend on the other articles."""
    return [section_pages(ctx), sorted(notice_translations(ctx.corpus))]


def unpublished(article: Article, ctx: Context) -> bool:
    """An article its `skip_status` leaves out (drafts and hidden pages by default)."""
    return (article.status or "") in ctx.params.get("skip_status", [])


# "Click here", "see the article below", "can be found in the guide": the text sends the reader
# elsewhere (with the words up to the link: "please click API reference").
_SENDS_AWAY = re.compile(
    r"\b(?:click|tap|see|visit|refer to|read|check out|follow|(?:can|could) be found)\b"
    r"(?P<rest>[^.!?\n]{0,48})",
    re.I,
)
_ELSEWHERE = re.compile(
    r"\b(?:here|below|above|link|article|page|guide|post|video|whitepaper|documentation)\b", re.I
)


# Where on the screen a control is ("click Save at the bottom of the page"): the page the
# reader is on, not another one.
_ON_SCREEN = re.compile(r"\b(?:of|on|in)\s+(?:the|this|that|your)\s+(?:page|screen|window)\b", re.I)
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n")
# A sentence that offers more than the answer already given.
_FOR_MORE = re.compile(
    r"\b(?:for (?:more|further)|more (?:information|details|about)|learn more|read more)\b", re.I
)


def points_elsewhere(article: Article, own_min: int = 0) -> str | None:
    """Why a short article is a pointer rather than an answer: most of its words are link
    text, or it sends the reader to a link ("click here", "see the article below"). A
    sentence that offers more ("For more information, see our guide.") after at least
    `own_min` words of the article's own is a pointer for more, not the answer elsewhere."""
    if not article.links:
        return None
    named = [link.text.strip() for link in article.links if link.text.strip()]
    if 2 * sum(len(t.split()) for t in named) >= article.word_count:
        return "most of its words are links"
    text = article.text
    for m in _SENDS_AWAY.finditer(text):
        rest = _ON_SCREEN.sub(" ", m["rest"]).lstrip().lstrip(":").lstrip()  # also a no-break space
        if not (_ELSEWHERE.search(rest) or any(rest.startswith(t) for t in named)):
            continue
        starts = [e.end() for e in _SENTENCE_END.finditer(text, 0, m.start())]
        start, end = starts[-1] if starts else 0, _SENTENCE_END.search(text, m.end())
        stop = end.end() if end else len(text)
        outside = len(text[:start].split()) + len(text[stop:].split())
        if own_min and outside >= own_min and _FOR_MORE.search(text, start, stop):
            continue  # "For more information, see ...": more, after an answer of its own
        return f"it sends the reader elsewhere ({' '.join(m.group(0).split())!r})"
    return None


def min_words(article: Article, ctx: Context) -> Iterator[Finding]:
    if unpublished(article, ctx):
        return
    if ctx.params["skip_summaries"] and article.meta.get(SUMMARY_ONLY):
        return  # the export carries only its summary (INPUT006), not its body
    if article.meta.get(SHOWS_UNREAD):
        return  # it shows Markdown from outside the export: its length cannot be told
    low, floor = int(ctx.params["min"]), int(ctx.params["skip_below"])
    n = article.word_count
    if not floor <= n < low:
        return
    if ctx.params["skip_sections"] and article.ref in ctx.corpus.section_pages:
        return  # a page of the tree that holds its children, not an answer
    if article.ref in notice_translations(ctx.corpus):
        return  # a translation holding only a notice: a missing translation (COV006)
    answer_min, pointer = int(ctx.params["answer_min"]), None
    if answer_min and n >= answer_min:
        pointer = points_elsewhere(article, answer_min)
        if pointer is None:
            return  # short, but an answer in its own words ("Yes: 4K screens need a 4K player")
    what = "empty" if n == 0 else f"only {n} word{'s' * (n != 1)}"
    why = f" and {pointer}" if pointer else ""
    yield ctx.finding(
        article,
        f"{what}{why}; at least {low} expected for a bot to answer from",
        data={"words": n, "min": low},
    )


_FENCE = re.compile(r"^[ \t]*(```+|~~~+).*?(?:^[ \t]*\1[ \t]*$|\Z)", re.M | re.S)
# An inline code span on one line (`` `**bold**` ``, ```` ```text``` ````): it starts only
# where a run of backticks starts, and both runs are possessive, so a backtick that is never
# closed costs one pass over its line.
_INLINE_CODE = re.compile(r"(?<!`)`++[^`\n]++`+")


_CODE_ELEMENT = re.compile(r"<(script|style)\b", re.I)


def _blank_scripts(source: str) -> str:
    """`<script>` and `<style>` elements blanked (newlines kept): code, not text. Linear
    whatever the number of openers without their closer (a tag found unclosed once is
    never looked for again)."""
    lower = source.lower()
    parts, at, unclosed = [], 0, set()
    for opener in _CODE_ELEMENT.finditer(source):
        tag = opener.group(1).lower()
        if opener.start() < at or tag in unclosed:
            continue
        end = lower.find(f"</{tag}", opener.end())
        if end < 0:
            unclosed.add(tag)
            continue
        parts += [source[at : opener.start()], re.sub(r"[^\n]", " ", source[opener.start() : end])]
        at = end
    return "".join([*parts, source[at:]])


@lru_cache(maxsize=256)
def _compile(pattern: str, ignore_case: bool) -> regex.Pattern[str]:
    try:
        return regex.compile(pattern, regex.I | regex.M if ignore_case else regex.M)
    except (regex.error, TypeError) as exc:
        raise RuleError(
            f"pattern {pattern!r} is not a valid regular expression ({exc}); fix the rule pack"
        ) from None


def _scan(pattern: regex.Pattern[str], source: str, deadline: float) -> Iterator[regex.Match[str]]:
    """Matches of `pattern` in `source`, window by window; TimeoutError past `deadline`."""
    last_end = 0
    for start in range(0, max(len(source), 1), WINDOW):
        stop = min(len(source), start + WINDOW + OVERLAP)
        left = deadline - time.process_time()
        if left <= 0:
            raise TimeoutError
        for m in pattern.finditer(source, start, stop, timeout=left):
            if m.start() >= start + WINDOW:
                break
            if m.start() >= last_end:
                last_end = max(m.end(), m.start() + 1)
                yield m


def _luhn(digits: str) -> bool:
    nums = [int(d) for d in digits if d.isdigit()]
    if not 13 <= len(nums) <= 19 or len(set(nums)) < 5:
        return False
    total = 0
    for i, d in enumerate(reversed(nums)):
        if i % 2:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return total % 10 == 0


def _mask(value: str, keep: int) -> str:
    if keep <= 0 or len(value) <= keep * 2:
        return value if keep < 0 else "…"
    return value[:keep] + "…" + value[-2:]


def _valid(how: str | None, m: regex.Match[str], source: str, ctx: Context) -> bool:
    """Whether a match is the real thing: `luhn` (a valid card checksum), `card` (that, written
    as a card number), `secret` (not a documentation sample), `email` (not a sample address), `phone` (not the
    company's own published line, and a number that can be dialled), `outsider-email` (a
    person's address at a domain no other article names: a customer's)."""
    value = m.group(0)
    samples, domains = ctx.params["samples"], ctx.params["example_domains"]
    if how == "luhn":
        return _luhn(value)
    if how == "card":
        return _luhn(value) and examples.card_in_context(source, m.start(), m.end(), value)
    if how == "secret":
        return not examples.secret_is_sample(
            value, source, m.start(), m.end(), today=ctx.today, samples=samples, domains=domains
        )
    if how in ("email", "outsider-email"):
        value = examples.unescaped(source, m.start(), value)
    if how in ("phone", "email", "outsider-email") and examples.pii_in_sample_context(
        source, m.start(), m.end(), value, domains
    ):
        return False
    if how == "phone":
        return not (
            examples.phone_is_undiallable(value)
            or examples.phone_is_business_line(source, m.start())
        )
    if how == "email":
        return not examples.email_is_sample(value, domains)
    if how == "outsider-email":
        return examples.email_is_outsiders(value, ctx.corpus.named_domains, domains)
    return True


def pattern_inputs(ctx: Context) -> list[str]:
    """`CheckKind.cached_with` of pattern: the audit date (tokens expire) and, for a rule
    that tells outsiders' addresses (`outsider-email`) apart, the domains only one article
    names, which other articles decide."""
    outsiders = any(
        isinstance(p, dict) and p.get("validate") == "outsider-email"
        for p in ctx.params["patterns"]
    )
    named = ctx.corpus.named_domains if outsiders else {}
    return [ctx.today.isoformat(), *sorted(d for d, n in named.items() if n <= 1)]


def _blank_comments(article: Article, source: str) -> str:
    """The raw text with its hidden comments blanked out, keeping line numbers: readers never
    see them, and SEC003 reports the internal notes they hold."""
    spans = sorted((start, end) for start, end, _ in _comments(article))
    if not spans:
        return source
    parts, at = [], 0
    for start, end in spans:
        if start < at:  # a comment inside another one (`<!--` within `{% comment %}`)
            continue
        parts += [source[at:start], re.sub(r"[^\n]", " ", source[start:end])]
        at = end
    return "".join([*parts, source[at:]])


def pattern(article: Article, ctx: Context) -> Iterator[Finding]:
    """Regular expressions over the raw text (or title); one finding per pattern per article,
    and text an earlier pattern of the rule reported is not reported again by a later one."""
    params = ctx.params
    if unpublished(article, ctx):
        return
    targets = {"raw": article.raw or article.text, "text": article.text, "title": article.title}
    source = targets[params["field"]]
    if params["skip_code"] and ("```" in source or "~~~" in source):
        source = _FENCE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), source)
    if params["skip_code"] and "`" in source:  # what to type, shown as code: not prose
        source = _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), source)
    if params["skip_code"] and "<s" in source.lower():
        source = _blank_scripts(source)
    if params["skip_comments"] and params["field"] == "raw" and article.raw:
        source = _blank_comments(article, source)
    allow = [_compile(a, True) for a in params["allow"]]
    for item in params["patterns"]:  # a bad pattern is an error even where it never runs
        _compile(item["pattern"] if isinstance(item, dict) else item, bool(params["ignore_case"]))
    try:
        deadline = time.process_time() + float(params["budget"])
    except (TypeError, ValueError):
        raise RuleError(f"{ctx.rule.code}: `budget: {params['budget']!r}` is not seconds") from None
    try:
        yield from _pattern_findings(article, ctx, source, allow, deadline)
    except TimeoutError:
        slow = ctx.finding(
            article,
            f"not checked for {ctx.rule.code} ({ctx.rule.name}): its patterns took more than "
            f"{params['budget']} s of CPU on this article; shorten the article or its lines, or fix "
            "a slow pattern in the rule pack",
            data={"rule": ctx.rule.code, "budget": params["budget"]},
        )
        yield replace(
            slow,
            rule=InputCode.SLOW_PATTERN,
            name="input.slow-pattern",
            category="input",
            severity=Severity.WARNING,
        )


def _pattern_findings(
    article: Article,
    ctx: Context,
    source: str,
    allow: list[regex.Pattern[str]],
    deadline: float,
) -> Iterator[Finding]:
    params = ctx.params
    lowered: str | None = None
    taken: list[tuple[int, int]] = []  # spans an earlier pattern reported: one finding each
    for item in params["patterns"]:
        spec = item if isinstance(item, dict) else {"pattern": item}
        if spec.get("contains"):  # cheap literal pre-filter: skip the regex when none occurs
            lowered = source.lower() if lowered is None else lowered
            if not any(str(c).lower() in lowered for c in spec["contains"]):
                continue
        compiled = _compile(spec["pattern"], bool(params["ignore_case"]))
        hits = []
        for m in _scan(compiled, source, deadline):
            value = m.group(0)
            left = max(deadline - time.process_time(), 0.001)
            if any(a.search(value, timeout=left) for a in allow):
                continue
            if not _valid(spec.get("validate"), m, source, ctx):
                continue
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue  # e.g. a live key sent as a bearer token: reported as the key
            hits.append(m)
        if not hits:
            continue
        taken += [h.span() for h in hits]
        m = hits[0]
        shown = _mask(m.group(0).strip(), int(params["mask"]))
        label = spec.get("label", "text")
        line = source.count("\n", 0, m.start()) + 1 if params["field"] == "raw" else None
        more = f" (+{len(hits) - 1} more)" if len(hits) > 1 else ""
        found = ctx.finding(
            article,
            f"{label}: {shown!r}{more}",
            line=line,
            data={"label": label, "match": shown, "count": len(hits)},
        )
        if ctx.rule.category == "security":  # masked wherever else it appears (kbaudit.redact)
            found = replace(found, secrets=tuple(h.group(0).strip() for h in hits))
        yield found


# Titles that say nothing of what a page answers, and the fewest characters a title needs
# (QUAL004's defaults; DUP003 leaves pages sharing such a title to QUAL004).
GENERIC_TITLES = (
    "untitled", "untitled page", "untitled document", "new article", "new page",
    "new document", "faq", "faqs", "article", "help", "overview", "misc", "page", "test",
    "draft", "copy",
)  # fmt: skip
MIN_TITLE_LENGTH = 8


def vague_title(title: str, generic: frozenset[str], min_length: int) -> bool:
    """A title one of `generic` (case-folded) or shorter than `min_length` characters (a
    character of a dense script counts three): it names no subject of its own."""
    t = title.strip()
    return t.casefold() in generic or _title_length(t) < min_length


# A version ("1.4.13", "v0.12.15", "2.0.0-beta.1"): the name of a release.
_VERSION = re.compile(r"(?<![\w.])v?+\d++(?:\.\d++){1,3}+(?:[-+][0-9a-z.]++)?+", re.I)
RELEASE_SERIES = 3  # pages of one folder named by a version that make a release series


def _release_name(article: Article) -> tuple[str, str] | None:
    """(folder, version) of a page named by a version: its title, or its file name when it
    has no title; None for other pages."""
    stem = posixpath.splitext(posixpath.basename(article.path or ""))[0]
    named = article.title.strip() or stem
    if not _VERSION.fullmatch(named):
        return None
    return posixpath.dirname(article.path) if article.path else article.category or "", named


def release_series(ctx: Context) -> list[str]:
    """The folders (categories for exports without files) holding RELEASE_SERIES or more
    pages named by a version: release notes, where "1.4.13" names the page's release."""

    def build() -> list[str]:
        counts = Counter(r[0] for a in ctx.corpus.articles if (r := _release_name(a)))
        return sorted(folder for folder, n in counts.items() if n >= RELEASE_SERIES)

    return ctx.corpus.memo(("release-series",), build)


SECTION_TEMPLATE = 3  # sections that open with one title make it a section template's


def section_key(article: Article) -> tuple[str, str]:
    """(edition, folded title): a page's copies in other languages or in the docs of other
    product versions are that page, not other sections."""
    locale, version = edition(article)
    return f"{locale or ''}|{version or ''}", " ".join(article.title.casefold().split())


def section_templates(corpus: Corpus) -> dict[tuple[str, str], list[str]]:
    """Titles that pages of SECTION_TEMPLATE or more folders each hold once ("Everyday
    tasks" in grants/, pledges/ and surveys/; "Installation" under each platform), by
    `section_key`: each section's copy of a template page, whose title names no
    subject without its section. The value: those folders, sorted."""

    def build() -> dict[tuple[str, str], list[str]]:
        folders: dict[tuple[str, str], list[str]] = {}
        for a in corpus.articles:
            # an empty page is QUAL001's to report (Sphinx's leftover "<no title>" pages)
            if a.title.strip() and a.word_count and a.path and "/" in a.path:
                folders.setdefault(section_key(a), []).append(posixpath.dirname(a.path))
        return {
            key: sorted(set(found))
            for key, found in folders.items()
            if len(set(found)) == len(found) >= SECTION_TEMPLATE
        }

    return corpus.memo(("section-templates",), build)


# A section's opening page, named for the section as an index page is.
_INTRODUCTION = re.compile(
    r"(?:^|/)(?:introduction|intro|overview)\.(?:md|markdown|mdx|html?)$", re.I
)


def _section_names(folders: list[str]) -> list[str]:
    """Folders named by their last part (`grants`), or by their path below the folder they
    share when last parts repeat (`android/user`, `apple/user`)."""
    names = [posixpath.basename(f) for f in folders]
    if len(set(names)) == len(names):
        return names
    common = posixpath.commonpath(folders) if len(folders) > 1 else ""
    return [posixpath.relpath(f, common) if common else f for f in folders]


def _title_problem(article: Article, ctx: Context) -> str | None:
    """What is wrong with an article's title, or None (also for pages the rule leaves alone)."""
    if unpublished(article, ctx):
        return None
    release = _release_name(article)
    if release is not None and release[0] in release_series(ctx):
        return None  # a page of release notes is named by its release
    t = article.title.strip()
    generic = {g.casefold() for g in ctx.params["generic"]}
    if not t:
        if not article.word_count:
            return None  # an empty file: QUAL001 says it is empty, which is all that is wrong
        return (
            "no title: no title field or level-1 heading, and its file name is not written as one"
        )
    if ctx.params["skip_sections"] and article.ref in ctx.corpus.section_pages:
        return None  # a parent page is named after its section ("Payroll"), as its children say
    if t.casefold() in generic:
        return f"generic title {t!r} says nothing about the answer inside"
    if (
        article.category
        and t.casefold() == article.category.casefold()
        # a folder's own page (`index.md`, `introduction.md`) names its section
        and not INDEX_PAGE.search(article.path or "")
        and not _INTRODUCTION.search(article.path or "")
    ):
        return f"title {t!r} only repeats its category; name what the article answers"
    if _title_length(t) < int(ctx.params["min_length"]):
        source = _translated_from(ctx.corpus).get(article.ref)
        if (
            source is not None
            and len(t.split()) >= len(source.title.split())
            and not _title_problem(source, ctx)
        ):
            return None  # a title that says enough, translated word for word ("Rozmowy")
        return f"title {t!r} is too short to tell what the article answers"
    sections = section_templates(ctx.corpus).get(section_key(article))
    if sections:
        shown = ", ".join(_section_names(sections)[:4])
        more = f" and {len(sections) - 4} more" if len(sections) > 4 else ""
        return (
            f"title {t!r} opens {len(sections)} sections ({shown}{more}): alone it names no "
            "subject, so search and the bot cannot tell them apart; name the section's subject "
            "in it"
        )
    return None


def _translated_from(corpus: Corpus) -> dict[str, Article]:
    """Each translation's source, by the translation's ref."""

    def build() -> dict[str, Article]:
        articles = corpus.articles
        return {
            articles[i].ref: articles[f.source]
            for f in families(corpus)
            for i in f.translations.values()
        }

    return corpus.memo(("translated-from",), build)


def titled_as_source(ctx: Context) -> list[tuple[str, str]]:
    """(translation, source) refs of the translations whose title has a problem their
    source's has too (`Overview`, kept or translated word for word): one page, reported once,
    on its source. A translation with no title at all is not among them: it lost what its
    source has. Read back from the incremental cache while the articles and the rule stay
    the same."""
    corpus, settings = ctx.corpus, sorted(ctx.params.items())

    def build() -> list[tuple[str, str]]:
        articles = corpus.articles
        return sorted(
            (articles[i].ref, articles[f.source].ref)
            for f in families(corpus)
            if _title_problem(articles[f.source], ctx)
            for i in f.translations.values()
            if articles[i].title.strip() and _title_problem(articles[i], ctx)
        )

    def stored() -> list[tuple[str, str]]:
        return corpus.whole("titled-as-source", corpus.state(settings), build)

    return corpus.memo(("titled-as-source", repr(settings)), stored)


def _shared_with(ctx: Context) -> tuple[frozenset[str], dict[str, list[Related]]]:
    """The translations `titled_as_source` names, and each source's translations."""
    shared = titled_as_source(ctx)
    translations: dict[str, list[Related]] = {}
    if shared:
        by_ref = {a.ref: a for a in ctx.corpus.articles}
        for t, source in shared:
            article = by_ref[t]
            translations.setdefault(source, []).append(
                Related(article.id, article.path, article.title)
            )
    return frozenset(t for t, _ in shared), translations


def title_inputs(ctx: Context) -> list[list[str] | list[tuple[str, str]]]:
    """`CheckKind.cached_with` of title: parent pages, the translations whose source
    reports their title problem, the release series, the section templates' titles and the
    titles of the translations' sources depend on the other articles."""
    templates = sorted(f"{where}\t{title}" for where, title in section_templates(ctx.corpus))
    sources = sorted(f"{t}\t{s.title}" for t, s in _translated_from(ctx.corpus).items())
    return [section_pages(ctx), titled_as_source(ctx), release_series(ctx), templates, sources]


def title(article: Article, ctx: Context) -> Iterator[Finding]:
    problem = _title_problem(article, ctx)
    if problem is None:
        return
    key = ("titled-as-source-translations", repr(sorted(ctx.params.items())))
    translations, of_source = ctx.corpus.memo(key, lambda: _shared_with(ctx))
    if article.ref in translations:
        return  # a translation of a page whose own title is reported: the same problem
    shared = of_source.get(article.ref, [])
    if len(shared) == 1:
        problem += "; its translation has it too and is not reported again"
    elif shared:
        problem += f"; its {len(shared)} translations have it too and are not reported again"
    yield ctx.finding(
        article, problem, related=shared, data={"translations": len(shared)} if shared else None
    )


# Han, kana and Hangul: one character carries about as much as a short word
_DENSE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")


def _title_length(title: str) -> int:
    """A title's length in Latin-letter terms: a character of a dense script counts three."""
    return len(title) + 2 * len(_DENSE.findall(title))


# A table's rows: in Markdown (`| a | b |` lines) or HTML.
_TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.M)
_TAG = re.compile(r"<[^>]{0,500}>")


def _prose_words(article: Article) -> int:
    """The article's words less those of its fenced code blocks and tables (a config file
    to copy, or a table to scan, is one piece, not a wall of text to split)."""
    raw = article.raw or ""
    code = "```" in raw or "~~~" in raw
    tables = "|" in raw or "<table" in raw.lower()
    if not code and not tables:
        return article.word_count
    from kbaudit.text import word_count

    apart = sum(word_count(m.group(0)) for m in _FENCE.finditer(raw)) if code else 0
    if tables:
        apart += sum(word_count(m.group(0).replace("|", " ")) for m in _TABLE_ROW.finditer(raw))
        apart += sum(word_count(_TAG.sub(" ", table)) for table in _html_tables(raw))
    return max(article.word_count - apart, 0)


def _html_tables(raw: str) -> Iterator[str]:
    """The text of each `<table>` of an HTML text up to its first `</table>`, in one pass."""
    lowered = raw.lower()
    at = lowered.find("<table")
    while at >= 0:
        end = lowered.find("</table", at)
        if end < 0:
            return
        yield raw[at:end]
        at = lowered.find("<table", end)


# A bold lead that stands for a heading: a whole line in bold, or a bold question or label
# opening a line or list item (`**How do I reset my PIN?** Open ...`), as FAQs are written;
# in HTML, a paragraph or item in bold, or that opens with a bold question or label.
_BOLD_LEAD = re.compile(
    r"^[ \t]*(?:(?:[-*+]|\d{1,3}[.)])[ \t]+)?(\*\*|__)(?=\S)(?:[^\n*_]{3,200}?(?<=\S)\1[ \t]*:?[ \t]*$"
    r"|[^\n*_]{2,200}?\?\1|[^\n*_ ]{1,100} [^\n*_]{1,100}?:\1)"  # not a lone "**Note:**"
    r"|<(?:p|li|dt|div|h[1-6])\b[^>]{0,200}>[ \t]*<(?:strong|b)>(?:[^<]{3,200}</(?:strong|b)>[ \t]*"
    r"(?:</(?:p|li|dt|div)>|<br)|[^<]{2,200}?[?:]</(?:strong|b)>)",
    re.M | re.I,
)
BOLD_LEADS = 3  # bold leads that stand in for a page's headings


def _bold_leads(article: Article) -> int:
    raw = article.raw or ""
    if "**" not in raw and "__" not in raw and "<" not in raw:
        return 0
    return sum(1 for _ in _BOLD_LEAD.finditer(raw))


def headings(article: Article, ctx: Context) -> Iterator[Finding]:
    if unpublished(article, ctx):
        return
    least = int(ctx.params["min_words"])
    if article.word_count < least or _prose_words(article) < least:
        return
    sub = [h for h in article.headings if h and h != article.title]
    if len(sub) >= int(ctx.params["min_headings"]):
        return
    bold = _bold_leads(article)
    if bold >= BOLD_LEADS:  # a FAQ of bold questions: structure a retriever does not split at
        yield ctx.finding(
            article,
            f"{article.word_count} words with no section headings; its {bold} bold lines stand "
            "in for headings, which a retriever does not split the page at: make them headings",
            data={"words": article.word_count, "bold_leads": bold},
        )
        return
    yield ctx.finding(
        article,
        f"{article.word_count} words with no section headings; a bot (and a reader) "
        "cannot find the part that answers a question",
        data={"words": article.word_count},
    )


def broken_link(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    seen: set[tuple[str, str]] = set()
    for broken in corpus.broken_links:
        key = (broken.article.ref, broken.resolved)
        if key in seen or unpublished(
            broken.article, ctx
        ):  # one finding per article and missing target
            continue
        seen.add(key)
        where = f"links to {broken.link.target!r} ({broken.resolved}), which is not in the KB"
        if broken.resolved.rsplit("/", 1)[-1] == "broken-reference":
            where = (
                f"links {broken.link.text!r} to 'broken-reference', which GitBook writes where "
                "the linked page was deleted or moved; link the page it meant"
            )
        yield ctx.finding(
            broken.article,
            where,
            line=broken.link.line,
            related=[Related(broken.resolved, broken.resolved)],
            data={
                "target": broken.link.target,
                "resolved": broken.resolved,
                "text": broken.link.text,
            },
        )
    if ctx.params["anchors"]:
        yield from _broken_anchors(corpus, ctx, seen)


# Anchors every page of a site's template offers, not the article's text: a skip link's
# target (`#mainContent`) or the top of the page.
_TEMPLATE_ANCHORS = frozenset({
    "top", "main", "maincontent", "main-content", "main_content", "content", "skip",
    "skip-to-content", "page-top",
})  # fmt: skip


def _anchor(link: Link) -> str:
    target = link.target
    if link.by_name:  # [[Note#Heading]], [[Note#Heading#Subheading]], [[Note#^block-id]]
        return target.rsplit("#", 1)[-1].strip().lower()
    site = site_link(target)
    fragment = site.anchor if site is not None else urlsplit(target).fragment
    # `#:~:text=...` is a text fragment (scroll to the quoted words), not an element id
    fragment = fragment.split(":~:", 1)[0]
    return unquote(fragment).strip().lower()


def _broken_anchors(corpus: Corpus, ctx: Context, seen: set[tuple[str, str]]) -> Iterator[Finding]:
    """Links to a section (`page.md#section`) of an article that has no such heading or id.
    A page offers the anchors of the files it includes too; one that includes a file that
    cannot be read offers anchors nobody knows, so links into it are not judged."""
    offered: dict[str, set[str]] = {}
    shown: dict[str, list[Article]] = {}  # page -> the fragments it includes
    for fragment in corpus.articles:
        for page in fragment.meta.get(INCLUDED_BY) or ():
            shown.setdefault(page, []).append(fragment)

    def offers(page: Article, path: str) -> set[str]:
        if path not in offered:
            offered[path] = anchors(page).union(*(anchors(f) for f in shown.get(path, ())))
        return offered[path]

    for article in corpus.articles:
        for link in article.links if not unpublished(article, ctx) else ():
            anchor = _anchor(link) if "#" in link.target else ""
            if not anchor or anchor in _TEMPLATE_ANCHORS:
                continue
            resolved = corpus.resolve_link(article, link)
            target = corpus.target_article(resolved) if resolved is not None else None
            if target is None or target.path is None:
                continue
            if target.meta.get(SHOWS_UNREAD):
                continue  # part of its text is in a file that cannot be read
            key = (article.ref, f"{target.path}#{anchor}")
            wanted = {anchor}  # a wikilink names the heading as written, not its slug
            if link.by_name and not anchor.startswith("^"):
                wanted |= slug_forms(anchor)
            if wanted & offers(target, target.path) or key in seen:
                continue
            if (
                article.path
                and urlsplit(link.target).path in (".", "./")
                and wanted & offers(article, article.path)
            ):
                continue  # `./#x` from a page published at an address of its own (`kinds/`,
                # or GitBook, which writes every link within a page so) is the page itself
            seen.add(key)
            yield ctx.finding(
                article,
                f"links to {link.target!r}, but {target.path} has no heading or anchor "
                f"{anchor!r}; the reader lands at the top of the page",
                line=link.line,
                related=[Related(target.id, target.path, target.title)],
                data={"target": link.target, "resolved": target.path, "anchor": anchor},
            )


_LIQUID_OPEN = re.compile(r"\{%-?\s*comment\s*-?%\}")
_LIQUID_CLOSE = re.compile(r"\{%-?\s*endcomment\s*-?%\}")
_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")


def _html_comments(raw: str) -> Iterator[tuple[int, int, str]]:
    """`<!-- ... -->` comments: (start, end, body)."""
    from kbaudit.text import delimited  # here: kbaudit.text loads bs4, which `rules` must not

    for start, end in delimited(raw, "<!--", "-->"):
        yield start, end, raw[start + 4 : end - 3]


def _liquid_comments(raw: str) -> Iterator[tuple[int, int, str]]:
    """`{% comment %} ... {% endcomment %}` blocks, scanned forward once."""
    opened = _LIQUID_OPEN.search(raw)
    while opened is not None:
        closed = _LIQUID_CLOSE.search(raw, opened.end())
        if closed is None:
            return
        yield opened.start(), closed.end(), raw[opened.end() : closed.start()]
        opened = _LIQUID_OPEN.search(raw, closed.end())


def _comments(article: Article) -> Iterator[tuple[int, int, str]]:
    """The comments of an article's source: (start, end, body)."""
    raw = article.raw
    if "<!--" in raw:
        yield from _html_comments(raw)
    if "comment" in raw:
        yield from _liquid_comments(raw)
    if (article.path or "").lower().endswith(".mdx") and "{/*" in raw:
        from kbaudit.text import mdx_comments

        for start, end in mdx_comments(raw):
            yield start, end, raw[start + 3 : end - 3]


def hidden_comment(article: Article, ctx: Context) -> Iterator[Finding]:
    """HTML (or Liquid, or MDX) comments outside code that carry internal notes: names,
    e-mail addresses, `internal`, `TODO`. Readers never see them; a bot reading the source
    does."""
    raw = article.raw
    if "<!--" not in raw and "comment" not in raw and "{/*" not in raw:
        return
    fences = [(m.start(), m.end()) for m in _FENCE.finditer(raw)]
    ignore = [_compile(p, True) for p in ctx.params["ignore"]]
    markers = _compile(r"\b(?:" + "|".join(ctx.params["markers"]) + r")", True)
    hits: list[tuple[int, str, str]] = []
    for at, _, body in sorted(_comments(article)):
        if any(a <= at < b for a, b in fences):
            continue
        note = " ".join(body.split())
        if not note or any(p.search(note) for p in ignore):
            continue
        email = _EMAIL.search(note)
        marker = markers.search(note)
        if email is not None:
            hits.append((at, note, f"an e-mail address ({email.group(0)})"))
        elif marker is not None:
            hits.append((at, note, repr(marker.group(0))))
    if hits:
        from kbaudit.text import shorten  # markup parsers only when a comment is reported

        start, note, why = hits[0]
        more = f" (+{len(hits) - 1} more)" if len(hits) > 1 else ""
        yield ctx.finding(
            article,
            f"hidden comment with {why}: {shorten(note, 80)!r}{more}",
            line=raw.count("\n", 0, start) + 1,
            data={"comment": note, "count": len(hits)},
        )


def image_alt(article: Article, ctx: Context) -> Iterator[Finding]:
    if unpublished(article, ctx):
        return
    says_nothing = [_compile(p, True) for p in ctx.params["says_nothing"]]
    missing = [i for i in article.images if not i.alt.strip()]
    empty = [
        i
        for i in article.images
        if i.alt.strip() and any(p.fullmatch(i.alt.strip()) for p in says_nothing)
    ]
    if not missing and not empty:
        return
    first = min([*missing, *empty], key=lambda i: i.line or 0)
    count = len(missing) + len(empty)
    more = f" and {count - 1} more" if count > 1 else ""
    if first in missing:
        what = "has no alt text"
    else:
        what = f"has alt text that says nothing ({first.alt.strip()!r})"
    yield ctx.finding(
        article,
        f"image {unquote(first.src)!r}{more} {what}; a bot cannot read the picture, so the alt text "
        "is the only thing it learns from it",
        line=first.line,
        data={"images": [i.src for i in [*missing, *empty]]},
    )


def register(registry: Registry) -> None:
    registry.add(
        CheckKind(
            "min-words",
            "Article body shorter than a minimum number of words.",
            {
                "min": Param(50, "fewest words expected"),
                "skip_below": Param(0, "bodies with fewer words are left to another rule"),
                "skip_status": Param(
                    list(UNPUBLISHED), "statuses to leave out (drafts, hidden pages)"
                ),
                "skip_sections": Param(
                    True,
                    "leave out pages other articles are filed under (parent pages): they hold "
                    "their children, not an answer",
                ),
                "answer_min": Param(
                    0,
                    "under `min`, articles of at least this many words are reported only when "
                    "they point elsewhere (most words are link text, or 'click here', 'see the "
                    "article below'); 0 reports every article under `min`",
                ),
                "skip_summaries": Param(
                    True,
                    "leave out articles read from a summary because the export has no body "
                    "field (INPUT006 reports the export once)",
                ),
            },
            check=min_words,
            cached_with=min_words_inputs,
        )
    )
    registry.add(
        CheckKind(
            "pattern",
            "Regular expressions that must not occur.",
            {
                "patterns": Param(
                    [],
                    "regexes, or mappings {pattern, label, contains, validate}; validate is "
                    "luhn, card (Luhn and written as a card number), secret (not a sample "
                    "credential), email (not a sample address), outsider-email (a person's "
                    "address at a domain no other article names) or phone (not a published "
                    "company line)",
                ),
                "field": Param("raw", "raw (file text), text (plain body) or title"),
                "ignore_case": Param(True, "match without regard to case"),
                "allow": Param([], "regexes for matches that are fine (e.g. example domains)"),
                "skip_code": Param(
                    False,
                    "leave code out: fenced code blocks, inline code spans and `<script>`, "
                    "`<style>` elements",
                ),
                "skip_comments": Param(
                    False,
                    "leave hidden comments out (`<!-- -->`, Liquid and MDX comments): text "
                    "readers never see (SEC003 reports internal notes there)",
                ),
                "skip_status": Param([], "statuses to leave out (e.g. draft, hidden)"),
                "samples": Param(
                    [], "extra published sample values that are never a leak (validate: secret)"
                ),
                "example_domains": Param(
                    [], "extra fictitious domains besides RFC 2606/6761 names and contoso & co."
                ),
                "mask": Param(
                    -1, "characters to keep at the start when quoting (secrets); -1 = all"
                ),
                "budget": Param(
                    2.0,
                    "CPU seconds the patterns may take on one article; past it the article is "
                    "reported as not checked (INPUT005)",
                ),
            },
            check=pattern,
            fragments=True,
            cached_with=pattern_inputs,
        )
    )
    registry.add(
        CheckKind(
            "title",
            "Missing, generic or too-short titles.",
            {
                "generic": Param(list(GENERIC_TITLES), "titles that say nothing"),
                "min_length": Param(MIN_TITLE_LENGTH, "fewest characters in a title"),
                "skip_status": Param(
                    list(UNPUBLISHED), "statuses to leave out (drafts, hidden pages)"
                ),
                "skip_sections": Param(
                    True,
                    "leave short or generic titles of parent pages (pages other articles are "
                    "filed under) alone: a section is named by a word",
                ),
            },
            check=title,
            cached_with=title_inputs,
        )
    )
    registry.add(
        CheckKind(
            "headings",
            "Long articles without section headings.",
            {
                "min_words": Param(600, "articles at least this long need headings"),
                "min_headings": Param(1, "fewest section headings expected"),
                "skip_status": Param(
                    list(UNPUBLISHED), "statuses to leave out (drafts, hidden pages)"
                ),
            },
            check=headings,
            cached_with=article_only,
        )
    )
    registry.add(
        CheckKind(
            "broken-link",
            "Internal links to articles that are not in the KB.",
            {
                "anchors": Param(
                    True, "also check `#section` anchors against the target's headings"
                ),
                "skip_status": Param(list(UNPUBLISHED), "statuses whose links are not checked"),
            },
            check_corpus=broken_link,
            fragments=True,
            cached_with=corpus_only,
        )
    )
    registry.add(
        CheckKind(
            "image-alt",
            "Images without alt text, or with alt text that says nothing (a file name).",
            {
                "skip_status": Param(
                    list(UNPUBLISHED), "statuses to leave out (drafts, hidden pages)"
                ),
                "says_nothing": Param(
                    [
                        r"[^\s/\\]+(?: [^\s/\\]+){0,6}\.(?:png|jpe?g|gif|webp|svg|bmp|tiff?|heic|avif)",
                        r"(?:an? )?(?:image|img|picture|pic|photo|screenshot|screen ?shot|screen "
                        r"capture|graphic|figure|untitled|alt|alt text|placeholder)[ _-]*\d*",
                        r"(?:screenshot|screen ?shot|img|image|dsc|pxl)[ _-]*\d[\d _.-]*",
                    ],
                    "alt text that describes nothing, matched whole and case-insensitively "
                    "(file names, 'image', 'Screenshot 2025-04-25')",
                ),
            },
            check=image_alt,
            fragments=True,
            cached_with=article_only,
        )
    )
    registry.add(
        CheckKind(
            "hidden-comment",
            "HTML or Liquid comments that carry internal notes.",
            {
                "markers": Param(
                    [
                        r"internal(?:ly)?\b",
                        r"confidential",
                        r"do not (?:publish|share)",
                        r"don'?t (?:publish|share)",
                        r"TODO\b",
                        r"FIXME\b",
                        r"TBD\b",
                        r"contact\s+\w+",
                        r"ask\s+(?-i:[A-Z][a-z]+)\b",
                        r"per\s+(?:legal|(?-i:[A-Z][a-z]+))\b",
                        r"@[A-Za-z][\w.-]+",
                        r"(?:owner|author|reviewer|contact|cc)\s*:",
                    ],
                    "regexes (case-insensitive; `(?-i:...)` for a capitalised name) that make a "
                    "comment an internal note; an e-mail address always does",
                ),
                "ignore": Param(
                    [
                        r"^(?:kbaudit|markdownlint|prettier|vale|textlint|cspell|eslint)\b",
                        r"^(?:more|toc|/?toc|end ?toc|excerpt)$",
                        r"^(?:BEGIN|END)\b",
                    ],
                    "regexes for comments that are tool directives, not notes",
                ),
            },
            check=hidden_comment,
            fragments=True,
            cached_with=article_only,
        )
    )
