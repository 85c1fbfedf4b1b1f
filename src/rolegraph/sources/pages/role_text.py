"""Reader for the plain-text form of a GOV.UK role page (the project's seed).

The page lists, in order: the role's title and publication date, "What a ... does"
with "In this role, you will:" bullets, the numbered role levels (each with its
description, "At this role level, you will:" bullets, the Civil Service grades it is
most often performed at where shown, and a Skill / Description table of skills, tiers
and "You can:" descriptors), a "Role / Shared skills" table, and an "Updates" section
with dated change notes. Level order on the page is the seniority order.

The lines are read into a :class:`~rolegraph.sources.pages.role_page.RolePage`;
:func:`~rolegraph.sources.pages.role_page.page_records` makes the records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rolegraph.errors import InputError
from rolegraph.model.records import Framework
from rolegraph.model.report import ImportReport
from rolegraph.sources.pages.role_page import (
    PageLevel,
    PageSkill,
    RolePage,
    SharedRow,
    iso_date,
    level_count,
    page_date,
    page_records,
)
from rolegraph.util.tables import decode_utf8, read_bytes
from rolegraph.util.text import clean_name, clean_text, name_key

_BULLET = re.compile(r"^\s*[•*\-\u2022]\s+(.*)$")
_BARE_BULLET = re.compile(r"^[•*\u2022]$")
_LEVEL = re.compile(r"^(\d+)\.\s+(.+)$")
_TIER = re.compile(r"^Level:\s*(\w+)\s*$", re.IGNORECASE)
_TIER_EXPLAINED = re.compile(r"^\w+ is the \w+ of \d+ ascending skill levels$", re.IGNORECASE)
_GRADES_INTRO = "This role level is most often performed at"
_BOILERPLATE = (
    "Skip to main content",
    "This is a redesigned guidance page",
    "The typical responsibilities and skills for each role level",
)
#: Lines that end the page's content (footers of saved pages).
_END = ("Back to top", "Is this page useful?", "Help us improve GOV.UK", "Support links")
_ROLE_INTRO = "In this role, you will:"
_LEVEL_INTRO = "At this role level, you will:"
_YOU_CAN = "You can:"
#: The last entry of every GOV.UK page's history.
_FIRST_NOTE = "First published."


@dataclass
class _Lines:
    """Paragraphs and bullets in page order, rendered as the CSV export writes them."""

    items: list[tuple[bool, str]] = field(default_factory=list)

    def add(self, text: str, bullet: bool = False) -> None:
        self.items.append((bullet, text))

    def render(self) -> str | None:
        out = ""
        for i, (bullet, text) in enumerate(self.items):
            line = f"- {text}" if bullet else text
            if i == 0:
                out = line
            elif bullet or self.items[i - 1][0]:
                out += "\n" + line
            else:
                out += "\n\n" + line
        return out or None


@dataclass
class _Level:
    page: PageLevel
    text: _Lines = field(default_factory=_Lines)
    in_table: bool = False
    in_grades: bool = False
    grades_intro_open: bool = False


def read_govuk_text(
    path: Path | str, report: ImportReport, *, label: str | None = None
) -> Framework:
    """Read a GOV.UK role page saved as text into records."""
    p = Path(path)
    text = decode_utf8(read_bytes(p, "role page"), p.name)
    return parse_govuk_text(text, report, label=label or p.name, location=str(p))


def parse_govuk_text(
    text: str,
    report: ImportReport,
    *,
    label: str,
    location: str = "",
    url: str | None = None,
) -> Framework:
    """Records of a GOV.UK role page given as text."""
    return page_records(read_role_page_text(text, label, location=location, url=url), report)


_SITE_SUFFIX = re.compile(
    r"\s+[-–—|]\s+Government Digital and Data Profession Capability Framework\s*$", re.IGNORECASE
)


def read_role_page_text(
    text: str, label: str, *, location: str = "", url: str | None = None
) -> RolePage:
    """The facts of a GOV.UK role page given as text (raises if it is not a role page)."""
    cleaned, _ = clean_text(text)
    lines = [ln.strip() for ln in cleaned.split("\n")]
    content = [(i + 1, ln) for i, ln in enumerate(lines) if ln and not ln.startswith(_BOILERPLATE)]
    if not content:
        raise InputError(
            f"{label} is empty", hint="expected a framework role page (HTML or GOV.UK text)"
        )
    title_line, title = content[0]
    # A page saved from the framework's own site carries the site's name in its title.
    title = _SITE_SUFFIX.sub("", title)
    what = name_key(f"What a {title} does")
    what_an = name_key(f"What an {title} does")
    if not any(name_key(ln) in (what, what_an) for _, ln in content):
        raise InputError(
            f"{label} is not a role page: it does not start with a role's name followed by a "
            f"'What a ... does' section (its first line is {title[:60]!r})",
            hint="give a framework role page: its HTML, or its text as saved from GOV.UK",
        )
    page = RolePage(
        title=clean_name(title)[0],
        label=label,
        kind="role-page",
        location=location,
        url=url,
        line=title_line,
    )
    summary: list[str] = []
    role_text = _Lines()
    levels: list[_Level] = []
    section = "head"
    pending: PageSkill | None = None
    descriptor: list[str] = []
    note_date: str | None = None
    notes: list[str] = []

    def close_skill() -> None:
        nonlocal pending, descriptor
        if pending is not None and levels:
            if descriptor:
                pending.descriptor = "\n".join([_YOU_CAN, *(f"- {d}" for d in descriptor)])
            levels[-1].page.skills.append(pending)
        pending, descriptor = None, []

    def close_note() -> None:
        nonlocal note_date, notes
        if note_date is not None:
            page.change_notes.append((note_date, "\n\n".join(notes)))
        note_date, notes = None, []

    def start(name: str) -> str:
        close_skill()
        for level in levels:
            level.in_grades = level.in_table = False
        return name

    # What the last line read belonged to: the text form has no closing tags, so a page
    # cut short is known by where it stops, and only its last line can be cut mid-way.
    last, last_line, footer = "", title_line, False
    for line_no, ln in content[1:]:
        if ln.startswith(_END):
            footer = True
            break
        if _BARE_BULLET.match(ln):
            # A bullet with no text yet: the start of an item the text was cut inside.
            last_line = line_no
            continue
        last, last_line = "heading", line_no
        key = name_key(ln)
        words = ln.replace("\t", " ").split()
        dated = page_date(ln)
        if dated and section in ("head", "updates"):
            setattr(page, dated[0], dated[1])
            continue
        if key in (what, what_an):
            section = start("role")
            continue
        if key == name_key(f"{title} role levels"):
            section = start("levels")
            continue
        if words == ["Role", "Shared", "skills"] or (
            key.startswith("roles that share") and key.endswith("skills")
        ):
            section = start("shared")
            page.has_shared_table = True
            continue
        if key.startswith("senior civil service roles that") and key.endswith("could lead to"):
            section = start("leads-to")
            continue
        if key == "updates":
            section = start("updates")
            continue
        last = section
        if section == "head":
            if ln.startswith("See all updates") or ln == "Contents":
                continue
            summary.append(ln)
        elif section == "role":
            b = _BULLET.match(ln)
            role_text.add(b.group(1) if b else ln, bullet=b is not None)
        elif section == "levels":
            count = level_count(ln)
            if count is not None and not levels:
                page.stated_level_count = count
                continue
            m = _LEVEL.match(ln)
            if m and (not levels or int(m.group(1)) > (levels[-1].page.number or 0)):
                close_skill()
                levels.append(
                    _Level(PageLevel(clean_name(m.group(2))[0], line_no, int(m.group(1))))
                )
                last = "level heading"
                continue
            if not levels:
                continue
            level = levels[-1]
            if words in (["Skill", "Description"], ["Skill"]):
                close_skill()
                level.in_table, level.in_grades = True, False
                continue
            if words == ["Description"] and level.in_table and pending is None:
                continue  # the second half of a "Skill / Description" header
            b = _BULLET.match(ln)
            t = _TIER.match(ln)
            if ln.startswith(_GRADES_INTRO):
                # "This role level is most often performed at the Civil Service job grade
                # of:" (a link may break it over lines); the grades follow as bullets.
                level.in_grades = True
                level.grades_intro_open = not ln.endswith("of:")
                continue
            if level.in_grades:
                if b:
                    level.page.grades.append(b.group(1))
                    level.grades_intro_open = False
                    last = "grade"
                    continue
                if level.grades_intro_open and not t and len(words) <= 5:
                    level.grades_intro_open = not ln.endswith("of:")
                    continue
                level.in_grades = level.grades_intro_open = False
            if t:
                if pending is None and level.text.items and not level.text.items[-1][0]:
                    # No table header: the line before "Level:" was a skill name.
                    _, name = level.text.items.pop()
                    pending = PageSkill(name, None, None, line_no - 1)
                    level.in_table = True
                if pending is not None:
                    pending.tier = t.group(1).lower()
                    last = "skill"
                continue
            if _TIER_EXPLAINED.match(ln) or (ln == _YOU_CAN and pending is not None):
                last = "skill" if pending is not None else "level text"
                continue
            if b and pending is not None:
                descriptor.append(b.group(1))
                last = "skill"
            elif level.in_table:
                close_skill()
                pending = PageSkill(ln, None, None, line_no)
                last = "skill"
            else:
                level.text.add(b.group(1) if b else ln, bullet=b is not None)
                last = "level text"
        elif section == "shared":
            if words in (["Role"], ["Shared", "skills"], ["Role", "Shared", "skills"]):
                continue
            page.shared.append(SharedRow(ln, [], line_no))  # sorted out below
        elif section == "leads-to":
            b = _BULLET.match(ln)
            page.leads_to.append(clean_name(b.group(1) if b else ln)[0])
        elif section == "updates":
            date = iso_date(ln)
            if date is not None:
                close_note()
                note_date = date
            elif note_date is not None:
                notes.append(ln)
    if not footer and section in ("head", "role", "levels"):
        # A whole page goes on to its shared-skills table (or a saved page to its footer):
        # this one stops before, so its last line may be cut mid-way.
        where = {
            "head": "before 'What a ... does'",
            "role": "in 'What a ... does'",
            "levels": "in its role levels"
            + (f" (level {levels[-1].page.name!r})" if levels else ""),
        }[section]
        page.truncated = (
            f"the text ends {where}, at line {last_line}, before its shared-skills table "
            "and with no page footer: it looks cut off; only the lines before its last "
            "were trusted"
        )
        _drop_cut_unit(page, last, levels, pending, summary, role_text)
    close_skill()
    close_note()
    if (
        not footer
        and section == "updates"
        and last == "updates"
        and page.change_notes
        and page.change_notes[-1][1] != _FIRST_NOTE
    ):
        # A page's history ends with "First published."; without that or a footer, the
        # last note may be cut mid-way.
        date, _ = page.change_notes.pop()
        page.remarks.append(
            (
                "missing",
                f"the text ends in the change note dated {date}, with no page footer, and the "
                "history does not end with 'First published.': it looks cut off; note not used",
                last_line,
            )
        )

    page.summary = "\n\n".join(summary) or None
    page.description = role_text.render()
    for level in levels:
        level.page.description = level.text.render()
    page.levels = [lv.page for lv in levels]
    skills = {name_key(s.name) for lv in levels for s in lv.page.skills}
    page.shared = _shared_rows(page.shared, skills)
    if not footer and section == "shared" and page.shared and last == "shared":
        final = page.shared[-1]
        if not final.skills or name_key(final.skills[-1]) not in skills:
            # The last line is neither a skill of the page nor followed by one: cut.
            final.cut_off = True
            page.truncated = (
                f"the text ends in its shared-skills table, at line {last_line}, with no "
                "page footer, on a line that is not one of the page's skills: it looks cut "
                "off; the last row was not used"
            )
    return page


def _drop_cut_unit(
    page: RolePage,
    last: str,
    levels: list[_Level],
    pending: PageSkill | None,
    summary: list[str],
    role_text: _Lines,
) -> None:
    """Set aside what the (possibly cut) last line of a truncated text belongs to."""
    if last == "head":
        summary.clear()
    elif last == "role":
        role_text.items.clear()
        page.remarks.append(("missing", "the role's description is cut off; not used", page.line))
    if not levels:
        return
    level = levels[-1]
    if last == "level heading":
        levels.pop()
        page.remarks.append(
            (
                "missing",
                f"the text ends at the heading of a level ({level.page.name!r}), which may be "
                "cut mid-way; level not used",
                level.page.line,
            )
        )
        return
    level.page.cut_off = True
    if last == "skill" and pending is not None:
        pending.cut_off = True
    elif last == "level text":
        level.text.items.clear()
        page.remarks.append(
            (
                "missing",
                f"the description of level {level.page.name!r} is cut off; not used",
                level.page.line,
            )
        )
    elif last == "grade" and level.page.grades:
        grade = level.page.grades.pop()
        page.remarks.append(
            (
                "missing",
                f"the grade {grade!r} of level {level.page.name!r} may be cut; not used",
                level.page.line,
            )
        )


def _shared_rows(lines: list[SharedRow], skills: set[str]) -> list[SharedRow]:
    """The "Role / Shared skills" table as text: a role line, then the skill lines it shares.

    A line is a skill if the page's levels need a skill of that name, else a role. Skills
    before the first role make a row with no role (reported, not used).
    """
    rows: list[SharedRow] = []
    for line in lines:
        if name_key(line.role) not in skills:
            rows.append(SharedRow(line.role, [], line.line))
        elif rows:
            rows[-1].skills.append(line.role)
        else:
            rows.append(SharedRow("", [line.role], line.line))
    return rows
