"""The triple store behind a rolegraph graph.

Oxigraph parses, serialises and answers SPARQL (it is 10-1000x faster than rdflib's
engine on this data; see DESIGN.md); :meth:`RoleGraph.to_rdflib` gives an rdflib
graph for code that wants rdflib's API (pySHACL, users' scripts).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rolegraph.errors import OutputError, QueryError, SourceError
from rolegraph.graph.reading import (
    STDIN,
    detect_format,
    read_graph_bytes,
    refuse_xml_entities,
    where,
)
from rolegraph.model.formats import RdfFormat
from rolegraph.model.vocab import PREFIXES, RG, sparql_prefixes
from rolegraph.sparql.binding import bind_values
from rolegraph.sparql.text import has_dataset_clause, refuse_federation, syntax_message
from rolegraph.spelling import advice, option, spell
from rolegraph.util.files import (
    WRITTEN,
    atomic_write,
    part_file_pattern,
    remove_part_files,
    removed_debris,
)

if TYPE_CHECKING:
    import pyoxigraph as ox
    import rdflib

#: A file in this folder marks it as a persisted rolegraph store; its ``database:`` line
#: names the folder inside that holds the current Oxigraph database (see write_store).
STORE_MARKER = "rolegraph-store.txt"
#: A long-lived reader (serve) copies a store folder of at most this many quads into
#: memory (:meth:`RoleGraph.in_memory`): 25x the framework, about 400 MB.
IN_MEMORY_QUADS = 500_000
_DATABASE = r"oxigraph(?:-[0-9a-f]{12})?"
_DATABASE_NAME = re.compile(_DATABASE)
_DATABASE_LINE = re.compile(rf"^database: ({_DATABASE})$", re.M)


def store_path(directory: Path | str) -> Path:
    """Where the current Oxigraph database of a store folder lives (the one its marker
    names; ``oxigraph`` in stores written before the marker named one)."""
    d = Path(directory)
    try:
        text = (d / STORE_MARKER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return d / "oxigraph"
    found = _DATABASE_LINE.search(text)
    return d / (found.group(1) if found else "oxigraph")


def _marker_text(name: str, database: str, releases: bool) -> str:
    more = f" [{option('release')} NAME]" if releases else ""
    return spell(
        f"A rolegraph store (Oxigraph). Open it with: {advice('open-store', name)}{more}\n"
        f"database: {database}\n"
    )


def _is_marker_part(name: str) -> bool:
    return part_file_pattern(STORE_MARKER).fullmatch(name) is not None


def _only_ours(folder: Path, *, marker: bool) -> bool:
    """Every entry of ``folder`` is one rolegraph makes in a store: database folders, the
    marker (when ``marker``) and the marker's temporary files."""
    try:
        found = list(os.scandir(folder))
    except OSError:
        return False
    for entry in found:
        if _DATABASE_NAME.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False):
            continue
        if entry.is_file(follow_symlinks=False) and (
            _is_marker_part(entry.name) or (marker and entry.name == STORE_MARKER)
        ):
            continue
        return False
    return True


def _remove(path: Path, what: str) -> None:
    import shutil

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
    removed_debris(path, what)


def clean_debris(target: Path) -> None:
    """Remove what a killed or failed write of the store ``target`` left, each with a
    notice: temporary store copies beside it (``.NAME.xxxxxxxx``), databases inside it
    that its marker does not name (half-built or replaced), and a half-made store (a
    folder holding only a database, no marker). Anything else is left alone."""

    parent = target.parent if str(target.parent) else Path()
    copy = re.compile(re.escape(f".{target.name}.") + r"[a-z0-9_]{8}")
    try:
        beside = sorted(e.name for e in os.scandir(parent) if copy.fullmatch(e.name))
    except OSError:
        beside = []
    for name in beside:
        path = parent / name
        if path.is_dir() and not path.is_symlink() and _only_ours(path, marker=True):
            _remove(path, "a temporary store copy")
    if not target.is_dir() or target.is_symlink():
        return
    remove_part_files(target / STORE_MARKER)
    if (target / STORE_MARKER).is_file():
        current = store_path(target).name
        for entry in sorted(os.scandir(target), key=lambda e: e.name):
            if (
                _DATABASE_NAME.fullmatch(entry.name)
                and entry.name != current
                and entry.is_dir(follow_symlinks=False)
            ):
                _remove(target / entry.name, "an unfinished or replaced store database")
    elif any(_DATABASE_NAME.fullmatch(e.name) for e in target.iterdir()) and _only_ours(
        target, marker=False
    ):
        import shutil

        for path in list(target.iterdir()):  # the folder itself stays, with its mode
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        removed_debris(target, "a half-made store")


def _folder_mode(target: Path) -> int:
    """The mode the store folder keeps: its own, or a new folder's (the umask's)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o777 & ~mask


@contextlib.contextmanager
def new_database(target: Path, *, releases: bool) -> Iterator[Path]:
    """A new, empty database folder for the store ``target``, to fill in the ``with``
    block; on success it becomes the store's database in one atomic step.

    A kill at any instant leaves the store usable, with the old graph or the new one:

    - an existing store gets the new database in a folder inside it; replacing the
      marker (an atomic rename of one file) then switches to it, and only after that is
      the old database removed;
    - a new store is made in a hidden folder beside it (``.NAME.xxxxxxxx``), renamed into
      place when complete (onto an empty folder, if one is there).

    What a kill leaves (a database the marker does not name, a hidden copy, the
    marker's ``.part`` file) is removed by the next write (:func:`clean_debris`). The
    store folder keeps its mode."""
    import secrets
    import shutil
    import tempfile

    database = f"oxigraph-{secrets.token_hex(6)}"
    text = _marker_text(target.name, database, releases)
    if (target / STORE_MARKER).is_file():
        old = store_path(target)
        db = target / database
        try:
            yield db
            atomic_write(target / STORE_MARKER, text, record=False)
        except BaseException:
            shutil.rmtree(db, ignore_errors=True)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        mode = _folder_mode(target)
        parent = target.parent if str(target.parent) else Path()
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
        try:
            yield tmp / database
            (tmp / STORE_MARKER).write_text(text, encoding="utf-8")
            tmp.chmod(mode)  # mkdtemp's folder is private (0700)
            try:
                tmp.rename(target)  # onto an empty folder too (POSIX)
            except OSError:
                if not target.is_dir() or any(target.iterdir()):
                    raise
                target.rmdir()  # where rename does not replace a folder (Windows)
                tmp.rename(target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    WRITTEN.append(target)


def check_store_target(target: Path) -> None:
    """Refuse a store folder that cannot be written: a file, a folder of something else,
    a missing or read-only parent. Debris of an interrupted write is removed first."""
    if target.exists() and not target.is_dir():
        raise OutputError(
            f"{target} is a file, and a store is a folder",
            hint=f"give {option('store')} a folder name; a graph file is written with {option('output')} FILE",
        )
    parent = target.parent if str(target.parent) else Path()
    if not parent.is_dir():
        raise OutputError(f"cannot write {target}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"cannot write {target}: folder {parent} is not writable")
    clean_debris(target)
    if target.is_dir() and any(target.iterdir()) and not (target / STORE_MARKER).exists():
        raise OutputError(
            f"{target} exists and is not a rolegraph store",
            hint="give a new folder name, or remove the folder first",
        )


class RoleGraph:
    """A framework graph: an Oxigraph store plus where it came from.

    ``release`` names one release of a store that holds several (each in its own named
    graph, see :mod:`rolegraph.graph.releases`); queries then see that release only.
    """

    def __init__(
        self,
        store: ox.Store,
        *,
        location: str = "(in memory)",
        release: str | None = None,
        graph_name: str | None = None,
        size: int | None = None,
    ) -> None:
        self.store = store
        self.location = location
        self.release = release
        self.graph_name = graph_name
        self._size = size

    def _graph(self) -> Any:
        import pyoxigraph as ox

        return ox.NamedNode(self.graph_name) if self.graph_name else None

    @classmethod
    def from_triples(cls, triples: Iterable[ox.Triple], *, location: str = "(built)") -> RoleGraph:
        import pyoxigraph as ox

        graph = ox.DefaultGraph()
        return cls.from_quads(
            [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples], location=location
        )

    @classmethod
    def from_quads(cls, quads: Iterable[ox.Quad], *, location: str = "(built)") -> RoleGraph:
        import pyoxigraph as ox

        store = ox.Store()
        store.bulk_extend(quads)
        return cls(store, location=location)

    def __len__(self) -> int:
        if self._size is not None:
            return self._size
        if self.graph_name is None:
            return len(self.store)
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, self._graph()))

    def triples(self) -> Iterator[ox.Triple]:
        for quad in self.store.quads_for_pattern(None, None, None, self._graph()):
            yield quad.triple

    def pattern(
        self, subject: Any = None, predicate: Any = None, obj: Any = None
    ) -> Iterator[ox.Triple]:
        """Triples matching a pattern (None = any), in this graph (or release) only."""
        for quad in self.store.quads_for_pattern(subject, predicate, obj, self._graph()):
            yield quad.triple

    def ntriples(self) -> bytes:
        """This graph as N-Triples (unsorted; see :func:`rolegraph.graph.export.sorted_ntriples`)."""
        import pyoxigraph as ox

        graph = self._graph() or ox.DefaultGraph()
        return self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""

    def sections(self) -> list[tuple[str | None, bytes]]:
        """The graph as a dataset: (graph name as an N-Triples term, None for the default
        graph; its triples as N-Triples, unsorted). A release is its named graph; a graph
        on a whole store (:meth:`dataset`), the default graph and every named graph."""
        import pyoxigraph as ox

        if self.graph_name:
            return [(f"<{self.graph_name}>", self.ntriples())]
        out: list[tuple[str | None, bytes]] = [(None, self.ntriples())]
        for name in sorted(self.store.named_graphs(), key=str):
            out.append(
                (str(name), self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name) or b"")
            )
        return out

    def dataset(self) -> RoleGraph:
        """The whole store this graph (or release) is in: its default graph and every
        named graph (for N-Quads and TriG)."""
        return RoleGraph(self.store, location=self.location)

    def merged(self) -> RoleGraph:
        """This graph with every named graph's triples moved into the default graph (a
        quad file that holds no releases is read so); itself when it has none."""
        import pyoxigraph as ox

        if self.graph_name or not any(True for _ in self.store.named_graphs()):
            return self
        graph = ox.DefaultGraph()
        store = ox.Store()
        store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in self.store)
        return RoleGraph(store, location=self.location)

    def prepare(
        self, sparql: str, bindings: Mapping[str, Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        """``sparql`` with ``bindings`` bound (by :func:`rolegraph.sparql.catalogue.bind_values`,
        never pasted into the text as text) and through the query gate, and the dataset
        it runs on (``store.query`` keyword arguments)."""
        if bindings:
            sparql = bind_values(sparql, bindings)
        refuse_federation(sparql)
        return sparql, self.dataset_for(sparql)

    def query(self, sparql: str, bindings: Mapping[str, Any] | None = None) -> Any:
        """Run SPARQL on this graph (or release), in this process and without bounds:
        for rolegraph's own queries. Text from users goes through a
        :class:`rolegraph.graph.pool.QueryPool`. Federated queries are refused.

        ``bindings`` (variable -> RDF term, a pyoxigraph term or a
        :class:`rolegraph.sparql.results.Term`) are bound, never pasted into the text."""
        sparql, scope = self.prepare(sparql, bindings)
        try:
            return self.store.query(sparql, **scope)
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL: {syntax_message(exc)}") from None
        except (RuntimeError, OSError, ValueError) as exc:
            raise QueryError(f"the query failed: {exc}") from None

    def dataset_for(self, sparql: str) -> dict[str, Any]:
        """How ``sparql`` sees the store: the graph (or release) as its default graph,
        unless the query picks its own with FROM / FROM NAMED."""

        if has_dataset_clause(sparql):
            return {}
        if self.graph_name:
            return {"default_graph": self._graph()}
        return {"use_default_graph_as_union": True}

    def to_rdflib(self) -> rdflib.Graph:
        """A copy of the graph as an rdflib ``Graph`` (prefixes bound)."""
        import rdflib

        data = self.ntriples()
        g = rdflib.Graph()
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns, override=True)
        with quiet_rdflib():
            g.parse(data=data, format="nt")
        return g

    def in_memory(self, limit: int = IN_MEMORY_QUADS) -> RoleGraph:
        """This graph answered from memory: a store folder of at most ``limit`` quads is
        copied in (one N-Quads dump, bulk-loaded; about 0.15 s for the framework), since
        Oxigraph answers scans 3-5x faster from memory than from its on-disk database.
        A graph already in memory, or a bigger store, is returned as it is."""
        import pyoxigraph as ox

        if not Path(self.location).is_dir() or len(self.store) > limit:
            return self
        copy = ox.Store()
        copy.bulk_load(self.store.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
        return RoleGraph(
            copy,
            location=self.location,
            release=self.release,
            graph_name=self.graph_name,
            size=self._size,
        )

    def save_store(self, directory: Path | str) -> Path:
        """Write an on-disk Oxigraph store that :func:`open_graph` opens without parsing."""
        return write_store(directory, self.store)


@contextlib.contextmanager
def quiet_rdflib() -> Iterator[None]:
    """Silence rdflib's log records and warnings meanwhile: it logs a traceback, or warns,
    for every ill-typed literal (``"abc"^^xsd:integer``, a boolean ``"maybe"``), which
    is the data's problem, reported by rolegraph's own checks."""
    import logging
    import warnings

    logger = logging.getLogger("rdflib")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module=r"rdflib(\.|$)")
            yield
    finally:
        logger.setLevel(level)


def busy_hint(exc: BaseException) -> str | None:
    """The hint for a store another process holds (Oxigraph's lock file)."""
    if "LOCK" in str(exc) or "temporarily unavailable" in str(exc):
        return "another rolegraph is writing to it: wait for it to finish and retry"
    return None


def write_store(directory: Path | str, quads: Iterable[ox.Quad]) -> Path:
    """Write ``quads`` as an on-disk store in ``directory`` (replacing a rolegraph store
    there); a failure or a kill at any instant leaves the old store as it was (see
    :func:`new_database`). The quads stream in: a large graph need not be held in memory
    first."""
    import pyoxigraph as ox

    target = Path(directory)
    check_store_target(target)
    if (target / STORE_MARKER).exists():
        try:
            held = ox.Store.read_only(str(store_path(target))).query(
                f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ ?g a <{RG}Release> }}"
            )
        except OSError as exc:
            raise OutputError(f"cannot open the store {target}: {exc}") from None
        assert isinstance(held, ox.QuerySolutions)
        releases = int(next(iter(held))["n"].value)
        if releases:
            raise OutputError(
                f"{target} holds {releases} release(s); writing a plain store there would "
                "delete them",
                hint=f"add this graph as a release with {option('release')} NAME, or give a new folder",
            )
    try:
        with new_database(target, releases=False) as db:
            disk = ox.Store(str(db))
            disk.bulk_extend(quads)
            disk.flush()
            disk.optimize()
            del disk
    except OSError as exc:
        raise OutputError(f"cannot write store {target}: {exc.strerror or exc}") from None
    return target


def _ox_format(fmt: RdfFormat) -> Any:
    import pyoxigraph as ox

    return getattr(ox.RdfFormat, fmt.oxigraph)


def parse_rdf_file(path: Path | str, fmt: RdfFormat | None = None) -> list[ox.Triple]:
    """An RDF file's triples (graph names of quad formats dropped), with clear errors."""
    return list(load_rdf_file(Path(path), fmt).triples())


def load_rdf_file(path: Path, fmt: RdfFormat | None = None) -> RoleGraph:
    """Parse an RDF file (``-``: standard input, with ``fmt``) straight into a store (no
    Python object per triple); a quad format's named graphs are kept."""
    import pyoxigraph as ox

    fmt = fmt or detect_format(path)
    data = read_graph_bytes(path)
    name = where(path)
    if fmt.name == "rdfxml":
        refuse_xml_entities(data, name)
    store = ox.Store()
    base = None if str(path) == STDIN else path.resolve().as_uri()
    try:
        store.load(data, format=_ox_format(fmt), base_iri=base)
    except SyntaxError as exc:
        raise SourceError(
            f"{name} is not valid {fmt.name}: {exc}",
            hint=f"check the file, or rebuild it with {advice('build-file')}",
        ) from None
    except MemoryError as exc:  # Oxigraph's parser buffers one token at most 16 MB long
        raise SourceError(
            f"cannot parse {name} as {fmt.name}: it holds a value (a text or IRI) "
            f"longer than the parser's limit ({exc})",
            hint="a framework graph has no such value: check the file, or rebuild it with "
            f"{advice('build-file')}",
        ) from None
    except (ValueError, OSError) as exc:
        raise SourceError(f"cannot parse {name} as {fmt.name}: {exc}") from None
    # A triple term is written "<<", "{|" (an annotation) or "~" (a reifier) in every
    # text syntax: without any of them, no scan of every triple is needed.
    marked = fmt.name in _NO_QUOTE_MARK or any(mark in data for mark in (b"<<", b"{|", b"~"))
    if marked and store.query(_QUOTED_TRIPLE, use_default_graph_as_union=True):
        raise SourceError(
            f"{name} holds quoted triples (RDF-star / RDF 1.2 triple terms), which a "
            "framework graph never has and rolegraph does not read",
            hint=f"remove them, or rebuild the graph with {advice('build-file')}",
        )
    return RoleGraph(store, location=str(path) if str(path) != STDIN else "(standard input)")


#: a triple term anywhere in the file (RDF 1.2 puts them in the object position only)
_QUOTED_TRIPLE = "ASK { ?s ?p ?o FILTER (isTRIPLE(?o) || isTRIPLE(?s)) }"
#: formats whose triple terms have no mark in the text (JSON-LD, RDF/XML): always scanned
_NO_QUOTE_MARK = ("jsonld", "rdfxml")


#: the counts of :func:`graph_stats` (a remote endpoint is asked the same query)
STATS_QUERY = (
    sparql_prefixes("rg")
    + """SELECT
  (SUM(IF(?c = rg:RoleFamily, 1, 0)) AS ?families)
  (SUM(IF(?c = rg:Role, 1, 0)) AS ?roles)
  (SUM(IF(?c = rg:SeniorCivilServiceRole, 1, 0)) AS ?scs)
  (SUM(IF(?c = rg:RoleLevel, 1, 0)) AS ?levels)
  (SUM(IF(?c = rg:Skill, 1, 0)) AS ?skills)
  (SUM(IF(?c = rg:SkillRequirement, 1, 0)) AS ?requirements)
  (SUM(IF(?c = rg:TierDescriptor, 1, 0)) AS ?descriptors)
  (SUM(IF(?c = rg:SharedSkillSet, 1, 0)) AS ?shared)
WHERE { ?s a ?c }
"""
)
STAT_NAMES = {
    "families": "families",
    "roles": "roles",
    "scs": "Senior Civil Service roles",
    "levels": "role levels",
    "skills": "skills",
    "requirements": "requirements",
    "descriptors": "tier descriptors",
    "shared": "shared skill sets",
}


def graph_stats(graph: RoleGraph) -> dict[str, int]:
    """Counts of the graph's things, and its triples."""
    row = next(iter(graph.query(STATS_QUERY)))
    out = {
        label: int(row[key].value) if row[key] is not None else 0
        for key, label in STAT_NAMES.items()
    }
    out["triples"] = len(graph)
    return out
