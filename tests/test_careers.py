"""Career analytics on the bundled data and on small frameworks written here by hand:
gap, ladder, similar, overlap, path, assess; library and CLI (in-process, exact output)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from rolegraph.analysis.careers import (
    BANDS,
    GAP,
    LATERAL,
    MET,
    NOT_NEEDED,
    PROMOTION,
    best_matches,
    career_path,
    compare,
    find_level,
    find_role_or_level,
    find_skill,
    gap_steps,
    ladder,
    level_gap,
    move_graph,
    overlap,
    read_profile,
    seniority_bands,
    similar,
    team_coverage,
)
from rolegraph.analysis.view import (
    FrameworkView,
    LevelInfo,
    RoleInfo,
    framework_view,
    tier_similarity,
)
from rolegraph.cli import cli
from rolegraph.combine.framework import load_framework
from rolegraph.errors import InputError, NotFound
from rolegraph.graph.build import build_graph

ROOT = Path(__file__).resolve().parent.parent
#: The one line said after a command the bundled sample answered.
BUNDLED = (
    "note: answered from the bundled sample (the Machine learning engineer page only); "
    "give --graph FILE or set ROLEGRAPH_GRAPH=FILE for the whole framework"
)
SENIOR = "Senior machine learning engineer"
LEAD = "Lead machine learning engineer"
RAISED = [
    "Communicating between the technical and non-technical",
    "Data science innovation",
    "Programming and build (software engineering)",
    "Systems integration",
]


@pytest.fixture(scope="module")
def bundled() -> FrameworkView:
    return framework_view(build_graph(load_framework()))


def lead_descriptors() -> dict[str, str]:
    """The Lead level's descriptors, read from the bundled YAML file itself."""
    data = yaml.safe_load(
        (ROOT / "data" / "roles" / "machine-learning-engineer.yaml").read_text(encoding="utf-8")
    )
    lead = next(lv for lv in data["levels"] if lv["name"] == LEAD)
    return {s["skill"]: s["descriptor"] for s in lead["skills"]}


# -- gap ------------------------------------------------------------------------------


def test_senior_to_lead_is_exactly_the_four_raised_skills(bundled: FrameworkView) -> None:
    g = level_gap(bundled, find_level(bundled, SENIOR), find_level(bundled, LEAD))
    assert [(s.label, s.have, s.need, s.steps) for s in g.with_status(GAP)] == [
        (name, "practitioner", "expert", 1) for name in RAISED
    ]
    assert [(s.label, s.have, s.need, s.steps) for s in g.with_status(MET)] == [
        ("Applied maths, statistics and scientific practices", "practitioner", "practitioner", 0),
        ("Data ethics and privacy", "practitioner", "practitioner", 0),
    ]
    assert g.with_status(NOT_NEEDED) == [] and g.steps == 4
    texts = lead_descriptors()
    for s in g.with_status(GAP):
        assert s.descriptor == texts[s.label]
    assert all(s.descriptor is None for s in g.with_status(MET))


def test_gap_counts_steps_from_nothing_and_lists_skills_not_needed() -> None:
    v = tiny_framework()
    g = compare(v, {"x": 1, "z": 2}, "lb", source="me")
    assert [(s.skill, s.status, s.have, s.need, s.steps) for s in g.skills] == [
        ("y", GAP, None, "expert", 4),
        ("x", MET, "awareness", "awareness", 0),
        ("z", NOT_NEEDED, "working", None, 0),
    ]
    assert g.summary() == "1 skill to develop (4 tier steps), 1 already met, 1 not needed"
    # The skill's tier descriptor stands in when the level has no descriptor of its own.
    assert g.skills[0].descriptor == "You can:\n- y at expert"


GAP_TABLE = """\
Senior machine learning engineer → Lead machine learning engineer: 4 skills to develop (4 tier steps), 2 already met, 0 not needed

status  skill                                                  has           needs         steps
------  -----------------------------------------------------  ------------  ------------  -----
gap     Communicating between the technical and non-technical  practitioner  expert            1
gap     Data science innovation                                practitioner  expert            1
gap     Programming and build (software engineering)           practitioner  expert            1
gap     Systems integration                                    practitioner  expert            1
met     Applied maths, statistics and scientific practices     practitioner  practitioner      0
met     Data ethics and privacy                                practitioner  practitioner      0

What Lead machine learning engineer needs you to be able to do:
"""


def test_gap_cli_table_md_json(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["gap", "senior MACHINE learning engineer", LEAD])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(GAP_TABLE)
    texts = lead_descriptors()
    tail = "".join(
        f"\n{name} (expert):\n" + "".join(f"  {line}\n" for line in texts[name].splitlines())
        for name in RAISED
    )
    assert result.stdout == GAP_TABLE + tail
    md = runner.invoke(cli, ["gap", SENIOR, LEAD, "-f", "md"]).stdout
    assert md.startswith(f"### {SENIOR} → {LEAD}\n\n4 skills to develop")
    assert "| gap | Systems integration | practitioner | expert | 1 |" in md
    assert f"#### Systems integration: expert\n\n{texts['Systems integration']}\n" in md
    data = json.loads(runner.invoke(cli, ["gap", SENIOR, LEAD, "-f", "json"]).stdout)
    assert data["steps"] == 4 and data["from"] == SENIOR and data["to"] == LEAD
    assert [s["skill"] for s in data["skills"] if s["status"] == "gap"] == RAISED
    assert data["skills"][0]["descriptor"] == texts[RAISED[0]]


def test_gap_names_a_role_instead_of_a_level(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["gap", "Machine learning engineer", LEAD])
    assert result.exit_code == 2
    assert result.stderr == (
        "rolegraph: error: no level named 'Machine learning engineer' (did you mean "
        "'Senior machine learning engineer', 'Lead machine learning engineer'?)\n"
    )
    typo = runner.invoke(cli, ["gap", SENIOR, "Lead machine lerning engineer"])
    assert typo.exit_code == 2
    assert "(did you mean 'Lead machine learning engineer'" in typo.stderr
    assert "Traceback" not in typo.output


# -- ladder ---------------------------------------------------------------------------

LADDER_TABLE = """\
Machine learning engineer: 2 levels, most junior first
  1. Senior machine learning engineer: 6 skills
  2. Lead machine learning engineer: 6 skills; 4 raised, 2 unchanged

from_level                        to_level                        change  skill                                                  from_tier     to_tier
--------------------------------  ------------------------------  ------  -----------------------------------------------------  ------------  -------
Senior machine learning engineer  Lead machine learning engineer  raised  Communicating between the technical and non-technical  practitioner  expert
Senior machine learning engineer  Lead machine learning engineer  raised  Data science innovation                                practitioner  expert
Senior machine learning engineer  Lead machine learning engineer  raised  Programming and build (software engineering)           practitioner  expert
Senior machine learning engineer  Lead machine learning engineer  raised  Systems integration                                    practitioner  expert
"""


def test_ladder_cli(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["ladder", "machine learning engineer"])
    assert result.exit_code == 0
    assert result.stdout == LADDER_TABLE
    # A level's name gives its role's ladder.
    assert runner.invoke(cli, ["ladder", LEAD]).stdout == LADDER_TABLE
    data = json.loads(
        runner.invoke(cli, ["ladder", "Machine learning engineer", "-f", "json"]).stdout
    )
    assert [lv["level"] for lv in data["levels"]] == [SENIOR, LEAD]
    assert data["levels"][1]["unchanged"] == 2
    assert {c["change"] for c in data["levels"][1]["changes"]} == {"raised"}
    no_levels = runner.invoke(cli, ["ladder", "Data scientist"])
    assert no_levels.exit_code == 2
    assert "the graph has no levels for 'Data scientist'" in no_levels.stderr


def test_ladder_adds_raises_lowers_and_removes() -> None:
    v = FrameworkView()
    v.roles["r"] = RoleInfo("r", "R", None)
    v.skills = {s: s.upper() for s in "abcd"}
    for i, name in enumerate(("Junior r", "R", "Head of r")):
        v.levels[name] = LevelInfo(name, name, "r", i + 1)
    v.requirements = {
        "Junior r": {"a": 1, "b": 2, "c": 3},
        "R": {"a": 2, "b": 2, "c": 2, "d": 1},
        "Head of r": {"a": 2, "d": 4},
    }
    lad = ladder(v, "r")
    assert [lv.label for lv in lad.levels] == ["Junior r", "R", "Head of r"]
    assert lad.skill_counts == (3, 4, 2)
    got = [[(c.change, c.skill, c.before, c.after) for c in s.changes] for s in lad.steps]
    assert got == [
        [
            ("added", "d", None, "awareness"),
            ("raised", "a", "awareness", "working"),
            ("lowered", "c", "practitioner", "working"),
        ],
        [
            ("raised", "d", "awareness", "expert"),
            ("removed", "b", "working", None),
            ("removed", "c", "working", None),
        ],
    ]
    assert [s.unchanged for s in lad.steps] == [1, 1]


# -- similar --------------------------------------------------------------------------

SIMILAR_TABLE = """\
The roles most similar to Machine learning engineer (tier-weighted Jaccard; shared = skills both use)

rank  role                                      family                similarity  shared  skills
----  ----------------------------------------  --------------------  ----------  ------  ------
   1  Data scientist                            Data                       0.136       3       3
   2  Development operations (DevOps) engineer  Software development       0.091       2       2
   3  Software developer                        Software development       0.091       2       2
"""


def test_similar_roles_cli(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["similar", "Machine Learning Engineer", "--top", "3"])
    assert result.exit_code == 0
    # MLE's tiers sum to 22; Data scientist uses 3 of its skills with no tier known (1 each).
    assert result.stdout == SIMILAR_TABLE
    assert round(3 / 22, 3) == 0.136 and round(2 / 22, 3) == 0.091
    data = json.loads(
        runner.invoke(cli, ["similar", "Machine learning engineer", "-f", "json"]).stdout
    )
    assert data["kind"] == "role" and len(data["similar"]) == 5
    assert data["similar"][0] == {
        "rank": 1,
        "role": "Data scientist",
        "family": "Data",
        "similarity": round(3 / 22, 4),
        "shared": 3,
        "skills": 3,
    }


def test_similar_levels(runner: CliRunner, bundled: FrameworkView) -> None:
    found = similar(bundled, find_level(bundled, LEAD))
    # Senior: six skills at practitioner; Lead: two at practitioner, four at expert.
    assert [(n.label, n.similarity, n.shared) for n in found] == [(SENIOR, 18 / 22, 6)]
    md = runner.invoke(cli, ["similar", LEAD, "-f", "md"]).stdout
    assert md.endswith(
        "| rank | level | role | similarity | shared | skills |\n"
        "|---:|---|---|---:|---:|---:|\n"
        "| 1 | Senior machine learning engineer | Machine learning engineer | 0.818 | 6 | 6 |\n"
    )
    miss = runner.invoke(cli, ["similar", "Data scentist"])
    assert miss.exit_code == 2
    assert miss.stderr.startswith(
        "rolegraph: error: no role or level named 'Data scentist' (did you mean 'Data scientist'"
    )


def test_similar_levels_of_other_roles(runner: CliRunner) -> None:
    v = tiny_framework()
    # Senior beta (y at practitioner) against y at 3, 4, 2, 2, (x 1, y 4), 1, 1.
    assert [(n.label, round(n.similarity, 3)) for n in similar(v, "sb")] == [
        ("Senior gamma", 1.0),
        ("Senior omega", 0.75),
        ("Beta", 0.667),
        ("Gamma", 0.667),
        ("Lead beta", 0.6),
        ("Junior beta", 0.333),
        ("Junior gamma", 0.333),
    ]
    others = similar(v, "sb", other_roles=True)
    assert [(n.label, n.role) for n in others] == [
        ("Senior gamma", "Gamma"),
        ("Senior omega", "Omega"),
        ("Gamma", "Gamma"),
        ("Junior gamma", "Gamma"),
    ]
    # A role's neighbours are other roles already: the option changes nothing there.
    assert similar(v, "beta", other_roles=True) == similar(v, "beta")
    # "Machine learning engineer" is a role: --other-roles compares levels, so it needs a level.
    role = runner.invoke(cli, ["similar", "Machine learning engineer", "--other-roles"])
    assert role.exit_code == 2 and "no level named 'Machine learning engineer'" in role.stderr
    alone = runner.invoke(cli, ["similar", LEAD, "--other-roles", "-f", "json"])
    data = json.loads(alone.stdout)
    assert (data["other_roles_only"], data["similar"]) == (True, [])
    text = runner.invoke(cli, ["similar", LEAD, "--other-roles"]).stdout
    assert text == (
        f"The role levels of other roles most similar to {LEAD} (tier-weighted Jaccard; "
        "shared = skills both use)\n\n(no role levels of other roles share a skill with "
        f"{LEAD})\n"
    )


def test_a_name_that_is_a_role_and_a_level() -> None:
    v = tiny_framework()
    assert find_role_or_level(v, "beta") == "beta"
    assert find_role_or_level(v, "beta", level=True) == "b"
    assert find_role_or_level(v, "junior ALPHA") == "ja"


def test_tier_similarity_is_the_matrix_measure(bundled: FrameworkView) -> None:
    s, lead = find_level(bundled, SENIOR), find_level(bundled, LEAD)
    assert tier_similarity(bundled.requirements[s], bundled.requirements[lead]) == 18 / 22
    assert tier_similarity({"a": 2}, {"b": 3}) == 0.0
    assert tier_similarity({"a": None}, {"a": 4}) == 1 / 4
    assert tier_similarity({}, {}) == 0.0


# -- overlap --------------------------------------------------------------------------

OVERLAP_TABLE = """\
Role overlap: number of skills both roles use; columns numbered as rows; clustered order

#  role                                      1  2  3  4  5  6
-  ----------------------------------------  -  -  -  -  -  -
1  Analytics engineer                        1  1  0  1  0  0
2  Data architect                            1  1  0  1  0  0
3  Data scientist                            0  0  3  3  0  0
4  Machine learning engineer                 1  1  3  6  2  2
5  Software developer                        0  0  0  2  2  2
6  Development operations (DevOps) engineer  0  0  0  2  2  2
"""


def test_overlap_table_and_json(runner: CliRunner, bundled: FrameworkView) -> None:
    result = runner.invoke(cli, ["overlap", "--measure", "shared"])
    assert result.exit_code == 0
    assert result.stdout == OVERLAP_TABLE
    data = json.loads(runner.invoke(cli, ["overlap", "-f", "json"]).stdout)
    roles = [r["role"] for r in data["roles"]]
    mle = roles.index("Machine learning engineer")
    ds = roles.index("Data scientist")
    assert data["similarity"][mle][ds] == round(3 / 22, 4) == data["similarity"][ds][mle]
    assert all(data["similarity"][i][i] == 1 for i in range(len(roles)))
    csv_out = runner.invoke(cli, ["overlap", "-f", "csv"]).stdout
    assert csv_out.splitlines()[0] == "role," + ",".join(roles)
    # Clustered: roles using the same skills are neighbours.
    ov = overlap(bundled)
    pairs = {frozenset(p) for p in zip(ov.labels, ov.labels[1:], strict=False)}
    assert frozenset({"Software developer", "Development operations (DevOps) engineer"}) in pairs
    assert frozenset({"Analytics engineer", "Data architect"}) in pairs


def test_heatmap_is_deterministic_and_atomic(runner: CliRunner, tmp_path: Path) -> None:
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    for out in (a, b):
        result = runner.invoke(cli, ["overlap", "-o", str(out)])
        assert result.exit_code == 0
        assert result.stdout == ""
        assert result.stderr == f"Wrote the heatmap of 6 roles to {out}.\n{BUNDLED}\n"
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert b"Software" not in a.read_bytes()[:200]  # no matplotlib version in the metadata
    s1, s2 = tmp_path / "a.svg", tmp_path / "b.svg"
    for out in (s1, s2):
        assert runner.invoke(cli, ["overlap", "-o", str(out)]).exit_code == 0
    svg = s1.read_text(encoding="utf-8")
    assert svg == s2.read_text(encoding="utf-8")
    assert "<svg" in svg and "<dc:date>" not in svg
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "a.svg", "b.png", "b.svg"]


def test_heatmap_bad_paths(runner: CliRunner, tmp_path: Path) -> None:
    bad = runner.invoke(cli, ["overlap", "-o", str(tmp_path / "map.jpg")])
    assert bad.exit_code == 2
    assert bad.stderr == (
        "rolegraph: error: cannot draw a heatmap as map.jpg (name the image file with .png or .svg)\n"
    )
    missing = runner.invoke(cli, ["overlap", "-o", str(tmp_path / "nope" / "map.png")])
    assert missing.exit_code == 2
    assert "folder" in missing.stderr and "does not exist" in missing.stderr
    assert list(tmp_path.iterdir()) == []


# -- path -----------------------------------------------------------------------------


def tiny_framework(*, reverse: bool = False) -> FrameworkView:
    """Alpha (junior, plain, senior) needs x; Beta and Gamma (junior, plain, senior; Beta
    also lead) need y; Omega has one senior level needing y at expert."""
    v = FrameworkView()
    levels = {
        "alpha": [
            ("ja", "Junior alpha", {"x": 1}),
            ("a", "Alpha", {"x": 2}),
            ("sa", "Senior alpha", {"x": 3}),
        ],
        "beta": [
            ("jb", "Junior beta", {"y": 1}),
            ("b", "Beta", {"y": 2}),
            ("sb", "Senior beta", {"y": 3}),
            ("lb", "Lead beta", {"x": 1, "y": 4}),
        ],
        "gamma": [
            ("jg", "Junior gamma", {"y": 1}),
            ("g", "Gamma", {"y": 2}),
            ("sg", "Senior gamma", {"y": 3}),
        ],
        "omega": [("so", "Senior omega", {"y": 4})],
    }
    roles = sorted(levels, reverse=reverse)
    for role in roles:
        v.roles[role] = RoleInfo(role, role.capitalize(), "F")
        for i, (iri, label, req) in enumerate(levels[role]):
            v.levels[iri] = LevelInfo(iri, label, role, i + 1)
            v.requirements[iri] = dict(req)
        v.uses[role] = {s for _, _, req in levels[role] for s in req}
    v.skills = {"x": "X", "y": "Y", "z": "Z"}
    v.tier_descriptors = {("y", 4): "You can:\n- y at expert"}
    return v


def test_bands_and_the_move_graph() -> None:
    v = tiny_framework()
    bands = {lv: BANDS[b] for lv, b in seniority_bands(v).items()}
    assert bands == {
        "ja": "entry", "a": "mid", "sa": "senior",
        "jb": "entry", "b": "mid", "sb": "senior", "lb": "lead",
        "jg": "entry", "g": "mid", "sg": "senior",
        "so": "senior",
    }  # fmt: skip
    g = move_graph(v)
    assert g.edges["ja", "a"]["kind"] == PROMOTION and g.edges["ja", "a"]["cost"] == 1
    assert g.edges["ja", "jb"]["kind"] == LATERAL and g.edges["ja", "jb"]["cost"] == 1
    assert not g.has_edge("a", "ja")  # no step down
    assert not g.has_edge("ja", "lb") and not g.has_edge("a", "sb")  # no jumps across bands
    assert g.edges["jb", "b"]["kind"] == PROMOTION and not g.has_edge("jb", "g")
    assert g.edges["sb", "so"]["cost"] == gap_steps(v.requirements["sb"], v.requirements["so"]) == 1


def test_the_move_graph_is_made_once_per_view_until_the_view_grows() -> None:
    v = tiny_framework()
    g = move_graph(v)
    assert move_graph(v) is g  # (a served /path reuses it)
    v.levels["xb"] = dataclasses.replace(v.levels["lb"], iri="xb", label="Extra beta")
    again = move_graph(v)
    assert again is not g and "xb" in again and "xb" not in g


def test_the_cheapest_path_is_not_a_direct_jump() -> None:
    v = tiny_framework()
    p = career_path(v, "ja", "lb")
    # Junior alpha -> Lead beta directly would cost 4 (y at expert), but that move is not
    # allowed; via Alpha it would cost 1 + 2 + 1 + 1 = 5; via Junior beta, 1 + 1 + 1 + 1.
    assert [(m.kind, m.gap.source, m.gap.target, m.cost) for m in p.moves] == [
        (LATERAL, "Junior alpha", "Junior beta", 1),
        (PROMOTION, "Junior beta", "Beta", 1),
        (PROMOTION, "Beta", "Senior beta", 1),
        (PROMOTION, "Senior beta", "Lead beta", 2),  # x is needed again at Lead beta
    ]
    assert p.cost == 5


def test_path_ties_break_by_moves_then_names_whatever_the_graph_order() -> None:
    for reverse in (False, True):
        v = tiny_framework(reverse=reverse)
        p = career_path(v, "ja", "so")
        # Via Beta or Gamma costs the same (1 + 1 + 1 + 1) in four moves: Beta comes first.
        assert [m.gap.target for m in p.moves] == [
            "Junior beta",
            "Beta",
            "Senior beta",
            "Senior omega",
        ]
        assert p.cost == 4


def test_no_path_down_and_the_empty_path() -> None:
    v = tiny_framework()
    with pytest.raises(InputError) as err:
        career_path(v, "lb", "ja")
    assert str(err.value) == (
        "no path from 'Lead beta' to 'Junior alpha' (moves go up one level of a role's "
        "track, across to its other track or sideways to another role's level in the same "
        "seniority band; the first is lead, the second entry)"
    )
    assert career_path(v, "b", "b").moves == ()


PATH_TABLE = """\
Senior machine learning engineer → Lead machine learning engineer: 1 move, 4 tier steps to gain

move  kind       from_level                        to_level                        cost
----  ---------  --------------------------------  ------------------------------  ----
   1  promotion  Senior machine learning engineer  Lead machine learning engineer     4

Move 1, promotion to Lead machine learning engineer: 4 tier steps
skill                                                  has           needs   steps
-----------------------------------------------------  ------------  ------  -----
Communicating between the technical and non-technical  practitioner  expert      1
Data science innovation                                practitioner  expert      1
Programming and build (software engineering)           practitioner  expert      1
Systems integration                                    practitioner  expert      1

'rolegraph gap FROM TO' shows what each move needs you to be able to do.
"""


def test_path_cli(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["path", SENIOR, LEAD])
    assert result.exit_code == 0
    assert result.stdout == PATH_TABLE
    data = json.loads(runner.invoke(cli, ["path", SENIOR, LEAD, "-f", "json"]).stdout)
    assert data["cost"] == 4 and [m["kind"] for m in data["moves"]] == ["promotion"]
    assert data["moves"][0]["to"] == LEAD
    down = runner.invoke(cli, ["path", LEAD, SENIOR])
    assert down.exit_code == 2 and down.stderr.startswith(
        f"rolegraph: error: no path from '{LEAD}' to '{SENIOR}'"
    )


# -- assess ---------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_person_profile_in_yaml_with_an_alternative_name(
    tmp_path: Path, bundled: FrameworkView
) -> None:
    f = write(
        tmp_path / "sam.yaml",
        "name: Sam\nskills:\n  systems integration: expert\n"
        "  Ethics and privacy (data science): 3\n  Data science innovation: Working\n",
    )
    read = read_profile(f, bundled)
    assert not read.team and read.notes == []
    ethics = find_skill(bundled, "Data ethics and privacy")
    assert find_skill(bundled, "ethics and privacy (data science)") == ethics
    assert read.people == {
        "Sam": {
            find_skill(bundled, "Systems integration"): 4,
            ethics: 3,
            find_skill(bundled, "Data science innovation"): 2,
        }
    }
    matches = best_matches(bundled, read.people["Sam"])
    # Senior: min 3+3+2 = 8 over max 18 + 1 = 19; Lead: 4+3+2 = 9 over 22 + 0 = 22.
    assert [(m.level.label, m.similarity, m.steps) for m in matches] == [
        (SENIOR, 8 / 19, 10),
        (LEAD, 9 / 22, 13),
    ]
    assert matches[0].coverage == 8 / 18


def test_assess_cli_person(runner: CliRunner, tmp_path: Path) -> None:
    f = write(tmp_path / "me.csv", "Skill,Tier,Comment\nSystems integration,expert,x\n")
    result = runner.invoke(cli, ["assess", str(f), "--target", LEAD, "-n", "1"])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"note: me.csv: column 'Comment' not read\n{BUNDLED}\n"
    assert result.stdout.startswith(
        "Role levels most like you (1 skill; tier-weighted Jaccard; coverage = share of the "
        "level's tiers held)\n\n"
        "rank  level                           role                       similarity  coverage  missing_steps\n"
        "----  ------------------------------  -------------------------  ----------  --------  -------------\n"
        "   1  Lead machine learning engineer  Machine learning engineer       0.182  18%                  18\n"
        "\n"
        "you → Lead machine learning engineer: 5 skills to develop (18 tier steps), 1 already met, "
        "0 not needed\n"
    )
    data = json.loads(runner.invoke(cli, ["assess", str(f), "-t", LEAD, "-f", "json"]).stdout)
    assert data["person"] == "you" and data["gaps"][0]["steps"] == 18
    assert [m["level"] for m in data["matches"]] == [LEAD, SENIOR]
    # A profile with a name reads as that person; one without, in YAML too, as "you".
    named = write(tmp_path / "kim.yaml", "name: Kim\nskills:\n  Systems integration: expert\n")
    kim = runner.invoke(cli, ["assess", str(named), "-t", LEAD, "-n", "1"]).stdout
    assert kim.startswith("Role levels most like Kim (1 skill; tier-weighted Jaccard;")
    assert "\nKim → Lead machine learning engineer: 5 skills to develop" in kim
    unnamed = write(tmp_path / "me.yaml", "Systems integration: expert\n")
    you = runner.invoke(cli, ["assess", str(unnamed), "-f", "json"]).stdout
    assert json.loads(you)["person"] == "you"


TEAM_CSV = """\
person,skill,tier
Ana,Systems integration,expert
Bo,Data science innovation,practitioner
Bo,Systems integration,working

Ana,Data ethics and privacy,3
Ana,Systems integration,Expert
"""


def test_team_coverage(runner: CliRunner, tmp_path: Path, bundled: FrameworkView) -> None:
    f = write(tmp_path / "team.csv", TEAM_CSV)
    read = read_profile(f, bundled)
    assert read.team and list(read.people) == ["Ana", "Bo"]
    assert read.notes == [
        "team.csv, row 7: 'Systems integration' repeats row 2; merged",  # the blank line is row 5
        "team.csv: 1 blank line skipped",
    ]
    cov = team_coverage(bundled, read.people, find_level(bundled, LEAD))
    assert [(c.skill, c.need, c.best, c.holders, c.short) for c in cov] == [
        ("Communicating between the technical and non-technical", "expert", None, (), 4),
        ("Programming and build (software engineering)", "expert", None, (), 4),
        ("Applied maths, statistics and scientific practices", "practitioner", None, (), 3),
        ("Data science innovation", "expert", "practitioner", (), 1),
        ("Data ethics and privacy", "practitioner", "practitioner", ("Ana",), 0),
        ("Systems integration", "expert", "expert", ("Ana",), 0),
    ]
    result = runner.invoke(cli, ["assess", str(f), "-t", LEAD, "-t", SENIOR, "-f", "md"])
    assert result.exit_code == 0
    assert result.stdout.startswith(
        f"### team.csv (2 people) against {LEAD}: 2 of 6 skills covered\n\n"
        "| status | skill | needs | best | short | holders | people |\n"
    )
    assert f"### team.csv (2 people) against {SENIOR}: 3 of 6 skills covered" in result.stdout
    assert "| covered | Data science innovation | practitioner | practitioner | 0 | 1 | Bo |" in (
        result.stdout
    )
    # On each gap: who is nearest, at which tier; or that nobody has the skill.
    assert [(c.skill, c.nearest) for c in cov if c.short] == [
        ("Communicating between the technical and non-technical", ()),
        ("Programming and build (software engineering)", ()),
        ("Applied maths, statistics and scientific practices", ()),
        ("Data science innovation", ("Bo",)),
    ]
    assert "| gap | Data science innovation | expert | practitioner | 1 | 0 | nearest: Bo " in (
        result.stdout
    )
    assert (
        "| gap | Programming and build (software engineering) | expert | none | 4 | 0 | "
        "nobody has it |" in result.stdout
    )
    data = json.loads(runner.invoke(cli, ["assess", str(f), "-t", LEAD, "-f", "json"]).stdout)
    by_skill = {row["skill"]: row for row in data["targets"][0]["skills"]}
    assert by_skill["Data science innovation"]["nearest"] == ["Bo"]
    assert by_skill["Systems integration"]["nearest"] == []  # covered: Ana holds it
    # Everyone at the team's best tier is nearest, in the file's order.
    dsi = find_skill(bundled, "Data science innovation")
    three = {"Cy": {dsi: 2}, "Ana": {dsi: 2}, "Bo": {dsi: 1}}
    (row,) = [c for c in team_coverage(bundled, three, find_level(bundled, LEAD)) if c.best]
    assert (row.skill, row.best, row.short, row.nearest) == (
        "Data science innovation",
        "working",
        2,
        ("Cy", "Ana"),
    )
    no_target = runner.invoke(cli, ["assess", str(f)])
    assert no_target.exit_code == 2
    assert no_target.stderr.endswith(
        "rolegraph: error: team.csv is a team file (it has a person column): give the role "
        "level(s) to cover with --target LEVEL\n"
    )


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "typo.csv",
            "skill,tier\nSystems integration,expert\nData scence innovation,working\n",
            "typo.csv, row 3, column 'skill': no skill named 'Data scence innovation' "
            "(did you mean 'Data science innovation'?)",
        ),
        (
            "tier.csv",
            "skill,tier\nSystems integration,expret\n",
            "tier.csv, row 2, column 'tier': unknown tier 'expret' for skill 'Systems "
            "integration' (valid tiers: awareness, working, practitioner, expert, or 1-4)",
        ),
        (
            "empty-tier.csv",
            "skill,tier\nSystems integration,\n",
            "empty-tier.csv, row 2, column 'tier': the tier of 'Systems integration' is empty "
            "(valid tiers: awareness, working, practitioner, expert, or 1-4)",
        ),
        (
            "twice.csv",
            "skill,tier\nSystems integration,expert\nsystems integration,working\n",
            "twice.csv, row 3: 'Systems integration' is given again at working (it was expert "
            "at row 2) (keep one entry per skill)",
        ),
        (
            "cols.csv",
            "skills,level\nSystems integration,expert\n",
            "cols.csv, row 1: missing columns 'skill', 'tier' (did you mean 'skills'? Columns "
            "found: 'skills', 'level')",
        ),
        ("empty.csv", "", "empty.csv is empty (expected a profile CSV with a header row)"),
        (
            "header.csv",
            "skill,tier\n",
            "header.csv has a header but no rows (add 'skill,tier' rows)",
        ),
        (
            "nobody.csv",
            "person,skill,tier\n,Systems integration,expert\n",
            "nobody.csv, row 2, column 'person': the person is empty (name the person on every "
            "row of a team file)",
        ),
        (
            "tier.yaml",
            "Systems integration: working\nData science innovation: guru\n",
            "tier.yaml, line 2, the tier: unknown tier 'guru' for skill 'Data science "
            "innovation' (valid tiers: awareness, working, practitioner, expert, or 1-4)",
        ),
        (
            "skill.yaml",
            "skills:\n  Sistems integration: expert\n",
            "skill.yaml, line 2, the skill: no skill named 'Sistems integration' (did you mean "
            "'Systems integration'?)",
        ),
        (
            "broken.yaml",
            "a: b: c\n",
            "broken.yaml, line 1: not valid YAML (mapping values are not allowed here)",
        ),
        (
            "list.yaml",
            "- Systems integration\n",
            "list.yaml, line 1: expected skill: tier lines (write one 'skill: tier' line per "
            "skill, e.g. 'Systems integration: practitioner')",
        ),
        (
            "nested.yaml",
            "Systems integration: [3]\n",
            "nested.yaml, line 1: expected 'skill: tier' (write one 'skill: tier' line per "
            "skill, e.g. 'Systems integration: practitioner')",
        ),
        (
            "twice.yaml",
            "name: Al\nskills:\n  Data modelling: expert\nskills:\n  Data engineering: working\n",
            "twice.yaml, line 4: 'skills' is given again (first at line 2) (give each key once, "
            "with every skill under one 'skills:')",
        ),
        (
            "names.yaml",
            "name: Al\nname: Bo\nskills:\n  Data modelling: expert\n",
            "names.yaml, line 2: 'name' is given again (first at line 1) (give each key once, "
            "with every skill under one 'skills:')",
        ),
        (
            "unread.yaml",
            "name: Al\nteam: a\nskills:\n  Data modelling: expert\nteam: b\n",
            "unread.yaml, line 5: 'team' is given again (first at line 2) (give each key once, "
            "with every skill under one 'skills:')",
        ),
        (
            "flat.yaml",
            "name: Kim\nSystems integration: working\n",
            "flat.yaml, line 1: with a 'name:', list the skills under 'skills:' (indent one "
            "'skill: tier' line per skill below a 'skills:' line)",
        ),
        (
            "profile.json",
            "{}",
            "cannot tell what kind of profile profile.json is from its extension (name it .yaml "
            "for 'skill: tier' lines, or .csv for columns skill, tier and, for a team, person)",
        ),
    ],
)
def test_bad_profiles_give_one_clear_message(
    runner: CliRunner, tmp_path: Path, name: str, text: str, message: str
) -> None:
    f = write(tmp_path / name, text)
    result = runner.invoke(cli, ["assess", str(f)])
    assert result.exit_code == 2
    assert result.stderr == f"rolegraph: error: {message}\n"
    assert result.stdout == ""


def test_profile_files_that_cannot_be_read(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "latin1.csv").write_bytes("skill,tier\nCaf\xe9,expert\n".encode("latin-1"))
    result = runner.invoke(cli, ["assess", str(tmp_path / "latin1.csv")])
    assert result.exit_code == 2
    assert "latin1.csv is not UTF-8: byte 0xe9 on line 2" in result.stderr
    gone = runner.invoke(cli, ["assess", str(tmp_path / "gone.yaml")])
    assert gone.exit_code == 2 and "not found" in gone.stderr
    (tmp_path / "dir.csv").mkdir()
    folder = runner.invoke(cli, ["assess", str(tmp_path / "dir.csv")])
    assert folder.exit_code == 2 and "is a directory" in folder.stderr
    # A folder without a profile's extension is named as a folder, not as an odd file.
    plain = runner.invoke(cli, ["assess", str(tmp_path)])
    assert plain.exit_code == 2
    assert f"{tmp_path} is a directory, not a profile" in plain.stderr


def test_yaml_notes_keys_it_does_not_read(tmp_path: Path, bundled: FrameworkView) -> None:
    f = write(tmp_path / "p.yaml", "name: Kim\nteam: data\nskills:\n  Systems integration: 2\n")
    read = read_profile(f, bundled)
    assert read.notes == ["p.yaml, line 2: key 'team' not read"]
    assert list(read.people) == ["Kim"]
    with pytest.raises(NotFound):
        find_level(bundled, "Nothing like it")
