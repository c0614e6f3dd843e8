"""Built-in check kinds. Each module has `register(registry)`, the same door plugins use."""

from kbaudit.checks import (
    coverage,
    duplicates,
    inputs,
    quality,
    staleness,
    taxonomy,
    topics,
    translations,
)

BUILTIN_MODULES = [staleness, taxonomy, quality, inputs, duplicates, topics, coverage, translations]
