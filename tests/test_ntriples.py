"""A build's triples reach Oxigraph as N-Triples bytes (issue 20): every text arrives
as it was, and no text can end a term early and add a triple of its own."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from rolegraph.graph import ntriples
from rolegraph.graph.ntriples import load_triples

XSD = "http://www.w3.org/2001/XMLSchema#"
TEXTS = [
    'a "quoted" word',
    "back\\slash \\n not a newline",
    "two\nlines\r\nand a tab\t",
    '" . <http://evil.example/s> <http://evil.example/p> "injected',
    "> <http://evil.example/p> <http://evil.example/o> .",
    "émigré ‘quotes’ – 😀 \u2028 \x7f",
    "",
]


def test_every_text_arrives_as_it_was() -> None:
    s, p = "http://example.org/s", "http://example.org/p"
    triples = [(s, p, (text, XSD + "string")) for text in TEXTS]
    triples += [(s, p + "n", ("42", XSD + "integer")), (s, p + "o", "http://example.org/o")]
    store = ox.Store()
    load_triples(store, triples)
    got = {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(p), None)}
    assert got == set(TEXTS)
    assert len(store) == len(triples)  # nothing injected
    (n,) = store.quads_for_pattern(None, ox.NamedNode(p + "n"), None)
    assert n.object == ox.Literal("42", datatype=ox.NamedNode(XSD + "integer"))


@pytest.mark.parametrize(
    "iri", ["http://example.org/a b", "http://example.org/a> <http://x/y", "no-scheme"]
)
def test_an_iri_ntriples_cannot_hold_is_refused(iri: str) -> None:
    with pytest.raises(ValueError):
        load_triples(ox.Store(), [(iri, "http://example.org/p", "http://example.org/o")])


def test_a_large_graph_streams_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ntriples, "_CHUNK", 256)
    triples = [
        (f"http://example.org/s{i}", "http://example.org/p", (f"text {i}", XSD + "string"))
        for i in range(2000)
    ]
    store = ox.Store()
    load_triples(store, triples)
    assert len(store) == 2000
