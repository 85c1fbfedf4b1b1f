"""Each career result as plain data (dicts and lists of text and numbers): what
``rolegraph gap|path|similar|assess --format json`` writes and what the served tools'
JSON twins (``/gap?format=json`` ...) answer, from this one place, so the two never
drift apart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rolegraph.analysis.careers.assess import Coverage, Match
from rolegraph.analysis.careers.gap import Gap
from rolegraph.analysis.careers.moves import CareerPath
from rolegraph.analysis.careers.similar import Neighbour

#: how similarity is measured, in the words every JSON answer gives
MEASURE = (
    "weighted Jaccard of tier ranks: the sum over skills of min(tier a, tier b) divided by "
    "the sum of max(tier a, tier b); awareness 1 ... expert 4, 0 when a skill is not needed"
)


def gap_record(g: Gap) -> dict[str, Any]:
    """The gap between two levels: its steps and each skill's status, tiers and
    descriptor."""
    return {
        "from": g.source,
        "to": g.target,
        "steps": g.steps,
        "skills": [
            {
                "skill": s.label,
                "status": s.status,
                "has": s.have,
                "needs": s.need,
                "steps": s.steps,
                "descriptor": s.descriptor,
            }
            for s in g.skills
        ],
    }


def path_record(p: CareerPath) -> dict[str, Any]:
    """The cheapest path of moves: its cost and each move's kind, cost and gap."""
    return {
        "from": p.source,
        "to": p.target,
        "cost": p.cost,
        "moves": [{"kind": m.kind, "cost": m.cost, **gap_record(m.gap)} for m in p.moves],
    }


def similar_record(
    label: str, is_role: bool, found: Sequence[Neighbour], other_roles: bool = False
) -> dict[str, Any]:
    """The roles (or levels) most like ``label`` (``other_roles``: the levels of its own
    role were left out)."""
    return {
        "name": label,
        "kind": "role" if is_role else "level",
        "other_roles_only": other_roles,
        "measure": MEASURE,
        "similar": [
            {
                "rank": i + 1,
                ("role" if is_role else "level"): n.label,
                **({} if is_role else {"role": n.role}),
                "family": n.family,
                "similarity": round(n.similarity, 4),
                "shared": n.shared,
                "skills": n.skills,
            }
            for i, n in enumerate(found)
        ],
    }


def person_record(
    name: str, skills: int, matches: Sequence[Match], gaps: Sequence[Gap]
) -> dict[str, Any]:
    """A person's best-matching levels and their gaps to the targets."""
    return {
        "person": name,
        "skills": skills,
        "measure": MEASURE,
        "matches": [
            {
                "rank": i + 1,
                "level": m.level.label,
                "role": m.role,
                "similarity": round(m.similarity, 4),
                "coverage": round(m.coverage, 4),
                "missing_steps": m.steps,
            }
            for i, m in enumerate(matches)
        ],
        "gaps": [gap_record(g) for g in gaps],
    }


def team_record(
    label: str, people: Sequence[str], targets: Sequence[tuple[str, Sequence[Coverage]]]
) -> dict[str, Any]:
    """A team's coverage of each target level: per skill, its best tier, who holds it
    and who is nearest."""
    return {
        "team": label,
        "people": list(people),
        "targets": [
            {
                "level": level,
                "covered": sum(1 for c in cover if c.holders),
                "skills": [
                    {
                        "skill": c.skill,
                        "status": c.status,
                        "needs": c.need,
                        "best": c.best,
                        "holders": list(c.holders),
                        "nearest": list(c.nearest),
                        "short": c.short,
                    }
                    for c in cover
                ],
            }
            for level, cover in targets
        ],
    }


__all__ = [
    "MEASURE",
    "gap_record",
    "path_record",
    "person_record",
    "similar_record",
    "team_record",
]
