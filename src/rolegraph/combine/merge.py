"""Combine records from several sources into one framework, saying where they disagree.

* Names are matched by :func:`rolegraph.util.text.name_key` and through the maintained
  alias table (``data/aliases.csv``): the official name becomes the preferred
  label, the others alternative labels.
* Dates first (:mod:`rolegraph.combine.dates`): what an older source says of a role a
  newer source describes is set aside and reported, never merged.
* Sources are given in precedence order; on a disagreement (a tier, a text, a
  family) the first source's value is kept and the report names both.
* Level order: a source that states it (a role page) wins; otherwise it is derived
  (:mod:`rolegraph.combine.ordering`) and doubtful orders are reported.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from rolegraph.combine.aliases import KINDS, Aliases, Names, load_family_table
from rolegraph.combine.dates import set_aside_older
from rolegraph.combine.ordering import derive_order
from rolegraph.combine.reconcile import (
    catalogue_presence,
    level_presence,
    lookalike_names,
    reconcile_listed,
    reconcile_shared,
    requirement_presence,
)
from rolegraph.model.records import (
    CATALOGUE_KINDS,
    Family,
    Framework,
    Origin,
    Requirement,
    Role,
    RoleLevel,
    RoleSkill,
    SharedSkills,
    Skill,
)
from rolegraph.model.report import ImportReport
from rolegraph.model.vocab import TIER_RANK, TIERS
from rolegraph.util.text import name_key

__all__ = ["KINDS", "Aliases", "Names", "combine", "load_family_table"]

R = TypeVar("R")
K = TypeVar("K", bound=Hashable)


def _merge(
    records: Sequence[R],
    fields: Iterable[str],
    report: ImportReport,
    label: Callable[[R], str],
) -> R:
    """First record wins; later non-empty values fill gaps; differing values are reported."""
    merged = records[0]
    for other in records[1:]:
        updates: dict[str, Any] = {}
        for name in fields:
            mine, theirs = getattr(merged, name), getattr(other, name)
            if theirs in (None, (), ""):
                continue
            if mine in (None, (), ""):
                updates[name] = theirs
            elif mine != theirs:
                first = getattr(merged, "origin", None)
                second = getattr(other, "origin", None)
                report.add(
                    "disagreement",
                    f"{label(merged)}: {name.replace('_', ' ')} differs between {first} and "
                    f"{second}; kept {_short(mine)} from {first.source if first else '?'}, "
                    f"not {_short(theirs)}",
                    file=second.source if second else "",
                    rows=second.row if second and second.row else (),
                    lines=second.line if second and second.line else (),
                    severity="warning",
                )
        if updates:
            merged = replace(merged, **updates)  # type: ignore[type-var]
    return merged


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _group(items: Iterable[R], key: Callable[[R], K]) -> dict[K, list[R]]:
    out: dict[K, list[R]] = {}
    for item in items:
        out.setdefault(key(item), []).append(item)
    return out


@dataclass
class _Records:
    """Every source's records with canonical names, still one per source, in precedence order."""

    roles: list[Role]
    families: list[Family]
    levels: list[RoleLevel]
    skills: list[Skill]
    requirements: list[Requirement]
    shared: list[SharedSkills]
    listed: list[RoleSkill]


def combine(
    parts: Sequence[Framework],
    report: ImportReport,
    *,
    aliases: Aliases | None = None,
    families: dict[str, str] | None = None,
) -> Framework:
    """Merge ``parts`` (in precedence order) into one framework with ordered levels."""
    aliases = aliases if aliases is not None else Aliases.load()
    family_table = {
        name_key(k): v
        for k, v in (families if families is not None else load_family_table()).items()
    }
    names = Names(aliases, report)
    out = Framework()
    for part in parts:
        out.sources.extend(part.sources)

    records = _canonical_records(parts, names)
    # An older source never overrides or extends a newer one (combine/dates.py).
    aside = set_aside_older(records, out.sources, report)
    report.older_sources.extend(k for k in aside.older if k not in report.older_sources)
    _add_linked_only(records)
    _merge_families_and_roles(records, out, names, family_table, report)
    level_groups = _merge_skills_and_levels(records, out, names, report)
    _merge_requirements(records.requirements, level_groups, out, report)
    _report_presence(records, out, report)
    _merge_shared(records.shared, out, report)

    reconcile_listed(records.listed, out, report)
    reconcile_shared(out, report)
    _order_levels(out, report)
    lookalike_names(out, report)
    return out


def _canonical_records(parts: Sequence[Framework], names: Names) -> _Records:
    """Every record of every part with its names canonicalised, keeping the precedence order."""

    def role_of(name: str, origin: Origin | None = None) -> str:
        return names("role", name, origin)

    def skill_of(name: str, origin: Origin | None = None) -> str:
        return names("skill", name, origin)

    def level_of(role: str, name: str, origin: Origin | None = None) -> str:
        return names("level", name, origin, scope=name_key(role) + "\x00")

    roles = [replace(r, name=role_of(r.name, r.origin)) for p in parts for r in p.roles]
    fams = [replace(f, name=names("family", f.name, f.origin)) for p in parts for f in p.families]
    roles = [replace(r, family=names("family", r.family) if r.family else None) for r in roles]
    levels = [
        replace(lv, role=role_of(lv.role), name=level_of(role_of(lv.role), lv.name, lv.origin))
        for p in parts
        for lv in p.levels
    ]
    skills = [replace(s, name=skill_of(s.name, s.origin)) for p in parts for s in p.skills]
    reqs = []
    for p in parts:
        for q in p.requirements:
            role = role_of(q.role)
            reqs.append(
                replace(
                    q, role=role, level=level_of(role, q.level), skill=skill_of(q.skill, q.origin)
                )
            )
    shared = [
        replace(
            s,
            role=role_of(s.role),
            other_role=role_of(s.other_role, s.origin),
            skills=tuple(skill_of(k, s.origin) for k in s.skills),
        )
        for p in parts
        for s in p.shared
    ]
    listed = [
        replace(x, role=role_of(x.role, x.origin), skill=skill_of(x.skill, x.origin))
        for p in parts
        for x in p.role_skills
    ]
    return _Records(roles, fams, levels, skills, reqs, shared, listed)


def _add_linked_only(records: _Records) -> None:
    """Roles and skills mentioned only by links (shared-skills table, skills file) become
    records of their own."""
    known_roles = {r.name for r in records.roles}
    for name, origin in [
        *((s.other_role, s.origin) for s in records.shared),
        *((x.role, x.origin) for x in records.listed),
    ]:
        if name not in known_roles:
            known_roles.add(name)
            records.roles.append(Role(name, origin=origin))
    known_skills = {s.name for s in records.skills}
    for s in records.shared:
        for k in s.skills:
            if k not in known_skills:
                known_skills.add(k)
                records.skills.append(Skill(k, origin=s.origin))
    for x in records.listed:
        if x.skill not in known_skills:
            known_skills.add(x.skill)
            records.skills.append(Skill(x.skill, origin=x.origin))


def _merge_families_and_roles(
    records: _Records,
    out: Framework,
    names: Names,
    family_table: dict[str, str],
    report: ImportReport,
) -> None:
    """One family and one role record per name; a family only a role names is added."""
    for fam_group in _group(records.families, lambda f: f.name).values():
        out.families.append(
            _merge(fam_group, ("description",), report, lambda f: f"family {f.name!r}")
        )
    for role_group in _group(records.roles, lambda r: r.name).values():
        out.roles.append(_merge_role(role_group, names, family_table, report))
    present_families = {f.name for f in out.families}
    for merged_role in out.roles:
        family = merged_role.family
        if family and family not in present_families:
            present_families.add(family)
            out.families.append(Family(family))


def _merge_skills_and_levels(
    records: _Records, out: Framework, names: Names, report: ImportReport
) -> dict[tuple[str, str], list[RoleLevel]]:
    """One skill record per name and one level per (role, level); returns the level groups."""
    for skill_group in _group(records.skills, lambda s: s.name).values():
        out.skills.append(
            _merge_skill(skill_group, report, names.alt_names("skill", skill_group[0].name))
        )
    level_groups = _group(records.levels, lambda lv: (lv.role, lv.name))
    for (role_name, _), level_group in level_groups.items():
        out.levels.append(_merge_level(role_name, level_group, names, report))
    return level_groups


def _merge_requirements(
    reqs: list[Requirement],
    level_groups: dict[tuple[str, str], list[RoleLevel]],
    out: Framework,
    report: ImportReport,
) -> None:
    """One requirement per (role, level, skill); a level only a requirement names is added."""
    req_groups = _group(reqs, lambda q: (q.role, q.level, q.skill))
    for (role_name, level_name, _), req_group in req_groups.items():
        out.requirements.append(
            _merge(
                req_group, ("tier", "descriptor"), report, lambda q: f"{q.level!r} x {q.skill!r}"
            )
        )
        if (role_name, level_name) not in level_groups:
            level_groups[(role_name, level_name)] = []
            out.levels.append(RoleLevel(role_name, level_name, origin=req_group[0].origin))


def _report_presence(records: _Records, out: Framework, report: ImportReport) -> None:
    """Report requirements, levels and catalogue skills that one source has and another lacks."""
    requirement_presence(records.requirements, report)
    level_presence(records.levels, report)
    catalogues = {src.key for src in out.sources if src.kind in CATALOGUE_KINDS}
    catalogue_presence(records.skills, records.listed, catalogues, report)


def _merge_shared(shared: list[SharedSkills], out: Framework, report: ImportReport) -> None:
    """One shared-skills record per (role, other role)."""
    for shared_group in _group(shared, lambda s: (s.role, s.other_role)).values():
        out.shared.append(
            _merge(
                shared_group,
                ("skills",),
                report,
                lambda s: f"shared skills {s.role!r}/{s.other_role!r}",
            )
        )


def _merge_role(
    group: list[Role], names: Names, family_table: dict[str, str], report: ImportReport
) -> Role:
    role = _merge(
        group,
        ("family", "description", "senior_civil_service"),
        report,
        lambda r: f"role {r.name!r}",
    )
    listed_family = family_table.get(name_key(role.name))
    if role.family is None and listed_family is not None:
        family = names("family", listed_family)
        role = replace(role, family=family)
        report.add(
            "interpreted",
            f"role {role.name!r}: family {family!r} taken from the maintained table "
            "data/role-families.csv (no source gave it)",
        )
    elif role.family is None:
        report.add(
            "missing",
            f"role {role.name!r} has no family (not in any source nor in data/role-families.csv)",
            severity="warning",
        )
    elif listed_family is not None and name_key(listed_family) != name_key(role.family):
        report.add(
            "disagreement",
            f"role {role.name!r}: family {role.family!r} in the sources, {listed_family!r} in "
            "data/role-families.csv; kept the sources' value",
            severity="warning",
        )
    return replace(role, alt_names=names.alt_names("role", role.name))


def _merge_level(
    role_name: str, group: list[RoleLevel], names: Names, report: ImportReport
) -> RoleLevel:
    merged = _merge(group, ("description", "grades"), report, lambda lv: f"level {lv.name!r}")
    stated = [lv for lv in group if lv.rank_basis == "stated" and lv.rank is not None]
    for other in stated[1:]:
        if other.rank != stated[0].rank:
            report.add(
                "disagreement",
                f"role {role_name!r}: level {merged.name!r} is number {stated[0].rank} in "
                f"{stated[0].origin} but number {other.rank} in {other.origin}; kept "
                f"{stated[0].rank}",
                file=other.origin.source,
                lines=other.origin.line or (),
                severity="warning",
            )
    scope = name_key(role_name) + "\x00"
    return replace(
        merged,
        rank=stated[0].rank if stated else None,
        rank_basis="stated" if stated else None,
        alt_names=names.alt_names("level", merged.name, scope),
    )


def _merge_skill(group: list[Skill], report: ImportReport, alt_names: tuple[str, ...]) -> Skill:
    merged = _merge(
        group, ("description", "untiered_descriptor"), report, lambda s: f"skill {s.name!r}"
    )
    by_tier: dict[str, tuple[str, Origin]] = {}
    undefined: set[str] = set()
    for s in group:
        for tier, text in s.descriptors:
            known = by_tier.get(tier)
            if known is None:
                by_tier[tier] = (text, s.origin)
            elif known[0] != text:
                report.at(
                    "disagreement",
                    f"skill {s.name!r}: the descriptor at {tier} here differs from the one in "
                    f"{known[1]}, which is kept",
                    s.origin,
                    severity="warning",
                )
        undefined.update(s.undefined_tiers)
    for tier in sorted(undefined & set(by_tier), key=TIERS.index):
        report.add(
            "disagreement",
            f"skill {merged.name!r}: tier {tier} is marked not defined in one source but has a "
            "descriptor in another; the descriptor is kept",
            severity="warning",
        )
    return replace(
        merged,
        descriptors=tuple((t, by_tier[t][0]) for t in TIERS if t in by_tier),
        undefined_tiers=tuple(t for t in TIERS if t in undefined and t not in by_tier),
        alt_names=alt_names,
    )


def _order_levels(fw: Framework, report: ImportReport) -> None:
    profiles: dict[tuple[str, str], dict[str, int]] = {}
    for q in fw.requirements:
        if q.tier is not None:
            profiles.setdefault((q.role, q.level), {})[q.skill] = TIER_RANK[q.tier]
    by_role = _group(fw.levels, lambda lv: lv.role)
    ordered: list[RoleLevel] = []
    for role, levels in by_role.items():
        if all(lv.rank_basis == "stated" for lv in levels):
            ranks = sorted(lv.rank or 0 for lv in levels)
            if ranks == list(range(1, len(levels) + 1)):
                ordered.extend(levels)
                page = [lv.name for lv in sorted(levels, key=lambda lv: lv.rank or 0)]
                guess = derive_order(page, {n: profiles.get((role, n), {}) for n in page}).levels
                if guess != page and len(page) > 1:
                    report.add(
                        "order",
                        f"role {role!r}: the stated order ({', '.join(map(repr, page))}) is kept; "
                        f"the level names alone would have given {', '.join(map(repr, guess))}",
                    )
                continue
        stated = [lv for lv in levels if lv.rank_basis == "stated"]
        order = derive_order(
            [lv.name for lv in levels],
            {lv.name: profiles.get((role, lv.name), {}) for lv in levels},
        )
        names = order.levels
        if stated:
            # Keep the stated order of the levels a page gave; fit the others in by ladder.
            page = [lv.name for lv in sorted(stated, key=lambda lv: lv.rank or 0)]
            rest = [n for n in names if n not in page]
            names = _interleave(page, rest, names)
            report.add(
                "order",
                f"role {role!r}: the page gives the order of {len(page)} of {len(levels)} levels; "
                f"{', '.join(repr(r) for r in rest)} placed by name",
                severity="warning",
            )
        rank = {n: i for i, n in enumerate(names, start=1)}
        basis = "stated" if len(stated) == len(levels) else "derived"
        ordered.extend(replace(lv, rank=rank[lv.name], rank_basis=basis) for lv in levels)  # type: ignore[arg-type]
        if basis == "derived" and len(levels) > 1:
            for doubt in order.doubts:
                report.add("order", f"role {role!r}: order uncertain: {doubt}", severity="warning")
            if order.doubts:
                report.uncertain_orders[role] = list(order.doubts)
    fw.levels = ordered


def _interleave(page: list[str], rest: list[str], ladder: list[str]) -> list[str]:
    out = list(page)
    for name in rest:
        pos = ladder.index(name)
        before = [n for n in ladder[:pos] if n in out]
        out.insert(out.index(before[-1]) + 1 if before else 0, name)
    return out
