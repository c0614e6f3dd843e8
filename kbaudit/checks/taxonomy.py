"""Check kinds about metadata: required-field, vocabulary, variant-spelling, id-named,
misspelled-key, category-size."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator

from rapidfuzz import fuzz, process

from kbaudit.analysis.groups import UnionFind
from kbaudit.corpus import Corpus
from kbaudit.model import UNPUBLISHED, Article, Finding, Related
from kbaudit.normalize import SEARCH_KEYWORDS, SourceOptions, known_keys
from kbaudit.rules import (
    SKIP_EMPTY_SECTIONS,
    CheckKind,
    Context,
    Param,
    Registry,
    corpus_only,
    empty_section,
    empty_sections,
)

FIELDS = ("title", "category", "tags", "owner", "updated_at", "locale", "url", "status")


def _value(article: Article, name: str) -> object:
    if name in FIELDS:
        return getattr(article, name)
    return article.meta.get(name)


def required_field(article: Article, ctx: Context) -> Iterator[Finding]:
    name = ctx.params["field"]
    if (article.status or "") in ctx.params["skip_status"]:
        return  # a draft or hidden page: no reader or bot is sent to it
    if _value(article, name) in (None, "", (), []):
        if ctx.params["skip_sections"] and article.ref in ctx.corpus.section_pages:
            return  # a home or section page holds the articles filed under it
        if empty_section(article, ctx):
            return
        yield ctx.finding(article, ctx.params["message"] or f"no `{name}`", data={"field": name})


def section_pages_if_skipped(ctx: Context) -> list[str]:
    """`CheckKind.cached_with` of required-field: with `skip_sections` or
    `skip_empty_sections`, whether an article is a section page depends on the others."""
    return sorted(ctx.corpus.section_pages) if ctx.params["skip_sections"] else empty_sections(ctx)


def controlled_vocabulary(ctx: Context) -> tuple[list[str], list[str]]:
    """What `vocabulary` reads besides the article: the config's allowed values."""
    return ctx.config.taxonomy.categories, ctx.config.taxonomy.tags


def vocabulary(article: Article, ctx: Context) -> Iterator[Finding]:
    taxonomy = ctx.config.taxonomy
    name = ctx.params["field"]
    allowed = taxonomy.categories if name == "category" else taxonomy.tags
    if not allowed:
        return
    folded = {a.casefold(): a for a in allowed}
    values = [article.category] if name == "category" else list(article.tags)
    for value in values:
        if value is None or value.casefold() in folded:
            continue
        best = process.extractOne(
            value.casefold(), list(folded), scorer=fuzz.ratio, score_cutoff=70
        )
        hint = f"; did you mean {folded[best[0]]!r}?" if best else ""
        yield ctx.finding(
            article,
            f"{name} {value!r} is not in the controlled vocabulary{hint}",
            data={"field": name, "value": value, "suggestion": folded[best[0]] if best else None},
        )


def _fold(value: str) -> str:
    return "".join(ch for ch in value.casefold() if ch.isalnum())


# A name made only of an id: "section 900000347206", "4404590815635", a sys_id or a UUID.
_ID_NAME = re.compile(
    r"(?:(?:section|category|folder|collection|space|topic|group|sys_id|id)[\s:#_-]*)?"
    r"(?:\d{5,}|[0-9a-f]{16,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})",
    re.I,
)
# Separators of a category path: "Billing > Invoices", "billing/invoices".
# Starts only at the first of a run of spaces (the lookbehind): linear time.
_PATH_SEP = re.compile(r"(?<!\s)(?:\s+>\s+|\s*/\s*|\s+»\s+|\s+::\s+)")


def _split_path(value: str) -> tuple[str, str]:
    """(parent path, leaf) of a hierarchical category; ("", value) for a flat one."""
    parts = _PATH_SEP.split(value.strip())
    return _fold(" ".join(parts[:-1])), parts[-1]


def is_id_name(value: str) -> bool:
    """A value that is only an id (or the leaf of its path is), not a word anyone chose."""
    return bool(_ID_NAME.fullmatch(_split_path(value)[1].strip()))


def _variant_groups(
    values: list[str],
    threshold: float,
    min_length: int,
    distinct: Callable[[str, str], bool] = lambda a, b: False,
) -> list[list[str]]:
    """Values that are one value spelled several ways. Only siblings are compared: the leaves
    of values with the same parent path ("A > Testing" and "A > Tests", never "A" and
    "A > B"); a close pair `distinct` calls two subjects is kept apart."""
    from kbaudit.corpus.similarity import similar_strings  # numpy: not for `kbaudit rules`

    sets: UnionFind[str] = UnionFind(values)
    by_parent: dict[str, list[str]] = defaultdict(list)
    for value in values:
        by_parent[_split_path(value)[0]].append(value)
    for siblings in by_parent.values():
        by_fold: dict[str, str] = {}
        for value in siblings:
            sets.union(value, by_fold.setdefault(_fold(_split_path(value)[1]), value))
        keys = list(by_fold)
        if len(keys) < 2:
            continue
        series = _series(siblings)
        for a, b in similar_strings(keys, threshold):  # not all pairs: near-linear in keys
            left, right = by_fold[keys[a]], by_fold[keys[b]]
            if (
                min(len(keys[a]), len(keys[b])) >= min_length
                and not distinct(left, right)
                and not _in_series(left, right, series)
            ):
                sets.union(left, right)
    return [g for g in sets.groups() if len(g) > 1]


def _leaf_words(value: str) -> tuple[str, ...]:
    return tuple(_split_path(value)[1].casefold().split())


def _series(siblings: list[str]) -> Counter[tuple[str, ...]]:
    """How many siblings extend each run of opening words by words of their own: "Marketplace
    In" and "Marketplace Out" make "Marketplace" a series of two."""
    counts: Counter[tuple[str, ...]] = Counter()
    for words in {_leaf_words(v) for v in siblings}:
        counts.update(words[:n] for n in range(1, len(words)))
    return counts


def _in_series(a: str, b: str, series: Counter[tuple[str, ...]]) -> bool:
    """Whether one value is the other with words added, and other siblings add their own
    words to it too ("Marketplace In" beside "Marketplace Out" and "Marketplace"): a family
    of names for narrower subjects, not the same name spelled two ways."""
    short, long = sorted((_leaf_words(a), _leaf_words(b)), key=len)
    return len(short) < len(long) and long[: len(short)] == short and series[short] > 1


class _Vocabulary:
    """The words the KB's titles and texts use, counted once per article (built on first
    use: most KBs have no close pair of values to judge)."""

    def __init__(self, corpus: Corpus, min_articles: int) -> None:
        self.corpus, self.min_articles = corpus, min_articles
        self._counts: Counter[str] | None = None

    def used(self, word: str) -> bool:
        from kbaudit.text import words  # markup parsers: not for `kbaudit rules`

        if self._counts is None:
            self._counts = Counter()
            for article in self.corpus.articles:
                self._counts.update(set(words(f"{article.title} {article.text}")))
        forms = {word, word.removesuffix("s"), f"{word}s"}
        return any(self._counts[w] >= self.min_articles for w in forms)

    def distinct(self, a: str, b: str) -> bool:
        """Two close values are two subjects when the words they differ in are each words
        the KB's articles use ("bank fees" / "bank feeds"), not a misspelling of one
        ("bank feeds" / "bank feds")."""
        from kbaudit.text import words

        mine = set(words(_split_path(a)[1])) - set(words(_split_path(b)[1]))
        theirs = set(words(_split_path(b)[1])) - set(words(_split_path(a)[1]))
        return bool(mine and theirs) and all(self.used(w) for w in mine | theirs)


def variant_spelling(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    """Values that are the same thing spelled differently: `log-in`, `Login`, `login`. Names
    made only of ids are not vocabulary (TAX012 reports them) and are never compared."""
    threshold = float(ctx.params["threshold"])
    vocabulary = _Vocabulary(corpus, int(ctx.params["min_word_articles"]))
    # each language's team names its own (Dutch Plug-ins, English Plugins)
    by_language: dict[str, list[Article]] = defaultdict(list)
    for article, language in zip(corpus.articles, corpus.languages, strict=True):
        by_language[language].append(article)
    for name in ctx.params["fields"]:
        for _, articles in sorted(by_language.items()):
            yield from _variants_of(name, articles, ctx, threshold, vocabulary)


def _variants_of(
    name: str, articles: list[Article], ctx: Context, threshold: float, vocabulary: _Vocabulary
) -> Iterator[Finding]:
    """TAX006 findings of one field among articles of one language."""
    counts: Counter[str] = Counter()
    users: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if name == "tags" and article.meta.get(SEARCH_KEYWORDS):
            continue  # other spellings are listed on purpose, for the search to match
        values = [article.category] if name == "category" else list(article.tags)
        for value in values:
            if value and not is_id_name(value):
                counts[value] += 1
                users[value].append(article)
    groups = _variant_groups(
        sorted(counts), threshold, int(ctx.params["min_length"]), vocabulary.distinct
    )
    for group in groups:
        preferred = max(group, key=lambda v: (counts[v], v == v.lower(), v))
        for value in sorted(group):
            if value == preferred:
                continue
            for article in users[value]:
                yield ctx.finding(
                    article,
                    f"{name} {value!r} looks like a variant of {preferred!r} "
                    f"({counts[preferred]} articles) — spellings in use: "
                    f"{', '.join(repr(v) for v in sorted(group))}",
                    data={
                        "field": name,
                        "value": value,
                        "preferred": preferred,
                        "variants": sorted(group),
                    },
                )


def id_named(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    """One finding per category (or tag) whose name is only an id."""
    for name in ctx.params["fields"]:
        members: dict[str, list[Article]] = defaultdict(list)
        for article in corpus.articles:
            values = [article.category] if name == "category" else list(article.tags)
            for value in values:
                if value and is_id_name(value):
                    members[value].append(article)
        for value, articles in sorted(members.items()):
            n = len(articles)
            yield ctx.finding(
                None,
                f"{name} {value!r} is named only by an id ({n} article{'s' * (n != 1)}); "
                "nobody can tell what belongs in it",
                path=articles[0].path or articles[0].id,
                related=[Related(a.id, a.path, a.title) for a in articles[:10]],
                data={"field": name, "value": value, "articles": n},
            )


def _key_line(raw: str, key: str) -> int | None:
    """The line that sets `key` (`key:` in YAML front matter, `key =` in TOML, `"key":` in
    JSON)."""
    m = re.search(rf"""^[ \t]*["']?{re.escape(key)}["']?[ \t]*[:=]""", raw, re.M)
    return raw.count("\n", 0, m.start()) + 1 if m else None


def known_keys_in_use(ctx: Context) -> list[str]:
    """The keys `misspelled-key` takes as spelled right, sorted: the readers' keys, the
    rule's `known` and every key at least `min_uses` articles of the corpus use. Also what its
    cached findings are keyed on: a key that becomes common (or rare) re-checks every article."""
    known = known_keys(ctx.config.source_options() if ctx.config else SourceOptions())
    known |= set(ctx.params["known"])
    min_uses = int(ctx.params["min_uses"])
    known |= {k for k, n in ctx.corpus.meta_key_counts.items() if n >= min_uses}
    return sorted(known)


def misspelled_key(article: Article, ctx: Context) -> Iterator[Finding]:
    known = ctx.corpus.memo(("known-keys", repr(ctx.params)), lambda: known_keys_in_use(ctx))
    spelled = ctx.corpus.memo(("known-key-set", repr(ctx.params)), lambda: frozenset(known))
    cutoff = float(ctx.params["threshold"])
    folded = ctx.corpus.memo(  # "title" wins over "Title"
        ("known-key-folds", repr(ctx.params)), lambda: {k.casefold(): k for k in known}
    )
    for key in article.meta:
        if len(key) < 4 or key in spelled:
            continue
        like = folded.get(key.casefold())  # keys are read case-sensitively: Title is not title
        if like is None:
            best = process.extractOne(
                key.casefold(), sorted(folded), scorer=fuzz.ratio, score_cutoff=cutoff
            )
            like = folded[best[0]] if best else None
        if like is None or _compound(key, like):
            continue
        line = _key_line(article.raw, key)
        if line is None:  # a field of the exporting system (a help desk's JSON), not typed
            continue
        yield ctx.finding(
            article,
            f"front-matter key `{key}` looks like a misspelling of `{like}`; "
            "its value is ignored as it is",
            line=line,
            data={"key": key, "suggestion": like},
        )


def _compound(key: str, known: str) -> bool:
    """Whether `key` holds `known` as one word of a longer name (`seoDescription`,
    `meta_description`, `description-short`): another key, not a misspelling of it."""
    i = key.casefold().find(known.casefold())
    j = i + len(known)
    if i < 0 or len(key) == len(known):
        return False
    before = i == 0 or key[i - 1] in "_-." or key[i].isupper()
    after = j == len(key) or key[j] in "_-." or key[j].isupper()
    return before and after


def _folder(article: Article) -> str | None:
    path = (article.path or "").split("#", 1)[0]
    return path.rsplit("/", 1)[0] if "/" in path else None


def category_size(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    """Categories with too few or too many articles. A small category that is the only one
    in its folders, or a node of a category tree ("A > B > C"), or one holding only landing
    pages (a folder's or the KB's index page), mirrors the KB's structure and is left alone; one that shares its folders with other categories is a
    leftover to merge."""
    low, high = int(ctx.params["min"]), int(ctx.params["max"])
    members: dict[str, list[Article]] = defaultdict(list)
    in_folder: dict[str, Counter[str]] = defaultdict(Counter)
    for article in corpus.articles:
        if (article.status or "") in ctx.params["skip_status"]:
            continue  # a draft or hidden page is in no category a reader browses
        if article.category and not is_id_name(article.category):  # ids: TAX012's
            members[article.category].append(article)
            folder = _folder(article)
            if folder is not None:
                in_folder[folder][article.category] += 1
    for category, articles in sorted(members.items()):
        n = len(articles)
        if n < low and _split_path(category)[0]:
            continue  # a node of a category tree (Confluence pages, nested sections)
        if n < low and all(a.ref in corpus.section_pages for a in articles):
            continue  # only landing pages (the KB's home page): navigation, not a category
        neighbours: Counter[str] = Counter()
        folders = {_folder(a) for a in articles}
        for folder in folders - {None}:
            neighbours.update({c: k for c, k in in_folder[str(folder)].items() if c != category})
        if n < low and None not in folders and not neighbours:
            continue
        if n < low or (high and n > high):
            what = "few" if n < low else "many"
            hint = (
                f"; its folder also holds {neighbours.most_common(1)[0][0]!r}"
                if n < low and neighbours
                else ""
            )
            yield ctx.finding(
                None,
                f"category {category!r} has {n} article{'s' * (n != 1)}, too {what} "
                f"(expected {low}–{high or '∞'}); merge or split it{hint}",
                path=articles[0].path,
                related=[Related(a.id, a.path, a.title) for a in articles[:10]],
                data={"category": category, "articles": n},
            )


def register(registry: Registry) -> None:
    registry.add(
        CheckKind(
            "required-field",
            "A metadata field every article must have.",
            {
                "field": Param(
                    "category",
                    "field name (title, category, tags, owner, ... or any front-matter key)",
                ),
                "message": Param("", "message to show instead of the default"),
                "skip_sections": Param(
                    False,
                    "leave pages other articles are filed under (the home page, a section's "
                    "index or parent page) alone",
                ),
                "skip_empty_sections": SKIP_EMPTY_SECTIONS,
                "skip_status": Param(
                    list(UNPUBLISHED), "statuses to leave out (drafts, hidden pages)"
                ),
            },
            check=required_field,
            cached_with=section_pages_if_skipped,
        )
    )
    registry.add(
        CheckKind(
            "vocabulary",
            "Values outside the controlled vocabulary in `taxonomy`.",
            {"field": Param("category", "category or tags")},
            check=vocabulary,
            cached_with=controlled_vocabulary,
        )
    )
    registry.add(
        CheckKind(
            "variant-spelling",
            "Categories or tags that are one value spelled several ways.",
            {
                "fields": Param(["tags", "category"], "fields to compare"),
                "threshold": Param(
                    90, "rapidfuzz ratio (0-100) above which two values are variants"
                ),
                "min_length": Param(
                    5, "shorter values are only grouped when they fold identically"
                ),
                "min_word_articles": Param(
                    1,
                    "close values differing in words each used by this many articles are two "
                    "subjects (bank fees / bank feeds), not one spelled two ways",
                ),
            },
            check_corpus=variant_spelling,
            cached_with=corpus_only,
        )
    )
    registry.add(
        CheckKind(
            "id-named",
            "Categories or tags named only by an id.",
            {"fields": Param(["category"], "fields to check (category, tags)")},
            check_corpus=id_named,
            cached_with=corpus_only,
        )
    )
    registry.add(
        CheckKind(
            "misspelled-key",
            "Front-matter keys that are misspellings of known keys.",
            {
                "known": Param([], "extra keys the KB uses on purpose"),
                "min_uses": Param(5, "a key used by this many articles counts as known"),
                "threshold": Param(85, "rapidfuzz ratio (0-100) for a near miss"),
            },
            check=misspelled_key,
            fragments=True,
            cached_with=known_keys_in_use,
        )
    )
    registry.add(
        CheckKind(
            "category-size",
            "Categories with too few or too many articles.",
            {
                "min": Param(2, "fewest articles a category should have"),
                "max": Param(0, "most articles a category should have (0 = no limit)"),
                "skip_status": Param(
                    list(UNPUBLISHED), "statuses of articles not counted (drafts, hidden pages)"
                ),
            },
            check_corpus=category_size,
            cached_with=corpus_only,
        )
    )
