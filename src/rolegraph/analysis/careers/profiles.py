"""A person's or a team's profile resolved against a framework: the readers in
:mod:`rolegraph.sources.profile` hand over entries as written, and this module checks each
skill name and tier, merges repeats, and files the tiers by person (``rolegraph assess``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rolegraph.analysis.careers.common import VALID_TIERS, find_skill, parse_tier
from rolegraph.analysis.view import FrameworkView
from rolegraph.errors import NotFound, SourceError
from rolegraph.model.vocab import TIERS
from rolegraph.sources.profile import ProfileEntry, read_profile_file


@dataclass
class ProfileFile:
    """A person's or a team's skills read from a file."""

    label: str
    team: bool
    #: person -> {skill IRI: tier rank}, people in the order of the file
    people: dict[str, dict[str, int]]
    #: what was merged or not read, for the person at the terminal
    notes: list[str] = field(default_factory=list)


def read_profile(path: Path | str, view: FrameworkView) -> ProfileFile:
    """Read a profile: YAML (``skill: tier`` lines, optionally under ``skills:`` with a
    ``name:``) or CSV (columns ``skill, tier``; with a ``person`` column, a team).

    Any problem is one :class:`InputError` naming the file, row (or line) and column.
    """

    label = Path(path).name
    out = _Collector(label, view)
    shape = read_profile_file(path, out)
    if shape.team:
        return ProfileFile(shape.label, True, out.people, out.notes)
    tiers = next(iter(out.people.values()), {})
    return ProfileFile(shape.label, False, {shape.person: tiers}, out.notes)


class _Collector:
    """Builds people's profiles entry by entry: checks names and tiers, merges repeats."""

    def __init__(self, label: str, view: FrameworkView) -> None:
        self.label = label
        self.view = view
        self.people: dict[str, dict[str, int]] = {}
        self.where: dict[tuple[str, str], str] = {}
        self.notes: list[str] = []

    def note(self, message: str) -> None:
        self.notes.append(message)

    def add(self, entry: ProfileEntry) -> None:
        skill = self._skill(entry)
        tier = self._tier(entry, skill)
        person, where = entry.person, entry.where
        tiers = self.people.setdefault(person, {})
        key = (person, skill)
        if skill in tiers:
            first = self.where[key]
            if tiers[skill] != tier:
                raise SourceError(
                    f"{self.label}, {where.rstrip(', ')}: {self.view.skills[skill]!r} is given "
                    f"again at {TIERS[tier - 1]} (it was {TIERS[tiers[skill] - 1]} at {first})",
                    hint="keep one entry per skill" + (" and person" if person else ""),
                )
            self.notes.append(
                f"{self.label}, {where.rstrip(', ')}: {self.view.skills[skill]!r} repeats "
                f"{first}; merged"
            )
            return
        tiers[skill] = tier
        self.where[key] = where.rstrip(", ")

    def _skill(self, entry: ProfileEntry) -> str:
        """The IRI of the entry's skill; an empty or unknown name is an InputError."""
        place = f"{self.label}, {entry.where}{entry.columns[0]}"
        if not entry.skill.strip():
            raise SourceError(f"{place}: the skill is empty")
        try:
            return find_skill(self.view, entry.skill)
        except NotFound as exc:
            raise SourceError(f"{place}: {exc.message}", hint=exc.hint) from None

    def _tier(self, entry: ProfileEntry, skill: str) -> int:
        """The entry's tier as a rank; an empty or unknown tier is an InputError."""
        tier = parse_tier(entry.tier)
        if tier is not None:
            return tier
        problem = (
            f"unknown tier {entry.tier!r} for skill {self.view.skills[skill]!r}"
            if entry.tier.strip()
            else f"the tier of {self.view.skills[skill]!r} is empty"
        )
        raise SourceError(
            f"{self.label}, {entry.where}{entry.columns[1]}: {problem}",
            hint=f"valid tiers: {VALID_TIERS}",
        )
