"""Dates decide between sources: an older source never overrides or extends a newer one.

Each source carries its date: a page its "Last updated" (else "Published") date, the
export its release date (given by the user, or the release name when it is a date). For
each role, the sources that describe it (its levels or requirements) are compared by date;
from an older one, nothing of that role is used that the newest does not also say:

* its requirements are not used (the newest source's are the role's requirements);
* its levels are used only where the newest source has a level of that name, and then
  only for what the newest cannot say (the order a page states, the grades it shows),
  never their descriptions;
* its role description, family and shared-skills rows for the role are not used;
* a skill only it names is not added, and its descriptors never add to a newer source's.

The skill catalogues (the skill descriptions CSV, the Skills A to Z page, which shows no
date) are compared with each other as before: the CSV's values are kept and every
difference is reported (:mod:`rolegraph.combine.reconcile`).

Every fact set aside that the newest source does not state the same way is reported
("older source, not used: ..."). An export whose date is unknown is taken as the newest
(its downloads hold only the latest release); a page without a date as older than any
dated source; a month (``2025-09``) as its last day. Between sources of the same date,
the usual precedence decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from rolegraph.errors import OptionError
from rolegraph.model.records import (
    CATALOGUE_KINDS,
    ROLE_CONTENT_KIND,
    SKILL_DESCRIPTIONS_KIND,
    Origin,
    Requirement,
    Role,
    RoleLevel,
    RoleSkill,
    SharedSkills,
    Skill,
    Source,
)
from rolegraph.model.report import ImportReport


class _Records(Protocol):
    """The records being combined (``combine.merge._Records``), one per source."""

    roles: list[Role]
    levels: list[RoleLevel]
    skills: list[Skill]
    requirements: list[Requirement]
    shared: list[SharedSkills]
    listed: list[RoleSkill]


_IsOlder = Callable[[str, Origin], bool]
_Note = Callable[[str, Origin, str], None]
_Recount = Callable[[Origin, str], None]

EXPORT_KINDS = frozenset({ROLE_CONTENT_KIND, SKILL_DESCRIPTIONS_KIND})
_DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")
#: Where an undated source sorts: an export as the newest, anything else as the oldest.
_NEWEST, _OLDEST = "9999-12-31", "0000-00-00"


def check_date(text: str) -> str:
    """A date as a user gives it (``2025-09-15`` or ``2025-09``); an OptionError if not."""
    from datetime import date

    value = text.strip()
    try:
        date.fromisoformat(value if len(value) == 10 else value + "-01")
    except ValueError:
        value = ""
    if not _DATE.fullmatch(value):
        raise OptionError(
            f"{text!r} is not a date",
            hint="write it as YYYY-MM-DD or YYYY-MM, such as 2025-09-15 or 2025-09",
        )
    return value


def source_date(source: Source) -> str | None:
    """A source's date: last updated, else published, else its release name if it is a
    date (``2025-09``); None if it has none."""
    for value in (source.updated, source.published, source.release):
        if value and _DATE.fullmatch(value):
            return value
    return None


def _sort_date(source: Source) -> str:
    date = source_date(source)
    if date is None:
        return _NEWEST if source.kind in EXPORT_KINDS else _OLDEST
    # A month (a release name) covers the whole month: ties go to the export.
    return date if len(date) == 10 else date + "-31"


@dataclass
class SetAside:
    """What the dates set aside: the older sources, and the facts of theirs not used."""

    #: Keys of the sources older than another that describes the same role, some of whose
    #: facts were set aside (an older source that says only what the newer says is not).
    older: list[str] = field(default_factory=list)
    #: One line per fact not used (what the report lists).
    facts: list[str] = field(default_factory=list)


class _Dates:
    def __init__(self, sources: Sequence[Source]) -> None:
        self.by_key = {s.key: s for s in sources}
        self.sort = {s.key: _sort_date(s) for s in sources}
        self.catalogues = {s.key for s in sources if s.kind in CATALOGUE_KINDS}

    def of(self, origin: Origin) -> str:
        return self.sort.get(origin.source, _OLDEST)

    def label(self, key: str) -> str:
        source = self.by_key.get(key)
        date = source_date(source) if source is not None else None
        if date is not None:
            return f"{key} of {date}"
        if source is not None and source.kind in EXPORT_KINDS:
            return f"{key} (undated export, taken as the newest)"
        return f"{key} (no date)"


def set_aside_older(records: _Records, sources: Sequence[Source], report: ImportReport) -> SetAside:
    """Remove from ``records`` what older sources say about roles a newer source describes;
    report each fact not used. Returns what was set aside."""
    dates = _Dates(sources)
    newest: dict[str, tuple[str, str]] = {}  # role -> (sort date, source key)
    described = [(r.role, r.origin) for r in records.levels]
    described += [(q.role, q.origin) for q in records.requirements]
    for role, origin in described:
        when = (dates.of(origin), origin.source)
        if role not in newest or when[0] > newest[role][0]:
            newest[role] = when

    def is_older(role: str, origin: Origin) -> bool:
        if origin.source in dates.catalogues:
            return False  # the skill catalogues are compared with each other (reconcile)
        return role in newest and dates.of(origin) < newest[role][0]

    out = SetAside()

    def note(role: str, origin: Origin, fact: str) -> None:
        key = origin.source
        if key not in out.older:
            out.older.append(key)
        line = (
            f"older source, not used: {fact} ({dates.label(key)}; "
            f"{dates.label(newest[role][1])} is newer)"
        )
        out.facts.append(line)
        report.add(
            "older",
            line,
            file=key,
            rows=origin.row or (),
            lines=origin.line or (),
            severity="warning",
        )

    def recount(origin: Origin, outcome: str) -> None:
        source = dates.by_key.get(origin.source)
        if source is not None and source.kind != SKILL_DESCRIPTIONS_KIND:  # rows: skills
            _recount(report, origin.source, outcome)

    _requirements(records, is_older, note, recount)
    _levels(records, is_older, note)
    _roles_and_shared(records, is_older, note)
    _listed(records, is_older, note, recount)
    for skill, fact in _skills(records, dates, set(out.older)):
        line = f"older source, not used: {fact} ({dates.label(skill.origin.source)})"
        out.facts.append(line)
        report.at("older", line, skill.origin, severity="warning")
    return out


def _recount(report: ImportReport, key: str, outcome: str) -> None:
    """A row of ``key`` counted as used is set aside: merged (a newer source says the same)
    or reported (it says something else), so that the file's counts still reconcile."""
    for stats in report.files:
        if stats.file == key and stats.rows_used > 0:
            stats.rows_used -= 1
            if outcome == "merged":
                stats.rows_merged += 1
            else:
                stats.rows_reported += 1
            return


def _requirements(records: _Records, is_older: _IsOlder, note: _Note, recount: _Recount) -> None:
    newer = {
        (q.role, q.level, q.skill): q
        for q in records.requirements
        if not is_older(q.role, q.origin)
    }
    kept: list[Requirement] = []
    for q in records.requirements:
        if not is_older(q.role, q.origin):
            kept.append(q)
            continue
        same = newer.get((q.role, q.level, q.skill))
        if same is None:
            note(q.role, q.origin, f"{q.level!r} x {q.skill!r} at {q.tier or 'no tier'}")
        elif same.tier != q.tier:
            note(
                q.role,
                q.origin,
                f"{q.level!r} x {q.skill!r} at {q.tier or 'no tier'} (newer: {same.tier})",
            )
        elif q.descriptor and q.descriptor != same.descriptor:
            note(q.role, q.origin, f"the descriptor of {q.level!r} x {q.skill!r} at {q.tier}")
        else:
            recount(q.origin, "merged")
            continue
        recount(q.origin, "reported")
    records.requirements = kept


def _levels(records: _Records, is_older: _IsOlder, note: _Note) -> None:
    newer = {(lv.role, lv.name): lv for lv in records.levels if not is_older(lv.role, lv.origin)}
    kept: list[RoleLevel] = []
    for lv in records.levels:
        if not is_older(lv.role, lv.origin):
            kept.append(lv)
            continue
        same = newer.get((lv.role, lv.name))
        if same is None:
            note(lv.role, lv.origin, f"role level {lv.name!r} of {lv.role!r}")
            continue
        if lv.description and lv.description != same.description:
            note(lv.role, lv.origin, f"the description of role level {lv.name!r}")
        # Only what the newer source cannot say: the stated order, the grades shown.
        kept.append(replace(lv, description=None))
    records.levels = kept


def _roles_and_shared(records: _Records, is_older: _IsOlder, note: _Note) -> None:
    newer = {r.name: r for r in records.roles if not is_older(r.name, r.origin)}
    roles = []
    for r in records.roles:
        if not is_older(r.name, r.origin):
            roles.append(r)
            continue
        same = newer.get(r.name)
        if r.description and (same is None or r.description != same.description):
            note(r.name, r.origin, f"the description of role {r.name!r}")
        family = None if same is not None and same.family else r.family
        roles.append(replace(r, description=None, family=family))
    records.roles = roles
    # The export has no shared-skills table: an older page's rows are kept, without the
    # skills no newer source names (a renamed or retired skill).
    known = {q.skill for q in records.requirements}
    shared = []
    for s in records.shared:
        if not is_older(s.role, s.origin):
            shared.append(s)
            continue
        gone = [k for k in s.skills if k not in known]
        if gone:
            note(
                s.role,
                s.origin,
                f"{', '.join(map(repr, gone))} in the skills {s.role!r} shares with "
                f"{s.other_role!r}",
            )
        kept = tuple(k for k in s.skills if k in known)
        if kept:
            shared.append(replace(s, skills=kept))
    records.shared = shared


def _listed(records: _Records, is_older: _IsOlder, note: _Note, recount: _Recount) -> None:
    """An older page's list of the role's skills (GOV.UK before 2023) is not used."""
    required = {(q.role, q.skill) for q in records.requirements}
    kept = []
    for x in records.listed:
        if not is_older(x.role, x.origin):
            kept.append(x)
        elif (x.role, x.skill) not in required:
            note(x.role, x.origin, f"{x.role!r} uses the skill {x.skill!r}")
            recount(x.origin, "reported")
        else:
            recount(x.origin, "merged")
    records.listed = kept


def _skills(records: _Records, dates: _Dates, older: set[str]) -> list[tuple[Skill, str]]:
    """Drop the skills only a set-aside source names that nothing kept needs, and the
    description and descriptors of a skill's older records (they never add to a newer
    one's); what was not used, as (record, fact)."""
    needed = {q.skill for q in records.requirements}
    needed.update(k for s in records.shared for k in s.skills)
    needed.update(x.skill for x in records.listed)
    newest: dict[str, Skill] = {}
    for s in records.skills:
        if s.name not in newest or dates.of(s.origin) > dates.of(newest[s.name].origin):
            newest[s.name] = s
    kept: list[Skill] = []
    unused: list[tuple[Skill, str]] = []
    for s in records.skills:
        top = newest[s.name]
        if s.origin.source in dates.catalogues:
            kept.append(s)  # compared with the other catalogue, as before (reconcile)
        elif dates.of(s.origin) < dates.of(top.origin):
            if s.description and s.description != top.description:
                unused.append((s, f"the description of skill {s.name!r}"))
            extra = [t for t, _ in s.descriptors if t not in dict(top.descriptors)]
            if extra:
                unused.append((s, f"the descriptors of skill {s.name!r} at {', '.join(extra)}"))
            kept.append(replace(s, descriptors=(), description=None, untiered_descriptor=None))
        elif s.origin.source in older and s.name not in needed:
            unused.append((s, f"skill {s.name!r}, which no newer source names"))
        else:
            kept.append(s)
    records.skills = kept
    return unused
