"""The state one ``rolegraph serve`` shares between its requests: the graph, the query
worker pool, and the explorer pages made so far (the routes in :mod:`.routes` and
:mod:`.endpoint` read it; :mod:`.server` makes it)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rolegraph.graph.pool import QueryPool
    from rolegraph.graph.store import RoleGraph

#: makes the explorer page of a view: (view, role, skill) -> HTML
ExplorerMaker = Callable[[str, str | None, str | None], bytes]


class App:
    #: explorer pages kept, most recent last (each is made once, on first request)
    MAX_PAGES = 16

    def __init__(self, graph: RoleGraph, explorer: ExplorerMaker | None, pool: QueryPool) -> None:
        self.graph = graph
        self.explorer = explorer
        self.pool = pool
        self._pages: dict[tuple[str, str | None, str | None], bytes] = {}
        self._lock = threading.Lock()

    def explorer_page(
        self, view: str = "overlap", role: str | None = None, skill: str | None = None
    ) -> bytes | None:
        if self.explorer is None:
            return None
        key = (view, role, skill)
        with self._lock:
            page = self._pages.pop(key, None)
            if page is None:
                page = self.explorer(view, role, skill)
            self._pages[key] = page
            while len(self._pages) > self.MAX_PAGES:
                del self._pages[next(iter(self._pages))]
            return page
