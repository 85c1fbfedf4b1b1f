"""`rolegraph serve` deployed as the README shows: the ASGI app under uvicorn with several
workers and a path prefix (as behind a reverse proxy), settings from the environment;
and `rolegraph serve --host` with its warning and `--allowed-host`."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import free_port
from helpers.servers import running
from rolegraph.graph.export import write
from rolegraph.graph.open import open_graph

pytestmark = pytest.mark.server
ASK = "/sparql?query=" + urllib.parse.quote(
    "ASK { ?s a <https://w3id.org/rolegraph/ontology#Role> }"
)
PUBLIC = "data.example.org"


def fetch(url: str, host: str | None = None, accept: str = "text/html") -> tuple[int, bytes]:
    headers = {"Accept": accept, **({"Host": host} if host else {})}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_uvicorn_workers_behind_a_path_prefix(tmp_path: Path) -> None:
    graph = tmp_path / "graph.ttl"
    write(open_graph(None), graph)
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "--factory", "rolegraph.serve:create_app"]
    argv += ["--workers", "2", "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--root-path", "/rolegraph"]
    base = f"http://127.0.0.1:{port}"
    env = {"ROLEGRAPH_GRAPH": str(graph), "ROLEGRAPH_ALLOWED_HOSTS": f"{PUBLIC}, other.example"}
    with running(argv, base + "/", cwd=tmp_path, env=env) as proc:
        # Two worker processes, each with the app (and its query worker) in it.
        workers = [c for c in children(proc.pid) if "spawn_main" in _cmdline(c)]
        assert len(workers) == 2
        # The proxy strips the prefix: the app answers at / and /sparql, its links under it ...
        status, body = fetch(base + "/")
        assert status == 200 and b'href="/rolegraph/sparql"' in body
        status, body = fetch(base + ASK, accept="application/sparql-results+json")
        assert (status, json.loads(body)["boolean"]) == (200, True)
        for _ in range(6):  # whichever worker takes it
            assert fetch(base + ASK, accept="text/csv") == (200, b"true")
        # ... and the public name the proxy passes on (Host) is admitted, another is not.
        assert fetch(base + "/", host=PUBLIC)[0] == 200
        assert fetch(base + ASK, host=f"{PUBLIC}:443", accept="text/csv") == (200, b"true")
        assert fetch(base + "/", host="other.example")[0] == 200
        status, body = fetch(base + "/", host="evil.example", accept="text/plain")
        assert (status, body) == (421, b"unexpected Host header 'evil.example'\n")
        # The prefix belongs to the proxy: a request that still has it is not a route.
        assert fetch(base + "/rolegraph/sparql", accept="text/plain")[0] == 404
    assert proc.returncode is not None


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


def test_host_warns_that_the_service_is_public_and_allowed_host_admits_a_name(
    tmp_path: Path,
) -> None:
    # 127.0.0.2 is a loopback address other than 127.0.0.1: the test listens on no
    # network, and the server treats it as any other address (public).
    host, port = "127.0.0.2", free_port()
    argv = [sys.executable, "-m", "rolegraph", "serve", "--host", host, "--port", str(port)]
    argv += ["--allowed-host", PUBLIC]
    base = f"http://{host}:{port}"
    with running(argv, base + "/", cwd=tmp_path) as proc:
        assert fetch(base + "/")[0] == 200  # the address it listens on is its name
        assert fetch(base + "/", host=f"{PUBLIC}:{port}")[0] == 200
        assert fetch(base + ASK, host=PUBLIC, accept="text/csv") == (200, b"true")
        status, body = fetch(base + "/", host="evil.example", accept="text/plain")
        assert (status, body) == (421, b"unexpected Host header 'evil.example'\n")
    assert proc.stderr is not None
    lines = proc.stderr.read().decode().splitlines()
    assert lines[0] == (
        f"warning: listening on {host}: the service is public (read-only) to every "
        "machine that can reach this address"
    )
    assert [line for line in lines if "warning" in line] == [lines[0]]
    triples = len(open_graph(None))
    assert lines[1].startswith(f"Serving {triples:,} triples at {base}/ (SPARQL: {base}/sparql)")
