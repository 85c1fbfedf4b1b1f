"""What the client tests of ``rolegraph serve`` share: RDF terms from every client in one
form to compare
(a term is ``("uri", iri)``, ``("bnode", id)`` or ``("literal", lexical, datatype,
language)``; a plain literal is an ``xsd:string``, a tagged one an ``rdf:langString``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.dom.minidom import Document, Element

import pyoxigraph as ox
import rdflib

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
Term = tuple[str, ...]
Row = dict[str, Term]


def literal(value: str, datatype: str | None, language: str | None) -> Term:
    if language:
        return ("literal", value, LANG_STRING, language.lower())
    return ("literal", value, datatype or XSD_STRING, "")


def from_oxigraph(term: Any) -> Term:
    if isinstance(term, ox.NamedNode):
        return ("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value)
    assert isinstance(term, ox.Literal), term
    return literal(term.value, term.datatype.value, term.language)


def from_rdflib(term: Any) -> Term:
    if isinstance(term, rdflib.URIRef):
        return ("uri", str(term))
    if isinstance(term, rdflib.BNode):
        return ("bnode", str(term))
    assert isinstance(term, rdflib.Literal), term
    return literal(str(term), str(term.datatype) if term.datatype else None, term.language)


def from_json(term: Mapping[str, str]) -> Term:
    """A term of SPARQL 1.1 Query Results JSON."""
    kind = term["type"]
    if kind == "uri":
        return ("uri", term["value"])
    if kind == "bnode":
        return ("bnode", term["value"])
    assert kind in ("literal", "typed-literal"), term
    return literal(term["value"], term.get("datatype"), term.get("xml:lang"))


def from_comunica(term: Mapping[str, str]) -> Term:
    """A term as tests/js/comunica-query.mjs prints it (RDF/JS)."""
    kind = term["termType"]
    if kind == "NamedNode":
        return ("uri", term["value"])
    if kind == "BlankNode":
        return ("bnode", term["value"])
    assert kind == "Literal", term
    return literal(term["value"], term["datatype"], term["language"])


def rows_of_oxigraph(solutions: Any) -> list[Row]:
    names = [v.value for v in solutions.variables]
    return [
        {name: from_oxigraph(s[name]) for name in names if s[name] is not None} for s in solutions
    ]


def rows_of_json(answer: Mapping[str, Any]) -> list[Row]:
    return [
        {name: from_json(term) for name, term in binding.items()}
        for binding in answer["results"]["bindings"]
    ]


def rows_of_xml(doc: Document) -> list[Row]:
    """The rows of SPARQL Query Results XML (as SPARQLWrapper gives it: a DOM)."""
    rows = []
    for result in doc.getElementsByTagName("result"):
        row: Row = {}
        for binding in result.getElementsByTagName("binding"):
            node = next(n for n in binding.childNodes if isinstance(n, Element))
            text = "".join(c.data for c in node.childNodes if hasattr(c, "data"))
            if node.tagName == "uri":
                row[binding.getAttribute("name")] = ("uri", text)
            elif node.tagName == "bnode":
                row[binding.getAttribute("name")] = ("bnode", text)
            else:
                assert node.tagName == "literal", node.tagName
                row[binding.getAttribute("name")] = literal(
                    text, node.getAttribute("datatype") or None, node.getAttribute("xml:lang")
                )
        rows.append(row)
    return rows


def boolean_of_xml(doc: Document) -> bool:
    (node,) = doc.getElementsByTagName("boolean")
    text = "".join(c.data for c in node.childNodes if hasattr(c, "data")).strip()
    assert text in ("true", "false"), text
    return text == "true"


def triples_of_oxigraph(triples: Any) -> set[tuple[Term, Term, Term]]:
    return {
        (from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object))
        for t in triples
    }


def triples_of_rdflib(graph: Any) -> set[tuple[Term, Term, Term]]:
    return {(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in graph}
