"""SPARQL engines other than rolegraph's own, for the portability tests: rdflib's
own SPARQL engine (the reference implementation many people use) as a query runner."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rolegraph.sparql.binding import labels_of
from rolegraph.sparql.results import ResultTable, Term, from_sparql_json


class RdflibRunner:
    """Runs queries with rdflib's SPARQL engine over a graph file read by rdflib."""

    def __init__(self, path: Path) -> None:
        import rdflib

        self.graph: Any = rdflib.Graph()
        self.graph.parse(str(path))
        self._labels: dict[str, list[tuple[str, str]]] = {}

    def select(self, sparql: str, bindings: Mapping[str, Term]) -> ResultTable:
        # rdflib joins a VALUES clause after evaluating the rest of the group (minutes and
        # gigabytes on the full framework); its own initBindings binds first, as a Python
        # user of rdflib would run a saved query.
        result = self.graph.query(sparql, initBindings={k: _rdflib(t) for k, t in bindings.items()})
        return from_sparql_json(json.loads(result.serialize(format="json")))

    def ask_labels(self, class_iri: str) -> list[tuple[str, str]]:
        return labels_of(self, class_iri, self._labels)


def _rdflib(term: Term) -> Any:
    import rdflib

    if term.kind == "uri":
        return rdflib.URIRef(term.value)
    if term.lang:
        return rdflib.Literal(term.value, lang=term.lang)
    return rdflib.Literal(
        term.value, datatype=rdflib.URIRef(term.datatype) if term.datatype else None
    )
