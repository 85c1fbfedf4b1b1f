"""Framework web pages: dispatch a file or URL to the right page reader."""

from __future__ import annotations

from pathlib import Path

from rolegraph.records import Framework
from rolegraph.report import ImportReport


def read_page(location: Path | str, report: ImportReport, *, timeout: float = 20.0) -> Framework:
    """Read a role page saved as GOV.UK text."""
    from rolegraph.sources.govuk_text import read_govuk_text

    return read_govuk_text(Path(location), report)
