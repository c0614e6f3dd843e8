"""kbaudit: audit a help-center knowledge base before a support bot reads it."""

__version__ = "0.1.0"
