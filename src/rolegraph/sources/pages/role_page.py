"""What a role page says, whatever form it was read from, and how it becomes records.

The HTML reader (:mod:`rolegraph.sources.pages.role_html`) and the GOV.UK text reader
(:mod:`rolegraph.sources.pages.role_text`) both fill a :class:`RolePage`;
:func:`page_records` turns it into :class:`~rolegraph.model.records.Framework` records and
reports what the page lacks or what could not be used. Nothing is invented: a fact the
page does not show stays empty, and the report says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime

from rolegraph.model.records import (
    Framework,
    Origin,
    Requirement,
    Role,
    RoleLevel,
    RoleSkill,
    SharedSkills,
    Skill,
    Source,
)
from rolegraph.model.report import FileStats, ImportReport
from rolegraph.model.vocab import OGL, TIERS, tier_name
from rolegraph.util.text import clean_name, clean_text

_LEVEL_COUNT = re.compile(r"^There (?:are|is) (\d+) .*role levels?\b", re.IGNORECASE)
_DATE = re.compile(r"^(Published|Last updated):?\s+(\d{1,2} \w+ \d{4})", re.IGNORECASE)


def iso_date(text: str) -> str | None:
    """``"29 August 2025"`` -> ``"2025-08-29"``; None if it is not such a date."""
    try:
        return datetime.strptime(" ".join(text.split()), "%d %B %Y").date().isoformat()
    except ValueError:
        return None


def level_count(text: str) -> int | None:
    """The number in "There are 9 software developer role levels, ..."."""
    m = _LEVEL_COUNT.match(text)
    return int(m.group(1)) if m else None


def page_date(text: str) -> tuple[str, str] | None:
    """``"Last updated 29 August 2025 —"`` -> ``("updated", "2025-08-29")``."""
    m = _DATE.match(text)
    if not m:
        return None
    date = iso_date(m.group(2))
    if date is None:
        return None
    return ("published" if m.group(1).lower() == "published" else "updated", date)


@dataclass
class PageSkill:
    """One row of a level's Skill / Description table."""

    name: str
    tier: str | None
    descriptor: str | None
    line: int | None = None
    #: The page ends inside this row: what was read may be cut short.
    cut_off: bool = False
    #: The page ends inside this row's descriptor, after its name and tier: the row is
    #: read without its descriptor.
    descriptor_cut: bool = False


@dataclass
class PageLevel:
    name: str
    line: int | None = None
    number: int | None = None
    description: str | None = None
    grades: list[str] = field(default_factory=list)
    skills: list[PageSkill] = field(default_factory=list)
    #: The page ends inside this level's section.
    cut_off: bool = False


@dataclass
class SharedRow:
    role: str
    skills: list[str]
    line: int | None = None
    cut_off: bool = False


@dataclass
class RolePage:
    """The facts of one role page, in page order."""

    title: str
    label: str
    kind: str
    location: str = ""
    url: str | None = None
    line: int | None = None
    summary: str | None = None
    published: str | None = None
    updated: str | None = None
    change_notes: list[tuple[str, str]] = field(default_factory=list)
    family: str | None = None
    description: str | None = None
    #: "Skills needed to be a ..." (GOV.UK's layout before 2023): (skill, description,
    #: line); a description the page is cut inside of is None.
    role_skills: list[tuple[str, str | None, int | None]] = field(default_factory=list)
    #: Level names the page announces (its contents list), in order; empty if none.
    announced_levels: list[str] = field(default_factory=list)
    stated_level_count: int | None = None
    levels: list[PageLevel] = field(default_factory=list)
    #: Whether the page has a "Role / Shared skills" table at all.
    has_shared_table: bool = False
    shared: list[SharedRow] = field(default_factory=list)
    #: "Senior Civil Service roles that ... could lead to" (not part of the records).
    leads_to: list[str] = field(default_factory=list)
    #: Sections the reader found but does not read: (heading, line).
    unread_sections: list[tuple[str, int | None]] = field(default_factory=list)
    #: Where the page seems to be cut off: a message for the report, or None.
    truncated: str | None = None
    #: Other things the reader noticed: (report category, message, line).
    remarks: list[tuple[str, str, int | None]] = field(default_factory=list)
    #: What around the content was skipped (banners, site header and footer, cookie
    #: notice, breadcrumbs): (what, its text, first line, last line).
    ignored: list[tuple[str, str, int | None, int | None]] = field(default_factory=list)


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    return clean_text(value)[0] or None


class _Note:
    """Adds a role page's report entries, all on the page's file."""

    def __init__(self, report: ImportReport, label: str) -> None:
        self.report = report
        self.label = label

    def __call__(
        self, category: str, message: str, line: int | None = None, severity: str = "warning"
    ) -> None:
        self.report.add(
            category,
            message,
            file=self.label,
            lines=line or (),
            severity="warning" if severity == "warning" else "info",
        )


def page_records(page: RolePage, report: ImportReport) -> Framework:
    """Records of a role page; what is missing or unusable goes to ``report``."""
    label = page.label
    note = _Note(report, label)
    role = clean_name(page.title)[0]
    fw = Framework(sources=[_page_source(page)])
    fw.roles.append(
        Role(
            role,
            family=clean_name(page.family)[0] if page.family else None,
            description=_text(page.description),
            origin=Origin(label, line=page.line),
        )
    )
    _note_page_gaps(page, role, note)
    _note_levels_found(page, role, note)
    #: Every row of the levels' skill tables is used, merged or reported.
    stats = report.file(label, "role page")
    _note_grades(page, note)
    skills = _PageSkills(label, note)
    for rank, blk in enumerate(page.levels, start=1):
        name = _level_record(fw, role, blk, rank, label, note)
        seen: dict[str, tuple[str | None, str | None]] = {}
        for row in blk.skills:
            stats.count(_requirement(fw, role, name, row, seen, skills, label, note))
    _role_skill_records(fw, page, role, skills, stats)
    fw.skills.extend(skills.found.values())
    _shared_records(fw, page, role, note)
    if page.leads_to:
        note(
            "ignored",
            f"'Senior Civil Service roles that {role.lower()} could lead to' "
            f"({', '.join(page.leads_to)}): not part of the graph",
            severity="info",
        )
    for heading, line in page.unread_sections:
        note("ignored", f"section {heading!r} is not read", line, severity="info")
    for what, text, first, last in page.ignored:
        lines = tuple(range(first, (last or first) + 1)) if first else ()
        report.add(
            "ignored",
            f"{what}, not part of the role page: {_clip(text)!r}",
            file=label,
            lines=lines,
        )
    return fw


def _clip(text: str, most: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 3] + "..."


def _role_skill_records(
    fw: Framework, page: RolePage, role: str, skills: _PageSkills, stats: FileStats
) -> None:
    """The role's skills list (GOV.UK's layout before 2023): the role uses each skill; the
    skill's description."""
    for name, said, line in page.role_skills:
        skill = clean_name(name)[0]
        origin = Origin(page.label, line=line)
        fw.role_skills.append(RoleSkill(role, skill, origin=origin))
        known = skills.found.setdefault(skill, Skill(skill, origin=origin))
        if said and not known.description:
            skills.found[skill] = replace(known, description=_text(said))
        stats.count("used")


def _page_source(page: RolePage) -> Source:
    return Source(
        key=page.label,
        kind=page.kind,
        title=page.title,
        location=page.location,
        url=page.url,
        published=page.published,
        updated=page.updated,
        licence=OGL,
        description=_text(page.summary),
        change_notes=tuple((d, clean_text(t)[0]) for d, t in page.change_notes if t.strip()),
    )


def _note_page_gaps(page: RolePage, role: str, note: _Note) -> None:
    """Report the reader's findings: a cut-off end, its remarks, empty notes, no description."""
    if page.truncated:
        note("missing", page.truncated)
    for category, message, line in page.remarks:
        note(category, message, line)
    for date, text in page.change_notes:
        if not text.strip():
            note("missing", f"the change note dated {date} has no text; not used")
    if page.description is None:
        note("missing", f"the page gives no description of the role {role!r}", page.line)


def _note_levels_found(page: RolePage, role: str, note: _Note) -> None:
    """Report levels the page states or announces but that were not found."""
    found = [lv.name for lv in page.levels]
    if page.stated_level_count is not None and page.stated_level_count != len(found):
        note(
            "missing",
            f"the page says there are {page.stated_level_count} role levels but "
            f"{len(found)} {'was' if len(found) == 1 else 'were'} found",
        )
    missing = [n for n in page.announced_levels if n not in found]
    if missing:
        note(
            "missing",
            "levels listed in the page's contents but not found on the page: "
            + ", ".join(repr(n) for n in missing),
        )
    if not page.levels and not page.role_skills:
        note(
            "missing",
            f"the role page {role!r} lists no role levels; only the role was read "
            "(the page may be truncated: save the whole page)",
            page.line,
        )


def _note_grades(page: RolePage, note: _Note) -> None:
    """Report levels without grades when other levels of the page show them."""
    if any(lv.grades for lv in page.levels):
        without = [lv.name for lv in page.levels if not lv.grades]
        if without:
            note(
                "missing",
                "the page shows no Civil Service grades for level(s) "
                + ", ".join(repr(n) for n in without),
                severity="info",
            )


def _level_record(
    fw: Framework, role: str, blk: PageLevel, rank: int, label: str, note: _Note
) -> str:
    """Add a level's record (ranked by page order), report its gaps; its clean name."""
    name = clean_name(blk.name)[0]
    fw.levels.append(
        RoleLevel(
            role,
            name,
            description=_text(blk.description),
            rank=rank,
            rank_basis="stated",
            grades=tuple(clean_name(g)[0] for g in blk.grades),
            origin=Origin(label, line=blk.line),
        )
    )
    if blk.number is not None and blk.number != rank:
        note(
            "missing",
            f"level {name!r} is numbered {blk.number} on the page but is level {rank} "
            "of those found; a level may be missing",
            blk.line,
        )
    if blk.cut_off:
        note(
            "missing",
            f"the page ends inside level {name!r}: its skills may be incomplete",
            blk.line,
        )
    if not blk.skills and not blk.cut_off:
        note("missing", f"level {name!r} lists no skills", blk.line)
    return name


class _PageSkills:
    """The page's skills, gathering each tier's descriptor from the first row that gives it."""

    def __init__(self, label: str, note: _Note) -> None:
        self.label = label
        self.note = note
        self.found: dict[str, Skill] = {}
        self.first_text: dict[tuple[str, str], tuple[str, int | None]] = {}

    def add(
        self, skill: str, tier: str | None, said: str | None, row: PageSkill, where: str
    ) -> None:
        """Note a used row's skill, and its tier's descriptor if it is the first given."""
        origin = Origin(self.label, line=row.line)
        known = self.found.setdefault(skill, Skill(skill, origin=origin))
        if tier is None or said is None:
            return
        earlier = self.first_text.setdefault((skill, tier), (said, row.line))
        if earlier[0] != said:
            self.note(
                "mismatch",
                f"{where}: the descriptor of {skill!r} at {tier} differs "
                f"from the one on line {earlier[1]}; the first one is kept for the skill",
                row.line,
            )
        elif tier not in dict(known.descriptors):
            pairs = sorted([*known.descriptors, (tier, said)], key=lambda p: TIERS.index(p[0]))
            self.found[skill] = Skill(skill, descriptors=tuple(pairs), origin=known.origin)


def _requirement(
    fw: Framework,
    role: str,
    name: str,
    row: PageSkill,
    seen: dict[str, tuple[str | None, str | None]],
    skills: _PageSkills,
    label: str,
    note: _Note,
) -> str:
    """Read one skill row of a level: "used", "merged" or "reported"."""
    skill = clean_name(row.name)[0]
    where = f"{name!r} x {skill!r}"
    if row.cut_off:
        note(
            "skipped",
            f"{where}: the page ends inside this skill's row; requirement not used",
            row.line,
        )
        return "reported"
    if skill in seen:
        if seen[skill] == (row.tier, _text(row.descriptor)):
            note("duplicate", f"{where}: listed twice, the same; merged", row.line, "info")
            return "merged"
        note(
            "skipped",
            f"{where}: the skill is listed twice for the level, differently; the first is kept",
            row.line,
        )
        return "reported"
    if row.descriptor_cut:
        note(
            "missing",
            f"{where}: the page ends inside this skill's descriptor; the skill and its tier "
            "are read, the descriptor is not",
            row.line,
        )
    tier = tier_name(row.tier) if row.tier else None
    if row.tier and tier is None:
        note("skipped", f"{where}: unknown tier {row.tier!r}; requirement not used", row.line)
        return "reported"
    said = _text(row.descriptor)
    seen[skill] = (row.tier, said)
    if tier is None:
        note("missing", f"{where}: the page shows no tier", row.line)
    if said is None and not row.descriptor_cut:
        note("missing", f"{where}: the page shows no 'You can:' descriptor", row.line)
    fw.requirements.append(Requirement(role, name, skill, tier, said, Origin(label, line=row.line)))
    skills.add(skill, tier, said, row, where)
    return "used"


def _shared_records(fw: Framework, page: RolePage, role: str, note: _Note) -> None:
    """The "Role / Shared skills" rows as records; rows that cannot be used are reported."""
    if page.levels and not page.has_shared_table:
        note("missing", "the page has no 'Role / Shared skills' table", severity="info")
    for shared in page.shared:
        other = clean_name(shared.role)[0]
        skills = tuple(clean_name(s)[0] for s in shared.skills)
        if not other:
            note(
                "ignored",
                f"{', '.join(repr(s) for s in skills)}: skills before any role in the "
                "shared-skills table; not used",
                shared.line,
            )
        elif shared.cut_off:
            note(
                "skipped",
                f"shared-skills row {other!r}: the page ends inside it; row not used",
                shared.line,
            )
        elif not skills:
            note("missing", f"shared-skills row {other!r} lists no skills", shared.line)
        else:
            fw.shared.append(
                SharedSkills(role, other, skills, Origin(page.label, line=shared.line))
            )
