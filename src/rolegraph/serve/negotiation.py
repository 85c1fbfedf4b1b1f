"""Content negotiation for ``rolegraph serve``: the Accept header's preferred media type,
the media types each kind of answer (results, graphs, resources) is served as, and the
charset a request's body is read in."""

from __future__ import annotations

import functools
import urllib.parse
from http import HTTPStatus

from rolegraph.model.formats import FORMATS, GRAPH_MEDIA_TYPES
from rolegraph.serve.reply import HttpError

SELECT_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/json": "JSON",
    "application/sparql-results+xml": "XML",
    "application/xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
GRAPH_TYPES = GRAPH_MEDIA_TYPES
#: what the service's descriptions (SPARQL Service Description, VoID, DCAT) are served as
DESCRIPTION_TYPES = [
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
    "application/rdf+xml",
]
#: ?format=NAME on a resource page -> media type (the export formats' names and extensions).
RESOURCE_FORMATS = {
    **{f.name: f.media_type for f in FORMATS if f.dump},
    **{ext.lstrip("."): f.media_type for f in FORMATS if f.dump for ext in f.extensions},
    "html": "text/html",
}


def _ranges(header: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header, lower-cased, each with its quality."""
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
    return ranges


def accepts(header: str | None, offered: list[str]) -> str | None:
    """The offered media type the Accept header prefers (RFC 9110: each offered type takes
    the quality of the most specific range that matches it, ``q=0`` refuses it; the first
    offered wins a tie), or None when it accepts none of them."""
    if not header:
        return offered[0]
    if len(header) > 512:
        return _choose(header, tuple(offered))
    return _kept_choice(header, tuple(offered))


@functools.lru_cache(maxsize=256)  # clients send the same few Accept headers again and again
def _kept_choice(header: str, offered: tuple[str, ...]) -> str | None:
    return _choose(header, offered)


def _choose(header: str, offered: tuple[str, ...]) -> str | None:
    ranges = _ranges(header)
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


def accepts_named(header: str | None, offered: list[str]) -> str | None:
    """As :func:`accepts`, counting only the media types the header names (not ``*/*``
    or ``text/*``): for a route that answers a client only when it asks by name."""
    named = [p for p in (header or "").split(",") if "*" not in p.split(";")[0]]
    return accepts(",".join(named), offered) if any(p.strip() for p in named) else None


# -- request bodies ---------------------------------------------------------------------


def body_text(body: bytes, content_type: str, what: str) -> str:
    """A POST body (``what``: "query", "form") as text in the charset its Content-Type
    names, else UTF-8, read by Python's codecs: 415 for a charset no codec reads, 400
    for bytes that are not in it (never a U+FFFD standing in for them)."""
    return _decoded(body, _charset(content_type), what)


def form_fields(body: bytes, content_type: str) -> dict[str, list[str]]:
    """An ``application/x-www-form-urlencoded`` body's fields, its bytes and its
    percent-escapes read in its charset (as :func:`body_text`)."""
    charset = _charset(content_type)
    text = _decoded(body, charset, "form")
    try:
        return urllib.parse.parse_qs(
            text, keep_blank_values=True, encoding=charset, errors="strict"
        )
    except UnicodeDecodeError as exc:  # a percent-escape of bytes not in the charset
        raise HttpError(HTTPStatus.BAD_REQUEST, _not_in("form", charset, exc)) from None


def _charset(content_type: str) -> str:
    """The charset a Content-Type names (``charset=iso-8859-1``), else UTF-8."""
    from email.message import Message

    header = Message()
    header["content-type"] = content_type
    return header.get_content_charset() or "utf-8"


def _decoded(body: bytes, charset: str, what: str) -> str:
    """A POST body as text in its ``charset`` (Python's codecs): 415 for a charset no
    codec reads, 400 for bytes that are not in it (never a U+FFFD standing in)."""
    try:
        return body.decode("utf-8-sig" if charset == "utf-8" else charset)
    except LookupError:
        raise HttpError(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            f"unknown charset {charset!r} in Content-Type: send the {what} as UTF-8",
        ) from None
    except UnicodeDecodeError as exc:
        raise HttpError(HTTPStatus.BAD_REQUEST, _not_in(what, charset, exc)) from None


def _not_in(what: str, charset: str, exc: UnicodeDecodeError) -> str:
    name = "UTF-8" if charset == "utf-8" else charset
    byte = exc.object[exc.start]
    return (
        f"the {what} is not {name}: byte {byte:#04x} at offset {exc.start} "
        "(send UTF-8, or name the body's charset in Content-Type)"
    )
