"""Serialisations of a graph: deterministic, so the same graph gives the same bytes.

Oxigraph writes canonical N-Triples; the lines are sorted (subject, then rdf:type
before other predicates, then the rest), and Turtle is written from the sorted lines
with every prefix of :data:`rolegraph.model.vocab.PREFIXES`. Blank nodes are not produced
by the build, so sorting is a canonical form. RDF/XML is Oxigraph's, written from the
sorted triples; N-Quads and TriG write the default graph first, then each named graph
(by name), each sorted the same way. A file name ending in ``.gz`` gets gzip with no
time stamp (mtime 0), so its bytes are deterministic too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from rolegraph.errors import OptionError, OutputError
from rolegraph.graph.jsonld import to_jsonld
from rolegraph.graph.reading import detect_format
from rolegraph.model.formats import EXPORT_NAMES, RdfFormat, by_name, gzipped
from rolegraph.model.vocab import PREFIXES, RDF, compact_iri
from rolegraph.util.files import atomic_write, check_output_path

if TYPE_CHECKING:
    import pyoxigraph as ox

    from rolegraph.graph.store import RoleGraph

_TYPE_NT = f"> <{RDF}type> ".encode()


def _nt_key(line: bytes) -> bytes:
    # Sort by subject, then rdf:type before every other predicate, then the rest.
    return line.replace(_TYPE_NT, b"> <\x00> ", 1)


def sorted_ntriples(graph: RoleGraph) -> bytes:
    """Canonical N-Triples: one triple per line, lines sorted (rdf:type first per subject)."""
    return sort_ntriples(graph.ntriples())


def sort_ntriples(data: bytes) -> bytes:
    """N-Triples as Oxigraph writes them, in the canonical order of :func:`sorted_ntriples`."""
    lines = [line for line in data.split(b"\n") if line]
    lines.sort(key=_nt_key)
    return b"\n".join(lines) + b"\n" if lines else b""


_INTEGER = re.compile(r"[+-]?[0-9]+")
_XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def _compact(iri: str) -> str:
    return compact_iri(iri) or f"<{iri}>"


def _term(token: str) -> str:
    """An N-Triples term in Turtle: IRIs shortened, integers bare; escapes carry over."""
    if token.startswith("<"):
        return "a" if token == f"<{RDF}type>" else _compact(token[1:-1])
    if token.startswith('"'):
        # A typed literal ends with its datatype IRI; an escaped quote in the text cannot.
        lexical, sep, dtype = token.rpartition('"^^<') if token.endswith(">") else ("", "", "")
        if sep:
            iri = dtype[:-1]
            if iri == _XSD_INTEGER and _INTEGER.fullmatch(lexical[1:]):
                return lexical[1:]
            return f'{lexical}"^^{_compact(iri)}'
        if token.endswith('"') and "\\n" in token:
            # Multi-line text as a long string: its escaped newlines become real ones.
            # (an escaped backslash is set aside first; NUL never occurs unescaped)
            body = token[1:-1].replace("\\\\", "\0").replace("\\n", "\n").replace("\0", "\\\\")
            if not body.endswith('"'):
                return f'"""{body}"""'
    return token


def _turtle_body(data: bytes, out: list[str]) -> None:
    """Turtle statements from sorted N-Triples: same-subject and same-predicate lines
    grouped, IRIs written with the prefixes of :data:`rolegraph.model.vocab.PREFIXES`."""
    subject = predicate = None
    for line in data.decode("utf-8").split("\n"):
        if not line:
            continue
        s, rest = line.split(" ", 1)
        p, rest = rest.split(" ", 1)
        o = rest[:-2] if rest.endswith(" .") else rest
        if s != subject:
            if subject is not None:
                out.append(" .\n")
            out.append(f"\n{_term(s)} {_term(p)} {_term(o)}")
            subject, predicate = s, p
        elif p != predicate:
            out.append(f" ;\n\t{_term(p)} {_term(o)}")
            predicate = p
        else:
            out.append(f" ,\n\t\t{_term(o)}")
    if subject is not None:
        out.append(" .\n")


def _prefix_lines() -> str:
    return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())


def turtle_from_ntriples(data: bytes) -> bytes:
    """Turtle from sorted N-Triples (see :func:`_turtle_body`), every prefix declared."""
    out = [_prefix_lines()]
    _turtle_body(data, out)
    return "".join(out).encode("utf-8")


#: a graph of a dataset: its name as an N-Triples term (None: the default graph) and its
#: triples as sorted N-Triples
Section = tuple["str | None", bytes]


def trig_from_sections(sections: list[Section]) -> bytes:
    """TriG: the default graph's triples as Turtle, then each named graph in braces."""
    out = [_prefix_lines()]
    for name, data in sections:
        if name is None:
            _turtle_body(data, out)
        elif data:
            out.append(f"\n{_term(name)} {{")
            _turtle_body(data, out)
            out.append("}\n")
    return "".join(out).encode("utf-8")


def nquads_from_sections(sections: list[Section]) -> bytes:
    """N-Quads: each line of each graph's N-Triples with the graph's name added."""
    out: list[bytes] = []
    for name, data in sections:
        if name is None:
            out.append(data)
            continue
        label = f" {name} .".encode()
        out.extend(line[:-2] + label + b"\n" for line in data.split(b"\n") if line)
    return b"".join(out)


def sorted_triples(graph: RoleGraph) -> list[ox.Triple]:
    """The graph's triples in the canonical order of :func:`sorted_ntriples`."""
    import pyoxigraph as ox

    return list(ox.parse(sorted_ntriples(graph), format=ox.RdfFormat.N_TRIPLES))


def export_format(fmt: str) -> RdfFormat:
    """The format ``fmt`` names (any of its names), or an OptionError listing them."""
    found = by_name(fmt)
    if found is None:
        raise OptionError(f"cannot export as {fmt!r}", hint=f"use one of {', '.join(EXPORT_NAMES)}")
    return found


def serialize(graph: RoleGraph, fmt: str = "turtle") -> bytes:
    """The graph in ``fmt`` (any name of a format of :mod:`rolegraph.model.formats`) as
    bytes. N-Quads and TriG write the graph's named graph with its name: a release of a
    store is its named graph; :meth:`RoleGraph.dataset` is the whole store."""
    found = export_format(fmt)
    if not found.triples:
        return serialize_sections(graph.sections(), found.name)
    return serialize_ntriples(graph.ntriples(), found.name)


def serialize_sections(sections: list[tuple[str | None, bytes]], fmt: str) -> bytes:
    """A dataset (its graphs as N-Triples, as Oxigraph writes them) in ``fmt``."""
    ordered = [(name, sort_ntriples(data)) for name, data in sections]
    if fmt == "nquads":
        return nquads_from_sections(ordered)
    if fmt == "trig":
        return trig_from_sections(ordered)
    return serialize_ntriples(b"".join(data for _, data in ordered), fmt)


def serialize_ntriples(data: bytes, fmt: str) -> bytes:
    """What :func:`serialize` writes for the graph whose N-Triples (as Oxigraph writes
    them, in any order) are ``data``: for a graph read through a SPARQL endpoint."""
    import pyoxigraph as ox

    fmt = export_format(fmt).name
    nt = sort_ntriples(data)
    if fmt == "nt":
        return nt
    if fmt == "jsonld":
        return to_jsonld(list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)))
    if fmt == "rdfxml":
        return rdfxml_from_ntriples(nt)
    if fmt == "nquads":
        return nt
    if fmt == "trig":
        return trig_from_sections([(None, nt)])
    return turtle_from_ntriples(nt)


#: an XML name (NCName) at the end of an IRI: RDF/XML writes a predicate as one
_XML_NAME_END = re.compile(r"(?:[^\W\d]|_)[\w.\-\u00b7]*\Z")


def rdfxml_from_ntriples(nt: bytes) -> bytes:
    """RDF/XML by Oxigraph from sorted N-Triples. Two things it would get wrong are
    handled: a predicate no XML name ends (``urn:x:1``, ``http://e/x#``) cannot be
    written at all, so it is refused by name (Oxigraph writes an element XML parsers
    reject); a carriage return in a text is written ``&#13;`` (written raw, a parser
    reads it as a newline). Nothing else in the output can hold one."""
    import pyoxigraph as ox

    triples = list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    for predicate in sorted({t.predicate.value for t in triples}):
        if not _XML_NAME_END.search(predicate):
            raise OutputError(
                f"the graph cannot be written as RDF/XML: no XML name ends its predicate "
                f"<{predicate}>",
                hint="write it as Turtle, N-Triples or JSON-LD, which can",
            )
    try:
        data = ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES) or b""
    except (ValueError, OSError) as exc:
        raise OutputError(f"the graph cannot be written as RDF/XML: {exc}") from None
    return data.replace(b"\r", b"&#13;")


def compress_for(path: Path | str | None, data: bytes) -> bytes:
    """``data`` as the file ``path`` holds it: gzip (no time stamp, so deterministic)
    when its name ends in ``.gz``."""
    if path is None or str(path) == "-" or not gzipped(path):
        return data
    import gzip

    return gzip.compress(data, compresslevel=9, mtime=0)


def write(graph: RoleGraph, path: Path | str, fmt: str | None = None) -> Path:
    """Serialise to ``path`` atomically; the format defaults to the file's extension
    (``.ttl.gz`` and the like are gzip-compressed)."""

    check_output_path(path)
    name = fmt or detect_format(path).name
    return atomic_write(path, compress_for(path, serialize(graph, name)))
