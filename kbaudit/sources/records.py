"""What the record-based sources share (JSON exports, tables): reading JSON files once,
recognising a format by its keys, and turning one record into an article."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from kbaudit import text
from kbaudit.model import InputCode, LoadProblem
from kbaudit.normalize import (
    SourceOptions,
    build_article,
    folder_locale,
    is_locale_folder,
    translated_path,
)
from kbaudit.sources.base import Record, decode, not_text
from kbaudit.sources.notion import strip_id
from kbaudit.sources.tree import DOCUMENT_SUFFIXES, Tree

JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
PEEK_BYTES = 65536
_HTML = re.compile(r"<(p|div|br|h[1-6]|ul|ol|li|a|span|strong|em|b|i|table|img|pre|code)\b", re.I)


def json_paths(tree: Tree) -> list[str]:
    """JSON files of the tree; a lone file of another name counts when its content is JSON."""
    paths = tree.with_suffix(*JSON_SUFFIXES)
    if not paths and len(tree.paths) == 1 and not tree.paths[0].lower().endswith(DOCUMENT_SUFFIXES):
        head = peek(tree, tree.paths[0]).lstrip()
        if head.startswith(("{", "[")):
            paths = list(tree.paths)
    return paths


def peek(tree: Tree, rel: str) -> str:
    """The start of a file as text, for sniffing (also works on truncated JSON)."""
    key = f"peek:{rel}"
    if key not in tree.parsed:
        try:
            tree.parsed[key] = decode(tree.read_bytes(rel)[:PEEK_BYTES], rel)[0]
        except (OSError, KeyError):
            tree.parsed[key] = ""
    return tree.parsed[key]


def read_json(tree: Tree, rel: str) -> tuple[Any, list[LoadProblem]]:
    """A JSON (or JSON Lines) file parsed once per tree; problems instead of exceptions."""
    key = f"json:{rel}"
    if key not in tree.parsed:
        tree.parsed[key] = _parse_json(tree, rel)
    return tree.parsed[key]


def _parse_json(tree: Tree, rel: str) -> tuple[Any, list[LoadProblem]]:
    try:
        data = tree.read_bytes(rel)
    except (OSError, KeyError) as exc:
        return None, [LoadProblem(InputCode.UNREADABLE, rel, f"cannot read the file: {exc}")]
    binary = not_text(data, rel)
    if binary:
        return None, [binary]
    raw, problem = decode(data, rel)
    doc, problems = parse_json_text(raw, rel, rel.lower().endswith((".jsonl", ".ndjson")))
    return doc, ([problem] if problem else []) + problems


def _loads(text: str) -> Any:
    """json.loads, with nesting too deep for Python reported like any other JSON error."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply to read", text, 0) from None


def parse_json_text(raw: str, rel: str, lines: bool) -> tuple[Any, list[LoadProblem]]:
    """A JSON document, or with `lines` the values of a JSON Lines file (bad lines skipped);
    problems instead of exceptions. Article and question readers share it."""
    problems: list[LoadProblem] = []
    if lines:
        values = []
        for number, line in enumerate(raw.splitlines(), 1):
            if not line.strip():
                continue
            try:
                values.append(_loads(line))
            except json.JSONDecodeError as exc:
                problems.append(
                    LoadProblem(
                        InputCode.UNREADABLE,
                        rel,
                        f"line {number} is not valid JSON ({exc.msg} at column {exc.colno}); "
                        "the line is skipped — fix or re-export it",
                        number,
                    )
                )
        return values, problems
    try:
        return _loads(raw), problems
    except json.JSONDecodeError as exc:
        cut = exc.pos >= len(raw.rstrip()) or exc.msg.startswith("Unterminated string")
        hint = "the file looks cut off: export it again" if cut else "fix the file and re-export it"
        what = exc.msg.removesuffix(" at")  # "Unterminated string starting at"
        problems.append(
            LoadProblem(
                InputCode.UNREADABLE,
                rel,
                f"not valid JSON: {what} at line {exc.lineno} column {exc.colno}; {hint}",
                exc.lineno,
            )
        )
        return None, problems


def read_xml_records(tree: Tree, rel: str) -> tuple[list[dict[str, Any]] | None, list[LoadProblem]]:
    """The rows of a ServiceNow XML export (`<unload><kb_knowledge>` records of field
    elements; a reference's name in its `display_value` attribute), parsed once per tree;
    None when the file is another kind of XML. Entities are never expanded, no DTD or
    network is read."""
    key = f"xml:{rel}"
    if key not in tree.parsed:
        tree.parsed[key] = _parse_unload(tree, rel)
    return tree.parsed[key]


def _parse_unload(tree: Tree, rel: str) -> tuple[list[dict[str, Any]] | None, list[LoadProblem]]:
    if "<unload" not in peek(tree, rel)[:4096]:
        return None, []
    from lxml import etree  # type: ignore[import-untyped]

    try:
        data = tree.read_bytes(rel)
    except (OSError, KeyError) as exc:
        return None, [LoadProblem(InputCode.UNREADABLE, rel, f"cannot read the file: {exc}")]
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:  # also entities that would expand too far
        message = f"not valid XML: {exc}; fix the file or export it again"
        return [], [LoadProblem(InputCode.UNREADABLE, rel, message, exc.lineno)]
    if not isinstance(root.tag, str) or root.tag != "unload":
        return None, []
    rows = []
    for record in root:
        if not isinstance(record.tag, str):
            continue
        row: dict[str, Any] = {}
        for field in record:
            if isinstance(field.tag, str):  # its text, less any entity left unexpanded
                value = (field.text or "") + "".join(child.tail or "" for child in field)
                row[field.tag] = _shown(value, field.get("display_value"))
        if row:
            rows.append(row)
    return rows, []


def read_record_xml(tree: Tree, rel: str) -> tuple[str | None, Any, list[LoadProblem]]:
    """(root element, records, problems) of an XML file of records as Rails' `to_xml`
    writes them (a Freshdesk account export: `<solution-categories type="array">` of
    `<solution-category>` elements with `<folders type="array">` ...): an element of child
    elements is a mapping with its names dasherized to underscores, `type="array"` a list,
    `nil="true"` None, `type="integer"` and `type="boolean"` their values. (None, None, [])
    when the file is another kind of XML. Parsed once per tree; entities are never
    expanded, no DTD or network is read."""
    key = f"records-xml:{rel}"
    if key not in tree.parsed:
        tree.parsed[key] = _parse_record_xml(tree, rel)
    return tree.parsed[key]


def _parse_record_xml(tree: Tree, rel: str) -> tuple[str | None, Any, list[LoadProblem]]:
    if 'type="array"' not in peek(tree, rel)[:4096]:
        return None, None, []
    from lxml import etree

    try:
        data = tree.read_bytes(rel)
    except (OSError, KeyError) as exc:
        return None, None, [LoadProblem(InputCode.UNREADABLE, rel, f"cannot read the file: {exc}")]
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        message = f"not valid XML: {exc}; fix the file or export it again"
        return None, None, [LoadProblem(InputCode.UNREADABLE, rel, message, exc.lineno)]
    if not isinstance(root.tag, str):
        return None, None, []
    return root.tag, _xml_value(root, 0), []


def _xml_value(element: Any, depth: int) -> Any:
    children = [c for c in element if isinstance(c.tag, str)]
    kind = element.get("type")
    if depth > 50 or element.get("nil") == "true":
        return None
    if kind == "array":
        return [_xml_value(c, depth + 1) for c in children]
    if children:
        return {c.tag.replace("-", "_"): _xml_value(c, depth + 1) for c in children}
    value = (element.text or "") + "".join(c.tail or "" for c in element)
    if kind == "integer" and value.strip().lstrip("-").isdigit():
        return int(value)
    if kind == "boolean":
        return value.strip().lower() == "true"
    return value


def items(doc: Any, lists: tuple[str, ...] = (), single: tuple[str, ...] = ()) -> list[dict]:
    """The records of a JSON document: a paged object's list (`articles`, `data` ...), a plain
    list, a single wrapped record (`{"article": {...}}`) or a bare record."""
    if isinstance(doc, list):
        return [d for d in doc if isinstance(d, dict)]
    if not isinstance(doc, dict):
        return []
    for key in lists:
        if isinstance(doc.get(key), list):
            return [d for d in doc[key] if isinstance(d, dict)]
    for key in single:
        if isinstance(doc.get(key), dict):
            return [doc[key]]
    return [doc]


def key_score(
    tree: Tree,
    signature: set[str],
    needed: int,
    lists: tuple[str, ...] = (),
    single: tuple[str, ...] = (),
) -> float:
    """How sure we are that the tree's JSON files hold records with these keys: parsed records
    when the file parses, else the keys quoted in its first bytes (a cut-off export)."""
    best = 0.0
    for rel in json_paths(tree)[:8]:
        doc, _ = read_json(tree, rel)
        if doc is not None:
            records = items(doc, lists, single)[:20]
            hits = max((len(signature & set(r)) for r in records), default=0)
        else:
            head = peek(tree, rel)
            hits = sum(1 for k in signature if f'"{k}"' in head)
        if hits >= needed:
            best = max(best, min(1.0, 0.7 + 0.05 * hits))
    return best


# Query results that wrap a table of records: Salesforce CLI (`{"status": 0, "result":
# {"records": [...], "totalSize": N}}`), Salesforce REST and ServiceNow JSONv2 (`{"records":
# [...]}`), ServiceNow Table API (`{"result": [...]}`).
_RECORD_WRAPPERS = (("result", "records"), ("records",), ("result",))


def record_table(doc: Any) -> list[dict[str, Any]] | None:
    """The flattened rows of a query-result document, or None when `doc` is not one."""
    if not isinstance(doc, dict):
        return None
    for keys in _RECORD_WRAPPERS:
        value: Any = doc
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, list) and value and all(isinstance(r, dict) for r in value):
            return [flatten(r) for r in value]
    return None


_SYS_IDS = re.compile(r"^[0-9a-f]{32}(?:,[0-9a-f]{32})*$", re.I)


def _shown(value: Any, display: Any) -> Any:
    """A ServiceNow field exported with its display value too: the stored value (a date in
    the system's `2024-05-01 10:00:00`, a language code, a choice) unless it is a reference
    (a sys_id, or a list of them), which only the display value names."""
    if display in (None, ""):
        return value
    if value in (None, "") or (isinstance(value, str) and _SYS_IDS.match(value)):
        return display
    return value


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """One table row from a query record: related records become `CreatedBy.Name` columns,
    Salesforce `attributes` are dropped, and ServiceNow `{display_value, value}` or
    `{link, value}` pairs (Table API) and `dv_` twins of fields (JSONv2 with
    `displayvalue=all`) become one value: the stored one, or the display value of a
    reference. A sub-query's records become one column per field, their values joined."""
    row: dict[str, Any] = {}
    for key, value in record.items():
        if key == "attributes" and isinstance(value, dict):
            continue
        if key.startswith("dv_") and key[3:] in record:
            continue  # read with its field below
        name = f"{prefix}{key}"
        if f"dv_{key}" in record and not isinstance(value, dict | list):
            row[name] = _shown(value, record[f"dv_{key}"])
        elif isinstance(value, dict):
            if "display_value" in value or ("value" in value and "link" in value):
                row[name] = _shown(value.get("value"), value.get("display_value"))
            elif isinstance(value.get("records"), list) and "totalSize" in value:
                # a Salesforce sub-query (`(SELECT DataCategoryName FROM
                # DataCategorySelections)`): each field of its records, the values joined
                children = [flatten(r) for r in value["records"] if isinstance(r, dict)]
                for field in dict.fromkeys(k for child in children for k in child):
                    found = [str(c[field]) for c in children if c.get(field) not in (None, "")]
                    row[f"{name}.{field}"] = ", ".join(dict.fromkeys(found))
            else:
                row.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            row[name] = ", ".join(str(v) for v in value if not isinstance(v, dict | list))
        else:
            row[name] = value
    return row


def scalars(record: dict[str, Any], drop: Iterable[str] = ()) -> dict[str, Any]:
    """The record's own fields that are plain values (or lists of them), for Article.meta."""
    skip = set(drop)
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key in skip or isinstance(value, dict):
            continue
        if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
            continue
        out[str(key)] = value
    return out


def body_article(
    path: str, meta: dict[str, Any], body: Any, options: SourceOptions
) -> list[Record]:
    """An article from a record whose body is HTML (or plain text / Markdown)."""
    raw = "" if body is None else str(body)
    is_html = bool(_HTML.search(raw))
    extracted = text.html(raw) if is_html else text.markdown(raw)
    article, problems = build_article(
        rel=path,
        meta=meta,
        body=extracted,
        raw=raw,
        body_format="html" if is_html else "markdown",
        options=options,
    )
    return [*problems, article]


def unique(path: str, seen: set[str], suffix: str) -> str:
    """`path`, or `path` + suffix (+ a number) when another record already has it."""
    candidate, n = path, 1
    while candidate in seen:
        candidate = f"{path}{suffix}" if n == 1 else f"{path}{suffix}{n}"
        n += 1
    seen.add(candidate)
    return candidate


_LOCALE_SUFFIX = re.compile(r"[_.-]([a-z]{2}(?:[-_][a-z]{2,4})?)$", re.I)
_NOT_LOCALES = {"id", "v1", "v2", "v3", "db", "js", "ui"}


def file_locale(rel: str) -> str | None:
    """The locale a file name carries (`solution_articles_fr.json`, `articles.pt-br.json`)."""
    stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    m = _LOCALE_SUFFIX.search(stem)
    if m is None or m.group(1).lower() in _NOT_LOCALES or m.start() == 0:
        return None
    return m.group(1).lower().replace("_", "-")


def locale_folder(path: str) -> tuple[int, str] | None:
    """(position, locale) of the first folder of a path named like a locale (`fr`, `pt-BR`)."""
    parts = path.split("/")[:-1]
    at = next((i for i, part in enumerate(parts) if is_locale_folder(part)), None)
    return None if at is None else (at, folder_locale(parts[at]))


_INDEX_PAGE = re.compile(r"^(?:_?index|readme|home|overview)\.[a-z]+$", re.I)


def translated_folders(paths: Iterable[str]) -> bool:
    """Whether the KB files translations by locale folder (`en/billing/refunds.md`,
    `fr/billing/refunds.md`, or `de/billing/refunds.md` beside the default language's
    `billing/refunds.md`, as VitePress and Docusaurus file them): two locale folders or more,
    the default language's files counted as one, that hold the same files (a file named by a
    record id and a slug, `4670334-revit-plugin.md`, by its id), at least half of the smaller
    one's. An index page counts only in a folder of its own below the locale
    (`de/billing/index.md`): folders of an internal KB named `it/` and `hr/` (IT, human
    resources) share an index page at most."""
    holders: dict[str, set[str]] = {}
    sizes: dict[str, int] = {}
    default: set[str] = set()  # files outside any locale folder
    for path in paths:
        found = locale_folder(path)
        if found is None:
            default.add(translated_path(path.split("/")))
            continue
        at, locale = found
        parts = path.split("/")
        sizes[locale] = sizes.get(locale, 0) + 1
        key = translated_path(parts[:at] + parts[at + 1 :])
        if len(parts) - at > 2 or not _INDEX_PAGE.match(parts[-1]):
            holders.setdefault(key, set()).add(locale)
    for key, locales in holders.items():
        if key in default:
            locales.add("")
    if default and any("" in locales for locales in holders.values()):
        sizes[""] = len(default)
    if len(sizes) < 2:
        return False
    shared = sum(1 for locales in holders.values() if len(locales) > 1)
    return shared > 0 and shared * 2 >= min(sizes.values())


def declared_locale_folders(located: Iterable[tuple[str, str | None]]) -> bool:
    """Whether the KB files translations by locale folder as its articles say: two locale
    folders or more whose articles mostly give that folder's language in their own locale
    field (`locale: pt` in `pt/`), whatever the files are called (a slug translated into each
    language names no file alike). `located`: each file's path and locale field."""
    held: Counter[str] = Counter()
    agreeing: Counter[str] = Counter()
    for path, locale in located:
        found = locale_folder(path)
        if found is None:
            continue
        held[found[1]] += 1
        language = (locale or "").casefold().replace("_", "-").split("-")[0]
        agreeing[found[1]] += language == found[1].split("-")[0]
    return sum(2 * agreeing[folder] > n for folder, n in held.items()) >= 2


def folder_categories(
    paths: Iterable[str], locales: dict[str, str | None] | None = None
) -> dict[str, str]:
    """File -> the folder path it lives in below the folders all files share, as a category
    ("Apps & Integrations" from `docs/Apps-&-Integrations/articles.json`); empty when every
    file is in the same folder (the folders then say nothing about categories). Locale
    folders (`en-us/`, `fr/`) that file translations are not topics: they are left out
    (`locales`, each file's own locale field when the export has one, tells them apart too)."""
    paths = list(paths)
    translated = translated_folders(paths) or (
        locales is not None and declared_locale_folders((p, locales.get(p)) for p in paths)
    )
    folders = {
        p: [f for f in p.rsplit("/", 1)[0].split("/") if not (translated and is_locale_folder(f))]
        if "/" in p
        else []
        for p in paths
    }
    if len({tuple(f) for f in folders.values()}) < 2:
        return {}
    common = 0
    parts = list(folders.values())
    while all(len(f) > common for f in parts) and len({f[common] for f in parts}) == 1:
        common += 1
    return {p: " > ".join(deslug(x) for x in f[common:]) for p, f in folders.items() if f[common:]}


# The number a folder's name starts with to sort it (`01-Getting-Started`, `02_Billing`,
# `3. Payments`), as Docusaurus and help authoring projects number them; a year, a name
# that is a number (`2024`, `3D-printing`) or one whose number is a word (`3 Months free`)
# keeps it.
_ORDER_PREFIX = re.compile(r"^\d{1,3}(?:[-_]+|\.\s*)(?=[^\W\d])")


def deslug(name: str) -> str:
    """A folder or file name as words: `Apps-&-Integrations` -> `Apps & Integrations`; a
    Notion export's page id is left out (`Billing 1a2b...9f` -> `Billing`)."""
    name = _ORDER_PREFIX.sub("", strip_id(name))
    if " " in name or not re.search(r"[-_]", name):
        return name
    return re.sub(r"\s+", " ", re.sub(r"[-_]+", " ", name)).strip() or name


def names_by_id(docs: Iterable[dict[str, Any]], name_key: str = "name") -> dict[str, str]:
    return {str(d["id"]): str(d.get(name_key) or "") for d in docs if d.get("id") is not None}


@dataclass(frozen=True)
class ApiPage:
    """Where one page of an API's list sits in that list: its number, how many pages and
    records the list holds, and whether another page follows (each None when not given)."""

    number: int | None
    pages: int | None
    total: int | None
    more: bool


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def api_page(doc: Any) -> ApiPage | None:
    """The paging of a JSON document that is one page of an API's list, None for any other
    document: Zendesk's `{"page", "page_count", "count", "next_page"}` (or a cursor page's
    `meta.has_more`), Intercom's `{"pages": {"page", "total_pages"}, "total_count"}`, Help
    Scout's `{"articles": {"page", "pages", "count", "items"}}`."""
    if not isinstance(doc, dict):
        return None
    inner = [v for v in doc.values() if isinstance(v, dict) and isinstance(v.get("items"), list)]
    if inner and "pages" in inner[0]:  # Help Scout: the paging sits beside the items
        doc = inner[0]
    if isinstance(doc.get("result"), dict) and "done" in doc["result"]:
        doc = doc["result"]  # Salesforce CLI: {"status": 0, "result": {"records": ...}}
    if "done" in doc and isinstance(doc.get("records"), list):  # a Salesforce query result
        more = doc["done"] is False or bool(doc.get("nextRecordsUrl"))
        return ApiPage(None, None, _count(doc.get("totalSize")), more) if more else None
    pages = doc.get("pages") if isinstance(doc.get("pages"), dict) else None
    meta = doc.get("meta") if isinstance(doc.get("meta"), dict) else {}
    if pages is not None:  # Intercom
        number, count = _count(pages.get("page")), _count(pages.get("total_pages"))
        more = bool(pages.get("next"))
        total = _count(doc.get("total_count"))
    else:
        number = _count(doc.get("page"))
        count = _count(doc.get("page_count")) or _count(doc.get("pages"))
        more = bool(doc.get("next_page")) or meta.get("has_more") is True
        more = more and doc.get("end_of_stream") is not True  # an incremental export's end
        total = _count(doc.get("count"))
    if number is None and count is None and not more:
        return None
    return ApiPage(number, count, total, more)


def missing_pages(paged: list[tuple[str, ApiPage, int]], kind: str) -> LoadProblem | None:
    """An INPUT009 problem when the export holds only some pages of the API's list of
    `kind` (`paged`: each page file read, its paging and how many records it held); None
    when every page is there, or nothing tells."""
    if not paged:
        return None
    pages = [page for _, page, _ in paged]
    first = min(paged, key=lambda p: (p[1].number or 0, p[0]))[0]
    read = sum(n for _, _, n in paged)
    count = max((p.pages for p in pages if p.pages), default=None)
    total = max((p.total for p in pages if p.total), default=None)
    numbers = {p.number for p in pages if p.number is not None}
    if total is not None and read >= total:
        return None  # pages merged into one file that kept the first page's paging
    if count is not None and numbers:
        if len(numbers) >= count:
            return None
        held = f"{len(numbers)} of {count} pages"
    elif count is None and total is not None and read < total:
        held = "part"
    elif count is None and all(p.more for p in pages):
        held = f"{len(pages)} page{'s' * (len(pages) != 1)}, the last saying more follow,"
    else:
        return None
    of = f" ({read} of {total} {kind})" if total is not None and read < total else ""
    return LoadProblem(
        InputCode.PARTIAL_EXPORT,
        first,
        f"the export holds {held} of the API's list of {kind}{of}: the {kind} of the other "
        "pages are not audited. Fetch every page (follow `next_page` or the next link until "
        "there is none) into the export's folder and audit the folder",
    )


def latest_copies(
    found: list[tuple[str, dict[str, Any], Any]],
    key: Callable[[dict[str, Any]], Hashable | None],
) -> list[tuple[str, dict[str, Any], Any]]:
    """Each record once, though pages of an API list overlap (a record moved on to the next
    page while the export paged through the list, or a page saved twice): of the copies
    with one key, the one updated last, in the place the first stood. `found` holds
    (file, record, what the reader keeps beside it); records without a key are all kept."""
    kept: list[tuple[str, dict[str, Any], Any]] = []
    where: dict[Hashable, int] = {}
    for item in found:
        k = key(item[1])
        if k is None:
            kept.append(item)
        elif k not in where:
            where[k] = len(kept)
            kept.append(item)
        elif _updated(item[1]) > _updated(kept[where[k]][1]):
            kept[where[k]] = item
    return kept


def _updated(record: dict[str, Any]) -> str:
    value = next(
        (record[k] for k in ("updated_at", "updatedAt", "modified_at") if record.get(k)), ""
    )
    return f"{value:>40}" if isinstance(value, int | float) else str(value)
