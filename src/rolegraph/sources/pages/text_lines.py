"""The text form's building blocks: paragraphs and bullets as the export writes them, a
level being read, and what a text cut short at its end sets aside.

Used by :mod:`rolegraph.sources.pages.role_text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rolegraph.sources.pages.role_page import PageLevel, PageSkill, RolePage, SharedRow
from rolegraph.util.text import name_key

BULLET = re.compile(r"^\s*[•*\-\u2022]\s+(.*)$")


@dataclass
class Lines:
    """Paragraphs and bullets in page order, rendered as the CSV export writes them."""

    items: list[tuple[bool, str]] = field(default_factory=list)

    def add(self, text: str, bullet: bool = False) -> None:
        self.items.append((bullet, text))

    def add_line(self, line: str) -> None:
        """A line as a bullet if it is marked as one, or if, copied from a browser without
        its markers, it goes on a list (after "... you will:") in lower case."""
        b = BULLET.match(line)
        after_intro = bool(self.items) and (self.items[-1][0] or self.items[-1][1].endswith(":"))
        if b is not None:
            self.add(b.group(1), bullet=True)
        else:
            self.add(line, bullet=after_intro and line[:1].islower())

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
class Level:
    page: PageLevel
    text: Lines = field(default_factory=Lines)
    in_table: bool = False
    in_grades: bool = False
    grades_intro_open: bool = False


def drop_cut_unit(
    page: RolePage,
    last: str,
    levels: list[Level],
    pending: PageSkill | None,
    summary: list[str],
    role_text: Lines,
) -> None:
    """Set aside what the (possibly cut) last line of a truncated text belongs to."""
    if last == "head":
        summary.clear()
    elif last == "role-skills" and page.role_skills:
        name, _, line = page.role_skills[-1]
        page.role_skills[-1] = (name, None, line)
        page.remarks.append(
            ("missing", f"the description of the skill {name!r} is cut off; not used", line)
        )
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
    if last == "skill" and pending is not None and pending.tier is not None:
        # Cut after its name and tier: the row is read, its descriptor is not.
        pending.descriptor_cut = True
    elif last in ("skill", "skill head") and pending is not None:
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


def shared_rows(lines: list[SharedRow], skills: set[str]) -> list[SharedRow]:
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
