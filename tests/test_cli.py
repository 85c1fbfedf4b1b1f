"""The CLI in-process: exact outputs and exit codes; and what `import rolegraph` costs."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rolegraph.cli import cli

STATS_TABLE = """\
what                        count
--------------------------  -----
families                        3
roles                           6
Senior Civil Service roles      0
role levels                     2
skills                          6
requirements                   12
tier descriptors               10
shared skill sets               5
triples                       403
"""


def test_stats_table(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["stats"])
    assert result.exit_code == 0
    assert result.stdout == STATS_TABLE


def test_stats_json_and_markdown(runner: CliRunner) -> None:
    data = json.loads(runner.invoke(cli, ["stats", "-f", "json"]).stdout)
    assert data["requirements"] == 12 and data["triples"] == 403
    md = runner.invoke(cli, ["stats", "-f", "md"]).stdout
    assert md.splitlines()[:3] == ["| what | count |", "|---|---:|", "| families | 3 |"]


def test_build_writes_turtle_to_stdout_and_a_summary_to_stderr(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 0
    assert result.stdout.startswith("@prefix rg: <https://w3id.org/rolegraph/ontology#> .")
    assert result.stderr == (
        "Built 403 triples: 3 families, 6 roles (5 named only as related roles, without levels), 2 role levels, 6 skills, 12 requirements.\n"
    )
    quiet = runner.invoke(cli, ["build", "--quiet"])
    assert quiet.stderr == "" and quiet.stdout == result.stdout


def test_build_to_file_then_read_it_back(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "mle.ttl"
    assert runner.invoke(cli, ["build", "-o", str(out), "-q"]).exit_code == 0
    again = runner.invoke(cli, ["stats", "--graph", str(out)])
    assert again.stdout == STATS_TABLE


def test_persisted_store(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = runner.invoke(cli, ["build", "--store", str(store), "-q"])
    assert result.exit_code == 0 and result.stdout == ""
    assert runner.invoke(cli, ["stats", "--graph", str(store)]).stdout == STATS_TABLE
    # Rebuilding over an existing store replaces it; a folder that is not a store is refused.
    assert runner.invoke(cli, ["build", "--store", str(store), "-q"]).exit_code == 0
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    refused = runner.invoke(cli, ["build", "--store", str(other), "-q"])
    assert refused.exit_code == 2
    assert "exists and is not a rolegraph store" in refused.stderr
    assert (other / "keep.txt").read_text() == "mine"


def test_version_and_help(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["--version"]).stdout == "rolegraph, version 0.1.0\n"
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("build", "export", "stats", "validate"):
        assert f"  {command} " in result.stdout


def test_usage_error_exit_code(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["export", "--format", "yaml"])
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


def test_python_dash_m(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rolegraph", "stats", "-f", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["roles"] == 6


HEAVY = {
    "rdflib",
    "pyoxigraph",
    "networkx",
    "pyvis",
    "SPARQLWrapper",
    "pyshacl",
    "yaml",
    "numpy",
    "scipy",
    "matplotlib",
}


def test_import_and_help_stay_light() -> None:
    code = (
        "import sys, rolegraph\n"
        "from rolegraph.cli import cli\n"
        f"print(sorted(m for m in {sorted(HEAVY)!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_internal_errors_are_one_line(runner: CliRunner, monkeypatch: object) -> None:
    import rolegraph.cli.options

    def broken(*args: object) -> object:
        raise ValueError("boom")

    monkeypatch.setattr(rolegraph.cli.options, "open_graph", broken)  # type: ignore[attr-defined]
    result = runner.invoke(cli, ["stats"])
    assert result.exit_code == 2
    assert result.stderr.startswith("rolegraph: internal error: ValueError: boom")
    assert "Traceback" not in result.output


def test_keyboard_interrupt_exits_130(runner: CliRunner, monkeypatch: object) -> None:
    import rolegraph.cli.options

    def interrupted(*args: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(rolegraph.cli.options, "open_graph", interrupted)  # type: ignore[attr-defined]
    result = runner.invoke(cli, ["stats"])
    assert result.exit_code == 130
    assert "interrupted" in result.stderr


@pytest.mark.parametrize(
    ("args", "allowed", "shows"),
    [
        (["--help"], set(), "Commands:"),
        (["queries"], set(), "level-changes"),
        # A saved query on a graph file needs the store engine and nothing else (the
        # bundled data, read when no --graph is given, needs the YAML reader too).
        (
            ["query", "families", "-f", "csv", "-g", "g.ttl"],
            {"pyoxigraph"},
            "Machine learning engineer",
        ),
        (
            ["query", "level-skills", "-p", "level=Lead machine learning engineer", "-g", "g.nt"],
            {"pyoxigraph"},
            "expert",
        ),
        (["query", "families"], {"pyoxigraph", "yaml"}, "Machine learning engineer"),
    ],
)
def test_commands_import_only_what_they_need(
    args: list[str], allowed: set[str], shows: str, tmp_path: Path, runner: CliRunner
) -> None:
    for name in ("g.ttl", "g.nt"):
        assert runner.invoke(cli, ["build", "-q", "-o", str(tmp_path / name)]).exit_code == 0
    code = (
        "import sys\n"
        "from rolegraph.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        f"print(sorted(m for m in {sorted(HEAVY)!r} if m in sys.modules), file=sys.stderr)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert shows in out.stdout
    loaded = set(ast.literal_eval(out.stderr.strip().splitlines()[-1]))
    assert loaded == allowed, f"{args} imported {sorted(loaded - allowed)}"


def test_output_extension_chooses_the_format(runner: CliRunner, tmp_path: Path) -> None:
    jsonld = tmp_path / "graph.jsonld"
    assert runner.invoke(cli, ["export", "-o", str(jsonld)]).exit_code == 0
    assert isinstance(json.loads(jsonld.read_text(encoding="utf-8")), (dict, list))
    nt = tmp_path / "graph.nt"
    assert runner.invoke(cli, ["build", "-q", "-o", str(nt)]).exit_code == 0
    assert all(line.endswith(" .") for line in nt.read_text(encoding="utf-8").splitlines())
    csv_out = tmp_path / "skills.csv"
    done = runner.invoke(cli, ["query", "role-levels", "-o", str(csv_out)])
    assert done.exit_code == 0, done.output
    assert csv_out.read_text(encoding="utf-8").splitlines()[0] == "rank,level,basis,skills"


def test_format_and_extension_that_disagree_are_refused(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "graph.jsonld"
    said = runner.invoke(cli, ["export", "--format", "turtle", "-o", str(out)])
    assert said.exit_code == 2
    assert "--format turtle does not match the extension of graph.jsonld" in said.stderr
    assert not out.exists()
    png = tmp_path / "explorer.png"
    viz = runner.invoke(cli, ["viz", "-o", str(png)])
    assert viz.exit_code == 2 and "name explorer.png with .html" in viz.stderr
    assert not png.exists()


def test_a_report_that_does_not_reconcile_writes_no_graph(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injected: rows unaccounted for. Nothing is written; the figures are said."""
    from rolegraph.model.report import ImportReport

    monkeypatch.setattr(ImportReport, "reconciles", property(lambda self: False))
    graph, report = tmp_path / "g.ttl", tmp_path / "report.md"
    result = runner.invoke(cli, ["build", "-o", str(graph), "--report", str(report)])
    assert result.exit_code == 2
    assert "the import report does not reconcile" in result.stderr
    assert "so nothing was written" in result.stderr
    assert not graph.exists() and not report.exists()


def test_a_name_missing_from_the_bundled_data_says_what_it_holds(
    runner: CliRunner, tmp_path: Path
) -> None:
    args = ["query", "level-skills", "-p", "level=Lead data scientist"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert "no level named 'Lead data scientist'" in result.stderr
    assert "the bundled data holds only the Machine learning engineer page; give --graph" in (
        result.stderr
    )
    graph = tmp_path / "g.ttl"
    assert runner.invoke(cli, ["build", "-q", "-o", str(graph)]).exit_code == 0
    given = runner.invoke(cli, [*args, "--graph", str(graph)])
    assert given.exit_code == 2 and "bundled data" not in given.stderr


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["build", "role-content.csv"], "--roles role-content.csv, --skills"),
        (["query", "level-skills", "Lead data scientist"], "--param NAME=VALUE"),
        (["stats", "framework.ttl"], "a graph is given with --graph FILE"),
    ],
)
def test_an_argument_without_its_option_says_which_option(
    runner: CliRunner, args: list[str], hint: str
) -> None:
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert "unexpected extra argument" in result.stderr and hint in result.stderr


def test_a_csv_or_page_given_as_a_graph_says_how_to_build_one(
    runner: CliRunner, tmp_path: Path
) -> None:
    csv_file = tmp_path / "role-content.csv"
    csv_file.write_text("Role Family,Role\n", encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(csv_file)])
    assert result.exit_code == 2
    assert "cannot tell the RDF format of role-content.csv" in result.stderr
    assert "build one with 'rolegraph build --roles role-content.csv" in result.stderr
    page = tmp_path / "software-developer.html"
    page.write_text("<html></html>", encoding="utf-8")
    result = runner.invoke(cli, ["stats", "--graph", str(page)])
    assert "'rolegraph build --page software-developer.html -o graph.ttl'" in result.stderr


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["build", "--roles", "a.csv", "--roles", "b.csv"], "--roles"),
        (["query", "families", "-g", "a.ttl", "--graph=b.ttl"], "--graph"),
        (["query", "families", "-fcsv", "-f", "json"], "--format"),
        (["build", "--bundled", "--no-bundled"], "--bundled / --no-bundled"),
        (["query", "families", "-o", "a.csv", "--output", "b.csv"], "--output"),
    ],
)
def test_an_option_given_twice_is_refused(runner: CliRunner, args: list[str], named: str) -> None:
    """Click would keep the last silently: the first file would never be read."""
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert f"{named} is given twice; give it once" in result.stderr


def test_options_that_repeat_by_design_and_values_that_look_like_options(
    runner: CliRunner,
) -> None:
    two = runner.invoke(
        cli,
        ["query", "level-skills", "-p", "level=Lead machine learning engineer", "-p", "x=1"],
    )
    assert "has no parameter 'x'" in two.stderr  # both --param read, not refused as a repeat
    value = runner.invoke(cli, ["query", "-e", "-g", "-f", "csv"])
    assert "is given twice" not in value.stderr and "invalid SPARQL" in value.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "1e308", "soon"])
def test_a_time_out_must_be_a_sensible_number_of_seconds(runner: CliRunner, value: str) -> None:
    for args in (
        ["query", "families", "--endpoint", "http://127.0.0.1:9/q"],
        ["build", "--page", "https://example.org/role/x"],
        ["publish", "--endpoint", "http://127.0.0.1:9/store"],
    ):
        result = runner.invoke(cli, [*args, "--timeout", value])
        assert result.exit_code == 2
        assert "Invalid value for '--timeout'" in result.stderr
        assert "seconds" in result.stderr


def test_an_interrupt_names_the_outputs_already_complete(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C after the report was written and before the store and graph were: the
    message says which outputs are complete, so none is mistaken for current."""
    import rolegraph.graph.store

    def interrupted(*args: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(rolegraph.graph.store.RoleGraph, "save_store", interrupted)
    report, out = tmp_path / "r.md", tmp_path / "out.ttl"
    result = runner.invoke(
        cli,
        ["build", "-o", str(out), "--store", str(tmp_path / "st"), "--report", str(report)],
    )
    assert result.exit_code == 130
    assert result.stderr == (
        "rolegraph: interrupted; no output file was left half-written "
        f"({report} had been written in full before it)\n"
    )
    assert report.exists() and not out.exists()


def test_dash_as_the_output_is_standard_output(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["query", "families", "-f", "csv", "-o", "-"])
    assert result.exit_code == 0 and result.stdout.startswith("family,role,levels")
    built = runner.invoke(cli, ["build", "-q", "-o", "-", "-f", "nt"])
    assert built.exit_code == 0 and built.stdout.count(" .\n") == 403
    assert not Path("-").exists()


def test_a_replaced_output_keeps_its_permissions(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "private.ttl"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o600)
    assert runner.invoke(cli, ["build", "-q", "-o", str(out)]).exit_code == 0
    assert out.stat().st_mode & 0o777 == 0o600 and out.read_text(encoding="utf-8") != "old"


def test_no_source_at_all_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "c.ttl"
    result = runner.invoke(cli, ["build", "--no-bundled", "-o", str(out)])
    assert result.exit_code == 2 and "no source to build from" in result.stderr
    assert not out.exists()


def test_a_heatmap_of_too_many_roles_is_refused(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rolegraph.analysis.careers

    # The bundled data has 6 roles; a limit of 3 stands in for 25,000 roles.
    monkeypatch.setattr(rolegraph.analysis.careers, "MAX_HEATMAP_ROLES", 3)
    out = tmp_path / "h.png"
    result = runner.invoke(cli, ["overlap", "-o", str(out)])
    assert result.exit_code == 2
    assert "roles are too many for a readable heatmap (at most 3)" in result.stderr
    assert not out.exists()


def test_help_lists_each_command_with_its_own_summary() -> None:
    """``rolegraph --help`` shows summaries from a table, not from the commands (so that it
    imports none of them): the table must say what each command's help says."""
    import inspect

    from rolegraph.cli.group import COMMANDS

    for name, (_module, _function, summary) in COMMANDS.items():
        command = cli.get_command(None, name)
        assert command is not None, name
        first = inspect.cleandoc(command.help or "").split("\n\n")[0]
        assert summary == " ".join(first.split()), name
    assert sorted(COMMANDS) == sorted(cli.list_commands(None))
