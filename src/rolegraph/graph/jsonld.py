"""Compact, deterministic JSON-LD with the rolegraph context (``ontology/context.jsonld``).

Each subject becomes one node object; properties use the prefixes of
:data:`rolegraph.model.vocab.PREFIXES`; plain strings are JSON strings, language-tagged
ones ``{"@value", "@language"}``, every other literal (integers included, so their
lexical form is kept) ``{"@value", "@type"}``. The output expands to exactly the
graph's triples (a test parses it back and compares). The context is written inline (the
same object as ``ontology/context.jsonld``), so a file reads without fetching anything.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rolegraph.model.vocab import PREFIXES, RDF, XSD, short_iri

if TYPE_CHECKING:
    import pyoxigraph as ox

_TYPE = RDF + "type"


compact = short_iri


def context() -> dict[str, Any]:
    """The JSON-LD context: the prefixes (also published as ontology/context.jsonld)."""
    return {"@context": dict(PREFIXES)}


def _value(o: ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple) -> Any:
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
        return o.value
    return {"@value": o.value, "@type": compact(dtype)}


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
        node.setdefault(compact(t.predicate.value), []).append(_value(t.object))
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
