"""`rolegraph serve --endpoint URL`: the app over a real Oxigraph server (started here on
127.0.0.1, the graph loaded into it) answers every route as `rolegraph serve --graph` over
the same data does: byte for byte where the answer's order is fixed, as the same rows or
an isomorphic graph where it is not."""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare
from click.testing import CliRunner

from conftest import free_port
from helpers.servers import get, load_oxigraph, oxigraph, serving
from rolegraph.cli import cli
from rolegraph.errors import OptionError, RemoteError
from rolegraph.graph.pool import Limits, QueryCancelled, QueryLimit
from rolegraph.graph.runner import LocalRunner
from rolegraph.graph.store import load_rdf_file
from rolegraph.model.vocab import ID, RG
from rolegraph.serve.pages import local_path
from rolegraph.serve.remote import RemoteBackend
from rolegraph.serve.server import HOST, Server, bind, create_app, make_server
from rolegraph.sparql.binding import allowed_values
from rolegraph.sparql.catalogue import load_catalogue

pytestmark = pytest.mark.server

JSON = "application/sparql-results+json"
RDFS = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
MLE = ID + "role/machine-learning-engineer"
ORDERED = RDFS + "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?s ?label"
UNORDERED = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
FORMULAS = (
    'SELECT ?cell ?n WHERE { VALUES (?cell ?n) { ("=HYPERLINK(\\"http://x\\")" 1) '
    '("@SUM(A1)" 2) ("+1" 3) ("plain" -4) } } ORDER BY ?n'
)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
RESULT_TYPES = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "text/html",
]
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
#: a 4-way cross product: far more work than any time-out below allows
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@dataclass(frozen=True)
class Pair:
    remote: str  # rolegraph serve --endpoint (the Oxigraph server)
    embedded: str  # rolegraph serve --graph (the same data, as a file)
    store: str  # the Oxigraph server


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled graph as N-Triples, as `rolegraph build -o x.nt` writes it."""
    out = tmp_path_factory.mktemp("remote-data") / "x.nt"
    subprocess.run(
        [sys.executable, "-m", "rolegraph", "build", "-o", str(out), "-q"],
        check=True,
        capture_output=True,
    )
    return out


@contextlib.contextmanager
def pair_over(data: Path, folder: Path, graph_iri: str | None = None) -> Iterator[Pair]:
    """The two servers over ``data``: loaded into an Oxigraph store (into the graph
    ``graph_iri``), and as a file."""
    location = folder / "db"
    load_oxigraph(location, data, graph_iri)
    named = ["--graph-iri", graph_iri] if graph_iri else []
    with (
        oxigraph(location) as store,
        serving(["--endpoint", store + "/query", *named], folder) as remote,
        serving(["--graph", str(data)], folder) as embedded,
    ):
        yield Pair(remote, embedded, store)


@pytest.fixture(scope="module")
def pair(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    with pair_over(data, tmp_path_factory.mktemp("remote")) as both:
        yield both


def resource_paths(graph_file: Path, classes: tuple[str, ...] | None = None) -> list[str]:
    """The /id/ path of every resource the graph names (or of the things of ``classes``)."""
    graph = load_rdf_file(graph_file)
    found: set[str] = set()
    for t in graph.triples():
        if classes is not None:
            if t.predicate.value.endswith("#type") and str(t.object).strip("<>") in classes:
                found.add(str(t.subject).strip("<>"))
            continue
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode) and local_path(term.value):
                found.add(term.value)
    return sorted(p for p in (local_path(iri) for iri in found) if p)


def saved_query_paths(graph_file: Path) -> list[str]:
    """Every saved query's form, and its answer in every format with its defaults and
    with other values (the first each parameter allows besides its default)."""
    runner = LocalRunner(load_rdf_file(graph_file))
    paths = ["/queries", "/queries/no-such-query", "/queries/role-levels?role=Nobody&run=1"]
    for name, query in load_catalogue().items():
        values = {}
        for p in query.params:
            others = [v for v in allowed_values(query, p, runner) if v != p.default]
            if others:
                values[p.name] = others[0]
        paths.append(f"/queries/{name}")
        for fmt in ("html", "csv", "json", "tsv"):
            paths.append(f"/queries/{name}?run=1&format={fmt}")
            if values:
                paths.append(f"/queries/{name}?run=1&format={fmt}&{urllib.parse.urlencode(values)}")
    return paths


#: the career tools, with answers and without (the pages for people are resources)
TOOL_PATHS = [
    "/gap",
    "/gap?from=Senior+machine+learning+engineer&to=Lead+machine+learning+engineer",
    "/path?from=Senior+machine+learning+engineer&to=Lead+machine+learning+engineer",
    "/similar?role=Machine+learning+engineer",
    "/compare?a=Machine+learning+engineer&b=Data+scientist",
    "/assess",
    "/assess?role=Data+scientist",
    "/gap?from=Nobody&to=Lead+machine+learning+engineer",
]


def differences(pair: Pair, paths: list[str], accept: str | None = None) -> list[str]:
    """The paths whose answers (status, Content-Type, body) differ between the two."""
    return [p for p in paths if get(pair.remote + p, accept) != get(pair.embedded + p, accept)]


def test_every_page_is_the_same_over_the_endpoint(pair: Pair, data: Path) -> None:
    resources = resource_paths(data)
    paths = [
        "/",
        "/explorer",
        "/explorer?role=Machine%20learning%20engineer",
        "/explorer?skill=Systems%20integration",
        "/ontology",
        "/ontology/rolegraph.ttl",
        "/ontology/context.jsonld",
        "/ontology/shapes.ttl",
        "/sparql",
        "/id/role/no-such-role",
        "/nothing-here",
        *TOOL_PATHS,
        *(p + "&format=json" for p in TOOL_PATHS if "?" in p),
        *saved_query_paths(data),
        *(r + f for r in resources for f in ("", "?format=ttl", "?format=nt", "?format=jsonld")),
    ]
    assert len(resources) > 40
    assert differences(pair, paths) == []
    assert differences(pair, paths[:9] + resources, "text/html") == []
    assert differences(pair, resources, "text/turtle") == []
    statuses = {get(pair.remote + r)[0] for r in resources}
    assert statuses == {200}


def _request(base: str, query: str, accept: str, method: str) -> tuple[int, str, bytes]:
    if method == "GET":
        return get(f"{base}/sparql?query={urllib.parse.quote(query)}", accept)
    if method == "POST form":
        body = urllib.parse.urlencode({"query": query}).encode()
        return get(base + "/sparql", accept, body, content_type="application/x-www-form-urlencoded")
    return get(base + "/sparql", accept, query.encode(), content_type="application/sparql-query")


@pytest.mark.parametrize("method", ["GET", "POST form", "POST direct"])
@pytest.mark.parametrize("accept", RESULT_TYPES)
@pytest.mark.parametrize(
    "query", [ORDERED, FORMULAS, COUNT, "ASK { ?s a ?c }", "ASK { <urn:x:none> ?p ?o }"]
)
def test_ordered_results_are_byte_identical(
    pair: Pair, query: str, accept: str, method: str
) -> None:
    remote = _request(pair.remote, query, accept, method)
    assert remote[0] == 200
    assert remote == _request(pair.embedded, query, accept, method)


def test_formula_cells_are_neutralised_as_the_embedded_backend_does(pair: Pair) -> None:
    csv = _request(pair.remote, FORMULAS, "text/csv", "GET")[2]
    assert csv == (
        b'cell,n\r\nplain,-4\r\n"\'=HYPERLINK(""http://x"")",1\r\n\'@SUM(A1),2\r\n\'+1,3\r\n'
    )
    tsv = _request(pair.remote, FORMULAS, "text/tab-separated-values", "GET")[2]
    assert tsv == (
        b'?cell\t?n\n"plain"\t-4\n"\'=HYPERLINK(\\"http://x\\")"\t1\n"\'@SUM(A1)"\t2\n"\'+1"\t3\n'
    )


def canonical(content_type: str, body: bytes) -> Any:
    """An answer with its order taken out: rows as a sorted list, a graph as an
    isomorphism class."""
    media = content_type.split(";")[0]
    if media in GRAPH_TYPES:
        graph = rdflib.Graph().parse(data=body, format=GRAPH_TYPES[media])
        return rdflib.compare.to_isomorphic(graph)
    if media == JSON:
        doc = json.loads(body)
        rows = sorted(json.dumps(b, sort_keys=True) for b in doc["results"]["bindings"])
        return doc["head"], rows
    if media == "application/sparql-results+xml":
        parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.XML)
        assert isinstance(parsed, ox.QuerySolutions)
        return sorted(str([s[v] for v in parsed.variables]) for s in parsed)
    text = body.decode()
    if media == "text/html":
        rows = re.findall(r"<tr>.*?</tr>", text, re.DOTALL)
        return re.sub(r"<tr>.*?</tr>", "", text, flags=re.DOTALL), sorted(rows)
    lines = text.splitlines()
    return lines[0], sorted(lines[1:])


@pytest.mark.parametrize(
    ("query", "accept"),
    [(UNORDERED, a) for a in RESULT_TYPES]
    + [(q, a) for q in (CONSTRUCT, f"DESCRIBE <{MLE}>") for a in [*GRAPH_TYPES, "text/html"]],
)
def test_unordered_answers_hold_the_same_rows_and_triples(
    pair: Pair, query: str, accept: str
) -> None:
    remote = _request(pair.remote, query, accept, "GET")
    embedded = _request(pair.embedded, query, accept, "GET")
    assert remote[:2] == embedded[:2] and remote[0] == 200
    assert canonical(remote[1], remote[2]) == canonical(embedded[1], embedded[2])


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"query": "SELECT (COUNT(*) AS ?n) FROM <urn:x:none> WHERE { ?s ?p ?o }"}, 200),
        ({"query": COUNT, "default-graph-uri": "urn:x:none"}, 200),
        ({"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": "urn:x:n"}, 200),
        ({"query": COUNT, "default-graph-uri": "not an iri"}, 400),
        ({"query": "SELECT * WHERE " + "{ " * 70 + "?s ?p ?o" + " }" * 70}, 400),
        ({"update": "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"}, 403),
        ({"query": "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"}, 403),
    ],
)
def test_the_protocol_dataset_and_refusals_are_the_same(
    pair: Pair, params: dict[str, str], status: int
) -> None:
    qs = urllib.parse.urlencode(params)
    remote = get(f"{pair.remote}/sparql?{qs}", JSON)
    assert remote[0] == status
    assert remote == get(f"{pair.embedded}/sparql?{qs}", JSON)


def test_a_query_the_endpoint_rejects_is_a_400_quoting_it(pair: Pair) -> None:
    remote = get(f"{pair.remote}/sparql?query=SELEC%20x")
    assert remote[0] == get(f"{pair.embedded}/sparql?query=SELEC%20x")[0] == 400
    prefix = b"the endpoint rejected the query (HTTP 400 Bad Request): error at 1:8: expected "
    assert remote[2].startswith(prefix) and remote[2].count(b"\n") == 1


def test_service_is_refused_so_no_client_makes_the_store_fetch_a_host(pair: Pair) -> None:
    """Oxigraph server runs SERVICE; a client of a public rolegraph must not make it fetch
    other hosts: the query is refused as on an embedded graph, and nothing is sent."""
    import socket

    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(1.0)
        port = listener.getsockname()[1]
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}"
        remote = _request(pair.remote, query, JSON, "POST form")
        embedded = _request(pair.embedded, query, JSON, "POST form")
        assert remote[0] == embedded[0] == 400
        assert remote[2] == embedded[2] and b"SERVICE" in remote[2]
        with pytest.raises(TimeoutError):
            listener.accept()


def test_updates_are_refused_and_the_store_is_unchanged(pair: Pair) -> None:
    update = urllib.parse.urlencode({"update": "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"})
    form = "application/x-www-form-urlencoded"
    for path, body, ctype, method in (
        ("/sparql", update.encode(), form, None),
        ("/update", update.encode(), form, None),
        (
            "/sparql",
            b"INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }",
            "application/sparql-update",
            None,
        ),
        ("/sparql", b"x", "text/plain", "PUT"),
        ("/id/role/machine-learning-engineer", b"x", "text/turtle", "DELETE"),
    ):
        answer = get(pair.remote + path, None, body, method, ctype)
        assert answer[0] == 403
        assert answer == get(pair.embedded + path, None, body, method, ctype)
    ask = urllib.parse.quote("ASK { <urn:x:a> ?p ?o }")
    assert json.loads(get(f"{pair.store}/query?query={ask}", JSON)[2])["boolean"] is False


def test_a_named_graph_of_the_store_is_served_as_the_graph(data: Path, tmp_path: Path) -> None:
    decoy = tmp_path / "decoy.nt"
    decoy.write_text(f'<{MLE}> <http://www.w3.org/2000/01/rdf-schema#label> "decoy" .\n')
    load_oxigraph(tmp_path / "db", decoy)  # in the store's default graph
    with pair_over(data, tmp_path, graph_iri="https://example.org/graph/ddat") as p:
        paths = [
            "/",
            "/id/role/machine-learning-engineer",
            "/id/role/machine-learning-engineer?format=nt",
            "/queries/role-levels?format=csv",
            "/explorer",
            "/sparql?query=" + urllib.parse.quote(COUNT),
            "/sparql?query=" + urllib.parse.quote(ORDERED),
        ]
        assert differences(p, paths) == []
        assert b"decoy" not in get(p.remote + "/id/role/machine-learning-engineer")[2]
        ask = urllib.parse.quote(f'ASK {{ <{MLE}> ?p "decoy" }}')
        assert json.loads(get(f"{p.store}/query?query={ask}", JSON)[2])["boolean"] is True


def test_an_endpoint_that_goes_down_is_a_502_and_the_server_goes_on(
    data: Path, tmp_path: Path
) -> None:
    location, port = tmp_path / "db", free_port()
    load_oxigraph(location, data)
    ask = "/sparql?query=" + urllib.parse.quote("ASK { ?s a ?c }")
    with contextlib.ExitStack() as store_running:
        store = store_running.enter_context(oxigraph(location, port))
        with serving(["--endpoint", store + "/query"], tmp_path) as remote:
            before = get(remote + ask, JSON)
            assert before == (200, JSON + "; charset=utf-8", b'{"head":{},"boolean":true}')
            store_running.close()  # the endpoint goes down
            line = (
                f"cannot reach {store}/query: connection refused "
                "(is the server running on that port?)\n"
            ).encode()
            # (the home page reads the copy of the graph taken at start: still there)
            assert get(remote + "/", "text/html")[0] == 200
            for path in (
                ask,
                "/id/role/machine-learning-engineer",
                "/queries/families?format=csv",
            ):
                assert get(remote + path, JSON) == (502, "text/plain; charset=utf-8", line), path
            page = get(remote + "/queries/families", "text/html")
            assert page[0] == 502 and b"connection refused" in page[2]
            assert get(remote + "/ontology", "text/turtle")[0] == 200
            with oxigraph(location, port):  # and comes back
                assert get(remote + ask, JSON) == before


def test_a_store_that_is_down_or_wrong_at_start_is_one_line(runner: CliRunner, pair: Pair) -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    down = runner.invoke(cli, ["serve", "--endpoint", url, "--port", "0"])
    assert down.exit_code == 2
    assert down.stderr == (
        f"rolegraph: error: cannot reach {url}: connection refused "
        "(is the server running on that port?)\n"
    )
    wrong = runner.invoke(cli, ["serve", "--endpoint", pair.store + "/nothing", "--port", "0"])
    assert wrong.exit_code == 2
    assert wrong.stderr.startswith(
        f"rolegraph: error: the endpoint {pair.store}/nothing answered HTTP 404 Not Found"
    )
    assert wrong.stderr.count("\n") == 1


def test_graph_and_endpoint_are_exclusive(runner: CliRunner, data: Path) -> None:
    both = runner.invoke(cli, ["serve", "--graph", str(data), "--endpoint", "http://127.0.0.1:9/q"])
    assert both.exit_code == 2
    assert both.stderr == (
        "rolegraph: error: give either --graph (and --release) or --endpoint, not both "
        "(--endpoint serves a remote store's graph; --graph-iri picks one of its graphs)\n"
    )
    alone = runner.invoke(cli, ["serve", "--graph-iri", "https://example.org/g"])
    assert alone.exit_code == 2
    assert alone.stderr.startswith(
        "rolegraph: error: --graph-iri names a graph of a remote endpoint: give --endpoint URL too"
    )


@contextlib.contextmanager
def running(server: Server) -> Iterator[str]:
    """``server`` answering on a thread of this process; its base URL."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.url.rstrip("/")
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()


def test_answers_that_are_not_sparql_are_a_502(pair: Pair) -> None:
    page = RemoteBackend(pair.embedded + "/")  # a web page, not an endpoint
    with pytest.raises(RemoteError) as err:
        page.run("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert str(err.value).startswith(
        f"the endpoint {pair.embedded}/ answered text/html, which is not SPARQL results or RDF"
    )
    page.close()
    # The pages' view of the graph is read at start, so a server over it is refused then.
    with pytest.raises(RemoteError) as err:
        make_server(backend=RemoteBackend(pair.embedded + "/nothing"))
    assert str(err.value) == (
        f"the endpoint {pair.embedded}/nothing answered HTTP 404 Not Found: nothing at "
        "/nothing (is it the query URL? An Oxigraph server's is /query)"
    )


def test_the_answer_size_cap_stops_a_large_answer(pair: Pair) -> None:
    backend = RemoteBackend(pair.store + "/query", limits=Limits(result_bytes=4096))
    try:
        with pytest.raises(QueryLimit) as err:
            backend.run(CONSTRUCT)
        assert err.value.what == "result"
        assert backend.run("ASK { ?s ?p ?o }").data == b'{"head":{},"boolean":true}'
    finally:
        backend.close()


@pytest.fixture(scope="module")
def slow_store(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server that gives up its own queries after 5 s (so the slow ones
    below do not run on)."""
    location = tmp_path_factory.mktemp("slow") / "db"
    load_oxigraph(location, data)
    with oxigraph(location, None, "--timeout-s", "5") as store:
        yield store + "/query"


def test_a_query_past_the_time_out_is_given_up(slow_store: str) -> None:
    backend = RemoteBackend(slow_store, limits=Limits(timeout=0.5))
    try:
        with pytest.raises(QueryLimit) as err:
            backend.run(SLOW)
        assert err.value.what == "time"
        assert str(err.value).startswith(
            f"the endpoint {slow_store} did not answer within 0.5 s, and the query was given up"
        )
        with pytest.raises(QueryCancelled):
            backend.run(SLOW, cancelled=lambda: True)
        assert backend.run("ASK { ?s ?p ?o }").data == b'{"head":{},"boolean":true}'
    finally:
        backend.close()


def test_queries_past_the_slots_at_the_endpoint_are_a_503_busy(slow_store: str) -> None:
    """One query slot at the endpoint: the first slow query holds it to its time-out,
    the second takes it then and holds it while its exchange runs out, so the third,
    waiting its whole time-out, is told the server is busy; the server answers after."""
    args = ["--endpoint", slow_store, "--max-queries", "1", "--query-timeout", "2"]
    with serving(args, Path.cwd()) as base:
        url = f"{base}/sparql?query={urllib.parse.quote(SLOW)}"
        answers: dict[int, tuple[int, bytes]] = {}

        def ask(i: int) -> None:
            status, _, body = get(url, "text/csv")
            answers[i] = (status, body)

        threads = [threading.Thread(target=ask, args=(i,)) for i in range(3)]
        for thread in threads:
            thread.start()
            time.sleep(0.3)  # in this order
        for thread in threads:
            thread.join()
        assert [answers[i][0] for i in range(3)] == [503, 503, 503]
        said = [answers[i][1].decode() for i in range(3)]
        too_slow = f"the endpoint {slow_store} did not answer within 2 s"
        assert said[0].startswith(too_slow) and said[1].startswith(too_slow), said
        assert said[2] == ("every query slot stayed busy for 2 s (try again in a moment)\n"), said
        time.sleep(2.5)  # the second exchange runs out
        ask_ok = get(f"{base}/sparql?query={urllib.parse.quote('ASK {}')}", "text/csv")
        assert ask_ok[0] == 200 and ask_ok[2] == b"true"


def test_the_factory_reads_the_endpoint_from_the_environment(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ROLEGRAPH_GRAPH", raising=False)
    monkeypatch.setenv("ROLEGRAPH_ENDPOINT", pair.store + "/query")
    with running(Server(create_app(explorer=False), bind(HOST, 0))) as base:
        assert get(base + "/") == get(pair.embedded + "/")
        assert get(base + "/explorer")[0] == 404
    monkeypatch.setenv("ROLEGRAPH_GRAPH", "x.nt")
    with pytest.raises(OptionError, match="set ROLEGRAPH_GRAPH or ROLEGRAPH_ENDPOINT, not both"):
        create_app()


@pytest.mark.framework
def test_the_framework_is_served_alike_over_an_oxigraph_server(
    full_graph_file: Path, tmp_path: Path
) -> None:
    things = tuple(RG + c for c in ("Role", "RoleFamily", "Skill", "SeniorCivilServiceRole"))
    resources = resource_paths(full_graph_file, things)
    with pair_over(full_graph_file, tmp_path) as p:
        paths = [
            "/",
            "/explorer",
            "/explorer?role=Data%20scientist",
            *saved_query_paths(full_graph_file),
            *resources,
        ]
        assert len(resources) > 100
        assert differences(p, paths) == []
        remote = _request(p.remote, CONSTRUCT, "application/n-triples", "GET")
        embedded = _request(p.embedded, CONSTRUCT, "application/n-triples", "GET")
        assert sorted(remote[2].splitlines()) == sorted(embedded[2].splitlines())


def test_release_graphs_dereference_over_the_endpoint_as_they_do_embedded(
    tmp_path: Path,
) -> None:
    """A store of two releases, copied whole (N-Quads) into an Oxigraph server: each
    release's page and graph over the endpoint are those of the store served directly."""
    from rolegraph.graph.open import open_graph

    store = tmp_path / "store"
    for name in ("2025-01", "2025 Q3"):
        subprocess.run(
            [sys.executable, "-m", "rolegraph", "build", "--store", str(store), "--release", name],
            capture_output=True,
            check=True,
        )
    quads = tmp_path / "all.nq"
    import pyoxigraph as ox

    quads.write_bytes(open_graph(store).store.dump(format=ox.RdfFormat.N_QUADS) or b"")
    load_oxigraph(tmp_path / "db", quads)
    with (
        oxigraph(tmp_path / "db") as endpoint,
        serving(["--endpoint", endpoint + "/query"], tmp_path) as remote,
        serving(["--graph", str(store)], tmp_path) as embedded,
    ):
        for slug in ("2025-01", "2025-q3"):
            for fmt in ("nt", "ttl", "jsonld"):
                path = f"/release/{slug}?format={fmt}"
                there, here = get(remote + path), get(embedded + path)
                assert there[0] == here[0] == 200, path
                assert there == here, path
            page = get(remote + f"/release/{slug}", "text/html")
            assert page[0] == 200
            assert b"<li>machine-learning-engineer.yaml</li>" in page[2]
        missing = get(remote + "/release/2024-12")
        assert missing == get(embedded + "/release/2024-12")
        assert missing[0] == 404


def test_an_assessment_is_the_same_over_the_endpoint(pair: Pair) -> None:
    form = "application/x-www-form-urlencoded"
    body = urllib.parse.urlencode(
        {
            "skill:Data ethics and privacy": "working",
            "skill:Systems integration": "practitioner",
            "target": "Lead machine learning engineer",
        }
    ).encode()
    for accept in ("text/html", "application/json"):
        answers = [
            get(base + "/assess", accept, body, "POST", form)
            for base in (pair.remote, pair.embedded)
        ]
        assert answers[0] == answers[1] and answers[0][0] == 200, accept
    assert json.loads(answers[0][2])["matches"][0]["rank"] == 1
