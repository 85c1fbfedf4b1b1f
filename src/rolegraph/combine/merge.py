"""Combine records from several sources into one framework, saying where they disagree.

* Names are matched by :func:`rolegraph.util.text.name_key` and through the maintained
  alias table (``data/aliases.csv``): the official name becomes the preferred
  label, the others alternative labels.
* Sources are given in precedence order; on a disagreement (a tier, a text, a
  family) the first source's value is kept and the report names both.
* Level order: a source that states it (a role page) wins; otherwise it is derived
  (:mod:`rolegraph.combine.ordering`) and doubtful orders are reported.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from rolegraph.combine.ordering import derive_order
from rolegraph.errors import InputError
from rolegraph.model import paths
from rolegraph.model.records import (
    Family,
    Framework,
    Origin,
    Requirement,
    Role,
    RoleLevel,
    RoleSkill,
    Skill,
)
from rolegraph.model.report import ImportReport
from rolegraph.model.vocab import TIER_RANK, TIERS
from rolegraph.util.confusables import differing, lookalikes
from rolegraph.util.tables import read_table
from rolegraph.util.text import name_key

R = TypeVar("R")
K = TypeVar("K", bound=Hashable)
KINDS = ("role", "skill", "family", "level")


@dataclass
class Aliases:
    """The name-reconciliation table: (kind, alias key) -> official name."""

    official: dict[tuple[str, str], str] = field(default_factory=dict)
    #: (kind, official name) -> its other names, as the table spells them
    others: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> Aliases:
        table = read_table(
            path or paths.aliases_file(),
            required=("kind", "name", "alias"),
            optional=("note",),
            what="alias table",
        )
        out = cls()
        for row, cells in table.rows:
            kind = cells["kind"].strip().lower()
            if kind not in KINDS:
                raise InputError(
                    f"{table.label}, row {row}, column 'kind': unknown kind {cells['kind']!r}",
                    hint=f"use one of {', '.join(KINDS)}",
                )
            name, alias = cells["name"].strip(), cells["alias"].strip()
            if not name or not alias:
                raise InputError(f"{table.label}, row {row}: 'name' and 'alias' must not be empty")
            out.official[(kind, name_key(alias))] = name
            out.official[(kind, name_key(name))] = name
            out.others.setdefault((kind, name), []).append(alias)
        return out

    def resolve(self, kind: str, name: str) -> str | None:
        return self.official.get((kind, name_key(name)))


def load_family_table(path: Path | None = None) -> dict[str, str]:
    """The maintained role -> family table (from the framework site's navigation)."""

    table = read_table(
        path or paths.families_file(), required=("role", "family"), what="role family table"
    )
    return {c["role"].strip(): c["family"].strip() for _, c in table.rows if c["role"].strip()}


class _Names:
    """Canonical spelling per kind: the alias table's official name, else the first seen."""

    def __init__(self, aliases: Aliases, report: ImportReport) -> None:
        self.aliases = aliases
        self.report = report
        self.canonical: dict[tuple[str, str], str] = {}
        self.alts: dict[tuple[str, str], list[str]] = {}

    def __call__(self, kind: str, name: str, origin: Origin | None = None, scope: str = "") -> str:
        key = (kind, scope + name_key(name))
        official = self.aliases.resolve(kind, name)
        if official is not None:
            key = (kind, scope + name_key(official))
        canonical = self.canonical.get(key)
        if canonical is None:
            canonical = official or name
            self.canonical[key] = canonical
        if name != canonical:
            alts = self.alts.setdefault((kind, scope + canonical), [])
            if name not in alts:
                alts.append(name)
                how = "by the alias table" if official is not None else "by spelling"
                self.report.at(
                    "alias",
                    f"{kind} {name!r} is {canonical!r} (matched {how}); kept as an alternative name",
                    origin,
                )
        return canonical

    def alt_names(self, kind: str, canonical: str, scope: str = "") -> tuple[str, ...]:
        """Other names seen in the sources, then the alias table's other names for it."""
        seen = list(self.alts.get((kind, scope + canonical), ()))
        if not scope:
            for alias in self.aliases.others.get((kind, canonical), ()):
                if alias not in seen and alias != canonical:
                    seen.append(alias)
        return tuple(seen)


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
    names = _Names(aliases, report)

    def role_of(name: str, origin: Origin | None = None) -> str:
        return names("role", name, origin)

    def skill_of(name: str, origin: Origin | None = None) -> str:
        return names("skill", name, origin)

    def level_of(role: str, name: str, origin: Origin | None = None) -> str:
        return names("level", name, origin, scope=name_key(role) + "\x00")

    out = Framework()
    for part in parts:
        out.sources.extend(part.sources)

    # Canonicalise every record's names, keeping the precedence order.
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

    # Roles mentioned only by links (shared-skills table, skills file) become role records.
    known_roles = {r.name for r in roles}
    for name, origin in [
        *((s.other_role, s.origin) for s in shared),
        *((x.role, x.origin) for x in listed),
    ]:
        if name not in known_roles:
            known_roles.add(name)
            roles.append(Role(name, origin=origin))
    known_skills = {s.name for s in skills}
    for s in shared:
        for k in s.skills:
            if k not in known_skills:
                known_skills.add(k)
                skills.append(Skill(k, origin=s.origin))
    for x in listed:
        if x.skill not in known_skills:
            known_skills.add(x.skill)
            skills.append(Skill(x.skill, origin=x.origin))

    # Merge each entity across sources.
    for fam_group in _group(fams, lambda f: f.name).values():
        out.families.append(
            _merge(fam_group, ("description",), report, lambda f: f"family {f.name!r}")
        )
    for role_group in _group(roles, lambda r: r.name).values():
        out.roles.append(_merge_role(role_group, names, family_table, report))
    present_families = {f.name for f in out.families}
    for merged_role in out.roles:
        family = merged_role.family
        if family and family not in present_families:
            present_families.add(family)
            out.families.append(Family(family))
    for skill_group in _group(skills, lambda s: s.name).values():
        out.skills.append(
            _merge_skill(skill_group, report, names.alt_names("skill", skill_group[0].name))
        )
    level_groups = _group(levels, lambda lv: (lv.role, lv.name))
    for (role_name, _), level_group in level_groups.items():
        out.levels.append(_merge_level(role_name, level_group, names, report))
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
    _requirement_presence(reqs, report)
    _level_presence(levels, report)
    catalogues = {src.key for src in out.sources if src.kind in CATALOGUE_KINDS}
    _catalogue_presence(skills, listed, catalogues, report)
    for shared_group in _group(shared, lambda s: (s.role, s.other_role)).values():
        out.shared.append(
            _merge(
                shared_group,
                ("skills",),
                report,
                lambda s: f"shared skills {s.role!r}/{s.other_role!r}",
            )
        )

    _reconcile_listed(listed, out, report)
    _reconcile_shared(out, report)
    _order_levels(out, report)
    _lookalike_names(out, report)
    return out


def _lookalike_names(fw: Framework, report: ImportReport) -> None:
    """Warn of names that print alike but differ (confusable characters, Unicode TR39):
    they stay two things, the report says where each comes from."""

    kinds: list[tuple[str, str, list[tuple[str, Origin | None]]]] = [
        ("family", "families", [(f.name, f.origin) for f in fw.families]),
        ("role", "roles", [(r.name, r.origin) for r in fw.roles]),
        ("level", "role levels", [(lv.name, lv.origin) for lv in fw.levels]),
        ("skill", "skills", [(k.name, k.origin) for k in fw.skills]),
    ]
    for kind, many, named in kinds:
        where: dict[str, Origin | None] = {}
        for name, origin in named:
            where.setdefault(name, origin)
        for group in lookalikes(where):
            first = group[0]
            for other in group[1:]:
                chars = "; ".join(differing(first, other))
                report.add(
                    "lookalike",
                    f"{kind} {first!r} ({where[first] or 'no source row'}) and {kind} "
                    f"{other!r} ({where[other] or 'no source row'}) differ only by look-alike "
                    f"characters ({chars}): kept as two {many}; if they are one, correct the "
                    "spelling in the source",
                    severity="warning",
                )


def _merge_role(
    group: list[Role], names: _Names, family_table: dict[str, str], report: ImportReport
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
    role_name: str, group: list[RoleLevel], names: _Names, report: ImportReport
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


def _missing_per_source(
    per_source: Mapping[str, Collection[str]],
) -> Iterator[tuple[str, list[str]]]:
    """(source, what the other sources have and it lacks), when two sources or more speak."""
    if len(per_source) < 2:
        return
    everything = list(dict.fromkeys(x for items in per_source.values() for x in items))
    for source, items in per_source.items():
        missing = [x for x in everything if x not in items]
        if missing:
            yield source, missing


def _requirement_presence(reqs: list[Requirement], report: ImportReport) -> None:
    """Where two sources both describe a role level, report skills only one of them lists."""
    by_source: dict[tuple[str, str], dict[str, set[str]]] = {}
    for q in reqs:
        by_source.setdefault((q.role, q.level), {}).setdefault(q.origin.source, set()).add(q.skill)
    for (_role, level), per_source in by_source.items():
        for source, skills in _missing_per_source(per_source):
            for skill in sorted(skills):
                report.add(
                    "disagreement",
                    f"{level!r} needs {skill!r} in another source but not in {source}",
                    file=source,
                    severity="warning",
                )


def _level_presence(levels: list[RoleLevel], report: ImportReport) -> None:
    """Where two sources both give levels for a role, report levels only one of them has."""
    by_role: dict[str, dict[str, list[str]]] = {}
    for lv in levels:
        names = by_role.setdefault(lv.role, {}).setdefault(lv.origin.source, [])
        if lv.name not in names:
            names.append(lv.name)
    for role, per_source in by_role.items():
        for source, missing in _missing_per_source(per_source):
            report.add(
                "disagreement",
                f"role {role!r}: level(s) {', '.join(repr(n) for n in missing)} in another "
                f"source but not in {source}",
                file=source,
                severity="warning",
            )


#: Sources that describe every skill of the framework (not only those one role needs).
CATALOGUE_KINDS = frozenset({"csv-skill-descriptions", "skills-page"})


def _catalogue_presence(
    skills: list[Skill], listed: list[RoleSkill], keys: set[str], report: ImportReport
) -> None:
    """Where two skill catalogues (the skills CSV, the Skills A to Z page) are read, report
    skills only one of them has, and roles one lists for a skill and the other does not."""
    catalogues: dict[str, set[str]] = {key: set() for key in keys}
    for s in skills:
        if s.origin.source in catalogues:
            catalogues[s.origin.source].add(s.name)
    for source, names in _missing_per_source(catalogues):
        for name in sorted(names):
            report.add(
                "disagreement",
                f"skill {name!r} is in another skill catalogue but not in {source}",
                file=source,
                severity="warning",
            )
    roles: dict[str, dict[str, set[str]]] = {}
    for x in listed:
        if x.origin.source in catalogues:
            roles.setdefault(x.skill, {}).setdefault(x.origin.source, set()).add(x.role)
    in_all = set.intersection(*catalogues.values()) if len(catalogues) > 1 else set()
    for skill in sorted(in_all):
        per_source = {src: roles.get(skill, {}).get(src, set()) for src in catalogues}
        for source, missing_roles in _missing_per_source(per_source):
            for role in sorted(missing_roles):
                report.add(
                    "disagreement",
                    f"skill {skill!r}: role {role!r} is listed as requiring it in another skill "
                    f"catalogue but not in {source}",
                    file=source,
                    severity="warning",
                )


def _reconcile_listed(listed: list[RoleSkill], out: Framework, report: ImportReport) -> None:
    """Compare "Roles that require Skill" with the requirements; keep it only for roles without them."""
    has_role_content = any(src.kind == "csv-role-content" for src in out.sources)
    required: dict[str, set[str]] = {}
    for q in out.requirements:
        required.setdefault(q.role, set()).add(q.skill)
    listed_by_skill: dict[str, set[str]] = {}
    #: skill -> where its list of roles is (a row of the skill descriptions)
    list_origin: dict[str, Origin] = {}
    kept = {(x.role, x.skill) for x in out.role_skills}
    for x in listed:
        listed_by_skill.setdefault(x.skill, set()).add(x.role)
        list_origin.setdefault(x.skill, x.origin)
        if x.role in required:
            if x.skill not in required[x.role]:
                report.at(
                    "mismatch",
                    f"skill {x.skill!r} lists role {x.role!r} as requiring it, but no level of "
                    "that role requires it in the role content; not added",
                    x.origin,
                    severity="warning",
                )
        else:
            if (x.role, x.skill) not in kept:
                kept.add((x.role, x.skill))
                out.role_skills.append(x)
            if has_role_content:
                report.at(
                    "mismatch",
                    f"role {x.role!r} is listed as requiring skill {x.skill!r} but is not in the "
                    "role content; kept as a role without levels that uses the skill",
                    x.origin,
                    severity="warning",
                )
    if not listed:
        return
    skills_with_lists = set(listed_by_skill)
    for role, skills in required.items():
        for skill in sorted(skills):
            if skill in skills_with_lists and role not in listed_by_skill[skill]:
                report.at(
                    "mismatch",
                    f"role {role!r} requires skill {skill!r} in the role content, but the skill "
                    "descriptions do not list the role; the requirement is kept",
                    list_origin[skill],
                    severity="warning",
                )
    for record in out.skills:
        in_roles = any(record.name in s for s in required.values())
        in_list = record.name in skills_with_lists
        if in_list and not in_roles and required:
            report.at(
                "one-source",
                f"skill {record.name!r} is in the skill descriptions only",
                list_origin[record.name],
            )
        elif in_roles and not in_list:
            report.at(
                "one-source", f"skill {record.name!r} is in the role content only", record.origin
            )


def _reconcile_shared(out: Framework, report: ImportReport) -> None:
    """A role page's "Roles that share skills" table says the other role uses those skills.

    For a role the sources give no requirements for, that becomes a role -> skill link
    (as "Roles that require Skill" does). For a role with requirements, a skill the
    table names but the requirements lack is reported.
    """
    required: dict[str, set[str]] = {}
    for q in out.requirements:
        required.setdefault(q.role, set()).add(q.skill)
    linked = {(x.role, x.skill) for x in out.role_skills}
    for row in out.shared:
        for role in (row.role, row.other_role):
            if role in required:
                missing = [s for s in row.skills if s not in required[role]]
                for skill in missing:
                    report.at(
                        "mismatch",
                        f"{row.role!r}'s page says it shares {skill!r} with {row.other_role!r}, "
                        f"but no level of {role!r} requires that skill",
                        row.origin,
                        severity="warning",
                    )
                continue
            added = [s for s in row.skills if (role, s) not in linked]
            for skill in added:
                linked.add((role, skill))
                out.role_skills.append(RoleSkill(role, skill, origin=row.origin))
            if added:
                report.add(
                    "interpreted",
                    f"role {role!r} uses {', '.join(repr(s) for s in added)}: from the shared-skills "
                    f"table of {row.role!r}'s page (no source gives its levels)",
                    file=row.origin.source,
                    rows=row.origin.row or (),
                    lines=row.origin.line or (),
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
