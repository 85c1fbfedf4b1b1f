"""The HTML pages of :mod:`.describe` and :mod:`.dereference`: the catalogue, a release
graph, the shapes. Each renders its template (``templates/``, autoescaped) with
:func:`.pages.render`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rolegraph.model.vocab import DATASET_IRI, RG, short_iri
from rolegraph.serve.pages import local_path, render, url

if TYPE_CHECKING:
    from rolegraph.graph.releases import Release


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
    local = local_path(DATASET_IRI)
    triples, classes, properties = stats
    return render(
        "catalog.html",
        title="Catalogue",
        dataset=url(local) if local else DATASET_IRI,
        dataset_title=title,
        licence=licence,
        publisher=publisher,
        dates=list(dates),
        downloads=list(downloads),
        triples=triples,
        classes=classes,
        properties=properties,
    )


def release_page(release: Release, served: bool) -> bytes:
    """A release graph: its name, date, sources, size and dumps."""
    return render(
        "release.html",
        title=f"Release {release.name}",
        iri=release.iri,
        name=release.name,
        date=release.date,
        triples=release.triples,
        served=served,
        sources=list(release.sources),
    )


def shapes_page(rows: Sequence[tuple[str, str, Sequence[str]]]) -> bytes:
    """The SHACL shapes: each one's name (its anchor), label and target classes
    (linked to the ontology's page where they are rolegraph's)."""
    shapes = [
        (
            name,
            label,
            [
                (short_iri(t), "/ontology#" + t.removeprefix(RG) if t.startswith(RG) else None)
                for t in targets
            ],
        )
        for name, label, targets in rows
    ]
    return render("shapes.html", title="The rolegraph shapes", shapes=shapes)
