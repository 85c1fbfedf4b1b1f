"""`rolegraph publish` to real stores (issue 18, point 1): Debian's Virtuoso and the
Oxigraph server, started on 127.0.0.1 by the tests. Credentials (Digest as Virtuoso asks,
Basic otherwise), the store's own words in every refusal, SPARQL Update in batches that
shrink when the store refuses a large request, and a store without a default graph.
"""

from __future__ import annotations

import base64
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpers.servers import VIRTUOSO_USER
from rolegraph.cli import cli
from rolegraph.graph.open import open_graph
from rolegraph.graph.store import load_rdf_file
from rolegraph.sparql.remote import RemoteRunner
from rolegraph.util.text import number

pytestmark = [pytest.mark.server]

USER, PASSWORD = VIRTUOSO_USER


#: the triples of the bundled data (what publish sends without --graph)
BUNDLED = len(open_graph())


def _publish(endpoint: str, *args: str, password: str | None = PASSWORD, **kw: Any) -> Any:
    env = {"ROLEGRAPH_PASSWORD": password} if password is not None else {}
    return CliRunner(env=env).invoke(cli, ["publish", "--endpoint", endpoint, *args], **kw)


def _error(result: Any) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("rolegraph: error: "), lines
    return str(lines[0])


def _count(virtuoso: str, graph: str) -> int:
    table = RemoteRunner(f"{virtuoso}/sparql").select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", {}
    )
    return int(table.rows[0][0].value)  # type: ignore[union-attr]


@pytest.mark.framework
def test_sparql_update_of_the_full_graph_goes_in_batches_virtuoso_takes(
    virtuoso_server: str, full_graph_file: Path
) -> None:
    """Virtuoso refuses 2,000 triples in one INSERT DATA ("SQL text has exceeded 10000
    lines") and 5,000 ("memory exhausted"): the batches halve until it takes them."""
    graph = "https://example.org/graph/update"
    endpoint = f"{virtuoso_server}/sparql-auth"
    result = _publish(
        endpoint,
        "--protocol",
        "update",
        "--user",
        USER,
        "--graph-iri",
        graph,
        "--graph",
        str(full_graph_file),
    )
    assert result.exit_code == 0, result.output
    full = len(load_rdf_file(full_graph_file))
    assert result.stderr == f"Replaced graph <{graph}> of {endpoint} with {number(full)} triples.\n"
    assert _count(virtuoso_server, graph) == full


def test_a_batch_size_and_a_replace_in_parts(virtuoso_server: str) -> None:
    graph = "https://example.org/graph/batches"
    endpoint = f"{virtuoso_server}/sparql-auth"
    for _ in range(2):  # the second replaces the first: one copy, not two
        result = _publish(endpoint, "--protocol", "update", "--user", USER, "--graph-iri", graph,
                          "--batch-size", "100")  # fmt: skip
        assert result.exit_code == 0, result.output
        assert _count(virtuoso_server, graph) == BUNDLED


@pytest.mark.framework
def test_without_credentials_the_401_is_the_answer(
    virtuoso_server: str, full_graph_file: Path
) -> None:
    """Virtuoso closes the connection after its challenge, before a large upload ends:
    the error is still its 401, with what to do, not "connection reset by peer"."""
    for path, protocol in (("/sparql-graph-crud-auth", "gsp"), ("/sparql-auth", "update")):
        result = _publish(
            virtuoso_server + path,
            "--protocol",
            protocol,
            "--graph-iri",
            "https://example.org/graph/anonymous",
            "--graph",
            str(full_graph_file),
            password=None,
        )
        line = _error(result)
        assert "HTTP 401 Unauthorized" in line, line
        assert "the store asks for credentials (Digest): give --user NAME" in line, line
    assert _count(virtuoso_server, "https://example.org/graph/anonymous") == 0


def test_a_wrong_password_is_named(virtuoso_server: str) -> None:
    endpoint = f"{virtuoso_server}/sparql-graph-crud-auth"
    result = _publish(
        endpoint, "--user", USER, "--graph-iri", "https://example.org/g", password="wrong"
    )
    line = _error(result)
    assert line.startswith(
        f"rolegraph: error: the store {endpoint} refused the credentials of user 'dba': "
        "HTTP 401 Unauthorized"
    ), line
    assert "(check the user name and the password)" in line


def test_the_password_can_be_typed(virtuoso_server: str) -> None:
    endpoint = f"{virtuoso_server}/sparql-graph-crud-auth"
    graph = "https://example.org/graph/typed"
    result = _publish(
        endpoint, "--user", USER, "--graph-iri", graph, password=None, input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert (
        f"Replaced graph <{graph}> of {endpoint} with {BUNDLED} triples (the bundled data: the "
        "Machine learning engineer page).\n"
    ) in result.stderr
    assert PASSWORD + "\n" not in result.stderr.replace("Password for dba: ", "")
    assert _count(virtuoso_server, graph) == BUNDLED


def test_no_password_at_all_is_an_option_error(virtuoso_server: str) -> None:
    endpoint = f"{virtuoso_server}/sparql-graph-crud-auth"
    result = _publish(endpoint, "--user", USER, "--graph-iri", "https://x.org/g", password=None)
    assert result.exit_code == 2, result.output
    assert "--user dba needs a password (set ROLEGRAPH_PASSWORD, or type it at the prompt)" in (
        result.stderr
    )


@pytest.mark.parametrize(
    ("path", "protocol", "said"),
    [
        ("/sparql-graph-crud-auth", "gsp", "not configured to have default graph"),
        ("/sparql-auth", "update", "requires declaration of a plain default graph"),
    ],
)
def test_a_store_without_a_default_graph_says_so(
    virtuoso_server: str, path: str, protocol: str, said: str
) -> None:
    endpoint = virtuoso_server + path
    result = _publish(endpoint, "--protocol", protocol, "--user", USER)
    line = _error(result)
    assert line.startswith(
        f"rolegraph: error: the store {endpoint} has no default graph to write to: it "
        "answered HTTP 500"
        if protocol == "gsp"
        else f"rolegraph: error: the store {endpoint} has no default graph to write to: it "
        "answered HTTP 400"
    ), line
    assert said in line, line
    assert "publish into a named graph with --graph-iri IRI" in line


def test_credentials_to_a_store_that_asks_none(oxigraph_server: str) -> None:
    """The Oxigraph server asks for no credentials: they go as Basic, and it takes the data."""
    graph = "https://example.org/graph/basic"
    result = _publish(f"{oxigraph_server}/store", "--user", "someone", "--graph-iri", graph)
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        f"Replaced graph <{graph}> of {oxigraph_server}/store with {BUNDLED}"
    )


@pytest.fixture
def basic_store() -> Iterator[tuple[str, list[str]]]:
    """An endpoint that records each request's Authorization header and answers 204."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _any(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append(f"{self.command} {self.headers.get('Authorization', '')}")
            ok = self.headers.get("Authorization") or self.command == "HEAD"
            self.send_response(204 if ok else 401)
            if not ok:
                self.send_header("WWW-Authenticate", 'Basic realm="store"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_HEAD = do_POST = do_PUT = _any

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/update", seen
    finally:
        server.shutdown()
        server.server_close()


def test_basic_credentials_go_with_every_request(basic_store: tuple[str, list[str]]) -> None:
    url, seen = basic_store
    result = _publish(
        url, "--protocol", "update", "--user", "ana", "--query-endpoint", "http://127.0.0.1:9/q"
    )
    # The data went (with Basic credentials); the count could not be asked at port 9.
    assert result.exit_code == 2
    token = base64.b64encode(f"ana:{PASSWORD}".encode()).decode()
    assert seen == ["HEAD ", f"POST Basic {token}"]
