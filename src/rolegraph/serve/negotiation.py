"""Content negotiation for ``rolegraph serve``: the Accept header's preferred media type,
and the media types each kind of answer (results, graphs, resources) is served as."""

from __future__ import annotations

import functools

from rolegraph.model.formats import FORMATS, GRAPH_MEDIA_TYPES

SELECT_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
GRAPH_TYPES = GRAPH_MEDIA_TYPES
#: what the service's descriptions (SPARQL Service Description, VoID, DCAT) are served as
DESCRIPTION_TYPES = [
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
]
#: ?format=NAME on a resource page -> media type (the export formats' names and extensions).
RESOURCE_FORMATS = {
    **{f.name: f.media_type for f in FORMATS if f.dump},
    **{ext.lstrip("."): f.media_type for f in FORMATS if f.dump for ext in f.extensions},
    "html": "text/html",
}


def _ranges(header: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header, lower-cased, each with its quality."""
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = min(max(float(f[2:]), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        if fields[0]:
            ranges.append((fields[0].lower(), q))
    return ranges


def accepts(header: str | None, offered: list[str]) -> str | None:
    """The offered media type the Accept header prefers (RFC 9110: each offered type takes
    the quality of the most specific range that matches it, ``q=0`` refuses it; the first
    offered wins a tie), or None when it accepts none of them."""
    if not header:
        return offered[0]
    if len(header) > 512:
        return _choose(header, tuple(offered))
    return _kept_choice(header, tuple(offered))


@functools.lru_cache(maxsize=256)  # clients send the same few Accept headers again and again
def _kept_choice(header: str, offered: tuple[str, ...]) -> str | None:
    return _choose(header, offered)


def _choose(header: str, offered: tuple[str, ...]) -> str | None:
    ranges = _ranges(header)
    best: tuple[float, int] | None = None
    choice = None
    for i, o in enumerate(offered):
        # specificity: 2 exact, 1 type/*, 0 */*
        matches = [
            (2 if m == o else 0 if m == "*/*" else 1, q)
            for m, q in ranges
            if m in (o, "*/*") or (m.endswith("/*") and o.startswith(m[:-1]))
        ]
        if not matches:
            continue
        q = max(matches)[1]
        if q > 0 and (best is None or (q, -i) > best):
            best, choice = (q, -i), o
    return choice


def accepts_named(header: str | None, offered: list[str]) -> str | None:
    """As :func:`accepts`, counting only the media types the header names (not ``*/*``
    or ``text/*``): for a route that answers a client only when it asks by name."""
    named = [p for p in (header or "").split(",") if "*" not in p.split(";")[0]]
    return accepts(",".join(named), offered) if any(p.strip() for p in named) else None
