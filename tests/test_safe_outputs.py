"""Outputs safe to open, and look-alike data (issue 14: Markdown, served CSV/TSV, a repeated
header row, confusable names).

Markdown is rendered with a stock CommonMark renderer (markdown-it-py, with GitHub's table,
strikethrough and bare-link extensions) and the HTML parsed with html.parser: no element or
attribute may come from the data, and the visible text must be the data's text.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers.minicsv import ROLE_HEADER, SKILL_HEADER, role_rows, skill_rows, to_csv
from rolegraph.cli import cli

#: Texts that a Markdown renderer would turn into markup if written raw.
PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "![pixel](http://127.0.0.1:9/p.png)",
    "<http://127.0.0.1:9/auto>",
    "http://127.0.0.1:9/bare",
    "www.example.com",
    "me@example.com",
    "`code` *em* _em_ **strong** ~~gone~~",
    "# heading #",
    "- item",
    "1. first",
    "2) second",
    "--- x ---",
    "(framework): [x]",
    "> quote",
    "a | b",
    "back\\slash\\",
    "&lt;b&gt; & co",
    "$x^2$",
]
TIERS = ("Awareness", "Working", "Practitioner", "Expert")

#: Elements and attributes the outputs' own Markdown makes (headings, lists, tables, bold).
OWN_TAGS = {"h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "table", "thead", "tbody", "tr"}
OWN_TAGS |= {"th", "td", "strong"}
OWN_ATTRS = {("style", "text-align:right")}


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attrs: set[tuple[str, str | None]] = set()
        self.text: list[str] = []
        self.cells: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.update(attrs)
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None
        self.text.append(" ")

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def rendered(markdown: str) -> _Html:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"linkify": True}).enable(["table", "strikethrough", "linkify"])
    assert md.linkify is not None
    md.linkify.set({"fuzzy_link": False})  # GitHub links scheme://, www. and e-mail only
    parsed = _Html()
    parsed.feed(md.render(markdown))
    parsed.close()
    return parsed


def assert_inert(markdown: str, *, expect: list[str]) -> _Html:
    """No element or attribute from the data; each text of ``expect`` shown as itself; no
    escape character (backslash, entity) left visible anywhere else."""
    html = rendered(markdown)
    assert html.tags <= OWN_TAGS, sorted(html.tags - OWN_TAGS)
    assert html.attrs <= OWN_ATTRS, sorted(html.attrs - OWN_ATTRS)
    text = " ".join("".join(html.text).split())
    for payload in expect:
        assert " ".join(payload.split()) in text, (payload, text)
    for payload in sorted({*expect, *PAYLOADS}, key=len, reverse=True):
        text = text.replace(" ".join(payload.split()), "")
    assert "\\" not in text and "&" not in text, text
    return html


def _hostile_rows(drop: int | None = None, tier_shift: bool = False) -> list[list[str]]:
    """One family, a role per payload (two levels each), a skill per payload."""
    rows = []
    for i, payload in enumerate(PAYLOADS):
        if i == drop:
            continue
        for j, level in enumerate(("Junior", "Senior")):
            for k, skill in enumerate([payload, PAYLOADS[(i + 1) % len(PAYLOADS)]]):
                tier = TIERS[min(3, j + k + (1 if tier_shift and i == 0 else 0))]
                rows.append(
                    [
                        f"Family {PAYLOADS[0]}",
                        payload,
                        f"About {payload}",
                        f"{level} {payload}",
                        f"{level} level of {payload}",
                        skill,
                        f"Skill {skill}",
                        tier,
                        f"You can:\n- {skill}\n- work with {skill}",
                        "",
                    ]
                )
    return rows


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("hostile")
    old, new = d / "old.csv", d / "new.csv"
    old.write_text(to_csv(ROLE_HEADER, _hostile_rows()), encoding="utf-8")
    new.write_text(to_csv(ROLE_HEADER, _hostile_rows(drop=3, tier_shift=True)), encoding="utf-8")
    graph, report = d / "g.ttl", d / "report.md"
    r = CliRunner().invoke(
        cli, ["build", "--roles", str(old), "-o", str(graph), "--report", str(report), "-q"]
    )
    assert r.exit_code == 0, r.output
    return {"old": old, "new": new, "graph": graph, "report": report, "dir": d}


def _md(args: list[str], graph: Path, *options: str) -> str:
    """``rolegraph COMMAND --graph G -f md OPTIONS -- ARGS`` (names may start with "-")."""
    r = CliRunner().invoke(
        cli, [args[0], "--graph", str(graph), "-f", "md", *options, "--", *args[1:]]
    )
    assert r.exit_code == 0, r.output
    return r.stdout


def test_markdown_import_report_is_inert(tmp_path: Path) -> None:
    # The report names the file and quotes names in its messages: a role whose description
    # differs between rows is reported by name, for every payload.
    rows = _hostile_rows()
    for row in list(rows):
        if row[3].startswith("Senior"):
            row[2] += " (again)"
    name = f"{PAYLOADS[0]}.csv"
    source = tmp_path / name
    source.write_text(to_csv(ROLE_HEADER, rows), encoding="utf-8")
    report = tmp_path / "report.md"
    r = CliRunner().invoke(
        cli,
        [
            "build",
            "--roles",
            str(source),
            "-o",
            str(tmp_path / "g.ttl"),
            "--report",
            str(report),
            "-q",
        ],
    )
    assert r.exit_code == 0, r.output
    text = report.read_text(encoding="utf-8")
    html = assert_inert(text, expect=[name, *(f"Role {p!r}" for p in PAYLOADS)])
    assert {"h1", "h2", "table", "ul", "strong"} <= html.tags


def test_markdown_query_cells_render_as_the_data(hostile: dict[str, Path]) -> None:
    values = " ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in PAYLOADS)
    r = CliRunner().invoke(
        cli,
        [
            "query",
            "--graph",
            str(hostile["graph"]),
            "-f",
            "md",
            "-e",
            f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}",
        ],
    )
    assert r.exit_code == 0, r.output
    html = assert_inert(r.stdout, expect=PAYLOADS)
    assert html.cells == ["x", *PAYLOADS]  # every cell is exactly the data


def test_markdown_analysis_outputs_are_inert(hostile: dict[str, Path]) -> None:
    graph = hostile["graph"]
    a, b = PAYLOADS[0], PAYLOADS[1]
    outputs = {
        "similar": (_md(["similar", a], graph), [a, b]),
        "similar --levels": (_md(["similar", f"Junior {a}"], graph, "--levels"), [f"Junior {a}"]),
        "gap": (_md(["gap", f"Junior {a}", f"Senior {b}"], graph), [f"Senior {b}", a, b]),
        "ladder": (_md(["ladder", a], graph), [f"Junior {a}", f"Senior {a}"]),
        "path": (_md(["path", f"Junior {a}", f"Senior {b}"], graph), [f"Senior {b}"]),
        "overlap": (_md(["overlap"], graph), PAYLOADS),
    }
    for name, (markdown, expect) in outputs.items():
        html = assert_inert(markdown, expect=expect)
        assert {"h3", "table"} <= html.tags, name  # the output's own markup is kept
    # A gap's descriptors stay a bulleted list whose items are the data.
    gap = rendered(outputs["gap"][0])
    assert "ul" in gap.tags


def test_markdown_assess_and_diff_are_inert(hostile: dict[str, Path]) -> None:
    graph, d = hostile["graph"], hostile["dir"]
    profile = d / "me.yaml"
    import json

    profile.write_text(f"{json.dumps(PAYLOADS[2])}: working\n", encoding="utf-8")
    assess = _md(["assess", str(profile)], graph, "--target", f"Senior {PAYLOADS[5]}")
    assert_inert(assess, expect=[f"Senior {PAYLOADS[5]}"])
    r = CliRunner().invoke(cli, ["diff", "-f", "md", str(hostile["old"]), str(hostile["new"])])
    assert r.exit_code == 0, r.output
    html = assert_inert(r.stdout, expect=[PAYLOADS[0], PAYLOADS[3]])
    assert {"h1", "ul", "table"} <= html.tags


# -- served CSV / TSV ------------------------------------------------------------------

FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-1+1", "@SUM(A1)", "\tx", "\rx", "plain"]


def _values_query() -> str:
    terms = " ".join(
        '"' + f.replace("\t", "\\t").replace("\r", "\\r").replace("'", "\\'") + '"'
        for f in FORMULAS
    )
    return f"SELECT ?x WHERE {{ VALUES ?x {{ {terms} -2 }} }}"


@pytest.fixture(scope="module")
def served(hostile: dict[str, Path]) -> Iterator[str]:
    from conftest import free_port

    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rolegraph",
            "serve",
            "--port",
            str(port),
            "--graph",
            str(hostile["graph"]),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as r:
                r.read()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail("serve did not start: " + proc.stderr.read().decode())  # type: ignore[union-attr]
            import time

            time.sleep(0.1)
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _cli_table(graph: Path, fmt: str) -> str:
    r = CliRunner().invoke(cli, ["query", "--graph", str(graph), "-f", fmt, "-e", _values_query()])
    assert r.exit_code == 0, r.output
    return r.stdout_bytes.decode("utf-8")  # as written: CRLF line ends kept


@pytest.mark.server
@pytest.mark.parametrize(
    ("fmt", "media"), [("csv", "text/csv"), ("tsv", "text/tab-separated-values")]
)
def test_served_csv_and_tsv_neutralise_formulas_as_the_cli_does(
    served: str, hostile: dict[str, Path], fmt: str, media: str
) -> None:
    url = served + "/sparql?" + urllib.parse.urlencode({"query": _values_query()})
    req = urllib.request.Request(url, headers={"Accept": media})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.headers["Content-Type"].startswith(media)
        body = r.read().decode("utf-8")
    assert body == _cli_table(hostile["graph"], fmt)  # the same writer, byte for byte
    if fmt == "csv":
        cells = [row[0] for row in csv.reader(io.StringIO(body, newline=""))]
        assert cells == ["x", *("'" + f if f != "plain" else f for f in FORMULAS), "-2"]
    else:
        assert body.splitlines()[1] == "\"'=cmd|' /C calc'!A0\""
        assert body.splitlines()[-1] == "-2"


@pytest.mark.server
def test_saved_query_csv_download_neutralises_formulas(served: str) -> None:
    url = served + "/queries/families?format=csv"
    with urllib.request.urlopen(url, timeout=10) as r:
        rows = list(csv.reader(io.StringIO(r.read().decode("utf-8"), newline="")))
    # Role names starting with "-" or "@" in the hostile graph arrive neutralised.
    names = {cell for row in rows[1:] for cell in row}
    assert "'- item" in names and "- item" not in names


# -- a repeated header row ---------------------------------------------------------------


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rolegraph", *args], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(("which", "row"), [("roles", 5), ("skills", 4)])
def test_a_repeated_header_row_is_refused_in_either_file(
    tmp_path: Path, which: str, row: int
) -> None:
    roles, skills = role_rows(), skill_rows()
    if which == "roles":
        roles.insert(row - 2, list(ROLE_HEADER))
    else:
        skills.insert(row - 2, list(SKILL_HEADER))
    role_csv, skill_csv = tmp_path / "role-content.csv", tmp_path / "skill-descriptions.csv"
    role_csv.write_text(to_csv(ROLE_HEADER, roles), encoding="utf-8")
    skill_csv.write_text(to_csv(SKILL_HEADER, skills), encoding="utf-8")
    out = tmp_path / "g.ttl"
    r = _run(["build", "--roles", str(role_csv), "--skills", str(skill_csv), "-o", str(out), "-q"])
    assert r.returncode == 2, r.stderr
    name = role_csv.name if which == "roles" else skill_csv.name
    lines = r.stderr.strip().splitlines()
    assert lines[0] == (
        f"rolegraph: error: {name}, row {row}: repeats the header row "
        "(two files pasted into one? remove the row and retry)"
    ), r.stderr
    assert "Traceback" not in r.stderr and not out.exists()


# -- look-alike names ----------------------------------------------------------------------

CYRILLIC_A = "\u0430"


def test_lookalike_role_names_are_reported_and_kept_apart(tmp_path: Path) -> None:
    import json

    import rdflib

    rows = role_rows()
    twin = list(rows[0])
    twin[1] = f"D{CYRILLIC_A}ta analyst"  # prints as "Data analyst"
    rows.insert(1, twin)
    roles, skills = tmp_path / "role-content.csv", tmp_path / "skill-descriptions.csv"
    roles.write_text(to_csv(ROLE_HEADER, rows), encoding="utf-8")
    skills.write_text(to_csv(SKILL_HEADER, skill_rows()), encoding="utf-8")
    graph, report = tmp_path / "g.ttl", tmp_path / "report.json"
    args = ["--roles", str(roles), "--skills", str(skills), "-o", str(graph)]
    r = _run(["build", *args, "--report", str(report), "-q"])
    assert r.returncode == 0, r.stderr
    warning = (
        f"role 'Data analyst' (role-content.csv, row 2) and role 'D{CYRILLIC_A}ta analyst' "
        f"(role-content.csv, row 3) differ only by look-alike characters ('{CYRILLIC_A}' U+0430 "
        "CYRILLIC SMALL LETTER A): kept as two roles; if they are one, correct the spelling "
        "in the source"
    )
    entries = json.loads(report.read_text(encoding="utf-8"))["entries"]
    assert [(e["message"], e["severity"]) for e in entries if e["category"] == "lookalike"] == [
        (warning, "warning")
    ]
    g = rdflib.Graph().parse(graph)
    rg = rdflib.Namespace("https://w3id.org/rolegraph/ontology#")
    labels = {str(g.value(s, rdflib.RDFS.label)) for s in g.subjects(rdflib.RDF.type, rg.Role)}
    assert {"Data analyst", f"D{CYRILLIC_A}ta analyst"} <= labels  # not merged


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Data", "D\u0430ta"),  # Cyrillic а
        ("Ops", "\u039fps"),  # Greek capital Omicron
        ("Cloud", "\uff23loud"),  # fullwidth C
        ("Programme", "Prograrnme"),  # rn for m
    ],
)
def test_skeletons_match_lookalikes_and_not_other_names(a: str, b: str) -> None:
    from rolegraph.util.confusables import lookalikes, skeleton

    assert skeleton(a) == skeleton(b)
    assert lookalikes([a, b, a.upper(), "Other"]) == [[a, b]]
    assert lookalikes([a, a.lower(), f" {a} "]) == []  # one name by name_key: not look-alikes
