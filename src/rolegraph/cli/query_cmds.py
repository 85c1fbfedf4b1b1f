"""queries, query, publish."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rolegraph.cli.group import RolegraphCommand
from rolegraph.cli.options import (
    TABLE_EXTENSIONS,
    Seconds,
    command_line_graph,
    emit,
    format_option,
    graph_option,
    load_graph,
    note,
    output_format,
    output_option,
    parse_param_args,
    remember_input,
)
from rolegraph.errors import OptionError
from rolegraph.graph.pool import MB, Limits, QueryPool
from rolegraph.graph.runner import LocalRunner
from rolegraph.sparql.binding import run_query
from rolegraph.sparql.catalogue import (
    adhoc_query,
    check_query,
    get_query,
    load_catalogue,
    load_query_file,
)
from rolegraph.sparql.results import RESULT_FORMATS
from rolegraph.util.files import check_output_path
from rolegraph.util.render import render, render_json
from rolegraph.util.text import plural

#: the environment variable ``publish --user`` reads the password from
PASSWORD_VARIABLE = "ROLEGRAPH_PASSWORD"

if TYPE_CHECKING:
    from rolegraph.graph.pool import Limits
    from rolegraph.sparql.binding import Runner


def _runner(
    graph_path: Path | None, endpoint: str | None, limits: Limits, graph_iri: str | None
) -> Runner:
    if endpoint is not None:
        # The web client is imported for a remote endpoint only.
        from rolegraph.graph.publish import check_graph_iri
        from rolegraph.sparql.remote import RemoteRunner

        if command_line_graph(graph_path) is not None:
            raise OptionError("give either --graph or --endpoint, not both")

        if graph_iri is not None:
            check_graph_iri(graph_iri)
        return RemoteRunner(endpoint, timeout=limits.timeout, default_graph=graph_iri)
    if graph_iri is not None:
        raise OptionError(
            "--graph-iri names a graph of a remote endpoint: give --endpoint URL too",
            hint="a local store's graphs are its releases: pick one with --release NAME",
        )

    graph = load_graph(graph_path)
    return LocalRunner(graph, QueryPool(graph, limits=limits))


@click.command("queries", cls=RolegraphCommand)
@click.argument("name", required=False)
@format_option(("table", "md", "json"), "table")
def list_queries(name: str | None, fmt: str) -> None:
    """List the saved queries, or describe one (NAME) with its parameters and columns."""

    if name is not None:
        q = get_query(name)
        if fmt == "json":
            click.echo(
                render_json(
                    {
                        "name": q.name,
                        "summary": q.summary,
                        "description": q.description,
                        "parameters": [
                            {
                                "name": p.name,
                                "type": p.type,
                                "default": p.default,
                                "description": p.description,
                            }
                            for p in q.params
                        ],
                        "columns": list(q.columns) or check_query(q),
                    }
                ),
                nl=False,
            )
            return
        lines = [f"{q.name}: {q.summary}", ""]
        if q.description:
            lines += [q.description, ""]
        lines.append("Parameters:" if q.params else "Parameters: none")
        lines += [
            f"  --param {p.describe()}" + (f"  {p.description}" if p.description else "")
            for p in q.params
        ]
        lines += ["", "Columns: " + ", ".join(q.columns or check_query(q))]
        example = " ".join(f"--param {p.name}={_quote(p.default)}" for p in q.params if p.default)
        lines += ["", f"Run it: rolegraph query {q.name}" + (f" {example}" if example else "")]
        click.echo("\n".join(lines))
        return
    # Listing reads the headers only (no RDF library is imported); the SPARQL of a
    # query is checked when it is described or run.
    catalogue = load_catalogue()
    if fmt == "json":
        click.echo(
            render_json(
                [
                    {
                        "name": q.name,
                        "summary": q.summary,
                        "parameters": {p.name: p.default for p in q.params},
                    }
                    for q in catalogue.values()
                ]
            ),
            nl=False,
        )
        return
    rows = [
        [q.name, q.summary, ", ".join(p.describe() for p in q.params) or "-"]
        for q in catalogue.values()
    ]
    click.echo(render(["name", "summary", "parameters"], rows, fmt, max_width=70), nl=False)


def _quote(value: str | None) -> str:
    import shlex

    return shlex.quote(value or "")


@click.command(cls=RolegraphCommand)
@click.argument("name", required=False)
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter value; repeatable.",
)
@format_option(RESULT_FORMATS, "table")
@graph_option
@click.option(
    "--file",
    "query_file",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Run the SPARQL in FILE (a header is optional).",
)
@click.option("-e", "--expression", metavar="SPARQL", help="Run this SPARQL text.")
@click.option(
    "--endpoint",
    metavar="URL",
    help="Run on a remote SPARQL 1.1 endpoint instead of a local graph.",
)
@click.option(
    "--graph-iri",
    metavar="IRI",
    help="With --endpoint: the named graph to query (default-graph-uri).",
)
@click.option(
    "--timeout",
    type=Seconds(),
    default=30.0,
    show_default=True,
    help="Seconds the query may run (locally, or at the endpoint); then it is stopped.",
)
@click.option(
    "--max-memory",
    type=click.IntRange(min=16, max=1024 * 1024),
    default=1024,
    show_default=True,
    metavar="MB",
    help="Memory a local query may use; past it the query is stopped.",
)
@click.option(
    "--limit", type=click.IntRange(min=0), default=None, help="Show at most this many rows."
)
@click.option(
    "--raw",
    is_flag=True,
    help="CSV: do not prefix cells that start with = + - @ (spreadsheet formulas).",
)
@output_option
def query(
    name: str | None,
    params: tuple[str, ...],
    fmt: str,
    graph_path: Path | None,
    query_file: Path | None,
    expression: str | None,
    endpoint: str | None,
    graph_iri: str | None,
    timeout: float,
    max_memory: int,
    limit: int | None,
    raw: bool,
    output: Path | None,
) -> None:
    """Run a saved query (see 'rolegraph queries'), or ad-hoc SPARQL with --file / -e.

    Parameters are bound as RDF terms, never pasted into the query. Names of roles,
    levels, skills and families match case-insensitively; a miss suggests the nearest.
    """

    given = [x for x in (name, query_file, expression) if x is not None]
    if len(given) != 1:
        raise OptionError(
            "give one query: a saved query NAME, --file FILE or -e 'SPARQL'",
            hint="'rolegraph queries' lists the saved queries",
        )
    if name is not None:
        q = get_query(name)
    elif query_file is not None:
        remember_input(query_file)
        q = load_query_file(query_file)
    else:
        assert expression is not None
        q = adhoc_query(expression, name="expression")
    if name is None:
        check_query(q)
    if output is not None:
        check_output_path(output)

    limits = Limits(timeout=timeout, memory=max_memory * MB)
    runner = _runner(graph_path, endpoint, limits, graph_iri)
    # After the graph is opened (an input then), before the query runs: -o FILE naming
    # the graph is refused as an input, an extension that says no results format as such.
    fmt = output_format(fmt, output, TABLE_EXTENSIONS)
    table = run_query(q, parse_param_args(params), runner, limit=limit)
    emit(table.format(fmt, safe=not raw), output)
    if graph_iri is not None and not table.rows:
        # No rows from a named graph may mean no such graph: say so, rather than let an
        # empty answer pass for one about the framework.
        probe = runner.select("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", {})
        if not probe.rows:
            note(f"The graph <{graph_iri}> at {endpoint} holds no triples (is the IRI right?).")


@click.command(cls=RolegraphCommand)
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="Graph Store Protocol URL (e.g. http://127.0.0.1:7878/store) or, with --protocol update, the update endpoint.",
)
@graph_option
@click.option(
    "--graph-iri", metavar="IRI", help="Load into this named graph (default: the default graph)."
)
@click.option(
    "--protocol",
    type=click.Choice(["gsp", "update"]),
    default="gsp",
    show_default=True,
    help="SPARQL 1.1 Graph Store Protocol, or SPARQL Update.",
)
@click.option("--append", is_flag=True, help="Add to the graph instead of replacing it.")
@click.option(
    "--query-endpoint",
    metavar="URL",
    help="The store's SPARQL query URL, asked afterwards how many triples the graph holds "
    "(default: beside an endpoint ending /store, /data or /update, the /query URL).",
)
@click.option(
    "--timeout",
    type=Seconds(),
    default=60.0,
    show_default=True,
    help="Seconds to wait for the store.",
)
@click.option(
    "--user",
    metavar="NAME",
    help="Log in to the store as NAME (HTTP Digest or Basic, as the store asks); the "
    "password comes from $ROLEGRAPH_PASSWORD, else a prompt.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    metavar="N",
    help="With --protocol update, at most N triples per request (default: as many as "
    "16 MB holds; halved while the store refuses a request as too large).",
)
def publish(
    endpoint: str,
    graph_path: Path | None,
    graph_iri: str | None,
    protocol: str,
    append: bool,
    query_endpoint: str | None,
    timeout: float,
    user: str | None,
    batch_size: int | None,
) -> None:
    """Load the graph into a triple store, so a team can serve it."""
    from rolegraph.graph.publish import publish as send

    password = ""
    if user is not None:
        password = os.environ.get(PASSWORD_VARIABLE) or ""
        if not password:
            try:
                password = click.prompt(f"Password for {user}", hide_input=True, err=True)
            except click.Abort:
                raise OptionError(
                    f"--user {user} needs a password",
                    hint=f"set {PASSWORD_VARIABLE}, or type it at the prompt",
                ) from None
    done = send(
        load_graph(graph_path),
        endpoint,
        graph_iri=graph_iri,
        protocol=protocol,
        replace=not append,
        timeout=timeout,
        query_url=query_endpoint,
        user=user,
        password=password,
        batch_size=batch_size,
    )
    where = f"graph <{graph_iri}>" if graph_iri else "the default graph"
    what = plural(done.sent, "triple") + (
        " (the bundled data: the Machine learning engineer page)" if graph_path is None else ""
    )
    # Said only when the store could not be asked: a success is otherwise confirmed.
    checked = (
        ""
        if done.held is not None
        else " (not checked: give --query-endpoint URL to have the store count them)"
    )
    if append:
        note(f"Added {what} to {where} of {endpoint}{checked}.")
    else:
        note(f"Replaced {where} of {endpoint} with {what}{checked}.")
