"""What every career question shares: tier ranks and their names, the fixed words of
results (gap, met, promotion, ...), and finding roles, levels and skills by name.

The bottom of :mod:`rolegraph.analysis.careers`: its other modules import this one.
Tiers are ranks: awareness 1, working 2, practitioner 3, expert 4; a skill not held is 0.
A requirement with no tier (the Senior Civil Service roles) counts as 1 wherever a number
is needed, as in :func:`rolegraph.analysis.view.role_matrix`.
"""

from __future__ import annotations

from collections.abc import Mapping

from rolegraph.analysis.view import FrameworkView
from rolegraph.errors import NotFound, SourceError
from rolegraph.model.vocab import TIER_RANK, TIERS, tier_name
from rolegraph.sparql.binding import match_name
from rolegraph.spelling import advice, option

#: A person's or a level's skills: skill IRI -> tier rank (None: required with no tier).
Profile = Mapping[str, int | None]

GAP, MET, NOT_NEEDED = "gap", "met", "not needed"
ADDED, RAISED, LOWERED, REMOVED = "added", "raised", "lowered", "removed"
#: Moves: up a track of the same role, across between its tracks (X and X - management)
#: in the same band, or to another role's level in the same band.
PROMOTION, ACROSS, LATERAL = "promotion", "across", "lateral"
#: Seniority bands of role levels, lowest first (see :func:`seniority_bands`).
BANDS = ("entry", "mid", "senior", "lead", "principal", "head")
VALID_TIERS = "awareness, working, practitioner, expert, or 1-4"


def rank(tier: int | None) -> int:
    """A held or required tier as a number: an untiered requirement counts as 1."""
    return 1 if tier is None else tier


def tier_text(profile: Profile, skill: str) -> str | None:
    """The tier name of ``skill`` in ``profile``; "untiered"; None when the skill is absent."""
    if skill not in profile:
        return None
    tier = profile[skill]
    return "untiered" if tier is None else TIERS[tier - 1]


def parse_tier(text: str) -> int | None:
    """``"Practitioner"`` or ``"3"`` -> 3; None when ``text`` is not a tier."""
    name = tier_name(text, numbers=True)
    return TIER_RANK[name] if name else None


# -- names -----------------------------------------------------------------------


def find_role(view: FrameworkView, name: str) -> str:
    """The role called ``name`` (any case, alternative names too); NotFound suggests others."""

    return match_name("role", name, view.labels("role"))


def find_role_of(view: FrameworkView, name: str) -> str:
    """The role called ``name``, or the role of the level called ``name``."""

    try:
        return find_role(view, name)
    except NotFound:
        try:
            return view.levels[match_name("level", name, view.labels("level"))].role
        except NotFound:
            pass
        raise


def find_skill(view: FrameworkView, name: str) -> str:
    return match_name("skill", name, view.labels("skill"))


def find_level(view: FrameworkView, name: str) -> str:
    """The role level called ``name``; naming a role suggests that role's levels."""

    try:
        return match_name("level", name, view.labels("level"))
    except NotFound as exc:
        try:
            role = find_role(view, name)
        except NotFound:
            raise exc from None
        levels = [lv.label for lv in view.levels_of(role)]
        if not levels:
            raise SourceError(
                f"{view.roles[role].label!r} is a role with no levels in this graph",
                hint=f"build the whole framework with {advice('build-whole')} "
                f"and pass it with {option('graph')}",
            ) from None
        raise NotFound("level", name, levels) from None


def find_role_or_level(view: FrameworkView, name: str, *, level: bool = False) -> str:
    """A role called ``name``, else a role level; with ``level``, a role level only.
    (Many roles have a level of the same name, such as Data scientist: the role wins.)"""

    if level:
        return find_level(view, name)
    try:
        return find_role(view, name)
    except NotFound as role_miss:
        try:
            return match_name("level", name, view.labels("level"))
        except NotFound as level_miss:
            close = list(dict.fromkeys([*role_miss.suggestions, *level_miss.suggestions]))
            raise NotFound("role or level", name, close[:3]) from None
