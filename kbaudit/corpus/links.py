"""How static-site generators address articles: Liquid and Hugo link tags, permalinks, slugs,
redirects and heading anchors.

Jekyll, Hugo, MkDocs and Docusaurus KBs link to articles by their published URL
(`{{ site.baseurl }}/article/reset-password/`, `{{ "/billing/" | relative_url }}`,
`{{< ref "refunds.md" >}}`), not by file. An article's URL comes from its file name (with a
Jekyll date prefix dropped), its folder, or its front matter (`permalink`, `slug`, `url`,
`redirect_from`, `aliases`). This module maps such links back to files.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from kbaudit.model import Article

# The site root a Liquid link starts from: {{ site.baseurl }}, {{site.url}}{{site.baseurl}}
_SITE_ROOT = re.compile(r"^(?:\{\{\s*site\.(?:base_?url|url)\s*\}\}\s*)+", re.I)
# {{ "/x" | relative_url }}, {{ '/x' | absolute_url }}, {{ "/x" | prepend: site.baseurl }}
_URL_FILTER = re.compile(
    r"""^\{\{\s*["']([^"']*)["']\s*\|\s*(?:relative_url|absolute_url|prepend:\s*site\.\w+)"""
    r"""[^}]*\}\}""",
    re.I,
)
# {% link _posts/2020-01-01-x.md %}, {% post_url 2020-01-01-x %}
_LINK_TAG = re.compile(r"^\{%-?\s*(link|post_url)\s+([^\s%]+)\s*-?%\}", re.I)
# {{< ref "x.md" >}}, {{% relref "/docs/x" %}}, {{< ref x >}}
_HUGO_REF = re.compile(r"""^\{\{[<%]\s*(?:rel)?ref\s+["']?([^"'\s>%]+)["']?\s*[>%]\}\}""", re.I)
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")
_DOC_EXT = re.compile(r"\.(?:md|markdown|mdx|html?)$", re.I)
_INDEX = ("index", "_index", "readme")


# A template expression or tag anywhere in a link target, as written or URL-encoded:
# `{{ post.url }}`, `{% link x %}`, `%7B%7B%20post.url%20%7D%7D`; or a target that starts
# with a variable an export left unrendered (Confluence's `$itemRenderedUrl`, `${url}`).
_TEMPLATE = re.compile(r"\{\{|\{%|%7B%7B|%7B%25|^\$\{?[A-Za-z_]", re.I)


def is_template(target: str) -> bool:
    """Whether a link target is (or still holds) template code: the page that writes it is
    a template, and where it points is known only when the site is built."""
    return _TEMPLATE.search(target) is not None


@dataclass(frozen=True)
class SiteLink:
    """A link written with a site generator's tag: where it points, from the site root
    (`site`) or by name (`ref`), and its anchor."""

    path: str
    by_name: bool
    anchor: str


def site_link(target: str) -> SiteLink | None:
    """The link a Liquid or Hugo tag writes, or None for an ordinary link."""
    raw = unquote(target).strip()
    if "{" not in raw:
        return None
    m = _URL_FILTER.match(raw)
    if m:
        return _split(m.group(1) + raw[m.end() :], by_name=False)
    m = _HUGO_REF.match(raw)
    if m:
        return _split(m.group(1) + raw[m.end() :], by_name=True)
    m = _LINK_TAG.match(raw)
    if m:
        return _split(m.group(2) + raw[m.end() :], by_name=m.group(1).lower() == "post_url")
    m = _SITE_ROOT.match(raw)
    if m:
        return _split("/" + raw[m.end() :].lstrip("/"), by_name=False)
    return None


def _split(path: str, *, by_name: bool) -> SiteLink:
    path, _, anchor = path.partition("#")
    return SiteLink(path.split("?", 1)[0], by_name, anchor)


def url_key(path: str) -> str:
    """A published path in one comparable form: no slashes around, no `.html`, no `index`."""
    path = unquote(path).strip().strip("/").lower()
    path = _DOC_EXT.sub("", path)
    parts = [p for p in path.split("/") if p and p != "."]
    if parts and parts[-1] in _INDEX:
        parts.pop()
    return "/".join(parts)


def _as_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(v) for v in value if isinstance(v, str | int)]
    return []


def _stem(path: str) -> str:
    name = posixpath.basename(_DOC_EXT.sub("", path))
    if name.lower() in _INDEX:
        name = posixpath.basename(posixpath.dirname(path))
    return _DATE_PREFIX.sub("", name).lower()


@dataclass
class SiteIndex:
    """Published URLs and names of the articles of one KB."""

    urls: dict[str, str]
    names: dict[str, list[str]]

    def lookup(self, path: str) -> str | None:
        """The article a published path names: by URL first, then (when unique) by its last
        part, the way Jekyll collections and Hugo sections build URLs from file names."""
        key = url_key(path)
        if key in self.urls:
            return self.urls[key]
        name = _DATE_PREFIX.sub("", key.rsplit("/", 1)[-1])
        found = self.names.get(name, [])
        return found[0] if len(found) == 1 else None


def build_site_index(articles: list[Article]) -> SiteIndex:
    urls: dict[str, str] = {}
    names: dict[str, list[str]] = defaultdict(list)
    for article in articles:
        if not article.path:
            continue
        meta = article.meta
        folder = posixpath.dirname(article.path)
        own = [article.path, *_as_list(meta.get("permalink")), *_as_list(meta.get("url"))]
        own += _as_list(meta.get("redirect_from")) + _as_list(meta.get("aliases"))
        # a page's `id` names it in its folder's URL (Docusaurus); a number is a record's id
        ids = [i for i in _as_list(meta.get("id")) if re.fullmatch(r"[\w.-]*[^\W\d_][\w.-]*", i)]
        for slug in _as_list(meta.get("slug")):
            own += [slug, posixpath.join(folder, slug)]
            names[url_key(slug).rsplit("/", 1)[-1]].append(article.path)
        for name in ids:
            own.append(posixpath.join(folder, name))
            if article.path not in names[name.lower()]:
                names[name.lower()].append(article.path)
        if article.url and not re.match(r"(?i)[a-z][a-z0-9+.-]*://", article.url):
            own.append(article.url)
        for value in own:
            urls.setdefault(url_key(value), article.path)
        stem = _stem(article.path)
        if stem and article.path not in names[stem]:
            names[stem].append(article.path)
    for article in articles:  # after every page's own URLs, which win
        collection, _, rest = (article.path or "").partition("/")
        if len(collection) > 1 and collection.startswith("_") and rest:
            # a Jekyll collection's page: published under the collection's name by default
            # (`/:collection/:path`), or from the site root (`permalink: /:path/`)
            for value in (rest, f"{collection[1:]}/{rest}"):
                urls.setdefault(url_key(value), article.path or "")
    return SiteIndex(urls, dict(names))


_NOTE_SUFFIX = re.compile(r"\.(?:md|markdown|mdx)$", re.I)


@dataclass
class NoteIndex:
    """The KB's files by name, lower-cased, with and without a note's suffix: how a wikilink
    (`[[Reset password]]`, `[[Guides/Reset password.md]]`) finds its note wherever it is."""

    names: dict[str, list[str]]

    def lookup(self, name: str, source: str) -> str | None:
        """The file a wikilink from `source` names, case-insensitively. A name with folders
        names the file whose path ends with them; of several files of one name, the one
        nearest the linking note (most folders in common, then fewest folders) is meant: a
        vault per language links within its own folder."""
        key = name.replace("\\", "/").strip().strip("/").lower()
        found = self.names.get(key.rsplit("/", 1)[-1], [])
        if "/" in key:
            found = [p for p in found if _ends_with(p.lower(), key)]
        if not found:
            return None
        folder = source.split("/")[:-1]

        def rank(path: str) -> tuple[int, int, str]:
            parts = path.split("/")[:-1]
            shared = 0
            for a, b in zip(parts, folder, strict=False):
                if a != b:
                    break
                shared += 1
            return -shared, len(parts), path

        return min(found, key=rank)


def _ends_with(path: str, key: str) -> bool:
    return any(p == key or p.endswith("/" + key) for p in (path, _NOTE_SUFFIX.sub("", path)))


def build_note_index(paths: Iterable[str], aliases: dict[str, str] | None = None) -> NoteIndex:
    """The index of the files by name, with each note's aliases (alias -> its path) beside
    them: a note found by its file name wins over another's alias."""
    names: dict[str, list[str]] = defaultdict(list)
    for path in sorted(paths):
        name = posixpath.basename(path).lower()
        names[name].append(path)
        stem = _NOTE_SUFFIX.sub("", name)
        if stem != name:
            names[stem].append(path)
    for alias, path in sorted((aliases or {}).items()):
        key = alias.strip().lower()
        if key and "/" not in key and key not in names:
            names[key] = [path]
    return NoteIndex(dict(names))


def slug_forms(heading: str) -> set[str]:
    """The anchors generators give a heading: GitHub/Jekyll (kramdown), Hugo and MkDocs."""
    text = re.sub(r"\{#([\w:.-]+)\}\s*$", "", heading).strip()
    lowered = unicodedata.normalize("NFKC", text).lower()
    github = re.sub(r"[^\w\- ]", "", lowered).replace(" ", "-")
    collapsed = re.sub(r"-{2,}", "-", github).strip("-")
    underscored = re.sub(r"[\s_]+", "_", re.sub(r"[^\w\s-]", "", lowered)).strip("_")
    return {github, collapsed, underscored, github.replace("_", "")} - {""}


# An id given in an attribute list (`{#faq}`, `{ #faq .wide }`, `{: #faq }`) or in HTML.
_EXPLICIT_ID = re.compile(
    r"""\{:?[ \t]*(?:[^{}\n#]{0,200}?[ \t])?#([\w:.-]+)[^{}\n]{0,200}?\}"""
    r"""|\b(?:id|name)\s*=\s*["']([^"']+)["']"""
    # unquoted, as minified HTML writes it (`<a class=cmnd id=ledpower>`)
    r"""|(?<=\s)(?:id|name)=([^\s"'<>=`]{1,200})(?=[\s>/])"""
)
# A block id ends the paragraph, item or embed it names (`... ^step-2`, `![[a.png]]^step-2`):
# `[[Note#^step-2]]` links to it (Obsidian).
_BLOCK_ID = re.compile(r"(?:^|[ \t\]])\^([A-Za-z0-9-]{1,100})[ \t]*$", re.M)


def anchors(article: Article) -> set[str]:
    """Every anchor an article offers: slugs of its headings (those of the files it includes
    among them), explicit ids, block ids and content tabs. A heading
    repeated in the page gets its slug numbered from its second time on (`setup`,
    `setup-1`; `setup_1` in MkDocs), as GitHub, kramdown and Hugo number them; so does an
    explicit id, as GitBook numbers the ids of its headings."""
    found = slug_forms(article.title) if article.title else set()
    seen: Counter[str] = Counter()
    for heading in article.headings:
        for slug in slug_forms(heading):
            if seen[slug]:
                found |= {f"{slug}-{seen[slug]}", f"{slug}_{seen[slug]}"}
            found.add(slug)
            seen[slug] += 1
    ids: Counter[str] = Counter()
    for m in _EXPLICIT_ID.finditer(article.raw or ""):
        name = (m.group(1) or m.group(2) or m.group(3)).lower()
        if ids[name]:  # GitBook numbers an id given twice (`<a id="setup">` -> `setup-1`)
            found.add(f"{name}-{ids[name]}")
        ids[name] += 1
        found |= {name, unquote(name)}  # `<a name="Add%20Items">` is reached by `#Add%20Items`
    found |= {f"^{m.group(1).lower()}" for m in _BLOCK_ID.finditer(article.raw or "")}
    # content tabs (`=== "Windows"`): `#__tabbed_2_1` is the first tab of the second set, or
    # the label's slug when the site's tabbed extension slugifies labels
    from kbaudit.text import content_tabs  # the markup parsers: only when anchors are judged

    for i, labels in enumerate(content_tabs(article.raw or ""), 1):
        for j, label in enumerate(labels, 1):
            found |= {f"__tabbed_{i}_{j}", *slug_forms(label)}
    return found
