"""The one dispatcher from what the user gave to a graph, for every command.

A graph file (by its extension), a store folder (a release of it, or the latest), the
export's CSV files, a folder of them, a role or skills page (a URL or a saved file), or
nothing at all (the bundled data) becomes a :class:`rolegraph.graph.store.RoleGraph`.
"""

from __future__ import annotations

from pathlib import Path

from rolegraph.errors import OptionError, SourceError
from rolegraph.graph.reading import STDIN, detect_format, where
from rolegraph.graph.store import STORE_MARKER, RoleGraph, busy_hint, load_rdf_file, store_path
from rolegraph.model.formats import by_extension
from rolegraph.spelling import advice, option
from rolegraph.util.tables import check_file
from rolegraph.util.text import name_key

# Reading sources (the CSV readers, the page reader with its web client and HTML parser)
# and building are imported where a source is read: opening a graph file or a store
# imports none of it (`rolegraph query --graph STORE` starts the faster).


def open_graph(
    source: Path | str | None = None,
    release: str | None = None,
    input_format: str | None = None,
) -> RoleGraph:
    """Open a graph: ``None`` builds the bundled data; a folder is a persisted store
    (``release`` picks one of its releases, default the latest); a file is parsed in
    ``input_format`` (any name of a format), else by its extension (``.ttl``,
    ``.nq.gz``); ``-`` is standard input (``input_format`` needed). An N-Quads or TriG
    dataset of releases (a store exported) is read as the store: ``release`` picks one;
    any other quad file's graphs are merged."""
    if source is not None and str(source) == STDIN:
        return _open_file(Path(STDIN), release, input_format)
    if input_format is not None and (source is None or Path(source).is_dir()):
        raise OptionError(
            f"{option('input_format')} is the format of a graph file, and "
            + ("no graph file is given" if source is None else f"{source} is a folder")
        )
    if source is None:
        if release is not None:
            raise OptionError(
                f"{option('release')} needs {option('graph')} STORE_DIR (a store that holds releases)"
            )
        from rolegraph.combine.framework import load_framework
        from rolegraph.graph.build import build_graph

        return build_graph(load_framework())
    p = Path(source)
    if p.is_dir():
        if (p / STORE_MARKER).exists():
            import pyoxigraph as ox

            try:
                store = ox.Store.read_only(str(store_path(p)))
            except OSError:
                # A writer may have switched the store to a new database (and removed
                # the one the marker named) between the two reads: read the marker again.
                try:
                    store = ox.Store.read_only(str(store_path(p)))
                except OSError as exc:
                    raise SourceError(
                        f"cannot open the store in {p}: {exc}", hint=busy_hint(exc)
                    ) from None
            from rolegraph.graph.releases import pick_release

            chosen = pick_release(store, release)
            if chosen is None:
                return RoleGraph(store, location=str(p))
            return RoleGraph(
                store,
                location=str(p),
                release=chosen.name,
                graph_name=chosen.iri,
                size=chosen.triples,
            )
        raise SourceError(
            f"{p} is a directory, not a graph file",
            hint=f"give a graph file (.ttl, .nt, .jsonld, .rdf, .nq, .trig), or a store written by {advice('build-store')}",
        )
    if not p.exists():
        raise SourceError(
            f"graph not found: {p}",
            hint="check the path; a graph is a .ttl/.nt/.jsonld file or a store folder",
        )
    return _open_file(p, release, input_format)


def _open_file(p: Path, release: str | None, input_format: str | None) -> RoleGraph:
    fmt = detect_format(p, input_format)
    if release is not None and fmt.triples:
        raise OptionError(
            f"{option('release')} needs a store folder (or an N-Quads or TriG file of "
            f"releases), and {where(p)} is a {fmt.label} file"
        )
    graph = load_rdf_file(p, fmt)
    if len(graph) == 0:
        raise SourceError(
            f"{where(p)} contains no triples", hint=f"build one with {advice('build-file')}"
        )
    if fmt.triples:
        return graph
    from rolegraph.graph.releases import pick_release

    chosen = pick_release(graph.store, release)
    if chosen is None:
        return graph.merged()
    return RoleGraph(
        graph.store,
        location=graph.location,
        release=chosen.name,
        graph_name=chosen.iri,
        size=chosen.triples,
    )


def _csv_kind(path: Path) -> str | None:
    try:
        with check_file(path, "CSV file").open("rb") as handle:
            start = handle.read(4096)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    head = start.decode("utf-8-sig", "replace").splitlines()
    first = name_key(head[0]) if head else ""
    if "role level" in first and "skill level" in first:
        return "roles"
    if "roles that require skill" in first:
        return "skills"
    return None


def open_source(
    spec: str, *, release: str | None = None, timeout: float = 20.0
) -> tuple[str, RoleGraph]:
    """A graph for one side of a diff: a graph file or store, a CSV, a folder of CSVs, or a page."""

    path = Path(spec)
    is_url = spec.startswith(("http://", "https://"))
    if not is_url and not path.exists():
        raise SourceError(
            f"{spec} not found",
            hint="give a graph file, a store, a CSV, a folder of the two CSVs or a page",
        )
    if path.is_dir() and (path / STORE_MARKER).exists():
        graph = open_graph(path, release)
        return (f"{path.name} (release {graph.release})" if graph.release else path.name), graph
    if release is not None:
        raise OptionError(
            f"a release can only be picked from a store folder, and {spec} is not one"
        )
    from rolegraph.combine.framework import load_framework
    from rolegraph.graph.build import build_graph
    from rolegraph.model.report import ImportReport

    report = ImportReport()
    if path.is_dir():
        found: dict[str, Path] = {}
        for csv_file in sorted(path.glob("*.csv")):
            kind = _csv_kind(csv_file)
            if kind is not None:
                if kind in found:
                    raise SourceError(
                        f"{path} holds two {kind} CSV files: {found[kind].name} and {csv_file.name}"
                    )
                found[kind] = csv_file
        if not found:
            raise SourceError(f"{path} holds no role content or skill descriptions CSV file")
        fw = load_framework(roles=found.get("roles"), skills=found.get("skills"), report=report)
        return path.name, build_graph(fw)
    if not is_url and path.suffix.lower() == ".csv":
        kind = _csv_kind(path)
        if kind is None:
            raise SourceError(
                f"{path.name} is neither a role content nor a skill descriptions CSV file"
            )
        fw = load_framework(**{kind: path}, report=report)  # type: ignore[arg-type]
        return path.name, build_graph(fw)
    if not is_url and by_extension(path) is not None:
        return path.name, open_graph(path)
    fw = load_framework(pages=[spec], report=report, timeout=timeout)
    return (path.name if not is_url else spec), build_graph(fw)
