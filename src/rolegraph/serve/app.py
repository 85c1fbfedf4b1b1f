"""The state one ``rolegraph serve`` shares between its requests: the backend the graph is
read through, the saved queries (read and checked once, at start), the values their
parameters allow, and the explorer pages made so far. The routes in :mod:`.routes` and
:mod:`.endpoint` read it; :mod:`.web` makes it."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from rolegraph.analysis.view import framework_view
from rolegraph.errors import RolegraphError
from rolegraph.sparql.binding import allowed_values, bind_params, bind_values
from rolegraph.sparql.catalogue import load_catalogue, with_default_prefixes

if TYPE_CHECKING:
    from rolegraph.analysis.view import FrameworkView
    from rolegraph.serve.backend import Backend
    from rolegraph.sparql.catalogue import Param, SavedQuery

T = TypeVar("T")
#: makes the explorer page of a view: (view, role, skill, link base) -> HTML; the link
#: base is where the nodes' own pages are (the service's ``/id/``)
ExplorerMaker = Callable[[str, str | None, str | None, str], bytes]


class App:
    #: explorer pages kept, most recent last (each is made once, on first request)
    MAX_PAGES = 16

    def __init__(self, backend: Backend, explorer: ExplorerMaker | None) -> None:
        self.backend = backend
        self.explorer = explorer
        self.catalogue: dict[str, SavedQuery] = load_catalogue()
        self._pages: dict[tuple[str, str | None, str | None, str], bytes] = {}
        self._allowed: dict[tuple[str, str], list[str]] = {}
        self._lock = threading.Lock()
        self._view: FrameworkView | None = None
        self._view_lock = threading.Lock()
        self._examples: list[dict[str, str]] | None = None

    def view(self) -> FrameworkView:
        """The graph as the career analyses read it (:func:`framework_view`), read once,
        at start (:func:`.web.make_app` asks for it): over a remote endpoint, from a copy
        of its graph taken then. Its texts are read with it (about 0.1 s for the whole framework), so that it is
        never written to again and requests read it at once, each on its own thread."""
        with self._view_lock:
            if self._view is None:
                view = framework_view(self.backend.snapshot())
                for level, needs in view.requirements.items():
                    for skill in needs:
                        view.descriptor(level, skill)
                for role in view.roles:
                    view.levels_of(role)  # builds its index
                self._view = view
            return self._view

    def analyse(self, work: Callable[[FrameworkView], T]) -> T:
        """``work`` done on the view (read-only by then: see :meth:`view`)."""
        return work(self.view())

    def allowed(self, query: SavedQuery, param: Param) -> list[str]:
        """The values a saved query's parameter allows (asked once: the data is read-only)."""
        key = (query.name, param.name)
        with self._lock:
            found = self._allowed.get(key)
        if found is None:
            found = allowed_values(query, param, self.backend.runner())
            with self._lock:
                self._allowed[key] = found
        return found

    def examples(self) -> list[dict[str, str]]:
        """The saved queries as the SPARQL editor's examples (name, summary, query), each
        query's text with its parameters' default values bound as ``/queries/NAME`` binds
        them (a VALUES clause), so that running the example gives the saved query's answer;
        a query with a parameter that has no default keeps it unbound, for the reader to
        give. Made once (the data is read-only)."""
        with self._lock:
            if self._examples is not None:
                return self._examples
        made = []
        for q in self.catalogue.values():
            text = with_default_prefixes(q.sparql)
            # (a parameter with no default, or a default the data lacks: left unbound)
            with contextlib.suppress(RolegraphError):
                text = bind_values(text, bind_params(q, {}, self.backend.runner()))
            made.append({"name": q.name, "summary": q.summary, "query": text})
        with self._lock:
            self._examples = made
        return made

    def explorer_page(
        self,
        view: str = "overlap",
        role: str | None = None,
        skill: str | None = None,
        link_base: str = "/id/",
    ) -> bytes | None:
        if self.explorer is None:
            return None
        key = (view, role, skill, link_base)
        with self._lock:
            page = self._pages.pop(key, None)
            if page is None:
                page = self.explorer(view, role, skill, link_base)
            self._pages[key] = page
            while len(self._pages) > self.MAX_PAGES:
                del self._pages[next(iter(self._pages))]
            return page
