"""Publish a graph to a store: Graph Store Protocol (PUT/POST) or SPARQL Update, then
ask the store what it holds, so that a publish is never reported done unless it is."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from rolegraph.errors import RemoteError
from rolegraph.graph.export import sorted_ntriples
from rolegraph.graph.sending import Store, too_large
from rolegraph.graph.store import RoleGraph
from rolegraph.model.formats import by_media_type
from rolegraph.sparql.remote import RemoteRunner, check_endpoint_url
from rolegraph.spelling import option
from rolegraph.util.text import whole_number


def publish(
    graph: RoleGraph,
    url: str,
    *,
    graph_iri: str | None = None,
    protocol: str = "gsp",
    replace: bool = True,
    timeout: float = 60.0,
    query_url: str | None = None,
    user: str | None = None,
    password: str = "",
    batch_size: int | None = None,
) -> Published:
    """Load ``graph`` into a store: Graph Store Protocol (PUT/POST) or SPARQL Update.

    ``user`` and ``password`` are sent as the store asks (HTTP Digest when its challenge
    says so, else Basic). SPARQL Update goes in requests of at most ``batch_size``
    triples (default: as many as :data:`UPDATE_REQUEST_BYTES` allow), and in halves of
    that while the store refuses a request as too large.

    Then the store is asked how many triples the graph holds (a COUNT query on
    ``query_url``, by default derived from ``url``: Oxigraph's and Fuseki's ``.../store``,
    ``.../data`` and ``.../update`` sit beside ``.../query``, Virtuoso's
    ``/sparql-graph-crud-auth`` and ``/sparql-auth`` beside ``/sparql``; else, with the
    Graph Store Protocol, a GET of the graph): an answer that is not a store's, or a count
    other than what was sent (another writer at work, or a store that dropped data), is a
    :class:`RemoteError`, never a success. Returns what was sent and what was found."""

    check_endpoint_url(url)
    if query_url is not None:
        check_endpoint_url(query_url)
    if graph_iri is not None:
        check_graph_iri(graph_iri)
    if protocol not in ("gsp", "update"):
        raise RemoteError(f"unknown protocol {protocol!r}", hint="use gsp or update")
    if batch_size is not None and batch_size < 1:
        raise RemoteError(
            f"{option('batch_size')} must be at least 1 (it is {batch_size})",
            hint="give the most triples one SPARQL Update request may carry, such as 1000",
        )
    data = sorted_ntriples(graph)
    triples = data.count(b"\n")
    target = (
        url
        + ("&" if "?" in url else "?")
        + ("graph=" + urllib.parse.quote(graph_iri, safe="") if graph_iri else "default")
    )
    store = Store(url, timeout, graph_iri)
    if user is not None:
        store.log_in(user, password)
    if protocol == "gsp":
        media = store.send(target, data, "PUT" if replace else "POST", "application/n-triples")
    else:
        media = _publish_by_update(store, data, replace, batch_size)
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
        held = _count_by_get(store, target)
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


#: the last path segment of a store's write URLs that have a query URL beside them, and
#: that URL's last segment (Oxigraph, Fuseki; Virtuoso's Graph Store and SPARQL Update)
_WRITE_SEGMENTS = {
    "store": "query",
    "data": "query",
    "update": "query",
    "sparql-graph-crud-auth": "sparql",
    "sparql-graph-crud": "sparql",
    "sparql-auth": "sparql",
}


def derived_query_url(url: str) -> str | None:
    """The SPARQL query URL beside a store's write URL (``http://h:7878/store`` ->
    ``http://h:7878/query``, Fuseki's ``/ds/data`` -> ``/ds/query``), or None."""
    parts = urllib.parse.urlsplit(url)
    head, _, last = parts.path.rpartition("/")
    if last not in _WRITE_SEGMENTS:
        return None
    return urllib.parse.urlunsplit(
        (parts.scheme, parts.netloc, f"{head}/{_WRITE_SEGMENTS[last]}", "", "")
    )


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
    count = whole_number(cell.value) if cell is not None and cell.kind == "literal" else None
    if count is None:
        raise RemoteError(
            f"sent the graph to {url}, but {query_url} did not answer a triple count "
            "(it is not a SPARQL query endpoint); the publish is not confirmed",
            hint=f"give {option('query_endpoint')} URL, the store's SPARQL query URL",
        )
    return count


def _count_by_get(store: Store, target: str) -> int:
    """How many triples the graph holds, read back by a Graph Store Protocol GET."""
    import pyoxigraph as ox

    url = target.split("?")[0]
    try:
        answer = store.exchange("GET", target, None, {"Accept": "application/n-triples"})
    except RemoteError as exc:
        raise RemoteError(
            f"sent the graph to {url}, but reading it back failed: {exc.message}; the "
            "publish is not confirmed",
            hint=f"give {option('query_endpoint')} URL, the store's SPARQL query URL",
        ) from None
    fmt = by_media_type(answer.media) if answer.status == 200 else None
    if fmt is None or not fmt.triples:
        what = answer.media or "no content type"
        got = f"{what}, not a graph," if answer.status == 200 else answer.said()
        raise RemoteError(
            f"{url} answered {got} when the graph was read back: it is not "
            "a Graph Store Protocol endpoint, and the publish is not confirmed",
            hint="give the store's Graph Store Protocol URL (Oxigraph's is /store)",
        )
    try:
        return sum(1 for _ in ox.parse(answer.body, format=getattr(ox.RdfFormat, fmt.oxigraph)))
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


def _publish_by_update(store: Store, data: bytes, replace: bool, batch_size: int | None) -> str:
    """CLEAR (when replacing) and INSERT DATA, in as few requests as the size allows: one
    request is one transaction, so a graph up to :data:`UPDATE_REQUEST_BYTES` (and
    ``batch_size`` triples) is replaced all at once or not at all. A larger one goes in
    parts, as does one the store refuses as too large (in halves, until it takes them),
    and a failure says how far it got."""
    graph_iri, url = store.graph_iri, store.url
    open_graph, close_graph = (f"GRAPH <{graph_iri}> {{ ", " }") if graph_iri else ("", "")
    where = f"graph <{graph_iri}>" if graph_iri else "the default graph"
    clear = f"CLEAR SILENT GRAPH <{graph_iri}> ;\n" if graph_iri else "CLEAR SILENT DEFAULT ;\n"
    # Only "\n" ends an N-Triples line: str.splitlines() would also cut at U+0085, U+2028,
    # U+2029, \v, \f and \x1c-\x1e, which Oxigraph writes unescaped inside literals.
    lines = [line for line in data.decode("utf-8").split("\n") if line]
    most = batch_size or max(1, len(lines))
    sent = 0
    media = ""
    first = True
    while first or sent < len(lines):
        chunk = _batch(lines, sent, most)
        update = (clear if replace and first else "") + (
            f"INSERT DATA {{ {open_graph}{chr(10).join(chunk)}{close_graph} }}" if chunk else ""
        )
        update = update.rstrip(" ;\n")
        if not update:
            break
        body = urllib.parse.urlencode({"update": update}).encode("utf-8")
        answer = store.exchange(
            "POST", url, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if answer.status >= 300 and len(chunk) > 1 and too_large(answer):
            most = len(chunk) // 2  # the store's limit: smaller requests from here on
            continue
        try:
            media = store.accepted(answer, url)
        except RemoteError as exc:
            if first:
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
        sent += len(chunk)
        first = False
    return media


def _batch(lines: list[str], start: int, most: int) -> list[str]:
    """Up to ``most`` lines from ``start``, and no more than :data:`UPDATE_REQUEST_BYTES`."""
    chunk: list[str] = []
    size = 0
    for line in lines[start : start + most]:
        chunk.append(line)
        size += len(line) + 1
        if size >= UPDATE_REQUEST_BYTES:
            break
    return chunk
