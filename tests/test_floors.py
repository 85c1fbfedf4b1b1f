"""The benchmark's floors do the job they stand for (issue 20): a ratio against a floor
that did less would flatter rolegraph."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from rolegraph.cli import cli
from rolegraph.graph.open import open_graph
from rolegraph.graph.runner import LocalRunner
from rolegraph.graph.store import store_path
from rolegraph.sparql.binding import bind_params, bind_values, run_query
from rolegraph.sparql.catalogue import load_catalogue, with_default_prefixes

FLOORS = Path(__file__).resolve().parents[1] / "benchmarks" / "floors.py"


def floor(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(FLOORS), *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("name", ["families", "level-skills", "role-pairs"])
def test_the_query_floor_gives_rolegraphs_rows(
    name: str, tmp_path: Path, runner: CliRunner
) -> None:
    store, ttl = tmp_path / "store", tmp_path / "g.ttl"
    assert runner.invoke(cli, ["build", "-q", "--store", str(store), "-o", str(ttl)]).exit_code == 0
    graph = open_graph(store)
    q = load_catalogue()[name]
    bound = tmp_path / "q.rq"
    text = bind_values(q.sparql, bind_params(q, {}, LocalRunner(graph)))
    bound.write_text(with_default_prefixes(text), encoding="utf-8")
    expected = len(run_query(q, {}, LocalRunner(graph)))
    assert expected > 0
    for source in (store_path(store), ttl):
        assert len(floor("query", str(source), str(bound)).splitlines()) == expected


@pytest.mark.framework
def test_the_loader_floor_loads_every_row(role_csv: Path, skill_csv: Path, tmp_path: Path) -> None:
    floor("loader", str(role_csv), str(skill_csv), str(tmp_path / "s"))
    floor("loader", str(role_csv), str(skill_csv), str(tmp_path / "s"))  # replaces, not adds
    store = ox.Store.read_only(str(tmp_path / "s"))
    requirements = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?q <https://example.org/floor/level> ?l }"
    )
    assert isinstance(requirements, ox.QuerySolutions)
    with role_csv.open(encoding="utf-8", newline="") as f:
        rows = sum(1 for _ in csv.reader(f)) - 1
    assert int(next(iter(requirements))["n"].value) == rows


def test_the_pyvis_floor_draws_every_node(tmp_path: Path) -> None:
    data = tmp_path / "g.json"
    data.write_text(
        json.dumps(
            {
                "nodes": [
                    {"id": "a", "label": "A", "title": "a"},
                    {"id": "b", "label": "B", "title": ""},
                ],
                "edges": [{"from": "a", "to": "b"}],
            }
        ),
        encoding="utf-8",
    )
    floor("pyvis", str(data), str(tmp_path / "p.html"))
    page = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert '"label": "A"' in page and '"label": "B"' in page and '"from": "a"' in page
