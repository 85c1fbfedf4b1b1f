"""Readers for the framework's official CSV export (the "Download framework content" page).

Two files, each usable alone:

* role content: one row per role level x skill, with the tier and its "You can: ..."
  descriptor (``ROLE_COLUMNS``);
* skill descriptions: one row per skill, a descriptor per tier, and the roles that
  require the skill (``SKILL_COLUMNS``).

Every row is used, merged (an exact duplicate) or reported. The decisions about the
real export's quirks are documented in the README ("How the CSV export is read").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rolegraph.errors import SourceError
from rolegraph.model.records import (
    ROLE_CONTENT_KIND,
    SKILL_DESCRIPTIONS_KIND,
    Family,
    Framework,
    Origin,
    Requirement,
    Role,
    RoleLevel,
    RoleSkill,
    Skill,
    Source,
)
from rolegraph.model.report import ImportReport
from rolegraph.model.vocab import OGL, TIERS, tier_name
from rolegraph.util.tables import Table, stream_table
from rolegraph.util.text import DECOMPOSED, clean_name, clean_text, name_key

ROLE_COLUMNS = (
    "Role Family",
    "Role",
    "Role Description",
    "Role Level",
    "Role Level Description",
    "Skill Name",
    "Skill Description",
    "Skill Level",
    "Skill Level Description",
    "Role Type",
)
SKILL_COLUMNS = (
    "Skill Name",
    "Skill Description",
    "Awareness",
    "Working",
    "Practitioner",
    "Expert",
    "Roles that require Skill",
)
#: Columns holding one-line names; the others hold multi-line text.
NAME_COLUMNS = frozenset(
    {"Role Family", "Role", "Role Level", "Skill Name", "Skill Level", "Role Type"}
)

NOT_IN_USE = "NOT IN USE"
MISSING = "MISSING"
NOT_DEFINED = "This skill level is currently not defined."
SCS = "Senior Civil Service"
ROLE_CONTENT_TITLE = "Role content - Capability Framework"
SKILL_CONTENT_TITLE = "Skill description content - Capability Framework"

#: Called as progress(file label, rows done, rows in all).
Progress = Callable[[str, int, int], None]


class _Notes:
    """Collects report entries that recur on many rows into one entry with a row list."""

    def __init__(self, report: ImportReport, file: str) -> None:
        self.report = report
        self.file = file
        self._grouped: dict[tuple[str, str, str | None, str], list[int]] = {}

    def group(
        self,
        category: str,
        message: str,
        row: int,
        column: str | None = None,
        severity: str = "info",
    ) -> None:
        self._grouped.setdefault((category, message, column, severity), []).append(row)

    def flush(self) -> None:
        for (category, message, column, severity), rows in self._grouped.items():
            count = f"{len(rows)} rows: " if len(rows) > 1 else ""
            self.report.add(
                category,
                count + message,
                file=self.file,
                rows=rows,
                column=column,
                severity="warning" if severity == "warning" else "info",
            )
        self._grouped.clear()


def _clean_row(
    cells: dict[str, str],
    row: int,
    notes: _Notes,
    name_columns: Iterable[str] = NAME_COLUMNS,
    strings: dict[str, str] | None = None,
) -> dict[str, str]:
    """Clean every cell; equal texts share one string object (``strings``), which keeps
    memory flat on large files where every row repeats the role's description."""
    names = set(name_columns)
    out = {}
    for column, raw in cells.items():
        text, changes = (clean_name if column in names else clean_text)(raw)
        for change in changes:
            notes.group("normalised", _ACTION.get(change, f"removed {change}"), row, column)
        out[column] = text if strings is None else strings.setdefault(text, text)
    return out


#: How a clean-up is reported, where "removed ..." would not say it.
_ACTION = {DECOMPOSED: "composed accents written as a letter plus a combining mark"}


def _source(table: Table, kind: str, title: str) -> Source:
    return Source(
        key=table.label,
        kind=kind,
        title=title,
        location=str(table.path),
        licence=OGL,
    )


def _table_quirks(table: Table, report: ImportReport) -> None:
    for column in table.extra_columns:
        report.add(
            "ignored",
            f"column {column!r} is not part of the export's format and was not read",
            file=table.label,
            column=column,
            severity="warning",
        )
    if table.padded_rows:
        report.add(
            "normalised",
            "empty cells beyond the last column were dropped",
            file=table.label,
            rows=table.padded_rows,
        )
    if table.blank_lines:
        report.add("ignored", f"{table.blank_lines} blank line(s) skipped", file=table.label)


def read_role_content(
    path: Path | str, report: ImportReport, progress: Progress | None = None
) -> Framework:
    """Read a role-content CSV into records; quirks go to ``report``."""
    table = stream_table(path, required=ROLE_COLUMNS, what="role content CSV")
    label = table.label
    stats = report.file(label, "role content")
    content = _RoleContent(label, _Notes(report, label))
    for done, (row, raw) in enumerate(table.rows, start=1):
        if progress is not None and done % 250 == 0:
            progress(label, done, max(done, round(done / max(table.fraction(), 1e-9))))
        stats.count(content.read_row(row, raw))
    if progress is not None:
        progress(label, stats.rows_read, stats.rows_read)
    _table_quirks(table, report)
    content.notes.flush()
    return Framework(
        sources=[_source(table, ROLE_CONTENT_KIND, ROLE_CONTENT_TITLE)],
        families=list(content.families.values()),
        roles=list(content.roles.values()),
        levels=list(content.levels.values()),
        skills=content.final_skills(),
        requirements=list(content.requirements.values()),
    )


@dataclass
class _TierCells:
    """What a role-content row says about its skill at its tier."""

    level: str
    tier: str | None
    descriptor: str | None
    skill_description: str | None


class _RoleContent:
    """The records of a role-content CSV, built row by row (the first of each is kept)."""

    def __init__(self, label: str, notes: _Notes) -> None:
        self.label = label
        self.notes = notes
        self.families: dict[str, Family] = {}
        self.roles: dict[str, Role] = {}
        self.levels: dict[tuple[str, str], RoleLevel] = {}
        self.skills: dict[str, Skill] = {}
        self.descriptors: dict[tuple[str, str], tuple[str, int]] = {}
        self.requirements: dict[tuple[str, str, str], Requirement] = {}
        self.seen: dict[tuple[str, ...], int] = {}
        self.strings: dict[str, str] = {}

    def read_row(self, row: int, raw: dict[str, str]) -> str:
        """Read one row: "used", "merged" or "reported"."""
        notes = self.notes
        c = _clean_row(raw, row, notes, strings=self.strings)
        fingerprint = tuple(c[col] for col in ROLE_COLUMNS)
        first = self.seen.get(fingerprint)
        if first is not None:
            notes.group("duplicate", f"exact duplicate of row {first}, merged", row)
            return "merged"
        self.seen[fingerprint] = row
        empty = [col for col in ("Role", "Role Level", "Skill Name") if not c[col]]
        if empty:
            notes.group("skipped", f"row not used: {empty[0]!r} is empty", row, empty[0], "warning")
            return "reported"
        scs = self._role_type(c, row)
        cells = self._tier_cells(c, row, scs)
        if cells is None:
            return "reported"
        for col in ("Role Level Description", "Skill Level Description"):
            if c[col] == NOT_IN_USE and not scs:
                notes.group("sentinel", f"'NOT IN USE' in {col}: read as no text", row, col)
        self._add_records(c, row, scs, cells)
        return "used" if self._add_requirement(c, row, cells) else "reported"

    def _role_type(self, c: dict[str, str], row: int) -> bool:
        """Whether the row's role is Senior Civil Service; an unknown Role Type is reported."""
        role_type = c["Role Type"]
        scs = role_type.casefold() == SCS.casefold()
        if role_type and not scs:
            self.notes.group(
                "interpreted",
                f"unknown Role Type {role_type!r}: role read as an ordinary role",
                row,
                "Role Type",
                "warning",
            )
        return scs

    def _tier_cells(self, c: dict[str, str], row: int, scs: bool) -> _TierCells | None:
        """The row's tier, descriptor and skill description; None if the row is not used."""
        notes = self.notes
        tier_text = c["Skill Level"]
        if scs and tier_text == NOT_IN_USE:
            # Senior Civil Service roles have no levels and no tiers; the row's
            # "Skill Description" holds the skill's only descriptor.
            notes.group(
                "sentinel",
                "'NOT IN USE' in Role Level / Skill Level of a Senior Civil Service role: "
                "read as the role's single level (named as the role) with an untiered skill",
                row,
                "Skill Level",
            )
            level = c["Role"] if c["Role Level"] == NOT_IN_USE else c["Role Level"]
            return _TierCells(level, None, c["Skill Description"] or None, None)
        if tier_text == NOT_IN_USE:
            notes.group(
                "skipped",
                "row not used: 'NOT IN USE' as the tier of a role that is not Senior Civil Service",
                row,
                "Skill Level",
                "warning",
            )
            return None
        tier = tier_name(tier_text)
        if tier is None:
            raise SourceError(
                f"{self.label}, row {row}, column 'Skill Level': unknown tier {tier_text!r}",
                hint=f"use one of {', '.join(t.capitalize() for t in TIERS)}",
            )
        skill_description: str | None = c["Skill Description"]
        if skill_description in (MISSING, ""):
            said = "'MISSING'" if skill_description else "an empty cell"
            notes.group(
                "sentinel",
                f"{said} in Skill Description: the skill has no description",
                row,
                "Skill Description",
            )
            skill_description = None
        return _TierCells(
            c["Role Level"], tier, c["Skill Level Description"] or None, skill_description
        )

    def _add_records(self, c: dict[str, str], row: int, scs: bool, cells: _TierCells) -> None:
        """Keep the row's family, role, level and skill, and its tier's descriptor."""
        notes, family, role, skill = self.notes, c["Role Family"], c["Role"], c["Skill Name"]
        origin = Origin(self.label, row)
        if family:
            self.families.setdefault(name_key(family), Family(family, origin=origin))
        else:
            notes.group("missing", "Role Family is empty", row, "Role Family", "warning")
        described = Role(
            role,
            family=family or None,
            description=c["Role Description"] or None,
            senior_civil_service=scs,
            origin=origin,
        )
        _keep(self.roles, name_key(role), described, notes, row)
        level_description = c["Role Level Description"]
        level = RoleLevel(
            role,
            cells.level,
            description=None if level_description in ("", NOT_IN_USE) else level_description,
            origin=origin,
        )
        _keep(self.levels, (name_key(role), name_key(cells.level)), level, notes, row)
        skill_key = name_key(skill)
        record = Skill(skill, description=cells.skill_description, origin=origin)
        _keep(self.skills, skill_key, record, notes, row)
        if cells.tier is not None and cells.descriptor is not None:
            known = self.descriptors.get((skill_key, cells.tier))
            if known is None:
                self.descriptors[(skill_key, cells.tier)] = (cells.descriptor, row)
            elif known[0] != cells.descriptor:
                notes.group(
                    "mismatch",
                    f"descriptor of {skill!r} at {cells.tier} differs from row {known[1]}; "
                    f"the first one is kept for the skill",
                    row,
                    "Skill Level Description",
                    "warning",
                )

    def _add_requirement(self, c: dict[str, str], row: int, cells: _TierCells) -> bool:
        """Keep the row's level x skill requirement; False if one was already read."""
        role, level, skill = c["Role"], cells.level, c["Skill Name"]
        key = (name_key(role), name_key(level), name_key(skill))
        earlier = self.requirements.get(key)
        if earlier is not None:
            self.notes.group(
                "skipped",
                f"row not used: {level!r} x {skill!r} already read from row "
                f"{earlier.origin.row} with tier {earlier.tier} and a different text",
                row,
                "Skill Level",
                "warning",
            )
            return False
        self.requirements[key] = Requirement(
            role, level, skill, cells.tier, cells.descriptor, origin=Origin(self.label, row)
        )
        return True

    def final_skills(self) -> list[Skill]:
        """The skill records with the descriptors of the tiers the roles use."""
        by_skill: dict[str, list[tuple[str, str]]] = {}
        for (skill_key, tier), (text, _row) in self.descriptors.items():
            by_skill.setdefault(skill_key, []).append((tier, text))
        untiered_by_skill: dict[str, str] = {}
        for (_, _, skill_key), req in self.requirements.items():
            if req.tier is None and req.descriptor is not None:
                untiered_by_skill.setdefault(skill_key, req.descriptor)
        final_skills = []
        for skill_key, record in self.skills.items():
            pairs = sorted(by_skill.get(skill_key, []), key=lambda p: TIERS.index(p[0]))
            untiered = None if pairs else untiered_by_skill.get(skill_key)
            final_skills.append(
                Skill(
                    record.name,
                    record.description,
                    tuple(pairs),
                    untiered_descriptor=untiered,
                    origin=record.origin,
                )
            )
        return final_skills


def _keep(store: dict, key: object, record: object, notes: _Notes, row: int) -> None:  # type: ignore[type-arg]
    """Keep the first record for a key; report a later one that says something else."""
    first = store.get(key)
    if first is None:
        store[key] = record
        return
    if first == record:
        return
    kind = type(record).__name__
    for attr in ("name", "family", "description", "senior_civil_service"):
        a, b = getattr(first, attr, None), getattr(record, attr, None)
        if a != b:
            what = "name spelling" if attr == "name" else attr.replace("_", " ")
            notes.group(
                "mismatch",
                f"{kind} {getattr(first, 'name', '')!r}: {what} differs from row "
                f"{first.origin.row}; the first is kept",
                row,
                severity="warning",
            )


def split_role_list(text: str, known_keys: frozenset[str] = frozenset()) -> list[str]:
    """Split "Roles that require Skill" on commas, keeping known names that contain commas.

    ``known_keys`` are :func:`name_key` keys of the role names known so far.
    """
    pieces = [p.strip() for p in text.split(",")]
    out: list[str] = []
    i = 0
    while i < len(pieces):
        take = 1
        for j in range(len(pieces), i + 1, -1):
            if name_key(", ".join(pieces[i:j])) in known_keys:
                take = j - i
                break
        name = ", ".join(pieces[i : i + take])
        if name:
            out.append(name)
        i += take
    return out


def read_skill_descriptions(
    path: Path | str,
    report: ImportReport,
    known_roles: Iterable[str] = (),
    progress: Progress | None = None,
) -> Framework:
    """Read a skill-descriptions CSV into skills (with every tier's descriptor) and role links."""
    table = stream_table(path, required=SKILL_COLUMNS, what="skill descriptions CSV")
    label = table.label
    stats = report.file(label, "skill descriptions")
    notes = _Notes(report, label)
    known = frozenset(name_key(k) for k in known_roles)
    skills: dict[str, Skill] = {}
    role_skills: list[RoleSkill] = []
    for row, raw in table.rows:
        stats.rows_read += 1
        c = _clean_row(raw, row, notes, ("Skill Name",))
        if not c["Skill Name"]:
            stats.rows_reported += 1
            notes.group(
                "skipped", "row not used: 'Skill Name' is empty", row, "Skill Name", "warning"
            )
            continue
        skill = _skill_row(c, row, label, notes)
        key = name_key(skill.name)
        first = skills.get(key)
        if first is not None:
            if first == skill:
                stats.rows_merged += 1
                notes.group("duplicate", f"exact duplicate of row {first.origin.row}, merged", row)
            else:
                stats.rows_reported += 1
                notes.group(
                    "skipped",
                    f"row not used: skill {skill.name!r} already read from row "
                    f"{first.origin.row} with different text",
                    row,
                    "Skill Name",
                    "warning",
                )
            continue
        skills[key] = skill
        stats.rows_used += 1
        listed = split_role_list(c["Roles that require Skill"], known)
        role_skills.extend(_role_links(skill.name, listed, row, label, notes))
    if progress is not None:
        progress(label, stats.rows_read, stats.rows_read)
    _table_quirks(table, report)
    notes.flush()
    return Framework(
        sources=[_source(table, SKILL_DESCRIPTIONS_KIND, SKILL_CONTENT_TITLE)],
        skills=list(skills.values()),
        role_skills=role_skills,
    )


def _tier_columns(
    c: dict[str, str], row: int, notes: _Notes
) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """The tier columns: (tier, descriptor) pairs, tiers marked not defined, empty tiers."""
    pairs: list[tuple[str, str]] = []
    undefined: list[str] = []
    empty: list[str] = []
    for tier in TIERS:
        cell = c[tier.capitalize()]
        if cell == NOT_DEFINED:
            undefined.append(tier)
            notes.group(
                "sentinel",
                f"{NOT_DEFINED!r}: the tier is marked not defined",
                row,
                tier.capitalize(),
            )
        elif not cell:
            empty.append(tier)
        else:
            pairs.append((tier, cell))
    return pairs, undefined, empty


def _skill_row(c: dict[str, str], row: int, label: str, notes: _Notes) -> Skill:
    """The skill record of a row (a Senior Civil Service skill's descriptor is untiered)."""
    description = c["Skill Description"] or None
    pairs, undefined, empty = _tier_columns(c, row, notes)
    untiered = None
    if not pairs and not undefined and description and description.startswith("You can"):
        untiered, description = description, None
        notes.group(
            "interpreted",
            "no tier descriptors and a 'You can: ...' description: read as a Senior Civil "
            "Service skill whose description is its single, untiered descriptor",
            row,
            "Skill Description",
        )
    elif empty:
        notes.group(
            "missing",
            f"no descriptor for tier(s) {', '.join(empty)}",
            row,
            None,
            "warning",
        )
    if description is None and untiered is None:
        notes.group("missing", "the skill has no description", row, "Skill Description")
    return Skill(
        c["Skill Name"],
        description,
        tuple(pairs),
        tuple(undefined),
        untiered,
        origin=Origin(label, row),
    )


def _role_links(
    name: str, listed: list[str], row: int, label: str, notes: _Notes
) -> list[RoleSkill]:
    """The row's "Roles that require Skill" as role -> skill links, once each."""
    column = "Roles that require Skill"
    if not listed:
        notes.group("missing", "no roles listed as requiring the skill", row, column)
    links: list[RoleSkill] = []
    seen_roles: set[str] = set()
    for role in listed:
        if name_key(role) in seen_roles:
            notes.group(
                "duplicate", f"role {role!r} listed twice for the skill; counted once", row, column
            )
            continue
        seen_roles.add(name_key(role))
        links.append(RoleSkill(role, name, origin=Origin(label, row, column)))
    return links
