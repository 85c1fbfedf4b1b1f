"""Compact, deterministic JSON-LD with the rolegraph context (``ontology/context.jsonld``).

Each subject becomes one node object. The context defines the prefixes of
:data:`rolegraph.model.vocab.PREFIXES` and a term for each property the graph uses
(:data:`TERMS`), so a node reads like plain JSON::

    {"@id": "role:data-scientist", "@type": "rg:Role", "label": "Data scientist",
     "inFamily": "family:data", "usesSkill": ["skill:data-ethics", ...]}

A term says how its plain values read: as IRIs (``@type: @id``), as English text
(``@language: en``) or as they are (strings are xsd:string, whole numbers
xsd:integer). A value that does not fit its term's coercion is written in full
(``{"@value", "@type"}``, ``{"@value", "@language"}``, ``{"@id"}``), and so is every value
of a property without a term, so the output expands to exactly the graph's triples
(jsonld.js and pyld read it back to the same graph; the tests check). The context is
written inline (the same object as ``ontology/context.jsonld``), so a file reads without
fetching anything.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from rolegraph.model.vocab import (
    DCAT,
    DCTERMS,
    FOAF,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    RG,
    SCHEMA,
    SKOS,
    XSD,
    short_iri,
)

if TYPE_CHECKING:
    import pyoxigraph as ox

_TYPE = RDF + "type"
_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")

compact = short_iri

#: how a term's plain JSON values read: IRIs, English texts, or as they are
ID, EN, PLAIN = "@id", "en", "plain"
#: term -> (property IRI, coercion). Properties whose local name is also a prefix
#: (rg:family and family:, rg:role and role:, ...) get another name.
TERMS: dict[str, tuple[str, str]] = {
    "label": (RDFS + "label", EN),
    "comment": (RDFS + "comment", EN),
    "seeAlso": (RDFS + "seeAlso", ID),
    "prefLabel": (SKOS + "prefLabel", EN),
    "altLabel": (SKOS + "altLabel", EN),
    "definition": (SKOS + "definition", EN),
    "changeNote": (SKOS + "changeNote", EN),
    "inScheme": (SKOS + "inScheme", ID),
    "topConceptOf": (SKOS + "topConceptOf", ID),
    "hasTopConcept": (SKOS + "hasTopConcept", ID),
    "notation": (SKOS + "notation", PLAIN),
    "title": (DCTERMS + "title", EN),
    "description": (DCTERMS + "description", EN),
    "license": (DCTERMS + "license", ID),
    "rights": (DCTERMS + "rights", ID),
    "publisher": (DCTERMS + "publisher", ID),
    "fromSource": (DCTERMS + "source", ID),
    "conformsTo": (DCTERMS + "conformsTo", ID),
    "dcType": (DCTERMS + "type", ID),
    "issued": (DCTERMS + "issued", PLAIN),
    "modified": (DCTERMS + "modified", PLAIN),
    "wasDerivedFrom": (PROV + "wasDerivedFrom", ID),
    "foafName": (FOAF + "name", EN),
    "name": (SCHEMA + "name", EN),
    "url": (SCHEMA + "url", ID),
    "skills": (SCHEMA + "skills", ID),
    "dataset": (DCAT + "dataset", ID),
    "inFamily": (RG + "family", ID),
    "ofRole": (RG + "role", ID),
    "roleLevel": (RG + "roleLevel", ID),
    "ofSkill": (RG + "skill", ID),
    "atTier": (RG + "tier", ID),
    "descriptorText": (RG + "descriptor", PLAIN),
    "tierDescriptor": (RG + "tierDescriptor", ID),
    "undefinedTier": (RG + "undefinedTier", ID),
    "untieredDescriptor": (RG + "untieredDescriptor", PLAIN),
    "requiresSkill": (RG + "requiresSkill", ID),
    "usesSkill": (RG + "usesSkill", ID),
    "relatedRole": (RG + "relatedRole", ID),
    "sharedSkill": (RG + "sharedSkill", ID),
    "sharesSkillsWith": (RG + "sharesSkillsWith", ID),
    "nextLevel": (RG + "nextLevel", ID),
    "previousLevel": (RG + "previousLevel", ID),
    "rank": (RG + "rank", PLAIN),
    "rankBasis": (RG + "rankBasis", PLAIN),
    "grade": (RG + "grade", PLAIN),
    "release": (RG + "release", PLAIN),
    "sourceKind": (RG + "sourceKind", PLAIN),
    "triples": (RG + "triples", PLAIN),
}
_TERM_OF = {iri: (term, how) for term, (iri, how) in TERMS.items()}
assert not set(TERMS) & set(PREFIXES), "a term may not hide a prefix"


def _definition(iri: str, how: str) -> str | dict[str, str]:
    if how == ID:
        return {"@id": compact(iri), "@type": "@id"}
    if how == EN:
        return {"@id": compact(iri), "@language": "en"}
    return compact(iri)


def context() -> dict[str, Any]:
    """The JSON-LD context: the prefixes and the terms (also published as
    ontology/context.jsonld)."""
    terms = {term: _definition(iri, how) for term, (iri, how) in TERMS.items()}
    return {"@context": {**PREFIXES, **terms}}


def context_text() -> str:
    """``ontology/context.jsonld`` as it must read (``scripts/write_context.py`` writes it)."""
    return json.dumps(context(), indent=2) + "\n"


def _full(o: ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple) -> Any:
    """A value written so that it reads the same under any term (or none)."""
    import pyoxigraph as ox

    if isinstance(o, ox.Triple):
        raise ValueError("RDF-star triples cannot be written as JSON-LD 1.1")
    if isinstance(o, ox.NamedNode):
        return {"@id": compact(o.value)}
    if isinstance(o, ox.BlankNode):
        return {"@id": f"_:{o.value}"}
    if o.language:
        return {"@value": o.value, "@language": o.language}
    dtype = o.datatype.value
    if dtype == XSD + "string":
        return {"@value": o.value}
    return {"@value": o.value, "@type": compact(dtype)}


def _value(o: ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple, how: str | None) -> Any:
    """A value under a term that reads plain values ``how`` (None: no term): a plain JSON
    value where it reads back as the same term, else in full."""
    import pyoxigraph as ox

    if how == ID and isinstance(o, ox.NamedNode | ox.BlankNode):
        return compact(o.value) if isinstance(o, ox.NamedNode) else f"_:{o.value}"
    if not isinstance(o, ox.Literal) or how == ID:
        return _full(o)
    if how == EN:
        return o.value if o.language == "en" else _full(o)
    if o.language:
        return _full(o)
    dtype = o.datatype.value
    if dtype == XSD + "string":
        return o.value
    if how == PLAIN and dtype == XSD + "integer" and _INTEGER.fullmatch(o.value):
        return int(o.value)
    return _full(o)


def _id(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    raise ValueError(f"{term} cannot be a JSON-LD node identifier")


def to_jsonld(triples: list[ox.Triple]) -> bytes:
    import pyoxigraph as ox

    nodes: dict[str, dict[str, Any]] = {}
    for t in triples:
        sid = _id(t.subject)
        node = nodes.setdefault(sid, {"@id": sid})
        if t.predicate.value == _TYPE and not isinstance(t.object, ox.Literal):
            node.setdefault("@type", []).append(_id(t.object))
            continue
        # A literal rdf:type (legal RDF, if odd) is an ordinary property: "@type" takes IRIs.
        term, how = _TERM_OF.get(t.predicate.value, (None, None))
        key = term or compact(t.predicate.value)
        node.setdefault(key, []).append(_value(t.object, how))
    graph = []
    for sid in sorted(nodes):
        node = nodes[sid]
        out: dict[str, Any] = {}
        for key in sorted(node, key=lambda k: (not k.startswith("@"), k)):
            values = node[key]
            if isinstance(values, list):
                values = sorted(values, key=lambda x: json.dumps(x, sort_keys=True))
                out[key] = values[0] if len(values) == 1 else values
            else:
                out[key] = values
        graph.append(out)
    doc = {**context(), "@graph": graph}
    return (json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")
