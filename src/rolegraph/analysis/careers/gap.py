"""The gap from A to B: for each skill B needs, ``max(0, tier B needs - tier A has)`` tier
steps; the gap's size is their sum. It is subadditive (gap(A, C) <= gap(A, B) + gap(B, C)),
which is why :func:`~rolegraph.analysis.careers.moves.career_path` needs a graph of
allowed moves. Used by the ladder of moves, by assessments and by ``rolegraph gap``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rolegraph.analysis.careers.common import GAP, MET, NOT_NEEDED, Profile, rank, tier_text
from rolegraph.analysis.view import FrameworkView


@dataclass(frozen=True)
class SkillGap:
    """One skill compared between where a person is and where they want to be."""

    skill: str
    label: str
    status: str  # GAP, MET or NOT_NEEDED
    have: str | None  # tier held ("untiered" for a tierless requirement), None if not held
    need: str | None  # tier needed, None if not needed
    steps: int  # tier steps to gain (0 unless status is GAP)
    descriptor: str | None = None  # for a gap: what the target needs a person to be able to do


@dataclass(frozen=True)
class Gap:
    source: str
    target: str
    skills: tuple[SkillGap, ...]

    def with_status(self, status: str) -> list[SkillGap]:
        return [s for s in self.skills if s.status == status]

    @property
    def steps(self) -> int:
        return sum(s.steps for s in self.skills)

    def summary(self) -> str:
        gaps, met, extra = (len(self.with_status(s)) for s in (GAP, MET, NOT_NEEDED))
        return (
            f"{gaps} skill{'s' if gaps != 1 else ''} to develop ({self.steps} tier "
            f"step{'s' if self.steps != 1 else ''}), {met} already met, {extra} not needed"
        )


def compare(
    view: FrameworkView, have: Profile, target: str, *, source: str, target_label: str = ""
) -> Gap:
    """The gap from the skills ``have`` to what role level ``target`` needs."""
    need = view.requirements.get(target, {})
    rows: list[SkillGap] = []
    for skill in need.keys() | have.keys():
        label = view.skills.get(skill, skill)
        if skill not in need:
            rows.append(SkillGap(skill, label, NOT_NEEDED, tier_text(have, skill), None, 0))
            continue
        held = rank(have[skill]) if skill in have else 0
        steps = max(0, rank(need[skill]) - held)
        rows.append(
            SkillGap(
                skill,
                label,
                GAP if steps else MET,
                tier_text(have, skill),
                tier_text(need, skill),
                steps,
                view.descriptor(target, skill) if steps else None,
            )
        )
    order = {GAP: 0, MET: 1, NOT_NEEDED: 2}
    rows.sort(key=lambda r: (order[r.status], -r.steps, r.label, r.skill))
    return Gap(source, target_label or view.levels[target].label, tuple(rows))


def level_gap(view: FrameworkView, source: str, target: str) -> Gap:
    """The gap from role level ``source`` to role level ``target`` (IRIs)."""
    return compare(
        view, view.requirements.get(source, {}), target, source=view.levels[source].label
    )


def gap_steps(have: Profile, need: Profile) -> int:
    """The size of a gap: tier steps to gain, summed over the skills ``need`` lists."""
    return sum(max(0, rank(t) - (rank(have[s]) if s in have else 0)) for s, t in need.items())
