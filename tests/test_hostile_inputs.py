"""Hostile inputs (issue 14): publish that cannot be fooled, graph files and remote answers
that used to crash rolegraph. Each outcome is pinned: exit code and the message's words,
or the exact result. Real parts only: a real Oxigraph server, real local HTTP servers on
127.0.0.1, real files, real processes."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rolegraph.cli import cli

XSD = "http://www.w3.org/2001/XMLSchema#"
RG = "https://w3id.org/rolegraph/ontology#"


def _one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("rolegraph: error: "), lines
    assert "internal error" not in lines[0] and "Traceback" not in stderr
    return lines[0]


@pytest.fixture(scope="module")
def bundled_nt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from rolegraph.combine.framework import load_framework
    from rolegraph.graph.build import build_graph
    from rolegraph.graph.export import write

    path = tmp_path_factory.mktemp("bundled") / "bundled.nt"
    write(build_graph(load_framework()), path)
    return path


def _triples(data: bytes) -> set[str]:
    import pyoxigraph as ox

    return {str(t) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


def _count(base: str, graph_iri: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}"
    request = urllib.request.Request(
        f"{base}/query?query={urllib.parse.quote(query)}",
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as r:
        doc = json.load(r)
    return int(doc["results"]["bindings"][0]["n"]["value"])


def _read_back(base: str, graph_iri: str) -> bytes:
    request = urllib.request.Request(
        f"{base}/store?graph={urllib.parse.quote(graph_iri, safe='')}",
        headers={"Accept": "application/n-triples"},
    )
    with urllib.request.urlopen(request, timeout=30) as r:
        return bytes(r.read())


# -- A.1 two concurrent publishes --------------------------------------------------


def test_concurrent_publishes_never_both_claim_a_union(
    oxigraph_server: str, full_graph_file: Path, bundled_nt: Path, tmp_path: Path
) -> None:
    """Two `publish` runs (Graph Store PUT) into one graph at once, 10 times: each either
    says it replaced the graph or that another writer changed it; never do both claim
    success while the graph is left holding the union of both."""
    import pyoxigraph as ox

    sizes = {}
    for path in (full_graph_file, bundled_nt):
        store = ox.Store()
        store.load(
            path.read_bytes(),
            format=ox.RdfFormat.TURTLE if path.suffix == ".ttl" else ox.RdfFormat.N_TRIPLES,
        )
        sizes[path] = len(store)
    outcomes = []
    for i in range(10):
        iri = f"https://example.org/race/{i}"
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "rolegraph",
                    "publish",
                    "--endpoint",
                    f"{oxigraph_server}/store",
                    "--graph-iri",
                    iri,
                    "--graph",
                    str(path),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for path in (full_graph_file, bundled_nt)
        ]
        results = [(p.wait(timeout=300), p.communicate()[1]) for p in procs]
        held = _count(oxigraph_server, iri)
        succeeded = []
        for (code, err), path in zip(results, (full_graph_file, bundled_nt), strict=True):
            lines = err.splitlines()
            assert len(lines) == 1, lines
            if code == 0:
                assert lines[0].startswith(f"Replaced graph <{iri}> of "), lines
                assert f"with {sizes[path]:,} triples." in lines[0]
                succeeded.append(path)
            else:
                assert code == 2, err
                assert lines[0].startswith(f"rolegraph: error: graph <{iri}> at "), lines
                assert "another writer changed it meanwhile" in lines[0], lines
                assert f"after publishing {sizes[path]:,}" in lines[0], lines
        if len(succeeded) == 2:
            # Both confirmed: they ran one after the other, and the last one's graph is left.
            assert held in sizes.values(), (held, sizes)
        outcomes.append((tuple(code for code, _ in results), held))
    # The union was never left behind two successes.
    union = sum(sizes.values())
    assert not [o for o in outcomes if o[0] == (0, 0) and o[1] == union], outcomes


# -- A.2 an endpoint that is not a store -------------------------------------------


class _Quiet(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


def _serve(answer: Callable[[http.server.BaseHTTPRequestHandler], None]) -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _any(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            answer(self)

        do_GET = do_POST = do_PUT = _any

    server = _Quiet(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _replying(status: int, content_type: str, body: bytes) -> Callable[[Any], None]:
    def answer(h: Any) -> None:
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return answer


HTML = b"<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>\n"


@pytest.fixture
def html_site() -> Iterator[str]:
    yield from _serve(_replying(200, "text/html; charset=utf-8", HTML))


@pytest.mark.parametrize(
    ("path", "protocol", "words"),
    [
        ("/store", "gsp", "/query answered text/html that is not SPARQL JSON results"),
        ("/update", "update", "/query answered text/html that is not SPARQL JSON results"),
        ("/upload", "gsp", "/upload answered text/html, not a graph"),
        ("/sparql", "update", "/sparql answered an HTML page, not a store's answer"),
    ],
)
def test_publish_to_a_web_page_is_an_error(
    html_site: str, runner: CliRunner, path: str, protocol: str, words: str
) -> None:
    result = runner.invoke(cli, ["publish", "--endpoint", html_site + path, "--protocol", protocol])
    assert result.exit_code == 2, result.output
    line = _one_error_line(result.stderr)
    assert words in line, line
    assert "Replaced" not in result.output


def test_publish_to_a_web_page_with_a_query_endpoint_given(
    html_site: str, runner: CliRunner
) -> None:
    result = runner.invoke(
        cli,
        [
            "publish",
            "--endpoint",
            html_site + "/sparql",
            "--protocol",
            "update",
            "--query-endpoint",
            html_site + "/sparql",
        ],
    )
    assert result.exit_code == 2, result.output
    line = _one_error_line(result.stderr)
    assert "/sparql answered text/html that is not SPARQL JSON results" in line
    assert "the publish is not confirmed" in line


def test_the_stores_refusal_is_quoted_not_blamed_on_the_url(runner: CliRunner) -> None:
    body = b"Parser error at line 3 between columns 12 and 14: unexpected character\n"
    for base in _serve(_replying(400, "text/plain", body)):
        for protocol, path in (("update", "/update"), ("gsp", "/store")):
            result = runner.invoke(
                cli, ["publish", "--endpoint", base + path, "--protocol", protocol]
            )
            assert result.exit_code == 2, result.output
            line = _one_error_line(result.stderr)
            assert f"the store {base}{path} refused the data: HTTP 400 Bad Request" in line
            assert (
                "(Parser error at line 3 between columns 12 and 14: unexpected character)" in line
            )
            assert "is the URL" not in line


def _store_counting(count: str) -> Callable[[Any], None]:
    """A stub store that takes an update (204) and answers COUNT queries with ``count``."""

    def answer(h: Any) -> None:
        if h.path.startswith("/update"):
            h.send_response(204)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        doc = {
            "head": {"vars": ["n"]},
            "results": {"bindings": [{"n": {"type": "literal", "value": count, "datatype": XI}}]},
        }
        _replying(200, "application/sparql-results+json", json.dumps(doc).encode())(h)

    return answer


XI = "http://www.w3.org/2001/XMLSchema#integer"


@pytest.mark.parametrize("count", ["9" * 5000, "\u00b2", "12a"])
def test_a_count_that_is_not_a_plain_number_is_one_line(runner: CliRunner, count: str) -> None:
    """int() of a 4,301-digit string raises ValueError, and str.isdigit() takes '²'."""
    for base in _serve(_store_counting(count)):
        args = ["publish", "--endpoint", base + "/update", "--protocol", "update"]
        result = runner.invoke(cli, [*args, "--query-endpoint", base + "/query"])
        assert result.exit_code == 2, result.output
        assert _one_error_line(result.stderr) == (
            f"rolegraph: error: sent the graph to {base}/update, but {base}/query did not "
            "answer a triple count (it is not a SPARQL query endpoint); the publish is not "
            "confirmed (give --query-endpoint URL, the store's SPARQL query URL)"
        )


def test_a_served_store_whose_count_is_huge_is_a_remote_error() -> None:
    from rolegraph.errors import RemoteError
    from rolegraph.serve.remote import RemoteBackend

    for base in _serve(_store_counting("9" * 5000)):
        backend = RemoteBackend(base + "/query")
        with pytest.raises(RemoteError) as caught:
            backend.stats()
        assert caught.value.message == (
            "the endpoint answered a count that is not a number: '" + "9" * 40 + "…'"
        )


def test_publish_checks_the_count_on_a_real_store(
    oxigraph_server: str, bundled_nt: Path, runner: CliRunner
) -> None:
    for protocol, path in (("gsp", "/store"), ("update", "/update")):
        iri = f"https://example.org/checked/{protocol}"
        result = runner.invoke(
            cli,
            [
                "publish",
                "--endpoint",
                oxigraph_server + path,
                "--protocol",
                protocol,
                "--graph-iri",
                iri,
                "--graph",
                str(bundled_nt),
            ],
        )
        assert result.exit_code == 0, result.output
        assert result.stderr == (
            f"Replaced graph <{iri}> of {oxigraph_server}{path} with 403 triples.\n"
        )
        assert _count(oxigraph_server, iri) == 403


# -- A.3 N-Triples lines end at "\n" only -------------------------------------------

#: characters str.splitlines() takes for line ends, inside literals
LINE_BREAKERS = ["\x85", "\u2028", "\u2029", "\v", "\f", "\x1c", "\x1d", "\x1e"]


def test_publish_by_update_keeps_literals_with_unicode_line_breaks(
    oxigraph_server: str, bundled_nt: Path, runner: CliRunner, tmp_path: Path
) -> None:
    extra = "".join(
        f'<http://example.org/s> <http://example.org/p{i}> "before{c}after" .\n'
        for i, c in enumerate(LINE_BREAKERS)
    )
    graph = tmp_path / "breaks.nt"
    graph.write_bytes(bundled_nt.read_bytes() + extra.encode("utf-8"))
    for protocol, path in (("update", "/update"), ("gsp", "/store")):
        iri = f"https://example.org/breaks/{protocol}"
        result = runner.invoke(
            cli,
            [
                "publish",
                "--endpoint",
                oxigraph_server + path,
                "--protocol",
                protocol,
                "--graph-iri",
                iri,
                "--graph",
                str(graph),
            ],
        )
        assert result.exit_code == 0, result.output
        assert f"with {403 + len(LINE_BREAKERS)} triples." in result.stderr
        assert _triples(_read_back(oxigraph_server, iri)) == _triples(graph.read_bytes())


# -- B.4 a value longer than the parser's buffer ---------------------------------------


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("huge-literal.nt", '<http://e/s> <http://e/p> "{}" .\n'),
        ("huge-literal.ttl", '<http://e/s> <http://e/p> """{}""" .\n'),
        ("huge-iri.nt", "<http://e/s> <http://e/p> <http://e/{}> .\n"),
    ],
)
def test_a_60_mb_value_is_one_clear_error(
    tmp_path: Path, bundled_nt: Path, runner: CliRunner, name: str, line: str
) -> None:
    path = tmp_path / name
    head = bundled_nt.read_bytes()
    path.write_bytes(head + line.format("a" * (60 * 1024 * 1024)).encode())
    for args in (
        ["stats"],
        ["export", "-f", "jsonld"],
        ["validate"],
        ["similar", "Machine learning engineer"],
    ):
        result = runner.invoke(cli, [*args, "--graph", str(path)])
        assert result.exit_code == 2, (args, result.output[-300:])
        line_out = _one_error_line(result.stderr)
        assert f"cannot parse {name} as " in line_out
        assert "longer than the parser's limit" in line_out


# -- B.5 a tier rank out of range -------------------------------------------------------


@pytest.mark.parametrize(
    "rank", ["99999999999999999999999999999", "-99999999999999999999999999999", "0", "5"]
)
def test_a_tier_rank_out_of_range_is_invalid_data(
    tmp_path: Path, bundled_nt: Path, runner: CliRunner, rank: str
) -> None:
    old = f'<https://w3id.org/rolegraph/id/tier/expert> <{RG}rank> "4"^^<{XSD}integer> .'
    text = bundled_nt.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "tier.nt"
    path.write_text(text.replace(old, old.replace('"4"', f'"{rank}"')), encoding="utf-8")
    out = tmp_path / "v.html"
    for args in (
        ["similar", "Machine learning engineer"],
        ["similar", "Lead machine learning engineer", "--levels"],
        ["viz", "-o", str(out)],
        ["viz", "--view", "role", "--role", "Machine learning engineer", "-o", str(out)],
        ["ladder", "Machine learning engineer"],
        ["overlap"],
        ["gap", "Senior machine learning engineer", "Lead machine learning engineer"],
        ["path", "Senior machine learning engineer", "Lead machine learning engineer"],
    ):
        result = runner.invoke(cli, [*args, "--graph", str(path)])
        assert result.exit_code == 1, (args, result.output)
        line = _one_error_line(result.stderr)
        assert "tier <https://w3id.org/rolegraph/id/tier/expert> has rank " in line, line
        assert "out of range: a proficiency tier's rank is 1 to 4" in line, line
        assert not out.exists()


@pytest.mark.parametrize(
    ("old", "line"),
    [
        (
            f'<https://w3id.org/rolegraph/id/tier/expert> <{RG}rank> "4"^^<{XSD}integer> .',
            "the tier tier:expert has two ranks (3 and 4) (a tier has one rank; 'rolegraph "
            "validate --graph GRAPH' lists every problem)",
        ),
        (
            "<https://w3id.org/rolegraph/id/level/machine-learning-engineer--lead-machine-"
            f'learning-engineer> <{RG}rank> "2"^^<{XSD}integer> .',
            "role level 'Lead machine learning engineer' has two ranks (2 and 3) (a role level "
            "has one rank; 'rolegraph validate --graph GRAPH' lists every problem)",
        ),
    ],
)
def test_a_rank_given_twice_is_named(
    tmp_path: Path, bundled_nt: Path, runner: CliRunner, old: str, line: str
) -> None:
    """A tier ranked 4 and 3 was blamed on a requirement 'at two tiers'."""
    text = bundled_nt.read_text(encoding="utf-8")
    assert old in text
    other = old.replace('"4"', '"3"') if '"4"' in old else old.replace('"2"', '"3"')
    path = tmp_path / "ranks.nt"
    path.write_text(text.replace(old, old + "\n" + other), encoding="utf-8")
    gap = ["gap", "Senior machine learning engineer", "Lead machine learning engineer"]
    result = runner.invoke(cli, [*gap, "--graph", str(path)])
    assert (result.exit_code, _one_error_line(result.stderr)) == (1, f"rolegraph: error: {line}")


# -- B.6 quoted triples (RDF-star / RDF 1.2) ------------------------------------------

STAR = {
    "star.ttl": "@prefix e: <http://e/> .\n<< e:a e:b e:c >> e:p e:o .\n",
    "star-object.ttl": "@prefix e: <http://e/> .\ne:s e:p <<( e:a e:b e:c )>> .\n",
    "star.nt": "<http://e/s> <http://e/p> <<( <http://e/a> <http://e/b> <http://e/c> )>> .\n",
    "star.nq": "<http://e/s> <http://e/p> <<( <http://e/a> <http://e/b> <http://e/c> )>> <http://e/g> .\n",
    "star.trig": "@prefix e: <http://e/> .\ne:g { e:s e:p <<( e:a e:b e:c )>> }\n",
    # no "<<" in the text: an annotation and a reifier make triple terms too
    "annotated.ttl": "@prefix e: <http://e/> .\ne:a e:b e:c {| e:p e:o |} .\n",
    "reifier.ttl": "@prefix e: <http://e/> .\ne:a e:b e:c ~ e:r .\n",
}


@pytest.mark.parametrize("name", sorted(STAR))
def test_quoted_triples_are_refused_by_every_command(
    tmp_path: Path, bundled_nt: Path, runner: CliRunner, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(
        (bundled_nt.read_bytes() if name.endswith(".nt") else b"") + STAR[name].encode()
    )
    for args in (
        ["stats"],
        ["export", "-f", "jsonld"],
        ["export", "-f", "nt"],
        ["validate"],
        ["query", "families"],
    ):
        result = runner.invoke(cli, [*args, "--graph", str(path)])
        assert result.exit_code == 2, (args, result.output)
        line = _one_error_line(result.stderr)
        assert f"{name} holds quoted triples (RDF-star / RDF 1.2 triple terms)" in line


# -- B.7 XML entities ------------------------------------------------------------------


def _bomb(levels: int = 9) -> str:
    decls = ['<!ENTITY e0 "' + "a" * 80 + '">']
    decls += [f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, levels + 1)]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE r [\n' + "\n".join(decls) + "\n]>\n"
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:e="http://e/">\n'
        f'<rdf:Description rdf:about="http://e/s"><e:p>&e{levels};</e:p></rdf:Description>\n'
        "</rdf:RDF>\n"
    )


XML_DOCS = {
    "bomb.rdf": (_bomb(), "e0"),
    "bomb.owl": (_bomb(), "e0"),
    "bomb.xml": (_bomb(), "e0"),
    "external.rdf": (
        '<?xml version="1.0"?>\n<!DOCTYPE r [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">'
        '<rdf:Description rdf:about="http://e/s"><e:p>&x;</e:p></rdf:Description></rdf:RDF>\n',
        "x",
    ),
    "parameter.rdf": (
        '<?xml version="1.0"?>\n<!DOCTYPE r [ <!ENTITY % p "<!ENTITY q \'v\'>"> %p; ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n',
        "p",
    ),
}


@pytest.mark.parametrize("name", sorted(XML_DOCS))
def test_xml_entity_declarations_are_refused_before_parsing(tmp_path: Path, name: str) -> None:
    text, entity = XML_DOCS[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    for args in (["stats"], ["export", "-f", "jsonld"], ["validate"]):
        # A process with a time-out as a guard only: an expanding bomb never ends.
        done = subprocess.run(
            [sys.executable, "-m", "rolegraph", *args, "--graph", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2, (args, done.stderr[-300:])
        line = _one_error_line(done.stderr)
        assert f"{name} declares the XML entity {entity!r}" in line, line
        assert "refuses RDF/XML with entity declarations" in line


def test_rdf_xml_without_entities_still_reads(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "plain.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">'
        '<rdf:Description rdf:about="http://e/s"><e:p>v&amp;w</e:p></rdf:Description>'
        "</rdf:RDF>\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["export", "-f", "nt", "--graph", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == '<http://e/s> <http://e/p> "v&w" .\n'


# -- B.8 ill-typed literals: rolegraph's report only -------------------------------------


def test_ill_typed_literals_give_only_rolegraphs_report(tmp_path: Path, bundled_nt: Path) -> None:
    old = f'<{RG}rank> "1"^^<{XSD}integer> .'
    text = bundled_nt.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, f'<{RG}rank> "abc"^^<{XSD}integer> .', 1)
    text += (
        f'<http://e/s> <http://e/d> "not a date"^^<{XSD}date> .\n'
        f'<http://e/s> <http://e/b> "maybe"^^<{XSD}boolean> .\n'
        f'<http://e/s> <http://e/t> "noon"^^<{XSD}dateTime> .\n'
        f'<http://e/s> <http://e/x> "1.2.3"^^<{XSD}decimal> .\n'
    )
    path = tmp_path / "illtyped.nt"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "rolegraph", "validate", "--graph", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    # The level's rank, and its next level's (SHACL Core's sh:lessThan: "abc" is not lower).
    assert done.stderr == "rolegraph: error: the graph does not conform: 2 violations\n"
    assert done.stdout.startswith("Does not conform: 2 violations, 0 warnings in 407 triples.\n")
    assert "a role level has exactly one integer rank of 1 or more [rg:rank] (value: abc)" in (
        done.stdout
    )
    assert "the level it follows does not rank lower" in done.stdout


# -- B.9 remote SPARQL JSON answers of the wrong shape ----------------------------------


def _answer(doc_text: str) -> Callable[[Any], None]:
    return _replying(200, "application/sparql-results+json", doc_text.encode("utf-8"))


def _binding(term: str) -> str:
    return '{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": ' + term + "}]}}"


BAD_ANSWERS = {
    "datatype-object": (
        _binding('{"type": "literal", "value": "1", "datatype": {"a": 1}}'),
        "results.bindings[0].x.datatype is not a string (it is a JSON object)",
    ),
    "lang-array": (
        _binding('{"type": "literal", "value": "a", "xml:lang": ["en"]}'),
        "results.bindings[0].x.xml:lang is not a string (it is a JSON array)",
    ),
    "value-surrogate": (
        _binding('{"type": "literal", "value": "a\\ud800b"}'),
        "results.bindings[0].x.value holds a lone surrogate ('\\ud800')",
    ),
    "uri-surrogate": (
        _binding('{"type": "uri", "value": "http://e/\\udfff"}'),
        "results.bindings[0].x.value holds a lone surrogate ('\\udfff')",
    ),
    "datatype-surrogate": (
        _binding('{"type": "literal", "value": "1", "datatype": "http://e/\\udc00"}'),
        "results.bindings[0].x.datatype holds a lone surrogate",
    ),
    "type-object": (
        _binding('{"type": {"t": 1}, "value": "a"}'),
        "results.bindings[0].x has a 'type' that is not a string",
    ),
    "var-number": (
        '{"head": {"vars": [1]}, "results": {"bindings": []}}',
        "head.vars[0] is not a string (it is a JSON number)",
    ),
    "var-surrogate": (
        '{"head": {"vars": ["\\ud800"]}, "results": {"bindings": []}}',
        "head.vars[0] holds a lone surrogate",
    ),
    "var-twice": (
        '{"head": {"vars": ["x", "x"]}, "results": {"bindings": []}}',
        "head.vars names a variable twice",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_ANSWERS))
def test_a_remote_answer_of_the_wrong_shape_is_one_line(case: str) -> None:
    doc, words = BAD_ANSWERS[case]
    for base in _serve(_answer(doc)):
        url = base + "/query"
        for args in (
            ["query", "families", "--endpoint", url],
            ["query", "-e", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint", url],
            ["query", "-e", "SELECT ?x WHERE { ?x ?p ?o }", "--endpoint", url, "-f", "json"],
        ):
            done = subprocess.run(
                [sys.executable, "-m", "rolegraph", *args],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 2, (args, done.stderr)
            line = _one_error_line(done.stderr)
            assert f"the endpoint {url} answered something that is not SPARQL results" in line
            assert words in line, line
            assert done.stdout == ""
