"""The changes between two matched snapshots, one kind of thing at a time.

The third step of ``rolegraph diff``: given both sides, how their names match
(:mod:`rolegraph.analysis.diff.matching`) and what the comparison covers
(:mod:`rolegraph.analysis.diff.scope`), each function lists the :class:`Change` objects
of one kind, in report order; :func:`rolegraph.analysis.diff.compare.compare` joins them.
Texts were normalised when read, so re-wrapping is not a change.
"""

from __future__ import annotations

from rolegraph.analysis.diff.matching import Matching, RoleLevels
from rolegraph.analysis.diff.model import FRAMEWORK_WIDE, Change
from rolegraph.analysis.diff.scope import Scope
from rolegraph.analysis.diff.snapshot import Snapshot
from rolegraph.model.vocab import TIER_RANK


def _how(before: bool, after: bool) -> str:
    """A change to something one side may lack: added, removed or changed."""
    return "added" if not before else "removed" if not after else "changed"


def skill_changes(old: Snapshot, matching: Matching, scope: Scope) -> list[Change]:
    """Skills renamed, removed and added."""
    skills, role_map = matching.skills, matching.role_map
    changes = [
        Change(FRAMEWORK_WIDE, "skill", "renamed", n, o, n, how)
        for o, (n, how) in sorted(skills.renames.items())
        if scope.skill_wanted(n)
    ]
    changes += [
        Change(FRAMEWORK_WIDE, "skill", "removed", s)
        for s in sorted(skills.removed)
        if scope.everything
        or any(scope.wanted(r, role_map.get(r, r)) for (r, _, sk) in old.requirements if sk == s)
    ]
    changes += [
        Change(FRAMEWORK_WIDE, "skill", "added", s)
        for s in sorted(skills.added)
        if scope.skill_wanted(s)
    ]
    return changes


def role_changes(old: Snapshot, new: Snapshot, matching: Matching, scope: Scope) -> list[Change]:
    """Roles removed, added and renamed; then families and descriptions changed."""
    roles = matching.roles
    changes = [Change(r, "role", "removed", r) for r in sorted(roles.removed) if scope.wanted(r)]
    changes += [Change(r, "role", "added", r) for r in sorted(roles.added) if scope.wanted(r)]
    changes += [
        Change(n, "role", "renamed", n, o, n, how)
        for o, (n, how) in sorted(roles.renames.items())
        if scope.wanted(o, n)
    ]
    for r_old, r_new in sorted(matching.role_map.items()):
        if r_new not in new.roles or not scope.wanted(r_old, r_new):
            continue
        a, b = old.roles[r_old], new.roles[r_new]
        if a["family"] != b["family"]:
            changes.append(Change(r_new, "family", "changed", r_new, a["family"], b["family"]))
        if a["description"] and b["description"] and a["description"] != b["description"]:
            changes.append(
                Change(
                    r_new, "role description", "changed", r_new, a["description"], b["description"]
                )
            )
    return changes


def _level_order_change(old: Snapshot, new: Snapshot, one: RoleLevels) -> Change | None:
    """The order of the levels both releases have (ranks shift when a level goes)."""
    r_old, r_new = one.old_role, one.new_role
    kept = list(one.kept.items())
    before = [n for o, n in sorted(kept, key=lambda p: old.levels[(r_old, p[0])]["rank"] or 0)]
    after = sorted((n for _, n in kept), key=lambda n: new.levels[(r_new, n)]["rank"] or 0)
    if before == after:
        return None
    return Change(r_new, "level order", "changed", r_new, " < ".join(before), " < ".join(after))


def level_changes(old: Snapshot, new: Snapshot, matching: Matching, scope: Scope) -> list[Change]:
    """For each role: levels removed, added and renamed, and the level order changed."""
    changes: list[Change] = []
    for one in matching.levels:
        r_new = one.new_role
        if not scope.wanted(one.old_role, r_new) or r_new not in new.roles:
            continue
        changes += [Change(r_new, "level", "removed", lv) for lv in sorted(one.levels.removed)]
        changes += [Change(r_new, "level", "added", lv) for lv in sorted(one.levels.added)]
        changes += [
            Change(r_new, "level", "renamed", n, o, n, how)
            for o, (n, how) in sorted(one.levels.renames.items())
        ]
        order = _level_order_change(old, new, one)
        if order is not None:
            changes.append(order)
    # A role added whole: its levels are news too (in rank order).
    for r in sorted(matching.roles.added):
        if scope.wanted(r):
            levels = [
                (info["rank"] or 0, lv) for (role, lv), info in new.levels.items() if role == r
            ]
            changes += [Change(r, "level", "added", lv) for _, lv in sorted(levels)]
    return changes


def level_text_changes(
    old: Snapshot, new: Snapshot, matching: Matching, scope: Scope
) -> list[Change]:
    """Descriptions and grades changed, of the levels both sides have."""
    changes: list[Change] = []
    for (r_old, lv_old), (r_new, lv_new) in sorted(matching.level_map.items()):
        if not scope.wanted(r_old, r_new):
            continue
        a, b = old.levels[(r_old, lv_old)], new.levels[(r_new, lv_new)]
        if a["description"] and b["description"] and a["description"] != b["description"]:
            changes.append(
                Change(
                    r_new,
                    "level description",
                    "changed",
                    lv_new,
                    a["description"],
                    b["description"],
                )
            )
        # A fact one side cannot hold (the CSV has no grades) is not a change.
        if (
            a["grades"] != b["grades"]
            and (a["grades"] or old.has_grades)
            and (b["grades"] or new.has_grades)
        ):
            changes.append(
                Change(
                    r_new,
                    "grades",
                    _how(bool(a["grades"]), bool(b["grades"])),
                    lv_new,
                    "; ".join(a["grades"]) or None,
                    "; ".join(b["grades"]) or None,
                )
            )
    return changes


def _tier_direction(t_old: str, t_new: str) -> str:
    """raised or lowered, or changed to or from something that is not one of the four."""
    if t_old in TIER_RANK and t_new in TIER_RANK:
        return "raised" if TIER_RANK[t_new] > TIER_RANK[t_old] else "lowered"
    return "changed"


def _old_requirements_renamed(
    old: Snapshot, matching: Matching
) -> dict[tuple[str, str, str], tuple[str | None, str | None]]:
    """The old side's requirements, keyed by the new names of their role, level and skill."""
    mapped: dict[tuple[str, str, str], tuple[str | None, str | None]] = {}
    for (r, lv, s), value in old.requirements.items():
        r2, lv2 = matching.level_map.get((r, lv), (matching.role_map.get(r, r), lv))
        mapped[(r2, lv2, matching.skill_map.get(s, s))] = value
    return mapped


def requirement_changes(
    old: Snapshot, new: Snapshot, matching: Matching, scope: Scope
) -> list[Change]:
    """Requirements removed, added, and whose tier or descriptor changed (a whole role
    or level added or removed is one change, reported with the roles and levels)."""
    whole_roles = matching.roles.removed | matching.roles.added
    mapped_old = _old_requirements_renamed(old, matching)
    changes: list[Change] = []
    for key in sorted(set(mapped_old) | set(new.requirements)):
        r, lv, s = key
        if not scope.wanted(r) or r in whole_roles or (r, lv) in matching.whole_levels:
            continue
        if key not in new.requirements:
            changes.append(Change(r, "requirement", "removed", f"{lv}: {s}", mapped_old[key][0]))
        elif key not in mapped_old:
            changes.append(
                Change(r, "requirement", "added", f"{lv}: {s}", None, new.requirements[key][0])
            )
        else:
            (t_old, d_old), (t_new, d_new) = mapped_old[key], new.requirements[key]
            if t_old != t_new and t_old and t_new:
                changes.append(
                    Change(r, "tier", _tier_direction(t_old, t_new), f"{lv}: {s}", t_old, t_new)
                )
            if d_old and d_new and d_old != d_new:
                changes.append(Change(r, "descriptor", "changed", f"{lv}: {s}", d_old, d_new))
    return changes


def _skill_descriptor_changes(old: Snapshot, new: Snapshot, s_old: str, s_new: str) -> list[Change]:
    """The tier descriptors of one skill added, removed or changed."""
    a, b = old.skills[s_old]["descriptors"], new.skills[s_new]["descriptors"]
    changes: list[Change] = []
    for tier in sorted(set(a) | set(b), key=lambda t: TIER_RANK[t]):
        before, after = a.get(tier), b.get(tier)
        # A role page gives only the tiers its levels use: silence is not removal.
        if (
            before == after
            or (before is None and not old.has_catalogue)
            or (after is None and not new.has_catalogue)
        ):
            continue
        how = _how(before is not None, after is not None)
        changes.append(
            Change(FRAMEWORK_WIDE, "skill descriptor", how, f"{s_new} at {tier}", before, after)
        )
    return changes


def _skill_description_change(
    old: Snapshot, new: Snapshot, s_old: str, s_new: str
) -> Change | None:
    """The description of one skill added, removed or changed."""
    a, b = old.skills[s_old]["description"], new.skills[s_new]["description"]
    # A description missing on a side that gives none is silence, too.
    if a == b or not (a or old.describes_skills) or not (b or new.describes_skills):
        return None
    return Change(FRAMEWORK_WIDE, "skill description", _how(bool(a), bool(b)), s_new, a, b)


def skill_text_changes(
    old: Snapshot, new: Snapshot, matching: Matching, scope: Scope
) -> list[Change]:
    """Skill descriptions and tier descriptors, for skills in both."""
    changes: list[Change] = []
    for s_old, s_new in sorted(matching.skill_map.items()):
        if s_new not in new.skills or not scope.skill_wanted(s_new):
            continue
        changes += _skill_descriptor_changes(old, new, s_old, s_new)
        description = _skill_description_change(old, new, s_old, s_new)
        if description is not None:
            changes.append(description)
    return changes
