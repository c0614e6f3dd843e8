"""Findings per rule on the real corpora, the counts `docs/precision.md` judges.

Run from the project root: `python bench/rule_counts.py [--as-of YYYY-MM-DD]`. Each corpus
under ../shared/corpora is audited with the default configuration (every rule), and the
number of findings of each rule is printed as a Markdown table; corpora that are absent are
left out. Whether a finding is worth acting on is a person's judgement: read them with
`kbaudit audit CORPUS --select RULE`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbaudit.audit import audit
from kbaudit.config import Config

CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
SAMPLES = {
    "OfficeDocs": CORPORA / "officedocs-support",
    "Zendesk": CORPORA / "export-samples" / "zendesk" / "optisigns-api-starter-pack",
    "Confluence": CORPORA / "export-samples" / "confluence" / "dlx-confluence",
    "Salesforce": CORPORA / "export-samples" / "salesforce" / "ai-for-nonprofits" / "articles.json",
    "Freshdesk": CORPORA / "export-samples" / "freshdesk" / "python-freshdesk-fixtures",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--as-of", default="2026-11-23", help="audit date (YYYY-MM-DD)")
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    counts: dict[str, Counter[str]] = {}
    sizes: dict[str, int] = {}
    for name, path in SAMPLES.items():
        if not path.exists():
            continue
        result = audit(path, Config(as_of=as_of))
        counts[name] = Counter(f.rule for f in result.findings)
        sizes[name] = result.articles
    names = list(counts)
    rules = sorted({rule for found in counts.values() for rule in found})
    print("| rule | " + " | ".join(f"{n} ({sizes[n]:,})" for n in names) + " |")
    print("| --- |" + " --- |" * len(names))
    for rule in rules:
        print(f"| {rule} | " + " | ".join(str(counts[n][rule] or "") for n in names) + " |")


if __name__ == "__main__":
    main()
