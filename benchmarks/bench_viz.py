"""The explorer on the full framework: size, time to write the HTML, time to draw it.

    python benchmarks/bench_viz.py [--graph GRAPH.ttl] [--runs N] [--scale K]

For each view: nodes, edges, the page's size, the time to compute the explorer
(framework view, layout) and write the HTML (median of N runs), and, in headless
Chromium (/usr/bin/chromium), the time from navigation start until vis-network has
drawn the laid-out graph (its first ``afterDrawing``; physics is off, so the first
drawing is the stable one), median of N fresh pages.

Without --graph the graph is built from the official export in ../shared/framework/.
``--scale K`` builds a framework K times as large (benchmarks/synthetic.py: K renamed
copies of every role, level and skill) to show what the --max-nodes/--max-edges caps do.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CHROMIUM, CHROMIUM_ARGS, shared_folder

ROOT = Path(__file__).resolve().parent.parent
VIEWS: list[tuple[str, dict[str, Any]]] = [
    ("framework", {}),
    ("overlap", {}),
    ("role", {"role": "Data scientist"}),
    ("skill", {"skill": "User focus"}),
]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--graph", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args()

    from rolegraph.combine.framework import load_framework
    from rolegraph.explorer.page import build_explorer, write_html
    from rolegraph.graph.build import build_graph
    from rolegraph.graph.open import open_graph

    if args.graph:
        graph = open_graph(args.graph)
        source = str(args.graph)
    else:
        folder = shared_folder() / "framework"
        roles, skills = folder / "role-content.csv", folder / "skill-descriptions.csv"
        if args.scale > 1:
            from synthetic import generate

            roles, skills = generate(args.scale, Path(tempfile.mkdtemp(prefix="bench-viz-x")))
        graph = build_graph(load_framework(roles=roles, skills=skills))
        source = f"{folder} x{args.scale}" if args.scale > 1 else str(folder)
    print(f"{source}: {len(graph)} triples; median of {args.runs} runs (min-max)")

    out = Path(tempfile.mkdtemp(prefix="bench-viz-"))
    rows = []
    for view, kw in VIEWS:
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            explorer = build_explorer(graph, view, **kw)
            path = write_html(explorer, out / f"{view}.html")
            times.append(time.perf_counter() - start)
        rows.append((view, explorer, path, times))

    drawn = draw_times([path for _, _, path, _ in rows], args.runs) if CHROMIUM.exists() else None

    print(
        f"{'view':<10} {'nodes':>6} {'edges':>6} {'left out':>9} {'HTML':>8} "
        f"{'write HTML':>22} {'drawn in Chromium':>24}"
    )
    for i, (view, explorer, path, times) in enumerate(rows):
        left = f"{len(explorer.dropped_nodes)}+{explorer.dropped_edges}"
        size = f"{path.stat().st_size / 1024:.0f} KiB"
        draw = "(no Chromium)" if drawn is None else spread(drawn[i])
        print(
            f"{view:<10} {len(explorer.nodes):>6} {len(explorer.edges):>6} {left:>9} "
            f"{size:>8} {spread(times):>22} {draw:>24}"
        )
    print("left out: nodes+edges beyond --max-nodes/--max-edges; drawn: navigation start to the")
    print("first vis-network afterDrawing (performance.now()), in a 1600x1000 headless window.")


def spread(times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return f"{statistics.median(ms):.0f} ms ({min(ms):.0f}-{max(ms):.0f})"


def draw_times(paths: list[Path], runs: int) -> list[list[float]]:
    from playwright.sync_api import sync_playwright

    result: list[list[float]] = [[] for _ in paths]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for _ in range(runs):
            for i, path in enumerate(paths):
                context = browser.new_context(viewport={"width": 1600, "height": 1000})
                context.route(
                    "**/*",
                    lambda r: (
                        r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort()
                    ),
                )
                page = context.new_page()
                page.goto(path.as_uri())
                page.wait_for_selector("html[data-ready='true']", state="attached", timeout=60_000)
                result[i].append(float(page.evaluate("() => window.rolegraph.drawnAt")) / 1000)
                context.close()
        browser.close()
    return result


if __name__ == "__main__":
    main()
