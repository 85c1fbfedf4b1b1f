"""Which roles and skills a diff may speak of: the :class:`Scope` of a comparison.

Between matching (:mod:`rolegraph.analysis.diff.matching`) and finding the changes
(:mod:`rolegraph.analysis.diff.changes`): a side that gives only some roles (a role page)
limits the comparison to the roles both sides describe, so that what it does not give is
not read as removed; a chosen role limits it to that role. Skills are wanted when a wanted
role uses them, or always when both sides give the whole skill catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from rolegraph.analysis.diff.matching import Matching
from rolegraph.analysis.diff.snapshot import Snapshot
from rolegraph.errors import SourceError
from rolegraph.spelling import option
from rolegraph.util.text import name_key


@dataclass(frozen=True)
class Scope:
    """What the comparison covers."""

    #: the role asked for, if any
    role: str | None
    #: for each side that gives only some roles, the name keys of those (on either side)
    limits: list[set[str]]
    #: new skill name -> the (new) names of the roles that use it, on either side
    skill_users: dict[str, set[str]]
    #: every change to skills is wanted (no role chosen, and both sides give every role
    #: or both give the whole skill catalogue)
    everything: bool

    def wanted(self, *roles: str | None) -> bool:
        """Are changes about these roles (one role, by its old and new names) wanted?"""
        keys = {name_key(r) for r in roles if r is not None}
        if self.role is not None and name_key(self.role) not in keys:
            return False
        return all(keys & limit for limit in self.limits)

    def skill_wanted(self, skill: str) -> bool:
        """Are changes about this skill (by its new name) wanted?"""
        return self.everything or any(self.wanted(u) for u in self.skill_users.get(skill, ()))


def _side_limits(old: Snapshot, new: Snapshot, role_map: dict[str, str]) -> list[set[str]]:
    """The name keys of the roles each side gives, for the sides that give only some."""
    limits: list[set[str]] = []
    old_described, new_described = old.described_roles, new.described_roles
    if old_described is not None:
        limits.append({name_key(x) for r in old_described for x in (r, role_map.get(r, r))})
    if new_described is not None:
        limits.append(
            {name_key(r) for r in new_described}
            | {name_key(o) for o, n in role_map.items() if n in new_described}
        )
    return limits


def _skill_users(old: Snapshot, new: Snapshot, matching: Matching) -> dict[str, set[str]]:
    """New skill name -> the new names of the roles whose levels need it, on either side."""
    skill_map, role_map = matching.skill_map, matching.role_map
    users: dict[str, set[str]] = {}
    for snap in (old, new):
        for r, _, s in snap.requirements:
            users.setdefault(skill_map.get(s, s) if snap is old else s, set()).add(
                role_map.get(r, r) if snap is old else r
            )
    return users


def find_scope(old: Snapshot, new: Snapshot, matching: Matching, role: str | None) -> Scope:
    """What comparing ``old`` with ``new`` (about ``role``, if given) covers."""
    limits = _side_limits(old, new, matching.role_map)
    everything = role is None and (not limits or (old.has_catalogue and new.has_catalogue))
    return Scope(role, limits, _skill_users(old, new, matching), everything)


def compared_roles(
    old: Snapshot, new: Snapshot, matching: Matching, scope: Scope
) -> list[str] | None:
    """The roles compared, when a side gives only some and no role was asked for (None
    otherwise). A role asked for that both sides do not describe is an error."""
    if not scope.limits:
        return None
    compared = sorted(r for r in {*matching.role_map.values(), *new.roles} if scope.wanted(r))
    if scope.role is None:
        return compared
    if not compared:
        sides = [
            f"{snap.label} gives the levels of {', '.join(sorted(d)) or 'no role'}"
            for snap, d in ((old, old.described_roles), (new, new.described_roles))
            if d is not None
        ]
        raise SourceError(
            f"{scope.role} is not described by both sides: {'; '.join(sides)}",
            hint=f"pick a role both sides describe with {option('role')}",
        )
    return None  # the user chose the role: nothing to say
