"""Large ``/sparql`` answers stream (chunked, as the query worker writes them), arrive
whole, and stop visibly at a bound part way: ``rolegraph serve`` over the bundled data,
a real server process on 127.0.0.1, read with a raw socket to see the chunks."""

from __future__ import annotations

import contextlib
import http.client
import socket
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import free_port
from helpers.servers import running
from rolegraph.graph.open import open_graph
from rolegraph.graph.pool import STREAM_AFTER, QueryPool

#: 40,000 rows (about 8 MB of CSV), ordered on every column it shows, so the answer is
#: the same bytes in every process (Oxigraph's order without ORDER BY is not)
BIG = (
    "SELECT ?a ?b ?l WHERE { ?a ?p ?o . ?b ?q ?l . "
    "FILTER(isIRI(?a) && isIRI(?b) && isLiteral(?l)) } ORDER BY ?a ?b ?l LIMIT 40000"
)
#: the Accept header of each results format, and its pyoxigraph name
FORMATS = {
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
}


@contextlib.contextmanager
def serve(*args: str, cwd: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    argv = [sys.executable, "-m", "rolegraph", "serve", "--port", str(port), *args]
    with running(argv, f"http://127.0.0.1:{port}/ontology", cwd=cwd) as proc:
        yield f"127.0.0.1:{port}", proc


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(cwd=tmp_path_factory.mktemp("stream")) as (where, _):
        yield where


def request(where: str, accept: str, query: str = BIG, method: str = "GET") -> socket.socket:
    host, port = where.split(":")
    sock = socket.create_connection((host, int(port)), timeout=60)
    path = "/sparql?query=" + urllib.parse.quote(query)
    head = f"{method} {path} HTTP/1.1\r\nHost: {where}\r\nAccept: {accept}\r\n\r\n"
    sock.sendall(head.encode())
    return sock


def ask(where: str) -> bytes:
    """A small query's answer, read whole (http.client)."""
    conn = http.client.HTTPConnection(where, timeout=30)
    conn.request("GET", "/sparql?query=ASK%20%7B%7D", headers={"Accept": "text/csv"})
    response = conn.getresponse()
    assert response.status == 200
    body = response.read()
    conn.close()
    return body


def read_chunked(sock: socket.socket) -> tuple[dict[str, str], list[bytes]]:
    """The response's headers and its chunks as sent (raises IncompleteRead if it ends
    without the final chunk)."""
    reader = sock.makefile("rb")
    status = reader.readline()
    assert status.startswith(b"HTTP/1.1 200"), status
    headers: dict[str, str] = {}
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    chunks: list[bytes] = []
    while True:
        size_line = reader.readline()
        if not size_line:
            raise http.client.IncompleteRead(b"".join(chunks))
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            reader.readline()
            return headers, chunks
        data = reader.read(size + 2)
        if len(data) < size + 2:
            raise http.client.IncompleteRead(b"".join(chunks) + data)
        chunks.append(data[:size])


@pytest.fixture(scope="module")
def local() -> Iterator[QueryPool]:
    with QueryPool(open_graph()) as pool:
        yield pool


@pytest.mark.parametrize("accept", FORMATS)
def test_a_large_answer_streams_in_chunks_and_arrives_whole(
    server: str, local: QueryPool, accept: str
) -> None:
    """The bytes the worker writes in-process (the CLI's spreadsheet-safe CSV and TSV,
    Oxigraph's JSON and XML), sent in several chunks with no Content-Length, not cut."""
    expected = local.run(BIG, results_format=FORMATS[accept], spreadsheet_safe=True).data
    assert len(expected) > 4 * STREAM_AFTER
    with request(server, accept) as sock:
        headers, chunks = read_chunked(sock)
    assert headers["transfer-encoding"] == "chunked"
    assert "content-length" not in headers and "etag" not in headers
    assert headers["content-type"] == f"{accept}; charset=utf-8"
    assert len(chunks) > 4  # a first megabyte, then pieces as they come
    assert b"".join(chunks) == expected
    if accept == "text/csv":
        assert expected.count(b"\r\n") == 40_001  # (no literal here holds a line break)


def test_a_small_answer_still_comes_whole_with_its_etag(server: str) -> None:
    conn = http.client.HTTPConnection(server, timeout=30)
    conn.request("GET", "/sparql?query=ASK%20%7B%7D", headers={"Accept": "text/csv"})
    response = conn.getresponse()
    assert response.read() == b"true"
    assert response.getheader("content-length") == "4" and response.getheader("etag")
    assert response.getheader("transfer-encoding") is None
    conn.close()


def test_an_answer_past_the_cap_part_way_is_cut_visibly_and_said_once(tmp_path: Path) -> None:
    """Past --max-result after its first megabyte has gone, the response ends without
    its final chunk (the client cannot take it for whole), the server says why in one
    line, and answers the next query."""
    with serve("--max-result", "2", cwd=tmp_path) as (where, proc):
        with request(where, "text/csv") as sock, pytest.raises(http.client.IncompleteRead) as cut:
            read_chunked(sock)
        got = len(cut.value.partial)
        assert STREAM_AFTER <= got <= 2 * 1024 * 1024
        assert ask(where) == b"true"
        proc.terminate()
        _, err = proc.communicate(timeout=15)
    lines = err.decode().splitlines()
    said = (
        "rolegraph serve: an answer to 127.0.0.1 was stopped part way (its connection is "
        "closed without the final chunk): the answer is larger than 2 MB and was not kept "
        "(add a LIMIT, or ask for fewer columns)"
    )
    assert lines.count(said) == 1
    assert not any("ASGI callable" in line or "Traceback" in line for line in lines), lines


def test_a_client_that_leaves_part_way_frees_its_query(tmp_path: Path) -> None:
    """With one query slot and a 5 s time-out, a stream left part way (and a HEAD of a
    large answer) gives its slot back: the next query is answered, not a 503 after
    waiting for it."""
    with serve("--max-queries", "1", "--query-timeout", "5", cwd=tmp_path) as (where, _):
        with request(where, "application/sparql-results+json") as sock:
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        with request(where, "text/csv", method="HEAD") as sock:
            head = sock.makefile("rb").read1(65536)
            assert head.startswith(b"HTTP/1.1 200") and head.endswith(b"\r\n\r\n")
        assert [ask(where) for _ in range(3)] == [b"true"] * 3


def test_a_small_answer_is_written_in_one_piece(server: str) -> None:
    """Head and body go out in one write (uvicorn alone writes them apart: two sends, and
    a reader's first recv often holds the head only), on one kept-alive connection."""
    host, port = server.split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        for _ in range(20):
            path = "/sparql?query=ASK%20%7B%7D"
            sock.sendall(
                f"GET {path} HTTP/1.1\r\nHost: {server}\r\nAccept: text/csv\r\n\r\n".encode()
            )
            first = sock.recv(65536)
            assert first.startswith(b"HTTP/1.1 200") and first.endswith(b"\r\n\r\ntrue"), first
