"""kbaudit: audit a help-center knowledge base before a support bot reads it."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kbaudit")  # from the git tag the package was built at
except PackageNotFoundError:  # run from a source tree that is not installed
    __version__ = "0.1.0"
