"""rolegraph: a knowledge graph of the UK Government Digital and Data Profession
Capability Framework.

Importing this package does no I/O and imports no RDF, graph or HTML library; the
heavy modules are imported by the functions that need them.

The public entry points::

    from rolegraph import load_framework, build_graph, build_framework, open_graph
    framework = load_framework()            # bundled data: the Machine learning engineer page
    graph = build_graph(framework)          # a rolegraph.graph.store.RoleGraph
    graph.query("SELECT ...")
    result = build_framework(roles=..., skills=...)   # records, graph, report, summary
    graph = open_graph("framework.ttl")     # a graph file, a store, a CSV, a page or None
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rolegraph.errors import (
    DataInvalid,
    InputError,
    NotFound,
    OptionError,
    OutputError,
    QueryError,
    RemoteError,
    RolegraphError,
    SourceError,
)
from rolegraph.version import __version__

__all__ = [
    "BuildResult",
    "DataInvalid",
    "InputError",
    "NotFound",
    "OptionError",
    "OutputError",
    "QueryError",
    "RemoteError",
    "RolegraphError",
    "SourceError",
    "__version__",
    "build_framework",
    "build_graph",
    "load_framework",
    "open_graph",
]

if TYPE_CHECKING:
    from rolegraph.combine.framework import load_framework
    from rolegraph.graph.build import build_graph
    from rolegraph.graph.open import open_graph
    from rolegraph.graph.pipeline import BuildResult, build_framework

_LAZY = {
    "build_graph": "rolegraph.graph.build",
    "load_framework": "rolegraph.combine.framework",
    "open_graph": "rolegraph.graph.open",
    "build_framework": "rolegraph.graph.pipeline",
    "BuildResult": "rolegraph.graph.pipeline",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'rolegraph' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
