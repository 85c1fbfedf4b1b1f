"""Typed records: what every source reader yields and what the graph is built from.

Records are frozen dataclasses of plain strings, numbers and tuples. ``origin``
(which file and row a record came from) is carried for reports only and takes no
part in equality, so the same facts read from two sources compare equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

RankBasis = Literal["stated", "derived"]


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record came from: a source key and, for tables, the 1-based row (header = 1);
    for pages, the line of the input the record starts on."""

    source: str
    row: int | None = None
    column: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        parts = [self.source]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)


NO_ORIGIN = Origin("")

#: The kinds of source document (``Source.kind``), one constant each.
ROLE_CONTENT_KIND = "csv-role-content"
SKILL_DESCRIPTIONS_KIND = "csv-skill-descriptions"
ROLE_PAGE_KIND = "role-page"
SKILLS_PAGE_KIND = "skills-page"
#: the kinds that list every skill of the framework (a skills catalogue)
CATALOGUE_KINDS = frozenset({SKILL_DESCRIPTIONS_KIND, SKILLS_PAGE_KIND})


@dataclass(frozen=True, slots=True)
class Source:
    """A document facts were read from (provenance)."""

    key: str
    kind: str
    title: str
    location: str = ""
    url: str | None = None
    published: str | None = None
    updated: str | None = None
    release: str | None = None
    licence: str | None = None
    description: str | None = None
    change_notes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    description: str | None = None
    origin: Origin = field(default=NO_ORIGIN, compare=False)


@dataclass(frozen=True, slots=True)
class Role:
    name: str
    family: str | None = None
    description: str | None = None
    senior_civil_service: bool = False
    alt_names: tuple[str, ...] = ()
    origin: Origin = field(default=NO_ORIGIN, compare=False)


@dataclass(frozen=True, slots=True)
class RoleLevel:
    role: str
    name: str
    description: str | None = None
    rank: int | None = None
    rank_basis: RankBasis | None = None
    grades: tuple[str, ...] = ()
    alt_names: tuple[str, ...] = ()
    origin: Origin = field(default=NO_ORIGIN, compare=False)


@dataclass(frozen=True, slots=True)
class Skill:
    name: str
    description: str | None = None
    #: (tier, "You can: ..." text) pairs, in tier order.
    descriptors: tuple[tuple[str, str], ...] = ()
    #: Tiers the source marks "This skill level is currently not defined."
    undefined_tiers: tuple[str, ...] = ()
    #: Senior Civil Service skills have one descriptor and no tiers.
    untiered_descriptor: str | None = None
    alt_names: tuple[str, ...] = ()
    origin: Origin = field(default=NO_ORIGIN, compare=False)


@dataclass(frozen=True, slots=True)
class Requirement:
    """A role level needs a skill at a tier (None for Senior Civil Service roles)."""

    role: str
    level: str
    skill: str
    tier: str | None
    descriptor: str | None = None
    origin: Origin = field(default=NO_ORIGIN, compare=False)


@dataclass(frozen=True, slots=True)
class SharedSkills:
    """A row of a role page's "Role / Shared skills" table."""

    role: str
    other_role: str
    skills: tuple[str, ...]
    origin: Origin = field(default=NO_ORIGIN, compare=False)


@dataclass(frozen=True, slots=True)
class RoleSkill:
    """A role listed as requiring a skill, with no level detail (skill descriptions file)."""

    role: str
    skill: str
    origin: Origin = field(default=NO_ORIGIN, compare=False)


@dataclass
class Framework:
    """All records read from one source, or combined from several."""

    sources: list[Source] = field(default_factory=list)
    families: list[Family] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    levels: list[RoleLevel] = field(default_factory=list)
    skills: list[Skill] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    shared: list[SharedSkills] = field(default_factory=list)
    role_skills: list[RoleSkill] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "families": len(self.families),
            "roles": len(self.roles),
            "role levels": len(self.levels),
            "skills": len(self.skills),
            "requirements": len(self.requirements),
        }

    def role(self, name: str) -> Role | None:
        return next((r for r in self.roles if r.name == name), None)

    def levels_of(self, role: str) -> list[RoleLevel]:
        """The levels of a role, lowest rank first (unranked last, by name)."""
        found = [lv for lv in self.levels if lv.role == role]
        return sorted(found, key=lambda lv: (lv.rank is None, lv.rank or 0, lv.name))
