"""Cross-source checks after merging: what one source has and another lacks.

The last steps of :func:`rolegraph.combine.merge.combine`: they compare the merged
records with what each source said (requirements, levels, skill catalogues, the
"Roles that require Skill" lists and the shared-skills tables), add the role -> skill
links those lists imply, and report look-alike names. They only add to the report and
to ``role_skills``; nothing here changes a merged record.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping

from rolegraph.model.records import (
    ROLE_CONTENT_KIND,
    Framework,
    Origin,
    Requirement,
    RoleLevel,
    RoleSkill,
    Skill,
)
from rolegraph.model.report import ImportReport
from rolegraph.util.confusables import differing, lookalikes


def lookalike_names(fw: Framework, report: ImportReport) -> None:
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


def missing_per_source(
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


def requirement_presence(reqs: list[Requirement], report: ImportReport) -> None:
    """Where two sources both describe a role level, report skills only one of them lists."""
    by_source: dict[tuple[str, str], dict[str, set[str]]] = {}
    for q in reqs:
        by_source.setdefault((q.role, q.level), {}).setdefault(q.origin.source, set()).add(q.skill)
    for (_role, level), per_source in by_source.items():
        for source, skills in missing_per_source(per_source):
            for skill in sorted(skills):
                report.add(
                    "disagreement",
                    f"{level!r} needs {skill!r} in another source but not in {source}",
                    file=source,
                    severity="warning",
                )


def level_presence(levels: list[RoleLevel], report: ImportReport) -> None:
    """Where two sources both give levels for a role, report levels only one of them has."""
    by_role: dict[str, dict[str, list[str]]] = {}
    for lv in levels:
        names = by_role.setdefault(lv.role, {}).setdefault(lv.origin.source, [])
        if lv.name not in names:
            names.append(lv.name)
    for role, per_source in by_role.items():
        for source, missing in missing_per_source(per_source):
            report.add(
                "disagreement",
                f"role {role!r}: level(s) {', '.join(repr(n) for n in missing)} in another "
                f"source but not in {source}",
                file=source,
                severity="warning",
            )


def catalogue_presence(
    skills: list[Skill], listed: list[RoleSkill], keys: set[str], report: ImportReport
) -> None:
    """Where two skill catalogues (the skills CSV, the Skills A to Z page) are read, report
    skills only one of them has, and roles one lists for a skill and the other does not."""
    catalogues: dict[str, set[str]] = {key: set() for key in keys}
    for s in skills:
        if s.origin.source in catalogues:
            catalogues[s.origin.source].add(s.name)
    for source, names in missing_per_source(catalogues):
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
        for source, missing_roles in missing_per_source(per_source):
            for role in sorted(missing_roles):
                report.add(
                    "disagreement",
                    f"skill {skill!r}: role {role!r} is listed as requiring it in another skill "
                    f"catalogue but not in {source}",
                    file=source,
                    severity="warning",
                )


def reconcile_listed(listed: list[RoleSkill], out: Framework, report: ImportReport) -> None:
    """Compare "Roles that require Skill" with the requirements; keep it only for roles without them."""
    has_role_content = any(src.kind == ROLE_CONTENT_KIND for src in out.sources)
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


def reconcile_shared(out: Framework, report: ImportReport) -> None:
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
