"""Saved queries that run anywhere (issue 18, point 2): every saved query, with its
default and its extra parameters, gives the same CSV on five engines: embedded Oxigraph,
the Oxigraph server, Virtuoso (Debian's), `rolegraph serve` and rdflib's own SPARQL
engine. The servers are real, started on 127.0.0.1 by the tests; the full framework is
published to the two stores with `rolegraph publish`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpers.engines import RdflibRunner
from helpers.servers import VIRTUOSO_USER, serving
from rolegraph.cli import cli
from rolegraph.graph.runner import LocalRunner
from rolegraph.graph.store import load_rdf_file
from rolegraph.sparql.binding import Runner, run_query
from rolegraph.sparql.catalogue import load_catalogue
from rolegraph.sparql.remote import RemoteRunner
from rolegraph.util.text import number
from test_endpoint import EXTRA_PARAMS

pytestmark = [pytest.mark.server, pytest.mark.framework]

GRAPH = "https://example.org/graph/portable"

#: saved queries with no answer on the export's CSV files (the shared table is on pages)
EMPTY_ON_THE_EXPORT = {"shared-table"}


def _publish(
    endpoint: str, graph_file: Path, *extra: str, env: dict[str, str] | None = None
) -> None:
    result = CliRunner(env=env).invoke(
        cli,
        [
            "publish",
            "--endpoint",
            endpoint,
            "--graph",
            str(graph_file),
            "--graph-iri",
            GRAPH,
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    full = number(len(load_rdf_file(graph_file)))
    assert result.stderr == f"Replaced graph <{GRAPH}> of {endpoint} with {full} triples.\n"


@pytest.fixture(scope="module")
def engines(
    full_build: Any, full_graph_file: Path, oxigraph_server: str, virtuoso_server: str
) -> Iterator[dict[str, Runner]]:
    _publish(f"{oxigraph_server}/store", full_graph_file)
    user, password = VIRTUOSO_USER
    _publish(
        f"{virtuoso_server}/sparql-graph-crud-auth",
        full_graph_file,
        "--user",
        user,
        env={"ROLEGRAPH_PASSWORD": password},
    )
    with serving(["--graph", str(full_graph_file)], full_graph_file.parent) as served:
        yield {
            "embedded Oxigraph": LocalRunner(full_build[2]),
            "Oxigraph server": RemoteRunner(
                f"{oxigraph_server}/query", timeout=60, default_graph=GRAPH
            ),
            "Virtuoso": RemoteRunner(f"{virtuoso_server}/sparql", timeout=60, default_graph=GRAPH),
            "rolegraph serve": RemoteRunner(f"{served}/sparql", timeout=60),
            "rdflib": RdflibRunner(full_graph_file),
        }


def test_every_saved_query_gives_the_same_csv_on_five_engines(
    engines: dict[str, Runner],
) -> None:
    differences = []
    compared = 0
    for name, query in sorted(load_catalogue().items()):
        for params in ({}, EXTRA_PARAMS.get(name, {})):
            answers = {
                engine: run_query(query, params, runner).to_csv()
                for engine, runner in engines.items()
            }
            reference = answers["embedded Oxigraph"]
            # A header and rows: agreeing on nothing would prove nothing.
            assert (reference.count("\n") > 1) != (name in EMPTY_ON_THE_EXPORT), (name, params)
            for engine, csv in answers.items():
                if csv != reference:
                    first = next(
                        (
                            (a, b)
                            for a, b in zip(csv.splitlines(), reference.splitlines(), strict=False)
                            if a != b
                        ),
                        (f"{csv.count(chr(10))} lines", f"{reference.count(chr(10))} lines"),
                    )
                    differences.append((name, params, engine, *first))
            compared += 1
    assert not differences, "\n".join(map(str, differences))
    assert compared == 2 * len(load_catalogue())
