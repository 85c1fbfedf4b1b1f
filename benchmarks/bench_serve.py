"""`rolegraph serve` against Oxigraph's own server on the same data and queries, with wrk.

    python benchmarks/bench_serve.py [--duration S] [--connections 1,4,16] [--workers N]
                                     [--max-queries N] [--answer-cache MB] [--threads N]
                                     [--graph FILE]

The graph is built from ../shared/framework/ (the bundled data when it is missing) and
written as Turtle; `oxigraph serve` (from the PyPI ``oxigraph`` package) holds it in
memory, loaded through its Graph Store Protocol, as `rolegraph serve --graph FILE` holds
the same file, both on 127.0.0.1 (Oxigraph's in-memory store is also its faster one here:
on disk, after `oxigraph load`, it answers the heavier query at about half the rate). wrk (Debian's /usr/bin/wrk) drives each for ``--duration`` seconds at each
connection count, with keep-alive, GETs with the query in the URL and
``Accept: application/sparql-results+json``:

* ``/sparql``: rolegraph's ``/sparql?query=Q`` against Oxigraph's ``/query?query=Q``, for
  a light query (saved query level-skills bound to a level: 6 rows) and a heavier one
  (top-skills: aggregates over every requirement, 188 rows);
* ``saved``: rolegraph's saved-query route ``/queries/NAME?PARAM=VALUE&format=json``
  against Oxigraph's ``/query`` with the SPARQL text that route runs (the same text as
  in the ``/sparql`` rows).

Each row prints both sides' requests per second, the ratio (rolegraph / Oxigraph: the
floor is Oxigraph's server, 1.0 means as fast), both p99 latencies and their ratio
(rolegraph / Oxigraph: 1.0 means as short). Before timing, each URL is asked once by
both servers and their answers checked to hold the same number of rows. wrk, both
servers and rolegraph's query workers share the machine's cores. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import FRAMEWORK  # noqa: E402

WRK = "/usr/bin/wrk"
ACCEPT = "application/sparql-results+json"
#: (saved query, its parameters): a point query bound to a level, and a heavier one
QUERIES: tuple[tuple[str, dict[str, str]], ...] = (
    ("level-skills", {"level": "Senior machine learning engineer"}),
    ("top-skills", {}),
)
#: wrk's Lua: the Accept header, and a JSON line of its figures at the end
LUA = """
wrk.headers["Accept"] = "%s"
done = function(summary, latency, requests)
  io.write(string.format(
    "WRK-JSON {\\"requests\\": %%d, \\"seconds\\": %%f, \\"errors\\": %%d, \\"p50\\": %%d, \\"p99\\": %%d}\\n",
    summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def oxigraph_executable() -> str | None:
    """The `oxigraph` server of the PyPI package (beside this Python), or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return str(beside)
    return shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build(work: Path, graph_file: Path | None) -> tuple[Path, str]:
    """The graph as a Turtle file in ``work``, and where it came from."""
    from rolegraph.combine.framework import load_framework
    from rolegraph.graph.build import build_graph
    from rolegraph.graph.export import write
    from rolegraph.graph.open import open_graph

    if graph_file is not None:
        return graph_file, str(graph_file)
    roles, skills = FRAMEWORK / "role-content.csv", FRAMEWORK / "skill-descriptions.csv"
    if roles.exists() and skills.exists():
        graph, source = build_graph(load_framework(roles=roles, skills=skills)), str(FRAMEWORK)
    else:
        graph, source = open_graph(None), "the bundled data"
    path = work / "framework.ttl"
    write(graph, path)
    return path, source


def bound_sparql(graph_file: Path, name: str, params: dict[str, str]) -> str:
    """The SPARQL text the saved-query route runs for ``name`` with ``params``."""
    from rolegraph.graph.open import open_graph
    from rolegraph.graph.runner import LocalRunner
    from rolegraph.sparql.binding import bind_params, bind_values
    from rolegraph.sparql.catalogue import load_catalogue, with_default_prefixes

    query = load_catalogue()[name]
    runner = LocalRunner(open_graph(graph_file))
    return bind_values(with_default_prefixes(query.sparql), bind_params(query, params, runner))


def wait_ready(url: str, proc: subprocess.Popen[bytes], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                reply.read()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise SystemExit(f"{what} did not start: {err.strip()}") from None
            time.sleep(0.1)


@contextmanager
def running(args: list[str], ready: str, what: str) -> Iterator[None]:
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_ready(ready, proc, what)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def oxigraph_server(exe: str, graph_file: Path) -> Iterator[str]:
    """`oxigraph serve` in memory (as `rolegraph serve --graph FILE` holds the graph),
    loaded with ``graph_file`` through its Graph Store Protocol; its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running(
        [exe, "serve", "--bind", f"127.0.0.1:{port}"],
        f"{base}/query?query=ASK%7B%7D",
        "oxigraph serve",
    ):
        load = urllib.request.Request(
            f"{base}/store?default",
            data=graph_file.read_bytes(),
            headers={"Content-Type": "text/turtle"},
            method="POST",
        )
        with urllib.request.urlopen(load, timeout=120) as reply:
            reply.read()
        yield base


@contextmanager
def rolegraph_server(graph_file: Path, extra: list[str]) -> Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-m", "rolegraph", "serve", "--graph", str(graph_file)]
    with running(
        [*args, "--port", str(port), *extra], f"{base}/sparql?query=ASK%7B%7D", "rolegraph serve"
    ):
        yield base


def rows(url: str) -> int:
    """How many rows the SPARQL JSON answer at ``url`` has."""
    request = urllib.request.Request(url, headers={"Accept": ACCEPT})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return len(json.loads(reply.read())["results"]["bindings"])


@dataclass(frozen=True)
class Run:
    rate: float  # requests per second
    p99: float  # seconds
    errors: int


def wrk(url: str, connections: int, duration: float, threads: int, script: Path) -> Run:
    seconds = max(1, round(duration))
    proc = subprocess.run(
        [
            WRK,
            f"-t{min(threads, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("WRK-JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed on {url}: {proc.stderr.strip() or proc.stdout.strip()}")
    got = json.loads(line.removeprefix("WRK-JSON "))
    return Run(got["requests"] / got["seconds"], got["p99"] / 1e6, got["errors"])


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"


HEADER = (
    f"{'route':<8} {'query':<14} {'conns':>5} {'req/s (rolegraph)':>17} {'req/s (oxigraph)':>16} "
    f"{'ratio':>6} {'p99 (rolegraph)':>15} {'p99 (oxigraph)':>14} {'p99 ratio':>9}"
)


def row(route: str, query: str, connections: int, ours: Run, theirs: Run) -> str:
    ratio = ours.rate / max(theirs.rate, 1e-9)
    p99_ratio = ours.p99 / max(theirs.p99, 1e-9)
    note = f"  ({ours.errors} / {theirs.errors} errors)" if ours.errors or theirs.errors else ""
    return (
        f"{route:<8} {query:<14} {connections:>5} {ours.rate:>17.0f} {theirs.rate:>16.0f} "
        f"{ratio:>5.2f}x {ms(ours.p99):>15} {ms(theirs.p99):>14} {p99_ratio:>8.2f}x{note}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per wrk run (3)")
    parser.add_argument("--connections", default="1,4,16", help="connection counts (1,4,16)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1)")
    parser.add_argument("--workers", type=int, help="rolegraph serve --workers N")
    parser.add_argument("--max-queries", type=int, help="rolegraph serve --max-queries N")
    parser.add_argument(
        "--answer-cache", type=int, metavar="MB", help="rolegraph serve --answer-cache MB"
    )
    parser.add_argument("--graph", type=Path, help="serve this graph file instead")
    parser.add_argument(
        "--work", type=Path, help="a folder for the data (default: a temporary one)"
    )
    args = parser.parse_args(argv)
    exe = oxigraph_executable()
    if exe is None:
        raise SystemExit("the oxigraph server is not installed (pip install oxigraph)")
    if not Path(WRK).exists():
        raise SystemExit(f"wrk is not installed at {WRK} (apt-get install wrk)")
    connections = [int(c) for c in args.connections.split(",")]
    extra = []
    if args.workers:
        extra += ["--workers", str(args.workers)]
    if args.max_queries:
        extra += ["--max-queries", str(args.max_queries)]
    if args.answer_cache is not None:
        extra += ["--answer-cache", str(args.answer_cache)]
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        graph_file, source = build(work, args.graph)
        script = work / "accept.lua"
        script.write_text(LUA % ACCEPT, encoding="utf-8")
        cases = []
        for name, params in QUERIES:
            text = urllib.parse.quote(bound_sparql(graph_file, name, params), safe="")
            saved = urllib.parse.urlencode({**params, "format": "json"})
            cases.append((name, f"/query?query={text}", f"/sparql?query={text}", "/sparql"))
            cases.append((name, f"/query?query={text}", f"/queries/{name}?{saved}", "saved"))
        print(
            f"data: {source} ({graph_file.stat().st_size:,} bytes of Turtle); wrk {args.duration:g} s "
            f"a run, {args.threads} thread(s); rolegraph serve {' '.join(extra) or '(defaults)'}; "
            f"{os.cpu_count()} cores shared by wrk and both servers",
            flush=True,
        )
        with oxigraph_server(exe, graph_file) as ox, rolegraph_server(graph_file, extra) as rg:
            for name, theirs, ours, _ in cases:
                n_ours, n_theirs = rows(rg + ours), rows(ox + theirs)
                if n_ours != n_theirs:
                    raise SystemExit(f"{name}: rolegraph gives {n_ours} rows, Oxigraph {n_theirs}")
            floor: dict[tuple[str, int], Run] = {}
            print(HEADER, flush=True)
            for name, theirs, ours, route in cases:
                for c in connections:
                    if (name, c) not in floor:
                        floor[name, c] = wrk(ox + theirs, c, args.duration, args.threads, script)
                    mine = wrk(rg + ours, c, args.duration, args.threads, script)
                    print(row(route, name, c, mine, floor[name, c]), flush=True)
        print(
            "ratio: rolegraph / Oxigraph server (the floor) req/s; p99 ratio: rolegraph / Oxigraph"
        )


if __name__ == "__main__":
    main()
