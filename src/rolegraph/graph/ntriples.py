"""Plain-string triples as N-Triples bytes, streamed into Oxigraph's bulk loader.

Making a pyoxigraph term object per subject, predicate and object costs more than
Oxigraph parsing the same triples as text (about 1 s of a 2.4 s build at 10x the
framework, issue 20), so a build writes N-Triples lines and Oxigraph reads them
(:func:`load_triples`), a chunk at a time: the graph is never held twice.

An IRI is written only if N-Triples can hold it as it is (no space, ``<``, ``>``,
``"``, ``{``, ``}``, ``|``, ``^``, backquote or backslash: so no text can end it early);
any other (and a relative IRI) is refused with ValueError, as pyoxigraph refuses it. Literals escape what N-Triples requires
(backslash, quote, line feed, carriage return).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyoxigraph as ox

Triple = tuple[str, str, "str | tuple[str, str]"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_SAFE_IRI = re.compile(r'[^\x00-\x20<>"{}|^`\\]+')
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_CHUNK = 1 << 20  # bytes of N-Triples handed to Oxigraph at a time


def _iri(text: str, memo: dict[str, str]) -> str:
    written = memo.get(text)
    if written is None:
        if not _SAFE_IRI.fullmatch(text):
            import pyoxigraph as ox

            ox.NamedNode(text)  # raises ValueError naming what is wrong
            raise ValueError(f"the IRI {text!r} cannot be written in N-Triples")
        written = memo[text] = f"<{text}>"
    return written


def ntriples_lines(triples: Iterable[Triple]) -> Iterator[str]:
    """Each triple as one N-Triples line (with its newline)."""
    memo: dict[str, str] = {}
    for s, p, o in triples:
        if type(o) is tuple:
            lexical, datatype = o
            text = '"' + lexical.translate(_ESCAPES) + '"'
            if datatype != _XSD_STRING:
                text += "^^" + _iri(datatype, memo)
        else:
            text = _iri(o, memo)  # type: ignore[arg-type]
        yield f"{_iri(s, memo)} {_iri(p, memo)} {text} .\n"


class _Chunks(io.RawIOBase):
    """The lines as a binary file Oxigraph reads, encoded a chunk at a time."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            batch: list[str] = []
            size = 0
            for line in self._lines:
                batch.append(line)
                size += len(line)
                if size >= _CHUNK:
                    break
            if not batch:
                return 0
            self._pending = "".join(batch).encode("utf-8")
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def load_triples(store: ox.Store, triples: Iterable[Triple]) -> None:
    """Add ``triples`` to the default graph of ``store`` through its bulk loader."""
    import pyoxigraph as ox

    reader = io.BufferedReader(_Chunks(ntriples_lines(triples)), buffer_size=_CHUNK)
    try:
        store.bulk_load(reader, format=ox.RdfFormat.N_TRIPLES)
    except SyntaxError as exc:  # an IRI that is not absolute: refused as pyoxigraph does
        raise ValueError(f"a term cannot be stored: {exc}") from None
