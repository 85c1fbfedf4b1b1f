"""Framework releases side by side: one named graph per release in one on-disk store.

The framework changes every three months and its downloads hold only the latest
release. :func:`add_release` adds (or replaces) a release in a store; opening a store
picks one by name (:func:`pick_release`); :func:`list_releases` lists them.

Releases are ordered by name, numbers by value (so ``2025-9`` < ``2025-10`` and dates
written ``2025-09`` sort by date); when no release is named, the last one is used.

Each release's graph is ``https://w3id.org/rolegraph/release/<slug>``; the store's
default graph holds one description per release (name, triples).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rolegraph.errors import DataInvalid, NotFound, OptionError, OutputError, SourceError
from rolegraph.graph.export import sorted_ntriples
from rolegraph.graph.store import (
    STORE_MARKER,
    busy_hint,
    check_store_target,
    new_database,
    store_path,
)
from rolegraph.model.vocab import BASE, DCAT, DCTERMS, RDF, RDFS, RG, XSD, slugify
from rolegraph.spelling import advice
from rolegraph.util.text import did_you_mean, whole_number

if TYPE_CHECKING:
    import pyoxigraph as ox

    from rolegraph.graph.store import RoleGraph

RELEASE_NS = BASE + "release/"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}")
_CHUNKS = re.compile(r"(\d+)")


def check_name(name: str) -> str:
    """A release name: letters, digits, spaces, '.', '_' and '-', up to 64 characters."""
    if not _NAME.fullmatch(name):
        raise OptionError(
            f"{name!r} is not a usable release name",
            hint="use letters, digits, spaces, '.', '_' or '-' (at most 64), such as 2025-09",
        )
    return name


def release_iri(name: str) -> str:
    return RELEASE_NS + slugify(check_name(name))


def order_key(name: str) -> tuple[tuple[int, int, str], ...]:
    """Natural order: the numbers in a name compare by value."""
    return tuple(
        (0, int(chunk), "") if chunk.isdigit() else (1, 0, chunk.lower())
        for chunk in _CHUNKS.split(name)
        if chunk
    )


@dataclass(frozen=True)
class Release:
    name: str
    iri: str
    triples: int
    replaced: bool = False
    #: the release's date: its name when written as a date, else the latest date its
    #: sources give (a role page's "last updated"), else None
    date: str | None = None
    #: the files or pages it was built from
    sources: tuple[str, ...] = ()


#: the releases a store describes: one row per release and date or source
RELEASES_QUERY = f"""SELECT ?g ?name ?n ?issued ?modified ?source WHERE {{
    ?g a <{RG}Release> ; <{RG}release> ?name .
    OPTIONAL {{ ?g <{RG}triples> ?n }}
    OPTIONAL {{ GRAPH ?g {{ ?d a <{DCAT}Dataset> .
        OPTIONAL {{ ?d <{DCTERMS}issued> ?issued }}
        OPTIONAL {{ ?d <{DCTERMS}modified> ?modified }}
        OPTIONAL {{ ?d <{DCTERMS}source>/<{RDFS}label> ?source }} }} }}
}}"""


def list_releases(store: ox.Store) -> list[Release]:
    """The releases in a store, in natural order of their names (the last is the default)."""
    import pyoxigraph as ox

    solutions = store.query(RELEASES_QUERY)
    assert isinstance(solutions, ox.QuerySolutions)
    names = ("g", "name", "n", "issued", "modified", "source")
    return releases_of(
        {k: None if row[k] is None else row[k].value for k in names} for row in solutions
    )


def _triples(text: str | None, name: str) -> int:
    """A release's ``rg:triples`` (text, from a store or an endpoint) as a count."""
    if text is None:
        return 0
    n = whole_number(text)
    if n is None:
        shown = text[:40] + ("…" if len(text) > 40 else "")
        raise DataInvalid(
            f"release {name!r} gives its triple count as {shown!r}, which is not a number",
            hint="rebuild the release into the store",
        )
    return n


def releases_of(rows: Iterable[Mapping[str, str | None]]) -> list[Release]:
    """The releases the rows of :data:`RELEASES_QUERY` describe (values as text), in
    natural order of their names."""
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        g, name = row["g"], row["name"]
        if g is None or name is None:
            continue
        if g not in found:
            found[g] = {
                "name": name,
                "n": _triples(row["n"], name),
                "dates": set(),
                "sources": set(),
            }
        r = found[g]
        if row["issued"] is not None:
            r["issued"] = row["issued"]
        if row["modified"] is not None:
            r["dates"].add(row["modified"])
        if row["source"] is not None:
            r["sources"].add(row["source"])
    releases = [
        Release(
            r["name"],
            iri,
            r["n"],
            date=r.get("issued") or max(r["dates"], default=None),
            sources=tuple(sorted(r["sources"])),
        )
        for iri, r in found.items()
    ]
    return sorted(releases, key=lambda r: (order_key(r.name), r.name))


def pick_release(store: ox.Store, name: str | None) -> Release | None:
    """The named release, or the last; None when the store holds no releases."""
    releases = list_releases(store)
    if not releases:
        if name is not None:
            raise SourceError(
                f"this store holds no releases, so there is no release {name!r}",
                hint=f"add one with {advice('build-release')}",
            )
        return None
    if name is None:
        return releases[-1]
    for r in releases:
        if r.name == name:
            return r
    names = [r.name for r in releases]
    raise NotFound(
        "release",
        name,
        did_you_mean(name, names),
        otherwise="the store holds " + ", ".join(repr(n) for n in names),
    )


def add_release(directory: Path | str, graph: RoleGraph, name: str) -> Release:
    """Add ``graph`` to the store in ``directory`` as release ``name``, replacing a release
    of that name. The store is created if the folder does not exist.

    The release is added to a copy of the store's database (hard links, so cheap), which
    replaces it in one atomic step (:func:`rolegraph.graph.store.new_database`): a failure or
    a kill at any instant leaves the store's releases as they were."""
    import pyoxigraph as ox

    iri = release_iri(name)
    target = Path(directory)
    check_store_target(target)
    data = sorted_ntriples(graph)
    count = data.count(b"\n")
    source = store_path(target) if (target / STORE_MARKER).exists() else None
    try:
        with new_database(target, releases=True) as db:
            store = _copy(source, db, target)
            existing = list_releases(store)
            clash = next((r for r in existing if r.iri == iri and r.name != name), None)
            if clash is not None:
                raise OptionError(
                    f"release {name!r} would share the graph of release {clash.name!r} "
                    f"(both are <{iri}>)",
                    hint="choose a name that differs in its letters or digits",
                )
            label = str(ox.Literal(name))
            try:
                store.load(
                    data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(iri + "--loading")
                )
                store.update(
                    f"DROP SILENT GRAPH <{iri}> ;\n"
                    f"MOVE SILENT GRAPH <{iri}--loading> TO GRAPH <{iri}> ;\n"
                    f"DELETE WHERE {{ <{iri}> ?p ?o }} ;\n"
                    f"INSERT DATA {{ <{iri}> <{RDF}type> <{RG}Release> ; <{RG}release> {label} ;\n"
                    f'  <{RDFS}label> {label} ; <{RG}triples> "{count}"^^<{XSD}integer> ;\n'
                    f"  <{DCTERMS}hasPart> <{iri}> . }}"
                )
                store.flush()
            except (OSError, SyntaxError, RuntimeError, ValueError) as exc:
                raise OutputError(f"cannot add release {name!r} to {target}: {exc}") from None
            finally:
                del store
    except OSError as exc:
        raise OutputError(f"cannot write store {target}: {exc.strerror or exc}") from None
    return Release(name, iri, count, replaced=any(r.name == name for r in existing))


def _copy(source: Path | None, db: Path, target: Path) -> ox.Store:
    """A writable database in ``db``: a copy of ``source`` (a checkpoint: its files are
    hard-linked where they can be), or a new, empty one."""
    import pyoxigraph as ox

    try:
        if source is not None:
            ox.Store.read_only(str(source)).backup(str(db))
        return ox.Store(str(db))
    except OSError as exc:
        raise SourceError(f"cannot open the store {target}: {exc}", hint=busy_hint(exc)) from None


def remove_release(directory: Path | str, name: str) -> Release:
    """Remove release ``name`` from the store in ``directory``, as atomically as
    :func:`add_release` adds one."""

    target = Path(directory)
    if not (target / STORE_MARKER).exists():
        raise SourceError(f"{target} is not a rolegraph store")
    check_store_target(target)
    with new_database(target, releases=True) as db:
        store = _copy(store_path(target), db, target)
        try:
            release = pick_release(store, name)
            assert release is not None
            store.update(
                f"DROP SILENT GRAPH <{release.iri}> ; DELETE WHERE {{ <{release.iri}> ?p ?o }}"
            )
            store.flush()
        finally:
            del store
    return release
