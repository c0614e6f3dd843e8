"""kbaudit: audit a help-center knowledge base before a support bot reads it."""

try:  # written when the package is built or installed, from the git tag it was built at
    from kbaudit._version import __version__
except ImportError:  # run from a source tree that is not installed
    __version__ = "0.1.0"
