"""A self-contained HTML report: one file, no external scripts, fonts or styles, charts drawn as
inline SVG, a findings table that a small inline script filters and sorts (a plain table
without scripting). Every piece of article-derived text goes through html.escape; the data for
the script is JSON with <, > and & escaped, and a Content-Security-Policy allows only the
report's own scripts (by hash), so text from an article can never run as code."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from kbaudit.model import Finding, Severity
from kbaudit.reporters.escape import html_text
from kbaudit.scorecard import SEVERITY_WEIGHT

if TYPE_CHECKING:
    from kbaudit.audit import AuditResult

GREEN, AMBER, RED, GREY, BLUE = "#1a7f37", "#c77c02", "#cf222e", "#8c959f", "#0969da"
SEVERITY_COLOUR = {Severity.ERROR: RED, Severity.WARNING: AMBER, Severity.INFO: BLUE}
SEVERITY_LABEL = {Severity.ERROR: "Error", Severity.WARNING: "Warning", Severity.INFO: "Info"}
AGE_BINS = (
    (90, "< 3 months", GREEN),
    (180, "3–6 months", GREEN),
    (365, "6–12 months", AMBER),
    (730, "1–2 years", RED),
    (None, "2+ years", RED),
)
FONT = (
    "system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif,"
    "'Apple Color Emoji','Segoe UI Emoji'"
)


def e(value: object) -> str:
    """Escape any text for HTML content and attribute values (the shared HTML escaping)."""
    return html_text(value)


def prose(value: str) -> str:
    """Rule docs as HTML: escaped first, then `code` spans shown as code."""
    return re.sub(r"`([^`]+)`", r'<code class="code">\1</code>', e(value))


def colour(score: float | None) -> str:
    if score is None:
        return GREY
    return GREEN if score >= 80 else AMBER if score >= 60 else RED


def short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def script_json(data: Any) -> str:
    """JSON safe inside a <script> element: no `</script>`, no comment or entity tricks."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


# --- charts (inline SVG) -----------------------------------------------------------------


def gauge(score: float, grade: str) -> str:
    arc = "M 20 120 A 90 90 0 0 1 200 120"
    value = max(0.0, min(100.0, score))
    return (
        f'<svg class="gauge" viewBox="0 0 220 140" role="img" '
        f'aria-label="Readiness score {score:.1f} out of 100, grade {e(grade)}">'
        f'<path d="{arc}" fill="none" stroke="#e6e8eb" stroke-width="18" stroke-linecap="round"/>'
        f'<path d="{arc}" fill="none" stroke="{colour(score)}" stroke-width="18" '
        f'stroke-linecap="round" pathLength="100" stroke-dasharray="{value:.1f} 100"/>'
        f'<text x="110" y="105" text-anchor="middle" class="gauge-score">{score:.1f}</text>'
        f'<text x="110" y="133" text-anchor="middle" class="gauge-sub">out of 100 · grade '
        f"{e(grade)}</text></svg>"
    )


def hbars(rows: list[tuple[str, float | None, str, str]], maximum: float, label: str) -> str:
    """Horizontal bars: (label, value or None, colour, text shown after the bar)."""
    height = 30 * len(rows) + 6
    parts = [f'<svg class="chart" viewBox="0 0 560 {height}" role="img" aria-label="{e(label)}">']
    for i, (name, value, fill, shown) in enumerate(rows):
        y = 30 * i + 4
        width = 0.0 if value is None or maximum <= 0 else 300 * value / maximum
        parts.append(
            f"<g><title>{e(name)}: {e(shown)}</title>"
            f'<text x="0" y="{y + 16}" class="lbl">{e(short(name, 26))}</text>'
            f'<rect x="190" y="{y + 3}" width="300" height="18" rx="4" fill="#eef1f4"/>'
            f'<rect x="190" y="{y + 3}" width="{width:.1f}" height="18" rx="4" fill="{fill}"/>'
            f'<text x="498" y="{y + 16}" class="val">{e(shown)}</text></g>'
        )
    return "".join(parts) + "</svg>"


def dimension_chart(result: AuditResult) -> str:
    dims = list(result.scorecard.dimensions.values())
    height = 50 * len(dims) + 4
    parts = [
        f'<svg class="chart" viewBox="0 0 560 {height}" role="img" aria-label="Dimension scores">'
    ]
    for i, d in enumerate(dims):
        y = 50 * i + 4
        width = 0.0 if d.score is None else 3.6 * d.score
        shown = "not measured" if d.score is None else f"{d.score:.1f}"
        parts.append(
            f"<g><title>{e(d.name)}: {e(shown)} — {e(d.detail)}</title>"
            f'<text x="0" y="{y + 17}" class="lbl strong">{e(d.name.capitalize())}</text>'
            f'<rect x="130" y="{y + 4}" width="360" height="18" rx="4" fill="#eef1f4"/>'
            f'<rect x="130" y="{y + 4}" width="{width:.1f}" height="18" rx="4" '
            f'fill="{colour(d.score)}"/>'
            + (
                f'<text x="498" y="{y + 17}" class="val strong">{e(shown)}</text>'
                if d.score is not None
                else f'<text x="142" y="{y + 17}" class="val">{e(shown)}</text>'
            )
            + f'<text x="130" y="{y + 38}" class="note">{e(short(d.detail, 70))} · weight '
            f"{d.weight:.2f}</text></g>"
        )
    return "".join(parts) + "</svg>"


def columns(bins: list[tuple[str, int, str]], label: str) -> str:
    """Vertical bars with their count above and label below."""
    top = max((n for _, n, _ in bins), default=0) or 1
    step = 540 / max(len(bins), 1)
    parts = [f'<svg class="chart" viewBox="0 0 560 220" role="img" aria-label="{e(label)}">']
    parts.append('<line x1="10" y1="180" x2="550" y2="180" stroke="#d0d7de"/>')
    for i, (name, n, fill) in enumerate(bins):
        x = 10 + i * step + step * 0.15
        h = 150 * n / top
        parts.append(
            f"<g><title>{e(name)}: {n} articles</title>"
            f'<rect x="{x:.1f}" y="{180 - h:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
            f'rx="3" fill="{fill}"/>'
            f'<text x="{x + step * 0.35:.1f}" y="{172 - h:.1f}" text-anchor="middle" '
            f'class="val">{n}</text>'
            f'<text x="{x + step * 0.35:.1f}" y="200" text-anchor="middle" class="lbl small">'
            f"{e(name)}</text></g>"
        )
    return "".join(parts) + "</svg>"


def stacked(rows: list[tuple[str, Counter[Severity]]], label: str) -> str:
    top = max((sum(c.values()) for _, c in rows), default=0) or 1
    height = 30 * len(rows) + 34
    parts = [f'<svg class="chart" viewBox="0 0 560 {height}" role="img" aria-label="{e(label)}">']
    for i, (name, counts) in enumerate(rows):
        y = 30 * i + 4
        x = 130.0
        total = sum(counts.values())
        detail = ", ".join(f"{counts[s]} {s}" for s in sorted(counts, reverse=True))
        parts.append(
            f"<g><title>{e(name)}: {e(detail)}</title>"
            f'<text x="0" y="{y + 16}" class="lbl">{e(short(name, 18))}</text>'
        )
        for severity in sorted(counts, reverse=True):
            w = 360 * counts[severity] / top
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="18" '
                f'fill="{SEVERITY_COLOUR[severity]}"/>'
            )
            x += w
        parts.append(f'<text x="{x + 8:.1f}" y="{y + 16}" class="val">{total}</text></g>')
    y = 30 * len(rows) + 14
    for j, severity in enumerate(sorted(SEVERITY_COLOUR, reverse=True)):
        parts.append(
            f'<rect x="{130 + j * 100}" y="{y}" width="12" height="12" rx="2" '
            f'fill="{SEVERITY_COLOUR[severity]}"/>'
            f'<text x="{148 + j * 100}" y="{y + 11}" class="lbl small">'
            f"{SEVERITY_LABEL[severity]}</text>"
        )
    return "".join(parts) + "</svg>"


def topic_map(topics: list[dict[str, Any]]) -> str:
    points = [
        t
        for t in topics
        if isinstance(t.get("x"), int | float)
        and isinstance(t.get("y"), int | float)
        and math.isfinite(t["x"])
        and math.isfinite(t["y"])
    ]
    if not points:
        return ""
    xs, ys = [float(t["x"]) for t in points], [float(t["y"]) for t in points]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    biggest = max(_size(t) for t in points) or 1
    parts = ['<svg class="chart" viewBox="0 0 560 360" role="img" aria-label="Topic map">']
    parts.append('<rect x="0" y="0" width="560" height="360" rx="8" fill="#f6f8fa"/>')
    palette = ("#0969da", "#8250df", "#1a7f37", "#bf3989", "#c77c02", "#0a7ea4", "#6e7781")
    for i, t in enumerate(sorted(points, key=lambda t: -_size(t))):
        cx = 60 + 440 * (float(t["x"]) - min(xs)) / span_x
        cy = 320 - 280 * (float(t["y"]) - min(ys)) / span_y
        r = 6 + 26 * math.sqrt(_size(t) / biggest)
        name = str(t.get("label", ""))
        parts.append(
            f"<g><title>{e(name)} ({_size(t)} articles)</title>"
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{palette[i % len(palette)]}" '
            f'fill-opacity="0.55" stroke="#fff"/>'
            f'<text x="{cx:.1f}" y="{cy + r + 13:.1f}" text-anchor="middle" class="lbl small">'
            f"{e(short(name, 24))}</text></g>"
        )
    return "".join(parts) + "</svg>"


def _size(topic: dict[str, Any]) -> int:
    size = topic.get("size")
    return int(size) if isinstance(size, int | float) else len(topic.get("articles") or [])


# --- sections ---------------------------------------------------------------------------


def card(title: str, body: str, extra_class: str = "") -> str:
    return f'<section class="card {extra_class}"><h2>{e(title)}</h2>{body}</section>'


def table(header: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(
        f"<th{' class=num' if i in numeric else ''}>{e(h)}</th>" for i, h in enumerate(header)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=num' if i in numeric else ''}>{c}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def pill(severity: Severity) -> str:
    return f'<span class="pill {severity}">{SEVERITY_LABEL[severity]}</span>'


def hero(result: AuditResult) -> str:
    sc = result.scorecard
    severities = Counter(f.severity for f in result.findings)
    affected = len({f.article.ref for f in result.findings if f.article is not None})
    verdict = (
        '<p class="verdict ok">Ready for a support bot</p>'
        if sc.ready
        else '<p class="verdict no">Not ready for a support bot yet</p>'
    )
    blockers = "".join(f"<li>{e(b)}</li>" for b in sc.blockers)
    blockers += "".join(f'<li class="note">{e(n)}</li>' for n in sc.notes)
    score_card = (
        f'<section class="card score">{gauge(sc.score, sc.grade)}{verdict}'
        + (f'<ul class="blockers">{blockers}</ul>' if blockers else "")
        + "</section>"
    )
    kpis = [
        ("Articles", str(result.articles), ""),
        ("Findings", str(len(result.findings)), ""),
        ("Errors", str(severities[Severity.ERROR]), "red" if severities[Severity.ERROR] else ""),
        ("Warnings", str(severities[Severity.WARNING]), ""),
        (
            "Articles with findings",
            f"{affected}",
            f"{100 * affected // max(result.articles, 1)}% of the KB",
        ),
        ("Duplicate groups", str(len(result.sections.get("duplicates") or [])), ""),
    ]
    if "topics" in result.sections:
        kpis.append(("Topics", str(len(result.sections["topics"])), ""))
    if result.sections.get("gaps"):
        kpis.append(("Content gaps", str(len(result.sections["gaps"])), ""))
    tiles = "".join(
        f'<div class="kpi"><div class="kpi-value{" red" if note == "red" else ""}">{e(value)}'
        f'</div><div class="kpi-label">{e(name)}</div>'
        + (f'<div class="kpi-note">{e(note)}</div>' if note and note != "red" else "")
        + "</div>"
        for name, value, note in kpis
    )
    return f'<div class="grid hero">{score_card}{card("At a glance", f"<div class=kpis>{tiles}</div>")}</div>'


def age_chart(result: AuditResult) -> str:
    today = result.config.today
    counts = [0] * (len(AGE_BINS) + 1)
    for article in result.corpus.articles:
        if article.updated_at is None:
            counts[-1] += 1
            continue
        days = (today - article.updated_at).days
        counts[
            next(i for i, (limit, *_) in enumerate(AGE_BINS) if limit is None or days < limit)
        ] += 1
    bins = [(name, counts[i], fill) for i, (_, name, fill) in enumerate(AGE_BINS)]
    if counts[-1]:
        bins.append(("no date", counts[-1], GREY))
    return card("Article age (last update)", columns(bins, "Articles by age of their last update"))


def category_chart(result: AuditResult) -> str:
    counts: dict[str, Counter[Severity]] = defaultdict(Counter)
    for f in result.findings:
        counts[f.category][f.severity] += 1
    if not counts:
        return card("Findings per category", '<p class="empty">No findings.</p>')
    rows = sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    return card("Findings per category", stacked(rows, "Findings per category by severity"))


def topic_charts(result: AuditResult) -> list[str]:
    """Topic sizes, and the topic map when the topics carry x/y coordinates."""
    topics: list[dict[str, Any]] = result.sections.get("topics") or []
    if not topics:
        return []
    ranked = sorted(topics, key=lambda t: (-_size(t), str(t.get("label", ""))))[:12]
    top = max(_size(t) for t in ranked) or 1
    rows = [(str(t.get("label", "")), float(_size(t)), BLUE, str(_size(t))) for t in ranked]
    out = [card("Topic sizes (articles)", hbars(rows, top, "Articles per topic"))]
    if mapped := topic_map(topics):
        out.append(card("Topic map", mapped))
    return out


def charts(result: AuditResult) -> str:
    cards = [
        card("Readiness by dimension", dimension_chart(result)),
        age_chart(result),
        category_chart(result),
        *topic_charts(result),
    ]
    return f'<div class="grid two">{"".join(cards)}</div>'


def rules_card(result: AuditResult) -> str:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_rule[f.rule].append(f)
    if not by_rule:
        return ""
    docs = {r.code: r for r in result.rules}
    order = sorted(by_rule.items(), key=lambda kv: (-kv[1][0].severity, -len(kv[1]), kv[0]))
    rows = []
    for code, found in order:
        rule = docs.get(code)
        fix = (rule.docs.get("fix") or "") if rule else ""
        rows.append(
            [
                pill(found[0].severity),
                f'<span class="code">{e(code)}</span><div class="sub">{e(found[0].name)}</div>',
                str(len(found)),
                prose(rule.summary if rule else found[0].name),
                prose(fix),
            ]
        )
    header = ["Severity", "Rule", "Findings", "What it means", "How to fix"]
    return card("What to fix first", table(header, rows, {2}))


def categories_card(result: AuditResult) -> str:
    members: Counter[str] = Counter(a.category or "(none)" for a in result.corpus.articles)
    flagged: dict[str, set[str]] = defaultdict(set)
    weight: Counter[str] = Counter()
    per_cat: dict[str, Counter[str]] = defaultdict(Counter)
    severities: dict[str, Counter[Severity]] = defaultdict(Counter)
    for f in result.findings:
        if f.article is None:
            continue
        cat = f.article.category or "(none)"
        flagged[cat].add(f.article.ref)
        per_cat[cat][f.category] += 1
        severities[cat][f.severity] += 1
        weight[cat] += SEVERITY_WEIGHT[f.severity]
    if not members:
        return ""
    rows = []
    for cat, n in sorted(members.items(), key=lambda kv: (-len(flagged[kv[0]]) / kv[1], kv[0])):
        share = 100 * len(flagged[cat]) / n
        healthy = 100 - share
        top = per_cat[cat].most_common(1)
        rows.append(
            [
                e(cat),
                str(n),
                f'<div class="meter"><span style="width:{share:.0f}%;background:'
                f'{colour(healthy)}"></span></div>{len(flagged[cat])} ({share:.0f}%)',
                str(severities[cat][Severity.ERROR]),
                str(severities[cat][Severity.WARNING]),
                str(severities[cat][Severity.INFO]),
                e(f"{top[0][0]} ({top[0][1]})") if top else "—",
            ]
        )
    header = [
        "KB category",
        "Articles",
        "With findings",
        "Errors",
        "Warnings",
        "Info",
        "Top problem",
    ]
    return card("By KB category", table(header, rows, {1, 3, 4, 5}))


def gaps_card(result: AuditResult) -> str:
    gaps: list[dict[str, Any]] = result.sections.get("gaps") or []
    if not gaps:
        return ""

    def asked(g: dict[str, Any]) -> str:
        statuses = g.get("statuses") or {}
        parts = [f"{n} {s}" for s, n in sorted(statuses.items()) if n]
        detail = f'<div class="sub">{e(g.get("size", ""))} questions: {e(", ".join(parts))}</div>'
        return f"{e(g.get('volume', ''))}{detail if parts else ''}"

    def nearest(g: dict[str, Any]) -> str:
        near = g.get("nearest") or {}
        where = near.get("path") or near.get("title")
        if not where:
            return "—"
        score = near.get("score")
        shown = f'<div class="sub">score {score:.2f}</div>' if isinstance(score, float) else ""
        return f'<span class="path">{e(where)}</span>{shown}'

    rows = [
        [
            f"<strong>{e(g.get('label', ''))}</strong>",
            asked(g),
            e(g.get("suggested_title", "")),
            "<br>".join(e(q) for q in (g.get("questions") or [])[:3]),
            nearest(g),
        ]
        for g in gaps
    ]
    header = [
        "Gap topic",
        "Times asked",
        "Suggested article",
        "Example questions",
        "Nearest article (to extend)",
    ]
    return card("Content gaps: questions the KB does not answer", table(header, rows, {1}))


def duplicates_card(result: AuditResult) -> str:
    groups: list[dict[str, Any]] = result.sections.get("duplicates") or []
    if not groups:
        return ""
    rows = []
    for g in groups:
        similarity = g.get("similarity")
        rows.append(
            [
                f'<span class="path">{e(g.get("canonical", ""))}</span>',
                "<br>".join(f'<span class="path">{e(m)}</span>' for m in g.get("members") or []),
                e(g.get("kind", "")),
                f"{similarity:.2f}" if isinstance(similarity, int | float) else "—",
                e(g.get("reason", "")),
            ]
        )
    header = ["Keep", "Duplicates", "Kind", "Similarity", "Why"]
    return card("Duplicate groups", table(header, rows, {3}))


def fixed_card(result: AuditResult) -> str:
    entries: list[dict[str, str]] = result.sections.get("fixed") or []
    if not entries:
        return ""
    rows = [
        [
            f'<span class="code">{e(x["rule"])}</span>',
            f'<span class="path">{e(x["article"])}</span>',
            e(x["message"]),
        ]
        for x in entries
    ]
    return card(
        f"Fixed since the baseline ({len(entries)})", table(["Rule", "Article", "Message"], rows)
    )


def findings_card(result: AuditResult) -> str:
    rows = []
    for i, f in enumerate(result.findings):
        article = (
            f'{e(f.article.title)}<div class="sub path">{e(f.where)}</div>'
            if f.article is not None
            else f'<span class="path">{e(f.where or "—")}</span>'
        )
        rows.append(
            f'<tr data-i="{i}"><td>{pill(f.severity)}</td>'
            f'<td><span class="code">{e(f.rule)}</span><div class="sub">{e(f.name)}</div></td>'
            f"<td>{e(f.category)}</td><td>{article}</td>"
            f'<td class="num">{f.line or ""}</td><td class="msg">{e(f.message)}</td></tr>'
        )
    if not rows:
        return card("Findings", '<p class="empty">No findings. Nothing to fix.</p>')
    keys = ["severity", "rule", "category", "article", "line", "message"]
    head = "".join(
        f'<th data-key="{k}"{" class=num" if k == "line" else ""}>{k.capitalize()}</th>'
        for k in keys
    )
    controls = (
        '<form class="controls" id="filters" hidden>'
        '<label>Category <select name="category"><option value="">All</option></select></label>'
        '<label>Severity <select name="severity"><option value="">All</option></select></label>'
        '<label>Rule <select name="rule"><option value="">All</option></select></label>'
        '<label class="grow">Search <input name="q" type="search" '
        'placeholder="Article, message…"></label>'
        '<output id="shown"></output></form>'
    )
    body = (
        f'{controls}<div class="scroll"><table id="findings"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    return card(f"All findings ({len(rows)})", body, "findings")


def findings_data(result: AuditResult) -> dict[str, Any]:
    return {
        "findings": [
            {
                "severity": str(f.severity),
                "rank": int(f.severity),
                "rule": f.rule,
                "category": f.category,
                "article": f.where,
                "title": f.article.title if f.article else "",
                "line": f.line or 0,
                "message": f.message,
            }
            for f in result.findings
        ]
    }


STYLE = """
:root{--ink:#1f2328;--muted:#59636e;--line:#d0d7de;--bg:#f6f8fa;--card:#fff}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 FONT}
header.top{background:#0d1b2a;color:#fff;padding:28px 0 24px}
.wrap{max-width:1180px;margin:0 auto;padding:0 24px}
header.top h1{margin:0;font-size:26px;font-weight:650;letter-spacing:-.01em}
header.top p{margin:6px 0 0;color:#c9d1d9}
main.wrap{padding-top:24px;padding-bottom:40px}
.grid{display:grid;gap:20px;margin-bottom:20px}
.grid.hero{grid-template-columns:minmax(260px,1fr) 2fr}
.grid.two{grid-template-columns:1fr 1fr}
.grid.one{grid-template-columns:1fr}
@media (max-width:860px){.grid.hero,.grid.two{grid-template-columns:1fr}}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:20px 22px;
box-shadow:0 1px 2px rgba(31,35,40,.06);margin-bottom:20px;min-width:0}
.grid>.card{margin-bottom:0}
.card h2{margin:0 0 14px;font-size:17px;font-weight:650}
.score{text-align:center}
.gauge{width:100%;max-width:280px}
.gauge-score{font-size:44px;font-weight:700;fill:var(--ink)}
.gauge-sub{font-size:13px;fill:var(--muted)}
.verdict{display:inline-block;margin:8px 0 0;padding:4px 14px;border-radius:999px;font-weight:600}
.verdict.ok{background:#dafbe1;color:#116329}.verdict.no{background:#ffebe9;color:#a40e26}
.blockers{text-align:left;color:#a40e26;margin:12px 0 0;padding-left:20px;font-size:14px}
.blockers .note{color:#7a5b00}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px}
.kpi{background:var(--bg);border-radius:10px;padding:12px 14px}
.kpi-value{font-size:28px;font-weight:700;line-height:1.2}
.kpi-value.red{color:#cf222e}
.kpi-label{color:var(--muted);font-size:13px}
.kpi-note{color:var(--muted);font-size:12px}
.chart{width:100%;max-width:640px;height:auto;display:block;margin:0 auto}
.chart .lbl{font-size:13px;fill:var(--ink)}
.chart .small{font-size:11.5px}
.chart .val{font-size:13px;fill:var(--muted)}
.chart .strong{font-weight:650;fill:var(--ink)}
.chart .note{font-size:11.5px;fill:var(--muted)}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);
background:var(--bg);position:sticky;top:0}
.num{text-align:right;white-space:nowrap}
tbody tr:hover{background:#f6f8fa}
.sub{color:var(--muted);font-size:12px}
.path,.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;
overflow-wrap:anywhere}
.msg{overflow-wrap:anywhere;max-width:520px}
.pill{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:600;
white-space:nowrap}
.pill.error{background:#ffebe9;color:#a40e26}.pill.warning{background:#fff1d6;color:#7d4e00}
.pill.info{background:#ddf4ff;color:#0550ae}
.meter{display:inline-block;width:70px;height:8px;background:#eef1f4;border-radius:4px;
margin-right:8px;vertical-align:middle;overflow:hidden}
.meter span{display:block;height:100%}
.controls{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:end;margin-bottom:12px}
[hidden]{display:none!important}
.controls label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:2px}
.controls .grow{flex:1;min-width:200px}
.controls select,.controls input{font:inherit;font-size:14px;padding:5px 8px;
border:1px solid var(--line);border-radius:6px;background:#fff;color:var(--ink)}
.controls output{color:var(--muted);font-size:13px;margin-left:auto}
th[data-key]{cursor:pointer;user-select:none}
th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
.empty{color:var(--muted)}
footer{color:var(--muted);font-size:13px;margin-top:8px}
@media print{
body{background:#fff;font-size:12px}header.top{background:#fff;color:#000;padding:0 0 8px;
border-bottom:2px solid #000}header.top p{color:#333}
.card{box-shadow:none;break-inside:avoid}.card.findings{break-inside:auto}
.controls{display:none!important}th{position:static}tr{break-inside:avoid}
.grid.hero,.grid.two{grid-template-columns:1fr 1fr}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
""".replace("FONT", FONT)

# Runs first: any script error is written into the page (a test reads it back).
GUARD = (
    "window.addEventListener('error',function(ev){var d=document.documentElement;"
    "d.setAttribute('data-script-error',(d.getAttribute('data-script-error')||'')+"
    "String(ev.message)+' ');});"
)

SCRIPT = r"""
(function(){
var data=JSON.parse(document.getElementById('report-data').textContent).findings;
var table=document.getElementById('findings');
var form=document.getElementById('filters');
if(table&&form){
var tbody=table.tBodies[0];
var rows=Array.prototype.slice.call(tbody.rows);
function fill(name,values){var sel=form.elements[name];values.forEach(function(v){
var o=document.createElement('option');o.value=v;o.textContent=v;sel.appendChild(o);});}
function uniq(key){var seen={};data.forEach(function(f){seen[f[key]]=1;});
return Object.keys(seen).sort();}
fill('category',uniq('category'));
fill('severity',['error','warning','info'].filter(function(s){return uniq('severity').indexOf(s)>=0;}));
fill('rule',uniq('rule'));
function apply(){var c=form.elements.category.value,s=form.elements.severity.value,
r=form.elements.rule.value,q=form.elements.q.value.toLowerCase(),n=0;
rows.forEach(function(row){var f=data[+row.getAttribute('data-i')];
var ok=(!c||f.category===c)&&(!s||f.severity===s)&&(!r||f.rule===r)&&
(!q||(f.article+' '+f.title+' '+f.message+' '+f.rule).toLowerCase().indexOf(q)>=0);
row.hidden=!ok;if(ok)n++;});
document.getElementById('shown').textContent='Showing '+n+' of '+rows.length;}
// Filters live in the address (#severity=error&rule=SEC001): a filtered view can be shared.
function fromHash(){var h=location.hash.replace(/^#/,'');h.split('&').forEach(function(kv){
var i=kv.indexOf('='),k=decodeURIComponent(kv.slice(0,i)),v=decodeURIComponent(kv.slice(i+1));
if(i>0&&form.elements[k])form.elements[k].value=v;});}
function toHash(){var parts=['category','severity','rule','q'].filter(function(k){
return form.elements[k].value;}).map(function(k){
return k+'='+encodeURIComponent(form.elements[k].value);});
try{history.replaceState(null,'',parts.length?'#'+parts.join('&'):location.pathname);}catch(err){}}
form.addEventListener('input',function(){apply();toHash();});form.addEventListener('submit',function(ev){ev.preventDefault();});
var keys={severity:function(f){return -f.rank;},rule:function(f){return f.rule;},
category:function(f){return f.category;},article:function(f){return f.article;},
line:function(f){return f.line;},message:function(f){return f.message.toLowerCase();}};
Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th){
th.setAttribute('tabindex','0');
function sort(){var key=keys[th.getAttribute('data-key')];
var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;
Array.prototype.forEach.call(table.tHead.rows[0].cells,function(o){o.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',dir>0?'ascending':'descending');
rows.sort(function(a,b){var x=key(data[+a.getAttribute('data-i')]),
y=key(data[+b.getAttribute('data-i')]);
return (x<y?-1:x>y?1:(+a.getAttribute('data-i'))-(+b.getAttribute('data-i')))*dir;});
rows.forEach(function(row){tbody.appendChild(row);});}
th.addEventListener('click',sort);
th.addEventListener('keydown',function(ev){if(ev.key==='Enter'||ev.key===' '){ev.preventDefault();sort();}});});
fromHash();form.hidden=false;apply();}
document.documentElement.setAttribute('data-report-script','ok');
})();
"""


def _hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def render(result: AuditResult) -> str:
    sc = result.scorecard
    name = result.source_path.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1] or "."
    meta = (
        f"{e(result.source_path)} · {e(result.corpus.format)} export · {result.articles} articles"
        f" · as of {result.config.today.isoformat()}"
    )
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src {_hash(GUARD)} {_hash(SCRIPT)}; base-uri 'none'; form-action 'none'"
    )
    body = [
        hero(result),
        charts(result),
        rules_card(result),
        gaps_card(result),
        categories_card(result),
        duplicates_card(result),
        fixed_card(result),
        findings_card(result),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{e(csp)}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>KB readiness {sc.score:.1f} · {e(name)}</title>"
        f"<style>{STYLE}</style><script>{GUARD}</script></head><body>"
        f'<header class="top"><div class="wrap"><h1>Knowledge base readiness: {e(name)}</h1>'
        f"<p>{meta}</p></div></header>"
        f'<main class="wrap">{"".join(body)}'
        f"<footer>Generated by kbaudit {e(result.version)}. Each dimension scores the share of "
        "articles without findings of its kind, weighted by severity; the readiness score is "
        "their weighted mean. Security findings at error severity block the verdict on their "
        "own.</footer></main>"
        f'<script type="application/json" id="report-data">{script_json(findings_data(result))}'
        f"</script><script>{SCRIPT}</script></body></html>\n"
    )
