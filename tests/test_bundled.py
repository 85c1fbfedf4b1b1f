"""The bundled data (the Machine learning engineer page) as a graph: the facts of issue 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rolegraph.combine.framework import load_framework
from rolegraph.graph.build import build_graph
from rolegraph.graph.store import RoleGraph

PREFIXES = """
PREFIX rg: <https://w3id.org/rolegraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


@pytest.fixture(scope="module")
def graph() -> RoleGraph:
    return build_graph(load_framework())


def rows(graph: RoleGraph, sparql: str) -> list[tuple[Any, ...]]:
    return [
        tuple(None if t is None else t.value for t in row) for row in graph.query(PREFIXES + sparql)
    ]


def tier_of(graph: RoleGraph, level: str, skill: str) -> list[str]:
    return [
        r[0]
        for r in rows(
            graph,
            f"""SELECT ?tier WHERE {{
                ?req rg:roleLevel [ rdfs:label "{level}"@en ] ;
                     rg:skill [ skos:prefLabel|skos:altLabel "{skill}"@en ] ;
                     rg:tier [ rdfs:label ?tier ] .
            }}""",
        )
    ]


def test_lead_needs_systems_integration_at_expert(graph: RoleGraph) -> None:
    assert tier_of(graph, "Lead machine learning engineer", "Systems integration") == ["expert"]


def test_senior_needs_systems_integration_at_practitioner(graph: RoleGraph) -> None:
    assert tier_of(graph, "Senior machine learning engineer", "Systems integration") == [
        "practitioner"
    ]


def test_shares_exactly_three_skills_with_data_scientist(graph: RoleGraph) -> None:
    shared = rows(
        graph,
        """SELECT ?skill WHERE {
            ?set a rg:SharedSkillSet ;
                 rg:role [ rdfs:label "Machine learning engineer"@en ] ;
                 rg:relatedRole [ rdfs:label "Data scientist"@en ] ;
                 rg:sharedSkill [ rdfs:label ?skill ] .
        } ORDER BY ?skill""",
    )
    assert [r[0] for r in shared] == [
        "Applied maths, statistics and scientific practices",
        "Data ethics and privacy",
        "Data science innovation",
    ]


def test_shared_skills_table_has_five_rows(graph: RoleGraph) -> None:
    related = rows(
        graph,
        """SELECT ?other (COUNT(?skill) AS ?n) WHERE {
            ?set rg:relatedRole [ rdfs:label ?other ] ; rg:sharedSkill ?skill .
        } GROUP BY ?other ORDER BY ?other""",
    )
    assert related == [
        ("Analytics engineer", "1"),
        ("Data architect", "1"),
        ("Data scientist", "3"),
        ("Development operations (DevOps) engineer", "2"),
        ("Software developer", "2"),
    ]


def test_levels_are_ordered_senior_then_lead(graph: RoleGraph) -> None:
    order = rows(
        graph,
        """SELECT ?label ?rank WHERE {
            ?level rg:role [ rdfs:label "Machine learning engineer"@en ] ;
                   rdfs:label ?label ; rg:rank ?rank .
        } ORDER BY ?rank""",
    )
    assert order == [
        ("Senior machine learning engineer", "1"),
        ("Lead machine learning engineer", "2"),
    ]
    nxt = rows(
        graph,
        """SELECT ?a ?b WHERE { ?x rg:nextLevel ?y . ?x rdfs:label ?a . ?y rdfs:label ?b }""",
    )
    assert nxt == [("Senior machine learning engineer", "Lead machine learning engineer")]


def test_twelve_requirements_six_skills_two_levels(graph: RoleGraph) -> None:
    counts = rows(
        graph,
        """SELECT (COUNT(DISTINCT ?req) AS ?r) (COUNT(DISTINCT ?skill) AS ?s) (COUNT(DISTINCT ?lv) AS ?l)
           WHERE { ?req a rg:SkillRequirement ; rg:skill ?skill ; rg:roleLevel ?lv }""",
    )
    assert counts == [("12", "6", "2")]


def test_every_requirement_has_tier_and_descriptor(graph: RoleGraph) -> None:
    missing = rows(
        graph,
        """SELECT ?req WHERE { ?req a rg:SkillRequirement .
             FILTER NOT EXISTS { ?req rg:tier ?t ; rg:descriptor ?d } }""",
    )
    assert missing == []


def test_descriptor_as_written_for_the_level(graph: RoleGraph) -> None:
    text = rows(
        graph,
        """SELECT ?d WHERE { ?req rg:roleLevel [ rdfs:label "Lead machine learning engineer"@en ] ;
             rg:skill [ rdfs:label "Systems integration"@en ] ; rg:descriptor ?d }""",
    )
    assert text == [
        (
            "You can:\n"
            "- establish standards and procedures across a service product life cycle, including "
            "the development product life cycle, and can ensure that practitioners adhere to these\n"
            "- manage resources to ensure that the systems integration function works effectively",
        )
    ]


def test_role_description_and_responsibilities(graph: RoleGraph) -> None:
    (desc,) = rows(
        graph,
        """SELECT ?d WHERE { ?r a rg:Role ; rdfs:label "Machine learning engineer"@en ; dcterms:description ?d }""",
    )[0]
    assert desc.startswith("A machine learning engineer develops, assures and maintains")
    assert "In this role, you will:\n- be responsible for the software development" in desc
    assert desc.count("\n- ") == 4


def test_level_descriptions(graph: RoleGraph) -> None:
    got = dict(
        rows(
            graph,
            """SELECT ?l ?d WHERE { ?x a rg:RoleLevel ; rdfs:label ?l ; dcterms:description ?d }""",
        )
    )
    assert got["Senior machine learning engineer"].count("\n- ") == 5
    assert got["Lead machine learning engineer"].count("\n- ") == 7


def test_provenance_title_date_licence(graph: RoleGraph) -> None:
    got = rows(
        graph,
        """SELECT ?title ?issued ?licence WHERE {
            ?d dcterms:source ?s . ?s dcterms:title ?title ; dcterms:issued ?issued ;
               dcterms:license ?licence }""",
    )
    assert got == [
        (
            "Machine learning engineer",
            "2024-08-30",
            "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        )
    ]
    # DCMI ranges: the rights a RightsStatement, the publisher an organisation, by name
    rights = rows(
        graph,
        "SELECT ?r ?text WHERE { ?d dcterms:rights ?r . ?r a dcterms:RightsStatement ; "
        "rdfs:label ?text }",
    )
    assert rights == [
        (
            "https://w3id.org/rolegraph/id/rights/crown-copyright",
            "Crown copyright. Contains public sector information licensed under the Open "
            "Government Licence v3.0.",
        )
    ]
    publisher = rows(
        graph,
        "PREFIX foaf: <http://xmlns.com/foaf/0.1/> SELECT ?name WHERE { ?d dcterms:publisher "
        "?p . ?p a foaf:Organization ; foaf:name ?name }",
    )
    assert publisher == [("Government Digital and Data Profession",)]
    kinds = rows(graph, "SELECT ?type ?kind WHERE { ?s rg:sourceKind ?kind ; dcterms:type ?type }")
    assert kinds == [("http://purl.org/dc/dcmitype/Text", "role-page")]


def test_seed_skill_name_is_an_alternative_label(graph: RoleGraph) -> None:
    got = rows(
        graph,
        """SELECT ?pref ?alt WHERE { ?s a rg:Skill ; skos:prefLabel ?pref ; skos:altLabel ?alt }""",
    )
    assert got == [("Data ethics and privacy", "Ethics and privacy (data science)")]


def test_role_links_to_official_page(graph: RoleGraph) -> None:
    got = rows(
        graph,
        """PREFIX schema: <http://schema.org/>
           SELECT ?url WHERE { ?r rdfs:label "Machine learning engineer"@en ; schema:url ?url }""",
    )
    assert got == [
        ("https://ddat-capability-framework.service.gov.uk/role/machine-learning-engineer",)
    ]


def test_the_ladder_links_only_ranked_levels() -> None:
    """A level whose rank is unknown gets no nextLevel/previousLevel: it has no place."""
    from rolegraph.model.records import Framework, Role, RoleLevel

    fw = Framework(
        roles=[Role("Tester")],
        levels=[
            RoleLevel("Tester", "Junior tester", rank=1),
            RoleLevel("Tester", "Senior tester", rank=2),
            RoleLevel("Tester", "Acting tester"),
        ],
    )
    graph = build_graph(fw)
    nxt = rows(
        graph,
        """SELECT ?a ?b WHERE { ?x rg:nextLevel ?y . ?x rdfs:label ?a . ?y rdfs:label ?b }""",
    )
    assert nxt == [("Junior tester", "Senior tester")]
    prev = rows(graph, "SELECT ?x WHERE { ?x rg:previousLevel ?y }")
    assert len(prev) == 1


def test_a_key_given_twice_in_a_role_file_is_refused(tmp_path: Path) -> None:
    """PyYAML keeps the last of two equal keys; a bundled file names the repeated line."""
    from rolegraph.errors import InputError
    from rolegraph.model import paths
    from rolegraph.sources.bundled import load_role_yaml

    text = (paths.data_dir() / "roles" / "machine-learning-engineer.yaml").read_text("utf-8")
    lines = text.splitlines()
    at = lines.index("- name: Senior machine learning engineer")
    lines.insert(at + 1, "  name: Another")
    f = tmp_path / "twice.yaml"
    f.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(InputError) as caught:
        load_role_yaml(f)
    assert str(caught.value) == (
        f"twice.yaml, line {at + 2}: 'name' is given again (first at line {at + 1}) "
        "(give each key once (see data/README.md))"
    )
