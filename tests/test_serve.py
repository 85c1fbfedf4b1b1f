"""`rolegraph serve`: a real server process on 127.0.0.1, queried over HTTP."""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib
import rdflib.compare

from conftest import free_port
from helpers.servers import serving
from rolegraph.graph.runner import LocalRunner
from rolegraph.sparql.binding import run_query
from rolegraph.sparql.catalogue import load_catalogue
from rolegraph.sparql.remote import RemoteRunner

pytestmark = pytest.mark.server
MLE = "https://w3id.org/rolegraph/id/role/machine-learning-engineer"


def start(args: list[str], cwd: Path) -> Iterator[str]:
    """``rolegraph serve ARGS`` for a fixture to yield from; its base URL."""
    with serving(args, cwd) as base:
        yield base


@pytest.fixture(scope="module")
def bundled_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from start([], tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="module")
def full_server(full_graph_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from start(["--graph", str(full_graph_file)], tmp_path_factory.mktemp("serve-full"))


def get(
    url: str, accept: str | None = None, data: bytes | None = None, method: str | None = None
) -> tuple[int, str, bytes]:
    req = urllib.request.Request(
        url, data=data, method=method, headers={"Accept": accept} if accept else {}
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


@pytest.mark.framework
def test_every_saved_query_gives_the_local_result_through_sparqlwrapper(
    full_server: str, full_build: Any
) -> None:
    remote = RemoteRunner(full_server + "/sparql")
    local = LocalRunner(full_build[2])
    for name, q in load_catalogue().items():
        assert run_query(q, {}, remote).rows == run_query(q, {}, local).rows, name


def test_updates_are_refused(bundled_server: str) -> None:
    update = "INSERT DATA { <http://ex/a> <http://ex/b> <http://ex/c> }"
    for url, body, ctype in (
        (
            bundled_server + "/sparql",
            urllib.parse.urlencode({"update": update}).encode(),
            "application/x-www-form-urlencoded",
        ),
        (
            bundled_server + "/update",
            urllib.parse.urlencode({"update": update}).encode(),
            "application/x-www-form-urlencoded",
        ),
        (bundled_server + "/sparql", update.encode(), "application/sparql-update"),
    ):
        req = urllib.request.Request(url, data=body, headers={"Content-Type": ctype})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=10)
        assert err.value.code == 403
        assert b"read-only" in err.value.read()
    assert get(bundled_server + "/sparql", method="PUT", data=b"x")[0] == 403
    # Nothing changed.
    q = urllib.parse.quote("ASK { <http://ex/a> ?p ?o }")
    status, _, body = get(f"{bundled_server}/sparql?query={q}", "application/sparql-results+json")
    assert status == 200 and json.loads(body)["boolean"] is False


def test_sparqlwrapper_update_is_refused(bundled_server: str) -> None:
    from SPARQLWrapper import POST, SPARQLWrapper

    w = SPARQLWrapper(bundled_server + "/sparql", updateEndpoint=bundled_server + "/update")
    w.setMethod(POST)
    w.setQuery("DELETE WHERE { ?s ?p ?o }")
    with pytest.raises(Exception, match=r"403|Forbidden|read-only"):
        w.query()


def test_resource_in_turtle_jsonld_and_html(bundled_server: str) -> None:
    url = bundled_server + "/id/role/machine-learning-engineer"
    status, ctype, body = get(url, "text/turtle")
    assert status == 200 and ctype.startswith("text/turtle")
    g = rdflib.Graph().parse(data=body, format="turtle")
    assert (
        rdflib.URIRef(MLE),
        rdflib.RDFS.label,
        rdflib.Literal("Machine learning engineer", lang="en"),
    ) in g
    status, ctype, body = get(url, "application/ld+json")
    assert status == 200 and ctype.startswith("application/ld+json")
    j = rdflib.Graph().parse(data=body, format="json-ld")
    assert set(j) == set(g)
    status, ctype, body = get(url, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
    assert status == 200 and ctype.startswith("text/html")
    page = body.decode()
    assert "<h1>Machine learning engineer</h1>" in page
    assert 'href="/id/family/data"' in page
    assert get(url + "?format=ttl")[1].startswith("text/turtle")
    assert get(url + "?format=nt")[1].startswith("application/n-triples")
    status, _, body = get(url + "?format=pdf")
    assert status == 400 and b"unknown format 'pdf': use one of html, json, jsonld" in body
    assert get(bundled_server + "/id/role/nobody", "text/turtle")[0] == 404


def test_construct_and_select_negotiation(bundled_server: str) -> None:
    q = urllib.parse.quote("CONSTRUCT WHERE { ?s a <https://w3id.org/rolegraph/ontology#Role> }")
    status, ctype, body = get(f"{bundled_server}/sparql?query={q}", "application/n-triples")
    assert status == 200 and ctype.startswith("application/n-triples")
    assert len(body.decode().strip().splitlines()) == 6
    q = urllib.parse.quote(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/rolegraph/ontology#SkillRequirement> }"
    )
    status, ctype, body = get(f"{bundled_server}/sparql?query={q}", "text/csv")
    assert (status, body) == (200, b"n\r\n12\r\n")
    # A browser gets a page with the query and its answer; */* gets SPARQL JSON.
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    status, ctype, body = get(f"{bundled_server}/sparql?query={q}", browser)
    page = body.decode()
    assert status == 200 and ctype.startswith("text/html")
    assert "<th>n</th>" in page and "<td>12" in page and "SkillRequirement" in page
    status, ctype, _ = get(f"{bundled_server}/sparql?query={q}", "*/*")
    assert ctype.startswith("application/sparql-results+json")
    ask = urllib.parse.quote("ASK { ?s a <https://w3id.org/rolegraph/ontology#Role> }")
    assert (
        "Answer: <strong>yes</strong>"
        in get(f"{bundled_server}/sparql?query={ask}", browser)[2].decode()
    )
    bad = urllib.parse.quote("SELECT ?x WHERE { ?x")
    status, _, body = get(f"{bundled_server}/sparql?query={bad}", "application/sparql-results+json")
    assert status == 400 and b"invalid SPARQL" in body


def test_saved_queries_as_forms(bundled_server: str) -> None:
    status, _, body = get(bundled_server + "/queries")
    assert status == 200 and b'href="/queries/level-changes"' in body
    status, _, body = get(
        bundled_server + "/queries/level-skills?run=1&level=lead+machine+learning+engineer"
    )
    page = body.decode()
    assert status == 200
    assert '<input id="level" name="level" value="lead machine learning engineer"' in page
    assert page.count("<td>expert</td>") == 4
    status, ctype, body = get(
        bundled_server
        + "/queries/level-skills?run=1&level=Senior+machine+learning+engineer&format=csv"
    )
    assert ctype.startswith("text/csv") and body.decode().count("practitioner") == 6
    status, _, body = get(bundled_server + "/queries/level-skills?run=1&level=nobody")
    page = body.decode()
    assert status == 404 and "no level named &#x27;nobody&#x27;" in page
    # The error is shown in the form, with the value to correct.
    assert '<input id="level" name="level" value="nobody"' in page
    assert page.index('role="alert"') > page.index("<form")
    status, _, body = get(bundled_server + "/queries/families?format=xlsx")
    assert status == 400 and b"unknown format 'xlsx': use html, csv, json, tsv" in body
    assert get(bundled_server + "/queries/..%2F..%2Fetc%2Fpasswd")[0] == 404


def test_pages_escape_data_and_load_nothing_else(bundled_server: str) -> None:
    q = urllib.parse.quote("<script>alert(1)</script>")
    status, ctype, body = get(f"{bundled_server}/queries/level-skills?run=1&level={q}", "text/html")
    assert status == 404 and ctype.startswith("text/html")
    assert b"<script>" not in body and b"&lt;script&gt;alert(1)&lt;/script&gt;" in body
    # An error that is not a form's is plain text (served with nosniff), escaped or not.
    status, ctype, body = get(f"{bundled_server}/id/{q}")
    assert status == 400 and ctype.startswith("text/plain"), body
    for path in ("/", "/queries", "/queries/role-pairs", "/id/role/machine-learning-engineer"):
        page = get(bundled_server + path)[2].decode()
        assert "<script" not in page and "<link" not in page and "src=" not in page, path


def test_ontology_and_context_are_published(bundled_server: str) -> None:
    from rolegraph.model import paths

    status, ctype, body = get(bundled_server + "/ontology/context.jsonld")
    assert status == 200 and ctype.startswith("application/ld+json")
    assert body == paths.context_file().read_bytes()
    status, _, body = get(bundled_server + "/ontology")
    assert status == 200 and b"owl:versionIRI" in body
    assert body == paths.ontology_file().read_bytes()  # */* gets the Turtle as published
    # The same ontology as JSON-LD and N-Triples, and as a page of its terms.
    turtle = rdflib.Graph().parse(data=body, format="turtle")
    status, ctype, body = get(bundled_server + "/ontology", "application/ld+json")
    assert status == 200 and ctype.startswith("application/ld+json")
    assert rdflib.compare.isomorphic(rdflib.Graph().parse(data=body, format="json-ld"), turtle)
    status, ctype, body = get(bundled_server + "/ontology", "application/n-triples")
    assert rdflib.compare.isomorphic(rdflib.Graph().parse(data=body, format="nt"), turtle)
    status, ctype, body = get(bundled_server + "/ontology", "text/html,*/*;q=0.8")
    page = body.decode()
    assert status == 200 and ctype.startswith("text/html")
    assert (
        '<tr id="SkillRequirement"><td><code>rg:SkillRequirement</code></td><td>class</td>' in page
    )
    assert "<td>property</td>" in page


def test_binds_to_loopback_only(bundled_server: str) -> None:
    assert bundled_server.startswith("http://127.0.0.1:")


def test_port_in_use_is_a_clear_error(bundled_server: str, runner: Any) -> None:
    from rolegraph.cli import cli

    port = bundled_server.rsplit(":", 1)[1]
    result = runner.invoke(cli, ["serve", "--port", port])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_explorer_is_served(bundled_server: str) -> None:
    status, ctype, body = get(bundled_server + "/explorer", "text/html")
    assert status == 200 and ctype.startswith("text/html")
    page = body.decode()
    assert "vis-network" in page or "vis.Network" in page
    assert "Data scientist" in page
    assert 'src="http' not in page and 'href="http' not in page


def test_resource_pages_link_to_their_explorer_view(bundled_server: str) -> None:
    links = {
        "/id/role/machine-learning-engineer": "/explorer?role=Machine+learning+engineer",
        "/id/level/machine-learning-engineer--senior-machine-learning-engineer": (
            "/explorer?role=Machine+learning+engineer"
        ),
        "/id/skill/systems-integration": "/explorer?skill=Systems+integration",
    }
    for path, link in links.items():
        status, _, body = get(bundled_server + path, "text/html")
        assert status == 200, path
        assert f'<a href="{link}">' in body.decode(), path
        status, ctype, view = get(bundled_server + link, "text/html")
        assert status == 200 and ctype.startswith("text/html"), link
        assert "vis-network" in view.decode() or "vis.Network" in view.decode()
    # The role view holds the role's levels; the skill view the levels that need it.
    role_view = get(bundled_server + links["/id/role/machine-learning-engineer"])[2].decode()
    assert "Lead machine learning engineer" in role_view
    status, _, body = get(bundled_server + "/explorer?role=Nobody", "text/plain")
    assert status == 404 and b"no role named 'Nobody'" in body
    status, _, _ = get(bundled_server + "/explorer?role=A&skill=B", "text/plain")
    assert status == 400


def test_service_is_refused_however_it_is_hidden(bundled_server: str) -> None:
    for query in (
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
        "SELECT * WHERE { # comment\rSERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
        "select * where { service silent <http://127.0.0.1:9/x> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o .SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c } }",
        "SELECT * WHERE { ?s ?p ?o}SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c }",
        "SELECT * WHERE { { ?s ?p ?o } UNION{}SERVICE<http://127.0.0.1:9/x>{ ?a ?b ?c } }",
    ):
        q = urllib.parse.quote(query)
        status, _, body = get(
            f"{bundled_server}/sparql?query={q}", "application/sparql-results+json"
        )
        assert status == 400, query
        assert b"SERVICE (federated query) is not allowed" in body


def test_malformed_requests_get_an_answer(bundled_server: str) -> None:
    assert get(bundled_server + "/id/a%20b", "text/turtle")[0] == 400
    req = urllib.request.Request(
        bundled_server + "/sparql",
        data=b"query=ASK{}",
        method="POST",
        headers={"Content-Length": "abc", "Content-Type": "application/x-www-form-urlencoded"},
    )
    import http.client

    host, port = bundled_server.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest("POST", "/sparql")
    conn.putheader("Content-Length", "-5")
    conn.endheaders()
    assert conn.getresponse().status == 400
    conn.close()
    del req


def test_requests_for_another_host_are_refused(bundled_server: str) -> None:
    req = urllib.request.Request(bundled_server + "/", headers={"Host": "evil.example:80"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 421


def test_a_failed_request_is_one_line_and_a_hang_up_is_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from rolegraph.serve.web import report

    for exc in (BrokenPipeError(32, "Broken pipe"), ValueError("odd")):
        report(exc, "127.0.0.1")
    assert capsys.readouterr().err == (
        "rolegraph serve: request from 127.0.0.1 failed: ValueError: odd\n"
    )


def test_accept_follows_quality_and_specificity(bundled_server: str) -> None:
    """RFC 9110: the most specific range sets an offered type's quality; q=0 refuses it."""
    from rolegraph.serve.negotiation import accepts

    offered = ["text/turtle", "application/ld+json", "text/html"]
    assert accepts("*/*, text/html;q=0", offered) == "text/turtle"
    assert accepts("text/*;q=0.9, text/html;q=0.1", offered) == "text/turtle"
    assert accepts("application/ld+json;q=0, */*;q=0.5", offered) == "text/turtle"
    assert accepts("text/turtle;q=0, */*;q=0.5", offered) == "application/ld+json"
    assert accepts("text/html;q=0.2, application/ld+json;q=0.3", offered) == "application/ld+json"
    assert accepts("image/png", offered) is None
    # A type range is more specific than */*: it can lower or refuse its types.
    assert accepts("application/*;q=0, */*", offered) == "text/turtle"
    assert accepts("text/*;q=0.1, */*;q=1", offered) == "application/ld+json"
    assert accepts(None, offered) == "text/turtle"
    # Over HTTP: a client that refuses HTML gets Turtle for a resource.
    url = bundled_server + "/id/role/machine-learning-engineer"
    status, ctype, _ = get(url, "*/*, text/html;q=0")
    assert status == 200 and ctype.startswith("text/turtle")


def test_from_clause_picks_the_dataset(bundled_server: str) -> None:
    """A query's FROM is honoured (an empty graph gives nothing); default-graph-uri
    overrides it, as the protocol says."""
    role = "<https://w3id.org/rolegraph/ontology#Role>"
    q = f"SELECT (COUNT(*) AS ?n) FROM <urn:x-rolegraph:nothing> WHERE {{ ?s a {role} }}"
    status, _, body = get(f"{bundled_server}/sparql?query={urllib.parse.quote(q)}", "text/csv")
    assert (status, body) == (200, b"n\r\n0\r\n")
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a {role} }}"
    status, _, body = get(f"{bundled_server}/sparql?query={urllib.parse.quote(q)}", "text/csv")
    assert (status, body) == (200, b"n\r\n6\r\n")
    # ?from is a variable, not a dataset clause.
    q = f"SELECT (COUNT(?from) AS ?n) WHERE {{ ?from a {role} }}"
    status, _, body = get(f"{bundled_server}/sparql?query={urllib.parse.quote(q)}", "text/csv")
    assert (status, body) == (200, b"n\r\n6\r\n")
    status, _, body = get(
        f"{bundled_server}/sparql?query={urllib.parse.quote(q)}&default-graph-uri=urn:x:none",
        "text/csv",
    )
    assert (status, body) == (200, b"n\r\n0\r\n")


def test_an_update_sent_as_a_query_is_refused(bundled_server: str) -> None:
    update = "PREFIX ex: <http://ex/> INSERT DATA { ex:a ex:b ex:c }"
    status, _, body = get(f"{bundled_server}/sparql?query={urllib.parse.quote(update)}")
    assert status == 403 and b"updates are refused" in body


def test_construct_in_a_browser_is_a_table(bundled_server: str) -> None:
    q = urllib.parse.quote("CONSTRUCT WHERE { ?s a <https://w3id.org/rolegraph/ontology#Role> }")
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    status, ctype, body = get(f"{bundled_server}/sparql?query={q}", browser)
    page = body.decode()
    assert status == 200 and ctype.startswith("text/html")
    assert "<th>subject</th><th>predicate</th><th>object</th>" in page
    assert page.count('href="/id/role/') == 6


def test_saved_query_formats_run_and_empty_fields_take_defaults(bundled_server: str) -> None:
    # A format other than the page runs the query (no run=1 needed).
    status, ctype, body = get(
        bundled_server + "/queries/level-skills?level=Senior+machine+learning+engineer&format=csv"
    )
    assert status == 200 and ctype.startswith("text/csv")
    assert body.decode().count("practitioner") == 6
    # An empty field is a value not given: the parameter's default.
    status, _, body = get(bundled_server + "/queries/level-skills?run=1&level=", "text/html")
    page = body.decode()
    assert status == 200 and "no level named" not in page
    assert '<input id="level" name="level" value="Senior machine learning engineer"' in page
    assert page.count("<td>practitioner</td>") == 6
    # A parameter given twice is refused, not half-read.
    status, _, body = get(bundled_server + "/queries/families?format=csv&format=json")
    assert status == 400 and b"format given more than once" in body
    # An unknown query name: a 404 naming the nearest queries and where they are listed.
    status, _, body = get(bundled_server + "/queries/level-skils")
    assert status == 404
    assert b"no saved query named 'level-skils' (did you mean level-skills" in body
    assert b"/queries lists them" in body


def test_a_refused_results_type_is_not_served_under_another_name(bundled_server: str) -> None:
    q = urllib.parse.quote("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")
    for accept in (
        "application/sparql-results+json;q=0, */*",
        "application/sparql-results+json;q=0, application/json",
    ):
        status, ctype, _ = get(f"{bundled_server}/sparql?query={q}", accept)
        assert status == 200 and not ctype.startswith("application/sparql-results+json"), ctype


def test_ctrl_c_stops_the_server_while_a_query_runs(tmp_path: Path) -> None:
    """Oxigraph cannot cancel a query; the server must not wait for it to finish."""
    import signal
    import threading

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rolegraph", "serve", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get(base + "/")
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        slow = urllib.parse.quote(
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
        )

        def ask() -> None:
            with contextlib.suppress(OSError):  # the server goes away mid-answer
                get(f"{base}/sparql?query={slow}", "text/csv")

        threading.Thread(target=ask, daemon=True).start()
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)  # fails the test (TimeoutExpired) if the query holds it open
        assert b"Stopped." in proc.stderr.read()  # type: ignore[union-attr]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_static_serves_the_packaged_files_only(bundled_server: str) -> None:
    status, ctype, body = get(bundled_server + "/static/yasgui/yasgui.min.js")
    assert (status, ctype) == (200, "text/javascript; charset=utf-8") and b"Yasgui" in body
    assert b"sourceMappingURL" not in body  # no request for a file we do not ship
    status, ctype, body = get(bundled_server + "/static/yasgui/LICENSE")
    assert (status, ctype) == (200, "text/plain; charset=utf-8")
    assert body.startswith(b"The MIT License (MIT)")
    for path in ("/static/../web.py", "/static/%2e%2e/web.py", "/static/yasgui/nope.js"):
        status, ctype, body = get(bundled_server + path, "text/plain")
        assert status == 404 and body.startswith(b"nothing at"), path
    # The editor's page loads only these, and may connect only to this service.
    req = urllib.request.Request(bundled_server + "/sparql", headers={"Accept": "text/html"})
    with urllib.request.urlopen(req, timeout=10) as r:
        csp = r.headers["Content-Security-Policy"]
        page = r.read().decode()
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp
    assert re.findall(r'(?:src|href)="(/static/[^"]+)"', page) == [
        "/static/yasgui/yasgui.min.css",
        "/static/sparql.css",
        "/static/yasgui/LICENSE",
        "/static/yasgui/yasgui.min.js",
        "/static/sparql.js",
    ]
