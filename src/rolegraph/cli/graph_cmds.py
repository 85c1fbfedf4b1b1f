"""build, export, stats, validate, releases, diff (serve: :mod:`.serve_cmds`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from rolegraph.analysis.diff.compare import diff_sources
from rolegraph.cli.group import RolegraphCommand
from rolegraph.cli.options import (
    Progress,
    Seconds,
    command_line_graph,
    emit,
    format_option,
    given_release,
    graph_option,
    interrupts_held,
    load_graph,
    note,
    output_format,
    output_option,
    rdf_format_option,
    rdf_output_format,
    remember_input,
)
from rolegraph.errors import DataInvalid, OptionError, SourceError
from rolegraph.graph.export import serialize
from rolegraph.graph.pipeline import BuildResult, build_framework
from rolegraph.graph.releases import list_releases, remove_release
from rolegraph.graph.store import (
    STORE_MARKER,
    RoleGraph,
    graph_stats,
    parse_rdf_file,
    store_path,
)
from rolegraph.graph.validate import validate as run
from rolegraph.model import paths
from rolegraph.model.formats import by_name
from rolegraph.util.files import check_output_path, check_outputs_apart
from rolegraph.util.render import TABLE_FORMATS, render, render_json
from rolegraph.util.text import plural, printable

if TYPE_CHECKING:
    from rolegraph.graph.store import RoleGraph


@click.command(cls=RolegraphCommand)
@click.option(
    "--roles",
    type=click.Path(path_type=Path),
    metavar="CSV",
    help="Role content CSV of the official export.",
)
@click.option(
    "--skills",
    type=click.Path(path_type=Path),
    metavar="CSV",
    help="Skill descriptions CSV of the official export.",
)
@click.option(
    "--page",
    "pages",
    multiple=True,
    metavar="FILE|URL",
    help="A role page (HTML or GOV.UK text) or the Skills A to Z page (HTML), as a file or "
    "an http(s) URL; repeatable.",
)
@click.option(
    "--bundled/--no-bundled",
    default=None,
    help="Add the bundled data (default: only when no other source is given).",
)
@output_option
@rdf_format_option
@click.option(
    "--store",
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Also write an on-disk store that other commands open with --graph DIR.",
)
@click.option(
    "--release",
    metavar="NAME",
    help="Stamp the sources with this release (e.g. 2025-09); with --store, add the graph "
    "to the store as that release, beside the others.",
)
@click.option(
    "--export-date",
    metavar="DATE",
    help="The release date of the export's CSV files (YYYY-MM-DD or YYYY-MM; default: "
    "--release when it is a date, else the export is the newest source). A page older "
    "than the export never overrides or extends it.",
)
@click.option(
    "--older-release",
    metavar="NAME",
    help="With --store and --release: keep the sources set aside as older (such as a page "
    "older than the export) as their own release NAME in the store.",
)
@click.option(
    "--report",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Write the import report (.json for JSON, else Markdown).",
)
@click.option(
    "--timeout",
    type=Seconds(),
    default=20.0,
    show_default=True,
    help="Seconds to wait for a page URL (for its whole answer).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or summary on stderr.")
def build(
    roles: Path | None,
    skills: Path | None,
    pages: tuple[str, ...],
    bundled: bool | None,
    output: Path | None,
    fmt: str,
    store: Path | None,
    release: str | None,
    export_date: str | None,
    older_release: str | None,
    report: Path | None,
    timeout: float,
    quiet: bool,
) -> None:
    """Build the graph from sources (default: the bundled data) and write it.

    Without -o or --store the graph is written to standard output. A summary and any
    warnings go to stderr; the import report (--report) says what was read, merged,
    interpreted and skipped, row by row.
    """

    for path in (output, report):
        if path is not None:
            check_output_path(path)
    local_pages = [Path(p) for p in pages if not p.startswith(("http://", "https://"))]
    check_outputs_apart(
        {"-o": output, "--report": report, "--store": store},
        [p for p in (roles, skills, *local_pages) if p is not None],
    )
    fmt = rdf_output_format(fmt, output)
    writes_graph = output is not None or store is None
    result = build_framework(
        roles=roles,
        skills=skills,
        pages=pages,
        bundled=bundled,
        serialize_as=fmt if writes_graph else None,
        store=store,
        release=release,
        report_path=report,
        progress=Progress(not quiet),
        timeout=timeout,
        export_date=export_date,
        older_release=older_release,
    )
    if result.release is not None:
        verb = "Replaced" if result.release.replaced else "Added"
        note(
            f"{verb} release {result.release.name!r} ({plural(result.release.triples, 'triple')}) in the "
            f"store {store}.",
            quiet,
        )
    if older_release is not None:
        _note_older_release(result, older_release, store, quiet)
    if writes_graph and output is not None:
        with interrupts_held():  # the graph is built: writing it is the last step
            emit(result.data, output)
            _note_built(result, report is not None, quiet)
        return
    if writes_graph:
        emit(result.data, output)
    _note_built(result, report is not None, quiet)


def _note_older_release(result: BuildResult, name: str, store: Path | None, quiet: bool) -> None:
    older = result.older_release
    if older is None:
        note(f"No source was older than another: release {name!r} was not added.", quiet)
        return
    sources = ", ".join(result.report.older_sources)
    verb = "Replaced" if older.replaced else "Added"
    note(
        f"{verb} release {name!r} ({older.triples} triples) from the older sources "
        f"({sources}) in the store {store}.",
        quiet,
    )


def _note_built(result: BuildResult, wrote_report: bool, quiet: bool) -> None:
    """The build's summary and its first warnings, on stderr."""
    warnings = result.report.warnings()
    note(f"Built {plural(len(result.graph), 'triple')}: {result.summary}.", quiet)
    if warnings:
        note(
            f"{plural(len(warnings), 'warning')} in the import report"
            + ("" if wrote_report else " (write it with --report FILE)")
            + ":",
            quiet,
        )
        for entry in warnings[:5]:
            where = entry.where()
            note(f"  - {entry.message}" + (f" ({where})" if where else ""), quiet)
        if len(warnings) > 5:
            note(f"  ... and {len(warnings) - 5} more", quiet)


@click.command(cls=RolegraphCommand)
@graph_option
@rdf_format_option
@output_option
@click.option("--with-ontology", is_flag=True, help="Include the ontology's triples.")
def export(graph_path: Path | None, fmt: str, output: Path | None, with_ontology: bool) -> None:
    """Write the graph as Turtle, N-Triples, JSON-LD, RDF/XML, N-Quads or TriG
    (byte-identical for the same input).

    With -o FILE and no --format, the file's extension chooses (.ttl, .nt, .jsonld, .rdf,
    .owl, .xml, .nq, .trig; .ttl.gz and the like are gzipped). N-Quads and TriG of a store of releases (no --release) hold
    the whole store: each release in its named graph, and their descriptions."""

    fmt = rdf_output_format(fmt, output)
    graph = load_graph(graph_path)
    found = by_name(fmt)
    if found is not None and not found.triples and given_release() is None and graph.release:
        graph = graph.dataset()
    if with_ontology:
        graph = RoleGraph.from_triples([*graph.triples(), *parse_rdf_file(paths.ontology_file())])
    emit(serialize(graph, fmt), output)


@click.command(cls=RolegraphCommand)
@graph_option
@format_option(TABLE_FORMATS, "table")
def stats(graph_path: Path | None, fmt: str) -> None:
    """Count families, roles, role levels, skills, requirements and triples."""

    counts = graph_stats(load_graph(graph_path))
    if fmt == "json":
        click.echo(render_json(counts), nl=False)
    else:
        click.echo(render(["what", "count"], list(counts.items()), fmt, grouped=True), nl=False)


@click.command(cls=RolegraphCommand)
@click.argument("graph", required=False, type=click.Path(path_type=Path), metavar="[GRAPH]")
@graph_option
@format_option(("text", "json"), "text")
def validate(graph: Path | None, graph_path: Path | None, fmt: str) -> None:
    """Check a graph against the SHACL shapes (exit 0 conforms, 1 does not, 2 cannot run)."""
    from dataclasses import asdict

    if graph is not None:
        graph_path = command_line_graph(graph_path)  # GRAPH overrides $ROLEGRAPH_GRAPH
    if graph is not None and graph_path is not None:
        raise OptionError("give the graph either as an argument or with --graph, not both")
    report = run(load_graph(graph or graph_path))
    if fmt == "json":
        click.echo(
            render_json(
                {
                    "conforms": report.conforms,
                    "triples": report.triples,
                    "findings": [asdict(f) for f in report.findings],
                }
            ),
            nl=False,
        )
    else:
        click.echo(printable(report.to_text()), nl=False)
    if not report.conforms:
        raise DataInvalid(
            f"the graph does not conform: {plural(len(report.violations), 'violation')}"
        )


@click.command(cls=RolegraphCommand)
@click.argument("store", type=click.Path(path_type=Path), metavar="STORE_DIR")
@click.option("--remove", metavar="NAME", help="Remove this release from the store.")
@format_option(TABLE_FORMATS, "table")
def releases(store: Path, remove: str | None, fmt: str) -> None:
    """List the releases kept side by side in a store (or remove one)."""
    import pyoxigraph as ox

    if not (store / STORE_MARKER).exists():
        raise SourceError(
            f"{store} is not a rolegraph store",
            hint="create one with 'rolegraph build ... --store DIR --release NAME'",
        )
    if remove is not None:
        gone = remove_release(store, remove)
        note(f"Removed release {gone.name!r} ({plural(gone.triples, 'triple')}).")
        return
    try:
        found = list_releases(ox.Store.read_only(str(store_path(store))))
    except OSError as exc:
        raise SourceError(f"cannot open the store {store}: {exc}") from None
    if not found and fmt in ("table", "md"):
        note(
            f"{store.name} holds no releases (built without --release, or all removed); "
            "add one with 'rolegraph build ... --store DIR --release NAME'"
        )
        return
    headers = ["release", "date", "triples", "sources", "graph", "default"]
    if fmt == "json":
        docs = [
            {
                "release": r.name,
                "date": r.date,
                "triples": r.triples,
                "sources": list(r.sources),
                "graph": r.iri,
                "default": i == len(found) - 1,
            }
            for i, r in enumerate(found)
        ]
        click.echo(render_json(docs), nl=False)
        return
    rows: list[list[str | int | float | None]] = [
        [
            r.name,
            r.date,
            r.triples,
            ", ".join(r.sources),
            r.iri,
            "yes" if i == len(found) - 1 else "",
        ]
        for i, r in enumerate(found)
    ]
    click.echo(render(headers, rows, fmt, grouped=True), nl=False)


@click.command(cls=RolegraphCommand)
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option("--role", metavar="NAME", help="Only changes about this role.")
@click.option("--old-release", metavar="NAME", help="When OLD is a store folder: which release.")
@click.option("--new-release", metavar="NAME", help="When NEW is a store folder: which release.")
@format_option(("table", "md", "csv", "tsv", "json"), "table")
@output_option
def diff(
    old: str,
    new: str,
    role: str | None,
    old_release: str | None,
    new_release: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """What changed from OLD to NEW: roles, levels and skills added, removed or renamed;
    tiers raised or lowered; descriptors changed.

    OLD and NEW are each a graph file, a store folder, a role-content CSV, a folder
    holding the two CSV files of one release, or a role page.
    """

    for side in (old, new):
        if not side.startswith(("http://", "https://")):
            remember_input(side)

    result = diff_sources(old, new, role=role, old_release=old_release, new_release=new_release)
    fmt = output_format(
        fmt, output, {".md": "md", ".json": "json", ".txt": "table", ".csv": "csv", ".tsv": "tsv"}
    )
    emit(result.render(fmt), output)
