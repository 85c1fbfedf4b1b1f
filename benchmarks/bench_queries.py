"""Every saved query on the full framework: rolegraph's time next to raw pyoxigraph's.

    python benchmarks/bench_queries.py [GRAPH.ttl] [--runs N]

rolegraph's time is a whole `run_query` with a fresh runner (parameter names resolved
to IRIs, the query run, the table built); the raw time is the same SPARQL with the
same parameters bound the same way on the same pyoxigraph store, results read into
Python lists.
Without GRAPH, the graph is built from ../shared/framework/.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import FRAMEWORK


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("graph", nargs="?", type=Path)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    from rolegraph.combine.framework import load_framework
    from rolegraph.graph.build import build_graph
    from rolegraph.graph.open import open_graph
    from rolegraph.graph.runner import LocalRunner
    from rolegraph.sparql.binding import bind_params, bind_values, run_query
    from rolegraph.sparql.catalogue import load_catalogue

    if args.graph:
        graph = open_graph(args.graph)
    else:
        graph = build_graph(
            load_framework(
                roles=FRAMEWORK / "role-content.csv", skills=FRAMEWORK / "skill-descriptions.csv"
            )
        )
    store = graph.store
    print(f"{len(graph)} triples; median of {args.runs} runs (min-max)")
    print(f"{'query':<28} {'rows':>5} {'rolegraph':>22} {'raw pyoxigraph':>22} {'ratio':>6}")
    for name, q in load_catalogue().items():
        # The raw run: the same SPARQL, parameters bound the same way, straight on pyoxigraph.
        text = bind_values(q.sparql, bind_params(q, {}, LocalRunner(graph)))

        def ours(q: Any = q) -> int:
            return len(run_query(q, {}, LocalRunner(graph)))

        def raw(text: str = text) -> int:
            solutions: Any = store.query(text, use_default_graph_as_union=True)
            names = [v.value for v in solutions.variables]
            return len([[s[n] for n in names] for s in solutions])

        ours_t, raw_t = [], []
        rows = 0
        for _ in range(args.runs):
            t = time.perf_counter()
            rows = ours()
            ours_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            raw()
            raw_t.append(time.perf_counter() - t)

        def fmt(ts: list[float]) -> str:
            return (
                f"{statistics.median(ts) * 1000:6.1f}ms ({min(ts) * 1000:.1f}-{max(ts) * 1000:.1f})"
            )

        ratio = statistics.median(ours_t) / statistics.median(raw_t)
        print(f"{name:<28} {rows:>5} {fmt(ours_t):>22} {fmt(raw_t):>22} {ratio:>5.2f}x")


if __name__ == "__main__":
    main()
