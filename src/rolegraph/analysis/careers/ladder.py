"""A role's ladder: its levels in seniority order, and what each step up adds, raises,
lowers and removes (``rolegraph ladder``)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from rolegraph.analysis.careers.common import ADDED, LOWERED, RAISED, REMOVED, rank, tier_text
from rolegraph.analysis.view import FrameworkView, LevelInfo, RoleInfo


@dataclass(frozen=True)
class Change:
    skill: str
    label: str
    change: str  # ADDED, RAISED, LOWERED or REMOVED
    before: str | None
    after: str | None


@dataclass(frozen=True)
class LadderStep:
    lower: LevelInfo
    higher: LevelInfo
    changes: tuple[Change, ...]
    unchanged: int


@dataclass(frozen=True)
class Ladder:
    role: RoleInfo
    levels: tuple[LevelInfo, ...]
    skill_counts: tuple[int, ...]
    steps: tuple[LadderStep, ...]


def ladder(view: FrameworkView, role: str) -> Ladder:
    """A role's levels in seniority order, and what each step up adds, raises, lowers and
    removes. Lowered tiers are real: leadership levels need some hands-on skills less."""
    levels = view.levels_of(role)
    order = {ADDED: 0, RAISED: 1, LOWERED: 2, REMOVED: 3}
    steps: list[LadderStep] = []
    for lower, higher in itertools.pairwise(levels):
        a = view.requirements.get(lower.iri, {})
        b = view.requirements.get(higher.iri, {})
        changes: list[Change] = []
        unchanged = 0
        for skill in a.keys() | b.keys():
            if skill not in a:
                kind = ADDED
            elif skill not in b:
                kind = REMOVED
            elif rank(b[skill]) > rank(a[skill]):
                kind = RAISED
            elif rank(b[skill]) < rank(a[skill]):
                kind = LOWERED
            else:
                unchanged += 1
                continue
            label = view.skills.get(skill, skill)
            changes.append(Change(skill, label, kind, tier_text(a, skill), tier_text(b, skill)))
        changes.sort(key=lambda c: (order[c.change], c.label, c.skill))
        steps.append(LadderStep(lower, higher, tuple(changes), unchanged))
    counts = tuple(len(view.requirements.get(lv.iri, {})) for lv in levels)
    return Ladder(view.roles[role], tuple(levels), counts, tuple(steps))
