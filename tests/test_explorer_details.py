"""What the explorer page carries for its details panel, without a browser: each role's
and level's skills with tiers (checked against the bundled data's own requirements),
what the search box says it finds, and the link base (none in a file)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from rolegraph.analysis.view import framework_view
from rolegraph.combine.framework import load_framework
from rolegraph.errors import OptionError
from rolegraph.explorer.draft import _short
from rolegraph.explorer.page import build_explorer, render_html
from rolegraph.explorer.profiles import search_label
from rolegraph.graph.build import build_graph

MLE = "role/machine-learning-engineer"


def payload(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="rg-data">(.*?)</script>', html, re.S)
    assert found is not None
    out: dict[str, Any] = json.loads(found.group(1))
    return out


def test_the_page_carries_each_roles_and_levels_skills_with_tiers() -> None:
    graph = build_graph(load_framework())
    fv = framework_view(graph)
    ex = build_explorer(graph, "overlap")
    data = payload(render_html(ex))
    roles = {n["id"] for n in ex.nodes}
    assert set(data["profiles"]) == roles  # the overlap view draws only roles
    for role in fv.roles:
        want = {_short(s): t or 0 for s, t in fv.role_tiers(role).items()}
        assert data["profiles"][_short(role)] == want
    assert data["profiles"][MLE]  # and it needs skills at tiers 1-4
    assert set(data["skills"]) == {s for p in data["profiles"].values() for s in p}
    assert data["skills"]["skill/systems-integration"] == "Systems integration"
    # The role view: the role, its levels and the related roles, each with its own.
    rv = build_explorer(graph, "role", role="Machine learning engineer")
    levels = {n["id"] for n in rv.nodes if n["kind"] == "level"}
    assert levels and levels <= set(rv.profiles["profiles"])
    for lv in fv.levels_of("https://w3id.org/rolegraph/id/" + MLE):
        want = {_short(s): t or 0 for s, t in fv.requirements[lv.iri].items()}
        assert rv.profiles["profiles"][_short(lv.iri)] == want


def test_the_search_box_names_what_it_finds_and_a_file_links_nowhere() -> None:
    graph = build_graph(load_framework())
    said = {
        "overlap": "Search roles",
        "framework": "Search families, roles and skills",
    }
    for view, label in said.items():
        html = render_html(build_explorer(graph, view))
        assert f'<label for="rg-search">{label}</label>' in html
        assert payload(html)["linkBase"] is None
    assert "a role, level or skill" not in html
    served = payload(render_html(build_explorer(graph, "overlap"), link_base="/x/id/"))
    assert served["linkBase"] == "/x/id/"
    assert search_label(["role"]) == "Search roles"
    assert search_label(["level", "skill", "tier"]) == "Search role levels, skills and tiers"


def test_viz_link_base_links_the_file_and_refuses_other_schemes(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from rolegraph.cli.group import cli

    runner = CliRunner()
    out = tmp_path / "o.html"
    ok = runner.invoke(cli, ["viz", "--link-base", "https://example.org/id/", "-o", str(out)])
    assert ok.exit_code == 0, ok.output
    assert payload(out.read_text(encoding="utf-8"))["linkBase"] == "https://example.org/id/"
    for bad in ("javascript:alert(1)//", "//evil.example/", "/id", "https://example.org/a b/"):
        result = runner.invoke(cli, ["viz", "--link-base", bad, "-o", str(tmp_path / "x.html")])
        assert result.exit_code == 2
        assert result.stderr == (
            f"rolegraph: error: --link-base must be a path or an http(s) URL ending with /, "
            f"not {bad!r} (as in /id/ or https://example.org/rolegraph/id/)\n"
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.html"]
    with pytest.raises(OptionError, match="must be a path or an http"):
        render_html(build_explorer(build_graph(load_framework()), "overlap"), link_base="x/")
