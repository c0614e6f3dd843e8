"""A self-contained HTML report that stays light on a KB of thousands of articles: one file, no
external scripts, fonts or styles, charts drawn as inline SVG. The first screen is the scorecard
(score, grade, verdict, blockers), the dimensions worst first and the ten articles needing the
most work, all rendered on the server. Findings are embedded once as JSON and a small inline
script renders them on demand: grouped by rule or by article, collapsed, with search and filters
over the whole set; customer questions appear under their gap topic. Every piece of
article-derived text goes through the shared HTML escaping, or is cleaned of control characters
and put in the page as the DOM's textContent; the JSON escapes <, > and &, and a
Content-Security-Policy allows only the report's own script and style (by hash), so text from an
article can never run as code."""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from kbaudit.model import Finding, Severity
from kbaudit.reporters.escape import clean, html_text
from kbaudit.scorecard import SEVERITY_WEIGHT, Dimension

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


def colour(score: float | None) -> str:
    if score is None:
        return GREY
    return GREEN if score >= 80 else AMBER if score >= 60 else RED


def short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def cleaned(data: Any) -> Any:
    """Every string in lists and dicts without control characters or bidi overrides."""
    if isinstance(data, str):
        return clean(data)
    if isinstance(data, list):
        return [cleaned(x) for x in data]
    if isinstance(data, dict):
        return {k: cleaned(v) for k, v in data.items()}
    return data


def script_json(data: Any) -> str:
    """JSON safe inside a <script> element: no `</script>`, no comment or entity tricks, no
    control characters."""
    text = json.dumps(cleaned(data), ensure_ascii=False, separators=(",", ":"))
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


def hbars(rows: Sequence[tuple[str, float | None, str, str]], maximum: float, label: str) -> str:
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


def worst_first(result: AuditResult) -> list[Dimension]:
    """Measured dimensions from the lowest score up, then the ones not measured."""
    dims = list(result.scorecard.dimensions.values())
    return sorted(dims, key=lambda d: (d.score is None, d.score or 0.0))


def dimension_chart(result: AuditResult) -> str:
    dims = worst_first(result)
    height = 44 * len(dims) + 4
    parts = [
        f'<svg class="chart dims" viewBox="0 0 560 {height}" role="img" '
        'aria-label="Dimension scores, worst first">'
    ]
    for i, d in enumerate(dims):
        y = 44 * i + 4
        width = 0.0 if d.score is None else 3.6 * d.score
        shown = "not measured" if d.score is None else f"{d.score:.1f}"
        parts.append(
            f"<g><title>{e(d.name)}: {e(shown)} — {e(d.detail)}</title>"
            f'<text x="0" y="{y + 15}" class="lbl strong">{e(d.name.capitalize())}</text>'
            f'<rect x="120" y="{y + 2}" width="360" height="16" rx="4" fill="#eef1f4"/>'
            f'<rect x="120" y="{y + 2}" width="{width:.1f}" height="16" rx="4" '
            f'fill="{colour(d.score)}"/>'
            + (
                f'<text x="490" y="{y + 15}" class="val strong">{e(shown)}</text>'
                if d.score is not None
                else f'<text x="132" y="{y + 15}" class="val">{e(shown)}</text>'
            )
            + f'<text x="120" y="{y + 33}" class="note">{e(short(d.detail, 72))} · weight '
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


# --- the first screen: scorecard, dimensions worst first, articles needing most work ------


def card(title: str, body: str, extra_class: str = "", ident: str = "") -> str:
    attrs = f' id="{ident}"' if ident else ""
    return f'<section class="card {extra_class}"{attrs}><h2>{e(title)}</h2>{body}</section>'


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


def count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def plural(severity: Severity, n: int) -> str:
    word = SEVERITY_LABEL[severity].lower()
    return word if n == 1 or severity == Severity.INFO else word + "s"


def listed(result: AuditResult) -> list[Finding]:
    """The findings shown one by one: every finding except customer questions."""
    return [f for f in result.findings if not is_question(f)]


def is_question(finding: Finding) -> bool:
    return finding.article is None and isinstance(finding.data.get("question"), str)


def score_card(result: AuditResult) -> str:
    sc = result.scorecard
    severities = Counter(f.severity for f in result.findings)
    verdict = (
        '<p class="verdict ok">Ready for a support bot</p>'
        if sc.ready
        else '<p class="verdict no">Not ready for a support bot yet</p>'
    )
    blockers = "".join(f"<li>{e(b)}</li>" for b in sc.blockers)
    blockers += "".join(f'<li class="note">{e(n)}</li>' for n in sc.notes)
    kpis = [
        ("articles", result.articles, ""),
        ("findings", len(result.findings), ""),
        ("errors", severities[Severity.ERROR], " red" if severities[Severity.ERROR] else ""),
        ("warnings", severities[Severity.WARNING], ""),
    ]
    tiles = "".join(
        f'<div class="kpi"><div class="kpi-value{extra}">{n:,}</div>'
        f'<div class="kpi-label">{e(name)}</div></div>'
        for name, n, extra in kpis
    )
    return (
        f'<section class="card score"><h2 class="sr">Scorecard</h2>{gauge(sc.score, sc.grade)}'
        f"{verdict}"
        + (f'<ul class="blockers">{blockers}</ul>' if blockers else "")
        + f'<div class="kpis">{tiles}</div></section>'
    )


def needing_work(findings: Iterable[Finding], limit: int) -> list[tuple[str, list[Finding]]]:
    """Articles by the severity-weighted sum of their findings, heaviest first."""
    found: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.article is not None:
            found[f.article.ref].append(f)
    weight = {ref: sum(SEVERITY_WEIGHT[f.severity] for f in fs) for ref, fs in found.items()}
    ranked = sorted(found.items(), key=lambda kv: (-weight[kv[0]], -len(kv[1]), kv[0]))
    return ranked[:limit]


def articles_card(result: AuditResult, limit: int = 10) -> str:
    ranked = needing_work(result.findings, limit)
    if not ranked:
        return card(
            "Articles needing the most work", '<p class="empty">No article has findings.</p>'
        )
    rows = []
    for ref, found in ranked:
        article = found[0].article
        title = (article.title if article is not None else "") or "(no title)"
        severities = Counter(f.severity for f in found)
        rules = sorted({f.rule for f in found})
        rows.append(
            [
                f'<div class="clip" title="{e(title)}">{e(title)}</div>'
                f'<div class="clip sub path" title="{e(ref)}">{e(ref)}</div>',
                str(len(found)),
                " ".join(
                    f'<span class="pill {s}">{severities[s]} {plural(s, severities[s])}</span>'
                    for s in sorted(severities, reverse=True)
                ),
                f'<div class="clip code" title="{e(", ".join(rules))}">{e(", ".join(rules))}</div>',
            ]
        )
    return card(
        f"The {len(ranked)} articles needing the most work",
        table(["Article", "Findings", "Severity", "Rules"], rows, {1}),
        "worst",
    )


def first_screen(result: AuditResult) -> str:
    dims = card("Dimensions, worst first", dimension_chart(result), "dimensions")
    return (
        f'<section id="scorecard" aria-label="Scorecard"><div class="grid hero">{score_card(result)}'
        f"{dims}</div>{articles_card(result)}</section>"
    )


# --- below the fold: findings, gaps, charts, tables (collapsed) ----------------------------


def explorer(result: AuditResult) -> str:
    shown = listed(result)
    questions = len(result.findings) - len(shown)
    note = (
        f'<p class="sub">{questions:,} customer question(s) without a good answer are listed '
        'under their gap topic in <a href="#gaps">Content gaps</a>.</p>'
        if questions
        else ""
    )
    controls = (
        '<form class="controls" id="filters" autocomplete="off" hidden>'
        '<label>Group by <select name="group"><option value="rule">Rule</option>'
        '<option value="article">Article</option></select></label>'
        '<label>Severity <select name="severity"><option value="">All</option></select></label>'
        '<label>Category <select name="category"><option value="">All</option></select></label>'
        '<label>Rule <select name="rule"><option value="">All</option></select></label>'
        '<label class="grow">Search <input name="q" type="search" '
        'placeholder="Article, path, message, question…"></label>'
        '<output id="shown"></output></form>'
    )
    body = (
        f"{note}{controls}"
        '<noscript><p class="empty">The findings list needs scripting; <code class="code">'
        "kbaudit audit KB -o findings.csv</code> writes every finding.</p></noscript>"
        '<div id="groups" class="groups"></div>'
        '<button type="button" class="more" id="groups-more" hidden></button>'
    )
    if not shown:
        body = f'{note}<p class="empty">No findings. Nothing to fix.</p>'
    return card(f"Findings ({len(shown):,})", body, "findings", "findings")


def gaps_card(result: AuditResult) -> str:
    gaps: list[dict[str, Any]] = result.sections.get("gaps") or []
    questions = sum(1 for f in result.findings if is_question(f))
    if not gaps and not questions:
        return ""
    body = (
        '<p class="sub">Customer questions no article answers (or answers only in part), '
        "grouped into topics, most asked first. Open a topic for its questions.</p>"
        '<noscript><p class="empty">The gap list needs scripting; <code class="code">'
        "kbaudit gaps KB --questions FILE -o gaps.md</code> writes it.</p></noscript>"
        '<div id="gap-list" class="groups"></div>'
        '<button type="button" class="more" id="gaps-more" hidden></button>'
    )
    title = f"Content gaps ({count(len(gaps), 'topic')}, {count(questions, 'question')})"
    return card(title, body, "gaps", "gaps")


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
    cards = [age_chart(result), category_chart(result), *topic_charts(result)]
    return f'<div class="grid two">{"".join(cards)}</div>'


def folded(title: str, body: str, ident: str) -> str:
    """A card whose body stays collapsed until opened."""
    return (
        f'<details class="card fold" id="{ident}"><summary><h2>{e(title)}</h2></summary>'
        f"{body}</details>"
    )


def meter(share: float) -> str:
    return (
        '<svg class="meter" viewBox="0 0 70 8" aria-hidden="true">'
        '<rect width="70" height="8" rx="4" fill="#eef1f4"/>'
        f'<rect width="{0.7 * share:.1f}" height="8" rx="4" fill="{colour(100 - share)}"/></svg>'
    )


def categories_card(result: AuditResult) -> str:
    members: Counter[str] = Counter(a.category or "(none)" for a in result.corpus.articles)
    flagged: dict[str, set[str]] = defaultdict(set)
    per_cat: dict[str, Counter[str]] = defaultdict(Counter)
    severities: dict[str, Counter[Severity]] = defaultdict(Counter)
    for f in result.findings:
        if f.article is None:
            continue
        cat = f.article.category or "(none)"
        flagged[cat].add(f.article.ref)
        per_cat[cat][f.category] += 1
        severities[cat][f.severity] += 1
    if not members:
        return ""
    rows = []
    for cat, n in sorted(members.items(), key=lambda kv: (-len(flagged[kv[0]]) / kv[1], kv[0])):
        share = 100 * len(flagged[cat]) / n
        top = per_cat[cat].most_common(1)
        rows.append(
            [
                e(cat),
                str(n),
                f"{meter(share)}{len(flagged[cat])} ({share:.0f}%)",
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
    return folded(
        f"By KB category ({len(members):,})", table(header, rows, {1, 3, 4, 5}), "categories"
    )


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
    return folded(f"Duplicate groups ({len(groups):,})", table(header, rows, {3}), "duplicates")


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
    return folded(
        f"Fixed since the baseline ({len(entries):,})",
        table(["Rule", "Article", "Message"], rows),
        "fixed",
    )


# --- the data the script renders, embedded once --------------------------------------------

SEVERITY_INDEX = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


def report_data(result: AuditResult) -> dict[str, Any]:
    """Compact tables: rules and articles once, findings and questions as rows of indexes.

    rules: [code, name, category, summary, fix]; articles: [path, title];
    findings: [rule, severity 0-2, article or -1, line, message];
    questions: [rule, severity, gap or -1, volume, score, nearest article or -1, text, status];
    gaps: [label, volume, questions, uncovered, partial, suggested title, nearest article, score].
    """
    docs = {r.code: r for r in result.rules}
    rule_index: dict[str, int] = {}
    rules: list[list[str]] = []
    article_index: dict[str, int] = {}
    articles: list[list[str]] = []

    def rule_of(f: Finding) -> int:
        if f.rule not in rule_index:
            rule = docs.get(f.rule)
            rule_index[f.rule] = len(rules)
            rules.append(
                [
                    f.rule,
                    f.name,
                    f.category,
                    rule.summary if rule else "",
                    (rule.docs.get("fix") or "") if rule else "",
                ]
            )
        return rule_index[f.rule]

    def article_of(ref: str, title: str = "") -> int:
        if not ref:
            return -1
        if ref not in article_index:
            article_index[ref] = len(articles)
            articles.append([ref, title])
        return article_index[ref]

    gaps: list[dict[str, Any]] = result.sections.get("gaps") or []
    known: list[dict[str, Any]] = result.sections.get("questions") or []
    texts = [str(q.get("text", "")) for q in known]
    status_of = {str(q.get("text", "")): str(q.get("status", "")) for q in known}
    gap_of: dict[str, int] = {}
    for i, g in enumerate(gaps):
        for member in g.get("members") or []:
            if isinstance(member, int) and 0 <= member < len(texts):
                gap_of.setdefault(texts[member], i)

    findings: list[list[Any]] = []
    questions: list[list[Any]] = []
    # Questions most asked first (a stable sort keeps the audit's order among equals).
    ordered = sorted(
        result.findings, key=lambda f: -int(f.data.get("volume") or 0) if is_question(f) else 0
    )
    for f in ordered:
        if is_question(f):
            best = f.related[0] if f.related else None
            questions.append(
                [
                    rule_of(f),
                    SEVERITY_INDEX[f.severity],
                    gap_of.get(f.data["question"], -1),
                    f.data.get("volume") or 1,
                    best.score if best and best.score is not None else 0,
                    article_of(best.path or best.id, best.title or "") if best else -1,
                    f.data["question"],
                    status_of.get(f.data["question"]) or f.name.split(".")[-1].split("-")[0],
                ]
            )
            continue
        where = (
            article_of(f.article.ref, f.article.title)
            if f.article is not None
            else article_of(f.where)
        )
        findings.append([rule_of(f), SEVERITY_INDEX[f.severity], where, f.line or 0, f.message])

    gap_rows = []
    for g in gaps:
        near = g.get("nearest") or {}
        statuses = g.get("statuses") or {}
        gap_rows.append(
            [
                str(g.get("label", "")),
                g.get("volume", 0),
                g.get("size", 0),
                statuses.get("uncovered", 0),
                statuses.get("partial", 0),
                str(g.get("suggested_title", "")),
                article_of(str(near.get("path") or ""), str(near.get("title") or "")),
                near.get("score", 0),
                # how the nearest article stands to the topic: extend it, or nothing is close
                "extend" if g.get("extend") else "" if g.get("nearest_close", True) else "far",
                str(g.get("language") or ""),
            ]
        )
    return {
        "rules": rules,
        "articles": articles,
        "findings": findings,
        "questions": questions,
        "gaps": gap_rows,
    }


STYLE = """
:root{--ink:#1f2328;--muted:#59636e;--line:#d0d7de;--bg:#f6f8fa;--card:#fff}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 FONT}
header.top{background:#0d1b2a;color:#fff;padding:12px 0 10px}
.wrap{max-width:1180px;margin:0 auto;padding:0 24px}
header.top h1{margin:0;font-size:20px;font-weight:650;letter-spacing:-.01em;overflow-wrap:anywhere}
header.top p{margin:2px 0 0;color:#c9d1d9;font-size:14px;overflow-wrap:anywhere}
header.top nav{margin-top:2px;font-size:13px}
header.top nav a{color:#9ecbff;margin-right:14px}
main.wrap{padding-top:14px;padding-bottom:40px}
.grid{display:grid;gap:14px;margin-bottom:14px}
.grid.hero{grid-template-columns:minmax(280px,1fr) 1.6fr}
.grid.two{grid-template-columns:1fr 1fr}
@media (max-width:860px){.grid.hero,.grid.two{grid-template-columns:1fr}}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:14px 18px;
box-shadow:0 1px 2px rgba(31,35,40,.06);margin-bottom:14px;min-width:0}
.grid>.card{margin-bottom:0}
.card h2{margin:0 0 10px;font-size:17px;font-weight:650}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.score{text-align:center}
.gauge{width:100%;max-width:190px}
.gauge-score{font-size:44px;font-weight:700;fill:var(--ink)}
.gauge-sub{font-size:13px;fill:var(--muted)}
.verdict{display:inline-block;margin:4px 0 0;padding:3px 14px;border-radius:999px;font-weight:600}
.verdict.ok{background:#dafbe1;color:#116329}.verdict.no{background:#ffebe9;color:#a40e26}
.blockers{text-align:left;color:#a40e26;margin:10px 0 0;padding-left:20px;font-size:14px}
.blockers .note{color:#7a5b00}
.kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:8px;margin-top:10px}
.kpi{background:var(--bg);border-radius:8px;padding:6px 4px}
.kpi-value{font-size:18px;font-weight:700;line-height:1.2}
.kpi-value.red{color:#cf222e}
.kpi-label{color:var(--muted);font-size:12px}
.chart{width:100%;max-width:640px;height:auto;display:block;margin:0 auto}
.chart.dims{max-width:560px;margin:0}
.chart .lbl{font-size:13px;fill:var(--ink)}
.chart .small{font-size:11.5px}
.chart .val{font-size:13px;fill:var(--muted)}
.chart .strong{font-weight:650;fill:var(--ink)}
.chart .note{font-size:11.5px;fill:var(--muted)}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:14px;table-layout:auto}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);
background:var(--bg)}
.worst table{table-layout:fixed}
.worst th:nth-child(1){width:46%}.worst th:nth-child(2){width:8%}.worst th:nth-child(3){width:25%}
.worst td{padding:3px 10px;line-height:1.25}.worst td:nth-child(3){white-space:nowrap}
.worst .sub{font-size:11.5px}
.clip{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.num{text-align:right;white-space:nowrap}
tbody tr:hover{background:#f6f8fa}
.sub{color:var(--muted);font-size:12px}
.path,.code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;
overflow-wrap:anywhere}
.msg{overflow-wrap:anywhere}
.groups .msg{min-width:300px}
.path.keep{overflow-wrap:normal;white-space:nowrap}
.pill{display:inline-block;padding:0 8px;border-radius:999px;font-size:12px;font-weight:600;
white-space:nowrap;margin-right:4px}
.pill.error{background:#ffebe9;color:#a40e26}.pill.warning{background:#fff1d6;color:#7d4e00}
.pill.info{background:#ddf4ff;color:#0550ae}
.meter{width:70px;height:8px;margin-right:8px;vertical-align:middle}
.controls{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:end;margin-bottom:12px}
[hidden]{display:none!important}
.controls label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:2px}
.controls .grow{flex:1;min-width:200px}
.controls select,.controls input{font:inherit;font-size:14px;padding:5px 8px;
border:1px solid var(--line);border-radius:6px;background:#fff;color:var(--ink);max-width:260px}
.controls input{max-width:none}
.controls output{color:var(--muted);font-size:13px;margin-left:auto}
.groups details{border-top:1px solid #eaeef2}
.groups summary{cursor:pointer;padding:7px 4px;display:flex;gap:8px;align-items:baseline}
.groups summary:hover{background:#f6f8fa}
.groups summary::before{content:"▸";color:var(--muted)}
.groups details[open]>summary::before{content:"▾"}
.groups summary .name{flex:1;min-width:0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.groups summary .count{color:var(--muted);font-size:13px;white-space:nowrap}
.groups .doc{margin:4px 0 8px 22px;font-size:13.5px;color:var(--muted)}
.groups table{margin:0 0 10px}
button.more{font:inherit;font-size:13px;margin:10px 0 0;padding:5px 12px;border:1px solid var(--line);
border-radius:6px;background:#fff;color:#0969da;cursor:pointer}
details.fold>summary{cursor:pointer;list-style:none}
details.fold>summary h2{display:inline;margin:0}
details.fold>summary::before{content:"▸ ";color:var(--muted)}
details.fold[open]>summary::before{content:"▾ "}
details.fold[open]>summary{margin-bottom:10px}
.empty{color:var(--muted)}
footer{color:var(--muted);font-size:13px;margin-top:8px}
@media print{
body{background:#fff;font-size:12px}header.top{background:#fff;color:#000;padding:0 0 8px;
border-bottom:2px solid #000}header.top p{color:#333}header.top nav{display:none}
.card{box-shadow:none;break-inside:avoid}.card.findings,.card.gaps{break-inside:auto}
.controls,button.more{display:none!important}tr{break-inside:avoid}
.grid.hero,.grid.two{grid-template-columns:1fr 1fr}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
""".replace("FONT", FONT)

# Runs first: any script error is written into the page (a test reads it back).
GUARD = (
    "window.addEventListener('error',function(ev){var d=document.documentElement;"
    "d.setAttribute('data-script-error',(d.getAttribute('data-script-error')||'')+"
    "String(ev.message)+' ');});"
)

# Renders the findings and gap lists from the embedded JSON: only group headings at first, a
# group's rows when it is opened, 50 groups and 100 rows at a time. Text goes in as textContent.
SCRIPT = r"""
(function(){
'use strict';
var D=JSON.parse(document.getElementById('report-data').textContent);
var R=D.rules,A=D.articles,F=D.findings,Q=D.questions,G=D.gaps;
var SEV=['info','warning','error'],LABEL=['Info','Warning','Error'],W=[0.1,0.5,1];
var PAGE=50,ROWS=100;
var form=document.getElementById('filters');
function el(tag,cls,text){var n=document.createElement(tag);if(cls)n.className=cls;
if(text!==undefined&&text!==null)n.textContent=String(text);return n;}
function pill(s,text){return el('span','pill '+SEV[s],text===undefined?LABEL[s]:text);}
function num(n){return Number(n).toLocaleString('en');}
function article(i){var a=A[i];var box=el('div');
if(!a){box.appendChild(el('span','sub','(whole KB)'));return box;}
if(a[1])box.appendChild(el('div',null,a[1]));box.appendChild(el('div','sub path',a[0]));return box;}
function rows(d,items,cells){var wrap=el('div','scroll'),t=el('table'),tb=el('tbody'),shown=0;
var btn=el('button','more');btn.type='button';t.appendChild(tb);wrap.appendChild(t);
d.appendChild(wrap);d.appendChild(btn);
function page(){var end=Math.min(items.length,shown+ROWS);for(;shown<end;shown++){
var tr=el('tr');cells(items[shown]).forEach(function(c){var td=el('td');
if(c instanceof Node)td.appendChild(c);else td.textContent=String(c);tr.appendChild(td);});
tb.appendChild(tr);}
btn.hidden=shown>=items.length;btn.textContent='Show '+Math.min(ROWS,items.length-shown)+
' more ('+num(items.length-shown)+' left)';}
btn.addEventListener('click',page);page();}
function list(box,more,groups,head,body){box.textContent='';var shown=0;
function item(g){var d=el('details'),s=el('summary');head(s,g);d.appendChild(s);
d.addEventListener('toggle',function(){if(d.open&&!d.filled){d.filled=true;body(d,g);}});return d;}
function page(){var end=Math.min(groups.length,shown+PAGE);for(;shown<end;shown++)
box.appendChild(item(groups[shown]));more.hidden=shown>=groups.length;
more.textContent='Show '+Math.min(PAGE,groups.length-shown)+' more groups ('+
num(groups.length-shown)+' left)';}
more.onclick=page;page();}
function group(items,key){var m=new Map();items.forEach(function(f){var k=key(f),g=m.get(k);
if(!g){g={key:k,items:[],w:0,sev:[0,0,0]};m.set(k,g);}g.items.push(f);g.sev[f[1]]++;g.w+=W[f[1]];});
return Array.from(m.values());}
function top(g){return g.sev[2]?2:g.sev[1]?1:0;}
function counts(s,g,label,split){s.appendChild(el('span','count',num(g.items.length)+' '+label));
if(split)[2,1,0].forEach(function(v){if(g.sev[v])s.appendChild(pill(v,num(g.sev[v])));});}
function ruleHead(s,g){var r=R[g.key];s.appendChild(pill(top(g)));s.appendChild(el('span','code',r[0]));
s.appendChild(el('span','name',r[1]+(r[3]?' — '+r[3]:'')));counts(s,g,g.items.length===1?'finding':'findings',false);}
function ruleBody(d,g){var r=R[g.key];if(r[4])d.appendChild(el('p','doc','How to fix: '+r[4]));
rows(d,g.items,function(f){return [article(f[2]),f[3]||'',el('div','msg',f[4])];});}
function articleHead(s,g){var a=A[g.key];
s.appendChild(el('span','name',a?(a[1]?a[1]+' · '+a[0]:a[0]):'(whole KB)'));
counts(s,g,g.items.length===1?'finding':'findings',true);}
function articleBody(d,g){rows(d,g.items,function(f){var r=R[f[0]],c=el('div');
c.appendChild(el('span','code',r[0]));c.appendChild(el('div','sub',r[1]));
return [pill(f[1]),c,f[3]||'',el('div','msg',f[4])];});}
function gapHead(s,g){var x=G[g.key];s.appendChild(el('span','name',x?x[0]:'Questions outside the gap topics'));
if(x)s.appendChild(el('span','count','asked '+num(x[1])+'× · '+num(x[3])+' uncovered, '+num(x[4])+' partial'));
else s.appendChild(el('span','count',num(g.items.length)+' questions'));}
function gapBody(d,g){var x=G[g.key];if(x){var p=el('p','doc');
if(x[5])p.appendChild(el('span',null,'Suggested article: '+x[5]+'. '));
if(x[9])p.appendChild(el('span',null,'Written in a language the KB has no articles in.'));
else if(A[x[6]])p.appendChild(el('span',null,(x[8]==='extend'?'Nearest article, extend this: ':
x[8]==='far'?'No article is close; the nearest: ':'Nearest article: ')+(A[x[6]][1]||A[x[6]][0])+
' (score '+Number(x[7]).toFixed(2)+').'));d.appendChild(p);}
rows(d,g.items,function(q){var near=A[q[5]];return [el('div','msg',q[6]),num(q[3])+'×',pill(q[1],q[7]),
Number(q[4]).toFixed(2),near?el('span','path keep',near[0]):'—'];});}
function state(){var E=form.elements;return {g:E.group.value,s:E.severity.value,c:E.category.value,
r:E.rule.value,q:E.q.value.trim().toLowerCase()};}
function pass(f,st,text){var r=R[f[0]];if(st.s&&SEV[f[1]]!==st.s)return false;
if(st.c&&r[2]!==st.c)return false;if(st.r&&r[0]!==st.r)return false;
return !st.q||(r[0]+' '+r[1]+' '+text).toLowerCase().indexOf(st.q)>=0;}
function findingText(f){var a=A[f[2]];return (a?a[0]+' '+a[1]:'')+' '+f[4];}
function questionText(q){var x=G[q[2]];return q[6]+' '+(x?x[0]:'');}
var gbox=document.getElementById('groups'),gmore=document.getElementById('groups-more');
var qbox=document.getElementById('gap-list'),qmore=document.getElementById('gaps-more');
function update(){var st=state(),fs=F.filter(function(f){return pass(f,st,findingText(f));});
if(gbox){var gs;if(st.g==='article'){gs=group(fs,function(f){return f[2];});
gs.sort(function(a,b){return b.w-a.w||b.items.length-a.items.length||a.key-b.key;});
list(gbox,gmore,gs,articleHead,articleBody);}else{gs=group(fs,function(f){return f[0];});
gs.sort(function(a,b){return top(b)-top(a)||b.items.length-a.items.length||(R[a.key][0]<R[b.key][0]?-1:1);});
list(gbox,gmore,gs,ruleHead,ruleBody);}
document.getElementById('shown').textContent=num(fs.length)+' of '+num(F.length)+
' findings in '+num(gs.length)+' groups';}
if(qbox){var qs=Q.filter(function(q){return pass(q,st,questionText(q));}),by=new Map();
qs.forEach(function(q){if(!by.has(q[2]))by.set(q[2],[]);by.get(q[2]).push(q);});
var active=st.s||st.c||st.r||st.q,groups=G.map(function(x,i){return {key:i,items:by.get(i)||[]};});
if(by.has(-1))groups.push({key:-1,items:by.get(-1)});
if(active)groups=groups.filter(function(g){return g.items.length;});
list(qbox,qmore,groups,gapHead,gapBody);}}
function fill(name,values){var sel=form.elements[name];values.forEach(function(v){
var o=el('option',null,v[1]);o.value=v[0];sel.appendChild(o);});}
// Filters live in the address (#group=article&severity=error): a filtered view can be shared.
function fromHash(){location.hash.replace(/^#/,'').split('&').forEach(function(kv){
var i=kv.indexOf('=');if(i<1)return;var k=decodeURIComponent(kv.slice(0,i)),v=decodeURIComponent(kv.slice(i+1));
if(form.elements[k])form.elements[k].value=v;});}
function toHash(){var E=form.elements,parts=['group','severity','category','rule','q'].filter(function(k){
return E[k].value&&!(k==='group'&&E[k].value==='rule');}).map(function(k){
return k+'='+encodeURIComponent(E[k].value);});
try{history.replaceState(null,'',parts.length?'#'+parts.join('&'):location.pathname);}catch(err){}}
if(form){var all=F.concat(Q),seen={s:{},c:{},r:{}};all.forEach(function(f){seen.s[f[1]]=1;
seen.c[R[f[0]][2]]=1;seen.r[f[0]]=1;});
fill('severity',[2,1,0].filter(function(s){return seen.s[s];}).map(function(s){return [SEV[s],LABEL[s]];}));
fill('category',Object.keys(seen.c).sort().map(function(c){return [c,c];}));
fill('rule',Object.keys(seen.r).map(Number).sort(function(a,b){return R[a][0]<R[b][0]?-1:1;})
.map(function(i){return [R[i][0],R[i][0]+' '+R[i][1]];}));
var timer=0;form.addEventListener('input',function(){clearTimeout(timer);
timer=setTimeout(function(){update();toHash();},120);});
form.addEventListener('change',function(){clearTimeout(timer);update();toHash();});
form.addEventListener('submit',function(ev){ev.preventDefault();});
form.reset();fromHash();form.hidden=false;update();}
document.documentElement.setAttribute('data-report-script','ok');
if(window.performance&&performance.mark)performance.mark('report-ready');
})();
"""


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


CSP = (
    "default-src 'none'; "
    f"style-src {_hash(STYLE)}; img-src data:; script-src {_hash(GUARD)} {_hash(SCRIPT)}; "
    "base-uri 'none'; form-action 'none'"
)


def render(result: AuditResult) -> str:
    sc = result.scorecard
    name = result.source_path.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1] or "."
    meta = (
        f"{e(result.source_path)} · {e(result.corpus.format)} export · {result.articles:,} "
        f"articles · as of {result.config.today.isoformat()} · kbaudit {e(result.version)}"
    )
    below = [
        explorer(result),
        gaps_card(result),
        charts(result),
        categories_card(result),
        duplicates_card(result),
        fixed_card(result),
    ]
    links = [("findings", "Findings"), ("gaps", "Content gaps"), ("categories", "Categories")]
    links += [("duplicates", "Duplicates"), ("fixed", "Fixed")]
    body_text = "".join(below)
    nav = "".join(f'<a href="#{i}">{t}</a>' for i, t in links if f'id="{i}"' in body_text)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{e(CSP)}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>KB readiness {sc.score:.1f} · {e(name)}</title>"
        f"<style>{STYLE}</style><script>{GUARD}</script></head><body>"
        f'<header class="top"><div class="wrap"><h1>Knowledge base readiness: {e(name)}</h1>'
        f"<p>{meta}</p><nav>{nav}</nav></div></header>"
        f'<main class="wrap">{first_screen(result)}{body_text}'
        "<footer>Each dimension scores the share of articles without findings of its kind, "
        "weighted by severity; the readiness score is their weighted mean. Security findings at "
        "error severity block the verdict on their own.</footer></main>"
        f'<script type="application/json" id="report-data">{script_json(report_data(result))}'
        f"</script><script>{SCRIPT}</script></body></html>\n"
    )
