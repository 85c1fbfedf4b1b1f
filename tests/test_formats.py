"""Every RDF format, written and read: exports read back to the same graph (by rolegraph,
rdflib, Raptor's rapper, N3.js and jsonld.js), format names as rdflib and Jena spell them,
gzip, standard input and output, extensions that choose (or contradict) the format, and
SPARQL XML results."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from conftest import IN_CI, ROOT
from rolegraph.cli import cli
from rolegraph.graph.export import serialize, sorted_ntriples
from rolegraph.graph.open import open_graph
from rolegraph.model.formats import BY_NAME, FORMATS

# rdflib's own parsers use its deprecated Dataset.default_context
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")

JS = ROOT / "tests" / "js"
#: format -> the file extension and the names rdflib, rapper and N3.js/jsonld.js know it by
FILES = {
    "turtle": (".ttl", "turtle", "turtle"),
    "nt": (".nt", "nt", "ntriples"),
    "jsonld": (".jsonld", "json-ld", None),
    "rdfxml": (".rdf", "xml", "rdfxml"),
    "nquads": (".nq", "nquads", "nquads"),
    "trig": (".trig", "trig", "trig"),
}
ODD = """@prefix rg: <https://w3id.org/rolegraph/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<http://example.org/thing/1> a rg:Role ;
    <http://example.org/p> "bonjour"@fr , "2.5"^^xsd:decimal , 3 , true ,
        "line one\\nline \\"two\\"\\r\\n\\ttab <&> ]]>" , "\u00e9 \u2603 \U0001d11e" ;
    <http://example.org/ns#q> <http://example.org/thing/2> .
"""


def canonical_quads(data: bytes, fmt: ox.RdfFormat) -> set[str]:
    """The quads of ``data`` as canonical N-Quads lines (no blank nodes in these graphs)."""
    return {str(q) for q in ox.parse(data, format=fmt)}


def rolegraph_quads(path: Path, release: str | None = None) -> set[str]:
    graph = open_graph(path, release)
    return canonical_quads(
        serialize(graph.dataset() if release is None else graph, "nquads"), ox.RdfFormat.N_QUADS
    )


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled graph exported in each format, and a store of two releases exported
    as a dataset (``releases.nq``, ``releases.trig``)."""
    folder = tmp_path_factory.mktemp("exports")
    runner = CliRunner()
    out = {}
    for fmt, (ext, *_) in FILES.items():
        out[fmt] = folder / f"graph{ext}"
        done = runner.invoke(cli, ["export", "-o", str(out[fmt])])
        assert done.exit_code == 0, done.output
    store = folder / "store"
    for release in ("2025-03", "2025-09"):
        done = runner.invoke(cli, ["build", "-q", "--store", str(store), "--release", release])
        assert done.exit_code == 0, done.output
    for ext in (".nq", ".trig"):
        target = folder / f"releases{ext}"
        done = runner.invoke(cli, ["export", "-g", str(store), "-o", str(target)])
        assert done.exit_code == 0, done.output
        out["releases" + ext] = target
    out["store"] = store
    return out


@pytest.fixture(scope="module")
def expected() -> set[str]:
    """The bundled graph's triples as canonical N-Quads (default graph) lines."""
    return canonical_quads(sorted_ntriples(open_graph()), ox.RdfFormat.N_TRIPLES)


@pytest.mark.parametrize("fmt", list(FILES))
def test_each_export_reads_back_as_the_same_graph(
    exports: dict[str, Path], expected: set[str], fmt: str
) -> None:
    path = exports[fmt]
    back = open_graph(path)
    assert canonical_quads(sorted_ntriples(back), ox.RdfFormat.N_TRIPLES) == expected
    # and rdflib, a parser rolegraph does not use to read, gets the same graph
    parsed = rdflib.Dataset().parse(path, format=FILES[fmt][1])
    reference = rdflib.Graph().parse(data=sorted_ntriples(back), format="nt")
    merged = rdflib.Graph()
    for s, p, o, _g in parsed.quads((None, None, None, None)):
        merged.add((s, p, o))
    assert isomorphic(merged, reference)


@pytest.mark.parametrize("fmt", list(FILES))
def test_exports_are_deterministic_and_gzip_has_no_time_stamp(
    exports: dict[str, Path], tmp_path: Path, runner: CliRunner, fmt: str
) -> None:
    again = runner.invoke(cli, ["export", "-f", fmt])
    assert again.stdout_bytes == exports[fmt].read_bytes()
    packed = tmp_path / (exports[fmt].name + ".gz")
    assert runner.invoke(cli, ["export", "-o", str(packed)]).exit_code == 0
    data = packed.read_bytes()
    assert data[:2] == b"\x1f\x8b" and data[4:8] == b"\0\0\0\0"  # magic, mtime 0
    assert gzip.decompress(data) == exports[fmt].read_bytes()
    second = tmp_path / ("again" + exports[fmt].name + ".gz")
    assert runner.invoke(cli, ["export", "-o", str(second)]).exit_code == 0
    assert second.read_bytes() == data
    back = runner.invoke(cli, ["export", "-g", str(packed), "-f", "nt"])
    assert back.exit_code == 0, back.output
    assert back.stdout_bytes == sorted_ntriples(open_graph())


def test_a_store_of_releases_exports_as_a_dataset(
    exports: dict[str, Path], runner: CliRunner
) -> None:
    store = open_graph(exports["store"])
    whole = canonical_quads(serialize(store.dataset(), "nquads"), ox.RdfFormat.N_QUADS)
    assert len(whole) == len(store.store)  # every quad of the store, once
    graphs = {
        q.graph_name
        for q in ox.parse(exports["releases.nq"].read_bytes(), format=ox.RdfFormat.N_QUADS)
    }
    assert {str(g) for g in graphs} == {
        "DEFAULT",
        "<https://w3id.org/rolegraph/release/2025-03>",
        "<https://w3id.org/rolegraph/release/2025-09>",
    }
    for name in ("releases.nq", "releases.trig"):
        assert rolegraph_quads(exports[name]) == whole
        # read back, it is the store again: the latest release, or the one asked for
        for release in (None, "2025-03"):
            from_file = open_graph(exports[name], release)
            from_store = open_graph(exports["store"], release)
            assert from_file.release == from_store.release
            assert sorted_ntriples(from_file) == sorted_ntriples(from_store)
        # and it exports to the same bytes again
        again = runner.invoke(
            cli,
            [
                "export",
                "-g",
                str(exports[name]),
                "-f",
                FILES["nquads" if name.endswith(".nq") else "trig"][1],
            ],
        )
        assert again.stdout_bytes == exports[name].read_bytes()
    one = runner.invoke(
        cli, ["export", "-g", str(exports["store"]), "--release", "2025-03", "-f", "nq"]
    )
    lines = one.stdout.splitlines()
    assert lines and all(
        ln.endswith(" <https://w3id.org/rolegraph/release/2025-03> .") for ln in lines
    )


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        message = f"{name} is not installed"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


def _node_script() -> list[str]:
    node = _program("node")
    for package in ("n3", "jsonld"):
        if not (JS / "node_modules" / package).is_dir():
            message = f"{package} is not installed (cd tests/js && npm ci)"
            if IN_CI:
                pytest.fail(message)
            pytest.skip(message)
    return [node, str(JS / "parse-rdf.mjs")]


def _exported(exports: dict[str, Path], name: str) -> tuple[Path, str, set[str]]:
    path = exports[name]
    fmt = "nquads" if name == "releases.nq" else "trig" if name == "releases.trig" else name
    quads = (
        rolegraph_quads(path)
        if name.startswith("releases")
        else canonical_quads(sorted_ntriples(open_graph(path)), ox.RdfFormat.N_TRIPLES)
    )
    return path, fmt, quads


ALL = [*FILES, "releases.nq", "releases.trig"]


@pytest.mark.parametrize("name", [n for n in ALL if n != "jsonld"])
def test_rapper_parses_every_export(exports: dict[str, Path], name: str) -> None:
    """Raptor (Debian's raptor2-utils) reads each export to the same quads (it has no
    JSON-LD parser: jsonld.js reads that one)."""
    rapper = _program("rapper")
    path, fmt, quads = _exported(exports, name)
    done = subprocess.run(
        [rapper, "-q", "-i", str(FILES[fmt][2]), "-o", "nquads", str(path)],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert canonical_quads(done.stdout, ox.RdfFormat.N_QUADS) == quads


@pytest.mark.parametrize("name", [n for n in ALL if n != "rdfxml"])
def test_n3js_and_jsonldjs_parse_every_export(exports: dict[str, Path], name: str) -> None:
    """N3.js reads Turtle, N-Triples, N-Quads and TriG; jsonld.js the JSON-LD (RDF/XML
    has no parser in either: rapper and rdflib read it)."""
    path, fmt, quads = _exported(exports, name)
    done = subprocess.run(
        [*_node_script(), fmt, str(path)], capture_output=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert canonical_quads(done.stdout, ox.RdfFormat.N_QUADS) == quads


def test_an_odd_graph_survives_every_format(tmp_path: Path, runner: CliRunner) -> None:
    """Language tags, typed literals, a carriage return, markup and non-ASCII text, IRIs
    outside the bound namespaces: each format gives back the same triples."""
    source = tmp_path / "source.ttl"
    source.write_text(ODD, encoding="utf-8")
    want = sorted_ntriples(open_graph(source))
    assert b"\\r\\n" in want
    for fmt, (ext, rdflib_name, _) in FILES.items():
        path = tmp_path / f"odd{ext}"
        assert runner.invoke(cli, ["export", "-g", str(source), "-o", str(path)]).exit_code == 0
        assert sorted_ntriples(open_graph(path)) == want, fmt
        parsed = rdflib.Dataset().parse(path, format=rdflib_name)
        assert len(list(parsed.quads((None, None, None, None)))) == 8, fmt


def test_rdfxml_refuses_a_predicate_no_xml_name_ends(tmp_path: Path, runner: CliRunner) -> None:
    source = tmp_path / "g.nt"
    source.write_text('<http://e/s> <urn:x:1> "v" .\n', encoding="utf-8")
    out = tmp_path / "g.rdf"
    done = runner.invoke(cli, ["export", "-g", str(source), "-o", str(out)])
    assert done.exit_code == 2
    assert done.stderr == (
        "rolegraph: error: the graph cannot be written as RDF/XML: no XML name ends its "
        "predicate <urn:x:1> (write it as Turtle, N-Triples or JSON-LD, which can)\n"
    )
    assert not out.exists()


@pytest.mark.parametrize("spelling", sorted(BY_NAME))
def test_every_name_rdflib_and_jena_use_is_taken(runner: CliRunner, spelling: str) -> None:
    canonical = BY_NAME[spelling].name
    done = runner.invoke(cli, ["export", "-f", spelling.upper()])
    assert done.exit_code == 0, done.output
    assert done.stdout_bytes == runner.invoke(cli, ["export", "-f", canonical]).stdout_bytes


def test_the_registry_knows_the_names_asked_for() -> None:
    asked = {"ttl", "turtle", "nt", "ntriples", "n-triples", "json-ld", "jsonld", "xml"}
    asked |= {"rdfxml", "rdf/xml", "nquads", "n-quads", "nq", "trig"}
    assert asked <= set(BY_NAME)
    assert {f.name for f in FORMATS} == set(FILES)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("x.rdf", "rdfxml"),
        ("x.owl", "rdfxml"),
        ("x.xml", "rdfxml"),
        ("x.nq", "nquads"),
        ("x.trig", "trig"),
        ("x.ttl.gz", "turtle"),
        ("x.NT", "nt"),
        ("x.jsonld.gz", "jsonld"),
    ],
)
def test_the_output_extension_chooses_the_format(
    tmp_path: Path, runner: CliRunner, name: str, fmt: str
) -> None:
    out = tmp_path / name
    assert runner.invoke(cli, ["export", "-o", str(out)]).exit_code == 0
    data = out.read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    assert data == runner.invoke(cli, ["export", "-f", fmt]).stdout_bytes
    if fmt == "rdfxml":
        assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF ')
    built = tmp_path / ("built-" + name)
    assert runner.invoke(cli, ["build", "-q", "-o", str(built)]).exit_code == 0
    assert built.read_bytes() == out.read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-f", "nt", "-o", "g.ttl"],
            "--format nt does not match the extension of g.ttl (which says turtle) "
            "(drop --format, or rename the output file)",
        ),
        (
            ["-f", "ttl", "-o", "g.rdf"],
            "--format ttl does not match the extension of g.rdf (which says rdfxml) "
            "(drop --format, or rename the output file)",
        ),
        (
            ["-f", "trig", "-o", "g.nq.gz"],
            "--format trig does not match the extension of g.nq.gz (which says nquads) "
            "(drop --format, or rename the output file)",
        ),
        (
            ["-o", "g.txt"],
            "cannot tell the RDF format to write from the extension of g.txt (give --format, "
            "or name the file with one of .ttl, .turtle, .nt, .ntriples, .jsonld, .json, "
            ".rdf, .owl, .xml, .nq, .nquads, .trig (and .gz after it to gzip it))",
        ),
    ],
)
def test_an_extension_that_disagrees_is_one_clear_line(
    tmp_path: Path, runner: CliRunner, args: list[str], message: str
) -> None:
    for command in ("export", "build"):
        argv = [command, *[str(tmp_path / a) if a.startswith("g.") else a for a in args]]
        done = runner.invoke(cli, argv)
        assert done.exit_code == 2
        assert done.stderr == f"rolegraph: error: {message}\n"
    assert list(tmp_path.iterdir()) == []


def test_an_explicit_format_writes_a_file_of_any_name(tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "graph.txt"
    assert runner.invoke(cli, ["export", "-f", "nt", "-o", str(out)]).exit_code == 0
    assert out.read_bytes() == sorted_ntriples(open_graph())


def test_standard_input_and_output(exports: dict[str, Path], runner: CliRunner) -> None:
    for fmt in FILES:
        data = exports[fmt].read_bytes()
        for packed in (data, gzip.compress(data, mtime=0)):
            done = runner.invoke(
                cli,
                ["export", "-g", "-", "--input-format", fmt, "-f", "nt", "-o", "-"],
                input=packed,
            )
            assert done.exit_code == 0, (fmt, done.output)
            assert done.stdout_bytes == sorted_ntriples(open_graph())
    stats = runner.invoke(
        cli,
        ["stats", "-g", "-", "--input-format", "N-Quads", "-f", "json"],
        input=exports["releases.nq"].read_bytes(),
    )
    assert stats.exit_code == 0, stats.output
    assert json.loads(stats.stdout)["triples"] == len(open_graph(exports["store"]))


@pytest.mark.parametrize(
    ("args", "data", "message"),
    [
        (
            ["-g", "-"],
            b"",
            "a graph read from standard input needs --input-format FORMAT (as in "
            "--input-format turtle; the formats are turtle, nt, jsonld, rdfxml, nquads, trig)",
        ),
        (
            ["-g", "-", "--input-format", "nt"],
            b"<http://e/s> <http://e/p> .\n",
            "standard input is not valid nt:",
        ),
        (["-g", "-", "--input-format", "ttl"], b"", "standard input contains no triples"),
        (
            ["-g", "-", "--input-format", "ttl"],
            gzip.compress(b"@prefix e: <http://e/> . e:s e:p e:o .")[:20],
            "standard input is not valid gzip:",
        ),
        (
            ["--input-format", "ttl"],
            b"",
            "--input-format is the format of a graph file, and no graph file is given",
        ),
    ],
)
def test_bad_standard_input_is_one_clear_line(
    runner: CliRunner, args: list[str], data: bytes, message: str
) -> None:
    done = runner.invoke(cli, ["stats", *args], input=data)
    assert done.exit_code == 2
    assert done.stderr.startswith(f"rolegraph: error: {message}")
    assert done.stderr.count("\n") == 1


def test_a_gz_name_that_is_not_gzip_is_refused(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "g.ttl.gz"
    path.write_bytes(b"@prefix e: <http://e/> . e:s e:p e:o .\n")
    done = runner.invoke(cli, ["stats", "-g", str(path)])
    assert done.exit_code == 2
    assert done.stderr == (
        "rolegraph: error: g.ttl.gz is named .gz but is not gzip-compressed (rename it "
        "without .gz, or compress it with gzip)\n"
    )


def test_release_of_a_triples_file_is_refused(exports: dict[str, Path], runner: CliRunner) -> None:
    done = runner.invoke(cli, ["stats", "-g", str(exports["turtle"]), "--release", "2025-03"])
    assert done.exit_code == 2
    assert done.stderr == (
        "rolegraph: error: --release needs a store folder (or an N-Quads or TriG file of "
        "releases), and graph.ttl is a Turtle file\n"
    )


# -- SPARQL XML results -----------------------------------------------------------------

SR = "{http://www.w3.org/2005/sparql-results#}"


def _xml_rows(text: str) -> tuple[list[str], list[dict[str, tuple[str, str, str | None]]]]:
    root = ET.fromstring(text)
    names = [v.get("name", "") for v in root.iter(SR + "variable")]
    rows = []
    for result in root.iter(SR + "result"):
        row = {}
        for binding in result:
            (term,) = list(binding)
            extra = term.get("{http://www.w3.org/XML/1998/namespace}lang") or term.get("datatype")
            row[binding.get("name", "")] = (term.tag.removeprefix(SR), term.text or "", extra)
        rows.append(row)
    return names, rows


def test_query_xml_results_say_what_json_says(runner: CliRunner, tmp_path: Path) -> None:
    sparql = (
        "SELECT ?s ?label ?rank ?text WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label "
        "OPTIONAL { ?s <https://w3id.org/rolegraph/ontology#rank> ?rank } "
        'BIND(STRLANG("a <b> & \\"c\\"\\r\\n", "en") AS ?text) } ORDER BY ?s LIMIT 40'
    )
    xml = runner.invoke(cli, ["query", "-e", sparql, "-f", "xml"])
    assert xml.exit_code == 0, xml.output
    js = json.loads(runner.invoke(cli, ["query", "-e", sparql, "-f", "json"]).stdout)
    names, rows = _xml_rows(xml.stdout)
    assert names == js["head"]["vars"]
    assert len(rows) == len(js["results"]["bindings"]) == 40
    for row, binding in zip(rows, js["results"]["bindings"], strict=True):
        assert set(row) == set(binding)
        for name, (kind, value, extra) in row.items():
            cell = binding[name]
            assert (kind, value) == (cell["type"], cell["value"])
            assert extra == (cell.get("xml:lang") or cell.get("datatype"))
    assert rows[0]["text"] == ("literal", 'a <b> & "c"\r\n', "en")
    # rdflib reads the file as SPARQL XML results too
    out = tmp_path / "answer.srx"
    assert runner.invoke(cli, ["query", "-e", sparql, "-o", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8") == xml.stdout
    parsed = rdflib.query.Result.parse(out.open("rb"), format="xml")
    assert len(parsed) == 40


def test_query_xml_refuses_a_character_xml_cannot_carry(runner: CliRunner) -> None:
    done = runner.invoke(
        cli, ["query", "-e", 'SELECT ?x WHERE { BIND("a\\u0001b" AS ?x) }', "-f", "xml"]
    )
    assert done.exit_code == 2
    assert done.stderr == (
        "rolegraph: error: row 1, column x: the value holds '\\x01', which XML 1.0 cannot "
        "carry (ask for the results as JSON, CSV or TSV instead)\n"
    )


def test_input_format_reads_a_file_of_any_name(
    exports: dict[str, Path], tmp_path: Path, runner: CliRunner
) -> None:
    odd = tmp_path / "graph.data"
    odd.write_bytes(exports["rdfxml"].read_bytes())
    done = runner.invoke(cli, ["export", "-g", str(odd), "--input-format", "RDF/XML", "-f", "nt"])
    assert done.exit_code == 0, done.output
    assert done.stdout_bytes == sorted_ntriples(open_graph())
    store = runner.invoke(cli, ["stats", "-g", str(exports["store"]), "--input-format", "nt"])
    assert store.exit_code == 2
    assert store.stderr == (
        f"rolegraph: error: --input-format is the format of a graph file, and "
        f"{exports['store']} is a folder\n"
    )
