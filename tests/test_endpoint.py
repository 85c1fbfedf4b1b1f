"""Saved queries on a real SPARQL server (Oxigraph, started on 127.0.0.1 by the test).

The full framework is published to it with `rolegraph publish`; every saved query must
then give exactly the local result.
"""

from __future__ import annotations

import http.server
import socketserver
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import HARDENING
from rolegraph.cli import cli
from rolegraph.errors import RemoteError
from rolegraph.graph.runner import LocalRunner
from rolegraph.sparql.binding import run_query
from rolegraph.sparql.catalogue import adhoc_query, get_query, load_catalogue
from rolegraph.sparql.remote import RemoteRunner

pytestmark = [pytest.mark.server, pytest.mark.framework]

EXTRA_PARAMS = {
    "level-skills": {"level": "Principal data scientist"},
    "level-changes": {"role": "Software developer"},
    "shared-skills": {"role": "Data scientist", "other": "Data analyst"},
    "similar-roles": {"role": "Data scientist"},
    "roles-needing-skill": {"skill": "User focus", "min_tier": "working"},
    "skill-ladder": {"skill": "Accessibility"},
    "role-levels": {"role": "Development operations (DevOps) engineer"},
}


@pytest.fixture(scope="module")
def published(oxigraph_server: str, full_graph_file: Path) -> str:
    result = CliRunner().invoke(
        cli, ["publish", "--endpoint", f"{oxigraph_server}/store", "--graph", str(full_graph_file)]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Replaced the default graph of ")
    assert " with 22,776 triples." in result.stderr
    return f"{oxigraph_server}/query"


@pytest.fixture(scope="module")
def local(full_build: Any) -> LocalRunner:
    return LocalRunner(full_build[2])


def test_every_saved_query_gives_the_local_result(published: str, local: LocalRunner) -> None:
    remote = RemoteRunner(published, timeout=60)
    for name, q in load_catalogue().items():
        for params in ({}, EXTRA_PARAMS.get(name, {})):
            here = run_query(q, params, local)
            there = run_query(q, params, remote)
            assert there.variables == here.variables, name
            assert there.rows == here.rows, (name, params)


def test_the_cli_prints_the_same_table(
    published: str, full_graph_file: Path, runner: CliRunner
) -> None:
    args = ["query", "similar-roles", "-p", "role=data scientist", "-f", "csv"]
    here = runner.invoke(cli, [*args, "--graph", str(full_graph_file)])
    there = runner.invoke(cli, [*args, "--endpoint", published])
    assert here.exit_code == there.exit_code == 0, there.output
    assert there.stdout_bytes == here.stdout_bytes


def test_publish_into_a_named_graph_with_sparql_update(
    oxigraph_server: str, runner: CliRunner, local: LocalRunner, tmp_path: Path
) -> None:
    from rolegraph.combine.framework import load_framework
    from rolegraph.graph.build import build_graph
    from rolegraph.graph.export import write

    mle = tmp_path / "mle.ttl"
    write(build_graph(load_framework()), mle)
    iri = "https://example.org/graphs/bundled"
    result = runner.invoke(
        cli,
        [
            "publish",
            "--endpoint",
            f"{oxigraph_server}/update",
            "--protocol",
            "update",
            "--graph-iri",
            iri,
            "--graph",
            str(mle),
        ],
    )
    assert result.exit_code == 0, result.output
    there = runner.invoke(
        cli,
        [
            "query",
            "role-levels",
            "--endpoint",
            f"{oxigraph_server}/query",
            "--graph-iri",
            iri,
            "-f",
            "csv",
        ],
    )
    here = runner.invoke(cli, ["query", "role-levels", "-f", "csv"])
    assert there.exit_code == 0, there.output
    assert there.stdout_bytes == here.stdout_bytes
    # A graph the endpoint does not hold: no rows, and a note that says why.
    absent = runner.invoke(
        cli,
        [
            "query",
            "-e",
            "SELECT ?role WHERE { ?r a rg:Role ; rdfs:label ?role }",
            "--endpoint",
            f"{oxigraph_server}/query",
            "--graph-iri",
            iri + "x",
        ],
    )
    assert absent.exit_code == 0 and "(0 rows)" in absent.stdout
    assert f"The graph <{iri}x> at {oxigraph_server}/query holds no triples" in absent.stderr


NASTY = ['x" } ?s ?p ?o { "', "> } UNION { ?s ?p ?o } #", 'a\\" }\nSELECT * {']


@pytest.mark.parametrize("value", NASTY)
def test_injection_through_the_values_clause_changes_nothing(published: str, value: str) -> None:
    q = adhoc_query(
        "# summary: by label\n# param name: string = x\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?name ?thing WHERE { ?thing rdfs:label ?label FILTER (STR(?label) = ?name) }"
        " ORDER BY ?thing"
    )
    remote = RemoteRunner(published)
    assert run_query(q, {"name": value}, remote).rows == []
    assert len(run_query(q, {"name": "Principal data scientist"}, remote).rows) == 1


def test_publish_does_not_accept_injected_graph_iri(
    oxigraph_server: str, runner: CliRunner
) -> None:
    result = runner.invoke(
        cli,
        [
            "publish",
            "--endpoint",
            f"{oxigraph_server}/update",
            "--protocol",
            "update",
            "--graph-iri",
            "x> } ; DROP ALL ; INSERT DATA { <y",
        ],
    )
    assert result.exit_code == 2
    assert "is not a valid graph IRI" in result.stderr


# -- failures: one clear message, exit 2 ----------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    behaviour: Callable[[http.server.BaseHTTPRequestHandler], None]

    def do_POST(self) -> None:
        type(self).behaviour(self)

    do_GET = do_POST
    do_PUT = do_POST

    def log_message(self, *args: object) -> None:
        pass


class _QuietServer(socketserver.ThreadingTCPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (the time-out test) breaks the pipe; that is expected, and
        a traceback printed from this thread would land in a later test's stderr."""


def _serve(behaviour: Callable[[http.server.BaseHTTPRequestHandler], None]) -> Iterator[str]:
    handler = type("H", (_Handler,), {"behaviour": staticmethod(behaviour)})
    server = _QuietServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()


def _reply(
    status: int, content_type: str, body: bytes, *, pause: float = 0
) -> Callable[[Any], None]:
    def behave(h: Any) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        h.rfile.read(length)
        if pause:
            time.sleep(pause)
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return behave


def _drip(h: Any) -> None:
    """Headers at once, then one byte every 0.3 s, for ever: no single read times out."""
    h.rfile.read(int(h.headers.get("Content-Length") or 0))
    h.send_response(200)
    h.send_header("Content-Type", "application/sparql-results+json")
    h.end_headers()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        h.wfile.write(b" ")
        h.wfile.flush()
        time.sleep(0.3)


def _slow_headers(h: Any) -> None:
    """The status line and headers one byte every 0.3 s: each read gets something."""
    h.rfile.read(int(h.headers.get("Content-Length") or 0))
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + b"X-Pad: " + b"a" * 200
    for byte in head:
        h.wfile.write(bytes([byte]))
        h.wfile.flush()
        time.sleep(0.3)


def _cut_short(h: Any) -> None:
    """Promises 1,000 bytes, sends a short (complete-looking) answer and hangs up."""
    h.rfile.read(int(h.headers.get("Content-Length") or 0))
    h.send_response(200)
    h.send_header("Content-Type", "application/sparql-results+json")
    h.send_header("Content-Length", "1000")
    h.end_headers()
    h.wfile.write(b'{"head": {"vars": []}, "results": {"bindings": []}}')
    h.wfile.flush()
    h.close_connection = True


def _endless(h: Any) -> None:
    """An answer that never ends, as fast as the client reads."""
    h.rfile.read(int(h.headers.get("Content-Length") or 0))
    h.send_response(200)
    h.send_header("Content-Type", "application/sparql-results+json")
    h.end_headers()
    block = b"[" * 65536
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        h.wfile.write(block)


def _results(doc: str) -> Callable[[Any], None]:
    return _reply(200, "application/sparql-results+json", doc.encode())


FAULTS = {
    "trickles": (_drip, "did not finish answering within 1 s"),
    "slow-headers": (_slow_headers, "did not finish answering within 1 s"),
    "cut-short": (_cut_short, "broke off its answer"),
    # Whichever comes first: the deadline, the size cap, or the parser giving up.
    "never-ends": (
        _endless,
        ("nested too deeply", "did not finish answering within 1 s", "answered more than"),
    ),
    "other-columns": (
        _results('{"head": {"vars": ["x"]}, "results": {"bindings": []}}'),
        "the answer to families has no column 'family', 'role', 'levels' (it has 'x')",
    ),
    "no-columns": (
        _results('{"head": {"vars": []}, "results": {"bindings": []}}'),
        "has no column 'family', 'role', 'levels' (it has none)",
    ),
    "deep-json": (
        _results("[" * 100_000 + "]" * 100_000),
        "answered JSON nested too deeply to be SPARQL results",
    ),
    "huge-number": (
        _results('{"head": {"vars": []}, "n": ' + "9" * 5000 + "}"),
        "that is not SPARQL JSON results",
    ),
    "html": (
        _reply(200, "text/html", b"<html><body>Welcome</body></html>"),
        "answered text/html that is not SPARQL JSON results",
    ),
    "http-500": (_reply(500, "text/plain", b"boom"), "failed with an internal error (HTTP 500)"),
    "half-json": (
        _reply(200, "application/sparql-results+json", b'{"head": {"vars": ["x"]}, "resu'),
        "not SPARQL JSON results",
    ),
    "json-not-results": (
        _reply(200, "application/json", b'{"hello": 1}'),
        "answered something that is not SPARQL results",
    ),
    "hangs": (_reply(200, "application/json", b"{}", pause=5), "did not answer within 1 s"),
    "results-a-list": (
        _reply(200, "application/sparql-results+json", b'{"head": {"vars": ["x"]}, "results": []}'),
        "not SPARQL results: 'results' is not an object with a 'bindings' list",
    ),
    "binding-not-a-term": (
        _reply(
            200,
            "application/sparql-results+json",
            b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri", "value": "urn:a"}}, {"x": 7}]}}',
        ),
        "results.bindings[1].x is not a term with a string 'value'",
    ),
    "odd-term-type": (
        _reply(
            200,
            "application/sparql-results+json",
            b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "triple", "value": "t"}}]}}',
        ),
        "results.bindings[0].x has an unknown term type 'triple'",
    ),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_faulty_endpoints_give_one_clear_message(fault: str, runner: CliRunner) -> None:
    behaviour, expected = FAULTS[fault]
    HARDENING["faults"] = HARDENING.get("faults", 0) + 1
    for url in _serve(behaviour):
        # The hanging server answers after 5 s; the message proves the 1 s time-out fired.
        result = runner.invoke(cli, ["query", "families", "--endpoint", url, "--timeout", "1"])
        assert result.exit_code == 2, result.output
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("rolegraph: error: "), lines
        wanted = expected if isinstance(expected, tuple) else (expected,)
        assert any(w in lines[0] for w in wanted), lines[0]
        assert "Traceback" not in result.output


def test_connection_refused(runner: CliRunner) -> None:
    from conftest import free_port

    HARDENING["faults"] = HARDENING.get("faults", 0) + 1
    url = f"http://127.0.0.1:{free_port()}/query"
    result = runner.invoke(cli, ["query", "families", "--endpoint", url])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"rolegraph: error: cannot reach {url}: connection refused (is the server running on that port?)\n"
    )


def test_wrong_path_on_a_real_server(oxigraph_server: str, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", "families", "--endpoint", f"{oxigraph_server}/nope"])
    assert result.exit_code == 2
    assert "was not found (HTTP 404)" in result.stderr
    # The store's upload URL instead of its query URL: the message says which to use.
    store = runner.invoke(cli, ["query", "families", "--endpoint", f"{oxigraph_server}/store"])
    assert store.exit_code == 2
    assert "is it the query URL? An Oxigraph server's is /query" in store.stderr, store.stderr


def test_not_a_url(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", "families", "--endpoint", "file:///etc/passwd"])
    assert result.exit_code == 2
    assert "is not an http(s) URL" in result.stderr


def test_remote_did_you_mean(published: str) -> None:
    from rolegraph.errors import NotFound

    with pytest.raises(NotFound, match="did you mean 'Data scientist'"):
        run_query(get_query("similar-roles"), {"role": "Data scientst"}, RemoteRunner(published))


def test_remote_error_is_a_rolegraph_error() -> None:
    assert issubclass(RemoteError, Exception)
    assert RemoteError("x").exit_code == 2


def _recording(fail_from: int | None) -> tuple[list[str], Callable[[Any], None]]:
    """An update endpoint that records each request and fails from the N-th on."""
    seen: list[str] = []

    def behave(h: Any) -> None:
        body = h.rfile.read(int(h.headers.get("Content-Length") or 0)).decode()
        seen.append(urllib.parse.parse_qs(body)["update"][0])
        status = 500 if fail_from is not None and len(seen) >= fail_from else 204
        h.send_response(status)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return seen, behave


def test_publish_by_update_is_one_request_when_it_fits(runner: CliRunner) -> None:
    seen, behave = _recording(None)
    for url in _serve(behave):
        result = runner.invoke(cli, ["publish", "--endpoint", url, "--protocol", "update"])
        assert result.exit_code == 0, result.output
    # One request, one transaction: the old graph is never left half-replaced.
    assert len(seen) == 1
    assert seen[0].startswith("CLEAR SILENT DEFAULT ;\nINSERT DATA {")
    assert seen[0].count(" .\n") + 1 == 403


def test_publish_in_parts_says_how_far_it_got(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rolegraph.graph.publish

    HARDENING["faults"] = HARDENING.get("faults", 0) + 1
    # A small request size stands in for a graph too large for one request.
    monkeypatch.setattr(rolegraph.graph.publish, "UPDATE_REQUEST_BYTES", 20_000)
    seen, behave = _recording(fail_from=3)
    for url in _serve(behave):
        result = runner.invoke(cli, ["publish", "--endpoint", url, "--protocol", "update"])
    assert result.exit_code == 2
    sent = sum(u.count(" .\n") + 1 for u in seen[:2])
    assert f"the default graph at {url} now holds {sent:,} of the 403 triples" in result.stderr
    assert "rerun publish to replace it whole" in result.stderr
    seen, behave = _recording(fail_from=2)
    for url in _serve(behave):
        appended = runner.invoke(
            cli, ["publish", "--endpoint", url, "--protocol", "update", "--append"]
        )
    assert appended.exit_code == 2
    sent = seen[0].count(" .\n") + 1
    assert f"now holds what it held before and {sent:,} of the 403 triples" in appended.stderr
    assert "rerun publish without --append" in appended.stderr


@pytest.mark.parametrize(
    "iri", ["http://x/\n", "http://x/a b", "no-scheme", "http://x/<y>", "http://x/g\udc85"]
)
def test_publish_refuses_a_bad_graph_iri(runner: CliRunner, iri: str) -> None:
    for protocol in ("gsp", "update"):
        result = runner.invoke(
            cli,
            [
                "publish",
                "--endpoint",
                "http://127.0.0.1:9/s",
                "--graph-iri",
                iri,
                "--protocol",
                protocol,
            ],
        )
        assert result.exit_code == 2
        assert "is not a valid graph IRI" in result.stderr
    query = runner.invoke(
        cli, ["query", "families", "--endpoint", "http://127.0.0.1:9/q", "--graph-iri", iri]
    )
    assert query.exit_code == 2 and "is not a valid graph IRI" in query.stderr


@pytest.mark.parametrize("fault", ["trickles", "slow-headers", "never-ends"])
def test_publish_gives_up_at_its_time_out(fault: str, runner: CliRunner) -> None:
    HARDENING["faults"] = HARDENING.get("faults", 0) + 1
    behaviour = FAULTS[fault][0]
    for url in _serve(behaviour):
        for protocol in ("gsp", "update"):
            started = time.monotonic()
            result = runner.invoke(
                cli, ["publish", "--endpoint", url, "--protocol", protocol, "--timeout", "1"]
            )
            assert result.exit_code == 2, result.output
            assert time.monotonic() - started < 8
            lines = result.stderr.splitlines()
            assert len(lines) == 1, lines
            assert "within 1 s" in lines[0] or "more than" in lines[0], lines


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://[::1", "Invalid IPv6 URL"),
        ("http://127.0.0.1:99999/x", "Port out of range"),
        ("http://127.0.0.1:7878/q\nx", "spaces or control characters"),
        ("http://127.0.0.1:7878/caf\u00e9", "percent-encode them"),
        ("http://user:pw@127.0.0.1:7878/q", "user name or password"),
    ],
)
def test_unusable_urls_are_named(url: str, problem: str, runner: CliRunner) -> None:
    for args in (
        ["query", "families", "--endpoint", url],
        ["publish", "--endpoint", url],
        ["build", "--page", url],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, (args, result.output)
        assert "cannot be used" in result.stderr and problem in result.stderr, result.stderr
