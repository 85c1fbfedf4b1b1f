"""Management tracks: "X - management" is a level beside X on the role's management
track, not a rung above it (issue 19). The graph says so (rg:track, rg:nextLevel along
each track); ``ladder`` shows both tracks; ``path`` goes up either track or across
between them in the same band, never forced through the other; ``gap`` is unchanged.

Hand-written frameworks first (a small CSV in the official shape), then the real
Software developer page from ../shared."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers.minicsv import ROLE_HEADER
from rolegraph.analysis.careers import (
    ACROSS,
    LATERAL,
    PROMOTION,
    career_path,
    find_level,
    find_role,
    ladder,
    level_gap,
    move_graph,
    seniority_bands,
    tracks_of,
)
from rolegraph.analysis.view import FrameworkView, framework_view
from rolegraph.cli import cli
from rolegraph.combine.framework import load_framework
from rolegraph.graph.build import build_graph
from rolegraph.graph.store import RoleGraph

#: Dev: level -> {skill: tier}; "- management" levels need more of "People".
DEV = {
    "Developer": {"Code": "Working", "People": "Awareness"},
    "Senior dev": {"Code": "Practitioner", "People": "Working"},
    "Senior dev - management": {"Code": "Practitioner", "People": "Practitioner"},
    "Lead dev": {"Code": "Expert", "People": "Working"},
    "Lead dev - management": {"Code": "Practitioner", "People": "Expert"},
}
#: Ops: one track, for lateral moves.
OPS = {"Senior ops": {"Code": "Working", "People": "Working"}}


def write_csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(ROLE_HEADER)
        for role, levels in (("Dev", DEV), ("Ops", OPS)):
            for level, skills in levels.items():
                for skill, tier in skills.items():
                    w.writerow(
                        [
                            "Software",
                            role,
                            f"{role} role.",
                            level,
                            f"{level}.",
                            skill,
                            f"{skill} skill.",
                            tier,
                            f"You can:\n- {skill.lower()} at {tier.lower()}",
                            "Level",
                        ]
                    )
    return path


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RoleGraph]:
    roles = write_csv(tmp_path_factory.mktemp("tracks") / "roles.csv")
    return roles, build_graph(load_framework(roles=roles))


@pytest.fixture(scope="module")
def view(small: tuple[Path, RoleGraph]) -> FrameworkView:
    return framework_view(small[1])


def labels(view: FrameworkView, iris: list[str]) -> list[str]:
    return [view.levels[i].label for i in iris]


def test_the_graph_puts_management_levels_on_their_own_track(
    small: tuple[Path, RoleGraph],
) -> None:
    graph = small[1]
    prefix = (
        "PREFIX rg: <https://w3id.org/rolegraph/ontology#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    )
    tracked = {
        (r["l"].value, r["t"].value)
        for r in graph.query(prefix + "SELECT ?l ?t WHERE { ?x rg:track ?t ; rdfs:label ?l }")
    }
    assert tracked == {
        ("Senior dev - management", "management"),
        ("Lead dev - management", "management"),
    }
    nxt = sorted(
        (r["a"].value, r["b"].value)
        for r in graph.query(
            prefix + "SELECT ?a ?b WHERE { ?x rg:nextLevel ?y . ?x rdfs:label ?a . "
            "?y rdfs:label ?b . ?y rg:previousLevel ?x }"
        )
    )
    assert nxt == [
        ("Developer", "Senior dev"),
        ("Senior dev", "Lead dev"),
        ("Senior dev - management", "Lead dev - management"),
    ]
    # The rank still orders every level of the role: X - management right after X.
    ranks = [
        r["l"].value
        for r in graph.query(
            prefix
            + "SELECT ?l WHERE { ?x rg:role/rdfs:label 'Dev'@en ; rdfs:label ?l ; rg:rank ?k }"
            " ORDER BY ?k"
        )
    ]
    assert ranks == list(DEV)


def test_the_view_reads_tracks_and_a_graph_without_them_by_name(
    view: FrameworkView, small: tuple[Path, RoleGraph]
) -> None:
    assert {lv.label: lv.track for lv in view.levels.values()} == {
        "Developer": "main",
        "Senior dev": "main",
        "Senior dev - management": "management",
        "Lead dev": "main",
        "Lead dev - management": "management",
        "Senior ops": "main",
    }
    # A graph written before rg:track existed: the level's name says which track.
    track = "https://w3id.org/rolegraph/ontology#track"
    old = RoleGraph.from_triples(t for t in small[1].triples() if t.predicate.value != track)
    assert len(old) == len(small[1]) - 2
    again = framework_view(old)
    assert {lv.label: lv.track for lv in again.levels.values()} == {
        lv.label: lv.track for lv in view.levels.values()
    }


def test_moves_go_up_each_track_and_across_within_a_band(view: FrameworkView) -> None:
    lv = {view.levels[i].label: i for i in view.levels}
    bands = seniority_bands(view)
    assert bands[lv["Senior dev - management"]] == bands[lv["Senior dev"]]
    assert bands[lv["Lead dev - management"]] == bands[lv["Lead dev"]]
    g = move_graph(view)

    def kind(a: str, b: str) -> str | None:
        return g.edges[lv[a], lv[b]]["kind"] if g.has_edge(lv[a], lv[b]) else None

    assert kind("Senior dev", "Lead dev") == PROMOTION
    assert kind("Senior dev - management", "Lead dev - management") == PROMOTION
    assert kind("Senior dev", "Senior dev - management") == ACROSS
    assert kind("Senior dev - management", "Senior dev") == ACROSS
    assert kind("Lead dev - management", "Lead dev") == ACROSS
    # Never a rung from one track to the next band of the other, nor down.
    assert kind("Senior dev - management", "Lead dev") is None
    assert kind("Senior dev", "Lead dev - management") is None
    assert kind("Lead dev", "Senior dev - management") is None
    assert kind("Senior dev - management", "Senior ops") == LATERAL
    # An across move costs its gap, as every move does.
    assert g.edges[lv["Senior dev"], lv["Senior dev - management"]]["cost"] == 1
    assert g.edges[lv["Senior dev - management"], lv["Senior dev"]]["cost"] == 0
    tracks = tracks_of(view, find_role(view, "Dev"))
    assert {name: [x.label for x in t] for name, t in tracks.items()} == {
        "main": ["Developer", "Senior dev", "Lead dev"],
        "management": ["Senior dev - management", "Lead dev - management"],
    }


def test_paths_up_either_track_and_across(view: FrameworkView) -> None:
    def path(a: str, b: str) -> list[tuple[str, str, int]]:
        p = career_path(view, find_level(view, a), find_level(view, b))
        return [(m.kind, m.gap.target, m.cost) for m in p.moves]

    # Up the main track directly: 1 move (Code to expert), not via the management level.
    assert path("Senior dev", "Lead dev") == [(PROMOTION, "Lead dev", 1)]
    assert level_gap(view, find_level(view, "Senior dev"), find_level(view, "Lead dev")).steps == 1
    assert path("Senior dev - management", "Lead dev - management") == [
        (PROMOTION, "Lead dev - management", 1)
    ]
    # To the other track: across first (1 + 1) is cheaper than up then across (1 + 2).
    assert path("Senior dev", "Lead dev - management") == [
        (ACROSS, "Senior dev - management", 1),
        (PROMOTION, "Lead dev - management", 1),
    ]
    assert path("Lead dev - management", "Lead dev") == [(ACROSS, "Lead dev", 1)]


def test_the_ladder_has_two_tracks(view: FrameworkView) -> None:
    lad = ladder(view, find_role(view, "Dev"))
    assert [(t.name, [x.label for x in t.levels]) for t in lad.tracks] == [
        ("main", ["Developer", "Senior dev", "Lead dev"]),
        ("management", ["Senior dev - management", "Lead dev - management"]),
    ]
    assert [(s.kind, s.lower.label, s.higher.label) for s in lad.steps] == [
        (PROMOTION, "Developer", "Senior dev"),
        (PROMOTION, "Senior dev", "Lead dev"),
        (ACROSS, "Senior dev", "Senior dev - management"),
        (ACROSS, "Lead dev", "Lead dev - management"),
        (PROMOTION, "Senior dev - management", "Lead dev - management"),
    ]
    one = ladder(view, find_role(view, "Ops"))
    assert [t.name for t in one.tracks] == ["main"] and one.steps == ()


LADDER_TEXT = """\
Dev: 5 levels on 2 tracks, most junior first (order derived from level names and tiers, not stated by a source)

Main track
  1. Developer: 2 skills
  2. Senior dev: 2 skills; 2 raised, 0 unchanged
  3. Lead dev: 2 skills; 1 raised, 1 unchanged

Management track (each level beside the main level of its band)
  2. Senior dev - management: 2 skills; across from Senior dev: 1 raised, 1 unchanged
  3. Lead dev - management: 2 skills; up from Senior dev - management: 1 raised, 1 unchanged; across from Lead dev: 1 raised, 1 lowered, 0 unchanged
"""


def test_ladder_cli_shows_both_tracks(
    runner: CliRunner, small: tuple[Path, RoleGraph], tmp_path: Path
) -> None:
    graph = tmp_path / "dev.ttl"
    built = runner.invoke(cli, ["build", "--roles", str(small[0]), "-o", str(graph), "-q"])
    assert built.exit_code == 0, built.output
    result = runner.invoke(cli, ["ladder", "Dev", "--graph", str(graph)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(LADDER_TEXT)
    rows = [re.split(r"\s{2,}", line) for line in result.stdout.splitlines()[-7:]]
    assert rows == [
        ["Developer", "Senior dev", "raised", "Code", "working", "practitioner"],
        ["Developer", "Senior dev", "raised", "People", "awareness", "working"],
        ["Senior dev", "Lead dev", "raised", "Code", "practitioner", "expert"],
        ["Senior dev", "Senior dev - management", "raised", "People", "working", "practitioner"],
        ["Lead dev", "Lead dev - management", "raised", "People", "working", "expert"],
        ["Lead dev", "Lead dev - management", "lowered", "Code", "expert", "practitioner"],
        ["Senior dev - management", "Lead dev - management", "raised", "People", "practitioner",
         "expert"],
    ]  # fmt: skip
    md = runner.invoke(cli, ["ladder", "Dev", "--graph", str(graph), "-f", "md"]).stdout
    assert "#### Management track (each level beside the main level of its band)\n\n2. " in md
    data = json.loads(runner.invoke(cli, ["ladder", "Dev", "-g", str(graph), "-f", "json"]).stdout)
    assert data["tracks"] == [
        {"track": "main", "levels": ["Developer", "Senior dev", "Lead dev"]},
        {"track": "management", "levels": ["Senior dev - management", "Lead dev - management"]},
    ]
    by_name = {lv["level"]: lv for lv in data["levels"]}
    assert by_name["Senior dev - management"]["track"] == "management"
    assert "from" not in by_name["Senior dev - management"]
    assert [a["from"] for a in by_name["Lead dev - management"]["across"]] == ["Lead dev"]
    assert by_name["Lead dev"]["from"] == "Senior dev"
    # A one-track role reads as it always did.
    ops = runner.invoke(cli, ["ladder", "Ops", "--graph", str(graph)]).stdout
    assert ops.startswith("Ops: 1 level, most junior first")
    assert "track" not in ops


# -- the real Software developer page (../shared) ------------------------------------


@pytest.fixture(scope="module")
def developer_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import SNAPSHOT, need

    page = need(SNAPSHOT / "software-developer.html")
    out = tmp_path_factory.mktemp("developer") / "developer.ttl"
    built = CliRunner().invoke(cli, ["build", "--page", str(page), "-o", str(out), "-q"])
    assert built.exit_code == 0, built.output
    return out


@pytest.mark.framework
def test_path_senior_to_lead_developer_is_one_promotion(
    runner: CliRunner, developer_graph: Path
) -> None:
    args = ["path", "Senior developer", "Lead developer", "--graph", str(developer_graph)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "Senior developer → Lead developer: 1 move, 2 tier steps to gain"
    )
    data = json.loads(runner.invoke(cli, [*args, "-f", "json"]).stdout)
    assert [(m["kind"], m["from"], m["to"]) for m in data["moves"]] == [
        ("promotion", "Senior developer", "Lead developer")
    ]
    assert data["cost"] == 2
    gap = runner.invoke(
        cli, ["gap", "Senior developer", "Lead developer", "-g", str(developer_graph)]
    )
    assert gap.stdout.splitlines()[0] == (
        "Senior developer → Lead developer: 2 skills to develop (2 tier steps), "
        "8 already met, 0 not needed"
    )
    # To the management track one band up: across at senior (1), then up (2).
    other = runner.invoke(
        cli,
        ["path", "Senior developer", "Lead developer - management", "-g", str(developer_graph)],
    )
    assert other.stdout.splitlines()[0] == (
        "Senior developer → Lead developer - management: 2 moves, 3 tier steps to gain"
    )
    assert "   1  across     Senior developer               Senior developer - management" in (
        other.stdout
    )


@pytest.mark.framework
def test_ladder_software_developer_shows_two_tracks(
    runner: CliRunner, developer_graph: Path
) -> None:
    result = runner.invoke(cli, ["ladder", "Software developer", "-g", str(developer_graph)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Software developer: 9 levels on 2 tracks, most junior first"
    main = lines[lines.index("Main track") + 1 : lines.index("Main track") + 7]
    assert [line.split(":")[0].strip() for line in main] == [
        "1. Apprentice developer",
        "2. Junior developer",
        "3. Developer",
        "4. Senior developer",
        "5. Lead developer",
        "6. Principal developer",
    ]
    at = lines.index("Management track (each level beside the main level of its band)")
    assert [line.split(":")[0].strip() for line in lines[at + 1 : at + 4]] == [
        "4. Senior developer - management",
        "5. Lead developer - management",
        "6. Principal developer - management",
    ]
    assert lines[at + 1] == (
        "  4. Senior developer - management: 10 skills; across from Senior developer: "
        "1 raised, 9 unchanged"
    )
    # No step runs from a management level to the next main level.
    pairs = {
        tuple(re.split(r"\s{2,}", line)[:2])
        for line in lines[
            lines.index("Management track (each level beside the main level of its band)") + 5 :
        ]
        if not line.startswith("-")
    }
    assert ("Senior developer - management", "Lead developer") not in pairs
    assert ("Senior developer", "Senior developer - management") in pairs
    assert ("Senior developer", "Lead developer") in pairs


def test_the_derived_order_checks_tiers_along_each_track() -> None:
    """The CSV states no order: rolegraph checks its derived order by comparing each level
    with the one below it on its own track, not with the management level beside it."""
    from rolegraph.combine.ordering import derive_order

    profiles = {
        "Senior x": {"a": 3, "p": 1, "q": 1},
        "Senior x - management": {"a": 2, "p": 4, "q": 4},
        "Lead x": {"a": 4, "p": 3, "q": 3},
        "Lead x - management": {"a": 3, "p": 4, "q": 4},
    }
    got = derive_order(list(reversed(profiles)), profiles)
    assert got.levels == list(profiles)
    # Lead x needs p and q lower than Senior x - management does, but that is another
    # track: no doubt.
    assert got.doubts == []
    # Along a track, a drop is still a doubt.
    profiles["Lead x - management"] = {"a": 1, "p": 4, "q": 1}
    assert derive_order(list(profiles), profiles).doubts == [
        "'Lead x - management' needs 2 shared skills at a lower tier than "
        "'Senior x - management' and 0 at a higher one"
    ]
