"""Reading a graph file: its format (by name or extension), its bytes (a file or
standard input, gunzipped when gzip, within the size limit) and the checks made before
any parser sees them (RDF/XML declaring entities is refused)."""

from __future__ import annotations

from pathlib import Path

from rolegraph.errors import OptionError, SourceError
from rolegraph.model.formats import (
    EXPORT_NAMES,
    FORMATS,
    RdfFormat,
    by_extension,
    by_name,
    format_suffix,
    gzipped,
)
from rolegraph.spelling import advice, option
from rolegraph.util.tables import DEFAULT_READ_LIMIT, read_bytes

STDIN = "-"


def where(path: Path) -> str:
    return "standard input" if str(path) == STDIN else path.name


def detect_format(path: Path | str, name: str | None = None) -> RdfFormat:
    """The format ``name`` names (any of its names: ``ttl``, ``n-triples``, ``rdf/xml``),
    else the one the file's extension says (``.ttl``, ``.ttl.gz``)."""
    if name is not None:
        found = by_name(name)
        if found is None:
            raise OptionError(
                f"unknown RDF format {name!r}", hint=f"use one of {', '.join(EXPORT_NAMES)}"
            )
        return found
    if str(path) == STDIN:
        raise OptionError(
            f"a graph read from standard input needs {option('input_format')} FORMAT",
            hint=f"as in {option('input_format')} turtle; the formats are {', '.join(EXPORT_NAMES)}",
        )
    fmt = by_extension(path)
    if fmt is None:
        known = ", ".join(ext for f in FORMATS for ext in f.extensions)
        suffix = format_suffix(path)
        hint = f"name it with one of {known} (and .gz after it if gzipped), or give {option('input_format')}"
        if suffix == ".csv":
            hint = (
                f"a CSV of the official export is not a graph: build one with {advice('build-csv')} "
                "and give framework.ttl"
            )
        elif suffix in (".html", ".htm", ".txt"):
            hint = (
                "a role page is not a graph: build one with "
                f"{advice('build-page', Path(path).name)} and give graph.ttl"
            )
        raise SourceError(
            f"cannot tell the RDF format of {Path(path).name} from its extension", hint=hint
        )
    return fmt


def read_graph_bytes(path: Path) -> bytes:
    """A graph file's bytes (``-``: standard input), gunzipped when it is gzip (by its
    ``.gz`` name or its first bytes), within the size limit of a graph file."""
    import sys

    if str(path) == STDIN:
        data = sys.stdin.buffer.read(DEFAULT_READ_LIMIT + 1)
        if len(data) > DEFAULT_READ_LIMIT:
            raise SourceError(
                f"standard input holds more than {DEFAULT_READ_LIMIT // 2**20:,} MB, more "
                "than any graph file does"
            )
    else:
        data = read_bytes(path, "graph file")
    if data[:2] == b"\x1f\x8b":
        return _gunzip(data, where(path))
    if gzipped(path):
        raise SourceError(
            f"{path.name} is named .gz but is not gzip-compressed",
            hint="rename it without .gz, or compress it with gzip",
        )
    return data


def _gunzip(data: bytes, name: str) -> bytes:
    import gzip
    import io
    import zlib

    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            out = handle.read(DEFAULT_READ_LIMIT + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise SourceError(
            f"{name} is not valid gzip: {exc}", hint="check the file, or give it uncompressed"
        ) from None
    if len(out) > DEFAULT_READ_LIMIT:
        raise SourceError(
            f"{name} uncompresses to more than {DEFAULT_READ_LIMIT // 2**20:,} MB, more than "
            "any graph file holds",
            hint="check that it is the graph you meant",
        )
    return out


def refuse_xml_entities(data: bytes, name: str) -> None:
    """Refuse an XML document that declares entities, before any parser expands them (an
    "entity bomb" of nested entities grows to gigabytes from a few hundred bytes). Expat
    (the standard library's XML parser) reads the document and stops at the first
    declaration; RDF/XML never needs one."""
    from xml.parsers import expat

    class _Declared(Exception):
        pass

    def declared(entity: str, *_args: object) -> None:
        raise _Declared(entity)

    parser = expat.ParserCreate()
    parser.EntityDeclHandler = declared
    parser.UnparsedEntityDeclHandler = declared
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except _Declared as exc:
        raise SourceError(
            f"{name} declares the XML entity {str(exc)[:60]!r}: rolegraph refuses RDF/XML "
            "with entity declarations (they can expand without bound)",
            hint="remove the DOCTYPE's <!ENTITY ...> declarations, or give the graph as "
            "Turtle or N-Triples",
        ) from None
    except expat.ExpatError as exc:
        raise SourceError(
            f"{name} is not valid rdfxml: {expat.ErrorString(exc.code)} at line {exc.lineno}, "
            f"column {exc.offset + 1}",
            hint=f"check the file, or rebuild it with {advice('build-file')}",
        ) from None
