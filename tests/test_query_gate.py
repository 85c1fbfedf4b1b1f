"""The query gate and the query bounds: no query escapes, crashes rolegraph or runs for ever.

* ``SERVICE`` is found by a tokenizer, wherever it stands: a generator puts it after every
  kind of token, against a loopback listener that must receive nothing.
* Nesting deeper than the documented limit is refused before a parser sees it.
* A query past its time-out, memory limit or result size cap is stopped (its worker
  process killed), in ``rolegraph query`` and in ``rolegraph serve``, and the server goes on
  answering; a client that goes away stops its query.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from conftest import HARDENING, free_port
from rolegraph.cli import cli
from rolegraph.errors import QueryError
from rolegraph.graph.pool import Limits, QueryLimit, QueryPool
from rolegraph.sparql.text import MAX_NESTING, gate, tokens
from test_serve import get, start

SLOW_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
BIG_SORT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"


def count(key: str, n: int = 1) -> None:
    HARDENING[key] = HARDENING.get(key, 0) + n


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = int(self.sock.getsockname()[1])
        self.hits = 0
        self._stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    try:
        yield found
    finally:
        found.close()


# -- SERVICE, wherever it stands -------------------------------------------------------

#: Every kind of token SPARQL has, as it can stand just before a SERVICE clause.
BEFORE = [
    "",
    "1",
    "1.5",
    ".5",
    "1e3",
    "-1",
    "+2",
    "'a'",
    '"a"',
    "'''a'''",
    '"""a"""',
    '"a"@en',
    '"a"^^<http://www.w3.org/2001/XMLSchema#string>',
    "<http://example.org/o>",
    "ex:o",
    ":o",
    "ex:",
    "?o",
    "$o",
    "_:b",
    "[]",
    "()",
    "true",
    "a",
    ".",
    ";",
    ",",
    "{}",
    "}",
    "{",
    ")",
    "# a comment\n",
    "# a comment\r",
    "?s ?p ?o .",
    "?s ?p 1",
    "?s ?p 'x'",
    "OPTIONAL {}",
    "UNION {}",
    "FILTER(1<2)",
    "MINUS {}",
]
SEPARATORS = ["", " ", "\n", "\t", "\r"]
SPELLINGS = ["SERVICE", "service", "SeRvIcE"]


def service_queries(port: int) -> Iterator[str]:
    """Queries that put a SERVICE clause to the listener after every kind of token."""
    targets = [
        f"<http://127.0.0.1:{port}/sparql>",
        f"SILENT <http://127.0.0.1:{port}/sparql>",
        "e:sparql",
        "?endpoint",
    ]
    prologue = f"PREFIX e: <http://127.0.0.1:{port}/> PREFIX ex: <http://example.org/> "
    bind = f"BIND(<http://127.0.0.1:{port}/sparql> AS ?endpoint) "
    for before, sep, spelling, target in itertools.product(BEFORE, SEPARATORS, SPELLINGS, targets):
        yield (
            f"{prologue}SELECT * WHERE {{ ?s ?p ?o . {bind}{before}{sep}{spelling} {target} "
            "{ ?x ?y ?z } }"
        )
        # Glued on both sides (``1SERVICE<...>{``), and through an empty prefix (``SERVICE:x``).
        yield f"{prologue}SELECT * WHERE {{ ?s ?p ?o . {before}{spelling}{target}{{?x ?y ?z}} }}"
    yield (
        f"PREFIX : <http://127.0.0.1:{port}/> SELECT * WHERE {{ ?s ?p ?o . SERVICE:sparql "
        "{ ?x ?y ?z } }"
    )


def data_store() -> ox.Store:
    """A store in which every pattern before the SERVICE clause matches, so Oxigraph gets
    as far as calling the endpoint."""
    store = ox.Store()
    s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    for o in (
        ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ox.Literal("x"),
        ox.NamedNode("http://example.org/o"),
    ):
        store.add(ox.Quad(s, p, o))
    return store


def settle(listener: Listener, before: int) -> int:
    """The listener's new connections once in-flight ones have arrived."""
    time.sleep(0.3)
    return listener.hits - before


def run_all(store: ox.Store, queries: list[str]) -> None:
    for query in queries:
        with contextlib.suppress(SyntaxError, OSError, RuntimeError, ValueError):
            list(store.query(query))  # type: ignore[arg-type]


def test_service_after_every_kind_of_token_never_reaches_the_network(
    listener: Listener,
) -> None:
    store = data_store()
    queries = list(service_queries(listener.port))
    assert len(queries) > 2000
    passed = []
    for query in queries:
        count("attacks")
        try:
            gate(query)
        except QueryError as exc:
            assert "SERVICE (federated query) is not allowed" in exc.message, query
        else:
            passed.append(query)
    # What the gate lets through, Oxigraph must not read a SERVICE clause in.
    run_all(store, passed)
    if settle(listener, 0):
        worked = []
        for query in passed:
            before = listener.hits
            run_all(store, [query])
            if settle(listener, before):
                worked.append(query)
        count("attacks that worked", len(worked))
        pytest.fail(f"{len(worked)} queries reached the listener: {worked[:3]}")
    assert len(passed) < len(queries) // 10  # almost every one is a SERVICE clause
    # The generator has teeth: without the gate, Oxigraph calls the listener.
    run_all(store, queries[:: max(1, len(queries) // 200)])
    assert settle(listener, 0) > 50


def test_service_is_found_however_it_is_written() -> None:
    refused = [
        "SELECT ?x WHERE { ?s ?p 1SERVICE <http://127.0.0.1:9911/x> { ?x ?q ?o } }",
        "SELECT * { ?s ?p 1.5e3SERVICE <http://127.0.0.1:9/x> {} }",
        "SELECT * { ?s ?p 'x'SERVICE<http://127.0.0.1:9/x>{} }",
        "PREFIX : <http://127.0.0.1:9/> SELECT * { SERVICE:x {} }",
        "SELECT * { \\u0053ERVICE <http://127.0.0.1:9/x> {} }",
        "SELECT * { ?s ?p ?o }SERVICE <http://127.0.0.1:9/x> {}",
    ]
    for query in refused:
        with pytest.raises(QueryError, match="SERVICE \\(federated query\\) is not allowed"):
            gate(query)
    allowed = [
        "SELECT ?service WHERE { ?service a <http://example.org/SERVICE> }",
        "PREFIX ex: <http://example.org/> SELECT * { ?s ex:SERVICE 'SERVICE' } # SERVICE",
        'SELECT * { ?s ?p """SERVICE <http://x/> {}""" }',
        "SELECT * { ?s <http://example.org/SERVICE> ?o }",
    ]
    for query in allowed:
        gate(query)


def test_the_tokenizer_reads_every_terminal() -> None:
    query = (
        "PREFIX ex: <http://example.org/> SELECT ?v $w WHERE { ?v ex:a.b 1.5e3, -2, .5 ; "
        '<x:y> _:b1 , """long"""@en-GB , \'x\'^^ex:t . FILTER(?v<2 && ?w>=3) } # end'
    )
    kinds = [(t.kind, t.text) for t in tokens(query) if t.kind != "ws"]
    assert ("pname", "ex:a.b") in kinds
    assert ("number", "1.5e3") in kinds and ("number", ".5") in kinds
    assert ("bnode", "_:b1") in kinds and ("lang", "@en-GB") in kinds
    assert ("string", '"""long"""') in kinds and ("comment", "# end") in kinds
    assert ("var", "$w") in kinds and ("punct", ">=") in kinds
    assert "".join(t.text for t in tokens(query)) == query  # nothing skipped


def test_service_is_refused_by_the_cli_and_the_server(
    listener: Listener, runner: CliRunner, tmp_path: Path
) -> None:
    attack = (
        f"SELECT ?x WHERE {{ ?s ?p 1SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?x ?q ?o }} }}"
    )
    result = runner.invoke(cli, ["query", "-e", attack])
    assert result.exit_code == 2
    assert result.stderr == (
        "rolegraph: error: expression: SERVICE (federated query) is not allowed (line 1, "
        "column 26): "
        "rolegraph does not fetch data from other endpoints (run the query on the remote "
        "endpoint with --endpoint instead)\n"
    )
    for base in start([], tmp_path):
        status, _, body = get(
            f"{base}/sparql?query={urllib.parse.quote(attack)}", "application/sparql-results+json"
        )
        assert status == 400 and b"SERVICE (federated query) is not allowed" in body
    assert listener.hits == 0


# -- nesting ---------------------------------------------------------------------------


def nested_groups(n: int) -> str:
    return "SELECT ?s ?p ?o WHERE " + "{" * n + " ?s ?p ?o " + "}" * n


def nested_optionals(n: int) -> str:
    return "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * n + "}" * n + " }"


def nested_parentheses(n: int) -> str:
    return "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * n + "1" + ")" * n + ") }"


def nested_collections(n: int) -> str:
    return "SELECT * WHERE { ?s ?p " + "(" * n + "1" + ")" * n + " }"


def nested_quoted_triples(n: int) -> str:
    return "SELECT * WHERE { " + "<< " * n + "?s ?p ?o" + " >> ?p ?o" * n + " }"


NESTED = {
    "20,000 quoted triples": (nested_quoted_triples(20000), 20001),
    "2,500 groups": (nested_groups(2500), 2500),
    "4,000 OPTIONALs": (nested_optionals(4000), 4001),
    "5,000 parentheses in a FILTER": (nested_parentheses(5000), 5002),
    "160 collections": (nested_collections(160), 161),
}


@pytest.mark.parametrize("label", list(NESTED))
def test_deep_nesting_is_refused_by_the_cli(label: str, runner: CliRunner, tmp_path: Path) -> None:
    text, depth = NESTED[label]
    path = tmp_path / "deep.rq"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["query", "--file", str(path)])
    assert result.exit_code == 2
    line = result.stderr.splitlines()
    assert len(line) == 1
    assert line[0].startswith(f"rolegraph: error: deep.rq: the query nests brackets {depth} deep")
    assert f"nested at most {MAX_NESTING} deep" in line[0]


def test_deep_nesting_cannot_kill_the_server(tmp_path: Path) -> None:
    for base in start([], tmp_path):
        # As a GET of 15 KB (a link a web page can make a browser follow) ...
        status, _, body = get(
            f"{base}/sparql?query={urllib.parse.quote(nested_groups(2500))}", "text/csv"
        )
        assert status == 400 and body.startswith(b"the query nests brackets 2500 deep (line 1")
        # ... and POSTed.
        for label, (text, depth) in NESTED.items():
            count("attacks")
            status, _, body = get(
                f"{base}/sparql",
                "text/csv",
                data=urllib.parse.urlencode({"query": text}).encode(),
                method="POST",
            )
            assert status == 400, label
            assert f"the query nests brackets {depth} deep".encode() in body
            # ... and the server answers the next request.
            status, _, body = get(f"{base}/sparql?query={urllib.parse.quote('ASK {}')}", "text/csv")
            assert (status, body) == (200, b"true")


def test_nesting_at_the_limit_is_answered(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", "-e", nested_groups(MAX_NESTING), "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "s,p,o"


def test_a_worker_that_overflows_its_stack_is_replaced() -> None:
    """The second line of defence: past the gate (called directly), a parser that recurses
    too deep ends one worker, never the caller, and the next query is answered."""
    from rolegraph.graph.open import open_graph

    with QueryPool(open_graph(), limits=Limits(timeout=60)) as pool:
        try:
            pool.run(nested_groups(200_000))
        except QueryLimit as exc:
            assert exc.what == "stack"
        except QueryError as exc:
            assert "invalid SPARQL" in exc.message or "query failed" in exc.message
        answer = pool.run("ASK { ?s ?p ?o }", results_format="CSV")
        assert answer.data == b"true"


# -- bounds ------------------------------------------------------------------------------


def test_a_query_past_its_time_out_is_stopped(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", "-e", SLOW_COUNT, "--timeout", "1"])
    assert result.exit_code == 2
    assert result.stderr == (
        "rolegraph: error: the query ran for more than 1 s and was stopped (add a LIMIT or a "
        "more selective pattern, or allow more time)\n"
    )


def test_a_query_past_its_memory_limit_is_stopped(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", "-e", BIG_SORT, "--max-memory", "200"])
    assert result.exit_code == 2
    assert result.stderr == (
        "rolegraph: error: the query needed more than 200 MB of memory and was stopped (add a "
        "LIMIT or a more selective pattern, or allow more memory)\n"
    )


def test_an_answer_past_the_result_cap_is_not_kept() -> None:
    from rolegraph.graph.open import open_graph

    with QueryPool(open_graph(), limits=Limits(result_bytes=1024 * 1024)) as pool:
        with pytest.raises(QueryLimit) as err:
            pool.run("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")
        assert err.value.what == "result"
        assert err.value.message == "the answer is larger than 1 MB and was not kept"
        assert pool.run("ASK {}", results_format="CSV").data == b"true"


def test_queries_run_in_workers_without_a_network() -> None:
    """Where the system allows it (Linux, root or user namespaces) the workers have no
    network at all: a second line of defence behind the gate."""
    from rolegraph.graph.open import open_graph

    with QueryPool(open_graph()) as pool:
        if not pool.isolated:
            pytest.skip("this system gives processes no network namespace of their own")
        assert pool.isolated is True


def stat_fields(pid: int | str) -> list[bytes]:
    """/proc/PID/stat's fields after the command name (Linux)."""
    return Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = stat_fields(entry.name)
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def resident(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            statm = Path(f"/proc/{pid}/statm").read_bytes()
            total += int(statm.split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return total


def serve_process(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rolegraph", "serve", "--port", str(port), *args],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if get(base + "/")[0] == 200:
                return proc, base
        except OSError:
            pass
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        time.sleep(0.1)
    proc.kill()
    pytest.fail("rolegraph serve did not start")


def test_the_server_stops_heavy_queries_and_answers_others(tmp_path: Path) -> None:
    proc, base = serve_process(tmp_path, "--query-timeout", "8")
    try:
        answers: dict[str, tuple[int, bytes]] = {}

        def ask(name: str, query: str) -> None:
            status, _, body = get(f"{base}/sparql?query={urllib.parse.quote(query)}", "text/csv")
            answers[name] = (status, body)

        heavy = [
            threading.Thread(target=ask, args=("sort", BIG_SORT)),
            threading.Thread(target=ask, args=("count", SLOW_COUNT)),
        ]
        for thread in heavy:
            thread.start()
        peak = 0
        others = []
        while any(t.is_alive() for t in heavy):
            peak = max(peak, resident([proc.pid, *descendants(proc.pid)]))
            # Pages and other queries are answered meanwhile (a worker frees up, or a
            # page needs none).
            others.append(get(base + "/")[0])
            time.sleep(0.05)
        for thread in heavy:
            thread.join()
        count("attacks", 2)
        assert answers["sort"][0] == 503
        assert b"needed more than 384 MB of memory and was stopped" in answers["sort"][1]
        assert answers["count"][0] == 503
        assert b"the query ran for more than 8 s and was stopped" in answers["count"][1]
        assert peak < 1024**3, peak
        assert others and set(others) == {200}
        status, _, body = get(f"{base}/sparql?query={urllib.parse.quote('ASK {}')}", "text/csv")
        assert (status, body) == (200, b"true")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def busy_workers(pid: int) -> set[int]:
    """The server's processes that are using the processor now."""

    def cpu(p: int) -> int:
        fields = stat_fields(p)
        return int(fields[11]) + int(fields[12])

    first = {}
    for p in descendants(pid):
        with contextlib.suppress(OSError):
            first[p] = cpu(p)
    time.sleep(0.3)
    busy = set()
    for p, before in first.items():
        with contextlib.suppress(OSError):
            if cpu(p) - before > 5:
                busy.add(p)
    return busy


def test_a_client_that_goes_away_stops_its_query(tmp_path: Path) -> None:
    proc, base = serve_process(tmp_path, "--query-timeout", "600")
    try:
        port = int(base.rsplit(":", 1)[1])
        conn = socket.create_connection(("127.0.0.1", port))
        path = f"/sparql?query={urllib.parse.quote(SLOW_COUNT)}"
        conn.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/csv\r\n\r\n".encode()
        )
        busy: set[int] = set()
        for _ in range(50):
            busy = busy_workers(proc.pid)
            if busy:
                break
        assert busy, "the query never started"
        conn.close()
        for _ in range(100):
            if not busy & set(descendants(proc.pid)):
                break
            time.sleep(0.1)
        assert not busy & set(descendants(proc.pid)), "the query went on without its client"
        status, _, body = get(f"{base}/sparql?query={urllib.parse.quote('ASK {}')}", "text/csv")
        assert (status, body) == (200, b"true")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
