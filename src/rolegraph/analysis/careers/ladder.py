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

    def track_of(self, level: LevelInfo) -> Track:
        """The track ``level`` is on."""
        return next(t for t in self.tracks if any(lv.iri == level.iri for lv in t.levels))

    def beside(self, level: LevelInfo) -> LevelInfo | None:
        """The main-track level a level of another track sits beside (the main level
        ranked just below it: Senior developer for Senior developer - management); None
        for a main-track level, or when no main level is below it."""
        main = next((t for t in self.tracks if t.name == MAIN_TRACK), None)
        if main is None or level.track == MAIN_TRACK:
            return None
        below = [m for m in main.levels if m.rank < level.rank]
        return below[-1] if below else None

    def number(self, level: LevelInfo) -> int:
        """A level's step number, as ``rolegraph ladder`` prints it: its place on the main
        track (1 = most junior); a level of another track has the number of the main
        level it sits beside (1 when none is below it)."""
        if level.track != MAIN_TRACK and any(t.name == MAIN_TRACK for t in self.tracks):
            beside = self.beside(level)
            return 1 if beside is None else self.number(beside)
        levels = self.track_of(level).levels
        return next(i for i, lv in enumerate(levels) if lv.iri == level.iri) + 1

    def along(self, level: LevelInfo) -> tuple[LevelInfo | None, LevelInfo | None]:
        """The levels below and above ``level`` on its own track (None at either end)."""
        levels = self.track_of(level).levels
        at = next(i for i, lv in enumerate(levels) if lv.iri == level.iri)
        return (
            levels[at - 1] if at else None,
            levels[at + 1] if at + 1 < len(levels) else None,
        )


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
