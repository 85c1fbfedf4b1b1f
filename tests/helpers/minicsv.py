"""Tiny files in the official CSV shape, carrying the real export's quirks.

Each quirk is written with an explicit escape so a reader of the test sees it:
U+2028 line separators, no-break and zero-width spaces, a trailing space in a
level name, exact duplicate rows, "MISSING" and empty skill descriptions, a Senior
Civil Service role with "NOT IN USE" levels, "This skill level is currently not
defined." tiers, and a "Roles that require Skill" list that disagrees with the
role file.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

ROLE_HEADER = [
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
]
SKILL_HEADER = [
    "Skill Name",
    "Skill Description",
    "Awareness",
    "Working",
    "Practitioner",
    "Expert",
    "Roles that require Skill",
]

ANALYST = (
    "A data analyst turns data into insight.\u2028\n\nIn this role, you will: \n"
    "- collect data\n- explain findings"
)
CDO = "A chief data officer leads data.\n\nIn this role, you will:\n- set data strategy"
LEVEL_DESC = {
    "Associate data analyst": "An associate data analyst learns.\xa0\n\nAt this role level, you will:\n- learn",
    "Data analyst": "A data analyst analyses.",
    "Senior data analyst": "A senior data analyst leads analysis.",
}
SKILL_DESC = {
    "Data analysis": "Data analysis involves finding insight.",
    "Data visualisation": "MISSING",
    "Statistics": "",
}
DESCRIPTORS = {
    ("Data analysis", "Awareness"): "You can:\n- explain what data analysis is",
    ("Data analysis", "Working"): "You can:\n- analyse data\u200b with help",
    ("Data analysis", "Practitioner"): "You can:\n- analyse data alone",
    ("Data visualisation", "Working"): "You can:\n- draw charts",
    ("Data visualisation", "Practitioner"): "You can:\n- choose the right chart",
    ("Statistics", "Working"): "You can:\n- compute a mean",
    ("Statistics", "Expert"): "You can:\n- design studies",
}
# (level, skill, tier); the file is sorted alphabetically like the real export.
REQUIREMENTS = [
    ("Associate data analyst", "Data analysis", "Awareness"),
    ("Associate data analyst", "Data visualisation", "Working"),
    ("Data analyst", "Data analysis", "Working"),
    ("Data analyst", "Data visualisation", "Working"),
    ("Data analyst", "Statistics", "Working"),
    ("Senior data analyst", "Data analysis", "Practitioner"),
    ("Senior data analyst", "Data visualisation", "Practitioner"),
    ("Senior data analyst", "Statistics", "Expert"),
]
SCS_SKILLS = {
    "Data strategy": "You can:\n- set the organisation's data strategy",
    "Data leadership": "You can:\n- lead data professions",
}


def role_rows() -> list[list[str]]:
    rows = []
    for level, skill, tier in REQUIREMENTS:
        level_name = level + " " if (level, skill) == ("Data analyst", "Statistics") else level
        rows.append(
            [
                "Data",
                "Data analyst",
                ANALYST,
                level_name,
                LEVEL_DESC[level],
                skill,
                SKILL_DESC[skill],
                tier,
                DESCRIPTORS[(skill, tier)],
                "",
            ]
        )
    rows.insert(3, list(rows[2]))  # an exact duplicate of "Data analyst x Data analysis"
    for skill, text in SCS_SKILLS.items():
        rows.append(
            [
                "Chief digital and data",
                "Chief data officer",
                CDO,
                "NOT IN USE",
                "NOT IN USE",
                skill,
                text,
                "NOT IN USE",
                "NOT IN USE",
                "Senior Civil Service",
            ]
        )
    return rows


def skill_rows() -> list[list[str]]:
    undefined = "This skill level is currently not defined."
    rows = []
    for skill in ("Data analysis", "Data visualisation", "Statistics"):
        cells = []
        for tier in ("Awareness", "Working", "Practitioner", "Expert"):
            cells.append(DESCRIPTORS.get((skill, tier), undefined))
        desc = SKILL_DESC[skill]
        roles = "Data analyst" if skill != "Statistics" else "Data analyst, Performance analyst"
        rows.append([skill, "" if desc == "MISSING" else desc, *cells, roles])
    for skill, text in SCS_SKILLS.items():
        rows.append([skill, text, "", "", "", "", "Chief data officer"])
    return rows


def to_csv(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    return buf.getvalue()


def write_pair(directory: Path) -> tuple[Path, Path]:
    roles = directory / "role-content.csv"
    skills = directory / "skill-descriptions.csv"
    roles.write_text(to_csv(ROLE_HEADER, role_rows()), encoding="utf-8")
    skills.write_text(to_csv(SKILL_HEADER, skill_rows()), encoding="utf-8")
    return roles, skills
