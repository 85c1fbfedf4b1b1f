"""The IRIs rolegraph mints outside ``/id/``, dereferenced by ``rolegraph serve``:

* ``https://w3id.org/rolegraph/shapes#`` (the SHACL shapes) -> ``/shapes`` (:func:`shapes`);
* ``https://w3id.org/rolegraph/release/NAME`` (a release graph of a store,
  :mod:`rolegraph.graph.releases`) -> ``/release/NAME`` (:func:`release`);
* the ontology's versionIRI -> ``/ontology/0.1.0`` (the ontology, :func:`.routes.ontology`).

``https://w3id.org/rolegraph/`` maps to the server's root, so each IRI's path past it
is the route. Releases are read through the backend (:meth:`~.backend.Backend.releases`,
their graphs by SPARQL), as the rest of :mod:`.describe` is.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING

from rolegraph.graph.releases import RELEASE_NS
from rolegraph.model import paths
from rolegraph.model.vocab import BASE, RDF, RDFS, SH
from rolegraph.serve import describe_pages
from rolegraph.serve.describe import DUMPS, Described, choose, rdf
from rolegraph.serve.reply import HTML, HttpError, Reply
from rolegraph.serve.routes import alternates

if TYPE_CHECKING:
    import pyoxigraph as ox

SHAPES_NS = BASE + "shapes#"
SHAPES_TYPES = ["text/turtle", "application/ld+json", "application/n-triples", "text/html"]


def release(described: Described, slug: str, query: str, accept: str | None) -> Reply:
    """``/release/NAME``: a release graph's page, or the release's graph (``?format=``)."""
    releases = described.releases()
    found = next((r for r in releases if r.iri == RELEASE_NS + slug), None)
    if found is None:
        held = ", ".join(r.iri.removeprefix(RELEASE_NS) for r in releases) or "none"
        raise HttpError(HTTPStatus.NOT_FOUND, f"no release {slug!r} here (releases: {held})")
    offered = ["text/html", *(d.media_type for d in DUMPS.values())]
    media = choose(f"/release/{slug}", query, accept, offered)
    if media == "text/html":
        page = describe_pages.release_page(found, found.name == described.backend.release)
        return Reply(HTTPStatus.OK, page, HTML, headers=alternates(media))
    fmt = next(d.fmt for d in DUMPS.values() if d.media_type == media)
    data = described.release_dump(found, fmt)
    return Reply(HTTPStatus.OK, data, f"{media}; charset=utf-8", headers=alternates(media))


def shapes(query: str, accept: str | None) -> Reply:
    """``/shapes`` (the shapes namespace): shapes.ttl as published, JSON-LD, N-Triples,
    or a page listing the shapes."""
    import pyoxigraph as ox

    media = choose("/shapes", query, accept, SHAPES_TYPES)
    data = (paths.ontology_dir() / "shapes.ttl").read_bytes()
    if media == "text/turtle":
        return Reply(HTTPStatus.OK, data, "text/turtle; charset=utf-8", headers=alternates(media))
    triples = [
        ox.Triple(t.subject, t.predicate, t.object)
        for t in ox.parse(data, format=ox.RdfFormat.TURTLE)
    ]
    if media != "text/html":
        return rdf(triples, media, links=True)
    return Reply(
        HTTPStatus.OK,
        describe_pages.shapes_page(_shape_rows(triples)),
        HTML,
        headers=alternates(media),
    )


def _shape_rows(triples: list[ox.Triple]) -> list[tuple[str, str, list[str]]]:
    """(name, label, target classes) of each node shape, by name."""
    import pyoxigraph as ox

    shapes: set[str] = set()
    labels: dict[str, str] = {}
    targets: dict[str, list[str]] = {}
    for t in triples:
        s, p, o = t.subject, t.predicate.value, t.object
        if not isinstance(s, ox.NamedNode) or isinstance(o, ox.BlankNode | ox.Triple):
            continue
        if p == RDF + "type" and o.value == SH + "NodeShape":
            shapes.add(s.value)
        elif p == RDFS + "label":
            labels[s.value] = o.value
        elif p == SH + "targetClass":
            targets.setdefault(s.value, []).append(o.value)
    return [
        (s.removeprefix(SHAPES_NS), labels.get(s, ""), sorted(targets.get(s, [])))
        for s in sorted(shapes)
        if s.startswith(SHAPES_NS)
    ]


__all__ = ["SHAPES_NS", "release", "shapes"]
