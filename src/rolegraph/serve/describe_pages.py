"""The HTML pages of :mod:`.describe`: the catalogue, a release graph, the shapes. Each
escapes every text from the data and uses the frame of :func:`.pages.page`."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rolegraph.model.vocab import DATASET_IRI, RG, short_iri
from rolegraph.serve.pages import local_path, page

if TYPE_CHECKING:
    from rolegraph.graph.releases import Release


def _a(href: str, text: str) -> str:
    return f'<a href="{html.escape(href, quote=True)}">{html.escape(text)}</a>'


def _also() -> str:
    """Links to a page's other representations (``?format=``)."""
    return "Also as " + ", ".join(
        _a(f"?format={f}", name)
        for f, name in (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"))
    )


def catalog_page(
    title: str,
    licence: str,
    publisher: str,
    dates: Sequence[tuple[str, str]],
    downloads: Sequence[tuple[str, str, str, int]],
    stats: tuple[int, int, int],
) -> bytes:
    """The DCAT catalogue as a page: the dataset (``dates``: (label, date); ``stats``:
    triples, classes, properties), its dumps ((format, path, media type, bytes)), the
    SPARQL endpoint."""
    dataset = local_path(DATASET_IRI) or DATASET_IRI
    rows = "".join(
        f"<tr><td>{html.escape(label)}</td><td>{_a(path, path)}</td>"
        f"<td><code>{html.escape(media)}</code></td><td>{size:,} bytes</td></tr>"
        for label, path, media, size in downloads
    )
    listed = "".join(f"<li>{html.escape(k)}: {html.escape(v)}</li>" for k, v in dates)
    triples, classes, properties = stats
    body = (
        f"<p>{_also()} (DCAT).</p>"
        f"<h2>Dataset: {_a(dataset, title)}</h2><ul>"
        f"<li>Licence: {_a(licence, licence)}</li>"
        f"<li>Publisher: {html.escape(publisher)}</li>{listed}"
        f"<li>{triples:,} triples; {classes:,} classes, {properties:,} properties "
        f"({_a('/.well-known/void', 'VoID')})</li></ul>"
        "<h2>Downloads</h2><p>The whole graph, as <code>rolegraph export</code> writes it "
        "(gzip-compressed in transit when the client accepts it).</p>"
        f"<table><tr><th>format</th><th>file</th><th>media type</th><th>size</th></tr>{rows}</table>"
        f"<h2>SPARQL endpoint</h2><p>{_a('/sparql', '/sparql')}: the SPARQL 1.1 Protocol, "
        "read-only; its service description is <code>/sparql</code> asked for "
        "<code>text/turtle</code> or <code>application/ld+json</code>.</p>"
    )
    return page("Catalogue", body)


def release_page(release: Release, served: bool) -> bytes:
    """A release graph: its name, date, sources, size and dumps."""
    dumps = ", ".join(
        _a(f"?format={f}", name)
        for f, name in (("ttl", "Turtle"), ("nt", "N-Triples"), ("jsonld", "JSON-LD"))
    )
    sources = "".join(f"<li>{html.escape(s)}</li>" for s in release.sources) or "<li>-</li>"
    body = (
        f"<p><code>{html.escape(release.iri)}</code> — a named graph of this store.</p><ul>"
        f"<li>Release: {html.escape(release.name)}</li>"
        f"<li>Date: {html.escape(release.date or 'not given')}</li>"
        f"<li>Triples: {release.triples:,}</li>"
        f"<li>{'The release this service serves' if served else 'Not the release this service serves'}</li>"
        f"</ul><h2>Sources</h2><ul>{sources}</ul><h2>Download</h2><p>The release's graph as {dumps}.</p>"
    )
    return page(f"Release {release.name}", body)


def shapes_page(rows: Sequence[tuple[str, str, Sequence[str]]]) -> bytes:
    """The SHACL shapes: each one's name (its anchor), label and target classes."""

    def target(iri: str) -> str:
        if iri.startswith(RG):
            return _a("/ontology#" + iri.removeprefix(RG), short_iri(iri))
        return html.escape(short_iri(iri))

    table = "".join(
        f'<tr id="{html.escape(name, quote=True)}"><td><code>rgsh:{html.escape(name)}</code></td>'
        f"<td>{html.escape(label)}</td><td>{', '.join(target(t) for t in targets)}</td></tr>"
        for name, label, targets in rows
    )
    body = (
        f"<p>The SHACL shapes <code>rolegraph validate</code> checks a graph against. "
        f"{_also()}; as published: {_a('/ontology/shapes.ttl', 'shapes.ttl')}.</p>"
        f"<table><tr><th>shape</th><th>label</th><th>targets</th></tr>{table}</table>"
    )
    return page("The rolegraph shapes", body)
