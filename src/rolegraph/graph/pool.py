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

The parent sends a query to an idle worker and waits for the answer (on a thread,
:meth:`QueryPool.run`, or on an event loop, :meth:`QueryPool.run_async`), polling the
worker's resident memory, the deadline and (for a server) whether the client is still
there; an answer is read as soon as it is ready (asked to stream, an answer past
:data:`STREAM_AFTER` comes in pieces as the worker writes it: :class:`AnswerStream`). Past a bound the worker is killed with SIGKILL, so its memory goes back to the
system at once, and a fresh one is forked from the zygote. Workers run with no network
where the system allows it (their own empty network namespace): a second line of
defence behind :func:`rolegraph.sparql.text.gate`, which refuses ``SERVICE``.

Where ``fork`` is missing (Windows), queries run in the calling process with the gate
and the result cap only.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import socket
import struct
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rolegraph.errors import QueryError
from rolegraph.graph.slots import Slots
from rolegraph.graph.worker import (
    HEADER,
    MB,
    encode_dataset,
    execute,
    frame,
    recv,
    recv_exactly,
    send,
    zygote_main,
)

if TYPE_CHECKING:
    import asyncio  # imported by run_async's side only: the CLI never needs it

    from rolegraph.graph.store import RoleGraph

_POLL = 0.02  # seconds between looks at a running query's memory and client
_FIRST_READ = 64 * 1024  # bytes of an answer read first (then the rest, by its length)
#: an answer larger than this streams (when asked to): smaller ones come whole
STREAM_AFTER = 1024 * 1024


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
    #: asked to stream, a large answer's ``data`` is its first piece, and this the rest
    rest: AnswerStream | None = None

    def solutions(self) -> Any:
        """The answer as pyoxigraph ``QuerySolutions`` or ``QueryBoolean``."""
        import pyoxigraph as ox

        return ox.parse_query_results(self.data, format=getattr(ox.QueryResultsFormat, self.format))

    def triples(self) -> list[Any]:
        """A graph answer as pyoxigraph triples."""
        import pyoxigraph as ox

        return list(ox.parse(self.data, format=getattr(ox.RdfFormat, self.format)))


class AnswerStream:
    """The rest of a large answer (after the first piece, an :class:`Answer`'s ``data``),
    arriving in pieces from the worker still writing it: :meth:`pieces` yields them
    within the query's bounds; the worker goes back to the pool when the last has come,
    and is killed if the answer is left unread (:meth:`close`) or goes past a bound on
    the way."""

    def __init__(self, pool: QueryPool, worker: _Worker, deadline: float, limits: Limits) -> None:
        self._pool = pool
        self._worker: _Worker | None = worker
        self._deadline = deadline
        self._limits = limits

    async def pieces(self, cancelled: Callable[[], bool] | None = None) -> AsyncIterator[bytes]:
        """The rest of the answer's bytes, piece by piece. Raises :class:`QueryLimit`,
        :class:`QueryCancelled` or :class:`QueryError` part way when the query must stop."""
        worker = self._worker
        if worker is None:
            raise QueryError("this answer has been read or closed")
        try:
            while True:
                reply = await self._pool._next_async(
                    worker, self._deadline, self._limits, cancelled
                )
                if reply[0] == "chunk":
                    yield reply[1]
                elif reply[0] == "end":
                    self._worker = None
                    self._pool._idle.put(worker)
                    return
                else:
                    self._pool._reply(reply, self._limits)  # raises
                    raise QueryError("the query worker answered out of turn")
        finally:
            self.close()

    def close(self) -> None:
        """Stop the answer where it is (its worker is killed, its slot freed)."""
        if self._worker is not None:
            worker, self._worker = self._worker, None
            self._pool._lost(worker)


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
        self.pending = bytearray()  # read past the last message (a streamed answer's next)
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
        # a slot per worker: a worker is forked when its slot is first needed
        self._idle: Slots[_Worker | None] = Slots([None] * self.size)
        self._lock = threading.Lock()
        self._closed = False
        self._all: set[_Worker] = set()
        self._isolated = False
        self._zygote_pid: int | None = None
        self._control: socket.socket | None = None
        self._isolation_read = False
        if hasattr(os, "fork") and hasattr(socket, "send_fds"):
            self._start_zygote()

    def _start_zygote(self) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            try:
                parent.close()
                zygote_main(self.graph, child)
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
                reply = recv_exactly(self._control, 8)
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
        request = _request(
            sparql, dataset, results_format, graph_format, prefixes, spreadsheet_safe, limits
        )
        if self._control is None:
            return self._reply(execute(self.graph, request), limits)
        deadline = time.monotonic() + limits.timeout
        try:
            slot = self._idle.get(limits.timeout)
        except TimeoutError:
            raise _busy(limits) from None
        worker = slot
        try:
            if worker is None:
                worker = self._spawn()
            reply = self._wait(worker, request, deadline, limits, cancelled)
        except BaseException:
            self._lost(worker)
            raise
        self._idle.put(worker)
        return self._reply(reply, limits)

    async def run_async(
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
        stream: bool = False,
    ) -> Answer:
        """:meth:`run` on an event loop: the same bounds, with no thread of its own (a
        server's requests wait for their answers this way). Cancelling it stops the query.
        With ``stream``, an answer larger than :data:`STREAM_AFTER` comes with its first
        piece as ``data`` and the rest as an :class:`AnswerStream` in ``rest``, which holds
        its worker until it is read or closed."""
        limits = limits or self.limits
        request = _request(
            sparql, dataset, results_format, graph_format, prefixes, spreadsheet_safe, limits
        )
        if stream:
            request["spill"] = STREAM_AFTER
        if self._control is None:
            return self._reply(execute(self.graph, request), limits)
        deadline = time.monotonic() + limits.timeout
        try:
            slot = await self._idle.aget(limits.timeout)
        except TimeoutError:
            raise _busy(limits) from None
        worker = slot
        try:
            if worker is None:
                worker = self._spawn()
            reply = await self._wait_async(worker, request, deadline, limits, cancelled)
        except BaseException:
            self._lost(worker)
            raise
        if reply[0] == "chunk":
            rest = AnswerStream(self, worker, deadline, limits)
            return Answer(reply[2], reply[1], reply[3], rest)
        self._idle.put(worker)
        return self._reply(reply, limits)

    def _lost(self, worker: _Worker | None) -> None:
        """A query went wrong or was stopped: its worker is killed, its slot freed."""
        if worker is not None:
            self._all.discard(worker)
            worker.kill()
        self._idle.put(None)

    def _wait(
        self,
        worker: _Worker,
        request: Mapping[str, Any],
        deadline: float,
        limits: Limits,
        cancelled: Callable[[], bool] | None,
    ) -> tuple[Any, ...]:
        send(worker.sock, request)
        while True:
            left = _left(deadline, limits)
            ready, _, _ = select.select([worker.sock], [], [], min(_POLL, left))
            if ready:
                worker.sock.settimeout(max(left, 1.0))
                try:
                    reply = recv(worker.sock)
                finally:
                    worker.sock.settimeout(None)
                if reply is None:
                    raise self._died(worker, limits)
                return tuple(reply)
            _check(worker, limits, cancelled)

    async def _wait_async(
        self,
        worker: _Worker,
        request: Mapping[str, Any],
        deadline: float,
        limits: Limits,
        cancelled: Callable[[], bool] | None,
    ) -> tuple[Any, ...]:
        import asyncio

        loop = asyncio.get_running_loop()
        worker.sock.setblocking(False)
        try:
            await loop.sock_sendall(worker.sock, frame(request))
        finally:
            worker.sock.setblocking(True)
        return await self._next_async(worker, deadline, limits, cancelled)

    async def _next_async(
        self,
        worker: _Worker,
        deadline: float,
        limits: Limits,
        cancelled: Callable[[], bool] | None,
    ) -> tuple[Any, ...]:
        """The worker's next message, awaited within the query's bounds."""
        import asyncio

        loop = asyncio.get_running_loop()
        sock = worker.sock
        got = worker.pending
        want = _FIRST_READ
        sock.setblocking(False)
        try:
            while True:
                if len(got) >= HEADER.size:
                    end = HEADER.size + HEADER.unpack_from(got)[0]
                    if len(got) >= end:
                        message = tuple(pickle.loads(got[HEADER.size : end]))
                        del got[:end]
                        return message
                    want = min(end - len(got), 4 * MB)
                if not await _readable(loop, sock, min(_POLL, _left(deadline, limits))):
                    _check(worker, limits, cancelled)
                    continue
                try:
                    # (recv allocates what it is asked for: no more than the answer needs)
                    chunk = sock.recv(want)
                except BlockingIOError:
                    continue
                if not chunk:
                    raise self._died(worker, limits)
                got += chunk
        finally:
            sock.setblocking(True)

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


def _request(
    sparql: str,
    dataset: Mapping[str, Any] | None,
    results_format: str,
    graph_format: str,
    prefixes: Mapping[str, str] | None,
    spreadsheet_safe: bool,
    limits: Limits,
) -> dict[str, Any]:
    """What a worker is sent to run a query."""
    return {
        "sparql": sparql,
        "dataset": encode_dataset(dataset or {}),
        "results_format": results_format,
        "graph_format": graph_format,
        "prefixes": dict(prefixes) if prefixes else None,
        "spreadsheet_safe": spreadsheet_safe,
        "cap": limits.result_bytes,
    }


def _busy(limits: Limits) -> QueryLimit:
    return QueryLimit(
        "busy",
        f"every query worker stayed busy for {limits.timeout:g} s",
        hint="try again in a moment",
    )


def _left(deadline: float, limits: Limits) -> float:
    """Seconds the query has left; past its deadline, :class:`QueryLimit`."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise QueryLimit(
            "time",
            f"the query ran for more than {limits.timeout:g} s and was stopped",
            hint="add a LIMIT or a more selective pattern, or allow more time",
        )
    return left


async def _readable(loop: asyncio.AbstractEventLoop, sock: socket.socket, timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for ``sock`` to have something to read."""
    ready: asyncio.Future[bool] = loop.create_future()

    def settle(value: bool) -> None:
        if not ready.done():
            ready.set_result(value)

    loop.add_reader(sock.fileno(), settle, True)
    timer = loop.call_later(timeout, settle, False)
    try:
        return await ready
    finally:
        loop.remove_reader(sock.fileno())
        timer.cancel()


def _check(worker: _Worker, limits: Limits, cancelled: Callable[[], bool] | None) -> None:
    """A running query's memory and client: :class:`QueryLimit` or
    :class:`QueryCancelled` when it must stop."""
    used = _resident(worker.pid)
    if used is not None and used - worker.baseline > limits.memory:
        raise QueryLimit(
            "memory",
            f"the query needed more than {limits.memory // MB} MB of memory and was stopped",
            hint="add a LIMIT or a more selective pattern, or allow more memory",
        )
    if cancelled is not None and cancelled():
        raise QueryCancelled("the client went away, and its query was stopped")


__all__ = [
    "MB",
    "STREAM_AFTER",
    "Answer",
    "AnswerStream",
    "Limits",
    "QueryCancelled",
    "QueryLimit",
    "QueryPool",
]
