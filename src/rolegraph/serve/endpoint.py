"""The ``/sparql`` route of ``rolegraph serve``: the read-only SPARQL 1.1 Protocol. It
refuses updates, negotiates the answer's media type, runs the query in the worker pool of
the backend of the shared :class:`~.app.App` and returns a :class:`~.reply.Reply` (a browser gets the
page of :func:`.pages.sparql_page`). :mod:`.web` awaits it on the event loop: the answer
is awaited from the backend (:func:`.backend.answer`), and only a page is made on a
worker thread."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool

from rolegraph.errors import QueryError
from rolegraph.graph.pool import QueryCancelled, QueryLimit
from rolegraph.serve import backend, pages
from rolegraph.serve.app import App
from rolegraph.serve.negotiation import (
    DESCRIPTION_TYPES,
    GRAPH_TYPES,
    SELECT_TYPES,
    accepts,
    accepts_named,
)
from rolegraph.serve.reply import HTML, HttpError, Reply
from rolegraph.sparql.text import UPDATE_FORMS, query_form

if TYPE_CHECKING:
    from rolegraph.graph.pool import Answer

READ_ONLY = "this endpoint is read-only: updates are refused"


async def sparql(
    app: App,
    params: dict[str, list[str]],
    command: str,
    accept: str | None,
    cancelled: Callable[[], bool],
    service: Callable[[str], Reply] | None = None,
) -> Reply:
    """Answer the query in ``params`` (the request's form) as ``accept`` asks;
    ``cancelled`` says whether the client has gone away. With no query, a browser gets
    the endpoint's page and a client that names an RDF type its ``service`` description
    in that type (:mod:`.describe`)."""
    if "update" in params:
        raise HttpError(HTTPStatus.FORBIDDEN, READ_ONLY)
    queries = params.get("query", [])
    if not queries:
        asked = accepts_named(accept, ["text/html", *DESCRIPTION_TYPES])
        if command in ("GET", "HEAD") and asked == "text/html":
            editor = await run_in_threadpool(lambda: pages.sparql_editor_page(app.examples()))
            return Reply(HTTPStatus.OK, editor, HTML, assets=True)
        if command in ("GET", "HEAD") and asked is not None and service is not None:
            return await run_in_threadpool(service, asked)
        raise HttpError(HTTPStatus.BAD_REQUEST, "give a SPARQL query in the 'query' parameter")
    if len(queries) > 1:
        raise HttpError(HTTPStatus.BAD_REQUEST, "give exactly one 'query' parameter")
    form = query_form(queries[0])
    if form in UPDATE_FORMS:
        raise HttpError(HTTPStatus.FORBIDDEN, READ_ONLY)
    select = form in ("SELECT", "ASK")
    types = SELECT_TYPES if select else GRAPH_TYPES
    # A browser (text/html preferred) gets a page; a client asking for nothing in
    # particular (*/*) gets the first type offered (SPARQL JSON, Turtle).
    page = accepts(accept, [*types, "text/html"]) == "text/html"
    media = None if page else accepts(accept, list(types))
    if not page and media is None:
        what = "results" if select else "graphs"
        raise HttpError(HTTPStatus.NOT_ACCEPTABLE, f"{what} are served as " + ", ".join(types))
    name = "JSON" if page or media is None else types[media]
    try:
        answer = await _run(app, queries[0], params, select, page, name, cancelled)
    except (QueryLimit, QueryCancelled):
        raise
    except QueryError as exc:
        raise HttpError(HTTPStatus.BAD_REQUEST, str(exc)) from None
    if page:
        return await run_in_threadpool(_page, queries[0], answer)
    assert media is not None
    # Served as the type negotiated: a client that refused the SPARQL type by name
    # (q=0) but takes application/json gets application/json.
    return Reply(HTTPStatus.OK, answer.data, f"{media}; charset=utf-8", stream=answer.rest)


def _page(query: str, answer: Answer) -> Reply:
    result = answer.solutions() if answer.kind != "graph" else answer.triples()
    return Reply(HTTPStatus.OK, pages.sparql_page(query, result), HTML)


async def _run(
    app: App,
    query: str,
    params: dict[str, list[str]],
    select: bool,
    page: bool,
    name: str,
    cancelled: Callable[[], bool],
) -> Answer:
    """Run the query through the backend, over the protocol's dataset when it gives one;
    its answer in the format ``name`` (JSON or N-Triples for a page, which is asked whole;
    a client's large answer streams)."""
    try:
        return await backend.answer(
            app.backend,
            query,
            defaults=params.get("default-graph-uri", []),
            named=params.get("named-graph-uri", []),
            results_format=name if select else "JSON",
            graph_format="N_TRIPLES" if page or select else name,
            cancelled=cancelled,
            stream=not page,
        )
    except ValueError as exc:
        raise HttpError(HTTPStatus.BAD_REQUEST, str(exc)) from None
