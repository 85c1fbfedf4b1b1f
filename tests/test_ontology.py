"""The ontology and shapes: well-formed, documented, and in step with the code."""

from __future__ import annotations

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from rolegraph.combine.framework import load_framework
from rolegraph.graph.build import build_graph
from rolegraph.model import paths, vocab

RG = rdflib.Namespace(vocab.RG)


def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(paths.ontology_file(), format="turtle")


def test_has_version_iri_and_metadata() -> None:
    g = ontology()
    onto = rdflib.URIRef(vocab.ONTOLOGY_IRI)
    assert (onto, RDF.type, OWL.Ontology) in g
    assert g.value(onto, OWL.versionIRI) == rdflib.URIRef(vocab.ONTOLOGY_VERSION_IRI)
    assert str(g.value(onto, OWL.versionInfo)) == vocab.ONTOLOGY_VERSION


def test_every_term_has_a_label_and_a_definition() -> None:
    g = ontology()
    terms = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        terms |= set(g.subjects(RDF.type, kind))
    assert len(terms) >= 25
    for term in terms:
        assert g.value(term, RDFS.label) is not None, term
        assert g.value(term, SKOS.definition) is not None, term


def test_every_rg_term_the_build_uses_is_defined() -> None:
    g = ontology()
    defined = {s for s in g.subjects() if str(s).startswith(vocab.RG)}
    graph = build_graph(load_framework()).to_rdflib()
    used = {p for p in graph.predicates() if str(p).startswith(vocab.RG)}
    used |= {o for o in graph.objects(None, RDF.type) if str(o).startswith(vocab.RG)}
    assert used, "the build uses rolegraph terms"
    assert used <= defined, used - defined


def test_tiers_are_a_ranked_skos_scheme_matching_the_code() -> None:
    g = ontology()
    scheme = rdflib.URIRef(vocab.TIER_NS + "scheme")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in g
    ranks = {
        str(g.value(t, SKOS.prefLabel)): int(str(g.value(t, RG.rank)))
        for t in g.subjects(SKOS.inScheme, scheme)
    }
    assert ranks == vocab.TIER_RANK
    for tier in vocab.TIERS:
        t = rdflib.URIRef(vocab.tier_iri(tier))
        assert (t, RDF.type, RG.ProficiencyTier) in g
        assert (scheme, SKOS.hasTopConcept, t) in g


def test_aligned_with_skos_schema_and_dcterms() -> None:
    g = ontology()
    assert (RG.Skill, RDFS.subClassOf, SKOS.Concept) in g
    # schema.org's namespace as its own JSON-LD context expands it: http, not https
    assert (RG.Skill, RDFS.subClassOf, rdflib.URIRef("http://schema.org/DefinedTerm")) in g
    assert (RG.Role, RDFS.subClassOf, rdflib.URIRef("http://schema.org/Occupation")) in g
    # rg:family is no sub-property of skos:broader: an RDFS reasoner would otherwise make
    # every role a SKOS concept outside any scheme
    assert not list(g.objects(RG.family, RDFS.subPropertyOf))


def test_shapes_parse_and_target_every_class() -> None:
    shapes = rdflib.Graph().parse(paths.shapes_file(), format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    targets = set(shapes.objects(None, sh.targetClass))
    for cls in ("RoleFamily", "Role", "RoleLevel", "Skill", "ProficiencyTier", "SkillRequirement"):
        assert RG[cls] in targets


def test_slugs_are_stable() -> None:
    assert vocab.slugify("Programming and build (software engineering)") == (
        "programming-and-build-software-engineering"
    )
    assert (
        vocab.slugify("Head of (Agile) delivery management") == "head-of-agile-delivery-management"
    )
    assert vocab.slugify("Développeur  –  Senior") == "developpeur-senior"
    assert vocab.role_page_url("Development operations (DevOps) engineer").endswith(
        "/role/development-operations-devops-engineer"
    )
