"""The CI files in docs/ci work as written: each `run:` step of the GitHub Actions workflow and
each `script:` line of the GitLab CI job runs, in order, in a pull request played on a
temporary git repository holding the sample KB. Repository-specific values (base branch, pull
request number, tokens, API URL) are set as the CI would; `pip install`, `gh` and `curl` are
stand-ins that record their arguments, so no test reaches the network."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import yaml

from tests.conftest import ROOT, SAMPLE_KB, needs

CI = ROOT / "docs" / "ci"
KB = "docs/help-center"
CHANGED = f"{KB}/account/reset-your-password.md"
GITHUB = {  # the values GitHub puts in ${{ ... }} for a pull request into main
    "github.base_ref": "main",
    "github.event.pull_request.number": "17",
    "secrets.GITHUB_TOKEN": "token-for-tests",
}
GITLAB = {  # predefined variables of a merge-request pipeline, and the project's token
    "CI_MERGE_REQUEST_IID": "17",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
    "CI_API_V4_URL": "https://gitlab.invalid/api/v4",
    "CI_PROJECT_ID": "42",
    "KBAUDIT_TOKEN": "token-for-tests",
}
# Stand-ins: record the call (and the body of a comment), succeed without the network.
RECORDER = """#!/bin/sh
echo "$(basename "$0") $*" >> "$CALLS"
for arg in "$@"; do
  case "$arg" in body@*) cat "${arg#body@}" >> "$CALLS";; esac
  if [ "$previous" = "--body-file" ]; then cat "$arg" >> "$CALLS"; fi
  previous="$arg"
done
"""
PYTHON = """#!/bin/sh
if [ "$1 $2 $3" = "-m pip install" ]; then echo "pip $*" >> "$CALLS"; exit 0; fi
exec "{python}" "$@"
"""


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "KB editor",
        "GIT_AUTHOR_EMAIL": "editor@example.com",
        "GIT_COMMITTER_NAME": "KB editor",
        "GIT_COMMITTER_EMAIL": "editor@example.com",
    }
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def pull_request(tmp: Path) -> Path:
    """A clone of an 'origin' whose main holds the sample KB, on a branch that edits one article."""
    seed = tmp / "seed"
    shutil.copytree(SAMPLE_KB, seed / KB)
    git(seed, "init", "-q", "-b", "main")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "Help center")
    git(tmp, "clone", "-q", "--bare", str(seed), str(tmp / "origin.git"))
    repo = tmp / "repo"
    git(tmp, "clone", "-q", str(tmp / "origin.git"), str(repo))
    git(repo, "checkout", "-q", "-b", "edit-password-article")
    article = repo / CHANGED
    article.write_text(
        article.read_text("utf-8") + "\nTODO: add the steps for single sign-on accounts.\n",
        encoding="utf-8",
    )
    git(repo, "commit", "-q", "-am", "Password article: single sign-on")
    return repo


def environment(tmp: Path) -> dict[str, str]:
    stubs = tmp / "bin"
    stubs.mkdir()
    for name in ("gh", "curl"):
        (stubs / name).write_text(RECORDER)
    (stubs / "python").write_text(PYTHON.format(python=sys.executable))
    for stub in stubs.iterdir():
        stub.chmod(0o755)
    kbaudit = shutil.which("kbaudit", path=str(Path(sys.executable).parent)) or "kbaudit"
    for folder in ("runner", "tmp"):
        (tmp / folder).mkdir()
    return {
        "PATH": os.pathsep.join([str(stubs), str(Path(kbaudit).parent), os.environ["PATH"]]),
        "HOME": str(tmp),
        "CALLS": str(tmp / "calls.log"),
        "RUNNER_TEMP": str(tmp / "runner"),
        "TMPDIR": str(tmp / "tmp"),
        "CI": "true",
    }


def run_step(script: str, repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    # A step may exit 1 only when it asks to fail on findings; 2 is a usage or input error.
    allowed = {0, 1} if re.search(r"--fail-(on|under)", script) else {0}
    assert done.returncode in allowed, f"{script}\nexit {done.returncode}\n{done.stderr[-3000:]}"
    return done


def github_expressions(text: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        assert name in GITHUB, f"no test value for ${{{{ {name} }}}}"
        return GITHUB[name]

    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


def check_reports(repo: Path, calls: str) -> None:
    sarif = json.loads((repo / "kbaudit.sarif").read_text("utf-8"))
    assert sarif["runs"][0]["results"]
    assert ElementTree.parse(repo / "kbaudit.xml").getroot().tag in ("testsuites", "testsuite")
    assert (repo / "kbaudit.html").read_text("utf-8").startswith("<!DOCTYPE html>")
    comment = (repo / "comment.md").read_text("utf-8")
    assert "account/reset-your-password.md" in comment  # the new finding of the edited article
    assert comment in calls  # ... posted as the comment body


@needs(SAMPLE_KB)
def test_github_actions_workflow_runs(tmp_path: Path) -> None:
    workflow: dict[str, Any] = yaml.safe_load((CI / "github-actions.yml").read_text("utf-8"))
    repo, env = pull_request(tmp_path), environment(tmp_path)
    env.update({k: github_expressions(str(v)) for k, v in workflow["env"].items()})
    assert env["KB"] == KB
    ran = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "run" not in step:
                for key in ("sarif_file", "path"):  # uploads name files the steps wrote
                    for name in str((step.get("with") or {}).get(key, "")).split():
                        assert (repo / name).exists(), f"{step['uses']} uploads missing {name}"
                continue
            step_env = {
                **env,
                **{k: github_expressions(str(v)) for k, v in step.get("env", {}).items()},
            }
            done = run_step(github_expressions(step["run"]), repo, step_env)
            ran.append((step.get("name", ""), done.stdout))
    calls = Path(env["CALLS"]).read_text("utf-8")
    assert f"pip -m pip install {env['KBAUDIT']}" in calls
    assert "gh pr comment 17 --body-file comment.md" in calls
    check_reports(repo, calls)
    # The annotations of the pull request are about the changed article only: its own findings
    # and those of groups it belongs to (a near duplicate of it).
    annotations = re.findall(
        r"^::\w+ .*$", dict(ran)["Annotate the changed articles"], re.MULTILINE
    )
    assert any(f"file={CHANGED}," in a for a in annotations)
    assert all(CHANGED.removeprefix(f"{KB}/") in a for a in annotations), annotations


@needs(SAMPLE_KB)
def test_gitlab_ci_job_runs(tmp_path: Path) -> None:
    config: dict[str, Any] = yaml.safe_load((CI / "gitlab-ci.yml").read_text("utf-8"))
    job = config["kbaudit"]
    repo, env = pull_request(tmp_path), environment(tmp_path)
    env.update({k: str(v) for k, v in job["variables"].items()})
    env.update(GITLAB)
    assert env["KB"] == KB
    for line in job["script"]:
        run_step(line, repo, env)
    calls = Path(env["CALLS"]).read_text("utf-8")
    assert f"pip -m pip install {env['KBAUDIT']}" in calls
    assert "https://gitlab.invalid/api/v4/projects/42/merge_requests/17/notes" in calls
    assert "PRIVATE-TOKEN: token-for-tests" in calls
    check_reports(repo, calls)
    reports = job["artifacts"]["reports"]["junit"]
    assert (repo / reports).exists()
    for name in job["artifacts"]["paths"]:
        assert (repo / name).exists()
