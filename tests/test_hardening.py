"""Hardening: hundreds of malformed inputs, faults and attacks; nothing lost.

Every input goes through the real CLI (in-process) and is classified:

* accepted: exit 0, the output is complete and the import report accounts for every
  data row of the input (rows read = used + merged + reported, and rows read = the
  rows the csv module itself finds);
* clear error: exit 1 or 2 with exactly one line on stderr, "rolegraph: error: ...";
* anything else (a traceback, an internal error, a multi-line or empty message) is a
  failure, as is an output or temporary file left behind after an error.

The counts are printed at the end of the run ("hardening summary").
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import HARDENING
from helpers.minicsv import ROLE_HEADER, SKILL_HEADER, role_rows, skill_rows, to_csv
from rolegraph.cli import cli


def count(key: str, n: int = 1) -> None:
    HARDENING[key] = HARDENING.get(key, 0) + n


@dataclass
class Outcome:
    kind: str
    detail: str


def data_rows(raw: bytes) -> int | None:
    """Data rows the csv module finds (None when it cannot read the file at all)."""
    try:
        text = raw.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except (UnicodeDecodeError, csv.Error):
        return None
    rows = [r for r in rows if r and not (len(r) == 1 and not r[0].strip())]
    return max(0, len(rows) - 1)


def attempt(runner: CliRunner, args: list[str], out_dir: Path, outputs: list[Path]) -> Outcome:
    """Run the CLI and classify what happened (and count it)."""
    count("inputs")
    before = set(out_dir.iterdir())
    result = runner.invoke(cli, args)
    stderr = result.stderr
    leftovers = [
        p
        for p in set(out_dir.iterdir()) - before
        if p.name.endswith(".part") or p.name.startswith(".")
    ]
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        count("tracebacks")
        return Outcome("traceback", repr(result.exception))
    if "Traceback" in result.output or "internal error" in stderr:
        count("tracebacks")
        return Outcome("traceback", stderr)
    if leftovers:
        count("partial files")
        return Outcome("partial", str(leftovers))
    if result.exit_code == 0:
        missing = [p for p in outputs if not p.exists()]
        if missing:
            count("unclear")
            return Outcome("unclear", f"exit 0 but no {missing}")
        count("accepted")
        return Outcome("accepted", "")
    lines = stderr.splitlines()
    if result.exit_code in (1, 2) and len(lines) == 1 and lines[0].startswith("rolegraph: error: "):
        written = [p for p in outputs if p.exists() and p not in before]
        if written:
            count("partial files")
            return Outcome("partial", f"{written} written despite the error")
        count("clear errors")
        return Outcome("error", lines[0])
    count("unclear")
    return Outcome("unclear", f"exit {result.exit_code}: {stderr!r}")


def build_roles(runner: CliRunner, tmp: Path, raw: bytes, name: str = "roles.csv") -> Outcome:
    src = tmp / name
    src.write_bytes(raw)
    out, report = tmp / "out.ttl", tmp / "report.json"
    for p in (out, report):
        if p.exists():
            p.unlink()
    outcome = attempt(
        runner,
        ["build", "--roles", str(src), "-o", str(out), "--report", str(report), "-q"],
        tmp,
        [out, report],
    )
    if outcome.kind == "accepted":
        doc = json.loads(report.read_text())
        expected = data_rows(raw)
        stats = doc["files"][0]
        if not doc["reconciles"] or (expected is not None and stats["rows_read"] != expected):
            count("silent drops")
            return Outcome("drop", f"{stats} vs {expected} rows")
    return outcome


# -- the malformed inputs ---------------------------------------------------------------

VALID = to_csv(ROLE_HEADER, role_rows()).encode("utf-8")
VALID_SKILLS = to_csv(SKILL_HEADER, skill_rows()).encode("utf-8")


def rows_with(
    change: Callable[[list[list[str]]], list[list[str]]], header: list[str] = ROLE_HEADER
) -> bytes:
    return to_csv(header, change([list(r) for r in role_rows()])).encode("utf-8")


def with_cell(row: int | None, column: int, value: str) -> bytes:
    """The tiny file with one cell (of one row, or of every row when ``row`` is None) set."""

    def change(rows: list[list[str]]) -> list[list[str]]:
        return [
            [*r[:column], value, *r[column + 1 :]] if row is None or i == row else r
            for i, r in enumerate(rows)
        ]

    return rows_with(change)


def with_row(row: int, edit: Callable[[list[str]], list[str]]) -> bytes:
    def change(rows: list[list[str]]) -> list[list[str]]:
        return [edit(r) if i == row else r for i, r in enumerate(rows)]

    return rows_with(change)


def drop_last(row: list[str]) -> list[str]:
    return row[:-1]


def add_cell(row: list[str]) -> list[str]:
    return [*row, "x"]


def hundred_thousand(rows: list[list[str]]) -> list[list[str]]:
    return [rows[i % 8] for i in range(100_000)]


def rename_role(name: str, rows: list[list[str]]) -> list[list[str]]:
    return [[r[0], name, *r[2:]] if r[1] == "Data analyst" else r for r in rows]


def clash(rows: list[list[str]]) -> list[list[str]]:
    return [*rows, [*rows[2][:7], "Expert", *rows[2][8:]]]


def role_inputs() -> Iterator[tuple[str, bytes]]:
    n = len(VALID)
    for i in range(40):
        cut = 1 + (n - 2) * i // 39
        yield f"truncated at byte {cut}", VALID[:cut]
    for r in range(len(role_rows())):
        yield f"row {r + 2} short a cell", with_row(r, drop_last)
        yield f"row {r + 2} with an extra cell", with_row(r, add_cell)
    text = VALID.decode("utf-8").replace("insight", "insight £ café")
    for enc in ("cp1252", "latin-1", "utf-16", "utf-16-be", "utf-32"):
        yield f"encoded as {enc}", text.encode(enc, "replace")
    yield "UTF-8 BOM", b"\xef\xbb\xbf" + VALID
    yield "two BOMs", b"\xef\xbb\xbf\xef\xbb\xbf" + VALID
    yield "CRLF line ends", VALID.replace(b"\n", b"\r\n")
    yield "CR line ends", VALID.replace(b"\n", b"\r")
    for pos in (0, 10, n // 3, n // 2, n - 3):
        yield f"NUL byte at {pos}", VALID[:pos] + b"\x00" + VALID[pos:]
    yield "an 11 MB cell", with_cell(0, 2, "x" * (11 * 1024 * 1024))
    yield "a 2 MB cell", with_cell(0, 2, "y" * (2 * 1024 * 1024))
    yield "100,000 rows", rows_with(hundred_thousand)
    for dup in ("Role", "Skill Name", "Role Type"):
        header = [*ROLE_HEADER]
        header[header.index(dup) - 1 if dup != "Role" else 0] = dup
        yield f"duplicate header {dup!r}", to_csv(header, role_rows()).encode("utf-8")
    for formula in ("=cmd|' /C calc'!A0", "+SUM(1,2)", "-1+1", '@HYPERLINK("x")'):
        yield f"formula-like role name {formula!r}", with_cell(None, 1, formula)
    rng = random.Random(7)
    for i in range(5):
        yield f"random bytes #{i}", bytes(rng.randrange(256) for _ in range(2048))
    yield "a PNG", b"\x89PNG\r\n\x1a\n" + bytes(100)
    yield "gzip of the CSV", gzip.compress(VALID)
    yield "a zip", b"PK\x03\x04" + bytes(60)
    yield "a PDF", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
    yield "HTML", b"<!doctype html><html><body><table><tr><td>Role</td></tr></table></body></html>"
    yield "JSON", json.dumps([{"Role": "x"}]).encode()
    yield "YAML", b"role:\n  name: Data analyst\n"
    yield "empty file", b""
    yield "whitespace only", b"  \n\n\t\n"
    yield "header only", to_csv(ROLE_HEADER, []).encode()
    yield "header and blank lines", to_csv(ROLE_HEADER, []).encode() + b"\n\n\n"
    for tier in ("Guru", "", "expert level", "4", "Expert ", "EXPERT"):
        yield f"tier {tier!r}", with_cell(0, 7, tier)
    for name in (
        "<img src=x onerror=alert(1)>",
        "\x1b[31mred\x1b[0m",
        "bell\x07",
        'say "hi"',
        "two\nlines",
        "\u202eevil",
    ):
        yield f"role name {name!r}", rows_with(partial(rename_role, name))
    yield "NOT IN USE on an ordinary role", with_cell(1, 7, "NOT IN USE")
    yield "MISSING as a level name", with_cell(1, 3, "MISSING")
    yield "empty level name", with_cell(1, 3, "")
    order = list(reversed(ROLE_HEADER))
    yield (
        "columns in another order",
        to_csv(order, [list(reversed(r)) for r in role_rows()]).encode(),
    )
    yield (
        "an extra column",
        to_csv([*ROLE_HEADER, "Notes"], [[*r, "n"] for r in role_rows()]).encode(),
    )
    for col in ROLE_HEADER:
        keep = [h for h in ROLE_HEADER if h != col]
        idx = [ROLE_HEADER.index(h) for h in keep]
        yield (
            f"no column {col!r}",
            to_csv(keep, [[r[i] for i in idx] for r in role_rows()]).encode(),
        )
    yield "unclosed quote", VALID + b'Data,"Data analyst,x\n'
    yield "stray quote in a cell", VALID + b'Data,Data "analyst,x,y,z,w,v,Working,u,\n'
    yield "semicolon separated", VALID.replace(b",", b";")
    yield "a level that is its own next level (same name, two tiers)", rows_with(clash)


def skill_inputs() -> Iterator[tuple[str, bytes]]:
    n = len(VALID_SKILLS)
    for i in range(20):
        cut = 1 + (n - 2) * i // 19
        yield f"skills truncated at byte {cut}", VALID_SKILLS[:cut]
    for col in SKILL_HEADER:
        keep = [h for h in SKILL_HEADER if h != col]
        idx = [SKILL_HEADER.index(h) for h in keep]
        yield (
            f"skills without {col!r}",
            to_csv(keep, [[r[i] for i in idx] for r in skill_rows()]).encode(),
        )
    for listed in (
        "Data analyst,,",
        ",",
        "Data analyst, Data analyst",
        "Nobody at all",
        "",
        "<script>x</script>",
    ):
        rows = [[*r[:6], listed] for r in skill_rows()]
        yield f"roles list {listed!r}", to_csv(SKILL_HEADER, rows).encode()
    yield (
        "skills as cp1252",
        VALID_SKILLS.decode().replace("data", "dat£").encode("cp1252", "replace"),
    )
    yield "skills random bytes", bytes(random.Random(3).randrange(256) for _ in range(1000))
    yield "skills duplicated rows", to_csv(SKILL_HEADER, skill_rows() * 3).encode()


def graph_inputs() -> Iterator[tuple[str, str, bytes]]:
    from rolegraph.combine.framework import load_framework
    from rolegraph.graph.build import build_graph
    from rolegraph.graph.export import serialize

    good = serialize(build_graph(load_framework()), "turtle")
    for i in range(15):
        cut = len(good) * (i + 1) // 17
        yield f"Turtle truncated at {cut}", "g.ttl", good[:cut]
    yield "Turtle with a bad IRI", "g.ttl", b"<http://ex/a b> <http://ex/p> <http://ex/o> .\n"
    yield "Turtle undefined prefix", "g.ttl", b"ex:a ex:b ex:c .\n"
    yield (
        "random bytes as Turtle",
        "g.ttl",
        bytes(random.Random(1).randrange(256) for _ in range(500)),
    )
    yield "N-Triples missing dot", "g.nt", b"<http://ex/a> <http://ex/p> <http://ex/o>\n"
    yield "N-Triples literal unterminated", "g.nt", b'<http://ex/a> <http://ex/p> "abc .\n'
    yield "JSON-LD garbage", "g.jsonld", b'{"@context": 5, "@id": []}'
    yield "JSON-LD truncated", "g.jsonld", b'{"@graph": [{"@id": "http://ex/a", '
    yield "JSON-LD not JSON", "g.jsonld", b"<html></html>"
    yield "empty Turtle", "g.ttl", b""
    yield "only prefixes", "g.ttl", b"@prefix ex: <http://ex/> .\n"
    yield "RDF/XML garbage", "g.rdf", b"<rdf:RDF><oops"
    yield "unknown extension", "g.graph", good
    yield (
        "deeply nested Turtle lists",
        "g.ttl",
        b"<http://ex/a> <http://ex/p> " + b"(" * 5000 + b")" * 5000 + b" .\n",
    )


def page_inputs() -> Iterator[tuple[str, str, bytes]]:
    """Saved pages: malformed, nested absurdly deep, not pages at all."""
    from helpers.minipages import role_page_html, role_page_text, skills_page_html

    good = role_page_html().encode("utf-8")
    yield "valid role page", "page.html", good
    for n in (600, 5_000, 100_000):
        deep = b"<div>" * n + b"What a software developer does" + b"</div>" * n
        yield f"{n} nested divs", "page.html", b"<html><body>" + deep + b"</body></html>"
    yield (
        "half a million stray end tags",
        "page.html",
        b"<html><body>" + b"<div>" * 500 + b"</b>" * 500_000 + b"</body></html>",
    )
    yield (
        "a third of a million list items",
        "page.html",
        b"<html><body>" + b"<li>" * 300_000 + b"</body></html>",
    )
    at = good.index(b"You can:")
    yield (
        "1,500 spans before a descriptor",
        "page.html",
        good[:at] + b"<span>" * 1500 + good[at:],
    )
    yield (
        "skills page nested deep",
        "skills.html",
        skills_page_html().encode().replace(b"<main", b"<div>" * 2000 + b"<main", 1),
    )
    for i in range(1, 6):
        yield f"role page cut at {i}/6", "page.html", good[: len(good) * i // 6]
    yield "unclosed tags everywhere", "page.html", good.replace(b"</", b"<")
    yield "end tags only", "page.html", b"</div>" * 1000
    yield "tags in attributes", "page.html", good.replace(b'class="', b'class="<script>')
    yield "NUL bytes in a page", "page.html", good[:500] + b"\x00" * 10 + good[500:]
    yield "UTF-16 page", "page.html", role_page_html().encode("utf-16")
    yield (
        "latin-1 page",
        "page.html",
        role_page_html().replace("—", "é").encode("latin-1", "replace"),
    )
    yield "empty page", "page.html", b""
    yield "only whitespace", "page.html", b" \n\t\n"
    yield "a CSV named .html", "page.html", VALID
    yield (
        "binary as a page",
        "page.html",
        bytes(random.Random(2).randrange(256) for _ in range(900)),
    )
    yield "a script and nothing else", "page.html", b"<script>alert(1)</script>"
    yield "comment that never ends", "page.html", b"<html><!-- " + good
    yield "text page cut short", "page.txt", role_page_text().encode()[:700]
    yield (
        "text page with control characters",
        "page.txt",
        role_page_text().replace("\n", "\n\x07\x1b[31m", 5).encode(),
    )
    yield "megabyte of one paragraph", "page.html", b"<p>" + b"a" * 2_000_000 + b"</p>"


def profile_inputs() -> Iterator[tuple[str, str, bytes]]:
    """Profiles for `assess`: YAML and CSV, wrong in every way a person could make them."""
    yield (
        "profile nested 3,000 deep",
        "p.yaml",
        "".join("  " * i + f"k{i}:\n" for i in range(3000)).encode(),
    )
    yield "profile of 5,000 brackets", "p.yaml", b"[" * 5000
    yield "profile in UTF-16", "p.yaml", "Systems integration: working\n".encode("utf-16")
    yield "profile with an unknown tier", "p.yaml", b"Systems integration: guru\n"
    yield "profile with an unknown skill", "p.yaml", b"Basket weaving: expert\n"
    yield "profile as a list", "p.yaml", b"- Systems integration\n"
    yield "profile as one word", "p.yaml", b"expert\n"
    yield "profile with a tab indent", "p.yaml", b"skills:\n\tSystems integration: working\n"
    yield "profile with an anchor bomb", "p.yaml", b"a: &a [1,1,1,1]\nb: [*a,*a,*a,*a]\n" * 3
    yield "profile with a Python tag", "p.yaml", b"x: !!python/object/apply:os.system ['true']\n"
    yield "empty profile", "p.yaml", b""
    yield "binary profile", "p.yaml", bytes(range(256))
    yield "CSV profile without columns", "p.csv", b"a,b\n1,2\n"
    yield "CSV profile with a formula", "p.csv", b"skill,tier\n=cmd|' /C calc'!A0,expert\n"
    yield "profile with no extension", "profile", b"Systems integration: working\n"


def graph_value_inputs() -> Iterator[tuple[str, bytes]]:
    """Well-formed RDF whose values make no sense for the framework."""
    from rolegraph.combine.framework import load_framework
    from rolegraph.graph.build import build_graph
    from rolegraph.graph.export import serialize

    good = serialize(build_graph(load_framework()), "turtle")
    yield "a rank that is a word", good.replace(b"rg:rank 2 ;", b'rg:rank "two" ;', 1)
    yield "a rank that is a fraction", good.replace(b"rg:rank 2 ;", b"rg:rank 2.5 ;", 1)
    start = good.index(b"a rg:SkillRequirement")
    at = good.index(b"rg:tier tier:", start)
    yield (
        "a tier that is not one of the four",
        good[:at] + b"rg:tier tier:guru ; rg:tierX tier:" + good[at + len(b"rg:tier tier:") :],
    )
    yield (
        "a requirement with two tiers",
        good[:at] + b"rg:tier tier:awareness , tier:" + good[at + len(b"rg:tier tier:") :],
    )
    yield (
        "every label removed",
        b"\n".join(
            line
            for line in good.split(b"\n")
            if b"rdfs:label" not in line or line.rstrip().endswith(b".")
        ),
    )
    yield (
        "two roles with one name",
        good
        + (
            b"\n<https://w3id.org/rolegraph/id/role/x> a <https://w3id.org/rolegraph/ontology#Role> ;"
            b' <http://www.w3.org/2000/01/rdf-schema#label> "Machine learning engineer" .\n'
        ),
    )


QUERY_INPUTS = [
    ("broken SPARQL", "SELECT ?x WHERE { ?x"),
    ("update through query", "DELETE WHERE { ?s ?p ?o }"),
    ("two queries", "SELECT * {} SELECT * {}"),
    ("header without summary", "# description: x\nSELECT ?s WHERE { ?s ?p ?o }"),
    ("param without type", "# summary: s\n# param role:\nSELECT ?role WHERE { ?role ?p ?o }"),
    ("unknown header key", "# summary: s\n# colums: a\nSELECT ?a WHERE { ?a ?p ?o }"),
    ("empty", ""),
    ("only comments", "# just a comment\n"),
    ("CONSTRUCT", "CONSTRUCT WHERE { ?s ?p ?o }"),
    ("binary", "\x00\x01\x02"),
    (
        "SERVICE to the internet",
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    ),
    ("SERVICE in lower case", "select * where { service <http://127.0.0.1:1/x> { ?s ?p ?o } }"),
    (
        "SERVICE right after a dot",
        "SELECT * WHERE { ?s ?p ?o .SERVICE <http://127.0.0.1:1/x> { ?a ?b ?c } }",
    ),
    ("LOAD", "LOAD <http://example.org/x>"),
]


# -- the tests --------------------------------------------------------------------------


@pytest.mark.parametrize(("label", "raw"), list(role_inputs()), ids=[x[0] for x in role_inputs()])
def test_role_content_inputs(label: str, raw: bytes, tmp_path: Path) -> None:
    outcome = build_roles(CliRunner(), tmp_path, raw)
    assert outcome.kind in ("accepted", "error"), (label, outcome)


@pytest.mark.parametrize(("label", "raw"), list(skill_inputs()), ids=[x[0] for x in skill_inputs()])
def test_skill_description_inputs(label: str, raw: bytes, tmp_path: Path) -> None:
    src = tmp_path / "skills.csv"
    src.write_bytes(raw)
    out = tmp_path / "out.ttl"
    outcome = attempt(
        CliRunner(), ["build", "--skills", str(src), "-o", str(out), "-q"], tmp_path, [out]
    )
    assert outcome.kind in ("accepted", "error"), (label, outcome)


@pytest.mark.parametrize(
    ("label", "name", "raw"), list(graph_inputs()), ids=[x[0] for x in graph_inputs()]
)
def test_graph_file_inputs(label: str, name: str, raw: bytes, tmp_path: Path) -> None:
    src = tmp_path / name
    src.write_bytes(raw)
    out = tmp_path / "out.ttl"
    outcome = attempt(CliRunner(), ["export", "--graph", str(src), "-o", str(out)], tmp_path, [out])
    assert outcome.kind in ("accepted", "error"), (label, outcome)


@pytest.mark.parametrize(
    ("label", "name", "raw"), list(page_inputs()), ids=[x[0] for x in page_inputs()]
)
def test_page_inputs(label: str, name: str, raw: bytes, tmp_path: Path) -> None:
    src = tmp_path / name
    src.write_bytes(raw)
    out = tmp_path / "out.ttl"
    outcome = attempt(
        CliRunner(), ["build", "--page", str(src), "-o", str(out), "-q"], tmp_path, [out]
    )
    assert outcome.kind in ("accepted", "error"), (label, outcome)


@pytest.mark.parametrize(
    ("label", "name", "raw"), list(profile_inputs()), ids=[x[0] for x in profile_inputs()]
)
def test_profile_inputs(label: str, name: str, raw: bytes, tmp_path: Path) -> None:
    src = tmp_path / name
    src.write_bytes(raw)
    outcome = attempt(CliRunner(), ["assess", str(src)], tmp_path, [])
    assert outcome.kind in ("accepted", "error"), (label, outcome)
    assert not (tmp_path / "executed").exists()


@pytest.mark.parametrize(
    ("label", "raw"), list(graph_value_inputs()), ids=[x[0] for x in graph_value_inputs()]
)
def test_graph_values_that_make_no_sense(label: str, raw: bytes, tmp_path: Path) -> None:
    """Every command that reads levels and tiers answers, or names the bad value."""
    graph = tmp_path / "g.ttl"
    graph.write_bytes(raw)
    senior, lead = "Senior machine learning engineer", "Lead machine learning engineer"
    for args in (
        ["gap", senior, lead],
        ["ladder", "Machine learning engineer"],
        ["path", senior, lead],
        ["similar", "Machine learning engineer"],
        ["overlap"],
        ["diff", str(graph), str(graph)],
        ["viz", "--role", "Machine learning engineer", "-o", str(tmp_path / "v.html"), "-q"],
    ):
        has_graph = args[0] != "diff"
        outcome = attempt(
            CliRunner(), [*args, *(["--graph", str(graph)] if has_graph else [])], tmp_path, []
        )
        assert outcome.kind in ("accepted", "error"), (label, args, outcome)


@pytest.mark.parametrize(("label", "text"), QUERY_INPUTS, ids=[x[0] for x in QUERY_INPUTS])
def test_query_inputs(label: str, text: str, tmp_path: Path) -> None:
    src = tmp_path / "q.rq"
    src.write_text(text, encoding="utf-8")
    for args in (["query", "--file", str(src)], ["query", "-e", text]):
        outcome = attempt(CliRunner(), args, tmp_path, [])
        assert outcome.kind in ("accepted", "error"), (label, outcome)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples every run, so the summary's counts are stable
    database=None,  # ... and no examples replayed from an earlier run's database
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.binary(max_size=600) | st.text(max_size=400).map(lambda t: t.encode("utf-8")))
def test_arbitrary_bytes_as_role_content(
    tmp_path_factory: pytest.TempPathFactory, raw: bytes
) -> None:
    tmp = tmp_path_factory.mktemp("fuzz")
    outcome = build_roles(CliRunner(), tmp, VALID.split(b"\n", 1)[0] + b"\n" + raw)
    assert outcome.kind in ("accepted", "error"), outcome


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples every run, so the summary's counts are stable
    database=None,  # ... and no examples replayed from an earlier run's database
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.lists(
            st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30),
            min_size=10,
            max_size=10,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_arbitrary_cells_in_the_official_shape(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[str]]
) -> None:
    tmp = tmp_path_factory.mktemp("cells")
    outcome = build_roles(CliRunner(), tmp, to_csv(ROLE_HEADER, rows).encode("utf-8"))
    assert outcome.kind in ("accepted", "error"), outcome


def test_there_are_at_least_200_distinct_malformed_inputs() -> None:
    labels = [x[0] for x in role_inputs()] + [x[0] for x in skill_inputs()]
    labels += [x[0] for x in graph_inputs()] + [x[0] for x in QUERY_INPUTS]
    labels += [x[0] for x in page_inputs()] + [x[0] for x in profile_inputs()]
    labels += [x[0] for x in graph_value_inputs()]
    assert len(set(labels)) == len(labels) >= 200


# -- attacks ---------------------------------------------------------------------------

NASTY = [
    'x" } ?s ?p ?o { "',
    'x" . ?s ?p ?o . FILTER(true) #',
    "> } UNION { ?s ?p ?o } #",
    "'; DROP ALL ; #",
    "{}",
    "#",
    "<https://w3id.org/rolegraph/id/role/data-scientist>",
]


def test_sparql_injection_through_every_saved_query_parameter(
    runner: CliRunner, tmp_path: Path
) -> None:
    from rolegraph.sparql.catalogue import load_catalogue

    baseline = {
        name: runner.invoke(cli, ["query", name, "-f", "csv"]).stdout_bytes
        for name in load_catalogue()
    }
    for name, q in load_catalogue().items():
        for p in q.params:
            for value in NASTY:
                count("attacks")
                result = runner.invoke(cli, ["query", name, "-p", f"{p.name}={value}", "-f", "csv"])
                if result.exit_code == 0:
                    count("attacks that worked")
                assert result.exit_code == 2, (name, p.name, value, result.output)
                assert len(result.stderr.splitlines()) == 1
    # Nothing changed in between.
    assert {
        name: runner.invoke(cli, ["query", name, "-f", "csv"]).stdout_bytes
        for name in load_catalogue()
    } == baseline


def test_path_traversal_in_query_names(runner: CliRunner) -> None:
    for name in (
        "../../etc/passwd",
        "..",
        "/etc/passwd",
        "level-skills/../../x",
        "%2e%2e%2f",
        "level-skills\x00",
        "LEVEL-SKILLS",
    ):
        count("attacks")
        result = runner.invoke(cli, ["query", name])
        if result.exit_code == 0:
            count("attacks that worked")
        assert result.exit_code == 2 and "no saved query named" in result.stderr


def test_csv_results_cannot_run_in_a_spreadsheet(runner: CliRunner) -> None:
    for value in ("=1+1", "+1", "-1", "@x", "\t=1", "\r=1"):
        count("attacks")
        sparql = f"SELECT ?v WHERE {{ BIND({json.dumps(value)} AS ?v) }}"
        out = runner.invoke(cli, ["query", "-e", sparql, "-f", "csv"]).stdout_bytes.decode()
        cell = list(csv.reader(io.StringIO(out)))[1][0]
        if not cell.startswith("'"):
            count("attacks that worked")
        assert cell.startswith("'")
        # TSV cells are Turtle terms; a spreadsheet drops a string's quotes, so the text
        # inside them is neutralised too, by the same rule as CSV.
        count("attacks")
        tsv = runner.invoke(cli, ["query", "-e", sparql, "-f", "tsv"]).stdout_bytes.decode()
        tsv_cell = tsv.splitlines()[1]
        neutral = tsv_cell.startswith("\"'")
        if not neutral:
            count("attacks that worked")
        assert neutral, tsv_cell


XSS = '<img src=x onerror="window.__xss=1">'


def xss_framework(tmp: Path) -> tuple[Path, Path]:
    """The tiny framework with markup in every text field."""

    def poison(rows: list[list[str]]) -> list[list[str]]:
        return [
            [
                f"{c} {XSS}"
                if c and c not in ("NOT IN USE", "Senior Civil Service") and i not in (7,)
                else c
                for i, c in enumerate(r)
            ]
            for r in rows
        ]

    roles = tmp / "role-content.csv"
    roles.write_text(to_csv(ROLE_HEADER, poison(role_rows())), encoding="utf-8")
    return roles, tmp


def test_a_ctrl_c_while_the_last_output_is_written_is_dropped_and_the_mask_restored(
    tmp_path: Path, role_csv: Path, skill_csv: Path
) -> None:
    """build's last step holds Ctrl-C and drops it: the command ends as it says, and the
    signal mask is what it was (a process started later gets SIGINT)."""
    from click.testing import CliRunner

    from rolegraph.cli import cli
    from rolegraph.cli.options import interrupts_held

    before = signal.pthread_sigmask(signal.SIG_BLOCK, set())
    with interrupts_held():
        # to this thread (a process-wide one may go to another thread of the session)
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # held: no interrupt
        written = True
    assert written and signal.pthread_sigmask(signal.SIG_BLOCK, set()) == before
    out = tmp_path / "out.ttl"
    args = ["build", "--roles", str(role_csv), "--skills", str(skill_csv), "-o", str(out), "-q"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().endswith(b" .\n")
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())


def people_paths() -> list[str]:
    """The pages for people and the tools of the poisoned framework (its names carry XSS)."""
    import urllib.parse

    from rolegraph.model.vocab import level_iri, local_id, skill_iri

    role, level = f"Data analyst {XSS}", f"Senior data analyst {XSS}"
    q = urllib.parse.urlencode
    return [
        "/id/" + urllib.parse.quote(local_id(level_iri(role, level)) or ""),
        "/id/" + urllib.parse.quote(local_id(skill_iri(f"Statistics {XSS}")) or ""),
        "/gap?" + q({"from": f"Associate data analyst {XSS}", "to": level}),
        "/path?" + q({"from": f"Associate data analyst {XSS}", "to": level}),
        "/similar?" + q({"role": role}),
        "/compare?" + q({"a": role, "b": role}),
        "/assess?" + q({"role": role, "target": level}),
    ]


@pytest.mark.server
def test_markup_in_every_text_field_is_escaped_in_served_pages(tmp_path: Path) -> None:
    import threading
    import urllib.parse
    import urllib.request

    from rolegraph.combine.framework import load_framework
    from rolegraph.graph.build import build_graph
    from rolegraph.serve.server import make_server

    roles, _ = xss_framework(tmp_path)
    graph = build_graph(load_framework(roles=roles))
    server = make_server(graph, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        pages = [
            "/",
            "/queries/families",
            "/queries/role-pairs",
            "/queries/level-skills?run=1&level=" + urllib.parse.quote(f"Senior data analyst {XSS}"),
            "/id/role/data-analyst-img-src-x-onerror-window-xss-1",
            *people_paths(),
        ]
        for path in pages:
            count("attacks")
            req = urllib.request.Request(base + path, headers={"Accept": "text/html"})
            with urllib.request.urlopen(req, timeout=10) as r:
                page = r.read().decode()
            if XSS in page:
                count("attacks that worked")
            assert XSS not in page, path
            if path != "/queries/role-pairs":  # one role with levels: no pairs to show
                assert "&lt;img src=x onerror=" in page, path
    finally:
        server.shutdown()
        server.server_close()


# -- faults ----------------------------------------------------------------------------


def run_limited(args: list[str], cwd: Path, file_size: int) -> subprocess.CompletedProcess[str]:
    """rolegraph in a process that may not write files bigger than ``file_size`` bytes
    (a real "disk full": writes fail with EFBIG)."""
    import resource

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    return subprocess.run(
        [sys.executable, "-m", "rolegraph", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        preexec_fn=limit,
        check=False,
    )


def test_disk_full_while_writing(tmp_path: Path) -> None:
    count("faults")
    result = run_limited(["build", "-o", "out.ttl"], tmp_path, 4096)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("rolegraph: error: cannot write out.ttl: File too large")
    assert list(tmp_path.iterdir()) == []


def test_read_only_output_folder(tmp_path: Path, runner: CliRunner) -> None:
    count("faults")
    target = tmp_path / "ro"
    target.mkdir()
    mounted = False
    if os.geteuid() == 0:
        mounted = (
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(target)], check=False
            ).returncode
            == 0
        )
        if not mounted:
            pytest.skip("running as root without permission to mount a read-only file system")
    else:
        target.chmod(0o555)
    try:
        result = runner.invoke(cli, ["build", "-o", str(target / "out.ttl")])
        assert result.exit_code == 2
        assert result.stderr.startswith("rolegraph: error: cannot write")
        assert list(target.iterdir()) == []
    finally:
        if mounted:
            subprocess.run(["umount", str(target)], check=False)
        else:
            target.chmod(0o755)


def test_standard_output_full_or_closed(tmp_path: Path) -> None:
    """A full disk behind a redirect, or a closed standard output: one line, exit 2."""
    for args in (["stats"], ["query", "families"], ["build", "-q"], ["export"], ["--help"]):
        for target, shown in (
            ("> /dev/full", "No space left on device (writing standard output)"),
            (">&-", "standard output is closed (give -o FILE"),
        ):
            count("faults")
            command = " ".join([sys.executable, "-m", "rolegraph", *args]) + " " + target
            done = subprocess.run(
                ["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, check=False
            )
            lines = done.stderr.splitlines()
            assert done.returncode == 2, (args, target, done.stderr)
            assert len(lines) == 1 and shown in lines[0], (args, target, lines)


def test_an_output_through_a_symbolic_link_writes_its_target(
    tmp_path: Path, runner: CliRunner
) -> None:
    count("faults")
    real = tmp_path / "real.ttl"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.ttl"
    link.symlink_to(real)
    assert runner.invoke(cli, ["build", "-q", "-o", str(link)]).exit_code == 0
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").endswith(" .\n")


def test_an_output_never_replaces_an_input(tmp_path: Path, runner: CliRunner) -> None:
    roles = tmp_path / "roles.csv"
    roles.write_bytes(VALID)
    for args in (
        ["build", "--roles", str(roles), "-o", str(roles)],
        ["build", "--roles", str(roles), "--report", str(roles)],
        ["build", "-o", str(tmp_path / "g.ttl"), "--report", str(tmp_path / "g.ttl")],
    ):
        count("attacks")
        outcome = attempt(runner, args, tmp_path, [])
        assert outcome.kind == "error", outcome
        if roles.read_bytes() != VALID:
            count("attacks that worked")
        assert roles.read_bytes() == VALID
    # Every command that writes -o: a query file, a graph, a diff's side.
    graph, query = tmp_path / "g.ttl", tmp_path / "q.rq"
    assert runner.invoke(cli, ["build", "-q", "-o", str(graph)]).exit_code == 0
    query.write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    kept = {graph: graph.read_bytes(), query: query.read_bytes()}
    for args in (
        ["query", "--file", str(query), "-o", str(query)],
        ["query", "families", "-g", str(graph), "-o", str(graph)],
        ["export", "-g", str(graph), "-o", str(graph)],
        ["diff", str(graph), str(graph), "-o", str(graph)],
    ):
        count("attacks")
        outcome = attempt(runner, args, tmp_path, [])
        assert outcome.kind == "error" and "is also an input" in outcome.detail, (args, outcome)
        if any(path.read_bytes() != data for path, data in kept.items()):
            count("attacks that worked")
        assert all(path.read_bytes() == data for path, data in kept.items())


def test_devices_are_not_replaced(runner: CliRunner) -> None:
    count("faults")
    result = runner.invoke(cli, ["build", "-o", "/dev/null"])
    assert result.exit_code == 2 and "is not a regular file" in result.stderr
    assert Path("/dev/null").is_char_device()


@pytest.mark.framework
@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5])
def test_ctrl_c_in_the_middle_leaves_no_partial_file(
    delay: float, tmp_path: Path, role_csv: Path, skill_csv: Path
) -> None:
    count("faults")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rolegraph",
            "build",
            "--roles",
            str(role_csv),
            "--skills",
            str(skill_csv),
            "-o",
            "out.ttl",
            "--store",
            "store",
            "--report",
            "report.md",
            "-q",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []
    if proc.returncode == 0:  # finished before the signal: everything complete
        assert (tmp_path / "out.ttl").read_bytes().endswith(b" .\n")
    else:
        assert proc.returncode == 130, err
        assert "interrupted" in err and "Traceback" not in err
        assert not (tmp_path / "out.ttl").exists()


@pytest.mark.server
@pytest.mark.browser
def test_no_injected_script_runs_in_served_pages(tmp_path: Path, browser: Any) -> None:
    """The same poisoned framework, served, opened in headless Chromium: every page loads,
    shows the markup as text, and nothing sets window.__xss."""
    import threading
    import urllib.parse

    from rolegraph.combine.framework import load_framework
    from rolegraph.graph.build import build_graph
    from rolegraph.serve.server import explorer_for, make_server

    roles, _ = xss_framework(tmp_path)
    graph = build_graph(load_framework(roles=roles))
    server = make_server(graph, 0, explorer=explorer_for(graph))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    level = urllib.parse.quote(f"Senior data analyst {XSS}")
    paths = [
        "/",
        "/queries/families",
        f"/queries/level-skills?run=1&level={level}",
        "/id/role/data-analyst-img-src-x-onerror-window-xss-1",
        "/explorer",
        "/sparql",
        *people_paths(),
    ]
    context = browser.new_context()
    outside: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith((base, "data:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    try:
        for path in paths:
            count("attacks")
            page = context.new_page()
            page.goto(base + path, wait_until="load")
            page.wait_for_timeout(300)
            ran = page.evaluate("() => window.__xss !== undefined")
            if ran:
                count("attacks that worked")
            assert not ran, path
            if path != "/sparql":
                assert "onerror" in page.inner_text("body"), path  # shown as text
            page.close()
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    assert outside == []
