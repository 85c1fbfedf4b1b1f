"""One table of RDF formats: CLI choices, file extensions and media types all come from here.

Each format has the name rolegraph writes in messages and the other names rdflib and Jena
users type (``ttl``, ``ntriples``, ``n-triples``, ``json-ld``, ``xml``, ``rdf/xml``,
``n-quads``, ``nq``); :func:`by_name` takes any of them, in any case. A file name ending in
``.gz`` is that format, gzip-compressed (``graph.ttl.gz``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RdfFormat:
    name: str
    #: what a person calls it ("RDF/XML")
    label: str
    extensions: tuple[str, ...]
    media_type: str
    #: The pyoxigraph RdfFormat attribute name.
    oxigraph: str
    #: the other names it goes by (rdflib's and Jena's spellings)
    aliases: tuple[str, ...] = ()
    #: A format of triples (N-Quads and TriG carry named graphs too).
    triples: bool = True
    #: Offered by ``rolegraph serve`` as a dump and as a resource page's ``?format=``.
    dump: bool = True


FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("turtle", "Turtle", (".ttl", ".turtle"), "text/turtle", "TURTLE", ("ttl",)),
    RdfFormat(
        "nt",
        "N-Triples",
        (".nt", ".ntriples"),
        "application/n-triples",
        "N_TRIPLES",
        ("ntriples", "n-triples"),
    ),
    RdfFormat(
        "jsonld", "JSON-LD", (".jsonld", ".json"), "application/ld+json", "JSON_LD", ("json-ld",)
    ),
    RdfFormat(
        "rdfxml",
        "RDF/XML",
        (".rdf", ".owl", ".xml"),
        "application/rdf+xml",
        "RDF_XML",
        ("xml", "rdf/xml", "rdf-xml"),
        dump=False,
    ),
    RdfFormat(
        "nquads",
        "N-Quads",
        (".nq", ".nquads"),
        "application/n-quads",
        "N_QUADS",
        ("n-quads", "nq"),
        triples=False,
        dump=False,
    ),
    RdfFormat(
        "trig", "TriG", (".trig",), "application/trig", "TRIG", (), triples=False, dump=False
    ),
)
#: every name a format goes by (lower case) -> the format
BY_NAME = {n: f for f in FORMATS for n in (f.name, *f.aliases)}
#: the canonical names, as messages list them
EXPORT_NAMES = tuple(f.name for f in FORMATS)
#: every spelling a --format option takes (canonical names first)
FORMAT_NAMES = (*EXPORT_NAMES, *(n for f in FORMATS for n in f.aliases))
#: -o FILE's extension -> the export format it names.
EXPORT_EXTENSIONS = {ext: f.name for f in FORMATS for ext in f.extensions}
#: media type -> pyoxigraph format name, for graphs served over HTTP (best first).
GRAPH_MEDIA_TYPES = {f.media_type: f.oxigraph for f in FORMATS if f.triples}
GZIP_SUFFIX = ".gz"


def by_name(name: str) -> RdfFormat | None:
    """The format any of its names (``ttl``, ``N-Triples``, ``rdf/xml``) names, else None."""
    return BY_NAME.get(name.strip().lower())


def gzipped(path: Path | str) -> bool:
    """Whether the file name says gzip (``graph.ttl.gz``)."""
    return Path(path).name.lower().endswith(GZIP_SUFFIX)


def format_suffix(path: Path | str) -> str:
    """The extension that names the format: ``.ttl`` for ``graph.ttl`` and ``graph.ttl.gz``."""
    p = Path(path)
    if gzipped(p):
        p = p.with_suffix("")
    return p.suffix.lower()


def by_extension(path: Path | str) -> RdfFormat | None:
    suffix = format_suffix(path)
    return next((f for f in FORMATS if suffix in f.extensions), None)


def by_media_type(media_type: str) -> RdfFormat | None:
    base = media_type.split(";")[0].strip().lower()
    return next((f for f in FORMATS if f.media_type == base), None)
