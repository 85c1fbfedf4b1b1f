"""What ``rolegraph serve`` says about itself and its data, and the IRIs it dereferences
besides ``/id/...``:

* the SPARQL 1.1 Service Description at ``/sparql`` (asked with no query and an RDF
  type by name: :func:`service`);
* VoID at ``/.well-known/void`` (:func:`void`), DCAT at ``/catalog`` (:func:`catalog`);
* the whole graph at stable URLs, ``/dumps/rolegraph.{ttl,nt,jsonld}`` (:func:`dump`):
  the bytes ``rolegraph export`` writes;
* the ontology's versionIRI (``/ontology/0.1.0``, in :mod:`.web`), the shapes namespace
  (``/shapes``), each release graph (``/release/NAME``): in :mod:`.dereference`.

Everything is read through the :class:`~.backend.Backend` protocol (counts by one grouped
SPARQL query each, the dumps from ``backend.ntriples()``), so the routes answer over an
embedded graph and a remote endpoint alike; what they need is asked once per app
(:class:`Described`: the data is read-only). The HTML of these routes is in
:mod:`.describe_pages`.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

from rolegraph.graph.export import serialize_ntriples, sort_ntriples
from rolegraph.graph.jsonld import to_jsonld
from rolegraph.model.formats import FORMATS, by_media_type
from rolegraph.model.vocab import (
    BASE,
    DATASET_IRI,
    DCAT,
    DCTERMS,
    FOAF,
    ID,
    OGL,
    ONTOLOGY_IRI,
    PREFIXES,
    RDF,
    RDFS,
    XSD,
)
from rolegraph.serve import describe_pages
from rolegraph.serve.negotiation import (
    DESCRIPTION_TYPES,
    GRAPH_TYPES,
    RESOURCE_FORMATS,
    SELECT_TYPES,
    accepts,
)
from rolegraph.serve.reply import HTML, HttpError, Reply
from rolegraph.serve.routes import alternates
from rolegraph.serve.tools import query_fields, read_params

if TYPE_CHECKING:
    import pyoxigraph as ox

    from rolegraph.graph.releases import Release
    from rolegraph.serve.backend import Backend

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
W3C_FORMATS = "http://www.w3.org/ns/formats/"
IANA = "https://www.iana.org/assignments/media-types/"
#: the prefixes the descriptions are written with (Turtle)
DESCRIPTION_PREFIXES = {
    **PREFIXES,
    "sd": SD,
    "void": VOID,
    "foaf": FOAF,
    "formats": W3C_FORMATS,
    "rgsh": BASE + "shapes#",
}
#: media type -> its W3C format IRI (http://www.w3.org/ns/formats/)
FORMAT_IRIS = {
    "application/sparql-results+json": W3C_FORMATS + "SPARQL_Results_JSON",
    "application/sparql-results+xml": W3C_FORMATS + "SPARQL_Results_XML",
    "text/csv": W3C_FORMATS + "SPARQL_Results_CSV",
    "text/tab-separated-values": W3C_FORMATS + "SPARQL_Results_TSV",
    "text/turtle": W3C_FORMATS + "Turtle",
    "application/n-triples": W3C_FORMATS + "N-Triples",
    "application/ld+json": W3C_FORMATS + "JSON-LD",
    "application/rdf+xml": W3C_FORMATS + "RDF_XML",
    "application/n-quads": W3C_FORMATS + "N-Quads",
    "application/trig": W3C_FORMATS + "TriG",
}


class Dump(NamedTuple):
    """A dump of the whole graph: its file name under ``/dumps/``, the export format
    (:func:`rolegraph.graph.export.serialize`) and its media type."""

    file: str
    fmt: str
    media_type: str
    label: str


#: the dumps, one per export format of the format registry
DUMPS = {
    f"rolegraph{f.extensions[0]}": Dump(
        f"rolegraph{f.extensions[0]}",
        f.name,
        f.media_type,
        FORMAT_IRIS[f.media_type].removeprefix(W3C_FORMATS),
    )
    for f in FORMATS
    if f.dump
}
#: release dumps kept in memory (the served release's are the dumps themselves)
MAX_RELEASE_DUMPS = 6

T = TypeVar("T")


# -- what is asked of the backend, once -------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """The VoID statistics of the graph."""

    triples: int
    subjects: int
    objects: int
    #: (class IRI, instances), by IRI
    classes: tuple[tuple[str, int], ...]
    #: (property IRI, triples), by IRI
    properties: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class DatasetFacts:
    """What the graph's own dataset node (:data:`DATASET_IRI`) says of it."""

    title: str
    licence: str
    publisher: str
    modified: Any = None  # a pyoxigraph Literal, when the graph gives one
    issued: Any = None


_TOTALS = "SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects) WHERE { ?s ?p ?o }"
_CLASSES = (
    f"SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s <{RDF}type> ?class FILTER isIRI(?class) }}"
    " GROUP BY ?class ORDER BY ?class"
)
_PROPERTIES = "SELECT ?property (COUNT(*) AS ?n) WHERE { ?s ?property ?o } GROUP BY ?property ORDER BY ?property"
_DATASET = f"""SELECT (MIN(?t) AS ?title) (MIN(?l) AS ?licence) (MIN(?p) AS ?publisher)
    (MAX(?m) AS ?modified) (MIN(?i) AS ?issued) WHERE {{
    OPTIONAL {{ <{DATASET_IRI}> <{DCTERMS}title> ?t }}
    OPTIONAL {{ <{DATASET_IRI}> <{DCTERMS}license> ?l FILTER isIRI(?l) }}
    OPTIONAL {{ <{DATASET_IRI}> <{DCTERMS}publisher> ?p0 .
        OPTIONAL {{ ?p0 <{FOAF}name> ?named }} BIND (COALESCE(?named, ?p0) AS ?p) FILTER isLiteral(?p) }}
    OPTIONAL {{ <{DATASET_IRI}> <{DCTERMS}modified> ?m }}
    OPTIONAL {{ <{DATASET_IRI}> <{DCTERMS}issued> ?i }} }}"""
_WHOLE_GRAPH = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


class Described:
    """What the descriptions and dumps need from ``backend``, each asked once per app
    (on first request, one request at a time: the data is read-only)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._values: dict[str, object] = {}
        self._releases: collections.OrderedDict[tuple[str, str], bytes] = collections.OrderedDict()

    def _once(self, key: str, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                return cast(T, self._values[key])
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:  # one request makes it; the others wait for it
            with self._lock:
                if key in self._values:
                    return cast(T, self._values[key])
            value = make()
            with self._lock:
                self._values[key] = value
            return value

    def _select(self, sparql: str) -> list[dict[str, Any]]:
        solutions = self.backend.run(sparql, results_format="JSON").solutions()
        names = [v.value for v in solutions.variables]
        return [{name: row[name] for name in names} for row in solutions]

    def counts(self) -> Counts:
        def make() -> Counts:
            totals = self._select(_TOTALS)[0]
            return Counts(
                triples=int(totals["triples"].value),
                subjects=int(totals["subjects"].value),
                objects=int(totals["objects"].value),
                classes=tuple(
                    (r["class"].value, int(r["n"].value)) for r in self._select(_CLASSES)
                ),
                properties=tuple(
                    (r["property"].value, int(r["n"].value)) for r in self._select(_PROPERTIES)
                ),
            )

        return self._once("counts", make)

    def dataset(self) -> DatasetFacts:
        def make() -> DatasetFacts:
            rows = self._select(_DATASET)
            row = rows[0] if rows else {}

            def text(name: str, default: str) -> str:
                term = row.get(name)
                return str(term.value) if term is not None else default

            return DatasetFacts(
                title=text("title", "rolegraph graph"),
                licence=text("licence", OGL),
                publisher=text("publisher", "rolegraph"),
                modified=row.get("modified"),
                issued=row.get("issued"),
            )

        return self._once("dataset", make)

    def ntriples(self) -> bytes:
        """The graph as canonical, sorted N-Triples (rewritten by Oxigraph first, so a
        remote endpoint's N-Triples sort the same)."""
        return self._once("nt", lambda: canonical(self.backend.ntriples()))

    def dump(self, fmt: str) -> bytes:
        """The graph as ``rolegraph export -f FMT`` writes it."""
        if fmt == "nt":
            return self.ntriples()
        return self._once("dump " + fmt, lambda: serialize_ntriples(self.ntriples(), fmt))

    def releases(self) -> list[Release]:
        return self._once("releases", self.backend.releases)

    def release_dump(self, release: Release, fmt: str) -> bytes:
        """A release's graph as ``rolegraph export --release NAME -f FMT`` writes it."""
        if release.name == self.backend.release:
            return self.dump(fmt)
        key = (release.iri, fmt)
        with self._lock:
            found = self._releases.get(key)
            if found is not None:
                self._releases.move_to_end(key)
                return found
        answer = self.backend.run(_WHOLE_GRAPH, defaults=[release.iri], graph_format="N_TRIPLES")
        data = serialize_ntriples(canonical(answer.data), fmt)
        with self._lock:
            self._releases[key] = data
            while len(self._releases) > MAX_RELEASE_DUMPS:
                self._releases.popitem(last=False)
        return data


def canonical(data: bytes) -> bytes:
    """N-Triples in Oxigraph's canonical form, sorted as ``rolegraph export`` sorts them."""
    import pyoxigraph as ox

    triples = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
    return sort_ntriples(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")


# -- writing RDF ------------------------------------------------------------------------


class Lit(NamedTuple):
    """A literal in a description (IRIs are plain strings; blank nodes ``_:name``)."""

    value: str
    datatype: str = XSD + "string"


Node = str | Lit | Any  # an IRI, "_:blank", a Lit, or a pyoxigraph term
Statement = tuple[str, str, Node]


def number(n: int, datatype: str = XSD + "integer") -> Lit:
    return Lit(str(n), datatype)


def _term(node: Node) -> Any:
    import pyoxigraph as ox

    if isinstance(node, Lit):
        return ox.Literal(node.value, datatype=ox.NamedNode(node.datatype))
    if isinstance(node, str):
        return ox.BlankNode(node[2:]) if node.startswith("_:") else ox.NamedNode(node)
    return node


def to_triples(statements: Iterable[Statement]) -> list[ox.Triple]:
    """The statements as triples, each subject's together (in the order subjects first
    appear), so Turtle writes each subject once."""
    import pyoxigraph as ox

    by_subject: dict[str, list[Statement]] = {}
    for st in statements:
        by_subject.setdefault(st[0], []).append(st)
    return [
        ox.Triple(_term(s), ox.NamedNode(p), _term(o))
        for group in by_subject.values()
        for s, p, o in group
    ]


def _used_prefixes(data: bytes) -> dict[str, str]:
    """The prefixes of :data:`DESCRIPTION_PREFIXES` whose namespace ``data`` (N-Triples) uses."""
    return {k: ns for k, ns in DESCRIPTION_PREFIXES.items() if b"<" + ns.encode() in data}


def rdf(triples: list[ox.Triple], media: str, *, links: bool = False) -> Reply:
    """``triples`` as ``media`` (Turtle, JSON-LD, N-Triples or RDF/XML), in their order;
    ``links``: with ``Link`` headers to the other representations (``?format=``)."""
    import pyoxigraph as ox

    if media == "application/ld+json":
        data = to_jsonld(triples)
    else:
        found = by_media_type(media)
        assert found is not None
        prefixes = None
        if media == "text/turtle":
            nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            prefixes = _used_prefixes(nt)
        fmt = getattr(ox.RdfFormat, found.oxigraph)
        data = ox.serialize(triples, format=fmt, prefixes=prefixes) or b""
    return Reply(
        HTTPStatus.OK, data, f"{media}; charset=utf-8", headers=alternates(media) if links else ()
    )


def choose(route: str, query: str, accept: str | None, offered: list[str]) -> str:
    """The media type ``route`` is asked for: ``?format=`` (html, ttl, nt, jsonld, ...,
    read by :func:`.tools.read_params`: no other parameter, none twice), else the Accept
    header; 400 for an unknown format, 406 when none offered is acceptable."""
    names = sorted(k for k, v in RESOURCE_FORMATS.items() if v in offered)
    _, asked = read_params(route, query_fields(query), (), names)
    if asked:
        return RESOURCE_FORMATS[asked]
    media = accepts(accept, offered)
    if media is None:
        raise HttpError(HTTPStatus.NOT_ACCEPTABLE, "this is served as " + ", ".join(offered))
    return media


# -- the descriptions -------------------------------------------------------------------


def publisher(root: str) -> str:
    return root + "catalog#publisher"


def _agent(root: str, facts: DatasetFacts) -> list[Statement]:
    return [
        (publisher(root), RDF + "type", FOAF + "Agent"),
        (publisher(root), FOAF + "name", Lit(facts.publisher)),
    ]


def served_formats() -> list[str]:
    """The W3C format IRI of each results and graph format ``/sparql`` answers in."""
    out: list[str] = []
    for media in (*SELECT_TYPES, *GRAPH_TYPES):
        iri = FORMAT_IRIS.get(media)
        if iri is not None and iri not in out:
            out.append(iri)
    return out


def service_description(described: Described, endpoint: str, root: str) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``. No
    ``sd:feature`` is claimed, as none holds: ``SERVICE`` is refused, IRIs are not
    dereferenced, the default graph is the graph served."""
    counts = described.counts()
    s, dataset, graph = "_:service", "_:dataset", "_:defaultGraph"
    out: list[Statement] = [
        (s, RDF + "type", SD + "Service"),
        (s, SD + "endpoint", endpoint),
        (s, SD + "supportedLanguage", SD + "SPARQL11Query"),
        *((s, SD + "resultFormat", iri) for iri in served_formats()),
        (s, SD + "defaultEntailmentRegime", "http://www.w3.org/ns/entailment/Simple"),
        (s, SD + "defaultDataset", dataset),
        (dataset, RDF + "type", SD + "Dataset"),
        (dataset, SD + "defaultGraph", graph),
        (dataset, RDFS + "seeAlso", root + ".well-known/void"),
        (dataset, DCTERMS + "source", DATASET_IRI),
        (graph, RDF + "type", SD + "Graph"),
        (graph, VOID + "triples", number(counts.triples)),
    ]
    return to_triples(out)


def void_description(described: Described, root: str) -> list[ox.Triple]:
    """The VoID description of the graph: statistics, partitions, endpoint, dumps."""
    counts, facts = described.counts(), described.dataset()
    d, doc = DATASET_IRI, root + ".well-known/void"
    out: list[Statement] = [
        (doc, RDF + "type", VOID + "DatasetDescription"),
        (doc, FOAF + "primaryTopic", d),
        (d, RDF + "type", VOID + "Dataset"),
        (d, DCTERMS + "title", Lit(facts.title)),
        (d, DCTERMS + "license", facts.licence),
        (d, DCTERMS + "publisher", publisher(root)),
        (d, FOAF + "homepage", root),
        (d, VOID + "sparqlEndpoint", root + "sparql"),
        *((d, VOID + "dataDump", root + "dumps/" + name) for name in DUMPS),
        *((d, VOID + "feature", FORMAT_IRIS[dump.media_type]) for dump in DUMPS.values()),
        (d, VOID + "uriSpace", Lit(ID)),
        (d, VOID + "vocabulary", ONTOLOGY_IRI),
        (d, VOID + "triples", number(counts.triples)),
        (d, VOID + "classes", number(len(counts.classes))),
        (d, VOID + "properties", number(len(counts.properties))),
        (d, VOID + "distinctSubjects", number(counts.subjects)),
        (d, VOID + "distinctObjects", number(counts.objects)),
    ]
    for n, (iri, entities) in enumerate(counts.classes, 1):
        part = f"_:class{n}"
        out += [
            (d, VOID + "classPartition", part),
            (part, VOID + "class", iri),
            (part, VOID + "entities", number(entities)),
        ]
    for n, (iri, triples) in enumerate(counts.properties, 1):
        part = f"_:property{n}"
        out += [
            (d, VOID + "propertyPartition", part),
            (part, VOID + "property", iri),
            (part, VOID + "triples", number(triples)),
        ]
    return to_triples([*out, *_agent(root, facts)])


def catalog_description(described: Described, root: str) -> list[ox.Triple]:
    """The DCAT catalogue: the dataset, a distribution per dump, the SPARQL service."""
    facts = described.dataset()
    cat, d, service = root + "catalog", DATASET_IRI, root + "sparql"
    out: list[Statement] = [
        (cat, RDF + "type", DCAT + "Catalog"),
        (cat, DCTERMS + "title", Lit("rolegraph: " + facts.title)),
        (cat, DCTERMS + "license", facts.licence),
        (cat, DCTERMS + "publisher", publisher(root)),
        (cat, FOAF + "homepage", root),
        (cat, DCAT + "dataset", d),
        (cat, DCAT + "service", service),
        (d, RDF + "type", DCAT + "Dataset"),
        (d, DCTERMS + "title", Lit(facts.title)),
        (d, DCTERMS + "license", facts.licence),
        (d, DCTERMS + "publisher", publisher(root)),
        (d, DCTERMS + "conformsTo", ONTOLOGY_IRI),
        (d, DCAT + "landingPage", root),
        *((d, DCTERMS + name, value) for name, value in _dates(facts)),
    ]
    for dump in DUMPS.values():
        dist, url = f"{cat}#{dump.fmt}", root + "dumps/" + dump.file
        out += [
            (d, DCAT + "distribution", dist),
            (dist, RDF + "type", DCAT + "Distribution"),
            (dist, DCTERMS + "title", Lit(f"{facts.title} ({dump.label})")),
            (dist, DCAT + "downloadURL", url),
            (dist, DCAT + "accessURL", url),
            (dist, DCAT + "mediaType", IANA + dump.media_type),
            (dist, DCTERMS + "format", FORMAT_IRIS[dump.media_type]),
            (
                dist,
                DCAT + "byteSize",
                number(len(described.dump(dump.fmt)), XSD + "nonNegativeInteger"),
            ),
            (dist, DCTERMS + "license", facts.licence),
        ]
    out += [
        (service, RDF + "type", DCAT + "DataService"),
        (service, DCTERMS + "title", Lit("SPARQL endpoint: " + facts.title)),
        (service, DCAT + "endpointURL", service),
        (service, DCAT + "endpointDescription", service),
        (service, DCAT + "servesDataset", d),
        (service, DCTERMS + "conformsTo", "https://www.w3.org/TR/sparql11-protocol/"),
        (service, DCTERMS + "license", facts.licence),
        *_agent(root, facts),
    ]
    return to_triples(out)


def _dates(facts: DatasetFacts) -> list[tuple[str, Any]]:
    return [(name, v) for name, v in (("issued", facts.issued), ("modified", facts.modified)) if v]


# -- the routes -------------------------------------------------------------------------


def service(described: Described, endpoint: str, root: str, media: str) -> Reply:
    """``/sparql`` with no query, for a client asking for RDF by name."""
    return rdf(service_description(described, endpoint, root), media)


def void(described: Described, root: str, query: str, accept: str | None) -> Reply:
    media = choose("/.well-known/void", query, accept, DESCRIPTION_TYPES)
    return rdf(void_description(described, root), media, links=True)


def catalog(described: Described, root: str, query: str, accept: str | None) -> Reply:
    """``/catalog``: the DCAT record, or its page for a browser."""
    media = choose("/catalog", query, accept, ["text/html", *DESCRIPTION_TYPES])
    if media != "text/html":
        return rdf(catalog_description(described, root), media, links=True)
    facts, counts = described.dataset(), described.counts()
    page = describe_pages.catalog_page(
        facts.title,
        facts.licence,
        facts.publisher,
        [(name.capitalize(), str(value.value)) for name, value in _dates(facts)],
        [
            (d.label, "/dumps/" + name, d.media_type, len(described.dump(d.fmt)))
            for name, d in DUMPS.items()
        ],
        (counts.triples, len(counts.classes), len(counts.properties)),
    )
    return Reply(HTTPStatus.OK, page, HTML, headers=alternates(media))


def dump(described: Described, name: str) -> Reply:
    found = DUMPS.get(name)
    if found is None:
        raise HttpError(HTTPStatus.NOT_FOUND, f"no dump {name!r}: the dumps are {', '.join(DUMPS)}")
    return Reply(HTTPStatus.OK, described.dump(found.fmt), f"{found.media_type}; charset=utf-8")


__all__ = [
    "DUMPS",
    "Described",
    "catalog",
    "catalog_description",
    "dump",
    "service",
    "service_description",
    "void",
    "void_description",
]
