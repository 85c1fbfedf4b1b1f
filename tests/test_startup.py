"""A command imports what it needs and no more (issue 20: a CLI that starts like Python).

These check which modules a fresh process loaded, not how long it took (the benchmark
measures the time: benchmarks/run.py, "Cold start")."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rolegraph.cli import cli

#: what reading sources, building, the web client and the server side pull in
NOT_FOR_A_GRAPH_QUERY = (
    "asyncio",
    "http.client",
    "ssl",
    "email",
    "rolegraph.sources",
    "rolegraph.combine",
    "rolegraph.graph.build",
    "rolegraph.graph.publish",
    "rolegraph.sparql.remote",
    "rolegraph.explorer",
    "rolegraph.analysis",
)


def loaded_modules(args: list[str], cwd: Path) -> set[str]:
    code = (
        "import sys\n"
        "from rolegraph.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print(sorted(sys.modules), file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=cwd
    )
    return set(ast.literal_eval(out.stderr.strip().splitlines()[-1]))


def test_help_imports_only_the_group(tmp_path: Path) -> None:
    ours = {m for m in loaded_modules(["--help"], tmp_path) if m.startswith("rolegraph")}
    assert ours == {
        "rolegraph",
        "rolegraph.cli",
        "rolegraph.cli.exits",
        "rolegraph.cli.group",
        "rolegraph.cli.spelling",
        "rolegraph.errors",
        "rolegraph.spelling",
        "rolegraph.version",
    }


@pytest.mark.parametrize("kind", ["store", "file"])
def test_a_saved_query_on_a_graph_reads_no_sources(
    kind: str, tmp_path: Path, runner: CliRunner
) -> None:
    target = (
        ["--store", str(tmp_path / "s")] if kind == "store" else ["-o", str(tmp_path / "g.ttl")]
    )
    assert runner.invoke(cli, ["build", "-q", *target]).exit_code == 0
    graph = str(tmp_path / ("s" if kind == "store" else "g.ttl"))
    loaded = loaded_modules(["query", "families", "-g", graph], tmp_path)
    unwanted = sorted(
        m for m in loaded if any(m == u or m.startswith(u + ".") for u in NOT_FOR_A_GRAPH_QUERY)
    )
    assert unwanted == []
