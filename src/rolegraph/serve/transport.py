"""HTTP for ``rolegraph serve``: uvicorn's own protocol (httptools), with each response
written to the socket in one piece.

uvicorn writes a response's head and its body with a ``transport.write`` each, so a
small answer costs two ``send`` calls on the socket and two trips through the loopback
stack; Oxigraph's server writes one. :class:`CoalescingHttp` hands uvicorn a transport
whose writes made in one turn of the event loop are joined and sent at its end (the
head and body of a response are written in the same turn), halving the system calls of
a small answer. A streamed answer's pieces come in turns of their own and go out as
they come; closing flushes first. ``rolegraph serve`` runs with it
(:data:`~.server.UVICORN`); under another ASGI server the app is the same.
"""

from __future__ import annotations

import asyncio
from typing import Any

try:  # uvicorn's fast protocol where httptools is installed (with uvicorn[standard])
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Http
except ImportError:  # pragma: no cover - rolegraph depends on uvicorn[standard]
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Http  # type: ignore[assignment]


class _Joined:
    """A transport whose writes in one turn of the loop go out as one."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._pending:
            self._loop.call_soon(self._flush)
        self._pending.append(data)

    def writelines(self, lines: Any) -> None:
        for data in lines:
            self.write(bytes(data))

    def _flush(self) -> None:
        if self._pending:
            data = b"".join(self._pending) if len(self._pending) > 1 else self._pending[0]
            self._pending.clear()
            if not self._transport.is_closing():
                self._transport.write(data)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def abort(self) -> None:
        self._pending.clear()
        self._transport.abort()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(map(len, self._pending))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class CoalescingHttp(_Http):
    """uvicorn's HTTP/1.1 protocol over a :class:`_Joined` transport."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        loop = asyncio.get_running_loop()
        super().connection_made(_Joined(transport, loop))  # type: ignore[arg-type]


__all__ = ["CoalescingHttp"]
