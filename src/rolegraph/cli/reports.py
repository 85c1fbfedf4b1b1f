"""What each career result shows: its JSON data and its blocks (headings, paragraphs,
tables), for :mod:`rolegraph.cli.render` to print as a table, Markdown, CSV or JSON.

Between the analysis (:mod:`rolegraph.analysis.careers`) and the commands
(:mod:`rolegraph.cli.analysis_cmds`): a command builds a result, wraps it in its report
here, and shows it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rolegraph.analysis.careers import (
    ACROSS,
    GAP,
    MEASURE,
    CareerPath,
    Coverage,
    Gap,
    Ladder,
    LadderStep,
    Match,
    Neighbour,
    Overlap,
    gap_record,
    path_record,
    person_record,
    similar_record,
    team_record,
)
from rolegraph.cli.render import MD, READABLE, TABLE, Block, Grid, Heading, Para, Tight
from rolegraph.combine.ordering import MAIN_TRACK
from rolegraph.util.render import Cell, md_text

ARROW = "→"
GAP_HEADERS = ("status", "skill", "has", "needs", "steps")
LADDER_HEADERS = ("from_level", "to_level", "change", "skill", "from_tier", "to_tier")
MOVE_HEADERS = ("move", "kind", "from_level", "to_level", "cost")
STEP_HEADERS = ("skill", "has", "needs", "steps")
MATCH_HEADERS = ("rank", "level", "role", "similarity", "coverage", "missing_steps")
TEAM_HEADERS = ("status", "skill", "needs", "best", "short", "holders", "people")


def pct(value: float) -> int:
    return round(value * 100)


def count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _md_lines(text: str) -> list[str]:
    """A multi-line text (a descriptor: "You can:" then "- " bullets) as Markdown lines:
    the bullets stay a list, every text is escaped."""
    return [
        f"- {md_text(line[2:])}" if line.startswith("- ") else md_text(line)
        for line in text.splitlines()
        if line.strip()
    ]


def _md_numbered(line: str) -> str:
    """ "1. text" as a Markdown ordered-list item whose text is escaped."""
    number, _, rest = line.partition(". ")
    return f"{number}. {md_text(rest)}"


# -- gap ------------------------------------------------------------------------------


def gap_blocks(g: Gap) -> list[Block]:
    """The summary, the table of skills and, for each gap, what the target needs."""
    rows: list[list[Cell]] = [
        [s.status, s.label, s.have or "none", s.need or "none", s.steps] for s in g.skills
    ]
    out: list[Block] = [
        Para(f"{g.source} {ARROW} {g.target}: {g.summary()}", only=TABLE),
        Heading(f"{g.source} {ARROW} {g.target}", only=MD),
        Para(g.summary(), only=MD),
        Grid(GAP_HEADERS, rows),
    ]
    gaps = g.with_status(GAP)
    if gaps:
        needs = f"What {g.target} needs you to be able to do"
        out.append(Para(needs + ":", md=f"**{md_text(needs)}**"))
    for s in gaps:
        text = s.descriptor or "(no descriptor)"
        indented = "".join("\n  " + line for line in text.splitlines())
        out.append(Para(f"{s.label} ({s.need}):{indented}", only=TABLE))
        out.append(
            Tight(
                Heading(f"{s.label}: {s.need}", 4),
                Para("", md="\n".join(_md_lines(text))),
                only=MD,
            )
        )
    return out


@dataclass(frozen=True)
class GapReport:
    gap: Gap

    def json(self) -> dict[str, Any]:
        return gap_record(self.gap)

    def blocks(self) -> list[Block]:
        return gap_blocks(self.gap)


# -- ladder ---------------------------------------------------------------------------


def _changes_json(step: LadderStep) -> list[dict[str, Any]]:
    return [
        {"change": c.change, "skill": c.label, "from_tier": c.before, "to_tier": c.after}
        for c in step.changes
    ]


def _step_text(step: LadderStep) -> str:
    kinds = Counter(c.change for c in step.changes)
    return ", ".join([*(f"{n} {k}" for k, n in kinds.items()), f"{step.unchanged} unchanged"])


@dataclass(frozen=True)
class LadderReport:
    ladder: Ladder

    def json(self) -> dict[str, Any]:
        lad = self.ladder
        levels = []
        for level, skills in zip(lad.levels, lad.skill_counts, strict=True):
            entry: dict[str, Any] = {
                "rank": lad.number(level),
                "rank_basis": level.rank_basis,
                "level": level.label,
                "track": level.track,
                "skills": skills,
            }
            beside = lad.beside(level)
            if beside is not None:
                entry["beside"] = beside.label
            for step in lad.step_into(level):
                entry["from"] = step.lower.label
                entry["unchanged"] = step.unchanged
                entry["changes"] = _changes_json(step)
            across = lad.step_into(level, ACROSS)
            if across:
                entry["across"] = [
                    {
                        "from": st.lower.label,
                        "unchanged": st.unchanged,
                        "changes": _changes_json(st),
                    }
                    for st in across
                ]
            levels.append(entry)
        return {
            "role": lad.role.label,
            "family": lad.role.family,
            "tracks": [
                {"track": t.name, "levels": [lv.label for lv in t.levels]} for t in lad.tracks
            ],
            "levels": levels,
        }

    def summary(self) -> list[list[str]]:
        """For each track, one numbered line per level: its skills and what changed from
        the level below it on its track (and, on the management track, across from the
        main track). A management level is numbered as the main level it sits beside."""
        lad = self.ladder
        skills = {lv.iri: n for lv, n in zip(lad.levels, lad.skill_counts, strict=True)}
        main = next((t for t in lad.tracks if t.name == MAIN_TRACK), None)
        out: list[list[str]] = []
        for track in lad.tracks:
            lines = []
            for level in track.levels:
                line = f"{lad.number(level)}. {level.label}: {count(skills[level.iri], 'skill')}"
                for step in lad.step_into(level):
                    line += (
                        "; "
                        + (f"up from {step.lower.label}: " if track is not main else "")
                        + _step_text(step)
                    )
                for step in lad.step_into(level, ACROSS):
                    line += f"; across from {step.lower.label}: {_step_text(step)}"
                lines.append(line)
            out.append(lines)
        return out

    def blocks(self) -> list[Block]:
        lad = self.ladder
        summary = self.summary()
        rows: list[list[Cell]] = [
            [st.lower.label, st.higher.label, c.change, c.label, c.before, c.after]
            for st in lad.steps
            for c in st.changes
        ]
        title = f"{lad.role.label}: {count(len(lad.levels), 'level')}"
        if len(lad.tracks) > 1:
            title += f" on {len(lad.tracks)} tracks"
        title += ", most junior first"
        if any(lv.rank_basis == "derived" for lv in lad.levels):
            # No source states this role's order: rolegraph derived it (see the import report).
            title += " (order derived from level names and tiers, not stated by a source)"
        out: list[Block] = [Heading(title)] if len(lad.tracks) > 1 else []
        for track, lines in zip(lad.tracks, summary, strict=True):
            head = Heading(_track_title(track.name), 4) if out else Heading(title)
            text = "\n".join("  " + s for s in lines)
            out.append(Tight(head, Para(text, md="\n".join(map(_md_numbered, lines)))))
        if rows:
            out.append(Grid(LADDER_HEADERS, rows))
        elif len(lad.levels) > 1:
            out.append(Para("(no changes between levels)", only=TABLE))
        return out


def _track_title(name: str) -> str:
    if name == MAIN_TRACK:
        return "Main track"
    return f"{name.capitalize()} track (each level beside the main level of its band)"


# -- similar --------------------------------------------------------------------------


@dataclass(frozen=True)
class SimilarReport:
    label: str
    is_role: bool
    found: list[Neighbour]
    #: the levels of the level's own role were left out
    other_roles: bool = False

    def json(self) -> dict[str, Any]:
        return similar_record(self.label, self.is_role, self.found, self.other_roles)

    def blocks(self) -> list[Block]:
        found = self.found
        if self.is_role:
            headers: tuple[str, ...] = ("rank", "role", "family", "similarity", "shared", "skills")
            rows: list[list[Cell]] = [
                [i + 1, n.label, n.family, round(n.similarity, 3), n.shared, n.skills]
                for i, n in enumerate(found)
            ]
        else:
            headers = ("rank", "level", "role", "similarity", "shared", "skills")
            rows = [
                [i + 1, n.label, n.role, round(n.similarity, 3), n.shared, n.skills]
                for i, n in enumerate(found)
            ]
        kind = "roles" if self.is_role else "role levels"
        if self.other_roles:
            kind += " of other roles"
        title = (
            f"The {kind} most similar to {self.label} "
            "(tier-weighted Jaccard; shared = skills both use)"
        )
        if not found:
            return [Heading(title), Para(f"(no {kind} share a skill with {self.label})")]
        return [Heading(title), Grid(headers, rows)]


# -- overlap --------------------------------------------------------------------------


@dataclass(frozen=True)
class OverlapReport:
    overlap: Overlap
    measure: str  # "similarity" or "shared"

    def json(self) -> dict[str, Any]:
        ov = self.overlap
        return {
            "measure": MEASURE,
            "roles": [
                {"role": r, "family": f} for r, f in zip(ov.labels, ov.families, strict=True)
            ],
            "similarity": [[round(v, 4) for v in row] for row in ov.similarity],
            "shared": ov.shared,
            "left_out": ov.left_out,
        }

    def blocks(self) -> list[Block]:
        ov = self.overlap
        similarity = self.measure == "similarity"
        values: Sequence[Sequence[float]] = ov.similarity if similarity else ov.shared
        csv_rows: list[list[Cell]] = [
            [label, *(round(v, 4) if similarity else v for v in row)]
            for label, row in zip(ov.labels, values, strict=True)
        ]
        headers = ["#", "role", *(str(i + 1) for i in range(len(ov.labels)))]
        rows: list[list[Cell]] = [
            [i + 1, label, *(pct(v) if similarity else v for v in row)]
            for i, (label, row) in enumerate(zip(ov.labels, values, strict=True))
        ]
        what = (
            "similarity in % (tier-weighted Jaccard)"
            if similarity
            else "number of skills both roles use"
        )
        title = f"Role overlap: {what}; columns numbered as rows; clustered order"
        return [
            Grid(["role", *ov.labels], csv_rows, only=("csv",)),
            Heading(title, only=READABLE),
            Grid(headers, rows, only=READABLE),
        ]


# -- path -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PathReport:
    path: CareerPath

    def json(self) -> dict[str, Any]:
        return path_record(self.path)

    def blocks(self) -> list[Block]:
        p = self.path
        head = (
            f"{p.source} {ARROW} {p.target}: {count(len(p.moves), 'move')}, "
            f"{count(p.cost, 'tier step')} to gain"
        )
        if not p.moves:
            return [Para(head)]
        moves: list[list[Cell]] = [
            [i + 1, m.kind, m.gap.source, m.gap.target, m.cost] for i, m in enumerate(p.moves)
        ]
        out: list[Block] = [Heading(head), Grid(MOVE_HEADERS, moves)]
        for i, m in enumerate(p.moves):
            title = f"Move {i + 1}, {m.kind} to {m.gap.target}: {count(m.cost, 'tier step')}"
            rows: list[list[Cell]] = [
                [s.label, s.have or "none", s.need, s.steps] for s in m.gap.with_status(GAP)
            ]
            body = Grid(STEP_HEADERS, rows) if rows else Para("(nothing new to learn)")
            out.append(Tight(Heading(title, 4), body))
        out.append(Para("'rolegraph gap FROM TO' shows what each move needs you to be able to do."))
        return out


# -- assess ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonReport:
    name: str
    skills: int
    matches: list[Match]
    gaps: list[Gap]

    def json(self) -> dict[str, Any]:
        return person_record(self.name, self.skills, self.matches, self.gaps)

    def blocks(self) -> list[Block]:
        rows: list[list[Cell]] = [
            [i + 1, m.level.label, m.role, round(m.similarity, 3), f"{pct(m.coverage)}%", m.steps]
            for i, m in enumerate(self.matches)
        ]
        title = (
            f"Role levels most like {self.name} ({count(self.skills, 'skill')}; "
            "tier-weighted Jaccard; coverage = share of the level's tiers held)"
        )
        out: list[Block] = [Heading(title), Grid(MATCH_HEADERS, rows)]
        for g in self.gaps:
            out += gap_blocks(g)
        return out


def _people(c: Coverage) -> str:
    """Who has a skill at the needed tier; on a gap, who is nearest (and at which tier)."""
    if c.holders:
        return ", ".join(c.holders)
    if c.nearest:
        return f"nearest: {', '.join(c.nearest)} ({c.best})"
    return "nobody has it"


@dataclass(frozen=True)
class TeamReport:
    label: str
    people: list[str]
    #: (level name, coverage of each skill it needs) per target
    targets: list[tuple[str, list[Coverage]]]

    def json(self) -> dict[str, Any]:
        return team_record(self.label, self.people, self.targets)

    def blocks(self) -> list[Block]:
        n = len(self.people)
        out: list[Block] = []
        for level, cov in self.targets:
            covered = sum(1 for c in cov if c.holders)
            title = (
                f"{self.label} ({n} {'person' if n == 1 else 'people'}) against {level}: "
                f"{covered} of {count(len(cov), 'skill')} covered"
            )
            rows: list[list[Cell]] = [
                [
                    c.status,
                    c.skill,
                    c.need,
                    c.best or "none",
                    c.short,
                    len(c.holders),
                    _people(c),
                ]
                for c in cov
            ]
            out += [Heading(title), Grid(TEAM_HEADERS, rows)]
        return out
