"""The gap list as text: CSV (every question of every topic, with its volume) and Markdown
(a few example questions per topic). The JSON form is the report's `gaps` section."""

from __future__ import annotations

import csv
import io
from typing import Any

from kbaudit.reporters import markdown
from kbaudit.reporters.csv_report import safe_cell

EXAMPLES = 3  # example questions per topic in the Markdown


def nearest_text(gap: dict[str, Any]) -> str:
    """The nearest article by title and path with its score, and "extend this" when it is on
    the topic's subject."""
    near = gap.get("nearest") or {}
    if not near:
        return ""
    title = near.get("title") or near["path"]
    text = f"{title} ({near['path']}, {near['score']:.2f})"
    return f"extend this: {text}" if gap.get("extend") else text


def _statuses(gap: dict[str, Any]) -> str:
    statuses = gap.get("statuses") or {}
    return ", ".join(f"{v} {k}" for k, v in sorted(statuses.items()) if v)


def render_csv(gaps: list[dict[str, Any]], structural: list[dict[str, Any]]) -> str:
    """One row per question of every gap topic (topic columns repeated, the question and its
    volume), then one row per structural gap. Cells a spreadsheet would run as a formula
    (customers' questions are untrusted text) are defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["kind", "topic", "label", "topic_volume", "confidence", "question", "volume",
         "nearest", "extend", "suggested_title"]
    )  # fmt: skip
    for n, g in enumerate(gaps, 1):
        volumes = g.get("volumes") or [""] * len(g["questions"])
        for question, volume in zip(g["questions"], volumes, strict=False):
            cells = [
                "questions", n, g["label"], g["volume"], g.get("confidence", ""), question,
                volume, nearest_text(g), "yes" if g.get("extend") else "", g["suggested_title"],
            ]  # fmt: skip
            writer.writerow([safe_cell(str(c)) for c in cells])
    for s in structural:
        cells = [s["kind"], "", s["label"], "", "", "; ".join(s["articles"]), "", "", "",
                 s["message"]]  # fmt: skip
        writer.writerow([safe_cell(str(c)) for c in cells])
    return buffer.getvalue()


def render_markdown(
    gaps: list[dict[str, Any]], structural: list[dict[str, Any]], coverage: dict[str, Any]
) -> str:
    lines = ["# Coverage gaps", ""]
    total = coverage.get("total_volume") or 0
    if total:
        covered = coverage.get("covered_volume", 0)
        partial = coverage.get("partial_volume", 0)
        lines += [
            f"{covered} of {total} asked questions covered ({covered / total:.0%}), "
            f"{partial} partly.",
            "",
        ]
    mode = coverage.get("mode")
    if mode == "lexical":
        lines += [
            "Matching: lexical (words and spelling). For matching by meaning install "
            "`kbaudit[semantic]` and a model (`kbaudit model download`).",
            "",
        ]
    elif mode:
        lines += [f"Matching: {mode} (words and sentence embeddings).", ""]
    lines += ["## Gap topics", ""]
    if gaps:
        header = ["#", "topic", "volume", "questions", "example questions", "nearest article",
                  "suggested title"]  # fmt: skip
        rows = []
        for n, g in enumerate(gaps, 1):
            topic = markdown.text(g["label"])
            if g.get("representative"):
                topic += f"<br>e.g. “{markdown.text(g['representative'])}”"
            examples = "<br>".join(markdown.text(q) for q in g["questions"][:EXAMPLES])
            rows.append(
                [str(n), topic, str(g["volume"]), markdown.text(_statuses(g)), examples,
                 markdown.text(nearest_text(g)), markdown.text(g["suggested_title"])]
            )  # fmt: skip
        lines += markdown.table(header, rows)
    else:
        lines += ["None: every question is covered.", ""]
    lines += ["## Structural gaps", ""]
    lines += [f"- **{s['kind']}** {s['message']}" for s in structural] or ["None."]
    return "\n".join(lines) + "\n"
