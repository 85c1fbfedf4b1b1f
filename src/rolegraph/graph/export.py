"""Serialisations of a graph: deterministic, so the same graph gives the same bytes.

Oxigraph writes canonical N-Triples; the lines are sorted (subject, then rdf:type
before other predicates, then the rest), and Turtle is written from the sorted lines
with every prefix of :data:`rolegraph.model.vocab.PREFIXES`. Blank nodes are not produced
by the build, so sorting is a canonical form.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from rolegraph.errors import OptionError
from rolegraph.graph.jsonld import to_jsonld
from rolegraph.graph.store import detect_format
from rolegraph.model.formats import EXPORT_NAMES
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


def turtle_from_ntriples(data: bytes) -> bytes:
    """Turtle from sorted N-Triples: same-subject and same-predicate lines grouped,
    IRIs written with the prefixes of :data:`rolegraph.model.vocab.PREFIXES`."""
    out = ["".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())]
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
    return "".join(out).encode("utf-8")


def sorted_triples(graph: RoleGraph) -> list[ox.Triple]:
    """The graph's triples in the canonical order of :func:`sorted_ntriples`."""
    import pyoxigraph as ox

    return list(ox.parse(sorted_ntriples(graph), format=ox.RdfFormat.N_TRIPLES))


def serialize(graph: RoleGraph, fmt: str = "turtle") -> bytes:
    """The graph in ``fmt`` (turtle, nt or jsonld) as bytes."""
    if fmt not in EXPORT_NAMES:
        raise OptionError(f"cannot export as {fmt!r}", hint=f"use one of {', '.join(EXPORT_NAMES)}")
    return serialize_ntriples(graph.ntriples(), fmt)


def serialize_ntriples(data: bytes, fmt: str) -> bytes:
    """What :func:`serialize` writes for the graph whose N-Triples (as Oxigraph writes
    them, in any order) are ``data``: for a graph read through a SPARQL endpoint."""
    import pyoxigraph as ox

    nt = sort_ntriples(data)
    if fmt == "nt":
        return nt
    if fmt == "jsonld":
        return to_jsonld(list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)))
    return turtle_from_ntriples(nt)


def write(graph: RoleGraph, path: Path | str, fmt: str | None = None) -> Path:
    """Serialise to ``path`` atomically; the format defaults to the file's extension."""

    check_output_path(path)
    name = fmt or detect_format(path).name
    return atomic_write(path, serialize(graph, name))
