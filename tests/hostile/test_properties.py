"""Property tests: whatever the bytes or text, every reader, the front-matter parser, the date
parser, the questions reader and the config builder either succeed or raise the project's own
error (a KbauditError subclass) — never a traceback of something else."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kbaudit.config import build_config
from kbaudit.dates import DateError, parse_date
from kbaudit.errors import KbauditError
from kbaudit.model import Article, LoadProblem
from kbaudit.sources import SOURCES, load
from kbaudit.sources.markdown import split_front_matter
from kbaudit.sources.questions import QuestionsError, load_questions, parse_questions

from .helpers import billion_laughs

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=30,
)
KEYS = ["id", "title", "body", "html_url", "updated_at", "articles", "section_id", "label_names",
        "description", "status", "category", "folder", "created_at", "tags", "author", "url"]  # fmt: skip
RECORDS = st.lists(st.dictionaries(st.sampled_from(KEYS), JSON, max_size=8), max_size=4)
FRONT_MATTER_PIECES = st.sampled_from(
    ["---\n", "+++\n", "title: A\n", "date: 2024-02-30\n", "a: &x [1]\nb: *x\n", "- [\n",
     '"\n', "!!python/name:os.system\n", "key = 'v'\n", "\t:\n", "\0", "\ufeff", "...\n",
     billion_laughs(3)]
)  # fmt: skip
TEXTS = st.text(max_size=600) | st.lists(FRONT_MATTER_PIECES | st.text(max_size=30)).map("".join)
BYTES = (
    st.binary(max_size=2000)
    | TEXTS.map(lambda t: t.encode("utf-8", "surrogatepass"))
    | RECORDS.map(lambda r: json.dumps(r).encode())
    | RECORDS.map(lambda r: json.dumps({"articles": r}).encode())
    | TEXTS.map(lambda t: t.encode("utf-16"))
)
SUFFIXES = {
    "markdown": "md",
    "html": "html",
    "confluence": "html",
    "tabular": "csv",
    "zendesk": "json",
    "intercom": "json",
    "freshdesk": "json",
    "helpdesk": "json",
}


def _load_bytes(name: str, suffix: str, data: bytes) -> list[Article | LoadProblem]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export.{suffix}"
        path.write_bytes(data)
        try:
            result = load(
                path if name not in ("markdown", "html", "confluence") else Path(folder), name
            )
        except KbauditError:
            return []
        return [*result.articles, *result.problems]


def test_every_source_has_a_property_test() -> None:
    assert {s.name for s in SOURCES} == set(SUFFIXES)


@pytest.mark.limits(seconds=240)
@pytest.mark.parametrize("name", sorted(SUFFIXES))
@given(data=BYTES)
@example(data=b"\r\x0c")  # a lone carriage return ends the header line (old Mac files)
@example(data=b"title,body\rA,b\r")
def test_readers_take_any_bytes(name: str, data: bytes) -> None:
    for record in _load_bytes(name, SUFFIXES[name], data):
        assert isinstance(record, Article | LoadProblem)


@pytest.mark.limits(seconds=120)
@given(raw=TEXTS)
def test_front_matter_parser_takes_any_text(raw: str) -> None:
    meta, body, line, problem = split_front_matter(raw, "a.md")
    assert isinstance(meta, dict) and isinstance(body, str) and line >= 1
    assert problem is None or problem.path == "a.md"


@pytest.mark.limits(seconds=120)
@given(value=st.text(max_size=60) | st.integers() | st.floats() | st.booleans() | st.none())
def test_date_parser_raises_only_date_error(value: Any) -> None:
    for order in ("mdy", "dmy"):
        with contextlib.suppress(DateError):
            parse_date(value, order)


@pytest.mark.limits(seconds=120)
@given(text=TEXTS | RECORDS.map(json.dumps))
def test_questions_parser_raises_only_questions_error(text: str) -> None:
    with contextlib.suppress(QuestionsError):
        parse_questions(text)


@pytest.mark.limits(seconds=120)
@given(data=BYTES)
def test_questions_file_raises_only_questions_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "questions.txt"
        path.write_bytes(data)
        with contextlib.suppress(QuestionsError):
            load_questions(path)


SETTINGS = st.dictionaries(
    st.sampled_from(
        ["jobs", "topics", "fail_under", "fail_on", "limits", "scorecard", "weights", "select",
         "ignore", "rules", "per_path_ignores", "date_order", "dates", "as_of", "taxonomy"]
    ),
    JSON,
    max_size=4,
)  # fmt: skip


@pytest.mark.limits(seconds=120)
@given(settings=SETTINGS)
def test_config_raises_only_config_errors(settings: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder, contextlib.suppress(KbauditError):
        build_config(settings, Path(folder))
