"""Errors a user can cause. The CLI turns each into one red line and exit code 2."""


class KbauditError(Exception):
    """Base class: the message says what went wrong and what to do."""

    exit_code = 2


class ConfigError(KbauditError):
    """The configuration file or a CLI option is invalid."""


class SourceError(KbauditError):
    """The export cannot be read as a whole (wrong path, unknown format, nothing readable)."""


class RuleError(KbauditError):
    """A rule pack or plugin is invalid."""
