"""The package's version, in one place (read by the CLI, the explorer and the page fetcher)."""

__version__ = "0.1.0"
