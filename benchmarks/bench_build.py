"""Time building the full framework from the official CSV export.

    python benchmarks/bench_build.py [ROLE_CSV SKILL_CSV] [--runs N]

Prints the median and min-max of: reading both CSVs (csv module only), reading them
into records (rolegraph's readers, with all checks and the report), building the
graph, and serialising Turtle. Defaults to ../shared/framework/.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import FRAMEWORK, timed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("roles", nargs="?", type=Path, default=FRAMEWORK / "role-content.csv")
    parser.add_argument(
        "skills", nargs="?", type=Path, default=FRAMEWORK / "skill-descriptions.csv"
    )
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from rolegraph.combine.framework import load_framework
    from rolegraph.graph.build import build_graph
    from rolegraph.graph.export import serialize
    from rolegraph.model.report import ImportReport

    def parse_only() -> int:
        n = 0
        for path in (args.roles, args.skills):
            with path.open(encoding="utf-8", newline="") as f:
                n += sum(1 for _ in csv.reader(f))
        return n

    def read() -> Any:
        return load_framework(roles=args.roles, skills=args.skills, report=ImportReport())

    def read_and_build() -> Any:
        return build_graph(read())

    rows = [
        ("CSV parsing alone (csv module)", *timed(parse_only, args.runs)),
        ("read into records (checks, report, reconcile, order)", *timed(read, args.runs)),
        ("build from CSV (records + graph)", *timed(read_and_build, args.runs)),
    ]
    graph = rows[-1][2]
    rows.append(("serialise Turtle", *timed(lambda: serialize(graph), args.runs)))
    print(f"Full framework: {len(graph)} triples, {args.runs} runs each")
    print(f"{'step':<55} {'median':>9} {'min':>9} {'max':>9}")
    for name, times, _ in rows:
        print(
            f"{name:<55} {statistics.median(times) * 1000:>7.1f}ms {min(times) * 1000:>7.1f}ms {max(times) * 1000:>7.1f}ms"
        )


if __name__ == "__main__":
    main()
