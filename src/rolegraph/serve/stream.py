"""A large ``/sparql`` answer sent as the query worker writes it: :class:`StreamedAnswer`.

An answer up to :data:`~rolegraph.graph.pool.STREAM_AFTER` comes whole (and may be kept
in the answer cache, with an ETag); a larger one is sent with chunked transfer as its
pieces arrive, so the first rows leave before the last are found and neither the worker
nor the server holds the whole answer. Its bounds still hold on the way: the time-out,
the memory limit and the result size cap. A query stopped part way (or a client that goes
away) ends the response *without* its final chunk, so a client sees an incomplete
transfer (curl: "transfer closed with outstanding read data remaining"), never a cut
answer passing for whole; the server says why in one line on stderr.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from starlette.responses import Response

from rolegraph.errors import QueryError
from rolegraph.graph.pool import QueryCancelled

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

    from rolegraph.graph.pool import AnswerStream
    from rolegraph.serve.reply import Reply


#: what uvicorn logs when a response ends without its final chunk, as a cut-off stream
#: does on purpose (and :class:`StreamedAnswer` has said why already)
UNFINISHED = "ASGI callable returned without completing response."


class _SaidAlready(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != UNFINISHED


logging.getLogger("uvicorn.error").addFilter(_SaidAlready())


class StreamedAnswer(Response):
    """The response for a reply whose answer streams: its first piece (``body``), then
    the pieces of ``stream`` as they come."""

    def __init__(self, reply: Reply, headers: Mapping[str, str]) -> None:
        assert reply.stream is not None
        self.first = reply.body
        self.rest: AnswerStream = reply.stream
        self.status_code = reply.status
        self.media_type = reply.content_type
        self.background = None
        self.init_headers(headers)  # (no body: no Content-Length, so chunked)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gone = asyncio.Event()

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()

        watcher = asyncio.ensure_future(watch())
        try:
            start = {"type": "http.response.start", "status": self.status_code}
            await send({**start, "headers": self.raw_headers})
            if scope.get("method") != "HEAD":
                await send({"type": "http.response.body", "body": self.first, "more_body": True})
                async for piece in self.rest.pieces(gone.is_set):
                    await send({"type": "http.response.body", "body": piece, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except (QueryCancelled, OSError):
            pass  # the client went away: nobody to tell
        except QueryError as exc:
            client = scope.get("client") or ("?", 0)
            print(
                f"rolegraph serve: an answer to {client[0]} was stopped part way "
                f"(its connection is closed without the final chunk): {exc}",
                file=sys.stderr,
            )
        finally:
            watcher.cancel()
            self.rest.close()


__all__ = ["StreamedAnswer"]
