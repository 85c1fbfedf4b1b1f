"""Serialisations of a graph: deterministic, so the same graph gives the same bytes.

Triples are sorted (subject, then predicate with rdf:type first, then object)
before Oxigraph writes them, with every prefix of :data:`rolegraph.vocab.PREFIXES`
bound. Blank nodes are not produced by the build, so sorting is a canonical form.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rolegraph.errors import InputError
from rolegraph.formats import EXPORT_NAMES
from rolegraph.fsutil import atomic_write, check_output_path
from rolegraph.vocab import PREFIXES, RDF

if TYPE_CHECKING:
    import pyoxigraph as ox

    from rolegraph.store import RoleGraph

_TYPE_NT = f"> <{RDF}type> ".encode()


def _nt_key(line: bytes) -> bytes:
    # Sort by subject, then rdf:type before every other predicate, then the rest.
    return line.replace(_TYPE_NT, b"> <\x00> ", 1)


def sorted_ntriples(graph: RoleGraph) -> bytes:
    """Canonical N-Triples: one triple per line, lines sorted (rdf:type first per subject)."""

    data = graph.ntriples()
    lines = [line for line in data.split(b"\n") if line]
    lines.sort(key=_nt_key)
    return b"\n".join(lines) + b"\n" if lines else b""


def sorted_triples(graph: RoleGraph) -> list[ox.Triple]:
    """The graph's triples in the canonical order of :func:`sorted_ntriples`."""
    import pyoxigraph as ox

    return list(ox.parse(sorted_ntriples(graph), format=ox.RdfFormat.N_TRIPLES))


def serialize(graph: RoleGraph, fmt: str = "turtle") -> bytes:
    """The graph in ``fmt`` (turtle, nt or jsonld) as bytes."""
    import pyoxigraph as ox

    if fmt not in EXPORT_NAMES:
        raise InputError(f"cannot export as {fmt!r}", hint=f"use one of {', '.join(EXPORT_NAMES)}")
    if fmt == "nt":
        return sorted_ntriples(graph)
    triples = sorted_triples(graph)
    if fmt == "jsonld":
        from rolegraph.jsonld import to_jsonld

        return to_jsonld(triples)
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    assert body is not None
    # Oxigraph writes the prefixes in an order of its own; write them in ours.
    lines = body.split(b"\n")
    start = next(
        (i for i, line in enumerate(lines) if not line.startswith(b"@prefix ")), len(lines)
    )
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()).encode()
    return header + b"\n" + b"\n".join(lines[start:])


def write(graph: RoleGraph, path: Path | str, fmt: str | None = None) -> Path:
    """Serialise to ``path`` atomically; the format defaults to the file's extension."""
    from rolegraph.store import detect_format

    check_output_path(path)
    name = fmt or detect_format(path).name
    return atomic_write(path, serialize(graph, name))
