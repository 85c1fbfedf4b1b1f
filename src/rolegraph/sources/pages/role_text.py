"""Reader for the plain-text form of a GOV.UK role page (the project's seed).

The page lists, in order: the role's title and publication date, "What a ... does"
with "In this role, you will:" bullets, the numbered role levels (each with its
description, "At this role level, you will:" bullets, the Civil Service grades it is
most often performed at where shown, and a Skill / Description table of skills, tiers
and "You can:" descriptors), a "Role / Shared skills" table, and an "Updates" section
with dated change notes. Level order on the page is the seniority order.

The content is found wherever it sits: the title is the line naming the role before the
first "What a ... does", and what comes before it (a banner such as "Complete our 3
minute feedback survey ...", the site's header, a cookie notice, breadcrumbs) or after
the page's footer line is skipped and reported. The layouts the framework has used are
read: GOV.UK guidance (before 2023 "Introduction to the role of ..." with its "Skills
needed to be a ..." list), the site's redesigned page, and its "Contents" page, whose
contents list comes first and whose skills table, copied, is flattened into
"Name Level: tier Explanation |" rows. Lists copied without their bullets are read as
lists after a "... you will:" line.

The lines are read into a :class:`~rolegraph.sources.pages.role_page.RolePage`;
:func:`~rolegraph.sources.pages.role_page.page_records` makes the records.
"""

from __future__ import annotations

import re
from pathlib import Path

from rolegraph.errors import SourceError
from rolegraph.model.records import ROLE_PAGE_KIND, Framework
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
from rolegraph.sources.pages.sections import (
    CONTENTS,
    CONTENTS_ENTRY,
    FLAT_ROW,
    FOOTER_STARTS,
    GRADE_LINE,
    ROLE_SKILL_ITEM,
    TABLE_HEADERS,
    TABLE_RULE,
    Section,
    explains_tier,
    grades_intro,
    text_heading,
    what_role,
)
from rolegraph.sources.pages.text_lines import BULLET, Level, Lines, drop_cut_unit, shared_rows
from rolegraph.util.tables import decode_utf8, read_bytes
from rolegraph.util.text import clean_name, clean_text, name_key

_BAREBULLET = re.compile(r"^[•*\u2022]$")
_LEVEL = re.compile(r"^(\d+)\.\s+(.+)$")
_TIER = re.compile(r"^Level:\s*(\w+)\s*$", re.IGNORECASE)
_TIER_EXPLAINED = re.compile(r"^\w+ is the \w+ of \d+ ascending skill levels$", re.IGNORECASE)
_BOILERPLATE = ("The typical responsibilities and skills for each role level",)
_ROLE_INTRO = "In this role, you will:"
_LEVEL_INTRO = "At this role level, you will:"
_YOU_CAN = "You can:"
#: The last entry of every GOV.UK page's history.
_FIRST_NOTE = "First published."


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
        raise SourceError(
            f"{label} is empty", hint="expected a framework role page (HTML or GOV.UK text)"
        )
    start = _title_index(content)
    title_line, title = content[start]
    # A page saved from the framework's own site carries the site's name in its title.
    title = _SITE_SUFFIX.sub("", title)
    if not any(text_heading(ln, title) is Section.ROLE for _, ln in content):
        raise SourceError(
            f"{label} is not a role page: it does not start with a role's name followed by a "
            f"'What a ... does' section (its first line is {title[:60]!r})",
            hint="give a framework role page: its HTML, or its text as saved from GOV.UK",
        )
    page = RolePage(
        title=clean_name(title)[0],
        label=label,
        kind=ROLE_PAGE_KIND,
        location=location,
        url=url,
        line=title_line,
    )
    for line_no, ln in content[:start]:
        page.ignored.append(
            (
                "before the role's title (a banner, site header, cookie notice or breadcrumbs)",
                ln,
                line_no,
                line_no,
            )
        )
    reader = _TextReader(page, title, title_line)
    reader.read(content[start + 1 :])
    return reader.finish()


def _title_index(content: list[tuple[int, str]]) -> int:
    """Where the role's title is: the nearest line naming the role before the first "What
    a ... does" (after a banner, the site's header or a cookie notice); else the first line."""
    for j, (_, ln) in enumerate(content):
        entry = CONTENTS_ENTRY.match(ln)
        what = what_role(entry.group(1).strip() if entry else ln)
        if what is None:
            continue
        role = name_key(what)
        for i in range(j - 1, -1, -1):
            if name_key(_SITE_SUFFIX.sub("", content[i][1])) == role:
                return i
        return 0
    return 0


class _TextReader:
    """Walks the text form's lines: each heading opens a section, whose handler reads on."""

    def __init__(self, page: RolePage, title: str, title_line: int) -> None:
        self.page = page
        self.title = title
        self.summary: list[str] = []
        self.role_text = Lines()
        self.levels: list[Level] = []
        self.section = Section.HEAD
        self.pending: PageSkill | None = None
        self.descriptor: list[str] = []
        self.note_date: str | None = None
        self.notes: list[str] = []
        # What the last line read belonged to: the text form has no closing tags, so a
        # page cut short is known by where it stops, and only its last line can be cut.
        self.last = ""
        self.last_line = title_line
        self.footer = False
        self.in_contents = False
        self.contents_first: str | None = None

    # -- walking -------------------------------------------------------------------

    def read(self, content: list[tuple[int, str]]) -> None:
        """Read the lines after the title up to the page footer, if any."""
        handlers = {
            Section.HEAD: self._head_line,
            Section.ROLE: self._role_line,
            Section.ROLE_SKILLS: self._role_skills_line,
            Section.LEVELS: self._levels_line,
            Section.SHARED: self._shared_line,
            Section.LEADS_TO: self._leads_to_line,
            Section.UPDATES: self._updates_line,
        }
        for line_no, ln in content:
            if ln.startswith(FOOTER_STARTS):
                self.footer = True
                self.page.ignored.append(
                    ("the page footer", ln, line_no, content[-1][0] if content else line_no)
                )
                break
            if self.in_contents and self._contents_line(ln):
                self.last, self.last_line = "head", line_no
                continue
            if _BAREBULLET.match(ln):
                # A bullet with no text yet: the start of an item the text was cut inside.
                self.last_line = line_no
                continue
            self.last, self.last_line = "heading", line_no
            dated = page_date(ln)
            if dated and self.section in (Section.HEAD, Section.UPDATES):
                setattr(self.page, dated[0], dated[1])
                continue
            opened = text_heading(ln, self.title)
            if opened is not None:
                self._start(opened)
                continue
            self.last = self.section.value
            handlers[self.section](line_no, ln)

    def _start(self, section: Section) -> None:
        self.close_skill()
        for level in self.levels:
            level.in_grades = level.in_table = False
        self.section = section
        if section is Section.SHARED:
            self.page.has_shared_table = True

    def close_skill(self) -> None:
        pending = self.pending
        if pending is not None and self.levels and not pending.name:
            level = self.levels[-1].page
            self.page.remarks.append(
                (
                    "skipped",
                    f"level {level.name!r}: a row of its skills table gives the tier "
                    f"{pending.tier} but no skill name (lost where the table was flattened "
                    "into text); row not used",
                    pending.line,
                )
            )
        elif pending is not None and self.levels:
            if self.descriptor and not pending.descriptor_cut:
                pending.descriptor = "\n".join([_YOU_CAN, *(f"- {d}" for d in self.descriptor)])
            self.levels[-1].page.skills.append(pending)
        self.pending, self.descriptor = None, []

    def close_note(self) -> None:
        if self.note_date is not None:
            self.page.change_notes.append((self.note_date, "\n\n".join(self.notes)))
        self.note_date, self.notes = None, []

    # -- section handlers ------------------------------------------------------------

    def _head_line(self, line_no: int, ln: str) -> None:
        if name_key(ln) == CONTENTS:
            self.in_contents = True
            return
        if ln.startswith("See all updates"):
            return
        self.summary.append(ln)

    def _contents_line(self, ln: str) -> bool:
        """An entry of the contents list ("— 1. Apprentice developer", or its text alone
        when copied from a browser); False once the list has ended."""
        marked = CONTENTS_ENTRY.match(ln)
        entry = marked.group(1).strip() if marked else ln
        listed = marked is not None or text_heading(entry, self.title) is not None
        if not marked and self.contents_first is not None:
            # Unmarked, the list ends where its first entry comes again, as a heading.
            listed = listed and name_key(entry) != name_key(self.contents_first)
        if not listed and not (_LEVEL.match(entry) and self.contents_first is not None):
            self.in_contents = False
            return False
        self.contents_first = self.contents_first or entry
        level = _LEVEL.match(entry)
        if level:
            self.page.announced_levels.append(clean_name(level.group(2))[0])
        return True

    def _role_line(self, line_no: int, ln: str) -> None:
        self.role_text.add_line(ln)

    def _role_skills_line(self, line_no: int, ln: str) -> None:
        """An item of "Skills needed to be a ...": "Name. Description" (a bullet or not)."""
        b = BULLET.match(ln)
        item = ROLE_SKILL_ITEM.match(b.group(1) if b else ln)
        if item is not None and not ln.startswith("You will need"):
            name, text = item.group("name").strip(), item.group("text").strip()
            self.page.role_skills.append((name, text, line_no))
            return
        self.last = "head"  # the list's intro, "You will need the following skills ..."
        if not ln.startswith("You will need"):
            self.page.remarks.append(
                ("ignored", f"{ln[:60]!r} in the skills list is not a skill; not used", line_no)
            )

    def _shared_line(self, line_no: int, ln: str) -> None:
        words = ln.replace("\t", " ").split()
        if words in (["Role"], ["Shared", "skills"], ["Role", "Shared", "skills"]):
            return
        self.page.shared.append(SharedRow(ln, [], line_no))  # sorted out in finish()

    def _leads_to_line(self, line_no: int, ln: str) -> None:
        b = BULLET.match(ln)
        self.page.leads_to.append(clean_name(b.group(1) if b else ln)[0])

    def _updates_line(self, line_no: int, ln: str) -> None:
        date = iso_date(ln)
        if date is not None:
            self.close_note()
            self.note_date = date
        elif self.note_date is not None:
            self.notes.append(ln)

    def _levels_line(self, line_no: int, ln: str) -> None:
        """A line of the role levels: the level count, a level heading or a level's body."""
        count = level_count(ln)
        if count is not None and not self.levels:
            self.page.stated_level_count = count
            return
        m = _LEVEL.match(ln)
        if m and (not self.levels or int(m.group(1)) > (self.levels[-1].page.number or 0)):
            self.close_skill()
            self.levels.append(
                Level(PageLevel(clean_name(m.group(2))[0], line_no, int(m.group(1))))
            )
            self.last = "level heading"
            return
        if self.levels:
            self._level_body_line(self.levels[-1], line_no, ln)

    def _level_body_line(self, level: Level, line_no: int, ln: str) -> None:
        """A line within a level: table header, grades, a skill row's parts or description."""
        words = ln.replace("\t", " ").lower().split()
        if words in TABLE_HEADERS:
            self.close_skill()
            level.in_table, level.in_grades = True, False
            return
        if words == ["description"] and level.in_table and self.pending is None:
            return  # the second half of a "Skill / Description" header
        if level.in_table and (TABLE_RULE.match(ln) or not ln.strip("| ")):
            return  # a flattened table's rule, or the end of one of its cells
        b = BULLET.match(ln)
        t = _TIER.match(ln)
        intro = grades_intro(ln) if self.pending is None else None
        if intro is not None:
            # "This role level is (most) often performed at the Civil Service job grade
            # of:" (a link may break it over lines); the grades follow, one a line.
            level.in_grades = True
            level.grades_intro_open = intro == "open"
            return
        if level.in_grades and self._grades_line(level, ln, b, t is not None, len(words)):
            return
        flat = FLAT_ROW.match(ln) if t is None else None
        if flat is not None and (level.in_table or flat.group("name")):
            self._flat_row(level, line_no, flat)
        elif t:
            self._tier_line(level, line_no, t.group(1))
        elif self.pending is not None and (
            ln == _YOU_CAN or explains_tier(ln, self.pending.tier) or _TIER_EXPLAINED.match(ln)
        ):
            self.last = "skill"
        elif _TIER_EXPLAINED.match(ln):
            self.last = "level text"
        elif b and self.pending is not None:
            self.descriptor.append(b.group(1))
            self.last = "skill"
        elif level.in_table:
            self.close_skill()
            self.pending = PageSkill(ln, None, None, line_no)
            self.last = "skill head"
        else:
            level.text.add_line(ln)
            self.last = "level text"

    def _flat_row(self, level: Level, line_no: int, row: re.Match[str]) -> None:
        """A row of a table flattened into text: "Name Level: tier Explanation |"."""
        self.close_skill()
        level.in_table, level.in_grades = True, False
        self.pending = PageSkill(
            row.group("name").strip(), row.group("tier").lower(), None, line_no
        )
        # Text after the tier: the name and the tier are whole, even if the line is cut.
        self.last = "skill" if row.group("rest").strip(" |") else "skill head"

    def _grades_line(
        self, level: Level, ln: str, b: re.Match[str] | None, tier: bool, n_words: int
    ) -> bool:
        """Read a line after the grades intro; False once the grades list has ended."""
        if b or GRADE_LINE.match(ln):
            level.page.grades.append(b.group(1) if b else ln)
            level.grades_intro_open = False
            self.last = "grade"
            return True
        if level.grades_intro_open and not tier and n_words <= 5:
            level.grades_intro_open = not ln.endswith("of:")
            return True
        level.in_grades = level.grades_intro_open = False
        return False

    def _tier_line(self, level: Level, line_no: int, tier: str) -> None:
        """A "Level: working" line: the tier of the skill row being read."""
        if self.pending is None and level.text.items and not level.text.items[-1][0]:
            # No table header: the line before "Level:" was a skill name.
            _, name = level.text.items.pop()
            self.pending = PageSkill(name, None, None, line_no - 1)
            level.in_table = True
        if self.pending is not None:
            self.pending.tier = tier.lower()
            self.last = "skill head"

    # -- the end of the text -----------------------------------------------------------

    def finish(self) -> RolePage:
        """Close what is open, set aside what a cut-off end may have spoiled, assemble."""
        page = self.page
        before_shared = (Section.HEAD, Section.ROLE, Section.ROLE_SKILLS, Section.LEVELS)
        if not self.footer and self.section in before_shared:
            self._truncated_before_shared()
        self.close_skill()
        self.close_note()
        self._drop_cut_note()
        page.summary = "\n\n".join(self.summary) or None
        page.description = self.role_text.render()
        for level in self.levels:
            level.page.description = level.text.render()
        page.levels = [lv.page for lv in self.levels]
        skills = {name_key(s.name) for lv in self.levels for s in lv.page.skills}
        page.shared = shared_rows(page.shared, skills)
        self._drop_cut_shared_row(skills)
        return page

    def _truncated_before_shared(self) -> None:
        # A whole page goes on to its shared-skills table (or a saved page to its footer):
        # this one stops before, so its last line may be cut mid-way.
        levels = self.levels
        where = {
            Section.HEAD: "before 'What a ... does'",
            Section.ROLE: "in 'What a ... does'",
            Section.ROLE_SKILLS: "in its skills list",
            Section.LEVELS: "in its role levels"
            + (f" (level {levels[-1].page.name!r})" if levels else ""),
        }[self.section]
        self.page.truncated = (
            f"the text ends {where}, at line {self.last_line}, before its shared-skills table "
            "and with no page footer: it looks cut off; only the lines before its last "
            "were trusted"
        )
        drop_cut_unit(self.page, self.last, levels, self.pending, self.summary, self.role_text)

    def _drop_cut_note(self) -> None:
        page = self.page
        if (
            not self.footer
            and self.section is Section.UPDATES
            and self.last == "updates"
            and page.change_notes
            and page.change_notes[-1][1] != _FIRST_NOTE
        ):
            # A page's history ends with "First published."; without that or a footer, the
            # last note may be cut mid-way.
            date, _ = page.change_notes.pop()
            page.remarks.append(
                (
                    "missing",
                    f"the text ends in the change note dated {date}, with no page footer, and "
                    "the history does not end with 'First published.': it looks cut off; note "
                    "not used",
                    self.last_line,
                )
            )

    def _drop_cut_shared_row(self, skills: set[str]) -> None:
        page = self.page
        if not self.footer and self.section is Section.SHARED and page.shared:
            if self.last != "shared":
                return
            final = page.shared[-1]
            if not final.skills or name_key(final.skills[-1]) not in skills:
                # The last line is neither a skill of the page nor followed by one: cut.
                final.cut_off = True
                page.truncated = (
                    f"the text ends in its shared-skills table, at line {self.last_line}, "
                    "with no page footer, on a line that is not one of the page's skills: it "
                    "looks cut off; the last row was not used"
                )
