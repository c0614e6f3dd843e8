"""Start-up: `scipy.stats` is loaded on first use, not when scikit-learn is imported.

Importing scikit-learn imports `scipy.stats`, and scipy formats the docstrings of its hundred
distributions when that module loads: about 0.5 s of a 2 s audit of a small KB. The parts of
scikit-learn kbaudit uses (TF-IDF, truncated SVD, k-means, silhouette) never call into it.

`defer_scipy_stats` puts a stand-in module in `sys.modules` that loads the real one on the first
attribute it does not know. The names scikit-learn imports by name at import time (`from
scipy.stats import rankdata`) are handed out as stand-ins too, and they load the real module
when called or read. Nothing else changes: any other use of `scipy.stats`, by scikit-learn or by
a plugin, gets the real module and the real objects.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

STATS = "scipy.stats"

# What scikit-learn's modules import from scipy.stats by name: functions and distribution
# objects, used only when called. Any other name loads the real module at once.
BY_NAME = frozenset(
    {
        "bernoulli",
        "chi",
        "chi2",
        "expon",
        "gaussian_kde",
        "gmean",
        "kstest",
        "norm",
        "randint",
        "rankdata",
        "spearmanr",
        "uniform",
    }
)


def _real() -> types.ModuleType:
    """The real `scipy.stats`, loading it (once) if the stand-in still holds its place."""
    held = sys.modules.get(STATS)
    if isinstance(held, _Stats):
        del sys.modules[STATS]
        real = importlib.import_module(STATS)
        held.__dict__.update(real.__dict__)  # whoever kept the stand-in now reads the real one
        return real
    return importlib.import_module(STATS)


class _Named:
    """One name imported from scipy.stats, resolved on first use."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(_real(), self._name)(*args, **kwargs)

    def __getattr__(self, attr: str) -> Any:
        return getattr(getattr(_real(), self._name), attr)

    def __repr__(self) -> str:
        return f"<scipy.stats.{self._name}, loaded on first use>"


class _Stats(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name in BY_NAME:
            return _Named(name)
        return getattr(_real(), name)


def defer_scipy_stats() -> None:
    """Stand in for `scipy.stats` until it is used; nothing to do once it is loaded."""
    if STATS in sys.modules:
        return
    spec = importlib.util.find_spec(STATS)
    if spec is None or spec.submodule_search_locations is None:
        return
    stand_in = _Stats(STATS)
    # The import system reads these: `__spec__` on every import of the name, `__path__` for
    # `from scipy.stats import x` and for imports of its submodules.
    stand_in.__spec__ = spec
    stand_in.__path__ = list(spec.submodule_search_locations)
    stand_in.__package__ = STATS
    sys.modules[STATS] = stand_in
