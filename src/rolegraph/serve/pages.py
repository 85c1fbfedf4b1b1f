"""The HTML pages of ``rolegraph serve``: the home page, the ontology, a resource's
triples, the saved queries, the SPARQL endpoint's form and the error page. The routes
(:mod:`.routes`, :mod:`.endpoint`) fetch the data; the functions here shape it into what
a page shows and render the page's Jinja2 template (``templates/``, packaged with the
module). The templates are autoescaped: every text from the data is escaped as
:func:`html.escape` does, and no value is ever compiled as a template.

Internal links start with the path the service is mounted at behind a reverse proxy
(the ASGI ``root_path``), which :mod:`.web` sets in :data:`ROOT` for each request."""

from __future__ import annotations

import contextvars
import functools
import html
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import jinja2
from markupsafe import Markup

from rolegraph.model.vocab import (
    PREFIXES,
    RDF,
    RDFS,
    RG,
    local_id,
    short_iri,
    sparql_prefixes,
)
from rolegraph.sparql.binding import to_oxigraph
from rolegraph.util.text import number

if TYPE_CHECKING:
    from rolegraph.serve.app import App
    from rolegraph.serve.backend import Backend
    from rolegraph.sparql.catalogue import SavedQuery
    from rolegraph.sparql.results import ResultTable

#: the path the service is mounted at ("" at the root; "/rolegraph" behind a proxy that
#: forwards /rolegraph/...), set per request; every internal link starts with it
ROOT: contextvars.ContextVar[str] = contextvars.ContextVar("rolegraph_serve_root", default="")
short = short_iri
#: rows of an answer a page shows (the data formats carry all of them)
MAX_ROWS = 5000


# -- rendering ------------------------------------------------------------------------


def _escape(value: Any) -> Markup | str:
    """Every value a template shows is escaped as the pages always were, as html.escape
    does (quotes as &quot; and &#x27;, where Jinja's own escape writes &#34; and &#39;).
    A text without quotes is left to Jinja's escape (the same for & < >, and faster); a
    macro's output or a block (already escaped) is passed as it is."""
    if isinstance(value, Markup):
        return value
    text = str(value)
    if '"' in text or "'" in text:
        return Markup(html.escape(text))
    return text


@functools.cache
def environment() -> jinja2.Environment:
    """The pages' templates, read and compiled once per process (never re-read)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("rolegraph.serve", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_escape,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    # Counts as every text for people writes them (19,838); anything else as it is.
    env.filters["thousands"] = lambda v: number(v) if isinstance(v, int) else v
    env.globals["max_rows"] = MAX_ROWS
    return env


def root() -> str:
    """The path the service is mounted at, as a URL path ("" at the root)."""
    return _url_path(ROOT.get())


@functools.lru_cache(maxsize=64)
def _url_path(path: str) -> str:
    return urllib.parse.quote(path.rstrip("/"), safe="/-._~!$&'()*+,;=:@")


def url(path: str) -> str:
    """The link to one of the service's own paths (``/queries``), behind any prefix."""
    return root() + path


def render(template: str, **context: Any) -> bytes:
    """A page: ``template`` (in ``templates/``, extending ``base.html``, which shows
    ``title``) rendered with ``context``, as UTF-8."""
    page = environment().get_template(template).render(root=root(), **context)
    return page.encode("utf-8")


def page(title: str, body: Markup) -> bytes:
    """A page of the shared frame around ``body``: HTML already escaped (a str is
    escaped as text). Prefer :func:`render` with a template of its own."""
    return render("base.html", title=title, body=body)


def error_page(title: str, message: str) -> bytes:
    return render("error.html", title=title, message=message)


# -- links and terms ------------------------------------------------------------------


class Cell(NamedTuple):
    """A value as a page shows it: its text, a link (``href``) or preformatted text."""

    text: str
    href: str | None = None
    pre: bool = False


def local_path(iri: str) -> str | None:
    """The server path of one of our IRIs (``/id/...``), or None for others."""
    local = local_id(iri)
    return None if local is None else "/id/" + urllib.parse.quote(local, safe="/-._~")


def link(iri: str, labels: dict[str, str]) -> Cell:
    """An IRI by its label (else its short form), linked to its page here or, for
    another web IRI, to itself."""
    text = labels.get(iri) or short(iri)
    path = local_path(iri)
    if path is not None:
        return Cell(text, url(path))
    return Cell(text, iri if iri.startswith(("http://", "https://")) else None)


def term(term: Any, labels: dict[str, str]) -> Cell:
    """An RDF term: an IRI as a link, a literal as text (preformatted with line breaks)."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return link(term.value, labels)
    if isinstance(term, ox.Literal):
        return Cell(term.value, pre="\n" in term.value)
    return Cell(str(term))


@dataclass
class Answer:
    """A table of an answer: its variables and (the first :data:`MAX_ROWS`) rows, of
    ``total`` (``capped``: more than are shown)."""

    variables: list[str]
    rows: list[list[Cell | None]] = field(default_factory=list)
    total: int = 0
    query: str = ""

    @property
    def capped(self) -> bool:
        return self.total > MAX_ROWS


# -- the ontology ---------------------------------------------------------------------


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
        found = terms.setdefault(t.subject.value, {"id": t.subject.value[len(RG) :]})
        if t.predicate.value == RDF + "type" and t.object.value in kinds:
            found["kind"] = kinds[t.object.value]
        elif t.predicate.value == RDFS + "label":
            found["label"] = t.object.value
        elif t.predicate.value == definition:
            found["definition"] = t.object.value
    shown = [
        {"label": "", "definition": "", **t}
        for _, t in sorted(terms.items(), key=lambda kv: (kv[1].get("kind", ""), kv[0]))
        if "kind" in t
    ]
    return render("ontology.html", title="The rolegraph ontology", terms=shown)


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
    return render(
        "resource.html",
        title=title,
        iri=iri,
        explore=explorer_link(backend, iri, triples, title) if explorer else None,
        properties=[[link(t.predicate.value, {}), term(t.object, names)] for t in triples],
        links=[[link(t.subject.value, names), link(t.predicate.value, {})] for t in shown],
        more=max(linked - len(shown), 0),
    )


def explorer_link(backend: Backend, iri: str, triples: list[Any], title: str) -> Cell | None:
    """The link to the explorer's view of a role or a skill (a level: of its role), its
    text the name it is shown by; None for anything else."""
    types = {t.object.value for t in triples if t.predicate.value == RDF + "type"}
    if RG + "Role" in types or RG + "SeniorCivilServiceRole" in types:
        param, name = "role", title
    elif RG + "Skill" in types:
        param, name = "skill", title
    elif RG + "RoleLevel" in types:
        role = next((t.object.value for t in triples if t.predicate.value == RG + "role"), None)
        if role is None:
            return None
        param, name = "role", backend.labels([role]).get(role, "")
    else:
        return None
    if not name:
        return None
    return Cell(name, url("/explorer?" + urllib.parse.urlencode({param: name})))


# -- home -----------------------------------------------------------------------------


def home_page(backend: Backend, families: list[dict[str, Any]]) -> bytes:
    """The home page: the tools, the families with their roles (``families``, from
    :func:`.people.families`) and what the graph holds."""
    return render(
        "home.html",
        title="rolegraph",
        release=backend.release,
        stats=list(backend.stats().items()),
        families=families,
    )


# -- saved queries --------------------------------------------------------------------


def query_list_page(catalogue: dict[str, SavedQuery]) -> bytes:
    queries = [
        {
            "name": q.name,
            "summary": q.summary,
            "params": ", ".join(p.describe() for p in q.params) or "-",
        }
        for q in catalogue.values()
    ]
    return render("queries.html", title="Saved queries", queries=queries)


def saved_query_page(
    app: App,
    query: SavedQuery,
    params: dict[str, str],
    table: ResultTable | None,
    problem: str,
) -> bytes:
    """A saved query's form (its parameters filled in from ``params``), the problem with
    them if any, its answer as a table, and its SPARQL."""
    fields = [
        {
            "name": p.name,
            "type": p.type,
            "description": p.description,
            "value": params.get(p.name, p.default or ""),
            # the values it allows, offered as a datalist
            "options": app.allowed(query, p),
        }
        for p in query.params
    ]
    return render(
        "saved_query.html",
        title=f"{query.name}: {query.summary}",
        description=query.description,
        fields=fields,
        problem=problem,
        answer=None if table is None else _saved_answer(table, params),
        sparql=query.sparql,
    )


def _saved_answer(table: ResultTable, params: dict[str, str]) -> Answer:
    """A saved query's answer (the first :data:`MAX_ROWS` rows), and the query string
    that downloads all of it."""
    rows: list[list[Cell | None]] = [
        [None if t is None else term(to_oxigraph(t), {}) for t in row]
        for row in table.rows[:MAX_ROWS]
    ]
    query = urllib.parse.urlencode({**params, "run": "1"})
    return Answer(list(table.variables), rows, len(table), query)


# -- the SPARQL endpoint --------------------------------------------------------------


def sparql_page(query: str | None = None, result: Any = None) -> bytes:
    """The endpoint's page: a query box, and the answer to ``query`` as a table."""
    import pyoxigraph as ox

    example = (
        sparql_prefixes("rg", "rdfs")
        + "SELECT ?role ?family WHERE { ?r a rg:Role ; rdfs:label ?role ; "
        "rg:family/rdfs:label ?family }\nORDER BY ?family ?role"
    )
    boolean = bool(result) if isinstance(result, ox.QueryBoolean) else None
    answer = None
    if result is not None and boolean is None:
        answer = _answer(result, triples=not isinstance(result, ox.QuerySolutions))
    return render(
        "sparql.html",
        title="SPARQL endpoint",
        query=query or example,
        boolean=boolean,
        answer=answer,
    )


def sparql_editor_page(examples: list[dict[str, str]]) -> bytes:
    """The endpoint's page for a browser: YASGUI (served from ``/static/``) set up by
    ``static/sparql.js`` from the JSON in the editor's ``data-config`` attribute (escaped
    as any attribute): this endpoint, the prefixes, and the saved queries as examples
    (``examples``: :meth:`.app.App.examples`);
    a plain form for a browser without scripts."""
    import json

    query = sparql_prefixes(*PREFIXES) + (
        "SELECT ?role ?family WHERE {\n  ?r a rg:Role ; rdfs:label ?role ;\n"
        "     rg:family/rdfs:label ?family .\n}\nORDER BY ?family ?role\n"
    )
    config = {
        "endpoint": url("/sparql"),
        "query": query,
        "prefixes": dict(PREFIXES),
        "examples": examples,
    }
    return render(
        "sparql_editor.html",
        title="SPARQL endpoint",
        endpoint=url("/sparql"),
        config=json.dumps(config, ensure_ascii=False, sort_keys=True),
        query=query,
    )


def _answer(result: Any, *, triples: bool) -> Answer:
    """Solutions (or the triples of a CONSTRUCT or DESCRIBE): the first :data:`MAX_ROWS`,
    and whether there were more (the rest are not read)."""
    names = ["subject", "predicate", "object"] if triples else [v.value for v in result.variables]
    answer = Answer(names)
    for solution in result:
        answer.total += 1
        if answer.total > MAX_ROWS:
            break
        terms = list(solution) if triples else [solution[v] for v in names]
        answer.rows.append([None if t is None else term(t, {}) for t in terms])
    return answer
