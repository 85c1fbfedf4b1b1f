"""Saved queries: the catalogue, parameter binding, and results on the bundled data.

Expected values come from reading the seed page (../shared/seeds), not from rolegraph.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rolegraph.cli import cli
from rolegraph.combine.framework import load_framework
from rolegraph.errors import NotFound, QueryError
from rolegraph.graph.build import build_graph
from rolegraph.graph.runner import LocalRunner
from rolegraph.sparql.binding import run_query, values_clause
from rolegraph.sparql.catalogue import (
    adhoc_query,
    check_query,
    get_query,
    load_catalogue,
    parse_query,
)
from rolegraph.sparql.results import Term

REQUIRED_TOPICS = {
    "level-skills",
    "level-changes",
    "shared-skills",
    "similar-roles",
    "role-pairs",
    "roles-needing-skill",
    "skill-ladder",
    "families",
    "top-skills",
    "unique-skills",
    "role-levels",
    "skills-without-description",
    "undefined-tiers",
}


@pytest.fixture(scope="module")
def local() -> LocalRunner:
    return LocalRunner(build_graph(load_framework()))


def run(local: LocalRunner, name: str, **params: str) -> list[list[object]]:
    table = run_query(get_query(name), params, local)
    return [[None if t is None else t.python() for t in row] for row in table.rows]


def test_catalogue_has_every_question_and_every_file_checks() -> None:
    catalogue = load_catalogue()
    assert len(catalogue) >= 12
    assert set(catalogue) >= REQUIRED_TOPICS
    for q in catalogue.values():
        projected = check_query(q)
        assert q.summary and q.description, q.name
        assert set(q.columns) <= set(projected)
        assert "ORDER BY" in q.sparql, f"{q.name}: results must have a defined order"


# -- results on the bundled data (checked against the seed page) ----------------------


def test_level_skills(local: LocalRunner) -> None:
    rows = run(local, "level-skills", level="lead machine learning engineer")
    assert [(r[0], r[1]) for r in rows] == [
        ("Communicating between the technical and non-technical", "expert"),
        ("Data science innovation", "expert"),
        ("Programming and build (software engineering)", "expert"),
        ("Systems integration", "expert"),
        ("Applied maths, statistics and scientific practices", "practitioner"),
        ("Data ethics and privacy", "practitioner"),
    ]
    assert str(rows[3][2]).startswith("You can:\n- establish standards and procedures")


def test_level_changes_senior_to_lead(local: LocalRunner) -> None:
    rows = run(local, "level-changes")
    assert rows == [
        [
            "Senior machine learning engineer",
            "Lead machine learning engineer",
            "raised",
            skill,
            "practitioner",
            "expert",
        ]
        for skill in (
            "Communicating between the technical and non-technical",
            "Data science innovation",
            "Programming and build (software engineering)",
            "Systems integration",
        )
    ]


def test_shared_skills_with_data_scientist(local: LocalRunner) -> None:
    rows = run(local, "shared-skills", role="Machine learning engineer", other="data scientist")
    # The seed's table: three shared skills; Data scientist has no levels in the bundled data.
    assert rows == [
        ["Applied maths, statistics and scientific practices", "practitioner", None],
        ["Data ethics and privacy", "practitioner", None],
        ["Data science innovation", "expert", None],
    ]


def test_similar_roles(local: LocalRunner) -> None:
    rows = run(local, "similar-roles")
    assert [(r[0], r[1]) for r in rows] == [
        ("Data scientist", 3),
        ("Development operations (DevOps) engineer", 2),
        ("Software developer", 2),
        ("Analytics engineer", 1),
        ("Data architect", 1),
    ]
    assert rows[0][3] == pytest.approx(3 / 6)


def test_role_pairs(local: LocalRunner) -> None:
    rows = run(local, "role-pairs")
    assert rows[0] == ["Data scientist", "Machine learning engineer", 3]
    assert len(rows) == 7


def test_roles_needing_skill(local: LocalRunner) -> None:
    assert run(local, "roles-needing-skill", min_tier="expert") == [
        ["Machine learning engineer", "Lead machine learning engineer", "expert"]
    ]
    assert len(run(local, "roles-needing-skill", min_tier="2")) == 2


def test_skill_ladder(local: LocalRunner) -> None:
    rows = run(local, "skill-ladder", skill="Ethics and privacy (data science)")  # the seed's name
    assert [(r[0], r[1]) for r in rows] == [
        ("awareness", "no descriptor in the sources"),
        ("working", "no descriptor in the sources"),
        ("practitioner", "described"),
        ("expert", "no descriptor in the sources"),
    ]


def test_role_levels_and_families(local: LocalRunner) -> None:
    assert run(local, "role-levels") == [
        [1, "Senior machine learning engineer", "stated", 6],
        [2, "Lead machine learning engineer", "stated", 6],
    ]
    fams = run(local, "families")
    assert ["Data", "Machine learning engineer", 2] in fams and len(fams) == 6


def test_top_unique_and_quality_queries(local: LocalRunner) -> None:
    top = run(local, "top-skills")
    assert top[0] == ["Communicating between the technical and non-technical", 3, 2]
    assert run(local, "unique-skills") == []
    assert len(run(local, "skills-without-description")) == 6
    assert run(local, "undefined-tiers") == []
    shared = run(local, "shared-table")
    assert len(shared) == 9
    assert [
        "Machine learning engineer",
        "Data architect",
        "Communicating between the technical and non-technical",
    ] in shared


# -- parameters -------------------------------------------------------------------


def test_unknown_parameter_lists_the_valid_ones(local: LocalRunner) -> None:
    with pytest.raises(QueryError) as err:
        run(local, "roles-needing-skill", tier="expert")
    text = str(err.value)
    assert "has no parameter 'tier'" in text
    assert "skill (skill) = Systems integration, min_tier (tier) = practitioner" in text


def test_missing_parameter_without_default(local: LocalRunner) -> None:
    q = adhoc_query(
        "# summary: x\n# param role: role\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?role ?l WHERE { ?role rdfs:label ?l } ORDER BY ?l"
    )
    with pytest.raises(QueryError, match=r"needs parameter 'role'.*role \(role\) \(required\)"):
        run_query(q, {}, local)


def test_did_you_mean(local: LocalRunner) -> None:
    with pytest.raises(NotFound) as err:
        run(local, "level-skills", level="Lead machine learning enginer")
    assert err.value.suggestions[0] == "Lead machine learning engineer"
    with pytest.raises(NotFound, match="did you mean 'practitioner'"):
        run(local, "roles-needing-skill", min_tier="practicioner")


def test_unknown_query_name_and_path_traversal(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", "level-skill"])
    assert result.exit_code == 2
    assert result.stderr == (
        "rolegraph: error: no saved query named 'level-skill' (did you mean 'level-skills', "
        "'roles-needing-skill', 'unique-skills'?)\n"
    )
    for name in ("../../etc/passwd", "/etc/passwd", "queries/../level-skills", "level-skills.rq"):
        bad = runner.invoke(cli, ["query", name])
        assert bad.exit_code == 2 and "no saved query named" in bad.stderr


# -- injection: values are terms, never query text ----------------------------------

NASTY = [
    'Machine learning engineer" } ?s ?p ?o { "',
    'x" . ?s ?p ?o . FILTER(true) #',
    "> } UNION { ?s ?p ?o } #",
    "'; DROP ALL ; SELECT * WHERE { ?s ?p ?o }",
    'a\\" }\nSELECT * {',
    "#",
    "{}",
]


@pytest.mark.parametrize("value", NASTY)
def test_string_parameter_cannot_change_the_query(local: LocalRunner, value: str) -> None:
    q = adhoc_query(
        "# summary: roles by exact label\n# param name: string = x\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?name ?thing WHERE { ?thing rdfs:label ?label FILTER (STR(?label) = ?name) }"
        " ORDER BY ?thing"
    )
    assert run_query(q, {"name": value}, local).rows == []
    # The label that does exist gives exactly one row.
    assert len(run_query(q, {"name": "Machine learning engineer"}, local).rows) == 1


@pytest.mark.parametrize("value", NASTY)
def test_named_parameters_reject_injection(local: LocalRunner, value: str) -> None:
    with pytest.raises(NotFound):
        run(local, "level-changes", role=value)


def test_values_clause_escapes_every_term() -> None:
    clause = values_clause(
        {
            "a": Term.literal('x" } ?s ?p ?o {\n#'),
            "b": Term("uri", "https://example.org/ok"),
        }
    )
    assert clause == 'VALUES (?a ?b) { ("x\\" } ?s ?p ?o {\\n#" <https://example.org/ok>) }'
    with pytest.raises(QueryError, match="not a valid IRI"):
        values_clause({"a": Term("uri", "https://example.org/> } ?s ?p ?o {")})


def test_integer_and_iri_parameters(local: LocalRunner) -> None:
    q = adhoc_query(
        "# summary: x\n# param n: integer = 2\n# param thing: iri = https://w3id.org/rolegraph/id/tier/working\n"
        "PREFIX rg: <https://w3id.org/rolegraph/ontology#>\n"
        "SELECT ?n ?thing ?rank WHERE { ?thing rg:rank ?rank . FILTER (?rank = ?n) } ORDER BY ?rank"
    )
    assert run_query(q, {}, local).records() == [
        {"n": 2, "thing": "https://w3id.org/rolegraph/id/tier/working", "rank": 2}
    ]
    with pytest.raises(QueryError, match="whole number"):
        run_query(q, {"n": "2 } #"}, local)
    with pytest.raises(QueryError, match="absolute IRI"):
        run_query(q, {"thing": "<x>"}, local)


# -- broken query files --------------------------------------------------------------


def test_broken_headers_are_errors() -> None:
    with pytest.raises(QueryError, match=r"x.rq: the header has no '# summary"):
        parse_query("# description: d\nSELECT * {}", name="x", path=Path("x.rq"))
    with pytest.raises(QueryError, match=r"x.rq, line 2: parameter 'role' needs a type"):
        parse_query(
            "# summary: s\n# param role: person = Bob\nSELECT * {}", name="x", path=Path("x.rq")
        )
    with pytest.raises(QueryError, match=r"x.rq, line 2: cannot read header line"):
        parse_query("# summary: s\n# sumary: t\nSELECT * {}", name="x", path=Path("x.rq"))
    with pytest.raises(QueryError, match="no SPARQL after the header"):
        parse_query("# summary: s\n", name="x", path=Path("x.rq"))


def test_broken_sparql_and_unused_parameters_are_errors(tmp_path: Path) -> None:
    broken = parse_query(
        "# summary: s\nSELECT ?x WHERE { ?x ?y }", name="b", path=tmp_path / "b.rq"
    )
    with pytest.raises(QueryError, match=r"b.rq: invalid SPARQL"):
        check_query(broken)
    unused = parse_query(
        "# summary: s\n# param role: role = X\nSELECT ?x WHERE { ?who ?p ?x } ORDER BY ?x",
        name="h",
        path=tmp_path / "h.rq",
    )
    with pytest.raises(QueryError, match="parameter 'role' is not a variable of the query"):
        check_query(unused)
    cols = parse_query("# summary: s\n# columns: nope\nSELECT ?x WHERE { ?x ?p ?o }", name="c")
    with pytest.raises(QueryError, match="'nope', which the SELECT does not project"):
        check_query(cols)


def test_a_broken_file_in_the_catalogue_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "ok.rq").write_text("# summary: fine\nSELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s\n")
    (tmp_path / "bad.rq").write_text("# summary fine\nSELECT ?s WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError, match=r"bad\.rq, line 1"):
        load_catalogue(tmp_path)


# -- the CLI -------------------------------------------------------------------------


def test_queries_lists_names_summaries_and_defaults(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["queries"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["name", "summary", "parameters"]
    row = next(line for line in lines if line.startswith("roles-needing-skill "))
    assert "Role levels that need a skill at or above a tier" in row
    assert "skill (skill) = Systems integration, min_tier (tier) = practitioner" in row
    data = json.loads(runner.invoke(cli, ["queries", "-f", "json"]).stdout)
    assert {
        "name": "level-changes",
        "summary": "What changes between consecutive levels of a role",
        "parameters": {"role": "Machine learning engineer"},
    } in data


def test_queries_describes_one(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["queries", "skill-ladder"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "skill-ladder: A skill's ladder: what each tier means"
    assert "  --param skill (skill) = Systems integration  The skill, by name." in result.stdout
    assert (
        "Run it: rolegraph query skill-ladder --param skill='Systems integration'" in result.stdout
    )


def test_query_formats(runner: CliRunner) -> None:
    base = ["query", "roles-needing-skill", "-p", "min_tier=expert"]
    table = runner.invoke(cli, base)
    assert table.stdout == (
        "role                       level                           tier\n"
        "-------------------------  ------------------------------  ------\n"
        "Machine learning engineer  Lead machine learning engineer  expert\n"
        "(1 row)\n"
    )
    csv_out = runner.invoke(cli, [*base, "-f", "csv"]).stdout_bytes
    assert (
        csv_out
        == b"role,level,tier\r\nMachine learning engineer,Lead machine learning engineer,expert\r\n"
    )
    tsv = runner.invoke(cli, [*base, "-f", "tsv"]).stdout
    assert (
        tsv
        == '?role\t?level\t?tier\n"Machine learning engineer"\t"Lead machine learning engineer"\t"expert"\n'
    )
    doc = json.loads(runner.invoke(cli, [*base, "-f", "json"]).stdout)
    assert doc == {
        "head": {"vars": ["role", "level", "tier"]},
        "results": {
            "bindings": [
                {
                    "role": {"type": "literal", "value": "Machine learning engineer"},
                    "level": {"type": "literal", "value": "Lead machine learning engineer"},
                    "tier": {"type": "literal", "value": "expert"},
                }
            ]
        },
    }
    md = runner.invoke(cli, [*base, "-f", "md"]).stdout
    assert (
        md.splitlines()[2]
        == "| Machine learning engineer | Lead machine learning engineer | expert |"
    )


def test_adhoc_queries_from_file_and_expression(runner: CliRunner, tmp_path: Path) -> None:
    sparql = "PREFIX rg: <https://w3id.org/rolegraph/ontology#>\nSELECT (COUNT(*) AS ?n) WHERE { ?r a rg:SkillRequirement }"
    f = tmp_path / "count.rq"
    f.write_text(sparql)
    for args in (["--file", str(f)], ["-e", sparql]):
        result = runner.invoke(cli, ["query", *args, "-f", "csv"])
        assert result.exit_code == 0, result.output
        assert result.stdout_bytes == b"n\r\n12\r\n"
    both = runner.invoke(cli, ["query", "families", "-e", sparql])
    assert both.exit_code == 2 and "give one query" in both.stderr
    bad = runner.invoke(cli, ["query", "-e", "SELECT ?x WHERE { ?x"])
    assert bad.exit_code == 2 and bad.stderr.startswith(
        "rolegraph: error: expression: invalid SPARQL"
    )


def test_csv_cells_that_look_like_formulas_are_neutralised(runner: CliRunner) -> None:
    sparql = 'SELECT ?v WHERE { VALUES ?v { "=cmd|\' /C calc\'!A0" "+1" "-2" "@SUM(A1)" "plain" } } ORDER BY ?v'
    safe = runner.invoke(cli, ["query", "-e", sparql, "-f", "csv"]).stdout.splitlines()
    assert safe[1:] == ["'+1", "'-2", "'=cmd|' /C calc'!A0", "'@SUM(A1)", "plain"]
    raw = runner.invoke(cli, ["query", "-e", sparql, "-f", "csv", "--raw"]).stdout.splitlines()
    assert raw[1:] == ["+1", "-2", "=cmd|' /C calc'!A0", "@SUM(A1)", "plain"]


def test_query_output_file_and_limit(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "pairs.json"
    result = runner.invoke(
        cli, ["query", "role-pairs", "--limit", "2", "-f", "json", "-o", str(out)]
    )
    assert result.exit_code == 0 and result.stdout == ""
    assert len(json.loads(out.read_text())["results"]["bindings"]) == 2


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("q.csv.gz", "csv"),
        ("q.tsv", "tsv"),
        ("q.json.gz", "json"),
        ("q.srx.gz", "xml"),
        ("q.xml", "xml"),
        ("q.md", "md"),
    ],
)
def test_query_output_extension_chooses_the_format(
    runner: CliRunner, tmp_path: Path, name: str, fmt: str
) -> None:
    """As export does: the extension says the format, .gz after it gzips (no time stamp)."""
    import gzip

    out = tmp_path / name
    assert runner.invoke(cli, ["query", "top-skills", "-o", str(out)]).exit_code == 0
    first = out.read_bytes()
    assert runner.invoke(cli, ["query", "top-skills", "-o", str(out)]).exit_code == 0
    assert out.read_bytes() == first
    data = gzip.decompress(first) if name.endswith(".gz") else first
    printed = runner.invoke(cli, ["query", "top-skills", "-f", fmt])
    assert data == printed.stdout_bytes


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["-o", "q.nq"],
            "cannot tell the format to write from the extension of q.nq (give --format, or "
            "name the file with one of .csv, .json, .md, .srj, .srx, .tsv, .txt, .xml (and "
            ".gz after it to gzip it))",
        ),
        (
            ["-o", "q.xlsx"],
            "cannot tell the format to write from the extension of q.xlsx (give --format, or "
            "name the file with one of .csv, .json, .md, .srj, .srx, .tsv, .txt, .xml (and "
            ".gz after it to gzip it))",
        ),
        (
            ["-f", "json", "-o", "q.csv.gz"],
            "--format json does not match the extension of q.csv.gz (which says csv) (drop "
            "--format, or rename the output file)",
        ),
    ],
)
def test_query_output_extension_it_cannot_tell_is_refused(
    runner: CliRunner, tmp_path: Path, args: list[str], line: str
) -> None:
    args = [a if not a.startswith("q.") else str(tmp_path / a) for a in args]
    result = runner.invoke(cli, ["query", "top-skills", *args])
    assert (result.exit_code, result.stderr) == (2, f"rolegraph: error: {line}\n")
    assert list(tmp_path.iterdir()) == []


def test_bad_param_syntax(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", "level-skills", "-p", "level"])
    assert result.exit_code == 2
    assert "--param 'level' is not NAME=VALUE" in result.stderr
    empty = runner.invoke(cli, ["query", "level-skills", "-p", "level= "])
    assert empty.exit_code == 2
    assert "--param level has an empty value (give one, as in --param level=NAME" in empty.stderr


def test_values_are_bound_at_the_start_of_the_where_group() -> None:
    from rolegraph.sparql.binding import bind_values

    term = {"role": Term("uri", "https://w3id.org/rolegraph/id/role/x")}
    q = (
        "PREFIX ex: <http://ex/a> # a comment { with a brace\n"
        'SELECT ?role (EXISTS { ?role ?p ?o } AS ?e) ("{" AS ?b) WHERE { ?role a ?c }'
    )
    bound = bind_values(q, term)
    assert bound.endswith(
        "WHERE { VALUES (?role) { (<https://w3id.org/rolegraph/id/role/x>) }\n ?role a ?c }"
    )
    with pytest.raises(QueryError, match="no WHERE"):
        bind_values("ASK", term)


def test_adhoc_queries_may_use_the_usual_prefixes_undeclared(runner: CliRunner) -> None:
    """rg:, role:, rdfs:, skos:, ... are declared for an ad-hoc query that uses them."""
    result = runner.invoke(
        cli,
        [
            "query",
            "-e",
            "SELECT ?l WHERE { role:machine-learning-engineer a rg:Role ; rdfs:label ?l }",
            "-f",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == b"l\r\nMachine learning engineer\r\n"
    # A prefix it declares itself wins.
    own = runner.invoke(
        cli,
        ["query", "-e", "PREFIX rg: <urn:x#> SELECT ?r WHERE { ?r a rg:Role }", "-f", "csv"],
    )
    assert own.exit_code == 0 and own.stdout_bytes == b"r\r\n"


@pytest.mark.parametrize(
    ("sparql", "message"),
    [
        (
            "PREFIX rg: <urn:x#>\nINSERT DATA { rg:a rg:b rg:c }",
            "expression: this is a SPARQL update (INSERT); rolegraph runs queries only",
        ),
        ("# remove it\nDROP ALL", "this is a SPARQL update (DROP)"),
        (
            "ASK { ?s a rg:Role }",
            "this is an ASK query; only SELECT queries give a result table "
            "(ask with SELECT (EXISTS { ... } AS ?answer) {})",
        ),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "this is a CONSTRUCT query; only SELECT queries"),
        (
            "SELECT ?s WHERE {\n  ?s a foo:Role }",
            "unknown prefix 'foo:' in foo:Role (line 2, column 8): declare it first, as in "
            "PREFIX foo: <http://...>",
        ),
    ],
)
def test_queries_that_give_no_table_are_named(runner: CliRunner, sparql: str, message: str) -> None:
    result = runner.invoke(cli, ["query", "-e", sparql])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_parameter_only_inside_a_sub_select_is_refused() -> None:
    """VALUES at the start of the WHERE group cannot reach a sub-select's own ?role."""
    hidden = parse_query(
        "# summary: s\n# param role: role = Data scientist\n"
        "SELECT ?n WHERE { { SELECT (COUNT(?role) AS ?n) WHERE { ?role a rg:Role } } }",
        name="hidden",
    )
    with pytest.raises(QueryError, match="parameter 'role' is not a variable of the query's WHERE"):
        check_query(hidden)
    projected = parse_query(
        "# summary: s\n# param role: role = Data scientist\n"
        "PREFIX rg: <https://w3id.org/rolegraph/ontology#>\n"
        "SELECT ?n WHERE { { SELECT ?role (COUNT(?l) AS ?n) WHERE { ?l rg:role ?role } "
        "GROUP BY ?role } }",
        name="projected",
    )
    check_query(projected)


def test_adhoc_header_needs_no_summary_but_a_saved_query_does(tmp_path: Path) -> None:
    text = (
        "# description: roles, two of them\nSELECT ?r WHERE { ?r a rg:Role } ORDER BY ?r LIMIT 2\n"
    )
    q = adhoc_query(text, name="mine")
    assert (q.summary, q.description) == ("ad-hoc query", "roles, two of them")
    (tmp_path / "mine.rq").write_text(text, encoding="utf-8")
    with pytest.raises(QueryError) as caught:
        load_catalogue(tmp_path)
    assert "mine.rq: the header has no '# summary: ...' line" in str(caught.value)


def test_graph_iri_needs_an_endpoint(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", "families", "--graph-iri", "urn:g"])
    assert result.exit_code == 2
    assert "--graph-iri names a graph of a remote endpoint: give --endpoint URL too" in (
        result.stderr
    )


@pytest.mark.parametrize(
    ("sparql", "name", "visible"),
    [
        ("SELECT ?x WHERE { ?x ?p ?o }", "x", True),
        ("SELECT ?x WHERE { ?x ?p '?role' }", "role", False),  # in a string
        ("SELECT ?x WHERE { ?x ?p ?o } # ?role", "role", False),  # in a comment
        ("SELECT ?x WHERE { { SELECT (COUNT(?r) AS ?n) { ?r ?p ?o } } }", "r", False),
        ("SELECT ?x WHERE { { SELECT (COUNT(?r) AS ?n) { ?r ?p ?o } } }", "n", True),
        ("SELECT ?x WHERE { { SELECT * { ?r ?p ?o } } }", "r", True),
        ("SELECT ?x WHERE { { SELECT ?r { { SELECT ?s { ?s ?p ?r } } } } }", "s", False),
        ("SELECT ?x WHERE { FILTER NOT EXISTS { ?r ?p ?o } }", "r", True),
        ("SELECT (EXISTS { ?r ?p ?o } AS ?x) WHERE { ?x ?p ?o }", "r", False),
    ],
)
def test_parameter_visibility(sparql: str, name: str, visible: bool) -> None:
    from rolegraph.sparql.text import visible_in_where

    assert visible_in_where(sparql, name) is visible


def test_undeclared_prefixes() -> None:
    from rolegraph.sparql.text import undeclared_prefixes

    sparql = (
        "PREFIX rg: <urn:a#>\nSELECT ?s WHERE { ?s a rg:Role ; rdfs:label 'x:y' ; "
        "<http://e.org/p> skos:a . ?s :p ?o } # dcterms:x"
    )
    assert undeclared_prefixes(sparql) == ["rdfs", "skos", ""]


def test_rendering_floats_and_header_cells() -> None:
    from rolegraph.util.render import render

    got = render(["=score", "role"], [[0.5, "a"], [1 / 3, "b"], [1.0, "c"], [2, "d"]], "csv")
    assert got == "'=score,role\r\n0.500,a\r\n0.333,b\r\n1.000,c\r\n2,d\r\n"
    table = render(["score"], [[0.5], [1 / 3]], "table").splitlines()
    assert table[2:] == ["0.500", "0.333"]


def test_numbers_stay_numbers_in_csv_and_a_backslash_keeps_a_markdown_cell(
    runner: CliRunner,
) -> None:
    csv_out = runner.invoke(
        cli, ["query", "-e", 'SELECT ?a ?b WHERE { BIND(-2 AS ?a) BIND("-2" AS ?b) }', "-f", "csv"]
    ).stdout
    assert csv_out.splitlines()[1] == "-2,'-2"  # the number is data; the text is neutralised
    md = runner.invoke(
        cli, ["query", "-e", 'SELECT ?a WHERE { BIND("x\\\\|y" AS ?a) }', "-f", "md"]
    ).stdout
    row = md.splitlines()[2]
    assert row == "| x\\\\\\|y |"
