"""A KB export is untrusted input: links, special files, bombs, binary and huge files,
deep nesting, broken settings and a KB that tries to switch off its own security audit.

Each test states what kbaudit does with one hostile input; the folder's conftest runs it in a
child process under a time and memory limit, so a hang or a blow-up fails instead of waiting.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import zipfile
from pathlib import Path

import pytest

from kbaudit import safeyaml
from kbaudit.audit import audit
from kbaudit.config import Config, build_config, load_config
from kbaudit.errors import ConfigError, RuleError, SourceError
from kbaudit.model import InputCode
from kbaudit.rules import build_registry, load_rules
from kbaudit.sources.markdown import split_front_matter
from kbaudit.sources.questions import MAX_QUESTION, QuestionsError, parse_questions

from .helpers import (
    ARTICLE,
    billion_laughs,
    problems,
    read,
    run_cli,
    tree_digest,
    write,
    zip_with,
)

SECRET_ARTICLE = (
    "---\ntitle: Connect the payment gateway\n---\n# Connect the payment gateway\n\n"
    "Send the header Authorization with the key sk_live_4eC39HqLyjWDarjtT1zdp7dc to connect.\n"
)


# --- links and special files ------------------------------------------------------------


def test_link_to_a_file_outside_the_kb_is_not_followed(kb: Path, tmp_path: Path) -> None:
    outside = tmp_path / "private.md"
    outside.write_text("# Salaries\n\nThe confidential salary table of the company.\n")
    write(kb, {"reset.md": ARTICLE})
    (kb / "leak.md").symlink_to(outside)
    result = read(kb)
    assert [a.path for a in result.articles] == ["reset.md"]
    assert "outside the KB" in problems(result, InputCode.UNREADABLE)["leak.md"]
    assert all("salary" not in a.text for a in result.articles)


def test_link_to_a_folder_outside_the_kb_is_not_followed(kb: Path, tmp_path: Path) -> None:
    elsewhere = write(tmp_path / "elsewhere", {"secret.md": "# Hidden\n\nNot part of the KB.\n"})
    write(kb, {"reset.md": ARTICLE})
    (kb / "linked").symlink_to(elsewhere, target_is_directory=True)
    result = read(kb)
    assert [a.path for a in result.articles] == ["reset.md"]
    assert "linked" in problems(result, InputCode.UNREADABLE)


def test_link_inside_the_kb_is_a_second_name_of_the_file(kb: Path) -> None:
    """A file linked inside the KB is read once, at its own path; a folder linked inside
    the KB (one folder shared by two products' docs) is not read twice, but links written
    through the link reach the files it names."""
    billing = (
        "---\ntitle: Pay an invoice\n---\nOpen the invoice, choose Pay and confirm the card.\n"
    )
    write(kb, {"reset.md": ARTICLE, "shared/billing.md": billing})
    (kb / "same.md").symlink_to("reset.md")
    (kb / "app").mkdir()
    (kb / "app" / "billing").symlink_to("../shared", target_is_directory=True)
    page = "---\ntitle: Start here\n---\nRead [the billing guide](billing/billing.md) first.\n"
    write(kb, {"app/start.md": page, "app/welcome.md": page.replace("billing/", "../same.md#")})
    assert sorted(a.path for a in read(kb).articles) == [
        "app/start.md",
        "app/welcome.md",
        "reset.md",
        "shared/billing.md",
    ]
    found = audit(kb, Config(select=["QUAL006", "COV003", "DUP001"])).findings
    assert found == []


def test_link_to_dev_zero_is_skipped_without_reading(kb: Path) -> None:
    write(kb, {"reset.md": ARTICLE})
    (kb / "zero.md").symlink_to("/dev/zero")
    result = read(kb)
    assert [a.path for a in result.articles] == ["reset.md"]
    assert "zero.md" in problems(result, InputCode.UNREADABLE)


def test_fifo_is_skipped_without_opening_it(kb: Path) -> None:
    write(kb, {"reset.md": ARTICLE})
    os.mkfifo(kb / "pipe.md")  # opening it for reading would block forever
    result = read(kb)
    assert [a.path for a in result.articles] == ["reset.md"]
    assert "named pipe" in problems(result, InputCode.UNREADABLE)["pipe.md"]


def test_socket_is_skipped(kb: Path) -> None:
    write(kb, {"reset.md": ARTICLE})
    server = socket.socket(socket.AF_UNIX)
    os.chdir(kb)  # AF_UNIX paths are short; bind relative to the KB
    server.bind("talk.md")
    try:
        result = read(kb)
    finally:
        server.close()
    assert "socket" in problems(result, InputCode.UNREADABLE)["talk.md"]


def test_broken_and_looping_links_are_problems(kb: Path) -> None:
    write(kb, {"reset.md": ARTICLE})
    (kb / "gone.md").symlink_to("missing.md")
    (kb / "loop.md").symlink_to("loop.md")
    found = problems(read(kb), InputCode.UNREADABLE)
    assert {"gone.md", "loop.md"} <= set(found)


def test_symlink_entry_in_a_zip_is_refused(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("kb/passwd.md")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = zip_with(
        tmp_path / "kb.zip", [("kb/reset.md", ARTICLE.encode()), (link, b"/etc/passwd")]
    )
    result = read(archive)
    assert [a.path for a in result.articles] == ["reset.md"]
    assert "symbolic link" in problems(result, InputCode.UNREADABLE)["passwd.md"]


# --- already right: zip traversal and bombs -----------------------------------------------


def test_zip_entries_climbing_out_are_refused(tmp_path: Path) -> None:
    archive = zip_with(
        tmp_path / "kb.zip",
        [("reset.md", ARTICLE.encode()), ("../../evil.md", b"# Evil\n"), ("/etc/x.md", b"# X\n")],
    )
    result = read(archive)
    assert [a.path for a in result.articles] == ["reset.md"]
    assert {"../../evil.md", "/etc/x.md"} <= set(problems(result, InputCode.UNREADABLE))
    assert not (tmp_path.parent / "evil.md").exists()


def test_zip_bomb_is_refused_without_inflating_it(tmp_path: Path) -> None:
    bomb = b"\0" * (64 * 1024**2)  # 64 MB of zeros compress to ~64 KB
    archive = zip_with(tmp_path / "kb.zip", [("a.md", ARTICLE.encode()), ("b.json", bomb)])
    result = read(archive)
    assert [a.path for a in result.articles] == ["a.md"]
    assert "zip bomb" in problems(result, InputCode.UNREADABLE)["b.json"]


def test_zip_with_a_bad_utf8_entry_name_is_a_source_error(tmp_path: Path) -> None:
    archive = zip_with(tmp_path / "kb.zip", [("caf\u00e9.md", ARTICLE.encode())])
    data = archive.read_bytes().replace("caf\u00e9".encode(), b"caf\xff\xfe")
    archive.write_bytes(data)
    with pytest.raises(SourceError, match="marked UTF-8 but is not"):
        read(archive)


# --- YAML ---------------------------------------------------------------------------------


def test_alias_bomb_in_front_matter_is_an_input_problem(kb: Path) -> None:
    bomb = "---\ntitle: Laughs\n" + billion_laughs() + "---\n# Laughs\n\nShort body text here.\n"
    assert len(bomb) < 2048
    write(kb, {"laughs.md": bomb, "reset.md": ARTICLE})
    result = read(kb)
    assert "alias bomb" in problems(result, InputCode.FRONT_MATTER)["laughs.md"]
    assert len(result.articles) == 2  # the body is still audited, without its metadata


def test_alias_bomb_in_kbaudit_yaml_is_a_config_error(kb: Path) -> None:
    write(kb, {"reset.md": ARTICLE, "kbaudit.yaml": billion_laughs()})
    with pytest.raises(ConfigError, match="alias bomb"):
        load_config(kb)
    done = run_cli("audit", kb, "-q")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout


def test_alias_bomb_in_a_rule_pack_is_a_rule_error(tmp_path: Path) -> None:
    pack = write(tmp_path, {"pack.yaml": billion_laughs()}) / "pack.yaml"
    with pytest.raises(RuleError, match="alias bomb"):
        load_rules(build_config({"rule_packs": [str(pack)]}), build_registry())


def test_small_aliases_still_work() -> None:
    meta, _, _, problem = split_front_matter(
        "---\nowner: &o Ana\nreviewer: *o\ntags: &t [a, b]\nlabels: *t\n---\nBody\n", "a.md"
    )
    assert problem is None
    assert meta["reviewer"] == "Ana" and meta["labels"] == ["a", "b"]


def test_yaml_nested_too_deep_is_refused() -> None:
    with pytest.raises(safeyaml.UnsafeYAML):
        safeyaml.load("a: " + "[" * 500 + "]" * 500)


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['touch pwned']",
        "!!python/name:os.system",
        "!!python/object/new:subprocess.Popen [['touch', 'pwned']]",
    ],
)
def test_python_tags_are_rejected(kb: Path, tag: str) -> None:
    os.chdir(kb)
    write(
        kb, {"a.md": f"---\ntitle: {tag}\n---\n# A\n\nBody text.\n", "kbaudit.yaml": f"x: {tag}\n"}
    )
    _, _, _, problem = split_front_matter((kb / "a.md").read_text(), "a.md")
    assert problem is not None and problem.code == InputCode.FRONT_MATTER
    with pytest.raises(ConfigError):
        load_config(kb)
    assert not (kb / "pwned").exists()


# --- binary, huge and deeply nested files ---------------------------------------------------


def test_random_bytes_named_md_are_not_an_article(kb: Path) -> None:
    noise = bytes((i * 7919 + 13) % 256 for i in range(20_000))
    write(kb, {"noise.md": noise, "reset.md": ARTICLE})
    result = read(kb)
    assert [a.path for a in result.articles] == ["reset.md"]
    assert problems(result, InputCode.UNREADABLE)["noise.md"].startswith("not text")


@pytest.mark.parametrize(
    ("name", "data", "fmt"),
    [
        ("page.html", b"<html><body><h1>Title</h1>\0\0\0<p>Text</p></body></html>", "html"),
        ("export.json", b'[{"id": 1, "title": "A\0", "body": "x"}]', "zendesk"),
        ("export.csv", b"id,title,body\n1,Reset,\0\0 text\n", "tabular"),
    ],
)
def test_nul_bytes_in_exports_are_not_text(kb: Path, name: str, data: bytes, fmt: str) -> None:
    write(kb, {name: data})
    result = read(kb / name, fmt=fmt) if fmt != "html" else read(kb)
    assert result.articles == []
    assert problems(result, InputCode.UNREADABLE)[name].startswith("not text")


@pytest.mark.limits(seconds=60, memory_mb=512)
def test_200_mb_markdown_file_is_refused_unread(kb: Path) -> None:
    with open(kb / "huge.md", "wb") as handle:
        handle.truncate(200 * 1024**2)  # sparse: costs no disk, and would cost GBs to parse
    write(kb, {"reset.md": ARTICLE})
    result = read(kb)
    assert [a.path for a in result.articles] == ["reset.md"]
    assert "limits.max_article_size" in problems(result, InputCode.UNREADABLE)["huge.md"]


def test_file_size_limit_is_configurable(kb: Path) -> None:
    write(kb, {"reset.md": ARTICLE, "long.md": ARTICLE + "More words. " * 200})
    result = read(kb, build_config({"limits": {"max_article_size": 1000}}))
    assert [a.path for a in result.articles] == ["reset.md"]
    assert "long.md" in problems(result, InputCode.UNREADABLE)


def test_deeply_nested_json_is_an_input_problem(kb: Path) -> None:
    deep = '{"articles": [' + '{"a": [' * 50_000 + "]}" * 50_000 + "]}"
    write(kb, {"export.json": deep})
    result = read(kb / "export.json", fmt="zendesk")
    assert "nested too deeply" in problems(result, InputCode.UNREADABLE)["export.json"]


@pytest.mark.limits(seconds=30, memory_mb=1024)
def test_a_question_of_megabytes_is_cut() -> None:
    # a 40 MB line (a pasted log) took minutes and gigabytes to match when read whole
    line = "invoice refund password " * 1_700_000
    got = {q.text[:14]: q.text for q in parse_questions(f"where is my refund\n{line}\n")}
    assert got["where is my re"] == "where is my refund"
    assert len(got["invoice refund"]) <= MAX_QUESTION + 4


@pytest.mark.limits(seconds=30, memory_mb=1024)
def test_a_ticket_of_many_lines_is_read_in_linear_time() -> None:
    # each line looked ahead for the next one that is not blank: 32,000 lines took 3.6 s
    body = "where is my refund\n\n" + "see the log below\n\n" * 300_000
    tickets = {"tickets": [{"subject": "Refund", "description": body}]}
    [question] = parse_questions(json.dumps(tickets))
    assert question.text.startswith("Refund: where is my refund see the log below")


def test_deeply_nested_json_questions_are_a_questions_error() -> None:
    with pytest.raises(QuestionsError, match="nested too deeply"):
        parse_questions("[" * 100_000 + "]" * 100_000)


# --- settings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {"jobs": "many"},
        {"topics": 2.5},
        {"fail_under": "high"},
        {"scorecard": {"ready": [1]}},
        {"limits": {"max_file_size": "big"}},
        {"limits": {"max_article_size": -1}},
        {"weights": {"quality": "nan"}},
    ],
)
def test_non_numeric_settings_are_config_errors(settings: dict) -> None:
    with pytest.raises(ConfigError, match=str(next(iter(settings)))):
        build_config(settings)


def test_non_numeric_setting_exits_2_with_one_line(kb: Path) -> None:
    write(kb, {"reset.md": ARTICLE, "kbaudit.yaml": "jobs: lots\n"})
    done = run_cli("audit", kb, "-q")
    assert done.returncode == 2
    assert "jobs" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr + done.stdout


def test_invalid_regex_in_a_rule_pack_exits_2(kb: Path, tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "rules:\n  - {code: CUSTOM001, name: custom.broken, kind: pattern, category: quality,\n"
        "     severity: warning, summary: Broken., params: {patterns: ['(unclosed']}}\n"
    )
    write(kb, {"reset.md": ARTICLE})
    config = build_config({"rule_packs": [str(pack)], "select": ["CUSTOM"]})
    with pytest.raises(RuleError, match="not a valid regular expression"):
        audit(kb, config)
    config_file = write(tmp_path, {"cfg.yaml": f"rule_packs: [{pack}]\n"}) / "cfg.yaml"
    done = run_cli("audit", kb, "-q", "--config", config_file)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout


# --- slow patterns ----------------------------------------------------------------------------


def test_slow_user_pattern_becomes_an_input_finding(kb: Path, tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        "rules:\n  - {code: CUSTOM001, name: custom.slow, kind: pattern, category: quality,\n"
        "     severity: warning, summary: Slow., params: {budget: 0.2, patterns: ['(x+x+)+y']}}\n"
    )
    write(kb, {"reset.md": ARTICLE, "xs.md": ARTICLE + "x" * 5000 + "\n"})
    config = build_config({"rule_packs": [str(pack)], "select": ["CUSTOM", "INPUT"]})
    findings = audit(kb, config).findings
    slow = [f for f in findings if f.rule == InputCode.SLOW_PATTERN]
    assert [f.where for f in slow] == ["xs.md"]
    assert "CUSTOM001" in slow[0].message


# --- the KB cannot disarm its own audit --------------------------------------------------------


DISARM = """\
ignore: [SEC]
select: [quality]
per_path_ignores: {"*.md": [SEC001, security]}
rules: {SEC001: {enabled: false}, SEC002: {severity: info}}
"""


def _sec(kb: Path, config: Config) -> list[str]:
    return sorted(f.rule for f in audit(kb, config).findings if f.rule.startswith("SEC"))


@pytest.mark.parametrize("name", ["kbaudit.yaml", ".kbaudit.yaml"])
def test_kb_config_cannot_switch_off_security_rules(kb: Path, name: str) -> None:
    write(kb, {"pay.md": SECRET_ARTICLE, name: DISARM})
    config = load_config(kb, trust_kb_config=False)
    assert _sec(kb, config) == ["SEC001"]
    assert len(config.warnings) == 5  # ignore, select, per_path_ignores, SEC001, SEC002
    assert all("inside the audited KB" in w for w in config.warnings)


def test_kb_pyproject_cannot_switch_off_security_rules(kb: Path) -> None:
    write(kb, {"pay.md": SECRET_ARTICLE, "pyproject.toml": '[tool.kbaudit]\nignore = ["SEC"]\n'})
    assert _sec(kb, load_config(kb, trust_kb_config=False)) == ["SEC001"]


def test_kb_rule_pack_cannot_redefine_a_security_rule(kb: Path) -> None:
    pack = (
        "rules:\n  - {code: SEC001, name: security.secret, kind: pattern, category: security,\n"
        "     severity: info, summary: Nothing., params: {patterns: []}}\n"
    )
    write(kb, {"pay.md": SECRET_ARTICLE, ".kbaudit/rules/off.yaml": pack})
    config = load_config(kb, trust_kb_config=False)
    assert _sec(kb, config) == ["SEC001"]
    assert any("off.yaml" in w for w in config.warnings)


def test_explicit_config_or_trust_may_switch_them_off(kb: Path) -> None:
    write(kb, {"pay.md": SECRET_ARTICLE, "kbaudit.yaml": DISARM})
    assert _sec(kb, load_config(kb, kb / "kbaudit.yaml")) == []
    assert _sec(kb, load_config(kb, trust_kb_config=True)) == []


def test_trust_comes_from_the_environment(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(kb, {"pay.md": SECRET_ARTICLE, "kbaudit.yaml": DISARM})
    monkeypatch.setenv("KBAUDIT_TRUST_KB_CONFIG", "1")
    assert load_config(kb).trust_kb_config
    monkeypatch.setenv("KBAUDIT_TRUST_KB_CONFIG", "0")
    assert not load_config(kb).trust_kb_config


def test_config_above_the_kb_is_not_overruled(tmp_path: Path) -> None:
    kb = write(tmp_path / "repo" / "docs", {"pay.md": SECRET_ARTICLE})
    write(tmp_path / "repo", {"kbaudit.yaml": "ignore: [SEC]\n", ".git/HEAD": "ref\n"})
    config = load_config(kb, trust_kb_config=False)
    assert _sec(kb, config) == [] and config.warnings == []


# --- already right: the KB is never written ------------------------------------------------------


@pytest.mark.limits(seconds=120)
def test_audit_leaves_the_kb_unchanged_byte_for_byte(kb: Path, tmp_path: Path) -> None:
    write(
        kb,
        {
            "reset.md": ARTICLE,
            "pay.md": SECRET_ARTICLE,
            "bad.md": "---\ntitle: [unclosed\n---\nBody\n",
            "noise.md": bytes(range(256)) * 10,
            "kbaudit.yaml": "ignore: [SEC]\n",
            "sub/page.html": "<html><body><h1>Page</h1><p>Text</p></body></html>",
        },
    )
    (kb / "link.md").symlink_to("reset.md")
    os.mkfifo(kb / "pipe.md")
    before = tree_digest(kb)
    out = tmp_path / "out"
    out.mkdir()
    for ext in ("json", "md", "html", "csv", "sarif"):
        done = run_cli("audit", kb, "-q", "-o", out / f"report.{ext}")
        assert done.returncode in (0, 1), done.stderr
    assert tree_digest(kb) == before


def test_input_findings_say_what_and_how_to_fix(kb: Path) -> None:
    """Every skipped thing is an input finding with a file, a reason and a fix."""
    write(kb, {"reset.md": ARTICLE, "noise.md": b"\0" * 100})
    (kb / "zero.md").symlink_to("/dev/zero")
    os.mkfifo(kb / "pipe.md")
    result = audit(kb, build_config({"select": ["INPUT"]}))
    found = {f.where: f.message for f in result.findings}
    assert set(found) == {"noise.md", "zero.md", "pipe.md"}
    for message in found.values():
        assert any(w in message for w in ("Exclude", "Remove", "Copy")), message


@pytest.mark.limits(seconds=20, memory_mb=512)
def test_hidden_comments_are_found_in_linear_time() -> None:
    # a lazy `<!--(.*?)-->` rescanned to the end of the text from every unclosed `<!--`
    from kbaudit.checks.quality import _html_comments, _liquid_comments

    raw = "<!-- " * 400_000 + "text"
    assert list(_html_comments(raw)) == []
    assert list(_liquid_comments("{% comment %} " * 200_000)) == []
    closed = "<!-- a --> <!-- b -->" + "<!--" * 100_000
    assert [body for _, _, body in _html_comments(closed)] == [" a ", " b "]
