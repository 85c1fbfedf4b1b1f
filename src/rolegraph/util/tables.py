"""Reading a CSV file that a person may have edited: checked, never half-read.

Rows are numbered as a spreadsheet numbers them: the header is row 1, so the first
data row is row 2, whatever line breaks the cells contain.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from rolegraph.errors import InputError, SourceError
from rolegraph.util.text import did_you_mean, name_key

#: Largest cell accepted (the biggest official cell is about 4 KB).
MAX_CELL = 10 * 1024 * 1024
_UTF8_HINT = (
    "save it as 'CSV UTF-8' from your spreadsheet program, or convert it with "
    "'iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8.csv'"
)


_UTF16_HINT = (
    "save it as 'CSV UTF-8' from your spreadsheet program, or convert it with "
    "'iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8.csv'"
)


@dataclass
class Table:
    path: Path
    label: str
    header: list[str]
    #: (row number, cells keyed by the canonical column name)
    rows: Iterable[tuple[int, dict[str, str]]]
    extra_columns: list[str] = field(default_factory=list)
    padded_rows: list[int] = field(default_factory=list)
    blank_lines: int = 0
    #: The open file being streamed, and its size (for :meth:`fraction`).
    handle: BinaryIO | None = None
    size: int = 0

    def fraction(self) -> float:
        """How much of the file has been read (0-1)."""
        if self.handle is None or self.handle.closed or not self.size:
            return 1.0
        return self.handle.tell() / self.size


def check_file(path: Path | str, what: str) -> Path:
    """``path``, if it is a file; else an :class:`InputError` saying what it is instead."""
    p = Path(path)
    if not p.exists():
        raise SourceError(f"{what} not found: {p}", hint="check the path", path=p)
    if p.is_dir():
        raise SourceError(
            f"{p} is a directory, not a {what}", hint="give the file inside it", path=p
        )
    if p.is_char_device() or p.is_block_device():
        raise SourceError(f"{p} is a device, not a {what}", hint=f"give the {what} as a file")
    return p


#: the most a file of each kind may hold (a device such as /dev/zero never ends)
READ_LIMITS = {
    "page": 32 * 1024 * 1024,
    "role page": 32 * 1024 * 1024,
    "query file": 1024 * 1024,
    "profile": 16 * 1024 * 1024,
    "bundled role file": 16 * 1024 * 1024,
}
#: for any other kind (graph files: a 100x framework is a few hundred MB of Turtle)
DEFAULT_READ_LIMIT = 1024 * 1024 * 1024


def read_bytes(path: Path | str, what: str) -> bytes:
    """A file's bytes, or an :class:`InputError` that says why not (including a file
    larger than any ``what`` could be: see :data:`READ_LIMITS`)."""
    p = check_file(path, what)
    limit = READ_LIMITS.get(what, DEFAULT_READ_LIMIT)
    try:
        with p.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise SourceError(f"cannot read {p}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise SourceError(
            f"{p} holds more than {limit // (1024 * 1024):,} MB, more than any {what} does",
            hint=f"check that it is the {what} you meant",
        )
    return data


_TEXT_HINT = "save it as UTF-8 text: most editors offer it under Save as or Encoding"


def decode_utf8(data: bytes, label: str, *, hint: str | None = None, csv: bool = False) -> str:
    """UTF-8 text (a BOM is accepted), or an error naming the line and giving a hint
    (``hint``; else for a ``csv`` how to save a spreadsheet as UTF-8; else how to save
    a text file as UTF-8)."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise SourceError(f"{label} is UTF-32, not UTF-8", hint=hint or _TEXT_HINT)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError(
            f"{label} is UTF-16, not UTF-8", hint=hint or (_UTF16_HINT if csv else _TEXT_HINT)
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        if exc.end == len(data) and exc.reason == "unexpected end of data":
            raise SourceError(
                f"{label} ends in the middle of a character (line {line}): it looks cut off",
                hint="save or download the whole file again",
            ) from None
        raise SourceError(
            f"{label} is not UTF-8: byte 0x{data[exc.start]:02x} on line {line} cannot be decoded",
            hint=hint or (_UTF8_HINT if csv else _TEXT_HINT),
        ) from None


def read_table(
    path: Path | str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    what: str = "CSV file",
) -> Table:
    """Read and check a whole CSV file (see :func:`stream_table`); rows as a list."""
    table = stream_table(path, required=required, optional=optional, what=what)
    table.rows = list(table.rows)
    return table


def stream_table(
    path: Path | str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    what: str = "CSV file",
) -> Table:
    """Open and check a CSV file: UTF-8, a header with every required column.

    The rows are read as they are iterated (``table.rows``, once), so a large file is
    never held in memory whole; a ragged row or a broken quote raises
    :class:`InputError` when it is reached. ``table.fraction()`` says how far the
    reading has got, for progress bars.
    """
    p = check_file(path, what)
    label = p.name
    try:
        handle = p.open("rb")
    except OSError as exc:
        raise SourceError(f"cannot read {p}: {exc.strerror or exc}") from None
    if not handle.seekable():
        handle.close()
        raise SourceError(
            f"{p} is a pipe, not a file: a {what} is read more than once",
            hint="save it to a file first",
        )
    try:
        head = handle.read(8192)
        size = p.stat().st_size
        if not head.strip() and (size <= len(head) or not read_bytes(p, what).strip()):
            raise SourceError(f"{label} is empty", hint=f"expected a {what} with a header row")
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise SourceError(f"{label} is UTF-16, not UTF-8", hint=_UTF16_HINT)
        if b"\x00" in head:
            raise SourceError(
                f"{label} looks like a binary file, not a CSV file (it contains NUL bytes)",
                hint=f"give the {what} exported as CSV",
            )
        handle.seek(0)
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        csv.field_size_limit(MAX_CELL)
        reader = csv.reader(text, strict=True)
        try:
            raw_header = next(reader)
            while not any(c.strip() for c in raw_header):
                raw_header = next(reader)
        except StopIteration:
            raise SourceError(
                f"{label} is empty", hint=f"expected a {what} with a header row"
            ) from None
        except UnicodeDecodeError:
            raise _decode_error(p, label) from None
        except csv.Error as exc:
            raise SourceError(
                f"{label}, row 1: the header cannot be parsed as CSV ({exc})"
            ) from None
        header = [" ".join(h.replace("\ufeff", "").split()) for h in raw_header]
        columns = _match_columns(header, required, optional, label, what, raw=raw_header)
    except BaseException:
        handle.close()
        raise
    extra = [h for i, h in enumerate(header) if i not in set(columns.values())]
    table = Table(p, label, header, [], extra, handle=handle, size=size)
    table.rows = _rows(table, reader, handle, columns)
    return table


def _decode_error(path: Path, label: str) -> InputError:
    """The precise place of a decoding error (found by decoding the whole file once)."""
    try:
        decode_utf8(path.read_bytes(), label, csv=True)
    except InputError as exc:
        return exc
    return SourceError(f"{label} is not UTF-8", hint=_UTF8_HINT)


def _rows(
    table: Table, reader: Any, handle: Any, columns: dict[str, int]
) -> Iterator[tuple[int, dict[str, str]]]:
    label, header = table.label, table.header
    width = len(header)
    header_keys = {canon: name_key(header[i]) for canon, i in columns.items()}
    row_no = 1
    try:
        for cells in reader:
            row_no += 1  # a blank line is a row too, as a spreadsheet counts them
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                table.blank_lines += 1
                continue
            if len(cells) != width:
                if len(cells) > width and not any(c.strip() for c in cells[width:]):
                    cells = cells[:width]
                    table.padded_rows.append(row_no)
                else:
                    missing = header[len(cells) :]
                    detail = (
                        f", so {_quoted_list(missing)} "
                        + ("is" if len(missing) == 1 else "are")
                        + " missing"
                        if missing
                        else f", {len(cells) - width} more"
                    )
                    raise SourceError(
                        f"{label}, row {row_no}: has {len(cells)} cells but the header has "
                        f"{width}{detail}",
                        hint="check the row for a missing or extra comma or quote",
                        path=table.path,
                        row=row_no,
                    )
            row = {canon: cells[i] for canon, i in columns.items()}
            if all(name_key(row[c]) == k for c, k in header_keys.items()):
                # Every CSV read here has the same rule: a header row again is never data.
                raise SourceError(
                    f"{label}, row {row_no}: repeats the header row",
                    hint="two files pasted into one? remove the row and retry",
                    path=table.path,
                    row=row_no,
                )
            yield row_no, row
    except UnicodeDecodeError:
        raise _decode_error(table.path, label) from None
    except csv.Error as exc:
        if "NUL" in str(exc):
            raise SourceError(
                f"{label} contains a NUL byte on line {reader.line_num}", hint="remove it and retry"
            ) from None
        raise SourceError(
            f"{label}, row {row_no + 1} (line {reader.line_num}): not valid CSV ({exc})",
            hint="a quote is probably not closed",
            path=table.path,
            row=row_no + 1,
        ) from None
    finally:
        handle.close()


def _match_columns(
    header: list[str],
    required: Sequence[str],
    optional: Sequence[str],
    label: str,
    what: str,
    *,
    raw: Sequence[str] = (),
) -> dict[str, int]:
    """Where each column is; ``raw`` is the header as written (before spaces are tidied)."""
    keys = [name_key(h) for h in header]
    seen: dict[str, int] = {}
    for i, k in enumerate(keys):
        if k and k in seen:
            raise SourceError(
                f"{label}, row 1: column {header[i]!r} appears twice "
                f"(columns {seen[k] + 1} and {i + 1})",
                hint="remove or rename one of them",
                row=1,
                column=header[i],
            )
        seen[k] = i
    found: dict[str, int] = {}
    missing = []
    for col in [*required, *optional]:
        idx = seen.get(name_key(col))
        if idx is not None:
            found[col] = idx
        elif col in required:
            missing.append(col)
    if missing:
        # A spreadsheet saved with another separator has its whole header in one cell.
        for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
            if len(header) <= 2 and any(
                sep in cell and name_key(col) in {name_key(h) for h in cell.split(sep)}
                for cell in raw or header
                for col in required
            ):
                raise SourceError(
                    f"{label}, row 1: the columns are separated by {name}, not commas",
                    hint="save the file as 'CSV UTF-8 (comma delimited)' and retry",
                    row=1,
                )
        col = missing[0]
        close = did_you_mean(col, [h for h in header if h], n=1)
        hint = (
            f"did you mean {close[0]!r}? Columns found: {', '.join(repr(h) for h in header)}"
            if close
            else f"is this a {what}? Columns found: {', '.join(repr(h) for h in header)}"
        )
        names = ", ".join(repr(m) for m in missing)
        raise SourceError(
            f"{label}, row 1: missing column{'s' if len(missing) > 1 else ''} {names}",
            hint=hint,
            row=1,
            column=missing[0],
        )
    return found


def _quoted_list(names: list[str], most: int = 4) -> str:
    """'A', 'B' and 'C' (at most ``most`` names, then how many more)."""
    shown = [repr(n) for n in names[:most]]
    if len(names) > most:
        shown.append(f"{len(names) - most} more")
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
