"""Releases side by side in one store, stamped with their release and source."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from helpers.minicsv import write_pair
from rolegraph.cli import cli


def test_two_releases_in_one_store(tmp_path: Path, runner: CliRunner) -> None:
    store = tmp_path / "store"
    roles, skills = write_pair(tmp_path)
    first = runner.invoke(cli, ["build", "-q", "--store", str(store), "--release", "2024-08"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(
        cli,
        [
            "build",
            "-q",
            "--roles",
            str(roles),
            "--skills",
            str(skills),
            "--store",
            str(store),
            "--release",
            "2025-09",
        ],
    )
    assert second.exit_code == 0, second.output
    listing = runner.invoke(cli, ["releases", str(store), "-f", "csv"])
    lines = listing.stdout.splitlines()
    assert lines[0] == "release,date,triples,sources,graph,default"
    assert lines[1].startswith("2024-08,2024-08,")
    assert lines[1].endswith(
        ",machine-learning-engineer.yaml,https://w3id.org/rolegraph/release/2024-08,"
    )
    assert lines[2].startswith("2025-09,2025-09,")
    assert lines[2].endswith(
        ',"role-content.csv, skill-descriptions.csv",https://w3id.org/rolegraph/release/2025-09,yes'
    )
    doc = json.loads(runner.invoke(cli, ["releases", str(store), "-f", "json"]).stdout)
    assert [(r["release"], r["date"], r["default"]) for r in doc] == [
        ("2024-08", "2024-08", False),
        ("2025-09", "2025-09", True),
    ]
    assert doc[1]["sources"] == ["role-content.csv", "skill-descriptions.csv"]
    assert doc[0]["triples"] == 406 and doc[1]["triples"] > 0
    # Every rolegraph term in the store (the releases and their descriptions) is defined
    # by the ontology.
    import pyoxigraph as ox
    import rdflib

    from rolegraph.graph.store import store_path
    from rolegraph.model import paths, vocab

    onto = rdflib.Graph().parse(paths.ontology_file(), format="turtle")
    defined = {str(t) for t in onto.subjects() if str(t).startswith(vocab.RG)}
    quads = ox.Store.read_only(str(store_path(store)))
    used = {q.predicate.value for q in quads} | {
        q.object.value for q in quads if q.predicate.value == vocab.RDF + "type"
    }
    used = {t for t in used if t.startswith(vocab.RG)}
    assert {vocab.RG + "Release", vocab.RG + "triples"} <= used
    assert used <= defined, used - defined
    # Saved queries target one release; the default is the latest.
    latest = runner.invoke(cli, ["query", "families", "-g", str(store), "-f", "csv"])
    assert "Data analyst" in latest.stdout and "Machine learning engineer" not in latest.stdout
    old = runner.invoke(
        cli, ["query", "families", "-g", str(store), "--release", "2024-08", "-f", "csv"]
    )
    assert "Machine learning engineer" in old.stdout and "Data analyst" not in old.stdout
    # Each release is stamped with its name and source.
    stamp = runner.invoke(
        cli,
        [
            "query",
            "-g",
            str(store),
            "--release",
            "2025-09",
            "-f",
            "csv",
            "-e",
            "PREFIX rg: <https://w3id.org/rolegraph/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/> "
            "SELECT ?release ?source WHERE { ?d rg:release ?release ; dcterms:source ?s . ?s rg:release ?release ; "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?source } ORDER BY ?source",
        ],
    )
    assert stamp.stdout.splitlines()[1:] == [
        "2025-09,role-content.csv",
        "2025-09,skill-descriptions.csv",
    ]


def test_replacing_and_removing_a_release(tmp_path: Path, runner: CliRunner) -> None:
    store = tmp_path / "store"
    for _ in range(2):
        assert (
            runner.invoke(cli, ["build", "-q", "--store", str(store), "--release", "R1"]).exit_code
            == 0
        )
    assert runner.invoke(cli, ["releases", str(store), "-f", "csv"]).stdout.count("R1") == 1
    stats = runner.invoke(cli, ["stats", "-g", str(store), "-f", "json"])
    assert '"triples": 405' in stats.stdout
    removed = runner.invoke(cli, ["releases", str(store), "--remove", "R1"])
    assert removed.exit_code == 0 and "Removed release 'R1'" in removed.stderr
    assert (
        runner.invoke(cli, ["releases", str(store), "-f", "csv"]).stdout
        == "release,date,triples,sources,graph,default\n"
    )


def test_unknown_release_and_misuse(tmp_path: Path, runner: CliRunner) -> None:
    store = tmp_path / "store"
    runner.invoke(cli, ["build", "-q", "--store", str(store), "--release", "2025-09"])
    miss = runner.invoke(cli, ["stats", "-g", str(store), "--release", "2025-9"])
    assert miss.exit_code == 2
    assert miss.stderr == "rolegraph: error: no release named '2025-9' (did you mean '2025-09'?)\n"
    far = runner.invoke(cli, ["releases", str(store), "--remove", "zz"])
    assert far.exit_code == 2
    assert far.stderr == "rolegraph: error: no release named 'zz' (the store holds '2025-09')\n"
    file_graph = tmp_path / "g.ttl"
    runner.invoke(cli, ["build", "-q", "-o", str(file_graph)])
    misuse = runner.invoke(cli, ["stats", "-g", str(file_graph), "--release", "x"])
    assert misuse.exit_code == 2 and "--release needs a store folder" in misuse.stderr
    not_store = runner.invoke(cli, ["releases", str(tmp_path)])
    assert not_store.exit_code == 2 and "is not a rolegraph store" in not_store.stderr


def test_a_plain_store_never_replaces_releases(tmp_path: Path, runner: CliRunner) -> None:
    store = tmp_path / "store"
    assert (
        runner.invoke(cli, ["build", "-q", "--store", str(store), "--release", "2025-09"]).exit_code
        == 0
    )
    refused = runner.invoke(cli, ["build", "-q", "--store", str(store)])
    assert refused.exit_code == 2
    assert "holds 1 release(s); writing a plain store there would delete them" in refused.stderr
    assert "2025-09" in runner.invoke(cli, ["releases", str(store)]).stdout


def test_releases_sort_by_number_and_names_are_checked(tmp_path: Path, runner: CliRunner) -> None:
    store = tmp_path / "store"
    for name in ("2025-10", "2025-9"):
        assert (
            runner.invoke(cli, ["build", "-q", "--store", str(store), "--release", name]).exit_code
            == 0
        )
    listing = runner.invoke(cli, ["releases", str(store), "-f", "csv"]).stdout.splitlines()
    assert [line.split(",")[0] for line in listing[1:]] == ["2025-9", "2025-10"]
    assert listing[2].endswith(",yes")
    again = runner.invoke(cli, ["build", "--store", str(store), "--release", "2025-10"])
    assert "Replaced release '2025-10'" in again.stderr
    clash = runner.invoke(cli, ["build", "-q", "--store", str(store), "--release", "2025.10"])
    assert clash.exit_code == 2 and "would share the graph of release '2025-10'" in clash.stderr
    bad = runner.invoke(cli, ["build", "-q", "--store", str(store), "--release", "../x"])
    assert bad.exit_code == 2 and "is not a usable release name" in bad.stderr


def test_a_release_count_that_is_not_a_number_is_invalid_data(
    tmp_path: Path, runner: CliRunner
) -> None:
    """int() of a 5,000-digit rg:triples was an internal error (ValueError)."""
    import pyoxigraph as ox

    from rolegraph.graph.store import store_path
    from rolegraph.model.vocab import RG

    store = tmp_path / "store"
    built = runner.invoke(cli, ["build", "-q", "--store", str(store), "--release", "2024-08"])
    assert built.exit_code == 0, built.output
    held = ox.Store(str(store_path(store)))
    held.update(
        f"DELETE {{ ?g <{RG}triples> ?n }} INSERT {{ ?g <{RG}triples> {'9' * 5000} }} "
        f"WHERE {{ ?g <{RG}triples> ?n }}"
    )
    del held
    result = runner.invoke(cli, ["releases", str(store)])
    assert (result.exit_code, result.stderr) == (
        1,
        "rolegraph: error: release '2024-08' gives its triple count as '"
        + "9" * 40
        + "…', which is not a number (rebuild the release into the store)\n",
    )
