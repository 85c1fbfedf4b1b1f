"""The graph behind ``rolegraph serve --endpoint URL``: :class:`RemoteBackend`, a SPARQL 1.1
endpoint someone already runs (Oxigraph server, Virtuoso, Fuseki, GraphDB).

Every route asks it what it asks the embedded backend, and gets the same answer:

* a client's query passes the query gate (its nesting; ``SERVICE`` is the endpoint's own
  policy, as for ``rolegraph query --endpoint``: the user named that endpoint) and is sent
  by POST (urlencoded), over the protocol's dataset when the client gives one, else over
  the graph named at start (``default-graph-uri``), else the endpoint's default graph;
* answers are asked in formats every endpoint writes (SPARQL JSON or XML results,
  N-Triples graphs), read whole (an answer cut short or ended by an error message is
  refused) and written as the client asked by the embedded backend's own code: CSV and
  TSV with formula-like cells neutralised, Turtle with the graph's prefixes, JSON-LD,
  RDF/XML;
* at most ``max_queries`` queries are at the endpoint at once (others wait, up to the
  time-out); each is given up past the time-out, past the result size cap, or when its
  client goes away (:class:`~rolegraph.graph.pool.QueryLimit`: a 503;
  :class:`~rolegraph.graph.pool.QueryCancelled`);
* an endpoint that refuses the connection, fails (an HTTP error) or answers something
  that is not SPARQL raises one-line :class:`~rolegraph.errors.RemoteError` quoting its
  status (the app answers 502); a query it rejects (HTTP 400) is a
  :class:`~rolegraph.errors.QueryError` (400), as the embedded backend's syntax errors are.

One pooled ``httpx.Client`` serves every request thread. The resource pages, the home
page and the saved queries ask the endpoint on each request, so they follow its data;
the explorer is a snapshot (:meth:`RemoteBackend.snapshot`, taken at start).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import httpx

from rolegraph.errors import QueryError, RemoteError
from rolegraph.graph.pool import MB, Answer, Limits, QueryCancelled, QueryLimit
from rolegraph.graph.publish import check_graph_iri
from rolegraph.graph.releases import RELEASES_QUERY, Release, releases_of
from rolegraph.graph.store import STAT_NAMES, STATS_QUERY, RoleGraph
from rolegraph.model.vocab import PREFIXES, RDF, RDFS
from rolegraph.serve.backend import MAX_INCOMING, protocol_dataset
from rolegraph.sparql.binding import bind_values, labels_of, to_oxigraph
from rolegraph.sparql.catalogue import RDFS_LABEL, SKOS_ALT
from rolegraph.sparql.remote import MAX_ANSWER, check_endpoint_url, read_results
from rolegraph.sparql.results import ResultTable, Term, spreadsheet_results
from rolegraph.sparql.text import gate, has_dataset_clause, query_form
from rolegraph.spelling import option
from rolegraph.util.text import whole_number
from rolegraph.version import __version__

if TYPE_CHECKING:
    import pyoxigraph as ox

#: what answers are asked as: rolegraph's own queries' (SPARQL JSON results), clients'
#: results (JSON, else XML), graphs (N-Triples, else Turtle or RDF/XML): all converted here
RESULT_ACCEPT_JSON = "application/sparql-results+json"
JSON_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"
#: the media types of answers read: media type -> pyoxigraph format name
RESULT_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
}
GRAPH_TYPES = {
    "application/n-triples": "N_TRIPLES",
    "text/plain": "N_TRIPLES",  # N-Triples as older endpoints label it
    "text/turtle": "TURTLE",
    "application/rdf+xml": "RDF_XML",
}
#: seconds the home page's counts are kept (the endpoint's data may change meanwhile)
STATS_SECONDS = 60.0
#: IRIs whose labels one query asks for
LABEL_BATCH = 400
_POLL = 0.02  # seconds between looks at whether a query's client is still there
_EXACT_QUERY = f"""SELECT DISTINCT ?thing WHERE {{
  ?thing a ?class .
  {{ ?thing <{RDFS_LABEL}> ?name }} UNION {{ ?thing <{SKOS_ALT}> ?name }}
  UNION {{ ?thing <{RDFS_LABEL}> ?name_en }} UNION {{ ?thing <{SKOS_ALT}> ?name_en }}
}}"""


class RemoteBackend:
    """A SPARQL 1.1 endpoint at ``url`` (its query URL), read-only: ``graph_iri`` names
    the graph served (else the endpoint's default graph); queries within ``limits``
    (time-out, result size), at most ``max_queries`` at once."""

    release: str | None = None

    def __init__(
        self,
        url: str,
        *,
        graph_iri: str | None = None,
        limits: Limits | None = None,
        max_queries: int = 2,
    ) -> None:
        self.url = check_endpoint_url(url)
        self.graph_iri = check_graph_iri(graph_iri) if graph_iri is not None else None
        self.limits = limits or Limits()
        size = max(1, max_queries)
        self._slots = threading.BoundedSemaphore(size)
        pool = httpx.Limits(max_connections=size, max_keepalive_connections=size)
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.limits.timeout),
            transport=httpx.HTTPTransport(limits=pool, retries=1),
            headers={"User-Agent": f"rolegraph/{__version__}"},
            follow_redirects=False,
        )
        self._runner = EndpointRunner(self)
        self._lock = threading.Lock()
        self._stats: tuple[float, dict[str, int]] | None = None
        self._snapshot: RoleGraph | None = None
        self._snapshot_lock = threading.Lock()

    @property
    def modified(self) -> float:
        """Now: the endpoint's data may change at any time, so a client's copy dated
        earlier is never taken as current on its date alone (its ETag still matches)."""
        return time.time()

    def describe(self) -> str:
        return self.url + (f" (graph <{self.graph_iri}>)" if self.graph_iri else "")

    # -- client queries -------------------------------------------------------------------

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
        # A client of the service must not make the store fetch other hosts.
        gate(sparql, allow_service=False)
        form = query_form(sparql)
        accept = GRAPH_ACCEPT if form in ("CONSTRUCT", "DESCRIBE") else JSON_ACCEPT
        dataset = self._dataset(sparql, defaults, named)
        ctype, data = self._ask(sparql, accept, dataset, cancelled=cancelled)
        media = ctype.split(";")[0].strip().lower()
        try:
            if media in GRAPH_TYPES:
                out = graph_as(data, GRAPH_TYPES[media], graph_format)
                answer = Answer("graph", out, graph_format)
            elif media in RESULT_TYPES:
                out = results_as(data, RESULT_TYPES[media], results_format)
                answer = Answer("boolean" if form == "ASK" else "solutions", out, results_format)
            else:
                raise self._not_sparql(media, data)
        except (SyntaxError, ValueError) as exc:
            raise self._unreadable(media, exc) from None
        if len(answer.data) > self.limits.result_bytes:
            raise _too_big(self.limits)
        return answer

    def _dataset(
        self, sparql: str, defaults: Sequence[str], named: Sequence[str]
    ) -> dict[str, list[str]]:
        """The protocol's dataset parameters: the client's, else (for a query without
        FROM) the graph served."""
        if defaults or named:
            protocol_dataset(defaults, named)  # ValueError for one that is not an IRI
            return {"default-graph-uri": list(defaults), "named-graph-uri": list(named)}
        if self.graph_iri and not has_dataset_clause(sparql):
            return {"default-graph-uri": [self.graph_iri]}
        return {}

    def _unreadable(self, media: str, exc: Exception) -> RemoteError:
        detail = " ".join(str(exc).split())[:200]
        return RemoteError(
            f"the endpoint {self.url} answered {media} that cannot be read: {detail}"
        )

    def _not_sparql(self, media: str, data: bytes) -> RemoteError:
        return RemoteError(
            f"the endpoint {self.url} answered {media or 'no content type'}, which is not "
            f"SPARQL results or RDF ({len(data)} bytes, starting {data[:40]!r})",
            hint="is the URL the query endpoint (often ending in /query or /sparql)?",
        )

    # -- what the pages ask ---------------------------------------------------------------

    def table(self, sparql: str) -> ResultTable:
        """The SELECT results of rolegraph's own ``sparql`` (through the gate too)."""
        gate(sparql, allow_service=True)
        ctype, data = self._ask(sparql, RESULT_ACCEPT_JSON, self._dataset(sparql, (), ()))
        return read_results(data, ctype, self.url)

    def runner(self) -> EndpointRunner:
        return self._runner

    def releases(self) -> list[Release]:
        """The releases the store describes in its default graph (asked without the
        graph served as the default graph: the descriptions sit beside the releases)."""
        gate(RELEASES_QUERY, allow_service=False)
        ctype, data = self._ask(RELEASES_QUERY, RESULT_ACCEPT_JSON, {})
        table = read_results(data, ctype, self.url)
        return releases_of(
            {
                v: None if cell is None else cell.value
                for v, cell in zip(table.variables, row, strict=True)
            }
            for row in table.rows
        )

    def about(self, iri: str) -> tuple[list[ox.Triple], list[ox.Triple], int]:
        import pyoxigraph as ox

        node = ox.NamedNode(iri)  # ValueError (a 400) for a path that is not an IRI
        at = {"x": Term("uri", iri)}
        own = [
            ox.Triple(node, to_oxigraph(p), _term(o))
            for p, o in self.table(bind_values("SELECT ?p ?o WHERE { ?x ?p ?o }", at)).rows
            if p is not None and o is not None
        ]
        # The embedded backend's order (predicate, then the subject as N-Triples) asked
        # of the endpoint, so the first MAX_INCOMING are the same ones.
        incoming_query = (
            'SELECT ?s ?p WHERE { ?s ?p ?x } ORDER BY STR(?p) (CONCAT("<", STR(?s), ">")) '
            f"LIMIT {MAX_INCOMING + 1}"
        )
        incoming = [
            ox.Triple(_term(s), to_oxigraph(p), node)
            for s, p in self.table(bind_values(incoming_query, at)).rows
            if s is not None and p is not None
        ]
        incoming.sort(key=lambda t: (t.predicate.value, str(t.subject)))
        linked = len(incoming)
        if linked > MAX_INCOMING:
            count = self.table(bind_values("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?x }", at))
            linked = _count(count)
        return own, incoming[:MAX_INCOMING], linked

    def labels(self, iris: Sequence[str]) -> dict[str, str]:
        import pyoxigraph as ox

        wanted = []
        for iri in sorted(set(iris)):
            if iri.startswith("http"):
                try:
                    wanted.append(str(ox.NamedNode(iri)))
                except ValueError:
                    continue
        out: dict[str, str] = {}
        for start in range(0, len(wanted), LABEL_BATCH):
            values = " ".join(wanted[start : start + LABEL_BATCH])
            table = self.table(
                f"SELECT ?s ?label WHERE {{ VALUES ?s {{ {values} }} ?s <{RDFS}label> ?label }}"
            )
            for s, label in table.rows:
                if s is not None and label is not None and label.kind == "literal":
                    out.setdefault(s.value, label.value)
        return out

    def stats(self) -> dict[str, int]:
        """The counts :func:`~rolegraph.graph.store.graph_stats` gives, asked of the
        endpoint (kept :data:`STATS_SECONDS`)."""
        with self._lock:
            if self._stats is not None and time.monotonic() - self._stats[0] < STATS_SECONDS:
                return dict(self._stats[1])
        table = self.table(STATS_QUERY)
        row = dict(zip(table.variables, table.rows[0], strict=True)) if table.rows else {}
        out = {}
        for key, label in STAT_NAMES.items():
            found = row.get(key)
            out[label] = _number(found) if found is not None else 0
        out["triples"] = _count(self.table("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
        with self._lock:
            self._stats = (time.monotonic(), out)
        return dict(out)

    def typed(self, class_iri: str) -> list[tuple[str, str]]:
        query = f"SELECT ?s ?label WHERE {{ ?s <{RDF}type> ?class ; <{RDFS}label> ?label }}"
        found: dict[str, str] = {}
        for s, label in self.table(bind_values(query, {"class": Term("uri", class_iri)})).rows:
            if s is not None and s.kind == "uri" and label is not None and label.kind == "literal":
                found.setdefault(s.value, label.value)
        return sorted(found.items())

    def ntriples(self) -> bytes:
        """The whole graph as N-Triples (up to :data:`~rolegraph.sparql.remote.MAX_ANSWER`)."""
        query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        cap = max(self.limits.result_bytes, MAX_ANSWER)
        ctype, data = self._ask(query, GRAPH_ACCEPT, self._dataset(query, (), ()), cap=cap)
        media = ctype.split(";")[0].strip().lower()
        if media not in GRAPH_TYPES:
            raise self._not_sparql(media, data)
        try:
            return graph_as(data, GRAPH_TYPES[media], "N_TRIPLES")
        except (SyntaxError, ValueError) as exc:
            raise self._unreadable(media, exc) from None

    def snapshot(self) -> RoleGraph:
        """The graph copied into this process, once, at start (the explorer and the
        pages' view read the same copy)."""
        import pyoxigraph as ox

        with self._snapshot_lock:
            if self._snapshot is None:
                triples = ox.parse(self.ntriples(), format=ox.RdfFormat.N_TRIPLES)
                self._snapshot = RoleGraph.from_triples(triples, location=self.describe())
            return self._snapshot

    def close(self) -> None:
        self._client.close()

    # -- the exchange ---------------------------------------------------------------------

    def _ask(
        self,
        sparql: str,
        accept: str,
        dataset: Mapping[str, list[str]],
        *,
        cancelled: Callable[[], bool] | None = None,
        cap: int | None = None,
    ) -> tuple[str, bytes]:
        """The endpoint's answer to ``sparql`` (its Content-Type, its body), within the
        time-out in all (waiting for a slot included), ``cap`` bytes (the result size
        cap) and the client's patience (``cancelled``)."""
        limits = self.limits
        deadline = time.monotonic() + limits.timeout
        if not self._slots.acquire(timeout=limits.timeout):
            raise QueryLimit(
                "busy",
                f"every query slot stayed busy for {limits.timeout:g} s",
                hint="try again in a moment",
            )
        stop = threading.Event()
        done: list[tuple[str, bytes]] = []
        failed: list[BaseException] = []
        form = {"query": sparql, **dataset}

        def work() -> None:
            try:
                done.append(self._fetch(form, accept, cap or limits.result_bytes, stop))
            except BaseException as exc:  # handed to the caller's thread
                failed.append(exc)
            finally:
                self._slots.release()  # when the exchange has ended: the cap is real

        thread = threading.Thread(target=work, name="rolegraph-endpoint", daemon=True)
        try:
            thread.start()
        except BaseException:
            self._slots.release()
            raise
        while thread.is_alive():
            left = deadline - time.monotonic()
            if left <= 0:
                stop.set()
                raise self._too_slow()
            thread.join(left if cancelled is None else min(left, _POLL))
            if thread.is_alive() and cancelled is not None and cancelled():
                stop.set()
                raise QueryCancelled("the client went away, and its query was given up")
        if failed:
            raise failed[0]
        return done[0]

    def _fetch(
        self, form: Mapping[str, Any], accept: str, cap: int, stop: threading.Event
    ) -> tuple[str, bytes]:
        """One POST, its body read as it arrives (on the exchange's own thread)."""
        try:
            with self._client.stream(
                "POST", self.url, data=form, headers={"Accept": accept}
            ) as response:
                if response.status_code != HTTPStatus.OK:
                    raise self._refused(response)
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    if stop.is_set():  # the caller has given up
                        break
                    size += len(chunk)
                    if size > cap:
                        raise _too_big(self.limits, cap)
                    chunks.append(chunk)
                return response.headers.get("content-type", ""), b"".join(chunks)
        except httpx.TimeoutException:  # a read waited the whole time-out
            raise self._too_slow() from None
        except httpx.ConnectError as exc:
            reason = "connection refused" if "refused" in str(exc).lower() else str(exc)
            raise RemoteError(
                f"cannot reach {self.url}: {reason or type(exc).__name__}",
                hint="is the server running on that port?",
            ) from None
        except httpx.HTTPError as exc:
            raise RemoteError(
                f"the endpoint {self.url} broke off its answer ({type(exc).__name__})",
                hint="try again, or check the server",
            ) from None

    def _too_slow(self) -> QueryLimit:
        return QueryLimit(
            "time",
            f"the endpoint {self.url} did not answer within {self.limits.timeout:g} s, "
            "and the query was given up",
            hint="add a LIMIT or a more selective pattern, or allow more time "
            f"({option('query_timeout')})",
        )

    def _refused(self, response: httpx.Response) -> QueryError | RemoteError:
        """The error for an answer other than 200 OK, quoting its status (and the first
        line of a plain-text body)."""
        head = b""
        for chunk in response.iter_bytes():
            head += chunk
            if len(head) >= 4096:
                break
        detail = ""
        if response.headers.get("content-type", "").startswith("text/plain"):
            lines = [" ".join(x.split()) for x in head.decode("utf-8", "replace").splitlines()]
            detail = next((x for x in lines if x), "")[:200]
        code = response.status_code
        status = f"HTTP {code} {response.reason_phrase or _phrase(code)}".strip()
        if code == HTTPStatus.BAD_REQUEST:
            return QueryError(
                f"the endpoint rejected the query ({status})" + (f": {detail}" if detail else "")
            )
        hint = None
        if code in (404, 405, 415):
            hint = "is it the query URL? An Oxigraph server's is /query"
        return RemoteError(
            f"the endpoint {self.url} answered {status}" + (f": {detail}" if detail else ""),
            hint=hint,
        )


class EndpointRunner:
    """Saved queries on the endpoint, through the backend's client and bounds; their
    parameters bound by :func:`~rolegraph.sparql.binding.bind_values`, as locally."""

    def __init__(self, backend: RemoteBackend) -> None:
        self.backend = backend
        self._labels: dict[str, list[tuple[str, str]]] = {}

    def select(self, sparql: str, bindings: Mapping[str, Term]) -> ResultTable:
        return self.backend.table(bind_values(sparql, bindings))

    def ask_labels(self, class_iri: str) -> list[tuple[str, str]]:
        return labels_of(self, class_iri, self._labels)

    def find_exact(self, class_iri: str, name: str) -> list[str]:
        """Things of ``class_iri`` labelled exactly ``name`` (as the local runner finds
        them first, so a name resolves to the same thing on both)."""
        table = self.select(
            _EXACT_QUERY,
            {
                "class": Term("uri", class_iri),
                "name": Term.literal(name),
                "name_en": Term.literal(name, lang="en"),  # the graph's labels are English
            },
        )
        return sorted({r[0].value for r in table.rows if r[0] is not None and r[0].kind == "uri"})


def results_as(data: bytes, source: str, fmt: str) -> bytes:
    """SPARQL results read in ``source`` (JSON or XML) written in ``fmt`` as the embedded
    backend writes them (CSV and TSV by the CLI's writer, formula-like cells neutralised).
    They are read even when ``fmt`` is ``source``: an endpoint that fails after it has
    sent 200 OK ends its answer with an error message, which must not pass for results."""
    import pyoxigraph as ox

    parsed = ox.parse_query_results(data, format=getattr(ox.QueryResultsFormat, source))
    if isinstance(parsed, ox.QuerySolutions) and fmt in ("CSV", "TSV"):
        return spreadsheet_results(parsed, fmt.lower())
    return parsed.serialize(format=getattr(ox.QueryResultsFormat, fmt)) or b""


def graph_as(data: bytes, source: str, fmt: str) -> bytes:
    """A graph read in ``source`` written in ``fmt`` as the embedded backend writes it
    (Turtle with the graph's prefixes); read even when ``fmt`` is ``source`` (see
    :func:`results_as`)."""
    import pyoxigraph as ox

    triples = ox.parse(data, format=getattr(ox.RdfFormat, source))
    prefixes = PREFIXES if fmt == "TURTLE" else None
    return ox.serialize(triples, format=getattr(ox.RdfFormat, fmt), prefixes=prefixes) or b""


def _term(term: Term) -> Any:
    """A pyoxigraph term; a blank node the endpoint labels in a way RDF does not allow
    (Virtuoso's ``nodeID://``) gets a fresh label."""
    import pyoxigraph as ox

    if term.kind == "bnode":
        try:
            return ox.BlankNode(term.value)
        except ValueError:
            return ox.BlankNode()
    return to_oxigraph(term)


def _count(table: ResultTable) -> int:
    """The number a ``SELECT (COUNT(*) AS ?n)`` answered."""
    cell = table.rows[0][0] if table.rows and table.rows[0] else None
    return 0 if cell is None else _number(cell)


def _number(cell: Term) -> int:
    """A count the endpoint answered; anything but a plain whole number is a RemoteError."""
    found = whole_number(cell.value)
    if found is None:
        shown = cell.value[:40] + ("…" if len(cell.value) > 40 else "")
        raise RemoteError(f"the endpoint answered a count that is not a number: {shown!r}")
    return found


def _too_big(limits: Limits, cap: int | None = None) -> QueryLimit:
    return QueryLimit(
        "result",
        f"the answer is larger than {(cap or limits.result_bytes) // MB} MB and was not kept",
        hint="add a LIMIT, or ask for fewer columns",
    )


def _phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return ""


__all__ = ["EndpointRunner", "RemoteBackend", "graph_as", "results_as"]
