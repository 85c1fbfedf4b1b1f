"""What the explorer should show, computed straight from the sources with the csv module
and plain text parsing (no rolegraph code), to compare the explorer's pages against;
and a tiny framework whose names are markup, built from records."""

from __future__ import annotations

import csv
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from rolegraph.model.records import Family, Framework, Requirement, Role, RoleLevel, Skill

RANK = {"awareness": 1, "working": 2, "practitioner": 3, "expert": 4}
EVIL_ROLE = '<img src=x onerror="window.__xss=1">'
EVIL_FAMILY = "<b>Family</b></script><script>window.__xss=2</script>"
EVIL_SKILL = "<svg onload=window.__xss=3>"


def clean(text: str) -> str:
    text = text.replace("\u2028", " ").replace("\xa0", " ").replace("\u200b", "")
    return " ".join(text.split())


@dataclass
class Facts:
    family: dict[str, str] = field(default_factory=dict)  # role -> family
    #: (role, level) -> {skill: rank, or None when untiered}
    levels: dict[tuple[str, str], dict[str, int | None]] = field(default_factory=dict)
    #: role -> {skill: highest rank (1 for untiered, as the analysis counts it)}
    tiers: dict[str, dict[str, int]] = field(default_factory=dict)
    skills: set[str] = field(default_factory=set)
    #: skill -> tiers with a cell in the skill descriptions file
    described_tiers: dict[str, set[int]] = field(default_factory=dict)

    def uses(self, role: str) -> set[str]:
        return set(self.tiers.get(role, {}))

    def shared(self, a: str, b: str, at_least: int = 1) -> int:
        ta, tb = self.tiers.get(a, {}), self.tiers.get(b, {})
        return sum(1 for s in set(ta) & set(tb) if min(ta[s], tb[s]) >= at_least)

    def pairs(self, at_least_shared: int = 1, tier: int = 1) -> set[frozenset[str]]:
        return {
            frozenset((a, b))
            for a, b in itertools.combinations(sorted(self.tiers), 2)
            if self.shared(a, b, tier) >= at_least_shared and self.shared(a, b) > 0
        }


def from_csv(role_csv: Path, skill_csv: Path) -> Facts:
    facts = Facts()
    with role_csv.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            role, level, skill = (
                clean(row["Role"]),
                clean(row["Role Level"]),
                clean(row["Skill Name"]),
            )
            facts.family[role] = clean(row["Role Family"])
            rank = RANK.get(clean(row["Skill Level"]).lower())
            if level == "NOT IN USE":
                level = role
            facts.levels.setdefault((role, level), {})[skill] = rank
            best = facts.tiers.setdefault(role, {})
            best[skill] = max(best.get(skill, 0), rank or 1)
            facts.skills.add(skill)
    with skill_csv.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            skill = clean(row["Skill Name"])
            facts.skills.add(skill)
            facts.described_tiers[skill] = {
                RANK[name.lower()]
                for name in ("Awareness", "Working", "Practitioner", "Expert")
                if clean(row[name])
            }
    return facts


@dataclass
class Seed:
    role: str
    levels: list[str]  # in the page's order
    needs: dict[str, dict[str, str]]  # level -> {skill: tier}
    shared: dict[str, list[str]]  # related role -> shared skills


def from_seed(path: Path) -> Seed:
    """The role page (GOV.UK text form): levels in order, each level's skills and
    tiers, and the "Role / Shared skills" table."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    title = lines[lines.index("Skip to main content") + 2]
    levels: list[str] = []
    needs: dict[str, dict[str, str]] = {}
    table = lines.index("Role Shared skills")
    for i, line in enumerate(lines[:table]):
        m = re.match(r"^\d+\. (.+)$", line)
        if m:
            levels.append(m.group(1))
            needs[m.group(1)] = {}
        elif line.startswith("Level: ") and levels:
            needs[levels[-1]][lines[i - 1]] = line.removeprefix("Level: ")
    skills = {s for level in needs.values() for s in level}
    shared: dict[str, list[str]] = {}
    current = ""
    for line in lines[table + 1 :]:
        if line in skills:
            shared[current].append(line)
        else:
            current = line
            shared[current] = []
    return Seed(title, levels, needs, shared)


def evil_framework() -> Framework:
    """A tiny framework whose names and texts are markup that must never run."""
    return Framework(
        families=[Family(EVIL_FAMILY)],
        roles=[Role(EVIL_ROLE, family=EVIL_FAMILY), Role("Plain role", family="Data")],
        levels=[
            RoleLevel(EVIL_ROLE, "Senior " + EVIL_ROLE, rank=1),
            RoleLevel("Plain role", "Plain level", rank=1),
        ],
        skills=[
            Skill(
                EVIL_SKILL,
                description="<iframe src=javascript:window.__xss=6>",
                descriptors=(("working", "You can: <script>window.__xss=4</script>"),),
            ),
            Skill("Plain skill"),
        ],
        requirements=[
            Requirement(
                EVIL_ROLE, "Senior " + EVIL_ROLE, EVIL_SKILL, "working", "<!-- <script>x</script>"
            ),
            Requirement("Plain role", "Plain level", EVIL_SKILL, "expert"),
            Requirement("Plain role", "Plain level", "Plain skill", "awareness"),
        ],
    )
