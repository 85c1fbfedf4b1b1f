"""What ``rolegraph serve`` reads the graph through: a :class:`Backend`.

Every route asks the backend, never a store directly, so one app serves either

* :class:`EmbeddedBackend`: a graph file or store folder opened once, read-only, its
  queries run in the bounded worker processes of :class:`~rolegraph.graph.pool.QueryPool`;
* :class:`~.remote.RemoteBackend`: a remote SPARQL endpoint (Oxigraph server, Virtuoso,
  Fuseki, GraphDB), asked over HTTP.

A backend answers SPARQL already through the query gate, serialised in the format asked
for (:class:`~rolegraph.graph.pool.Answer`), and a few lookups the pages need (a
resource's triples, labels, counts).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from rolegraph.graph.releases import list_releases
from rolegraph.graph.runner import LocalRunner
from rolegraph.graph.store import graph_stats
from rolegraph.model.vocab import PREFIXES, RDF, RDFS

if TYPE_CHECKING:
    import pyoxigraph as ox

    from rolegraph.graph.pool import Answer, QueryPool
    from rolegraph.graph.releases import Release
    from rolegraph.graph.store import RoleGraph
    from rolegraph.sparql.binding import Runner

#: the links to a resource a page shows (the rest are counted)
MAX_INCOMING = 500


class Backend(Protocol):
    """The graph behind the app."""

    #: the release served, when the store holds several
    release: str | None

    @property
    def modified(self) -> float:
        """When the data last changed (seconds since the epoch), for Last-Modified."""
        ...

    def describe(self) -> str:
        """Where the data is, for the start-up line and the home page."""
        ...

    def run(
        self,
        sparql: str,
        *,
        defaults: Sequence[str] = (),
        named: Sequence[str] = (),
        results_format: str = "JSON",
        graph_format: str = "N_TRIPLES",
        cancelled: Callable[[], bool] | None = None,
    ) -> Answer:
        """Run a query from a client (the gate applied here), over the protocol's
        dataset (``defaults``, ``named``) when given; its answer serialised as asked
        (pyoxigraph format names)."""
        ...

    def runner(self) -> Runner:
        """A runner for saved queries (parameters bound as terms)."""
        ...

    def about(self, iri: str) -> tuple[list[ox.Triple], list[ox.Triple], int]:
        """A resource's own triples, up to :data:`MAX_INCOMING` of the triples that
        point at it, and how many point at it in all."""
        ...

    def labels(self, iris: Sequence[str]) -> dict[str, str]:
        """The rdfs:label of each IRI that has one."""
        ...

    def stats(self) -> dict[str, int]:
        """Counts of the graph's things, and its triples."""
        ...

    def typed(self, class_iri: str) -> list[tuple[str, str]]:
        """(IRI, label) of every labelled thing of a class, sorted."""
        ...

    def ntriples(self) -> bytes:
        """The whole graph (or release) as N-Triples."""
        ...

    def releases(self) -> list[Release]:
        """The releases the store holds, in order (see :mod:`rolegraph.graph.releases`);
        none for a graph of one release. Each is a named graph that ``run`` reaches
        with ``defaults=[release.iri]``."""
        ...

    def close(self) -> None: ...


class EmbeddedBackend:
    """A graph in this process; client queries run in ``pool``'s worker processes."""

    def __init__(self, graph: RoleGraph, pool: QueryPool, *, modified: float | None = None) -> None:
        self.graph = graph
        self.pool = pool
        self.release = graph.release
        self.modified = modified if modified is not None else time.time()
        self._runner = LocalRunner(graph, pool)
        self._lock = threading.Lock()
        self._stats: dict[str, int] | None = None

    def describe(self) -> str:
        return self.graph.location

    def run(
        self,
        sparql: str,
        *,
        defaults: Sequence[str] = (),
        named: Sequence[str] = (),
        results_format: str = "JSON",
        graph_format: str = "N_TRIPLES",
        cancelled: Callable[[], bool] | None = None,
    ) -> Answer:
        text, dataset = self.graph.prepare(sparql)
        # The protocol's dataset overrides the query's FROM; with neither, the query
        # sees the served graph (or release).
        if defaults or named:
            dataset = protocol_dataset(defaults, named)
        return self.pool.run(
            text,
            dataset=dataset,
            results_format=results_format,
            graph_format=graph_format,
            prefixes=PREFIXES,
            spreadsheet_safe=True,
            cancelled=cancelled,
        )

    def runner(self) -> Runner:
        return self._runner

    def about(self, iri: str) -> tuple[list[ox.Triple], list[ox.Triple], int]:
        import pyoxigraph as ox

        node = ox.NamedNode(iri)
        own = list(self.graph.pattern(node, None, None))
        incoming = sorted(
            self.graph.pattern(None, None, node), key=lambda t: (t.predicate.value, str(t.subject))
        )
        return own, incoming[:MAX_INCOMING], len(incoming)

    def labels(self, iris: Sequence[str]) -> dict[str, str]:
        import pyoxigraph as ox

        label = ox.NamedNode(RDFS + "label")
        out = {}
        for iri in set(iris):
            if iri.startswith("http"):
                found = next(iter(self.graph.pattern(ox.NamedNode(iri), label, None)), None)
                if found is not None and isinstance(found.object, ox.Literal):
                    out[iri] = found.object.value
        return out

    def stats(self) -> dict[str, int]:
        with self._lock:
            if self._stats is None:
                self._stats = graph_stats(self.graph)
            return dict(self._stats)

    def typed(self, class_iri: str) -> list[tuple[str, str]]:
        import pyoxigraph as ox

        rdf_type = ox.NamedNode(RDF + "type")
        label = ox.NamedNode(RDFS + "label")
        out = []
        for t in self.graph.pattern(None, rdf_type, ox.NamedNode(class_iri)):
            found = next(iter(self.graph.pattern(t.subject, label, None)), None)
            subject, value = t.subject, None if found is None else found.object
            if isinstance(subject, ox.NamedNode) and isinstance(value, ox.Literal):
                out.append((subject.value, value.value))
        return sorted(out)

    def ntriples(self) -> bytes:
        return self.graph.ntriples()

    def releases(self) -> list[Release]:
        return list_releases(self.graph.store)

    def close(self) -> None:
        self.pool.close()


def protocol_dataset(defaults: Sequence[str], named: Sequence[str]) -> dict[str, Any]:
    """The dataset the protocol's default-graph-uri and named-graph-uri name
    (``store.query`` keyword arguments); ValueError for one that is not an IRI."""
    import pyoxigraph as ox

    dataset: dict[str, Any] = {}
    try:
        if defaults:
            dataset["default_graph"] = [ox.NamedNode(u) for u in defaults]
        if named:
            dataset["named_graphs"] = [ox.NamedNode(u) for u in named]
    except ValueError as exc:
        raise ValueError(
            f"default-graph-uri / named-graph-uri must be absolute IRIs: {exc}"
        ) from None
    return dataset


__all__ = ["MAX_INCOMING", "Backend", "EmbeddedBackend", "protocol_dataset"]
