"""``rolegraph serve``: the graph as linked data on 127.0.0.1.

* ``/sparql`` — a read-only SPARQL 1.1 Protocol endpoint (GET or POST; results as
  SPARQL JSON, XML, CSV or TSV; graphs as Turtle, N-Triples, JSON-LD or RDF/XML, by
  the Accept header). Updates are refused with 403, on ``/sparql`` and ``/update``.
* ``/id/...`` — every resource of the graph, by content negotiation: an HTML page of
  its triples, Turtle, or JSON-LD (``?format=ttl|jsonld|html`` overrides).
* ``/queries`` — the saved queries as forms; results as HTML tables (or CSV / JSON).
* ``/ontology``, ``/ontology/context.jsonld``, ``/ontology/shapes.ttl``.
* ``/explorer`` — the interactive HTML explorer of the graph, when available.

Every text from the data is HTML-escaped; pages load nothing from elsewhere.
"""

from __future__ import annotations

import html
import select
import socket
import sys
import threading
import urllib.parse
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from rolegraph.errors import InputError, NotFound, QueryError, RolegraphError
from rolegraph.graph.jsonld import to_jsonld
from rolegraph.graph.pool import QueryCancelled, QueryLimit, QueryPool
from rolegraph.graph.runner import LocalRunner
from rolegraph.graph.store import graph_stats
from rolegraph.model import paths
from rolegraph.model.formats import FORMATS, GRAPH_MEDIA_TYPES
from rolegraph.model.vocab import BASE, ID, PREFIXES, RDF, RDFS, RG, compact_iri
from rolegraph.sparql.binding import allowed_values, run_query, to_oxigraph
from rolegraph.sparql.catalogue import get_query, load_catalogue
from rolegraph.sparql.text import UPDATE_FORMS, query_form

if TYPE_CHECKING:
    from rolegraph.graph.pool import Limits, QueryPool
    from rolegraph.graph.store import RoleGraph

HOST = "127.0.0.1"
MAX_BODY = 1024 * 1024
_SELECT_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
_GRAPH_TYPES = GRAPH_MEDIA_TYPES
#: ?format=NAME on a resource page -> media type (the export formats' names and extensions).
_RESOURCE_FORMATS = {
    **{f.name: f.media_type for f in FORMATS if f.export},
    **{ext.lstrip("."): f.media_type for f in FORMATS if f.export for ext in f.extensions},
    "html": "text/html",
}
_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#0b0c0c}
a{color:#1d70b8}table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border:1px solid #b1b4b6;padding:.35rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
th{background:#f3f2f1}code,pre{background:#f3f2f1;padding:.1rem .3rem}pre{white-space:pre-wrap}
label{display:block;margin:.5rem 0 .2rem;font-weight:600}input{padding:.3rem;width:28rem;max-width:100%}
nav a{margin-right:1rem}.muted{color:#505a5f}.error{color:#d4351c;font-weight:600}
"""


def _accepts(header: str | None, offered: list[str]) -> str | None:
    """The offered media type the Accept header prefers (RFC 9110: each offered type takes
    the quality of the most specific range that matches it, ``q=0`` refuses it; the first
    offered wins a tie), or None when it accepts none of them."""
    if not header:
        return offered[0]
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = min(max(float(f[2:]), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        if fields[0]:
            ranges.append((fields[0].lower(), q))
    best: tuple[float, int] | None = None
    choice = None
    for i, o in enumerate(offered):
        # specificity: 2 exact, 1 type/*, 0 */*
        matches = [
            (2 if m == o else 0 if m == "*/*" else 1, q)
            for m, q in ranges
            if m in (o, "*/*") or (m.endswith("/*") and o.startswith(m[:-1]))
        ]
        if not matches:
            continue
        q = max(matches)[1]
        if q > 0 and (best is None or (q, -i) > best):
            best, choice = (q, -i), o
    return choice


def _page(title: str, body: str) -> bytes:
    nav = (
        '<nav><a href="/">rolegraph</a><a href="/queries">Saved queries</a>'
        '<a href="/sparql">SPARQL</a><a href="/explorer">Explorer</a><a href="/ontology">Ontology</a></nav>'
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body>{nav}<h1>{html.escape(title)}</h1>{body}"
        '<p class="muted">Contains public sector information licensed under the '
        '<a href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/">'
        "Open Government Licence v3.0</a>.</p></body></html>"
    ).encode()


def _ontology_page(triples: list[Any]) -> bytes:
    """The ontology's classes and properties as a table: term, kind, label, definition."""
    owl = "http://www.w3.org/2002/07/owl#"
    definition = "http://www.w3.org/2004/02/skos/core#definition"
    kinds = {
        owl + "Class": "class",
        owl + "ObjectProperty": "property",
        owl + "DatatypeProperty": "property",
    }
    terms: dict[str, dict[str, str]] = {}
    for t in triples:
        if not t.subject.value.startswith(RG):
            continue
        term = terms.setdefault(t.subject.value, {})
        if t.predicate.value == RDF + "type" and t.object.value in kinds:
            term["kind"] = kinds[t.object.value]
        elif t.predicate.value == RDFS + "label":
            term["label"] = t.object.value
        elif t.predicate.value == definition:
            term["definition"] = t.object.value
    rows = "".join(
        f'<tr id="{html.escape(iri[len(RG) :], quote=True)}"><td><code>rg:{html.escape(iri[len(RG) :])}</code></td>'
        f"<td>{html.escape(t.get('kind', ''))}</td><td>{html.escape(t.get('label', ''))}</td>"
        f"<td>{html.escape(t.get('definition', ''))}</td></tr>"
        for iri, t in sorted(terms.items(), key=lambda kv: (kv[1].get("kind", ""), kv[0]))
        if "kind" in t
    )
    body = (
        '<p>Also as <a href="/ontology/rolegraph.ttl">Turtle</a>; the JSON-LD context is '
        '<a href="/ontology/context.jsonld">context.jsonld</a>, the shapes '
        '<a href="/ontology/shapes.ttl">shapes.ttl</a>.</p>'
        f"<table><tr><th>term</th><th>kind</th><th>label</th><th>definition</th></tr>{rows}</table>"
    )
    return _page("The rolegraph ontology", body)


def local_path(iri: str) -> str | None:
    """The server path of one of our IRIs (``/id/...``), or None for others."""
    if iri.startswith(ID):
        return "/id/" + urllib.parse.quote(iri[len(ID) :], safe="/-._~")
    return None


def _short(iri: str) -> str:
    return compact_iri(iri) or iri


#: makes the explorer page of a view: (view, role, skill) -> HTML
ExplorerMaker = Callable[[str, str | None, str | None], bytes]


class _App:
    #: explorer pages kept, most recent last (each is made once, on first request)
    MAX_PAGES = 16

    def __init__(self, graph: RoleGraph, explorer: ExplorerMaker | None, pool: QueryPool) -> None:
        self.graph = graph
        self.explorer = explorer
        self.pool = pool
        self._pages: dict[tuple[str, str | None, str | None], bytes] = {}
        self._lock = threading.Lock()

    def explorer_page(
        self, view: str = "overlap", role: str | None = None, skill: str | None = None
    ) -> bytes | None:
        if self.explorer is None:
            return None
        key = (view, role, skill)
        with self._lock:
            page = self._pages.pop(key, None)
            if page is None:
                page = self.explorer(view, role, skill)
            self._pages[key] = page
            while len(self._pages) > self.MAX_PAGES:
                del self._pages[next(iter(self._pages))]
            return page


class Handler(BaseHTTPRequestHandler):
    server_version = "rolegraph"
    app: _App

    # -- plumbing -------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send(self, status: int, body: bytes, content_type: str, *, scripts: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept")
        self.send_header("X-Content-Type-Options", "nosniff")
        if content_type.startswith("text/html"):
            script = "'unsafe-inline'" if scripts else "'none'"
            self.send_header(
                "Content-Security-Policy",
                f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
                f"script-src {script}; connect-src 'none'; form-action 'self'",
            )
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def fail(self, status: int, message: str) -> None:
        """An error: an HTML page for browsers, plain text for programs."""
        if _accepts(self.headers.get("Accept"), ["text/plain", "text/html"]) == "text/html":
            body = _page(
                f"{int(status)} {HTTPStatus(status).phrase}", f"<p>{html.escape(message)}</p>"
            )
            self.send(status, body, "text/html; charset=utf-8")
        else:
            self.send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def form(self) -> dict[str, list[str]]:
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if self.command == "POST":
            raw = self.headers.get("Content-Length") or "0"
            if not raw.strip().isdigit():
                raise _HttpError(HTTPStatus.BAD_REQUEST, "Content-Length must be a number of bytes")
            length = int(raw)
            if length > MAX_BODY:
                raise _HttpError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large")
            body = self.rfile.read(length).decode("utf-8", "replace")
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/sparql-query":
                params.setdefault("query", []).append(body)
            elif ctype == "application/sparql-update":
                params.setdefault("update", []).append(body)
            else:
                for k, v in urllib.parse.parse_qs(body, keep_blank_values=True).items():
                    params.setdefault(k, []).extend(v)
        return params

    # -- routes -----------------------------------------------------------------------

    def do_GET(self) -> None:
        try:
            self.check_host()
            self.route()
        except _HttpError as exc:
            self.fail(exc.status, exc.message)
        except NotFound as exc:
            self.fail(HTTPStatus.NOT_FOUND, str(exc))
        except QueryCancelled:
            self.close_connection = True  # nobody is there to read an answer
        except QueryLimit as exc:
            self.fail(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))
        except RolegraphError as exc:
            self.fail(HTTPStatus.BAD_REQUEST, str(exc))
        except (ValueError, UnicodeError) as exc:
            # e.g. a path that is not a valid IRI: the request is wrong, not the server.
            self.fail(HTTPStatus.BAD_REQUEST, f"bad request: {exc}")

    def check_host(self) -> None:
        """Only answer requests addressed to this machine (a web page elsewhere cannot use
        DNS rebinding to make a browser query the server under another name)."""
        host = (self.headers.get("Host") or "").strip().lower()
        port = self.server.server_address[1]  # type: ignore[index]
        allowed = {f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]")}
        if host and host not in allowed:
            raise _HttpError(HTTPStatus.MISDIRECTED_REQUEST, f"unexpected Host header {host!r}")

    do_POST = do_GET
    do_HEAD = do_GET

    def do_PUT(self) -> None:
        self.fail(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")

    do_DELETE = do_PUT
    do_PATCH = do_PUT

    def route(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        if path in ("/sparql", "/query"):
            self.sparql()
        elif path == "/update":
            self.fail(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
        elif path.startswith("/id/"):
            self.resource(ID + urllib.parse.unquote(path[len("/id/") :]))
        elif path == "/queries":
            self.query_list()
        elif path.startswith("/queries/"):
            self.saved_query(urllib.parse.unquote(path[len("/queries/") :]))
        elif path == "/ontology":
            self.ontology()
        elif path == "/ontology/rolegraph.ttl":
            self.file("rolegraph.ttl", "text/turtle; charset=utf-8")
        elif path == "/ontology/context.jsonld":
            self.file("context.jsonld", "application/ld+json")
        elif path == "/ontology/shapes.ttl":
            self.file("shapes.ttl", "text/turtle; charset=utf-8")
        elif path == "/explorer":
            # /explorer: the overlap view; ?role=NAME the role's view; ?skill=NAME the skill's.
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            role = (query.get("role") or [""])[-1].strip() or None
            skill = (query.get("skill") or [""])[-1].strip() or None
            if role and skill:
                raise _HttpError(HTTPStatus.BAD_REQUEST, "give role or skill, not both")
            view = "role" if role else "skill" if skill else "overlap"
            page = self.app.explorer_page(view, role, skill)
            if page is None:
                raise _HttpError(
                    HTTPStatus.NOT_FOUND, "the explorer is not available in this installation"
                )
            self.send(HTTPStatus.OK, page, "text/html; charset=utf-8", scripts=True)
        elif path == "/":
            self.home()
        else:
            raise _HttpError(HTTPStatus.NOT_FOUND, f"nothing at {path}")

    def ontology(self) -> None:
        """The ontology by content negotiation: Turtle (as published), JSON-LD, N-Triples,
        or a page of its classes and properties for a browser."""
        import pyoxigraph as ox

        offered = ["text/turtle", "application/ld+json", "application/n-triples", "text/html"]
        media = _accepts(self.headers.get("Accept"), offered)
        if media is None:
            raise _HttpError(
                HTTPStatus.NOT_ACCEPTABLE, "the ontology is served as " + ", ".join(offered)
            )
        if media == "text/turtle":
            self.file("rolegraph.ttl", "text/turtle; charset=utf-8")
            return
        data = (paths.ontology_dir() / "rolegraph.ttl").read_bytes()
        triples = sorted(
            ox.parse(data, format=ox.RdfFormat.TURTLE),
            key=lambda t: (t.subject.value, t.predicate.value, str(t.object)),
        )
        plain = [ox.Triple(t.subject, t.predicate, t.object) for t in triples]
        if media == "application/ld+json":
            self.send(HTTPStatus.OK, to_jsonld(plain), "application/ld+json; charset=utf-8")
            return
        if media == "application/n-triples":
            body = ox.serialize(plain, format=ox.RdfFormat.N_TRIPLES) or b""
            self.send(HTTPStatus.OK, body, "application/n-triples; charset=utf-8")
            return
        self.send(HTTPStatus.OK, _ontology_page(plain), "text/html; charset=utf-8")

    def file(self, name: str, content_type: str) -> None:
        self.send(HTTPStatus.OK, (paths.ontology_dir() / name).read_bytes(), content_type)

    def sparql(self) -> None:
        import pyoxigraph as ox

        params = self.form()
        if "update" in params:
            raise _HttpError(
                HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused"
            )
        queries = params.get("query", [])
        if not queries:
            if self.command in ("GET", "HEAD") and "text/html" in (
                self.headers.get("Accept") or ""
            ):
                self.sparql_form()
                return
            raise _HttpError(HTTPStatus.BAD_REQUEST, "give a SPARQL query in the 'query' parameter")
        if len(queries) > 1:
            raise _HttpError(HTTPStatus.BAD_REQUEST, "give exactly one 'query' parameter")
        if query_form(queries[0]) in UPDATE_FORMS:
            raise _HttpError(
                HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused"
            )
        graph = self.app.graph
        defaults = params.get("default-graph-uri", [])
        named = params.get("named-graph-uri", [])
        select = query_form(queries[0]) in ("SELECT", "ASK")
        types = _SELECT_TYPES if select else _GRAPH_TYPES
        # A browser (text/html preferred) gets a page; a client asking for nothing in
        # particular (*/*) gets the first type offered (SPARQL JSON, Turtle).
        accept = self.headers.get("Accept")
        page = _accepts(accept, [*types, "text/html"]) == "text/html"
        media = None if page else _accepts(accept, list(types))
        if not page and media is None:
            what = "results" if select else "graphs"
            raise _HttpError(HTTPStatus.NOT_ACCEPTABLE, f"{what} are served as " + ", ".join(types))
        try:
            sparql, dataset = graph.prepare(queries[0])
            # The protocol's dataset overrides the query's FROM; with neither, the query
            # sees the served graph (or release).
            if defaults or named:
                dataset = {}
            try:
                if defaults:
                    dataset["default_graph"] = [ox.NamedNode(u) for u in defaults]
                if named:
                    dataset["named_graphs"] = [ox.NamedNode(u) for u in named]
            except ValueError as exc:
                raise _HttpError(
                    HTTPStatus.BAD_REQUEST,
                    f"default-graph-uri / named-graph-uri must be absolute IRIs: {exc}",
                ) from None
            name = "JSON" if page or media is None else types[media]
            answer = self.app.pool.run(
                sparql,
                dataset=dataset,
                results_format=name if select else "JSON",
                graph_format="N_TRIPLES" if page or select else name,
                prefixes=PREFIXES,
                spreadsheet_safe=True,
                cancelled=self.client_gone,
            )
        except (QueryLimit, QueryCancelled):
            raise
        except QueryError as exc:
            raise _HttpError(HTTPStatus.BAD_REQUEST, str(exc)) from None
        if page:
            result = answer.solutions() if answer.kind != "graph" else answer.triples()
            self.sparql_form(queries[0], result)
            return
        assert media is not None
        # Served as the type negotiated: a client that refused the SPARQL type by name
        # (q=0) but takes application/json gets application/json.
        self.send(HTTPStatus.OK, answer.data, f"{media}; charset=utf-8")

    def client_gone(self) -> bool:
        """Has the client closed its connection (so its query may stop)?"""
        try:
            ready, _, _ = select.select([self.connection], [], [], 0)
            return bool(ready) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def sparql_form(self, query: str | None = None, result: Any = None) -> None:
        """The endpoint's page: a query box, and the answer to ``query`` as a table."""
        import pyoxigraph as ox

        example = (
            "PREFIX rg: <https://w3id.org/rolegraph/ontology#>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "SELECT ?role ?family WHERE { ?r a rg:Role ; rdfs:label ?role ; "
            "rg:family/rdfs:label ?family }\nORDER BY ?family ?role"
        )
        body = (
            "<p>A read-only SPARQL 1.1 Protocol endpoint. Send <code>query</code> by GET or POST; "
            "ask for results with the Accept header (a browser gets this page).</p>"
            '<form method="get" action="/sparql"><textarea name="query" rows="8" cols="100">'
            f"{html.escape(query or example)}</textarea><p><button>Run</button></p></form>"
        )
        if isinstance(result, ox.QueryBoolean):
            body += f"<p>Answer: <strong>{'yes' if bool(result) else 'no'}</strong></p>"
        elif result is not None:
            triples = not isinstance(result, ox.QuerySolutions)  # CONSTRUCT or DESCRIBE
            names = (
                ["subject", "predicate", "object"]
                if triples
                else [v.value for v in result.variables]
            )
            rows = []
            for n, solution in enumerate(result):
                if n == 5000:
                    rows.append(f'<tr><td colspan="{len(names)}">first 5000 rows shown</td></tr>')
                    break
                terms = list(solution) if triples else [solution[v] for v in names]
                cells = "".join(
                    "<td></td>" if t is None else f"<td>{self.term(t, {})}</td>" for t in terms
                )
                rows.append(f"<tr>{cells}</tr>")
            head = "".join(f"<th>{html.escape(v)}</th>" for v in names)
            body += f"<table><tr>{head}</tr>{''.join(rows)}</table>"
        self.send(HTTPStatus.OK, _page("SPARQL endpoint", body), "text/html; charset=utf-8")

    def resource(self, iri: str) -> None:
        import pyoxigraph as ox

        graph = self.app.graph
        node = ox.NamedNode(iri)
        triples = list(graph.pattern(node, None, None))
        incoming = list(graph.pattern(None, None, node))
        if not triples and not incoming:
            raise _HttpError(HTTPStatus.NOT_FOUND, f"no resource <{iri}> in this graph")
        choice = (
            urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("format") or [""]
        )[0]
        media = _RESOURCE_FORMATS.get(choice.lower())
        if choice and media is None:
            raise _HttpError(
                HTTPStatus.BAD_REQUEST,
                f"unknown format {choice!r}: use one of {', '.join(sorted(_RESOURCE_FORMATS))}",
            )
        if media is None:
            media = _accepts(
                self.headers.get("Accept"),
                ["text/html", "text/turtle", "application/ld+json", "application/n-triples"],
            )
        if media is None:
            raise _HttpError(
                HTTPStatus.NOT_ACCEPTABLE,
                "resources are served as text/html, text/turtle, application/ld+json, application/n-triples",
            )
        ordered = sorted(triples, key=lambda t: (t.predicate.value, str(t.object)))
        if media == "text/turtle":
            data = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
            self.send(HTTPStatus.OK, data, "text/turtle; charset=utf-8")
        elif media == "application/n-triples":
            data = ox.serialize(ordered, format=ox.RdfFormat.N_TRIPLES) or b""
            self.send(HTTPStatus.OK, data, "application/n-triples; charset=utf-8")
        elif media == "application/ld+json":
            self.send(HTTPStatus.OK, to_jsonld(ordered), "application/ld+json; charset=utf-8")
        else:
            self.send(
                HTTPStatus.OK,
                self.resource_html(iri, ordered, incoming),
                "text/html; charset=utf-8",
            )

    def resource_html(self, iri: str, triples: list[Any], incoming: list[Any]) -> bytes:
        shown = sorted(incoming, key=lambda t: (t.predicate.value, t.subject.value))[:500]
        labels = self.labels(
            [
                iri,
                *(t.object.value for t in triples if hasattr(t.object, "value")),
                *(t.subject.value for t in shown),
            ]
        )
        title = labels.get(iri, _short(iri))
        rows = "".join(
            f"<tr><td>{self.link(t.predicate.value, {})}</td><td>{self.term(t.object, labels)}</td></tr>"
            for t in triples
        )
        body = f"<p><code>{html.escape(iri)}</code> — also as "
        body += " ".join(
            f'<a href="?format={f}">{name}</a>'
            for f, name in (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"))
        )
        body += "</p>"
        explore = self.explorer_link(iri, triples, title)
        if explore:
            body += f"<p>{explore}</p>"
        body += f"<table><tr><th>property</th><th>value</th></tr>{rows}</table>"
        if incoming:
            body += "<h2>Links to it</h2><table><tr><th>from</th><th>property</th></tr>"
            body += "".join(
                f"<tr><td>{self.link(t.subject.value, labels)}</td><td>{self.link(t.predicate.value, {})}</td></tr>"
                for t in shown
            )
            body += "</table>"
            if len(incoming) > 500:
                body += f"<p>… and {len(incoming) - 500} more.</p>"
        return _page(title, body)

    def explorer_link(self, iri: str, triples: list[Any], title: str) -> str:
        """A link to the explorer's view of a role or a skill (a level: of its role)."""
        if self.app.explorer is None:
            return ""
        types = {t.object.value for t in triples if t.predicate.value == RDF + "type"}
        if RG + "Role" in types or RG + "SeniorCivilServiceRole" in types:
            param, name = "role", title
        elif RG + "Skill" in types:
            param, name = "skill", title
        elif RG + "RoleLevel" in types:
            role = next((t.object.value for t in triples if t.predicate.value == RG + "role"), None)
            if role is None:
                return ""
            param, name = "role", self.labels([role]).get(role, "")
        else:
            return ""
        if not name:
            return ""
        href = "/explorer?" + urllib.parse.urlencode({param: name})
        return (
            f'<a href="{html.escape(href, quote=True)}">See {html.escape(name)} in the explorer</a>'
        )

    def labels(self, iris: list[str]) -> dict[str, str]:
        import pyoxigraph as ox

        label = ox.NamedNode(RDFS + "label")
        out = {}
        for iri in set(iris):
            if iri.startswith("http"):
                found = next(iter(self.app.graph.pattern(ox.NamedNode(iri), label, None)), None)
                if found is not None and isinstance(found.object, ox.Literal):
                    out[iri] = found.object.value
        return out

    def link(self, iri: str, labels: dict[str, str]) -> str:
        text = labels.get(iri) or _short(iri)
        href = local_path(iri) or (iri if iri.startswith(("http://", "https://")) else None)
        if href is None:
            return html.escape(text)
        return f'<a href="{html.escape(href, quote=True)}">{html.escape(text)}</a>'

    def term(self, term: Any, labels: dict[str, str]) -> str:
        import pyoxigraph as ox

        if isinstance(term, ox.NamedNode):
            return self.link(term.value, labels)
        if isinstance(term, ox.Literal):
            text = html.escape(term.value)
            return f"<pre>{text}</pre>" if "\n" in term.value else text
        return html.escape(str(term))

    def home(self) -> None:
        stats = graph_stats(self.app.graph)
        rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>" for k, v in stats.items())
        roles = sorted(
            (t.subject.value, t.object.value) for t in self._typed(BASE + "ontology#Role")
        )
        role_links = ", ".join(self.link(iri, {iri: label}) for iri, label in roles)
        release = (
            f" (release {html.escape(self.app.graph.release)})" if self.app.graph.release else ""
        )
        body = (
            f"<p>The UK Government Digital and Data Profession Capability Framework as linked data{release}.</p>"
            f"<table>{rows}</table><h2>Roles</h2><p>{role_links}</p>"
            '<p>Query it: <a href="/queries">saved queries</a> or the <a href="/sparql">SPARQL endpoint</a>. '
            'Explore it: <a href="/explorer">the interactive graph</a>.</p>'
        )
        self.send(HTTPStatus.OK, _page("rolegraph", body), "text/html; charset=utf-8")

    def _typed(self, cls: str) -> list[Any]:
        import pyoxigraph as ox

        rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        label = ox.NamedNode(RDFS + "label")
        out = []
        for t in self.app.graph.pattern(None, rdf_type, ox.NamedNode(cls)):
            found = next(iter(self.app.graph.pattern(t.subject, label, None)), None)
            if found is not None:
                out.append(found)
        return out

    def query_list(self) -> None:
        rows = "".join(
            f'<tr><td><a href="/queries/{html.escape(q.name)}">{html.escape(q.name)}</a></td>'
            f"<td>{html.escape(q.summary)}</td><td>{html.escape(', '.join(p.describe() for p in q.params) or '-')}</td></tr>"
            for q in load_catalogue().values()
        )
        body = f"<table><tr><th>query</th><th>question</th><th>parameters</th></tr>{rows}</table>"
        self.send(HTTPStatus.OK, _page("Saved queries", body), "text/html; charset=utf-8")

    def saved_query(self, name: str) -> None:
        try:
            query = get_query(name)
        except NotFound as exc:
            hint = f"did you mean {', '.join(exc.suggestions)}? " if exc.suggestions else ""
            raise _HttpError(
                HTTPStatus.NOT_FOUND, f"no saved query named {name!r} ({hint}/queries lists them)"
            ) from None
        form = self.form()
        twice = sorted(k for k, v in form.items() if len(v) > 1)
        if twice:
            raise _HttpError(
                HTTPStatus.BAD_REQUEST, f"{', '.join(twice)} given more than once: give each once"
            )
        # An empty field is a value not given (its default, if it has one).
        params = {k: v[-1] for k, v in form.items() if v[-1].strip()}
        fmt = params.pop("format", "html")
        types = {
            "csv": "text/csv",
            "json": "application/sparql-results+json",
            "tsv": "text/tab-separated-values",
        }
        if fmt != "html" and fmt not in types:
            raise _HttpError(
                HTTPStatus.BAD_REQUEST,
                f"unknown format {fmt!r}: use html, {', '.join(types)}",
            )
        # Asking for a format other than the page means running the query.
        run = params.pop("run", None) is not None or not query.params or fmt != "html"
        runner = LocalRunner(self.app.graph, self.app.pool)
        table = None
        problem, status = "", HTTPStatus.OK
        if run:
            try:
                table = run_query(query, params, runner, limit=5000)
            except RolegraphError as exc:
                if fmt != "html":
                    raise
                # Shown in the form, beside the values to correct.
                problem = str(exc)
                status = (
                    HTTPStatus.NOT_FOUND
                    if isinstance(exc, NotFound)
                    else HTTPStatus.SERVICE_UNAVAILABLE
                    if isinstance(exc, QueryLimit)
                    else HTTPStatus.BAD_REQUEST
                )
            if table is not None and fmt in types:
                self.send(
                    HTTPStatus.OK, table.format(fmt).encode("utf-8"), f"{types[fmt]}; charset=utf-8"
                )
                return
        fields = ""
        for p in query.params:
            value = params.get(p.name, p.default or "")
            options = allowed_values(query, p, runner)
            listid = f"list-{p.name}"
            datalist = (
                f'<datalist id="{listid}">'
                + "".join(f'<option value="{html.escape(o, quote=True)}">' for o in options)
                + "</datalist>"
                if options
                else ""
            )
            fields += (
                f'<label for="{html.escape(p.name)}">{html.escape(p.name)} ({html.escape(p.type)})</label>'
                f'<input id="{html.escape(p.name)}" name="{html.escape(p.name)}" value="{html.escape(value, quote=True)}" list="{listid}">'
                f'{datalist}<div class="muted">{html.escape(p.description)}</div>'
            )
        body = f"<p>{html.escape(query.description)}</p>"
        body += f'<form method="get"><input type="hidden" name="run" value="1">{fields}<p><button>Run</button></p></form>'
        if problem:
            body += f'<p class="error" role="alert">{html.escape(problem)}</p>'
        if table is not None:
            head = "".join(f"<th>{html.escape(v)}</th>" for v in table.variables)
            rows = "".join(
                "<tr>"
                + "".join(
                    "<td></td>" if t is None else f"<td>{self.term(_ox_term(t), {})}</td>"
                    for t in row
                )
                + "</tr>"
                for row in table.rows
            )
            qs = urllib.parse.urlencode({**params, "run": "1"})
            body += f'<p>{len(table)} rows — download as <a href="?{html.escape(qs)}&amp;format=csv">CSV</a>, <a href="?{html.escape(qs)}&amp;format=json">JSON</a></p>'
            body += f"<table><tr>{head}</tr>{rows}</table>"
        body += f"<h2>SPARQL</h2><pre>{html.escape(query.sparql)}</pre>"
        self.send(
            status,
            _page(f"{query.name}: {query.summary}", body),
            "text/html; charset=utf-8",
        )


def _ox_term(t: Any) -> Any:
    return to_oxigraph(t)


class _HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Server(ThreadingHTTPServer):
    pool: QueryPool | None = None

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-answer is routine: say nothing. Anything else is one
        line on stderr, not a traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return
        print(
            f"rolegraph serve: request from {client_address[0]} failed: "
            f"{type(exc).__name__}: {exc}",
            file=sys.stderr,
        )

    def server_close(self) -> None:
        super().server_close()
        if self.pool is not None:
            self.pool.close()


def make_server(
    graph: RoleGraph,
    port: int = 0,
    *,
    explorer: ExplorerMaker | None = None,
    limits: Limits | None = None,
    workers: int = 2,
) -> ThreadingHTTPServer:
    """A server bound to 127.0.0.1 (port 0: any free port); call ``serve_forever``, and
    ``server_close`` at the end (it stops the query workers too).

    Queries sent to it run in ``workers`` worker processes within ``limits`` (see
    :mod:`rolegraph.graph.pool`): at most ``workers`` at once, each stopped past its time-out,
    memory or result size, or when its client goes away."""

    pool = QueryPool(graph, workers=workers, limits=limits)
    handler = type("RolegraphHandler", (Handler,), {"app": _App(graph, explorer, pool)})
    try:
        server = _Server((HOST, port), handler)
    except OSError as exc:
        pool.close()

        raise InputError(
            f"cannot listen on {HOST}:{port}: {exc.strerror or exc}", hint="try another --port"
        ) from None
    server.pool = pool
    server.daemon_threads = True
    # Ctrl-C stops the server at once: the queries still running end with their workers.
    server.block_on_close = False
    return server


def describe(server: ThreadingHTTPServer) -> str:
    port = server.server_address[1]
    return f"http://{HOST}:{port}/"


__all__ = ["describe", "local_path", "make_server"]
