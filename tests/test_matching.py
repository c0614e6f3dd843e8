"""The selection of each question's best articles: the same as sorting every score."""

from __future__ import annotations

import numpy as np
import pytest

from kbaudit.analysis.matching import best_k


@pytest.mark.parametrize("seed", range(6))
def test_best_k_equals_a_full_sort(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows, n = int(rng.integers(1, 40)), int(rng.integers(1, 4000))
    scores = np.round(rng.random((rows, n)), 2).astype(np.float32)  # many ties
    scores[rng.random((rows, n)) < 0.6] = 0  # zero scores are never chosen
    for k in (0, 1, 3, 10, 50):
        got_rows, got_cols, got_vals = best_k(scores, k)
        for row in range(rows):
            positive = np.flatnonzero(scores[row] > 0)
            order = np.lexsort((positive, -scores[row, positive]))[:k]
            want = positive[order]
            assert got_cols[got_rows == row].tolist() == want.tolist()
            assert got_vals[got_rows == row].tolist() == scores[row, want].tolist()


def test_best_k_of_a_row_without_scores_is_empty() -> None:
    rows, cols, vals = best_k(np.zeros((3, 500), dtype=np.float32), 5)
    assert len(rows) == len(cols) == len(vals) == 0
