"""Seniority order of a role's levels when no source states it.

The CSV export is sorted alphabetically. Level names follow a ladder, so the order
is derived from the words in each name, then cross-checked against the levels'
tier profiles (a more senior level should not need most shared skills less):

    apprentice < trainee < associate < junior < (no prefix) < senior / major
               < lead < principal < head / chief

* "X - management" sits right after X. It is not a rung above X but the same level on
  the role's management track (:func:`level_track`): ranks order all of a role's levels,
  and the careers analyses (ladder, path) read the two tracks side by side.
* Where a role has both "... analyst" and "... manager" levels (IT operations
  roles), the manager track sits above the analyst track: analyst < senior analyst
  < manager < lead manager < head.
* Ties (two levels with the same ladder position) are broken by the mean tier of
  the level's requirements, then by name; such roles are reported as uncertain.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rolegraph.util.text import plural

_LADDER: dict[str, float] = {
    "apprentice": 0,
    "trainee": 1,
    "associate": 2,
    "junior": 3,
    "senior": 5,
    "major": 5,
    "lead": 6,
    "principal": 7,
    "head": 20,
    "chief": 20,
}
_PLAIN = 4.0
_MANAGEMENT = re.compile(r"[-–]\s*management\s*$", re.IGNORECASE)
_WORD = re.compile(r"[a-z]+")


#: The tracks a role's levels sit on: most levels are on the main track; a level named
#: "X - management" (Senior developer - management) is on the management track beside X.
MAIN_TRACK, MANAGEMENT_TRACK = "main", "management"


def level_track(name: str) -> str:
    """The track of a level called ``name``: :data:`MANAGEMENT_TRACK` for "X - management",
    else :data:`MAIN_TRACK`."""
    return MANAGEMENT_TRACK if _MANAGEMENT.search(name) else MAIN_TRACK


def ladder_position(name: str, *, manager_track: bool = False) -> float:
    """Where a level name sits on the ladder (higher is more senior)."""
    words = _WORD.findall(name.lower())
    hits = [_LADDER[w] for w in words if w in _LADDER]
    position = max(hits) if hits else _PLAIN
    if _MANAGEMENT.search(name):
        position += 0.5
    if manager_track and position < _LADDER["head"] and "manager" in words:
        position += 4  # above "senior ... analyst", below "head of ..."
    return position


@dataclass
class Ordering:
    levels: list[str]
    #: Reasons the order is uncertain; empty when the name ladder and tiers agree.
    doubts: list[str] = field(default_factory=list)


def derive_order(names: Sequence[str], profiles: Mapping[str, Mapping[str, int]]) -> Ordering:
    """Order level ``names`` by seniority; ``profiles`` maps level -> {skill: tier rank}."""
    lowered = [n.lower() for n in names]
    manager_track = any("analyst" in n for n in lowered) and any("manager" in n for n in lowered)

    def mean_tier(name: str) -> float:
        tiers = list(profiles.get(name, {}).values())
        return sum(tiers) / len(tiers) if tiers else 0.0

    position = {n: ladder_position(n, manager_track=manager_track) for n in names}
    ordered = sorted(names, key=lambda n: (position[n], mean_tier(n), n))
    doubts: list[str] = []
    groups: dict[float, list[str]] = {}
    for n in ordered:
        groups.setdefault(position[n], []).append(n)
    for tied in groups.values():
        if len(tied) > 1:
            doubts.append(
                "the names do not say which is more senior: "
                + ", ".join(repr(t) for t in tied)
                + " (ordered by mean tier)"
            )
    # Each level against the one below it on its own track ("X - management" is beside X).
    steps = [
        pair
        for track in (MAIN_TRACK, MANAGEMENT_TRACK)
        for pair in itertools.pairwise(n for n in ordered if level_track(n) == track)
    ]
    for lower, higher in steps:
        a, b = profiles.get(lower, {}), profiles.get(higher, {})
        common = set(a) & set(b)
        raised = sum(1 for s in common if b[s] > a[s])
        dropped = sum(1 for s in common if b[s] < a[s])
        if dropped > raised:
            doubts.append(
                f"{higher!r} needs {plural(dropped, 'shared skill')} at a lower tier than "
                f"{lower!r} and {raised} at a higher one"
            )
        elif common and raised == dropped == 0 and set(a) == set(b):
            doubts.append(f"{lower!r} and {higher!r} need the same skills at the same tiers")
    return Ordering(ordered, doubts)
