"""Check kinds about age: max-age, missing-date, date-passed, flagged, retired-versions,
expired-mention."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from kbaudit.model import UNPUBLISHED, Article, Finding
from kbaudit.normalize import LATEST, VERSION
from kbaudit.rules import (
    SKIP_EMPTY_SECTIONS,
    CheckKind,
    Context,
    Param,
    Registry,
    article_only,
    as_of,
    empty_section,
    empty_sections,
)


def _skipped(article: Article, ctx: Context) -> bool:
    return (article.status or "") in ctx.params.get("skip_status", [])


def max_age(article: Article, ctx: Context) -> Iterator[Finding]:
    if _skipped(article, ctx) or article.updated_at is None:
        return
    if article.meta.get(VERSION) is not None and not article.meta.get(LATEST):
        return  # an older version's docs are frozen with it: their age is the version's
    by_category = {str(k).lower(): int(v) for k, v in (ctx.params["by_category"] or {}).items()}
    category = (article.category or "").lower()
    days = by_category.get(category, int(ctx.params["days"]))
    age = (ctx.today - article.updated_at).days
    if age > days:
        source = {"git": " (from git)", "created": " (published; no update date given)"}.get(
            article.date_source or "", ""
        )
        limit = f"{'for ' + repr(article.category) + ' ' if category in by_category else ''}"
        post = _dated_post(article)
        if post:  # a record of its day: updating it is not the fix
            message = (
                f"a dated post ({post}) from {article.updated_at.isoformat()}{source}, {age} "
                f"days ago (the limit {limit}is {days} days): it tells what was new then, and a "
                "bot repeats it as current; archive it or keep it out of the bot's sources"
            )
        else:
            message = (
                f"last updated {article.updated_at.isoformat()}{source}, {age} days ago; the "
                f"limit {limit}is {days} days"
            )
        yield ctx.finding(
            article,
            message,
            data={
                "updated_at": article.updated_at.isoformat(),
                "age_days": age,
                "limit": days,
                "dated_post": bool(post),
            },
        )


# Posts that record a day (release notes, announcements, blog and news posts, changelogs,
# security bulletins), as the folder or the section they are filed in names them; Jekyll's
# `_posts`.
_POST_KIND = (
    r"(?P<kind>_posts|blog|news|release[-_ ]?notes|changelogs?|announcements?"
    r"|what'?s[-_ ]new|security[-_ ]bulletins?|bulletins?)"
)
_POSTS = re.compile(rf"(?:^|/)(?:docusaurus-plugin-content-)?{_POST_KIND}/", re.I)
_POST_SECTION = re.compile(rf"(?:^|\s>\s){_POST_KIND}(?:$|\s>\s)", re.I)
# A record export has no folders: a title that names the kind and the day does
# ("Changelog - June 4, 2026", "Release notes 2026-03-01", "What's new: 4 May 2026").
_MONTH_NAME = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_POST_TITLE = re.compile(
    rf"^\W*{_POST_KIND}\b.*?(?:\d{{4}}-\d{{2}}-\d{{2}}|{_MONTH_NAME}\s+\d{{1,2}},?\s+\d{{4}}"
    rf"|\d{{1,2}}\.?\s+{_MONTH_NAME}\s+\d{{4}}|{_MONTH_NAME}\s+\d{{4}})",
    re.I,
)


def _dated_post(article: Article) -> str:
    """What kind of dated post the article is, by the folder or section it is filed in or
    by a title naming its kind and day ('' for none)."""
    found = (
        _POSTS.search(article.path or "")
        or _POST_SECTION.search(article.category or "")
        or _POST_TITLE.search(article.title)
    )
    if found is None:
        return ""
    kind = found["kind"].lower().strip("_").replace("_", " ").replace("-", " ")
    kind = kind.replace("whats", "what's")
    return "post" if kind == "posts" else kind


def missing_date(article: Article, ctx: Context) -> Iterator[Finding]:
    if _skipped(article, ctx) or article.updated_at is not None or empty_section(article, ctx):
        return
    yield ctx.finding(article, "no last-updated date, so nobody can tell whether it is current")


def date_passed(article: Article, ctx: Context) -> Iterator[Finding]:
    when = article.review_at
    if when is None or _skipped(article, ctx):
        return
    overdue = (ctx.today - when).days
    if overdue > int(ctx.params["grace_days"]):
        yield ctx.finding(
            article,
            f"review/valid-until date {when.isoformat()} passed {overdue} days ago",
            data={"review_at": when.isoformat(), "overdue_days": overdue},
        )


def flagged(article: Article, ctx: Context) -> Iterator[Finding]:
    statuses = {s.lower() for s in ctx.params["statuses"]}
    if article.outdated or (article.status or "") in statuses:
        what = f"status `{article.status}`" if article.status in statuses else "an outdated flag"
        yield ctx.finding(
            article, f"the export marks it with {what}, but it is still in the KB a bot would read"
        )


def _line(article: Article, offset: int) -> int:
    return article.raw.count("\n", 0, offset) + 1


_MONTH = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|q[1-4])\b",
    re.I,
)
_FUTURE = re.compile(r"\b(?:will|won't|going to|plans? to|upcoming|soon|scheduled)\b", re.I)


_NOW = re.compile(
    r"\b(?:(?:since|from|starting|as of)\b\D{0,20}(?P<year>(?:19|20)\d\d)|now|today|currently)\b",
    re.I,
)


# A change a date is given for ("Deprecated as of 2022"): it stays made.
_CHANGED = re.compile(
    r"\b(?:deprecated|removed|discontinued|retired|replaced|renamed|introduced|added|"
    r"dropped|disabled|enabled|obsolete|unsupported|supported|required|available)[ \t,]*$",
    re.I,
)
_PAST = re.compile(r"\b(?:was|were|had)\b", re.I)
_PRESENT = re.compile(r"\b(?:is|are|has|have|now|currently|still is|still are)\b", re.I)


def _still_true(phrase: str, after: str, before: str = "") -> bool:
    """Year phrases that stay true after the year: a version range ("all versions through
    2010"), a change told as history ("Starting in August 2018, X was removed"), unlike
    an announcement ("Starting in August 2018, X will be removed"), a dated change
    ("Deprecated as of 2022") or state told in the past ("As of May 2009, the party was
    using v2.0"), and an old state told with today's ("Until 2025 the limit was 50; since
    2026 it is 100")."""
    first = phrase.split()[0].lower()
    if first == "through" and not _MONTH.search(phrase):
        return True
    sentence = re.split(r"(?<=[.!?])\s|\n\n", after, maxsplit=1)[0]
    if first == "as":
        if _CHANGED.search(before):
            return True
        return bool(_PAST.search(sentence)) and not _PRESENT.search(sentence)
    if first in ("starting", "beginning", "effective"):
        return not _FUTURE.search(sentence)
    if first in ("until", "till", "before", "through"):
        year = int(re.findall(r"(?:19|20)\d\d", phrase)[-1])
        return any(
            m.group("year") is None or int(m.group("year")) > year for m in _NOW.finditer(sentence)
        )
    return False


def expired_mention(article: Article, ctx: Context) -> Iterator[Finding]:
    if _skipped(article, ctx):
        return
    body = article.raw or article.text
    max_year = ctx.today.year - int(ctx.params["years"])
    for pattern in ctx.params["year_patterns"]:
        for m in re.finditer(pattern, body, re.I):
            year = int(m.group("year"))
            if 1990 <= year <= max_year and not _still_true(
                m.group(0), body[m.end() :], body[max(m.start() - 40, 0) : m.start()]
            ):
                yield ctx.finding(
                    article,
                    f"says {m.group(0).strip()!r}: a statement pinned to {year} that is "
                    "probably out of date",
                    line=_line(article, m.start()),
                    data={"match": m.group(0).strip(), "year": year},
                )
                break
    for name in ctx.params["retired"]:
        hit = re.search(rf"(?<![\w-]){re.escape(str(name))}(?![\w-])", body, re.I)
        if hit:
            yield ctx.finding(
                article,
                f"mentions {name!r}, which is retired",
                line=_line(article, hit.start()),
                data={"match": str(name)},
            )


def _listed(value: object) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return []


def retired_versions(article: Article, ctx: Context) -> Iterator[Finding]:
    """An article that applies only to product versions whose support has ended."""
    if _skipped(article, ctx):
        return
    field, versions = next(
        ((f, _listed(article.meta.get(f))) for f in ctx.params["fields"] if article.meta.get(f)),
        ("", []),
    )
    if not versions:
        return
    ended: dict[str, dt.date] = {}
    for version in versions:
        for entry in ctx.params["retired"]:
            when = _as_date(entry.get("ended"))
            if when is not None and when <= ctx.today and re.search(entry["match"], version, re.I):
                ended[version] = when
                break
        else:
            return  # a version still supported (or unknown): the article is still live
    latest = max(ended.values())
    shown = ", ".join(versions[:4]) + (
        f" and {len(versions) - 4} more" if len(versions) > 4 else ""
    )
    yield ctx.finding(
        article,
        f"`{field}` lists only retired versions ({shown}); the last one left support on "
        f"{latest.isoformat()}",
        line=_field_line(article.raw, field),
        data={"field": field, "versions": versions, "ended": latest.isoformat()},
    )


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _field_line(raw: str, key: str) -> int | None:
    m = re.search(rf"^{re.escape(key)}\s*[:=]", raw, re.M)
    return raw.count("\n", 0, m.start()) + 1 if m else None


# End of support of widely documented products (vendor lifecycle pages); extend per KB.
# Versions whose successor is the same product under a new name (Office and Exchange 2016/2019,
# SharePoint Server 2016/2019, Windows 10) are left out: their articles mostly still apply.
_OFFICE_APPS = (
    r"Office|Outlook|Excel|Word|Access|PowerPoint|Project|Visio|OneNote|Publisher|InfoPath|"
    r"Lync|SharePoint Designer|Skype for Business"
)
RETIRED = [
    {
        "match": rf"\b(?:{_OFFICE_APPS})\b.*\b(?:97|2000|2002|XP|2003|2007|2010|2013)\b",
        "ended": "2023-04-11",
    },
    {"match": r"\bExchange(?: Server)? (?:2003|2007|2010|2013)\b", "ended": "2023-04-11"},
    {
        "match": r"\bSharePoint (?:Server |Foundation |Portal Server )?(?:2003|2007|2010|2013)\b",
        "ended": "2023-04-11",
    },
    {"match": r"\bProject Server (?:2007|2010|2013)\b", "ended": "2023-04-11"},
    {"match": r"\bSkype for Business (?:Online|Server 2015|2015)\b", "ended": "2021-07-31"},
    {
        "match": r"\bWindows (?:XP|Vista|7|8|8\.1|Server 2003|Server 2008(?: R2)?)\b",
        "ended": "2023-01-10",
    },
    {"match": r"\bWindows Server 2012(?: R2)?\b", "ended": "2023-10-10"},
    {"match": r"\bInternet Explorer\b", "ended": "2022-06-15"},
]

_SKIP = Param(
    list(UNPUBLISHED),
    "statuses to leave out: drafts (draft: true, published: false) and hidden pages",
)


def register(registry: Registry) -> None:
    registry.add(
        CheckKind(
            "max-age",
            "Article older than an allowed number of days.",
            {
                "days": Param(365, "maximum age in days since the last update"),
                "by_category": Param({}, "per-category limits, e.g. {billing: 180}"),
                "skip_status": _SKIP,
            },
            check=max_age,
            cached_with=as_of,
        )
    )
    registry.add(
        CheckKind(
            "missing-date",
            "Article without any last-updated date.",
            {"skip_status": _SKIP, "skip_empty_sections": SKIP_EMPTY_SECTIONS},
            check=missing_date,
            cached_with=empty_sections,
        )
    )
    registry.add(
        CheckKind(
            "date-passed",
            "Review-by or valid-until date in the past.",
            {"grace_days": Param(0, "days of grace after the date"), "skip_status": _SKIP},
            check=date_passed,
            fragments=True,
            cached_with=as_of,
        )
    )
    registry.add(
        CheckKind(
            "flagged",
            "Export flags the article as outdated, archived or similar.",
            {
                "statuses": Param(
                    ["archived", "outdated", "deprecated", "retired", "obsolete", "expired"],
                    "status values that mean 'no longer valid'",
                )
            },
            check=flagged,
            fragments=True,
            cached_with=article_only,
        )
    )
    registry.add(
        CheckKind(
            "retired-versions",
            "Article that applies only to product versions whose support has ended.",
            {
                "fields": Param(
                    ["appliesto", "applies_to", "applies-to", "products", "versions"],
                    "front-matter fields listing the products or versions an article is for",
                ),
                "retired": Param(
                    RETIRED,
                    "{match: regex, ended: YYYY-MM-DD}: versions that left support on that date",
                ),
                "skip_status": _SKIP,
            },
            check=retired_versions,
            fragments=True,
            cached_with=as_of,
        )
    )
    registry.add(
        CheckKind(
            "expired-mention",
            "Text pinned to a past year, or naming retired products.",
            {
                "years": Param(1, "a year this many years before today or older counts as past"),
                "year_patterns": Param(
                    [
                        r"\b(?:as of|as at|until|till|through|by the end of|starting in|beginning in|"
                        r"effective)\s+(?:early |late |mid-?)?"
                        r"(?:(?:january|february|march|april|may|june|july|august|september|october|"
                        r"november|december|q[1-4])\s+)?(?P<year>(?:19|20)\d\d)\b(?!\s*(?:-|–|to)\s*\d)"
                    ],
                    "regular expressions with a named group `year`",
                ),
                "retired": Param([], "retired product names or versions to flag"),
                "skip_status": _SKIP,
            },
            check=expired_mention,
            fragments=True,
            cached_with=as_of,
        )
    )
