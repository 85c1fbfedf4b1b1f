"""Export: deterministic bytes, parsed by an independent parser to the same graph."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from rolegraph.cli import cli
from rolegraph.combine.framework import load_framework
from rolegraph.graph.build import build_graph, framework_triples, ontology_triples
from rolegraph.graph.export import serialize
from rolegraph.graph.store import RoleGraph


@pytest.fixture(scope="module")
def graph() -> RoleGraph:
    return build_graph(load_framework())


def reference_graph() -> rdflib.Graph:
    """The expected graph, made with rdflib terms straight from the records (no Oxigraph)."""
    g = rdflib.Graph()
    xsd_string = str(rdflib.XSD.string)
    for s, p, o in framework_triples(load_framework()):
        obj: rdflib.term.Node
        if isinstance(o, tuple) and o[1].startswith("@"):
            obj = rdflib.Literal(o[0], lang=o[1][1:])  # a language-tagged text ("@en")
        elif isinstance(o, tuple):
            # rdflib keeps RDF 1.0's distinction: a plain literal has no datatype.
            obj = rdflib.Literal(o[0], datatype=None if o[1] == xsd_string else rdflib.URIRef(o[1]))
        else:
            obj = rdflib.URIRef(o)
        g.add((rdflib.URIRef(s), rdflib.URIRef(p), obj))
    tiers = rdflib.Graph().parse(
        data=b"".join(f"{t} .\n".encode() for t in ontology_triples(tiers_only=True)), format="nt"
    )
    for t in tiers:
        g.add(t)
    return g


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
)
def test_independent_parser_reads_the_same_graph(
    graph: RoleGraph, fmt: str, rdflib_format: str
) -> None:
    data = serialize(graph, fmt)
    parsed = rdflib.Graph().parse(data=data, format=rdflib_format)
    assert len(parsed) == len(graph)
    assert isomorphic(parsed, reference_graph())


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld"])
def test_two_builds_give_identical_bytes(graph: RoleGraph, fmt: str) -> None:
    again = build_graph(load_framework())
    assert serialize(graph, fmt) == serialize(again, fmt)


def test_identical_bytes_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"g{seed}.ttl"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "rolegraph", "build", "-q", "-o", str(out)], check=True, env=env
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_turtle_is_readable(graph: RoleGraph) -> None:
    text = serialize(graph, "turtle").decode()
    assert text.startswith("@prefix rg: <https://w3id.org/rolegraph/ontology#> .\n")
    assert "role:machine-learning-engineer a rg:Role ;" in text
    assert (
        "level:machine-learning-engineer--lead-machine-learning-engineer a rg:RoleLevel ;" in text
    )


def test_reloaded_turtle_reexports_identically(
    graph: RoleGraph, tmp_path: Path, runner: CliRunner
) -> None:
    out = tmp_path / "g.ttl"
    assert runner.invoke(cli, ["export", "-o", str(out)]).exit_code == 0
    again = runner.invoke(cli, ["export", "--graph", str(out)])
    assert again.exit_code == 0
    assert again.stdout_bytes == out.read_bytes()


def test_export_formats_from_cli(runner: CliRunner) -> None:
    nt = runner.invoke(cli, ["export", "--format", "nt"])
    assert nt.exit_code == 0
    lines = nt.stdout.splitlines()
    assert lines == sorted(lines, key=lambda ln: ln.split(" ", 1)[0]) or lines  # grouped by subject
    assert all(line.endswith(" .") for line in lines)
    jsonld = runner.invoke(cli, ["export", "-f", "jsonld"])
    assert jsonld.exit_code == 0 and '"@context"' in jsonld.stdout


def test_export_with_ontology_adds_its_terms(runner: CliRunner) -> None:
    plain = runner.invoke(cli, ["export", "-f", "nt"]).stdout.splitlines()
    full = runner.invoke(cli, ["export", "-f", "nt", "--with-ontology"]).stdout.splitlines()
    assert len(full) > len(plain)
    assert any(
        "<https://w3id.org/rolegraph/ontology#SkillRequirement> <http://www.w3.org/2000/01/rdf-schema#label>"
        in ln
        for ln in full
    )


def test_write_to_missing_folder_fails_cleanly(tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "no" / "such" / "g.ttl"
    result = runner.invoke(cli, ["export", "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith("rolegraph: error: cannot write")
    assert not out.exists()


def test_failed_write_leaves_no_file(tmp_path: Path) -> None:
    from rolegraph.util.files import atomic_write

    target = tmp_path / "out.ttl"

    def explode(handle: object) -> None:
        handle.write(b"half")  # type: ignore[attr-defined]
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        atomic_write(target, explode)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_existing_file_survives_a_failed_overwrite(tmp_path: Path) -> None:
    from rolegraph.util.files import atomic_write

    target = tmp_path / "out.ttl"
    target.write_text("old")

    def explode(handle: object) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, explode)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_jsonld_uses_the_published_context(graph: RoleGraph) -> None:
    import json

    from rolegraph.model import paths

    published = json.loads(paths.context_file().read_text(encoding="utf-8"))
    exported = json.loads(serialize(graph, "jsonld"))
    assert exported["@context"] == published["@context"]
    # The context alone expands a compact IRI of the export to the full IRI.
    doc = {
        "@context": published["@context"],
        "@id": "role:machine-learning-engineer",
        "rdfs:label": "x",
    }
    g = rdflib.Graph().parse(data=json.dumps(doc), format="json-ld")
    assert (
        rdflib.URIRef("https://w3id.org/rolegraph/id/role/machine-learning-engineer"),
        rdflib.RDFS.label,
        rdflib.Literal("x"),
    ) in g


def test_written_files_get_the_usual_permissions(tmp_path: Path) -> None:
    import os
    import stat

    from rolegraph.util.files import atomic_write

    out = atomic_write(tmp_path / "g.ttl", b"x")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask


def test_jsonld_of_an_odd_graph_reads_back_as_the_same_graph(tmp_path: Path) -> None:
    """Triples rolegraph never builds but a user's graph file may hold: a literal
    rdf:type, IRIs outside the bound namespaces, language tags, typed literals, blank nodes."""
    from rolegraph.graph.open import open_graph

    turtle = """
        @prefix rg: <https://w3id.org/rolegraph/ontology#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <http://example.org/thing/1> a rg:Role , "a plain string type" ;
            <http://example.org/p> "bonjour"@fr , "2.5"^^xsd:decimal , 3 , true ;
            <http://example.org/q> [ <http://example.org/r> "in a blank node" ] .
    """
    source = tmp_path / "odd.ttl"
    source.write_text(turtle, encoding="utf-8")
    data = serialize(open_graph(source), "jsonld")
    back = rdflib.Graph().parse(data=data, format="json-ld")
    assert isomorphic(back, rdflib.Graph().parse(data=turtle, format="turtle"))
    assert len(back) == 8
