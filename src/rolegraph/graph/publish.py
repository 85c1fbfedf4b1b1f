"""Publish a graph to a store: Graph Store Protocol (PUT/POST) or SPARQL Update, then
ask the store what it holds, so that a publish is never reported done unless it is."""

from __future__ import annotations

import re
import time
import urllib
from dataclasses import dataclass

from rolegraph.errors import RemoteError
from rolegraph.graph.export import sorted_ntriples
from rolegraph.graph.store import RoleGraph
from rolegraph.model.formats import by_media_type
from rolegraph.sparql.remote import (
    RemoteRunner,
    check_endpoint_url,
    explain_failure,
    read_answer,
    too_slow,
)
from rolegraph.spelling import option
from rolegraph.util.net import within


def publish(
    graph: RoleGraph,
    url: str,
    *,
    graph_iri: str | None = None,
    protocol: str = "gsp",
    replace: bool = True,
    timeout: float = 60.0,
    query_url: str | None = None,
) -> Published:
    """Load ``graph`` into a store: Graph Store Protocol (PUT/POST) or SPARQL Update.

    Then the store is asked how many triples the graph holds (a COUNT query on
    ``query_url``, by default derived from ``url``: Oxigraph's and Fuseki's ``.../store``,
    ``.../data`` and ``.../update`` sit beside ``.../query``; else, with the Graph Store
    Protocol, a GET of the graph): an answer that is not a store's, or a count other than
    what was sent (another writer at work, or a store that dropped data), is a
    :class:`RemoteError`, never a success. Returns what was sent and what was found."""

    check_endpoint_url(url)
    if query_url is not None:
        check_endpoint_url(query_url)
    if graph_iri is not None:
        check_graph_iri(graph_iri)
    if protocol not in ("gsp", "update"):
        raise RemoteError(f"unknown protocol {protocol!r}", hint="use gsp or update")
    data = sorted_ntriples(graph)
    triples = data.count(b"\n")
    target = (
        url
        + ("&" if "?" in url else "?")
        + ("graph=" + urllib.parse.quote(graph_iri, safe="") if graph_iri else "default")
    )
    if protocol == "gsp":
        media = _http(target, data, "PUT" if replace else "POST", "application/n-triples", timeout)
    else:
        media = _publish_by_update(url, data, graph_iri, replace, timeout)
    checker = query_url or derived_query_url(url)
    if protocol == "update" and checker is None and media in _PAGE_TYPES:
        raise RemoteError(
            f"{url} answered an HTML page, not a store's answer: the publish is not confirmed",
            hint=f"give the store's SPARQL Update URL, and {option('query_endpoint')} URL (its query "
            "URL) so that the publish can be checked",
        )
    where = f"graph <{graph_iri}>" if graph_iri else "the default graph"
    if checker is not None:
        held: int | None = _count_by_query(checker, graph_iri, timeout, url)
    elif protocol == "gsp":
        held = _count_by_get(target, timeout)
    else:
        held = None
    if held is not None and (held != triples if replace else held < triples):
        raise RemoteError(
            f"{where} at {url} holds {held:,} triples after publishing {triples:,}"
            + ("" if replace else " (at least that many were expected)")
            + ": another writer changed it meanwhile, or the store did not keep the data",
            hint="publish again when no other writer is at work; the graph's content is "
            "not what was published",
        )
    asked = checker if checker is not None else (url if held is not None else None)
    return Published(triples, held, asked)


@dataclass(frozen=True)
class Published:
    """What :func:`publish` sent, and what the store was found to hold afterwards
    (``held`` is None when it could not be asked, at ``checked_at``)."""

    sent: int
    held: int | None
    checked_at: str | None


#: answers that are web pages, not a store's (checked when no query URL can confirm)
_PAGE_TYPES = ("text/html", "application/xhtml+xml")


#: the last path segment of a store's write URLs that have a query URL beside them
_WRITE_SEGMENTS = ("store", "data", "update")


def derived_query_url(url: str) -> str | None:
    """The SPARQL query URL beside a store's write URL (``http://h:7878/store`` ->
    ``http://h:7878/query``, Fuseki's ``/ds/data`` -> ``/ds/query``), or None."""
    parts = urllib.parse.urlsplit(url)
    head, _, last = parts.path.rpartition("/")
    if last not in _WRITE_SEGMENTS:
        return None
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"{head}/query", "", ""))


def _count_by_query(query_url: str, graph_iri: str | None, timeout: float, url: str) -> int:
    """How many triples the graph holds, by a COUNT query on ``query_url``."""
    pattern = f"GRAPH <{graph_iri}> {{ ?s ?p ?o }}" if graph_iri else "?s ?p ?o"
    try:
        table = RemoteRunner(query_url, timeout=timeout).select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}", {}
        )
    except RemoteError as exc:
        raise RemoteError(
            f"sent the graph to {url}, but asking {query_url} what it holds failed: "
            f"{exc.message}; the publish is not confirmed",
            hint=f"give {option('query_endpoint')} URL, the store's SPARQL query URL, so that the "
            "publish can be checked",
        ) from None
    cell = table.rows[0][0] if len(table.rows) == 1 and table.variables == ["n"] else None
    if cell is None or cell.kind != "literal" or not cell.value.isdigit():
        raise RemoteError(
            f"sent the graph to {url}, but {query_url} did not answer a triple count "
            "(it is not a SPARQL query endpoint); the publish is not confirmed",
            hint=f"give {option('query_endpoint')} URL, the store's SPARQL query URL",
        )
    return int(cell.value)


def _count_by_get(target: str, timeout: float) -> int:
    """How many triples the graph holds, read back by a Graph Store Protocol GET."""
    import pyoxigraph as ox

    url = target.split("?")[0]
    request = urllib.request.Request(
        target, method="GET", headers={"Accept": "application/n-triples"}
    )
    deadline = time.monotonic() + timeout

    def exchange() -> tuple[bytes, str]:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = read_answer(response, url, deadline, timeout)
            return body, response.headers.get("Content-Type", "")

    try:
        body, content_type = within(timeout + 0.5, exchange, lambda: too_slow(url, timeout))
    except RemoteError:
        raise
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        error = explain_failure(url, exc, timeout)
        raise RemoteError(
            f"sent the graph to {url}, but reading it back failed: {error.message}; the "
            "publish is not confirmed",
            hint=f"give {option('query_endpoint')} URL, the store's SPARQL query URL",
        ) from None
    fmt = by_media_type(content_type)
    if fmt is None or not fmt.triples:
        what = content_type.split(";")[0].strip() or "no content type"
        raise RemoteError(
            f"{url} answered {what}, not a graph, when the graph was read back: it is not "
            "a Graph Store Protocol endpoint, and the publish is not confirmed",
            hint="give the store's Graph Store Protocol URL (Oxigraph's is /store)",
        )
    try:
        return sum(1 for _ in ox.parse(body, format=getattr(ox.RdfFormat, fmt.oxigraph)))
    except (SyntaxError, ValueError, MemoryError) as exc:
        raise RemoteError(
            f"{url} answered {fmt.name} that does not parse when the graph was read back "
            f"({exc}); the publish is not confirmed"
        ) from None


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
) -> str:
    """CLEAR (when replacing) and INSERT DATA, in as few requests as the size allows: one
    request is one transaction, so a graph up to :data:`UPDATE_REQUEST_BYTES` is replaced
    all at once or not at all. A larger one goes in parts, and a failure says how far it
    got."""
    open_graph, close_graph = (f"GRAPH <{graph_iri}> {{ ", " }") if graph_iri else ("", "")
    where = f"graph <{graph_iri}>" if graph_iri else "the default graph"
    clear = f"CLEAR SILENT GRAPH <{graph_iri}> ;\n" if graph_iri else "CLEAR SILENT DEFAULT ;\n"
    # Only "\n" ends an N-Triples line: str.splitlines() would also cut at U+0085, U+2028,
    # U+2029, \v, \f and \x1c-\x1e, which Oxigraph writes unescaped inside literals.
    lines = [line for line in data.decode("utf-8").split("\n") if line]
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
    media = ""
    for i, (text, n) in enumerate(requests):
        update = (clear if replace and i == 0 else "") + (
            f"INSERT DATA {{ {open_graph}{text}{close_graph} }}" if n else ""
        )
        update = update.rstrip(" ;\n")
        if not update:
            continue
        try:
            media = _update(url, update, timeout)
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
                hint=f"rerun publish without {option('append')} to replace the graph whole"
                if not replace
                else "rerun publish to replace it whole",
            ) from None
        sent += n
    return media


def _update(url: str, update: str, timeout: float) -> str:
    body = urllib.parse.urlencode({"update": update}).encode("utf-8")
    return _http(url, body, "POST", "application/x-www-form-urlencoded", timeout)


def _http(url: str, body: bytes, method: str, content_type: str, timeout: float) -> str:
    """Send ``body``; the answer's media type (a 2xx answer: an error status raises)."""
    request = urllib.request.Request(
        url, data=body, method=method, headers={"Content-Type": content_type}
    )
    deadline = time.monotonic() + timeout
    base = url.split("?")[0]

    def exchange() -> str:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            read_answer(response, base, deadline, timeout)
            media = str(response.headers.get("Content-Type", "")).split(";")[0].strip()
            if response.geturl() != url:  # a POST redirected becomes a GET without the data
                raise RemoteError(
                    f"the store {base} redirected the data to {response.geturl().split('?')[0]}",
                    hint="give the URL it redirects to",
                )
            return media.lower()

    try:
        return within(timeout + 0.5, exchange, lambda: too_slow(base, timeout))
    except RemoteError:
        raise
    except urllib.error.HTTPError as exc:
        detail = " ".join(exc.read(300).decode("utf-8", "replace").split())
        hint = (
            "is the URL the store's Graph Store Protocol or update endpoint, and is it writable?"
            if exc.code in (401, 403, 404, 405, 415, 501)
            else "the store's answer says what it refused"
            if exc.code in (400, 413, 422)
            else None
        )
        raise RemoteError(
            f"the store {base} refused the data: HTTP {exc.code} {exc.reason}"
            + (f" ({detail})" if detail else ""),
            hint=hint,
        ) from None
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise explain_failure(base, exc, timeout) from None
