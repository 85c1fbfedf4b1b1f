"""What a route of ``rolegraph serve`` gives back to the server: a :class:`Reply` to send,
or an :class:`HttpError` the server turns into an error page (see :mod:`.server`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from rolegraph.graph.pool import AnswerStream

HTML = "text/html; charset=utf-8"


class Reply(NamedTuple):
    """An answer to send: status, body and Content-Type (``scripts``: the page may run
    its inline scripts; ``assets``: the page loads scripts and styles from this service's
    ``/static/`` and asks this service for data, as the SPARQL editor does; ``headers``:
    more to send, such as ``Link``; ``stream``: the rest of a large query answer, sent as
    it comes after ``body``, its first piece)."""

    status: int
    body: bytes
    content_type: str
    scripts: bool = False
    headers: tuple[tuple[str, str], ...] = ()
    assets: bool = False
    stream: AnswerStream | None = None


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
