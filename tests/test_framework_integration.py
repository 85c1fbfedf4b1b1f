"""The whole official export (../shared/framework): counts, reconciliation and facts.

Expected values are computed here straight from the CSV text with the csv module and
simple string handling, independently of rolegraph's readers.
"""

from __future__ import annotations

import csv
import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from rolegraph.combine.framework import load_framework
from rolegraph.graph.build import build_graph
from rolegraph.graph.store import RoleGraph
from rolegraph.graph.validate import validate
from rolegraph.model.report import ImportReport

pytestmark = pytest.mark.framework

PREFIXES = """
PREFIX rg: <https://w3id.org/rolegraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
TIERS = ["Awareness", "Working", "Practitioner", "Expert"]


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def squash(text: str) -> str:
    """Whitespace- and invisible-insensitive form, to compare texts across clean-up."""
    text = text.replace("\u200b", "").replace("\u2028", "\n").replace("\xa0", " ")
    return " ".join(text.split())


def q(graph: RoleGraph, sparql: str) -> list[tuple[Any, ...]]:
    return [
        tuple(None if t is None else t.value for t in row) for row in graph.query(PREFIXES + sparql)
    ]


@pytest.fixture(scope="module")
def rows(role_csv: Path) -> list[dict[str, str]]:
    return read(role_csv)


@pytest.fixture(scope="module")
def skill_rows(skill_csv: Path) -> list[dict[str, str]]:
    return read(skill_csv)


@pytest.fixture(scope="module")
def built(full_build: Any) -> tuple[Any, ImportReport, RoleGraph]:
    return full_build  # type: ignore[no-any-return]


def test_counts(built: Any, rows: list[dict[str, str]], skill_rows: list[dict[str, str]]) -> None:
    _framework, _, graph = built
    families = {r["Role Family"].strip() for r in rows}
    roles = {r["Role"].strip() for r in rows}
    levels = {(r["Role"].strip(), r["Role Level"].strip()) for r in rows}
    requirements = {
        (r["Role"].strip(), r["Role Level"].strip(), r["Skill Name"].strip()) for r in rows
    }
    skills = {r["Skill Name"].strip() for r in skill_rows}
    assert (len(families), len(roles), len(levels), len(skills)) == (8, 52, 205, 188)
    assert len(requirements) == 1809
    counts = dict(
        zip(
            ["families", "roles", "levels", "skills", "requirements"],
            q(
                graph,
                """SELECT (SUM(IF(?c = rg:RoleFamily, 1, 0)) AS ?f) (SUM(IF(?c = rg:Role, 1, 0)) AS ?r)
                          (SUM(IF(?c = rg:RoleLevel, 1, 0)) AS ?l) (SUM(IF(?c = rg:Skill, 1, 0)) AS ?s)
                          (SUM(IF(?c = rg:SkillRequirement, 1, 0)) AS ?q)
                   WHERE { ?x a ?c }""",
            )[0],
            strict=True,
        )
    )
    assert {k: int(v) for k, v in counts.items()} == {
        "families": len(families),
        "roles": len(roles),
        "levels": len(levels),
        "skills": len(skills),
        "requirements": len(requirements),
    }


def test_report_reconciles_to_every_row(built: Any, rows: list[dict[str, str]]) -> None:
    _, report, _ = built
    role_file = next(f for f in report.files if f.file == "role-content.csv")
    assert role_file.rows_read == len(rows) == 1825
    duplicates = len(rows) - len({tuple(r.values()) for r in rows})
    assert role_file.rows_merged == duplicates == 16
    assert role_file.rows_used + role_file.rows_merged + role_file.rows_reported == 1825
    assert report.reconciles


def test_graph_conforms_to_the_shapes(built: Any) -> None:
    report = validate(built[2])
    assert report.conforms, report.to_text()[:2000]


def test_sampled_requirements_match_the_csv(built: Any, rows: list[dict[str, str]]) -> None:
    _, _, graph = built
    sample = random.Random(20250915).sample([r for r in rows if r["Skill Level"] in TIERS], 12)
    for r in sample:
        got = q(
            graph,
            f"""SELECT ?tier ?text WHERE {{
                ?req rg:roleLevel ?lv ; rg:skill ?sk ; rg:tier [ rdfs:label ?tier ] ; rg:descriptor ?text .
                ?lv rdfs:label {_lit(r["Role Level"].strip())} ; rg:role [ rdfs:label {_lit(r["Role"].strip())} ] .
                ?sk rdfs:label {_lit(r["Skill Name"].strip())} .
            }}""",
        )
        assert len(got) == 1, r
        tier, text = got[0]
        assert tier == r["Skill Level"].lower()
        assert squash(text) == squash(r["Skill Level Description"])


def _lit(text: str) -> str:
    """A name as the graph's labels hold it: English text."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@en'


def test_each_roles_skills_match_the_csv(built: Any, rows: list[dict[str, str]]) -> None:
    _, _, graph = built
    expected: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        expected[r["Role"].strip()].add(r["Skill Name"].strip())
    got: dict[str, set[str]] = defaultdict(set)
    for role, skill in q(
        graph,
        "SELECT ?r ?s WHERE { ?role rg:usesSkill ?skill ; rdfs:label ?r . ?skill rdfs:label ?s }",
    ):
        got[role].add(skill)
    assert got == expected


def test_families_match_the_csv(built: Any, rows: list[dict[str, str]]) -> None:
    _, _, graph = built
    expected = {r["Role"].strip(): r["Role Family"].strip() for r in rows}
    got = dict(q(graph, "SELECT ?r ?f WHERE { ?role rg:family [ rdfs:label ?f ] ; rdfs:label ?r }"))
    assert got == expected


def test_tier_descriptors_match_the_skills_file(
    built: Any, skill_rows: list[dict[str, str]]
) -> None:
    _, _, graph = built
    got = {
        (s, t): d
        for s, t, d in q(
            graph,
            """SELECT ?s ?t ?d WHERE { ?skill rdfs:label ?s ; rg:tierDescriptor ?x .
                 ?x rg:tier [ rdfs:label ?t ] ; rg:descriptor ?d }""",
        )
    }
    expected = {
        (r["Skill Name"].strip(), tier.lower()): r[tier]
        for r in skill_rows
        for tier in TIERS
        if r[tier].strip() and r[tier].strip() != "This skill level is currently not defined."
    }
    assert set(got) == set(expected)
    assert all(squash(got[k]) == squash(v) for k, v in expected.items())


def test_undefined_tiers(built: Any, skill_rows: list[dict[str, str]]) -> None:
    _, _, graph = built
    expected = sum(
        1
        for r in skill_rows
        for t in TIERS
        if r[t].strip() == "This skill level is currently not defined."
    )
    assert expected == 60
    got = q(graph, "SELECT (COUNT(*) AS ?n) WHERE { ?s rg:undefinedTier ?t }")
    assert int(got[0][0]) == expected


def test_senior_civil_service_roles(built: Any, rows: list[dict[str, str]]) -> None:
    _, _, graph = built
    expected: dict[str, int] = defaultdict(int)
    for r in rows:
        if r["Role Type"] == "Senior Civil Service":
            expected[r["Role"]] += 1
    got = dict(
        q(
            graph,
            """SELECT ?r (COUNT(?req) AS ?n) WHERE {
                ?role a rg:SeniorCivilServiceRole ; rdfs:label ?r .
                ?lv rg:role ?role . ?req rg:roleLevel ?lv .
                FILTER NOT EXISTS { ?req rg:tier ?t } } GROUP BY ?r""",
        )
    )
    assert {k: int(v) for k, v in got.items()} == dict(expected)
    assert len(expected) == 4


def test_skills_without_description(built: Any, skill_rows: list[dict[str, str]]) -> None:
    _, _, graph = built
    expected = {
        r["Skill Name"]
        for r in skill_rows
        if not r["Skill Description"].strip()
        or (r["Skill Description"].startswith("You can") and not any(r[t].strip() for t in TIERS))
    }
    got = {
        s
        for (s,) in q(
            graph,
            "SELECT ?s WHERE { ?skill a rg:Skill ; rdfs:label ?s . FILTER NOT EXISTS { ?skill dcterms:description ?d } }",
        )
    }
    assert got == expected and len(expected) == 63


def test_software_developer_levels_follow_the_page_order(built: Any, snapshot_dir: Path) -> None:
    _, _, graph = built
    text = (snapshot_dir / "software-developer.extracted.txt").read_text(encoding="utf-8")
    page = re.findall(r"^\d+\. (.+?)\s*$", text, flags=re.MULTILINE)
    assert len(page) == 9
    got = [
        r[0]
        for r in q(
            graph,
            """SELECT ?l WHERE { ?lv rg:role [ rdfs:label "Software developer"@en ] ; rdfs:label ?l ; rg:rank ?k }
               ORDER BY ?k""",
        )
    ]
    assert got == page


def test_uncertain_orders_are_listed(built: Any) -> None:
    _, report, _ = built
    assert set(report.uncertain_orders) >= {
        "Change and release manager",
        "Service transition manager",
    }
    # A role whose names give a clear ladder is not listed.
    assert "Software developer" not in report.uncertain_orders


def test_roles_list_disagreements_are_reported(
    built: Any, rows: list[dict[str, str]], skill_rows: list[dict[str, str]]
) -> None:
    _, report, _ = built
    by_roles: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        by_roles[r["Skill Name"].strip()].add(r["Role"].strip())
    differences = 0
    for r in skill_rows:
        listed = {n.strip() for n in r["Roles that require Skill"].split(",") if n.strip()}
        differences += len(listed ^ by_roles[r["Skill Name"].strip()])
    mismatches = [e for e in report.entries if e.category == "mismatch"]
    assert len(mismatches) == differences == 30


def test_build_with_bundled_data_merges_renamed_things(role_csv: Path, skill_csv: Path) -> None:
    report = ImportReport()
    fw = load_framework(roles=role_csv, skills=skill_csv, bundled=True, report=report)
    assert fw.counts() == {
        "families": 8,
        "roles": 52,
        "role levels": 205,
        "skills": 188,
        "requirements": 1809,
    }
    graph = build_graph(fw)
    ethics = q(
        graph,
        """SELECT ?s ?pref ?alt WHERE { ?s a rg:Skill ; skos:prefLabel ?pref ; skos:altLabel ?alt }""",
    )
    assert ethics == [
        (
            "https://w3id.org/rolegraph/id/skill/data-ethics-and-privacy",
            "Data ethics and privacy",
            "Ethics and privacy (data science)",
        )
    ]
    devops = q(
        graph,
        """SELECT ?r WHERE { ?r a rg:Role ; rdfs:label "Development operations (DevOps) engineer"@en }""",
    )
    assert len(devops) == 1
    # The seed (2024) and the export (2025) word some descriptors differently: the seed is
    # older, so its wording is not used, and reported.
    older = [e.message for e in report.entries if e.category == "older"]
    assert any(
        m.startswith(
            "older source, not used: the descriptor of 'Lead machine learning engineer' x "
            "'Communicating between the technical and non-technical' at "
        )
        for m in older
    ), older[:5]
    # Seed order is stated; it agrees with the derived one.
    ranks = q(
        graph,
        """SELECT ?l ?k ?b WHERE { ?lv rg:role [ rdfs:label "Machine learning engineer"@en ] ;
             rdfs:label ?l ; rg:rank ?k ; rg:rankBasis ?b } ORDER BY ?k""",
    )
    assert ranks == [
        ("Senior machine learning engineer", "1", "stated"),
        ("Lead machine learning engineer", "2", "stated"),
    ]


def test_markdown_report_counts_rows_and_lists_each_doubt_once(
    built: Any, rows: list[dict[str, str]]
) -> None:
    _, report, _ = built
    md = report.to_markdown()
    # Exact duplicate rows of the export, counted here with plain Python: each row after
    # the first of its kind is merged.
    seen: set[tuple[str, ...]] = set()
    duplicates = 0
    for r in rows:
        key = tuple(r.values())
        duplicates += key in seen
        seen.add(key)
    heading = next(ln for ln in md.splitlines() if ln.startswith("## Duplicate rows merged"))
    assert heading.endswith(f", {duplicates} rows)")
    uncertain = len(report.uncertain_orders)
    assert f"## Roles whose level order is uncertain ({uncertain} warnings)" in md
    for role in report.uncertain_orders:
        assert md.count(f"role {role!r}: order uncertain") == 0
        assert md.count(f"\n- {role}: ") == 1


def test_every_disagreement_between_the_files_is_located(
    built: Any, skill_rows: list[dict[str, str]]
) -> None:
    """Each 'Files disagree' and 'one file only' entry names a file and a row; for a role
    the skill's list leaves out, that row (read here with the csv module) is the skill's
    and its list indeed lacks the role."""
    _, report, _ = built
    entries = [e for e in report.entries if e.category in ("mismatch", "one-source")]
    assert len(entries) >= 30
    assert all(e.file and e.rows for e in entries), [e.message for e in entries if not e.rows]
    unlisted = re.compile(
        r"role '(.+)' requires skill '(.+)' in the role content, but the skill descriptions "
        r"do not list the role"
    )
    checked = 0
    for e in entries:
        m = unlisted.match(e.message)
        if not m:
            continue
        row = skill_rows[e.rows[0] - 2]  # row 1 is the header
        assert row["Skill Name"].strip() == m.group(2)
        listed = {r.strip() for r in row["Roles that require Skill"].split(",")}
        assert m.group(1) not in listed
        checked += 1
    assert checked >= 25
