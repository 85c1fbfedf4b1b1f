"""The whole build as one library call: sources -> framework -> graph -> store and report.

:func:`build_framework` is what ``rolegraph build`` runs: it reads and combines the
sources (:func:`rolegraph.combine.framework.load_framework`), refuses an import report
that does not reconcile, builds the graph (or streams it into a store), serializes it on
request, and writes the store, the release and the import report. It raises on every
problem and prints nothing; the command renders the :class:`BuildResult`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rolegraph.combine.framework import Progress, load_framework
from rolegraph.errors import SourceError
from rolegraph.graph.build import build_graph, graph_quads
from rolegraph.graph.export import serialize
from rolegraph.graph.open import open_graph
from rolegraph.graph.releases import Release, add_release, check_name
from rolegraph.graph.store import RoleGraph, write_store
from rolegraph.model.records import Framework
from rolegraph.model.report import ImportReport
from rolegraph.util.files import atomic_write
from rolegraph.util.text import plural


@dataclass
class BuildResult:
    """What a build made: the combined records, the graph, the import report, a one-line
    summary of the counts, the serialized graph (when asked) and the release added."""

    framework: Framework
    graph: RoleGraph
    report: ImportReport
    summary: str
    data: bytes = b""
    release: Release | None = None


def build_framework(
    *,
    roles: Path | str | None = None,
    skills: Path | str | None = None,
    pages: Sequence[Path | str] = (),
    bundled: bool | None = None,
    serialize_as: str | None = None,
    store: Path | None = None,
    release: str | None = None,
    report_path: Path | None = None,
    progress: Progress | None = None,
    timeout: float = 20.0,
) -> BuildResult:
    """Build the graph from sources and write what is asked.

    ``serialize_as`` is the RDF format to serialize the graph in (``BuildResult.data``;
    None: do not). With a ``store`` and a ``release``, the graph is added to the store
    as that release; with a store and ``serialize_as``, the store is written beside it;
    with only a store, the quads stream into it without the graph held in memory.
    ``report_path`` gets the import report (.json for JSON, else Markdown).
    """
    if release is not None:
        check_name(release)
    import_report = ImportReport()
    framework = load_framework(
        roles=roles,
        skills=skills,
        pages=pages,
        bundled=bundled,
        report=import_report,
        progress=progress,
        timeout=timeout,
        release=release,
    )
    check_reconciles(import_report)
    if store is not None and release is None and serialize_as is None:
        # Only a store: stream the quads into it, never holding the graph in memory.
        write_store(store, graph_quads(framework))
        graph = open_graph(store)
        data = b""
    else:
        graph = build_graph(framework)
        data = serialize(graph, serialize_as) if serialize_as is not None else b""
    if report_path is not None:
        write_report(import_report, report_path)
    added = None
    if store is not None and release is not None:
        added = add_release(store, graph, release)
    elif store is not None and serialize_as is not None:
        graph.save_store(store)
    return BuildResult(framework, graph, import_report, framework_summary(framework), data, added)


def check_reconciles(report: ImportReport) -> None:
    """Refuse a report whose rows do not add up (checked before anything is written:
    rows unaccounted for are rows lost)."""
    if report.reconciles:
        return
    off = "; ".join(
        f"{f.file}: {f.rows_read} rows read, {f.rows_used} used, {f.rows_merged} merged, "
        f"{f.rows_reported} reported"
        for f in report.files
        if not f.reconciles
    )
    raise SourceError(
        "the import report does not reconcile"
        + (f" ({off})" if off else "")
        + ", so nothing was written",
        hint="this is a rolegraph bug: please report it with these figures",
    )


def write_report(report: ImportReport, path: Path) -> None:
    """The import report as JSON (a .json file) or Markdown (any other)."""
    text = report.to_json() if path.suffix.lower() == ".json" else report.to_markdown()
    atomic_write(path, text)


def framework_summary(framework: Framework) -> str:
    """The counts, in words: '3 families, 12 roles (2 named only as related roles, ...)'."""
    counts = framework.counts()
    singular = {"families": "family", "roles": "role", "role levels": "role level"}
    parts = {k: plural(v, singular.get(k, k.removesuffix("s")), k) for k, v in counts.items()}
    # Roles a page names only as related roles (its shared-skills table) have no levels.
    with_levels = {lv.role for lv in framework.levels}
    bare = sum(r.name not in with_levels for r in framework.roles)
    if bare:
        parts["roles"] += f" ({bare} named only as related roles, without levels)"
    return ", ".join(parts.values())
