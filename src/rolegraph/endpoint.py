"""Remote SPARQL endpoints: run saved queries through SPARQLWrapper, publish a graph.

Every failure (refused, timed out, an HTTP error, an answer that is not SPARQL
results) becomes one :class:`RemoteError` naming the endpoint and what to check.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rolegraph.deadline import read_body, within
from rolegraph.errors import RemoteError
from rolegraph.queries import bind_values, labels_of
from rolegraph.results import ResultTable, Term, from_sparql_json

if TYPE_CHECKING:
    from rolegraph.store import RoleGraph


def _check_url(url: str) -> str:
    from rolegraph.deadline import check_url

    return check_url(url, "http://127.0.0.1:7878/query")


def _explain(url: str, exc: BaseException, timeout: float) -> RemoteError:
    """One clear message for whatever went wrong talking to ``url``."""
    from SPARQLWrapper import SPARQLExceptions as sx

    if isinstance(exc, sx.SPARQLWrapperException):
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        status = {
            sx.QueryBadFormed: "rejected the query as malformed (HTTP 400)",
            sx.EndPointNotFound: "was not found (HTTP 404)",
            sx.Unauthorized: "refused access (HTTP 401)",
            sx.URITooLong: "found the request too long (HTTP 414)",
            sx.EndPointInternalError: "failed with an internal error (HTTP 500)",
        }.get(type(exc), f"answered an error ({detail})")
        return RemoteError(
            f"the endpoint {url} {status}",
            hint="check the URL and that it is a SPARQL query endpoint",
        )
    if isinstance(exc, urllib.error.HTTPError):
        hint = None
        if exc.code in (400, 405, 415):
            hint = (
                "is it the query URL? An Oxigraph server's is /query (its /store takes "
                "uploads); 'rolegraph serve' answers at /sparql"
            )
        return RemoteError(f"the endpoint {url} answered HTTP {exc.code} {exc.reason}", hint=hint)
    if isinstance(exc, TimeoutError | socket.timeout):
        return RemoteError(
            f"the endpoint {url} did not answer within {timeout:g} s",
            hint="raise --timeout, or check the server",
        )
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            return RemoteError(
                f"the endpoint {url} did not answer within {timeout:g} s",
                hint="raise --timeout, or check the server",
            )
        if isinstance(reason, ConnectionRefusedError):
            return RemoteError(
                f"cannot reach {url}: connection refused",
                hint="is the server running on that port?",
            )
        return RemoteError(f"cannot reach {url}: {getattr(reason, 'strerror', None) or reason}")
    if isinstance(exc, http.client.HTTPException | ConnectionError):
        return RemoteError(f"the endpoint {url} broke off its answer ({type(exc).__name__})")
    return RemoteError(f"talking to {url} failed: {type(exc).__name__}: {exc}")


class RemoteRunner:
    """Runs queries on a SPARQL 1.1 endpoint; parameters go in one VALUES clause."""

    def __init__(
        self, url: str, *, timeout: float = 30.0, default_graph: str | None = None
    ) -> None:
        self.url = _check_url(url)
        self.timeout = timeout
        self.default_graph = default_graph
        self._labels: dict[str, list[tuple[str, str]]] = {}

    def select(self, sparql: str, bindings: Mapping[str, Term]) -> ResultTable:
        from rolegraph.sparqltext import gate

        text = bind_values(sparql, bindings)
        # The endpoint the user named applies its own policy to SERVICE; the nesting
        # limit holds everywhere.
        gate(text, allow_service=True)
        doc = self._request(text)
        try:
            return from_sparql_json(doc)
        except (ValueError, KeyError, TypeError) as exc:
            raise RemoteError(
                f"the endpoint {self.url} answered something that is not SPARQL results: {exc}"
            ) from None

    def ask_labels(self, class_iri: str) -> list[tuple[str, str]]:
        return labels_of(self, class_iri, self._labels)

    def _request(self, text: str) -> Any:
        from SPARQLWrapper import JSON, POST, SPARQLWrapper

        wrapper = SPARQLWrapper(self.url)
        wrapper.setQuery(text)
        wrapper.setMethod(POST)
        wrapper.setReturnFormat(JSON)
        # setTimeout() keeps whole seconds; the socket takes any (the time each read may wait).
        wrapper.timeout = self.timeout  # type: ignore[assignment]
        if self.default_graph:
            wrapper.addDefaultGraph(self.default_graph)
        deadline = time.monotonic() + self.timeout

        def exchange() -> tuple[bytes, str]:
            result = wrapper.query()
            raw = _read_answer(result.response, self.url, deadline, self.timeout)
            return raw, result.response.headers.get("Content-Type", "")

        try:
            raw, content_type = within(
                self.timeout + 0.5, exchange, lambda: _too_slow(self.url, self.timeout)
            )
        except RemoteError:
            raise
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise _explain(self.url, exc, self.timeout) from None
        try:
            return json.loads(raw)
        except RecursionError:
            raise RemoteError(
                f"the endpoint {self.url} answered JSON nested too deeply to be SPARQL results"
            ) from None
        except (ValueError, UnicodeDecodeError):  # not JSON, or a number too long to read
            what = content_type.split(";")[0] or "no content type"
            raise RemoteError(
                f"the endpoint {self.url} answered {what} that is not SPARQL JSON results "
                f"({len(raw)} bytes, starting {raw[:40]!r})",
                hint="is the URL the query endpoint (often ending in /query or /sparql)?",
            ) from None


def _too_slow(url: str, timeout: float) -> RemoteError:
    return RemoteError(
        f"the endpoint {url} did not finish answering within {timeout:g} s",
        hint="raise --timeout, or check the server",
    )


#: the largest answer read from an endpoint (a 100x framework's biggest is ~100 MB)
MAX_ANSWER = 512 * 1024 * 1024


def _read_answer(response: Any, url: str, deadline: float, timeout: float) -> bytes:
    """The whole answer, within ``timeout`` in all (an endpoint that trickles bytes never
    times out a single read) and :data:`MAX_ANSWER`."""
    return read_body(
        response,
        deadline,
        MAX_ANSWER,
        too_slow=lambda size: RemoteError(
            f"the endpoint {url} did not finish answering within {timeout:g} s "
            f"({size:,} bytes so far)",
            hint="raise --timeout, or check the server",
        ),
        too_big=lambda: RemoteError(
            f"the endpoint {url} answered more than {MAX_ANSWER // (1024 * 1024)} MB",
            hint="is it the query endpoint? Narrow the query with --limit or a FILTER",
        ),
        cut_short=lambda size, promised: RemoteError(
            f"the endpoint {url} broke off its answer ({size:,} bytes of {promised:,})",
            hint="try again, or check the server",
        ),
    )


def publish(
    graph: RoleGraph,
    url: str,
    *,
    graph_iri: str | None = None,
    protocol: str = "gsp",
    replace: bool = True,
    timeout: float = 60.0,
) -> int:
    """Load ``graph`` into a store: Graph Store Protocol (PUT/POST) or SPARQL Update.

    Returns the number of triples sent.
    """
    from rolegraph.export import sorted_ntriples

    _check_url(url)
    if graph_iri is not None:
        check_graph_iri(graph_iri)
    data = sorted_ntriples(graph)
    triples = data.count(b"\n")
    if protocol == "gsp":
        target = (
            url
            + ("&" if "?" in url else "?")
            + ("graph=" + urllib.parse.quote(graph_iri, safe="") if graph_iri else "default")
        )
        _http(target, data, "PUT" if replace else "POST", "application/n-triples", timeout)
    elif protocol == "update":
        _publish_by_update(url, data, graph_iri, replace, timeout)
    else:
        raise RemoteError(f"unknown protocol {protocol!r}", hint="use gsp or update")
    return triples


#: an absolute IRI as SPARQL writes one between < and > (no spaces or control characters)
_IRI = re.compile(r'[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>"{}|^`\\]*')
#: the most sent in one SPARQL Update request (a whole framework fits in one)
UPDATE_REQUEST_BYTES = 16 * 1024 * 1024


def check_graph_iri(iri: str) -> str:
    """``iri`` if it can name a graph (absolute, no spaces or control characters, text
    that UTF-8 can carry); else a :class:`RemoteError`."""
    try:
        iri.encode("utf-8")
        ok = _IRI.fullmatch(iri) is not None
    except UnicodeEncodeError:  # a byte the shell could not decode
        ok = False
    if not ok:
        raise RemoteError(
            f"{iri!r} is not a valid graph IRI",
            hint="give an absolute IRI without spaces, such as https://example.org/graph/ddat",
        )
    return iri


def _publish_by_update(
    url: str, data: bytes, graph_iri: str | None, replace: bool, timeout: float
) -> None:
    """CLEAR (when replacing) and INSERT DATA, in as few requests as the size allows: one
    request is one transaction, so a graph up to :data:`UPDATE_REQUEST_BYTES` is replaced
    all at once or not at all. A larger one goes in parts, and a failure says how far it
    got."""
    open_graph, close_graph = (f"GRAPH <{graph_iri}> {{ ", " }") if graph_iri else ("", "")
    where = f"graph <{graph_iri}>" if graph_iri else "the default graph"
    clear = f"CLEAR SILENT GRAPH <{graph_iri}> ;\n" if graph_iri else "CLEAR SILENT DEFAULT ;\n"
    lines = data.decode("utf-8").splitlines()
    requests: list[tuple[str, int]] = []
    chunk: list[str] = []
    size = 0
    for line in lines:
        chunk.append(line)
        size += len(line) + 1
        if size >= UPDATE_REQUEST_BYTES:
            requests.append(("\n".join(chunk), len(chunk)))
            chunk, size = [], 0
    if chunk or not requests:
        requests.append(("\n".join(chunk), len(chunk)))
    sent = 0
    for i, (text, n) in enumerate(requests):
        update = (clear if replace and i == 0 else "") + (
            f"INSERT DATA {{ {open_graph}{text}{close_graph} }}" if n else ""
        )
        update = update.rstrip(" ;\n")
        if not update:
            continue
        try:
            _update(url, update, timeout)
        except RemoteError as exc:
            if i == 0:
                raise
            held = (
                f"{where} at {url} now holds {sent:,} of the {len(lines):,} triples"
                if replace
                else f"{where} at {url} now holds what it held before and {sent:,} of the "
                f"{len(lines):,} triples"
            )
            raise RemoteError(
                f"{exc.message}: {held} (sent in parts, as the graph is large)",
                hint="rerun publish without --append to replace the graph whole"
                if not replace
                else "rerun publish to replace it whole",
            ) from None
        sent += n


def _update(url: str, update: str, timeout: float) -> None:
    body = urllib.parse.urlencode({"update": update}).encode("utf-8")
    _http(url, body, "POST", "application/x-www-form-urlencoded", timeout)


def _http(url: str, body: bytes, method: str, content_type: str, timeout: float) -> None:
    request = urllib.request.Request(
        url, data=body, method=method, headers={"Content-Type": content_type}
    )
    deadline = time.monotonic() + timeout

    def exchange() -> None:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            _read_answer(response, url.split("?")[0], deadline, timeout)

    try:
        within(timeout + 0.5, exchange, lambda: _too_slow(url.split("?")[0], timeout))
    except RemoteError:
        raise
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode("utf-8", "replace").strip().splitlines()
        raise RemoteError(
            f"the store {url.split('?')[0]} refused the data: HTTP {exc.code} {exc.reason}"
            + (f" ({detail[0]})" if detail else ""),
            hint="is the URL the store's Graph Store Protocol or update endpoint, and is it writable?",
        ) from None
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise _explain(url.split("?")[0], exc, timeout) from None
