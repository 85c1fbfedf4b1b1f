"""Framework releases side by side: one named graph per release in one on-disk store.

The framework changes every three months and its downloads hold only the latest
release. ``rolegraph build ... --store DIR --release 2025-09`` adds (or replaces) a
release; every command that reads a graph takes ``--graph DIR --release NAME`` (the
latest release when none is named); ``rolegraph releases DIR`` lists them.

Each release's graph is ``https://w3id.org/rolegraph/release/<slug>``; the store's
default graph holds one description per release (label, triples, sources).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rolegraph.errors import InputError, NotFound
from rolegraph.vocab import BASE, DCTERMS, RDF, RDFS, RG, XSD, slugify

if TYPE_CHECKING:
    import pyoxigraph as ox

    from rolegraph.store import RoleGraph

RELEASE_NS = BASE + "release/"


def release_iri(name: str) -> str:
    if not name.strip():
        raise InputError("a release needs a name, such as 2025-09")
    return RELEASE_NS + slugify(name)


@dataclass(frozen=True)
class Release:
    name: str
    iri: str
    triples: int


def list_releases(store: ox.Store) -> list[Release]:
    """The releases in a store, oldest name first (names that are dates sort by date)."""
    found = []
    query = f"""SELECT ?g ?name ?n WHERE {{
        ?g a <{RG}Release> ; <{RG}release> ?name .
        OPTIONAL {{ ?g <{RG}triples> ?n }}
    }} ORDER BY ?name"""
    import pyoxigraph as ox

    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    for row in solutions:
        n = int(row["n"].value) if row["n"] is not None else 0
        found.append(Release(row["name"].value, row["g"].value, n))
    return found


def pick_release(store: ox.Store, name: str | None) -> Release | None:
    """The named release, or the latest; None when the store holds no releases."""
    releases = list_releases(store)
    if not releases:
        if name is not None:
            raise InputError(
                f"this store holds no releases, so there is no release {name!r}",
                hint="add one with 'rolegraph build ... --store DIR --release NAME'",
            )
        return None
    if name is None:
        return releases[-1]
    for r in releases:
        if r.name == name or r.iri == release_iri(name):
            return r
    import difflib

    raise NotFound(
        "release",
        name,
        difflib.get_close_matches(name, [r.name for r in releases], n=3, cutoff=0.3),
    )


def add_release(directory: Path | str, graph: RoleGraph, name: str) -> Release:
    """Add ``graph`` to the store in ``directory`` as release ``name`` (replacing it if present).

    The store is created if the folder does not exist. The change is one SPARQL update,
    so a failure leaves the store as it was.
    """
    import pyoxigraph as ox

    from rolegraph.export import sorted_ntriples
    from rolegraph.store import STORE_MARKER, store_path

    target = Path(directory)
    if (
        target.exists()
        and not (target / STORE_MARKER).exists()
        and (target.is_file() or any(target.iterdir()))
    ):
        raise InputError(
            f"{target} exists and is not a rolegraph store",
            hint="give a new folder name, or a store written by rolegraph",
        )
    iri = release_iri(name)
    data = sorted_ntriples(graph).decode("utf-8")
    count = data.count("\n")
    try:
        target.mkdir(parents=False, exist_ok=True)
        store = ox.Store(str(store_path(target)))
    except OSError as exc:
        raise InputError(f"cannot open the store {target}: {exc}") from None
    label = _literal(name)
    update = (
        f"DROP SILENT GRAPH <{iri}> ;\n"
        f"DELETE WHERE {{ <{iri}> ?p ?o }} ;\n"
        f"INSERT DATA {{\n"
        f"  <{iri}> <{RDF}type> <{RG}Release> ; <{RG}release> {label} ; <{RDFS}label> {label} ;\n"
        f'    <{RG}triples> "{count}"^^<{XSD}integer> ; <{DCTERMS}hasPart> <{iri}> .\n'
        f"  GRAPH <{iri}> {{\n{data}  }}\n"
        f"}}"
    )
    try:
        store.update(update)
        store.flush()
    except (OSError, SyntaxError, RuntimeError) as exc:
        raise InputError(f"cannot add release {name!r} to {target}: {exc}") from None
    finally:
        del store
    (target / STORE_MARKER).write_text(
        "A rolegraph store (Oxigraph). Open it with: rolegraph ... --graph "
        f"{target.name} [--release NAME]\n",
        encoding="utf-8",
    )
    return Release(name, iri, count)


def remove_release(directory: Path | str, name: str) -> Release:
    import pyoxigraph as ox

    from rolegraph.store import store_path

    try:
        store = ox.Store(str(store_path(Path(directory))))
    except OSError as exc:
        raise InputError(f"cannot open the store {directory}: {exc}") from None
    release = pick_release(store, name)
    assert release is not None
    store.update(f"DROP SILENT GRAPH <{release.iri}> ; DELETE WHERE {{ <{release.iri}> ?p ?o }}")
    store.flush()
    return release


def _literal(text: str) -> str:
    import pyoxigraph as ox

    return str(ox.Literal(text))
