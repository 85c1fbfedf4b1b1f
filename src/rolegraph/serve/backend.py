"""What ``rolegraph serve`` reads the graph through: a :class:`Backend`.

Every route asks the backend, never a store directly, so one app serves either

* :class:`EmbeddedBackend`: a graph file or store folder opened once, read-only, its
  queries run in the bounded worker processes of :class:`~rolegraph.graph.pool.QueryPool`;
* :class:`~.remote.RemoteBackend`: a remote SPARQL endpoint (Oxigraph server, Virtuoso,
  Fuseki, GraphDB), asked over HTTP.

A backend answers SPARQL already through the query gate, serialised in the format asked
for (:class:`~rolegraph.graph.pool.Answer`), and a few lookups the pages need (a
resource's triples, labels, counts). The web server awaits answers with :func:`answer`
and :func:`saved_table`: a backend with the coroutines ``answer`` and ``select`` (as
:class:`EmbeddedBackend` has) is awaited on the event loop, any other runs on a worker
thread.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from starlette.concurrency import run_in_threadpool

from rolegraph.errors import QueryError
from rolegraph.graph.releases import list_releases
from rolegraph.graph.runner import LocalRunner
from rolegraph.graph.store import graph_stats
from rolegraph.model.vocab import PREFIXES, RDF, RDFS
from rolegraph.serve.cache import AnswerCache
from rolegraph.sparql.binding import bind_params, keep_columns, run_query
from rolegraph.sparql.catalogue import with_default_prefixes
from rolegraph.sparql.results import columns_json, from_oxigraph

if TYPE_CHECKING:
    import pyoxigraph as ox

    from rolegraph.graph.pool import Answer, QueryPool
    from rolegraph.graph.releases import Release
    from rolegraph.graph.store import RoleGraph
    from rolegraph.sparql.binding import Runner
    from rolegraph.sparql.catalogue import SavedQuery
    from rolegraph.sparql.results import ResultTable, Term

#: the links to a resource a page shows (the rest are counted)
MAX_INCOMING = 500
#: bytes of saved queries' texts kept with their parameters bound
BOUND_QUERIES = 4 * 1024 * 1024
#: an answer up to this size is written on the event loop (in well under a millisecond);
#: a larger one on a worker thread
WRITE_ON_LOOP = 256 * 1024


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

    def snapshot(self) -> RoleGraph:
        """The graph in this process, for what reads it whole (the explorer, the pages
        for people and the career tools): the embedded graph itself, or a copy of the
        remote one."""
        ...

    def close(self) -> None: ...


class EmbeddedBackend:
    """A graph in this process; client queries run in ``pool``'s worker processes, and
    their answers are kept in ``cache`` (none by default)."""

    def __init__(
        self,
        graph: RoleGraph,
        pool: QueryPool,
        *,
        modified: float | None = None,
        cache: AnswerCache | None = None,
    ) -> None:
        self.graph = graph
        self.pool = pool
        self.cache = cache if cache is not None else AnswerCache(0)
        self._bound = AnswerCache(BOUND_QUERIES)
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
        text, dataset = self._prepare(sparql, defaults, named, None)
        return self.pool.run(
            text,
            dataset=dataset,
            results_format=results_format,
            graph_format=graph_format,
            prefixes=PREFIXES,
            spreadsheet_safe=True,
            cancelled=cancelled,
        )

    async def answer(
        self,
        sparql: str,
        *,
        defaults: Sequence[str] = (),
        named: Sequence[str] = (),
        results_format: str = "JSON",
        graph_format: str = "N_TRIPLES",
        cancelled: Callable[[], bool] | None = None,
        bindings: Mapping[str, Term] | None = None,
        stream: bool = False,
    ) -> Answer:
        """:meth:`run` on the event loop (``bindings``: parameters bound as terms), the
        answer kept in the cache; with ``stream``, a large answer comes with the rest of
        it to read (``rest``, see :meth:`~rolegraph.graph.pool.QueryPool.run_async`),
        and is not kept."""
        text, dataset = self._prepare(sparql, defaults, named, bindings)
        key = (text, _frozen(dataset), results_format, graph_format)
        found = self.cache.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        answer = await self.pool.run_async(
            text,
            dataset=dataset,
            results_format=results_format,
            graph_format=graph_format,
            prefixes=PREFIXES,
            spreadsheet_safe=True,
            cancelled=cancelled,
            stream=stream,
        )
        if answer.rest is None:
            self.cache.put(key, answer, len(answer.data), len(text))
        return answer

    async def saved(
        self, query: SavedQuery, values: Mapping[str, str], fmt: str, cancelled: Callable[[], bool]
    ) -> str:
        """A saved query's answer written as ``fmt`` (csv, json, tsv), kept in the cache."""
        text, dataset = self._bound_query(query, values)
        key = (text, _frozen(dataset), "saved", fmt, query.columns)
        found = self.cache.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        answer = await self.pool.run_async(text, dataset=dataset, cancelled=cancelled)
        if answer.kind != "solutions":
            raise QueryError("only SELECT queries give a result table")
        if len(answer.data) > WRITE_ON_LOOP:
            written = await run_in_threadpool(write_saved, query, answer, fmt)
        else:
            written = write_saved(query, answer, fmt)
        self.cache.put(key, written, len(written), len(text))
        return written

    async def select(
        self, sparql: str, bindings: Mapping[str, Term], cancelled: Callable[[], bool]
    ) -> ResultTable:
        """A saved query's table, as :meth:`runner` ``.select`` gives it, on the event loop."""
        solutions = (await self.answer(sparql, bindings=bindings, cancelled=cancelled)).solutions()
        if not hasattr(solutions, "variables"):
            raise QueryError("only SELECT queries give a result table")
        return from_oxigraph(solutions)

    def _bound_query(
        self, query: SavedQuery, values: Mapping[str, str]
    ) -> tuple[str, dict[str, Any]]:
        """A saved query's text with ``values`` bound, through the gate, and its dataset
        (remembered: names resolve to the same IRIs while the data is read-only)."""
        key = (query.name, tuple(sorted(values.items())))
        found = self._bound.get(key)
        if found is None:
            bindings = bind_params(query, values, self._runner)
            found = self._prepare(with_default_prefixes(query.sparql), (), (), bindings)
            self._bound.put(key, found, len(found[0]), sum(len(k) + len(v) for k, v in key[1]))
        return found  # type: ignore[no-any-return]

    def _prepare(
        self,
        sparql: str,
        defaults: Sequence[str],
        named: Sequence[str],
        bindings: Mapping[str, Term] | None,
    ) -> tuple[str, dict[str, Any]]:
        text, dataset = self.graph.prepare(sparql, bindings)
        # The protocol's dataset overrides the query's FROM; with neither, the query
        # sees the served graph (or release).
        if defaults or named:
            dataset = protocol_dataset(defaults, named)
        return text, dataset

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

    def snapshot(self) -> RoleGraph:
        return self.graph

    def close(self) -> None:
        self.pool.close()


def _frozen(dataset: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """A dataset (``store.query`` keyword arguments) as part of a cache key."""
    return tuple(
        (key, tuple(str(v) for v in value) if isinstance(value, list) else value)
        for key, value in sorted(dataset.items())
    )


def write_saved(query: SavedQuery, answer: Answer, fmt: str) -> str:
    """A saved query's SELECT answer (SPARQL JSON) as ``fmt`` (csv, json, tsv), its
    declared columns only: JSON straight from JSON where it can be, else by the table."""
    if fmt == "json":
        written = columns_json(answer.data, query.columns)
        if written is not None:
            return written
    table = keep_columns(query, from_oxigraph(answer.solutions()))
    return table.to_json(compact=True) if fmt == "json" else table.format(fmt)


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


async def answer(
    backend: Backend,
    sparql: str,
    *,
    defaults: Sequence[str] = (),
    named: Sequence[str] = (),
    results_format: str = "JSON",
    graph_format: str = "N_TRIPLES",
    cancelled: Callable[[], bool] | None = None,
    stream: bool = False,
) -> Answer:
    """``backend.run`` awaited: on the event loop where the backend can (``answer``), else
    on a worker thread. With ``stream``, a backend that can stream may give a large
    answer's first piece, with the rest to read (``Answer.rest``)."""
    kwargs: dict[str, Any] = {
        "defaults": defaults,
        "named": named,
        "results_format": results_format,
        "graph_format": graph_format,
        "cancelled": cancelled,
    }
    on_loop = getattr(backend, "answer", None)
    if on_loop is not None:
        found: Answer = await on_loop(sparql, stream=stream, **kwargs)
        return found
    return await run_in_threadpool(functools.partial(backend.run, sparql, **kwargs))


async def saved_text(
    backend: Backend,
    query: SavedQuery,
    values: Mapping[str, str],
    fmt: str,
    cancelled: Callable[[], bool],
) -> str:
    """A saved query's answer with ``values`` for its parameters, written as ``fmt`` (csv,
    json, tsv): on the event loop where the backend can (``saved``), else on a worker
    thread."""
    on_loop = getattr(backend, "saved", None)
    if on_loop is not None:
        found: str = await on_loop(query, values, fmt, cancelled)
        return found

    def run() -> str:
        table = run_query(query, values, backend.runner())
        return table.to_json(compact=True) if fmt == "json" else table.format(fmt)

    return await run_in_threadpool(run)


async def saved_table(
    backend: Backend, query: SavedQuery, values: Mapping[str, str], cancelled: Callable[[], bool]
) -> ResultTable:
    """A saved query's table with ``values`` for its parameters (as
    :func:`rolegraph.sparql.binding.run_query` gives it): its parameters bound and its
    answer awaited on the event loop where the backend can (``select``), else all on a
    worker thread."""
    on_loop = getattr(backend, "select", None)
    if on_loop is None:
        return await run_in_threadpool(run_query, query, values, backend.runner())
    bindings = bind_params(query, values, backend.runner())
    table = await on_loop(with_default_prefixes(query.sparql), bindings, cancelled)
    return keep_columns(query, table)


__all__ = [
    "MAX_INCOMING",
    "Backend",
    "EmbeddedBackend",
    "answer",
    "protocol_dataset",
    "saved_table",
    "saved_text",
    "write_saved",
]
