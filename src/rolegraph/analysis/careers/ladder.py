"""A role's ladder: its levels in seniority order, and what each step up adds, raises,
lowers and removes (``rolegraph ladder``).

A role with "X - management" levels has two tracks: the main track and, beside it, the
management track. Each track is a ladder of its own (a step up goes to the next level of
the same track), and each management level is also reached across from the main level of
its seniority band (Senior developer to Senior developer - management).
"""

from __future__ import annotations

from dataclasses import dataclass

from rolegraph.analysis.careers.common import (
    ACROSS,
    ADDED,
    LOWERED,
    PROMOTION,
    RAISED,
    REMOVED,
    rank,
    tier_text,
)
from rolegraph.analysis.careers.moves import seniority_bands, tracks_of
from rolegraph.analysis.view import FrameworkView, LevelInfo, RoleInfo
from rolegraph.combine.ordering import MAIN_TRACK


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
    #: PROMOTION (up one track) or ACROSS (from the main track to the management track).
    kind: str = PROMOTION


@dataclass(frozen=True)
class Track:
    """One track of a role: "main", or "management" (the "X - management" levels)."""

    name: str
    levels: tuple[LevelInfo, ...]


@dataclass(frozen=True)
class Ladder:
    role: RoleInfo
    #: Every level of the role, most junior first (each "X - management" right after X).
    levels: tuple[LevelInfo, ...]
    skill_counts: tuple[int, ...]
    #: The steps up each track, then across (see :attr:`LadderStep.kind`), in track order.
    steps: tuple[LadderStep, ...]
    #: The role's tracks, the main track first; one track for most roles.
    tracks: tuple[Track, ...] = ()

    def step_into(self, level: LevelInfo, kind: str = PROMOTION) -> list[LadderStep]:
        """The steps of ``kind`` that end at ``level``."""
        return [s for s in self.steps if s.higher.iri == level.iri and s.kind == kind]


def _step(view: FrameworkView, lower: LevelInfo, higher: LevelInfo, kind: str) -> LadderStep:
    order = {ADDED: 0, RAISED: 1, LOWERED: 2, REMOVED: 3}
    a = view.requirements.get(lower.iri, {})
    b = view.requirements.get(higher.iri, {})
    changes: list[Change] = []
    unchanged = 0
    for skill in a.keys() | b.keys():
        if skill not in a:
            change = ADDED
        elif skill not in b:
            change = REMOVED
        elif rank(b[skill]) > rank(a[skill]):
            change = RAISED
        elif rank(b[skill]) < rank(a[skill]):
            change = LOWERED
        else:
            unchanged += 1
            continue
        label = view.skills.get(skill, skill)
        changes.append(Change(skill, label, change, tier_text(a, skill), tier_text(b, skill)))
    changes.sort(key=lambda c: (order[c.change], c.label, c.skill))
    return LadderStep(lower, higher, tuple(changes), unchanged, kind)


def ladder(view: FrameworkView, role: str) -> Ladder:
    """A role's levels in seniority order, and what each step up adds, raises, lowers and
    removes. Lowered tiers are real: leadership levels need some hands-on skills less.

    Steps go up each track; a level on another track than the main one is also stepped
    into across from each main-track level of its seniority band."""
    levels = view.levels_of(role)
    tracks = tracks_of(view, role)
    bands = seniority_bands(view) if len(tracks) > 1 else {}
    main = tracks.get(MAIN_TRACK, [])
    steps: list[LadderStep] = []
    for name, track in tracks.items():
        for higher_index, higher in enumerate(track):
            if name != MAIN_TRACK:
                steps.extend(
                    _step(view, lower, higher, ACROSS)
                    for lower in main
                    if bands[lower.iri] == bands[higher.iri]
                )
            if higher_index:
                steps.append(_step(view, track[higher_index - 1], higher, PROMOTION))
    counts = tuple(len(view.requirements.get(lv.iri, {})) for lv in levels)
    return Ladder(
        view.roles[role],
        tuple(levels),
        counts,
        tuple(steps),
        tuple(Track(name, tuple(track)) for name, track in tracks.items()),
    )
