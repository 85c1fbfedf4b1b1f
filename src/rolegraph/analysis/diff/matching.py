"""Which old skill, role and level is which new one: renames paired across two snapshots.

The second step of ``rolegraph diff``, between reading each side into a
:class:`~rolegraph.analysis.diff.snapshot.Snapshot` and finding the changes: a removed
and an added thing are one renamed thing when the alias table or an alternative label
says so, or when their content matches (skills: their tier descriptors and requirement
texts; roles: the skills they use; levels: the (skill, tier) pairs they need), a Jaccard
similarity of :data:`RENAME_THRESHOLD` or more, best pairs first. Skills are paired
first, so that role and level content can be compared with skill renames applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from rolegraph.analysis.diff.snapshot import Snapshot
from rolegraph.combine.merge import Aliases
from rolegraph.util.text import name_key

RENAME_THRESHOLD = 0.6


def _jaccard(a: set[Any], b: set[Any]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _pair_renames(
    removed: Iterable[str],
    added: Iterable[str],
    same_name: Callable[[str, str], bool],
    old_signature: dict[str, set[Any]],
    new_signature: dict[str, set[Any]],
) -> dict[str, tuple[str, str]]:
    """old name -> (new name, how), for removed/added things that are one renamed thing:
    the same by the alias table or an alternative label, else alike in content (best
    pairs first). Signatures are computed once, by the caller."""
    removed, added = sorted(removed), sorted(added)
    pairs: dict[str, tuple[str, str]] = {}
    taken: set[str] = set()
    for old in removed:
        for new in added:
            if new not in taken and same_name(old, new):
                pairs[old] = (new, "by name")
                taken.add(new)
                break
    scored = sorted(
        (-_jaccard(old_signature[old], new_signature[new]), old, new)
        for old in removed
        if old not in pairs and old_signature[old]
        for new in added
        if new not in taken and new_signature[new]
    )
    for score, old, new in scored:
        if -score < RENAME_THRESHOLD or old in pairs or new in taken:
            continue
        pairs[old] = (new, f"by content, {-score:.0%} alike")
        taken.add(new)
    return pairs


def same_by_name(aliases: Aliases, kind: str, old: Snapshot, new: Snapshot, a: str, b: str) -> bool:
    """Is old ``a`` new ``b`` by the alias table (of ``kind``) or an alternative label?"""
    ra, rb = aliases.resolve(kind, a), aliases.resolve(kind, b)
    if ra is not None and ra == rb:
        return True
    a_alt = {name_key(x) for x in old.alt.get(a, set())}
    b_alt = {name_key(x) for x in new.alt.get(b, set())}
    return name_key(a) in b_alt or name_key(b) in a_alt


def _skill_signature(snap: Snapshot, skill: str) -> set[Any]:
    """A skill's content whatever its roles and levels are called: its tier descriptors and
    the texts and tiers its requirements give."""
    texts: set[Any] = {
        ("tier", t, d) for t, d in snap.skills.get(skill, {}).get("descriptors", {}).items()
    }
    texts |= {("req", t, d) for (_, _, s), (t, d) in snap.requirements.items() if s == skill and d}
    return texts


def _role_uses(snap: Snapshot, role: str, rename: dict[str, str]) -> set[Any]:
    """A role's content: the skills its levels need (old skill names renamed)."""
    return {rename.get(s, s) for (r, _, s) in snap.requirements if r == role}


def _level_needs(snap: Snapshot, role: str, level: str, rename: dict[str, str]) -> set[Any]:
    """A level's content: the (skill, tier) pairs it needs (old skill names renamed)."""
    return {
        (rename.get(s, s), t)
        for (r, lv, s), (t, _) in snap.requirements.items()
        if r == role and lv == level
    }


@dataclass(frozen=True)
class Match:
    """The things of one kind only one side has, and which of them are one renamed thing."""

    #: on the old side only
    gone: set[str]
    #: on the new side only
    arrived: set[str]
    #: old name -> (new name, how the rename was recognised)
    renames: dict[str, tuple[str, str]]

    @property
    def renamed_to(self) -> dict[str, str]:
        """old name -> new name, for the renamed ones."""
        return {o: n for o, (n, _) in self.renames.items()}

    @property
    def removed(self) -> set[str]:
        """Gone, and not renamed."""
        return self.gone - set(self.renames)

    @property
    def added(self) -> set[str]:
        """Arrived, and not a new name."""
        return self.arrived - {n for n, _ in self.renames.values()}


@dataclass(frozen=True)
class RoleLevels:
    """The levels of one role (``old_role`` there, ``new_role`` here), matched."""

    old_role: str
    new_role: str
    levels: Match
    #: old level -> new level, for the levels both sides have (kept, then renamed ones)
    kept: dict[str, str]


@dataclass(frozen=True)
class Matching:
    """Every skill, role and level of the old side mapped onto the new side."""

    skills: Match
    #: every old skill -> its new name (itself unless renamed)
    skill_map: dict[str, str]
    roles: Match
    #: every old role -> its new name (itself unless renamed)
    role_map: dict[str, str]
    #: the levels of each role in ``role_map``, in its order
    levels: list[RoleLevels]
    #: (old role, old level) -> (new role, new level), for levels both sides have
    level_map: dict[tuple[str, str], tuple[str, str]]
    #: (new role, level) for levels removed or added whole (not renamed)
    whole_levels: set[tuple[str, str]]


def match_skills(old: Snapshot, new: Snapshot, aliases: Aliases) -> Match:
    """Skills: renamed by name or by their texts (which do not depend on role names)."""
    gone = set(old.skills) - set(new.skills)
    arrived = set(new.skills) - set(old.skills)
    renames = _pair_renames(
        gone,
        arrived,
        partial(same_by_name, aliases, "skill", old, new),
        {s: _skill_signature(old, s) for s in gone},
        {s: _skill_signature(new, s) for s in arrived},
    )
    return Match(gone, arrived, renames)


def _described(snap: Snapshot) -> set[str]:
    """The roles a snapshot gives levels for (not only names, as a list of related roles)."""
    return {r for (r, _) in snap.levels}


def match_roles(old: Snapshot, new: Snapshot, aliases: Aliases, skill_map: dict[str, str]) -> Match:
    """Roles: renamed by name or by the skills they use (skill renames applied).

    A role renamed in one file only (the role CSV) keeps its old name on that side as a
    name without levels (the skill CSV's "Roles that require Skill" still lists it): an
    old role whose levels are gone and a new role whose levels are new are paired too,
    and only when they are one renamed role (else the old one's levels are removed and
    the new one is added, as before)."""
    gone = set(old.roles) - set(new.roles)
    arrived = set(new.roles) - set(old.roles)
    faded = (set(old.roles) & set(new.roles) & _described(old)) - _described(new)
    fresh = (set(old.roles) & set(new.roles) & _described(new)) - _described(old)
    renames = _pair_renames(
        gone | faded,
        arrived | fresh,
        partial(same_by_name, aliases, "role", old, new),
        {r: _role_uses(old, r, skill_map) for r in gone | faded},
        {r: _role_uses(new, r, {}) for r in arrived | fresh},
    )
    for o, (n, how) in list(renames.items()):
        if o in faded:
            renames[o] = (n, f"{how}; old name left without levels")
    paired_new = {n for n, _ in renames.values()}
    return Match(gone | (faded & set(renames)), arrived | (fresh & paired_new), renames)


def match_levels(
    old: Snapshot,
    new: Snapshot,
    aliases: Aliases,
    r_old: str,
    r_new: str,
    skill_map: dict[str, str],
) -> RoleLevels:
    """Levels, within one role: renamed by name or by the (skill, tier) pairs they need."""
    olds = {lv for (r, lv) in old.levels if r == r_old}
    news = {lv for (r, lv) in new.levels if r == r_new}
    renames = _pair_renames(
        olds - news,
        news - olds,
        partial(same_by_name, aliases, "level", old, new),
        {lv: _level_needs(old, r_old, lv, skill_map) for lv in olds - news},
        {lv: _level_needs(new, r_new, lv, {}) for lv in news - olds},
    )
    levels = Match(olds - news, news - olds, renames)
    kept = {lv: lv for lv in olds & news} | levels.renamed_to
    return RoleLevels(r_old, r_new, levels, kept)


def match(old: Snapshot, new: Snapshot, aliases: Aliases) -> Matching:
    """Pair skills, then roles, then each role's levels, of ``old`` and ``new``."""
    skills = match_skills(old, new, aliases)
    skill_map = {s: s for s in old.skills} | skills.renamed_to
    roles = match_roles(old, new, aliases, skill_map)
    # An old role (a name without levels) whose name a renamed role took maps to nothing.
    taken = set(roles.renamed_to.values())
    role_map = {r: r for r in old.roles if r not in taken} | roles.renamed_to
    levels = [
        match_levels(old, new, aliases, r_old, r_new, skill_map)
        for r_old, r_new in sorted(role_map.items())
    ]
    level_map = {
        (one.old_role, o): (one.new_role, n) for one in levels for o, n in one.kept.items()
    }
    whole_levels = {
        (one.new_role, lv) for one in levels for lv in one.levels.removed | one.levels.added
    }
    return Matching(skills, skill_map, roles, role_map, levels, level_map, whole_levels)
