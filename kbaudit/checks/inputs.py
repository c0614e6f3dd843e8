"""The `input` kind: problems met while reading the export, reported like any finding."""

from __future__ import annotations

from collections.abc import Iterator

from kbaudit.corpus import Corpus
from kbaudit.model import Finding
from kbaudit.rules import CheckKind, Context, Registry


def input_problems(corpus: Corpus, ctx: Context) -> Iterator[Finding]:
    article_by_path = corpus.by_path
    for problem in corpus.problems:
        if problem.code == ctx.rule.code:
            yield ctx.finding(
                article_by_path.get(problem.path),
                problem.message,
                path=problem.path,
                line=problem.line,
            )


def register(registry: Registry) -> None:
    registry.add(
        CheckKind(
            "input",
            "Problems reading the export (reported by the source loaders).",
            {},
            check_corpus=input_problems,
            fragments=True,
        )
    )
