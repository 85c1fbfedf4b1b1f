"""Items lent one at a time, first come first served, to threads and coroutines alike: the
query workers of a :class:`~rolegraph.graph.pool.QueryPool`, which the CLI and page threads
wait for (:meth:`Slots.get`) and the web server's event loop awaits (:meth:`Slots.aget`)
without a thread of its own."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:  # asyncio is imported by the coroutines' side only (the CLI never needs it)
    import asyncio

T = TypeVar("T")


class _Waiter(Generic[T]):
    """One thread or coroutine waiting; ``item`` is set (``done``) when one is lent to it."""

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.loop = loop
        self.event = threading.Event() if loop is None else None
        self.future: asyncio.Future[None] | None = None if loop is None else loop.create_future()
        self.item: T | None = None
        self.done = False

    def wake(self) -> None:
        if self.event is not None:
            self.event.set()
        elif self.loop is not None and self.future is not None:
            import asyncio

            future = self.future
            try:
                here = asyncio.get_running_loop() is self.loop
            except RuntimeError:
                here = False
            (self.loop.call_soon if here else self.loop.call_soon_threadsafe)(_resolve, future)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class Slots(Generic[T]):
    """``items`` to lend: :meth:`get` or :meth:`aget` one, :meth:`put` it back. Thread-safe."""

    def __init__(self, items: Iterable[T]) -> None:
        self._free: deque[T] = deque(items)
        self._waiting: deque[_Waiter[T]] = deque()
        self._lock = threading.Lock()

    def _take(self, loop: asyncio.AbstractEventLoop | None) -> tuple[T | None, _Waiter[T] | None]:
        with self._lock:
            if self._free and not self._waiting:
                return self._free.popleft(), None
            waiter: _Waiter[T] = _Waiter(loop)
            self._waiting.append(waiter)
            return None, waiter

    def _give_up(self, waiter: _Waiter[T]) -> bool:
        """Stop waiting; False when an item was lent meanwhile (the waiter has it)."""
        with self._lock:
            if waiter.done:
                return False
            self._waiting.remove(waiter)
            return True

    def get(self, timeout: float) -> T:
        """An item, waiting up to ``timeout`` seconds (then TimeoutError)."""
        item, waiter = self._take(None)
        if waiter is None:
            return item  # type: ignore[return-value]
        assert waiter.event is not None
        if not waiter.event.wait(timeout) and self._give_up(waiter):
            raise TimeoutError
        return waiter.item  # type: ignore[return-value]

    async def aget(self, timeout: float) -> T:
        """An item, awaiting it up to ``timeout`` seconds (then TimeoutError)."""
        import asyncio

        item, waiter = self._take(asyncio.get_running_loop())
        if waiter is None:
            return item  # type: ignore[return-value]
        assert waiter.future is not None
        try:
            await asyncio.wait_for(waiter.future, timeout)
        except BaseException:  # timed out or cancelled
            if not self._give_up(waiter):
                self.put(waiter.item)  # type: ignore[arg-type]  # lent just then: pass it on
            raise
        return waiter.item  # type: ignore[return-value]

    def put(self, item: T) -> None:
        """Give ``item`` back: to the longest waiting thread or coroutine, if any."""
        with self._lock:
            if self._waiting:
                waiter = self._waiting.popleft()
                waiter.item, waiter.done = item, True
                waiter.wake()
                return
            self._free.append(item)


__all__ = ["Slots"]
