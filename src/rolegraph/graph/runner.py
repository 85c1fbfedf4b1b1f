from __future__ import annotations

from collections.abc import Mapping

from rolegraph.errors import QueryError
from rolegraph.graph.pool import QueryPool
from rolegraph.graph.store import RoleGraph
from rolegraph.sparql.binding import labels_of
from rolegraph.sparql.catalogue import RDF_TYPE, RDFS_LABEL, SKOS_ALT
from rolegraph.sparql.results import ResultTable, Term, from_oxigraph


class LocalRunner:
    """Runs on a :class:`RoleGraph` (Oxigraph); parameters bound by :func:`bind_values`."""

    def __init__(self, graph: RoleGraph, pool: QueryPool | None = None) -> None:
        """``pool``: run the queries in its worker processes, within its bounds (see
        :mod:`rolegraph.graph.pool`); without one they run in this process."""
        self.graph = graph
        self.pool = pool
        self._labels: dict[str, list[tuple[str, str]]] = {}

    def select(self, sparql: str, bindings: Mapping[str, Term]) -> ResultTable:
        if self.pool is not None:
            text, dataset = self.graph.prepare(sparql, bindings)
            solutions = self.pool.run(text, dataset=dataset).solutions()
        else:
            solutions = self.graph.query(sparql, bindings)
        if not hasattr(solutions, "variables"):
            raise QueryError("only SELECT queries give a result table")
        return from_oxigraph(solutions)

    def ask_labels(self, class_iri: str) -> list[tuple[str, str]]:
        # rolegraph's own lookup, a fixed query: run here (once per class), never waiting
        # for a worker, so a server can bind a parameter on its event loop.
        return labels_of(LocalRunner(self.graph), class_iri, self._labels)

    def find_exact(self, class_iri: str, name: str) -> list[str]:
        """Things of ``class_iri`` labelled exactly ``name`` (an index lookup, no query),
        in English (the graph's labels are ``@en``) or without a language tag."""
        import pyoxigraph as ox

        graph = self.graph
        rdf_type = ox.NamedNode(RDF_TYPE)
        cls = ox.NamedNode(class_iri)
        found = set()
        texts = (ox.Literal(name, language="en"), ox.Literal(name))
        for predicate, text in ((p, t) for p in (RDFS_LABEL, SKOS_ALT) for t in texts):
            for triple in graph.pattern(None, ox.NamedNode(predicate), text):
                subject = triple.subject
                if isinstance(subject, ox.NamedNode) and next(
                    iter(graph.pattern(subject, rdf_type, cls)), None
                ):
                    found.add(subject.value)
        return sorted(found)
