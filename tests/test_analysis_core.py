"""The analysis core: the framework view and overlap by sparse products."""

from __future__ import annotations

from typing import Any

import pytest

from rolegraph.analysis.view import (
    FrameworkView,
    LevelInfo,
    RoleInfo,
    framework_view,
    level_matrix,
    role_matrix,
    role_pairs,
    shared_counts,
    weighted_jaccard,
)
from rolegraph.combine.framework import load_framework
from rolegraph.graph.build import build_graph
from rolegraph.graph.runner import LocalRunner
from rolegraph.sparql.binding import run_query
from rolegraph.sparql.catalogue import get_query


def tiny() -> FrameworkView:
    v = FrameworkView()
    for r in ("a", "b", "c"):
        v.roles[r] = RoleInfo(r, r.upper(), "F")
        v.levels[r + "1"] = LevelInfo(r + "1", r.upper() + "1", r, 1)
    v.skills = {"x": "X", "y": "Y", "z": "Z"}
    v.requirements = {"a1": {"x": 4, "y": 2}, "b1": {"x": 2, "y": 2, "z": 1}, "c1": {"z": 3}}
    v.uses = {"a": {"x", "y"}, "b": {"x", "y", "z"}, "c": {"z"}}
    return v


def test_shared_counts_and_weighted_jaccard_by_hand() -> None:
    m = role_matrix(tiny())
    assert m.rows == ["a", "b", "c"]
    counts = shared_counts(m).toarray()
    assert counts.tolist() == [[2, 2, 0], [2, 3, 1], [0, 1, 1]]
    sim = weighted_jaccard(m)
    # a=(4,2,0) b=(2,2,1): sum min = 2+2+0 = 4, sum max = 4+2+1 = 7
    assert sim[0, 1] == pytest.approx(4 / 7)
    # b=(2,2,1) c=(0,0,3): min 1, max 2+2+3 = 7
    assert sim[1, 2] == pytest.approx(1 / 7)
    assert sim[0, 2] == 0 and sim[0, 0] == 1


def test_role_pairs_by_hand() -> None:
    assert role_pairs(tiny()) == [("A", "B", 2), ("B", "C", 1)]


def test_view_of_the_bundled_graph() -> None:
    v = framework_view(build_graph(load_framework()))
    mle = v.role_by_label()["Machine learning engineer"]
    assert [lv.label for lv in v.levels_of(mle)] == [
        "Senior machine learning engineer",
        "Lead machine learning engineer",
    ]
    tiers = {v.skills[s]: t for s, t in v.role_tiers(mle).items()}
    assert tiers["Systems integration"] == 4 and tiers["Data ethics and privacy"] == 3
    ds = v.role_by_label()["Data scientist"]
    assert set(v.role_tiers(ds).values()) == {None}  # known only from the shared-skills table
    assert level_matrix(v).weights.shape == (2, 6)


@pytest.mark.framework
def test_sparse_role_pairs_equal_the_saved_query(full_build: Any) -> None:
    graph = full_build[2]
    table = run_query(get_query("role-pairs"), {}, LocalRunner(graph))
    expected = [tuple(r.values()) for r in table.records()]
    assert role_pairs(framework_view(graph)) == expected
    # The lean view (roles, skills and what each role uses) gives the same pairs.
    lean = framework_view(graph, tiers=False, levels=False)
    assert not lean.levels and not lean.requirements
    assert role_pairs(lean) == expected


def test_two_roles_with_one_name_are_still_a_pair(tmp_path: Any) -> None:
    """The sparse pairs and the saved query agree when two roles share a name."""
    from rolegraph.graph.open import open_graph

    rg = "https://w3id.org/rolegraph/ontology#"
    ttl = tmp_path / "same-name.ttl"
    ttl.write_text(
        f"""@prefix rg: <{rg}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix ex: <http://example.org/> .
        ex:a a rg:Role ; rdfs:label "Software developer" ; rg:usesSkill ex:s1 , ex:s2 .
        ex:b a rg:Role ; rdfs:label "Software developer" ; rg:usesSkill ex:s1 , ex:s2 .
        ex:c a rg:Role ; rdfs:label "Tester" ; rg:usesSkill ex:s1 .
        ex:s1 a rg:Skill ; rdfs:label "One" . ex:s2 a rg:Skill ; rdfs:label "Two" .
        """,
        encoding="utf-8",
    )
    graph = open_graph(ttl)
    table = run_query(get_query("role-pairs"), {}, LocalRunner(graph))
    expected = [tuple(r.values()) for r in table.records()]
    assert expected[0] == ("Software developer", "Software developer", 2)
    assert role_pairs(framework_view(graph, tiers=False)) == expected
    assert role_pairs(framework_view(graph, tiers=False, levels=False)) == expected
