"""How a person's or a team's skills compare with role levels (``rolegraph assess``):
the best-matching levels for a person, and a team's coverage of a level."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rolegraph.analysis.careers.common import GAP, Profile, rank, tier_text
from rolegraph.analysis.careers.gap import gap_steps
from rolegraph.analysis.view import FrameworkView, LevelInfo, tier_similarity
from rolegraph.model.vocab import TIERS


@dataclass(frozen=True)
class Match:
    level: LevelInfo
    role: str
    similarity: float  # weighted Jaccard of the person's and the level's tiers
    coverage: float  # share of the level's tier steps the person already has
    steps: int  # tier steps the person lacks for the level


def best_matches(view: FrameworkView, tiers: Profile, *, top: int = 10) -> list[Match]:
    """The role levels most like a person's skills, by the same similarity as
    :func:`similar`; ties by fewer missing tier steps, then name."""
    out: list[Match] = []
    for iri, level in view.levels.items():
        need = view.requirements.get(iri, {})
        if not need:
            continue
        total = sum(rank(t) for t in need.values())
        steps = gap_steps(tiers, need)
        out.append(
            Match(
                level,
                view.roles[level.role].label,
                tier_similarity(tiers, need),
                (total - steps) / total,
                steps,
            )
        )
    out.sort(key=lambda m: (-m.similarity, m.steps, m.level.label, m.level.iri))
    return out[:top]


@dataclass(frozen=True)
class Coverage:
    level: str
    skill: str
    need: str
    best: str | None  # the highest tier anyone in the team has
    holders: tuple[str, ...]  # people at the needed tier or above
    short: int  # tier steps between the best in the team and the need (0 when covered)
    #: on a gap: the people nearest to the need (those at the team's best tier); empty
    #: when covered, or when nobody in the team has the skill at all
    nearest: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        return "covered" if self.holders else GAP


def team_coverage(
    view: FrameworkView, people: Mapping[str, Mapping[str, int]], target: str
) -> list[Coverage]:
    """For each skill role level ``target`` needs: who in the team has it at the needed
    tier, the team's best tier, and how far short the team is; on a gap, who is nearest
    (the people at the team's best tier, in the file's order)."""
    need = view.requirements.get(target, {})
    rows: list[Coverage] = []
    for skill, tier in need.items():
        needed = rank(tier)
        held = {person: tiers[skill] for person, tiers in people.items() if skill in tiers}
        best = max(held.values(), default=0)
        short = max(0, needed - best)
        rows.append(
            Coverage(
                view.levels[target].label,
                view.skills.get(skill, skill),
                tier_text(need, skill) or "",
                TIERS[best - 1] if best else None,
                tuple(person for person, t in held.items() if t >= needed),
                short,
                tuple(person for person, t in held.items() if t == best) if short else (),
            )
        )
    rows.sort(key=lambda c: (0 if c.short else 1, -c.short, c.skill))
    return rows
