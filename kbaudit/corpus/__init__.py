"""The audited KB: articles plus shared indexes built lazily, once, for every check to read."""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

from kbaudit.corpus.links import (
    NoteIndex,
    SiteIndex,
    SiteLink,
    build_note_index,
    build_site_index,
    is_template,
    site_link,
    url_key,
)
from kbaudit.model import Article, Link, LoadProblem, Question
from kbaudit.normalize import PARENT_PAGE, as_list, edition, language_key

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Sequence

    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import TfidfVectorizer

    from kbaudit.cache import Cache
    from kbaudit.corpus.similarity import Boilerplate, TextLines, TextTerms


T = TypeVar("T")
BOILERPLATE_SHARE = 0.02  # a line in more than this share of articles is boilerplate
BOILERPLATE_MIN_ARTICLES = 5

# A help center's article URL names the article by its number; the slug after it and the
# locale before it are cosmetic (Zendesk `/hc/en-us/articles/360001-Title`, Freshdesk
# `/support/solutions/articles/5000123`, Intercom `/en/articles/123-title`).
_ARTICLE_URL = re.compile(
    r"^/(?P<first>[^/]+)/(?:[^?#]*/)?articles/(?P<id>\d+)(?:-[^/?#]*|\.json)?/?$"
)
# A file that is not a page (a picture, a download, a slide deck, a design file): links to
# it are not judged, since exports leave attachments out. Named one by one, so that a domain
# written without its scheme ("bonus.ly") is still a broken link.
_ASSET_SUFFIXES = {
    "pictures": "png jpe?g gif svg webp ico bmp tiff? heic avif eps ai psd sketch fig xd ase aseprite",
    "documents": "pdf docx? xlsx? pptx? odt ods odp rtf epub csv tsv txt json ya?ml xml ics vcf",
    "media": "mp[34] m4[av] mov avi mkv webm wav ogg flac",
    "archives": "zip rar 7z tar gz tgz bz2 xz",
    "software": "exe msi dmg pkg apk ipa deb rpm unitypackage css js",
    "models": "fbx obj blend stl dwg dxf vsdx? pbix",
}
_ASSET = re.compile(r"\.(?:" + "|".join(" ".join(_ASSET_SUFFIXES.values()).split()) + r")$", re.I)
_DOC_SUFFIXES = (".md", ".markdown", ".mdx", ".html", ".htm")
_BUILT_PAGE = re.compile(r"\.html?$", re.I)
# The file that stands for its folder: `_index.md` (Hugo; `_index.fr.md` in one language),
# `index.md`, `README.md` (GitBook, GitHub), `index.html`.
INDEX_PAGE = re.compile(
    r"(?:^|/)(?:_?index|readme)(?:\.[a-z]{2}(?:[-_][a-z]{2,4})?)?\.(?:md|markdown|mdx|html?)$", re.I
)


def _page_address(path: str) -> str | None:
    """The folder a page is published as when the site gives each page a folder of its own
    (`user/posting.md` at `user/posting/`), or None for a folder's own page (published at
    its folder's address already) and for a file that is not a page."""
    if INDEX_PAGE.search(path) or not path.lower().endswith(_DOC_SUFFIXES):
        return None
    return posixpath.splitext(path)[0]


# words under which a page titled as its category is the category's landing page
LANDING_WORDS = 50


def _names_its_category(article: Article) -> bool:
    """Whether an article is its category's own page: titled as the category's last level
    (a page titled Widgets in Phones > Widgets) and short, a line of introduction above the
    list of its articles. A page of that title that answers something at length is an
    article with a title that names no subject (QUAL004)."""
    last = (article.category or "").casefold().rsplit(" > ", 1)[-1]
    named = bool(last) and last == article.title.strip().casefold()
    return named and article.word_count < LANDING_WORDS


def _publishes_its_folder(article: Article) -> bool:
    """Whether a page is its folder's page though not named index: its permalink is the
    folder's address (`billing/billing-index.md` at `/billing/` or `/billing/index.html`),
    or its file is named after the folder (Docusaurus' `billing/billing.md`, the page of
    the category that folder makes)."""
    folder = posixpath.dirname(article.path or "").casefold()
    stem = posixpath.splitext(posixpath.basename(article.path or ""))[0].casefold()
    if folder and stem == posixpath.basename(folder):
        return True
    permalink = article.meta.get("permalink")
    if not isinstance(permalink, str) or not permalink.strip("/ "):
        return False
    key = url_key(permalink)
    return bool(key) and (folder == key or folder.endswith("/" + key))


def _file_name_form(term: str) -> str:
    """A category term as a file name writes it: `Import Export` and `import_export` are
    `import-export`."""
    return re.sub(r"[\s_-]+", "-", term.strip().casefold()).strip("-")


def _article_number(target: str, hosts: frozenset[str], firsts: frozenset[str]) -> str | None:
    """The article number of a link to one of these help-center hosts (or a site-absolute
    path with the same first segment), else None."""
    parts = urlsplit(target)
    if parts.netloc and (
        parts.scheme not in ("http", "https") or parts.netloc.lower() not in hosts
    ):
        return None
    m = _ARTICLE_URL.match(unquote(parts.path))
    if m is None or m.group("first") not in firsts:
        return None
    return m.group("id")


# A ServiceNow knowledge article: its number, the pages that show one by number or sys_id
# (the classic kb_view.do, the record form, Service Portal pages such as sp?id=kb_article),
# and the query keys that name it.
_KB_NUMBER = re.compile(r"KB\d{7,}", re.I)
_KB_PAGES = {"kb_view.do", "kb_article.do", "kb_knowledge.do"}
_KB_PORTAL_PAGES = {"kb_article", "kb_article_view"}
_KB_KEYS = ("sys_kb_id", "sysparm_article", "sys_id", "number")


def _kb_record(target: str) -> str | None:
    """The number (upper case) or sys_id (lower case) a link to a ServiceNow knowledge
    article names, else None."""
    if "kb" not in target.lower():
        return None
    parts = urlsplit(target)
    query = dict(parse_qsl(parts.query))
    page = parts.path.rstrip("/").rsplit("/", 1)[-1].lower()
    if page not in _KB_PAGES and query.get("id", "").lower() not in _KB_PORTAL_PAGES:
        return None
    for key in _KB_KEYS:
        value = query.get(key, "").strip()
        if _KB_NUMBER.fullmatch(value):
            return value.upper()
        if re.fullmatch(r"[0-9a-f]{32}", value, re.I):
            return value.lower()
    return None


@dataclass(frozen=True)
class BrokenLink:
    article: Article
    link: Link
    resolved: str


@dataclass
class Corpus:
    """Everything a check may read. Indexes are cached properties: built on first use only."""

    articles: list[Article]
    root: str = "."
    format: str = "markdown"
    problems: list[LoadProblem] = field(default_factory=list)
    files: frozenset[str] = frozenset()
    questions: list[Question] | None = None
    base_url: str | None = None
    jobs: int = 1  # worker processes for per-text steps (0: all cores)
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)
    # The incremental cache (kbaudit.cache.Cache) per-text inputs of the similarity indexes
    # are kept in across runs; None: computed every time.
    store: Cache | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.articles)

    @cached_property
    def by_path(self) -> dict[str, Article]:
        return {a.path: a for a in self.articles if a.path}

    @cached_property
    def by_id(self) -> dict[str, Article]:
        return {a.id: a for a in self.articles}

    @cached_property
    def languages(self) -> list[str]:
        """Each article's language (`fr` of `fr-CA`, see `language_key`), an article of none
        taking the KB's most common one, as the topics do: checks that compare articles of
        one language only (topics are clustered per language; each language's team names
        its own tags)."""
        found = [language_key(a.locale) for a in self.articles]
        main = Counter(x for x in found if x).most_common(1)
        return [x or (main[0][0] if main else "") for x in found]

    @cached_property
    def top_folders(self) -> frozenset[str]:
        return frozenset(p.split("/")[0] for p in (self.files or self.by_path) if "/" in p)

    @cached_property
    def named_domains(self) -> Counter[str]:
        """Registrable domains (`routewise.io`, `bbc.co.uk`) by the number of articles whose
        source names them in a URL or an email address: the company's own and the products
        it documents are named across the KB, a customer's by the one article it leaked in.
        Reused from the incremental cache while every article stays the same."""
        from kbaudit.text import named_domains

        def build() -> Counter[str]:
            found: Counter[str] = Counter()
            for article in self.articles:
                found.update(named_domains(article.raw or article.text))
            return found

        return self.whole("named-domains", self.state(), build)

    @cached_property
    def section_pages(self) -> frozenset[str]:
        """Refs of articles other articles are filed under: their category path followed by
        their title is (a prefix of) another article's category, as a Confluence parent page
        is in its children's breadcrumbs; or the index file of a folder holding other
        articles (Hugo's `_index.md`, a GitBook or GitHub `README.md`, `index.md`); or a page
        the export's page tree gives children its category path leaves out (a Confluence
        space's home page: see `PARENT_PAGE`); or a page without a category whose file is
        named after a category of other articles (Jekyll's `_categories/billing.md` for the
        articles filed under `billing`); or a page titled as the last level of the category
        it shares with other articles, or published at its folder's address (a permalink
        `/widgets/` for `widgets/widgets-index.md`). Such a page may hold nothing but its
        children. Reused from the incremental cache while every article stays the same."""
        return self.whole("section-pages", self.state(), self._section_pages)

    def _section_pages(self) -> frozenset[str]:
        nodes: set[str] = set()
        lasts: set[str] = set()  # the categories' last terms
        folders: set[str] = set()  # every folder above an article's file
        for category in {a.category or "" for a in self.articles}:
            parts = category.casefold().split(" > ")
            nodes.update(" > ".join(parts[:depth]) for depth in range(1, len(parts) + 1))
            lasts.add(parts[-1])
        named = {_file_name_form(term) for term in lasts}  # as a file would name them
        for article in self.articles:
            if article.path:
                # an index page is its folder's page: it is inside the folder above (a built
                # site's `install/index.html` makes its product folder hold an article)
                folder = posixpath.dirname(article.path)
                if INDEX_PAGE.search(article.path) is not None:
                    if not folder:
                        continue
                    folder = posixpath.dirname(folder)
                while folder not in folders:
                    folders.add(folder)
                    folder = posixpath.dirname(folder)
        nodes.discard("")
        named.discard("")

        filed = Counter((a.category or "").casefold() for a in self.articles)
        held: Counter[str] = Counter()  # folder -> the article files anywhere below it
        for path in {a.path for a in self.articles if a.path}:
            folder = posixpath.dirname(path)
            while folder:
                held[folder] += 1
                folder = posixpath.dirname(folder)

        def parent(a: Article) -> bool:
            if a.meta.get(PARENT_PAGE) is True:  # set by a reader, not a front-matter value
                return True
            if a.path and (m := INDEX_PAGE.search(a.path)):
                return a.path[: m.start()].rstrip("/") in folders
            if _names_its_category(a) and filed[(a.category or "").casefold()] > 1:
                return True  # the page of its own category (`sub_category: Widgets`)
            if a.path and _publishes_its_folder(a):
                return held[posixpath.dirname(a.path)] > 1  # another file below its folder
            if a.path and not a.category:
                stem = posixpath.splitext(posixpath.basename(a.path))[0]
                if _file_name_form(stem) in named:
                    return True
            return (
                bool(a.title)
                and " > ".join(p for p in (a.category, a.title) if p).casefold() in nodes
            )

        return frozenset(a.ref for a in self.articles if parent(a))

    @cached_property
    def meta_key_counts(self) -> Counter[str]:
        """How many articles use each front-matter/metadata key."""
        counts: Counter[str] = Counter()
        for article in self.articles:
            counts.update(article.meta.keys())
        return counts

    @property
    def site_index(self) -> SiteIndex:
        """Published URLs, permalinks, slugs and redirects of the articles (static sites)."""
        return self.memo(("site-index",), lambda: build_site_index(self.articles))

    @property
    def note_index(self) -> NoteIndex:
        """The KB's files by name, and its notes by the other names they give themselves
        (`aliases:`): where wikilinks point."""

        def build() -> NoteIndex:
            aliases = {
                name: a.path
                for a in self.articles
                if a.path
                for name in as_list(a.meta.get("aliases") or a.meta.get("alias"))
            }
            return build_note_index(self.files or self.by_path, aliases)

        return self.memo(("note-index",), build)

    @cached_property
    def wikilinks_judged(self) -> bool:
        """Whether a wikilink that names no file of the KB is a broken link: the KB links by
        wikilinks, most of them finding their note. Where they do not, `[[1, 2]]` is text."""
        found = total = 0
        for article in self.articles:
            for link in article.links:
                name = link.target.partition("#")[0].strip()
                if link.by_name and name and not _ASSET.search(name):
                    total += 1
                    found += self.note_index.lookup(name, article.path or "") is not None
        return 2 * found >= total

    def _resolve_wikilink(self, article: Article, target: str) -> str | None:
        """The file a wikilink names (`[[Note]]`, `[[Folder/Note.md#Heading]]`); the note
        itself for `[[#Heading]]`; None for an attachment; when no file has the name, the
        note it would create, if wikilinks are judged here."""
        name = target.partition("#")[0].strip()
        if not name:
            return article.path
        if _ASSET.search(name):
            return None
        found = self.note_index.lookup(name, article.path or "")
        if found is not None or not self.wikilinks_judged:
            return found
        name = name.replace("\\", "/").strip("/")
        return name if name.lower().endswith(_DOC_SUFFIXES) else f"{name}.md"

    @cached_property
    def article_url_ids(self) -> tuple[frozenset[str], frozenset[str], dict[str, str], bool]:
        """Hosts and first path segments of the articles' own help-center URLs, article
        number -> the article's path, and whether a link to a number no article has is
        judged; empty unless most articles with a URL have one that names them by number
        (a help center's export, not a docs site). When most such links name articles the
        export lacks, it is a part of the help center (one section, one brand): the missing
        targets are elsewhere, so they are not judged."""
        hosts: Counter[str] = Counter()
        firsts: set[str] = set()
        ids: dict[str, str] = {}
        with_url = 0
        for a in self.articles:
            if not a.url or not a.path:
                continue
            with_url += 1
            parts = urlsplit(a.url)
            m = _ARTICLE_URL.match(parts.path)
            if m is None:
                continue
            hosts[parts.netloc.lower()] += 1
            firsts.add(m.group("first"))
            ids.setdefault(m.group("id"), a.path)
        if not with_url:  # no URLs: the help center's own links may name the articles
            hosts, firsts, ids = self._hosts_named_by_links()
        if not ids or 2 * sum(hosts.values()) < with_url:
            return frozenset(), frozenset(), {}, False
        found = frozenset(hosts), frozenset(firsts)
        named = [
            number
            for a in self.articles
            for link in a.links
            if (number := _article_number(link.target, *found)) is not None
        ]
        missing = sum(number not in ids for number in named)
        return *found, ids, 2 * missing <= len(named)

    def _hosts_named_by_links(self) -> tuple[Counter[str], set[str], dict[str, str]]:
        """For articles that carry their help-center number (`id: 360001`) but no URL, as
        a help center kept in a repository does: the hosts and first path segments of the
        article URLs its links use (`https://help.example.com/hc/en-us/articles/360001-x`),
        where most such links name an article of the export by its number."""
        ids = {str(a.id): a.path for a in self.articles if a.path and str(a.id).isdigit()}
        if not ids:
            return Counter(), set(), {}
        total: Counter[tuple[str, str]] = Counter()
        named: Counter[tuple[str, str]] = Counter()
        for a in self.articles:
            for link in a.links:
                parts = urlsplit(link.target)
                if parts.scheme not in ("http", "https") or not parts.netloc:
                    continue
                m = _ARTICLE_URL.match(unquote(parts.path))
                if m is None:
                    continue
                key = (parts.netloc.lower(), m.group("first"))
                total[key] += 1
                named[key] += m.group("id") in ids
        kept = [key for key in total if 2 * named[key] > total[key]]
        if not kept:
            return Counter(), set(), {}
        return Counter(host for host, _ in kept), {first for _, first in kept}, ids

    @cached_property
    def record_link_ids(self) -> tuple[dict[str, str], bool]:
        """ServiceNow article number and sys_id -> the article's path, and whether a link
        to a record no article is judged: when most such links name an article of the
        export (else the export is part of a larger knowledge base)."""
        ids: dict[str, str] = {}
        for a in self.articles:
            if a.path and _KB_NUMBER.fullmatch(str(a.id)):
                ids[str(a.id).upper()] = a.path
                if a.meta.get("sys_id"):
                    ids[str(a.meta["sys_id"]).lower()] = a.path
        if not ids:
            return {}, False
        named = [r for a in self.articles for link in a.links if (r := _kb_record(link.target))]
        found = sum(r in ids for r in named)
        return ids, 2 * found >= len(named)

    def _resolve_by_record(self, target: str) -> str | None:
        """A link to a ServiceNow knowledge article by number or sys_id (`kb_view.do?
        sys_kb_id=...`, `sp?id=kb_article_view&sysparm_article=KB0010001`): the article, or
        the link's record when no article is it (a broken link); None for any other link."""
        record = _kb_record(target)
        if record is None:
            return None
        ids, judge_missing = self.record_link_ids
        if record in ids:
            return ids[record]
        return f"kb_knowledge/{record}" if judge_missing else None

    def _resolve_by_article_id(self, target: str) -> str | None:
        """A link to this help center's article URL: the article with that number, or the
        URL's path when no article has it (a broken link); None for any other link."""
        hosts, firsts, ids, judge_missing = self.article_url_ids
        if not ids:
            return None
        number = _article_number(target, hosts, firsts)
        if number is None:
            return None
        if number in ids:
            return ids[number]
        return urlsplit(target).path.strip("/") if judge_missing else None

    def resolve_link(self, article: Article, link: Link) -> str | None:
        """Where an internal link points, as a KB-relative path; None when not judgeable
        (external, in-page, an asset, or a site-absolute URL outside this export). Links
        written with Liquid or Hugo tags and published URLs (permalinks, slugs, redirects)
        resolve to the articles they name; any other template code in a target (a loop's
        `{{ post.url }}`) is not judgeable."""
        from kbaudit.text import is_internal, link_path  # bs4 only when links are resolved

        target = link.target
        if link.by_name:
            return self._resolve_wikilink(article, target)
        site = site_link(target)
        if site is not None:
            if is_template(site.path):  # {{ site.baseurl }}{{ post.url }}: a loop's link
                return None
            return self._resolve_site_link(article, site)
        if is_template(target):  # {{ post.url }}, {{ tag | slugify }}: known once built
            return None
        by_id = self._resolve_by_article_id(target) or self._resolve_by_record(target)
        if by_id is not None:
            return by_id
        if self.base_url and target.startswith(self.base_url):
            target = "/" + target[len(self.base_url) :].lstrip("/")
        if not is_internal(target):
            return None
        path = link_path(target).replace("\\", "/")
        if not path or _ASSET.search(path):
            return None
        if path.startswith("@site/"):  # Docusaurus: from the folder of the page's site
            from kbaudit.sources.docusaurus import site_of

            folder = site_of(article.path or "", self._docusaurus_sites) or ""
            return posixpath.normpath(posixpath.join(folder, path.removeprefix("@site/")))
        if path.startswith("/"):
            # Site-absolute: often a published URL of another docs set. Judged only when it
            # resolves, or names a document file inside a top folder of this export.
            resolved = posixpath.normpath(path.lstrip("/"))
            if self.link_exists(resolved):
                return resolved
            in_site = self._docusaurus_target(article, path)
            if in_site is not None:
                return in_site
            published = self.site_index.lookup(resolved)
            if published is not None:
                return published
            in_export = resolved.split("/")[0] in self.top_folders
            if not (in_export and resolved.lower().endswith(_DOC_SUFFIXES)):
                return None
        else:
            base = posixpath.dirname(article.path or "")
            resolved = posixpath.normpath(posixpath.join(base, path))
            if self.link_exists(resolved):
                return resolved
            if resolved.startswith("../") and not self._missing_outside(resolved):
                return None  # a page beside the audited folder (`../feedback/...`)
            if not resolved.lower().endswith(_DOC_SUFFIXES):
                if self._generated_index(article, resolved):
                    return None  # built by the site from its sidebar: not judgeable
                # a pretty URL relative to the page (`../reset-password/`), not a file: from
                # the page's own address (`user/posting/` for `user/posting.md`) when the
                # site publishes each page as a folder
                published = _page_address(article.path or "")
                if published is not None:
                    from_page = posixpath.normpath(posixpath.join(published, path))
                    if self.link_exists(from_page):
                        return from_page
                return self.site_index.lookup(resolved) or resolved
            if _BUILT_PAGE.search(resolved) and not _BUILT_PAGE.search(article.path or ""):
                # a source page's link to a built page (`what-is-a-role.html`): the site's
                # address of an article, which may live in another folder than the link says
                published = self.site_index.lookup(resolved)
                if published is not None:
                    return published
            if not path.startswith(("./", "../")):
                return self._docusaurus_target(article, path) or resolved
        return resolved

    def _missing_outside(self, resolved: str) -> bool:
        """Whether a link out of the audited folder names a file that is not on disk: only
        a folder's neighbours can be looked at (a zip's cannot: not judged)."""
        root = Path(self.root)
        if not root.is_dir():
            return False
        try:
            return not (root / resolved).exists()
        except OSError:
            return False

    @cached_property
    def _docusaurus_sites(self) -> list[str]:
        """The folders of the KB that hold a Docusaurus site's config."""
        from kbaudit.sources.docusaurus import site_folders

        return site_folders(self.files)

    def _generated_index(self, article: Article, resolved: str) -> bool:
        """Whether a Docusaurus page's relative link names a category page the site builds
        from its sidebar (`category/user-guides`, a generated index; or a folder described
        by a `_category_` file), which no file holds."""
        from kbaudit.sources.docusaurus import content_root

        root = content_root(article.path or "", self._docusaurus_sites)
        if root is not None and resolved.startswith(f"{root}/category/"):
            return True
        # a folder whose `_category_` file makes it a page (`link: {type: generated-index}`)
        return any(f"{resolved}/_category_.{ext}" in self.files for ext in ("json", "yml", "yaml"))

    def _docusaurus_target(self, article: Article, path: str) -> str | None:
        """The file a Docusaurus page's Markdown link names when it is not relative to the
        page: Docusaurus looks for `x.md` and `/x.md` in the page's content folder, then in
        the site folder (`versioned_docs/version-2.x/setup.md` from any page of the site)."""
        if not article.path or not path.lower().endswith((".md", ".mdx")):
            return None
        from kbaudit.sources.docusaurus import link_folders

        for folder in link_folders(article.path, self._docusaurus_sites):
            candidate = posixpath.normpath(posixpath.join(folder, path.lstrip("/")))
            if self.link_exists(candidate):
                return candidate
        return None

    def _resolve_site_link(self, article: Article, site: SiteLink) -> str | None:
        if not site.path:
            return article.path  # an anchor on the page itself
        if _ASSET.search(site.path) or not site.path.strip("/"):
            return None  # a file the site serves, or its home page (`{{ site.baseurl }}/`)
        path = site.path.replace("\\", "/")
        candidates = [posixpath.normpath(path.lstrip("/"))]
        if site.by_name:
            # Hugo's ref: from the page's folder, then from the content folder (a language's
            # `content/en/` too): each folder above the page, nearest first
            base = posixpath.dirname(article.path or "")
            above = []
            while base:
                above.append(posixpath.normpath(posixpath.join(base, path.lstrip("/"))))
                base = posixpath.dirname(base)
            candidates[:0] = above[1:] if path.startswith("/") else above
        candidates += [f"content/{c}" for c in candidates]
        found = self._site_target(path, candidates)
        if found is not None:
            return found
        if site.by_name or candidates[0].split("/")[0] in self._site_prefixes:
            return candidates[0]
        # a page of the site outside this export (`{{ site.baseurl }}/hosting/` from a
        # collection audited alone): its first part names no folder or URL of the export
        return None

    def _site_target(self, path: str, candidates: list[str]) -> str | None:
        for candidate in candidates:
            if self.link_exists(candidate):
                return candidate
        return self.site_index.lookup(path)

    @cached_property
    def _site_prefixes(self) -> frozenset[str]:
        """First parts of this export's published paths: its top folders (a Jekyll
        collection's `_guides` publishes under `guides` or `guide`), and the first part of
        every site link that reaches an article (`article` of `/article/refunds/`)."""
        reached = set(self.top_folders)
        for folder in self.top_folders:
            if folder.startswith("_") and len(folder) > 1:
                reached |= {folder[1:], folder[1:].removesuffix("s")}
        for article in self.articles:
            for link in article.links:
                site = site_link(link.target)
                if site is None or site.by_name or not site.path or is_template(site.path):
                    continue
                first = posixpath.normpath(site.path.replace("\\", "/").lstrip("/"))
                top = first.split("/")[0]
                if top not in reached and self._site_target(site.path, [first, f"content/{first}"]):
                    reached.add(top)
        return frozenset(reached)

    def target_article(self, resolved: str) -> Article | None:
        """The article at a resolved link target (a file, its folder index or a URL)."""
        known = self.by_path
        for candidate in (resolved, *self._file_candidates(resolved)):
            if candidate in known:
                return known[candidate]
        found = self._by_lower_path.get(resolved.lower())
        return known.get(found) if found else None

    @staticmethod
    def _file_candidates(resolved: str) -> list[str]:
        stem = resolved.rstrip("/")
        candidates = [stem + s for s in _DOC_SUFFIXES]
        if _BUILT_PAGE.search(stem):  # `x.html`: the page a generator builds from `x.md`
            candidates += [_BUILT_PAGE.sub(s, stem) for s in _DOC_SUFFIXES[:3]]
        candidates += [f"{stem}/index{s}" for s in _DOC_SUFFIXES]
        candidates += [f"{stem}/_index.md", f"{stem}/README.md"]
        return candidates

    @property
    def _by_lower_path(self) -> dict[str, str]:
        """Lower-cased file paths (and their extension-less forms) -> the file: published
        docs URLs are case-insensitive, so `../Installation/x.md` reaches `installation/x.md`."""

        def build() -> dict[str, str]:
            index: dict[str, str] = {}
            for path in self.files or frozenset(self.by_path):
                index.setdefault(path.lower(), path)
            return index

        return self.memo(("lower-paths",), build)

    def link_exists(self, resolved: str) -> bool:
        known = self.files or frozenset(self.by_path)
        if resolved in known or resolved in self.by_path:
            return True
        candidates = self._file_candidates(resolved)
        if any(c in known for c in candidates):
            return True
        lower = self._by_lower_path
        return any(c.lower() in lower for c in (resolved, *candidates))

    @cached_property
    def link_graph(self) -> dict[str, list[str]]:
        """Article ref -> KB-relative targets of its internal links that resolve."""
        graph: dict[str, list[str]] = defaultdict(list)
        for article in self.articles:
            for link in article.links:
                resolved = self.resolve_link(article, link)
                if resolved is not None and self.link_exists(resolved):
                    graph[article.ref].append(resolved)
        return dict(graph)

    @cached_property
    def inbound_links(self) -> Counter[str]:
        """How many articles link to each path: a signal for choosing canonical articles."""
        counts: Counter[str] = Counter()
        for targets in self.link_graph.values():
            counts.update(set(targets))
        return counts

    @cached_property
    def broken_links(self) -> list[BrokenLink]:
        broken = []
        for article in self.articles:
            if article.path is None:
                continue
            for link in article.links:
                resolved = self.resolve_link(article, link)
                if resolved is not None and not self.link_exists(resolved):
                    broken.append(BrokenLink(article, link, resolved))
        return broken

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """An index that depends on settings (a threshold, a share), built once per setting."""
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]

    def text_lines(self) -> list[TextLines]:
        """Per article, the line hashes and body hash of its text (cached per text)."""
        from kbaudit.corpus.similarity import text_lines

        def build() -> list[TextLines]:
            texts = [a.text for a in self.articles]
            found, _ = self._stored(
                "text-lines", [b""] * len(texts), lambda i: text_lines(texts[i])
            )
            return found

        return self.memo(("text-lines",), build)

    def boilerplate(
        self,
        share: float = BOILERPLATE_SHARE,
        min_articles: int = BOILERPLATE_MIN_ARTICLES,
    ) -> Boilerplate:
        """Lines found in more than `share` of the articles (footers, legal lines)."""
        from kbaudit.corpus.similarity import find_boilerplate

        return self.memo(
            ("boilerplate", share, min_articles),
            lambda: find_boilerplate(self.text_lines(), share, min_articles),
        )

    def clean_terms(
        self,
        share: float = BOILERPLATE_SHARE,
        min_articles: int = BOILERPLATE_MIN_ARTICLES,
    ) -> list[TextTerms]:
        """Per article, the counted terms of its text without boilerplate lines (cached per
        text and the boilerplate lines it holds: a footer that becomes, or stops being,
        boilerplate changes the entries of the articles carrying it, and no other)."""
        from kbaudit.corpus.similarity import strip_boilerplate, text_terms

        def build() -> list[TextTerms]:
            found = self.boilerplate(share, min_articles)
            lines = self.text_lines()
            texts = [a.text for a in self.articles]
            present = [p.tobytes() for p in found.present(lines)]
            terms, keys = self._stored(
                "text-terms",
                present,
                lambda i: text_terms(strip_boilerplate(texts[i], lines[i], found)),
            )
            self.cache[("clean-terms-keys", share, min_articles)] = keys
            return terms

        return self.memo(("clean-terms", share, min_articles), build)

    def passage_words(self, size: int, share: float, min_articles: int) -> list[list[str]]:
        """Per article, the words it has only inside passages of `size` words repeated in
        more than `share` of the articles (and more than `min_articles`): disclaimers,
        warnings, bylines (`similarity.words_only_in`). Each text's run hashes are cached
        per text, its words per text and the shared runs it holds: an edit recomputes the
        edited articles and those whose shared runs changed, and no other."""
        import numpy as np

        from kbaudit.corpus.similarity import shared_runs, text_runs, words_only_in

        def build() -> list[list[str]]:
            texts = [a.text for a in self.articles]
            none = [b""] * len(texts)
            # Kept as bytes: 50,000 small arrays load from the cache four times faster so.
            found_runs, _ = self._stored(
                f"text-runs-{size}", none, lambda i: text_runs(texts[i], size).tobytes()
            )
            runs = [np.frombuffer(r, dtype=np.uint64) for r in found_runs]
            held = shared_runs(runs, max(min_articles, share * len(texts)))
            found, _ = self._stored(
                f"passage-words-{size}",
                [h.tobytes() for h in held],
                lambda i: words_only_in(texts[i], held[i], size),
            )
            return found

        return self.memo(("passage-words", size, share, min_articles), build)

    def _stored(
        self, step: str, salts: list[bytes], compute: Callable[[int], T]
    ) -> tuple[list[T], list[str] | None]:
        """compute(i) for the text of each article i, taken from the incremental cache where
        it holds the same text (and salt: what else the value depends on) for this step and
        version; with the cache keys (None without a cache)."""
        if self.store is None or not self.store.enabled:
            return _computed(compute, list(range(len(self.articles))), self.jobs), None
        from kbaudit.cache import Shelves, entry_key, fingerprint, sklearn_version

        namespace = fingerprint(step, sklearn_version())  # stop words come with sklearn
        keys = [
            entry_key(namespace, "", text + b"\0" + salt)
            for text, salt in zip(self._text_digests(), salts, strict=True)
        ]
        items = [(a.ref, k) for a, k in zip(self.articles, keys, strict=True)]
        shelves = Shelves(self.store, namespace, self.root, items)
        found = shelves.get()
        missing = [i for i, k in enumerate(keys) if k not in found]
        computed = dict(zip(missing, _computed(compute, missing, self.jobs), strict=True))
        shelves.put({keys[i]: v for i, v in computed.items()})
        return [computed[i] if i in computed else found[k] for i, k in enumerate(keys)], keys

    def _text_digests(self) -> list[bytes]:
        """A hash of each article's text, for the keys of the per-text steps (hashed once,
        not once per step)."""

        def build() -> list[bytes]:
            return [
                hashlib.blake2b(a.text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
                for a in self.articles
            ]

        return self.memo(("text-digests",), build)

    def whole(self, step: str, inputs: bytes | None, compute: Callable[[], T]) -> T:
        """compute(), or its result from the incremental cache when a run of this version
        had the same `inputs` (a complete description of what it reads; None: not cached)."""
        if inputs is None or self.store is None or not self.store.enabled:
            return compute()
        from kbaudit.cache import entry_key, fingerprint

        key = entry_key(fingerprint(step), "", inputs)
        found = self.store.get_many([key])
        if key in found:
            return found[key]
        value = compute()
        self.store.put_many({key: value})
        return value

    def _last_run(self, step: str, *settings: object) -> str:
        """The cache key of what the last run of a step on this KB, with these settings,
        left for the next run to take from: one entry per KB, step and settings, keyed as
        `Shelves` are (by the KB's folder) and rewritten by each run that computes the step."""
        from kbaudit.cache import entry_key, fingerprint

        return entry_key(
            fingerprint("last-run", step, str(Path(self.root).resolve()), *settings), "", b""
        )

    def recall(
        self, step: str, inputs: Sequence[str], compute: Callable[[int], T], *settings: object
    ) -> list[T]:
        """compute(i) for each of the `inputs` (with the `settings`, a complete description
        of what compute(i) reads), the values the last run of this step on this KB computed
        taken back for the inputs it had too. One cache entry holds them, by a hash of their
        input, rewritten with this run's values alone: for a function of two articles (their
        conflicting facts), only the pairs with an edited side are computed again."""
        if self.store is None or not self.store.enabled:
            return [compute(i) for i in range(len(inputs))]
        key = self._last_run(step, *settings)
        digests = [
            hashlib.blake2b(x.encode("utf-8", "surrogatepass"), digest_size=16).digest()
            for x in inputs
        ]
        held = self.store.get_many([key]).get(key)
        if not isinstance(held, dict):
            held = {}
        values = [held[d] if d in held else compute(i) for i, d in enumerate(digests)]
        if held.keys() != set(digests):  # a value computed, or one of a pair gone
            self.store.put_many({key: dict(zip(digests, values, strict=True))})
        return values

    def digests(self) -> list[bytes]:
        """Each article's digest (`cache.article_digest`: every field), computed once."""
        from kbaudit.cache import article_digest

        return self.memo(("digests",), lambda: [article_digest(a) for a in self.articles])

    def state(self, *settings: object) -> bytes | None:
        """For `whole`: a complete description of what a corpus-wide step can read (every
        article in every field, in order, and what links resolve against: the KB's files,
        its base URL and format) with the `settings` it is run with; None without a cache,
        where nothing is reused (and no article is hashed for it)."""
        if self.store is None or not self.store.enabled:
            return None

        def build() -> bytes:
            digest = hashlib.blake2b(b"".join(self.digests()), digest_size=32)
            where = repr((self.format, self.base_url, sorted(self.files)))
            digest.update(where.encode("utf-8", "surrogatepass"))
            return digest.digest()

        described = repr(settings).encode("utf-8", "surrogatepass")
        return self.memo(("state",), build) + b"\0" + described

    def text_keys(
        self,
        share: float = BOILERPLATE_SHARE,
        min_articles: int = BOILERPLATE_MIN_ARTICLES,
    ) -> bytes | None:
        """What the clean texts of every article are, as their incremental-cache keys (each
        names the text and the boilerplate lines it holds), for a step that reads them and
        wants its result reused while they stay the same (`whole`); None without a cache."""
        self.clean_terms(share, min_articles)
        keys = self.cache.get(("clean-terms-keys", share, min_articles))
        return None if keys is None else "\0".join(keys).encode()

    def tfidf(
        self,
        share: float = BOILERPLATE_SHARE,
        min_articles: int = BOILERPLATE_MIN_ARTICLES,
    ) -> tuple[TfidfVectorizer, csr_matrix]:
        """The TF-IDF matrix of the clean texts (one row per article), built once."""
        from kbaudit.cache import sklearn_version
        from kbaudit.corpus.similarity import tfidf_of_terms

        def build() -> tuple[TfidfVectorizer, csr_matrix]:
            inputs = self.state(share, min_articles, sklearn_version())
            fit = lambda: tfidf_of_terms(self.clean_terms(share, min_articles))  # noqa: E731
            return self.whole("tfidf", inputs, fit)

        return self.memo(("tfidf", share, min_articles), build)

    def cosine_rows(
        self,
        share: float = BOILERPLATE_SHARE,
        min_articles: int = BOILERPLATE_MIN_ARTICLES,
    ) -> csr_matrix:
        """The TF-IDF matrix with each row's terms in column order, which cosines of two
        articles are computed from (`similarity.cosine_of_pairs`), built once."""
        from kbaudit.corpus.similarity import in_column_order

        return self.memo(
            ("cosine-rows", share, min_articles),
            lambda: in_column_order(self.tfidf(share, min_articles)[1]),
        )

    def exact_duplicates(
        self,
        min_words: int,
        share: float = BOILERPLATE_SHARE,
        min_articles: int = BOILERPLATE_MIN_ARTICLES,
    ) -> list[list[int]]:
        """Groups of article indexes with the same normalised body, per edition. Like near
        duplicates, a body of fewer than `min_words` words once its boilerplate lines are
        left out is not compared: pages of one template left blank (its headings and a
        notice every page carries) are empty pages, not copies of one answer."""
        from kbaudit.corpus.similarity import exact_groups

        def build() -> list[list[int]]:
            clean = self.clean_terms(share, min_articles)
            groups = exact_groups(self.articles, min_words, self.text_lines())
            kept = [[i for i in group if clean[i].words >= min_words] for group in groups]
            return [group for group in kept if len(group) > 1]

        return self.memo(("exact", min_words, share, min_articles), build)

    def shingles(
        self,
        min_words: int,
        share: float = BOILERPLATE_SHARE,
        min_articles: int = BOILERPLATE_MIN_ARTICLES,
    ) -> list[Any]:
        """Word-shingle hashes of the clean texts (empty under `min_words` words)."""
        from kbaudit.corpus.similarity import text_shingles

        return self.memo(
            ("shingles", min_words, share, min_articles),
            lambda: text_shingles(self.clean_terms(share, min_articles), min_words),
        )

    def near_duplicates(
        self,
        threshold: float,
        min_words: int,
        share: float = BOILERPLATE_SHARE,
        min_articles: int = BOILERPLATE_MIN_ARTICLES,
    ) -> dict[tuple[int, int], float]:
        """Pairs (i < j) of articles of one edition (locale and version) whose clean texts
        (at least `min_words` words) have a TF-IDF cosine >= threshold.

        With the incremental cache, the pairs are read back while every clean text, edition
        and setting is the same. When some changed, the last search of this KB with the same
        settings gives the scores of pairs whose two rows hold what they held then (the same
        numbers to the last bit: see `similarity.score_pairs`), and only pairs with a side
        edited, added or reweighted by a changed IDF are scored."""
        from kbaudit.corpus.similarity import LastSearch, row_digests, score_pairs, scoring_versions

        locale = [edition(a) for a in self.articles]

        def build() -> dict[tuple[int, int], float]:
            matrix = self.cosine_rows(share, min_articles)
            shingles = self.shingles(min_words, share, min_articles)
            if self.store is None or not self.store.enabled:
                return score_pairs(matrix, shingles, threshold, self.jobs, locale).as_dict()
            settings = (threshold, min_words, share, min_articles, scoring_versions())
            key = self._last_run("near-pairs", *settings)
            vocabulary = self.tfidf(share, min_articles)[0].get_feature_names_out()
            digests = row_digests(matrix, vocabulary)
            last = self.store.get_many([key]).get(key)
            earlier = last.matched(digests) if isinstance(last, LastSearch) else None
            found = score_pairs(matrix, shingles, threshold, self.jobs, locale, earlier)
            self.store.put_many({key: LastSearch(digests, found)})
            return found.as_dict()

        def stored() -> dict[tuple[int, int], float]:
            # The pairs are a function of every article's clean terms (their cache keys
            # say which), the locales and the settings: unchanged, they are read back.
            texts = self.text_keys(share, min_articles)
            inputs = None
            if texts is not None:
                inputs = texts + b"\0" + repr((threshold, min_words, locale)).encode()
            return self.whole("near-pairs", inputs, build)

        return self.memo(("near", threshold, min_words, share, min_articles), stored)

    def title_duplicates(self, threshold: float) -> dict[tuple[int, int], float]:
        """Pairs (i < j) of articles of one edition with matching titles (0-1 score)."""
        from kbaudit.corpus.similarity import title_pairs

        def stored() -> dict[tuple[int, int], float]:
            titles = [(a.title, edition(a)) for a in self.articles]
            inputs = repr((threshold, titles)).encode("utf-8", "surrogatepass")
            return self.whole("title-pairs", inputs, lambda: title_pairs(self.articles, threshold))

        return self.memo(("titles", threshold), stored)


# Set in the parent just before its worker processes fork (inherited, never pickled).
_task: Callable[[int], Any] | None = None
_TASK_CHUNK = 256


def _run_chunk(indexes: list[int]) -> list[Any]:
    assert _task is not None
    return [_task(i) for i in indexes]


def _computed(compute: Callable[[int], T], indexes: list[int], jobs: int) -> list[T]:
    """compute(i) for each index, in order; on all cores (`jobs` 0) when there are many (per-
    text steps are pure functions of one text, so the values are the same either way)."""
    from kbaudit.sources.parallel import process_pool, workers

    n = workers(jobs, len(indexes))
    if n == 1:
        return [compute(i) for i in indexes]
    global _task
    _task = compute
    chunks = [indexes[i : i + _TASK_CHUNK] for i in range(0, len(indexes), _TASK_CHUNK)]
    try:
        with process_pool(n) as pool:
            return [value for part in pool.map(_run_chunk, chunks) for value in part]
    finally:
        _task = None
