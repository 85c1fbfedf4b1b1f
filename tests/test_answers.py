"""What makes `rolegraph serve` fast keeps its answers right: the answer cache is bounded
and changes no answer, saved queries' JSON written straight from Oxigraph's JSON is the
result table's document, the query pool lends its workers to threads and coroutines
alike, and `serve --workers N` answers as one process does."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
import pytest

from conftest import free_port
from rolegraph.graph.open import open_graph
from rolegraph.graph.pool import Limits, QueryLimit, QueryPool
from rolegraph.graph.runner import LocalRunner
from rolegraph.graph.slots import Slots
from rolegraph.serve.cache import MAX_KEY, AnswerCache
from rolegraph.serve.server import make_server
from rolegraph.sparql.binding import bind_params, keep_columns
from rolegraph.sparql.catalogue import load_catalogue, with_default_prefixes
from rolegraph.sparql.results import columns_json, from_oxigraph
from test_query_gate import SLOW_COUNT
from test_serve import get

T = TypeVar("T")


def run_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on a thread of its own: a session's Playwright tests hold an event
    loop on the main thread, and ``asyncio.run`` refuses to start beside it."""
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


ASK = "/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }")
SAVED = "/queries/level-skills?level=Senior+machine+learning+engineer&format=json"


def test_the_answer_cache_keeps_recent_answers_within_its_bound() -> None:
    cache = AnswerCache(1600)  # an answer over 100 bytes (a sixteenth) is never kept
    for i in range(40):
        cache.put(("q", i), b"x" * 60, 60, 10)
        assert cache.size <= 1600
    assert len(cache) == 1600 // 70
    assert cache.get(("q", 0)) is None  # the oldest went first
    assert cache.get(("q", 39)) == b"x" * 60
    cache.get(("q", 40 - len(cache)))  # the oldest kept, used again: kept over the next
    cache.put(("q", 99), b"y" * 60, 60, 10)
    assert cache.get(("q", 40 - len(cache))) == b"x" * 60
    cache.put("big", b"z" * 101, 101, 0)
    cache.put("long text", b"z", 1, MAX_KEY + 1)
    assert cache.get("big") is None
    assert cache.get("long text") is None
    off = AnswerCache(0)
    off.put("q", b"x", 1, 1)
    assert (off.get("q"), len(off)) == (None, 0)


def test_saved_json_from_oxigraphs_json_is_the_result_tables_document() -> None:
    graph = open_graph()
    runner = LocalRunner(graph)
    for name, query in load_catalogue().items():
        text, dataset = graph.prepare(
            with_default_prefixes(query.sparql), bind_params(query, {}, runner)
        )
        data = results_json(graph.store.query(text, **dataset))
        table = keep_columns(query, from_oxigraph(graph.store.query(text, **dataset)))
        written = columns_json(data, query.columns)
        assert written is not None and json.loads(written) == json.loads(table.to_json()), name
    # Terms a table writes otherwise (an xsd:string datatype, a quoted triple), and a
    # column the answer lacks, are left to the table.
    typed = ox.Store().query(
        'SELECT ?x ?l WHERE { VALUES (?x ?l) { ("a"^^<http://www.w3.org/2001/XMLSchema#string> "b"@en) } }'
    )
    data = results_json(typed)
    assert json.loads(columns_json(data, ("l", "x")) or "") == {
        "head": {"vars": ["l", "x"]},
        "results": {
            "bindings": [
                {
                    "l": {"type": "literal", "value": "b", "xml:lang": "en"},
                    "x": {"type": "literal", "value": "a"},
                }
            ]
        },
    }
    assert columns_json(data, ("x", "missing")) is None
    triple = b'{"head":{"vars":["t"]},"results":{"bindings":[{"t":{"type":"triple","value":{}}}]}}'
    assert columns_json(triple, ()) is None


def results_json(solutions: Any) -> bytes:
    data = solutions.serialize(format=ox.QueryResultsFormat.JSON)
    assert isinstance(data, bytes)
    return data


def test_slots_are_lent_first_come_first_served_to_threads_and_coroutines() -> None:
    slots: Slots[str] = Slots(["a"])
    order: list[str] = []

    async def main() -> None:
        first = await slots.aget(1)
        waiting = threading.Thread(target=lambda: order.append("thread " + slots.get(5)))
        waiting.start()
        time.sleep(0.2)  # the thread waits first
        later = asyncio.ensure_future(slots.aget(5))
        await asyncio.sleep(0.05)
        slots.put(first)  # to the thread
        waiting.join()
        slots.put("b")  # to the coroutine
        order.append("coroutine " + await later)
        with pytest.raises(TimeoutError):
            await slots.aget(0.05)  # none free: the time-out, and nothing lost
        slots.put("a")
        assert await slots.aget(0.05) == "a"

    run_loop(main())
    assert order == ["thread a", "coroutine b"]
    with pytest.raises(TimeoutError):
        slots.get(0.05)


def test_awaited_queries_keep_their_bounds() -> None:
    async def main(pool: QueryPool) -> None:
        answers = await asyncio.gather(*(pool.run_async("ASK { ?s ?p ?o }") for _ in range(8)))
        assert {a.data for a in answers} == {b'{"head":{},"boolean":true}'}
        with pytest.raises(QueryLimit, match="ran for more than 1 s"):
            await pool.run_async(SLOW_COUNT)
        stopped = asyncio.ensure_future(pool.run_async(SLOW_COUNT, limits=Limits(timeout=60)))
        await asyncio.sleep(0.3)
        stopped.cancel()  # a server's request that ends stops its query
        with pytest.raises(asyncio.CancelledError):
            await stopped
        # Threads and coroutines share the workers.
        both = await asyncio.gather(
            asyncio.to_thread(pool.run, "ASK { ?s ?p ?o }"), pool.run_async("ASK {}")
        )
        assert [a.kind for a in both] == ["boolean", "boolean"]

    with QueryPool(open_graph(), workers=2, limits=Limits(timeout=1)) as pool:
        run_loop(main(pool))


@pytest.mark.server
@pytest.mark.parametrize("cache_mb", [0, 32])
def test_answers_are_the_same_with_the_cache_and_without(cache_mb: int) -> None:
    graph = open_graph()
    server = make_server(graph, 0, answer_cache=cache_mb)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = server.url.rstrip("/")
        first = [get(base + path, "application/sparql-results+json") for path in (ASK, SAVED)]
        again = [get(base + path, "application/sparql-results+json") for path in (ASK, SAVED)]
        assert first == again
        assert [status for status, _, _ in first] == [200, 200]
        assert json.loads(first[0][2]) == {"head": {}, "boolean": True}
        assert json.loads(first[1][2])["head"]["vars"] == ["skill", "tier", "descriptor"]
        cache = server.app.state.rolegraph.backend.cache
        assert (cache.hits, len(cache)) == ((2, 2) if cache_mb else (0, 0))
    finally:
        server.shutdown()
        time.sleep(0.5)
        server.server_close()


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "rolegraph", "serve", "--port", str(port), "--workers", "2"),
            *("--allowed-host", "graph.example.org", "--answer-cache", "0"),
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while get_or_none(base + ASK) is None:
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(
                f"serve --workers 2 did not start: {proc.stderr.read() if proc.stderr else ''!r}"
            )
        time.sleep(0.2)
    try:
        yield proc, base
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def get_or_none(url: str) -> int | None:
    try:
        return get(url)[0]
    except OSError:
        return None


@pytest.mark.server
def test_serve_with_two_web_workers_answers_as_one_does(
    two_workers: tuple[subprocess.Popen[bytes], str],
) -> None:
    proc, base = two_workers
    answers = {get(base + path, "text/csv") for path in (ASK, ASK, ASK, ASK)}
    assert answers == {(200, "text/csv; charset=utf-8", b"true")}
    status, ctype, body = get(base + SAVED)
    assert (status, ctype) == (200, "application/sparql-results+json; charset=utf-8")
    assert len(json.loads(body)["results"]["bindings"]) == 6
    # The settings reach every worker: the public name given is answered, another is not.
    request = urllib.request.Request(base + ASK, headers={"Host": "graph.example.org"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        assert reply.status == 200
    request = urllib.request.Request(base + ASK, headers={"Host": "elsewhere.example.org"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 421
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert get_or_none(base + ASK) is None
