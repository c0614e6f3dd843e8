"""Check kinds comparing the KB's categories with its topic clusters: topic-mismatch,
scattered-category, uncovered-topic. The clustering comes from the analysis stage
(`--topics K` or config `topics` fixes K)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from kbaudit.analysis import TOPICS
from kbaudit.corpus import Corpus
from kbaudit.model import Finding, Related
from kbaudit.rules import CheckKind, Context, Param, Registry, corpus_only

if TYPE_CHECKING:
    from kbaudit.analysis.topics import TopicModel


def _model(corpus: Corpus, ctx: Context) -> TopicModel:
    assert ctx.analysis is not None and ctx.analysis.topics is not None
    return ctx.analysis.topics


def _related(corpus: Corpus, members: tuple[int, ...]) -> list[Related]:
    from kbaudit.analysis.topics import REPRESENTATIVES  # scikit-learn only when run

    return [
        Related(corpus.articles[i].id, corpus.articles[i].path, corpus.articles[i].title)
        for i in members[:REPRESENTATIVES]
    ]


Filed = tuple[str, str]  # (category, language)
MIN_CATEGORIES = 3  # a language with fewer judged categories is compared with the whole KB
# Below this usual closeness the words of a language are matched too little (Japanese or
# Chinese text without spaces) for closeness to tell a scattered category from any other.
MIN_USUAL = 0.1


class _Categories:
    """Each category's articles of one language as TF-IDF rows, to tell how close an article
    is to a category: the cosine to the sum (the direction of the mean) of the category's
    other articles in the article's language. Sums are built once per category asked about."""

    def __init__(self, corpus: Corpus) -> None:
        self.matrix = corpus.tfidf()[1]
        self.rows: dict[Filed, list[int]] = defaultdict(list)
        self.filed = [article.category for article in corpus.articles]
        self.languages = corpus.languages
        for i, category in enumerate(self.filed):
            if category:
                self.rows[(category, self.languages[i])].append(i)
        self._sums: dict[Filed, tuple[Any, float]] = {}
        self._typical: dict[tuple[Filed, float], float] = {}

    def _sum(self, key: Filed) -> tuple[Any, float]:
        """The category's summed rows (a sparse row) and its squared norm."""
        if key not in self._sums:
            total = self.matrix[self.rows[key]].sum(axis=0)
            self._sums[key] = (total, float((total @ total.T).item()))
        return self._sums[key]

    def closeness(self, i: int, category: str) -> float:
        """Cosine of article i to the category's articles (in its language) other than
        itself."""
        total, squared = self._sum((category, self.languages[i]))
        row = self.matrix[i]
        dot = float((row @ total.T).item())
        own = float(row.multiply(row).sum()) if self.filed[i] == category else 0.0
        if own:  # leave the article out of its own category
            dot, squared = dot - own, squared - 2 * dot + own
        return dot / squared**0.5 if squared > 1e-12 else 0.0

    def typical(self, key: Filed, quantile: float) -> float:
        """How close the category's articles of one language are to the rest of them: the
        `quantile` of their closeness (each against the others)."""
        import numpy as np

        if (key, quantile) not in self._typical:
            rows = self.rows[key]
            block = self.matrix[rows]
            total = np.asarray(block.sum(axis=0)).ravel()
            dots = np.asarray(block @ total).ravel()
            own = np.asarray(block.multiply(block).sum(axis=1)).ravel()
            rest = np.sqrt(np.maximum(total @ total - 2 * dots + own, 0.0))
            close = np.divide(dots - own, rest, out=np.zeros_like(rest), where=rest > 0)
            self._typical[(key, quantile)] = (
                float(np.quantile(close, quantile)) if len(rows) > 1 else 0.0
            )
        return self._typical[(key, quantile)]

    def named(self, key: Filed) -> str:
        """A category as reports name it: with its language when the KB has several."""
        category, language = key
        several = len({lang for _, lang in self.rows}) > 1
        return f"{category} ({language})" if several and language else category


def topic_mismatch(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    """Articles filed in a category that is rare in their topic, whose topic is mostly
    filed under another category, and whose text reads like that category's articles more
    than like its own category's (a topic can gather articles of several products by a
    shared facet, e.g. macros: that alone does not misfile them)."""
    model = _model(corpus, ctx)
    dominance = float(ctx.params["dominance"])
    rare = float(ctx.params["max_share"])
    advantage = float(ctx.params["min_advantage"])
    quantile = float(ctx.params["typical_quantile"])
    categories = _Categories(corpus)
    for topic in model.topics:
        dominant, share = topic.dominant()
        if dominant is None or topic.size < int(ctx.params["min_topic_size"]) or share < dominance:
            continue
        for i in topic.members:
            article = corpus.articles[i]
            own = article.category
            if own is None or own == dominant or topic.categories[own] / topic.size > rare:
                continue
            if _siblings(own, dominant):  # a topic is coarser than one parent's sub-categories
                continue
            if dominant.startswith(f"{own} > ") and article.ref in corpus.section_pages:
                continue  # the page of a section, filed beside it (a GitBook summary's item)
            there = categories.closeness(i, dominant)
            here = categories.closeness(i, own)
            typical = categories.typical((dominant, categories.languages[i]), quantile)
            if there < advantage * here or there < typical:
                continue
            yield ctx.finding(
                article,
                f"filed in {own!r}, but its topic ({topic.label}) is filed under "
                f"{dominant!r} ({share:.0%} of {topic.size} articles) and it reads like the "
                f"articles there (closeness {there:.2f}, {here:.2f} to its own category); move "
                f"it to {dominant!r} or make the category's scope explicit",
                related=_related(corpus, topic.members),
                data={
                    "category": own,
                    "suggested": dominant,
                    "topic": topic.label,
                    "subject": own,
                },
            )


def scattered_category(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    """Categories whose articles spread over many topics with no topic holding most, and
    are less alike than the KB's categories usually are (topics can cut across a coherent
    category by another facet, e.g. on-premises vs online)."""
    import numpy as np

    model = _model(corpus, ctx)
    categories = _Categories(corpus)
    sized = [
        c for c, rows in categories.rows.items() if len(rows) >= int(ctx.params["min_articles"])
    ]
    usual = float(np.median([categories.typical(c, 0.5) for c in sized])) if sized else 0.0
    # how alike a language's categories usually are: words of an unspaced script (Japanese)
    # are matched less, so its categories are compared with each other, not with English ones
    by_language: dict[str, list[float]] = defaultdict(list)
    for c in sized:
        by_language[c[1]].append(categories.typical(c, 0.5))
    usual_in = {
        lang: float(np.median(found)) if len(found) >= MIN_CATEGORIES else usual
        for lang, found in by_language.items()
    }
    spread: dict[Filed, Counter[int]] = defaultdict(Counter)
    members: dict[Filed, list[int]] = defaultdict(list)
    for i, topic in enumerate(model.assignment):
        category = corpus.articles[i].category
        if category and topic >= 0:
            key = (category, categories.languages[i])
            spread[key][topic] += 1
            members[key].append(i)
    for key, counts in sorted(spread.items()):
        total = sum(counts.values())
        largest = max(counts.values())
        topics = sum(1 for n in counts.values() if n >= 2)
        if (
            total < int(ctx.params["min_articles"])
            or topics < int(ctx.params["min_topics"])
            or largest / total >= float(ctx.params["min_share"])
        ):
            continue
        cohesion = categories.typical(key, 0.5)
        usual_here = usual_in.get(key[1], usual)
        if usual_here < MIN_USUAL or cohesion >= float(ctx.params["max_cohesion"]) * usual_here:
            continue  # (a language whose categories are hardly alike at all cannot tell)
        where = {model.topics[t].label: n for t, n in counts.most_common()}
        category = key[0]
        yield ctx.finding(
            None,
            f"category {categories.named(key)!r} is scattered over {len(counts)} topics (the "
            f"largest holds {largest / total:.0%} of its {total} articles; its articles are "
            f"less alike than those of most categories: {cohesion:.2f} against {usual_here:.2f}): "
            + ", ".join(f"{label} ({n})" for label, n in list(where.items())[:4])
            + "; split it or move articles to the categories of their topics",
            path=corpus.articles[members[key][0]].path,
            related=_related(corpus, tuple(members[key])),
            data={"category": category, "topics": where, "subject": category},
        )


def _siblings(a: str, b: str) -> bool:
    """Whether two categories of a tree ("Exchange > Email Delivery", "Exchange > Migration")
    share their parent."""
    return " > " in a and " > " in b and a.rsplit(" > ", 1)[0] == b.rsplit(" > ", 1)[0]


def _covering(categories: dict[str, int], size: int) -> tuple[str | None, float]:
    """The category (or parent category of a tree such as "Outlook > Calendars") holding the
    largest share of a topic: a topic spread over the children of one parent is covered by
    that parent."""
    counts: Counter[str] = Counter()
    for category, n in categories.items():
        parts = category.split(" > ")
        for depth in range(1, len(parts) + 1):
            counts[" > ".join(parts[:depth])] += n
    if not counts:
        return None, 0.0
    name, n = max(counts.items(), key=lambda kv: (kv[1], kv[0].count(" > "), kv[0]))
    return name, n / size


def _spread(categories: dict[str, int]) -> float:
    """How many categories a topic's articles are spread over, evenly counted: the
    exponential of the entropy of their shares (4 for four equal categories)."""
    import math

    total = sum(categories.values())
    shares = [n / total for n in categories.values() if n]
    return math.exp(-sum(p * math.log(p) for p in shares)) if total else 0.0


def uncovered_topic(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    """Topics that no category covers: no category, nor parent category, holds a real share
    of their articles, and no category is mostly about the topic (a "Designer" category
    whose articles are nearly all in the designer topic is its home, however many articles
    about the designer other categories also hold)."""
    model = _model(corpus, ctx)
    languages = corpus.languages
    sizes = Counter((a.category, languages[i]) for i, a in enumerate(corpus.articles) if a.category)
    home = float(ctx.params["home_share"])
    for topic in model.topics:
        language = languages[topic.members[0]] if topic.members else ""
        dominant, share = _covering(topic.categories, topic.size)
        filed = sum(topic.categories.values())
        if (
            topic.size < int(ctx.params["min_topic_size"])
            or share >= float(ctx.params["min_share"])
            or filed < topic.size / 2  # mostly uncategorised: TAX001 reports those articles
        ):
            continue
        if any(n >= 2 and n >= home * sizes[(c, language)] for c, n in topic.categories.items()):
            continue
        if _spread(topic.categories) > float(ctx.params["max_spread"]):
            continue  # a facet that cuts across the categories (errors, prices), no subject
        first = corpus.articles[topic.members[0]]
        held = f"at most {share:.0%} in {dominant!r}" if dominant else "none has a category"
        yield ctx.finding(
            None,
            f"topic {topic.label!r} ({topic.size} articles) has no category of its own "
            f"({held}); add a category for it",
            path=first.path,
            related=_related(corpus, topic.members),
            data={
                "topic": topic.label,
                "terms": list(topic.terms),
                "categories": topic.categories,
                "members": [corpus.articles[i].ref for i in topic.members],
            },
        )


def register(registry: Registry) -> None:
    registry.add(
        CheckKind(
            "topic-mismatch",
            "Articles filed in a category other than the one their topic is filed under.",
            {
                "dominance": Param(0.6, "share of a topic one category must hold to be its home"),
                "max_share": Param(
                    0.1, "an article's category holding at most this share of the topic is a misfit"
                ),
                "min_topic_size": Param(5, "smaller topics are not judged"),
                "min_advantage": Param(
                    1.25,
                    "the article must be this many times closer to the suggested category's "
                    "articles than to its own category's",
                ),
                "typical_quantile": Param(
                    0.5,
                    "... and at least as close to them as this quantile of that category's own "
                    "articles (0.5: as close as its typical article)",
                ),
            },
            check_corpus=topic_mismatch,
            cached_with=corpus_only,
            needs=(TOPICS,),
        )
    )
    registry.add(
        CheckKind(
            "scattered-category",
            "Categories spread over many topics with none holding most of their articles.",
            {
                "min_articles": Param(6, "smaller categories are not judged"),
                "min_topics": Param(3, "topics (with 2+ of its articles) a category must span"),
                "min_share": Param(0.4, "scattered when its largest topic holds less than this"),
                "max_cohesion": Param(
                    0.75,
                    "... and its articles' median closeness to the rest of the category is under "
                    "this share of the KB's median category",
                ),
            },
            check_corpus=scattered_category,
            cached_with=corpus_only,
            needs=(TOPICS,),
        )
    )
    registry.add(
        CheckKind(
            "uncovered-topic",
            "Topics that no category covers.",
            {
                "min_topic_size": Param(5, "smaller topics are not judged"),
                "min_share": Param(0.3, "a category holding this share of a topic covers it"),
                "home_share": Param(
                    0.5,
                    "a category with this share of its own articles in the topic is its home",
                ),
                "max_spread": Param(
                    6.5,
                    "a topic spread over more categories than this (counted evenly: the "
                    "exponential of the entropy of their shares) is a facet that cuts across "
                    "the taxonomy (errors, prices), not a subject missing a category",
                ),
            },
            check_corpus=uncovered_topic,
            cached_with=corpus_only,
            needs=(TOPICS,),
        )
    )
