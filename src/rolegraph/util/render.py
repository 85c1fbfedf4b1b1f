"""Plain tables for people and programs: text, Markdown, CSV, TSV and JSON, deterministic.

CSV and TSV cells that a spreadsheet would run as a formula (leading ``=``, ``+``,
``-``, ``@``, tab or carriage return) are prefixed with ``'``. Every text put into
Markdown, by any command, goes through :func:`md_text`, so it renders as itself; every
text in a table for people, through :func:`~rolegraph.util.text.printable`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from rolegraph.util.text import number, printable

Cell = str | int | float | None
TABLE_FORMATS = ("table", "md", "csv", "tsv", "json")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Neutralise spreadsheet formulas (OWASP "CSV injection")."""
    return "'" + value if value.startswith(_FORMULA) else value


#: HTML's own characters, written as entities (a backslash does not escape them everywhere).
_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
#: Markdown's inline syntax: code, emphasis, links and images (escaping the brackets is
#: enough: "(" and "!" make a link or image only beside "[" "]"), table cells,
#: strikethrough, headings' closing hashes, math (a forge's $...$), and the backslash.
_MD_INLINE = re.compile(r"[&<>\\`*_\[\]|~#$]")
#: At the start of a text: a list item, thematic break or setext underline (- + =) or an
#: ordered list's "1." or "1)".
_MD_LEAD = re.compile(r"^([-+=]|\d+(?=[.)]))")
#: Bare links a forge turns into links (GFM's extended autolinks): scheme://, www. and
#: e-mail addresses.
_MD_AUTOLINK = re.compile(r"(?<=[A-Za-z0-9]):(?=//)|(?<=\bwww)\.|(?<=\w)@(?=\w)", re.IGNORECASE)


def md_text(value: str) -> str:
    """``value`` as Markdown (CommonMark / GitHub Flavored) that renders as exactly that text.

    The one escaper of every Markdown output (tables, headings, list items, the import
    report): HTML's ``& < >`` become entities; Markdown's punctuation (code, emphasis,
    link and image brackets, cells, strikethrough, ``#``, ``$``, backslash) gets a
    backslash, as do a leading list, quote or heading marker and what makes a bare link
    (the ``:`` of ``scheme://``, the ``.`` of ``www.``, the ``@`` of an e-mail address).
    Line breaks become spaces: the result is one line.
    """
    text = printable(_one_line(value)).strip()
    text = _MD_INLINE.sub(lambda m: _MD_ENTITIES.get(m[0], "\\" + m[0]), text)
    text = _MD_AUTOLINK.sub(lambda m: "\\" + m[0], text)
    lead = _MD_LEAD.match(text)
    if lead:
        n = lead.end()
        text = text[:n] + "\\" + text[n:] if text[0].isdigit() else "\\" + text
    return text


def _md_cell(value: Cell, grouped: bool = False) -> str:
    """A table cell: a number as written, a text through :func:`md_text`."""
    if isinstance(value, int | float):
        return _text(value, grouped)
    return md_text(_text(value))


def _text(value: Cell, grouped: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # Always three decimals, so a column of scores lines up and sorts as text.
        return f"{value:.3f}"
    if grouped and isinstance(value, int) and not isinstance(value, bool):
        return number(value)
    return str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _one_line(text: str) -> str:
    return " ".join(text.split()) if ("\n" in text or "\r" in text or "\t" in text) else text


def render(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    fmt: str = "table",
    *,
    title: str | None = None,
    max_width: int = 60,
    grouped: bool = False,
) -> str:
    """``rows`` under ``headers`` as ``fmt``. With ``grouped``, the tables for people (text
    and Markdown) write counts as :func:`~rolegraph.util.text.number` does (19,838); CSV,
    TSV and JSON keep plain integers."""
    if fmt == "json":
        records = [dict(zip(headers, row, strict=True)) for row in rows]
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(
            buf,
            delimiter="," if fmt == "csv" else "\t",
            lineterminator="\r\n" if fmt == "csv" else "\n",
        )
        writer.writerow([safe_cell(h) for h in headers])
        for row in rows:
            writer.writerow([safe_cell(_text(c)) for c in row])
        return buf.getvalue()
    if fmt == "md":
        out = [f"**{md_text(title)}**", ""] if title else []
        out.append("| " + " | ".join(md_text(h) for h in headers) + " |")
        out.append(
            "|"
            + "|".join("---:" if _numeric(rows, i) else "---" for i in range(len(headers)))
            + "|"
        )
        for row in rows:
            out.append("| " + " | ".join(_md_cell(c, grouped) for c in row) + " |")
        return "\n".join(out) + "\n"
    # Plain text table.
    # A terminal's escape sequences and control characters removed before the widths.
    texts = [
        [_clip(printable(_one_line(_text(c, grouped))), max_width) for c in row] for row in rows
    ]
    headers = [printable(_one_line(h)) for h in headers]
    widths = [max([_width(h), *(_width(r[i]) for r in texts)]) for i, h in enumerate(headers)]
    numeric = [_numeric(rows, i) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        parts = []
        for i, c in enumerate(cells):
            pad = " " * (widths[i] - _width(c))
            parts.append(pad + c if numeric[i] else c + pad)
        return "  ".join(parts).rstrip()

    out = [printable(title), ""] if title else []
    out += [line(headers), line(["-" * w for w in widths])]
    out += [line(r) for r in texts]
    return "\n".join(out) + "\n"


def _numeric(rows: Sequence[Sequence[Cell]], i: int) -> bool:
    values = [r[i] for r in rows if r[i] is not None]
    return bool(values) and all(isinstance(v, int | float) for v in values)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
