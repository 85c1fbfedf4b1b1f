"""Management tracks on the served pages and in the explorer (issue 19 point 4): a role's
page shows its main and management tracks numbered as ``rolegraph ladder`` numbers them,
a level's page links the previous and next level along its own track (and, for a
management level, the main level it sits beside), and the explorer's role view chains
"next" along each track, with "across" into the management track; ``ladder -f json``
gives each level the number the table prints.

The small hand-written framework of test_tracks always runs; the real Software developer
(the full export in ../shared) skips without it."""

from __future__ import annotations

import html
import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers.servers import serving
from rolegraph.cli import cli
from rolegraph.explorer.page import build_explorer
from rolegraph.graph.store import RoleGraph, load_rdf_file
from test_tracks import write_csv

pytestmark = pytest.mark.server


def page(base: str, path: str) -> str:
    req = urllib.request.Request(base + path, headers={"Accept": "text/html"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200
        return str(r.read().decode("utf-8"))


def plain(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def table(text: str, table_id: str) -> list[list[str]]:
    """The body rows of the table ``table_id``: each cell's text."""
    body = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', text, re.S)
    assert body is not None, f"no table #{table_id}"
    return [
        [plain(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


def facts(text: str) -> dict[str, str]:
    """A page's facts list: term -> text."""
    block = re.search(r'<dl class="facts">(.*?)</dl>', text, re.S)
    assert block is not None
    return {
        plain(dt): plain(dd)
        for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block.group(1), re.S)
    }


def chain(graph: RoleGraph, role: str) -> list[tuple[str, str, str]]:
    """The role view's "next" and "across" edges: (kind, from, to) by level label."""
    explorer = build_explorer(graph, "role", role=role)
    label = {n["id"]: n["label"] for n in explorer.nodes}
    return sorted(
        (e["kind"], label[e["from"]], label[e["to"]])
        for e in explorer.edges
        if e["kind"] in ("next", "across")
    )


# -- the small framework -------------------------------------------------------------


@pytest.fixture(scope="module")
def small_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("track-pages")
    out = work / "dev.ttl"
    args = ["build", "--roles", str(write_csv(work / "roles.csv")), "-o", str(out), "-q"]
    built = CliRunner().invoke(cli, args)
    assert built.exit_code == 0, built.output
    return out


@pytest.fixture(scope="module")
def small_server(small_graph: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(["--graph", str(small_graph)], tmp_path_factory.mktemp("serve")) as base:
        yield base


def test_the_role_page_shows_both_tracks_numbered_as_ladder(small_server: str) -> None:
    text = page(small_server, "/id/role/dev")
    assert facts(text)["Levels"] == "5 on 2 tracks"
    assert [r[:2] for r in table(text, "ladder")] == [
        ["1", "Developer"],
        ["2", "Senior dev"],
        ["3", "Lead dev"],
    ]
    assert [r[:3] for r in table(text, "ladder-management")] == [
        ["2", "Senior dev - management", "Senior dev"],
        ["3", "Lead dev - management", "Lead dev"],
    ]
    steps = [plain(h) for h in re.findall(r"<h3>(.*?)</h3>", text, re.S)]
    assert steps == [
        "Developer to Senior dev",
        "Senior dev to Lead dev",
        "Senior dev across to Senior dev - management",
        "Lead dev across to Lead dev - management",
        "Senior dev - management to Lead dev - management",
    ]
    # A one-track role keeps one plain table.
    ops = page(small_server, "/id/role/ops")
    assert facts(ops)["Levels"] == "1"
    assert "ladder-management" not in ops and "Main track" not in ops


def test_level_pages_link_along_their_own_track(small_server: str) -> None:
    senior = facts(page(small_server, "/id/level/dev--senior-dev"))
    assert senior["Role"] == "Dev (level 2 of 3, main track)"
    assert (senior["Previous level"], senior["Next level"]) == ("Developer", "Lead dev")
    assert "Beside" not in senior
    lead = facts(page(small_server, "/id/level/dev--lead-dev"))
    assert lead["Previous level"] == "Senior dev" and "Next level" not in lead
    manager = page(small_server, "/id/level/dev--senior-dev-management")
    got = facts(manager)
    assert got["Role"] == "Dev (level 2 of 3, management track)"
    assert got["Beside"].startswith("Senior dev (the main-track level")
    assert 'href="/id/level/dev--senior-dev"' in manager
    assert got["Next level"] == "Lead dev - management" and "Previous level" not in got
    top = facts(page(small_server, "/id/level/dev--lead-dev-management"))
    assert top["Previous level"] == "Senior dev - management" and "Next level" not in top


def test_the_explorer_chains_levels_along_the_tracks(small_graph: Path) -> None:
    graph = load_rdf_file(small_graph)
    assert chain(graph, "Dev") == [
        ("across", "Senior dev", "Senior dev - management"),
        ("next", "Dev", "Developer"),
        ("next", "Developer", "Senior dev"),
        ("next", "Senior dev", "Lead dev"),
        ("next", "Senior dev - management", "Lead dev - management"),
    ]
    explorer = build_explorer(graph, "role", role="Dev")
    assert explorer.subtitle.startswith(
        "5 levels in seniority order (top to bottom) on the main and management tracks, "
    )
    tip = next(n["title"] for n in explorer.nodes if n["label"] == "Lead dev - management")
    assert "Level 3 of 3 of Dev, management track, beside Lead dev" in tip
    # The layout's left column: the role, the main track, then the management track.
    ys = {n["label"]: n["y"] for n in explorer.nodes if n["kind"] == "level" or n["label"] == "Dev"}
    order = sorted(ys, key=ys.__getitem__)
    assert order == [
        "Dev",
        "Developer",
        "Senior dev",
        "Lead dev",
        "Senior dev - management",
        "Lead dev - management",
    ]


def test_ladder_json_rank_is_the_tables_number(small_graph: Path) -> None:
    args = ["ladder", "Dev", "-g", str(small_graph), "-f", "json"]
    data = json.loads(CliRunner().invoke(cli, args).stdout)
    assert [(lv["rank"], lv["level"], lv.get("beside")) for lv in data["levels"]] == [
        (1, "Developer", None),
        (2, "Senior dev", None),
        (2, "Senior dev - management", "Senior dev"),
        (3, "Lead dev", None),
        (3, "Lead dev - management", "Lead dev"),
    ]


# -- the real Software developer (the full export) -----------------------------------


@pytest.fixture(scope="module")
def full_server(full_graph_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(["--graph", str(full_graph_file)], tmp_path_factory.mktemp("full")) as base:
        yield base


@pytest.mark.framework
def test_software_developer_pages_follow_the_tracks(full_server: str) -> None:
    text = page(full_server, "/id/role/software-developer")
    assert [r[:2] for r in table(text, "ladder")] == [
        ["1", "Apprentice developer"],
        ["2", "Junior developer"],
        ["3", "Developer"],
        ["4", "Senior developer"],
        ["5", "Lead developer"],
        ["6", "Principal developer"],
    ]
    assert [r[:3] for r in table(text, "ladder-management")] == [
        ["4", "Senior developer - management", "Senior developer"],
        ["5", "Lead developer - management", "Lead developer"],
        ["6", "Principal developer - management", "Principal developer"],
    ]
    steps = [plain(h) for h in re.findall(r"<h3>(.*?)</h3>", text, re.S)]
    assert "Senior developer to Senior developer - management" not in steps
    assert "Senior developer across to Senior developer - management" in steps
    assert "Senior developer - management to Lead developer" not in steps
    lead = facts(page(full_server, "/id/level/software-developer--lead-developer"))
    assert (lead["Previous level"], lead["Next level"]) == (
        "Senior developer",
        "Principal developer",
    )
    assert lead["Role"] == "Software developer (level 5 of 6, main track)"
    manager = facts(page(full_server, "/id/level/software-developer--senior-developer-management"))
    assert manager["Role"] == "Software developer (level 4 of 6, management track)"
    assert manager["Beside"].startswith("Senior developer (")
    assert manager["Next level"] == "Lead developer - management"


@pytest.mark.framework
def test_software_developer_explorer_follows_the_tracks(full_graph_file: Path) -> None:
    edges = chain(load_rdf_file(full_graph_file), "Software developer")
    assert [e for e in edges if e[0] == "across"] == [
        ("across", "Senior developer", "Senior developer - management")
    ]
    nxt = {(a, b) for kind, a, b in edges if kind == "next"}
    assert ("Senior developer - management", "Lead developer") not in nxt
    assert ("Senior developer", "Lead developer") in nxt
    assert ("Senior developer - management", "Lead developer - management") in nxt
    assert ("Lead developer - management", "Principal developer - management") in nxt
    assert len(nxt) == 8
