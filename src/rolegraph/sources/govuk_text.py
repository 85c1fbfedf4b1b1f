"""Reader for the plain-text form of a GOV.UK role page (the project's seed).

The page lists, in order: the role's title and publication date, "What a ... does"
with "In this role, you will:" bullets, the numbered role levels (each with its
description, "At this role level, you will:" bullets and a Skill / Description
table of skills, tiers and "You can:" descriptors), and a "Role / Shared skills"
table. Level order on the page is the seniority order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from rolegraph.errors import InputError
from rolegraph.records import (
    Framework,
    Origin,
    Requirement,
    Role,
    RoleLevel,
    SharedSkills,
    Skill,
    Source,
)
from rolegraph.report import ImportReport
from rolegraph.sources.table import decode_utf8, read_bytes
from rolegraph.text import bullets, clean_name, clean_text
from rolegraph.vocab import OGL, TIERS, tier_name

_BULLET = re.compile(r"^\s*[•*\-\u2022]\s+(.*)$")
_LEVEL = re.compile(r"^(\d+)\.\s+(.+)$")
_TIER = re.compile(r"^Level:\s*(\w+)\s*$", re.IGNORECASE)
_TIER_EXPLAINED = re.compile(r"^\w+ is the \w+ of \d+ ascending skill levels$", re.IGNORECASE)
_DATE = re.compile(r"^(Published|Last updated)\s+(\d{1,2} \w+ \d{4})")
_LEVEL_COUNT = re.compile(r"^There (?:are|is) (\d+) .* role levels?", re.IGNORECASE)
_BOILERPLATE = (
    "Skip to main content",
    "This is a redesigned guidance page",
    "The typical responsibilities and skills for each role level",
)
_ROLE_INTRO = "In this role, you will:"
_LEVEL_INTRO = "At this role level, you will:"
_YOU_CAN = "You can:"


def _iso(text: str) -> str | None:
    try:
        return datetime.strptime(text, "%d %B %Y").date().isoformat()
    except ValueError:
        return None


@dataclass
class _Block:
    """A level section while it is being read."""

    name: str
    number: int
    line: int
    paragraphs: list[str] = field(default_factory=list)
    duties: list[str] = field(default_factory=list)
    skills: list[tuple[str, str | None, list[str], int]] = field(default_factory=list)
    in_table: bool = False


def _describe(paragraphs: list[str], intro: str, items: list[str]) -> str | None:
    parts = ["\n\n".join(paragraphs)] if paragraphs else []
    if items:
        parts.append(bullets(intro, items))
    return "\n\n".join(parts) or None


def read_govuk_text(
    path: Path | str, report: ImportReport, *, label: str | None = None
) -> Framework:
    """Read a GOV.UK role page saved as text into records."""
    p = Path(path)
    text = decode_utf8(read_bytes(p, "role page"), p.name)
    return parse_govuk_text(text, report, label=label or p.name, location=str(p))


def parse_govuk_text(
    text: str, report: ImportReport, *, label: str, location: str = ""
) -> Framework:
    cleaned, _ = clean_text(text)
    lines = [ln.strip() for ln in cleaned.split("\n")]
    content = [(i + 1, ln) for i, ln in enumerate(lines) if ln and not ln.startswith(_BOILERPLATE)]
    if not content:
        raise InputError(f"{label} is empty", hint="expected a GOV.UK role page saved as text")
    title = content[0][1]
    what = f"What a {title.lower()} does"
    if not any(ln.lower() == what.lower() for _, ln in content):
        raise InputError(
            f"{label} is not a role page: no {what!r} section after the title {title!r}",
            hint="give a framework role page, such as the seed in ../shared/seeds/",
        )
    summary = None
    published = updated = None
    role_paragraphs: list[str] = []
    role_duties: list[str] = []
    blocks: list[_Block] = []
    shared_lines: list[tuple[int, str]] = []
    stated_count: int | None = None
    section = "head"
    pending_skill: tuple[str, int] | None = None
    pending_tier: str | None = None
    descriptor: list[str] = []
    block: _Block | None = None

    def close_skill() -> None:
        nonlocal pending_skill, pending_tier, descriptor
        if block is not None and pending_skill is not None:
            block.skills.append((pending_skill[0], pending_tier, descriptor, pending_skill[1]))
        pending_skill, pending_tier, descriptor = None, None, []

    for line_no, ln in content[1:]:
        m = _DATE.match(ln)
        if m and section == "head":
            if m.group(1) == "Published":
                published = _iso(m.group(2))
            else:
                updated = _iso(m.group(2))
            continue
        if ln.lower() == what.lower():
            section = "role"
            continue
        if ln.lower() == f"{title} role levels".lower():
            section = "levels"
            continue
        if ln.replace("\t", " ").split() == ["Role", "Shared", "skills"]:
            close_skill()
            section = "shared"
            continue
        if section == "head":
            summary = ln if summary is None else f"{summary}\n\n{ln}"
        elif section == "role":
            b = _BULLET.match(ln)
            if b:
                role_duties.append(b.group(1))
            elif ln != _ROLE_INTRO:
                role_paragraphs.append(ln)
        elif section == "levels":
            m = _LEVEL.match(ln)
            count = _LEVEL_COUNT.match(ln)
            if count and block is None:
                stated_count = int(count.group(1))
                continue
            if m and (block is None or int(m.group(1)) == block.number + 1):
                close_skill()
                block = _Block(clean_name(m.group(2))[0], int(m.group(1)), line_no)
                blocks.append(block)
                continue
            if block is None:
                continue
            if ln.replace("\t", " ").split() == ["Skill", "Description"]:
                close_skill()
                block.in_table = True
                continue
            b = _BULLET.match(ln)
            t = _TIER.match(ln)
            if t:
                if pending_skill is None and block.paragraphs:
                    # No table header: the line before "Level:" was a skill name.
                    pending_skill = (block.paragraphs.pop(), line_no - 1)
                    block.in_table = True
                pending_tier = t.group(1).lower()
                continue
            if _TIER_EXPLAINED.match(ln) or ln in (_YOU_CAN, _LEVEL_INTRO):
                continue
            if b:
                if pending_skill is not None:
                    descriptor.append(b.group(1))
                else:
                    block.duties.append(b.group(1))
            elif block.in_table:
                close_skill()
                pending_skill = (ln, line_no)
            else:
                block.paragraphs.append(ln)
        elif section == "shared":
            shared_lines.append((line_no, ln))
    close_skill()

    if not blocks:
        raise InputError(
            f"{label}: the role page {title!r} lists no role levels",
            hint="the page may be truncated; save the whole page",
        )
    role = clean_name(title)[0]
    source = Source(
        key=label,
        kind="role-page",
        title=title,
        location=location,
        published=published,
        updated=updated,
        licence=OGL,
        description=summary,
    )
    fw = Framework(sources=[source])
    fw.roles.append(
        Role(
            role,
            description=_describe(role_paragraphs, _ROLE_INTRO, role_duties),
            origin=Origin(label),
        )
    )
    if stated_count is not None and stated_count != len(blocks):
        report.add(
            "missing",
            f"the page says there are {stated_count} role levels but {len(blocks)} were found",
            file=label,
            severity="warning",
        )
    page_skills: dict[str, Skill] = {}
    for rank, blk in enumerate(blocks, start=1):
        origin = Origin(label, blk.line)
        fw.levels.append(
            RoleLevel(
                role,
                blk.name,
                description=_describe(blk.paragraphs, _LEVEL_INTRO, blk.duties),
                rank=rank,
                rank_basis="stated",
                origin=origin,
            )
        )
        if not blk.skills:
            report.add(
                "missing",
                f"level {blk.name!r} lists no skills",
                file=label,
                rows=blk.line,
                severity="warning",
            )
        for skill_name, tier_text, items, line in blk.skills:
            skill = clean_name(skill_name)[0]
            tier = tier_name(tier_text) if tier_text else None
            if tier_text and tier is None:
                report.add(
                    "skipped",
                    f"{blk.name!r} x {skill!r}: unknown tier {tier_text!r}; requirement not used",
                    file=label,
                    rows=line,
                    severity="warning",
                )
                continue
            said: str | None = bullets(_YOU_CAN, items) if items else None
            fw.requirements.append(
                Requirement(role, blk.name, skill, tier, said, Origin(label, line))
            )
            known = page_skills.setdefault(skill, Skill(skill, origin=Origin(label, line)))
            if tier is not None and said is not None and tier not in dict(known.descriptors):
                pairs = sorted([*known.descriptors, (tier, said)], key=lambda p: TIERS.index(p[0]))
                page_skills[skill] = Skill(skill, descriptors=tuple(pairs), origin=known.origin)
    fw.skills.extend(page_skills.values())
    fw.shared.extend(_shared_rows(shared_lines, role, set(page_skills), label, report))
    return fw


def _shared_rows(
    lines: list[tuple[int, str]], role: str, skills: set[str], label: str, report: ImportReport
) -> list[SharedSkills]:
    """Rows of the "Role / Shared skills" table: a role line, then the skill lines it shares."""
    rows: list[SharedSkills] = []
    current: tuple[str, int] | None = None
    shared: list[str] = []

    def close() -> None:
        if current is not None:
            if not shared:
                report.add(
                    "missing",
                    f"shared-skills row {current[0]!r} lists no skills",
                    file=label,
                    rows=current[1],
                    severity="warning",
                )
            else:
                rows.append(
                    SharedSkills(role, current[0], tuple(shared), Origin(label, current[1]))
                )

    for line_no, ln in lines:
        name = clean_name(ln)[0]
        if name in skills:
            if current is None:
                report.add(
                    "ignored",
                    f"skill {name!r} before any role in the shared-skills table",
                    file=label,
                    rows=line_no,
                    severity="warning",
                )
                continue
            shared.append(name)
        else:
            close()
            current, shared = (name, line_no), []
    close()
    return rows
