"""The worker side of :class:`~rolegraph.graph.pool.QueryPool`, and what travels between
the parent and a worker: the zygote (forked once, holding the graph, in a network
namespace of its own where the system allows it) forks a worker per socket the parent
sends; a worker answers one query at a time on a thread with an ample stack, its answer
serialised by Oxigraph within the result size cap."""

from __future__ import annotations

import io
import os
import pickle
import signal
import socket
import struct
import sys
import threading
from collections.abc import Callable, Mapping
from typing import IO, TYPE_CHECKING, Any, cast

from rolegraph.sparql.results import write_spreadsheet_results
from rolegraph.sparql.text import syntax_message

if TYPE_CHECKING:
    from rolegraph.graph.store import RoleGraph

MB = 1024 * 1024
#: The stack of the thread a worker runs queries on (reserved, not used: pages are only
#: touched by deep recursion), a second line of defence behind the gate's nesting limit.
WORKER_STACK = 256 * MB
HEADER = struct.Struct("!Q")
#: the size of each piece of an answer that streams (after its first ``spill`` bytes)
STREAM_PIECE = 256 * 1024


# --- what travels between the parent and a worker --------------------------------------


def encode_dataset(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """``store.query`` keyword arguments with pyoxigraph terms as plain values."""
    import pyoxigraph as ox

    def term(t: Any) -> str | None:
        return None if isinstance(t, ox.DefaultGraph) else str(t.value)

    out: dict[str, Any] = {}
    for key, value in kwargs.items():
        if key in ("default_graph", "named_graphs"):
            values = value if isinstance(value, list) else [value]
            out[key] = [term(v) for v in values]
        else:
            out[key] = value
    return out


def _decode_dataset(spec: Mapping[str, Any]) -> dict[str, Any]:
    import pyoxigraph as ox

    out: dict[str, Any] = {}
    for key, value in spec.items():
        if key in ("default_graph", "named_graphs"):
            out[key] = [ox.DefaultGraph() if v is None else ox.NamedNode(v) for v in value]
        else:
            out[key] = value
    return out


def frame(obj: Any) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def send(sock: socket.socket, obj: Any) -> None:
    sock.sendall(frame(obj))


def recv_exactly(sock: socket.socket, n: int) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(min(n - len(buf), 4 * MB))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def recv(sock: socket.socket) -> Any:
    """The next message, or None when the other side has gone."""
    head = recv_exactly(sock, HEADER.size)
    if head is None:
        return None
    body = recv_exactly(sock, HEADER.unpack(head)[0])
    return None if body is None else pickle.loads(body)


# --- the worker side ---------------------------------------------------------------------


class _Capped(io.RawIOBase):
    """A binary file that refuses to grow past ``cap`` bytes. Given ``emit``, once more
    than ``spill`` bytes are held it hands them on in pieces (the answer streams) and
    holds no more than a piece."""

    def __init__(self, cap: int, spill: int = 0, emit: Callable[[Any], None] | None = None):
        super().__init__()
        self.cap = cap
        self.spill = spill if emit is not None and spill > 0 else 0
        self.emit = emit
        self.tag: tuple[str, str] = ("", "")  # the answer's kind and format
        self.parts: list[bytes] = []
        self.held = 0
        self.size = 0
        self.over = False
        self.streamed = False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.size += len(data)
        if self.size > self.cap:
            self.over = True
            raise OSError("the answer is larger than the result size cap")
        self.parts.append(bytes(data))
        self.held += len(data)
        if self.spill and self.held >= (STREAM_PIECE if self.streamed else self.spill):
            self.flush_parts()
        return len(data)

    def flush_parts(self) -> None:
        """Hand on what is held (streaming from now on)."""
        assert self.emit is not None
        if self.parts:
            data = b"".join(self.parts)
            self.parts, self.held, self.streamed = [], 0, True
            self.emit(("chunk", data, *self.tag))


def execute(
    graph: RoleGraph, request: Mapping[str, Any], emit: Callable[[Any], None] | None = None
) -> tuple[Any, ...]:
    """Run one request; ('ok', kind, data, format), ('limit', what, cap) or ('error',
    class, message). Given ``emit`` and a request's ``spill``, an answer larger than that
    is handed to ``emit`` in pieces as it is written, as ('chunk', data, kind, format),
    and the reply is ('end', kind, format) (or a limit or an error, part way)."""
    import pyoxigraph as ox

    sparql = request["sparql"]
    try:
        result = graph.store.query(sparql, **_decode_dataset(request["dataset"]))
        out = _Capped(request["cap"], request.get("spill", 0), emit)
        sink = cast("IO[bytes]", out)
        try:
            if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
                kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
                fmt = request["results_format"]
                out.tag = (kind, fmt)
                if kind == "solutions" and fmt in ("CSV", "TSV") and request["spreadsheet_safe"]:
                    # The CLI's writer: cells a spreadsheet would run are neutralised.
                    write_spreadsheet_results(result, fmt.lower(), sink)
                else:
                    result.serialize(sink, format=getattr(ox.QueryResultsFormat, fmt))
            else:
                kind, fmt = "graph", request["graph_format"]
                out.tag = (kind, fmt)
                turtle = fmt == "TURTLE"
                prefixes = request["prefixes"] if turtle else None
                ox.serialize(result, sink, format=getattr(ox.RdfFormat, fmt), prefixes=prefixes)
        except OSError:
            if out.over:
                return ("limit", "result", request["cap"])
            raise
        if out.streamed:
            out.flush_parts()
            return ("end", kind, fmt)
        return ("ok", kind, b"".join(out.parts), fmt)
    except SyntaxError as exc:
        return ("error", "syntax", f"invalid SPARQL: {syntax_message(exc, sparql)}")
    except MemoryError:
        return ("limit", "memory", 0)
    except Exception as exc:  # the worker must answer whatever happens
        return ("error", "failed", f"the query failed: {exc}")


def _worker_main(graph: RoleGraph, sock: socket.socket) -> None:
    """Answer requests on ``sock`` until it closes; runs on a thread with a big stack."""
    while True:
        try:
            request = recv(sock)
        except (OSError, EOFError, pickle.UnpicklingError):
            return
        if request is None:
            return
        reply = execute(graph, request, lambda message: send(sock, message))
        try:
            send(sock, reply)
        except OSError:
            return


def _libc_call(name: str, *args: int) -> bool:
    """A libc call by name (Linux); False where it is missing or fails."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return int(getattr(libc, name)(*args)) == 0
    except (OSError, AttributeError):
        return False


_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_PR_SET_PDEATHSIG = 1


def _isolate_network() -> bool:
    """Move this (one-threaded) process into a network namespace of its own, where no
    address but a closed loopback exists; False where the system does not allow it."""
    if not sys.platform.startswith("linux"):
        return False
    unshare = getattr(os, "unshare", None)  # Python 3.12+
    if unshare is not None:
        for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET):
            try:
                unshare(flags)
                return True
            except OSError:
                continue
        return False
    return _libc_call("unshare", _CLONE_NEWNET) or _libc_call(
        "unshare", _CLONE_NEWUSER | _CLONE_NEWNET
    )


def zygote_main(graph: RoleGraph, control: socket.socket) -> None:
    """Fork a worker for every socket the parent sends; exit when the parent goes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the system
    isolated = _isolate_network()
    control.sendall(b"\x01" if isolated else b"\x00")
    while True:
        try:
            msg, fds, _flags, _addr = socket.recv_fds(control, 16, 1)
        except OSError:
            return
        if not msg or not fds:
            return
        pid = os.fork()
        if pid == 0:  # the worker
            try:
                control.close()
                if sys.platform.startswith("linux"):
                    _libc_call("prctl", _PR_SET_PDEATHSIG, signal.SIGKILL)
                sock = socket.socket(fileno=fds[0])
                threading.stack_size(WORKER_STACK)
                thread = threading.Thread(target=_worker_main, args=(graph, sock))
                thread.start()
                thread.join()
            finally:
                os._exit(0)
        os.close(fds[0])
        try:
            control.sendall(struct.pack("!q", pid))
        except OSError:
            return


__all__ = [
    "HEADER",
    "MB",
    "STREAM_PIECE",
    "WORKER_STACK",
    "encode_dataset",
    "execute",
    "frame",
    "recv",
    "recv_exactly",
    "send",
    "zygote_main",
]
