"""rolegraph validate: 0 conforms, 1 does not (naming the node), 2 cannot run."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from rolegraph.cli import cli

REQ = "https://w3id.org/rolegraph/id/requirement/machine-learning-engineer--lead-machine-learning-engineer--systems-integration"


def bundled_nt(runner: CliRunner) -> list[str]:
    result = runner.invoke(cli, ["export", "-f", "nt"])
    assert result.exit_code == 0
    return result.stdout.splitlines()


def test_bundled_data_conforms(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Conforms: 403 triples checked, 0 warnings.")


def test_requirement_without_tier_is_named(runner: CliRunner, tmp_path: Path) -> None:
    lines = [
        ln
        for ln in bundled_nt(runner)
        if not (ln.startswith(f"<{REQ}>") and "ontology#tier>" in ln)
    ]
    bad = tmp_path / "bad.nt"
    bad.write_text("\n".join(lines) + "\n")
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1
    assert result.stdout.startswith("Does not conform: 1 violation,")
    assert (
        f"Violation: Lead machine learning engineer needs Systems integration at expert <{REQ}>: "
        "the requirement has no tier" in result.stdout
    )
    assert result.stderr == "rolegraph: error: the graph does not conform: 1 violation\n"


def test_duplicate_rank_and_missing_role_are_violations(runner: CliRunner, tmp_path: Path) -> None:
    lead = "<https://w3id.org/rolegraph/id/level/machine-learning-engineer--lead-machine-learning-engineer>"
    lines = [
        ln.replace('"2"^^', '"1"^^') if ln.startswith(lead) and "ontology#rank>" in ln else ln
        for ln in bundled_nt(runner)
    ]
    bad = tmp_path / "bad.nt"
    bad.write_text("\n".join(lines) + "\n")
    result = runner.invoke(cli, ["validate", "--graph", str(bad), "--format", "json"])
    assert result.exit_code == 1
    assert "two of its levels have rank 1: " in result.stdout
    assert "the level it follows does not rank lower" in result.stdout


def test_missing_file_directory_and_malformed_rdf(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text('@prefix ex: <http://ex/> .\nex:a ex:b "unterminated .\n')
    cases = {
        str(tmp_path / "missing.ttl"): "graph not found",
        str(tmp_path): "is a directory, not a graph file",
        str(broken): "broken.ttl is not valid turtle: Parser error",
    }
    for arg, expected in cases.items():
        result = runner.invoke(cli, ["validate", arg])
        assert result.exit_code == 2, (arg, result.output)
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and expected in lines[0], lines
        assert "Traceback" not in result.output


def test_unknown_extension_is_explained(runner: CliRunner, tmp_path: Path) -> None:
    odd = tmp_path / "graph.txt"
    odd.write_text("x")
    result = runner.invoke(cli, ["stats", "--graph", str(odd)])
    assert result.exit_code == 2
    assert "cannot tell the RDF format of graph.txt from its extension" in result.stderr


def test_one_pass_sparql_constraints_agree_with_pyshacl(runner: CliRunner, tmp_path: Path) -> None:
    """rolegraph runs the shapes' SPARQL constraints in one pass on Oxigraph; pySHACL runs
    them per focus node. On a graph breaking both, the focus nodes found must agree."""
    import pyshacl
    import rdflib

    from rolegraph.graph.open import open_graph
    from rolegraph.graph.validate import validate
    from rolegraph.model import paths

    lead = "<https://w3id.org/rolegraph/id/level/machine-learning-engineer--lead-machine-learning-engineer>"
    lines = [
        ln.replace('"2"^^', '"1"^^') if ln.startswith(lead) and "ontology#rank>" in ln else ln
        for ln in bundled_nt(runner)
        if not (ln.startswith(f"<{REQ}>") and "ontology#tier>" in ln)
    ]
    bad = tmp_path / "bad.nt"
    bad.write_text("\n".join(lines) + "\n")
    ours = {(f.focus, f.severity) for f in validate(open_graph(bad)).findings}
    data = rdflib.Graph().parse(bad, format="nt")
    shapes = rdflib.Graph().parse(paths.shapes_file(), format="turtle")
    _, results, _ = pyshacl.validate(data, shacl_graph=shapes, advanced=True, allow_warnings=True)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    theirs = {
        (
            str(results.value(r, sh.focusNode)),
            str(results.value(r, sh.resultSeverity)).rsplit("#")[-1],
        )
        for r in results.subjects(rdflib.RDF.type, sh.ValidationResult)
    }
    assert ours == theirs
    assert (REQ, "Violation") in ours
    assert len(ours) == 3  # the tierless requirement and both levels sharing rank 1


def test_a_family_that_is_not_a_family_and_two_families_are_told_apart(
    runner: CliRunner, tmp_path: Path
) -> None:
    mle = "<https://w3id.org/rolegraph/id/role/machine-learning-engineer>"
    family = "<https://w3id.org/rolegraph/ontology#family>"
    ds = "<https://w3id.org/rolegraph/id/role/data-scientist>"
    for extra, message in (
        (f"{mle} {family} {ds} .", "a role's family must be a rg:RoleFamily"),
        (
            f"{mle} {family} <https://w3id.org/rolegraph/id/family/architecture> .\n"
            "<https://w3id.org/rolegraph/id/family/architecture> "
            "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<https://w3id.org/rolegraph/ontology#RoleFamily> .\n"
            "<https://w3id.org/rolegraph/id/family/architecture> "
            '<http://www.w3.org/2000/01/rdf-schema#label> "Architecture" .',
            "a role belongs to at most one role family",
        ),
    ):
        bad = tmp_path / "bad.nt"
        bad.write_text("\n".join([*bundled_nt(runner), extra]) + "\n")
        result = runner.invoke(cli, ["validate", str(bad)])
        assert result.exit_code == 1, result.output
        assert message in result.stdout
        others = {
            "a role's family must be a rg:RoleFamily",
            "a role belongs to at most one role family",
        }
        assert not (others - {message}) & {ln.split(": ")[-1] for ln in result.stdout.splitlines()}
