"""Loaders, one per export format: `load(path)` turns an export into articles + problems."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from kbaudit.errors import SourceError
from kbaudit.model import Article, InputCode, LoadProblem
from kbaudit.normalize import SourceOptions, is_record_id
from kbaudit.sources import (
    confluence,
    docusaurus,
    fragments,
    freshdesk,
    gitbook,
    helpdesk,
    html,
    hugo,
    index,
    intercom,
    jekyll,
    logseq,
    markdown,
    mixed,
    mkdocs,
    structure,
    tabular,
    vitepress,
    zendesk,
)
from kbaudit.sources.base import Source, SourceResult
from kbaudit.sources.detect import detect
from kbaudit.sources.tree import DOCUMENT_SUFFIXES, open_tree

# Order breaks ties in detection: specific formats before the generic folders they look like.
SOURCES: list[Source] = [
    zendesk.SOURCE,
    intercom.SOURCE,
    freshdesk.SOURCE,
    confluence.SOURCE,
    helpdesk.SOURCE,
    tabular.SOURCE,
    markdown.SOURCE,
    html.SOURCE,
]


def source_by_name(name: str) -> Source:
    for source in SOURCES:
        if source.name == name:
            return source
    names = ", ".join(s.name for s in SOURCES)
    raise SourceError(f"unknown input format {name!r}; choose one of: {names}")


def load(
    path: Path,
    input_format: str | None = None,
    options: SourceOptions | None = None,
    progress: Callable[[int], None] | None = None,
) -> SourceResult:
    """Read an export (folder or file) into normalised articles and input problems."""
    options = options or SourceOptions()
    if not path.exists():
        raise SourceError(f"{path} does not exist; give the folder or file of the KB export")
    tree = open_tree(path, options.include, options.exclude, options.limits)
    archives = tree.with_suffix(".zip")
    if path.is_dir() and len(archives) == 1 and tree.with_suffix(*DOCUMENT_SUFFIXES) == archives:
        # a folder that holds the export's archive and nothing else: the archive is the KB
        zipped = open_tree(path / archives[0], options.include, options.exclude, options.limits)
        zipped.problems[:0] = tree.problems
        tree = zipped
    imported: frozenset[str] = frozenset()
    if not options.include:  # globs that choose the files say what is an article
        tree = mixed.without_program_docs(tree)
        tree, imported = docusaurus.published(tree)
        tree = jekyll.published(tree)
        tree = hugo.published(tree)
        tree = vitepress.published(tree)
        tree = gitbook.published(tree)
        tree = logseq.published(tree)
    source = source_by_name(input_format) if input_format else detect(tree, SOURCES)
    # pages of another format beside the detected one are read by their own reader; a
    # forced format reads only its own files. Pages no reader reads are named (INPUT007).
    readers = [(source, tree)] if input_format else mixed.readers(tree, source, SOURCES)
    result = SourceResult(
        format="+".join(s.name for s, _ in readers), root=str(path), files=tree.all_paths
    )
    result.problems.extend(tree.problems)
    for reader, view in readers:
        for record in reader.load(view, options):
            if isinstance(record, Article):
                result.articles.append(record)
                if progress:
                    progress(1)
            else:
                result.problems.append(record)
    if any(s.name in ("markdown", "html") for s, _ in readers):  # an index beside the files
        result.articles, found = index.with_index(tree, result.articles, options)
        result.problems.extend(found)
    result.problems.extend(mixed.unread(tree, readers))
    sites = mkdocs.sites(tree, path)
    result.articles = mkdocs.with_fields(sites, result.articles, options)
    result.articles = fragments.with_fragments(result.articles, imported, tree)
    result.articles = mkdocs.with_sites(sites, result.articles, options)
    result.problems = mkdocs.without_built_files(sites, result.articles, result.problems)
    if problem := _unnamed_owners(result.articles):
        result.problems.append(problem)
    result.articles = structure.with_categories(
        tree, result.articles, options.category_from, mkdocs.outer_sections(sites)
    )
    result.articles = structure.with_draft_folders(result.articles)
    result.articles = logseq.with_namespace_pages(tree, result.articles)
    result.articles = docusaurus.with_urls(tree, result.articles)
    result.articles = vitepress.with_urls(tree, result.articles)
    result.articles = structure.with_docusaurus_versions(result.articles)
    result.articles = docusaurus.with_latest_version(tree, result.articles)
    result.articles = structure.with_docusaurus_translations(result.articles)
    result.articles = structure.with_folder_locales(result.articles)
    result.articles = structure.with_file_locales(result.articles)
    if options.base_url:  # links by public URL resolve to the article they name
        prefix = options.base_url.rstrip("/") + "/"
        result.files += sorted(
            {a.url[len(prefix) :] for a in result.articles if a.url and a.url.startswith(prefix)}
        )
    result.files += docusaurus.static_addresses(tree)
    if options.dates in ("git", "auto") and tree.git_root is not None:
        result.articles = _with_git_dates(
            result.articles, tree.git_root, options.dates, result.problems
        )
    if problem := _shared_date(result.articles):
        result.problems.append(problem)
    return result


SHARED_DATE_PAGES = 20  # dated pages that must share one day before it tells of a build
SHARED_DATE_SHARE = 0.9


def _shared_date(articles: list[Article]) -> LoadProblem | None:
    """INPUT011 once when SHARED_DATE_SHARE or more of SHARED_DATE_PAGES or more HTML pages
    or help-desk records give the same day as their last update: a site built from a
    shallow clone shows its build day on every page ("Last updated on Aug 6, 2026"), and a
    bulk import stamps its own day on every record; neither tells when each page changed.
    (Dates written into Markdown front matter are the writers' own.) The dates are kept;
    the finding says what they are worth."""
    dated = [
        a.updated_at
        for a in articles
        if a.updated_at and a.date_source == "field" and a.body_format == "html"
    ]
    if len(dated) < SHARED_DATE_PAGES:
        return None
    day, count = Counter(dated).most_common(1)[0]
    if count < SHARED_DATE_SHARE * len(dated):
        return None
    return LoadProblem(
        InputCode.SHARED_DATE,
        ".",
        f"{count} of {len(dated)} dated articles give {day.isoformat()} as their last update: "
        "the day the site was built or the export imported, not when each page changed, so "
        "their age cannot be told from it; audit the source files with `--dates git`, or "
        "export the real dates",
    )


def _unnamed_owners(articles: list[Article]) -> LoadProblem | None:
    """INPUT010 once for an export whose articles mostly name their owner only by a user
    id (Zendesk's author_id, Freshdesk's agent_id, a ServiceNow author sys_id) that no
    users file names: a number is no one's name."""
    owned = [a for a in articles if a.owner]
    by_id = [a for a in owned if str(a.owner).isdigit() or is_record_id(a.owner)]
    if not by_id or 2 * len(by_id) <= len(owned):
        return None
    ids = sorted({str(a.owner) for a in by_id})
    shown = ", ".join(ids[:3]) + (", ..." if len(ids) > 3 else "")
    return LoadProblem(
        InputCode.UNNAMED_OWNERS,
        by_id[0].path.split("#")[0] if by_id[0].path else ".",
        f"{len(by_id)} of {len(owned)} articles name their owner only by a user id ({shown}), "
        "so the report cannot say who they are; export the users with the articles "
        "(Zendesk users.json or include=users, Intercom admins, Freshdesk agents, ServiceNow "
        "with display values)",
    )


def git_dates(root: Path) -> dict[str, dt.date]:
    """Last commit date of every file under `root`, from ONE `git log` for the whole repo."""
    try:
        out = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "-c",
                "core.quotePath=false",  # `Yún Board/x.md` as written, not "Y\303\272n ..."
                "log",
                "--format=%x00%ct",
                "--name-only",
                "--no-renames",
                "--relative",
                "HEAD",
                "--",
                ".",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[str, dt.date] = {}
    current: dt.date | None = None
    for line in out.splitlines():
        if line.startswith("\x00"):
            current = dt.datetime.fromtimestamp(int(line[1:]), tz=dt.UTC).date()
        elif line and current is not None:
            dates.setdefault(line, current)
    return dates


def _with_git_dates(
    articles: list[Article], root: Path, mode: str, problems: list[LoadProblem]
) -> list[Article]:
    dates = git_dates(root)
    if not dates:
        if mode == "git":
            problems.append(
                LoadProblem(
                    InputCode.UNREADABLE,
                    ".",
                    "--dates git: the folder is not a git repository with commits; "
                    "use --dates field or audit the repository's working tree",
                )
            )
        return articles
    out = []
    for article in articles:
        when = dates.get(article.path or "")
        if when and (
            mode == "git" or article.updated_at is None or article.date_source == "created"
        ):
            article = replace(article, updated_at=when, date_source="git")
        out.append(article)
    return out
