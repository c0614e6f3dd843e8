"""Every built-in pattern that runs on article text is linear on pathological 100 KB inputs.

The patterns are found, not listed: every compiled pattern at module level in `kbaudit`, and
every `pattern` and `allow` of the shipped rule packs. Each runs on repetitions of the
characters and tokens that make backtracking patterns explode (runs of one character, of a
keyword, of an opener without its closer). A regression is a test that runs into the
folder's time limit instead of finishing in a fraction of a second.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
import yaml

import kbaudit
from kbaudit import text
from kbaudit.rules import default_pack_dir
from kbaudit.sources import html, markdown

SIZE = 100_000
CHARS = " \t\n*_-.@:=+#|/<>[](){}!?aA0é\\\"'`~,;%$&"
TOKENS = [
    "*0", "-0", "_a", "a_", ".a", "a.", "@a", "a@", "=a", ":a", "|a", "<a", "[a", "(a", "a\n",
    " a", "0a", "a:", "password=", "pwd: ", "api_key=", "secret:", "bearer ", " _a", " *a",
    " **a", "a.a@", "<!--", "\t| a", " - a", "+1 ", "4111 ", "[!NOTE ", "[insert ",
    "<!-- kbaudit: ignore ", "eyJa-", "eyJaaaaaaaaaaaa.", "xoxb-", "ghp_a", "sk_live_", "AKIA",
    "AIza", "&amp;", "](", "![", "http://a/", "1 ", "a ?", " \n", "---\n", ":::", "# ", "a'",
    "<Ab a={", '<Ab a="', "<a b={{", ":::note ",
]  # fmt: skip
INPUTS = [c * SIZE for c in CHARS] + [(t * (SIZE // len(t) + 1))[:SIZE] for t in TOKENS]


def _module_patterns() -> dict[str, re.Pattern[str]]:
    found = {}
    for module in pkgutil.walk_packages(kbaudit.__path__, "kbaudit."):
        if module.name.endswith("__main__"):
            continue
        loaded = importlib.import_module(module.name)
        for name, value in vars(loaded).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                found[f"{module.name}.{name}"] = value
    return found


def _pack_patterns() -> dict[str, re.Pattern[str]]:
    found = {}
    for pack in sorted(Path(default_pack_dir()).glob("*.yaml")):
        for rule in yaml.safe_load(pack.read_text(encoding="utf-8"))["rules"]:
            params = rule.get("params") or {}
            flags = re.M | (re.I if params.get("ignore_case", True) else 0)
            for i, item in enumerate(params.get("patterns") or []):
                source = item["pattern"] if isinstance(item, dict) else item
                found[f"{rule['code']}.pattern{i}"] = re.compile(source, flags)
            for i, source in enumerate(params.get("allow") or []):
                found[f"{rule['code']}.allow{i}"] = re.compile(source, re.I | re.M)
    return found


PATTERNS = {**_module_patterns(), **_pack_patterns()}


def test_the_patterns_are_found() -> None:
    assert len(PATTERNS) > 40
    assert {"SEC001.pattern0", "SEC002.pattern0", "kbaudit.text._EMPHASIS"} <= set(PATTERNS)


@pytest.mark.limits(seconds=60)
@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_linear_on_pathological_input(name: str) -> None:
    pattern = PATTERNS[name]
    for data in INPUTS:
        for _ in pattern.finditer(data):
            pass


@pytest.mark.limits(seconds=60)
@pytest.mark.parametrize("index", range(len(INPUTS)))
def test_text_extraction_is_linear_on_pathological_input(index: int) -> None:
    """The inline patterns of the Markdown and HTML extraction, through their callers."""
    data = INPUTS[index]
    text.markdown(data)
    text.markdown(markdown.jsx_as_html(data)[0], mdx=True)
    text.html(f"<p>{data}</p>")
    list(html.parse("page.html", f"<title>{data}</title><h1>T</h1>".encode(), _options()))


def _options():
    from kbaudit.config import Config

    return Config().source_options()
