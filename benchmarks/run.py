"""The benchmark suite: rolegraph at 1x, 10x and 100x the framework, as a table.

    python benchmarks/run.py [--sizes 1,10,100] [--runs N] [--work DIR] [--serve]

For each size (a framework made by benchmarks/synthetic.py from ../shared/framework),
in a fresh process each: build from CSV; open from the persisted store and parse
Turtle; export Turtle; every saved query (rolegraph's time, and the same SPARQL on raw
pyoxigraph, with the ratio); the role x role overlap (sparse products, checked equal to
the saved query role-pairs); the HTML explorer; peak memory. Then, at 1x, the cold
start of fresh `rolegraph` processes. Figures are medians with min-max over runs;
nothing is asserted. ``--serve`` then runs benchmarks/bench_serve.py: `rolegraph serve`
against `oxigraph serve` on the framework, driven by wrk.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import stat, timed  # noqa: E402


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
    from rolegraph.sparql.catalogue import load_catalogue

    folder = work / f"x{size}"
    roles, skills = folder / "role-content.csv", folder / "skill-descriptions.csv"
    if not fresh_inputs(folder, size):
        generate(size, folder)
        stamp(folder, size)
    out: dict[str, Any] = {"size": size, "steps": {}, "queries": {}}
    steps = out["steps"]
    heavy = max(1, runs // (3 if size >= 100 else 1))

    t, graph = timed(
        lambda: build_graph(load_framework(roles=roles, skills=skills, report=ImportReport())),
        heavy,
    )
    steps["build from CSV"] = stat(t)
    out["triples"] = len(graph)
    ttl = folder / "framework.ttl"
    t, data = timed(lambda: serialize(graph), heavy)
    steps["export Turtle"] = stat(t)
    ttl.write_bytes(data)
    store_dir = folder / "store"
    # A store left by an earlier run is kept only if it holds exactly this graph.
    if store_dir.exists() and len(open_graph(store_dir)) != len(graph):
        shutil.rmtree(store_dir)
    if not store_dir.exists():
        graph.save_store(store_dir)
    t, _ = timed(lambda: open_graph(ttl), heavy)
    steps["load: parse Turtle"] = stat(t)
    t, stored = timed(lambda: len(open_graph(store_dir)), heavy)
    steps["load: open persisted store"] = stat(t)

    runner_graph = open_graph(store_dir)
    for name, q in load_catalogue().items():
        # The raw run: the same SPARQL, parameters bound the same way, straight on pyoxigraph.
        text = bind_values(q.sparql, bind_params(q, {}, LocalRunner(runner_graph)))

        def ours(q: Any = q) -> int:
            return len(run_query(q, {}, LocalRunner(runner_graph)))

        def raw(text: str = text) -> int:
            solutions: Any = runner_graph.store.query(text, use_default_graph_as_union=True)
            names = [v.value for v in solutions.variables]
            return len([[s[n] for n in names] for s in solutions])

        t_ours, rows = timed(ours, heavy)
        t_raw, _ = timed(raw, heavy)
        out["queries"][name] = {"rolegraph": stat(t_ours), "pyoxigraph": stat(t_raw), "rows": rows}

    t, pairs = timed(
        lambda: role_pairs(framework_view(runner_graph, tiers=False, levels=False)), heavy
    )
    steps["overlap matrix (sparse)"] = stat(t)
    table = run_query(load_catalogue()["role-pairs"], {}, LocalRunner(runner_graph))
    out["overlap_agrees"] = pairs == [tuple(r.values()) for r in table.records()]
    out["overlap_pairs"] = len(pairs)
    from rolegraph.explorer.page import build_explorer, write_html

    html = folder / "explorer.html"
    t, _ = timed(lambda: write_html(build_explorer(runner_graph, "overlap"), html), heavy)
    steps["HTML explorer (overlap view)"] = stat(t)
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


def fresh_process(args: list[str], cwd: Path) -> tuple[float, float]:
    """Seconds and peak memory (MB) of one `rolegraph ARGS` process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rolegraph", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(
            f"rolegraph {' '.join(args)} failed: {proc.stderr.read().decode() if proc.stderr else ''}"
        )
    return elapsed, usage.ru_maxrss / 1024


def commands(size: int, work: Path) -> dict[str, tuple[float, float]]:
    """The CLI as a user runs it, each command a fresh process: time and peak memory."""
    folder = work / f"x{size}"
    store = folder / "cli-store"
    if store.exists():
        import shutil

        shutil.rmtree(store)
    roles, skills = str(folder / "role-content.csv"), str(folder / "skill-descriptions.csv")
    return {
        "build --store": fresh_process(
            ["build", "-q", "--roles", roles, "--skills", skills, "--store", str(store)], folder
        ),
        "query role-pairs --graph STORE": fresh_process(
            ["query", "role-pairs", "--graph", str(store), "-f", "csv"], folder
        ),
        "query level-skills --graph STORE": fresh_process(
            ["query", "level-skills", "--graph", str(store)], folder
        ),
        "viz --view overlap --graph STORE": fresh_process(
            ["viz", "--graph", str(store), "-o", str(folder / "cli.html"), "-q"], folder
        ),
    }


def cold_start(work: Path, runs: int) -> dict[str, dict[str, float]]:
    graph = work / "x1" / "framework.ttl"
    store = work / "x1" / "store"
    commands = {
        "rolegraph --help": ["--help"],
        "rolegraph queries": ["queries"],
        "rolegraph query families --graph framework.ttl": [
            "query",
            "families",
            "--graph",
            str(graph),
        ],
        "rolegraph query similar-roles --graph STORE": [
            "query",
            "similar-roles",
            "--graph",
            str(store),
        ],
    }
    out = {}
    exe = [sys.executable, "-m", "rolegraph"]
    for label, args in commands.items():
        t, _ = timed(partial(subprocess.run, [*exe, *args], check=True, capture_output=True), runs)
        out[label] = stat(t)
    return out


def fmt(s: dict[str, float]) -> str:
    def ms(x: float) -> str:
        return f"{x * 1000:.0f}" if x >= 0.1 else f"{x * 1000:.1f}"

    return f"{ms(s['median'])} ms ({ms(s['min'])}-{ms(s['max'])})"


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
    env = {**os.environ}
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
            env=env,
            check=False,
        )
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            raise SystemExit(f"the {size}x run failed")
        results.append(json.loads(proc.stdout))
        results[-1]["cli"] = commands(size, work)
    head = f"{'':<42}" + "".join(
        f"{str(r['size']) + 'x (' + format(r['triples'], ',') + ' triples)':>30}" for r in results
    )
    print(head)
    for step in results[0]["steps"]:
        print(
            f"{step:<42}"
            + "".join(f"{fmt(r['steps'][step]):>30}" for r in results if step in r["steps"])
        )
    print(
        f"{'peak memory, all of the above in one process':<42}"
        + "".join(f"{r['peak_rss_mb']:>27.0f} MB" for r in results)
    )
    print(
        f"{'overlap = saved query role-pairs':<42}"
        + "".join(
            f"{str(r['overlap_agrees']) + ' (' + str(r['overlap_pairs']) + ' pairs)':>30}"
            for r in results
        )
    )
    print()
    print("The CLI, each command a fresh process: time / peak memory")
    for label in results[0]["cli"]:
        cells = [f"{r['cli'][label][0]:7.2f} s / {r['cli'][label][1]:5.0f} MB" for r in results]
        print(f"{label:<42}" + "".join(f"{c:>30}" for c in cells))
    print()
    print("Saved queries: rolegraph / raw pyoxigraph (ratio)")
    for name in results[0]["queries"]:
        cells = []
        for r in results:
            q = r["queries"][name]
            ratio = q["rolegraph"]["median"] / max(q["pyoxigraph"]["median"], 1e-9)
            cells.append(
                f"{q['rolegraph']['median'] * 1000:8.1f} / {q['pyoxigraph']['median'] * 1000:7.1f} ms ({ratio:.2f}x)"
            )
        print(f"{name:<42}" + "".join(f"{c:>30}" for c in cells))
    if 1 in sizes:
        print()
        print("Cold start at 1x (fresh processes)")
        for label, s in cold_start(work, args.runs).items():
            print(f"{label:<52}{fmt(s):>24}")
    if args.serve:
        print(flush=True)
        subprocess.run([sys.executable, str(HERE / "bench_serve.py")], check=True)


if __name__ == "__main__":
    main()
