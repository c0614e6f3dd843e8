"""A folder of HTML pages (a crawled or exported help center)."""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

from kbaudit import text
from kbaudit.dates import DateError, parse_date
from kbaudit.model import Extracted, InputCode, LoadProblem
from kbaudit.normalize import PARENT_PAGE, SourceOptions, build_article
from kbaudit.sources import notion
from kbaudit.sources.base import Record, Source, decode, html_charset, not_text
from kbaudit.sources.markdown import split_front_matter
from kbaudit.sources.parallel import parse_files
from kbaudit.sources.tree import Tree

SUFFIXES = (".html", ".htm")
# " | Site name" at the end of a page title; starts only where a run of spaces starts (linear).
_TITLE_SUFFIX = re.compile(r"(?<!\s)\s+[|–—-]\s+[^|–—-]+$")
_TITLE_PARTS = re.compile(r"(?<!\s)\s+[|–—-]\s+")


def _folded(title: str) -> str:
    """A title as titles are compared: case, curly quotes and a permalink's mark aside."""
    return " ".join(title.replace("’", "'").replace("‘", "'").strip(" ¶§#🔗~").casefold().split())


_META_KEYS = {
    "description": "description",
    "author": "author",
    "keywords": "keywords",
    "article:modified_time": "updated_at",
    "last-modified": "updated_at",
    "dcterms.modified": "updated_at",
    "article:published_time": "created_at",
    "article:section": "category",
    "article:tag": "tags",
    "og:url": "url",
    "kb:owner": "owner",
    "kb:review-by": "review_by",
    "robots": "robots",
}
# The mark a browser leaves on a page it saved: <!-- saved from url=(0071)https://... -->;
# help authoring tools write it as `http://localhost` (the "mark of the web" that lets a
# browser run the page's scripts from disk), which is no address.
_SAVED_FROM = re.compile(
    r"<!-- saved from url=\(\d{1,6}\)(https?://(?!localhost\b|127\.0\.0\.1\b)[^\s>]{1,2000}) -->"
)
# A page that sends the browser to another at once: <meta http-equiv="refresh" content="0;
# url=..."> (the stubs redirect plugins build for moved pages, a site's start page).
_REDIRECT = re.compile(r"^\s*(?:0+\s*)?[;,]\s*url\s*=", re.I)
_CONTENT_SELECTORS = (
    "article",
    "main",
    "[role=main]",
    ".article-body",
    ".article",
    "#content",
    ".content",
    "body",
)


def _meta(soup: BeautifulSoup) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for tag in soup.find_all("meta"):
        key = str(tag.get("name") or tag.get("property") or tag.get("http-equiv") or "").lower()
        value = tag.get("content")
        if key in _META_KEYS and value is not None:
            field = _META_KEYS[key]
            if field == "tags" and field in meta:
                meta[field] = f"{meta[field]}, {value}"
            else:
                meta.setdefault(field, str(value).strip())
    if "tags" not in meta and "keywords" in meta:
        meta["tags"] = meta.pop("keywords")
    return meta


_LD_TYPES = {"article", "techarticle", "blogposting", "newsarticle", "webpage", "faqpage", "howto"}
_LD_FIELDS = {
    "dateModified": "updated_at",
    "datePublished": "created_at",
    "author": "author",
    "keywords": "tags",
    "articleSection": "category",
    "inLanguage": "locale",
}


def _json_ld(soup: BeautifulSoup) -> dict[str, Any]:
    """Fields of the page's schema.org Article in JSON-LD (`dateModified`, `author`,
    `keywords`, ...): many help centers give the dates and author only there."""
    out: dict[str, Any] = {}
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            doc = json.loads(script.get_text() or "null")
        except (ValueError, RecursionError):
            continue
        found = doc.get("@graph", doc) if isinstance(doc, dict) else doc
        for item in found if isinstance(found, list) else [found]:
            if not isinstance(item, dict):
                continue
            kinds = item.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if not any(str(k).casefold() in _LD_TYPES for k in kinds):
                continue
            for key, field in _LD_FIELDS.items():
                value = item.get(key)
                if isinstance(value, dict | list) and field == "author":
                    people = value if isinstance(value, list) else [value]
                    value = ", ".join(
                        str(p.get("name")) for p in people if isinstance(p, dict) and p.get("name")
                    )
                if isinstance(value, str | list) and value:
                    out.setdefault(field, value)
    return out


# Where built docs sites print the last update: MkDocs' git-revision-date plugin
# (`<span class="git-revision-date-localized-plugin-date">May 1, 2024</span>`, or a
# `datetime` attribute in its timeago form), a "Last updated on ..." line (Sphinx, themes).
_UPDATED_CLASS = re.compile(r"revision-date|last-?updated|last-?modified|lastmod|timeago", re.I)
_UPDATED_TEXT = re.compile(r"\blast (?:updated|modified|edited|changed)\b\s*(?:on\b|:)?\s*", re.I)


def _shown_update(soup: BeautifulSoup, order: str) -> dt.date | None:
    """The last-updated date a built site prints on the page, when it reads as a date."""
    candidates: list[str] = []
    for tag in soup.find_all(class_=_UPDATED_CLASS, limit=20):
        candidates += [str(tag.get("datetime") or ""), tag.get_text(" ", strip=True)]
    for string in soup.find_all(string=_UPDATED_TEXT, limit=5):
        after = _UPDATED_TEXT.split(str(string), maxsplit=1)[-1].strip()
        if not after:  # the date in the next element: "Last updated: <b>...</b>"
            after = str(string.find_next(string=True) or "")
        candidates.append(after)
    for candidate in candidates:
        candidate = _UPDATED_TEXT.sub("", candidate).strip().rstrip(".")
        if not candidate or len(candidate) > 60:
            continue
        try:
            return parse_date(candidate, order)
        except DateError:
            continue
    return None


def _breadcrumbs(soup: BeautifulSoup) -> list[str]:
    crumb = soup.select_one(
        "[aria-label=breadcrumb], [aria-label=Breadcrumb], .breadcrumbs, .breadcrumb, "
        "[itemtype$=BreadcrumbList]"
    )
    if crumb is None:
        return []
    items = [li.get_text(" ", strip=True) for li in crumb.find_all("li")]
    if not items:
        items = [a.get_text(" ", strip=True) for a in crumb.find_all("a")]
    return [i for i in items if i]


# What a help authoring tool builds around its topics: MadCap Flare's search results page
# (`<html class="searchTopic">`), its generated lists (`<MadCap:indexProxy />`, a print
# table of contents or glossary) and topics its conditions keep for print (`PrintOnly`, `PDF`).
_FLARE_SEARCH = re.compile(r"\bsearch\b", re.I)
_FLARE_PROXY = re.compile(r"^madcap:\w*proxy$")
_PRINT_ONLY = re.compile(r"^[\w-]+\.(?:print\w*|pdf)$", re.I)


def _built_around_topics(soup: BeautifulSoup) -> bool:
    """Whether a page is one a help authoring tool builds beside the topics, not a topic:
    a search page, a list it generates, a topic only its printed output shows."""
    page = soup.find("html")
    if page is None:
        return False
    kinds = str(page.get("data-mc-runtime-file-type") or "").split(";")
    if "searchTopic" in (page.get("class") or []) or any(_FLARE_SEARCH.search(k) for k in kinds):
        return True
    conditions = [c.strip() for c in str(page.get("madcap:conditions") or "").split(",")]
    if any(conditions) and all(_PRINT_ONLY.match(c) for c in conditions if c):
        return True
    body = soup.find("body")
    if body is None or body.find(_FLARE_PROXY) is None:
        return False
    return len(body.get_text(" ").split()) <= 3  # a heading above the list ("Index")


# The list of a page's children its generator writes in it: MadCap Flare's mini table of
# contents, Sphinx's toctree. Such a page is a section page (`PARENT_PAGE`).
_CHILD_LIST = "[class^=MCMiniTocBox], .toctree-wrapper"


# A link to the page of a term (`/tags/billing/`, `../../categories/billing/index.html`):
# a built static site prints the page's tags and categories as such links.
_TERM_LINK = re.compile(
    r"(?:^|/)(?P<taxonomy>tags?|categories|category)/[^/#?]+/?(?:index\.html?)?$", re.I
)


def _term_links(root: Any) -> dict[str, list[str]]:
    """The page's tags and categories, from the links to their pages the site prints on it
    (`{"tags": [...], "categories": [...]}`); the links, and a line left with nothing but
    their commas, are taken out of the text: a list of terms is no sentence of the article."""
    found: dict[str, list[str]] = {}
    lines = []
    for a in root.find_all("a", href=True):
        if (m := _TERM_LINK.search(str(a["href"]))) is None:
            continue
        kind = "tags" if m["taxonomy"].lower().startswith("tag") else "categories"
        term = a.get_text(" ", strip=True).lstrip("#")
        if term and term not in found.setdefault(kind, []):
            found[kind].append(term)
        if a.parent is not None and a.parent is not root:
            lines.append(a.parent)
        a.decompose()
    for line in lines:
        if not getattr(line, "decomposed", False) and not re.search(r"\w", line.get_text()):
            line.decompose()
    return found


def _redirect(soup: BeautifulSoup) -> bool:
    """Whether the page only sends the reader to another page ("Redirecting..."); a page
    that redirects only browsers without scripts (`<noscript>`) is read."""
    refresh = soup.find("meta", attrs={"http-equiv": re.compile(r"^refresh$", re.I)})
    if refresh is None or refresh.find_parent("noscript") is not None:
        return False
    body = soup.find("body")
    words = len(body.get_text(" ").split()) if body is not None else 0
    return words < 30 and bool(_REDIRECT.match(str(refresh.get("content") or "")))


def _viewer(soup: BeautifulSoup) -> bool:
    """Whether a page without article text is the help viewer, the frame the topics are
    shown in (a frameset, RoboHelp's `index.html` with its topic iframe), or a page that
    only loads the viewer's scripts (Flare's `Default.htm`): not a topic."""
    if soup.find(["frameset", "frame", "iframe"]) is not None:
        return True
    body = soup.find("body")
    shown = body is not None and (body.get_text(strip=True) or body.find("img") is not None)
    return soup.find("script", src=True) is not None and not shown


def parse(rel: str, data: bytes, options: SourceOptions) -> Iterator[Record]:
    binary = not_text(data, rel)
    if binary:
        yield binary
        return
    raw, problem = decode(data, rel, html_charset(data))
    if problem:
        yield problem
    # An unbuilt page of a static site (Jekyll): YAML front matter above HTML with Liquid
    # tags. The front matter is the page's fields, read as the Markdown reader reads them;
    # its lines stay as blank lines so the markup's line numbers hold.
    front: dict[str, Any] = {}
    markup, body_line = raw, 1
    if raw.lstrip("\ufeff").startswith(("---", "+++")):
        front, body, body_line, problem = split_front_matter(
            raw.lstrip("\ufeff").replace("\r\n", "\n"), rel
        )
        if problem:
            yield problem
        if body_line > 1:
            markup = "\n" * (body_line - 1) + body
    site_source = body_line > 1  # Liquid in its text is the site's code, not words
    soup = _soup(markup)
    if _built_around_topics(soup) or _redirect(soup):
        return
    meta = _meta(soup)
    if notion.is_page(rel):  # a Notion page: its properties table, or a database's view
        if notion.is_database_view(soup):
            return
        meta.update(notion.html_properties(soup))
    for key, value in _json_ld(soup).items():
        meta.setdefault(key, value)
    if "noindex" in str(meta.get("robots", "")).lower() and soup.find("article") is None:
        return  # a listing or search page, not an article
    if "url" not in meta:  # the page's own address: canonical, else where a browser saved it
        canonical = soup.find("link", rel="canonical", href=True)
        saved = _SAVED_FROM.search(raw[:2000])
        if canonical is not None:
            meta["url"] = str(canonical["href"]).strip()
        elif saved is not None:
            meta["url"] = saved.group(1)
    html_tag = soup.find("html")
    if html_tag is not None and html_tag.get("lang"):
        meta.setdefault("locale", str(html_tag.get("lang")))
    if "author" not in meta:
        byline = soup.select_one("[rel=author], [itemprop=author], .author, .article-author")
        # a byline block (Zendesk's .article-author) also holds the avatar and the date:
        # the name is its link or its itemprop=name
        names = byline.select("[itemprop=name], a[href]") if byline is not None else []
        named = [n.get_text(" ", strip=True) for n in names]  # a linked avatar has no text
        who = next((n for n in named if n), None) or (
            byline.get_text(" ", strip=True) if byline is not None else ""
        )
        if who:
            meta["author"] = who
    if soup.select_one(_CHILD_LIST) is not None:
        meta[PARENT_PAGE] = True
    crumbs = _breadcrumbs(soup)
    viewer = _viewer(soup)  # before the text is taken out, which drops the site's chrome
    root = next((r for sel in _CONTENT_SELECTORS if (r := soup.select_one(sel)) is not None), soup)
    if "updated_at" not in meta:
        time_tag = root.find("time", datetime=True) or soup.find("time", datetime=True)
        if time_tag is not None:
            meta["updated_at"] = str(time_tag["datetime"])
        elif (shown := _shown_update(soup, options.date_order)) is not None:
            meta["updated_at"] = shown
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    terms = _term_links(root)
    if terms.get("tags"):
        meta.setdefault("tags", terms["tags"])
    if terms.get("categories"):  # the first is the page's main category
        meta.setdefault("category", terms["categories"][0])
    first_h1s = [_folded(h.get_text(" ", strip=True)) for h in root.find_all("h1", limit=8)]
    extracted = text.html_body(root)
    if text.template_only(markup, extracted):
        return  # a template or listing page (Liquid, Jinja), not an article
    if site_source:
        extracted = _without_templates(extracted)
        page_title = text.strip_templates(page_title).strip()
    meta.update(front)
    in_title = _TITLE_SUFFIX.sub("", page_title).strip()
    title: str | None = extracted.h1 or in_title
    # a page of several level-1 headings (its sections, as some themes write them) is named
    # by its <title> ("Smart home integrations - Relay Docs"), not by the first of them,
    # unless a part of the <title> is one of those headings ("Manual - workflow")
    if len(first_h1s) > 1 and in_title and in_title != page_title:
        parts = {_folded(p) for p in _TITLE_PARTS.split(page_title)}
        title = extracted.h1 if parts & set(first_h1s) else in_title
    if title:
        meta.setdefault("title", title)
    if crumbs:
        path = crumbs[1:] if len(crumbs) > 1 else crumbs
        if path and title and path[-1].strip().lower() == title.lower():
            path = path[:-1]
        if path:
            meta.setdefault("category", " > ".join(path))
    if not extracted.text.strip() and viewer:
        return
    if not extracted.text.strip() and not title:
        yield LoadProblem(
            InputCode.UNREADABLE,
            rel,
            "the page has no article text or title; is it an "
            "HTML page of the help center? Exclude it with `exclude:` if not",
        )
        return
    article, problems = build_article(
        rel=rel,
        meta=meta,
        body=extracted,
        raw=raw,
        body_format="html",
        options=options,
        body_line=body_line,
    )
    yield from problems
    yield article


def _soup(markup: str) -> BeautifulSoup:
    """The parsed page; an XHTML topic (`<?xml ...?>` above `<html>`, as Flare and RoboHelp
    write their sources) is HTML to read, which the parser need not warn about."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(markup, "lxml")


def _without_templates(extracted: Extracted) -> Extracted:
    """The text, headings and link texts of a page's markup less its Liquid tags
    (`{% include note.html %}`, `{{ page.title }}`); link targets keep theirs, which the
    link checks resolve."""

    def strip(value: str) -> str:
        return " ".join(text.strip_templates(value).split())

    plain = "\n".join(line for line in (strip(line) for line in extracted.text.split("\n")) if line)
    headings = tuple(h for h in map(strip, extracted.headings) if h)
    links = tuple(replace(link, text=strip(link.text)) for link in extracted.links)
    h1 = strip(extracted.h1) if extracted.h1 is not None else None
    return replace(
        extracted,
        text=plain,
        headings=headings,
        links=links,
        word_count=text.word_count(plain),
        h1=h1 or None,
    )


# Pages every built site has that are no articles: the not-found page, the search page,
# Sphinx' indexes, the help viewer's helper frames, the lists of pages it generates.
_SITE_PAGES = re.compile(
    r"(?:^|/)(?:404|genindex|py-modindex)(?:\.html?|/index\.html?)$"
    # the search page of the site, of its build folder or of a language: a page about search
    # deeper in the site (`docs/guides/search/index.html`) is an article
    r"|^(?:(?:public|site|build|_site|out|html)/)?(?:[a-z]{2}(?:[-_][a-z]{2,4})?/)?"
    r"search(?:\.html?|/index\.html?)$"
    r"|(?:^|/)access_cookies\.html?$"  # Adobe RoboHelp's cookie frame
    # the further pages of a list (Hugo's `page/2/index.html`, jekyll-paginate's `page2/`)
    r"|(?:^|/)page/?\d+/index\.html?$"
    # a blog's lists of its posts: its front page, archive and authors (Docusaurus)
    r"|(?:^|/)blog/(?:(?:archive|authors)(?:/[^/]+)?/)?index\.html?$"
    r"|(?:^|/)_modules/",  # the program source Sphinx' viewcode shows
    re.I,
)
# A static site's taxonomy, at the root of the site (or of its build folder), of a
# language or of its blog (Docusaurus' `blog/tags/`): the page of each term
# (`tags/billing/index.html`) lists the pages that carry it, as the taxonomy's own page
# (`tags/index.html`) lists the terms; a page `tags/index.html` with no terms below it is
# a page about tags.
_TAXONOMY = re.compile(
    r"^(?P<root>(?:public/|site/|build/)?(?:[a-z]{2}(?:[-_][a-z]{2,4})?/)?(?:blog/)?"
    r"(?:tags?|categories|category)/)"
    r"(?P<term>[^/]+/)?index\.html?$",
    re.I,
)


def _taxonomy_lists(pages: list[str]) -> set[str]:
    """The pages of a static site's taxonomies: its term pages and the taxonomy's page."""
    found = [(p, m) for p in pages if (m := _TAXONOMY.match(p))]
    with_terms = {m["root"].lower() for _, m in found if m["term"]}
    return {p for p, m in found if m["root"].lower() in with_terms}


# The folder a browser saves a page's resources in, beside the page ("Refunds.html" and
# "Refunds_files/"; German "-Dateien", French "_fichiers", Spanish "_archivos", ...): its
# frames and widgets are not articles.
_SAVED_RESOURCES = re.compile(
    r"^(?P<page>.*?)(?:_files|-Dateien|_fichiers|_archivos|_arquivos|_file|-bestanden)/", re.I
)


def _saved_resource(path: str, pages: set[str]) -> bool:
    """Whether a page sits in the resources folder a browser saved beside another page."""
    found = _SAVED_RESOURCES.match(path)
    return found is not None and any(
        f"{found.group('page')}{suffix}".lower() in pages for suffix in (".html", ".htm")
    )


def load(tree: Tree, options: SourceOptions) -> Iterator[Record]:
    pages = [p for p in tree.with_suffix(*SUFFIXES) if not _SITE_PAGES.search(p)]
    listings = _taxonomy_lists(pages)
    pages = [p for p in pages if p not in listings]
    lowered = {p.lower() for p in pages}
    pages = [p for p in pages if not _saved_resource(p, lowered)]
    yield from parse_files(parse, tree, pages, options)


def sniff(tree: Tree) -> float:
    return tree.share(SUFFIXES)


SOURCE = Source(
    name="html",
    description="Folder of HTML pages: title, <meta> tags, <time>, breadcrumbs, article body "
    "without site chrome",
    example='help/billing/refunds.html  (<meta name="author">, <article><h1>Refunds</h1>...)',
    sniff=sniff,
    load=load,
    reads=SUFFIXES,
)
