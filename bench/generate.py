"""Generate a synthetic help-center KB of Markdown articles with known duplicates and topics.

    python bench/generate.py 50000            # writes bench/data/kb-50000/
    python bench/generate.py 5000 --seed 7 --out /tmp/kb

Each article has front matter (title, category, tags, owner, updated_at), headings, lists
and a shared footer on most articles. Articles are written from one of many topics (each
topic has its own vocabulary over a shared general vocabulary, drawn Zipf-like), filed in
the topic's category (a few are misfiled). Injected on top, from distinct originals:
exact duplicates (same body, different case and spacing), near duplicates (words replaced,
a paragraph dropped, a sentence added) and conflicting near duplicates (a price or a
duration changed). `truth.json` beside the articles lists every injected pair and each
article's topic.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np

SYLLABLES = [
    "ka",
    "ri",
    "to",
    "mo",
    "na",
    "lu",
    "se",
    "vi",
    "pe",
    "do",
    "ra",
    "mi",
    "la",
    "ne",
    "ko",
    "ta",
    "fu",
    "zi",
    "be",
    "go",
    "sa",
    "ho",
    "ru",
    "je",
    "ti",
    "po",
    "ve",
    "li",
    "da",
    "no",
    "ma",
    "re",
    "su",
    "ki",
    "ga",
    "bo",
    "wa",
    "yo",
    "te",
    "ni",
]
FOOTER = [
    "Was this article helpful?",
    "Still need help? Contact Ledgerly support from the app.",
    "Ledgerly is a registered trademark. All rights reserved.",
]
VERBS = ["Set up", "Change", "Fix", "Understand", "Turn off", "Export", "Review", "Connect"]


def _words(rng: np.random.Generator, count: int, taken: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < count:
        word = "".join(rng.choice(SYLLABLES, size=int(rng.integers(2, 5))))
        if word not in taken:
            taken.add(word)
            out.append(word)
    return out


def _zipf(n: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** 1.05
    return weights / weights.sum()


class Writer:
    """Draws sentences and articles from topic and general vocabularies."""

    def __init__(self, rng: np.random.Generator, topics: int) -> None:
        taken: set[str] = set()
        self.rng = rng
        self.general = _words(rng, 4000, taken)
        self.general_cdf = np.cumsum(_zipf(len(self.general)))
        self.topic_words = [_words(rng, 160, taken) for _ in range(topics)]
        self.topic_cdf = np.cumsum(_zipf(160))
        self.categories = [f"area-{c:02d}" for c in range(max(2, topics // 3))]
        self.topic_category = [self.categories[t % len(self.categories)] for t in range(topics)]

    def sentence(self, topic: int) -> str:
        rng = self.rng
        n = int(rng.integers(8, 18))
        own = rng.random(n) < 0.45
        mine = np.minimum(np.searchsorted(self.topic_cdf, rng.random(n)), 159)
        common = np.minimum(np.searchsorted(self.general_cdf, rng.random(n)), len(self.general) - 1)
        words = [
            self.topic_words[topic][m] if o else self.general[c]
            for o, m, c in zip(own, mine, common, strict=True)
        ]
        if rng.random() < 0.15:
            words.insert(int(rng.integers(0, n)), f"${int(rng.integers(5, 500))}.00")
        elif rng.random() < 0.15:
            words.insert(int(rng.integers(0, n)), f"{int(rng.integers(2, 90))} days")
        return " ".join(words).capitalize() + "."

    def article(self, topic: int) -> tuple[str, list[str]]:
        rng = self.rng
        tw = self.topic_words[topic]
        title = f"{rng.choice(VERBS)} {' '.join(rng.choice(tw[:40], size=3, replace=False))}"
        sections = []
        for _ in range(int(rng.integers(2, 6))):
            heading = " ".join(rng.choice(tw[:60], size=2, replace=False)).capitalize()
            lines = [f"## {heading}", ""]
            for _ in range(int(rng.integers(1, 3))):
                lines.append(" ".join(self.sentence(topic) for _ in range(int(rng.integers(2, 5)))))
                lines.append("")
            if rng.random() < 0.4:
                lines += [f"- {self.sentence(topic)}" for _ in range(int(rng.integers(2, 4)))]
                lines.append("")
            sections.append("\n".join(lines))
        return title, sections


def _edit(writer: Writer, sections: list[str], topic: int, conflict: bool) -> list[str]:
    """A near duplicate: ~6% of words replaced, maybe a section dropped, a sentence added;
    for a conflict, one fact changed (or added when the text has none)."""
    rng = writer.rng
    edited = []
    for section in sections:
        words = section.split(" ")
        for i in np.nonzero(rng.random(len(words)) < 0.06)[0]:
            if not words[i].startswith(("#", "-", "$")) and "\n" not in words[i]:
                words[i] = writer.general[rng.choice(300)]
        edited.append(" ".join(words))
    if len(edited) > 3 and rng.random() < 0.5:
        edited.pop(int(rng.integers(1, len(edited))))
    edited[-1] += "\n" + writer.sentence(topic) + "\n"
    if conflict:
        for k, section in enumerate(edited):
            if "$" in section:
                start = section.index("$") + 1
                end = section.index(".", start)
                edited[k] = f"{section[:start]}{int(section[start:end]) + 10}{section[end:]}"
                break
        else:
            edited[0] += "\nRefunds reach the customer within 7 days.\n"
            sections[0] += "\nRefunds reach the customer within 3 days.\n"
    return edited


def _front(title: str, category: str, tags: list[str], owner: str, day: dt.date) -> str:
    return (
        f"---\ntitle: {title}\ncategory: {category}\ntags: [{', '.join(tags)}]\n"
        f"owner: {owner}\nupdated_at: {day.isoformat()}\n---\n"
    )


def generate(n: int, out: Path, seed: int = 0, topics: int | None = None) -> dict[str, object]:
    """Write `n` articles under `out`; return (and write) the ground truth."""
    rng = np.random.default_rng(seed)
    topics = topics or max(8, min(60, n // 250))
    writer = Writer(rng, topics)
    n_exact = n // 100
    n_near = n * 3 // 100
    n_base = n - n_exact - n_near
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    start = dt.date(2023, 1, 1)
    bodies: list[tuple[str, list[str], int]] = []
    truth: dict[str, object] = {"articles": n, "topics": {}, "pairs": []}
    topic_of: dict[str, int] = {}
    paths: list[str] = []
    for i in range(n_base):
        topic = int(rng.integers(0, topics))
        title, sections = writer.article(topic)
        bodies.append((title, sections, topic))
        category = writer.topic_category[topic]
        if rng.random() < 0.03:
            category = str(rng.choice(writer.categories))
        paths.append(f"{category}/article-{i:06d}.md")
        topic_of[paths[-1]] = topic
    originals = rng.choice(n_base, size=n_exact + n_near, replace=False)
    extra: list[tuple[str, list[str], int, int, str]] = []
    for k, base in enumerate(originals):
        title, sections, topic = bodies[base]
        if k < n_exact:
            copy = [
                s.replace("## ", "##  ").upper() if j == 0 else s for j, s in enumerate(sections)
            ]
            extra.append((title, copy, topic, int(base), "exact"))
        else:
            conflict = k < n_exact + n_near // 4
            copy = _edit(writer, sections, topic, conflict)
            extra.append(
                (title + " (new)", copy, topic, int(base), "conflict" if conflict else "near")
            )
    footer = rng.random(n_base) < 0.8
    for i, (title, sections, topic) in enumerate(bodies):
        body = "\n".join(sections) + ("\n" + "\n\n".join(FOOTER) + "\n") * bool(footer[i])
        _write(out, paths[i], writer, title, topic, body, start, rng)
    for k, (title, sections, topic, base, kind) in enumerate(extra):
        category = writer.topic_category[topic]
        path = f"{category}/copy-{k:06d}.md"
        body = "\n".join(sections) + ("\n" + "\n\n".join(FOOTER) + "\n") * bool(footer[base])
        _write(out, path, writer, title, topic, body, start, rng)
        topic_of[path] = topic
        truth["pairs"].append({"a": paths[base], "b": path, "kind": kind})  # type: ignore[attr-defined]
    truth["topics"] = topic_of
    (out.parent / f"{out.name}.truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return truth


def _write(
    out: Path,
    path: str,
    writer: Writer,
    title: str,
    topic: int,
    body: str,
    start: dt.date,
    rng: np.random.Generator,
) -> None:
    target = out / path
    target.parent.mkdir(parents=True, exist_ok=True)
    tags = list(rng.choice(writer.topic_words[topic][:20], size=2, replace=False))
    day = start + dt.timedelta(days=int(rng.integers(0, 900)))
    owner = f"team-{topic % 7}"
    category = path.split("/")[0]
    target.write_text(
        _front(title, category, tags, owner, day) + f"\n# {title}\n\n{body}", encoding="utf-8"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int, help="number of articles")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="folder (default bench/data/kb-SIZE)")
    args = parser.parse_args()
    out = args.out or Path(__file__).resolve().parent / "data" / f"kb-{args.size}"
    truth = generate(args.size, out, args.seed)
    print(f"wrote {args.size} articles to {out} ({len(truth['pairs'])} injected pairs)")


if __name__ == "__main__":
    main()
