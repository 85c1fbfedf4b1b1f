"""The name tables combining consults: the alias table and the role -> family table.

Sits before :mod:`rolegraph.combine.merge` in the flow: :class:`Aliases` and
:func:`load_family_table` read the maintained tables (``data/aliases.csv``,
``data/role-families.csv``), and :class:`Names` gives each name its canonical spelling
while the records are combined.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rolegraph.errors import SourceError
from rolegraph.model import paths
from rolegraph.model.records import Origin
from rolegraph.model.report import ImportReport
from rolegraph.util.tables import read_table
from rolegraph.util.text import name_key

KINDS = ("role", "skill", "family", "level")


@dataclass
class Aliases:
    """The name-reconciliation table: (kind, alias key) -> official name."""

    official: dict[tuple[str, str], str] = field(default_factory=dict)
    #: (kind, official name) -> its other names, as the table spells them
    others: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> Aliases:
        table = read_table(
            path or paths.aliases_file(),
            required=("kind", "name", "alias"),
            optional=("note",),
            what="alias table",
        )
        out = cls()
        for row, cells in table.rows:
            kind = cells["kind"].strip().lower()
            if kind not in KINDS:
                raise SourceError(
                    f"{table.label}, row {row}, column 'kind': unknown kind {cells['kind']!r}",
                    hint=f"use one of {', '.join(KINDS)}",
                )
            name, alias = cells["name"].strip(), cells["alias"].strip()
            if not name or not alias:
                raise SourceError(f"{table.label}, row {row}: 'name' and 'alias' must not be empty")
            out.official[(kind, name_key(alias))] = name
            out.official[(kind, name_key(name))] = name
            out.others.setdefault((kind, name), []).append(alias)
        return out

    def resolve(self, kind: str, name: str) -> str | None:
        return self.official.get((kind, name_key(name)))


def load_family_table(path: Path | None = None) -> dict[str, str]:
    """The maintained role -> family table (from the framework site's navigation)."""

    table = read_table(
        path or paths.families_file(), required=("role", "family"), what="role family table"
    )
    return {c["role"].strip(): c["family"].strip() for _, c in table.rows if c["role"].strip()}


class Names:
    """Canonical spelling per kind: the alias table's official name, else the first seen."""

    def __init__(self, aliases: Aliases, report: ImportReport) -> None:
        self.aliases = aliases
        self.report = report
        self.canonical: dict[tuple[str, str], str] = {}
        self.alts: dict[tuple[str, str], list[str]] = {}

    def __call__(self, kind: str, name: str, origin: Origin | None = None, scope: str = "") -> str:
        key = (kind, scope + name_key(name))
        official = self.aliases.resolve(kind, name)
        if official is not None:
            key = (kind, scope + name_key(official))
        canonical = self.canonical.get(key)
        if canonical is None:
            canonical = official or name
            self.canonical[key] = canonical
        if name != canonical:
            alts = self.alts.setdefault((kind, scope + canonical), [])
            if name not in alts:
                alts.append(name)
                how = "by the alias table" if official is not None else "by spelling"
                self.report.at(
                    "alias",
                    f"{kind} {name!r} is {canonical!r} (matched {how}); kept as an alternative name",
                    origin,
                )
        return canonical

    def alt_names(self, kind: str, canonical: str, scope: str = "") -> tuple[str, ...]:
        """Other names seen in the sources, then the alias table's other names for it."""
        seen = list(self.alts.get((kind, scope + canonical), ()))
        if not scope:
            for alias in self.aliases.others.get((kind, canonical), ()):
                if alias not in seen and alias != canonical:
                    seen.append(alias)
        return tuple(seen)
