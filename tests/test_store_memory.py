"""A store folder that fits in memory is served from memory (issue 20: the on-disk
database answers scans 3-5x slower), with the same answers and the same release."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from rolegraph.cli import cli
from rolegraph.graph.open import open_graph
from rolegraph.graph.runner import LocalRunner
from rolegraph.sparql.binding import run_query
from rolegraph.sparql.catalogue import load_catalogue


def answers(graph: object) -> dict[str, str]:
    runner = LocalRunner(graph)  # type: ignore[arg-type]
    return {
        name: run_query(q, {}, runner).format("csv", safe=True)
        for name, q in load_catalogue().items()
    }


def test_a_small_store_is_copied_into_memory_with_the_same_answers(
    tmp_path: Path, runner: CliRunner
) -> None:
    store = tmp_path / "store"
    assert runner.invoke(cli, ["build", "-q", "--store", str(store)]).exit_code == 0
    on_disk = open_graph(store)
    copy = on_disk.in_memory()
    assert copy is not on_disk and copy.location == on_disk.location
    assert len(copy) == len(on_disk) > 0
    expected = answers(on_disk)
    assert any(text.count("\n") > 1 for text in expected.values())
    del on_disk
    shutil.rmtree(store)  # the copy no longer needs the folder
    assert answers(copy) == expected


def test_a_release_stays_the_one_answered(tmp_path: Path, runner: CliRunner) -> None:
    store = tmp_path / "store"
    for name in ("2024", "2025"):
        done = runner.invoke(cli, ["build", "-q", "--store", str(store), "--release", name])
        assert done.exit_code == 0, done.output
    on_disk = open_graph(store, "2024")
    copy = on_disk.in_memory()
    assert (copy.release, copy.graph_name) == (on_disk.release, on_disk.graph_name)
    assert len(copy) == len(on_disk)
    assert answers(copy) == answers(on_disk)


def test_big_stores_and_files_are_left_as_they_are(tmp_path: Path, runner: CliRunner) -> None:
    store, ttl = tmp_path / "store", tmp_path / "g.ttl"
    assert runner.invoke(cli, ["build", "-q", "--store", str(store), "-o", str(ttl)]).exit_code == 0
    on_disk = open_graph(store)
    assert on_disk.in_memory(limit=len(on_disk) - 1) is on_disk
    from_file = open_graph(ttl)
    assert from_file.in_memory() is from_file
