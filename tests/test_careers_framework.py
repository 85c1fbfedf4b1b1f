"""Career analytics on the full official export, against figures computed here from the
CSV text with the csv module and plain Python (dicts, sets, sums; a heapq Dijkstra),
never through rolegraph's readers.

Seniority order is not in the CSV: the ladders below list each role's levels in the
order their names say (trainee < associate < plain < lead < principal < head), by hand.
"""

from __future__ import annotations

import csv
import heapq
import itertools
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rolegraph.analysis.careers import (
    best_matches,
    career_path,
    find_level,
    find_role,
    ladder,
    level_gap,
    overlap,
    read_profile,
    seniority_bands,
    similar,
    team_coverage,
)
from rolegraph.analysis.view import FrameworkView, framework_view
from rolegraph.cli import cli

pytestmark = pytest.mark.framework
TIERS = ["awareness", "working", "practitioner", "expert"]
RANK = {t: i + 1 for i, t in enumerate(TIERS)}


def plain(text: str) -> str:
    """Text compared without invisible characters and with one space between words."""
    return " ".join(re.sub("[\u200b\u200c\u200d\u2060\ufeff\u00ad]", "", text).split())


class Export:
    """The role file read plainly: level -> {skill: rank}; an untiered (Senior Civil
    Service) requirement is None; the first of two rows for a level and skill wins."""

    def __init__(self, role_csv: Path) -> None:
        self.req: dict[str, dict[str, int | None]] = {}
        self.role: dict[str, str] = {}
        self.desc: dict[tuple[str, str], str] = {}
        with role_csv.open(encoding="utf-8-sig", newline="") as f:
            for r in csv.DictReader(f):
                role, level, skill = (
                    plain(r["Role"]),
                    plain(r["Role Level"]),
                    plain(r["Skill Name"]),
                )
                tier = r["Skill Level"].strip().lower()
                if level == "NOT IN USE":
                    level = role
                levels = self.req.setdefault(level, {})
                if skill in levels:
                    continue
                levels[skill] = RANK.get(tier)
                self.role[level] = role
                text = r["Skill Level Description"]
                # Senior Civil Service rows: the "You can:" text is the Skill Description.
                self.desc[(level, skill)] = r["Skill Description"] if text == "NOT IN USE" else text

    def role_tiers(self, role: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for level, req in self.req.items():
            if self.role[level] == role:
                for skill, tier in req.items():
                    out[skill] = max(out.get(skill, 0), tier or 1)
        return out


def wj(a: Mapping[str, int | None], b: Mapping[str, int | None]) -> float:
    """Weighted Jaccard of tier ranks, written out: sum of minima over sum of maxima
    (0 for a skill not needed, 1 for one needed with no tier)."""

    def w(p: Mapping[str, int | None], skill: str) -> int:
        return 0 if skill not in p else (p[skill] or 1)

    skills = set(a) | set(b)
    lo = sum(min(w(a, s), w(b, s)) for s in skills)
    hi = sum(max(w(a, s), w(b, s)) for s in skills)
    return lo / hi


def expected_gap(
    have: Mapping[str, int | None], need: Mapping[str, int | None]
) -> dict[str, tuple[str, int]]:
    """skill -> (status, steps), from the two tier profiles."""
    out: dict[str, tuple[str, int]] = {}
    for skill, tier in need.items():
        held = (have[skill] or 1) if skill in have else 0
        steps = max(0, (tier or 1) - held)
        out[skill] = ("gap" if steps else "met", steps)
    for skill in have:
        out.setdefault(skill, ("not needed", 0))
    return out


def name(tier: int | None) -> str:
    return "untiered" if tier is None else TIERS[tier - 1]


@pytest.fixture(scope="module")
def export(role_csv: Path) -> Export:
    return Export(role_csv)


@pytest.fixture(scope="module")
def view(full_build: Any) -> FrameworkView:
    return framework_view(full_build[2])


# -- gaps -----------------------------------------------------------------------------

PAIRS = [
    ("Data scientist", "Lead data scientist"),  # the same role, one step up
    ("Associate data analyst", "Data scientist"),  # another role of the family
    ("Senior developer", "Lead data engineer"),  # another family
    ("Lead data scientist", "Principal data scientist"),  # a step up that lowers tiers
    ("Head of data science", "Chief data officer"),  # to a Senior Civil Service role
]


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_gap_between_levels(view: FrameworkView, export: Export, source: str, target: str) -> None:
    g = level_gap(view, find_level(view, source), find_level(view, target))
    have, need = export.req[source], export.req[target]
    expected = expected_gap(have, need)
    assert {s.label: (s.status, s.steps) for s in g.skills} == expected
    assert g.steps == sum(steps for _, steps in expected.values())
    for s in g.skills:
        assert s.have == (name(have[s.label]) if s.label in have else None)
        assert s.need == (name(need[s.label]) if s.label in need else None)
        if s.status == "gap":
            assert s.descriptor is not None
            assert plain(s.descriptor) == plain(export.desc[(target, s.label)])


def test_gap_figures(view: FrameworkView, export: Export) -> None:
    """The totals, stated: each computed from the CSV by expected_gap."""
    totals = {
        pair: sum(s for _, s in expected_gap(export.req[pair[0]], export.req[pair[1]]).values())
        for pair in PAIRS
    }
    assert totals[PAIRS[0]] == 9  # Delivering business impact working -> expert, 7 others +1
    assert totals[PAIRS[3]] == 0  # Principal needs nothing Lead lacks: 4 skills lowered
    for pair, total in totals.items():
        assert level_gap(view, find_level(view, pair[0]), find_level(view, pair[1])).steps == total


def test_gap_cli_on_the_framework(runner: CliRunner, full_graph_file: Path, export: Export) -> None:
    result = runner.invoke(
        cli,
        [
            "gap",
            "associate data analyst",
            "DATA SCIENTIST",
            "-g",
            str(full_graph_file),
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    expected = expected_gap(export.req["Associate data analyst"], export.req["Data scientist"])
    assert {s["skill"]: (s["status"], s["steps"]) for s in data["skills"]} == expected
    assert data["steps"] == sum(s for _, s in expected.values())


# -- ladders --------------------------------------------------------------------------

LADDERS = {
    "Data scientist": [
        "Trainee data scientist",
        "Associate data scientist",
        "Data scientist",
        "Lead data scientist",
        "Principal data scientist",
        "Head of data science",
    ],
    "Data engineer": [
        "Data engineer",
        "Senior data engineer",
        "Lead data engineer",
        "Head of data engineering",
    ],
    "Content designer": [
        "Associate content designer",
        "Junior content designer",
        "Content designer",
        "Senior content designer",
        "Lead content designer",
        "Head of content design",
    ],
}


def expected_changes(
    a: Mapping[str, int | None], b: Mapping[str, int | None]
) -> set[tuple[str, str]]:
    out = set()
    for skill in set(a) | set(b):
        if skill not in a:
            out.add(("added", skill))
        elif skill not in b:
            out.add(("removed", skill))
        elif (b[skill] or 1) > (a[skill] or 1):
            out.add(("raised", skill))
        elif (b[skill] or 1) < (a[skill] or 1):
            out.add(("lowered", skill))
    return out


@pytest.mark.parametrize("role", sorted(LADDERS))
def test_ladders(view: FrameworkView, export: Export, role: str) -> None:
    lad = ladder(view, find_role(view, role))
    order = LADDERS[role]
    assert [lv.label for lv in lad.levels] == order
    assert list(lad.skill_counts) == [len(export.req[lv]) for lv in order]
    for step, (lower, higher) in zip(lad.steps, itertools.pairwise(order), strict=True):
        got = {(c.change, c.label) for c in step.changes}
        assert got == expected_changes(export.req[lower], export.req[higher]), (lower, higher)
    lowered = {c.label for st in lad.steps for c in st.changes if c.change == "lowered"}
    assert lowered, f"{role} has a lowered tier in the export"


def test_lowered_tiers_stated(view: FrameworkView, export: Export) -> None:
    lad = ladder(view, find_role(view, "Data engineer"))
    last = lad.steps[-1]
    assert [
        (c.change, c.label, c.before, c.after) for c in last.changes if c.change == "lowered"
    ] == [("lowered", "Data modelling", "expert", "working")]
    assert export.req["Lead data engineer"]["Data modelling"] == 4
    assert export.req["Head of data engineering"]["Data modelling"] == 2
    ds = ladder(view, find_role(view, "Data scientist"))
    assert sum(c.change == "lowered" for st in ds.steps for c in st.changes) == 7


# -- similarity -----------------------------------------------------------------------


def test_roles_most_similar_to_data_scientist(view: FrameworkView, export: Export) -> None:
    roles = set(export.role.values())
    ds = export.role_tiers("Data scientist")
    scores = sorted(
        ((-wj(ds, export.role_tiers(r)), r) for r in roles - {"Data scientist"}
         if set(ds) & set(export.role_tiers(r))),
    )  # fmt: skip
    expected = [(r, -s) for s, r in scores[:5]]
    got = similar(view, find_role(view, "Data scientist"), top=5)
    assert [n.label for n in got] == [r for r, _ in expected]
    for n, (_, score) in zip(got, expected, strict=True):
        assert n.similarity == pytest.approx(score, abs=1e-12)
    assert expected[0][0] == "Machine learning engineer"
    # 3 shared skills; the data scientist's highest tiers against the engineer's.
    assert got[0].shared == len(set(ds) & set(export.role_tiers("Machine learning engineer"))) == 3


def test_levels_most_similar_to_senior_data_engineer(view: FrameworkView, export: Export) -> None:
    me = export.req["Senior data engineer"]
    ranked = sorted(
        (-wj(me, req), level) for level, req in export.req.items()
        if level != "Senior data engineer" and set(me) & set(req)
    )  # fmt: skip
    got = similar(view, find_level(view, "Senior data engineer"), top=8)
    assert [n.label for n in got] == [level for _, level in ranked[:8]]
    for n, (score, _) in zip(got, ranked, strict=False):
        assert n.similarity == pytest.approx(-score, abs=1e-12)


def test_levels_of_other_roles_most_similar_to_senior_data_engineer(
    view: FrameworkView, export: Export, runner: CliRunner, full_graph_file: Path
) -> None:
    me = export.req["Senior data engineer"]
    ranked = sorted(
        (-wj(me, req), level) for level, req in export.req.items()
        if export.role[level] != "Data engineer" and set(me) & set(req)
    )  # fmt: skip
    got = similar(view, find_level(view, "Senior data engineer"), top=5, other_roles=True)
    assert [n.label for n in got] == [level for _, level in ranked[:5]]
    assert "Data engineer" not in {n.role for n in got}
    assert got[0].label == "Senior analytics engineer"
    # Without the option the first three are Data engineer's own levels.
    plain = similar(view, find_level(view, "Senior data engineer"), top=3)
    assert {n.role for n in plain} == {"Data engineer"}
    result = runner.invoke(
        cli,
        ["similar", "Senior data engineer", "--other-roles", "-g", str(full_graph_file), "-n", "2"],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == (
        "The role levels of other roles most similar to Senior data engineer "
        "(tier-weighted Jaccard; shared = skills both use)"
    )
    rows = [re.split(r"\s{2,}", line.strip()) for line in result.stdout.splitlines()[4:]]
    assert [row[1] for row in rows] == [level for _, level in ranked[:2]]


def test_the_overlap_matrix(view: FrameworkView, export: Export) -> None:
    ov = overlap(view)
    assert sorted(ov.labels) == sorted(set(export.role.values())) and ov.left_out == []
    tiers = {r: export.role_tiers(r) for r in ov.labels}
    for i, a in enumerate(ov.labels):
        for j, b in enumerate(ov.labels):
            assert ov.similarity[i][j] == pytest.approx(wj(tiers[a], tiers[b]), abs=1e-12)
            assert ov.shared[i][j] == len(set(tiers[a]) & set(tiers[b]))
    # Clustered: the three design roles needing the same skills at the same tiers sit together.
    designers = {"Graphic designer", "Interaction designer", "Service designer"}
    at = sorted(ov.labels.index(d) for d in designers)
    assert at[2] - at[0] == 2


@pytest.mark.slow
def test_the_full_heatmap_is_deterministic(
    runner: CliRunner, full_graph_file: Path, tmp_path: Path
) -> None:
    out = [tmp_path / "one.png", tmp_path / "two.png"]
    for path in out:
        result = runner.invoke(cli, ["overlap", "-g", str(full_graph_file), "-o", str(path)])
        assert result.exit_code == 0
        assert result.stderr == f"Wrote the heatmap of 52 roles to {path}.\n"
    data = out[0].read_bytes()
    assert data == out[1].read_bytes()
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > 1500 and height > 1500  # 52 legible labels need room


# -- paths ----------------------------------------------------------------------------


def independent_cheapest(
    export: Export, order: dict[str, list[str]], band: dict[str, int], source: str, target: str
) -> int:
    """The cheapest cost over promotions (next level in ``order`` on the same track: a
    name ending "- management" is on the management track), moves across tracks (same
    role and band) and lateral moves (same band, another role), by a heapq Dijkstra
    written here."""

    def cost(a: str, b: str) -> int:
        return sum(s for _, s in expected_gap(export.req[a], export.req[b]).values())

    moves: dict[str, list[str]] = {lv: [] for lv in export.req}
    for levels in order.values():
        for track in (False, True):
            on = [lv for lv in levels if is_management(lv) == track]
            for a, b in itertools.pairwise(on):
                moves[a].append(b)
    for a in export.req:
        for b in export.req:
            if band[a] == band[b] and (
                export.role[a] != export.role[b] or is_management(a) != is_management(b)
            ):
                moves[a].append(b)
    best = {source: 0}
    queue = [(0, source)]
    while queue:
        d, here = heapq.heappop(queue)
        if here == target:
            return d
        if d > best[here]:
            continue
        for nxt in moves[here]:
            nd = d + cost(here, nxt)
            if nd < best.get(nxt, 1 << 30):
                best[nxt] = nd
                heapq.heappush(queue, (nd, nxt))
    raise AssertionError("no path")


WORDS = {"apprentice": 0, "trainee": 0, "associate": 0, "junior": 0, "senior": 2, "major": 2,
         "lead": 3, "principal": 4, "head": 5, "chief": 5}  # fmt: skip


def is_management(level: str) -> bool:
    return level.endswith(" - management")


def name_band(level: str) -> int:
    words = re.findall("[a-z]+", level.lower())
    hits = [WORDS[w] for w in words if w in WORDS]
    return max(hits) if hits else 1


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Associate data analyst", "Lead data scientist"),
        ("Junior developer", "Head of data science"),
        ("Data engineer", "Lead performance analyst"),
        ("Developer", "Principal DevOps engineer - management"),
        ("Senior developer", "Lead developer"),
    ],
)
def test_cheapest_paths(view: FrameworkView, export: Export, source: str, target: str) -> None:
    # Level order from the graph (the CSV has none); bands from names, here.
    order = {
        role.label: [lv.label for lv in view.levels_of(iri)] for iri, role in view.roles.items()
    }
    band: dict[str, int] = {}
    for levels in order.values():
        floor = {False: 0, True: 0}
        for lv in levels:
            floor[is_management(lv)] = max(floor[is_management(lv)], name_band(lv))
            band[lv] = floor[is_management(lv)]
    assert {view.levels[k].label: b for k, b in seniority_bands(view).items()} == band
    p = career_path(view, find_level(view, source), find_level(view, target))
    assert p.cost == independent_cheapest(export, order, band, source, target)
    if (source, target) != ("Senior developer", "Lead developer"):
        assert len(p.moves) >= 2, "the direct jump is not an allowed move"
    assert p.moves[0].gap.source == source and p.moves[-1].gap.target == target
    for one, two in itertools.pairwise(p.moves):
        assert one.gap.target == two.gap.source
    for m in p.moves:
        a, b = m.gap.source, m.gap.target
        expected = sum(s for _, s in expected_gap(export.req[a], export.req[b]).values())
        assert m.cost == expected
        if m.kind == "promotion":
            levels = [lv for lv in order[export.role[a]] if is_management(lv) == is_management(a)]
            assert levels.index(b) == levels.index(a) + 1
        elif m.kind == "across":
            assert band[a] == band[b] and export.role[a] == export.role[b]
            assert is_management(a) != is_management(b)
        else:
            assert band[a] == band[b] and export.role[a] != export.role[b]


def test_path_figures(view: FrameworkView) -> None:
    p = career_path(
        view, find_level(view, "Associate data analyst"), find_level(view, "Lead data scientist")
    )
    assert [(m.kind, m.gap.target, m.cost) for m in p.moves] == [
        ("lateral", "Associate data scientist", 15),
        ("promotion", "Data scientist", 7),
        ("promotion", "Lead data scientist", 9),
    ]


# -- profiles -------------------------------------------------------------------------


def test_a_profile_equal_to_a_level_matches_it(
    view: FrameworkView, export: Export, tmp_path: Path
) -> None:
    level = "Senior data engineer"
    f = tmp_path / "me.csv"
    with f.open("w", encoding="utf-8", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["skill", "tier"])
        for skill, tier in sorted(export.req[level].items()):
            w.writerow([skill.upper(), TIERS[(tier or 1) - 1].capitalize()])
    read = read_profile(f, view)
    matches = best_matches(view, read.people["you"], top=3)
    assert (matches[0].level.label, matches[0].similarity, matches[0].steps) == (level, 1.0, 0)
    others = sorted(
        (-wj(export.req[level], req), lv) for lv, req in export.req.items() if lv != level
    )
    assert [m.level.label for m in matches[1:]] == [lv for _, lv in others[:2]]


def test_team_coverage_on_the_framework(
    view: FrameworkView, export: Export, tmp_path: Path
) -> None:
    team = {"Ana": "Data engineer", "Bo": "Data analyst"}
    f = tmp_path / "team.csv"
    with f.open("w", encoding="utf-8", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["person", "skill", "tier"])
        for person, level in team.items():
            for skill, tier in sorted(export.req[level].items()):
                w.writerow([person, skill, tier])
    read = read_profile(f, view)
    target = "Lead data engineer"
    cov = {c.skill: c for c in team_coverage(view, read.people, find_level(view, target))}
    assert set(cov) == set(export.req[target])
    for skill, tier in export.req[target].items():
        held = {p: export.req[lv][skill] for p, lv in team.items() if skill in export.req[lv]}
        need = tier or 1
        assert cov[skill].holders == tuple(p for p, t in held.items() if (t or 1) >= need)
        assert cov[skill].short == max(0, need - max([(t or 1) for t in held.values()], default=0))


def test_a_derived_level_order_is_said(full_graph_file: Path, runner: Any) -> None:
    """The CSV states no order: every ladder says its order was derived; the bundled
    page states its order, and its ladder says nothing."""
    from rolegraph.cli import cli

    derived = runner.invoke(cli, ["ladder", "Data scientist", "--graph", str(full_graph_file)])
    assert derived.exit_code == 0, derived.output
    assert derived.stdout.splitlines()[0].endswith(
        "(order derived from level names and tiers, not stated by a source)"
    )
    doc = json.loads(
        runner.invoke(
            cli, ["ladder", "Data scientist", "--graph", str(full_graph_file), "-f", "json"]
        ).stdout
    )
    assert {lv["rank_basis"] for lv in doc["levels"]} == {"derived"}
    stated = runner.invoke(cli, ["ladder", "Machine learning engineer", "-f", "json"])
    assert {lv["rank_basis"] for lv in json.loads(stated.stdout)["levels"]} == {"stated"}
    assert "derived" not in runner.invoke(cli, ["ladder", "Machine learning engineer"]).stdout
