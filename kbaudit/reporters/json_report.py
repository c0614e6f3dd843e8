"""The JSON result in the stable schema other tools read (see DESIGN: schema 1)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from kbaudit.model import Article, Finding

if TYPE_CHECKING:
    from kbaudit.audit import AuditResult

SCHEMA = 1


def article_ref(article: Article) -> dict[str, Any]:
    return {"id": article.id, "path": article.path, "title": article.title}


def finding_dict(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": f.rule,
        "name": f.name,
        "category": f.category,
        "severity": str(f.severity),
        "article": article_ref(f.article) if f.article else None,
        "path": f.where or None,
        "line": f.line,
        "message": f.message,
        "related": [
            {
                k: v
                for k, v in (("id", r.id), ("path", r.path), ("title", r.title), ("score", r.score))
                if v is not None
            }
            for r in f.related
        ],
        "data": f.data,
    }
    return out


def result_dict(result: AuditResult) -> dict[str, Any]:
    corpus = result.corpus
    return {
        "kbaudit": result.version,
        "schema": SCHEMA,
        "as_of": result.config.today.isoformat(),
        "source": {
            "path": result.source_path.replace("\\", "/"),
            "format": corpus.format,
            "articles": len(corpus.articles),
        },
        "scorecard": result.scorecard.to_dict(),
        "rules": [
            {
                "code": r.code,
                "name": r.name,
                "category": r.category,
                "severity": str(r.severity),
                "summary": r.summary,
            }
            for r in result.rules
        ],
        "findings": [finding_dict(f) for f in result.findings],
        "duplicates": result.sections.get("duplicates", []),
        "topics": result.sections.get("topics", []),
        "questions": result.sections.get("questions", []),
        "gaps": result.sections.get("gaps", []),
    }


def render(result: AuditResult) -> str:
    return dumps(result_dict(result))


def dumps(data: Any, depth: int = 2) -> str:
    """JSON indented by two spaces down to `depth` levels, each value below that on one
    line: a finding, a duplicate group or a question is one line of the file, easy to grep
    and to diff, and written by the C encoder (Python's own indenting encoder takes seconds
    on a report of a million findings)."""
    flat = json.JSONEncoder(ensure_ascii=False, default=str, separators=(", ", ": ")).encode
    out: list[str] = []

    def write(value: Any, level: int) -> None:
        if level >= depth or not isinstance(value, dict | list) or not value:
            out.append(flat(value))
            return
        inner = "\n" + "  " * (level + 1)
        if isinstance(value, dict):
            out.append("{")
            for n, (key, item) in enumerate(value.items()):
                out.append(("," if n else "") + inner + flat(_key(key)) + ": ")
                write(item, level + 1)
            out.append("\n" + "  " * level + "}")
        else:
            out.append("[")
            for n, item in enumerate(value):
                out.append(("," if n else "") + inner)
                write(item, level + 1)
            out.append("\n" + "  " * level + "]")

    write(data, 0)
    return "".join(out) + "\n"


def _key(key: Any) -> str:
    """A dict key as the json module writes it (True -> "true", None -> "null", 1 -> "1")."""
    return key if isinstance(key, str) else json.dumps(key, default=str).strip('"')
