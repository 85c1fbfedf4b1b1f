"""The output formats of the analysis commands, written once for every result.

A result's report (:mod:`rolegraph.cli.reports`) gives its data as a JSON dict and as a
list of blocks (headings, paragraphs, tables); :func:`show` turns a report into the format
asked for: ``json``, or text as a ``table``, Markdown (``md``) or ``csv``. The last step
of a command: parse, call, render, exit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from rolegraph.cli.options import emit
from rolegraph.util.render import Cell, md_text, render, render_json
from rolegraph.util.text import printable


@dataclass(frozen=True)
class Heading:
    """A title: a Markdown heading of ``level``; plain text in a table."""

    text: str
    level: int = 3
    only: tuple[str, ...] = ()  # the formats showing it; empty for all


@dataclass(frozen=True)
class Para:
    """A paragraph, escaped for Markdown, unless ``md`` gives its Markdown."""

    text: str
    md: str | None = None
    only: tuple[str, ...] = ()


@dataclass(frozen=True)
class Grid:
    """A table of ``rows`` under ``headers``."""

    headers: Sequence[str]
    rows: list[list[Cell]]
    only: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tight:
    """A heading and its body: on the next line in a table, after a blank line in Markdown."""

    head: Heading
    body: Grid | Para
    only: tuple[str, ...] = ()


Block = Heading | Para | Grid | Tight
#: the formats that are text a person reads (a CSV is data only)
TABLE, MD, READABLE = ("table",), ("md",), ("table", "md")


class Report(Protocol):
    """What a result gives the renderer."""

    def json(self) -> dict[str, Any]: ...

    def blocks(self) -> list[Block]: ...


def render_block(block: Block, fmt: str) -> str:
    """One block in format ``fmt`` (table, md or csv)."""
    md = fmt == "md"
    if isinstance(block, Heading):
        return f"{'#' * block.level} {md_text(block.text)}" if md else printable(block.text)
    if isinstance(block, Para):
        if not md:
            return printable(block.text)
        return md_text(block.text) if block.md is None else block.md
    if isinstance(block, Grid):
        return render(block.headers, block.rows, fmt)
    head, body = render_block(block.head, fmt), render_block(block.body, fmt)
    return f"{head}\n\n{body}" if md else f"{head}\n{body}"


def render_text(blocks: Sequence[Block], fmt: str) -> str:
    """Blocks one blank line apart, ending in one newline (in a table, empty ones dropped)."""
    parts = [render_block(b, fmt) for b in blocks if not b.only or fmt in b.only]
    return "\n".join(p.rstrip("\n") + "\n" for p in parts if p or fmt == "md")


def rendered(report: Report, fmt: str) -> str:
    """A report in format ``fmt``: json, table, md or csv."""
    if fmt == "json":
        return render_json(report.json())
    return render_text(report.blocks(), fmt)


def show(report: Report, fmt: str) -> None:
    """Print a report in format ``fmt`` to stdout."""
    emit(rendered(report, fmt), None)
