"""The HTML pages of ``rolegraph serve``: the frame every page shares, the home page, the
ontology, a resource's triples, the saved queries and the SPARQL endpoint's form. The routes
(:mod:`.routes`, :mod:`.endpoint`) gather the data; these functions only render it, and
HTML-escape every text from the data."""

from __future__ import annotations

import html
import urllib.parse
from typing import TYPE_CHECKING, Any

from rolegraph.model.vocab import (
    RDF,
    RDFS,
    RG,
    local_id,
    short_iri,
    sparql_prefixes,
)
from rolegraph.sparql.binding import to_oxigraph

if TYPE_CHECKING:
    from rolegraph.serve.app import App
    from rolegraph.serve.backend import Backend
    from rolegraph.sparql.catalogue import SavedQuery
    from rolegraph.sparql.results import ResultTable

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#0b0c0c}
a{color:#1d70b8}table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border:1px solid #b1b4b6;padding:.35rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
th{background:#f3f2f1}code,pre{background:#f3f2f1;padding:.1rem .3rem}pre{white-space:pre-wrap}
label{display:block;margin:.5rem 0 .2rem;font-weight:600}input{padding:.3rem;width:28rem;max-width:100%}
nav a{margin-right:1rem}.muted{color:#505a5f}.error{color:#d4351c;font-weight:600}
"""


def page(title: str, body: str) -> bytes:
    nav = (
        '<nav><a href="/">rolegraph</a><a href="/queries">Saved queries</a>'
        '<a href="/sparql">SPARQL</a><a href="/explorer">Explorer</a><a href="/ontology">Ontology</a></nav>'
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>{nav}<h1>{html.escape(title)}</h1>{body}"
        '<p class="muted">Contains public sector information licensed under the '
        '<a href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/">'
        "Open Government Licence v3.0</a>.</p></body></html>"
    ).encode()


def ontology_page(triples: list[Any]) -> bytes:
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
    return page("The rolegraph ontology", body)


def local_path(iri: str) -> str | None:
    """The server path of one of our IRIs (``/id/...``), or None for others."""
    local = local_id(iri)
    return None if local is None else "/id/" + urllib.parse.quote(local, safe="/-._~")


short = short_iri
#: rows of an answer a page shows (the data formats carry all of them)
MAX_ROWS = 5000


# -- links and terms ------------------------------------------------------------------


def link(iri: str, labels: dict[str, str]) -> str:
    text = labels.get(iri) or short(iri)
    href = local_path(iri) or (iri if iri.startswith(("http://", "https://")) else None)
    if href is None:
        return html.escape(text)
    return f'<a href="{html.escape(href, quote=True)}">{html.escape(text)}</a>'


def term(term: Any, labels: dict[str, str]) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return link(term.value, labels)
    if isinstance(term, ox.Literal):
        text = html.escape(term.value)
        return f"<pre>{text}</pre>" if "\n" in term.value else text
    return html.escape(str(term))


# -- resources ------------------------------------------------------------------------


def resource_page(
    backend: Backend,
    explorer: bool,
    iri: str,
    triples: list[Any],
    shown: list[Any],
    linked: int,
) -> bytes:
    """A resource's triples as a table, and the links to it (``shown`` of ``linked``;
    ``explorer``: link to its view in the explorer, when it has one)."""
    names = backend.labels(
        [
            iri,
            *(t.object.value for t in triples if hasattr(t.object, "value")),
            *(t.subject.value for t in shown),
        ],
    )
    title = names.get(iri, short(iri))
    rows = "".join(
        f"<tr><td>{link(t.predicate.value, {})}</td><td>{term(t.object, names)}</td></tr>"
        for t in triples
    )
    body = f"<p><code>{html.escape(iri)}</code> — also as "
    body += " ".join(
        f'<a href="?format={f}">{name}</a>'
        for f, name in (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"))
    )
    body += "</p>"
    explore = explorer_link(backend, iri, triples, title) if explorer else ""
    if explore:
        body += f"<p>{explore}</p>"
    body += f"<table><tr><th>property</th><th>value</th></tr>{rows}</table>"
    if shown:
        body += "<h2>Links to it</h2><table><tr><th>from</th><th>property</th></tr>"
        body += "".join(
            f"<tr><td>{link(t.subject.value, names)}</td><td>{link(t.predicate.value, {})}</td></tr>"
            for t in shown
        )
        body += "</table>"
        if linked > len(shown):
            body += f"<p>… and {linked - len(shown):,} more.</p>"
    return page(title, body)


def explorer_link(backend: Backend, iri: str, triples: list[Any], title: str) -> str:
    """A link to the explorer's view of a role or a skill (a level: of its role)."""
    types = {t.object.value for t in triples if t.predicate.value == RDF + "type"}
    if RG + "Role" in types or RG + "SeniorCivilServiceRole" in types:
        param, name = "role", title
    elif RG + "Skill" in types:
        param, name = "skill", title
    elif RG + "RoleLevel" in types:
        role = next((t.object.value for t in triples if t.predicate.value == RG + "role"), None)
        if role is None:
            return ""
        param, name = "role", backend.labels([role]).get(role, "")
    else:
        return ""
    if not name:
        return ""
    href = "/explorer?" + urllib.parse.urlencode({param: name})
    return f'<a href="{html.escape(href, quote=True)}">See {html.escape(name)} in the explorer</a>'


# -- home -----------------------------------------------------------------------------


def home_page(backend: Backend) -> bytes:
    stats = backend.stats()
    rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>" for k, v in stats.items())
    roles = backend.typed(RG + "Role")
    role_links = ", ".join(link(iri, {iri: label}) for iri, label in roles)
    release = f" (release {html.escape(backend.release)})" if backend.release else ""
    body = (
        f"<p>The UK Government Digital and Data Profession Capability Framework as linked data{release}.</p>"
        f"<table>{rows}</table><h2>Roles</h2><p>{role_links}</p>"
        '<p>Query it: <a href="/queries">saved queries</a> or the <a href="/sparql">SPARQL endpoint</a>. '
        'Explore it: <a href="/explorer">the interactive graph</a>.</p>'
        '<p>Described in the <a href="/catalog">catalogue</a> (DCAT) and by '
        '<a href="/.well-known/void">VoID</a>; download it whole as '
        '<a href="/dumps/rolegraph.ttl">Turtle</a>, <a href="/dumps/rolegraph.nt">N-Triples</a> '
        'or <a href="/dumps/rolegraph.jsonld">JSON-LD</a>.</p>'
    )
    return page("rolegraph", body)


# -- saved queries --------------------------------------------------------------------


def query_list_page(catalogue: dict[str, SavedQuery]) -> bytes:
    rows = "".join(
        f'<tr><td><a href="/queries/{html.escape(q.name)}">{html.escape(q.name)}</a></td>'
        f"<td>{html.escape(q.summary)}</td><td>{html.escape(', '.join(p.describe() for p in q.params) or '-')}</td></tr>"
        for q in catalogue.values()
    )
    body = f"<table><tr><th>query</th><th>question</th><th>parameters</th></tr>{rows}</table>"
    return page("Saved queries", body)


def saved_query_page(
    app: App,
    query: SavedQuery,
    params: dict[str, str],
    table: ResultTable | None,
    problem: str,
) -> bytes:
    """A saved query's form (its parameters filled in from ``params``), the problem with
    them if any, its answer as a table, and its SPARQL."""
    body = f"<p>{html.escape(query.description)}</p>"
    body += f'<form method="get"><input type="hidden" name="run" value="1">{_query_fields(app, query, params)}<p><button>Run</button></p></form>'
    if problem:
        body += f'<p class="error" role="alert">{html.escape(problem)}</p>'
    if table is not None:
        body += _saved_results(table, params)
    body += f"<h2>SPARQL</h2><pre>{html.escape(query.sparql)}</pre>"
    return page(f"{query.name}: {query.summary}", body)


def _query_fields(app: App, query: SavedQuery, params: dict[str, str]) -> str:
    """An input per parameter, with the values it allows as a datalist."""
    fields = ""
    for p in query.params:
        value = params.get(p.name, p.default or "")
        options = app.allowed(query, p)
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
    return fields


def _saved_results(table: ResultTable, params: dict[str, str]) -> str:
    """A saved query's answer as a table (the first :data:`MAX_ROWS`, with a marker
    saying so), with links to download all of it."""
    head = "".join(f"<th>{html.escape(v)}</th>" for v in table.variables)
    rows = "".join(
        "<tr>"
        + "".join("<td></td>" if t is None else f"<td>{term(to_oxigraph(t), {})}</td>" for t in row)
        + "</tr>"
        for row in table.rows[:MAX_ROWS]
    )
    qs = urllib.parse.urlencode({**params, "run": "1"})
    links = (
        f'<a href="?{html.escape(qs)}&amp;format=csv">CSV</a>, '
        f'<a href="?{html.escape(qs)}&amp;format=json">JSON</a>'
    )
    count = f"{len(table)} rows — download as {links}"
    if len(table) > MAX_ROWS:
        count = (
            f'<strong class="cap">The first {MAX_ROWS:,} of {len(table):,} rows are shown'
            f"</strong> — download all of them as {links}"
        )
    return f"<p>{count}</p><table><tr>{head}</tr>{rows}</table>"


# -- the SPARQL endpoint --------------------------------------------------------------


def sparql_page(query: str | None = None, result: Any = None) -> bytes:
    """The endpoint's page: a query box, and the answer to ``query`` as a table."""
    import pyoxigraph as ox

    example = (
        sparql_prefixes("rg", "rdfs")
        + "SELECT ?role ?family WHERE { ?r a rg:Role ; rdfs:label ?role ; "
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
        body += _answer_table(result, triples=not isinstance(result, ox.QuerySolutions))
    return page("SPARQL endpoint", body)


def _answer_table(result: Any, *, triples: bool) -> str:
    """Solutions (or the triples of a CONSTRUCT or DESCRIBE) as a table, the first
    :data:`MAX_ROWS` (a marker says when there were more)."""
    names = ["subject", "predicate", "object"] if triples else [v.value for v in result.variables]
    rows = []
    for n, solution in enumerate(result):
        if n == MAX_ROWS:
            rows.append(
                f'<tr><td colspan="{len(names)}" class="cap">The first {MAX_ROWS:,} rows are '
                "shown: ask for CSV, TSV or JSON (the Accept header) for all of them</td></tr>"
            )
            break
        terms = list(solution) if triples else [solution[v] for v in names]
        cells = "".join("<td></td>" if t is None else f"<td>{term(t, {})}</td>" for t in terms)
        rows.append(f"<tr>{cells}</tr>")
    head = "".join(f"<th>{html.escape(v)}</th>" for v in names)
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"
