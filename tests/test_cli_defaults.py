"""The CLI as a new user meets it (issue 19): the default graph ($ROLEGRAPH_GRAPH), and
saying so when the bundled sample answers instead of the framework."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from rolegraph.cli import cli

SENIOR = "Senior machine learning engineer"
LEAD = "Lead machine learning engineer"
BUNDLED = (
    "note: answered from the bundled sample (the Machine learning engineer page only); "
    "give --graph FILE or set ROLEGRAPH_GRAPH=FILE for the whole framework\n"
)
LACKS = (
    "; the bundled data holds only the Machine learning engineer page; give --graph FILE "
    "(or set ROLEGRAPH_GRAPH) for the whole framework\n"
)


@pytest.fixture(scope="module")
def other_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A graph that is not the bundled sample: one role, Data engineer, with two levels."""
    folder = tmp_path_factory.mktemp("default")
    roles = folder / "roles.csv"
    header = (
        "Role Family,Role,Role Description,Role Level,Role Level Description,Skill Name,"
        "Skill Description,Skill Level,Skill Level Description,Role Type\n"
    )
    rows = [
        "Data,Data engineer,Builds pipelines.,Data engineer,Builds.,Data modelling,Models.,"
        'Working,"You can:\n- model data",Level',
        "Data,Data engineer,Builds pipelines.,Lead data engineer,Leads.,Data modelling,Models.,"
        'Expert,"You can:\n- lead modelling",Level',
    ]
    roles.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    graph = folder / "data.ttl"
    built = CliRunner().invoke(cli, ["build", "--roles", str(roles), "-o", str(graph), "-q"])
    assert built.exit_code == 0, built.output
    return graph


def test_the_bundled_sample_says_so_in_one_line() -> None:
    result = CliRunner().invoke(cli, ["gap", SENIOR, LEAD])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{SENIOR} → {LEAD}: 4 skills to develop")
    assert result.stderr == BUNDLED
    # An empty variable is no variable.
    empty = CliRunner(env={"ROLEGRAPH_GRAPH": ""}).invoke(cli, ["stats"])
    assert empty.exit_code == 0 and empty.stderr == BUNDLED


def test_a_name_the_sample_lacks_suggests_the_graph() -> None:
    result = CliRunner().invoke(cli, ["gap", "Data engineer", "Lead data engineer"])
    assert result.exit_code == 2
    # Its nearest name is no slip of the one asked for: the framework may well hold it.
    assert result.stderr == (
        "rolegraph: error: no level named 'Data engineer' (did you mean "
        f"'Lead machine learning engineer'?){LACKS}"
    )
    # A slip of a name the sample holds is only corrected.
    typo = CliRunner().invoke(cli, ["gap", SENIOR, "Lead machine lerning engineer"])
    assert typo.stderr == (
        "rolegraph: error: no level named 'Lead machine lerning engineer' (did you mean "
        "'Lead machine learning engineer', 'Senior machine learning engineer'?)\n"
    )


def test_rolegraph_graph_sets_the_default_graph(other_graph: Path) -> None:
    env = CliRunner(env={"ROLEGRAPH_GRAPH": str(other_graph)})
    result = env.invoke(cli, ["gap", "Data engineer", "Lead data engineer"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "Data engineer → Lead data engineer: 1 skill to develop (2 tier steps)"
    )
    assert result.stderr == ""
    # --graph still wins.
    given = env.invoke(cli, ["gap", SENIOR, LEAD, "--graph", "-"])
    assert given.exit_code == 2 and "ROLEGRAPH_GRAPH" not in given.stderr
    bundled_file = other_graph.parent / "ml.ttl"
    assert CliRunner().invoke(cli, ["build", "-q", "-o", str(bundled_file)]).exit_code == 0
    over = env.invoke(cli, ["gap", SENIOR, LEAD, "-g", str(bundled_file)])
    assert over.exit_code == 0 and over.stderr == ""
    # validate's GRAPH argument is a graph named on the command line: it overrides too.
    checked = env.invoke(cli, ["validate", str(bundled_file)])
    assert checked.exit_code == 0, checked.output


def test_a_bad_default_graph_names_the_variable(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.ttl"
    result = CliRunner(env={"ROLEGRAPH_GRAPH": str(missing)}).invoke(cli, ["stats"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"rolegraph: error: ROLEGRAPH_GRAPH={missing}: graph not found: {missing} "
    )
    assert result.stderr.count("\n") == 1


def test_the_help_names_the_variable() -> None:
    result = CliRunner().invoke(cli, ["gap", "--help"])
    assert "$ROLEGRAPH_GRAPH" in " ".join(result.stdout.split())


# -- one number format ------------------------------------------------------------------


def test_number_is_the_one_format() -> None:
    from rolegraph.util.render import render
    from rolegraph.util.text import number, plural

    assert (number(19838), number(999), number(1234567)) == ("19,838", "999", "1,234,567")
    assert plural(19838, "triple") == "19,838 triples" and plural(1, "triple") == "1 triple"
    rows: list[list[str | int | float | None]] = [["triples", 19838], ["roles", 52]]
    assert render(["what", "count"], rows, "table", grouped=True).splitlines()[2] == (
        "triples  19,838"
    )
    assert "| triples | 19,838 |" in render(["what", "count"], rows, "md", grouped=True)
    # Data formats keep the plain integer; a table of data (a year) is not grouped unasked.
    assert "triples,19838" in render(["what", "count"], rows, "csv", grouped=True)
    assert '"count": 19838' in render(["what", "count"], rows, "json", grouped=True)
    assert render(["year"], [[2025]], "table").splitlines()[2] == "2025"


@pytest.fixture(scope="module")
def big_roles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A role file whose graph has over a thousand triples: 3 levels x 60 skills."""
    folder = tmp_path_factory.mktemp("big")
    roles = folder / "roles.csv"
    lines = [
        "Role Family,Role,Role Description,Role Level,Role Level Description,Skill Name,"
        "Skill Description,Skill Level,Skill Level Description,Role Type"
    ]
    for level, tier in (("Junior big", "Awareness"), ("Big", "Working"), ("Senior big", "Expert")):
        for i in range(60):
            lines.append(
                f"Data,Big,A big role.,{level},{level}.,Skill {i:02d},Skill {i:02d}.,"
                f'{tier},"You can:\n- do skill {i}",Level'
            )
    roles.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return roles


def test_build_stats_releases_and_the_home_page_write_counts_alike(
    big_roles: Path, tmp_path: Path
) -> None:
    from rolegraph.graph.open import open_graph
    from rolegraph.graph.pool import QueryPool
    from rolegraph.serve.backend import EmbeddedBackend
    from rolegraph.serve.pages import home_page
    from rolegraph.util.text import number

    runner = CliRunner()
    store = tmp_path / "store"
    built = runner.invoke(
        cli, ["build", "--roles", str(big_roles), "--store", str(store), "--release", "r1"]
    )
    assert built.exit_code == 0, built.output
    graph = open_graph(store)
    triples = len(graph)
    assert triples > 1000
    shown = number(triples)
    assert f"Added release 'r1' ({shown} triples) in the store {store}." in built.stderr
    assert f"Built {shown} triples: " in built.stderr
    stats = runner.invoke(cli, ["stats", "-g", str(store)]).stdout
    assert stats.splitlines()[-1].split() == ["triples", shown]
    assert (
        f"triples,{triples}" in runner.invoke(cli, ["stats", "-g", str(store), "-f", "csv"]).stdout
    )
    listing = runner.invoke(cli, ["releases", str(store)]).stdout.splitlines()
    assert listing[2].split()[:3] == ["r1", shown, "roles.csv"]  # no date: "r1" is not one
    assert f"r1,,{triples}," in runner.invoke(cli, ["releases", str(store), "-f", "csv"]).stdout
    pool = QueryPool(graph)
    try:
        page = home_page(EmbeddedBackend(graph, pool), []).decode()
    finally:
        pool.close()
    assert f'<tr><th scope="row">triples</th><td>{shown}</td></tr>' in page
    assert '<tr><th scope="row">requirements</th><td>180</td></tr>' in page
