"""Precision and recall of the security rules on a labelled set of leaks and look-alikes.

`tests/data/secrets_labelled.yaml` holds invented snippets: real-looking credentials and
personal data that must be reported, and documentation samples (published demo keys,
placeholders, example domains, test cards, ids in URLs) that must not be. Each snippet is one
article of a KB audited with the default security rules.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kbaudit.audit import audit
from kbaudit.config import Config

from .conftest import AS_OF

LABELLED = Path(__file__).parent / "data" / "secrets_labelled.yaml"
PRECISION_FLOOR = 0.95
RECALL_FLOOR = 0.95


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[str, bool]]]:
    """For each label, the snippets with whether the security rules reported them."""
    data = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    kb = tmp_path_factory.mktemp("labelled")
    names: dict[str, tuple[str, str]] = {}
    for label in ("leaks", "look-alikes"):
        for i, snippet in enumerate(data[label]):
            name = f"{label}-{i:02d}.md"
            (kb / name).write_text(f"# Snippet {i}\n\n{snippet}\n", encoding="utf-8")
            names[name] = (label, snippet)
    config = Config(select=["security"])
    config.as_of = AS_OF
    reported = {f.where for f in audit(kb, config).findings}
    out: dict[str, list[tuple[str, bool]]] = {"leaks": [], "look-alikes": []}
    for name, (label, snippet) in sorted(names.items()):
        out[label].append((snippet, name in reported))
    return out


def test_the_set_is_big_enough(verdicts: dict[str, list[tuple[str, bool]]]) -> None:
    assert len(verdicts["leaks"]) >= 40
    assert len(verdicts["look-alikes"]) >= 40


def test_precision_and_recall(verdicts: dict[str, list[tuple[str, bool]]]) -> None:
    caught = sum(hit for _, hit in verdicts["leaks"])
    false_alarms = [s for s, hit in verdicts["look-alikes"] if hit]
    missed = [s for s, hit in verdicts["leaks"] if not hit]
    precision = caught / (caught + len(false_alarms)) if caught else 0.0
    recall = caught / len(verdicts["leaks"])
    assert precision >= PRECISION_FLOOR, f"precision {precision:.2f}; false alarms: {false_alarms}"
    assert recall >= RECALL_FLOOR, f"recall {recall:.2f}; missed: {missed}"
