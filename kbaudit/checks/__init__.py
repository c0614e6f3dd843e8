"""Built-in check kinds. Each module has `register(registry)`, the same door plugins use."""

from kbaudit.checks import inputs, quality, staleness, taxonomy

BUILTIN_MODULES = [staleness, taxonomy, quality, inputs]
