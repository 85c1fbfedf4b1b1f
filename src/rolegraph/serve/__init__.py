"""``rolegraph serve``: the graph as a read-only linked-data web service (see
:mod:`.server`). ``rolegraph.serve.create_app`` is the ASGI application factory:
``uvicorn --factory rolegraph.serve:create_app``."""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    if name == "create_app":
        return importlib.import_module("rolegraph.serve.server").create_app
    raise AttributeError(f"module 'rolegraph.serve' has no attribute {name!r}")
