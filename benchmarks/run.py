"""The benchmark suite: rolegraph at 1x, 10x and 100x the framework, each figure with
its floor and the ratio, in CPU time (the machine may be shared: CPU time does not count
other programs' turns), medians of several runs, all ratios from one run.

    python benchmarks/run.py [--sizes 1,10,100] [--runs N] [--work DIR] [--serve]

For each size (a framework made by benchmarks/synthetic.py from ../shared/framework),
in a fresh process each: build from CSV; open from the persisted store and parse
Turtle; export Turtle; every saved query (on the on-disk store, next to the same SPARQL
on raw pyoxigraph, and on the store copied into memory); the role x role overlap; the
HTML explorer; peak memory. Then, as fresh processes: `rolegraph build --store` against
a minimal CSV -> pyoxigraph loader (benchmarks/floors.py) at each size, and at 1x the
cold start (`--help` and `queries` against `python -c "import click"`, `query NAME`
on a store and on a Turtle file against a script that imports pyoxigraph, opens the
same graph and runs the same SPARQL) and `viz` against a plain pyvis page of the same
nodes and edges. Point queries' times at each size are divided by their time at the
smallest. Nothing is asserted. ``--serve`` then runs benchmarks/bench_serve.py.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import cpu_timed, process_cpu, stat  # noqa: E402

#: the saved queries whose answer has the same few rows at any size
POINT_QUERIES = (
    "level-skills",
    "level-changes",
    "role-levels",
    "shared-skills",
    "skill-ladder",
    "roles-needing-skill",
)
FLOORS = HERE / "floors.py"


def worker(size: int, work: Path, runs: int) -> dict[str, Any]:
    """Everything measured for one size, in this process."""
    from synthetic import generate

    from rolegraph.analysis.view import framework_view, role_pairs
    from rolegraph.combine.framework import load_framework
    from rolegraph.graph.build import build_graph
    from rolegraph.graph.export import serialize
    from rolegraph.graph.open import open_graph
    from rolegraph.graph.runner import LocalRunner
    from rolegraph.model.report import ImportReport
    from rolegraph.sparql.binding import bind_params, bind_values, run_query
    from rolegraph.sparql.catalogue import load_catalogue, with_default_prefixes

    folder = work / f"x{size}"
    roles, skills = folder / "role-content.csv", folder / "skill-descriptions.csv"
    if not fresh_inputs(folder, size):
        generate(size, folder)
        stamp(folder, size)
    out: dict[str, Any] = {"size": size, "steps": {}, "queries": {}}
    steps = out["steps"]
    heavy = max(1, runs // (3 if size >= 100 else 1))

    t, graph = cpu_timed(
        lambda: build_graph(load_framework(roles=roles, skills=skills, report=ImportReport())),
        heavy,
    )
    steps["build from CSV"] = stat(t)
    out["triples"] = len(graph)
    ttl = folder / "framework.ttl"
    t, data = cpu_timed(lambda: serialize(graph), heavy)
    steps["export Turtle"] = stat(t)
    ttl.write_bytes(data)
    store_dir = folder / "store"
    # A store left by an earlier run is kept only if it holds exactly this graph.
    if store_dir.exists() and len(open_graph(store_dir)) != len(graph):
        shutil.rmtree(store_dir)
    if not store_dir.exists():
        graph.save_store(store_dir)
    t, _ = cpu_timed(lambda: open_graph(ttl), heavy)
    steps["load: parse Turtle"] = stat(t)
    t, stored = cpu_timed(lambda: len(open_graph(store_dir)), heavy)
    steps["load: open persisted store"] = stat(t)

    runner_graph = open_graph(store_dir)
    t, memory_graph = cpu_timed(lambda: runner_graph.in_memory(limit=10**9), 1)
    steps["copy the store into memory (serve)"] = stat(t)
    bound = folder / "bound"
    bound.mkdir(exist_ok=True)
    for name, q in load_catalogue().items():
        # The raw run: the same SPARQL, parameters bound the same way, straight on pyoxigraph.
        text = bind_values(q.sparql, bind_params(q, {}, LocalRunner(runner_graph)))
        (bound / f"{name}.rq").write_text(with_default_prefixes(text), encoding="utf-8")

        def ours(q: Any = q, graph: Any = runner_graph) -> int:
            return len(run_query(q, {}, LocalRunner(graph)))

        def raw(text: str = text) -> int:
            solutions: Any = runner_graph.store.query(text, use_default_graph_as_union=True)
            names = [v.value for v in solutions.variables]
            return len([[s[n] for n in names] for s in solutions])

        t_ours, rows = cpu_timed(ours, heavy)
        t_raw, _ = cpu_timed(raw, heavy)
        t_memory, _ = cpu_timed(partial(ours, q, memory_graph), heavy)
        out["queries"][name] = {
            "rolegraph": stat(t_ours),
            "pyoxigraph": stat(t_raw),
            "memory": stat(t_memory),
            "rows": rows,
        }

    t, pairs = cpu_timed(
        lambda: role_pairs(framework_view(runner_graph, tiers=False, levels=False)), heavy
    )
    steps["overlap matrix (sparse)"] = stat(t)
    table = run_query(load_catalogue()["role-pairs"], {}, LocalRunner(runner_graph))
    out["overlap_agrees"] = pairs == [tuple(r.values()) for r in table.records()]
    out["overlap_pairs"] = len(pairs)
    from rolegraph.explorer.page import build_explorer, write_html

    html = folder / "explorer.html"
    t, page = cpu_timed(lambda: build_explorer(runner_graph, "overlap"), heavy)
    write_html(page, html)
    steps["HTML explorer (overlap view)"] = stat(t)
    # The same nodes and edges, for the plain pyvis page (floors.py pyvis).
    (folder / "explorer-graph.json").write_text(
        json.dumps(
            {
                "nodes": [
                    {"id": n["id"], "label": n["label"], "title": n.get("title", "")}
                    for n in page.nodes
                ],
                "edges": [{"from": e["from"], "to": e["to"]} for e in page.edges],
            }
        ),
        encoding="utf-8",
    )
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["stored_triples"] = stored
    return out


def _inputs_key(size: int) -> dict[str, Any]:
    """What the generated CSVs depend on: the factor, the generator and the real export."""
    import hashlib

    from common import FRAMEWORK

    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    return {
        "size": size,
        "generator": digest(Path(__file__).with_name("synthetic.py")),
        "roles": digest(FRAMEWORK / "role-content.csv"),
        "skills": digest(FRAMEWORK / "skill-descriptions.csv"),
    }


def fresh_inputs(folder: Path, size: int) -> bool:
    """Were the CSVs in ``folder`` generated for this size, generator and export?"""
    marker = folder / "generated.json"
    try:
        return bool(json.loads(marker.read_text(encoding="utf-8")) == _inputs_key(size))
    except (OSError, ValueError):
        return False


def stamp(folder: Path, size: int) -> None:
    (folder / "generated.json").write_text(json.dumps(_inputs_key(size)), encoding="utf-8")


ROLEGRAPH = [sys.executable, "-m", "rolegraph"]


def builds(size: int, work: Path, runs: int) -> dict[str, dict[str, float]]:
    """`rolegraph build --store` and the minimal loader, fresh processes: CPU and memory."""
    folder = work / f"x{size}"
    roles, skills = str(folder / "role-content.csv"), str(folder / "skill-descriptions.csv")
    out: dict[str, dict[str, float]] = {}
    for label, args, target in (
        (
            "rolegraph build --store",
            [*ROLEGRAPH, "build", "-q", "--roles", roles, "--skills", skills, "--store"],
            folder / "cli-store",
        ),
        (
            "floor: CSV -> pyoxigraph loader",
            [sys.executable, str(FLOORS), "loader", roles, skills],
            folder / "floor-store",
        ),
    ):
        cpu, peak = process_cpu([*args, str(target)], runs, folder)
        import pyoxigraph as ox

        db = target if label.startswith("floor") else _database(target)
        out[label] = {
            "cpu": cpu,
            "peak_mb": peak,
            "triples": len(ox.Store.read_only(str(db))),
        }
    return out


def _database(store: Path) -> Path:
    from rolegraph.graph.store import store_path

    return store_path(store)


def cold_start(work: Path, runs: int, names: list[str]) -> list[tuple[str, float, str, float]]:
    """Fresh processes at 1x: (figure, CPU s, floor, CPU s)."""
    folder = work / "x1"
    ttl, store = folder / "framework.ttl", folder / "store"
    click_floor = process_cpu([sys.executable, "-c", "import click"], runs)[0]
    rows = [
        (
            "rolegraph --help",
            process_cpu([*ROLEGRAPH, "--help"], runs)[0],
            "import click",
            click_floor,
        ),
        (
            "rolegraph queries",
            process_cpu([*ROLEGRAPH, "queries"], runs)[0],
            "import click",
            click_floor,
        ),
    ]
    for kind, graph, floor_graph in (("STORE", store, _database(store)), ("FILE.ttl", ttl, ttl)):
        for name in names:
            ours = process_cpu([*ROLEGRAPH, "query", name, "--graph", str(graph)], runs)[0]
            floor = process_cpu(
                [
                    sys.executable,
                    str(FLOORS),
                    "query",
                    str(floor_graph),
                    str(folder / "bound" / f"{name}.rq"),
                ],
                runs,
            )[0]
            rows.append((f"query {name} --graph {kind}", ours, "floors.py query", floor))
    viz = process_cpu(
        [*ROLEGRAPH, "viz", "-q", "--graph", str(store), "-o", str(folder / "cli.html")], runs
    )[0]
    page = process_cpu(
        [
            sys.executable,
            str(FLOORS),
            "pyvis",
            str(folder / "explorer-graph.json"),
            str(folder / "pyvis.html"),
        ],
        runs,
    )[0]
    rows.append(("rolegraph viz --graph STORE", viz, "plain pyvis page", page))
    return rows


def ms(x: float) -> str:
    return f"{x * 1000:.0f} ms" if x >= 0.1 else f"{x * 1000:.1f} ms"


def fmt(s: dict[str, float]) -> str:
    return ms(s["median"])


def row(label: str, cells: list[str], width: int = 50, cell: int = 26) -> str:
    return f"{label:<{width}}" + "".join(f"{c:>{cell}}" for c in cells)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1,10,100")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path)
    parser.add_argument(
        "--serve", action="store_true", help="then benchmark rolegraph serve (bench_serve.py)"
    )
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = args.work or Path(tempfile.gettempdir()) / "rolegraph-bench"
    work.mkdir(parents=True, exist_ok=True)
    if args.worker is not None:
        print(json.dumps(worker(args.worker, work, args.runs)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    for size in sizes:
        print(f"measuring {size}x ...", file=sys.stderr, flush=True)
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--worker",
                str(size),
                "--runs",
                str(args.runs),
                "--work",
                str(work),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            raise SystemExit(f"the {size}x run failed")
        results.append(json.loads(proc.stdout))
        results[-1]["builds"] = builds(size, work, max(1, args.runs // (5 if size >= 100 else 2)))
    report(results, sizes, work, args.runs)
    if args.serve:
        print(flush=True)
        subprocess.run([sys.executable, str(HERE / "bench_serve.py")], check=True)


def report(results: list[dict[str, Any]], sizes: list[int], work: Path, runs: int) -> None:
    print(f"CPU time, medians of {runs} runs (fewer for builds and at 100x)")
    print(row("", [f"{r['size']}x ({r['triples']:,} triples)" for r in results]))
    for step in results[0]["steps"]:
        print(row(step, [fmt(r["steps"][step]) for r in results if step in r["steps"]]))
    print(
        row(
            "peak memory, all of the above in one process",
            [f"{r['peak_rss_mb']:.0f} MB" for r in results],
        )
    )
    print(
        row(
            "overlap = saved query role-pairs",
            [f"{r['overlap_agrees']} ({r['overlap_pairs']} pairs)" for r in results],
        )
    )
    print()
    print("Build from the CSV files, fresh processes: rolegraph / floor (ratio)")
    for what, key, unit in (("CPU time", "cpu", "s"), ("peak memory", "peak_mb", "MB")):
        cells = []
        for r in results:
            ours, floor = (
                r["builds"]["rolegraph build --store"],
                r["builds"]["floor: CSV -> pyoxigraph loader"],
            )
            a, b = ours[key], floor[key]
            shown = f"{a:.2f} / {b:.2f} s" if unit == "s" else f"{a:.0f} / {b:.0f} MB"
            cells.append(f"{shown} ({a / b:.2f}x)")
        print(row(f"build: {what}", cells, cell=30))
    cells = []
    for r in results:
        ours, floor = (
            r["builds"]["rolegraph build --store"],
            r["builds"]["floor: CSV -> pyoxigraph loader"],
        )
        per = (ours["cpu"] / ours["triples"]) / (floor["cpu"] / floor["triples"])
        cells.append(f"{ours['triples']:,} / {floor['triples']:,} ({per:.2f}x)")

    print(row("build: triples (CPU per triple, ratio)", cells, cell=30))
    print()
    print("Saved queries in process: on-disk store / raw pyoxigraph (ratio) / in memory")
    for name in results[0]["queries"]:
        cells = []
        for r in results:
            q = r["queries"][name]
            a, b, m = (q[k]["median"] for k in ("rolegraph", "pyoxigraph", "memory"))
            cells.append(f"{ms(a)} / {ms(b)} ({a / max(b, 1e-9):.2f}x) / {ms(m)}")
        print(
            row(
                f"{name} ({results[0]['queries'][name]['rows']} rows at {results[0]['size']}x)",
                cells,
                cell=38,
            )
        )
    print()
    print(f"Growth with the framework: time at each size / time at {results[0]['size']}x")
    for name in results[0]["queries"]:
        base = results[0]["queries"][name]["rolegraph"]["median"]
        rows0 = max(results[0]["queries"][name]["rows"], 1)
        cells = [
            f"{r['queries'][name]['rolegraph']['median'] / max(base, 1e-9):.2f}x"
            f" (rows {r['queries'][name]['rows'] / rows0:.0f}x)"
            for r in results
        ]
        point = " [point]" if name in POINT_QUERIES else ""
        print(row(f"{name}{point}", cells))
    print()
    print("Store speed: on-disk store / in memory (ratio)")
    for name in results[0]["queries"]:
        cells = []
        for r in results:
            q = r["queries"][name]
            a, m = q["rolegraph"]["median"], q["memory"]["median"]
            cells.append(f"{a / max(m, 1e-9):.2f}x")
        print(row(name, cells))
    if 1 in sizes:
        print()
        print("Fresh processes at 1x: rolegraph / floor (ratio), CPU time")
        for label, ours, floor_label, floor in cold_start(work, runs, list(results[0]["queries"])):
            print(
                row(
                    label, [f"{ms(ours)} / {ms(floor)} ({ours / floor:.2f}x)", floor_label], cell=30
                )
            )


if __name__ == "__main__":
    main()
