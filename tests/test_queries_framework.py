"""Every saved query on the full official export, against answers computed from the CSV.

The expected values below come from the CSV text through the csv module and plain
Python (sets, counters), not from rolegraph's readers.
"""

from __future__ import annotations

import csv
import itertools
import math
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from rolegraph.graph.runner import LocalRunner
from rolegraph.sparql.binding import run_query
from rolegraph.sparql.catalogue import get_query, load_catalogue

pytestmark = pytest.mark.framework
TIERS = ["Awareness", "Working", "Practitioner", "Expert"]
RANK = {t.lower(): i + 1 for i, t in enumerate(TIERS)}
NOT_DEFINED = "This skill level is currently not defined."


class Export:
    """The export read plainly: requirements as (role, level, skill) -> tier."""

    def __init__(self, role_csv: Path, skill_csv: Path) -> None:
        with role_csv.open(encoding="utf-8", newline="") as f:
            self.rows = list(csv.DictReader(f))
        with skill_csv.open(encoding="utf-8", newline="") as f:
            self.skills = list(csv.DictReader(f))
        self.req: dict[tuple[str, str, str], str | None] = {}
        self.family: dict[str, str] = {}
        for r in self.rows:
            role, level, skill = r["Role"].strip(), r["Role Level"].strip(), r["Skill Name"].strip()
            if level == "NOT IN USE":
                level = role
            tier = r["Skill Level"].lower() if r["Skill Level"] in TIERS else None
            self.req[(role, level, skill)] = tier
            self.family[role] = r["Role Family"]
        self.uses: dict[str, set[str]] = defaultdict(set)
        for role, _, skill in self.req:
            self.uses[role].add(skill)


@pytest.fixture(scope="module")
def export(role_csv: Path, skill_csv: Path) -> Export:
    return Export(role_csv, skill_csv)


@pytest.fixture(scope="module")
def runner(full_build: Any) -> LocalRunner:
    return LocalRunner(full_build[2])


def run(runner: LocalRunner, name: str, **params: str) -> list[list[Any]]:
    table = run_query(get_query(name), params, runner)
    return [[None if t is None else t.python() for t in row] for row in table.rows]


def test_every_saved_query_runs_on_the_full_export(runner: LocalRunner) -> None:
    for name, q in load_catalogue().items():
        table = run_query(q, {}, runner)
        assert table.variables == list(q.columns), name


def test_role_pairs_is_the_overlap_of_all_roles(runner: LocalRunner, export: Export) -> None:
    roles = sorted(export.uses)
    expected: list[list[Any]] = []
    for i, a in enumerate(roles):
        for b in roles[i + 1 :]:
            n = len(export.uses[a] & export.uses[b])
            if n:
                expected.append([a, b, n])
    expected.sort(key=lambda r: (-r[2], r[0], r[1]))
    assert run(runner, "role-pairs") == expected
    assert len(expected) >= 400


def test_similar_roles_to_data_scientist(runner: LocalRunner, export: Export) -> None:
    ds = export.uses["Data scientist"]
    expected: list[list[Any]] = []
    for other, skills in export.uses.items():
        shared = len(ds & skills)
        if other != "Data scientist" and shared:
            # SPARQL's ROUND rounds halves up (XPath fn:round); Python's round() to even.
            jaccard = math.floor(1000 * shared / len(ds | skills) + 0.5) / 1000
            expected.append([other, shared, len(skills), jaccard])
    expected.sort(key=lambda r: (-r[1], -r[3], r[0]))
    got = run(runner, "similar-roles", role="Data scientist")
    assert [r[:3] for r in got] == [r[:3] for r in expected]
    assert [r[3] for r in got] == pytest.approx([r[3] for r in expected], abs=1e-9)


def test_shared_skills_with_highest_tiers(runner: LocalRunner, export: Export) -> None:
    a, b = "Data scientist", "Machine learning engineer"

    def highest(role: str, skill: str) -> str:
        tiers = [t for (r, _, s), t in export.req.items() if r == role and s == skill and t]
        return max(tiers, key=lambda t: RANK[t])

    expected = [[s, highest(a, s), highest(b, s)] for s in sorted(export.uses[a] & export.uses[b])]
    assert run(runner, "shared-skills", role=a, other=b) == expected


def test_level_skills(runner: LocalRunner, export: Export) -> None:
    level = "Principal data scientist"
    expected = sorted(
        ([s, t] for (r, lv, s), t in export.req.items() if lv == level),
        key=lambda x: (-RANK[str(x[1])], x[0]),
    )
    assert [r[:2] for r in run(runner, "level-skills", level=level)] == expected


def test_roles_needing_a_skill_at_expert(runner: LocalRunner, export: Export) -> None:
    expected = {
        (r, lv) for (r, lv, s), t in export.req.items() if s == "User focus" and t == "expert"
    }
    got = run(runner, "roles-needing-skill", skill="user focus", min_tier="expert")
    assert {(r[0], r[1]) for r in got} == expected
    assert {r[2] for r in got} == {"expert"}


def test_level_changes_of_software_developer(
    runner: LocalRunner, export: Export, snapshot_dir: Path
) -> None:
    text = (snapshot_dir / "software-developer.extracted.txt").read_text(encoding="utf-8")
    order = re.findall(r"^\d+\. (.+?)\s*$", text, flags=re.MULTILINE)
    tiers = {
        lv: {
            s: t for (r, lv2, s), t in export.req.items() if r == "Software developer" and lv2 == lv
        }
        for lv in order
    }
    expected = []
    # "X - management" is beside X on the management track: consecutive levels of a track.
    tracks = [[lv for lv in order if lv.endswith(" - management") == m] for m in (False, True)]
    steps = [pair for track in tracks for pair in itertools.pairwise(track)]
    assert ("Senior developer", "Lead developer") in steps and len(steps) == 7
    for lower, higher in steps:
        a, b = tiers[lower], tiers[higher]
        for s in sorted(set(a) | set(b)):
            if s not in a:
                change = "added"
            elif s not in b:
                change = "removed"
            elif RANK[str(b[s])] > RANK[str(a[s])]:
                change = "raised"
            elif RANK[str(b[s])] < RANK[str(a[s])]:
                change = "lowered"
            else:
                continue
            expected.append((lower, higher, change, s, a.get(s), b.get(s)))
    got = [tuple(r) for r in run(runner, "level-changes", role="Software developer")]
    key = lambda r: (order.index(r[0]), r[2], r[3])  # noqa: E731
    assert sorted(got, key=key) == sorted(expected, key=key)
    # Up each track no tier is lowered (a management level lowers some hands-on tiers
    # only beside its main level, across the tracks, which the ladder shows).
    assert not any(r[2] == "lowered" for r in got)


def test_role_levels_of_software_developer(
    runner: LocalRunner, export: Export, snapshot_dir: Path
) -> None:
    text = (snapshot_dir / "software-developer.extracted.txt").read_text(encoding="utf-8")
    order = re.findall(r"^\d+\. (.+?)\s*$", text, flags=re.MULTILINE)
    got = run(runner, "role-levels", role="Software developer")
    assert [r[1] for r in got] == order
    assert [r[0] for r in got] == list(range(1, 10))
    counts = Counter(lv for (r, lv, _) in export.req if r == "Software developer")
    assert [r[3] for r in got] == [counts[lv] for lv in order]


def test_skill_ladder(runner: LocalRunner, export: Export) -> None:
    row = next(r for r in export.skills if r["Skill Name"] == "Accessibility")
    got = run(runner, "skill-ladder", skill="Accessibility")
    assert [g[0] for g in got] == ["awareness", "working", "practitioner", "expert"]
    for g, tier in zip(got, TIERS, strict=True):
        assert g[1] == "described"
        assert " ".join(str(g[2]).split()) == " ".join(row[tier].replace("\u200b", "").split())


def test_families(runner: LocalRunner, export: Export) -> None:
    levels = Counter(r for (r, lv) in {(r, lv) for (r, lv, _) in export.req})
    expected = sorted([export.family[r], r, levels[r]] for r in export.family)
    assert run(runner, "families") == expected


def test_top_skills(runner: LocalRunner, export: Export) -> None:
    roles = Counter(s for skills in export.uses.values() for s in skills)
    levels = Counter(s for (_, _, s) in export.req)
    ranked = sorted(roles, key=lambda s: (-roles[s], -levels[s], s))
    assert run(runner, "top-skills") == [[s, roles[s], levels[s]] for s in ranked]


def test_unique_skills(runner: LocalRunner, export: Export) -> None:
    users: dict[str, set[str]] = defaultdict(set)
    for role, skills in export.uses.items():
        for s in skills:
            users[s].add(role)
    expected = sorted([next(iter(r)), s] for s, r in users.items() if len(r) == 1)
    assert run(runner, "unique-skills") == expected


def test_undefined_tiers(runner: LocalRunner, export: Export) -> None:
    expected = [
        [r["Skill Name"], t.lower(), False]
        for r in sorted(export.skills, key=lambda r: r["Skill Name"])
        for t in TIERS
        if r[t].strip() == NOT_DEFINED
    ]
    got = run(runner, "undefined-tiers")
    assert [[g[0], g[1]] for g in got] == [[e[0], e[1]] for e in expected]
    required = {(s, t) for (_, _, s), t in export.req.items()}
    assert [g[2] in ("true", True) for g in got] == [(e[0], e[1]) in required for e in expected]


def test_skills_without_description(runner: LocalRunner, export: Export) -> None:
    def scs(r: dict[str, str]) -> bool:
        return r["Skill Description"].startswith("You can") and not any(r[t].strip() for t in TIERS)

    expected = {
        r["Skill Name"] for r in export.skills if not r["Skill Description"].strip() or scs(r)
    }
    got = run(runner, "skills-without-description")
    assert {g[0] for g in got} == expected
    assert {g[0] for g in got if g[2] in (True, "true")} == {
        r["Skill Name"] for r in export.skills if scs(r)
    }


def test_shared_table_is_empty_without_pages(runner: LocalRunner) -> None:
    assert run(runner, "shared-table") == []
