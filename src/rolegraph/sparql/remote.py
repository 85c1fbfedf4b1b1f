"""Remote SPARQL endpoints: run saved queries through SPARQLWrapper, publish a graph.

Every failure (refused, timed out, an HTTP error, an answer that is not SPARQL
results) becomes one :class:`RemoteError` naming the endpoint and what to check.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rolegraph.errors import RemoteError
from rolegraph.sparql.binding import bind_values, labels_of
from rolegraph.sparql.results import ResultTable, Term, from_sparql_json
from rolegraph.sparql.text import gate
from rolegraph.spelling import advice, option
from rolegraph.util.net import check_url, read_body, within

if TYPE_CHECKING:
    pass


def check_endpoint_url(url: str) -> str:
    return check_url(url, "http://127.0.0.1:7878/query")


def explain_failure(url: str, exc: BaseException, timeout: float) -> RemoteError:
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
                f"uploads); {advice('serve')} answers at /sparql"
            )
        return RemoteError(f"the endpoint {url} answered HTTP {exc.code} {exc.reason}", hint=hint)
    if isinstance(exc, TimeoutError | socket.timeout):
        return RemoteError(
            f"the endpoint {url} did not answer within {timeout:g} s",
            hint=f"raise {option('timeout')}, or check the server",
        )
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            return RemoteError(
                f"the endpoint {url} did not answer within {timeout:g} s",
                hint=f"raise {option('timeout')}, or check the server",
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
        self.url = check_endpoint_url(url)
        self.timeout = timeout
        self.default_graph = default_graph
        self._labels: dict[str, list[tuple[str, str]]] = {}

    def select(self, sparql: str, bindings: Mapping[str, Term]) -> ResultTable:
        text = bind_values(sparql, bindings)
        # The endpoint the user named applies its own policy to SERVICE; the nesting
        # limit holds everywhere.
        gate(text, allow_service=True)
        return read_results(*self._request(text), self.url)

    def ask_labels(self, class_iri: str) -> list[tuple[str, str]]:
        return labels_of(self, class_iri, self._labels)

    def _request(self, text: str) -> tuple[bytes, str]:
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
            raw = read_answer(result.response, self.url, deadline, self.timeout)
            return raw, result.response.headers.get("Content-Type", "")

        try:
            raw, content_type = within(
                self.timeout + 0.5, exchange, lambda: too_slow(self.url, self.timeout)
            )
        except RemoteError:
            raise
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise explain_failure(self.url, exc, self.timeout) from None
        return raw, content_type


def read_results(raw: bytes, content_type: str, url: str) -> ResultTable:
    """The table of an endpoint's SPARQL JSON results; a :class:`RemoteError` saying what
    came instead (not JSON, JSON nested too deeply, JSON that is not results)."""
    try:
        doc = json.loads(raw)
    except RecursionError:
        raise RemoteError(
            f"the endpoint {url} answered JSON nested too deeply to be SPARQL results"
        ) from None
    except (ValueError, UnicodeDecodeError):  # not JSON, or a number too long to read
        what = content_type.split(";")[0] or "no content type"
        raise RemoteError(
            f"the endpoint {url} answered {what} that is not SPARQL JSON results "
            f"({len(raw)} bytes, starting {raw[:40]!r})",
            hint="is the URL the query endpoint (often ending in /query or /sparql)?",
        ) from None
    try:
        return from_sparql_json(doc)
    except (ValueError, KeyError, TypeError) as exc:
        raise RemoteError(
            f"the endpoint {url} answered something that is not SPARQL results: {exc}"
        ) from None


def too_slow(url: str, timeout: float) -> RemoteError:
    return RemoteError(
        f"the endpoint {url} did not finish answering within {timeout:g} s",
        hint=f"raise {option('timeout')}, or check the server",
    )


#: the largest answer read from an endpoint (a 100x framework's biggest is ~100 MB)
MAX_ANSWER = 512 * 1024 * 1024


def read_answer(response: Any, url: str, deadline: float, timeout: float) -> bytes:
    """The whole answer, within ``timeout`` in all (an endpoint that trickles bytes never
    times out a single read) and :data:`MAX_ANSWER`."""
    return read_body(
        response,
        deadline,
        MAX_ANSWER,
        too_slow=lambda size: RemoteError(
            f"the endpoint {url} did not finish answering within {timeout:g} s "
            f"({size:,} bytes so far)",
            hint=f"raise {option('timeout')}, or check the server",
        ),
        too_big=lambda: RemoteError(
            f"the endpoint {url} answered more than {MAX_ANSWER // (1024 * 1024)} MB",
            hint=f"is it the query endpoint? Narrow the query with {option('limit')} or a FILTER",
        ),
        cut_short=lambda size, promised: RemoteError(
            f"the endpoint {url} broke off its answer ({size:,} bytes of {promised:,})",
            hint="try again, or check the server",
        ),
    )
