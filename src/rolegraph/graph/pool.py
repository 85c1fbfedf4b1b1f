"""Queries with bounds: a time-out, a memory limit and a result size cap that really stop
the work.

Oxigraph cannot cancel a query inside the process, so a query runs in a *worker
process* that can be killed:

    rolegraph (the parent: CLI or server threads)
      │ control socket: "spawn a worker on this socket"
      ▼
    zygote (forked once, when the pool is made, before any thread: it holds the graph
      │     and does nothing but fork, so every fork is of a one-threaded process)
      ▼
    worker, worker, ... (each runs one query at a time on a thread with an ample stack,
                         and sends back the answer serialised by Oxigraph)

The parent sends a query to an idle worker and waits for the answer, polling the
worker's resident memory, the deadline and (for a server) whether the client is still
there. Past a bound the worker is killed with SIGKILL, so its memory goes back to the
system at once, and a fresh one is forked from the zygote. Workers run with no network
where the system allows it (their own empty network namespace): a second line of
defence behind :func:`rolegraph.sparql.text.gate`, which refuses ``SERVICE``.

Where ``fork`` is missing (Windows), queries run in the calling process with the gate
and the result cap only.
"""

from __future__ import annotations

import io
import os
import pickle
import queue
import select
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from rolegraph.errors import QueryError
from rolegraph.sparql.results import spreadsheet_results
from rolegraph.sparql.text import syntax_message

if TYPE_CHECKING:
    from rolegraph.graph.store import RoleGraph

MB = 1024 * 1024
#: The stack of the thread a worker runs queries on (reserved, not used: pages are only
#: touched by deep recursion), a second line of defence behind the gate's nesting limit.
WORKER_STACK = 256 * MB
_POLL = 0.02  # seconds between looks at a running query's memory and client
_HEADER = struct.Struct("!Q")


@dataclass(frozen=True)
class Limits:
    """What one query may use. ``timeout`` covers parsing, evaluation and serialising;
    ``memory`` is the growth of the worker's resident memory; ``result_bytes`` is the
    size of the serialised answer."""

    timeout: float = 30.0
    memory: int = 1024 * MB
    result_bytes: int = 256 * MB


class QueryLimit(QueryError):
    """A query went past one of its bounds (``what``: time, memory, result, stack or
    busy) and was stopped."""

    def __init__(self, what: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.what = what


class QueryCancelled(QueryError):
    """The query's client went away, and the query was stopped."""


@dataclass(frozen=True)
class Answer:
    """A query's answer as Oxigraph serialised it: ``kind`` is solutions, boolean or
    graph; ``data`` is in ``media`` (a SPARQL results format, or N-Triples)."""

    kind: str
    data: bytes
    format: str

    def solutions(self) -> Any:
        """The answer as pyoxigraph ``QuerySolutions`` or ``QueryBoolean``."""
        import pyoxigraph as ox

        return ox.parse_query_results(self.data, format=getattr(ox.QueryResultsFormat, self.format))

    def triples(self) -> list[Any]:
        """A graph answer as pyoxigraph triples."""
        import pyoxigraph as ox

        return list(ox.parse(self.data, format=getattr(ox.RdfFormat, self.format)))


# --- what travels between the parent and a worker --------------------------------------


def _encode_dataset(kwargs: Mapping[str, Any]) -> dict[str, Any]:
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


def _send(sock: socket.socket, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HEADER.pack(len(data)) + data)


def _recv_exactly(sock: socket.socket, n: int) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(min(n - len(buf), 4 * MB))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def _recv(sock: socket.socket) -> Any:
    """The next message, or None when the other side has gone."""
    head = _recv_exactly(sock, _HEADER.size)
    if head is None:
        return None
    body = _recv_exactly(sock, _HEADER.unpack(head)[0])
    return None if body is None else pickle.loads(body)


# --- the worker side ---------------------------------------------------------------------


class _Capped(io.RawIOBase):
    """A binary file that refuses to grow past ``cap`` bytes."""

    def __init__(self, cap: int) -> None:
        super().__init__()
        self.cap = cap
        self.parts: list[bytes] = []
        self.size = 0
        self.over = False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.size += len(data)
        if self.size > self.cap:
            self.over = True
            raise OSError("the answer is larger than the result size cap")
        self.parts.append(bytes(data))
        return len(data)


def _execute(graph: RoleGraph, request: Mapping[str, Any]) -> tuple[Any, ...]:
    """Run one request; ('ok', kind, data, format) or ('error', class, message)."""
    import pyoxigraph as ox

    sparql = request["sparql"]
    try:
        result = graph.store.query(sparql, **_decode_dataset(request["dataset"]))
        out = _Capped(request["cap"])
        sink = cast("IO[bytes]", out)
        try:
            if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
                kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
                fmt = request["results_format"]
                if kind == "solutions" and fmt in ("CSV", "TSV") and request["spreadsheet_safe"]:
                    # The CLI's writer: cells a spreadsheet would run are neutralised.
                    sink.write(spreadsheet_results(result, fmt.lower()))
                else:
                    result.serialize(sink, format=getattr(ox.QueryResultsFormat, fmt))
            else:
                kind, fmt = "graph", request["graph_format"]
                turtle = fmt == "TURTLE"
                prefixes = request["prefixes"] if turtle else None
                ox.serialize(result, sink, format=getattr(ox.RdfFormat, fmt), prefixes=prefixes)
        except OSError:
            if out.over:
                return ("limit", "result", request["cap"])
            raise
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
            request = _recv(sock)
        except (OSError, EOFError, pickle.UnpicklingError):
            return
        if request is None:
            return
        reply = _execute(graph, request)
        try:
            _send(sock, reply)
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


def _zygote_main(graph: RoleGraph, control: socket.socket) -> None:
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


# --- the parent side ---------------------------------------------------------------------


def _resident(pid: int) -> int | None:
    """A process's resident memory in bytes (Linux), or None."""
    try:
        statm = Path(f"/proc/{pid}/statm").read_bytes()
        return int(statm.split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


class _Worker:
    def __init__(self, pid: int, sock: socket.socket) -> None:
        self.pid = pid
        self.sock = sock
        self.baseline = _resident(pid) or 0
        self.pidfd: int | None = None
        if hasattr(os, "pidfd_open"):
            try:
                self.pidfd = os.pidfd_open(pid)
            except OSError:
                self.pidfd = None

    def kill(self) -> None:
        try:
            if self.pidfd is not None:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            else:
                os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        self.close()

    def close(self) -> None:
        self.sock.close()
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None


class QueryPool:
    """Worker processes that run queries on ``graph`` within ``limits``.

    ``workers`` is how many queries may run at once; a query that finds none idle waits
    for one up to its time-out. Thread-safe; :meth:`close` (or the end of the process)
    stops the workers."""

    def __init__(self, graph: RoleGraph, *, workers: int = 1, limits: Limits | None = None) -> None:
        self.graph = graph
        self.limits = limits or Limits()
        self.size = max(1, workers)
        self._idle: queue.SimpleQueue[_Worker | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._closed = False
        self._all: set[_Worker] = set()
        self._isolated = False
        self._zygote_pid: int | None = None
        self._control: socket.socket | None = None
        self._isolation_read = False
        if hasattr(os, "fork") and hasattr(socket, "send_fds"):
            self._start_zygote()
        for _ in range(self.size):
            self._idle.put(None)  # a slot: a worker is forked when first needed

    def _start_zygote(self) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            try:
                parent.close()
                _zygote_main(self.graph, child)
            finally:
                os._exit(0)
        child.close()
        self._zygote_pid = pid
        self._control = parent

    def _read_isolation(self) -> None:
        """The zygote's first word: whether it has a network of its own (read when first
        needed, so the parent's work goes on while the zygote sets itself up)."""
        if not self._isolation_read and self._control is not None:
            self._isolated = self._control.recv(1) == b"\x01"
            self._isolation_read = True

    @property
    def isolated(self) -> bool:
        """Do the workers run without a network (their own empty network namespace)?"""
        with self._lock:
            self._read_isolation()
        return self._isolated

    def _spawn(self) -> _Worker:
        assert self._control is not None
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        with self._lock:
            self._read_isolation()
            try:
                socket.send_fds(self._control, [b"spawn"], [theirs.fileno()])
                reply = _recv_exactly(self._control, 8)
            finally:
                theirs.close()
        if reply is None:
            mine.close()
            raise QueryError("the query workers have stopped", hint="restart rolegraph")
        worker = _Worker(struct.unpack("!q", reply)[0], mine)
        self._all.add(worker)
        return worker

    def run(
        self,
        sparql: str,
        *,
        dataset: Mapping[str, Any] | None = None,
        results_format: str = "JSON",
        graph_format: str = "N_TRIPLES",
        prefixes: Mapping[str, str] | None = None,
        spreadsheet_safe: bool = False,
        cancelled: Callable[[], bool] | None = None,
        limits: Limits | None = None,
    ) -> Answer:
        """Run ``sparql`` (already through the gate) and return its serialised answer.

        ``dataset``: ``store.query`` keyword arguments (default graph, named graphs);
        ``results_format`` / ``graph_format``: pyoxigraph format names for SELECT/ASK
        and CONSTRUCT/DESCRIBE answers (``prefixes`` for Turtle; ``spreadsheet_safe``: CSV
        and TSV with formula-like cells neutralised, as the CLI writes them);
        ``cancelled`` is polled while the query runs.
        Raises :class:`QueryLimit`, :class:`QueryCancelled` or :class:`QueryError`."""
        limits = limits or self.limits
        request = {
            "sparql": sparql,
            "dataset": _encode_dataset(dataset or {}),
            "results_format": results_format,
            "graph_format": graph_format,
            "prefixes": dict(prefixes) if prefixes else None,
            "spreadsheet_safe": spreadsheet_safe,
            "cap": limits.result_bytes,
        }
        if self._control is None:
            return self._reply(_execute(self.graph, request), limits)
        deadline = time.monotonic() + limits.timeout
        try:
            slot = self._idle.get(timeout=limits.timeout)
        except queue.Empty:
            raise QueryLimit(
                "busy",
                f"every query worker stayed busy for {limits.timeout:g} s",
                hint="try again in a moment",
            ) from None
        worker = slot
        try:
            if worker is None:
                worker = self._spawn()
            reply = self._wait(worker, request, deadline, limits, cancelled)
        except BaseException:
            if worker is not None:
                self._all.discard(worker)
                worker.kill()
            self._idle.put(None)
            raise
        self._idle.put(worker)
        return self._reply(reply, limits)

    def _wait(
        self,
        worker: _Worker,
        request: Mapping[str, Any],
        deadline: float,
        limits: Limits,
        cancelled: Callable[[], bool] | None,
    ) -> tuple[Any, ...]:
        _send(worker.sock, request)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise QueryLimit(
                    "time",
                    f"the query ran for more than {limits.timeout:g} s and was stopped",
                    hint="add a LIMIT or a more selective pattern, or allow more time",
                )
            ready, _, _ = select.select([worker.sock], [], [], min(_POLL, left))
            if ready:
                worker.sock.settimeout(max(left, 1.0))
                try:
                    reply = _recv(worker.sock)
                finally:
                    worker.sock.settimeout(None)
                if reply is None:
                    raise self._died(worker, limits)
                return tuple(reply)
            used = _resident(worker.pid)
            if used is not None and used - worker.baseline > limits.memory:
                raise QueryLimit(
                    "memory",
                    f"the query needed more than {limits.memory // MB} MB of memory and was "
                    "stopped",
                    hint="add a LIMIT or a more selective pattern, or allow more memory",
                )
            if cancelled is not None and cancelled():
                raise QueryCancelled("the client went away, and its query was stopped")

    def _died(self, worker: _Worker, limits: Limits) -> QueryError:
        """Why a worker that stopped answering stopped (it is gone)."""
        return QueryLimit(
            "stack",
            "the query stopped its worker process (it nests too deeply or needs more "
            f"memory than the system gives; limit {limits.memory // MB} MB)",
            hint="simplify the query",
        )

    @staticmethod
    def _reply(reply: tuple[Any, ...], limits: Limits) -> Answer:
        status = reply[0]
        if status == "ok":
            return Answer(reply[1], reply[2], reply[3])
        if status == "limit":
            if reply[1] == "result":
                raise QueryLimit(
                    "result",
                    f"the answer is larger than {limits.result_bytes // MB} MB and was not kept",
                    hint="add a LIMIT, or ask for fewer columns",
                )
            raise QueryLimit("memory", "the query ran out of memory and was stopped")
        raise QueryError(reply[2])

    def close(self) -> None:
        """Stop every worker and the zygote."""
        if self._closed:
            return
        self._closed = True
        for worker in list(self._all):
            worker.kill()
        self._all.clear()
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._zygote_pid is not None:
            try:
                os.kill(self._zygote_pid, signal.SIGKILL)
                os.waitpid(self._zygote_pid, 0)
            except OSError:
                pass
            self._zygote_pid = None

    def __enter__(self) -> QueryPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["Answer", "Limits", "QueryCancelled", "QueryLimit", "QueryPool"]
