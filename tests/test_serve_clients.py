"""Real clients against a real `rolegraph serve` process on 127.0.0.1: SPARQLWrapper,
rdflib's SPARQLStore, Comunica (Node, from npm: tests/js/), a page on another origin
in Chromium (CORS), and HTTP/1.1 itself (keep-alive, gzip, ETag, Last-Modified, 415,
413). Every answer is compared with the same query run here on the same graph file."""

from __future__ import annotations

import csv
import email.utils
import gzip
import http.client
import http.server
import io
import json
import shutil
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from conftest import IN_CI, ROOT, free_port
from helpers.servers import running
from helpers.serving import (
    Row,
    boolean_of_xml,
    from_comunica,
    from_rdflib,
    rows_of_json,
    rows_of_oxigraph,
    rows_of_xml,
    triples_of_oxigraph,
    triples_of_rdflib,
)
from rolegraph.graph.export import write
from rolegraph.graph.open import open_graph
from rolegraph.graph.store import RoleGraph
from rolegraph.serve.web import MAX_BODY

pytestmark = pytest.mark.server

RG = "https://w3id.org/rolegraph/ontology#"
#: every triple: IRIs, plain, tagged, integer and date literals
ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
#: an unbound variable in most rows
OPTIONAL = (
    f"SELECT ?role ?level WHERE {{ ?role a <{RG}Role> "
    f"OPTIONAL {{ ?level <{RG}role> ?role ; a <{RG}RoleLevel> }} }} ORDER BY ?role ?level"
)
#: computed integers
COUNTS = "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY ?class"
SELECTS = {"all": ALL, "optional": OPTIONAL, "counts": COUNTS}
ASK_YES = f"ASK {{ ?s a <{RG}Role> }}"
ASK_NO = "ASK { <http://example.org/nobody> ?p ?o }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
#: a template: triples the graph does not hold
CONSTRUCT_ROLES = f"CONSTRUCT {{ ?r <{RG}name> ?l }} WHERE {{ ?r a <{RG}Role> ; <{LABEL}> ?l }}"
JS = ROOT / "tests" / "js"


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data as a graph file: the server and the local runs read it."""
    path = tmp_path_factory.mktemp("clients") / "graph.ttl"
    write(open_graph(None), path)
    return path


@pytest.fixture(scope="module")
def local(graph_file: Path) -> RoleGraph:
    return open_graph(graph_file)


@pytest.fixture(scope="module")
def server(graph_file: Path) -> Iterator[str]:
    port = free_port()
    argv = [sys.executable, "-m", "rolegraph", "serve", "--graph", str(graph_file)]
    with running([*argv, "--port", str(port)], f"http://127.0.0.1:{port}/", cwd=graph_file.parent):
        yield f"http://127.0.0.1:{port}"


def local_rows(graph: RoleGraph, query: str) -> list[Row]:
    rows = rows_of_oxigraph(graph.query(query))
    assert rows, query  # a test that compares nothing proves nothing
    return rows


# -- SPARQLWrapper ----------------------------------------------------------------------

#: how SPARQLWrapper sends the query: (method, request method)
SENDS = {"GET": (GET, None), "POST-form": (POST, URLENCODED), "POST-direct": (POST, POSTDIRECTLY)}


def wrapper(server: str, query: str, send: str, fmt: str) -> SPARQLWrapper:
    w = SPARQLWrapper(server + "/sparql")
    w.setQuery(query)
    w.setReturnFormat(fmt)
    method, request = SENDS[send]
    w.setMethod(method)
    if request:
        w.setRequestMethod(request)
    return w


def convert(server: str, query: str, send: str, fmt: str) -> Any:
    """The answer as SPARQLWrapper converts it (a dict, a DOM, bytes or a graph)."""
    return wrapper(server, query, send, fmt).query().convert()


def rows_of_result(result: Result) -> list[Row]:
    """The rows of an rdflib query result."""
    names = [str(v) for v in result.vars or []]
    rows: list[Any] = list(result)
    return [
        {n: from_rdflib(t) for n, t in zip(names, row, strict=True) if t is not None}
        for row in rows
    ]


def rows_of_csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))


@pytest.mark.parametrize("send", list(SENDS))
@pytest.mark.parametrize("name", list(SELECTS))
def test_sparqlwrapper_select_in_every_results_format(
    server: str, local: RoleGraph, send: str, name: str
) -> None:
    query = SELECTS[name]
    expected = local_rows(local, query)
    assert rows_of_json(convert(server, query, send, JSON)) == expected
    assert rows_of_xml(convert(server, query, send, XML)) == expected
    # TSV keeps terms in Turtle syntax (rdflib reads it); CSV keeps lexical forms only.
    tsv = Result.parse(io.BytesIO(convert(server, query, send, TSV)), format="tsv")
    assert rows_of_result(tsv) == expected
    names = [v.value for v in local.query(query).variables]
    lexical = [{n: row.get(n, ("", ""))[1] for n in names} for row in expected]
    assert rows_of_csv(convert(server, query, send, CSV)) == lexical


@pytest.mark.parametrize("send", list(SENDS))
def test_sparqlwrapper_ask(server: str, local: RoleGraph, send: str) -> None:
    for query in (ASK_YES, ASK_NO):
        expected = bool(local.query(query))
        assert convert(server, query, send, JSON)["boolean"] is expected
        assert boolean_of_xml(convert(server, query, send, XML)) is expected
    assert bool(local.query(ASK_YES)) and not bool(local.query(ASK_NO))


@pytest.mark.parametrize("send", list(SENDS))
def test_sparqlwrapper_construct_in_every_graph_format(
    server: str, local: RoleGraph, send: str
) -> None:
    for query in (CONSTRUCT, CONSTRUCT_ROLES):
        expected = triples_of_oxigraph(local.query(query))
        assert len(expected) == (len(local) if query == CONSTRUCT else 6)
        turtle = wrapper(server, query, send, TURTLE).query()
        assert turtle.info()["content-type"].startswith("text/turtle")
        data: Any = turtle.convert()
        parsed = rdflib.Graph().parse(data=data, format="turtle")
        assert triples_of_rdflib(parsed) == expected
        w = wrapper(server, query, send, N3)
        w.addCustomHttpHeader("Accept", "application/n-triples")
        nt = w.query()
        assert nt.info()["content-type"].startswith("application/n-triples")
        data = nt.convert()
        parsed = rdflib.Graph().parse(data=data, format="nt")
        assert triples_of_rdflib(parsed) == expected
        # JSON-LD and RDF/XML: SPARQLWrapper parses them itself, into an rdflib graph.
        for fmt, media in ((JSONLD, "application/ld+json"), (RDFXML, "application/rdf+xml")):
            answer = wrapper(server, query, send, fmt).query()
            assert answer.info()["content-type"].startswith(media)
            assert triples_of_rdflib(answer.convert()) == expected, fmt


# -- rdflib's SPARQLStore ---------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore_is_the_graph(server: str, local: RoleGraph, method: str) -> None:
    g = rdflib.Graph(store=SPARQLStore(server + "/sparql", method=method))
    everything = triples_of_oxigraph(local.triples())
    assert len(g) == len(local) == len(everything)
    assert triples_of_rdflib(g.triples((None, None, None))) == everything
    role = rdflib.URIRef(RG + "Role")
    roles = {(s, o) for s, _, o in everything if o == ("uri", RG + "Role")}
    found = list(g.triples((None, rdflib.RDF.type, role)))
    assert len(found) == len(roles) == 6
    assert {(from_rdflib(s), from_rdflib(o)) for s, _, o in found} == roles
    mle = rdflib.URIRef("https://w3id.org/rolegraph/id/role/machine-learning-engineer")
    assert g.value(mle, rdflib.RDFS.label) == rdflib.Literal("Machine learning engineer", lang="en")
    # SPARQL through the store: SELECT, ASK and CONSTRUCT.
    for query in SELECTS.values():
        assert rows_of_result(g.query(query)) == local_rows(local, query), query
    assert g.query(ASK_YES).askAnswer is True
    assert g.query(ASK_NO).askAnswer is False
    built = g.query(CONSTRUCT_ROLES).graph
    assert built is not None
    assert triples_of_rdflib(built) == triples_of_oxigraph(local.query(CONSTRUCT_ROLES))


# -- Comunica (Node) --------------------------------------------------------------------


def comunica() -> list[str]:
    """The command that runs tests/js/comunica-query.mjs; a skip (a failure in CI)
    when Node or the npm packages are missing."""
    node = shutil.which("node")
    missing = None
    if node is None:
        missing = "node is not installed"
    elif not (JS / "node_modules" / "@comunica" / "query-sparql").is_dir():
        missing = f"Comunica is not installed (cd {JS.relative_to(ROOT)} && npm ci)"
    if missing:
        if IN_CI:
            pytest.fail(missing)
        pytest.skip(missing)
    assert node is not None
    return [node, str(JS / "comunica-query.mjs")]


def test_comunica_over_the_sparql_endpoint(server: str, local: RoleGraph) -> None:
    queries = [*SELECTS.values(), ASK_YES, ASK_NO, CONSTRUCT_ROLES]
    done = subprocess.run(
        [*comunica(), server + "/sparql", *queries],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == len(queries)
    for query, answer in zip(SELECTS.values(), answers, strict=False):
        rows = [{n: from_comunica(t) for n, t in row.items()} for row in answer["rows"]]
        assert rows == local_rows(local, query), query
        assert set(answer["variables"]) == {v.value for v in local.query(query).variables}
    assert [a["value"] for a in answers[3:5]] == [True, False]
    quads = answers[5]["quads"]
    assert {q[3]["termType"] for q in quads} == {"DefaultGraph"}
    assert {tuple(from_comunica(t) for t in q[:3]) for q in quads} == triples_of_oxigraph(
        local.query(CONSTRUCT_ROLES)
    )


# -- CORS, in Chromium ------------------------------------------------------------------

PAGE = """<!doctype html>
<meta charset="utf-8"><title>another origin</title>
<script>
const endpoint = %(endpoint)s, query = %(query)s;
const json = "application/sparql-results+json";
async function read(response) {
  return {status: response.status, type: response.headers.get("Content-Type"),
          etag: response.headers.get("ETag"), body: await response.json()};
}
async function refused(init) {
  try { return (await fetch(endpoint, init)).status; } catch (e) { return e.name; }
}
window.answers = (async () => ({
  // A simple request: no preflight.
  get: await read(await fetch(endpoint + "?query=" + encodeURIComponent(query),
                              {headers: {Accept: json}})),
  // Content-Type application/sparql-query is not a simple one: a preflight first.
  post: await read(await fetch(endpoint, {method: "POST", body: query,
                                          headers: {"Content-Type": "application/sparql-query",
                                                    Accept: json}})),
  // What the preflight does not allow, the browser does not send.
  header: await refused({method: "POST", body: query,
                         headers: {"Content-Type": "application/sparql-query",
                                   "X-Not-Allowed": "1"}}),
  put: await refused({method: "PUT", body: "x"}),
}))();
</script>
"""


@pytest.fixture
def other_origin() -> Iterator[Callable[[bytes], str]]:
    """A web server on another port of 127.0.0.1 (so another origin) serving one page."""
    served: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = served.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *_: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()

    def serve(page: bytes) -> str:
        served["/page.html"] = page
        return f"http://127.0.0.1:{httpd.server_address[1]}/page.html"

    try:
        yield serve
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@pytest.mark.browser
def test_a_page_on_another_origin_reads_sparql_with_fetch(
    server: str, local: RoleGraph, browser: Any, other_origin: Callable[[bytes], str]
) -> None:
    page_url = other_origin(
        (PAGE % {"endpoint": json.dumps(server + "/sparql"), "query": json.dumps(COUNTS)}).encode()
    )
    assert urllib.parse.urlsplit(page_url).port != urllib.parse.urlsplit(server).port
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(page_url)
        answers = page.evaluate("() => window.answers")
    finally:
        context.close()
    expected = local_rows(local, COUNTS)
    for how in ("get", "post"):
        got = answers[how]
        assert got["status"] == 200, how
        assert got["type"] == "application/sparql-results+json; charset=utf-8", how
        assert rows_of_json(got["body"]) == expected, how
    assert answers["get"]["etag"].startswith('W/"')  # an exposed header
    assert answers["header"] == "TypeError" and answers["put"] == "TypeError"
    assert errors == []


def test_preflight_answer_and_writes_refused(server: str) -> None:
    host, port = urllib.parse.urlsplit(server).hostname, urllib.parse.urlsplit(server).port
    conn = http.client.HTTPConnection(str(host), port, timeout=10)
    origin = "http://127.0.0.1:9"
    conn.request(
        "OPTIONS",
        "/sparql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, accept",
        },
    )
    r = conn.getresponse()
    r.read()
    assert r.status == 200
    assert r.getheader("Access-Control-Allow-Origin") == "*"
    assert r.getheader("Access-Control-Allow-Methods") == "GET, HEAD, POST"
    allowed = {
        h.strip().lower() for h in (r.getheader("Access-Control-Allow-Headers") or "").split(",")
    }
    assert {"accept", "content-type", "if-none-match", "if-modified-since"} <= allowed
    assert r.getheader("Access-Control-Max-Age") == "86400"
    # A write is not offered to a browser, and refused to anyone.
    conn.request(
        "OPTIONS",
        "/sparql",
        headers={"Origin": origin, "Access-Control-Request-Method": "PUT"},
    )
    r = conn.getresponse()
    r.read()
    assert r.status == 400 and "PUT" not in (r.getheader("Access-Control-Allow-Methods") or "")
    for method in ("PUT", "DELETE"):
        for path in ("/sparql", "/id/role/machine-learning-engineer", "/queries/families"):
            conn.request(method, path, body=b"x", headers={"Origin": origin})
            r = conn.getresponse()
            assert (r.status, r.read()) == (
                403,
                b"this endpoint is read-only: updates are refused\n",
            )
    conn.close()


# -- HTTP/1.1 ---------------------------------------------------------------------------


def connect(server: str) -> http.client.HTTPConnection:
    split = urllib.parse.urlsplit(server)
    return http.client.HTTPConnection(str(split.hostname), split.port, timeout=30)


def ask(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: bytes | None = None,
    **headers: str,
) -> tuple[int, dict[str, str], bytes]:
    conn.request(
        method, path, body=body, headers={k.replace("_", "-"): v for k, v in headers.items()}
    )
    r = conn.getresponse()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()


def test_keep_alive_answers_many_requests_on_one_connection(server: str) -> None:
    conn = connect(server)
    query = "/sparql?query=" + urllib.parse.quote(COUNTS)
    paths = ["/", query, "/id/role/machine-learning-engineer", "/queries", query, "/ontology"]
    sockets = set()
    for path in paths * 3:
        status, headers, body = ask(conn, "GET", path, Accept="text/turtle, */*;q=0.1")
        assert status == 200 and body, path
        assert headers.get("connection", "keep-alive").lower() != "close", path
        assert conn.sock is not None
        sockets.add(conn.sock.getsockname())
    assert len(sockets) == 1  # never reconnected
    conn.close()


def test_gzip_when_asked(server: str) -> None:
    conn = connect(server)
    path = "/sparql?query=" + urllib.parse.quote(ALL)
    status, plain_headers, plain = ask(conn, "GET", path, Accept="application/sparql-results+json")
    assert status == 200 and "content-encoding" not in plain_headers
    status, headers, packed = ask(
        conn, "GET", path, Accept="application/sparql-results+json", Accept_Encoding="gzip"
    )
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in headers["vary"]
    assert len(packed) < len(plain) and gzip.decompress(packed) == plain
    conn.close()


def test_etag_and_last_modified_give_304(server: str) -> None:
    conn = connect(server)
    path = "/id/role/machine-learning-engineer"
    status, headers, body = ask(conn, "GET", path, Accept="text/turtle")
    assert status == 200 and body
    tag, modified = headers["etag"], headers["last-modified"]
    status, again, body = ask(conn, "GET", path, Accept="text/turtle", If_None_Match=tag)
    assert (status, body, again["etag"]) == (304, b"", tag)
    status, _, body = ask(conn, "GET", path, Accept="text/turtle", If_None_Match='W/"other"')
    assert status == 200 and body
    status, _, body = ask(conn, "GET", path, Accept="text/turtle", If_Modified_Since=modified)
    assert (status, body) == (304, b"")
    stamp = email.utils.parsedate_to_datetime(modified).timestamp()
    earlier = email.utils.formatdate(stamp - 86400, usegmt=True)
    status, _, body = ask(conn, "GET", path, Accept="text/turtle", If_Modified_Since=earlier)
    assert status == 200 and body
    # Another representation of the resource has another tag.
    status, other, _ = ask(conn, "GET", path, Accept="application/ld+json")
    assert status == 200 and other["etag"] != tag
    conn.close()


def test_post_bodies_415_and_413(server: str) -> None:
    conn = connect(server)
    status, _, body = ask(conn, "POST", "/sparql", b"ASK {}", Content_Type="text/plain")
    assert status == 415
    assert body == (
        b"a POST body must be application/x-www-form-urlencoded or "
        b"application/sparql-query, not text/plain\n"
    )
    # A query of exactly the largest body is read; one byte more is not.
    pad = MAX_BODY - len("ASK {}\n#")
    query = b"ASK {}\n#" + b"x" * pad
    assert len(query) == MAX_BODY
    accept = "application/sparql-results+json"
    status, _, body = ask(
        conn, "POST", "/sparql", query, Content_Type="application/sparql-query", Accept=accept
    )
    assert (status, json.loads(body)["boolean"]) == (200, True)
    status, _, body = ask(
        conn,
        "POST",
        "/sparql",
        query + b"x",
        Content_Type="application/sparql-query",
        Accept=accept,
    )
    assert (status, body) == (413, b"request body too large\n")
    # The connection still answers.
    status, _, body = ask(conn, "GET", "/sparql?query=ASK%7B%7D", Accept="text/csv")
    assert (status, body) == (200, b"true")
    conn.close()
