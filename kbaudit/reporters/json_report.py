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
    return json.dumps(result_dict(result), indent=2, ensure_ascii=False, default=str) + "\n"
