"""Standard vocabulary use: English texts tagged @en, DCMI ranges, SKOS schemes, the
schema.org Occupation terms and namespace, typed notations, and a JSON-LD context whose
compact JSON reads like plain JSON and expands to the same graph (pyld; jsonld.js in
test_formats)."""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from rolegraph.cli import cli
from rolegraph.combine.framework import load_framework
from rolegraph.graph.build import build_graph, ontology_triples
from rolegraph.graph.export import serialize, sorted_ntriples
from rolegraph.graph.jsonld import TERMS
from rolegraph.graph.open import open_graph
from rolegraph.graph.runner import LocalRunner
from rolegraph.graph.store import RoleGraph
from rolegraph.model.vocab import PREFIXES, RG, SCHEMA, sparql_prefixes
from rolegraph.sparql.catalogue import load_catalogue

PREFIX = sparql_prefixes(*PREFIXES)
#: the properties whose values are natural-language text
TEXTS = (
    "rdfs:label",
    "skos:prefLabel",
    "skos:altLabel",
    "skos:definition",
    "skos:changeNote",
    "dcterms:title",
    "dcterms:description",
    "schema:name",
    "foaf:name",
)


@pytest.fixture(scope="module")
def graph() -> RoleGraph:
    """The bundled graph with the ontology's triples."""
    plain = open_graph()
    return RoleGraph.from_triples([*plain.triples(), *ontology_triples()])


def values(graph: RoleGraph, sparql: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in graph.query(PREFIX + sparql)]


def untagged_texts(graph: RoleGraph) -> list[tuple[Any, ...]]:
    """Natural-language literals that are not English-tagged (should be none)."""
    paths = " | ".join(TEXTS)
    return values(
        graph,
        f"SELECT ?s ?o WHERE {{ ?s {paths} ?o FILTER (!isLiteral(?o) || LANG(?o) != 'en') }}",
    )


def test_every_natural_language_text_is_english(graph: RoleGraph) -> None:
    assert untagged_texts(graph) == []
    counted = values(
        graph,
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s {' | '.join(TEXTS)} ?o FILTER (LANG(?o) = 'en') }}",
    )
    assert int(counted[0][0].value) > 100  # labels, names, descriptions, definitions
    # codes and texts quoted from the sources stay plain strings
    kinds = values(
        graph,
        "SELECT DISTINCT (DATATYPE(?o) AS ?t) WHERE { ?s rg:rankBasis|rg:descriptor|rg:sourceKind ?o }",
    )
    assert [t[0].value for t in kinds] == ["http://www.w3.org/2001/XMLSchema#string"]


@pytest.mark.framework
def test_the_whole_framework_has_no_untagged_text(full_build: Any) -> None:
    _, _, full = full_build
    assert untagged_texts(full) == []


def test_dcmi_ranges_are_resources(graph: RoleGraph) -> None:
    got = values(
        graph,
        """SELECT ?licence ?rights ?statement ?publisher ?name WHERE {
            ?d a dcat:Dataset ; dcterms:license ?licence ; dcterms:rights ?rights ;
               dcterms:publisher ?publisher .
            ?rights a dcterms:RightsStatement ; rdfs:label ?statement .
            ?publisher a foaf:Organization ; foaf:name ?name ; rdfs:label ?name .
            ?licence a dcterms:LicenseDocument }""",
    )
    assert [tuple(str(t) for t in row) for row in got] == [
        (
            "<http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/>",
            "<https://w3id.org/rolegraph/id/rights/crown-copyright>",
            '"Crown copyright. Contains public sector information licensed under the Open '
            'Government Licence v3.0."@en',
            "<https://w3id.org/rolegraph/id/agent/government-digital-and-data-profession>",
            '"Government Digital and Data Profession"@en',
        )
    ]
    kinds = values(
        graph,
        "SELECT ?type ?kind WHERE { ?s a prov:Entity ; dcterms:type ?type ; rg:sourceKind ?kind }",
    )
    assert [(str(t), k.value) for t, k in kinds] == [
        ("<http://purl.org/dc/dcmitype/Text>", "role-page")
    ]
    assert (
        values(
            graph,
            "SELECT ?o WHERE { ?s dcterms:license|dcterms:rights|dcterms:publisher|dcterms:type ?o FILTER isLiteral(?o) }",
        )
        == []
    )


def test_families_and_skills_are_top_concepts_of_their_schemes(graph: RoleGraph) -> None:
    for cls, scheme in (("rg:RoleFamily", "rg:FamilyScheme"), ("rg:Skill", "rg:SkillScheme")):
        missing = values(
            graph,
            f"""SELECT ?c WHERE {{ ?c a {cls} FILTER NOT EXISTS {{
                ?c skos:inScheme {scheme} ; skos:topConceptOf {scheme} .
                {scheme} a skos:ConceptScheme ; skos:hasTopConcept ?c }} }}""",
        )
        assert missing == []
        assert values(graph, f"SELECT ?c WHERE {{ ?c a {cls} }}")


def test_roles_are_no_skos_concepts_by_inference(graph: RoleGraph) -> None:
    """rg:family is no sub-property of skos:broader (whose domain is skos:Concept), so an
    RDFS reasoner does not make every role a SKOS concept outside any scheme."""
    assert values(graph, "SELECT ?super WHERE { rg:family rdfs:subPropertyOf+ ?super }") == []


def test_occupations_have_schema_name_and_skills(graph: RoleGraph) -> None:
    for cls, link in (("rg:Role", "rg:usesSkill"), ("rg:RoleLevel", "rg:requiresSkill")):
        odd = values(
            graph,
            f"""SELECT ?x WHERE {{ ?x a {cls} ; rdfs:label ?label .
                FILTER (NOT EXISTS {{ ?x schema:name ?label }}
                    || EXISTS {{ ?x {link} ?s FILTER NOT EXISTS {{ ?x schema:skills ?s }} }}
                    || EXISTS {{ ?x schema:skills ?s FILTER NOT EXISTS {{ ?x {link} ?s }} }}) }}""",
        )
        assert odd == []
    used = values(graph, "SELECT (COUNT(*) AS ?n) WHERE { ?x schema:skills ?s }")
    assert int(used[0][0].value) > 10
    assert (
        values(
            graph,
            "SELECT ?x WHERE { ?x schema:name ?n FILTER NOT EXISTS { ?x a rg:Role } FILTER NOT EXISTS { ?x a rg:RoleLevel } }",
        )
        == []
    )


def test_one_schema_org_namespace_as_its_own_context_expands_it() -> None:
    assert SCHEMA == "http://schema.org/"
    for fmt in ("nt", "turtle", "jsonld"):
        data = CliRunner().invoke(cli, ["export", "-f", fmt, "--with-ontology"]).stdout
        assert "https://schema.org" not in data, fmt
        assert "http://schema.org/" in data, fmt


def test_notations_are_typed(graph: RoleGraph) -> None:
    got = values(graph, "SELECT ?tier ?n WHERE { ?tier skos:notation ?n } ORDER BY ?n")
    assert [(str(t).rsplit("/", 1)[1][:-1], n.value, n.datatype.value) for t, n in got] == [
        (tier, str(rank), RG + "TierNotation")
        for rank, tier in enumerate(("awareness", "working", "practitioner", "expert"), 1)
    ]
    assert values(graph, "SELECT ?d WHERE { rg:TierNotation a rdfs:Datatype }")


def test_compact_jsonld_reads_like_plain_json() -> None:
    doc = json.loads(serialize(open_graph(), "jsonld"))
    nodes = {n["@id"]: n for n in doc["@graph"]}
    role = nodes["role:machine-learning-engineer"]
    assert role["@type"] == "rg:Role"
    assert role["label"] == role["prefLabel"] == role["name"] == "Machine learning engineer"
    assert role["inFamily"] == "family:data"
    assert "skill:systems-integration" in role["usesSkill"]
    assert role["skills"] == role["usesSkill"]
    level = nodes["level:machine-learning-engineer--lead-machine-learning-engineer"]
    assert level["rank"] == 2 and level["ofRole"] == "role:machine-learning-engineer"
    assert level["rankBasis"] == "stated"  # a plain string: xsd:string, no language
    tier = nodes["tier:working"]
    assert tier["notation"] == {"@value": "2", "@type": "rg:TierNotation"}
    # every property of the graph has a term: no key is a compact IRI
    keys = {k for n in doc["@graph"] for k in n}
    assert keys - set(TERMS) - {"@id", "@type"} == set()
    assert set(doc["@context"]) == {*PREFIXES, *TERMS}


def test_the_published_context_is_the_code_s() -> None:
    from rolegraph.graph.jsonld import context_text
    from rolegraph.model import paths

    assert paths.context_file().read_text(encoding="utf-8") == context_text(), (
        "regenerate it: .venv/bin/python scripts/write_context.py"
    )


def test_pyld_reads_the_compact_jsonld_as_the_same_graph(tmp_path: Any) -> None:
    from pyld import jsonld

    def refuse(url: str, options: Any = None) -> Any:
        raise AssertionError(f"pyld tried to fetch {url}")

    for source in (None, "odd"):
        if source is None:
            graph = open_graph()
        else:
            path = tmp_path / "odd.ttl"
            path.write_text(
                "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                '<http://e/x> rdfs:label "plain" , "anglais"@en , "français"@fr , 3 ;\n'
                '  <https://w3id.org/rolegraph/ontology#family> "not an IRI" , <http://e/f> ;\n'
                '  <https://w3id.org/rolegraph/ontology#rank> "007"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
                encoding="utf-8",
            )
            graph = open_graph(path)
        doc = json.loads(serialize(graph, "jsonld"))
        nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": refuse})
        got = {str(q) for q in ox.parse(nquads.encode(), format=ox.RdfFormat.N_QUADS)}
        want = {str(q) for q in ox.parse(sorted_ntriples(graph), format=ox.RdfFormat.N_QUADS)}
        assert got == want, source


def test_a_name_resolves_to_its_english_label() -> None:
    runner = LocalRunner(build_graph(load_framework()))
    assert runner.find_exact(RG + "Role", "Machine learning engineer") == [
        "https://w3id.org/rolegraph/id/role/machine-learning-engineer"
    ]


def test_saved_queries_give_labels_as_plain_text(runner: CliRunner) -> None:
    """Labels are English in the graph, and each saved query gives their text: its JSON
    answer holds no language tag (the answers are as they were before the tags)."""
    answered = 0
    for name in load_catalogue():
        done = runner.invoke(cli, ["query", name, "-f", "json"])
        assert done.exit_code == 0, (name, done.output)
        assert "xml:lang" not in done.stdout, name
        answered += bool(json.loads(done.stdout)["results"]["bindings"])
    assert answered >= 12
