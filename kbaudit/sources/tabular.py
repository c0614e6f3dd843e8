"""Tables of articles (CSV, TSV, JSON Lines, and JSON query results such as Salesforce CLI
`{"result": {"records": [...]}}` or ServiceNow JSONv2 `{"records": [...]}`): one row per
article. Columns are found through the config's `mapping:` {article field: column}, a preset
(Salesforce Knowledge, ServiceNow kb_knowledge; recognised from the header row) or the usual
field names. Bodies may be HTML; a preset table without a body column is read with empty
bodies (each one a QUAL001 finding) rather than refused."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from kbaudit.errors import ConfigError, SourceError
from kbaudit.model import Article, InputCode, LoadProblem
from kbaudit.normalize import (
    ALIASES,
    CATEGORY_ID_ONLY,
    SEARCH_KEYWORDS,
    SUMMARY_ONLY,
    TRANSLATION_OF,
    SourceOptions,
    is_record_id,
    known_keys,
)
from kbaudit.sources.base import Record, Source, decode, not_text, totals_row
from kbaudit.sources.records import (
    api_page,
    body_article,
    json_paths,
    missing_pages,
    peek,
    read_json,
    read_xml_records,
    record_table,
    unique,
)
from kbaudit.sources.tree import Tree

SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson")
JSON_TABLES = (".jsonl", ".ndjson", ".json")
FIELDS = (
    "id",
    "title",
    "body",
    "updated_at",
    "created_at",
    "review_at",
    "category",
    "tags",
    "owner",
    "status",
    "outdated",
    "locale",
    "url",
)
BODY_COLUMNS = ("body", "content", "text", "html", "article_body", "answer", "description")
DELIMITERS = (",", ";", "\t", "|")
MAX_FIELD = 64 * 1024 * 1024


@dataclass(frozen=True)
class Preset:
    """A known table layout: candidate columns per article field (first present wins)."""

    name: str
    label: str
    columns: dict[str, tuple[str, ...]]
    signature: tuple[frozenset[str], ...]  # the preset applies when any of these ⊆ header
    status: dict[str, str] = field(default_factory=dict)
    category_prefixes: tuple[str, ...] = ()
    url: str | None = None  # pattern joined to base_url, with {id} and {url_name}
    translations: bool = False  # rows of one article in several languages share its id
    # columns that name the category when the category field holds only a record id, as a
    # path (ServiceNow's topic and category choices beside a kb_category sys_id)
    category_names: tuple[str, ...] = ()


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "salesforce",
            "Salesforce Knowledge",
            {
                "id": ("articlenumber", "knowledgearticleid", "id"),
                "title": ("title",),
                "body": (
                    "answer__c",
                    "body__c",
                    "article_body__c",
                    "details__c",
                    "content__c",
                    "solution__c",
                    "description__c",
                    # the same fields by their labels, in a report exported as CSV
                    "answer",
                    "article_body",
                    "body",
                    "details",
                    "content",
                    "solution",
                    "resolution",
                    "summary",
                ),
                "updated_at": ("lastpublisheddate", "lastmodifieddate"),
                "created_at": ("firstpublisheddate", "createddate"),
                "owner": (
                    "owner.name",
                    "ownername",
                    "createdby.name",
                    "createdby",
                    "lastmodifiedby.name",
                    "lastmodifiedby",
                    "ownerid",
                    "createdbyid",
                ),
                "status": ("publishstatus", "publicationstatus"),
                "locale": ("language",),
                "category": ("datacategoryname", "datacategory"),
            },
            (
                frozenset({"articlenumber", "urlname"}),
                # a Knowledge report exported as CSV: column labels, not API names
                frozenset({"articlenumber", "title", "lastmodifieddate"}),
                frozenset({"articlenumber", "title", "datacategory"}),
                frozenset({"articlenumber", "title", "articletype"}),
                frozenset({"knowledgearticleid", "publishstatus"}),
                frozenset({"knowledgearticleid", "title"}),
                # records of `sf data export tree` or a query of a few fields: a Knowledge
                # article version is titled and has a URL name
                frozenset({"title", "urlname"}),
            ),
            {"online": "published", "draft": "draft", "archived": "archived"},
            ("datacategorygroup.", "datacategory.", "datacategoryselections.datacategoryname"),
            "/s/article/{url_name}",
            True,
        ),
        Preset(
            "servicenow",
            "ServiceNow kb_knowledge",
            {
                "id": ("number", "sys_id"),
                "title": ("short_description",),
                "body": ("text", "article_body", "wiki"),
                "updated_at": ("sys_updated_on", "updated"),
                "created_at": ("sys_created_on", "created", "published"),
                "review_at": ("valid_to",),
                "category": ("kb_category", "category"),
                "owner": ("author", "ownership_group", "sys_created_by"),
                "status": ("workflow_state", "workflow"),
                "tags": ("meta", "keywords"),
                "locale": ("language",),
            },
            (
                frozenset({"number", "short_description", "text"}),
                frozenset({"number", "short_description", "kb_category"}),
                frozenset({"number", "short_description", "workflow_state"}),
                frozenset({"number", "short_description", "sys_id"}),
                # a list exported with its column labels (Excel, then saved as CSV)
                frozenset({"number", "short_description", "article_body"}),
                frozenset({"number", "short_description", "workflow"}),
                frozenset({"number", "short_description", "knowledge_base"}),
            ),
            {
                "published": "published",
                "draft": "draft",
                "review": "draft",
                "scheduled_for_publish": "draft",
                "pending_retirement": "archived",
                "retired": "archived",
                "outdated": "outdated",
            },
            (),
            "/kb_view.do?sysparm_article={id}",
            category_names=("topic", "category"),
        ),
        # Guru's card export (its API client's CSV): a card's boards and tags joined by
        # ", ", the verifier (a person or a group) answers for the card's accuracy
        Preset(
            "guru",
            "Guru cards",
            {
                "id": ("id",),
                "title": ("title",),
                "body": ("content",),
                "updated_at": ("last_modified",),
                "created_at": ("date_created",),
                "owner": ("verifier", "created_by", "last_modified_by"),
                "tags": ("tags",),
                "category": ("collection",),
                "url": ("link",),
            },
            (
                frozenset({"title", "content", "verifier"}),
                frozenset({"title", "content", "trust_state"}),
                frozenset({"title", "content", "last_verified"}),
            ),
            category_prefixes=("boards", "folders"),
        ),
    )
}


# What help-desk and spreadsheet exports add around a usual column name: `Article Title`,
# `KB Body`, `Category Name`, `Last Updated Date`.
_PREFIX = re.compile(r"^(?:article|kb|knowledge|page|faq)_(?=.)")
_SUFFIX = re.compile(r"(?<=.)_(?:name|date|text)$")


# A Salesforce org's own rich-text field that holds the article (when none of the preset's
# usual names is there): `Resolution__c`, `Article_Content__c`, `Steps__c`, ...
_BODY_FIELD = re.compile(
    r"(?:answer|body|content|details|solution|resolution|description|text|article|information"
    r"|instructions|steps|procedure)[a-z0-9_]*__c$"
)


# Columns whose values are search keywords, not tags (normalize.SEARCH_KEYWORDS).
_KEYWORD_COLUMNS = {"meta", "keywords", "meta_keywords", "search_keywords"}


def _key(column: str) -> str:
    return re.sub(r"\s+", "_", column.strip().casefold())


def _keys(header: list[str]) -> dict[str, str]:
    """Key -> column of a header row: each column by its key and, for column labels
    ("Article Number", "Last Modified Date", as a report exported as CSV names them), by
    the API name they label (`articlenumber`, `lastmodifieddate`)."""
    by_key = {_key(c): c for c in header}
    for key, column in list(by_key.items()):
        if "_" in key and not key.endswith("__c"):
            by_key.setdefault(key.replace("_", ""), column)
    return by_key


def detect_preset(header: list[str]) -> Preset | None:
    """The preset whose signature columns are all in the header row."""
    keys = set(_keys(header))
    for preset in PRESETS.values():
        if any(sig <= keys for sig in preset.signature):
            return preset
    return None


def check_mapping(mapping: dict[str, str]) -> None:
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise ConfigError(
            f"`mapping:` names unknown article field(s) {', '.join(unknown)}; "
            f"map any of {', '.join(FIELDS)} to a column"
        )


@dataclass
class Columns:
    """Which columns hold each article field in one table (the first non-empty one wins)."""

    fields: dict[str, list[str]]
    categories: list[str]
    preset: Preset | None
    summary: str | None = None  # the body is this summary column: the export has no body
    # Other columns named as a known field in another case ("Draft"): kept under that name.
    renamed: dict[str, str] = field(default_factory=dict)
    # Without a preset, a Category column and a Section (or Folder) column below it.
    levels: tuple[str, str] | None = None
    # A known system's list export without a body column (ServiceNow's number and
    # short_description): each article is only its title.
    bodiless: bool = False


def resolve_columns(header: list[str], rel: str, options: SourceOptions) -> Columns:
    """Columns for each field: the config's mapping, then the preset, then the usual names.
    A mapped column missing from the header, or no body column at all, is one clear error."""
    check_mapping(options.mapping)
    by_key = _keys(header)
    listed = ", ".join(header) or "(none)"
    if options.preset:
        preset = PRESETS.get(options.preset.casefold())
        if preset is None:
            raise ConfigError(f"unknown preset {options.preset!r}; use one of {', '.join(PRESETS)}")
    else:
        preset = detect_preset(header)
    fields: dict[str, list[str]] = {}
    categories: list[str] = []
    if preset is not None:
        for name, candidates in preset.columns.items():
            found = [by_key[c] for c in candidates if c in by_key]
            if found:
                fields[name] = found
        custom = [c for c in header if _BODY_FIELD.search(_key(c))]  # Resolution__c, ...
        if (
            preset.name == "salesforce"
            and custom
            and not set(fields.get("body", [])) - {by_key.get("summary")}
        ):
            fields["body"] = [*custom, *fields.get("body", [])]
        categories = [c for c in header if _key(c).startswith(preset.category_prefixes or ("\0",))]
    else:  # the usual names (and the config's `fields:`), whatever their case
        usual = dict(by_key)
        for key, column in by_key.items():  # "Article Title", "Category Name", "Updated Date"
            for loose in (_PREFIX.sub("", key), _SUFFIX.sub("", key)):
                usual.setdefault(loose, column)
            usual.setdefault(_SUFFIX.sub("", _PREFIX.sub("", key)) or key, column)
        for name in FIELDS:
            keys = BODY_COLUMNS if name == "body" else options.keys_for(name)
            found = list(dict.fromkeys(usual[_key(k)] for k in keys if _key(k) in usual))
            if found:
                fields[name] = found[:1] if name == "body" else found
    for name, column in options.mapping.items():
        mapped = column if column in header else by_key.get(_key(str(column)))
        if mapped is None:
            raise SourceError(
                f"{rel}: `mapping: {{{name}: {column}}}` names a column that is not in the "
                f"header; the columns are: {listed}"
            )
        fields[name] = [mapped]
    if "body" not in fields and (preset is None or "title" not in fields):
        raise SourceError(
            f"{rel}: no body column among {listed}; map one in the config with "
            "`mapping: {body: COLUMN}` (or set `preset:`)"
        )
    summary = by_key.get("summary")
    only = summary is not None and fields.get("body") == [summary] and "body" not in options.mapping
    taken = {c for columns in fields.values() for c in columns}
    known = known_keys(options)
    renamed = {c: _key(c) for c in header if c not in taken and _key(c) != c and _key(c) in known}
    levels = None
    if preset is None and "category" not in options.mapping:
        by_level = {
            _SUFFIX.sub("", _PREFIX.sub("", _key(c))): c for c in fields.get("category", [])
        }
        parent = by_level.get("category") or by_level.get("categories")
        child = by_level.get("section") or by_level.get("folder")
        levels = (parent, child) if parent and child else None
    bodiless = "body" not in fields
    return Columns(fields, categories, preset, summary if only else None, renamed, levels, bodiless)


_LINE_END = re.compile(r"\r\n?|\n")
_FLAGS = frozenset({"true", "false", "yes", "no"})


def _delimiter(first_line: str, rel: str) -> str:
    """The delimiter that splits the header row into the most columns."""
    default = "\t" if rel.lower().endswith(".tsv") else ","
    counts = {d: len(next(csv.reader([first_line], delimiter=d), [])) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], d == default))
    return best if counts[best] > counts[default] else default


_PREAMBLE_LINES = 20


def _cells(line: str) -> int:
    """The most non-empty cells any delimiter splits a line into."""
    return max(
        sum(1 for c in next(csv.reader([line], delimiter=d), []) if c.strip()) for d in DELIMITERS
    )


def _table_start(raw: str) -> tuple[int, int]:
    """(character offset, line number) of the header row. A report exported as CSV
    (Salesforce, spreadsheet reports) opens with its title, filters and blank lines, each one
    cell at most, before the table; a plain table starts on its first line."""
    offset = 0
    for number, line in enumerate(_LINE_END.split(raw, maxsplit=_PREAMBLE_LINES)[:-1]):
        if _cells(line) >= 2:
            return (offset, number) if number else (0, 0)
        offset = raw.index(line, offset) + len(line)
        offset += 2 if raw.startswith("\r\n", offset) else 1
    return 0, 0


def _footer(row: list[str], after_blank: bool) -> bool:
    """A report's footer or totals, not an article: the totals row, or a line of one cell
    after a blank line (Salesforce's "Copyright ...", "Generated By: ...")."""
    if totals_row(row):
        return True
    return after_blank and sum(1 for c in row if c.strip()) <= 1


def _rows(tree: Tree, rel: str) -> Iterator[tuple[int, dict[str, Any]] | LoadProblem | list[str]]:
    """The header (a list) then (line, row) pairs of one table; problems for unreadable parts."""
    if rel.lower().endswith((*JSON_TABLES, ".xml")):
        if rel.lower().endswith(".xml"):
            rows, problems = read_xml_records(tree, rel)
            if not rows:  # not read: its problems say why
                yield from problems
                return
            table: list[dict[str, Any]] | None = rows
            doc = None
        else:
            doc, problems = read_json(tree, rel)
            table = record_table(doc)
        yield from problems
        records = table if table is not None else [r for r in doc or [] if isinstance(r, dict)]
        yield list(dict.fromkeys(k for r in records for k in r))
        yield from enumerate(records, 1)
        return
    try:
        data = tree.read_bytes(rel)
    except (OSError, KeyError) as exc:
        yield LoadProblem(InputCode.UNREADABLE, rel, f"cannot read the file: {exc}")
        return
    binary = not_text(data, rel)
    if binary:
        yield binary
        return
    raw, problem = decode(data, rel)
    if problem:
        yield problem
    raw = raw.lstrip("\ufeff")
    start, skipped = _table_start(raw)
    first = _LINE_END.split(raw[start:], maxsplit=1)[0]  # as csv ends lines
    delimiter = _delimiter(first, rel)
    reader = csv.reader(io.StringIO(raw[start:], newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader, [])]
        if len(header) < 2:
            raise SourceError(
                f"{rel}: the header row has one column ({first[:80]!r}); kbaudit tried the "
                "delimiters , ; tab and |. Save the table as CSV or TSV with a header row"
            )
        yield header
        after_blank = False
        for row in reader:
            if not any(cell.strip() for cell in row):
                after_blank = True
                continue
            if _footer(row, after_blank):
                continue
            yield skipped + reader.line_num, dict(zip(header, row, strict=False))
    except csv.Error as exc:
        yield LoadProblem(
            InputCode.UNREADABLE,
            rel,
            f"table cannot be read past line {reader.line_num}: {exc}; fix the quoting there",
            reader.line_num,
        )


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes", "y")


def _selections(header: list[str]) -> tuple[str, str] | None:
    """The (parent id, category name) columns of a Salesforce data category selection table
    (`Knowledge__DataCategorySelection`: ParentId, DataCategoryGroupName, DataCategoryName),
    exported beside the articles it files; None for any other table."""
    by_key = {_key(c): c for c in header}
    if "parentid" in by_key and "datacategoryname" in by_key and not _has_body(by_key):
        return by_key["parentid"], by_key["datacategoryname"]
    return None


def _has_body(by_key: dict[str, str]) -> bool:
    return any(k in by_key for k in BODY_COLUMNS) or any(
        c in by_key for p in PRESETS.values() for c in p.columns.get("body", ())
    )


def load(tree: Tree, options: SourceOptions) -> Iterator[Record]:
    check_mapping(options.mapping)
    csv.field_size_limit(MAX_FIELD)  # article bodies are far longer than csv's default cap
    seen: set[str] = set()
    # The same records exported twice (articles.json beside articles.csv) are read once.
    read: dict[tuple[str, str], str] = {}
    categories: dict[str, str] = {}  # article (version) id -> data category, from selections
    tables = yield from _data_categories(tree, table_paths(tree), categories)
    skipped: list[tuple[str, SourceError]] = []
    later: list[Article] = []
    filed: dict[str, str | None] = {}
    for rel in tables:
        columns: Columns | None = None
        summaries = 0
        for item in _rows(tree, rel):
            if isinstance(item, LoadProblem):
                yield item
            elif isinstance(item, list):
                try:
                    columns = resolve_columns(item, rel, options)
                except SourceError as exc:
                    if len(tables) < 2:
                        raise
                    skipped.append((rel, exc))  # a side table (users, categories) of the export
                    break
            elif columns is not None:
                for record in _row_article(rel, *item, columns, seen, options, categories):
                    if isinstance(record, LoadProblem):
                        yield record
                        continue
                    key = (record.id, record.locale or "")
                    if read.setdefault(key, rel) != rel:
                        continue
                    if categories and record.category is None and TRANSLATION_OF in record.meta:
                        later.append(record)  # filed with its master version, read below
                    else:
                        filed.setdefault(record.id, record.category)
                        yield record
                    summaries += columns.summary is not None or columns.bodiless
        if columns is not None and summaries and (columns.summary or columns.bodiless):
            yield _summary_only(rel, columns.summary, summaries)
    paged = [
        (rel, page, len(record_table(doc) or []))
        for rel in tables
        if rel.lower().endswith(".json")
        and (page := api_page(doc := read_json(tree, rel)[0])) is not None
    ]
    if problem := missing_pages(paged, "records"):
        yield problem
    for record in later:  # Salesforce translations share their master's data categories
        category = filed.get(str(record.meta[TRANSLATION_OF]))
        yield replace(record, category=category) if category else record
    if skipped and not read:  # no table of the export holds articles
        raise skipped[0][1]
    for side, error in skipped:
        message = str(error).removeprefix(f"{side}: ")
        yield LoadProblem(InputCode.UNREADABLE, side, f"not read as articles: {message}")


def _summary_only(rel: str, column: str | None, count: int) -> LoadProblem:
    read = f"read from the {column!r} column, a summary" if column else "hold only a title"
    return LoadProblem(
        InputCode.SUMMARY_ONLY,
        rel,
        f"no article body in this export: {count} article{'s' * (count != 1)} {read}; "
        "export the body field as well (in Salesforce Knowledge, the rich-text field of the "
        "article type, such as Answer__c or Details__c; in ServiceNow, the `text` column of "
        "kb_knowledge) or name it with `mapping: {body: COLUMN}`. Until then thin or empty "
        "bodies (QUAL001, QUAL002) are not reported for these articles",
    )


def _data_categories(
    tree: Tree, paths: list[str], categories: dict[str, str]
) -> Generator[LoadProblem, None, list[str]]:
    """Read the data category selection tables among `paths` into `categories` (article id
    -> category name); returns the other tables, those that may hold articles."""
    tables: list[str] = []
    for rel in paths:
        header = _header(tree, rel)
        picked = _selections(header) if header else None
        if picked is None:
            tables.append(rel)
            continue
        for item in _rows(tree, rel):
            if isinstance(item, LoadProblem):
                yield item
            elif isinstance(item, tuple):
                parent, name = (str(item[1].get(c) or "").strip() for c in picked)
                if parent and name:
                    categories.setdefault(parent, name)
    return tables


def _header(tree: Tree, rel: str) -> list[str]:
    """The header row of a table, from its first bytes (JSON tables: their parsed keys)."""
    if rel.lower().endswith((*JSON_TABLES, ".xml")):
        for item in _rows(tree, rel):
            return item if isinstance(item, list) else []
        return []
    head = peek(tree, rel).lstrip("\ufeff")
    first = _LINE_END.split(head[_table_start(head)[0] :], maxsplit=1)[0]
    return [h.strip() for h in next(csv.reader([first], delimiter=_delimiter(first, rel)), [])]


def table_paths(tree: Tree) -> list[str]:
    """The tables of the tree: CSV, TSV, JSON Lines, and JSON files holding query results
    (JSON query results first: they keep related records such as `CreatedBy.Name`)."""
    results = [p for p in json_paths(tree) if record_table(read_json(tree, p)[0]) is not None]
    results += _unloads(tree)
    return [*results, *(p for p in tree.with_suffix(*SUFFIXES) if p not in results)]


def _unloads(tree: Tree) -> list[str]:
    """The ServiceNow XML exports of the tree (other XML files, such as a sitemap, are not)."""
    return [p for p in tree.with_suffix(".xml") if read_xml_records(tree, p)[0] is not None]


def _row_article(
    rel: str,
    line: int,
    row: dict[str, Any],
    columns: Columns,
    seen: set[str],
    options: SourceOptions,
    selections: dict[str, str] | None = None,
) -> list[Record]:
    if "IsLatestVersion" in row and not _truthy(row["IsLatestVersion"]):
        return []
    # Mapped columns are kept under the field's usual name; the other columns as they are.
    mapped = {c for candidates in columns.fields.values() for c in candidates}
    meta = {
        columns.renamed.get(k, k): v
        for k, v in row.items()
        if k and k not in mapped and v not in (None, "")
    }
    values = {
        name: next((row[c] for c in candidates if row.get(c) not in (None, "")), None)
        for name, candidates in columns.fields.items()
    }
    for name in ("created_at", "updated_at"):  # "Published: false" is a flag, not a date
        given = values.get(name)
        if isinstance(given, str) and given.strip().lower() in _FLAGS:
            column = next(c for c in columns.fields[name] if row.get(c) == given)
            meta[_key(column)] = values.pop(name)
    body = values.pop("body", None)
    meta.update({ALIASES[name][0]: v for name, v in values.items() if v is not None})
    for column in columns.fields.get("id", [])[1:]:  # the record's other ids: links use them
        if row.get(column) not in (None, ""):
            meta.setdefault(_key(column), row[column])
    tagged = next((c for c in columns.fields.get("tags", ()) if row.get(c) not in (None, "")), "")
    if _key(tagged) in _KEYWORD_COLUMNS:  # ServiceNow's meta: words for the search to match
        meta[SEARCH_KEYWORDS] = True
    preset = columns.preset
    if columns.levels is not None:  # Zendesk's Category > Section, Freshdesk's Category > Folder
        named = [str(row.get(c) or "").strip() for c in columns.levels]
        if all(named) and named[0].casefold() != named[1].casefold():
            meta["category"] = " > ".join(named)
    if columns.categories:
        picked = [
            re.split(r"[+,]", str(row[c]))[0].strip() for c in columns.categories if row.get(c)
        ]
        if picked:
            meta["category"] = picked[0]
    if selections and not meta.get("category"):  # filed by a data category selection table
        ids = (v for k, v in row.items() if _key(k) in ("id", "knowledgearticleid") and v)
        meta["category"] = next((selections[str(v)] for v in ids if str(v) in selections), None)
    if is_record_id(meta.get("category")):  # a ServiceNow sys_id, not a category name
        by_key = {_key(k): str(v).strip() for k, v in row.items() if k and v not in (None, "")}
        columns_named = preset.category_names if preset else ()
        named = [by_key[c] for c in columns_named if by_key.get(c) and not is_record_id(by_key[c])]
        if named:
            meta["category"] = " > ".join(dict.fromkeys(named))
        else:
            meta[CATEGORY_ID_ONLY] = True
    if columns.summary is not None or columns.bodiless:
        meta[SUMMARY_ONLY] = True
    if preset is not None and preset.translations:
        _mark_translation(row, meta)
    if preset is not None and meta.get("status") is not None:
        meta["status"] = preset.status.get(_key(str(meta["status"])), meta["status"])
    if preset is not None and preset.url and options.base_url and "url" not in meta:
        url_name = next((v for k, v in row.items() if _key(k) == "urlname"), "")
        meta["url"] = options.base_url.rstrip("/") + preset.url.format(
            id=meta.get("id", ""), url_name=url_name
        )
    if not body and not meta.get("title"):
        return [
            LoadProblem(
                InputCode.UNREADABLE, rel, f"row at line {line} has no title and no body", line
            )
        ]
    path = unique(f"{rel}#{meta.get('id') or f'row{line}'}", seen, f"@row{line}")
    return body_article(path, meta, body, options)


def _mark_translation(row: dict[str, Any], meta: dict[str, Any]) -> None:
    """A Salesforce translation (`IsMasterLanguage` false, or a `Language` other than the
    master language) shares its id (`ArticleNumber`, `KnowledgeArticleId`) with its source:
    it gets an id of its own, `<shared id>/<language>`, and `translation_of: <shared id>`."""
    by_key = {_key(k): v for k, v in row.items() if v not in (None, "")}
    shared = meta.get("id")
    language = str(by_key.get("language") or "")
    master = str(by_key.get("articlemasterlanguage") or by_key.get("masterlanguage") or "")
    flag = by_key.get("ismasterlanguage")
    translated = (not _truthy(flag)) if flag is not None else bool(master and language != master)
    if shared and translated and language:
        meta["id"] = f"{shared}/{language}"
        meta[TRANSLATION_OF] = str(shared)


def sniff(tree: Tree) -> float:
    docs = tree.share(SUFFIXES)
    for rel in json_paths(tree)[:8]:
        table = record_table(read_json(tree, rel)[0])
        if table and detect_preset(list(dict.fromkeys(k for r in table[:20] for k in r))):
            return 0.95  # a Salesforce or ServiceNow query result
    for rel in tree.with_suffix(".xml")[:8]:
        rows = read_xml_records(tree, rel)[0]
        if rows and detect_preset(list(dict.fromkeys(k for r in rows[:20] for k in r))):
            return 0.95  # a ServiceNow XML export
    if not docs:
        return 0.0
    jsonl = tree.share((".jsonl", ".ndjson"))
    return 0.9 * (docs - jsonl) + 0.6 * jsonl


SOURCE = Source(
    name="tabular",
    description="CSV, TSV, JSON Lines or a ServiceNow XML export, one row per article; "
    "columns from `mapping:` "
    "{field: column}, a preset (salesforce, servicenow — recognised from the header) or usual "
    "names (title, body, updated_at ...); HTML bodies are fine",
    example="knowledge.csv  (ArticleNumber,Title,UrlName,Answer__c,PublishStatus,"
    "LastPublishedDate,...)",
    sniff=sniff,
    load=load,
    reads=(*SUFFIXES, ".json", ".xml"),
)
