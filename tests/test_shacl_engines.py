"""Shapes that every SHACL engine reads alike (issue 18, point 3): pySHACL,
rdf-validate-shacl and shacl-engine (npm, tests/js/shacl-validate.mjs) give the same
verdict and the same focus nodes, on the full framework and on a copy with faults
injected, and `rolegraph validate` agrees with them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import IN_CI, ROOT
from rolegraph.graph.open import open_graph
from rolegraph.graph.validate import validate
from rolegraph.model import paths

pytestmark = [pytest.mark.framework]

ID = "https://w3id.org/rolegraph/id/"
RG = "https://w3id.org/rolegraph/ontology#"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
SCRIPT = ROOT / "tests" / "js" / "shacl-validate.mjs"

Results = tuple[bool, list[tuple[str, str]]]


def _node() -> str:
    node = shutil.which("node")
    if node is None or not (ROOT / "tests" / "js" / "node_modules" / "shacl-engine").exists():
        message = "node or tests/js/node_modules is missing (cd tests/js && npm ci)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return node


def _js(engine: str, data: Path) -> Results:
    done = subprocess.run(
        [_node(), str(SCRIPT), engine, str(data), str(paths.shapes_file())],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=SCRIPT.parent,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    return answer["conforms"], sorted({(s, f) for s, f in answer["results"]})


def _pyshacl(data: Path) -> Results:
    """pySHACL itself, with the shapes whole (its own SHACL-SPARQL included)."""
    import pyshacl
    import rdflib

    graph = rdflib.Graph().parse(data, format="nt")
    shapes = rdflib.Graph().parse(paths.shapes_file(), format="turtle")
    conforms, report, _ = pyshacl.validate(graph, shacl_graph=shapes, allow_warnings=True)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    found = {
        (
            str(report.value(r, sh.resultSeverity)).rsplit("#", 1)[-1],
            str(report.value(r, sh.focusNode)),
        )
        for r in report.subjects(rdflib.RDF.type, sh.ValidationResult)
    }
    return bool(conforms), sorted(found)


def _rolegraph(data: Path) -> Results:
    report = validate(open_graph(data))
    return report.conforms, sorted({(f.severity, f.focus) for f in report.findings})


def _line(s: str, p: str, o: str) -> str:
    return f"<{ID}{s}> <{RG}{p}> {o} ."


#: (what is wrong, lines dropped (starting so), lines added) and the focus node it is found at
FAULTS: list[tuple[str, list[str], list[str], tuple[str, str]]] = [
    (
        "a role with a second family, which is not a family",
        [],
        [_line("role/data-scientist", "family", f"<{ID}role/data-analyst>")],
        ("Violation", "role/data-scientist"),
    ),
    (
        "two levels of a role with one rank (SHACL-SPARQL), the later not ranking higher",
        [_line("level/data-scientist--lead-data-scientist", "rank", "")[:-2]],
        [_line("level/data-scientist--lead-data-scientist", "rank", '"3"^^<http://www.w3.org/2001/XMLSchema#integer>')],
        ("Violation", "level/data-scientist--lead-data-scientist"),
    ),
    (
        "a requirement without a tier, not of a Senior Civil Service role",
        [_line("requirement/accessibility-specialist--accessibility-specialist--communicating-information", "tier", "")[:-2]],
        [],
        ("Violation", "requirement/accessibility-specialist--accessibility-specialist--communicating-information"),
    ),
    (
        "a descriptor that is a number, not text",
        [_line("descriptor/accessibility--awareness", "descriptor", "")[:-2]],
        [_line("descriptor/accessibility--awareness", "descriptor", '"7"^^<http://www.w3.org/2001/XMLSchema#integer>')],
        ("Violation", "descriptor/accessibility--awareness"),
    ),
    (
        "a skill without a label",
        [f"<{ID}skill/accessibility> {RDFS_LABEL} "],
        [],
        ("Violation", "skill/accessibility"),
    ),
    (
        "a rank basis neither stated nor derived",
        [_line("level/data-scientist--associate-data-scientist", "rankBasis", "")[:-2]],
        [_line("level/data-scientist--associate-data-scientist", "rankBasis", '"guessed"')],
        ("Violation", "level/data-scientist--associate-data-scientist"),
    ),
    (
        "a next level of another role",
        [],
        [_line("level/data-scientist--head-of-data-science", "nextLevel", f"<{ID}level/accessibility-specialist--head-of-accessibility>")],
        ("Violation", "level/accessibility-specialist--head-of-accessibility"),
    ),
    (
        "a role without a family (a warning)",
        [_line("role/data-analyst", "family", "")[:-2]],
        [],
        ("Warning", "role/data-analyst"),
    ),
    (
        "language-tagged text, which is fine",
        [f"<{ID}role/data-engineer> {RDFS_LABEL} ", _line("descriptor/accessibility--expert", "descriptor", "")[:-2]],
        [f'<{ID}role/data-engineer> {RDFS_LABEL} "Data engineer"@en .', _line("descriptor/accessibility--expert", "descriptor", '"Can lead accessibility."@en')],
        ("", ""),
    ),
]  # fmt: skip


@pytest.fixture(scope="module")
def graphs(full_graph_file: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The full framework and the copy with :data:`FAULTS`, as N-Triples."""
    from rolegraph.graph.export import sorted_ntriples

    folder = tmp_path_factory.mktemp("shacl")
    full = folder / "full.nt"
    full.write_bytes(sorted_ntriples(open_graph(full_graph_file)))
    lines = full.read_text(encoding="utf-8").splitlines()
    for what, drop, add, _ in FAULTS:
        kept = [ln for ln in lines if not any(ln.startswith(d) for d in drop)]
        assert len(lines) - len(kept) == len(drop), what  # each fault drops what it means
        lines = kept + add
    faulty = folder / "faulty.nt"
    faulty.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"full": full, "faulty": faulty}


@pytest.mark.parametrize("which", ["full", "faulty"])
def test_the_engines_agree(graphs: dict[str, Path], which: str) -> None:
    data = graphs[which]
    answers: dict[str, Any] = {
        "pySHACL": _pyshacl(data),
        "rdf-validate-shacl": _js("rdf-validate-shacl", data),
        "shacl-engine": _js("shacl-engine", data),
        "rolegraph validate": _rolegraph(data),
    }
    expected = sorted({(s, ID + f) for *_, (s, f) in FAULTS if s}) if which == "faulty" else []
    for engine, (conforms, found) in answers.items():
        assert found == expected, (engine, found)
        assert conforms == (which == "full"), engine
