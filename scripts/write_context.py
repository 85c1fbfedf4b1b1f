"""Write ontology/context.jsonld from the JSON-LD terms of rolegraph.graph.jsonld.

    .venv/bin/python scripts/write_context.py

tests/test_vocabulary.py fails when the published context and the code disagree.
"""

from __future__ import annotations

from rolegraph.graph.jsonld import context_text
from rolegraph.model import paths

if __name__ == "__main__":
    paths.context_file().write_text(context_text(), encoding="utf-8")
