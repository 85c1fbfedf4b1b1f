"""One table of RDF formats: CLI choices, file extensions and media types all come from here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RdfFormat:
    name: str
    extensions: tuple[str, ...]
    media_type: str
    #: The pyoxigraph RdfFormat attribute name.
    oxigraph: str
    #: Written by ``rolegraph export`` (the others are read only).
    export: bool = True
    #: A format of triples (N-Quads and TriG carry named graphs too).
    triples: bool = True


FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("turtle", (".ttl", ".turtle"), "text/turtle", "TURTLE"),
    RdfFormat("nt", (".nt", ".ntriples"), "application/n-triples", "N_TRIPLES"),
    RdfFormat("jsonld", (".jsonld", ".json"), "application/ld+json", "JSON_LD"),
    RdfFormat("rdfxml", (".rdf", ".owl", ".xml"), "application/rdf+xml", "RDF_XML", export=False),
    RdfFormat("nquads", (".nq",), "application/n-quads", "N_QUADS", export=False, triples=False),
    RdfFormat("trig", (".trig",), "application/trig", "TRIG", export=False, triples=False),
)
BY_NAME = {f.name: f for f in FORMATS}
EXPORT_NAMES = tuple(f.name for f in FORMATS if f.export)
#: -o FILE's extension -> the export format it names.
EXPORT_EXTENSIONS = {ext: f.name for f in FORMATS if f.export for ext in f.extensions}
#: media type -> pyoxigraph format name, for graphs served over HTTP (best first).
GRAPH_MEDIA_TYPES = {f.media_type: f.oxigraph for f in FORMATS if f.triples}


def by_extension(path: Path | str) -> RdfFormat | None:
    suffix = Path(path).suffix.lower()
    return next((f for f in FORMATS if suffix in f.extensions), None)


def by_media_type(media_type: str) -> RdfFormat | None:
    base = media_type.split(";")[0].strip().lower()
    return next((f for f in FORMATS if f.media_type == base), None)
