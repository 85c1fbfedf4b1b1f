"""Reading a person's or a team's profile file: YAML (``skill: tier`` lines, optionally
under ``skills:`` with a ``name:``) or CSV (columns ``skill, tier``; with a ``person``
column, a team).

The first step of ``rolegraph assess``: the readers check the file's shape and hand each
entry, as written (names and tiers still text), to a :class:`ProfileSink` in file order;
:mod:`rolegraph.analysis.careers.profiles` resolves the names against a framework.
Any problem is one :class:`~rolegraph.errors.InputError` naming the file, row (or line)
and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rolegraph.errors import SourceError
from rolegraph.sources.yamlkeys import refuse_repeated_key
from rolegraph.util.tables import check_file, decode_utf8, read_bytes, read_table
from rolegraph.util.text import plural

if TYPE_CHECKING:
    from rolegraph.util.tables import Table

#: Who a one-person profile is about when it gives no ``name:``: its reader.
DEFAULT_PERSON = "you"
YAML_EXAMPLE = "write one 'skill: tier' line per skill, e.g. 'Systems integration: practitioner'"


@dataclass(frozen=True)
class ProfileEntry:
    """One ``skill: tier`` entry of a profile, as written in the file."""

    person: str  # "" in a one-person CSV
    skill: str
    tier: str
    where: str  # "row 3, " or "line 3, "
    columns: tuple[str, str]  # how to name the skill's and the tier's place in messages


class ProfileSink(Protocol):
    """What a reader hands its entries and notes to, in file order."""

    def add(self, entry: ProfileEntry) -> None: ...

    def note(self, message: str) -> None: ...


@dataclass(frozen=True)
class ProfileShape:
    """What a profile file is, beyond its entries."""

    label: str
    team: bool
    #: the name of the one person in a one-person file
    person: str


def read_profile_file(path: Path | str, sink: ProfileSink) -> ProfileShape:
    """Read a profile file, YAML or CSV by extension, handing its entries to ``sink``."""

    p = check_file(path, "profile")
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return read_yaml_profile(p, sink)
    if suffix in (".csv", ".txt"):
        return read_csv_profile(p, sink)
    raise SourceError(
        f"cannot tell what kind of profile {p.name} is from its extension",
        hint="name it .yaml for 'skill: tier' lines, or .csv for columns skill, tier and, "
        "for a team, person",
    )


def read_csv_profile(path: Path, sink: ProfileSink) -> ProfileShape:
    table = read_table(path, required=["skill", "tier"], optional=["person"], what="profile CSV")
    team = "person" in {name.lower() for name in table.header}
    person_col = next((h for h in table.header if h.lower() == "person"), "person")
    skill_col = next(h for h in table.header if h.lower() == "skill")
    tier_col = next(h for h in table.header if h.lower() == "tier")
    for row_no, cells in table.rows:
        person = " ".join(cells.get("person", "").split())
        if team and not person:
            raise SourceError(
                f"{table.label}, row {row_no}, column {person_col!r}: the person is empty",
                hint="name the person on every row of a team file",
            )
        sink.add(
            ProfileEntry(
                person,
                cells["skill"],
                cells["tier"],
                f"row {row_no}, ",
                (f"column {skill_col!r}", f"column {tier_col!r}"),
            )
        )
    if not table.rows:
        raise SourceError(f"{table.label} has a header but no rows", hint="add 'skill,tier' rows")
    _note_unread(table, sink)
    return ProfileShape(table.label, team, DEFAULT_PERSON)


def _note_unread(table: Table, sink: ProfileSink) -> None:
    """Notes on what of a profile CSV was not read: extra columns, blank lines, padding."""
    if table.extra_columns:
        sink.note(
            f"{table.label}: column{'s' if len(table.extra_columns) > 1 else ''} "
            + ", ".join(repr(c) for c in table.extra_columns)
            + " not read"
        )
    if table.blank_lines:
        sink.note(f"{table.label}: {plural(table.blank_lines, 'blank line')} skipped")
    if table.padded_rows:
        sink.note(
            f"{table.label}: empty cells beyond the header ignored on "
            + ("row " if len(table.padded_rows) == 1 else "rows ")
            + ", ".join(str(r) for r in table.padded_rows)
        )


def read_yaml_profile(path: Path, sink: ProfileSink) -> ProfileShape:
    import yaml

    label = path.name
    root = _compose_yaml(path, label)
    if root is None:
        raise SourceError(f"{label} is empty", hint=YAML_EXAMPLE)
    if not isinstance(root, yaml.MappingNode):
        raise SourceError(
            f"{label}, line {root.start_mark.line + 1}: expected skill: tier lines",
            hint=YAML_EXAMPLE,
        )
    name, entries = _yaml_skills(root, label, DEFAULT_PERSON, sink)
    count = 0
    for k, v in entries.value:
        line = k.start_mark.line + 1
        if not isinstance(k, yaml.ScalarNode) or not isinstance(v, yaml.ScalarNode):
            raise SourceError(f"{label}, line {line}: expected 'skill: tier'", hint=YAML_EXAMPLE)
        sink.add(ProfileEntry(name, k.value, v.value, f"line {line}, ", ("the skill", "the tier")))
        count += 1
    if not count:
        raise SourceError(f"{label} lists no skills", hint=YAML_EXAMPLE)
    return ProfileShape(label, False, name)


def _compose_yaml(path: Path, label: str) -> Any:
    """The YAML file's node tree (None when empty); bad YAML is an InputError with its line."""
    import yaml

    text = decode_utf8(read_bytes(path, "profile"), label)
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise SourceError(
            f"{label}: nested too deeply to be a profile",
            hint="a profile is one 'skill: tier' line per skill; a team file, one such list per person",
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise SourceError(f"{label}{where}: not valid YAML ({problem})") from None


def _yaml_skills(root: Any, label: str, name: str, sink: ProfileSink) -> tuple[str, Any]:
    """The person's name and the mapping of skills: the whole file, or its ``skills:`` under
    a ``name:``; other top-level keys are noted as not read."""
    import yaml

    keys = {k.value: (k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    structured = any(
        k.value == "name" or (k.value == "skills" and isinstance(v, yaml.MappingNode))
        for k, v in root.value
        if isinstance(k, yaml.ScalarNode)
    )
    if structured:  # otherwise the keys are skills, and the sink merges or refuses a repeat
        refuse_repeated_key(root, label, "give each key once, with every skill under one 'skills:'")
    if "name" in keys and not isinstance(keys.get("skills", (None, None))[1], yaml.MappingNode):
        line = keys["name"][0].start_mark.line + 1
        raise SourceError(
            f"{label}, line {line}: with a 'name:', list the skills under 'skills:'",
            hint="indent one 'skill: tier' line per skill below a 'skills:' line",
        )
    if not ("skills" in keys and isinstance(keys["skills"][1], yaml.MappingNode)):
        return name, root
    for k, v in root.value:
        line = k.start_mark.line + 1
        if k.value == "name" and isinstance(v, yaml.ScalarNode) and v.value.strip():
            name = " ".join(v.value.split())
        elif k.value not in ("skills", "name"):
            sink.note(f"{label}, line {line}: key {k.value!r} not read")
    return name, keys["skills"][1]


__all__ = [
    "ProfileEntry",
    "ProfileShape",
    "ProfileSink",
    "read_csv_profile",
    "read_profile_file",
    "read_yaml_profile",
]
